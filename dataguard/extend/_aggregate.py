"""Aggregate custom expectations: declared statistics, judged by a function of their values.

The statistics are the engine's own mergeable metrics, so an aggregate check costs no extra
pass, shares its metrics with built-ins that need the same ones, and gives the same values for
every batch size and partitioning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from dataguard.expectations import Context, Expectation
from dataguard.extend._declare import (
    Declared,
    F,
    registrar,
)
from dataguard.metrics import (
    Metric,
    MinMax,
    MissingCount,
    Moments,
    OrderStatistics,
    RowCount,
    ValueCounts,
    Values,
)
from dataguard.result import ExpectationResult, Reason

Kind = Literal[
    "row_count",
    "null_count",
    "minimum",
    "maximum",
    "mean",
    "total",
    "stdev",
    "distinct_count",
    "quantile",
]


@dataclass(frozen=True)
class Statistic:
    """A statistic an aggregate check declares: ``kind`` of the column named by the
    expectation's parameter ``column`` (``q`` for a quantile). Build it with ``row_count()``,
    ``null_count(column)``, ``minimum``, ``maximum``, ``mean``, ``total``, ``stdev``,
    ``distinct_count`` or ``quantile(column, q)``."""

    kind: Kind
    column: str | None = None
    q: float | None = None

    def metric(self, column: str | None) -> Metric[Any, Any]:
        """The engine metric that holds the statistic of ``column``."""
        if column is None:
            return RowCount()
        if self.kind == "null_count":
            return MissingCount(column)
        if self.kind in ("minimum", "maximum"):
            return MinMax(column)
        if self.kind in ("mean", "total"):
            return Moments(column, squares=False)
        if self.kind == "stdev":
            return Moments(column)
        if self.kind == "distinct_count":
            return ValueCounts(column)
        return OrderStatistics(column, (self._q,)).metric

    def read(self, values: Values, column: str | None) -> Any:
        """The statistic's value, or None when the column has no value to take it from."""
        if column is None:
            return values[RowCount()]
        if self.kind == "quantile":
            ordered = OrderStatistics(column, (self._q,)).read(values)
            return ordered.quantiles((self._q,))[0] if ordered.count else None
        value = values[self.metric(column)]
        if self.kind == "null_count":
            return value[1]
        if self.kind in ("minimum", "maximum"):
            return value[0 if self.kind == "minimum" else 1]
        if self.kind == "mean":
            return value.mean
        if self.kind == "total":
            return value.sum
        if self.kind == "stdev":
            return value.stdev
        return value.distinct

    @property
    def _q(self) -> float:
        assert self.q is not None  # quantile() sets it
        return self.q


def row_count() -> Statistic:
    """The number of rows (those the row condition keeps, with ``where``)."""
    return Statistic("row_count")


def null_count(column: str = "column") -> Statistic:
    """The number of missing values (null, NaN, NaT) of the column."""
    return Statistic("null_count", column)


def minimum(column: str = "column") -> Statistic:
    """The smallest present value (None when there is none)."""
    return Statistic("minimum", column)


def maximum(column: str = "column") -> Statistic:
    """The largest present value (None when there is none)."""
    return Statistic("maximum", column)


def mean(column: str = "column") -> Statistic:
    """The mean of the present values (None when there is none)."""
    return Statistic("mean", column)


def total(column: str = "column") -> Statistic:
    """The sum of the present values (0 when there is none)."""
    return Statistic("total", column)


def stdev(column: str = "column") -> Statistic:
    """The sample standard deviation, ddof=1 (None with fewer than two present values)."""
    return Statistic("stdev", column)


def distinct_count(column: str = "column") -> Statistic:
    """The number of distinct present values."""
    return Statistic("distinct_count", column)


def quantile(column: str = "column", q: float = 0.5) -> Statistic:
    """The ``q`` quantile of the present values, linear interpolation (None when none)."""
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"a quantile must be between 0 and 1, got {q}")
    return Statistic("quantile", column, float(q))


@dataclass(frozen=True)
class Verdict:
    """What an aggregate check's function returns: whether the data passes, the observed value
    to report, and optionally a message (one is written from the observed value otherwise)."""

    passed: bool
    observed: Any = None
    message: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class _CustomAggregate(Declared, Expectation):
    """An aggregate expectation judged by a registered function (see ``aggregate_check``)."""

    def _statistics(self) -> dict[str, tuple[Statistic, str | None]]:
        return {
            key: (stat, None if stat.column is None else getattr(self, stat.column))
            for key, stat in self.declaration.inputs.items()
        }

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return tuple(stat.metric(column) for stat, column in self._statistics().values())

    def evaluate(self, ctx: Context) -> ExpectationResult:
        observed = {
            key: stat.read(ctx.values, column) for key, (stat, column) in self._statistics().items()
        }
        verdict = self.declaration.function(**observed, **self.parameter_values)
        if not isinstance(verdict, Verdict):
            raise TypeError(f"{self.declaration.origin} returned {verdict!r}, not a Verdict")
        passed = bool(verdict.passed)
        return self.result(
            passed,
            Reason.PASSED if passed else Reason.OUT_OF_RANGE,
            verdict.message or f"observed {verdict.observed!r}",
            observed_value=verdict.observed,
        )


def aggregate_check(
    name: str,
    *,
    statistics: Mapping[str, Statistic],
    accepts: str | Iterable[str] | None = None,
    example: Mapping[str, Any] | None = None,
) -> Callable[[F], F]:
    """Register the decorated function as the aggregate expectation ``name``.

    ``statistics`` maps each of the function's value parameters to a ``Statistic``; the
    columns those statistics name (``mean("column")`` reads the column the expectation's
    ``column`` parameter names) become the expectation's text parameters. The function receives
    the statistics' values plus its other typed parameters and returns a ``Verdict``. The
    expectation takes ``severity`` and ``where`` like any other and loads from YAML.
    ``accepts`` and ``example`` are as for ``row_check``. The function is returned unchanged.
    """
    stats = dict(statistics)
    columns = tuple(dict.fromkeys(s.column for s in stats.values() if s.column is not None))
    return registrar(
        name, _CustomAggregate, columns=columns, inputs=stats, accepts=accepts, example=example
    )
