"""Turning declared values (bounds, value sets) into Arrow values of a column's type."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame._batch import is_numeric_type, is_string_type
from dataguard._frame._build import array_of, from_numpy, scalar_of

#: Comparison operators by their spelling (``==`` ... ``>=``), as Arrow kernels.
COMPARISONS: dict[str, Callable[[Any, Any], pa.Array]] = {
    "==": pc.equal,
    "!=": pc.not_equal,
    "<": pc.less,
    "<=": pc.less_equal,
    ">": pc.greater,
    ">=": pc.greater_equal,
}


class Incomparable(ValueError):  # an internal signal, always turned into a result
    """A declared value cannot be compared with the column's values."""


def _parse_datetime(text: str) -> dt.datetime:
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return dt.datetime.fromisoformat(text)


def to_column_value(value: Any, t: pa.DataType) -> Any:
    """``value`` as a Python value comparable with a column of Arrow type ``t``.

    Numbers compare with numeric columns (a float as its shortest decimal spelling with a decimal
    column, exactly), dates/datetimes (or ISO strings) with temporal ones,
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
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise Incomparable(f"{value!r} is not a number")
        if pa.types.is_decimal(t) and isinstance(value, float) and math.isfinite(value):
            return Decimal(repr(value))  # 0.1 means 0.1 to a decimal column, not 0.1000...0555
        if pa.types.is_floating(t) and isinstance(value, Decimal):
            return float(value)  # a decimal spelling means its nearest float to a float column
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
    return from_numpy(np.full(length, value, dtype=bool))


def beyond(array: pa.Array, bound: Any, *, below: bool, strict: bool) -> pa.Array:
    """Which values lie below (or above) a declared bound; with ``strict``, also those on it."""
    op = ("<=" if strict else "<") if below else (">=" if strict else ">")
    return compare(array, op, bound)


def compare(array: pa.Array, op: str, value: Any) -> pa.Array:
    """Which values of ``array`` stand in relation ``op`` (``== != < <= > >=``) to a declared
    value, compared exactly (null where the array is null, or everywhere or nowhere).

    Integer and decimal columns hold whole numbers of a unit (1, or ``10**-scale``), so the value
    becomes a whole number of units that gives the same verdicts (``x < 1.5`` is ``x < 2``),
    clamped to the type's range: Arrow would otherwise compare them as floats, rounding integers
    beyond 2**53 and decimals beyond 15 digits. A number
    that a float column cannot hold exactly (an integer beyond 2**53) is replaced by the float
    on its side.
    """
    t = array.type
    value = to_column_value(value, t)
    if pa.types.is_integer(t) or pa.types.is_decimal(t):
        return _compare_units(array, op, value)
    if is_numeric_type(t):
        if op in ("==", "!=") and _nearest_float(value) != value:  # an integer no float holds
            return _constant(len(array), op == "!=")
        return COMPARISONS[op](array, scalar_of(_float_on_side(op, value), pa.float64()))
    if pa.types.is_timestamp(t) and t.unit in _MICROSECONDS_PER_UNIT:
        # A second or millisecond column would truncate a finer bound (x >= 00:00:00.5 would
        # become x >= 00:00:00): compare whole units instead, as for integers.
        units = Fraction(_epoch_microseconds(value), _MICROSECONDS_PER_UNIT[t.unit])
        return _compare_units(array.cast(pa.int64()), op, units)
    return COMPARISONS[op](array, pa.scalar(value, type=t))


#: Microseconds in one unit of the timestamp units coarser than a Python datetime.
_MICROSECONDS_PER_UNIT = {"s": 1_000_000, "ms": 1_000}
_EPOCH = dt.datetime(1970, 1, 1)


def _epoch_microseconds(value: dt.datetime) -> int:
    """Microseconds from the Unix epoch to ``value`` (UTC when it has a time zone), exactly."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return (value - _EPOCH) // dt.timedelta(microseconds=1)


def _units(value: int | float | Decimal | Fraction, t: pa.DataType) -> Fraction:
    """A finite declared number in units of the integer or decimal type ``t``."""
    return Fraction(value) * 10**t.scale if pa.types.is_decimal(t) else Fraction(value)


