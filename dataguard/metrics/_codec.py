"""A versioned byte form of metric states and values that never executes code when decoded.

A distributed run computes metric states where the data lives (a Spark or Dask worker) and ships
them to the driver, which merges them in partition order. The states travel as bytes, and bytes
from another machine must not be able to run code: pickle would, so states are written as a
tagged tree of a fixed set of types instead. A payload starts with ``MAGIC`` and the format
version; every value is one tag byte followed by its contents:

- ``None``, booleans, integers of any size (two's complement bytes, exact), floats (8 bytes of
  IEEE 754: NaN, the infinities and -0.0 survive), text (UTF-8), bytes, tuples, lists, dicts;
- ``Decimal`` (its text), ``Fraction`` (two integers), dates, times, datetimes and timedeltas
  (their fields), pandas Timestamps and Timedeltas (exact nanoseconds and unit: Arrow gives
  those for nanosecond columns); the time zone of aware ones by its IANA name for a
  ``zoneinfo.ZoneInfo`` (pandas' own), resolved again on decoding, else by its UTC offset;
- numpy arrays and scalars of an allow-listed dtype (booleans, integers, floats, datetime64 and
  timedelta64): shape and little-endian bytes. Boolean arrays are bit-packed, and integer arrays
  are stored in the narrowest integer type holding their values, sparse (positions and values of
  the nonzero entries) when mostly zero, so a dense 65,536-counter histogram of a partition costs
  the counters it uses;
- pyarrow Arrays, ChunkedArrays, RecordBatches and Tables, as an Arrow IPC stream (types exact);
- instances of state types registered by name (``state_type``): the wire holds the registered
  name and the fields by name, and the decoder builds only classes registered in this process.

Decoding fails with ``StateCodecError``, naming what was wrong and the byte offset, on a wrong
magic (a pickle, say), an unknown format version, tag, dtype, time zone or state type name, on
truncated or trailing bytes, and on sizes the bytes cannot justify: arrays whose bytes or
values do not match their shape, sparse arrays beyond ``SPARSE_LIMIT`` values in all, and
compressed Arrow streams (the encoder never compresses; a few KB could inflate to GBs).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import struct
import sys
import zoneinfo
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, TypeVar

import numpy as np
import pyarrow as pa

from dataguard._deferred import pd
from dataguard.errors import DataguardError

#: The first bytes of every payload: "dataguard metric state".
MAGIC = b"DGMS"
#: The format version written; a payload of another version is refused.
VERSION = 1
#: Deepest nesting decoded (states nest a few levels; this guards the stack, not the data).
MAX_DEPTH = 64

T = TypeVar("T")


class StateCodecError(DataguardError, ValueError):
    """Bytes that are not a metric state this version can decode, or a value it cannot encode."""


# Tags: one byte before each value. Never renumber one; add new tags at the end.
_NONE, _FALSE, _TRUE, _INT, _FLOAT, _STR, _BYTES, _TUPLE, _LIST, _DICT = range(10)
_DECIMAL, _FRACTION, _DATETIME, _DATE, _TIME, _TIMEDELTA, _TIMESTAMP, _PD_TIMEDELTA = range(10, 18)
_NDARRAY, _NPSCALAR, _ARROW_ARRAY, _ARROW_CHUNKED, _ARROW_BATCH, _ARROW_TABLE = range(18, 24)
_STATE = 24

# How an array's elements are stored after its dtype and shape.
_RAW, _BITS, _NARROW, _SPARSE = range(4)

_TIME_UNITS = ("D", "s", "ms", "us", "ns")
_PandasUnit = Literal["s", "ms", "us", "ns"]
_PANDAS_UNITS: dict[str, _PandasUnit] = {"s": "s", "ms": "ms", "us": "us", "ns": "ns"}
#: Dtypes an array or numpy scalar may have, as little-endian ``dtype.str``.
ALLOWED_DTYPES = frozenset(
    ["|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8", "<f2", "<f4", "<f8"]
    + [f"<{kind}8[{unit}]" for kind in "Mm" for unit in _TIME_UNITS]
)
_INTEGER_DTYPES = ("|u1", "|i1", "<u2", "<i2", "<u4", "<i4", "<u8", "<i8")
#: Integer arrays shorter than this are stored as they are (packing would not pay).
_PACK_FROM = 16
_DOUBLE = struct.Struct("<d")
#: Most values all the sparse arrays of one payload may hold together. A sparse array costs a few
#: bytes however large, so its size is bounded here and not by the input: 2**24 is eight times the
#: largest counter array a metric keeps (2**21 keys collected by a refinement pass, ``Budget`` in
#: ``_ranks``; histograms hold 2**16 to 2**18 counters, the profile's Bloom filters 2**21 bits), so
#: a corrupt or hostile size cannot make the decoder allocate more than 128 MiB of int64 zeros.
#: The encoder writes arrays beyond what is left of it densely (narrow), so every state decodes.
SPARSE_LIMIT = 1 << 24
#: Decoded Arrow buffers may exceed the stream's bytes by this factor and ``_ARROW_SLACK`` bytes
#: (buffers are read in place; a few empty offset buffers are allocated).
_ARROW_GROWTH = 2
_ARROW_SLACK = 1024


# --- registered state types -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _StateType:
    name: str
    cls: type[Any]
    fields: tuple[str, ...]
    parts: Callable[[Any], tuple[Any, ...]]
    build: Callable[..., Any]


_BY_NAME: dict[str, _StateType] = {}
_BY_CLASS: dict[type[Any], _StateType] = {}


def register_state_type(
    name: str,
    cls: type[Any],
    fields: tuple[str, ...],
    parts: Callable[[Any], tuple[Any, ...]],
    build: Callable[..., Any],
) -> None:
    """Allow ``cls`` on the wire under the stable ``name``: ``parts(obj)`` gives its fields'
    values in the order of ``fields``, and ``build(*values)`` makes it again."""
    known = _BY_NAME.get(name)
    if known is not None and known.cls is not cls:
        raise ValueError(f"state type name {name!r} is taken by {known.cls.__qualname__}")
    entry = _StateType(name, cls, fields, parts, build)
    _BY_NAME[name] = entry
    _BY_CLASS[cls] = entry


def state_type(name: str) -> Callable[[type[T]], type[T]]:
    """Class decorator: allow a dataclass of state on the wire under the stable ``name``, its
    ``init`` fields encoded by name."""

    def register(cls: type[T]) -> type[T]:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"{cls.__qualname__} is not a dataclass")
        names = tuple(f.name for f in dataclasses.fields(cls) if f.init)

        def parts(obj: T) -> tuple[Any, ...]:
            return tuple(getattr(obj, n) for n in names)

        def build(*values: Any) -> T:
            return cls(**dict(zip(names, values, strict=True)))

        register_state_type(name, cls, names, parts, build)
        return cls

    return register


def compact_parts(parts: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """Per-batch arrays of one state joined into one (one header on the wire, not one a batch)."""
    return (np.concatenate(parts),) if len(parts) > 1 else parts


# --- encoding -------------------------------------------------------------------------------


class _Payload(bytearray):
    """The bytes written so far, and how many more sparse values the decoder accepts."""

    __slots__ = ("sparse_left",)

    def __init__(self) -> None:
        super().__init__(MAGIC)
        self.sparse_left = SPARSE_LIMIT


def encode_state(obj: Any) -> bytes:
    """The bytes of a metric state or value; StateCodecError for a type the format lacks."""
    out = _Payload()
    _varint(out, VERSION)
    _encode(obj, out)
    return bytes(out)


def _varint(out: _Payload, n: int) -> None:
    """An unsigned integer, 7 bits a byte, low bits first."""
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _signed(out: _Payload, n: int) -> None:
    """A small signed integer, zigzag-mapped to an unsigned varint."""
    _varint(out, n * 2 if n >= 0 else -n * 2 - 1)


def _blob(out: _Payload, data: bytes | memoryview) -> None:
    _varint(out, len(data))
    out += data


def _big(out: _Payload, n: int) -> None:
    _blob(out, n.to_bytes((n.bit_length() + 8) // 8, "little", signed=True))


def _text(out: _Payload, text: str) -> None:
    _blob(out, text.encode("utf-8", "surrogatepass"))


def _zone(out: _Payload, value: dt.datetime | dt.time) -> None:
    """Naive (0), a fixed UTC offset (1) or an IANA zone by its name (2)."""
    tz = value.tzinfo
    if isinstance(tz, zoneinfo.ZoneInfo) and tz.key is not None:
        out.append(2)
        _text(out, tz.key)
        return
    offset = value.utcoffset()
    if offset is None:
        out.append(0)
        return
    out.append(1)
    _timedelta(out, offset)


def _timedelta(out: _Payload, delta: dt.timedelta) -> None:
    _signed(out, delta.days)
    _signed(out, delta.seconds)
    _signed(out, delta.microseconds)


def _date(out: _Payload, day: dt.date) -> None:
    for part in (day.year, day.month, day.day):
        _varint(out, part)


def _clock(out: _Payload, clock: dt.time | dt.datetime) -> None:
    for part in (clock.hour, clock.minute, clock.second, clock.microsecond, clock.fold):
        _varint(out, part)


def _dtype(out: _Payload, dtype: np.dtype[Any]) -> np.dtype[Any]:
    little = dtype.newbyteorder("<") if dtype.byteorder == ">" else dtype
    code = little.str
    if code not in ALLOWED_DTYPES:
        raise StateCodecError(f"cannot encode numpy dtype {dtype}: not an allowed state dtype")
    _text(out, code)
    return little


def _narrowest(values: np.ndarray) -> np.dtype[Any]:
    """The smallest integer dtype holding every value of an integer array and safely widened
    back to its dtype (what the decoder checks)."""
    if not values.size:
        return values.dtype
    low, high = int(values.min()), int(values.max())
    for code in _INTEGER_DTYPES:
        narrow = np.dtype(code)
        info = np.iinfo(narrow)
        if info.min <= low and high <= info.max and np.can_cast(narrow, values.dtype, "safe"):
            return narrow
    return values.dtype


def _ndarray(out: _Payload, array: np.ndarray) -> None:
    little = _dtype(out, array.dtype)
    _varint(out, array.ndim)
    for size in array.shape:
        _varint(out, size)
    flat = np.ascontiguousarray(array, dtype=little).reshape(-1)
    if little.kind == "b":
        out.append(_BITS)
        _blob(out, np.packbits(flat, bitorder="little").tobytes())
        return
    if little.kind not in "iu" or flat.size < _PACK_FROM:
        out.append(_RAW)
        _blob(out, flat.view(np.uint8).data)
        return
    nonzero = np.flatnonzero(flat)
    # Mostly zero: positions and values of the rest, while the decoder's bound allows.
    if nonzero.size * 4 < flat.size <= out.sparse_left:
        out.sparse_left -= flat.size
        out.append(_SPARSE)
        _narrow_blob(out, nonzero.astype(np.int64))
        _narrow_blob(out, flat[nonzero])
        return
    out.append(_NARROW)
    _narrow_blob(out, flat)


def _narrow_blob(out: _Payload, values: np.ndarray) -> None:
    """Integers in the narrowest type that holds them: its code, then the bytes."""
    narrow = _narrowest(values)
    _text(out, narrow.str)
    _blob(out, np.ascontiguousarray(values, dtype=narrow).view(np.uint8).data)


def _arrow(out: _Payload, table: pa.Table | pa.RecordBatch) -> None:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write(table)
    _blob(out, memoryview(sink.getvalue()))


def _sequence(out: _Payload, items: tuple[Any, ...] | list[Any]) -> None:
    _varint(out, len(items))
    for item in items:
        _encode(item, out)


def _mapping(out: _Payload, items: dict[Any, Any]) -> None:
    _varint(out, len(items))
    for key, value in items.items():
        _encode(key, out)
        _encode(value, out)


def _fraction(out: _Payload, value: Fraction) -> None:
    _big(out, value.numerator)
    _big(out, value.denominator)


def _datetime(out: _Payload, value: dt.datetime) -> None:
    _date(out, value)
    _clock(out, value)
    _zone(out, value)


def _time(out: _Payload, value: dt.time) -> None:
    _clock(out, value)
    _zone(out, value)


def _timestamp(out: _Payload, value: pd.Timestamp) -> None:
    _text(out, value.unit)
    _big(out, int(value.to_datetime64().view(np.int64)))  # in its unit, from the epoch in UTC
    _zone(out, value)


def _pd_timedelta(out: _Payload, value: pd.Timedelta) -> None:
    _text(out, value.unit)
    _big(out, int(value.to_timedelta64().view(np.int64)))


def _state(out: _Payload, value: Any) -> None:
    entry = _BY_CLASS[type(value)]
    _text(out, entry.name)
    _varint(out, len(entry.fields))
    for name, part in zip(entry.fields, entry.parts(value), strict=True):
        _text(out, name)
        _encode(part, out)


#: The tag and the writer of each type encoded by its exact type (subclasses are not these).
_WRITERS: dict[type[Any], tuple[int, Callable[[_Payload, Any], None]]] = {
    int: (_INT, _big),
    float: (_FLOAT, lambda out, value: out.extend(_DOUBLE.pack(value))),
    str: (_STR, _text),
    bytes: (_BYTES, _blob),
    tuple: (_TUPLE, _sequence),
    list: (_LIST, _sequence),
    dict: (_DICT, _mapping),
    Decimal: (_DECIMAL, lambda out, value: _text(out, str(value))),
    Fraction: (_FRACTION, _fraction),
    dt.datetime: (_DATETIME, _datetime),
    dt.date: (_DATE, _date),
    dt.time: (_TIME, _time),
    dt.timedelta: (_TIMEDELTA, _timedelta),
    np.ndarray: (_NDARRAY, _ndarray),
    pa.ChunkedArray: (_ARROW_CHUNKED, lambda out, value: _arrow(out, pa.table({"_": value}))),
    pa.RecordBatch: (_ARROW_BATCH, _arrow),
    pa.Table: (_ARROW_TABLE, _arrow),
}


def _pandas_writer(kind: type[Any]) -> tuple[int, Callable[[_Payload, Any], None]] | None:
    """The tag and writer of pandas' Timestamp and Timedelta, else None. A value of theirs
    exists only once pandas is loaded, so pandas is not imported to ask (most runs never load
    it: a quarter of a second of start-up)."""
    pandas = sys.modules.get("pandas")
    if pandas is None:
        return None
    if kind is pandas.Timestamp:
        return _TIMESTAMP, _timestamp
    if kind is pandas.Timedelta:
        return _PD_TIMEDELTA, _pd_timedelta
    return None


def _encode(obj: Any, out: _Payload) -> None:
    kind = type(obj)
    if obj is None:
        out.append(_NONE)
    elif kind is bool:
        out.append(_TRUE if obj else _FALSE)
    elif kind in _WRITERS:
        tag, write = _WRITERS[kind]
        out.append(tag)
        write(out, obj)
    elif kind in _BY_CLASS:
        out.append(_STATE)
        _state(out, obj)
    elif isinstance(obj, np.generic):  # numpy's scalar types, np.float64 among them
        out.append(_NPSCALAR)
        little = _dtype(out, obj.dtype)
        _blob(out, np.asarray(obj, dtype=little).tobytes())
    elif isinstance(obj, pa.Array):  # one subclass per Arrow type
        out.append(_ARROW_ARRAY)
        _arrow(out, pa.record_batch([obj], names=["_"]))
    elif (pandas_writer := _pandas_writer(kind)) is not None:
        tag, write = pandas_writer
        out.append(tag)
        write(out, obj)
    else:
        raise StateCodecError(
            f"cannot encode a {kind.__qualname__}: not a state type (register it with state_type)"
        )


# --- decoding -------------------------------------------------------------------------------


def decode_state(data: bytes | bytearray | memoryview) -> Any:
    """The state or value ``encode_state`` wrote; StateCodecError on anything else."""
    reader = _Reader(memoryview(data).cast("B"))
    if bytes(reader.take(len(MAGIC), "the format's magic bytes")) != MAGIC:
        raise StateCodecError("not a dataguard metric state: wrong magic bytes at byte offset 0")
    start = reader.pos
    version = reader.varint()
    if version != VERSION:
        raise StateCodecError(
            f"metric state format version {version} at byte offset {start} is not supported "
            f"(this dataguard reads version {VERSION})"
        )
    value = reader.value(0)
    if reader.pos != len(reader.data):
        raise StateCodecError(
            f"{len(reader.data) - reader.pos} trailing bytes after the state "
            f"at byte offset {reader.pos}"
        )
    return value


class _Reader:
    """Reads a payload from the front, naming the byte offset of whatever it cannot read."""

    __slots__ = ("data", "pos", "sparse_left")

    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0
        self.sparse_left = SPARSE_LIMIT

    def fail(self, message: str, at: int | None = None) -> StateCodecError:
        return StateCodecError(f"{message} at byte offset {self.pos if at is None else at}")

    def take(self, n: int, what: str) -> memoryview:
        if n > len(self.data) - self.pos:
            raise self.fail(f"truncated metric state: {what} needs {n} bytes, fewer are left")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def byte(self, what: str) -> int:
        return int(self.take(1, what)[0])

    def varint(self) -> int:
        n = shift = 0
        while True:
            b = self.byte("an integer")
            n |= (b & 0x7F) << shift
            if b < 0x80:
                return n
            shift += 7
            if shift > 63:
                raise self.fail("malformed length: more than 64 bits")

    def signed(self) -> int:
        n = self.varint()
        return n // 2 if n % 2 == 0 else -(n + 1) // 2

    def count(self, what: str) -> int:
        """A number of items still to read, each at least one byte."""
        at = self.pos
        n = self.varint()
        if n > len(self.data) - self.pos:
            raise self.fail(f"truncated metric state: {n} {what} announced", at)
        return n

    def blob(self, what: str) -> memoryview:
        return self.take(self.varint(), what)

    def big(self) -> int:
        return int.from_bytes(self.blob("an integer"), "little", signed=True)

    def text(self, what: str = "text") -> str:
        at = self.pos
        try:
            return str(self.blob(what), "utf-8", "surrogatepass")
        except UnicodeDecodeError as error:
            raise self.fail(f"{what} is not UTF-8 ({error.reason})", at) from None

    def zone(self) -> dt.tzinfo | None:
        flag = self.byte("a time zone flag")
        if flag == 0:
            return None
        if flag == 1:
            return dt.timezone(self.timedelta())
        if flag != 2:
            raise self.fail(f"malformed time zone flag {flag}", self.pos - 1)
        at = self.pos
        key = self.text("a time zone name")
        try:
            return zoneinfo.ZoneInfo(key)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            raise self.fail(f"unknown time zone {key!r}", at) from None

    def timedelta(self) -> dt.timedelta:
        return dt.timedelta(self.signed(), self.signed(), self.signed())

    def value(self, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail(f"metric state nested deeper than {MAX_DEPTH} levels")
        at = self.pos
        tag = self.byte("a tag")
        try:
            return self._value(tag, depth, at)
        except (ValueError, TypeError, ArithmeticError, pa.ArrowException) as error:
            if isinstance(error, StateCodecError):
                raise
            raise self.fail(f"malformed value of tag {tag} ({error})", at) from None

    def _value(self, tag: int, depth: int, at: int) -> Any:
        simple = {_NONE: None, _FALSE: False, _TRUE: True}
        if tag in simple:
            return simple[tag]
        if tag == _INT:
            return self.big()
        if tag == _FLOAT:
            return _DOUBLE.unpack(self.take(_DOUBLE.size, "a float"))[0]
        if tag == _STR:
            return self.text()
        if tag == _BYTES:
            return bytes(self.blob("bytes"))
        if tag in (_TUPLE, _LIST):
            items = [self.value(depth + 1) for _ in range(self.count("items"))]
            return tuple(items) if tag == _TUPLE else items
        if tag == _DICT:
            pairs = [
                (self.value(depth + 1), self.value(depth + 1))
                for _ in range(self.count("dict entries"))
            ]
            return dict(pairs)
        if tag == _DECIMAL:
            return Decimal(self.text("a decimal"))
        if tag == _FRACTION:
            return Fraction(self.big(), self.big())
        if tag in (_DATETIME, _DATE, _TIME, _TIMEDELTA, _TIMESTAMP, _PD_TIMEDELTA):
            return self._temporal(tag)
        if tag == _NDARRAY:
            return self._ndarray()
        if tag == _NPSCALAR:
            dtype = self.dtype()
            raw = self.blob("a numpy scalar")
            if len(raw) != dtype.itemsize:
                raise self.fail(f"a {dtype} scalar has {dtype.itemsize} bytes, not {len(raw)}")
            return np.frombuffer(raw, dtype=dtype)[0]
        if tag in (_ARROW_ARRAY, _ARROW_CHUNKED, _ARROW_BATCH, _ARROW_TABLE):
            return self._arrow(tag)
        if tag == _STATE:
            return self._state(depth)
        raise self.fail(f"unknown tag {tag}", at)

    def _temporal(self, tag: int) -> Any:
        if tag == _DATE:
            return dt.date(self.varint(), self.varint(), self.varint())
        if tag == _TIMEDELTA:
            return self.timedelta()
        if tag == _DATETIME:
            day = (self.varint(), self.varint(), self.varint())
            hour, minute, second, micro, fold = (self.varint() for _ in range(5))
            tz = self.zone()
            return dt.datetime(*day, hour, minute, second, micro, tzinfo=tz, fold=fold)
        if tag == _TIME:
            hour, minute, second, micro, fold = (self.varint() for _ in range(5))
            return dt.time(hour, minute, second, micro, tzinfo=self.zone(), fold=fold)
        at = self.pos
        text = self.text("a time unit")
        if text not in _PANDAS_UNITS:
            raise self.fail(f"unknown time unit {text!r}", at)
        unit = _PANDAS_UNITS[text]
        count = self.big()
        if tag == _PD_TIMEDELTA:
            return pd.Timedelta(count, unit=unit).as_unit(unit)
        stamp = pd.Timestamp(count, unit=unit).as_unit(unit)
        tz = self.zone()
        return stamp if tz is None else stamp.tz_localize("UTC").tz_convert(tz)

    def dtype(self) -> np.dtype[Any]:
        at = self.pos
        code = self.text("a dtype")
        if code not in ALLOWED_DTYPES:
            raise self.fail(f"numpy dtype {code!r} is not an allowed state dtype", at)
        return np.dtype(code)

    def _ndarray(self) -> np.ndarray:
        dtype = self.dtype()
        shape = tuple(self.varint() for _ in range(self.count("dimensions")))
        size = math.prod(shape)
        at = self.pos
        layout = self.byte("an array layout")
        if layout == _BITS and dtype.kind == "b":
            packed = np.frombuffer(self.blob("bits"), dtype=np.uint8)
            if packed.size != (size + 7) // 8:
                raise self.fail(f"{packed.size} bytes of bits for {size} booleans", at)
            flat = np.unpackbits(packed, count=size, bitorder="little").astype(bool)
        elif layout == _RAW:
            raw = self.blob("array bytes")
            if len(raw) != size * dtype.itemsize:
                raise self.fail(f"{len(raw)} bytes for {size} values of {dtype}", at)
            flat = np.frombuffer(raw, dtype=dtype).copy()
        elif layout == _NARROW and dtype.kind in "iu":
            flat = self.narrow(dtype, size)
        elif layout == _SPARSE and dtype.kind in "iu":
            if size > self.sparse_left:
                raise self.fail(
                    f"a sparse array of {size} values is beyond the {SPARSE_LIMIT} a payload's "
                    "sparse arrays may hold",
                    at,
                )
            self.sparse_left -= size
            positions = self.narrow(np.dtype(np.int64))
            values = self.narrow(dtype, positions.size)
            if positions.size and (
                positions[0] < 0 or positions[-1] >= size or np.any(np.diff(positions) <= 0)
            ):
                raise self.fail("malformed sparse array positions", at)
            flat = np.zeros(size, dtype=dtype)
            flat[positions] = values
        else:
            raise self.fail(f"unknown layout {layout} for an array of {dtype}", at)
        return flat.reshape(shape)

    def narrow(self, dtype: np.dtype[Any], count: int | None = None) -> np.ndarray:
        """Integers stored narrow, widened to ``dtype`` (which must hold every stored value);
        ``count`` of them if given, checked before widening allocates."""
        at = self.pos
        stored = self.dtype()
        if stored.str not in _INTEGER_DTYPES or not np.can_cast(stored, dtype, "safe"):
            raise self.fail(f"integers stored as {stored} cannot be widened to {dtype}", at)
        raw = self.blob("integers")
        if len(raw) % stored.itemsize:
            raise self.fail(f"{len(raw)} bytes are not whole values of {stored}", at)
        if count is not None and len(raw) != count * stored.itemsize:
            raise self.fail(f"{len(raw) // stored.itemsize} values where {count} are due", at)
        return np.frombuffer(raw, dtype=stored).astype(dtype)

    def _arrow(self, tag: int) -> Any:
        at = self.pos
        raw = pa.py_buffer(self.blob("an Arrow stream"))
        try:
            # The encoder never compresses; a compressed batch could inflate without bound.
            if any(map(_compressed, pa.ipc.MessageReader.open_stream(raw))):
                raise self.fail("a compressed Arrow stream is not a metric state", at)
            table = pa.ipc.open_stream(raw).read_all()
            table.validate(full=True)  # offsets and lengths checked before any kernel reads them
        except (pa.ArrowException, OSError) as error:  # Arrow's IO errors are OSErrors
            raise self.fail(f"malformed Arrow stream ({error})", at) from None
        if table.get_total_buffer_size() > _ARROW_GROWTH * raw.size + _ARROW_SLACK:
            raise self.fail(f"an Arrow stream of {raw.size} bytes decodes to more", at)
        if tag == _ARROW_TABLE:
            return table
        if tag == _ARROW_BATCH:
            return table.combine_chunks().to_batches()[0] if table.num_rows else _empty(table)
        if table.num_columns != 1:
            raise self.fail(f"an Arrow array stream holds {table.num_columns} columns", at)
        column = table.column(0)
        if tag == _ARROW_CHUNKED:
            return column
        return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()

    def _state(self, depth: int) -> Any:
        at = self.pos
        name = self.text("a state type name")
        entry = _BY_NAME.get(name)
        if entry is None:
            raise self.fail(f"unknown state type {name!r}", at)
        n = self.count("fields")
        names, values = [], []
        for _ in range(n):
            names.append(self.text("a field name"))
            values.append(self.value(depth + 1))
        if tuple(names) != entry.fields:
            raise self.fail(
                f"state type {name!r} has fields {entry.fields}, the state holds {tuple(names)}",
                at,
            )
        return entry.build(*values)


#: Arrow's ``Message`` flatbuffer (format/Message.fbs): the union ``header`` is field 2 (its
#: type is field 1); a ``DictionaryBatch`` holds its ``RecordBatch`` as field 1, and a
#: ``RecordBatch`` holds its ``BodyCompression`` as field 3.
_MESSAGE_HEADER, _DICTIONARY_DATA, _BATCH_COMPRESSION = 2, 1, 3


def _compressed(message: pa.ipc.Message) -> bool:
    """Whether an Arrow IPC record or dictionary batch declares compressed buffers."""
    if message.type not in ("record batch", "dictionary"):
        return False
    meta = message.metadata.to_pybytes()
    batch = _table_field(meta, _unsigned(meta, 0, 4), _MESSAGE_HEADER)
    if message.type == "dictionary":
        batch = _table_field(meta, batch, _DICTIONARY_DATA)
    return _field_offset(meta, batch, _BATCH_COMPRESSION) != 0


def _unsigned(meta: bytes, at: int, size: int) -> int:
    if not 0 <= at <= len(meta) - size:
        raise pa.ArrowInvalid(f"Arrow message metadata is too short for an offset at {at}")
    return int.from_bytes(meta[at : at + size], "little")


def _field_offset(meta: bytes, table: int, field: int) -> int:
    """Where a flatbuffer table's field is, relative to the table; 0 when it is absent."""
    back = _unsigned(meta, table, 4)
    vtable = table - (back - (1 << 32) if back >> 31 else back)  # a signed offset
    entry = 4 + 2 * field
    if entry >= _unsigned(meta, vtable, 2):
        return 0
    return _unsigned(meta, vtable + entry, 2)


def _table_field(meta: bytes, table: int, field: int) -> int:
    """The position of the table a flatbuffer table's field refers to."""
    offset = _field_offset(meta, table, field)
    if offset == 0:
        raise pa.ArrowInvalid(f"Arrow message metadata lacks field {field}")
    return table + offset + _unsigned(meta, table + offset, 4)


def _empty(table: pa.Table) -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist([], schema=table.schema)
