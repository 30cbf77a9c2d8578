"""Freshness: the newest value of a timestamp or date column is recent enough.

Ages are measured against the run's clock (``Context.now``, in UTC), read once per validation
or fixed by the caller (``validate(..., now=...)``), so that one run judges every freshness
check at the same instant and a test can pin it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from dataguard._duration import Duration, age_text
from dataguard.expectations._base import Context, Expectation, show
from dataguard.expectations._registry import register
from dataguard.metrics import Metric, MinMax
from dataguard.result import ExpectationResult, Reason


def as_instant(value: dt.date) -> dt.datetime:
    """A column value as an instant in UTC: a naive timestamp is taken to be in UTC already, and
    a date means midnight UTC at its start."""
    if not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Freshness(Expectation):
    """The newest value of a timestamp or date column is at most ``max_age`` old.

    The age is the run's clock minus the newest present value. Time-zone-aware timestamps are
    compared in UTC; naive ones are taken to be UTC; a date counts from midnight UTC at its
    start (so ``max_age: 1d`` fails a day's data from midnight of the next day on). A value
    after the clock is fresh. A column with no present value fails with reason ``no_data``.
    """

    name = "freshness"
    example: ClassVar[dict[str, Any]] = {"column": "updated_at", "max_age": "24h"}
    accepts = frozenset({"datetime", "date"})
    observed_label = "newest"

    column: str
    max_age: Duration

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (MinMax(self.column),)

    def evaluate(self, ctx: Context) -> ExpectationResult:
        allowed = f"at most {self.max_age} allowed"
        newest = ctx.values[MinMax(self.column)][1]
        if newest is None:
            return self.result(
                False,
                Reason.NO_DATA,
                f"column {self.column!r} has no present values, so no newest one; {allowed}",
                observed_value=None,
            )
        age = ctx.now - as_instant(newest)
        passed = age <= self.max_age.delta
        when = f"{age_text(age)} old" if age >= dt.timedelta(0) else f"{age_text(age)} ahead"
        return self.result(
            passed,
            Reason.PASSED if passed else Reason.OUT_OF_RANGE,
            f"newest {show(newest)}, {when}; {allowed}",
            observed_value=newest,
            details={
                "age_seconds": age.total_seconds(),
                "max_age_seconds": self.max_age.delta.total_seconds(),
                "now": ctx.now.isoformat(),
            },
        )

    def sentence(self) -> str:
        return f"The newest value of {self.column!r} is at most {self.max_age} old."