def _unit_range(t: pa.DataType) -> tuple[int, int]:
    if pa.types.is_decimal(t):
        return -(10**t.precision) + 1, 10**t.precision - 1
    return integer_range(t)


def _compare_units(array: pa.Array, op: str, value: int | float | Decimal | Fraction) -> pa.Array:
    if isinstance(value, float) and math.isinf(value):
        # Every number is below +inf and above -inf, and equals neither.
        if op in ("==", "!="):
            return _constant(len(array), op == "!=")
        return _constant(len(array), (op in ("<", "<=")) == (value > 0))
    t = array.type
    units = _units(value, t)
    if op in ("==", "!="):
        whole = units.denominator == 1
        if not whole:
            return _constant(len(array), op == "!=")
        threshold = int(units)
    else:
        # x < v is x < ceil(v); x <= v is x <= floor(v); and so on for > and >=.
        threshold = math.ceil(units) if op in ("<", ">=") else math.floor(units)
    low, high = _unit_range(t)
    if threshold < low or threshold > high:
        above = threshold > high  # the value lies above every value of the type
        if op in ("==", "!="):
            return _constant(len(array), op == "!=")
        return _constant(len(array), (op in ("<", "<=")) == above)
    decimal = pa.types.is_decimal(t)
    scalar = pa.scalar(_decimal(threshold, t) if decimal else threshold, type=t)
    return COMPARISONS[op](array, scalar)


def _decimal(units: int, t: pa.DataType) -> Decimal:
    """``units`` of the decimal type ``t``, exactly (no context rounds the digits)."""
    digits = tuple(int(d) for d in str(abs(units)))
    return Decimal((int(units < 0), digits, -t.scale))


def _float_on_side(op: str, value: int | float) -> float:
    """The float a float column compares with (by ``op``) as it would with ``value`` itself:
    ``value`` when a float holds it, else one of the two floats around it (``x < v`` is
    ``x < above``, ``x <= v`` is ``x <= below``, and so on)."""
    nearest = _nearest_float(value)
    if nearest == value:
        return nearest
    below, above = (
        (nearest, math.nextafter(nearest, math.inf))
        if nearest < value
        else (math.nextafter(nearest, -math.inf), nearest)
    )
    return above if op in ("<", ">=") else below


def _nearest_float(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:  # an integer beyond the float range
        return math.inf if value > 0 else -math.inf


def comparable_members(values: Iterable[Any], t: pa.DataType) -> list[Any]:
    """The declared values that can equal a value of type ``t``, each as that type's value;
    members of another kind (the string ``"1"`` for a number column) are left out."""
    members = []
    for value in values:
        try:
            members.append(to_column_value(value, t))
        except Incomparable:
            continue
    return members


def value_set(values: Iterable[Any], t: pa.DataType) -> pa.Array:
    """The members of a declared set that can equal a value of type ``t``, as an Arrow array.

    Members of another kind can never match (the string ``"1"`` is not the number 1) and are left
    out rather than raising, as in Python's ``in``.
    """
    members = [m for m in comparable_members(values, t) if m is not None]
    if pa.types.is_integer(t) or pa.types.is_decimal(t):
        # Only whole numbers of the type's unit within its range can equal a value of the
        # column; keeping the column's type means the column is never cast (which could wrap or
        # round values).
        low, high = _unit_range(t)
        finite = [m for m in members if not (isinstance(m, float) and not math.isfinite(m))]
        whole = [int(u) for u in (_units(m, t) for m in finite) if u.denominator == 1]
        kept = [u for u in whole if low <= u <= high]
        if pa.types.is_decimal(t):
            return pa.array([_decimal(u, t) for u in kept], type=t)
        return array_of(kept, t)
    if is_numeric_type(t):
        # A number no float holds (an integer beyond 2**53) equals no value of the column.
        return array_of([float(m) for m in members if _nearest_float(m) == m], pa.float64())
    if pa.types.is_timestamp(t) and t.unit in _MICROSECONDS_PER_UNIT:
        # A member between two whole units equals no value of the column (rather than the one
        # Arrow would truncate it to).
        per_unit = _MICROSECONDS_PER_UNIT[t.unit]
        members = [m for m in members if _epoch_microseconds(m) % per_unit == 0]
    return array_of(members, t)


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
