"""Expectations on one statistic of a column: extremes, moments, quantiles, counts, sets."""

from __future__ import annotations

import datetime as dt
import decimal
import math
import statistics
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import dataguard as dg
from dataguard.expectations import (
    DistinctValuesContainSet,
    DistinctValuesEqualSet,
    DistinctValuesInSet,
    MaxBetween,
    MeanBetween,
    MedianBetween,
    MinBetween,
    MostCommonValueInSet,
    ProportionNonNullBetween,
    ProportionUniqueBetween,
    QuantilesBetween,
    StdevBetween,
    SumBetween,
    UniqueValueCountBetween,
)

Reason = dg.Reason

VALUES = [1, 1, 3, None, 7]  # present: 1, 1, 3, 7

# observed value of VALUES, an expectation it passes, one it fails
OBSERVED: list[Any] = [
    pytest.param(
        1, MinBetween("x", min_value=1), MinBetween("x", min_value=1, strict_min=True), id="min"
    ),
    pytest.param(7, MaxBetween("x", max_value=7), MaxBetween("x", max_value=6.5), id="max"),
    pytest.param(
        3.0,
        MeanBetween("x", min_value=3, max_value=3),
        MeanBetween("x", max_value=3, strict_max=True),
        id="mean",
    ),
    pytest.param(
        statistics.stdev([1, 1, 3, 7]),
        StdevBetween("x", min_value=2.8, max_value=2.9),
        StdevBetween("x", max_value=2),
        id="stdev",
    ),
    pytest.param(
        12, SumBetween("x", min_value=12, max_value=12), SumBetween("x", min_value=13), id="sum"
    ),
    pytest.param(
        2.0,
        MedianBetween("x", min_value=2, max_value=2),
        MedianBetween("x", min_value=2.5),
        id="median",
    ),
    pytest.param(
        3,
        UniqueValueCountBetween("x", min_value=3, max_value=3),
        UniqueValueCountBetween("x", max_value=2),
        id="unique_count",
    ),
    pytest.param(
        0.75,
        ProportionUniqueBetween("x", min_value=0.75),
        ProportionUniqueBetween("x", min_value=0.8),
        id="proportion_unique",
    ),
    pytest.param(
        0.8,
        ProportionNonNullBetween("x", min_value=0.8),
        ProportionNonNullBetween("x", min_value=0.9),
        id="proportion_non_null",
    ),
]


@pytest.mark.parametrize(("observed", "passing", "failing"), OBSERVED)
def test_statistic_is_observed_and_bounds_are_inclusive_unless_strict(
    frame_factory: Any, run: Any, observed: Any, passing: Any, failing: Any
) -> None:
    result = run(frame_factory({"x": VALUES}), passing, failing)
    good, bad = result.results
    assert good.passed is True, good.message
    assert good.reason is Reason.PASSED
    assert good.observed_value == pytest.approx(observed, rel=1e-15)
    assert bad.passed is False
    assert bad.reason is Reason.OUT_OF_RANGE
    assert bad.observed_value == good.observed_value
    assert "is not" in bad.message


def test_observed_values_keep_the_column_type(frame_factory: Any, one: Any) -> None:
    data = frame_factory({"i": [3, 1, None], "f": [1.5, None, 2.5]})
    minimum = one(data, MinBetween("i", min_value=0)).observed_value
    assert minimum == 1
    total = one(data, SumBetween("i", min_value=0)).observed_value
    assert total == 4
    if frame_factory.backend != "pandas":  # pandas holds integers with nulls as floats
        assert type(total) is int
    assert one(data, SumBetween("f", min_value=0)).observed_value == 4.0
    assert one(data, MaxBetween("f", max_value=9)).observed_value == 2.5


