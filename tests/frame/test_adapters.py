"""Input adapters: every kind of data reaches the engine as Arrow batches of the touched columns."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dataguard as dg
from dataguard._frame import as_source
from dataguard._frame._memory import _floats_or_times
from dataguard.expectations import (
    Between,
    ColumnCountEqual,
    ColumnType,
    InSet,
    MatchesRegex,
    MeanBetween,
    NotNull,
    RowCountEqual,
    Unique,
    ValueLengthEqual,
)

Reason = dg.Reason


def _results(result: dg.ValidationResult) -> list[dict[str, Any]]:
    return [r.to_dict() for r in result.results]


# --- pandas ------------------------------------------------------------------------------------


def test_pandas_nullable_and_special_dtypes(one: Any) -> None:
    frame = pd.DataFrame(
        {
            "Int64": pd.array([1, None, 3], dtype="Int64"),
            "string": pd.array(["a", None, "ccc"], dtype="string"),
            "pyarrow_string": pd.array(["a", None, "ccc"], dtype="string[pyarrow]"),
            "boolean": pd.array([True, None, False], dtype="boolean"),
            "category": pd.Categorical(["a", None, "ccc"]),
            "tz": pd.to_datetime(["2020-01-01", None, "2020-01-03"]).tz_localize("Asia/Tokyo"),
            "arrow_int": pd.array([1, None, 3], dtype="int64[pyarrow]"),
        }
    )
    for column in frame.columns:
        result = one(frame, NotNull(column))
        assert result.unexpected_index_list == (1,), column
    assert one(frame, Between("Int64", max_value=2)).unexpected_index_list == (2,)
    assert one(frame, Between("arrow_int", max_value=2)).unexpected_index_list == (2,)
    for column in ("string", "pyarrow_string", "category"):
        assert one(frame, ValueLengthEqual(column, value=1)).unexpected_index_list == (2,)
    assert one(frame, InSet("boolean", value_set=[True])).unexpected_index_list == (2,)
    assert one(
        frame, Between("tz", max_value="2020-01-02T00:00:00+09:00")
    ).unexpected_index_list == (2,)
    assert one(frame, MeanBetween("boolean", min_value=0.5, max_value=0.5)).passed


def test_pandas_mixed_object_columns_are_strings_flagged_mixed(one: Any) -> None:
    frame = pd.DataFrame({"m": pd.Series([1, "a", 2.5, None, True], dtype=object)})
    info = as_source(frame).info("m")
    assert info.mixed is True
    assert info.dtype == "object"
    assert one(frame, ColumnType(column="m", logical_type="string")).passed is False
    # Converted to text, nulls kept: null checks work, typed checks report the mixture.
    assert one(frame, NotNull("m")).unexpected_index_list == (3,)
    result = one(frame, MatchesRegex("m", regex=r"^\d"))
    assert result.reason is Reason.TYPE_MISMATCH
    assert "has type object" in result.message


def test_pandas_index_and_column_positions(one: Any) -> None:
    frame = pd.DataFrame({"x": [5, -1, 7, -2]}, index=[10, 30, 20, 0])
    result = one(frame, Between("x", min_value=0))
    assert result.unexpected_index_list == (1, 3)  # row positions, not index labels
    sliced = pd.DataFrame({"x": range(10)}).iloc[::3]
    assert one(sliced, Between("x", max_value=5)).unexpected_index_list == (2, 3)


@pytest.mark.parametrize(
    ("frame", "words"),
    [
        (pd.DataFrame([[1, 2]], columns=["a", "a"]), "duplicate column names"),
        (pd.DataFrame([[1, 2]]), "string column names"),
        (
            pd.DataFrame([[1]], columns=pd.MultiIndex.from_tuples([("a", "b")])),
            "string column names",
        ),
    ],
)
def test_pandas_column_names_must_be_unique_strings(frame: pd.DataFrame, words: str) -> None:
    with pytest.raises(dg.InputError, match=words):
        dg.validate(frame, dg.Suite([RowCountEqual(value=1)]))


class Untouchable:
    """A value whose conversion would show that its column was touched."""

    def __str__(self) -> str:
        raise AssertionError("an untouched column was converted")

    __repr__ = __str__


def test_only_the_touched_columns_are_converted(one: Any) -> None:
    frame = pd.DataFrame(
        {
            "used": [1, 2, None],
            "untouched": pd.Series([Untouchable(), 1, "x"], dtype=object),
        }
    )
    assert one(frame, NotNull("used")).unexpected_count == 1
    assert one(frame, RowCountEqual(value=3)).passed
    assert one(frame, ColumnCountEqual(value=2)).passed
    source = as_source(frame)
    assert source.dtypes == ("float64", "object")  # names and dtypes need no conversion
    list(source.batches(["used"], None))
    with pytest.raises(AssertionError, match="untouched"):
        source.info("untouched")


def test_polars_object_columns_are_not_touched(one: Any) -> None:
    frame = pl.DataFrame(
        {"used": [1, None], "objects": pl.Series([object(), object()], dtype=pl.Object)}
    )
    assert one(frame, NotNull("used")).unexpected_index_list == (1,)


# --- polars and pyarrow ------------------------------------------------------------------------


def test_polars_frames_and_lazy_frames(run: Any) -> None:
    frame = pl.DataFrame(
        {
            "i": pl.Series([1, None, 3], dtype=pl.Int32),
            "s": ["a", None, "ccc"],
            "c": pl.Series(["a", "b", "a"], dtype=pl.Categorical),
            "e": pl.Series(["x", "y", "x"], dtype=pl.Enum(["x", "y"])),
            "t": [dt.datetime(2020, 1, 1), None, dt.datetime(2020, 1, 3)],
            "u": pl.Series([1, 2, 3], dtype=pl.UInt64),
        }
    )
    suite = [
        NotNull("i"),
        ValueLengthEqual("s", value=1),
        InSet("c", value_set=["a"]),
        InSet("e", value_set=["x"]),
        Between("t", max_value="2020-01-02"),
        Between("u", min_value=2),
        ColumnType(column="c", logical_type="categorical"),
    ]
    eager = run(frame, *suite)
    lazy = run(frame.lazy(), *suite)
    assert _results(eager) == _results(lazy)
    assert [r.unexpected_index_list for r in eager.results[:6]] == [
        (1,),
        (2,),
        (1,),
        (1,),
        (2,),
        (0,),
    ]
    assert eager.results[6].passed


def test_pyarrow_tables_batches_chunked_and_dictionary_columns(run: Any) -> None:
    chunked = pa.chunked_array([[1, 2], [None], [], [4, 1]])
    table = pa.table(
        {
            "x": chunked,
            "d": pa.chunked_array(
                [
                    pa.array(["a", "b"]).dictionary_encode(),
                    pa.array(["a", None, "c"]).dictionary_encode(),
                ]
            ),
            "v": pa.array(["a", "b", None, "a", "b"], type=pa.string_view()),
        }
    )
    suite = [
        Unique("x"),
        InSet("d", value_set=["a", "b"]),
        ValueLengthEqual("v", value=1),
        NotNull("d"),
    ]
    from_table = run(table, *suite)
    assert [r.unexpected_index_list for r in from_table.results] == [(0, 4), (4,), (), (3,)]
    batch = table.combine_chunks().to_batches()[0]
    assert _results(run(batch, *suite)) == _results(from_table)
    assert _results(run(table, *suite, chunk_size=2)) == _results(from_table)


def test_dicts_and_arrow_c_stream_objects(run: Any) -> None:
    assert run({"x": [1, None]}, NotNull("x")).results[0].unexpected_index_list == (1,)
    with pytest.raises(dg.InputError, match="dict of columns"):
        run({"x": [1, 2], "y": [1]}, NotNull("x"))

    class Stream:
        def __init__(self, table: pa.Table) -> None:
            self._table = table

        def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
            return self._table.__arrow_c_stream__(requested_schema)

    result = run(Stream(pa.table({"x": [1, None]})), NotNull("x"))
    assert result.results[0].unexpected_index_list == (1,)


@pytest.mark.parametrize(
    "data", [42, b"not a path", 3.5, None], ids=["int", "bytes", "float", "none"]
)
def test_unsupported_objects_are_input_errors(data: Any) -> None:
    with pytest.raises(dg.InputError, match="cannot validate"):
        dg.validate(data, dg.Suite([RowCountEqual(value=0)]))


# --- iterables of record batches ---------------------------------------------------------------


def _batches() -> list[pa.RecordBatch]:
    return [
        pa.record_batch({"x": [1, 2, 3], "s": ["a", "b", None]}),
        pa.record_batch({"x": [4, 1], "s": ["c", "a"]}),
        pa.record_batch({"x": pa.array([], pa.int64()), "s": pa.array([], pa.string())}),
        pa.record_batch({"x": [6], "s": ["b"]}),
    ]


def _one_shot() -> Iterator[pa.RecordBatch]:
    yield from _batches()


def test_one_shot_iterable_with_a_two_pass_suite(run: Any) -> None:
    # unique needs the value counts (first pass) before it can flag rows (second pass).
    suite = [Unique("x"), Unique("s"), NotNull("s"), RowCountEqual(value=6)]
    streamed = run(_one_shot(), *suite, result_format="complete")
    in_memory = run(pa.Table.from_batches(_batches()), *suite, result_format="complete")
    assert _results(streamed) == _results(in_memory)
    assert [r.unexpected_index_list for r in streamed.results[:3]] == [(0, 4), (0, 1, 4, 5), (2,)]
    reader = pa.RecordBatchReader.from_batches(_batches()[0].schema, _batches())
    assert _results(run(reader, *suite, result_format="complete")) == _results(in_memory)
    tables = iter([pa.Table.from_batches(_batches()[:2]), _batches()[3]])
    assert run(tables, Unique("x")).results[0].unexpected_index_list == (0, 4)


def test_iterable_batches_are_sliced_to_chunk_size(run: Any) -> None:
    result = run(_one_shot(), Unique("x"), chunk_size=1, id_columns=("s",))
    assert result.results[0].unexpected_index_list == ({"s": "a"}, {"s": "a"})


@pytest.mark.parametrize(
    ("items", "words"),
    [
        ([], "got nothing"),
        ([1, 2], "got int"),
        ([pa.record_batch({"x": [1]}), "no"], "yielded str"),
        ([pa.record_batch({"x": [1]}), pa.record_batch({"x": ["a"]})], "schema"),
    ],
    ids=["empty", "not-batches", "later-not-batch", "schema-change"],
)
def test_bad_iterables_are_input_errors(items: list[Any], words: str) -> None:
    with pytest.raises(dg.InputError, match=words):
        dg.validate(iter(items), dg.Suite([NotNull("x")]))


def test_a_consumed_iterable_cannot_be_read_again() -> None:
    stream = _one_shot()
    dg.validate(stream, dg.Suite([NotNull("x")]))
    with pytest.raises(dg.InputError):
        dg.validate(stream, dg.Suite([NotNull("x")]))


# --- files ---------------------------------------------------------------------------------------


TABLE = pa.table(
    {
        "x": pa.array([float(k) if k % 10 else None for k in range(1000)]),
        "s": pa.array([f"v{k % 7}" if k % 13 else None for k in range(1000)]),
        "t": pa.array([dt.datetime(2020, 1, 1) + dt.timedelta(hours=k) for k in range(1000)]),
    }
)
SUITE = [
    NotNull("x"),
    Unique("s"),
    Between("x", max_value=900),
    InSet("s", value_set=["v1", "v2"]),
    RowCountEqual(value=1000),
]


def _write(table: pa.Table, path: Path) -> Path:
    name = path.name
    if name.endswith(".parquet"):
        pq.write_table(table, path, row_group_size=100)
    elif name.endswith((".csv", ".csv.gz")):
        sink = pa.BufferOutputStream()
        pcsv.write_csv(table, sink)
        data = sink.getvalue().to_pybytes()
        path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    elif name.endswith(".tsv"):
        sink = pa.BufferOutputStream()
        pcsv.write_csv(table, sink, pcsv.WriteOptions(delimiter="\t"))
        path.write_bytes(sink.getvalue().to_pybytes())
    else:
        rows = table.to_pylist()
        path.write_text("".join(json.dumps(row, default=str) + "\n" for row in rows))
    return path


@pytest.mark.parametrize(
    "name", ["data.parquet", "data.csv", "data.csv.gz", "data.tsv", "data.jsonl", "data.ndjson"]
)
def test_files_give_the_in_memory_results_at_any_chunk_size(
    run: Any, tmp_path: Path, name: str
) -> None:
    path = _write(TABLE, tmp_path / name)
    expected = [
        (r.passed, r.unexpected_count, r.unexpected_index_list) for r in run(TABLE, *SUITE).results
    ]
    for chunk_size in (None, 64, 1000, 5000):
        result = run(path, *SUITE, chunk_size=chunk_size)
        got = [(r.passed, r.unexpected_count, r.unexpected_index_list) for r in result.results]
        assert got == expected, chunk_size
    assert run(str(path), *SUITE).run.data.source == str(path)


@pytest.mark.parametrize("name", ["data.parquet", "data.csv", "data.jsonl"])
def test_files_are_streamed_in_batches_of_chunk_size(tmp_path: Path, name: str) -> None:
    source = as_source(_write(TABLE, tmp_path / name))
    sizes = [batch.num_rows for batch in source.batches(["x"], 64)]
    assert sum(sizes) == 1000
    assert max(sizes) <= 64
    offsets = [batch.offset for batch in source.batches(["x"], 64)]
    assert offsets == list(np.cumsum([0, *sizes[:-1]]))
    first = next(iter(source.batches(["s"], 64)))
    assert first.array("s").to_pylist() == TABLE["s"][:64].to_pylist()
    with pytest.raises(KeyError):  # only the columns asked for are read
        first.array("x")


def _hostile(tmp_path: Path) -> dict[str, Path]:
    contents: dict[str, bytes] = {
        "garbage.parquet": bytes(range(256)) * 40,
        "garbage.csv": bytes(range(256)) * 40,
        "garbage.jsonl": bytes(range(256)) * 40,
        "empty.parquet": b"",
        "empty.csv": b"",
        "empty.jsonl": b"",
        "latin1.csv": "x,s\n1,caf\xe9\n".encode("latin-1"),
        "latin1.jsonl": '{"x": 1, "s": "caf\xe9"}\n'.encode("latin-1"),
        "ragged.csv": b"x,s\n1,a\n2\n",
        "truncated.jsonl": b'{"x": 1, "s": "a"}\n{"x": \n',
        "arrays.jsonl": b"[1, 2]\n",
        "blank.csv": b"\n\n\n",
        "unknown.xlsx": b"PK\x03\x04",
    }
    paths = {}
    for name, content in contents.items():
        path = tmp_path / name
        path.write_bytes(content)
        paths[name] = path
    paths["missing.parquet"] = tmp_path / "missing.parquet"
    paths["directory.csv"] = tmp_path / "directory.csv"
    paths["directory.csv"].mkdir()
    return paths


@pytest.mark.parametrize(
    "name",
    [
        "garbage.parquet",
        "garbage.csv",
        "garbage.jsonl",
        "empty.parquet",
        "empty.csv",
        "empty.jsonl",
        "latin1.csv",
        "latin1.jsonl",
        "ragged.csv",
        "truncated.jsonl",
        "arrays.jsonl",
        "blank.csv",
        "unknown.xlsx",
        "missing.parquet",
        "directory.csv",
    ],
)
def test_unreadable_files_are_input_errors_naming_the_file(tmp_path: Path, name: str) -> None:
    path = _hostile(tmp_path)[name]
    suite = dg.Suite([NotNull("x"), NotNull("s"), RowCountEqual(value=1)])
    with pytest.raises(dg.InputError) as caught:
        dg.validate(path, suite)
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_non_utf8_text_is_refused_only_when_the_column_is_read(tmp_path: Path) -> None:
    path = _hostile(tmp_path)["latin1.csv"]
    assert dg.validate(path, dg.Suite([NotNull("x"), RowCountEqual(value=1)])).passed
    with pytest.raises(dg.InputError, match="'s' is not valid UTF-8"):
        dg.validate(path, dg.Suite([MatchesRegex("s", regex="caf")]))


def test_zero_column_and_zero_row_files_are_data(tmp_path: Path, run: Any) -> None:
    zero_columns = tmp_path / "zero-columns.parquet"
    pq.write_table(pa.table({}), zero_columns)
    result = run(zero_columns, ColumnCountEqual(value=0), RowCountEqual(value=0), NotNull("x"))
    assert [r.passed for r in result.results] == [True, True, False]
    assert result.results[2].reason is Reason.COLUMN_MISSING
    zero_rows = tmp_path / "zero-rows.parquet"
    pq.write_table(pa.table({"x": pa.array([], pa.float64())}), zero_rows)
    result = run(zero_rows, RowCountEqual(value=0), NotNull("x"), MeanBetween("x", min_value=0))
    assert [r.reason for r in result.results] == [Reason.PASSED, Reason.PASSED, Reason.NO_DATA]
    header_only = tmp_path / "header.csv"
    header_only.write_text("x,s\n")
    result = run(header_only, RowCountEqual(value=0), NotNull("x"), MatchesRegex("s", regex="a"))
    assert all(r.passed for r in result.results)


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_a_huge_single_line_is_read(tmp_path: Path, run: Any, suffix: str) -> None:
    big = "x" * (20 * 1024 * 1024)  # larger than the reader's 16 MiB block
    path = tmp_path / f"huge.{suffix}"
    path.write_text(f"s\n{big}\n" if suffix == "csv" else json.dumps({"s": big}) + "\n")
    result = run(path, ValueLengthEqual("s", value=len(big)), RowCountEqual(value=1))
    assert [r.passed for r in result.results] == [True, True]


def test_empty_csv_fields_are_missing_values(tmp_path: Path, one: Any) -> None:
    path = tmp_path / "blanks.csv"
    path.write_text('x,s\n1,a\n,\n"",""\n4,NA\n')
    result = one(path, NotNull("s"))
    # A bare empty field and NA are missing; a quoted empty text is the empty string (as DuckDB
    # and polars read it), a quoted empty number missing.
    assert result.unexpected_index_list == (1, 3)
    assert one(path, NotNull("x")).unexpected_index_list == (1, 2)


def test_file_inputs_are_not_modified(tmp_path: Path) -> None:
    paths = [_write(TABLE, tmp_path / name) for name in ("a.parquet", "a.csv", "a.jsonl")]
    before = [p.read_bytes() for p in paths]
    for path in paths:
        dg.validate(path, dg.Suite(SUITE), chunk_size=100)
    assert [p.read_bytes() for p in paths] == before


def test_half_floats_are_widened(run: Any) -> None:
    frame = pd.DataFrame({"h": np.array([1, 2, 2, np.nan], dtype=np.float16)})
    table = pa.table({"h": pa.array(np.array([1, 2, 2], dtype=np.float16))})
    for data in (frame, table):
        result = run(data, Unique("h"), Between("h", max_value=1.5), MeanBetween("h", min_value=0))
        assert [r.reason for r in result.results] == [Reason.UNEXPECTED_VALUES] * 2 + [
            Reason.PASSED
        ]
        assert result.results[0].unexpected_index_list == (1, 2)


_floats = {
    "float64": st.floats(),
    "float32": st.floats(width=32),
}


@given(st.sampled_from(sorted(_floats)), st.data())
def test_numpy_floats_convert_as_arrow_converts_them(dtype: str, data: st.DataObject) -> None:
    values = data.draw(st.lists(st.one_of(st.none(), _floats[dtype]), max_size=70))
    series = pd.Series([np.nan if v is None else v for v in values], dtype=dtype)
    converted = _floats_or_times(series)
    assert converted is not None
    assert converted.equals(pa.Array.from_pandas(series))


@given(
    st.sampled_from(["s", "ms", "us", "ns"]),
    st.lists(st.one_of(st.none(), st.integers(-(2**62), 2**62)), max_size=70),
)
def test_numpy_times_convert_as_arrow_converts_them(unit: str, ticks: list[int | None]) -> None:
    raw = np.array([np.iinfo(np.int64).min if t is None else t for t in ticks], dtype=np.int64)
    series = pd.Series(raw.view(f"datetime64[{unit}]"))
    converted = _floats_or_times(series)
    assert converted is not None
    assert converted.equals(pa.Array.from_pandas(series))


def test_other_numpy_columns_are_left_to_arrow() -> None:
    assert _floats_or_times(pd.Series([1, 2], dtype="int64")) is None
    assert _floats_or_times(pd.Series([1.5, None], dtype="Float64")) is None
    assert _floats_or_times(pd.Series(np.array([1.0, 2.0], dtype=">f8"))) is None
    assert _floats_or_times(pd.Series(pd.to_datetime(["2024-01-01"]).tz_localize("UTC"))) is None


# --- types at the edges of what Arrow reads ------------------------------------------------------


@pytest.mark.parametrize("repeats", [1, 50_000], ids=["distinct", "shared-objects"])
def test_lone_surrogates_are_input_errors_naming_the_column(repeats: int) -> None:
    values = ["ok", "a\ud800b", None] * repeats
    frame = pd.DataFrame({"fine": ["x"] * len(values), "s": pd.Series(values, dtype=object)})
    assert dg.validate(frame, dg.Suite([NotNull("fine")])).passed  # untouched columns are fine
    for run in (
        lambda: dg.validate(frame, dg.Suite([MatchesRegex("s", regex="a")])),
        lambda: dg.profile(frame),
    ):
        with pytest.raises(dg.InputError, match=r"column 's', row 1: .*lone surrogate"):
            run()


@pytest.mark.parametrize("dtype", [">i8", ">f8", ">u4", ">f4"])
def test_big_endian_columns_are_read(one: Any, dtype: str) -> None:
    frame = pd.DataFrame({"x": np.array([1, 2, 3], dtype=dtype)})
    assert one(frame, ColumnType(column="x", logical_type="numeric")).passed
    assert one(frame, Between("x", max_value=2)).unexpected_index_list == (2,)
    assert one(frame, MeanBetween("x", min_value=2, max_value=2)).passed


def test_polars_128_bit_integers_are_exact_decimals(one: Any) -> None:
    frame = pl.DataFrame(
        {
            "i": pl.Series([1, 2**100, None], dtype=pl.Int128),
            "u": pl.Series([1, 2**100, None], dtype=pl.UInt128),
        }
    )
    for column in ("i", "u"):
        result = one(frame, Between(column, max_value=2**100 - 1))
        assert result.unexpected_index_list == (1,)
        assert one(frame, InSet(column, value_set=[1, 2**100])).passed
    too_big = pl.DataFrame({"i": pl.Series([2**127 - 1], dtype=pl.Int128)})  # 39 digits
    with pytest.raises(dg.InputError, match=r"column 'i' of type Int128 cannot be read"):
        dg.validate(too_big, dg.Suite([Between("i", min_value=0)]))


def test_arrow_string_views_are_strings(one: Any) -> None:
    table = pa.table({"s": pa.array(["a", "b", None], type=pa.string_view())})
    assert one(table, MatchesRegex("s", regex="^a$")).unexpected_index_list == (1,)
    assert one(table, InSet("s", value_set=["a"])).unexpected_index_list == (1,)
    assert one(table, ColumnType(column="s", logical_type="string")).passed


def _nested(levels: int) -> pa.DataType:
    t: pa.DataType = pa.int64()
    for _ in range(levels):
        t = pa.struct([("a", t)])
    return t


@pytest.mark.parametrize("levels", [65, 8_000, 200_000])
def test_json_lines_nested_too_deep_are_input_errors_not_crashes(
    tmp_path: Path, levels: int
) -> None:
    # Arrow names types recursively (8,000 levels crashed the process) and parses JSON
    # recursively (200,000 levels crashed it before any column was known).
    path = tmp_path / "deep.jsonl"
    path.write_text('{"b": 1}\n' + '{"a":' * levels + "1" + "}" * levels + "\n")
    with pytest.raises(dg.InputError, match="line 2: a value is nested more than 64 levels"):
        dg.validate(path, [NotNull("b")])


def test_json_lines_with_brackets_in_strings_are_not_deep(tmp_path: Path) -> None:
    path = tmp_path / "text.jsonl"
    path.write_text(json.dumps({"a": "[" * 500, "b": "{" * 70 + "]" * 70}) + "\n")
    assert dg.validate(path, [NotNull("a")]).passed


def test_tables_nested_too_deep_are_input_errors() -> None:
    deep = pa.table({"a": pa.array([None], type=_nested(65))})
    with pytest.raises(dg.InputError, match="nested more than 64 levels"):
        dg.profile(deep)


def test_columns_nested_64_levels_are_read(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text('{"a":' * 64 + "1" + "}" * 64 + "\n")
    assert dg.validate(path, [NotNull("a")]).passed


def test_json_lines_nesting_is_checked_in_every_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataguard._frame import _files

    monkeypatch.setattr(_files, "BLOCK_SIZE", 100)
    path = tmp_path / "late.jsonl"
    rows = [json.dumps({"a": [[i]]}) for i in range(300)]
    rows[250] = '{"a":' + "[" * 70 + "]" * 70 + "}"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(dg.InputError, match="line 251: a value is nested"):
        dg.validate(path, [NotNull("a")])
