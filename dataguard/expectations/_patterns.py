"""Row-level expectations on strings: regex lists, SQL LIKE patterns, dates, JSON Schema.

Regex lists run each pattern on the engine of ``_regex`` and combine the verdicts. LIKE patterns
run on Arrow's ``match_like`` (SQL semantics: the whole string, ``%`` any run of characters, ``_``
one character, ``\\`` escapes; case-sensitive). Date parsing and JSON Schema validation have no
vectorized kernel: they run once per distinct value of a batch, which real columns repeat a lot.
"""

from __future__ import annotations

import functools
import urllib.parse
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import Batch, ColumnInfo, per_distinct
from dataguard._mixed import of_types
from dataguard._regex import compile_regex, validate_pattern
from dataguard.errors import SuiteError
from dataguard.expectations._base import (
    STRING,
    UNBOUNDED_HINT,
    ColumnRowExpectation,
    check_mostly,
)
from dataguard.expectations._params import JsonObject
from dataguard.expectations._registry import register
from dataguard.expectations._strings import RegexSearch, is_json_document
from dataguard.metrics import Values

MatchOn = Literal["any", "all"]


def _combine(verdicts: list[pa.Array], match_on: MatchOn) -> pa.Array:
    combine = pc.and_kleene if match_on == "all" else pc.or_kleene
    out = verdicts[0]
    for verdict in verdicts[1:]:
        out = combine(out, verdict)
    return out


def _show(patterns: tuple[str, ...]) -> str:
    return ", ".join(repr(p) for p in patterns)


@dataclass(frozen=True, slots=True, kw_only=True)
class RegexListSearch(RegexSearch):
    """Base of the expectations that search values for each pattern of ``regex_list``."""

    regex_list: tuple[str, ...]

    def patterns(self) -> dict[str, str]:
        return {f"regex_list[{i}]": pattern for i, pattern in enumerate(self.regex_list)}

    def check(self) -> None:
        if not self.regex_list:
            raise SuiteError("give at least one pattern", path="regex_list")
        RegexSearch.check(self)

    def hits(self, batch: Batch, too_long: bool) -> list[pa.Array]:
        """Each pattern's search verdicts on the column (see ``RegexSearch.search``)."""
        values = batch.array(self.column)
        return [self.search(values, pattern, too_long) for pattern in self.regex_list]


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class MatchesRegexList(RegexListSearch):
    """Values contain a match of any (``match_on: all``: every) pattern of ``regex_list``."""

    name = "matches_regex_list"
    example: ClassVar[dict[str, Any]] = {
        "column": "order_id",
        "regex_list": ["^ORD-\\d{7}$", "^RET-\\d{7}$"],
    }

    match_on: MatchOn = "any"

    def failing(self, batch: Batch, inputs: Values) -> pa.Array:
        return pc.invert(_combine(self.hits(batch, too_long=False), self.match_on))

    def sentence(self) -> str:
        return f"Values of {self.column!r} match {self.match_on} of {_show(self.regex_list)}."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class NotMatchesRegexList(RegexListSearch):
    """Values contain no match of any pattern of ``regex_list``."""

    name = "not_matches_regex_list"
    example: ClassVar[dict[str, Any]] = {"column": "name", "regex_list": ["^\\s", "\\s$"]}

    def failing(self, batch: Batch, inputs: Values) -> pa.Array:
        return _combine(self.hits(batch, too_long=True), "any")

    def sentence(self) -> str:
        return f"Values of {self.column!r} match none of {_show(self.regex_list)}."


@dataclass(frozen=True, slots=True, kw_only=True)
class LikeSearch(ColumnRowExpectation):
    """Base of the expectations that match whole values against SQL LIKE patterns."""

    accepts = STRING

    @abstractmethod
    def patterns(self) -> dict[str, str]:
        """Each LIKE pattern, by its path in the declaration."""

    def check(self) -> None:
        check_mostly(self.mostly)
        for path, pattern in self.patterns().items():
            if pattern.endswith("\\") and not pattern.endswith("\\\\"):
                raise SuiteError(f"LIKE pattern {pattern!r} ends in a lone escape", path=path)

    def hits(self, batch: Batch) -> list[pa.Array]:
        """Each pattern's verdicts on the column: whether each whole value matches it."""
        values = batch.array(self.column)
        return [pc.match_like(values, pattern) for pattern in self.patterns().values()]


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class MatchesLikePattern(LikeSearch):
    """Whole values match the SQL LIKE ``like_pattern`` (``%``: any run, ``_``: one character)."""

    name = "matches_like_pattern"
    example: ClassVar[dict[str, Any]] = {"column": "sku", "like_pattern": "SKU-%"}

    like_pattern: str

    def patterns(self) -> dict[str, str]:
        return {"like_pattern": self.like_pattern}

    def failing(self, batch: Batch, inputs: Values) -> pa.Array:
        return pc.invert(self.hits(batch)[0])

    def sentence(self) -> str:
        return f"Values of {self.column!r} are LIKE {self.like_pattern!r}."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class NotMatchesLikePattern(LikeSearch):
    """No whole value matches the SQL LIKE ``like_pattern``."""

    name = "not_matches_like_pattern"
    example: ClassVar[dict[str, Any]] = {"column": "email", "like_pattern": "%@example.com"}

    like_pattern: str

    def patterns(self) -> dict[str, str]:
        return {"like_pattern": self.like_pattern}

    def failing(self, batch: Batch, inputs: Values) -> pa.Array:
        return self.hits(batch)[0]

    def sentence(self) -> str:
        return f"Values of {self.column!r} are NOT LIKE {self.like_pattern!r}."


