"""Mergeable metrics: the quantities expectations are judged on, computed in one pass."""

from dataguard.metrics._base import Metric, MetricFailure, MetricUnavailable, Values
from dataguard.metrics._histogram import Histogram
from dataguard.metrics._moments import MinMax, MissingCount, Moments, MomentsValue, RowCount
from dataguard.metrics._repeated import Fingerprints, RepeatedValues
from dataguard.metrics._values import (
    Counts,
    KeyCounts,
    SortedValues,
    ValueCounts,
    canonical,
    present,
    row_keys,
)
from dataguard.metrics._violations import (
    FailingRows,
    RowMask,
    RowPredicate,
    RowRule,
    Violations,
    ViolationSummary,
)

__all__ = [
    "Counts",
    "FailingRows",
    "Fingerprints",
    "Histogram",
    "KeyCounts",
    "Metric",
    "MetricFailure",
    "MetricUnavailable",
    "MinMax",
    "MissingCount",
    "Moments",
    "MomentsValue",
    "RepeatedValues",
    "RowCount",
    "RowMask",
    "RowPredicate",
    "RowRule",
    "SortedValues",
    "ValueCounts",
    "Values",
    "ViolationSummary",
    "Violations",
    "canonical",
    "present",
    "row_keys",
]
