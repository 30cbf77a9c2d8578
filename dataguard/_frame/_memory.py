"""In-memory sources: pyarrow tables, pandas and polars frames, and iterables of Arrow batches."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

import numpy as np
import pyarrow as pa

from dataguard._frame._batch import (
    Batch,
    ColumnInfo,
    Encoded,
    LazyColumns,
    computed_type,
    normalize_array,
)
from dataguard._frame._encoded_batches import file_batches
from dataguard._frame._objects import TextColumn
from dataguard._frame._source import BaseSource
from dataguard.errors import InputError

Converter = Callable[[str], tuple[pa.Array | pa.ChunkedArray, ColumnInfo]]


class ChunkedColumn(Protocol):
    """A column held as distinct values and codes, read as Arrow a run of rows at a time."""

    def read(self, start: int, stop: int) -> pa.Array:
        """Rows ``[start, stop)`` as an Arrow array."""
        ...

    def encoded(self, start: int, stop: int) -> Encoded:
        """Rows ``[start, stop)`` as distinct values and each row's code among them."""
        ...


#: For a column converted chunk by chunk, its description and the column; else None.
Piecewise = Callable[[str], tuple[ColumnInfo, ChunkedColumn] | None]

#: Rows per batch of in-memory data when the caller gave no ``chunk_size``: small enough that
#: two batches in flight keep both cores busy and their temporaries in cache, large enough that
#: per-batch bookkeeping stays a few percent of the work.
DEFAULT_MEMORY_CHUNK = 1 << 17


class ArraySource(BaseSource):
    """Rows held in memory, handed out in batches and converted to Arrow only when first read.

    A column is converted at most once, whole (``convert``), unless ``piecewise`` offers it chunk
    by chunk (pandas object strings encoded by shared object): then each batch reads its own rows
    on the worker thread that computes on them. Chunks of the columns named by ``retain`` are kept
    for later passes over the data.
    """

    def __init__(
        self,
        names: Sequence[str],
        dtypes: Sequence[str],
        num_rows: int,
        convert: Converter,
        description: str,
        *,
        piecewise: Piecewise | None = None,
        objects: Callable[[str], np.ndarray] | None = None,
    ) -> None:
        self._names = tuple(names)
        self._objects_of = objects
        self._dtypes = tuple(dtypes)
        self._num_rows = num_rows
        self._convert = convert
        self._piecewise = piecewise
        self._arrays: dict[str, pa.Array | pa.ChunkedArray] = {}
        self._chunked: dict[str, ChunkedColumn] = {}
        self._infos: dict[str, ColumnInfo] = {}
        self._description = description
        self._lock = threading.Lock()
        self._column_locks: dict[str, threading.Lock] = {}
        self._retained: frozenset[str] = frozenset()
        self._kept: dict[tuple[str, int, int], pa.Array] = {}

    @property
    def names(self) -> tuple[str, ...]:
        return self._names

    @property
    def dtypes(self) -> tuple[str, ...]:
        return self._dtypes

    @property
    def num_rows(self) -> int:
        return self._num_rows

    @property
    def description(self) -> str:
        return self._description

    @property
    def reiterable(self) -> bool:
        return True

    @property
    def in_memory(self) -> bool:
        return True

    def info(self, name: str) -> ColumnInfo:
        info = self._infos.get(name)
        if info is not None:
            return info
        with self._lock:  # one lock per column: threads may describe different columns at once
            column_lock = self._column_locks.setdefault(name, threading.Lock())
        with column_lock:
            info = self._infos.get(name)
            if info is None:
                offered = self._piecewise(name) if self._piecewise is not None else None
                if offered is not None:
                    info, self._chunked[name] = offered
                else:
                    raw, info = self._convert(name)
                    # Chunked columns stay in their chunks and are normalized a slice at a time:
                    # combining them would copy the whole column.
                    self._arrays[name] = (
                        raw if isinstance(raw, pa.ChunkedArray) else normalize_array(raw)
                    )
                self._infos[name] = info
            return info

    def retain(self, names: Iterable[str]) -> None:
        """Keep the chunks of ``names`` read from now on, for a later pass.

        A kept chunk is dropped when a pass reads it while its column is no longer retained.
        """
        self._retained = frozenset(names)

    def _read(self, name: str, start: int, length: int) -> pa.Array:
        self.info(name)
        key = (name, start, length)
        array = self._kept.get(key) if name in self._retained else self._kept.pop(key, None)
        if array is None:
            column = self._chunked.get(name)
            if column is None:
                array = normalize_array(self._arrays[name].slice(start, length))
            else:
                array = column.read(start, start + length)
            # Kept for later passes: a chunk is then converted once, and it is the same array
            # object each time (derived data such as fingerprints is remembered by identity).
            if name in self._retained:
                self._kept[key] = array
        return array

    def _encoded(self, name: str, start: int, length: int) -> Encoded | None:
        self.info(name)
        column = self._chunked.get(name)
        return None if column is None else column.encoded(start, start + length)

    def _objects(self, name: str, start: int, length: int) -> np.ndarray | None:
        if self._objects_of is None or not self.info(name).mixed:
            return None
        return self._objects_of(name)[start : start + length]

    def batches(self, names: Sequence[str], chunk_size: int | None) -> Iterator[Batch]:
        if self._num_rows == 0:
            yield Batch({n: self._read(n, 0, 0) for n in names}, 0, 0)
            return
        step = chunk_size or DEFAULT_MEMORY_CHUNK
        for start in range(0, self._num_rows, step):
            length = min(step, self._num_rows - start)
            yield Batch(
                LazyColumns(functools.partial(self._read, start=start, length=length)),
                start,
                length,
                encode=functools.partial(self._encoded, start=start, length=length),
                objects=functools.partial(self._objects, start=start, length=length),
            )


