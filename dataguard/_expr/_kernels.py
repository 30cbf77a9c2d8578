"""Arrow kernels for the operators of row expressions: arithmetic, and putting two operands in
types one kernel takes (numbers, times of several units and zones).

Operands are Arrow arrays or scalars. Integer arithmetic is exact in 64 bits; ``/`` divides as
floats; ``//`` and ``%`` follow Python (the remainder has the divisor's sign). Arithmetic is
total: a division by zero, and an integer result beyond 64 bits, are missing values (null), row
by row, never an error or a wrapped-around number.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Operand: TypeAlias = "pa.Array | pa.Scalar"

#: Finer time units first.
_UNITS = ("ns", "us", "ms", "s")
_SMALLEST = np.iinfo(np.int64).min
_CHECKED: dict[str, Callable[[Operand, Operand], Operand]] = {
    "+": pc.add_checked,
    "-": pc.subtract_checked,
    "*": pc.multiply_checked,
}
_UNCHECKED: dict[str, Callable[[Operand, Operand], Operand]] = {
    "+": pc.add,
    "-": pc.subtract,
    "*": pc.multiply,
    "%": pc.modulo,
}


def scalar(value: Any) -> pa.Scalar:
    """A literal as an Arrow scalar; numbers other than 64-bit integers (decimals, integers
    beyond 64 bits) as floats, which is how arithmetic treats them."""
    if isinstance(value, (bool, str, dt.date, dt.timedelta)):
        return pa.scalar(value)
    if isinstance(value, int) and -(2**63) <= value < 2**63:
        return pa.scalar(value, pa.int64())
    return pa.scalar(float(value), pa.float64())


def _integer(operand: Operand) -> bool:
    return bool(pa.types.is_integer(operand.type))


def numbers(left: Operand, right: Operand) -> tuple[Operand, Operand, bool]:
    """Both operands as int64 (when both are integers that fit) or float64, and which."""
    if _integer(left) and _integer(right):
        try:
            return left.cast(pa.int64()), right.cast(pa.int64()), True
        except pa.ArrowInvalid:  # an unsigned value beyond int64
            pass
    return left.cast(pa.float64(), safe=False), right.cast(pa.float64(), safe=False), False


def _without_zeros(divisor: Operand) -> Operand:
    """The divisor with zeros made null, so that dividing by them gives null."""
    if isinstance(divisor, pa.Scalar):
        zero = divisor.is_valid and divisor.as_py() == 0
        return pa.scalar(None, divisor.type) if zero else divisor
    zero = pc.equal(divisor, pa.scalar(0, divisor.type))
    if not pc.any(zero).as_py():
        return divisor
    return pc.if_else(zero, pa.scalar(None, divisor.type), divisor)


def arithmetic(op: str, left: Operand, right: Operand) -> Operand:
    """``left op right`` on numbers, with the semantics in the module docstring."""
    a, b, integers = numbers(left, right)
    if op == "/":
        as_floats = pa.float64()
        return pc.divide(
            a.cast(as_floats, safe=False), _without_zeros(b.cast(as_floats, safe=False))
        )
    if op in ("//", "%"):
        b = _without_zeros(b)
    if not integers:
        return _float_floor_divide(a, b) if op == "//" else _UNCHECKED[op](a, b)
    if op == "%":  # a remainder is smaller than the divisor: it cannot overflow
        return pc.modulo(a, b)
    if op == "//":
        return _exact_integers(op, a, b)
    try:
        return _CHECKED[op](a, b)
    except pa.ArrowInvalid as exc:
        if "overflow" not in str(exc):
            raise
        return _exact_integers(op, a, b)


def _exact_integers(op: str, a: Operand, b: Operand) -> Operand:
    """``a op b`` (``+ - * //``) on int64 operands with numpy, each result beyond 64 bits
    null: the slow path, taken only when a checked Arrow kernel reports an overflow, and for
    ``//``, which Arrow lacks."""
    length = _length(a, b)
    x, x_null = _int64s(a, length)
    y, y_null = _int64s(b, length)
    with np.errstate(all="ignore"):  # numpy wraps around; the wrapped rows are found below
        if op == "+":
            result = x + y
            beyond = ((x ^ result) & (y ^ result)) < 0
        elif op == "-":
            result = x - y
            beyond = ((x ^ y) & (x ^ result)) < 0
        elif op == "*":
            result = x * y
            divisor = np.where(x == 0, 1, x)
            beyond = (x != 0) & ((result // divisor != y) | ((x == -1) & (y == _SMALLEST)))
        else:
            result = np.floor_divide(x, y)
            beyond = (x == _SMALLEST) & (y == -1)
    out = pa.array(result, pa.int64(), mask=x_null | y_null | beyond)
    return out if isinstance(a, pa.Array) or isinstance(b, pa.Array) else out[0]


def _length(*operands: Operand) -> int:
    return next((len(x) for x in operands if isinstance(x, pa.Array)), 1)


def _int64s(operand: Operand, length: int) -> tuple[np.ndarray, np.ndarray]:
    """An int64 operand as numpy values (missing ones as 1, a harmless divisor) and its
    missing mask, ``length`` long."""
    if isinstance(operand, pa.Scalar):
        value = operand.as_py()
        return np.full(length, 1 if value is None else value, np.int64), np.full(
            length, value is None
        )
    missing = np.asarray(pc.is_null(operand).to_numpy(zero_copy_only=False), dtype=bool)
    values = np.asarray(pc.fill_null(operand, 1).to_numpy(zero_copy_only=False), np.int64)
    return values, missing


def _float_floor_divide(a: Operand, b: Operand) -> Operand:
    """Python's float ``//`` (numpy's floor_divide is the same algorithm), nulls kept."""
    length = _length(a, b)
    with np.errstate(all="ignore"):
        quotient = np.floor_divide(_floats(a, length), _floats(b, length))
    out = pa.array(quotient, pa.float64(), mask=_nulls(a, length) | _nulls(b, length))
    return out if isinstance(a, pa.Array) or isinstance(b, pa.Array) else out[0]


def _floats(operand: Operand, length: int) -> np.ndarray:
    if isinstance(operand, pa.Scalar):
        value = operand.as_py()
        return np.full(length, np.nan if value is None else value, dtype=np.float64)
    floats: np.ndarray = operand.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
    return floats


def _nulls(operand: Operand, length: int) -> np.ndarray:
    if isinstance(operand, pa.Scalar):
        return np.full(length, not operand.is_valid)
    return np.asarray(pc.is_null(operand).to_numpy(zero_copy_only=False), dtype=bool)


def negate(operand: Operand) -> Operand:
    """``-operand`` for numbers and durations (the negative of the smallest integer, which
    64 bits cannot hold, is null)."""
    if _integer(operand):
        return _exact_integers("-", scalar(0), operand.cast(pa.int64()))
    if pa.types.is_decimal(operand.type):
        operand = operand.cast(pa.float64(), safe=False)
    return pc.negate(operand)


def absolute(operand: Operand) -> Operand:
    """``abs(operand)`` for numbers and durations (as ``negate`` for the smallest integer)."""
    if _integer(operand):
        integers = operand.cast(pa.int64())
        return pc.if_else(pc.less(integers, 0), negate(integers), integers)
    return pc.abs(operand)


def times(left: Operand, right: Operand) -> tuple[Operand, Operand]:
    """Two timestamp (or date) operands in one timestamp type: the finer unit, and UTC when
    either has a time zone (a date is its midnight; a time without zone is read as UTC)."""
    a, b = as_timestamp(left), as_timestamp(right)
    target = common_type([a.type, b.type])
    return (a if a.type == target else a.cast(target)), (b if b.type == target else b.cast(target))


def as_timestamp(operand: Operand) -> Operand:
    """A date operand as the timestamp of its midnight; a timestamp as it is."""
    if pa.types.is_date(operand.type):
        return operand.cast(pa.timestamp("us"))
    return operand


def finer(a: str, b: str) -> str:
    """The finer of two time units."""
    return a if _UNITS.index(a) <= _UNITS.index(b) else b


def durations(left: Operand, right: Operand) -> tuple[Operand, Operand]:
    """Two duration operands in one unit (the finer)."""
    target = common_type([left.type, right.type])
    return left.cast(target), right.cast(target)


def duration_ratio(left: Operand, right: Operand) -> Operand:
    """``left / right`` of two durations, as a number (``(arr - dep) / interval '1h'``)."""
    a, b = durations(left, right)
    return arithmetic("/", a.cast(pa.int64()), b.cast(pa.int64()))


def nan_to_null(operand: Operand) -> Operand:
    """A float operand with NaN made null (NaN is a missing value, as in the rest of dataguard)."""
    if not pa.types.is_floating(operand.type):
        return operand
    if isinstance(operand, pa.Scalar):
        value = operand.as_py()
        return pa.scalar(None, operand.type) if value is not None and math.isnan(value) else operand
    nan = pc.is_nan(operand)
    if not pc.any(nan).as_py():
        return operand
    return pc.if_else(nan, pa.scalar(None, operand.type), operand)


def common_type(types: Sequence[pa.DataType]) -> pa.DataType:
    """One type that values of all ``types`` (of one kind) can be cast to for one kernel."""
    first = types[0]
    if all(t == first for t in types):
        return first
    if all(pa.types.is_integer(t) for t in types):
        return pa.int64()
    if all(
        pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t) for t in types
    ):
        return pa.float64()
    if all(pa.types.is_date(t) for t in types):
        return pa.date32()
    if all(pa.types.is_timestamp(t) or pa.types.is_date(t) for t in types):
        stamps = [t for t in types if pa.types.is_timestamp(t)]
        unit = functools.reduce(finer, (t.unit for t in stamps))
        zoned = any(t.tz is not None for t in stamps)
        return pa.timestamp(unit, tz="UTC" if zoned else None)
    if all(pa.types.is_duration(t) for t in types):
        return pa.duration(functools.reduce(finer, (t.unit for t in types)))
    return pa.large_string() if any(pa.types.is_large_string(t) for t in types) else pa.string()
