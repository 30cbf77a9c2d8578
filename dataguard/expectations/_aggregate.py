"""Expectations on a statistic of one column: extremes, moments, quantiles, counts, value sets."""

from __future__ import annotations

import datetime as dt
import math
from abc import abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from dataguard._frame import comparable_members, to_column_value
from dataguard.errors import SuiteError
from dataguard.expectations._base import (
    NUMERIC,
    ORDERABLE,
    UNBOUNDED_HINT,
    AggregateBetween,
    Context,
    Expectation,
    past_values,
    range_text,
    within,
)
from dataguard.expectations._history import check_history, history_rule, judged_each
from dataguard.expectations._params import JsonObject, Scalar
from dataguard.expectations._registry import register
from dataguard.metrics import (
    Metric,
    MinMax,
    MissingCount,
    Moments,
    OrderStatistics,
    QuantileMethod,
    ValueCounts,
    round_exact,
)
from dataguard.result import ExpectationResult, Reason

NUMBERS = NUMERIC | {"boolean"}
#: Distinct values listed in an observed value before it is cut short.
MAX_LISTED = 1000


def _column_bounds(exp: AggregateBetween, ctx: Context) -> tuple[Any, Any]:
    t = ctx.info(exp.column).arrow_type
    return to_column_value(exp.min_value, t), to_column_value(exp.max_value, t)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class MinBetween(AggregateBetween):
    """The smallest present value lies within a range."""

    name = "min_between"
    example: ClassVar[dict[str, Any]] = {"column": "created_at", "min_value": dt.date(2020, 1, 1)}
    statistic = "minimum"
    accepts = ORDERABLE
    comparable_params = ("min_value", "max_value")

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (MinMax(self.column),)

    def observe(self, ctx: Context) -> Any:
        return ctx.values[MinMax(self.column)][0]

    def bounds(self, ctx: Context) -> tuple[Any, Any]:
        return _column_bounds(self, ctx)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class MaxBetween(AggregateBetween):
    """The largest present value lies within a range."""

    name = "max_between"
    example: ClassVar[dict[str, Any]] = {"column": "amount", "max_value": 10000}
    statistic = "maximum"
    accepts = ORDERABLE
    comparable_params = ("min_value", "max_value")

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (MinMax(self.column),)

    def observe(self, ctx: Context) -> Any:
        return ctx.values[MinMax(self.column)][1]

    def bounds(self, ctx: Context) -> tuple[Any, Any]:
        return _column_bounds(self, ctx)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class MeanBetween(AggregateBetween):
    """The mean of the present values lies within a range (computed exactly, then rounded)."""

    name = "mean_between"
    example: ClassVar[dict[str, Any]] = {"column": "amount", "min_value": 20, "max_value": 80}
    statistic = "mean"
    accepts = NUMBERS
    min_value: int | float | None = None
    max_value: int | float | None = None

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (Moments(self.column, squares=False),)

    def observe(self, ctx: Context) -> Any:
        moments = ctx.values[Moments(self.column, squares=False)]
        if moments.exact_sum is None or moments.count == 0:
            return moments.mean
        integers = bool(ctx.info(self.column).logical_types() & {"integer", "boolean"})
        return round_exact(moments.exact_sum / moments.count, integers)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class StdevBetween(AggregateBetween):
    """The sample standard deviation (ddof=1) lies within a range; needs two present values."""

    name = "stdev_between"
    example: ClassVar[dict[str, Any]] = {"column": "amount", "max_value": 500}
    statistic = "standard deviation"
    needs = 2
    accepts = NUMBERS
    min_value: float | None = None
    max_value: float | None = None

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (Moments(self.column),)

    def observe(self, ctx: Context) -> Any:
        return ctx.values[Moments(self.column)].stdev


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class SumBetween(AggregateBetween):
    """The sum of the present values lies within a range (0 when there are none)."""

    name = "sum_between"
    example: ClassVar[dict[str, Any]] = {"column": "quantity", "min_value": 1}
    statistic = "sum"
    accepts = NUMBERS
    min_value: int | float | None = None
    max_value: int | float | None = None

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (Moments(self.column, squares=False),)

    def observe(self, ctx: Context) -> Any:
        moments = ctx.values[Moments(self.column, squares=False)]
        exact = moments.exact_sum
        integral = ctx.info(self.column).logical_types() & {"integer", "boolean"}
        if integral and exact is not None and exact.denominator == 1:
            return int(exact)  # exact, however large
        return moments.sum


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class MedianBetween(AggregateBetween):
    """The median of the present values lies within a range (mean of the middle pair if even)."""

    name = "median_between"
    example: ClassVar[dict[str, Any]] = {"column": "delivery_days", "max_value": 5}
    statistic = "median"
    accepts = NUMBERS
    min_value: int | float | None = None
    max_value: int | float | None = None

    @property
    def order_statistics(self) -> OrderStatistics:
        """The values the median is taken from."""
        return OrderStatistics(self.column, (0.5,))

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (self.order_statistics.metric,)

    def observe(self, ctx: Context) -> Any:
        ordered = self.order_statistics.read(ctx.values)
        return ordered.quantiles((0.5,))[0] if ordered.count else None


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class QuantilesBetween(Expectation):
    """Each requested quantile lies within its range (``None`` ends are open)."""

    name = "quantiles_between"
    example: ClassVar[dict[str, Any]] = {
        "column": "amount",
        "quantiles": [0.5, 0.99],
        "value_ranges": [[20, 60], [None, 5000]],
    }
    accepts = NUMBERS

    column: str
    quantiles: tuple[float, ...]
    value_ranges: tuple[tuple[int | float | None, int | float | None], ...] = ()
    method: QuantileMethod = "linear"
    #: Bounds each quantile by its own earlier values (``dataguard.expectations._history``);
    #: ``value_ranges`` may then be left out.
    history: JsonObject | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def check(self) -> None:
        if not self.quantiles:
            raise SuiteError("give at least one quantile", path="quantiles")
        for i, q in enumerate(self.quantiles):
            if not 0.0 <= q <= 1.0:
                raise SuiteError(
                    f"a quantile must be between 0 and 1, got {q}", path=f"quantiles[{i}]"
                )
        check_history(self.history)
        if self.history is not None and not self.value_ranges:
            return
        if len(self.value_ranges) != len(self.quantiles):
            raise SuiteError(
                f"{len(self.quantiles)} quantiles but {len(self.value_ranges)} value ranges",
                path="value_ranges",
            )
        for i, (low, high) in enumerate(self.value_ranges):
            if any(b is not None and math.isnan(b) for b in (low, high)):
                raise SuiteError("a range bound cannot be NaN", path=f"value_ranges[{i}]")
            if low is not None and high is not None and low > high:
                raise SuiteError(f"range [{low}, {high}] is inverted", path=f"value_ranges[{i}]")

    @property
    def order_statistics(self) -> OrderStatistics:
        """The values the quantiles are taken from."""
        return OrderStatistics(self.column, self.quantiles)

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (self.order_statistics.metric,)

    def evaluate(self, ctx: Context) -> ExpectationResult:
        ordered = self.order_statistics.read(ctx.values)
        if ordered.count == 0:
            return self.result(
                False, Reason.NO_DATA, f"column {self.column!r} has no present values"
            )
        observed = ordered.quantiles(self.quantiles, self.method)
        # Without value_ranges (history alone), every quantile is open-ended here.
        ranges = self.value_ranges or ((None, None),) * len(self.quantiles)
        outside = [
            (q, v, r)
            for q, v, r in zip(self.quantiles, observed, ranges, strict=True)
            if not within(v, r[0], r[1])
        ]
        value = {"quantiles": list(self.quantiles), "values": observed}
        if outside:
            q, v, (low, high) = outside[0]
            more = f" and {len(outside) - 1} more" if len(outside) > 1 else ""
            message = f"quantile {q:g} is {v!r}, not {range_text(low, high)}{more}"
            result = self.result(False, Reason.OUT_OF_RANGE, message, observed_value=value)
        else:
            message = "every quantile is within its range"
            result = self.result(True, Reason.PASSED, message, observed_value=value)
        if self.history is None:
            return result
        past = past_values(self, self.history, ctx)
        # Each quantile against its own earlier values (the same check asks the same quantiles).
        each = [[p["values"][i] for p in past if _quantile_values(p)] for i in range(len(observed))]
        labels = [f"quantile {q:g}" for q in self.quantiles]
        bounded = bool(self.value_ranges)
        return judged_each(result, self.history, labels, observed, each, bounded=bounded)

    def sentence(self) -> str:
        parts = [
            f"q{q:g} {range_text(lo, hi)}"
            for q, (lo, hi) in zip(self.quantiles, self.value_ranges, strict=False)
        ]
        if not parts:
            parts = [", ".join(f"q{q:g}" for q in self.quantiles)]
        if self.history is not None:
            parts.append(f"each {history_rule(self.history).sentence()}")
        return f"Quantiles of {self.column!r}: {'; '.join(parts)}."

    def reads_history(self) -> bool:
        return self.history is not None


