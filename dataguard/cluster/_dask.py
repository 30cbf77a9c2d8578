"""The Dask backend: a ``dask.dataframe.DataFrame`` validated, profiled and split where its
partitions live.

Every pass is one batch of delayed tasks, one per partition in partition order, each running the
engine's own accumulating half on its partition (``PartitionPass.run``); states of metrics
finalized in parts are gathered part by part on the workers, so only small values reach the
driver, which merges and finalizes (``PartitionPass.combine``). The Arrow schema is fixed once on
the driver, and every partition is converted to it: a partition cannot infer a type of its own
(an object column that is all None there, or pandas' nullable dtypes).

dask is an optional extra: it is imported inside functions only.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa

from dataguard._deferred import pcsv, pd, pq
from dataguard._frame import (
    ColumnInfo,
    PassRunner,
    ReadPlan,
    Source,
    as_source,
    csv_batches,
    csv_block_types,
    wider,
    with_text_column,
)
from dataguard.cluster._partitions import SIZES, STATES, PartitionPass
from dataguard.cluster._rows import Edges, RowJudge, previous_values, reasons
from dataguard.cluster._shipped import shipped_observer
from dataguard.cluster._source import ClusterSource
from dataguard.errors import InputError

DESCRIPTION = "dask.dataframe.DataFrame"
#: Groups of part keys a pass's shuffle gathers (tasks per partition and pass, besides its
#: own). A group's task holds its share of every sharded state: with the 64 parts of a unique
#: column's fingerprints, a sixteenth of them (Spark gathers each part on its own).
SHUFFLE_GROUPS = 16
INSTALL = "pip install 'dataguard[dask]'"
#: What pyarrow raises when pandas values do not fit an Arrow type.
_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError)


def require_dask() -> None:
    """InputError naming the extra to install when dask (or distributed) is missing."""
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        raise InputError(f"the Dask engine needs dask and distributed: {INSTALL} ({exc})") from None


@dataclass(frozen=True, slots=True)
class Layout:
    """How every partition is converted to Arrow: the schema fixed on the driver, and the object
    columns whose values share no one type (read as their text, like a pandas frame's)."""

    schema: pa.Schema
    mixed: frozenset[str]

    def select(self, names: Sequence[str]) -> Layout:
        """The layout of ``names`` only."""
        fields = [self.schema.field(n) for n in names]
        return Layout(pa.schema(fields), self.mixed & frozenset(names))

    def to_arrow(self, part: Any, name: str) -> list[pa.RecordBatch]:
        """A pandas partition (``name`` in errors) holding at least this layout's columns, as
        Arrow batches of its schema; an InputError naming the column when a value does not fit
        its type."""
        names = self.schema.names
        if not names:  # no column is read: the batches carry the row count only
            counted: list[pa.RecordBatch] = (
                pa.table({"rows": pa.nulls(len(part))}).drop_columns(["rows"]).to_batches()
            )
            return counted
        missing = [n for n in names if n not in part.columns]
        if missing:
            raise InputError(f"{DESCRIPTION} {name} has no column {missing[0]!r}")
        frame = part[names]
        if self.mixed:
            frame = frame.assign(**{n: _as_text(frame[n]) for n in self.mixed})
        # A column with no value anywhere is typed null, whatever dtype a partition gives it
        # (a CSV file's empty column is read as text): its missing values are nulls.
        empty = [f.name for f in self.schema if f.type == pa.null() and frame[f.name].isna().all()]
        if empty:
            frame = frame.assign(
                **{n: pd.Series(None, index=frame.index, dtype=object) for n in empty}
            )
        try:
            table = pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
        except _ARROW_ERRORS:
            raise InputError(_unfit(frame, self.schema, name)) from None
        batches = table.to_batches()
        return batches or [pa.RecordBatch.from_pylist([], schema=self.schema)]


def _unfit(frame: Any, schema: pa.Schema, name: str) -> str:
    """Why a partition cannot be converted: its first column whose values do not fit."""
    for field in schema:
        try:
            pa.array(frame[field.name], type=field.type, from_pandas=True)
        except _ARROW_ERRORS as exc:
            return (
                f"{DESCRIPTION} {name}, column {field.name!r}: its values do not fit the "
                f"column's type {field.type} ({exc})"
            )
    return f"{DESCRIPTION} {name} does not fit the columns' types {schema}"


def _as_text(series: Any) -> list[str | None]:
    """The values of a mixed object column as text, missing values kept."""
    missing = series.isna().to_numpy()
    return [None if m else str(v) for v, m in zip(series.tolist(), missing, strict=True)]


def layout_of(frame: Any) -> Layout:
    """The Arrow schema of a Dask frame, fixed once: pandas dtypes mapped as Arrow maps them
    (``frame._meta`` is the frame's empty pandas prototype), and the columns whose type the
    prototype does not tell typed from their partitions' values (one small job, run only when
    there are such columns), as one conversion of the whole frame would type them: object
    columns from the types of their values, category columns whose categories are known only
    per partition from the union of their categories (its size sets the indices' width)."""
    meta = frame._meta
    names = [_checked_name(n) for n in meta.columns]
    if len(set(names)) != len(names):
        raise InputError(f"{DESCRIPTION} has duplicate column names")
    objects = [n for n in names if meta[n].dtype == object]
    unknown = [
        n
        for n in names
        if isinstance(meta[n].dtype, pd.CategoricalDtype) and not frame[n].cat.known
    ]
    typed = pa.Schema.from_pandas(meta.drop(columns=objects + unknown), preserve_index=False)
    types = {f.name: f.type for f in typed}
    mixed: set[str] = set()
    if objects or unknown:
        found = _compute(
            *[
                _delayed(_partition_types)(p, objects, unknown)
                for p in frame[objects + unknown].to_delayed()
            ]
        )
        for name in objects:
            seen = [pa.schema([(name, t)]) for part, _ in found for t in part[name]]
            if not seen:  # no value anywhere: Arrow types the column null
                types[name] = pa.null()
                continue
            try:
                types[name] = pa.unify_schemas(seen, promote_options="permissive").field(0).type
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                types[name] = pa.large_string()
                mixed.add(name)
        for name in unknown:
            types[name] = _category_type([part[name] for _, part in found])
    return Layout(pa.schema([(n, types[n]) for n in names]), frozenset(mixed))


def _partition_types(
    part: Any, objects: list[str], unknown: list[str]
) -> tuple[dict[str, list[pa.DataType]], dict[str, Any]]:
    """On a worker: the Arrow types of a partition's object columns, and the categories of its
    category columns whose categories are known only per partition."""
    return _object_types(part[objects]), {n: part[n].cat.categories for n in unknown}


def _category_type(categories: list[Any]) -> pa.DataType:
    """The dictionary type of a category column whose partitions have these categories, as the
    column of their concatenation is typed (pandas sizes its codes from the union's length)."""
    parts = [pd.Categorical([], categories=c) for c in categories] or [pd.Categorical([])]
    union = pd.api.types.union_categoricals(parts)
    return pa.array(union, from_pandas=True).type


def _object_types(part: Any) -> dict[str, list[pa.DataType]]:
    """The Arrow type of each object column of a partition (none when all its values are
    missing), or both of two clashing types when its values share none."""
    found: dict[str, list[pa.DataType]] = {}
    for name in part.columns:
        try:
            array = pa.array(part[name], from_pandas=True)
        except _ARROW_ERRORS:
            found[name] = [pa.int64(), pa.large_string()]  # types that never unify: mixed
            continue
        found[name] = [] if array.type == pa.null() else [array.type]
    return found


def _checked_name(name: object) -> str:
    if not isinstance(name, str):
        raise InputError(
            f"{DESCRIPTION} has a column named {name!r} of type {type(name).__name__}; "
            "dataguard needs string column names"
        )
    return name


def _delayed(function: Callable[..., Any]) -> Any:
    import dask

    return dask.delayed(function, pure=False)


def _compute(*tasks: Any) -> Any:
    import dask

    return dask.compute(*tasks)


#: The kinds of node of a Dask frame's expression that give the same rows at each read: reads
#: of files, of a pandas frame or of partitions the cluster holds (a persisted frame), and a
#: selection of their columns or dask's conversion of their text to Arrow strings.
_PLAIN_NODES = frozenset(
    {"ReadParquet", "ReadCSV", "FromPandas", "FromGraph", "Projection", "ArrowStringConversion"}
)
#: Where the functions live that ``FromMap`` nodes run to read files (``dd.read_csv``'s).
_DASK_READERS = "dask.dataframe.io."


def is_plain_read(frame: Any) -> bool:
    """Whether reading ``frame`` again gives the same rows: every node of its expression reads
    files or held data, or selects from them. Anything unrecognized counts as not a plain read
    (a sample, rows from delayed functions, a filter: they are persisted for a call's passes)."""
    try:
        return all(_is_plain_node(node) for node in frame.expr.walk())
    except (AttributeError, KeyError, TypeError):  # not the expressions of dask 2025 and later
        return False


def _is_plain_node(node: Any) -> bool:
    kinds = {kind.__name__ for kind in type(node).__mro__}
    if kinds & _PLAIN_NODES:
        return True
    if "FromMap" not in kinds:
        return False
    read = node.operand("func")
    while isinstance(read, functools.partial):
        read = read.func
    return bool(read in (row_groups, csv_rows) or read.__module__.startswith(_DASK_READERS))


class DaskSource(ClusterSource):
    """A Dask DataFrame as a Source: columns described from the schema fixed on the driver (as
    a pyarrow table of the same rows describes them), rows read only where they live."""

    def __init__(self, frame: Any, schema: pa.Schema | None = None) -> None:
        self._frame = frame
        self._layout = layout_of(frame) if schema is None else Layout(schema, frozenset())
        if self._layout.schema.names != list(frame.columns):
            raise InputError(
                f"{DESCRIPTION} has columns {list(frame.columns)}; "
                f"expected {self._layout.schema.names}"
            )
        super().__init__(self._layout.schema, DESCRIPTION, rereads=is_plain_read(frame))

    def persist(self) -> None:
        """Persist the frame on the cluster: later passes read the partitions its workers hold,
        released when this source, the only holder of the persisted frame, is dropped."""
        self._frame = self._frame.persist()

    @property
    def frame(self) -> Any:
        """The Dask DataFrame."""
        return self._frame

    @property
    def layout(self) -> Layout:
        """How every partition is converted to Arrow."""
        return self._layout

    def info(self, name: str) -> ColumnInfo:
        info = super().info(name)
        if name in self._layout.mixed:
            return ColumnInfo(name, info.arrow_type, info.dtype, mixed=True)
        return info

    @property
    def runner(self) -> PassRunner:
        return DaskRunner(self._frame, self._layout)

    def split_rows(self, judge: RowJudge, reason_column: str | None) -> tuple[Any, Any]:
        """The frame's passing and failing rows, as two lazy Dask frames: each partition flags
        its own rows (``judge.failing``), after one small job collecting the edge values that
        sequential rules carry from one partition to the next. No row reaches this machine."""
        layout = self._layout.select(judge.columns)
        parts = list(self._frame.to_delayed())
        before: list[dict[int, Any]] = [{} for _ in parts]
        if judge.sequential:
            judged = partitions(self._frame, judge.columns)
            edges = _compute(
                *[_delayed(_edges)(judge, layout, p, pid) for pid, p in enumerate(judged)]
            )
            raise_failed(edges)
            before = previous_values(edges)
        flags = _delayed_value(PartitionFlags(judge, layout))  # shipped once to each worker
        meta = self._frame._meta
        # Each partition's task gets only the values before it, not those of every partition.
        good = [_delayed(_good_rows)(p, flags, pid, before[pid]) for pid, p in enumerate(parts)]
        bad = [
            _delayed(_bad_rows)(p, flags, pid, before[pid], reason_column)
            for pid, p in enumerate(parts)
        ]
        bad_meta = _bad_rows(meta, PartitionFlags(judge, layout), -1, {}, reason_column)
        return _frame_of(good, meta, self._frame), _frame_of(bad, bad_meta, self._frame)


def from_dask(frame: Any) -> DaskSource:
    """Adapt a Dask DataFrame (the extra must be installed)."""
    require_dask()
    return DaskSource(frame)


@dataclass(frozen=True, slots=True)
class DaskRunner:
    """Runs each pass as one batch of delayed tasks over the frame's partitions, read through
    ``view`` (a row condition), which reads the columns ``reads`` besides the metrics' own."""

    frame: Any
    layout: Layout
    view: Callable[[Source], Source] | None = None
    reads: tuple[str, ...] = ()

    def viewed(self, view: Callable[[Source], Source], reads: Sequence[str]) -> PassRunner:
        composed = view if self.view is None else _Composed(self.view, view)
        return DaskRunner(self.frame, self.layout, composed, (*self.reads, *reads))

    def run_pass(
        self,
        metrics: Sequence[Any],
        inputs: Any,
        *,
        chunk_size: int | None,
        progress: Callable[[int], None] | None,
    ) -> Any:
        """One batch of delayed tasks: every partition's states, each sharded metric's parts
        finalized on the workers (gathered part by part), combined here in partition order."""
        observer = shipped_observer()
        work = PartitionPass(
            tuple(metrics), inputs, self.view, self.reads, chunk_size, measured=observer is not None
        )
        layout = self.layout.select(work.columns)
        shared = _delayed_value(work)  # shipped once to each worker, not once per task
        outputs = [
            _delayed(_run_partition)(shared, part, layout, pid)
            for pid, part in enumerate(partitions(self.frame, work.columns))
        ]
        plain = [_delayed(_keyed)(out, pid, STATES) for pid, out in enumerate(outputs)]
        # The parts of sharded states, gathered by key where they are finalized: a shuffle of
        # SHUFFLE_GROUPS groups of keys, so one task per partition and group picks its blobs.
        keys = [key for key in work.blob_keys() if key != STATES]
        groups = [keys[g::SHUFFLE_GROUPS] for g in range(min(SHUFFLE_GROUPS, len(keys)))]
        finished = [
            _delayed(_finalize_shards)(
                shared,
                group,
                [_delayed(_picked)(out, pid, group) for pid, out in enumerate(outputs)],
            )
            for group in groups
        ]
        tasks = [plain, finished]
        if work.measures_parts:  # each partition's count of the bytes it sends to the shuffle
            tasks.append([_delayed(_keyed)(out, pid, SIZES) for pid, out in enumerate(outputs)])
        parts, finalized, *measured = _compute(*tasks)
        raise_failed([*parts, *finalized])
        if progress is not None:
            progress(sum(rows for rows, _ in parts))
        shards = {key: blob for values in finalized for key, blob in values.items()}
        own = [part for _, part in parts]
        values = work.combine(own, shards)
        if observer is not None:
            observer(work.shipped(own, shards, [size for found in measured for _, size in found]))
        return values


@dataclass(frozen=True, slots=True)
class _Composed:
    """Two views, ``first`` applied first (a picklable composition)."""

    first: Callable[[Source], Source]
    then: Callable[[Source], Source]

    def __call__(self, source: Source) -> Source:
        return self.then(self.first(source))


@dataclass(frozen=True, slots=True)
class Failed:
    """Bad input met by a task, returned as its result (and by the tasks that would use it):
    the driver raises it as one InputError, where a raised one would also be logged by the
    worker as a failed task, with its traceback."""

    message: str


def raise_failed(results: Iterable[Any]) -> None:
    """Raise the first bad input among task results (in partition order)."""
    for result in results:
        if isinstance(result, Failed):
            raise InputError(result.message)


def _edges(judge: RowJudge, layout: Layout, part: Any, pid: int) -> Edges | Failed:
    """On a worker: the edge values of the sequential rules in one partition."""
    try:
        return judge.edges(pa.Table.from_batches(layout.to_arrow(part, f"partition {pid}")))
    except InputError as exc:
        return Failed(str(exc))


@dataclass(frozen=True)
class PartitionFlags:
    """Flags the failing rows of a partition (travels to the workers once)."""

    judge: RowJudge
    layout: Layout

    def masks(
        self, part: Any, pid: int, before: dict[int, Any]
    ) -> tuple[np.ndarray, dict[int, np.ndarray]]:
        """Which rows of partition ``pid`` fail any rule, and which fail each; ``before`` holds
        the values its sequential rules follow."""
        table = pa.Table.from_batches(self.layout.to_arrow(part, f"partition {pid}"))
        masks = self.judge.failing(table, before)
        bad = np.zeros(len(part), dtype=bool)
        for mask in masks.values():
            bad |= mask
        return bad, masks


def _good_rows(part: Any, flags: PartitionFlags, pid: int, before: dict[int, Any]) -> Any:
    bad, _ = flags.masks(part, pid, before)
    return part[~bad]


def _bad_rows(
    part: Any, flags: PartitionFlags, pid: int, before: dict[int, Any], reason_column: str | None
) -> Any:
    bad, masks = flags.masks(part, pid, before)
    rows = part[bad]
    if reason_column is None:
        return rows
    return with_text_column(rows, reason_column, reasons(flags.judge.rules, masks, bad))


def _frame_of(parts: list[Any], meta: Any, like: Any) -> Any:
    """A lazy Dask frame of delayed pandas partitions, with the divisions of ``like`` (rows
    are only dropped, so its index bounds still hold)."""
    import dask.dataframe as dd

    divisions = like.divisions if like.known_divisions else None
    return dd.from_delayed(parts, meta=meta, divisions=divisions, verify_meta=False)


Output = tuple[int, dict[int, bytes]]


def _run_partition(work: PartitionPass, part: Any, layout: Layout, pid: int) -> Output | Failed:
    """On a worker: one partition's row count and its states' blobs by key."""
    try:
        batches = layout.to_arrow(part, f"partition {pid}")
        return len(part), dict(work.run(batches, layout.schema))
    except InputError as exc:
        return Failed(str(exc))


def _keyed(output: Output | Failed, pid: int, key: int) -> Any:
    """On a worker: a partition's own states, with its id and its row count (for progress)."""
    if isinstance(output, Failed):
        return output
    rows, blobs = output
    return rows, (pid, blobs[key])


def _picked(output: Output | Failed, pid: int, keys: list[int]) -> Output | Failed:
    """On a worker: the blobs of some keys of a partition's output, with its id."""
    if isinstance(output, Failed):
        return output
    _, blobs = output
    return pid, {key: blobs[key] for key in keys}


def _finalize_shards(
    work: PartitionPass, keys: list[int], picked: list[Output | Failed]
) -> dict[int, bytes] | Failed:
    """On a worker: each key's parts, gathered from every partition, finalized."""
    gathered: list[Output] = []
    for output in picked:
        if isinstance(output, Failed):
            return output
        gathered.append(output)
    return {
        key: work.finalize_shard(key, [(pid, blobs[key]) for pid, blobs in gathered])
        for key in keys
    }


def _delayed_value(value: Any) -> Any:
    import dask

    return dask.delayed(value, pure=False)


def partitions(frame: Any, names: Iterable[str]) -> list[Any]:
    """The frame's partitions holding ``names`` (at least), as delayed pandas frames in
    partition order; only those columns are read from storage."""
    return list(frame[list(names)].to_delayed())


@contextmanager
def dask_client(scheduler: str | None) -> Iterator[None]:
    """A Dask client for one run, the current scheduler meanwhile: connected to the scheduler at
    address ``scheduler``, or to a local cluster (one worker process per core, on the loopback
    address, no dashboard) started for the run and closed after."""
    require_dask()
    from distributed import Client, LocalCluster

    # Never the process's default client: one that fails to connect would stay the default,
    # and later work would wait for its scheduler forever. Current for the run only.
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="30s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:  # ValueError: not an address
            raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client, client.as_current():
            yield
        return
    with (
        LocalCluster(
            host="127.0.0.1",
            dashboard_address=None,
            # No dashboard; the scheduler's plain HTTP server on a free loopback port (by
            # default it takes port 8787, and warns when another cluster holds it).
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
            # A failed task is reported here, as one line: not also logged by its worker.
            silence_logs=logging.CRITICAL,
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
        client.as_current(),
    ):
        yield


def open_file(
    path: str, read_plan: Callable[[Sequence[str]], ReadPlan], *, blocksize: int | None = None
) -> DaskSource:
    """A Dask DataFrame over a Parquet or CSV file, as a source whose columns have the types
    this machine reads the file as (``read_plan`` says how for a CSV file), so the results are
    those of the same command without a cluster: Parquet's own types, not the pandas dtypes
    dask reads them as (its strings are ``large_string``); a CSV file's types as this machine's
    reader settles them over the whole file, its rows read by this machine's reader too
    (``csv_rows``). A CSV file is cut into partitions of about ``blocksize`` bytes
    (``CSV_PARTITION`` when None)."""
    require_dask()
    import dask.dataframe as dd

    here = as_source(path, read_plan)
    schema = pa.schema([(n, here.info(n).arrow_type) for n in here.names])
    if Path(path).suffix.lower() in (".csv", ".tsv"):
        delimiter = "\t" if Path(path).suffix.lower() == ".tsv" else ","
        if not here.types_final:  # a later value may widen a column: read them all to know
            schema = _csv_schema(path, schema, delimiter, blocksize)
        frame = _csv_frame(path, schema, delimiter, blocksize)
    elif here.columnar:
        schema = pq.read_schema(path)
        groups = [[g] for g in range(pq.ParquetFile(path).num_row_groups)] or [[]]
        meta = schema.empty_table().to_pandas(ignore_metadata=True)
        frame = dd.from_map(row_groups, groups, path=path, meta=meta, enforce_metadata=False)
    else:
        raise InputError(f"{path}: the Dask engine reads Parquet and CSV files")
    return DaskSource(frame, schema.remove_metadata())


#: The size of the blocks of a CSV file whose types are settled each by one task: any size
#: gives the same types (see ``csv_block_types``).
SETTLE_BLOCK = 64 << 20
#: The size of a CSV file's partitions when none is given (dask's own largest default).
CSV_PARTITION = 64_000_000


def _csv_frame(path: str, schema: pa.Schema, delimiter: str, blocksize: int | None) -> Any:
    """The rows of a CSV file as a Dask DataFrame of ``schema``'s columns, a partition per
    ``blocksize`` bytes of lines, each read on a worker by this machine's CSV reader
    (``csv_rows``): pandas would read a quoted empty field ("") in a text column as missing."""
    import dask.dataframe as dd

    size = Path(path).stat().st_size
    step = CSV_PARTITION if blocksize is None else max(1, blocksize)
    spans = [(offset, step) for offset in range(0, size, step)] or [(0, 0)]
    with open(path, "rb") as handle:
        header = handle.readline()
    meta = schema.empty_table().to_pandas(types_mapper=pd.ArrowDtype)
    return dd.from_map(
        csv_rows,
        spans,
        path=path,
        header=header,
        schema=schema,
        delimiter=delimiter,
        meta=meta,
        enforce_metadata=False,
    )


def csv_rows(
    span: tuple[int, int], path: str, header: bytes, schema: pa.Schema, delimiter: str
) -> Any:
    """On a worker: the rows of a CSV file (whose first line is ``header``) on the lines that
    start within ``span`` (offset, length in bytes), as a pandas partition of ``schema``'s
    columns read with its types as this machine's reader reads them, Arrow-backed so that they
    convert back to Arrow unchanged."""
    offset, length = span
    with open(path, "rb") as handle:
        # A line starts at the file's start or after a line end: the next partition's first
        # line starts where this one's lines end.
        start = 0 if offset == 0 else _after_line_end(handle, offset - 1)
        end = _after_line_end(handle, max(0, offset + length - 1))
        handle.seek(start)
        block = handle.read(max(0, end - start))
    text = block if offset == 0 else header + block
    convert = pcsv.ConvertOptions(
        include_columns=schema.names,
        column_types={f.name: f.type for f in schema},
        strings_can_be_null=True,
    )
    parse = pcsv.ParseOptions(delimiter=delimiter)
    batches = csv_batches(pa.BufferReader(text), schema.names, parse, convert)
    table = pa.Table.from_batches(list(batches), schema=schema)
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _csv_schema(path: str, first: pa.Schema, delimiter: str, blocksize: int | None) -> pa.Schema:
    """The types of a CSV file's columns as this machine's reader ends with them after reading
    it all: from the types of its first block (``first``), each widened by any later value that
    does not fit it. Each block is read on a worker, and only its types reach the driver, which
    widens them in file order. A value that fits no type is an InputError naming the column."""
    from dask.bytes import read_bytes

    with open(path, "rb") as handle:
        header = handle.readline()
    size = SETTLE_BLOCK if blocksize is None else blocksize
    _, (blocks,) = read_bytes(path, delimiter=b"\n", blocksize=size, sample=False)
    types = {f.name: f.type for f in first}
    found = _compute(
        *[
            # The first block starts with the header; the others are given it.
            _delayed(_block_types)(b"" if i == 0 else header, block, types, delimiter, path)
            for i, block in enumerate(blocks)
        ]
    )
    raise_failed(found)
    for block_types in found:
        types = {n: wider(t, block_types[n]) for n, t in types.items()}
    return pa.schema(list(types.items()))


def _after_line_end(handle: BinaryIO, position: int) -> int:
    """The position after the first line end at or after ``position`` (the file's end if none)."""
    handle.seek(position)
    while True:
        chunk = handle.read(1 << 16)
        if not chunk:
            return handle.tell()
        found = chunk.find(b"\n")
        if found >= 0:
            return position + found + 1
        position += len(chunk)


def _block_types(
    header: bytes, block: bytes, types: dict[str, pa.DataType], delimiter: str, path: str
) -> dict[str, pa.DataType] | Failed:
    """On a worker: the types of one block's columns (see ``csv_block_types``)."""
    try:
        return csv_block_types(header + block, types, delimiter, path)
    except InputError as exc:
        return Failed(str(exc))


def row_groups(groups: list[int], path: str, columns: list[str] | None = None) -> Any:
    """On a worker: row groups of a Parquet file as one pandas partition, every stored column
    a column (a pandas index stored in the file too, as this machine's reader reads it), only
    ``columns`` when given (dask hands it the columns a pass selects)."""
    table = pq.ParquetFile(path).read_row_groups(groups, columns=columns)
    return table.to_pandas(ignore_metadata=True)