def check_names(names: Iterable[object], what: str) -> list[str]:
    """Column names as strings, rejecting non-string and duplicate names with a clear error."""
    result = []
    for name in names:
        if not isinstance(name, str):
            raise InputError(
                f"{what} has a column named {name!r} of type {type(name).__name__}; "
                "dataguard needs string column names"
            )
        result.append(name)
    if len(set(result)) != len(result):
        dupes = sorted({n for n in result if result.count(n) > 1})
        raise InputError(f"{what} has duplicate column names: {', '.join(map(repr, dupes))}")
    return result


#: Deepest nesting of a column's type that dataguard reads: Arrow names, compares and converts
#: types recursively, so a type thousands of levels deep (a JSON-lines file of nested objects)
#: overflows the C stack and crashes the process instead of raising an error.
MAX_NESTING = 64


def check_nesting(schema: pa.Schema, what: str) -> None:
    """InputError naming the first column whose type nests deeper than ``MAX_NESTING`` levels,
    found without recursion (and without ``str`` of the type, which recurses)."""
    for field in schema:
        pending = [(field.type, 1)]
        while pending:
            t, level = pending.pop()
            if level > MAX_NESTING:
                raise InputError(
                    f"{what}: column {field.name!r} is nested more than {MAX_NESTING} levels "
                    "deep, beyond what dataguard reads"
                )
            pending.extend((t.field(i).type, level + 1) for i in range(t.num_fields))


def value_depth(value: object) -> int:
    """How many levels of lists and dicts ``value`` nests, found without recursion."""
    deepest, pending = 0, [(value, 0)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level + 1)
            pending.extend((inner, level + 1) for inner in item)
    return deepest


def arrow_info(name: str, t: pa.DataType) -> ColumnInfo:
    """Describe an Arrow column of type ``t``."""
    return ColumnInfo(name, computed_type(t), str(t), categorical=pa.types.is_dictionary(t))


def from_arrow(table: pa.Table | pa.RecordBatch, description: str = "pyarrow.Table") -> ArraySource:
    """Adapt a pyarrow Table or RecordBatch (zero-copy)."""
    names = check_names(table.schema.names, description)
    check_nesting(table.schema, description)
    types = dict(zip(names, table.schema.types, strict=True))

    def convert(name: str) -> tuple[pa.Array | pa.ChunkedArray, ColumnInfo]:
        return table.column(name), arrow_info(name, types[name])

    return ArraySource(
        names, [str(t) for t in types.values()], table.num_rows, convert, description
    )


def from_pandas(frame: Any) -> ArraySource:
    """Adapt a pandas DataFrame, converting only the columns that are asked for.

    Object columns of strings (and missing values) that share their objects are encoded by
    object and read batch by batch on the worker threads; other columns are converted whole,
    once. Object columns whose values do not share one Arrow type (say ints and strings) are
    seen as strings and flagged ``mixed``, so type expectations report them instead of crashing;
    their batches also offer the Python objects, for checks that compare values by type.
    """
    names = check_names(frame.columns, "pandas.DataFrame")
    positions = {n: i for i, n in enumerate(names)}
    dtypes = [str(t) for t in frame.dtypes]

    def convert(name: str) -> tuple[pa.Array | pa.ChunkedArray, ColumnInfo]:
        series = frame.iloc[:, positions[name]]
        dtype = str(series.dtype)
        if isinstance(series.dtype, np.dtype) and not series.dtype.isnative:
            # Arrow reads native byte order only: a big-endian column is swapped once.
            series = series.astype(series.dtype.newbyteorder("="))
        try:
            try:
                array = (
                    _objects_in_chunks(series) if dtype == "object" else _floats_or_times(series)
                )
                if array is None:
                    array = pa.Array.from_pandas(series)
                mixed = False
            except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
                array, mixed = _stringify(series), True
        except UnicodeEncodeError:
            raise InputError(_not_unicode(name, series.to_numpy())) from None
        info = ColumnInfo(
            name,
            computed_type(array.type),
            dtype,
            categorical=dtype == "category",
            mixed=mixed,
        )
        return array, info

    def piecewise(name: str) -> tuple[ColumnInfo, ChunkedColumn] | None:
        series = frame.iloc[:, positions[name]]
        try:
            text = TextColumn.of(series.to_numpy()) if series.dtype == object else None
        except UnicodeEncodeError:
            raise InputError(_not_unicode(name, series.to_numpy())) from None
        if text is None:
            return None
        return ColumnInfo(name, pa.string(), "object"), text

    def objects(name: str) -> np.ndarray:
        values: np.ndarray = frame.iloc[:, positions[name]].to_numpy()
        return values

    return ArraySource(
        names,
        dtypes,
        len(frame),
        convert,
        "pandas.DataFrame",
        piecewise=piecewise,
        objects=objects,
    )


