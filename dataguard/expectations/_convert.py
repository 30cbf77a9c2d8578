"""Turning declared values (bounds, value sets) into Arrow values of a column's type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pyarrow as pa

from dataguard._frame import is_numeric_type, is_string_type


class Incomparable(ValueError):  # noqa: N818 - internal signal, always turned into a result
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


def arrow_scalar(value: Any, t: pa.DataType) -> pa.Scalar:
    """A declared bound as an Arrow scalar comparable with arrays of type ``t``."""
    converted = to_column_value(value, t)
    if is_numeric_type(t):
        return pa.scalar(float(converted) if isinstance(converted, float) else converted)
    return pa.scalar(converted, type=t)


def comparable(array: pa.Array) -> pa.Array:
    """Arrays in a type Arrow's comparison kernels accept (decimals compared as floats)."""
    if pa.types.is_decimal(array.type):
        return array.cast(pa.float64())
    return array


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
    if is_numeric_type(t):
        if pa.types.is_integer(t) and all(
            isinstance(m, int) or float(m).is_integer() for m in members
        ):
            return pa.array([int(m) for m in members], type=pa.int64())
        return pa.array([float(m) for m in members], type=pa.float64())
    return pa.array(members, type=t)


def set_comparable(array: pa.Array, members: pa.Array) -> pa.Array:
    """``array`` cast so that ``is_in`` against ``members`` compares like with like."""
    if is_numeric_type(array.type) and array.type != members.type:
        return array.cast(members.type, safe=False)
    return array


def per_distinct(array: pa.Array, predicate: Callable[[Any], bool]) -> pa.Array:
    """Apply a Python predicate once per distinct value of a batch (for checks Arrow lacks)."""
    encoded = array.dictionary_encode()
    distinct = encoded.dictionary.to_pylist()
    verdicts = np.fromiter((predicate(v) for v in distinct), dtype=bool, count=len(distinct))
    return pa.array(verdicts).take(encoded.indices)
