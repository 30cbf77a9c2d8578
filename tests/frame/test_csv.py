"""CSV files parsed in blocks of whole lines: the streaming reader's rows, errors and types."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard._frame import _csv, _files
from dataguard._frame._csv import csv_batches
from dataguard.cluster import as_source
from dataguard.expectations import Between, InSet, NotNull, RowCountEqual, Unique

TYPES = {"n": pa.int64(), "s": pa.string(), "x": pa.float64()}


def _text(rows: list[tuple[int, str, float | None]], newline: str = "\n") -> str:
    lines = ["n,s,x"]
    for n, s, x in rows:
        quoted = '"' + s.replace('"', '""') + '"'
        lines.append(f"{n},{quoted},{'' if x is None else repr(x)}")
    return newline.join(lines) + newline


def _streamed(path: Path, columns: list[str]) -> pa.Table:
    """The streaming reader's columns: the text ones with a quoted value never missing (``""``
    is the empty string), the others with quoted null spellings missing."""
    parts: dict[str, pa.ChunkedArray] = {}
    for names, quoted_null in (
        ([c for c in columns if c == "s"], False),
        ([c for c in columns if c != "s"], True),
    ):
        if names:
            convert = pcsv.ConvertOptions(
                include_columns=names,
                column_types={c: TYPES[c] for c in names},
                strings_can_be_null=True,
                quoted_strings_can_be_null=quoted_null,
            )
            table = pcsv.read_csv(path, convert_options=convert)
            parts.update(zip(table.column_names, table.columns, strict=True))
    return pa.table([parts[c] for c in columns], names=columns)


def _blocked(source: Path | pa.NativeFile, columns: list[str], block_size: int) -> pa.Table:
    convert = pcsv.ConvertOptions(
        include_columns=columns,
        column_types={c: TYPES[c] for c in columns},
        strings_can_be_null=True,
    )
    batches = list(csv_batches(source, ["n", "s", "x"], pcsv.ParseOptions(), convert, block_size))
    schema = pa.schema([(c, TYPES[c]) for c in columns])
    return pa.Table.from_batches(batches, schema=schema)


ROWS = st.lists(
    st.tuples(
        st.integers(-(10**6), 10**6),
        st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r\n"), max_size=30),
        st.none() | st.floats(allow_nan=False, allow_infinity=False),
    ),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(rows=ROWS, block_size=st.integers(1, 400), newline=st.sampled_from(["\n", "\r\n"]))
def test_blocks_read_the_rows_the_reader_reads(
    tmp_path_factory: pytest.TempPathFactory, rows: list, block_size: int, newline: str
) -> None:
    path = tmp_path_factory.mktemp("csv") / "data.csv"
    path.write_bytes(_text(rows, newline).encode())
    for columns in (["n", "s", "x"], ["x", "s"]):
        assert _blocked(path, columns, block_size).equals(_streamed(path, columns))


@pytest.mark.parametrize("start", [b"", b"\xef\xbb\xbf", b"\n\n", b"\r\n\n\n\n\n\n\n\n"])
def test_the_header_is_read_as_the_reader_reads_it(tmp_path: Path, start: bytes) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(start + _text([(1, "a", 0.5), (2, "b", None)]).encode())
    for block_size in (1, 5, 1000):
        assert _blocked(path, ["s", "n"], block_size).equals(_streamed(path, ["s", "n"]))


def test_a_file_without_a_last_line_end_keeps_its_last_row(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("n,s,x\n1,a,0.5\n2,b,1.5")
    assert _blocked(path, ["n"], 4).column("n").to_pylist() == [1, 2]


def test_lines_longer_than_a_block_are_read_whole(tmp_path: Path) -> None:
    long = "y" * 5000
    path = tmp_path / "data.csv"
    path.write_text(f"n,s,x\n1,{long},1.0\n2,b,2.0\n3,{long}{long},\n")
    got = _blocked(path, ["s", "n"], 64)
    assert got.column("s").to_pylist() == [long, "b", long + long]
    assert got.column("n").to_pylist() == [1, 2, 3]


def test_compressed_files_and_open_streams_are_read(tmp_path: Path) -> None:
    text = _text([(k, f"v{k}", k / 4) for k in range(300)])
    plain = tmp_path / "data.csv"
    plain.write_text(text)
    packed = tmp_path / "data.csv.gz"
    packed.write_bytes(gzip.compress(text.encode()))
    expected = _streamed(plain, ["n", "s", "x"])
    assert _blocked(packed, ["n", "s", "x"], 100).equals(expected)
    with pa.OSFile(str(plain)) as stream:
        assert _blocked(stream, ["n", "s", "x"], 100).equals(expected)
        assert not stream.closed


def test_a_bad_value_in_a_later_block_gives_the_readers_error(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(_text([(k, "a", 1.0) for k in range(100)]) + "oops,b,2.0\n")
    with pytest.raises(pa.ArrowInvalid) as ours:
        _blocked(path, ["n"], 128)
    with pytest.raises(pa.ArrowInvalid) as theirs:
        _streamed(path, ["n"])
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("chunk_size", [None, 17, 1000])
def test_validating_in_small_blocks_gives_the_in_memory_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_size: int | None
) -> None:
    rows = [(k % 97, f"v{k % 13}", None if k % 7 == 0 else k / 3) for k in range(2000)]
    path = tmp_path / "data.csv"
    path.write_text(_text(rows))
    suite = dg.Suite(
        [
            Unique("n"),
            NotNull("x"),
            Between("x", max_value=600),
            InSet("s", value_set=[f"v{k}" for k in range(10)]),
            RowCountEqual(value=2000),
        ]
    )
    expected = dg.validate(_streamed(path, ["n", "s", "x"]), suite, result_format="complete")
    monkeypatch.setattr(_csv, "TEXT_BLOCK", 999)  # many blocks, each of many parts
    monkeypatch.setattr(_csv, "_PARSE_BLOCK", 100)
    got = dg.validate(path, suite, chunk_size=chunk_size, result_format="complete")
    assert got.to_dict()["results"] == expected.to_dict()["results"]


def test_a_value_widening_its_column_in_a_later_block_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.csv"
    path.write_text("n\n" + "".join(f"{k}\n" for k in range(3000)) + "-2.5\n")
    monkeypatch.setattr(_files, "BLOCK_SIZE", 500)  # types inferred from the first lines only
    monkeypatch.setattr(_csv, "TEXT_BLOCK", 500)
    source = as_source(path)
    assert source.info("n").arrow_type == pa.int64()
    result = dg.validate(source, dg.Suite([Between("n", min_value=0)]), result_format="complete")
    assert source.info("n").arrow_type == pa.float64()
    only = result.results[0]
    assert (only.element_count, only.unexpected_count) == (3001, 1)
    assert only.unexpected_index_list == (3000,)
