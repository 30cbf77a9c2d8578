"""Table-level expectations: which columns exist, in what order, how many rows and columns."""

from __future__ import annotations

import dataclasses
from typing import Any

import pyarrow as pa
import pytest

import dataguard as dg
from dataguard.expectations import (
    ColumnCountBetween,
    ColumnCountEqual,
    ColumnExists,
    ColumnsMatchOrderedList,
    ColumnsMatchSet,
    NoExtraColumns,
    RowCountBetween,
    RowCountEqual,
    registered,
)

Reason = dg.Reason

COLUMNS = {"a": [1, 2, 3], "b": ["x", None, "z"], "c": [None, None, None]}


@pytest.mark.parametrize(
    ("expectation", "passed", "reason", "observed"),
    [
        (ColumnExists(column="b"), True, Reason.PASSED, 1),
        (ColumnExists(column="b", column_index=1), True, Reason.PASSED, 1),
        (ColumnExists(column="b", column_index=0), False, Reason.SCHEMA_MISMATCH, 1),
        (ColumnExists(column="z"), False, Reason.COLUMN_MISSING, None),
        (ColumnsMatchSet(column_set=["c", "a", "b"]), True, Reason.PASSED, ["a", "b", "c"]),
        (ColumnsMatchSet(column_set=["a", "b"]), False, Reason.SCHEMA_MISMATCH, ["a", "b", "c"]),
        (
            ColumnsMatchSet(column_set=["a", "b"], exact_match=False),
            True,
            Reason.PASSED,
            ["a", "b", "c"],
        ),
        (
            ColumnsMatchSet(column_set=["a", "q"], exact_match=False),
            False,
            Reason.SCHEMA_MISMATCH,
            ["a", "b", "c"],
        ),
        (
            ColumnsMatchOrderedList(column_list=["a", "b", "c"]),
            True,
            Reason.PASSED,
            ["a", "b", "c"],
        ),
        (
            ColumnsMatchOrderedList(column_list=["b", "a", "c"]),
            False,
            Reason.SCHEMA_MISMATCH,
            ["a", "b", "c"],
        ),
        (
            ColumnsMatchOrderedList(column_list=["a", "b"]),
            False,
            Reason.SCHEMA_MISMATCH,
            ["a", "b", "c"],
        ),
        (
            ColumnsMatchOrderedList(column_list=["a", "c"], exact_match=False),
            True,
            Reason.PASSED,
            ["a", "b", "c"],
        ),
        (
            ColumnsMatchOrderedList(column_list=["a", "q", "c"], exact_match=False),
            True,
            Reason.PASSED,
            ["a", "b", "c"],
        ),
        (
            ColumnsMatchOrderedList(column_list=["c", "a"], exact_match=False),
            False,
            Reason.SCHEMA_MISMATCH,
            ["a", "b", "c"],
        ),
        (ColumnCountBetween(min_value=3, max_value=3), True, Reason.PASSED, 3),
        (ColumnCountBetween(min_value=4), False, Reason.OUT_OF_RANGE, 3),
        (ColumnCountBetween(max_value=2), False, Reason.OUT_OF_RANGE, 3),
        (ColumnCountEqual(value=3), True, Reason.PASSED, 3),
        (ColumnCountEqual(value=2), False, Reason.OUT_OF_RANGE, 3),
        (RowCountBetween(min_value=3, max_value=3), True, Reason.PASSED, 3),
        (RowCountBetween(min_value=1, max_value=2), False, Reason.OUT_OF_RANGE, 3),
        (RowCountBetween(min_value=3, strict_min=True), False, Reason.OUT_OF_RANGE, 3),
        (RowCountBetween(max_value=3, strict_max=True), False, Reason.OUT_OF_RANGE, 3),
        (
            RowCountBetween(min_value=2, max_value=4, strict_min=True, strict_max=True),
            True,
            Reason.PASSED,
            3,
        ),
        (ColumnCountBetween(min_value=3, strict_min=True), False, Reason.OUT_OF_RANGE, 3),
        (ColumnCountBetween(max_value=3, strict_max=True), False, Reason.OUT_OF_RANGE, 3),
        (RowCountEqual(value=3), True, Reason.PASSED, 3),
        (RowCountEqual(value=0), False, Reason.OUT_OF_RANGE, 3),
        (NoExtraColumns(column_set=["a", "b", "c", "d"]), True, Reason.PASSED, ["a", "b", "c"]),
        (NoExtraColumns(column_set=["a"]), False, Reason.SCHEMA_MISMATCH, ["a", "b", "c"]),
    ],
    ids=lambda v: v.name if hasattr(v, "name") and not isinstance(v, Reason) else None,
)
def test_outcomes(
    frame_factory: Any, one: Any, *, expectation: Any, passed: bool, reason: Any, observed: Any
) -> None:
    result = one(frame_factory(COLUMNS, {"c": pa.float64()}), expectation)
    assert result.passed is passed, result.message
    assert result.reason is reason
    assert result.observed_value == observed
    assert result.unexpected_count is None  # not a row-level result