def _objects_in_chunks(series: Any) -> pa.ChunkedArray | None:
    """An object column converted in batch-sized chunks, when they all get one Arrow type
    (chunks of missing values only are typed null and cast). One conversion of the whole column
    would grow its buffers by doubling, briefly holding up to twice the column."""
    values = series.to_numpy()
    if values.size <= DEFAULT_MEMORY_CHUNK:
        return None
    step = DEFAULT_MEMORY_CHUNK
    chunks = []
    for start in range(0, values.size, step):
        chunk = _yielding_conversion(values[start : start + step])
        if chunk is None:
            return None
        chunks.append(chunk)
    return _one_type(chunks)


def _floats_or_times(series: Any) -> pa.Array | None:
    """A numpy float or datetime64 column as Arrow, NaN and NaT null, as ``from_pandas`` gives
    it: the values zero-copy, the validity bitmap packed by numpy (Arrow's conversion tests and
    sets one bit at a time, about fifteen times slower). None for other columns, pandas' own
    dtypes included (a ``Float64`` column can hold NaN apart from its missing values)."""
    if not isinstance(series.dtype, np.dtype):
        return None
    values = series.to_numpy()
    if values.ndim != 1 or not values.flags.c_contiguous or not values.dtype.isnative:
        return None
    if values.dtype in (np.float32, np.float64):
        missing = np.isnan(values)
    elif values.dtype.kind == "M" and np.datetime_data(values.dtype) in _ARROW_TIMES:
        missing = np.isnat(values)
    else:
        return None
    nulls = int(np.count_nonzero(missing))
    validity = pa.py_buffer(np.packbits(~missing, bitorder="little")) if nulls else None
    return pa.Array.from_buffers(
        pa.from_numpy_dtype(values.dtype),
        values.size,
        [validity, pa.py_buffer(values)],
        null_count=nulls,
    )


#: The datetime64 units that are Arrow timestamp units.
_ARROW_TIMES = {(unit, 1) for unit in ("s", "ms", "us", "ns")}


#: Rows of Python objects converted between two releases of the GIL.
_OBJECTS_PER_RELEASE = 1 << 14


def _yielding_conversion(values: np.ndarray) -> pa.Array | None:
    """``values`` converted to Arrow a few thousand at a time, releasing the GIL in between.

    Converting Python objects holds the GIL throughout, and a thread waiting for it gets it only
    after the switch interval (5 ms): the other workers, whose numpy and Arrow kernels release
    the GIL, would otherwise stall between two kernels. None when the pieces differ in type.
    """
    pieces = []
    for k in range(0, values.size, _OBJECTS_PER_RELEASE):
        pieces.append(pa.array(values[k : k + _OBJECTS_PER_RELEASE], from_pandas=True))
        time.sleep(0)  # releases the GIL: a waiting thread takes it at once
    joined = _one_type(pieces)
    return None if joined is None else joined.combine_chunks()


def _one_type(arrays: list[pa.Array]) -> pa.ChunkedArray | None:
    """The arrays as one chunked array when they share an Arrow type, arrays of missing values
    only (type null) cast to it; None when they do not."""
    types = {a.type for a in arrays} - {pa.null()}
    if len(types) > 1:  # mixed, or types that vary (decimal precisions): converted whole
        return None
    arrow_type = types.pop() if types else pa.null()
    return pa.chunked_array([a.cast(arrow_type) for a in arrays], type=arrow_type)


def _stringify(series: Any) -> pa.Array:
    """Strings of a mixed-type object column, nulls kept (a fallback, not the hot path)."""
    mask = np.asarray(series.isna().to_numpy(), dtype=bool)
    values = [None if m else str(v) for v, m in zip(series.tolist(), mask, strict=True)]
    return pa.array(values, type=pa.large_string())


