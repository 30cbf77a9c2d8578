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
from dataguard.metrics._ranks import (
    SCAN_PARTS,
    Budget,
    KeyRange,
    Ordered,
    OrderStatistics,
    Ranks,
    RankScan,
    RankSpread,
    Scan,
    key_values,
    order_keys,
    scan_ranges,
    top_histogram,
)
from dataguard.metrics._repeated import (
    Fingerprints,
    IgnoreRowIf,
    Key,
    RepeatedValues,
    ignored_rows,
)
from dataguard.metrics._values import (
    Counts,
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
    "SCAN_PARTS",
    "Budget",
    "Counts",
    "DuplicateRows",
    "Duplicated",
    "FailingRows",
    "Fingerprints",
    "Histogram",
    "IgnoreRowIf",
    "Key",
    "KeyRange",
    "Metric",
    "MetricFailure",
    "MetricUnavailable",
    "MinMax",
    "MissingCount",
    "Moments",
    "MomentsValue",
    "OrderStatistics",
    "Ordered",
    "QuantileMethod",
    "RankScan",
    "RankSpread",
    "Ranks",
    "RepeatedValues",
    "RowCount",
    "RowMask",
    "RowPredicate",
    "RowRule",
    "Scan",
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
    "key_values",
    "order_keys",
    "present",
    "quantiles",
    "register_state_type",
    "round_exact",
    "row_keys",
    "scan_ranges",
    "state_type",
    "top_histogram",
]
