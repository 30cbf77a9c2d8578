"""The shapes every adapter produces: column descriptions, batches of Arrow arrays, sources."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: A group's key: the value of each group column, ``None`` where it is missing.
GroupKey = tuple[object, ...]

LOGICAL_TYPES = (
    "integer",
    "float",
    "numeric",
    "string",
    "boolean",
    "datetime",
    "date",
    "categorical",
)


@dataclass(frozen=True, slots=True)
class ColumnInfo:
    """One column as the source declares it, known before any row is read.

    ``dtype`` is the source's own name for the type (pandas ``"Int64"`` or ``"object"``, polars
    ``"String"``, Arrow ``"int64"``); ``arrow_type`` is the type of the arrays dataguard computes
    on (dictionaries decoded, string views widened). ``categorical`` records a pandas category,
    polars Categorical/Enum or Arrow dictionary column; ``mixed`` an object column whose values do
    not share one type, which dataguard sees as strings.
    """

    name: str
    arrow_type: pa.DataType
    dtype: str
    categorical: bool = False
    mixed: bool = False

    def logical_types(self) -> frozenset[str]:
        """The logical type names this column satisfies (``numeric`` covers integer and float)."""
        t = self.arrow_type
        kinds: set[str] = set()
        if self.mixed:
            return frozenset()
        if pa.types.is_integer(t):
            kinds |= {"integer", "numeric"}
        elif pa.types.is_floating(t) or pa.types.is_decimal(t):
            kinds |= {"float", "numeric"}
        elif is_string_type(t):
            kinds.add("string")
        elif pa.types.is_boolean(t):
            kinds.add("boolean")
        elif pa.types.is_timestamp(t):
            kinds.add("datetime")
        elif pa.types.is_date(t):
            kinds.add("date")
        if self.categorical:
            kinds.add("categorical")
        return frozenset(kinds)


def is_string_type(t: pa.DataType) -> bool:
    """True for every Arrow string flavour."""
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


#: Parts of a type name that say how values are stored, not what they are, and the one spelling
#: each becomes: whether text is ``string`` or ``large_string`` depends on the adapter (a Spark
#: session setting, a pandas column's size), and a timestamp's unit on the writer (pandas writes
#: nanoseconds, Spark reads and writes microseconds, which is also what dataguard computes on).
_STORAGE_FLAVOURS = (
    (re.compile(r"\b(?:large_string|string_view)\b"), "string"),
    (re.compile(r"\b(?:large_binary|binary_view)\b"), "binary"),
    (re.compile(r"\blarge_list<"), "list<"),
    (re.compile(r"\b(timestamp|datetime64)\[(?:s|ms|us|ns)\b"), r"\1[us"),
    (re.compile(r"time_unit='(?:s|ms|us|ns)'"), "time_unit='us'"),
)


def portable_type_name(dtype: str) -> str:
    """A type name with its storage flavours made one (``large_string`` is ``string``,
    ``timestamp[ns, tz=UTC]`` is ``timestamp[us, tz=UTC]``): the name schema fingerprints and
    profiles record, the same for the same data from any adapter that keeps Arrow's names."""
    for pattern, spelling in _STORAGE_FLAVOURS:
        dtype = pattern.sub(spelling, dtype)
    return dtype


def is_numeric_type(t: pa.DataType) -> bool:
    """True for integer, floating and decimal Arrow types (booleans are not numbers here)."""
    return bool(pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t))


def is_orderable_type(t: pa.DataType) -> bool:
    """True for types with a meaningful ``<``: numbers, temporal values and strings."""
    return bool(
        is_numeric_type(t) or pa.types.is_temporal(t) or is_string_type(t) or pa.types.is_boolean(t)
    )


