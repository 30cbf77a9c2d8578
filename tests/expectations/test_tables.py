"""Cross-table expectations: keys found in another table, row counts and value sets compared."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard.errors import InputError, SuiteError
from dataguard.expectations import DistinctValuesEqualTable, ForeignKey, RowCountEqualTable
from dataguard.metrics import KeySet
from dataguard.suite import load_suite, loads_suite


def _flights(rows: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    planes = pd.DataFrame(
        {
            "tailnum": [f"N{k:04d}" for k in range(300)],
            "year": rng.integers(1990, 2000, 300),
        }
    )
    tails = np.array([f"N{k:04d}" for k in rng.integers(0, 330, rows)], dtype=object)
    tails[rng.random(rows) < 0.05] = None
    flights = pd.DataFrame({"tailnum": tails, "year": rng.integers(1990, 2003, rows)})
    return flights, planes


def _fk(**params: Any) -> dg.Suite:
    return dg.Suite([ForeignKey(table="planes", **params)])


def test_failing_rows_are_the_keys_absent_from_the_other_table() -> None:
    flights, planes = _flights(2000, seed=1)
    result = dg.validate(
        flights,
        _fk(column="tailnum", table_column="tailnum"),
        tables={"planes": planes},
        result_format="complete",
    ).results[0]
    absent = flights.tailnum.notna() & ~flights.tailnum.isin(planes.tailnum)
    assert result.unexpected_count == int(absent.sum()) > 0
    assert result.missing_count == int(flights.tailnum.isna().sum())
    assert list(result.unexpected_index_list) == list(np.flatnonzero(absent))
    assert list(result.unexpected_list or ()) == list(flights.tailnum[absent])
    assert result.passed is False


def test_compound_keys_match_every_part_and_skip_rows_missing_one() -> None:
    flights, planes = _flights(2000, seed=2)
    suite = _fk(columns=["tailnum", "year"], table_columns=["tailnum", "year"])
    result = dg.validate(flights, suite, tables={"planes": planes}).results[0]
    merged = flights.merge(planes, on=["tailnum", "year"], how="left", indicator=True)
    absent = flights.tailnum.notna() & (merged["_merge"] == "left_only").to_numpy()
    assert result.unexpected_count == int(absent.sum()) > 0
    assert result.missing_count == int(flights.tailnum.isna().sum())


def test_mostly_severity_where_and_ids_work_as_for_any_row_check() -> None:
    flights, planes = _flights(500, seed=3)
    flights["id"] = np.arange(len(flights)) * 10
    suite = _fk(
        column="tailnum",
        table_column="tailnum",
        mostly=0.5,
        severity="warning",
        where="year < 2000",
    )
    result = dg.validate(flights, suite, tables={"planes": planes}, id_columns="id")
    only = flights[flights.year < 2000]
    absent = only.tailnum.notna() & ~only.tailnum.isin(planes.tailnum)
    check = result.results[0]
    assert check.unexpected_count == int(absent.sum()) > 0
    assert check.passed is True
    assert [row["id"] for row in check.unexpected_index_list] == list(only.id[absent][:20])


def test_split_sets_apart_the_rows_whose_key_is_absent() -> None:
    flights, planes = _flights(300, seed=4)
    suite = _fk(column="tailnum", table_column="tailnum")
    good, bad = dg.split(flights, suite, tables={"planes": planes})
    absent = flights.tailnum.notna() & ~flights.tailnum.isin(planes.tailnum)
    assert len(bad) == int(absent.sum()) > 0
    assert len(good) + len(bad) == len(flights)


def test_equal_numbers_match_whatever_type_holds_them() -> None:
    data = pa.table({"k": pa.array([1, 2, 3, -1, 2**62 + 1, None], pa.int64())})
    other = pa.table({"k": pa.array([1.0, 2.5, 3.0, float(2**62), None])})
    result = dg.validate(data, _fk(column="k", table_column="k"), tables={"planes": other})
    # 1 and 3 match 1.0 and 3.0; 2, -1 and 2**62 + 1 (not equal to the float 2**62) do not.
    assert result.results[0].unexpected_count == 3
    unsigned = pa.table({"k": pa.array([1, 2**64 - 1], pa.uint64())})
    result = dg.validate(data, _fk(column="k", table_column="k"), tables={"planes": unsigned})
    # -1 has the bits of 2**64 - 1, yet is not equal to it.
    assert result.results[0].unexpected_count == 4


def test_text_never_matches_numbers_a_type_mismatch() -> None:
    data = pa.table({"k": ["1", "2"]})
    other = pa.table({"k": [1, 2]})
    check = dg.validate(data, _fk(column="k", table_column="k"), tables={"planes": other})
    result = check.results[0]
    assert result.reason is dg.Reason.TYPE_MISMATCH
    assert "'planes'" in result.message
    assert "'k'" in result.message


def test_different_keys_with_one_fingerprint_are_told_apart() -> None:
    """A collision is forced: the set holds two keys under one fingerprint, and a third key
    looked up under it is confirmed absent, the two others present."""
    held = KeySet(np.array([5, 5, 9], dtype=np.uint64), (pa.array(["a", "b", "z"]),))
    found = held.holds(
        np.array([5, 5, 5, 9, 7], dtype=np.uint64), [pa.array(["a", "b", "c", "y", "z"])]
    )
    assert found.tolist() == [True, True, False, False, False]


keys = st.one_of(st.none(), st.integers(0, 12))


@settings(max_examples=40)
@given(
    data=st.lists(st.tuples(keys, keys), max_size=40),
    other=st.lists(st.tuples(keys, keys), max_size=25),
    chunk_size=st.integers(1, 41),
    other_chunk=st.integers(1, 26),
)
def test_results_do_not_depend_on_batch_sizes(
    data: list[tuple[int | None, int | None]],
    other: list[tuple[int | None, int | None]],
    chunk_size: int,
    other_chunk: int,
) -> None:
    mine = pa.table({"a": pa.array([a for a, _ in data], pa.int64()), "b": [b for _, b in data]})
    theirs = pa.table({"a": pa.array([float(a) if a is not None else None for a, _ in other])})
    theirs = theirs.append_column("b", pa.array([b for _, b in other], pa.int64()))
    suite = dg.Suite(
        [
            ForeignKey(column="a", table="t", table_column="a"),
            ForeignKey(columns=("a", "b"), table="t", table_columns=("a", "b")),
            RowCountEqualTable(table="t"),
            DistinctValuesEqualTable(column="b", table="t", table_column="b"),
        ]
    )
    whole = dg.validate(mine, suite, tables={"t": theirs}, result_format="complete")
    batched = dg.validate(
        mine,
        suite,
        tables={"t": pa.Table.from_batches(theirs.to_batches(other_chunk), theirs.schema)},
        result_format="complete",
        chunk_size=chunk_size,
    )
    assert [r.to_dict() for r in batched.results] == [r.to_dict() for r in whole.results]
    wanted = {(float(a), b) for a, b in other if a is not None and b is not None}
    absent = [
        (a, b) for a, b in data if a is not None and b is not None and (float(a), b) not in wanted
    ]
    assert whole.results[1].unexpected_count == len(absent)


def test_row_counts_and_value_sets_are_compared_with_the_other_table() -> None:
    data = pa.table({"s": ["a", "b", None, "a", "x"]})
    suite = dg.Suite(
        [
            RowCountEqualTable(table="t"),
            DistinctValuesEqualTable(column="s", table="t", table_column="code"),
        ]
    )
    same = pa.table({"code": ["x", "b", "a", "a", None]})
    assert dg.validate(data, suite, tables={"t": same}).passed
    other = pa.table({"code": ["a", "b", "c"]})
    count, values = dg.validate(data, suite, tables={"t": other}).results
    assert (count.passed, count.observed_value) == (False, 5)
    assert values.passed is False
    assert values.details == {"unexpected_values": ["x"], "missing_values": ["c"]}


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_a_table_may_be_a_file_read_in_batches(tmp_path: Path, kind: str) -> None:
    flights, planes = _flights(1000, seed=5)
    path = tmp_path / f"planes.{kind}"
    table = pa.Table.from_pandas(planes, preserve_index=False)
    if kind == "parquet":
        pq.write_table(table, path, row_group_size=37)
    else:
        pcsv.write_csv(table, path)
    suite = _fk(column="tailnum", table_column="tailnum")
    expected = dg.validate(flights, suite, tables={"planes": planes}).results[0]
    for chunk_size in (None, 7):
        found = dg.validate(flights, suite, tables={"planes": path}, chunk_size=chunk_size)
        assert found.results[0].to_dict() == expected.to_dict()


SUITE_TEXT = """\
name: flights
tables:
  planes: ref/planes.parquet