@dataclass(frozen=True, slots=True, kw_only=True)
class LikeListSearch(LikeSearch):
    """Base of the expectations that match whole values against each pattern of a list."""

    like_pattern_list: tuple[str, ...]

    def patterns(self) -> dict[str, str]:
        listed = enumerate(self.like_pattern_list)
        return {f"like_pattern_list[{i}]": pattern for i, pattern in listed}

    def check(self) -> None:
        if not self.like_pattern_list:
            raise SuiteError("give at least one pattern", path="like_pattern_list")
        LikeSearch.check(self)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class MatchesLikePatternList(LikeListSearch):
    """Whole values match any (``match_on: all``: every) SQL LIKE pattern of the list."""

    name = "matches_like_pattern_list"
    example: ClassVar[dict[str, Any]] = {"column": "phone", "like_pattern_list": ["+49%", "+33%"]}

    match_on: MatchOn = "any"

    def failing(self, batch: Batch, inputs: Values) -> pa.Array:
        return pc.invert(_combine(self.hits(batch), self.match_on))

    def sentence(self) -> str:
        patterns = _show(self.like_pattern_list)
        return f"Values of {self.column!r} are LIKE {self.match_on} of {patterns}."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class NotMatchesLikePatternList(LikeListSearch):
    """No whole value matches any SQL LIKE pattern of the list."""

    name = "not_matches_like_pattern_list"
    example: ClassVar[dict[str, Any]] = {
        "column": "email",
        "like_pattern_list": ["%@example.com", "%@test.com"],
    }

    def failing(self, batch: Batch, inputs: Values) -> pa.Array:
        return _combine(self.hits(batch), "any")

    def sentence(self) -> str:
        return f"Values of {self.column!r} are LIKE none of {_show(self.like_pattern_list)}."


def _parses_as_date(text: str) -> bool:
    from dateutil import parser

    try:
        parser.parse(text)
    except (ValueError, OverflowError):
        return False
    return True


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class DateutilParseable(ColumnRowExpectation):
    """Strings are dates or date-times that ``dateutil.parser.parse`` reads (in any format).

    Checked once per distinct value. A column of another type is a type mismatch: validate dates
    before they are parsed, or use ``column_type``.
    """

    name = "dateutil_parseable"
    example: ClassVar[dict[str, Any]] = {"column": "shipped_on"}
    accepts = STRING

    def failing(self, batch: Batch, inputs: Values) -> pa.Array:
        return pc.invert(per_distinct(batch.array(self.column), _parses_as_date))

    def sentence(self) -> str:
        return f"Values of {self.column!r} are dates dateutil can parse."


@functools.lru_cache(maxsize=64)
def _schema_check(schema: JsonObject) -> Callable[[Any], bool]:
    """A predicate for documents valid against ``schema``; SuiteError for a bad schema."""
    try:
        import jsonschema
    except ImportError:
        raise SuiteError(
            "matches_json_schema needs the jsonschema package: pip install 'dataguard[jsonschema]'",
            path="json_schema",
        ) from None
    document = schema.to_plain()
    cls = jsonschema.validators.validator_for(document)
    try:
        cls.check_schema(document)
    except jsonschema.SchemaError as exc:
        raise SuiteError(f"invalid JSON Schema: {exc.message}", path="json_schema") from None
    _check_schema_patterns(document)

    def pattern(validator: Any, regex: str, instance: Any, schema: Any) -> Any:
        """The ``pattern`` keyword on RE2 (jsonschema's own runs Python's ``re``)."""
        if validator.is_type(instance, "string"):
            found = compile_regex(regex).search(pa.array([instance], pa.string()))
            if not found[0].as_py():
                yield jsonschema.ValidationError(f"{instance!r} does not match {regex!r}")

    linear = jsonschema.validators.extend(cls, {"pattern": pattern})
    return linear(document).is_valid  # type: ignore[no-any-return]