def normalize_array(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous array in the type dataguard computes on (dictionaries decoded, views and
    half floats widened)."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    t = array.type
    if pa.types.is_dictionary(t):
        array = array.dictionary_decode()
        t = array.type
    if pa.types.is_string_view(t):
        array = array.cast(pa.large_string())
    elif pa.types.is_binary_view(t):
        array = array.cast(pa.large_binary())
    elif pa.types.is_float16(t):  # few Arrow kernels take half floats; float32 holds them exactly
        array = array.cast(pa.float32())
    return array


def computed_type(t: pa.DataType) -> pa.DataType:
    """The type ``normalize_array`` turns an array of type ``t`` into."""
    if pa.types.is_dictionary(t):
        t = t.value_type
    if pa.types.is_string_view(t):
        return pa.large_string()
    if pa.types.is_binary_view(t):
        return pa.large_binary()
    if pa.types.is_float16(t):
        return pa.float32()
    return t


class LazyColumns(dict[str, pa.Array]):
    """A batch's columns, each loaded on first access (by whichever worker thread needs it)."""

    def __init__(self, load: Callable[[str], pa.Array]) -> None:
        super().__init__()
        self._load = load
        self._lock = threading.Lock()

    def __missing__(self, name: str) -> pa.Array:
        with self._lock:  # two threads asking for one column convert it once
            if not dict.__contains__(self, name):
                self[name] = self._load(name)
            return dict.__getitem__(self, name)


@dataclass(frozen=True, slots=True)
class Encoded:
    """A run of rows as distinct values and, for each row, the index of its value among them.

    ``results`` caches what element-wise tests gave on ``values``; the source shares it between
    the batches of one column, whose ``values`` are the same array.
    """

    values: pa.Array
    codes: pa.Array
    results: dict[Hashable, np.ndarray]

    def per_row(self, per_value: np.ndarray) -> np.ndarray:
        """A boolean of each distinct value (missing, failing) as each row's, by its code.

        Few values set (no missing values, a handful of bad e-mails) is the usual case: the rows
        are then found by comparing codes, some thirty times faster than gathering by them.
        """
        codes = self.codes.to_numpy()
        chosen = np.flatnonzero(per_value)
        if chosen.size > _FEW_CHOSEN:
            selected: np.ndarray = np.take(per_value, codes)
            return selected
        rows = np.zeros(codes.size, dtype=bool)
        for code in chosen.tolist():
            rows |= codes == code
        return rows


#: Up to this many distinct values set, ``Encoded.per_row`` compares codes instead of gathering.
_FEW_CHOSEN = 8


@dataclass(slots=True)
class Batch:
    """A run of consecutive rows: one contiguous Arrow array per requested column.

    ``offset`` is the position of the first row in the rows this source yields. ``ids`` holds the
    rows' global row numbers when they are not ``offset, offset + 1, ...`` (a source filtered by a
    row condition skips rows). ``encode``, when the source has it, offers a column as distinct
    values and codes (see ``encoded``); ``objects`` the Python objects of a mixed column (see
    ``mixed_values``). Derived views (missing masks) are cached because several metrics of one
    column use them.
    """

    arrays: dict[str, pa.Array]
    offset: int
    num_rows: int
    ids: np.ndarray | None = None
    encode: Callable[[str], Encoded | None] | None = None
    objects: Callable[[str], np.ndarray | None] | None = None
    _missing: dict[str, np.ndarray] = field(default_factory=dict)
    _partitions: dict[tuple[str, ...], _Partition] = field(default_factory=dict)
    _groups: dict[tuple[str, ...], list[tuple[GroupKey, Batch]]] = field(default_factory=dict)

    def array(self, name: str) -> pa.Array:
        """The column's values, nulls included."""
        return self.arrays[name]

    def encoded(self, name: str) -> Encoded | None:
        """The column as distinct values and codes, if the source holds it that way and the plain
        values have not been needed yet (then they are the cheaper view)."""
        if self.encode is None or dict.__contains__(self.arrays, name):
            return None
        return self.encode(name)

    def mixed_values(self, name: str) -> np.ndarray | None:
        """The rows' own Python objects when the column mixes values of several types (a pandas
        object column of numbers and text, which ``array`` holds as their text), so that they can
        be compared by type: ``1`` is not ``"1"``. None for every other column."""
        return None if self.objects is None else self.objects(name)

    def missing(self, name: str) -> np.ndarray:
        """Boolean mask of missing values: null, NaN and NaT count as missing."""
        mask = self._missing.get(name)
        if mask is None:
            encoded = self.encoded(name)
            if encoded is None:
                mask = missing_mask(self.arrays[name])
            else:
                mask = encoded.per_row(missing_mask(encoded.values))
            self._missing[name] = mask
        return mask

    def row_ids(self) -> np.ndarray:
        """Global 0-based row numbers of this batch's rows in the whole data."""
        if self.ids is not None:
            return self.ids
        return np.arange(self.offset, self.offset + self.num_rows, dtype=np.int64)

    def groups(self, by: tuple[str, ...]) -> list[tuple[GroupKey, Batch]]:
        """The batch's rows by group of the ``by`` columns' values: each group's key (a value
        per column, ``None`` where it is missing) with the batch of its rows (``rows_at``), in
        no particular order. Missing values (null, NaN, NaT) form one group; ``-0.0`` is
        ``0.0``. Computed once per batch: every metric judged per group shares the groups, and
        each group's batch caches its own views."""
        found = self._groups.get(by)
        if found is None:
            ids = self.row_ids()
            part = self._partition(by)
            found = []
            for i, key in enumerate(part.keys):
                rows = part.rows(i)
                found.append((key, self.rows_at(rows, ids[rows])))
            self._groups[by] = found
        return found

    def group_keys(self, by: tuple[str, ...]) -> list[GroupKey]:
        """The keys of ``groups(by)``, without making a batch of each group's rows (when
        there are too many groups to judge, their keys are only counted)."""
        return self._partition(by).keys

    def _partition(self, by: tuple[str, ...]) -> _Partition:
        found = self._partitions.get(by)
        if found is None:
            found = self._partitions[by] = _partition(self, by)
        return found

    def rows_at(self, positions: np.ndarray, ids: np.ndarray | None = None) -> Batch:
        """The batch of the rows at these ascending positions, as if the source held only them
        (a group's rows): columns are taken when first read, an encoded column stays encoded
        (its verdicts per distinct value still shared), and rows keep their global numbers
        (``ids``, when known already)."""
        made: list[pa.Array] = []

        def index() -> pa.Array:  # made when first needed: a group's rows may never be read
            if not made:
                made.append(pa.array(positions, type=pa.int64()))
            return made[0]

        def load(name: str) -> pa.Array:
            return self.arrays[name].take(index())

        def encode(name: str) -> Encoded | None:
            encoded = self.encoded(name)
            if encoded is None:
                return None
            return Encoded(encoded.values, encoded.codes.take(index()), encoded.results)

        def objects(name: str) -> np.ndarray | None:
            values = self.mixed_values(name)
            return None if values is None else values[positions]

        return Batch(
            LazyColumns(load),
            0,
            len(positions),
            ids=self.row_ids()[positions] if ids is None else ids,
            encode=encode if self.encode is not None else None,
            objects=objects if self.objects is not None else None,
        )

    def take(self, positions: np.ndarray, names: Sequence[str]) -> dict[str, pa.Array]:
        """The values of ``names`` at the given positions within the batch."""
        index = pa.array(positions, type=pa.int64())
        taken = {}
        for name in names:
            encoded = self.encoded(name)
            if encoded is None:
                taken[name] = self.arrays[name].take(index)
            else:
                taken[name] = encoded.values.take(encoded.codes.take(index))
        return taken


@dataclass(frozen=True, slots=True)
class _Partition:
    """A batch's groups: each group's key, and the positions of its rows, ascending, at
    ``order[starts[i]:stops[i]]``."""

    keys: list[GroupKey]
    order: np.ndarray
    starts: list[int]
    stops: list[int]

    def rows(self, i: int) -> np.ndarray:
        """The positions of group ``i``'s rows."""
        return self.order[self.starts[i] : self.stops[i]]


def _partition(batch: Batch, by: tuple[str, ...]) -> _Partition:
    """The batch's groups, from dictionary codes and one stable sort (a radix sort while there
    are at most 65,536 groups); keys are read once per group, by array operations."""
    if batch.num_rows == 0:
        return _Partition([], np.zeros(0, dtype=np.int64), [], [])
    columns = [_codes(batch, name) for name in by]
    combined, size = columns[0][1], len(columns[0][0]) + 1
    for values, codes in columns[1:]:
        if size * (len(values) + 1) >= 1 << 62:  # renumbered densely: the product fits
            combined, size = _dense(combined)
        combined, size = combined * (len(values) + 1) + codes, size * (len(values) + 1)
    if size > batch.num_rows:
        combined, size = _dense(combined)
    narrow = combined.astype(np.uint16) if size <= 1 << 16 else combined
    order = np.argsort(narrow, kind="stable")
    counts = np.bincount(combined, minlength=size)
    stops = np.cumsum(counts)[counts > 0]
    starts = stops - counts[counts > 0]
    firsts = order[starts]
    picked = []
    for values, codes in columns:
        lookup = [*values.to_pylist(), None]  # code len(values) stands for a missing value
        picked.append([lookup[c] for c in codes[firsts].tolist()])
    return _Partition(list(zip(*picked, strict=True)), order, starts.tolist(), stops.tolist())


def _dense(codes: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes renumbered 0, 1, ... in their order, and how many there are."""
    distinct, dense = np.unique(codes, return_inverse=True)
    return dense.astype(np.int64, copy=False), len(distinct)


def _codes(batch: Batch, name: str) -> tuple[pa.Array, np.ndarray]:
    """A column's distinct values and each row's index among them (``len(values)`` where the
    row's value is missing)."""
    encoded = batch.encoded(name)
    if encoded is not None:
        values, codes = encoded.values, encoded.codes
    else:
        array = batch.array(name)
        if pa.types.is_floating(array.type):
            array = pc.add(array, pa.scalar(0.0, array.type))  # -0.0 + 0.0 is 0.0
        dictionary = array.dictionary_encode()
        values, codes = dictionary.dictionary, dictionary.indices
    numbers = np.asarray(codes.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)
    missing = batch.missing(name)
    if missing.any():
        numbers = np.where(missing, len(values), numbers)
    return values, numbers


def missing_mask(array: pa.Array) -> np.ndarray:
    """Missing-value mask of one array as numpy booleans."""
    t = array.type
    if len(array) == 0:  # some producers give empty arrays no buffers at all
        return np.zeros(0, dtype=bool)
    if pa.types.is_floating(t) and t.bit_width > 16:
        values = np.frombuffer(array.buffers()[1], dtype=np.float64 if t.bit_width == 64 else "f4")
        nan: np.ndarray = np.isnan(values[array.offset : array.offset + len(array)])
        return nan | ~_bits(array, 0) if array.null_count else nan
    if pa.types.is_floating(t):
        return bools(pc.is_null(array, nan_is_null=True))
    if array.null_count == 0:
        return np.zeros(len(array), dtype=bool)
    if pa.types.is_null(t):  # no validity bitmap: every slot is null
        return np.ones(len(array), dtype=bool)
    return ~_bits(array, 0)


def bools(array: pa.Array | pa.ChunkedArray, null: bool = False) -> np.ndarray:
    """A boolean Arrow array as numpy booleans, null slots read as ``null``.

    Unpacks the bitmaps with numpy, about six times faster than Arrow's ``to_numpy`` of booleans.
    """
    if isinstance(array, pa.ChunkedArray):
        array = array.chunk(0) if array.num_chunks == 1 else array.combine_chunks()
    if pa.types.is_null(array.type) or len(array) == 0:  # no bitmaps to read
        return np.full(len(array), null, dtype=bool)
    values = _bits(array, 1)
    if array.null_count:
        values = np.where(_bits(array, 0), values, null)
    return values


def _bits(array: pa.Array, buffer: int) -> np.ndarray:
    """Bitmap buffer ``buffer`` of the array (0: validity, 1: boolean values) as booleans."""
    bitmap = array.buffers()[buffer]
    if bitmap is None:  # no validity bitmap: all valid
        return np.ones(len(array), dtype=bool)
    first, skip = divmod(array.offset, 8)  # a slice's bitmap is its parent's: unpack its bytes
    raw = np.frombuffer(bitmap, dtype=np.uint8)[first : first + (skip + len(array) + 7) // 8]
    unpacked = np.unpackbits(raw, count=skip + len(array), bitorder="little")[skip:]
    return unpacked.view(bool)


def as_numpy(array: pa.Array) -> np.ndarray:
    """A numpy view of a numeric, boolean or temporal array with missing slots filled.

    The filled slots hold an arbitrary value: callers always combine the result with the missing
    mask.
    """
    t = array.type
    if pa.types.is_null(t):  # every value missing (a pandas column of None, say)
        return np.zeros(len(array), dtype=np.float64)
    if pa.types.is_decimal(t):
        array = array.cast(pa.float64())
    if pa.types.is_integer(array.type) or pa.types.is_floating(array.type):
        # The data buffer holds some value in every slot: read in place, not filled (nor through
        # Arrow's ``to_numpy``, which imports pandas on first use).
        dtype = np.dtype(array.type.to_pandas_dtype())
        if len(array) == 0:  # may have no data buffer at all
            return np.zeros(0, dtype=dtype)
        data = np.frombuffer(array.buffers()[1], dtype=dtype)
        return data[array.offset : array.offset + len(array)]
    if pa.types.is_boolean(array.type):
        return bools(array)
    if array.null_count:
        fill = pa.scalar(0, type=array.type)
        if pa.types.is_temporal(array.type):
            fill = pa.scalar(0, type=pa.int64()).cast(array.type)
        array = array.fill_null(fill)
    return np.asarray(array.to_numpy(zero_copy_only=False))
