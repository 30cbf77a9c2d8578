"""Checking and normalizing expectation parameters against their type hints.

Suites come from YAML and JSON, which bypass static types, so every expectation checks its
fields when it is built: lists become tuples (declarations are hashable), ints are accepted where
floats are expected, and anything else of the wrong type raises a SuiteError naming the field.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from dataclasses import fields
from typing import Any, Literal, Union, get_args, get_origin

from dataguard.errors import SuiteError

#: A single comparable value, as YAML and JSON can spell it (YAML also yields dates and datetimes).
Scalar = str | int | float | bool | dt.date | dt.datetime | None


@functools.cache
def field_hints(cls: type) -> dict[str, Any]:
    """The resolved type hints of a dataclass's init fields."""
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in fields(cls) if f.init}


def _describe(hint: Any) -> str:
    origin = get_origin(hint)
    if origin is Literal:
        return " | ".join(repr(a) for a in get_args(hint))
    if origin in (Union, types.UnionType):
        return " or ".join(_describe(a) for a in get_args(hint))
    if origin is tuple:
        return f"list of {_describe(get_args(hint)[0])}"
    if hint is type(None):
        return "null"
    if hint in (dt.date, dt.datetime):
        return str(hint.__name__)
    return str(getattr(hint, "__name__", hint))


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return type(value).__name__


def coerce(value: Any, hint: Any, path: str) -> Any:
    """``value`` checked against ``hint`` and normalized; SuiteError at ``path`` otherwise."""
    result = _coerce(value, hint, path)
    if result is _MISMATCH:
        raise SuiteError(f"expected {_describe(hint)}, got {_kind(value)} {value!r:.80}", path=path)
    return result


_MISMATCH = object()


def _coerce(value: Any, hint: Any, path: str) -> Any:
    origin = get_origin(hint)
    if hint is Any:
        return value
    if hint is type(None):
        return None if value is None else _MISMATCH
    if origin is Literal:
        return (
            value
            if any(value == a and type(value) is type(a) for a in get_args(hint))
            else _MISMATCH
        )
    if origin in (Union, types.UnionType):
        for option in get_args(hint):
            result = _coerce(value, option, path)
            if result is not _MISMATCH:
                return result
        return _MISMATCH
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            return _MISMATCH
        args = get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(coerce(v, args[0], f"{path}[{i}]") for i, v in enumerate(value))
        if len(value) != len(args):
            return _MISMATCH
        pairs = enumerate(zip(value, args, strict=True))
        return tuple(coerce(v, a, f"{path}[{i}]") for i, (v, a) in pairs)
    if hint is bool:
        return value if isinstance(value, bool) else _MISMATCH
    if hint is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else _MISMATCH
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return _MISMATCH
        return float(value)
    if hint is str:
        return value if isinstance(value, str) else _MISMATCH
    if hint is dt.datetime:
        return value if isinstance(value, dt.datetime) else _MISMATCH
    if hint is dt.date:
        return (
            value
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime)
            else _MISMATCH
        )
    raise TypeError(f"unsupported parameter type {hint!r}")  # a bug in an expectation class
