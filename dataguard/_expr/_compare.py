"""Comparing values exactly: integers and decimals of any size, integers with floats, times of
different units and zones, and declared literals with a column's type."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._expr._kernels import as_timestamp, durations, times
from dataguard._frame import COMPARISONS, Incomparable, bools, comparable, compare

_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


def compare_literal(op: str, array: pa.Array, value: Any, rows: int) -> np.ndarray:
    """``array op value`` for a literal (missing values not yet accounted for). A literal of
    another kind never equals (``==`` false, ``!=`` true); ordering with one is a TypeError."""
    if pa.types.is_null(array.type) or value is None:
        return np.zeros(rows, dtype=bool)
    if pa.types.is_duration(array.type):
        if not isinstance(value, dt.timedelta):
            return _unequal(op, array, value, rows, f"{value!r} is not a duration")
        span, literal = durations(array, pa.array([value], pa.duration("us")))
        return bools(COMPARISONS[op](span, literal[0]))
    if pa.types.is_date(array.type) and isinstance(value, dt.datetime):
        array = as_timestamp(array)  # a date meets a timestamp as its midnight
    if pa.types.is_timestamp(array.type) and array.type.unit in ("s", "ms"):
        # In microseconds, as literals are: a literal in seconds would lose its fraction.
        array = array.cast(pa.timestamp("us", array.type.tz))
    try:
        return bools(compare(array, op, value))  # exact for integers and decimals of any size
    except Incomparable as exc:
        return _unequal(op, array, value, rows, str(exc))


def _unequal(op: str, array: pa.Array, value: Any, rows: int, why: str) -> np.ndarray:
    if op in ("==", "!="):  # a value of another kind never equals the column's
        return np.full(rows, op == "!=")
    raise TypeError(f"values of type {array.type} {op} {value!r}: {why}")


def compare_arrays(op: str, left: pa.Array, right: pa.Array, rows: int) -> np.ndarray:
    """``left op right`` row by row (missing values not yet accounted for)."""
    if pa.types.is_null(left.type) or pa.types.is_null(right.type):
        return np.zeros(rows, dtype=bool)
    if _is_time(left.type) and _is_time(right.type):
        left, right = times(left, right)
    elif pa.types.is_duration(left.type) and pa.types.is_duration(right.type):
        left, right = durations(left, right)
    try:
        return _compare_exactly(op, left, right)
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid) as exc:
        raise TypeError(f"values of types {left.type} and {right.type} cannot be compared") from exc


def _is_time(t: pa.DataType) -> bool:
    return bool(pa.types.is_timestamp(t) or pa.types.is_date(t))


def _exact_kind(t: pa.DataType) -> bool:
    return bool(pa.types.is_integer(t) or pa.types.is_decimal(t))


def _compare_exactly(op: str, left: pa.Array, right: pa.Array) -> np.ndarray:
    """Two arrays compared row by row, exactly for integers and decimals of any size."""
    if not (_exact_kind(left.type) and _exact_kind(right.type)):  # Arrow compares those exactly
        left, right = comparable(left), comparable(right)
    if pa.types.is_floating(left.type) and pa.types.is_integer(right.type):
        return _compare_with_floats(_FLIPPED.get(op, op), right, left)
    if pa.types.is_floating(right.type) and pa.types.is_integer(left.type):
        return _compare_with_floats(op, left, right)
    return bools(COMPARISONS[op](left, right))


def _compare_with_floats(op: str, integers: pa.Array, floats: pa.Array) -> np.ndarray:
    """Integers compared with floats, exactly: as floats, then, where an integer of magnitude
    2**53 or more rounds to the very float it is compared with, as integers (the float is whole
    there). An integer's nearest float differs from another float exactly when the integer
    does, on the same side, so the other rows need nothing more."""
    rounded = integers.cast(pa.float64(), safe=False)
    result = bools(COMPARISONS[op](rounded, floats))
    tied = bools(pc.and_(pc.equal(rounded, floats), pc.greater_equal(pc.abs(rounded), 2.0**53)))
    for row in np.flatnonzero(tied).tolist():
        exact = int(integers[row].as_py()) - int(floats[row].as_py())
        result[row] = bool(COMPARISONS[op](pa.scalar(exact), pa.scalar(0)).as_py())
    return result
