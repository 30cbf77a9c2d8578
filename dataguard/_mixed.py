"""Values of mixed object columns (``[1, "a", 3]``), compared by type, one Python object at a time.

Such a column has no Arrow type, so its array holds each value's text; membership and type checks
read the objects themselves instead (``Batch.mixed_values``), so that the number 1 matches a
declared 1 and not ``"1"``. Numbers compare by value (``1 == 1.0``), as everywhere in dataguard;
booleans are not numbers. This path loops in Python, but only mixed columns, which are rare and
small, take it.
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Hashable, Iterable
from typing import Any

import numpy as np


def _kind(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "boolean"
    if isinstance(value, numbers.Number):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    return type(value).__name__


def _key(value: Any) -> tuple[str, Hashable]:
    """The value with its kind: equal keys mean equal values of one kind."""
    kind = _kind(value)
    if kind == "boolean":
        return kind, bool(value)
    try:
        hash(value)
    except TypeError:  # lists, dicts: never equal to a declared scalar
        return kind, id(value)
    return kind, value


def typed_members(values: Iterable[Any]) -> frozenset[tuple[str, Hashable]]:
    """A declared value set as keys comparable with ``typed_in``."""
    return frozenset(_key(v) for v in values if v is not None)


def typed_in(objects: np.ndarray, members: frozenset[tuple[str, Hashable]]) -> np.ndarray:
    """Which objects are members of a declared set, by kind and value."""
    return np.fromiter((_key(v) in members for v in objects), dtype=bool, count=len(objects))


#: The logical types of a value by its kind (``numeric`` covers integer and float).
_LOGICAL: dict[str, frozenset[str]] = {
    "boolean": frozenset({"boolean"}),
    "string": frozenset({"string"}),
    "datetime": frozenset({"datetime"}),
    "date": frozenset({"date"}),
}
_INTEGER = frozenset({"integer", "numeric"})
_FLOAT = frozenset({"float", "numeric"})


def logical_types(value: Any) -> frozenset[str]:
    """The logical types one value has: ``integer``/``float`` and ``numeric`` for numbers."""
    kind = _kind(value)
    if kind == "number":
        return _INTEGER if isinstance(value, numbers.Integral) else _FLOAT
    return _LOGICAL.get(kind, frozenset())


def of_types(objects: np.ndarray, types: Iterable[str]) -> np.ndarray:
    """Which objects have one of the logical ``types``."""
    wanted = frozenset(types)
    verdicts = (bool(logical_types(v) & wanted) for v in objects)
    return np.fromiter(verdicts, dtype=bool, count=len(objects))
