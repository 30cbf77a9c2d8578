"""Type expectations: logical types and exact dtypes, decided from the schema."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import dataguard as dg
from dataguard.expectations import ColumnDtype, ColumnType

Reason = dg.Reason

COLUMNS = {
    "i": [1, None, 3],
    "f": [1.5, None, 2.0],
    "s": ["a", None, "c"],
    "b": [True, None, False],
    "t": [dt.datetime(2020, 1, 1), None, dt.datetime(2020, 1, 2)],
}
KINDS = {
    "i": {"integer", "numeric"},
    "f": {"float", "numeric"},
    "s": {"string"},
    "b": {"boolean"},
    "t": {"datetime"},
}
LOGICAL = ["integer", "float", "numeric", "string", "boolean", "datetime", "date", "categorical"]


@pytest.mark.parametrize("column", list(COLUMNS))
@pytest.mark.exclude_backends("pandas")  # pandas holds integers with nulls as floats
def test_logical_types_on_every_backend(frame_factory: Any, run: Any, column: str) -> None:
    data = frame_factory(COLUMNS)
    result = run(data, *(ColumnType(column=column, logical_type=kind) for kind in LOGICAL))
    passed = {r.expectation.logical_type for r in result.results if r.passed}
    assert passed == KINDS[column]
    for r in result.results:
        assert r.reason is (Reason.PASSED if r.passed else Reason.TYPE_MISMATCH)
        assert set(r.details["logical_types"]) == KINDS[column]


@pytest.mark.parametrize(
    ("series", "dtype", "kinds"),
    [
        (pd.array([1, None], dtype="Int64"), "Int64", {"integer", "numeric"}),
        (pd.array([1, 2], dtype="UInt8"), "UInt8", {"integer", "numeric"}),
        (pd.array(["a", None], dtype="string"), "string", {"string"}),
        (pd.array([True, None], dtype="boolean"), "boolean", {"boolean"}),
        (pd.Categorical(["a", None]), "category", {"string", "categorical"}),
        (pd.Categorical([1, 2]), "category", {"integer", "numeric", "categorical"}),
        (
            pd.to_datetime(["2020-01-01", None]).as_unit("ns").tz_localize("UTC"),
            "datetime64[ns, UTC]",
            {"datetime"},
        ),
        (pd.to_datetime(["2020-01-01", None]).as_unit("ns"), "datetime64[ns]", {"datetime"}),
        (np.array([1.0, np.nan]), "float64", {"float", "numeric"}),
        (np.array([1, 2], dtype=np.int32), "int32", {"integer", "numeric"}),
        (pd.Series([dt.date(2020, 1, 1), None], dtype=object), "object", {"date"}),
        (pd.Series(["a", None], dtype=object), "object", {"string"}),
        (pd.Series([decimal.Decimal("1.5"), None], dtype=object), "object", {"float", "numeric"}),
        (pd.Series([1, "a", None], dtype=object), "object", set()),  # mixed
        (pd.Series([1.5, "a"], dtype=object), "object", set()),  # mixed
        (pd.Series([None, None], dtype=object), "object", set()),  # no value at all
    ],
)
def test_pandas_dtypes(one: Any, series: Any, dtype: str, kinds: set[str]) -> None:
    frame = pd.DataFrame({"x": series})
    result = one(frame, ColumnType(column="x", logical_type="string"))
    assert result.observed_value == dtype
    assert set(result.details["logical_types"]) == kinds
    assert result.passed is ("string" in kinds)
    assert one(frame, ColumnDtype(column="x", dtype=dtype)).passed


def test_mixed_object_column_is_reported_not_raised(one: Any) -> None:
    frame = pd.DataFrame({"x": pd.Series([1, "a", 2.5, None], dtype=object)})
    result = one(frame, ColumnType(column="x", logical_type="integer"))
    assert result.passed is False
    assert result.reason is Reason.TYPE_MISMATCH
    assert "mixed values" in result.message


def test_polars_and_arrow_dtypes(one: Any) -> None:
    frame = pl.DataFrame(
        {
            "cat": pl.Series(["a", None], dtype=pl.Categorical),
            "enum": pl.Series(["a", "b"], dtype=pl.Enum(["a", "b"])),
            "s": ["a", "b"],
            "i": pl.Series([1, None], dtype=pl.Int16),
        }
    )
    assert one(frame, ColumnType(column="cat", logical_type="categorical")).passed
    assert one(frame, ColumnType(column="enum", logical_type="categorical")).passed
    assert one(frame, ColumnType(column="s", logical_type="string")).passed
    assert one(frame, ColumnDtype(column="s", dtype="String")).passed
    assert one(frame, ColumnDtype(column="i", dtype="Int16")).passed
    assert one(frame, ColumnDtype(column="i", dtype="int16")).passed  # the Arrow name too
    table = pa.table(
        {
            "d": pa.array(["a", "b"]).dictionary_encode(),
            "t": pa.array([0, 1], pa.timestamp("us", tz="UTC")),
            "dt": pa.array([dt.date(2020, 1, 1), None]),
        }
    )
    result = one(table, ColumnType(column="d", logical_type="categorical"))
    assert result.passed
    assert result.details["arrow_type"] == "string"  # dictionaries are decoded
    assert one(table, ColumnDtype(column="t", dtype="timestamp[us, tz=UTC]")).passed
    assert one(table, ColumnType(column="dt", logical_type="date")).passed
    assert not one(table, ColumnType(column="dt", logical_type="datetime")).passed


def test_dtype_mismatch(frame_factory: Any, one: Any) -> None:
    result = one(frame_factory({"s": ["a", "b"]}), ColumnDtype(column="s", dtype="int64"))
    assert result.passed is False
    assert result.reason is Reason.TYPE_MISMATCH
    assert "expected dtype int64; column 's' has dtype" in result.message


@pytest.mark.parametrize(
    "expectation",
    [ColumnType(column="x", logical_type="string"), ColumnDtype(column="x", dtype="string")],
    ids=lambda e: e.name,
)
def test_missing_column(frame_factory: Any, one: Any, expectation: Any) -> None:
    result = one(frame_factory({"y": [1]}), expectation)
    assert result.passed is False
    assert result.reason is Reason.COLUMN_MISSING


@pytest.mark.backends("pandas", "pyarrow", "polars", "parquet")
def test_empty_and_all_null_columns_keep_their_type(frame_factory: Any, run: Any) -> None:
    data = frame_factory({"e": [], "n": []}, {"e": pa.float64(), "n": pa.string()})
    result = run(
        data,
        ColumnType(column="e", logical_type="float"),
        ColumnType(column="n", logical_type="string"),
    )
    assert result.results[0].passed
    # A pandas object column without any value cannot tell what it would hold (pandas 3 infers
    # its "str" dtype for an empty string column; pandas 2 makes it an object column).
    untyped = frame_factory.backend == "pandas" and data["n"].dtype == object
    assert result.results[1].passed is not untyped
    nulls = frame_factory({"n": [None, None]}, {"n": pa.float64()})
    assert run(nulls, ColumnType(column="n", logical_type="numeric")).passed


def test_nested_columns_have_no_logical_type_but_a_dtype(one: Any) -> None:
    table = pa.table({"l": pa.array([[1], [2, 3]])})
    result = one(table, ColumnType(column="l", logical_type="string"))
    assert (result.passed, result.reason) == (False, Reason.TYPE_MISMATCH)
    assert one(table, ColumnDtype(column="l", dtype="list<item: int64>")).passed


@pytest.mark.parametrize("severity", ["warning", "info"])
def test_severity(run: Any, severity: str) -> None:
    result = run({"x": [1]}, ColumnType(column="x", logical_type="string", severity=severity))
    assert result.results[0].passed is False
    assert result.passed is True


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda: ColumnType(column="x", logical_type="text"), "expected 'integer'"),
        (lambda: ColumnType(column="x", logical_type=None), "expected"),
        (lambda: ColumnDtype(column="x", dtype=5), "expected str"),
        (lambda: ColumnType(column=1, logical_type="string"), "expected str"),
    ],
)
def test_invalid_parameters_are_suite_errors(make: Any, problem: str) -> None:
    with pytest.raises(dg.SuiteError, match=problem):
        make()


def test_describe() -> None:
    assert ColumnType(column="x", logical_type="date").describe() == "Column 'x' holds date values."
    assert ColumnDtype(column="x", dtype="Int64").describe() == "Column 'x' has dtype Int64."
