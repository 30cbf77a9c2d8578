"""The functions of row expressions: what each accepts and returns, and its Arrow kernel.

A function of a missing value is missing (``lower(null)`` is null), except ``coalesce``, whose
job is to replace missing values. Pattern arguments (``matches``, ``starts_with``, ...) are
literals, checked when the expression is read; ``matches`` runs on RE2 exactly as the
``matches_regex`` expectation does (Python's regex meaning, linear time).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from dataguard._expr._kernels import Operand, absolute, common_type, nan_to_null
from dataguard._expr._nodes import Kind
from dataguard._regex import compile_regex

Kernel = Callable[[Sequence[Any]], Operand]

_NUMBER = frozenset({Kind.NUMBER})
_TEXT = frozenset({Kind.TEXT})
_TIMES = frozenset({Kind.TIMESTAMP, Kind.DATE})
_VALUES = frozenset(
    {Kind.NUMBER, Kind.TEXT, Kind.BOOLEAN, Kind.TIMESTAMP, Kind.DATE, Kind.DURATION}
)


@dataclass(frozen=True)
class Function:
    """A function's signature and kernel.

    ``params`` lists the kinds each argument may have; the last ``optional`` may be left out,
    and with ``variadic`` the last repeats. Arguments at ``literal`` positions must be literals
    (patterns, digit counts). ``result`` is the kind returned, or None for the kind of the
    arguments (which must then agree).
    """

    name: str
    params: tuple[frozenset[Kind], ...]
    result: Kind | None
    kernel: Kernel
    summary: str
    optional: int = 0
    variadic: bool = False
    literal: frozenset[int] = frozenset()

    @property
    def arity(self) -> str:
        """How many arguments it takes, in words."""
        least = len(self.params) - self.optional
        if self.variadic:
            return f"{least} or more arguments"
        if self.optional:
            return f"{least} to {len(self.params)} arguments"
        return f"{least} argument{'s' if least > 1 else ''}"

    def accepts_count(self, count: int) -> bool:
        """Whether ``count`` arguments fit the signature."""
        least = len(self.params) - self.optional
        return count >= least and (self.variadic or count <= len(self.params))

    def param(self, position: int) -> frozenset[Kind]:
        """The kinds accepted at an argument position."""
        return self.params[min(position, len(self.params) - 1)]


def _round(args: Sequence[Any]) -> Operand:
    digits = int(args[1]) if len(args) > 1 else 0
    value = args[0]
    if pa.types.is_decimal(value.type):
        value = value.cast(pa.float64(), safe=False)
    return pc.round(value, ndigits=digits, round_mode="half_to_even")


def _date(args: Sequence[Any]) -> Operand:
    # The date of a time-zone-aware timestamp is its local date, as year() and day() read it.
    value = args[0]
    return value if pa.types.is_date(value.type) else value.cast(pa.date32())


def _coalesce(args: Sequence[Any]) -> Operand:
    values = [nan_to_null(a) for a in args if not pa.types.is_null(a.type)]
    if not values:
        return args[0]
    target = common_type([v.type for v in values])
    return pc.coalesce(*(v if v.type == target else v.cast(target, safe=False) for v in values))


def _unary(kernel: Callable[[Any], Operand]) -> Kernel:
    return lambda args: kernel(args[0])


def _pattern(kernel: Callable[[Any, str], Operand]) -> Kernel:
    return lambda args: kernel(args[0], str(args[1]))


def _matches(value: Any, pattern: str) -> Operand:
    return pc.match_substring_regex(value, compile_regex(pattern).re2)


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function(
            "abs",
            (frozenset({Kind.NUMBER, Kind.DURATION}),),
            None,
            _unary(absolute),
            "absolute value of a number or duration",
        ),
        Function(
            "round",
            (_NUMBER, _NUMBER),
            Kind.NUMBER,
            _round,
            "round to a number of decimal digits (default 0), halves to even",
            optional=1,
            literal=frozenset({1}),
        ),
        Function("length", (_TEXT,), Kind.NUMBER, _unary(pc.utf8_length), "characters in text"),
        Function("lower", (_TEXT,), Kind.TEXT, _unary(pc.utf8_lower), "text in lower case"),
        Function("upper", (_TEXT,), Kind.TEXT, _unary(pc.utf8_upper), "text in upper case"),
        Function(
            "strip",
            (_TEXT,),
            Kind.TEXT,
            _unary(pc.utf8_trim_whitespace),
            "text without leading and trailing white space",
        ),
        Function(
            "starts_with",
            (_TEXT, _TEXT),
            Kind.BOOLEAN,
            _pattern(lambda v, p: pc.starts_with(v, pattern=p)),
            "whether text starts with a literal prefix",
            literal=frozenset({1}),
        ),
        Function(
            "ends_with",
            (_TEXT, _TEXT),
            Kind.BOOLEAN,
            _pattern(lambda v, p: pc.ends_with(v, pattern=p)),
            "whether text ends with a literal suffix",
            literal=frozenset({1}),
        ),
        Function(
            "contains",
            (_TEXT, _TEXT),
            Kind.BOOLEAN,
            _pattern(lambda v, p: pc.match_substring(v, pattern=p)),
            "whether text contains a literal substring",
            literal=frozenset({1}),
        ),
        Function(
            "matches",
            (_TEXT, _TEXT),
            Kind.BOOLEAN,
            _pattern(_matches),
            "whether text contains a match of a regular expression (as matches_regex)",
            literal=frozenset({1}),
        ),
        Function("year", (_TIMES,), Kind.NUMBER, _unary(pc.year), "year of a timestamp or date"),
        Function("month", (_TIMES,), Kind.NUMBER, _unary(pc.month), "month (1-12)"),
        Function("day", (_TIMES,), Kind.NUMBER, _unary(pc.day), "day of the month (1-31)"),
        Function(
            "hour",
            (frozenset({Kind.TIMESTAMP}),),
            Kind.NUMBER,
            _unary(pc.hour),
            "hour of a timestamp (0-23)",
        ),
        Function(
            "minute",
            (frozenset({Kind.TIMESTAMP}),),
            Kind.NUMBER,
            _unary(pc.minute),
            "minute of a timestamp (0-59)",
        ),
        Function("date", (_TIMES,), Kind.DATE, _date, "the date of a timestamp"),
        Function(
            "coalesce",
            (_VALUES, _VALUES),
            None,
            _coalesce,
            "the first argument that is not missing",
            variadic=True,
        ),
    )
}
