"""Spark backend: a PySpark DataFrame as a Source whose passes run where its partitions live.

Each pass is one ``mapInArrow`` job over only the columns it reads: every partition accumulates
the metric states with the engine's own loop (``PartitionPass.run``) and ships them as compact
bytes, one output row at least per partition, even an empty one. States of metrics that finalize
in parts (the uniqueness fingerprints) are shuffled by part and finalized on the cluster; the
driver collects what is left (small), orders it by partition and finalizes (``combine``).

pyspark is imported inside functions only: it is an optional extra, and a Connect session's
DataFrame is recognized without it being loaded here.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from dataguard._frame import (
    PassRunner,
    ReadPlan,
    Source,
    check_names,
    file_format,
)
from dataguard.cluster._partitions import SIZES, STATES, PartitionPass
from dataguard.cluster._rows import RowJudge, previous_values, reasons
from dataguard.cluster._shipped import shipped_observer
from dataguard.cluster._source import ClusterSource
from dataguard.errors import InputError
from dataguard.metrics import decode_state, encode_state

#: How to get pyspark, named in every error about a missing one.
INSTALL = "pip install 'dataguard[spark]'"
#: What every pass job returns: (shard key, partition id, encoded states).
_STATES = pa.schema([("key", pa.int64()), ("pid", pa.int64()), ("blob", pa.binary())])
_STATES_DDL = "key long, pid long, blob binary"
#: The one column a pass that reads no column selects: Spark drops the row count of a batch
#: without columns, and the row count is what such a pass computes.
_ROWS_ONLY = "__dataguard_rows__"


def require_pyspark() -> None:
    """InputError naming the fix when pyspark cannot be imported."""
    try:
        import pyspark.sql  # noqa: F401
    except ImportError as exc:
        raise InputError(f"the Spark engine needs pyspark: {INSTALL} ({exc})") from None


def require_java(master: str) -> None:
    """InputError naming the fix when a local Spark cannot start for want of Java (a Spark
    Connect address, ``sc://``, needs no Java here)."""
    if master.startswith("sc://") or shutil.which("java") or os.environ.get("JAVA_HOME"):
        return
    raise InputError(
        "the Spark engine needs a Java runtime (17 or later): install one "
        "(Debian: apt-get install default-jre-headless) or set JAVA_HOME"
    )


def session(master: str) -> Any:
    """A quiet SparkSession on ``master``: a cluster URL or ``local[*]``, or a Spark Connect
    address (``sc://host:port``)."""
    require_pyspark()
    require_java(master)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("dataguard")
    if master.startswith("sc://"):
        return builder.remote(master).getOrCreate()
    started = (
        builder.master(master)
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    started.sparkContext.setLogLevel("ERROR")
    return started


#: The Spark SQL type a text file's column of each declared logical type is read as (others,
#: ``numeric`` among them, keep the type Spark infers from the values).
_SPARK_TYPES = {
    "integer": "bigint",
    "float": "double",
    "string": "string",
    "categorical": "string",
    "boolean": "boolean",
    "datetime": "timestamp_ntz",
    "date": "date",
}


#: Spark's CSV null value: a string no field holds (the NUL character), so that only a bare empty
#: field is missing in a text column.
_SPARK_NULL = "\x00"


def open_file(path: str, master: str, read_plan: Callable[[Sequence[str]], ReadPlan]) -> Any:
    """The Parquet, CSV or JSON-lines file (or directory of them) at ``path`` as a Spark
    DataFrame on ``master``; text files' columns that ``read_plan`` pins to a logical type are
    read as that type, the others as Spark infers them."""
    fmt = file_format(Path(path))
    spark = session(master)
    try:
        if fmt == "parquet":
            return spark.read.parquet(path)
        if fmt == "csv":
            separator = "\t" if ".tsv" in [s.lower() for s in Path(path).suffixes] else ","
            # A bare empty field is missing, a quoted one ("") the empty string in a text column
            # and missing in others, as on one machine: Spark reads both as its null value, ""
            # by default; with another null value, a bare field reads as it (missing) and ""
            # stays the empty string, which other types read as missing.
            frame = spark.read.csv(
                path, header=True, inferSchema=True, sep=separator, nullValue=_SPARK_NULL
            )
        else:
            frame = spark.read.json(path)
        pinned = read_plan(frame.columns).types
        typed = {
            n: _SPARK_TYPES[t]
            for n, t in pinned.items()
            if n in frame.columns and t in _SPARK_TYPES
        }
        if typed:
            from pyspark.sql import functions

            read = dict(frame.dtypes)
            columns = {}
            for name, kind in typed.items():
                column = frame[_quoted(name)]
                if fmt == "csv" and read[name] == "string" and kind != "string":
                    column = functions.nullif(column, functions.lit(""))  # a quoted empty field
                columns[name] = column.cast(kind)
            frame = frame.withColumns(columns)
        return frame
    except Exception as exc:  # Spark's analysis errors: a missing path, an unreadable file
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{path}: cannot read with Spark: {first}") from None


def arrow_schema(frame: Any) -> pa.Schema:
    """The Arrow schema ``frame.toArrow()`` gives: Spark's types mapped as PySpark maps them,
    timestamps in UTC, text as ``large_string`` when the session says Arrow uses large types."""
    require_pyspark()
    from pyspark.sql.pandas.types import to_arrow_schema

    large = frame.sparkSession.conf.get("spark.sql.execution.arrow.useLargeVarTypes", "false")
    try:
        schema: pa.Schema = to_arrow_schema(
            frame.schema, timezone="UTC", prefers_large_types=large.lower() == "true"
        )
    except Exception as exc:  # a Spark type without an Arrow counterpart
        raise InputError(f"cannot read a Spark DataFrame: {exc}") from None
    check_names(schema.names, "the Spark DataFrame")
    return schema


def _is_file_scan(frame: Any) -> bool:
    """Whether ``frame`` reads files as they are (no transformation): reading it again gives the
    same rows, so passes need not persist it. Anything unrecognized counts as not a scan."""
    with contextlib.suppress(Exception):  # a Connect DataFrame has no JVM plan
        plan = frame._jdf.queryExecution().analyzed()  # classic session
        return str(plan.getClass().getSimpleName()) in ("LogicalRelation", "DataSourceV2Relation")
    with contextlib.suppress(Exception):
        return type(frame._plan).__name__ == "Read"  # Spark Connect
    return False


class SparkSource(ClusterSource):
    """The rows of a PySpark DataFrame (classic or Connect), read where they live.

    Names and types come from the DataFrame's schema on the driver, mapped to the Arrow types
    ``toArrow()`` gives, so results equal those of the local run on ``toArrow()``. Passes run on
    the cluster (``runner``); the rows are never read here.
    """

    def __init__(self, frame: Any) -> None:
        self._frame = frame
        self._schema = arrow_schema(frame)
        # Only a plain file scan gives the same rows when read again; any other plan (a sample,
        # a join, a round-robin shuffle) is persisted for a call's passes.
        super().__init__(self._schema, "pyspark.sql.DataFrame", rereads=_is_file_scan(frame))

    @property
    def columnar(self) -> bool:
        return True

    @property
    def runner(self) -> PassRunner:
        return SparkRunner(self._frame, self._schema)

    def split_rows(self, judge: RowJudge, reason_column: str | None) -> tuple[Any, Any]:
        """The passing and failing rows as two lazy DataFrames, filtered on a flag column that
        ``mapInArrow`` computes partition by partition (``judge.failing``), after one small job
        for the edge values sequential rules carry across partitions. No row reaches here."""
        from pyspark.sql.types import BooleanType, StringType, StructField, StructType

        if _FAILED in self._schema.names:
            raise InputError(f"cannot split a Spark DataFrame with a column named {_FAILED!r}")
        before = _previous(self._frame, self._schema, judge) if judge.sequential else {}
        added = [StructField(_FAILED, BooleanType())]
        if reason_column is not None:
            added.append(StructField(reason_column, StringType()))
        flagged = self._frame.mapInArrow(
            functools.partial(_flag_partition, judge, self._schema, before, reason_column),
            StructType([*self._frame.schema.fields, *added]),
        )
        good = flagged.filter(f"NOT {_quoted(_FAILED)}").drop(_FAILED)
        if reason_column is not None:
            good = good.drop(reason_column)
        return good, flagged.filter(_quoted(_FAILED)).drop(_FAILED)

    def persist(self) -> None:
        """Persist the DataFrame; it is unpersisted when this source is dropped (at the end of
        the ``validate``, ``profile`` or ``drift`` call)."""
        self._frame.persist()
        weakref.finalize(self, _unpersist, self._frame)


def _unpersist(frame: Any) -> None:
    try:
        frame.unpersist()
    except Exception:  # the session is gone already: so is the cache
        return


@dataclass(frozen=True)
class SparkRunner:
    """Runs a pass as one Spark job over a DataFrame's partitions (see the module docstring)."""

    frame: Any
    schema: pa.Schema
    view: Callable[[Source], Source] | None = None
    #: The columns ``view`` reads, besides those of the metrics.
    reads: tuple[str, ...] = ()

    def viewed(self, view: Callable[[Source], Source], reads: Sequence[str]) -> PassRunner:
        inner = self.view
        both = view if inner is None else functools.partial(_both, inner, view)
        return replace(self, view=both, reads=tuple(dict.fromkeys([*self.reads, *reads])))

    def run_pass(
        self,
        metrics: Sequence[Any],
        inputs: Any,
        *,
        chunk_size: int | None,
        progress: Callable[[int], None] | None,
    ) -> Any:
        observer = shipped_observer()
        job = PartitionPass(
            tuple(metrics), inputs, self.view, self.reads, chunk_size, measured=observer is not None
        )
        columns = job.columns
        schema = pa.schema([self.schema.field(c) for c in columns])
        states = _selected(self.frame, columns).mapInArrow(
            functools.partial(_run_partition, job, schema), _STATES_DDL
        )
        if len(job.blob_keys()) > 1:
            # Each part of every partition's sharded state meets the others in one task, where
            # it is finalized: only the finalized part (small) reaches the driver. A lambda:
            # PySpark reads a function's type hints to pick its kind, and fails on a partial's
            # (Spark Connect, 4.x); without hints it is a function of whole groups.
            states = states.groupBy("key").applyInArrow(
                lambda key, table: _finalize_shard(job, key, table), _STATES_DDL
            )
        collected = states.toArrow()
        keys = collected.column("key").to_pylist()
        pids = collected.column("pid").to_pylist()
        blobs = collected.column("blob").to_pylist()
        parts = [(p, b) for k, p, b in zip(keys, pids, blobs, strict=True) if k == STATES]
        shards = {k: b for k, b in zip(keys, blobs, strict=True) if k >= 0}
        values = job.combine(parts, shards, progress)
        if observer is not None:
            sizes = [(p, b) for k, p, b in zip(keys, pids, blobs, strict=True) if k == SIZES]
            observer(job.shipped(parts, shards, sizes))
        return values


#: The column ``split_rows`` flags failing rows in, dropped from both parts.
_FAILED = "__dataguard_failed__"


def _previous(frame: Any, schema: pa.Schema, judge: RowJudge) -> dict[int, dict[int, Any]]:
    """For each partition, the last value each sequential rule judged in the partitions
    before it: one job shipping every partition's edge values (a few per partition)."""
    columns = list(judge.columns)
    selected = pa.schema([schema.field(c) for c in columns])
    edges = (
        _selected(frame, columns)
        .mapInArrow(functools.partial(_partition_edges, judge, selected), "pid long, blob binary")
        .toArrow()
    )
    pids = edges.column("pid").to_pylist()
    found = [decode_state(b) for b in edges.column("blob").to_pylist()]
    ordered = sorted(zip(pids, found, strict=True), key=lambda pair: pair[0])
    befores = previous_values([e for _, e in ordered])
    return {pid: before for (pid, _), before in zip(ordered, befores, strict=True)}


def _partition_edges(
    judge: RowJudge, schema: pa.Schema, batches: Iterable[pa.RecordBatch]
) -> Iterator[pa.RecordBatch]:
    """On an executor: one partition's edge values, as a row (partition id, edges)."""
    pid = partition_id()
    table = _table((b.select(schema.names) for b in batches), schema)
    blob = encode_state(judge.edges(table))
    yield pa.RecordBatch.from_arrays(
        [pa.array([pid], pa.int64()), pa.array([blob], pa.binary())], names=["pid", "blob"]
    )


def _table(batches: Iterable[pa.RecordBatch], schema: pa.Schema) -> pa.Table:
    """A partition's batches as one table of the driver's types (the executor's differ in the
    time zone's name, or ``string`` for ``large_string``)."""
    held = list(batches)
    if not held:
        return schema.empty_table()
    return pa.Table.from_batches(held).cast(schema)


def _flag_partition(
    judge: RowJudge,
    schema: pa.Schema,
    before: dict[int, dict[int, Any]],
    reason_column: str | None,
    batches: Iterable[pa.RecordBatch],
) -> Iterator[pa.RecordBatch]:
    """On an executor: the partition's rows with their failed flag (and reasons)."""
    held = list(batches)
    if not held:
        return
    judged = _table((b.select(list(judge.columns)) for b in held), _fields(schema, judge.columns))
    masks = judge.failing(judged, before.get(partition_id(), {}))
    bad = np.zeros(judged.num_rows, dtype=bool)
    for mask in masks.values():
        bad |= mask
    start = 0
    labels: list[str | None] = [None] * judged.num_rows
    if reason_column is not None:
        for row, text in zip(np.flatnonzero(bad), reasons(judge.rules, masks, bad), strict=True):
            labels[row] = text
    for batch in held:
        stop = start + batch.num_rows
        arrays = [*batch.columns, pa.array(bad[start:stop], pa.bool_())]
        names = [*batch.schema.names, _FAILED]
        if reason_column is not None:
            arrays.append(pa.array(labels[start:stop], pa.string()))
            names.append(reason_column)
        yield pa.RecordBatch.from_arrays(arrays, names=names)
        start = stop


def _fields(schema: pa.Schema, names: Sequence[str]) -> pa.Schema:
    return pa.schema([schema.field(n) for n in names])


def _both(first: Callable[[Source], Source], then: Callable[[Source], Source], s: Source) -> Source:
    return then(first(s))


def _quoted(name: str) -> str:
    """A column reference Spark reads as one name (``a.b`` is not a field of ``a``)."""
    return "`" + name.replace("`", "``") + "`"


def _selected(frame: Any, columns: Sequence[str]) -> Any:
    """``frame`` reduced to ``columns``; one constant column when none is read.

    Columns are named by text, not ``pyspark.sql.functions``: in a process that runs a classic
    session too, those build classic columns, which a Spark Connect DataFrame refuses."""
    if not columns:
        return frame.selectExpr(f"true AS {_quoted(_ROWS_ONLY)}")
    return frame.select(*[_quoted(c) for c in columns])


def partition_id() -> int:
    """The id of the partition the calling Spark task computes (on an executor)."""
    from pyspark import TaskContext

    context = TaskContext.get()
    if context is None:
        raise RuntimeError("not running in a Spark task")
    return int(context.partitionId())


def _run_partition(
    job: PartitionPass, schema: pa.Schema, batches: Iterable[pa.RecordBatch]
) -> Iterator[pa.RecordBatch]:
    """On an executor: one partition's pass, as rows (shard key, partition id, states)."""
    pid = partition_id()
    # Only the planned columns (none, for a pass that counts rows: the batch keeps its length).
    items = job.run((b.select(schema.names) for b in batches), schema)
    yield _rows([(key, pid, blob) for key, blob in items])


def _finalize_shard(job: PartitionPass, key: tuple[Any, ...], table: pa.Table) -> pa.Table:
    """On an executor: one part of a sharded state, finalized from every partition's part;
    a partition's own blobs (its states, its parts' sizes: negative keys) pass through."""
    shard = int(key[0])
    if shard < 0:
        return table
    pids = table.column("pid").to_pylist()
    blobs = table.column("blob").to_pylist()
    finished = job.finalize_shard(shard, list(zip(pids, blobs, strict=True)))
    return pa.Table.from_batches([_rows([(shard, -1, finished)])])


def _rows(items: Sequence[tuple[int, int, bytes]]) -> pa.RecordBatch:
    keys, pids, blobs = zip(*items, strict=True) if items else ((), (), ())
    return pa.RecordBatch.from_arrays(
        [pa.array(keys, pa.int64()), pa.array(pids, pa.int64()), pa.array(blobs, pa.binary())],
        schema=_STATES,
    )
