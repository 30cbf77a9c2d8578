"""Row-level expectations on strings: patterns, lengths, date formats, JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import Batch, bools, per_distinct
from dataguard._regex import RegexEngine, regex_for, validate_pattern
from dataguard.errors import SuiteError
from dataguard.expectations._base import (
    OPTION,
    STRING,
    ColumnRowExpectation,
    check_bounds,
    check_mostly,
    failing_per_value,
    range_text,
)
from dataguard.expectations._registry import register
from dataguard.metrics import Values


@dataclass(frozen=True, slots=True, kw_only=True)
class RegexSearch(ColumnRowExpectation):
    """Base of the expectations that search values for Python patterns: the engine that runs
    them, RE2 unless ``regex_engine: python`` opts in to Python's ``re`` on values of at most
    ``max_value_length`` characters (see ``_regex``)."""

    accepts = STRING

    regex_engine: RegexEngine = field(default="re2", metadata={OPTION: True})
    max_value_length: int | None = field(default=None, metadata={OPTION: True})

    @abstractmethod
    def patterns(self) -> dict[str, str]:
        """Each pattern searched for, by its path in the declaration."""

    def check(self) -> None:
        check_mostly(self.mostly)
        for path, pattern in self.patterns().items():
            validate_pattern(pattern, path, self.regex_engine, self.max_value_length)

    def search(self, values: pa.Array, pattern: str, too_long: bool) -> pa.Array:
        """Whether each value contains a match of ``pattern`` (null for null). A value too long
        for the Python engine is not searched and gets ``too_long``: the verdict that fails."""
        return regex_for(pattern, self.regex_engine, self.max_value_length).search(values, too_long)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class MatchesRegex(RegexSearch):
    """Values contain a match of ``regex`` (Python syntax and ``re.search`` semantics: anchor
    with ^ and $)."""

    name = "matches_regex"
    example: ClassVar[dict[str, Any]] = {"column": "email", "regex": "^[^@\\s]+@[^@\\s]+$"}

    regex: str

    def patterns(self) -> dict[str, str]:
        return {"regex": self.regex}

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray | pa.Array:
        key = ("no match", self.regex, self.regex_engine, self.max_value_length)
        return failing_per_value(batch, self.column, self._fails, key)

    def _fails(self, values: pa.Array) -> pa.Array:
        return pc.invert(self.search(values, self.regex, too_long=False))

    def sentence(self) -> str:
        return f"Values of {self.column!r} match the pattern {self.regex!r}."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class NotMatchesRegex(RegexSearch):
    """Values contain no match of ``regex`` (Python syntax, ``re.search`` semantics)."""

    name = "not_matches_regex"
    example: ClassVar[dict[str, Any]] = {"column": "comment", "regex": "(?i)<script"}

    regex: str

    def patterns(self) -> dict[str, str]:
        return {"regex": self.regex}

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray | pa.Array:
        key = ("match", self.regex, self.regex_engine, self.max_value_length)
        return failing_per_value(batch, self.column, self._fails, key)

    def _fails(self, values: pa.Array) -> pa.Array:
        return self.search(values, self.regex, too_long=True)

    def sentence(self) -> str:
        return f"Values of {self.column!r} do not match the pattern {self.regex!r}."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ValueLengthBetween(ColumnRowExpectation):
    """String lengths, in characters, lie within a range (inclusive unless ``strict_*``)."""

    name = "value_length_between"
    example: ClassVar[dict[str, Any]] = {"column": "country", "min_value": 2, "max_value": 3}
    accepts = STRING

    min_value: int | None = None
    max_value: int | None = None
    strict_min: bool = False
    strict_max: bool = False

    def check(self) -> None:
        check_mostly(self.mostly)
        check_bounds(self.min_value, self.max_value)
        for name in ("min_value", "max_value"):
            bound = getattr(self, name)
            if bound is not None and bound < 0:
                raise SuiteError(f"a length cannot be negative, got {bound}", path=name)

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray | pa.Array:
        key = ("length", self.min_value, self.max_value, self.strict_min, self.strict_max)
        return failing_per_value(batch, self.column, self._fails, key)

    def _fails(self, values: pa.Array) -> pa.Array:
        lengths = pc.utf8_length(values)
        fail: pa.Array | None = None
        if self.min_value is not None:
            low = self.min_value
            fail = pc.less_equal(lengths, low) if self.strict_min else pc.less(lengths, low)
        if self.max_value is not None:
            high = self.max_value
            above = (
                pc.greater_equal(lengths, high) if self.strict_max else pc.greater(lengths, high)
            )
            fail = above if fail is None else pc.or_(fail, above)
        assert fail is not None  # check() guarantees a bound
        return fail

    def sentence(self) -> str:
        wanted = range_text(self.min_value, self.max_value, self.strict_min, self.strict_max)
        return f"Lengths of {self.column!r} values are {wanted} characters."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ValueLengthEqual(ColumnRowExpectation):
    """Every string has exactly ``value`` characters."""

    name = "value_length_equal"
    example: ClassVar[dict[str, Any]] = {"column": "country", "value": 2}
    accepts = STRING

    value: int

    def check(self) -> None:
        check_mostly(self.mostly)
        if self.value < 0:
            raise SuiteError(f"a length cannot be negative, got {self.value}", path="value")

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray | pa.Array:
        return failing_per_value(batch, self.column, self._fails, ("length", self.value))

    def _fails(self, values: pa.Array) -> pa.Array:
        return pc.not_equal(pc.utf8_length(values), self.value)

    def sentence(self) -> str:
        return f"Values of {self.column!r} are {self.value} characters long."


# Directives Arrow's vectorized strptime handles with Python's meaning; others use Python.
_ARROW_DIRECTIVES = set("YmdHMSy%")
_DIRECTIVE = re.compile(r"%(.)")


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class MatchesStrftimeFormat(ColumnRowExpectation):
    """Strings parse as dates with ``strftime_format`` (``datetime.strptime`` semantics)."""

    name = "matches_strftime_format"
    example: ClassVar[dict[str, Any]] = {"column": "order_date", "strftime_format": "%Y-%m-%d"}
    accepts = STRING

    strftime_format: str

    def check(self) -> None:
        check_mostly(self.mostly)
        probe = dt.datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=dt.timezone.utc)
        try:
            dt.datetime.strptime(probe.strftime(self.strftime_format), self.strftime_format)
        except ValueError as exc:
            raise SuiteError(
                f"unusable strftime format {self.strftime_format!r}: {exc}", path="strftime_format"
            ) from exc

    def _vectorized(self) -> bool:
        return set(_DIRECTIVE.findall(self.strftime_format)) <= _ARROW_DIRECTIVES

    def failing(self, batch: Batch, inputs: Values) -> pa.Array | np.ndarray:
        array = batch.array(self.column)
        if not self._vectorized():
            return pc.invert(per_distinct(array, self._parses))
        # Arrow's strptime is laxer than Python's (it skips leading blanks, rolls 30 February
        # over to March, takes "20" as a %Y year), so it only confirms a value that parses and
        # formats back to the same text; Python judges the rest, which in clean data are few.
        parsed = pc.strptime(array, format=self.strftime_format, unit="s", error_is_null=True)
        back = pc.strftime(parsed, format=self.strftime_format).cast(array.type)
        # Python's datetime starts at year 1; Arrow also parses year 0. (Made here, not at
        # import: pyarrow imports pandas to convert a Python value, which most runs never need.)
        first_second = pa.scalar(dt.datetime(1, 1, 1), type=pa.timestamp("s"))
        confirmed = pc.and_(pc.equal(back, array), pc.greater_equal(parsed, first_second))
        confirmed_np = bools(confirmed)
        fail = np.zeros(len(array), dtype=bool)
        doubtful = np.flatnonzero(~confirmed_np)
        if doubtful.size:
            verdicts = per_distinct(array.take(pa.array(doubtful)), self._parses)
            fail[doubtful] = ~bools(verdicts, null=True)
        return fail

    def _parses(self, text: str) -> bool:
        try:
            dt.datetime.strptime(text, self.strftime_format)
        except ValueError:
            return False
        return True

    def sentence(self) -> str:
        return f"Values of {self.column!r} are dates in the format {self.strftime_format!r}."


def is_json_document(text: str, accepts: Callable[[Any], object] | None = None) -> bool:
    """Whether ``text`` is a JSON document (that ``accepts`` takes, when given). One nested
    deeper than Python's parser or ``accepts`` can follow is not: a verdict on that value, not an
    error for the column."""
    try:
        document = json.loads(text)
        return accepts is None or bool(accepts(document))
    except (ValueError, RecursionError):
        return False


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class JsonParseable(ColumnRowExpectation):
    """Strings are valid JSON documents (checked once per distinct value); one nested deeper
    than Python's parser follows (about a thousand levels) is unexpected."""

    name = "json_parseable"
    example: ClassVar[dict[str, Any]] = {"column": "payload"}
    accepts = STRING

    def failing(self, batch: Batch, inputs: Values) -> pa.Array:
        return pc.invert(per_distinct(batch.array(self.column), is_json_document))

    def sentence(self) -> str:
        return f"Values of {self.column!r} are valid JSON."