@pytest.mark.parametrize(
    ("values", "mean", "stdev"),
    [
        ([1, 1, 3], 5 / 3, 1.1547005383792515),  # GX: sample stdev, ddof=1
        ([0, None], 0.0, None),  # nulls are dropped, not zero
        ([1e6 + 0.5, 1e6 - 0.5, 1e6 + 0.5, 1e6 - 0.5], 1e6, math.sqrt(1 / 3)),
        ([1e16, 1.0, -1e16], 1 / 3, 1e16),
    ],
)
def test_moments_are_exact(one: Any, values: list[Any], mean: float, stdev: float | None) -> None:
    data = pa.table({"x": pa.array(values, type=pa.float64())})
    assert one(data, MeanBetween("x", min_value=-1e300)).observed_value == mean
    observed = one(data, StdevBetween("x", min_value=0)).observed_value
    assert observed == (pytest.approx(stdev, rel=1e-15) if stdev is not None else None)


def test_stdev_of_a_column_centred_at_a_million(one: Any) -> None:
    rng = np.random.default_rng(7)
    values = 1e6 + rng.standard_normal(100_000)
    expected = statistics.stdev(values.tolist())  # exact rational arithmetic, then rounded
    result = one(pa.table({"x": values}), StdevBetween("x", min_value=0.99, max_value=1.01))
    assert result.passed
    assert result.observed_value == pytest.approx(expected, rel=1e-14)
    for chunk_size in (1000, 7777):
        again = one(pa.table({"x": values}), StdevBetween("x", min_value=0), chunk_size=chunk_size)
        assert again.observed_value == result.observed_value


def test_infinity_is_a_value(one: Any) -> None:
    data = {"x": [1.0, math.inf, None]}
    assert one(data, MeanBetween("x", min_value=0)).observed_value == math.inf
    assert one(data, MaxBetween("x", min_value=0)).observed_value == math.inf
    assert one(data, SumBetween("x", max_value=1e308)).passed is False
    both = {"x": [math.inf, -math.inf]}
    result = one(both, MeanBetween("x", min_value=0))
    assert result.passed is False
    assert math.isnan(result.observed_value)


def test_sum_overflows_to_infinity_but_the_mean_does_not(one: Any) -> None:
    data = {"x": [1.7e308, 1.7e308]}
    assert one(data, SumBetween("x", min_value=0)).observed_value == math.inf
    assert one(data, MeanBetween("x", min_value=0)).observed_value == 1.7e308
    assert one(data, StdevBetween("x", max_value=0)).observed_value == 0.0
    spread = one({"x": [1.7e308, -1.7e308]}, StdevBetween("x", min_value=0))
    assert spread.observed_value == math.inf


def test_boolean_columns_are_counted_as_numbers(one: Any) -> None:
    data = {"b": [True, False, True, None]}
    assert one(data, MeanBetween("b", min_value=0.6)).observed_value == pytest.approx(2 / 3)
    assert one(data, SumBetween("b", min_value=2, max_value=2)).observed_value == 2
    assert one(data, MedianBetween("b", min_value=1)).passed


def test_temporal_and_string_extremes(frame_factory: Any, run: Any) -> None:
    data = frame_factory(
        {
            "t": [dt.datetime(2020, 1, 1), None, dt.datetime(2021, 1, 1)],
            "s": ["b", "a", None],
        }
    )
    minimum, maximum, smallest = run(
        data,
        MinBetween("t", min_value="2020-01-01"),
        MaxBetween("t", max_value=dt.datetime(2020, 6, 1)),
        MinBetween("s", min_value="a", max_value="a"),
    ).results
    assert (minimum.passed, minimum.observed_value) == (True, dt.datetime(2020, 1, 1))
    assert (maximum.passed, maximum.observed_value) == (False, dt.datetime(2021, 1, 1))
    assert (smallest.passed, smallest.observed_value) == (True, "a")


def test_time_zone_aware_extremes(one: Any) -> None:
    frame = pd.DataFrame({"t": pd.to_datetime(["2020-01-01 00:30"]).tz_localize("Europe/Paris")})
    result = one(frame, MaxBetween("t", max_value="2019-12-31T23:45:00"))
    assert result.passed  # 00:30 in Paris is 23:30 UTC the day before
    assert result.observed_value == dt.datetime(2019, 12, 31, 23, 30, tzinfo=dt.timezone.utc)