expectations:
  - type: not_null
    column: tailnum
  - type: foreign_key
    column: tailnum
    table: planes
    table_column: tailnum
"""


def test_a_suite_names_its_tables_relative_to_its_own_folder(tmp_path: Path) -> None:
    flights, planes = _flights(400, seed=6)
    (tmp_path / "ref").mkdir()
    pq.write_table(
        pa.Table.from_pandas(planes, preserve_index=False), tmp_path / "ref/planes.parquet"
    )
    (tmp_path / "suite.yaml").write_text(SUITE_TEXT)
    suite = load_suite(tmp_path / "suite.yaml")
    assert suite.tables == {"planes": "ref/planes.parquet"}
    assert loads_suite(suite.dumps("yaml")) == suite
    assert loads_suite(suite.dumps("json"), "json").to_dict() == suite.to_dict()
    result = dg.validate(flights, suite).results[1]
    absent = flights.tailnum.notna() & ~flights.tailnum.isin(planes.tailnum)
    assert result.unexpected_count == int(absent.sum()) > 0
    # A table given to validate overrides the suite's.
    overridden = dg.validate(flights, suite, tables={"planes": flights})
    assert overridden.results[1].unexpected_count == 0


def test_an_unknown_table_is_a_suite_error_naming_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "suite.yaml").write_text(SUITE_TEXT.replace("table: planes", "table: plane"))
    suite = load_suite(tmp_path / "suite.yaml")
    with pytest.raises(SuiteError) as caught:
        dg.validate(pd.DataFrame({"tailnum": ["a"]}), suite)
    message = str(caught.value)
    assert "suite.yaml:9: expectations[1].table" in message
    assert "unknown table 'plane'" in message
    assert "did you mean 'planes'" in message


def test_a_missing_column_of_the_other_table_is_a_suite_error(tmp_path: Path) -> None:
    (tmp_path / "suite.yaml").write_text(
        SUITE_TEXT.replace("table_column: tailnum", "table_column: tail")
    )
    suite = load_suite(tmp_path / "suite.yaml")
    planes = pd.DataFrame({"tailnum": ["a"]})
    with pytest.raises(SuiteError) as caught:
        dg.validate(pd.DataFrame({"tailnum": ["a"]}), suite, tables={"planes": planes})
    message = str(caught.value)
    assert "suite.yaml:10: expectations[1].table_column" in message
    assert "table 'planes' has no column 'tail'" in message


def test_an_unreadable_table_file_is_an_input_error_naming_the_table(tmp_path: Path) -> None:
    suite = _fk(column="tailnum", table_column="tailnum")
    with pytest.raises(InputError, match=r"table 'planes'.*nowhere\.parquet"):
        dg.validate(
            pd.DataFrame({"tailnum": ["a"]}), suite, tables={"planes": tmp_path / "nowhere.parquet"}
        )


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"column": "a", "columns": ["a"], "table_column": "a"}, "not both"),
        ({"table_column": "a"}, "give column or columns"),
        ({"column": "a"}, "give table_column or table_columns"),
        ({"columns": ["a", "b"], "table_columns": ["a"]}, "2 columns here and 1"),
        ({"columns": ["a", "a"], "table_columns": ["a", "b"]}, "listed twice"),
    ],
)
def test_a_key_must_be_declared_once_on_each_side(params: dict[str, Any], problem: str) -> None:
    with pytest.raises(SuiteError, match=problem):
        ForeignKey.from_dict({"table": "t", **params})


def test_a_table_read_once_as_a_stream_serves_every_row_condition() -> None:
    """Checks with different row conditions read the other table in separate passes: a table
    given as an iterator of batches must give them all its rows."""
    flights, planes = _flights(300, seed=7)
    suite = dg.Suite(
        [
            ForeignKey(column="tailnum", table="planes", table_column="tailnum"),
            ForeignKey(
                column="tailnum", table="planes", table_column="tailnum", where="year > 1995"
            ),
            RowCountEqualTable(table="planes", where="year < 1995"),
        ]
    )
    table = pa.Table.from_pandas(planes, preserve_index=False)
    expected = dg.validate(flights, suite, tables={"planes": table})
    streamed = dg.validate(flights, suite, tables={"planes": iter(table.to_batches(50))})
    assert [r.to_dict() for r in streamed.results] == [r.to_dict() for r in expected.results]
    assert expected.results[1].unexpected_count > 0
