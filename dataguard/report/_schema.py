"""Saved documents checked against the JSON Schemas shipped in ``dataguard/schemas``.

A report rendered from a malformed document would say something false (a drift document whose
column is named ``1`` rendered as "no drift"), so ``dataguard report`` checks a document against
its published schema first. ``jsonschema`` is only an optional extra, so this is a small
validator for the part of JSON Schema (draft 2020-12) those schemas use: ``type``, ``enum``,
``const``, ``properties``, ``required``, ``additionalProperties``, ``items``, ``dependentRequired``,
``oneOf``, local ``$ref``, the numeric bounds, ``minLength`` and ``pattern``. Annotations
(``description``, ``format``, ...) are ignored, as validators do by default. A schema using any
other keyword is refused when loaded, so the shipped schemas cannot outgrow this validator
unnoticed. The checks follow the schema, not the document, so a deeply nested document costs
no deeper recursion than the schema itself.
"""

from __future__ import annotations

import functools
import json
import math
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from importlib import resources
from typing import Any

from dataguard._documents import format_path
from dataguard._text import clip
from dataguard.errors import InputError

#: Keywords checked, and keywords that only annotate.
CHECKED = frozenset(
    {
        "type",
        "enum",
        "const",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "dependentRequired",
        "oneOf",
        "$ref",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "pattern",
    }
)
ANNOTATIONS = frozenset({"$schema", "$defs", "title", "description", "format"})

#: The schema file of each kind of document.
SCHEMAS = {"validation": "validation-result", "drift": "drift-report"}

_TYPES: Mapping[str, Any] = {
    "object": lambda v: isinstance(v, Mapping),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and math.isfinite(v) and v.is_integer())
    ),
}


@functools.cache
def shipped_schema(kind: str) -> Mapping[str, Any]:
    """The shipped schema of a document kind (``validation`` or ``drift``), checked for
    keywords this validator does not know."""
    name = f"schemas/{SCHEMAS[kind]}.schema.json"
    document: Mapping[str, Any] = json.loads(
        resources.files("dataguard").joinpath(name).read_text("utf-8")
    )
    unknown = sorted(_keywords(document) - CHECKED - ANNOTATIONS)
    if unknown:
        raise RuntimeError(f"{name} uses JSON Schema keywords dataguard cannot check: {unknown}")
    return document


def _keywords(schema: Any) -> set[str]:
    """Every keyword used in a schema, in nested schemas too."""
    if not isinstance(schema, Mapping):
        return set()
    found = set(schema)
    for key in ("properties", "$defs"):
        for sub in schema.get(key, {}).values():
            found |= _keywords(sub)
    for key in ("items", "additionalProperties"):
        found |= _keywords(schema.get(key))
    for sub in schema.get("oneOf", ()):
        found |= _keywords(sub)
    return found


def check_document(doc: Any, kind: str) -> None:
    """InputError naming the first places where ``doc`` breaks its kind's shipped schema."""
    problems = list(schema_errors(doc, shipped_schema(kind)))
    if problems:
        shown = "; ".join(problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise InputError(f"not a valid {kind} document: {shown}{more}")


def schema_errors(doc: Any, schema: Mapping[str, Any]) -> Iterator[str]:
    """Each place where ``doc`` breaks ``schema``, as ``path: problem``."""
    yield from _errors(doc, schema, schema, ())


def _errors(
    value: Any, schema: Any, root: Mapping[str, Any], path: tuple[str | int, ...]
) -> Iterator[str]:
    if not isinstance(schema, Mapping):  # true/false schemas
        if schema is False:
            yield f"{_where(path)}: not allowed"
        return
    if "$ref" in schema:
        yield from _errors(value, _resolve(schema["$ref"], root), root, path)
    if "oneOf" in schema:
        matching = sum(1 for sub in schema["oneOf"] if not any(_errors(value, sub, root, path)))
        if matching != 1:
            yield f"{_where(path)}: {_show(value)} matches {matching} of the allowed forms, not 1"
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[t](value) for t in types):
            yield f"{_where(path)}: {_show(value)} is not of type {' or '.join(types)}"
            return
    if "const" in schema and not _equal(value, schema["const"]):
        yield f"{_where(path)}: {_show(value)} is not {schema['const']!r}"
    if "enum" in schema and not any(_equal(value, option) for option in schema["enum"]):
        yield f"{_where(path)}: {_show(value)} is not one of {list(schema['enum'])}"
    yield from _bounds(value, schema, path)
    if isinstance(value, Mapping):
        yield from _object(value, schema, root, path)
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            yield from _errors(item, schema["items"], root, (*path, index))


_BOUNDS: tuple[tuple[str, Callable[[Any, Any], bool], str], ...] = (
    ("minimum", operator.ge, "below"),
    ("maximum", operator.le, "above"),
    ("exclusiveMinimum", operator.gt, "not above"),
    ("exclusiveMaximum", operator.lt, "not below"),
)


def _bounds(value: Any, schema: Mapping[str, Any], path: tuple[str | int, ...]) -> Iterator[str]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        for keyword, holds, words in _BOUNDS:
            if keyword in schema and not holds(value, schema[keyword]):
                yield f"{_where(path)}: {value!r} is {words} {schema[keyword]!r}"
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            yield f"{_where(path)}: {_show(value)} is shorter than {schema['minLength']}"
        # The pattern is the shipped schema's own (a fixed, simple one), not user input.
        if "pattern" in schema and re.search(schema["pattern"], value) is None:
            yield f"{_where(path)}: {_show(value)} does not match {schema['pattern']!r}"


def _object(
    value: Mapping[Any, Any],
    schema: Mapping[str, Any],
    root: Mapping[str, Any],
    path: tuple[str | int, ...],
) -> Iterator[str]:
    for key in schema.get("required", ()):
        if key not in value:
            yield f"{_where((*path, key))}: missing"
    for key, needed in schema.get("dependentRequired", {}).items():
        if key in value:
            for other in needed:
                if other not in value:
                    yield f"{_where((*path, other))}: missing (required with {key!r})"
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in properties:
            yield from _errors(item, properties[key], root, (*path, key))
        elif extra is False:
            yield f"{_where((*path, str(key)))}: not an allowed field"
        else:
            yield from _errors(item, extra, root, (*path, str(key)))


def _resolve(reference: str, root: Mapping[str, Any]) -> Any:
    """A local reference (``#/$defs/column``) in the root schema."""
    node: Any = root
    for part in reference.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _equal(value: Any, expected: Any) -> bool:
    """JSON equality: ``true`` is not ``1``."""
    if isinstance(value, bool) or isinstance(expected, bool):
        return type(value) is type(expected) and value == expected
    return bool(value == expected)


def _where(path: tuple[str | int, ...]) -> str:
    return format_path(path) or "the document"


def _show(value: Any) -> str:
    return clip(json.dumps(value, default=str), 40)