def test_median_of_even_count_averages_the_middle_pair(one: Any) -> None:
    assert one({"x": [5, 7, 6, None, 1]}, MedianBetween("x", min_value=0)).observed_value == 5.5
    assert one({"x": [5, 7, 6, None]}, MedianBetween("x", min_value=0)).observed_value == 6


@pytest.mark.parametrize(
    ("method", "expected"),
    [("linear", [1.0, 2.5, 10.0]), ("nearest", [1.0, 3.0, 10.0]), ("lower", [1.0, 2.0, 10.0])],
)
def test_quantiles(frame_factory: Any, one: Any, method: str, expected: list[float]) -> None:
    data = frame_factory({"x": [10, 2, None, 1, 3]})
    expectation = QuantilesBetween(
        column="x",
        quantiles=[0, 0.5, 1],
        value_ranges=[[None, 1], [2, 3], [9, None]],
        method=method,
    )
    result = one(data, expectation)
    assert result.passed
    assert result.observed_value == {"quantiles": [0.0, 0.5, 1.0], "values": expected}
    failing = QuantilesBetween(
        column="x", quantiles=[0.5, 1], value_ranges=[[4, 5], [None, 5]], method=method
    )
    result = one(data, failing)
    assert result.passed is False
    assert result.reason is Reason.OUT_OF_RANGE
    assert "and 1 more" in result.message


@pytest.mark.parametrize(
    ("expectation", "values", "passed", "observed", "details"),
    [
        (
            DistinctValuesInSet(column="x", value_set=["a", "b", "c"]),
            ["a", "b", None, "a"],
            True,
            ["a", "b"],
            ([], ["c"]),
        ),
        (
            DistinctValuesInSet(column="x", value_set=["a"]),
            ["a", "b", None],
            False,
            ["a", "b"],
            (["b"], []),
        ),
        (
            DistinctValuesContainSet(column="x", value_set=["a"]),
            ["a", "b", None],
            True,
            ["a", "b"],
            (["b"], []),
        ),
        (
            DistinctValuesContainSet(column="x", value_set=["a", "z"]),
            ["a", "b"],
            False,
            ["a", "b"],
            (["b"], ["z"]),
        ),
        (
            DistinctValuesEqualSet(column="x", value_set=["b", "a"]),
            ["a", "b", "b"],
            True,
            ["a", "b"],
            ([], []),
        ),
        (
            DistinctValuesEqualSet(column="x", value_set=["a"]),
            ["a", "b"],
            False,
            ["a", "b"],
            (["b"], []),
        ),
        (
            DistinctValuesEqualSet(column="x", value_set=["a", "b", "c"]),
            ["a", "b"],
            False,
            ["a", "b"],
            ([], ["c"]),
        ),
    ],
)
def test_distinct_value_sets(
    frame_factory: Any,
    one: Any,
    *,
    expectation: Any,
    values: list[Any],
    passed: bool,
    observed: list[Any],
    details: tuple[list[Any], list[Any]],
) -> None:
    result = one(frame_factory({"x": values}), expectation)
    assert result.passed is passed
    assert result.reason is (Reason.PASSED if passed else Reason.UNEXPECTED_VALUES)
    assert result.observed_value == observed  # sorted distinct present values
    assert result.details["unexpected_values"] == details[0]
    assert result.details["missing_values"] == details[1]
    listed = result.details["value_counts"]
    assert [c["value"] for c in listed] == observed
    assert sum(c["count"] for c in listed) == sum(v is not None for v in values)


def test_distinct_values_compare_numbers_by_value(one: Any) -> None:
    data = {"x": [1, 2, 2, None]}
    assert one(data, DistinctValuesEqualSet(column="x", value_set=[1.0, 2])).passed
    assert not one(data, DistinctValuesInSet(column="x", value_set=["1", "2"])).passed
    assert one(data, DistinctValuesContainSet(column="x", value_set=[])).passed
    assert one({"x": [0.0, -0.0]}, DistinctValuesEqualSet(column="x", value_set=[0])).passed