def _quantile_values(observed: Any) -> bool:
    """Whether an earlier observed value holds the quantiles' values (not a failed run's)."""
    return isinstance(observed, dict) and isinstance(observed.get("values"), list)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class UniqueValueCountBetween(AggregateBetween):
    """The number of distinct present values lies within a range."""

    name = "unique_value_count_between"
    example: ClassVar[dict[str, Any]] = {"column": "country", "min_value": 2, "max_value": 250}
    statistic = "number of distinct values"
    min_value: int | None = None
    max_value: int | None = None

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (ValueCounts(self.column),)

    def observe(self, ctx: Context) -> Any:
        return ctx.values[ValueCounts(self.column)].distinct


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ProportionUniqueBetween(AggregateBetween):
    """Distinct present values divided by present values lies within a range of [0, 1]."""

    name = "proportion_unique_between"
    example: ClassVar[dict[str, Any]] = {"column": "customer_id", "min_value": 0.5}
    statistic = "proportion of unique values"
    min_value: float | None = None
    max_value: float | None = None

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (ValueCounts(self.column),)

    def observe(self, ctx: Context) -> Any:
        counts = ctx.values[ValueCounts(self.column)]
        return counts.distinct / counts.total if counts.total else None


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ProportionNonNullBetween(AggregateBetween):
    """The share of rows with a present value lies within a range of [0, 1]."""

    name = "proportion_non_null_between"
    example: ClassVar[dict[str, Any]] = {"column": "email", "min_value": 0.95}
    statistic = "proportion of present values"
    min_value: float | None = None
    max_value: float | None = None

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (MissingCount(self.column),)

    def observe(self, ctx: Context) -> Any:
        rows, missing = ctx.values[MissingCount(self.column)]
        return (rows - missing) / rows if rows else None


