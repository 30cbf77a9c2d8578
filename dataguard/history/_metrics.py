"""Metric names: what a trend follows, written the way ``dataguard history --metric`` takes it.

- a run's own numbers: ``row_count``, ``success_percent``, ``evaluated``, ``failed``,
  ``drift_share``, ``duration_seconds``;
- an expectation's: ``<expectation>.<field>`` where the expectation is its key or its label
  (``between(amount)``) and the field one of ``EXPECTATION_FIELDS``;
- a drift column's: ``drift.<column>.<field>``, the field one of ``DRIFT_FIELDS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: Run metrics: each is the ``runs`` column of that name.
RUN_METRICS = (
    "row_count",
    "success_percent",
    "evaluated",
    "failed",
    "drift_share",
    "duration_seconds",
)
#: Fields of one expectation's results: each is the ``expectation_results`` column of that name.
EXPECTATION_FIELDS = ("observed", "unexpected_percent", "unexpected_count", "passed")
#: Fields of one drift column: each is the ``drift_columns`` column of that name.
DRIFT_FIELDS = ("p_value", "p_value_adjusted", "statistic", "effect", "drifted")
DRIFT_PREFIX = "drift."


@dataclass(frozen=True)
class Metric:
    """A parsed metric name: the table it lives in, whom it is about and which field."""

    table: Literal["runs", "expectation_results", "drift_columns"]
    #: The expectation (key or label) or drift column; None for a run metric.
    subject: str | None
    field: str


def parse_metric(name: str) -> Metric | None:
    """The metric ``name`` names, or None when it is not a metric name at all."""
    if name in RUN_METRICS:
        return Metric("runs", None, name)
    # Fields are split from the right: a column or label may itself hold dots.
    subject, _, field = name.rpartition(".")
    if name.startswith(DRIFT_PREFIX) and field in DRIFT_FIELDS:
        column = subject[len(DRIFT_PREFIX) :]
        return Metric("drift_columns", column, field) if column else None
    if subject and field in EXPECTATION_FIELDS:
        return Metric("expectation_results", subject, field)
    return None


def drift_metric(column: str, field: str) -> str:
    """The metric name of ``field`` of drift column ``column``."""
    return f"{DRIFT_PREFIX}{column}.{field}"