def test_most_common_value_and_ties(frame_factory: Any, run: Any) -> None:
    single = run(
        frame_factory({"x": ["a", "b", "a", None, None, None]}),
        MostCommonValueInSet(column="x", value_set=["a"]),
        MostCommonValueInSet(column="x", value_set=["b"]),
    ).results
    assert (single[0].passed, single[0].observed_value) == (True, "a")  # nulls never count
    assert (single[1].passed, single[1].reason) == (False, Reason.UNEXPECTED_VALUES)
    tie = frame_factory({"x": ["a", "b", "a", "b", "c"]})
    strict, relaxed, neither = run(
        tie,
        MostCommonValueInSet(column="x", value_set=["a", "b"]),
        MostCommonValueInSet(column="x", value_set=["a"], ties_okay=True),
        MostCommonValueInSet(column="x", value_set=["c"], ties_okay=True),
    ).results
    assert (strict.passed, strict.observed_value) == (False, ["a", "b"])
    assert "tie" in strict.message
    assert relaxed.passed is True
    assert neither.passed is False


AGGREGATES: list[Any] = [
    MinBetween("x", min_value=0),
    MaxBetween("x", min_value=0),
    MeanBetween("x", min_value=0),
    StdevBetween("x", min_value=0),
    MedianBetween("x", min_value=0),
    QuantilesBetween(column="x", quantiles=[0.5], value_ranges=[[0, None]]),
    MostCommonValueInSet(column="x", value_set=[1]),
    ProportionUniqueBetween("x", min_value=0),
]
# Statistics that are defined without any present value.
VACUOUS: list[Any] = [
    (SumBetween("x", min_value=0), 0),
    (UniqueValueCountBetween("x", max_value=0), 0),
    (DistinctValuesInSet(column="x", value_set=[1]), []),
    (DistinctValuesEqualSet(column="x", value_set=[]), []),
]


@pytest.mark.parametrize("expectation", AGGREGATES, ids=lambda e: e.name)
@pytest.mark.parametrize("column_type", [pa.float64(), pa.int64(), pa.null()], ids=str)
def test_no_present_value_means_no_data(
    frame_factory: Any, one: Any, expectation: Any, column_type: pa.DataType
) -> None:
    for rows in (0, 3):
        result = one(frame_factory({"x": [None] * rows}, {"x": column_type}), expectation)
        assert result.passed is False
        assert result.reason is Reason.NO_DATA
        assert result.observed_value is None


@pytest.mark.parametrize(("expectation", "observed"), VACUOUS, ids=lambda e: getattr(e, "name", ""))
def test_statistics_defined_on_no_values(
    frame_factory: Any, one: Any, expectation: Any, observed: Any
) -> None:
    for rows in (0, 3):
        result = one(frame_factory({"x": [None] * rows}, {"x": pa.float64()}), expectation)
        assert result.passed is True
        assert result.observed_value == observed


def test_proportion_non_null(frame_factory: Any, one: Any) -> None:
    empty = one(
        frame_factory({"x": []}, {"x": pa.int64()}), ProportionNonNullBetween("x", min_value=0)
    )
    assert (empty.passed, empty.reason) == (False, Reason.NO_DATA)
    nulls = one(
        frame_factory({"x": [None] * 4}, {"x": pa.int64()}),
        ProportionNonNullBetween("x", max_value=0),
    )
    assert (nulls.passed, nulls.observed_value) == (True, 0.0)


def test_stdev_needs_two_values(one: Any) -> None:
    result = one({"x": [5.0, None]}, StdevBetween("x", min_value=0))
    assert (result.passed, result.reason) == (False, Reason.NO_DATA)
    assert "fewer than 2" in result.message


ALL: list[Any] = [
    *AGGREGATES,
    *(e for e, _ in VACUOUS),
    ProportionNonNullBetween("x", min_value=0),
    SumBetween("x", min_value=0),
]


