"""Data that lives on a cluster: which data frames run their passes where their rows are.

``as_source`` recognizes a cluster's data frame by the module of its type, without importing the
engine (an optional extra), and otherwise defers to ``dataguard._frame.as_source``.
``observe_shipped`` reports what each pass on a cluster ships (``Shipped``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dataguard._frame import ReadPlan, Source
from dataguard._frame import as_source as as_local_source
from dataguard.cluster._dask import dask_client, from_dask
from dataguard.cluster._dask import open_file as open_dask_file
from dataguard.cluster._rows import (
    failing_rows,
    label,
    reasons,
    rows_judged,
    split_where_rows_live,
)
from dataguard.cluster._shipped import Shipped, observe_shipped
from dataguard.cluster._spark import SparkSource
from dataguard.cluster._spark import open_file as open_spark_file

__all__ = [
    "Shipped",
    "as_source",
    "dask_client",
    "engine_of",
    "failing_rows",
    "label",
    "observe_shipped",
    "open_dask_file",
    "open_spark_file",
    "reasons",
    "rows_judged",
    "split_where_rows_live",
]

#: For each engine, the top-level module of its data frame type and how it becomes a Source.
_ENGINES: dict[str, Callable[[Any], Source]] = {
    "dask": from_dask,
    "pyspark": SparkSource,
}


def engine_of(data: Any) -> str | None:
    """The cluster engine whose data frame ``data`` is (``"dask"``, ``"pyspark"``), or None."""
    kind = type(data)
    module = kind.__module__.split(".", 1)[0]
    return module if module in _ENGINES and kind.__name__ == "DataFrame" else None


def as_source(data: Any, read_plan: Callable[[Sequence[str]], ReadPlan] | None = None) -> Source:
    """Adapt ``data`` to a Source: a cluster's data frame runs its passes on the cluster; any
    other data is read here (``read_plan`` says how to read a text file's columns)."""
    engine = engine_of(data)
    if engine is not None:
        return _ENGINES[engine](data)
    return as_local_source(data, read_plan)