def test_details_name_missing_and_unexpected_columns(one: Any) -> None:
    result = one(COLUMNS, ColumnsMatchSet(column_set=["a", "q"]))
    assert result.details == {"mismatched": {"missing": ["q"], "unexpected": ["b", "c"]}}
    assert "missing ['q']" in result.message
    extra = one(COLUMNS, NoExtraColumns(column_set=["a"]))
    assert extra.details == {"unexpected": ["b", "c"]}


@pytest.mark.parametrize("chunk_size", [None, 1, 2])
def test_row_count_is_counted_over_every_batch(
    frame_factory: Any, one: Any, chunk_size: Any
) -> None:
    data = frame_factory({"a": list(range(5))})
    result = one(data, RowCountEqual(value=5), chunk_size=chunk_size)
    assert (result.passed, result.observed_value) == (True, 5)


@pytest.mark.backends("pandas", "pyarrow", "polars", "parquet")
def test_empty_and_zero_column_tables(frame_factory: Any, run: Any) -> None:
    empty = frame_factory({"a": []}, {"a": pa.int64()})
    rows, cols, exists = run(
        empty, RowCountEqual(value=0), ColumnCountEqual(value=1), ColumnExists(column="a")
    ).results
    assert (rows.passed, rows.observed_value) == (True, 0)
    assert (cols.passed, exists.passed) == (True, True)
    nothing = frame_factory({})
    result = run(
        nothing,
        ColumnCountEqual(value=0),
        RowCountBetween(max_value=0),
        ColumnsMatchSet(column_set=[]),
        ColumnExists(column="a"),
    )
    assert [r.passed for r in result.results] == [True, True, True, False]
    assert result.results[3].reason is Reason.COLUMN_MISSING


@pytest.mark.parametrize("severity", ["error", "warning", "info"])
def test_severity(run: Any, severity: str) -> None:
    result = run(COLUMNS, RowCountEqual(value=1, severity=severity))
    assert result.results[0].passed is False
    assert result.passed is (severity != "error")


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (RowCountBetween, "give min_value, max_value or both"),
        (lambda: RowCountBetween(min_value=5, max_value=1), "greater than"),
        (lambda: ColumnCountBetween(min_value=1.5), "expected int"),
        (lambda: RowCountEqual(value=-1), "negative"),
        (lambda: ColumnCountEqual(value=-3), "negative"),
        (lambda: RowCountEqual(value="3"), "expected int"),
        (lambda: ColumnExists(column="a", column_index="0"), "expected int"),
        (lambda: ColumnsMatchSet(column_set="abc"), "expected list"),
        (lambda: ColumnsMatchSet(column_set=[1]), "expected str"),
        (lambda: ColumnsMatchOrderedList(column_list=None), "give column_list, or set allow"),
        (lambda: NoExtraColumns(column_set=["a"], severity="bad"), "expected"),
    ],
)
def test_invalid_parameters_are_suite_errors(make: Any, problem: str) -> None:
    with pytest.raises(dg.SuiteError, match=problem):
        make()


def test_describe() -> None:
    assert ColumnExists(column="a", column_index=2).describe() == "Column 'a' exists at index 2."
    assert RowCountBetween(min_value=1).describe() == "The table's row count is at least 1."
    assert "exactly" in ColumnsMatchSet(column_set=["a"]).describe()
    assert (
        "in this order" in ColumnsMatchOrderedList(column_list=["a"], exact_match=False).describe()
    )


def test_strict_count_bounds_are_worded_as_strict(one: Any) -> None:
    result = one(COLUMNS, RowCountBetween(min_value=3, max_value=9, strict_min=True))
    assert result.message == "row count 3 is not greater than 3 and at most 9"
    sentence = ColumnCountBetween(max_value=4, strict_max=True).describe()
    assert "less than 4" in sentence


def test_every_range_expectation_has_strict_bounds() -> None:
    """A range with min_value / max_value can be made strict, as in Great Expectations 1.x."""
    params = {n: {f.name for f in dataclasses.fields(c)} for n, c in registered().items()}
    ranged = {n for n, names in params.items() if "min_value" in names}
    assert {"row_count_between", "column_count_between", "between"} <= ranged
    lacking = sorted(n for n in ranged if not {"strict_min", "strict_max"} <= params[n])
    assert lacking == []