def _listed(values: list[Any]) -> list[Any]:
    return values[:MAX_LISTED]


@dataclass(frozen=True, slots=True, kw_only=True)
class _DistinctValues(Expectation):
    """Compares the set of distinct present values with a declared set."""

    column: str
    value_set: tuple[Scalar, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (ValueCounts(self.column),)

    def compare(self, observed: list[Any], members: list[Any]) -> tuple[list[Any], list[Any]]:
        """Observed values outside the set, and set members never observed."""
        observed_set = set(observed)
        member_set = set(members)
        return [v for v in observed if v not in member_set], [
            m for m in members if m not in observed_set
        ]

    @abstractmethod
    def outcome(self, extra: list[Any], absent: list[Any]) -> bool:
        """Whether the comparison passes, from the extra and the absent values."""

    def evaluate(self, ctx: Context) -> ExpectationResult:
        counts = ctx.values[ValueCounts(self.column)]
        observed = counts.values.to_pylist()
        members = comparable_members(self.value_set or (), ctx.info(self.column).arrow_type)
        extra, absent = self.compare(observed, members)
        passed = self.outcome(extra, absent)
        details = {
            "unexpected_values": _listed(extra),
            "missing_values": _listed(absent),
            "value_counts": [
                {"value": v, "count": c}
                for v, c in zip(_listed(observed), counts.counts.tolist(), strict=False)
            ],
        }
        if passed:
            message = f"{len(observed)} distinct values as expected"
        else:
            problems = []
            if extra and self.name != "distinct_values_contain_set":
                problems.append(f"{len(extra)} not in the set (e.g. {extra[0]!r})")
            if absent and self.name != "distinct_values_in_set":
                problems.append(f"{len(absent)} of the set never seen (e.g. {absent[0]!r})")
            message = "; ".join(problems)
        return self.result(
            passed,
            Reason.PASSED if passed else Reason.UNEXPECTED_VALUES,
            message,
            observed_value=_listed(observed),
            details=details,
        )


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class DistinctValuesInSet(_DistinctValues):
    """Every distinct present value belongs to ``value_set``.

    With ``allow_unbounded`` (as Great Expectations allows) the set may be left out: every value
    is allowed, and the distinct values are reported.
    """

    name = "distinct_values_in_set"
    example: ClassVar[dict[str, Any]] = {"column": "country", "value_set": ["DE", "FR", "NL"]}

    value_set: tuple[Scalar, ...] | None = None  # type: ignore[assignment]
    allow_unbounded: bool = False

    def check(self) -> None:
        if self.value_set is None and not self.allow_unbounded:
            raise SuiteError(f"give value_set, or {UNBOUNDED_HINT}", path="value_set")

    def outcome(self, extra: list[Any], absent: list[Any]) -> bool:
        return self.value_set is None or not extra

    def sentence(self) -> str:
        if self.value_set is None:
            return f"Distinct values of {self.column!r} are reported (no set to check)."
        return f"Distinct values of {self.column!r} are all in a set of {len(self.value_set)}."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class DistinctValuesContainSet(_DistinctValues):
    """Every member of ``value_set`` occurs among the present values."""

    name = "distinct_values_contain_set"
    example: ClassVar[dict[str, Any]] = {"column": "status", "value_set": ["placed", "shipped"]}

    def outcome(self, extra: list[Any], absent: list[Any]) -> bool:
        return not absent

    def sentence(self) -> str:
        return f"Values of {self.column!r} include all {len(self.value_set)} of a set."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class DistinctValuesEqualSet(_DistinctValues):
    """The distinct present values are exactly ``value_set``."""

    name = "distinct_values_equal_set"
    example: ClassVar[dict[str, Any]] = {
        "column": "status",
        "value_set": ["placed", "shipped", "delivered"],
    }

    def outcome(self, extra: list[Any], absent: list[Any]) -> bool:
        return not extra and not absent

    def sentence(self) -> str:
        return f"Distinct values of {self.column!r} are exactly a set of {len(self.value_set)}."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class MostCommonValueInSet(Expectation):
    """The most frequent present value belongs to ``value_set``.

    On a tie the observed value lists every mode: without ``ties_okay`` a tie fails; with it, the
    expectation passes when any mode is in the set.
    """

    name = "most_common_value_in_set"
    example: ClassVar[dict[str, Any]] = {"column": "country", "value_set": ["DE"]}

    column: str
    value_set: tuple[Scalar, ...]
    ties_okay: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (ValueCounts(self.column),)

    def evaluate(self, ctx: Context) -> ExpectationResult:
        modes = ctx.values[ValueCounts(self.column)].most_common()
        if not modes:
            return self.result(
                False, Reason.NO_DATA, f"column {self.column!r} has no present values"
            )
        members = set(comparable_members(self.value_set, ctx.info(self.column).arrow_type))
        hits = [m for m in modes if m in members]
        passed = bool(hits) if self.ties_okay else len(modes) == 1 and bool(hits)
        if passed:
            message = (
                f"most common value {modes[0] if len(modes) == 1 else hits[0]!r} is in the set"
            )
        elif len(modes) > 1 and not self.ties_okay:
            message = f"{len(modes)} values tie for most common: {modes[:5]!r}"
        else:
            message = f"most common value {modes[0]!r} is not in the set"
        return self.result(
            passed,
            Reason.PASSED if passed else Reason.UNEXPECTED_VALUES,
            message,
            observed_value=modes if len(modes) > 1 else modes[0],
        )

    def sentence(self) -> str:
        return f"The most common value of {self.column!r} is in a set of {len(self.value_set)}."
