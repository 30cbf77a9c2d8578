"""Turning declared values (bounds, value sets) into Arrow values of a column's type."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import is_numeric_type, is_string_type


class Incomparable(ValueError):  # an internal signal, always turned into a result
    """A declared value cannot be compared with the column's values."""


def _parse_datetime(text: str) -> dt.datetime:
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return dt.datetime.fromisoformat(text)


def to_column_value(value: Any, t: pa.DataType) -> Any:
    """``value`` as a Python value comparable with a column of Arrow type ``t``.

    Numbers compare with numeric columns, dates/datetimes (or ISO strings) with temporal ones,
    strings with string columns. A naive datetime against a time-zone-aware column is read as UTC.
    Raises Incomparable otherwise.
    """
    if value is None:
        return None
    if pa.types.is_timestamp(t):
        if isinstance(value, str):
            try:
                value = _parse_datetime(value)
            except ValueError as exc:
                raise Incomparable(f"{value!r} is not an ISO date-time") from exc
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = dt.datetime(value.year, value.month, value.day)
        if not isinstance(value, dt.datetime):
            raise Incomparable(f"{value!r} is not a date-time")
        if t.tz is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        elif t.tz is None and value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value
    if pa.types.is_date(t):
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError as exc:
                raise Incomparable(f"{value!r} is not an ISO date") from exc
        if isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, dt.date):
            raise Incomparable(f"{value!r} is not a date")
        return value
    if is_numeric_type(t):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Incomparable(f"{value!r} is not a number")
        return value
    if is_string_type(t):
        if not isinstance(value, str):
            raise Incomparable(f"{value!r} is not a string")
        return value
    if pa.types.is_boolean(t):
        if not isinstance(value, bool):
            raise Incomparable(f"{value!r} is not a boolean")
        return value
    raise Incomparable(f"columns of type {t} cannot be compared with {value!r}")


def comparable(array: pa.Array) -> pa.Array:
    """Arrays in a type Arrow's comparison kernels accept (decimals compared as floats)."""
    if pa.types.is_decimal(array.type):
        return array.cast(pa.float64())
    return array


def integer_range(t: pa.DataType) -> tuple[int, int]:
    """The smallest and largest value of an Arrow integer type."""
    info = np.iinfo(t.to_pandas_dtype())
    return int(info.min), int(info.max)


def _constant(length: int, value: bool) -> pa.Array:
    return pa.array(np.full(length, value, dtype=bool))


def beyond(array: pa.Array, bound: Any, *, below: bool, strict: bool) -> pa.Array:
    """Which values lie below (or above) a declared bound; with ``strict``, also those on it.

    Integer columns are compared with an integer bound that gives the same verdicts (``x < 1.5``
    is ``x < 2``), clamped to the column's range: Arrow would otherwise compare them as floats,
    which it refuses for integers beyond 2**53, and a bound beyond the type does not fit a scalar.
    """
    array = comparable(array)
    t = array.type
    value = to_column_value(bound, t)
    if pa.types.is_integer(t):
        if isinstance(value, float):
            if math.isinf(value):
                # Every integer is below +inf and above -inf.
                return _constant(len(array), (value > 0) == below)
            value = math.ceil(value) if below != strict else math.floor(value)
        low, high = integer_range(t)
        if value < low:
            return _constant(len(array), not below)
        if value > high:
            return _constant(len(array), below)
        scalar = pa.scalar(value, type=t)
    elif is_numeric_type(t):
        scalar = pa.scalar(float(value), type=pa.float64())
    else:
        scalar = pa.scalar(value, type=t)
    if below:
        return pc.less_equal(array, scalar) if strict else pc.less(array, scalar)
    return pc.greater_equal(array, scalar) if strict else pc.greater(array, scalar)


def value_set(values: Iterable[Any], t: pa.DataType) -> pa.Array:
    """The members of a declared set that can equal a value of type ``t``, as an Arrow array.

    Members of another kind can never match (the string ``"1"`` is not the number 1) and are left
    out rather than raising, as in Python's ``in``.
    """
    members = []
    for value in values:
        try:
            members.append(to_column_value(value, t))
        except Incomparable:
            continue
    members = [m for m in members if m is not None]
    if pa.types.is_integer(t):
        # Only whole numbers within the type's range can equal a value of the column; keeping
        # the column's type means the column is never cast (which could wrap or round values).
        low, high = integer_range(t)
        whole = [int(m) for m in members if isinstance(m, int) or float(m).is_integer()]
        return pa.array([m for m in whole if low <= m <= high], type=t)
    if is_numeric_type(t):
        return pa.array([float(m) for m in members], type=pa.float64())
    return pa.array(members, type=t)


def set_comparable(array: pa.Array, members: pa.Array) -> pa.Array:
    """``array`` cast so that ``is_in`` against ``members`` compares like with like (floats)."""
    if is_numeric_type(array.type) and array.type != members.type:
        return array.cast(members.type, safe=False)
    return array


def per_distinct(array: pa.Array, predicate: Callable[[Any], bool]) -> pa.Array:
    """Apply a Python predicate once per distinct value of a batch (for checks Arrow lacks)."""
    encoded = array.dictionary_encode()
    distinct = encoded.dictionary.to_pylist()
    verdicts = np.fromiter((predicate(v) for v in distinct), dtype=bool, count=len(distinct))
    return pa.array(verdicts).take(encoded.indices)