#: Keywords whose value is a schema or a list of schemas, in any draft jsonschema implements
#: (draft 3's ``type`` and ``disallow`` may list schemas among type names).
_SCHEMA_KEYWORDS = frozenset(
    {
        "additionalItems",
        "additionalProperties",
        "allOf",
        "anyOf",
        "contains",
        "contentSchema",
        "disallow",
        "else",
        "extends",
        "if",
        "items",
        "not",
        "oneOf",
        "prefixItems",
        "propertyNames",
        "then",
        "type",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
#: Keywords whose value maps names (of properties, definitions) to schemas.
_NAMED_SCHEMA_KEYWORDS = frozenset(
    {"$defs", "definitions", "dependencies", "dependentSchemas", "patternProperties", "properties"}
)


def _check_schema_patterns(document: Any) -> None:
    """SuiteError for a regular expression of a JSON Schema that cannot run on RE2: every
    ``pattern`` must be one RE2 can express, and ``patternProperties`` (matched by jsonschema
    itself, with Python's backtracking ``re``, against keys from the data) is refused.

    Both are keywords only in a schema: the document itself, what a schema keyword holds, and
    what a local ``$ref`` points at. Elsewhere they are names (a property called ``pattern``)
    or data (``const``, ``enum``, ``default``, ``examples``, unknown keywords), which jsonschema
    never applies.
    """
    pending: list[tuple[Any, str]] = [(document, "json_schema")]
    seen: set[int] = set()
    while pending:
        node, path = pending.pop()
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node.get("pattern"), str):
            validate_pattern(node["pattern"], f"{path}.pattern")
        if isinstance(node.get("patternProperties"), dict):
            raise SuiteError(
                "patternProperties is not supported: jsonschema matches it with Python's "
                "backtracking re against keys from the data; list the properties, or check key "
                "names with propertyNames and a pattern",
                path=f"{path}.patternProperties",
            )
        for key, value in node.items():
            if key in _SCHEMA_KEYWORDS:
                pending.extend(_schemas_in(value, f"{path}.{key}"))
            elif key in _NAMED_SCHEMA_KEYWORDS and isinstance(value, dict):
                pending.extend((sub, f"{path}.{key}.{name}") for name, sub in value.items())
        target = _pointed_at(document, node.get("$ref"))
        if target is not None:
            pending.append(target)


def _schemas_in(value: Any, path: str) -> list[tuple[Any, str]]:
    """The schemas a schema keyword holds: its value, or the items of a list."""
    if isinstance(value, list):
        return [(item, f"{path}[{i}]") for i, item in enumerate(value)]
    return [(value, path)]


def _pointed_at(document: Any, ref: Any) -> tuple[Any, str] | None:
    """What a local ``$ref`` JSON pointer (``#/a/b~1c/0``) designates in ``document``, with its
    path; None for another kind of reference or one that leads nowhere."""
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return None
    node, path = document, "json_schema"
    for token in ref[2:].split("/"):
        step = urllib.parse.unquote(token).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and step in node:
            node, path = node[step], f"{path}.{step}"
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node, path = node[int(step)], f"{path}[{step}]"
        else:
            return None
    return node, path


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class MatchesJsonSchema(ColumnRowExpectation):
    """Strings are JSON documents valid against ``json_schema`` (its ``$schema`` picks the
    draft; the latest by default). Needs the optional ``jsonschema`` package."""

    name = "matches_json_schema"
    example: ClassVar[dict[str, Any]] = {
        "column": "payload",
        "json_schema": {"type": "object", "required": ["id"]},
    }
    accepts = STRING

    json_schema: JsonObject

    def check(self) -> None:
        check_mostly(self.mostly)
        _schema_check(self.json_schema)

    def failing(self, batch: Batch, inputs: Values) -> pa.Array:
        conforms = functools.partial(is_json_document, accepts=_schema_check(self.json_schema))
        return pc.invert(per_distinct(batch.array(self.column), conforms))

    def sentence(self) -> str:
        return f"Values of {self.column!r} are JSON documents matching a schema."


#: Logical types a single value can have (``numeric`` covers integer and float).
ValueType = Literal["integer", "float", "numeric", "string", "boolean", "datetime", "date"]


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class InTypeList(ColumnRowExpectation):
    """Every present value is of one of ``types`` (logical types, whatever the backend calls
    them). A typed column holds values of one type, so either every present value fails or none;
    as a row-level expectation it reports the failing rows (and their ``id_columns``).

    In a pandas object column mixing several Python types, each value is judged by its own type;
    a categorical column's values are of its categories' type. With
    ``allow_unbounded`` (as Great Expectations allows) the types may be left out: any type passes.
    """

    name = "in_type_list"
    example: ClassVar[dict[str, Any]] = {"column": "zip_code", "types": ["string"]}
    accepts_nested = True

    types: tuple[ValueType, ...] | None = None
    allow_unbounded: bool = False

    def check(self) -> None:
        check_mostly(self.mostly)
        if self.types is None:
            if not self.allow_unbounded:
                raise SuiteError(f"give types, or {UNBOUNDED_HINT}", path="types")
        elif not self.types:
            raise SuiteError("give at least one type", path="types")

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        if self.types is None:
            return np.zeros(batch.num_rows, dtype=bool)
        mixed = batch.mixed_values(self.column)
        if mixed is not None:  # each value has its own type
            return ~of_types(mixed, self.types)
        kinds = ColumnInfo(self.column, batch.array(self.column).type, "").logical_types()
        return np.full(batch.num_rows, not kinds & set(self.types))

    def sentence(self) -> str:
        if self.types is None:
            return f"Values of {self.column!r} may be of any type (no types to check)."
        listed = " or ".join(self.types)
        return f"Values of {self.column!r} are of type {listed}."