@pytest.mark.parametrize("expectation", ALL, ids=lambda e: e.name)
def test_missing_column(frame_factory: Any, run: Any, expectation: Any) -> None:
    result = run(frame_factory({"y": [1]}), expectation, MinBetween("y", min_value=0))
    assert result.results[0].passed is False
    assert result.results[0].reason is Reason.COLUMN_MISSING
    assert result.results[1].passed is True


@pytest.mark.parametrize(
    ("expectation", "values"),
    [
        (MeanBetween("x", min_value=0), ["a", "b"]),
        (StdevBetween("x", min_value=0), ["a", "b"]),
        (SumBetween("x", min_value=0), ["a", "b"]),
        (MedianBetween("x", min_value=0), ["a", "b"]),
        (QuantilesBetween(column="x", quantiles=[0.5], value_ranges=[[0, 1]]), ["a"]),
        (MeanBetween("x", min_value=0), [dt.datetime(2020, 1, 1)]),
        (MinBetween("x", min_value=0), ["a", "b"]),
        (MaxBetween("x", max_value="z"), [1, 2]),
        (MinBetween("x", min_value="2020-01-01"), [1.5]),
        (MinBetween("x", min_value=0), [[1], [2]]),
        (UniqueValueCountBetween("x", min_value=0), [[1], [2]]),
        (ProportionUniqueBetween("x", min_value=0), [[1], [2]]),
        (DistinctValuesInSet(column="x", value_set=[1]), [[1], [2]]),
        (MostCommonValueInSet(column="x", value_set=[1]), [[1], [2]]),
    ],
    ids=lambda v: v.name if hasattr(v, "name") else type(v[0]).__name__,
)
@pytest.mark.exclude_backends("csv")  # CSV has no list columns
def test_wrong_column_type_is_a_type_mismatch(
    frame_factory: Any, one: Any, expectation: Any, values: list[Any]
) -> None:
    result = one(frame_factory({"x": values}), expectation)
    assert result.passed is False
    assert result.reason is Reason.TYPE_MISMATCH


@pytest.mark.parametrize("severity", ["error", "warning", "info"])
def test_severity(run: Any, severity: str) -> None:
    result = run({"x": [1, 2]}, MaxBetween("x", max_value=1, severity=severity))
    assert result.results[0].passed is False
    assert result.results[0].severity == severity
    assert result.passed is (severity != "error")


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda: MinBetween("x"), "give min_value, max_value or both"),
        (lambda: MeanBetween("x", min_value=2, max_value=1), "greater than"),
        (lambda: StdevBetween("x", min_value=math.nan), "NaN"),
        (lambda: MeanBetween("x", min_value="a"), "expected int or float"),
        (lambda: SumBetween("x", min_value=0, strict_min=1), "expected bool"),
        (lambda: UniqueValueCountBetween("x", min_value=1.5), "expected int"),
        (lambda: MaxBetween("x", min_value=dt.date(2020, 1, 1), max_value=1), "cannot be compared"),
        (
            lambda: QuantilesBetween(column="x", quantiles=[], value_ranges=[]),
            "at least one quantile",
        ),
        (
            lambda: QuantilesBetween(column="x", quantiles=[1.5], value_ranges=[[0, 1]]),
            "between 0 and 1",
        ),
        (lambda: QuantilesBetween(column="x", quantiles=[0.5], value_ranges=[]), "value ranges"),
        (lambda: QuantilesBetween(column="x", quantiles=[0.5], value_ranges=[[2, 1]]), "inverted"),
        (
            lambda: QuantilesBetween(column="x", quantiles=[0.5], value_ranges=[[math.nan, 1]]),
            "NaN",
        ),
        (lambda: QuantilesBetween(column="x", quantiles=[0.5], value_ranges=[[0]]), "expected"),
        (
            lambda: QuantilesBetween(
                column="x", quantiles=[0.5], value_ranges=[[0, 1]], method="cubic"
            ),
            "expected",
        ),
        (lambda: DistinctValuesInSet(column="x", value_set=None), "give value_set, or set allow"),
        (lambda: MostCommonValueInSet(column="x", value_set=[1], ties_okay="no"), "expected bool"),
    ],
)
def test_invalid_parameters_are_suite_errors(make: Any, problem: str) -> None:
    with pytest.raises(dg.SuiteError, match=problem):
        make()


