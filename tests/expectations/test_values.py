"""Row-level expectations on one column's values: nulls, ranges, sets, uniqueness and order."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard._frame import compare, set_comparable, value_set
from dataguard.expectations import (
    Between,
    Decreasing,
    Increasing,
    InSet,
    NotInSet,
    NotNull,
    Null,
    Unique,
)
from dataguard.metrics import _repeated

Reason = dg.Reason

# expectation, column "x", rows expected to fail
FAILING: list[Any] = [
    pytest.param(NotNull("x"), [1, None, 3, None], [1, 3], id="not_null"),
    pytest.param(Null("x"), [None, 2, None, 4], [1, 3], id="null"),
    pytest.param(
        Between("x", min_value=0, max_value=10), [5, -1, None, 11, 10, 0], [1, 3], id="between"
    ),
    pytest.param(Between("x", min_value=0), [-0.5, 1e9, None], [0], id="between-min-only"),
    pytest.param(Between("x", max_value=0), [-0.5, 1e9, None], [1], id="between-max-only"),
    pytest.param(
        Between("x", min_value=0, max_value=10, strict_min=True, strict_max=True),
        [0, 5, 10, None],
        [0, 2],
        id="between-strict",
    ),
    pytest.param(
        Between("x", min_value="b", max_value="d"),
        ["a", "b", "d", "e", None],
        [0, 3],
        id="between-strings",
    ),
    pytest.param(InSet("x", value_set=["a", "b"]), ["a", "c", None, "b", "d"], [1, 4], id="in_set"),
    pytest.param(InSet("x", value_set=[1, 2]), [1, 2, 3, None], [2], id="in_set-ints"),
    pytest.param(InSet("x", value_set=[]), ["a", None, "b"], [0, 2], id="in_set-empty-set"),
    pytest.param(
        NotInSet("x", value_set=["a", "b"]), ["a", "c", None, "b", "d"], [0, 3], id="not_in_set"
    ),
    pytest.param(Unique("x"), [1, 2, 2, None, None, 3, 1], [0, 1, 2, 6], id="unique"),
    pytest.param(Unique("x"), ["a", "b", "a", None], [0, 2], id="unique-strings"),
    pytest.param(Increasing("x"), [1, 2, 3, 4, 5, 5, 4, 3, 2, 1], [6, 7, 8, 9], id="increasing-gx"),
    pytest.param(
        Increasing("x"), [1, None, 0, 2, None, 2, 1.5], [2, 6], id="increasing-skips-nulls"
    ),
    pytest.param(
        Increasing("x", strictly=True), [1, 1, 2, None, 2, 3], [1, 4], id="increasing-strict"
    ),
    pytest.param(Decreasing("x"), [5, 4, 4, 6, None, 1, 2], [3, 6], id="decreasing"),
    pytest.param(
        Decreasing("x", strictly=True), [5, 5, 4, None, 4], [1, 4], id="decreasing-strict"
    ),
]


@pytest.mark.parametrize(("expectation", "values", "failing"), FAILING)
def test_failing_rows_are_counted_listed_and_located(
    frame_factory: Any, one: Any, expectation: Any, values: list[Any], failing: list[int]
) -> None:
    result = one(frame_factory({"x": values}), expectation)
    assert result.passed is False
    assert result.reason is Reason.UNEXPECTED_VALUES
    assert result.element_count == len(values)
    assert result.unexpected_count == len(failing)
    assert result.unexpected_index_list == tuple(failing)
    assert list(result.partial_unexpected_list) == [values[i] for i in failing]
    counted_missing = isinstance(expectation, (NotNull, Null))
    assert result.missing_count == (0 if counted_missing else values.count(None))


PASSING: list[Any] = [
    pytest.param(NotNull("x"), [1, 2, 3], id="not_null"),
    pytest.param(Null("x"), [None, None], id="null"),
    pytest.param(Between("x", min_value=0, max_value=10), [0, 10, 5, None], id="between-inclusive"),
    pytest.param(InSet("x", value_set=["a", "b"]), ["a", "b", None], id="in_set"),
    pytest.param(NotInSet("x", value_set=["z"]), ["a", "b", None], id="not_in_set"),
    pytest.param(NotInSet("x", value_set=[None]), ["a", None, None], id="not_in_set-null-member"),
    pytest.param(NotInSet("x", value_set=[]), ["a", "b"], id="not_in_set-empty-set"),
    pytest.param(Unique("x"), [3, 1, None, 2, None], id="unique-repeated-nulls-ok"),
    pytest.param(Increasing("x"), [1, 1, None, 2, 3], id="increasing"),
    pytest.param(Decreasing("x"), [3, None, 3, 2, -1], id="decreasing"),
]


@pytest.mark.parametrize(("expectation", "values"), PASSING)
def test_passing_data(frame_factory: Any, one: Any, expectation: Any, values: list[Any]) -> None:
    result = one(frame_factory({"x": values}), expectation)
    assert result.passed is True, result.message
    assert result.reason is Reason.PASSED
    assert result.unexpected_count == 0
    assert result.partial_unexpected_list == ()
    assert result.unexpected_index_list == ()


# Each column has exactly `failing` unexpected values among `present` present ones.
MOSTLY: list[Any] = [
    pytest.param(lambda m: Between("x", min_value=0, mostly=m), [*range(9), -1, None, None], 1, 10),
    pytest.param(lambda m: InSet("x", value_set=[1], mostly=m), [1] * 7 + [2, 3, None], 2, 9),
    pytest.param(lambda m: NotInSet("x", value_set=[2], mostly=m), [1] * 9 + [2], 1, 10),
    pytest.param(lambda m: Unique("x", mostly=m), [*range(8), 0, None], 2, 9),
    pytest.param(lambda m: Increasing("x", mostly=m), [*range(9), 0], 1, 10),
    pytest.param(lambda m: Decreasing("x", mostly=m), [9, 8, None, 7, 9], 1, 4),
    pytest.param(lambda m: NotNull("x", mostly=m), [1] * 9 + [None], 1, 10),
    pytest.param(lambda m: Null("x", mostly=m), [None] * 3 + [1], 1, 4),
]


@pytest.mark.parametrize(("make", "values", "failing", "present"), MOSTLY)
def test_mostly_is_inclusive_and_counts_present_rows(
    frame_factory: Any, one: Any, *, make: Any, values: list[Any], failing: int, present: int
) -> None:
    data = frame_factory({"x": values})
    share = (present - failing) / present  # GX computes it exactly this way
    exact = one(data, make(share))
    assert exact.passed is True
    assert exact.reason is Reason.PASSED
    assert exact.unexpected_count == failing
    assert exact.unexpected_percent == pytest.approx(100 * failing / present)
    stricter = one(data, make(math.nextafter(share, 1.0)))
    assert stricter.passed is False
    assert stricter.reason is Reason.UNEXPECTED_VALUES


def test_nine_of_ten_pass_mostly_point_nine(one: Any) -> None:
    values = [*range(9), 100]
    assert one({"x": values}, Between("x", max_value=50, mostly=0.9)).passed
    assert not one({"x": values}, Between("x", max_value=50, mostly=0.91)).passed
    # 7 of 10 is 0.7 exactly by GX's formula, although 1 - 0.3 is 0.7000000000000001.
    values = [*range(7), 100, 101, 102]
    assert one({"x": values}, Between("x", max_value=50, mostly=0.7)).passed


@pytest.mark.parametrize("severity", ["error", "warning", "info"])
def test_severity_decides_whether_the_run_fails(run: Any, severity: str) -> None:
    result = run({"x": [1, None]}, NotNull("x", severity=severity))
    assert result.results[0].passed is False
    assert result.results[0].severity == severity
    assert result.passed is (severity != "error")
    assert result.passed_at("warning") is (severity == "info")


ALL_SORTS: list[Any] = [
    Between("x", min_value=0),
    InSet("x", value_set=[1]),
    NotInSet("x", value_set=[1]),
    Unique("x"),
    Increasing("x"),
    Decreasing("x", strictly=True),
]


@pytest.mark.parametrize("expectation", ALL_SORTS, ids=lambda e: e.name)
@pytest.mark.parametrize("column_type", [pa.float64(), pa.int64(), pa.null()], ids=str)
def test_all_null_column_passes_vacuously(
    frame_factory: Any, one: Any, expectation: Any, column_type: pa.DataType
) -> None:
    result = one(frame_factory({"x": [None] * 4}, {"x": column_type}), expectation)
    assert result.passed is True, result.message
    assert (result.element_count, result.missing_count, result.unexpected_count) == (4, 4, 0)


def test_all_null_column_fails_not_null_and_passes_null(frame_factory: Any, one: Any) -> None:
    data = frame_factory({"x": [None] * 3}, {"x": pa.float64()})
    not_null = one(data, NotNull("x"))
    assert not_null.passed is False
    assert not_null.unexpected_count == 3
    assert not_null.unexpected_index_list == (0, 1, 2)
    assert not_null.partial_unexpected_list == (None, None, None)
    assert one(data, Null("x")).passed is True


@pytest.mark.parametrize("expectation", [*ALL_SORTS, NotNull("x"), Null("x")], ids=lambda e: e.name)
def test_empty_frame_passes_with_zero_counts(
    frame_factory: Any, one: Any, expectation: Any
) -> None:
    result = one(frame_factory({"x": []}, {"x": pa.int64()}), expectation)
    assert result.passed is True
    assert (result.element_count, result.missing_count, result.unexpected_count) == (0, 0, 0)


@pytest.mark.parametrize("expectation", [*ALL_SORTS, NotNull("x"), Null("x")], ids=lambda e: e.name)
def test_missing_column_is_a_failed_result(frame_factory: Any, run: Any, expectation: Any) -> None:
    result = run(frame_factory({"y": [1, 2]}), expectation, NotNull("y"))
    missing, other = result.results
    assert missing.passed is False
    assert missing.reason is Reason.COLUMN_MISSING
    assert "'x'" in missing.message
    assert other.passed is True  # the rest of the suite still runs


@pytest.mark.parametrize(
    "expectation",
    [
        Between("x", min_value=0),
        Between("x", min_value="a"),
        Between("x", min_value=dt.datetime(2020, 1, 1)),
        Increasing("x"),
        Decreasing("x"),
        Unique("x"),
        InSet("x", value_set=[1]),
        NotInSet("x", value_set=[1]),
    ],
    ids=lambda e: f"{e.name}-{e.to_dict()}",
)
@pytest.mark.exclude_backends("csv")
def test_wrong_column_type_is_a_type_mismatch(
    frame_factory: Any, one: Any, expectation: Any
) -> None:
    # A column of lists has no order and no hash; no bound compares with it.
    result = one(frame_factory({"x": [[1], [2], None]}), expectation)
    assert result.passed is False
    assert result.reason is Reason.TYPE_MISMATCH


@pytest.mark.parametrize(
    ("expectation", "values"),
    [
        (Between("x", min_value=0), ["a", "b"]),
        (Between("x", min_value="a"), [1, 2]),
        (Between("x", min_value=dt.date(2020, 1, 1)), [1.5, 2.5]),
        (Between("x", min_value=1), [dt.datetime(2020, 1, 1)]),
        (Between("x", max_value=1), [True, False]),
    ],
    ids=[
        "number-vs-string",
        "string-vs-number",
        "date-vs-float",
        "number-vs-datetime",
        "number-vs-bool",
    ],
)
def test_bounds_that_cannot_compare_with_the_column(
    frame_factory: Any, one: Any, expectation: Any, values: list[Any]
) -> None:
    result = one(frame_factory({"x": values}), expectation)
    assert result.passed is False
    assert result.reason is Reason.TYPE_MISMATCH


def test_set_members_of_another_kind_never_match(frame_factory: Any, one: Any) -> None:
    data = frame_factory({"x": [1, 2, None]})
    # "1" is not the number 1 and True is not 1 here (Python's `in` would say it is).
    assert one(data, InSet("x", value_set=["1", "2"])).unexpected_count == 2
    assert one(data, InSet("x", value_set=[True])).unexpected_count == 2
    assert one(data, InSet("x", value_set=[1.0, 2.0])).passed
    assert one(data, NotInSet("x", value_set=["1", True])).passed


def test_equal_looking_value_sets_are_judged_separately(run: Any) -> None:
    # InSet(value_set=[1]) == InSet(value_set=[True]) in Python; the plan must not merge them.
    result = run(
        {"x": [1, 2, 3]},
        InSet("x", value_set=[1]),
        InSet("x", value_set=[True]),
        InSet("x", value_set=[1]),
        result_format="complete",
    )
    assert [r.unexpected_count for r in result.results] == [2, 3, 2]
    result = run({"b": [True, False]}, InSet("b", value_set=[True]), InSet("b", value_set=[1]))
    assert [r.unexpected_count for r in result.results] == [1, 2]


@pytest.mark.parametrize(
    ("expectation", "problem"),
    [
        (lambda: Between("x"), "give min_value, max_value or both"),
        (lambda: Between("x", min_value=5, max_value=1), "greater than"),
        (lambda: Between("x", min_value="a", max_value=1), "cannot be compared"),
        (lambda: Between("x", min_value=math.nan), "NaN"),
        (lambda: Between("x", min_value=[1]), "expected"),
        (lambda: Between("x", min_value=0, mostly=1.5), "mostly"),
        (lambda: Between("x", min_value=0, mostly=-0.1), "mostly"),
        (lambda: Between("x", min_value=0, mostly=math.nan), "mostly"),
        (lambda: Between("x", min_value=0, strict_min="yes"), "expected bool"),
        (lambda: InSet("x", value_set="ab"), "expected list"),
        (lambda: InSet("x", value_set=[[1]]), "expected"),
        (lambda: NotInSet("x", value_set=None), "expected list"),
        (lambda: Unique("x", mostly="all"), "expected float"),
        (lambda: Increasing("x", strictly=1), "expected bool"),
        (lambda: NotNull("x", severity="fatal"), "expected"),
        (lambda: NotNull(1), "expected str"),
    ],
)
def test_invalid_parameters_are_suite_errors(expectation: Any, problem: str) -> None:
    with pytest.raises(dg.SuiteError, match=problem):
        expectation()


def test_invalid_parameters_from_a_suite_document_name_the_place() -> None:
    document = {
        "expectations": [{"type": "between", "column": "x", "min_value": 3, "max_value": 1}]
    }
    with pytest.raises(dg.SuiteError) as caught:
        dg.Suite.from_dict(document)
    assert caught.value.path is not None
    assert caught.value.path.startswith("expectations[0]")


def test_id_columns_locate_failures_by_their_values(frame_factory: Any, one: Any) -> None:
    data = frame_factory({"order_id": ["o1", "o2", "o3", "o4"], "x": [1, -2, None, -4]})
    result = one(data, Between("x", min_value=0), id_columns=("order_id",))
    assert result.unexpected_index_list == ({"order_id": "o2"}, {"order_id": "o4"})
    assert result.partial_unexpected_list == (-2, -4)


def test_id_columns_with_several_columns_and_complete_format(frame_factory: Any, one: Any) -> None:
    data = frame_factory({"a": [1, 1, 2], "b": ["x", "y", "x"], "v": [None, 1, None]})
    result = one(data, NotNull("v"), id_columns=("a", "b"), result_format="complete")
    assert result.unexpected_index_list == ({"a": 1, "b": "x"}, {"a": 2, "b": "x"})
    assert result.unexpected_list == (None, None)


def test_unknown_id_column_is_an_input_error() -> None:
    with pytest.raises(dg.InputError, match="nope"):
        dg.validate({"x": [1]}, dg.Suite([NotNull("x")]), id_columns=("nope",))


@pytest.mark.parametrize("fmt", ["boolean_only", "basic", "summary", "complete"])
def test_result_formats_bound_the_samples(one: Any, fmt: str) -> None:
    values = list(range(-30, 0))  # 30 failing rows
    result = one({"x": values}, Between("x", min_value=0), result_format=fmt)
    assert result.unexpected_count == 30
    partial = {"boolean_only": 0, "basic": 20, "summary": 20, "complete": 20}[fmt]
    assert result.partial_unexpected_list == tuple(values[:partial])
    index = {"boolean_only": 0, "basic": 0, "summary": 20, "complete": 30}[fmt]
    assert result.unexpected_index_list == tuple(range(index))
    assert result.unexpected_list == (tuple(values) if fmt == "complete" else None)


def test_nan_is_missing_and_infinity_is_a_value(one: Any) -> None:
    data = pa.table({"x": pa.array([1.0, math.nan, math.inf, -math.inf, None])})
    result = one(data, Between("x", min_value=0, max_value=10))
    assert (result.missing_count, result.unexpected_count) == (2, 2)
    assert result.unexpected_index_list == (2, 3)
    assert one(data, NotNull("x")).unexpected_index_list == (1, 4)


def test_negative_zero_equals_zero(one: Any) -> None:
    data = {"x": [0.0, -0.0, 1.0]}
    unique = one(data, Unique("x"))
    assert unique.unexpected_index_list == (0, 1)
    assert one(data, InSet("x", value_set=[0.0, 1.0])).passed
    assert one(data, InSet("x", value_set=[-0.0, 1.0])).passed
    assert one(data, NotInSet("x", value_set=[0])).unexpected_count == 2


def test_order_checks_compare_with_the_previous_present_value_across_batches(one: Any) -> None:
    values = [1, None, 3, None, None, 2, 5, None, 4, 6]
    for chunk_size in (None, 1, 2, 3):
        result = one({"x": values}, Increasing("x"), chunk_size=chunk_size)
        assert result.unexpected_index_list == (5, 8), chunk_size
        assert result.partial_unexpected_list == (2, 4)


def test_unique_across_batches_flags_every_occurrence(one: Any) -> None:
    values = [1, 2, 3, 4, 5, 6, 7, 1]
    for chunk_size in (None, 1, 3):
        result = one({"x": values}, Unique("x"), chunk_size=chunk_size)
        assert result.unexpected_index_list == (0, 7)


def test_pandas_dtypes(one: Any) -> None:
    frame = pd.DataFrame(
        {
            "i": pd.array([1, None, 30], dtype="Int64"),
            "s": pd.array(["a", None, "zz"], dtype="string"),
            "b": pd.array([True, None, False], dtype="boolean"),
            "c": pd.Categorical(["lo", "hi", None]),
            "t": pd.to_datetime(["2020-01-01", None, "2021-06-01"]).tz_localize("Europe/Paris"),
        }
    )
    assert one(frame, Between("i", max_value=10)).unexpected_index_list == (2,)
    assert one(frame, InSet("s", value_set=["a"])).unexpected_index_list == (2,)
    assert one(frame, InSet("b", value_set=[True])).unexpected_index_list == (2,)
    assert one(frame, InSet("c", value_set=["lo"])).unexpected_index_list == (1,)
    assert one(frame, NotNull("c")).unexpected_index_list == (2,)
    # A naive bound against a time-zone-aware column is UTC; aware bounds compare as instants.
    late = one(frame, Between("t", max_value="2020-12-31T23:00:00Z"))
    assert late.unexpected_index_list == (2,)
    early = one(frame, Between("t", min_value=dt.datetime(2019, 12, 31, 23, 30)))
    assert early.unexpected_index_list == (0,)  # 2020-01-01 00:00 Paris is 2019-12-31 23:00 UTC
    assert one(frame, Increasing("t", strictly=True)).passed


def test_datetime_and_date_columns(frame_factory: Any, one: Any) -> None:
    data = frame_factory(
        {
            "t": [dt.datetime(2020, 1, 1), None, dt.datetime(2020, 3, 1), dt.datetime(2020, 2, 1)],
        }
    )
    result = one(data, Between("t", min_value="2020-01-15", max_value="2020-02-15"))
    assert result.unexpected_index_list == (0, 2)
    assert result.partial_unexpected_list == (dt.datetime(2020, 1, 1), dt.datetime(2020, 3, 1))
    assert one(data, Increasing("t")).unexpected_index_list == (3,)
    dates = pa.table({"d": pa.array([dt.date(2020, 1, 1), dt.date(2021, 1, 1)])})
    assert one(dates, Between("d", max_value="2020-06-01")).unexpected_index_list == (1,)
    assert one(dates, InSet("d", value_set=["2020-01-01"])).unexpected_index_list == (1,)


def test_integer_columns_against_float_bounds_and_huge_integers(one: Any) -> None:
    data = pa.table({"x": pa.array([1, 2, 2**62, -(2**62)], type=pa.int64())})
    assert one(data, Between("x", min_value=1.5)).unexpected_index_list == (0, 3)
    assert one(data, Between("x", max_value=2**62 - 1)).unexpected_index_list == (2,)
    assert one(data, Between("x", min_value=-(2**70), max_value=2**70)).passed
    assert one(data, Between("x", min_value=2**70)).unexpected_count == 4
    assert one(data, Between("x", min_value=-math.inf, max_value=math.inf)).passed
    assert one(data, Between("x", max_value=-math.inf)).unexpected_count == 4
    assert one(data, Between("x", max_value=2.0, strict_max=True)).unexpected_index_list == (1, 2)
    assert one(data, Between("x", min_value=2.0, strict_min=True)).unexpected_index_list == (
        0,
        1,
        3,
    )
    unsigned = pa.table({"x": pa.array([0, 2**63 + 5, 2**64 - 1], type=pa.uint64())})
    assert one(unsigned, Between("x", max_value=2**63)).unexpected_index_list == (1, 2)
    assert one(unsigned, Between("x", min_value=-1)).passed
    assert one(unsigned, InSet("x", value_set=[0, 2**63 + 5, 2**64 - 1])).passed
    # No wrap-around: the largest uint64 is not -1.
    assert one(unsigned, InSet("x", value_set=[0, -1, 2**63 + 5])).unexpected_index_list == (2,)
    small = pa.table({"x": pa.array([-128, 127], type=pa.int8())})
    assert one(small, Between("x", min_value=-1000, max_value=1000.5)).passed
    assert one(small, InSet("x", value_set=[127, 1000, 0.5])).unexpected_index_list == (0,)


def test_decimal_and_boolean_columns(one: Any) -> None:
    import decimal

    data = pa.table(
        {
            "d": pa.array([decimal.Decimal("1.25"), decimal.Decimal("3.50"), None]),
            "b": pa.array([True, False, None]),
        }
    )
    assert one(data, Between("d", max_value=2)).unexpected_index_list == (1,)
    assert one(data, Increasing("b")).unexpected_index_list == (1,)
    assert one(data, Unique("d")).passed


def test_missing_values_of_every_kind(one: Any) -> None:
    frame = pd.DataFrame(
        {
            "f": [1.0, np.nan, None],
            "t": pd.to_datetime(["2020-01-01", None, "2020-01-02"]),
            "n": pd.array([pd.NA, 1, 2], dtype="Int64"),
            "o": ["a", None, np.nan],
        }
    )
    assert one(frame, NotNull("f")).unexpected_index_list == (1, 2)
    assert one(frame, NotNull("t")).unexpected_index_list == (1,)
    assert one(frame, NotNull("n")).unexpected_index_list == (0,)
    assert one(frame, NotNull("o")).unexpected_index_list == (1, 2)
    assert one(frame, Null("o")).unexpected_index_list == (0,)


def test_describe_says_what_is_expected() -> None:
    assert (
        Between("x", min_value=0, max_value=10).describe() == "Values of 'x' are between 0 and 10."
    )
    assert "greater than 0" in Between("x", min_value=0, strict_min=True).describe()
    assert "strictly increasing" in Increasing("x", strictly=True).describe()
    assert "'a'" in InSet("x", value_set=["a"]).describe()


@pytest.mark.parametrize("chunk_size", [None, 1, 2])
@pytest.mark.parametrize("collide", [False, True])
def test_unique_rows_by_fingerprint_are_confirmed_when_fingerprints_collide(
    monkeypatch: pytest.MonkeyPatch, chunk_size: int | None, collide: bool
) -> None:
    # With every string hashed alike, "a", "c" and "dd" share the fingerprint of the repeated "b":
    # the rows found by fingerprint are not the repeated ones, and a third pass confirms them.
    if collide:
        monkeypatch.setattr(_repeated, "_hash_bytes", lambda a: np.full(len(a), 7, np.uint64))
    data = pa.table({"x": ["a", "b", None, "b", "c", "dd"]})
    passes: set[int] = set()
    result = dg.validate(
        data,
        dg.Suite((Unique("x"),)),
        result_format="complete",
        chunk_size=chunk_size,
        progress=lambda number, _, __: passes.add(number),
    ).results[0]
    assert (result.unexpected_count, result.unexpected_index_list) == (2, (1, 3))
    assert result.unexpected_list == ("b", "b")
    assert passes == ({1, 2, 3} if collide else {1, 2})


def _decimals(values: list[str | None], kind: tuple[int, int]) -> pa.Table:
    column = [None if v is None else decimal.Decimal(v) for v in values]
    return pa.table({"x": pa.array(column, type=pa.decimal128(*kind))})


@pytest.mark.parametrize(
    ("expectation", "values", "kind", "failing"),
    [
        # decimal(38, 0) ids beyond 2**53: as floats, 10**20 + 1 == 10**20 + 2.
        (
            Between("x", max_value=10**20 + 1),
            ["1E+20", "100000000000000000001", "100000000000000000002"],
            (38, 0),
            [2],
        ),
        (
            Between("x", min_value=10**20 + 1, strict_min=True),
            ["100000000000000000001", "100000000000000000002"],
            (38, 0),
            [0],
        ),
        (
            InSet("x", value_set=[10**20 + 1, 10**20]),
            ["1E+20", "100000000000000000001", "100000000000000000002"],
            (38, 0),
            [2],
        ),
        (NotInSet("x", value_set=[10**20 + 1]), ["1E+20", "100000000000000000001"], (38, 0), [1]),
        # decimal(38, 18): 1.000000000000000001 is above 1, and 0.1 means 0.1.
        (Between("x", max_value=1), ["1.000000000000000001", "1", None], (38, 18), [0]),
        (
            Between("x", min_value=0.1, max_value=0.1),
            ["0.1", "0.100000000000000001"],
            (38, 18),
            [1],
        ),
        (
            InSet("x", value_set=[0.1, 1, 1.5]),
            ["0.1", "1.000000000000000001", "1.5"],
            (38, 18),
            [1],
        ),
        (InSet("x", value_set=[0.123]), ["0.12", "0.13"], (5, 2), [0, 1]),  # finer than the scale
        (Between("x", max_value=1e300), ["99999999999999999999999999999999999999"], (38, 0), []),
        (Between("x", min_value=-math.inf, max_value=math.inf), ["1", "-1"], (10, 2), []),
    ],
)
def test_decimals_are_compared_exactly(
    one: Any,
    expectation: Any,
    values: list[str | None],
    kind: tuple[int, int],
    failing: list[int],
) -> None:
    result = one(_decimals(values, kind), expectation)
    assert list(result.unexpected_index_list) == failing


@pytest.mark.parametrize(
    ("expectation", "failing"),
    [
        (Between("x", max_value=2**53), [1, 2]),
        (Between("x", min_value=2**53 + 1, max_value=2**53 + 1), [0, 2]),
        (InSet("x", value_set=[2**53 + 1]), [0, 2]),
        (Between("x", max_value=2**63), []),
        (Between("x", min_value=2**63), [0, 1, 2]),
    ],
)
def test_integers_beyond_float_precision_are_compared_exactly(
    one: Any, expectation: Any, failing: list[int]
) -> None:
    data = pa.table({"x": pa.array([2**53, 2**53 + 1, 2**63 - 1], type=pa.int64())})
    assert list(one(data, expectation).unexpected_index_list) == failing


@pytest.mark.parametrize(
    ("expectation", "failing"),
    [
        (Between("x", max_value=2**53 + 1), [1, 2]),  # 2**53 is not above
        (Between("x", max_value=2**53 + 3), [2]),  # 2**53 + 4, its nearest float, is above
        (Between("x", min_value=2**53 + 1), [0]),
        (InSet("x", value_set=[2**53 + 1]), [0, 1, 2]),  # no float equals it
        (Between("x", max_value=10**400), []),  # beyond the float range
    ],
)
def test_float_columns_against_integers_no_float_holds(
    one: Any, expectation: Any, failing: list[int]
) -> None:
    data = pa.table({"x": [2.0**53, 2.0**53 + 2, 2.0**53 + 4]})
    assert list(one(data, expectation).unexpected_index_list) == failing


MIXED = pd.DataFrame({"m": pd.Series([1, "a", 3, "1", None, 1.0, True], dtype=object)})


@pytest.mark.parametrize(
    ("expectation", "failing"),
    [
        (InSet("m", value_set=[1, "a"]), [2, 3, 6]),  # 1.0 is 1; "1" and True are not
        (InSet("m", value_set=["1", True]), [0, 1, 2, 5]),
        (NotInSet("m", value_set=[1, "a"]), [0, 1, 5]),
        (InSet("m", value_set=[]), [0, 1, 2, 3, 5, 6]),
        (InSet("m", value_set=[3], where="m != 1"), [1, 3, 6]),  # the where compares by type too
        (InSet("m", value_set=[3], where="m in ['a', 3]"), [1]),
    ],
)
def test_mixed_object_columns_compare_values_by_type(
    one: Any, expectation: Any, failing: list[int]
) -> None:
    assert list(one(MIXED, expectation).unexpected_index_list) == failing
    chunked = one(MIXED, expectation, chunk_size=2)
    assert list(chunked.unexpected_index_list) == failing


_OPS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}
_declared = st.one_of(
    st.integers(-(2**130), 2**130),
    st.integers(2**53 - 4, 2**53 + 4),
    st.floats(allow_nan=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(float),
)


def _exact(value: Any, column_type: pa.DataType) -> Fraction | float:
    """The declared value as the comparison means it (a float to a decimal column: its repr)."""
    if isinstance(value, float) and math.isinf(value):
        return value
    if isinstance(value, float) and pa.types.is_decimal(column_type):
        return Fraction(decimal.Decimal(repr(value)))
    return Fraction(value)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        [
            pa.int64(),
            pa.uint8(),
            pa.decimal128(38, 0),
            pa.decimal128(38, 18),
            pa.decimal128(5, 2),
            pa.float64(),
        ]
    ),
    st.lists(
        st.one_of(st.integers(-(10**37), 10**37), st.integers(2**53 - 4, 2**53 + 4)),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(sorted(_OPS)),
    _declared,
)
def test_comparisons_with_declared_numbers_are_exact(
    column_type: pa.DataType, raw: list[int], op: str, value: Any
) -> None:
    if pa.types.is_decimal(column_type):
        limit = 10**column_type.precision - 1
        units = [r % (2 * limit + 1) - limit for r in raw]
        values: list[Any] = [decimal.Decimal(f"{u}E-{column_type.scale}") for u in units]
    elif pa.types.is_integer(column_type):
        info = np.iinfo(column_type.to_pandas_dtype())
        values = [int(info.min) + r % (int(info.max) - int(info.min) + 1) for r in raw]
    else:
        values = [float(r) for r in raw]
    array = pa.array(values, type=column_type)
    got = compare(array, op, value).to_pylist()
    wanted = _exact(value, column_type)
    assert got == [_OPS[op](Fraction(v), wanted) for v in values]
    members = value_set((value,), column_type)
    found = pc.is_in(set_comparable(array, members), value_set=members).to_pylist()
    assert found == [Fraction(v) == wanted for v in values]


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(["s", "ms", "us", "ns"]),
    st.sampled_from([None, "UTC"]),
    st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=8),
    st.sampled_from(sorted(_OPS)),
    st.integers(-2_000_000, 2_000_000),
)
def test_comparisons_with_declared_datetimes_are_exact(
    unit: str, zone: str | None, raw: list[int], op: str, offset_us: int
) -> None:
    # Declared bounds finer than the column's unit are neither truncated nor rounded.
    per_unit = {"s": 10**6, "ms": 10**3, "us": 1, "ns": Fraction(1, 1000)}[unit]
    column_type = pa.timestamp(unit, tz=zone)
    values = [r * 997 for r in raw]  # in the column's unit
    declared_us = math.floor(values[0] * per_unit) + offset_us  # near the first value
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc if zone else None)
    value = epoch + dt.timedelta(microseconds=declared_us)
    array = pa.array(values, type=column_type)
    got = compare(array, op, value).to_pylist()
    assert got == [_OPS[op](v * per_unit, declared_us) for v in values]
    members = value_set((value,), column_type)
    found = pc.is_in(set_comparable(array, members), value_set=members).to_pylist()
    assert found == [v * per_unit == declared_us for v in values]


def test_messages_group_the_digits_of_large_counts() -> None:
    frame = pd.DataFrame({"a": range(123_456)})
    failed = dg.validate(frame, [Between("a", max_value=123_452)]).results[0]
    assert failed.message == "3 of 123,456 values (0.00243%) unexpected"
    passed = dg.validate(frame, [Between("a", min_value=0)]).results[0]
    assert passed.message == "all 123,456 values pass"
