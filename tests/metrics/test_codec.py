"""The byte form of metric states: every type round-trips exactly, and bad bytes are refused."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import pickle
import struct
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dataguard._frame import Batch
from dataguard.errors import DataguardError
from dataguard.metrics import (
    Moments,
    StateCodecError,
    Values,
    decode_state,
    encode_state,
    state_type,
)
from dataguard.metrics._codec import ALLOWED_DTYPES, MAGIC, SPARSE_LIMIT, VERSION
from dataguard.metrics._moments import MomentsState
from dataguard.metrics._violations import ViolationState

HEADER = MAGIC + bytes([VERSION])
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def identical(left: Any, right: Any) -> bool:
    """Equal, of the same type, floats by their bits, time zones by offset."""
    if type(left) is not type(right):
        return False
    if isinstance(left, float):
        return struct.pack("<d", left) == struct.pack("<d", right)
    if isinstance(left, np.ndarray):
        return (
            left.dtype == right.dtype
            and left.shape == right.shape
            and left.tobytes() == (right.tobytes())
        )
    if isinstance(left, np.generic):
        return left.dtype == right.dtype and left.tobytes() == right.tobytes()
    if isinstance(left, pa.RecordBatch | pa.Table):
        return bool(left.equals(right, check_metadata=True))
    if isinstance(left, pa.Array | pa.ChunkedArray):
        return left.type == right.type and bool(left.equals(right))
    if isinstance(left, list | tuple):
        return len(left) == len(right) and all(map(identical, left, right))
    if isinstance(left, dict):
        return list(left) == list(right) and all(identical(left[k], right[k]) for k in left)
    if isinstance(left, dt.datetime | dt.time | pd.Timestamp):
        return (
            left == right
            and left.utcoffset() == right.utcoffset()
            and str(left) == str(right)
            and str(left.tzinfo) == str(right.tzinfo)
        )
    if isinstance(left, Decimal):
        return str(left) == str(right)
    return bool(left == right)


def round_trip(value: Any) -> Any:
    return decode_state(encode_state(value))


EVERY_TAG = {
    "none": None,
    "false": False,
    "true": True,
    "zero": 0,
    "negative": -1,
    "huge": -(2**3000) + 7,
    "float": 0.1,
    "negative zero": -0.0,
    "nan": math.nan,
    "nan payload": struct.unpack("<d", b"\x01\x00\x00\x00\x00\x00\xf8\x7f")[0],
    "infinity": -math.inf,
    "text": "é中\U0001f600|:~",
    "lone surrogate": "\ud800",
    "bytes": b"\x00\xff",
    "tuple": (1, (2.5, None)),
    "list": [[], ["a"]],
    "dict": {"a": 1, 2: [3], (4, 5): None},
    "decimal": Decimal("-1.50E+3"),
    "decimal nan": Decimal("NaN"),
    "fraction": Fraction(-3, 1 << 1126),
    "datetime": dt.datetime(2020, 2, 29, 23, 59, 59, 999999),
    "aware datetime": dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=14))),
    "folded datetime": dt.datetime(2021, 11, 7, 1, 30, fold=1),
    "date": dt.date(9999, 12, 31),
    "time": dt.time(23, 0, 1, 5, tzinfo=dt.timezone(-dt.timedelta(minutes=90))),
    "timedelta": dt.timedelta(days=-3, seconds=5, microseconds=7),
    "timestamp ns": pd.Timestamp("2020-01-01 00:00:00.000000001"),
    "timestamp aware": pd.Timestamp(1001, unit="ns", tz="Europe/Paris"),
    "timestamp utc": pd.Timestamp("2020-06-01", tz="UTC"),
    "zoned datetime": dt.datetime(2021, 10, 31, 2, 30, fold=1, tzinfo=PARIS),
    "zoned time": dt.time(12, tzinfo=PARIS),
    "timestamp seconds": pd.Timestamp("2900-01-01").as_unit("s"),
    "pandas timedelta": pd.Timedelta(-1, unit="ns"),
    "numpy float": np.float32(1.5),
    "numpy int": np.uint64(2**64 - 1),
    "numpy bool": np.bool_(True),
    "numpy datetime": np.datetime64(5, "ns"),
    "array": np.arange(10, dtype=np.int16),
    "2-d array": np.arange(20, dtype=np.float32).reshape(4, 5),
    "empty array": np.zeros((0, 3)),
    "bool array": np.array([True, False, True] * 7),
    "sparse counters": np.bincount([5, 70000], minlength=2**16),
    "datetime array": np.array(["2020-01-01", "NaT"], dtype="M8[us]"),
    "arrow array": pa.array(["a", None, "b"]).slice(1),
    "arrow dictionary": pa.array(["x", "y", "x"]).dictionary_encode(),
    "arrow nested": pa.array([{"a": [1, 2], "b": Decimal("1.5")}, None]),
    "arrow timestamps": pa.array([1, None], pa.timestamp("ns", tz="America/New_York")),
    "arrow empty chunked": pa.chunked_array([], pa.large_string()),
    "arrow chunked": pa.chunked_array([[1], [2, 3]]),
    "arrow batch": pa.record_batch({"a": pa.array([], pa.int8())}),
    "arrow table": pa.table({"x": [1.5]}).replace_schema_metadata({"k": "v"}),
}


@pytest.mark.parametrize("value", EVERY_TAG.values(), ids=EVERY_TAG.keys())
def test_every_type_round_trips_exactly(value: Any) -> None:
    assert identical(round_trip(value), value)


def test_big_endian_arrays_decode_in_native_order() -> None:
    decoded = round_trip(np.arange(300, dtype=">i4"))
    assert decoded.dtype == np.dtype("<i4")
    assert np.array_equal(decoded, np.arange(300))


@pytest.mark.parametrize("code", sorted(ALLOWED_DTYPES))
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_arrays_of_every_allowed_dtype_round_trip(code: str, data: st.DataObject) -> None:
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=40))
    array = data.draw(hnp.arrays(np.dtype(code), shape))
    if data.draw(st.booleans()) and array.size:  # mostly zero: the sparse layout
        array[: array.size * 9 // 10 or 1] = np.zeros(1, dtype=array.dtype)
    assert identical(round_trip(array), array)


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats()
        | st.text()
        | st.binary()
        | st.decimals()
        | st.fractions()
        | st.datetimes(timezones=st.none() | st.timezones())
        | st.dates()
        | st.times()
        | st.timedeltas(),
        lambda children: st.lists(children) | st.lists(children).map(tuple),
        max_leaves=20,
    )
)
def test_nested_values_round_trip(value: Any) -> None:
    assert identical(round_trip(value), value)


def test_registered_states_round_trip_by_name() -> None:
    state = MomentsState(3, 1 << 1200, -(1 << 2400), 1, 0)
    assert round_trip(state) == state
    samples = pa.table({"row": pa.array([4], pa.int64()), "value0": [1.5]})
    violations = ViolationState(9, 1, 1, samples, None, 2.5, pd.Timestamp(1, unit="ns"), True)
    decoded = round_trip(violations)
    assert decoded.samples.equals(samples)
    assert (decoded.elements, decoded.head_value, decoded.tail_value) == (
        9,
        2.5,
        violations.tail_value,
    )
    assert b"violations" in encode_state(violations)


def test_a_typical_moments_state_is_a_few_hundred_bytes() -> None:
    rng = np.random.default_rng(1)
    values = pa.array(rng.normal(1e6, 1, 100_000))
    metric = Moments("x")
    state = metric.compute(Batch({"x": values}, 0, len(values)), Values())
    assert len(metric.encode(state)) < 700
    assert metric.decode(metric.encode(state)) == state


def test_a_pickle_is_refused_without_running_it() -> None:
    ran: list[int] = []

    class Trap:
        def __reduce__(self) -> Any:
            return (ran.append, (1,))

    with pytest.raises(StateCodecError, match="magic bytes at byte offset 0"):
        decode_state(pickle.dumps(Trap()))
    # A pickle behind a valid header: its first opcode is no tag.
    with pytest.raises(StateCodecError, match=r"unknown tag 128 at byte offset 5"):
        decode_state(HEADER + pickle.dumps(Trap()))
    assert ran == []


def test_unknown_version_tag_and_state_type_are_named() -> None:
    with pytest.raises(StateCodecError, match="version 2 at byte offset 4 is not supported"):
        decode_state(MAGIC + b"\x02\x00")
    with pytest.raises(StateCodecError, match="unknown tag 200 at byte offset 5"):
        decode_state(HEADER + b"\xc8")
    foreign = encode_state(MomentsState()).replace(b"moments", b"momentz")
    with pytest.raises(StateCodecError, match="unknown state type 'momentz' at byte offset 6"):
        decode_state(foreign)


def test_nesting_is_bounded() -> None:
    deep = HEADER + b"\x07\x01" * 100 + b"\x00"  # a tuple holding a tuple ... holding None
    with pytest.raises(StateCodecError, match="nested deeper than 64 levels at byte offset 135"):
        decode_state(deep)
    assert decode_state(HEADER + b"\x07\x01" * 10 + b"\x00") == ((((((((((None,),),),),),),),),),)


def test_a_state_with_other_fields_is_refused() -> None:
    renamed = encode_state(MomentsState()).replace(b"squares", b"squarez")
    with pytest.raises(StateCodecError, match="has fields"):
        decode_state(renamed)


def test_dtypes_outside_the_allow_list_are_refused() -> None:
    with pytest.raises(StateCodecError, match="cannot encode numpy dtype object"):
        encode_state(np.array([1], dtype=object))
    good = encode_state(np.zeros(2, dtype=np.int8))
    forged = good.replace(b"|i1", b"|O8")
    with pytest.raises(StateCodecError, match=r"dtype '\|O8' is not an allowed state dtype"):
        decode_state(forged)


def test_unregistered_types_cannot_be_encoded() -> None:
    @dataclass(frozen=True)
    class Private:
        x: int

    with pytest.raises(StateCodecError, match=r"cannot encode a .*Private"):
        encode_state([Private(1)])
    with pytest.raises(StateCodecError, match="cannot encode a set"):
        encode_state({1})


def test_state_type_names_are_unique() -> None:
    with pytest.raises(ValueError, match="'moments' is taken"):

        @state_type("moments")
        @dataclass(frozen=True)
        class Other:
            count: int

    assert issubclass(StateCodecError, ValueError)
    assert issubclass(StateCodecError, DataguardError)


SAMPLE = encode_state(
    (
        MomentsState(3, 1 << 1200, 5, 0, 1),
        [np.bincount([3, 9000], minlength=1 << 16), np.ones(40, dtype=bool), "text", 2.5],
        pa.table({"row": pa.array([4, 5], pa.int64()), "value0": ["a", None]}),
        {"when": dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc), "d": Decimal("1.25")},
    )
)


def test_every_truncation_is_refused_with_its_offset() -> None:
    for end in range(len(SAMPLE)):
        with pytest.raises(StateCodecError, match="at byte offset"):
            decode_state(SAMPLE[:end])


def test_trailing_bytes_are_refused() -> None:
    with pytest.raises(StateCodecError, match=f"1 trailing bytes .* offset {len(SAMPLE)}"):
        decode_state(SAMPLE + b"\x00")


@settings(max_examples=300, deadline=None)
@given(position=st.integers(0, len(SAMPLE) - 1), byte=st.integers(0, 255))
def test_corrupt_bytes_decode_or_fail_cleanly(position: int, byte: int) -> None:
    corrupt = bytearray(SAMPLE)
    corrupt[position] = byte
    with contextlib.suppress(StateCodecError):  # any other exception fails the test
        decode_state(bytes(corrupt))


@settings(max_examples=300, deadline=None)
@given(tail=st.binary(max_size=64))
def test_random_bytes_decode_or_fail_cleanly(tail: bytes) -> None:
    with contextlib.suppress(StateCodecError):
        decode_state(HEADER + tail)


def varint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    return bytes([*out, n])


def text(value: str) -> bytes:
    return varint(len(value)) + value.encode()


def sparse(size: int) -> bytes:
    """A sparse uint64 array of ``size`` zeros: a few bytes however large."""
    empty = text("|u1") + varint(0)
    return bytes([18]) + text("<u8") + varint(1) + varint(size) + bytes([3]) + empty + empty


@pytest.mark.parametrize("size", [1 << 32, SPARSE_LIMIT + 1])
def test_a_sparse_array_beyond_any_counter_array_is_refused(size: int) -> None:
    payload = HEADER + sparse(size)
    with pytest.raises(
        StateCodecError, match=f"sparse array of {size} values .* offset {len(payload) - 11}"
    ):
        decode_state(payload)


def test_sparse_arrays_are_bounded_together_not_one_by_one() -> None:
    half = SPARSE_LIMIT // 2
    payload = HEADER + bytes([8]) + varint(3) + sparse(half) * 3
    with pytest.raises(StateCodecError, match=f"sparse array of {half} values"):
        decode_state(payload)


def test_mostly_zero_arrays_beyond_the_sparse_bound_still_round_trip() -> None:
    zeros = np.zeros(SPARSE_LIMIT // 2 + 1, dtype=np.uint8)
    zeros[7] = 1
    value = [zeros, zeros, zeros]
    assert identical(round_trip(value), value)


def test_array_values_must_match_the_shape_before_widening() -> None:
    narrow = bytes([18]) + text("<i8") + varint(1) + varint(1 << 40) + bytes([2])
    payload = HEADER + narrow + text("|u1") + varint(16) + bytes(16)
    with pytest.raises(StateCodecError, match="16 values where 1099511627776 are due"):
        decode_state(payload)


def arrow_payload(table: pa.Table, compression: str | None) -> bytes:
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression=compression)
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write(table)
    stream = sink.getvalue().to_pybytes()
    return HEADER + bytes([23]) + varint(len(stream)) + stream


@pytest.mark.parametrize("compression", ["zstd", "lz4"])
def test_compressed_arrow_streams_are_refused(compression: str) -> None:
    zeros = pa.table({"_": pa.array(np.zeros(100_000, dtype=np.int64))})
    dictionary = pa.table({"_": pa.array(["x"] * 1000).dictionary_encode()})
    for table in (zeros, dictionary):
        with pytest.raises(StateCodecError, match=r"compressed Arrow stream .* offset 6"):
            decode_state(arrow_payload(table, compression))


def test_uncompressed_arrow_streams_still_decode() -> None:
    table = pa.table({"_": pa.array(["x", None, "y"]).dictionary_encode(), "n": [1, 2, 3]})
    assert decode_state(arrow_payload(table, None)).equals(table)


def test_time_zones_keep_their_names() -> None:
    stamp = pd.Timestamp("2020-01-01", tz="Europe/Paris")
    assert str(round_trip(stamp).tz) == "Europe/Paris"
    assert round_trip(dt.datetime(2020, 1, 1, tzinfo=PARIS)).tzinfo is PARIS


def test_an_unknown_time_zone_name_is_refused() -> None:
    good = encode_state(dt.datetime(2020, 1, 1, tzinfo=PARIS))
    at = good.index(b"Europe/Paris") - 1
    for name in (b"Europe/Pariz", b"../etc/pass"):
        bad = good[:at] + varint(len(name)) + name
        with pytest.raises(StateCodecError, match=f"unknown time zone .* offset {at}"):
            decode_state(bad)