def test_missing_required_parameter_in_a_document_is_a_suite_error() -> None:
    with pytest.raises(dg.SuiteError, match="needs value_set"):
        dg.Suite.from_dict({"expectations": [{"type": "most_common_value_in_set", "column": "x"}]})


def test_describe() -> None:
    assert MeanBetween("x", min_value=1).describe() == "The mean of 'x' is at least 1."
    assert "q0.5" in QuantilesBetween(column="x", quantiles=[0.5], value_ranges=[[0, 1]]).describe()
    assert "most common" in MostCommonValueInSet(column="x", value_set=[1]).describe()


def test_signed_zeros_do_not_depend_on_batches(one: Any) -> None:
    data = {"x": [-0.0, 0.0, None, -0.0]}
    for chunk_size in (None, 1, 2):
        for expectation in (
            MinBetween("x", min_value=0),
            MaxBetween("x", max_value=0),
            MedianBetween("x", min_value=0),
        ):
            observed = one(data, expectation, chunk_size=chunk_size).observed_value
            assert observed == 0.0
            assert math.copysign(1.0, observed) == 1.0, (expectation.name, chunk_size)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([-1.5e308, 1.5e308], 0.0),  # the middle of the pair, not an overflow to -inf
        ([1.0, math.inf], math.inf),  # not NaN
        ([2**63 - 1, 2**63 - 1], 2**63 - 1),  # int64 extremes stay exact
        ([-(2**63), -(2**63)], -(2**63)),
    ],
)
def test_median_at_the_edges(one: Any, values: list[Any], expected: float) -> None:
    result = one({"x": values}, MedianBetween("x", min_value=expected, max_value=expected))
    assert result.passed
    assert result.observed_value == expected


def test_quantiles_with_infinities_are_the_extremes(one: Any) -> None:
    data = {"x": [-math.inf, 1.0, 2.0, math.inf]}
    expectation = QuantilesBetween(
        column="x", quantiles=(0.0, 1.0), value_ranges=((None, -1e308), (1e308, None))
    )
    result = one(data, expectation)
    assert result.passed
    assert result.observed_value["values"] == [-math.inf, math.inf]


def test_int64_extremes_are_exact_in_sums_and_means(one: Any) -> None:
    top = 2**63 - 1
    data = {"x": pa.array([top, top, top], type=pa.int64())}
    total = one(data, SumBetween("x", min_value=3 * top, max_value=3 * top))
    assert (total.passed, total.observed_value) == (True, 3 * top)
    mean = one(data, MeanBetween("x", min_value=top, max_value=top))
    assert (mean.passed, mean.observed_value) == (True, top)
    above = one(data, MeanBetween("x", min_value=top, strict_min=True))
    assert not above.passed  # top, not 2**63 (its nearest float)


def test_stdev_is_correctly_rounded(one: Any) -> None:
    # sqrt of the rounded variance is 0.1933574657307339: rounding twice is a unit off.
    values = [0.4221165755827173, 0.029040787574867943, 0.22169166627303505]
    values += [0.43788759365057206, 0.49581224138185065]
    result = one({"x": values}, StdevBetween("x", min_value=0))
    assert result.observed_value == 0.19335746573073387


def test_decimal_extremes_are_exact(one: Any) -> None:
    values = [decimal.Decimal("0.1"), decimal.Decimal("1.000000000000000001")]
    data = pa.table({"x": pa.array(values, type=pa.decimal128(38, 18))})
    assert one(data, MinBetween("x", min_value=0.1, max_value=0.1)).passed  # 0.1 means 0.1
    assert not one(data, MinBetween("x", min_value=0.1, strict_min=True)).passed
    largest = one(data, MaxBetween("x", max_value=1))
    assert (largest.passed, largest.observed_value) == (False, values[1])
