"""Run history: validation and drift runs appended to a SQLite database, and read back as trends.

``append_run`` stores a run (``dg.validate(..., history=PATH)`` and ``dg.drift(..., history=PATH)``
call it); ``History`` reads runs, their documents and one metric's values over time, and ``trend``
gathers several metrics over runs (``dataguard history``). The schema and its guarantees are in
``docs/history.md``.
"""

from dataguard.history._metrics import DRIFT_FIELDS, EXPECTATION_FIELDS, RUN_METRICS, parse_metric
from dataguard.history._read import History, Point, Run
from dataguard.history._rows import expectation_key
from dataguard.history._store import SCHEMA_VERSION
from dataguard.history._trends import DEFAULT_METRICS, TREND_FORMATS, Trend, trend
from dataguard.history._write import (
    DEFAULT_DATASET,
    append_run,
    dataset_name,
    described_dataset,
)

__all__ = [
    "DEFAULT_DATASET",
    "DEFAULT_METRICS",
    "DRIFT_FIELDS",
    "EXPECTATION_FIELDS",
    "RUN_METRICS",
    "SCHEMA_VERSION",
    "TREND_FORMATS",
    "History",
    "Point",
    "Run",
    "Trend",
    "append_run",
    "dataset_name",
    "described_dataset",
    "expectation_key",
    "parse_metric",
    "trend",
]
