"""Checking and normalizing expectation parameters against their type hints.

Suites come from YAML and JSON, which bypass static types, so every expectation checks its
fields when it is built: lists become tuples (declarations are hashable), ints are accepted where
floats are expected, and anything else of the wrong type raises a SuiteError naming the field.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import fields
from typing import Any, Literal, Union, get_args, get_origin

from dataguard._duration import Duration
from dataguard.errors import SuiteError

#: A single comparable value, as YAML and JSON can spell it (YAML also yields dates and datetimes).
Scalar = str | int | float | bool | dt.date | dt.datetime | None


class JsonObject(Mapping[str, Any]):
    """A JSON object (such as a JSON Schema) as a frozen, hashable parameter value.

    It holds a private copy of the document; equality and hashing follow its content, whatever
    the order of keys. ``to_plain()`` gives a fresh plain ``dict`` for writing it out.
    """

    __slots__ = ("_data", "_key")

    def __init__(self, value: Mapping[str, Any]) -> None:
        text = json.dumps(dict(value), allow_nan=False)  # TypeError/ValueError if not JSON
        self._data: dict[str, Any] = json.loads(text)
        self._key = json.dumps(self._data, sort_keys=True)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, JsonObject):
            return self._key == other._key
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        return f"JsonObject({self._data!r})"

    def to_plain(self) -> dict[str, Any]:
        """A plain copy of the object."""
        plain: dict[str, Any] = json.loads(json.dumps(self._data))
        return plain


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
    if hint is JsonObject:
        return "mapping (a JSON object)"
    if hint is Duration:
        return "duration"
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
    if hint is JsonObject:
        if isinstance(value, JsonObject):
            return value
        if not isinstance(value, Mapping):
            return _MISMATCH
        try:
            return JsonObject(value)
        except (TypeError, ValueError):
            return _MISMATCH
    if hint is Duration:
        if isinstance(value, Duration):
            return value
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return _MISMATCH
        try:
            return Duration(value)
        except ValueError as exc:
            raise SuiteError(str(exc), path=path) from None
    if hint is dt.datetime:
        return value if isinstance(value, dt.datetime) else _MISMATCH
    if hint is dt.date:
        return (
            value
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime)
            else _MISMATCH
        )
    raise TypeError(f"unsupported parameter type {hint!r}")  # a bug in an expectation class
