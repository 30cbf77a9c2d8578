"""Mergeable metrics: the quantities expectations are judged on, computed in one pass."""

from dataguard.metrics._base import Metric, MetricFailure, MetricUnavailable, Values
from dataguard.metrics._codec import (
    StateCodecError,
    compact_parts,
    decode_state,
    encode_state,
    register_state_type,
    state_type,
)
from dataguard.metrics._duplicates import Duplicated, DuplicateRows
from dataguard.metrics._exact import round_exact
from dataguard.metrics._histogram import Histogram
from dataguard.metrics._moments import MinMax, MissingCount, Moments, MomentsValue, RowCount
from dataguard.metrics._quantiles import QuantileMethod, quantiles
from dataguard.metrics._repeated import (
    Fingerprints,
    IgnoreRowIf,
    Key,
    RepeatedValues,
    ignored_rows,
)
from dataguard.metrics._values import (
    Counts,
    KeyCounts,
    SortedValues,
    ValueCounts,
    canonical,
    compact_counts,
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
    "DuplicateRows",
    "Duplicated",
    "FailingRows",
    "Fingerprints",
    "Histogram",
    "IgnoreRowIf",
    "Key",
    "KeyCounts",
    "Metric",
    "MetricFailure",
    "MetricUnavailable",
    "MinMax",
    "MissingCount",
    "Moments",
    "MomentsValue",
    "QuantileMethod",
    "RepeatedValues",
    "RowCount",
    "RowMask",
    "RowPredicate",
    "RowRule",
    "SortedValues",
    "StateCodecError",
    "ValueCounts",
    "Values",
    "ViolationSummary",
    "Violations",
    "canonical",
    "compact_counts",
    "compact_parts",
    "decode_state",
    "encode_state",
    "ignored_rows",
    "present",
    "quantiles",
    "register_state_type",
    "round_exact",
    "row_keys",
    "state_type",
]