def _not_unicode(name: str, values: np.ndarray) -> str:
    """Why a column of Python strings cannot be read: the first string with no UTF-8 form."""
    for row, value in enumerate(values.tolist()):
        text = value if isinstance(value, str) else str(value)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return (
                f"pandas.DataFrame column {name!r}, row {row}: the string {text[:40]!r} is not "
                "valid Unicode (it holds a lone surrogate, which has no UTF-8 form); replace "
                "such characters first, e.g. with .str.encode('utf-8', 'replace').str.decode()"
            )
    return f"pandas.DataFrame column {name!r} holds a string that is not valid Unicode"


def from_polars(frame: Any) -> ArraySource:
    """Adapt a polars DataFrame through Arrow, one column at a time."""
    names = check_names(frame.columns, "polars.DataFrame")
    dtypes = [str(frame.schema[n]) for n in names]

    def convert(name: str) -> tuple[pa.ChunkedArray, ColumnInfo]:
        dtype = str(frame.schema[name])
        array = _polars_to_arrow(frame.get_column(name), name, dtype)
        categorical = pa.types.is_dictionary(array.type) or dtype.startswith(
            ("Categorical", "Enum")
        )
        info = ColumnInfo(name, computed_type(array.type), dtype, categorical=categorical)
        return array, info

    return ArraySource(names, dtypes, frame.height, convert, "polars.DataFrame")


def _polars_to_arrow(series: Any, name: str, dtype: str) -> Any:
    """A polars column as Arrow; 128-bit integers, which Arrow has no type for, as exact
    ``decimal128(38, 0)`` when their values fit (38 digits), else an InputError."""
    import polars as pl

    try:
        if dtype in ("Int128", "UInt128"):
            series = series.cast(pl.Decimal(38, 0))
        return series.to_arrow()
    except (pl.exceptions.PolarsError, pa.ArrowException) as exc:
        raise InputError(
            f"polars.DataFrame column {name!r} of type {dtype} cannot be read: {exc}"
        ) from None


class StreamSource(BaseSource):
    """A one-shot stream of Arrow record batches (an iterable or a RecordBatchReader).

    Batches are kept as they are read only after ``remember()``, which the executor calls when the
    plan needs more than one pass over the data.
    """

    def __init__(self, first: pa.RecordBatch, rest: Iterator[Any], description: str) -> None:
        self._names = tuple(check_names(first.schema.names, description))
        check_nesting(first.schema, description)
        self._schema = first.schema
        self._pending: Iterator[pa.RecordBatch] | None = _chain(first, rest)
        self._seen: list[pa.RecordBatch] | None = None
        self._description = description

    @property
    def names(self) -> tuple[str, ...]:
        return self._names

    @property
    def dtypes(self) -> tuple[str, ...]:
        return tuple(str(t) for t in self._schema.types)

    @property
    def num_rows(self) -> None:
        return None

    @property
    def description(self) -> str:
        return self._description

    @property
    def reiterable(self) -> bool:
        return False

    def info(self, name: str) -> ColumnInfo:
        return arrow_info(name, self._schema.field(name).type)

    def remember(self) -> None:
        """Keep the batches of the first pass so that later passes can replay them."""
        if self._seen is None:
            self._seen = []

    def batches(self, names: Sequence[str], chunk_size: int | None) -> Iterator[Batch]:
        offset = 0
        for record_batch in self._record_batches():
            if record_batch.schema != self._schema:
                raise InputError(
                    f"{self._description}: a batch has schema {record_batch.schema} but the first "
                    f"had {self._schema}"
                )
            arrays = {n: normalize_array(record_batch.column(n)) for n in names}
            rows = record_batch.num_rows
            yield from file_batches(arrays, rows, offset, chunk_size or rows or 1)
            offset += record_batch.num_rows

    def _record_batches(self) -> Iterator[pa.RecordBatch]:
        if self._pending is None:
            if self._seen is None:
                raise InputError(f"{self._description} can be read only once")
            yield from self._seen
            return
        pending, self._pending = self._pending, None
        for record_batch in pending:
            if self._seen is not None:
                self._seen.append(record_batch)
            yield record_batch


def _chain(first: pa.RecordBatch, rest: Iterator[Any]) -> Iterator[pa.RecordBatch]:
    yield first
    for item in rest:
        if isinstance(item, pa.Table):
            yield from item.to_batches()
        elif isinstance(item, pa.RecordBatch):
            yield item
        else:
            raise InputError(
                f"an iterable of batches yielded {type(item).__name__}; expected pyarrow "
                "RecordBatch or Table"
            )
