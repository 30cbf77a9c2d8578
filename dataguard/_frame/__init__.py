"""Input adapters: the one place that knows which kinds of data dataguard accepts.

Everything else sees a ``Source`` of Arrow ``Batch``es holding only the columns it asked for.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from dataguard._frame._batch import (
    LOGICAL_TYPES,
    Batch,
    ColumnInfo,
    GroupKey,
    as_numpy,
    bools,
    is_numeric_type,
    is_orderable_type,
    is_string_type,
    missing_mask,
    portable_type_name,
)
from dataguard._frame._build import array_of, from_numpy, scalar_of
from dataguard._frame._convert import (
    COMPARISONS,
    Incomparable,
    beyond,
    comparable,
    comparable_members,
    compare,
    per_distinct,
    set_comparable,
    to_column_value,
    value_set,
)
from dataguard._frame._csv import csv_batches
from dataguard._frame._files import (
    DEFAULT_FILE_CHUNK,
    dataset,
    file_format,
    from_path,
    rerun_on_wider_type,
)
from dataguard._frame._filtered import keep_rows
from dataguard._frame._memory import (
    StreamSource,
    arrow_info,
    check_names,
    from_arrow,
    from_pandas,
    from_polars,
)
from dataguard._frame._source import BaseSource, PassRunner, Source
from dataguard._frame._text_types import (
    ReadPlan,
    WiderType,
    check_column_types,
    csv_block_types,
    wider,
)
from dataguard.errors import InputError

__all__ = [
    "COMPARISONS",
    "DEFAULT_FILE_CHUNK",
    "LOGICAL_TYPES",
    "BaseSource",
    "Batch",
    "ColumnInfo",
    "GroupKey",
    "Incomparable",
    "PassRunner",
    "ReadPlan",
    "Source",
    "WiderType",
    "array_of",
    "arrow_info",
    "as_numpy",
    "as_source",
    "beyond",
    "bools",
    "check_column_types",
    "check_names",
    "comparable",
    "comparable_members",
    "compare",
    "csv_batches",
    "csv_block_types",
    "dataset",
    "file_format",
    "from_batches",
    "from_numpy",
    "from_path",
    "is_numeric_type",
    "is_orderable_type",
    "is_string_type",
    "keep_rows",
    "missing_mask",
    "per_distinct",
    "portable_type_name",
    "rerun_on_wider_type",
    "scalar_of",
    "select_rows",
    "set_comparable",
    "to_column_value",
    "value_set",
    "wider",
    "with_text_column",
]

SUPPORTED = (
    "a pandas or polars DataFrame, a pyarrow Table or RecordBatch, a path to a Parquet, CSV or "
    "JSON-lines file or to a folder or glob of them, or an iterable of pyarrow RecordBatches"
)


def _module_of(obj: object) -> str:
    return type(obj).__module__.split(".", 1)[0]


def as_source(data: Any, read_plan: Callable[[Sequence[str]], ReadPlan] | None = None) -> Source:
    """Adapt any supported data object to a Source, without converting any column yet.

    ``read_plan``, given a file's column names, says how to read the columns of a CSV or
    JSON-lines file (other data carries its types). A source already (such as the open file
    ``rerun_on_wider_type`` passes on) is returned as it is.
    """
    if isinstance(data, (str, os.PathLike)):
        data = from_path(data)
    source = data if isinstance(data, BaseSource) else _adapted(data)
    if read_plan is not None:
        source.read_as(read_plan(source.names))
    return source


def _adapted(data: Any) -> Source:
    """A Source over in-memory data (a data frame, Arrow data, a stream of batches)."""
    if isinstance(data, (pa.Table, pa.RecordBatch)):
        return from_arrow(data)
    module = _module_of(data)
    if module == "pandas" and type(data).__name__ == "DataFrame":
        return from_pandas(data)
    if module == "polars":
        if type(data).__name__ == "LazyFrame":
            data = data.collect()
        if type(data).__name__ == "DataFrame":
            return from_polars(data)
    if isinstance(data, pa.RecordBatchReader):
        return _from_stream(iter(data), "pyarrow.RecordBatchReader")
    if hasattr(data, "__arrow_c_stream__"):
        return from_arrow(pa.table(data), type(data).__name__)
    if isinstance(data, dict):
        try:
            return from_arrow(pa.table(data), "dict of columns")
        except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError, TypeError) as exc:
            raise InputError(f"cannot read a dict of columns: {exc}") from exc
    if isinstance(data, Iterable) and not isinstance(data, (bytes, bytearray)):
        return _from_stream(iter(data), "iterable of record batches")
    raise InputError(f"cannot validate a {type(data).__name__}; dataguard reads {SUPPORTED}")


def from_batches(batches: Iterable[pa.RecordBatch], schema: pa.Schema, description: str) -> Source:
    """A one-shot source over record batches of a known schema, possibly none (a partition of a
    cluster's data frame): each batch is read as ``schema`` says, so that every partition has
    the types the driver planned with."""
    empty = pa.RecordBatch.from_pylist([], schema=schema)
    return StreamSource(empty, (_conformed(b, schema) for b in batches), description)


def _conformed(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    if batch.schema == schema:
        return batch
    try:
        columns = [batch.column(f.name).cast(f.type) for f in schema]
    except (KeyError, pa.ArrowException) as exc:
        raise InputError(f"a partition does not have the planned schema {schema}: {exc}") from exc
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _from_stream(items: Any, description: str) -> StreamSource:
    first = next(items, None)
    if isinstance(first, pa.Table):
        batches = first.to_batches()
        first = batches[0] if batches else pa.RecordBatch.from_pylist([], schema=first.schema)
        items = _prepend(batches[1:], items)
    if not isinstance(first, pa.RecordBatch):
        found = "nothing" if first is None else type(first).__name__
        raise InputError(f"an {description} must yield pyarrow RecordBatches; got {found}")
    return StreamSource(first, items, description)


def _prepend(head: list[pa.RecordBatch], rest: Any) -> Any:
    yield from head
    yield from rest


def select_rows(data: Any, keep: np.ndarray) -> Any:
    """The rows of in-memory ``data`` where ``keep`` is true, as the same kind of object."""
    if isinstance(data, (pa.Table, pa.RecordBatch)):
        return data.filter(pa.array(keep))
    module = _module_of(data)
    if module == "pandas":
        return data.iloc[np.flatnonzero(keep)]
    if module == "polars":
        import polars as pl

        frame = data.collect() if type(data).__name__ == "LazyFrame" else data
        return frame.filter(pl.Series(keep))
    raise InputError(
        f"cannot split a {type(data).__name__}; splitting needs an in-memory pandas or polars "
        "DataFrame or a pyarrow Table"
    )


def with_text_column(data: Any, name: str, values: list[str]) -> Any:
    """In-memory ``data`` (as ``select_rows`` returns it) with a text column appended."""
    if isinstance(data, (pa.Table, pa.RecordBatch)):
        column = pa.array(values, pa.string())
        if isinstance(data, pa.Table):
            return data.append_column(name, column)
        return pa.RecordBatch.from_arrays([*data.columns, column], [*data.schema.names, name])
    if _module_of(data) == "polars":
        import polars as pl

        return data.with_columns(pl.Series(name, values, dtype=pl.String))
    return data.assign(**{name: values})
