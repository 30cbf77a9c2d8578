"""Static typing of row expressions: each node's kind, worked out from the data's schema before
any row is read, with an error naming the part of the expression at fault.

Kinds combine as users expect: numbers with numbers, text with text, a timestamp minus a
timestamp is a duration, a timestamp plus a duration a timestamp, a date counts as its midnight
where it meets a timestamp. A quoted ISO text compared with a timestamp or date column means that
time (``t >= '2024-01-01'``). In a ``where`` condition, for pandas and Great Expectations
compatibility, ``==`` and ``!=`` between a value and a literal of another kind are simply false
and true (``n == '1'`` matches no number); in an ``expression`` they are a type error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa

from dataguard._expr._functions import FUNCTIONS
from dataguard._expr._nodes import (
    PREDICATES,
    Arithmetic,
    Call,
    Column,
    Compare,
    IsNull,
    Kind,
    Literal,
    Logical,
    Member,
    Negative,
    Node,
    Not,
    render,
)
from dataguard._frame import ColumnInfo, is_numeric_type, is_string_type
from dataguard.errors import did_you_mean

#: Kinds that stand for any value: a column with no values, or one not known yet.
_WILD = frozenset({Kind.NULL, Kind.ANY})
_N, _T, _D, _U = Kind.NUMBER, Kind.TIMESTAMP, Kind.DATE, Kind.DURATION

#: What each arithmetic operator gives for the kinds of its operands.
ARITHMETIC: dict[tuple[str, Kind, Kind], Kind] = {
    **{(op, _N, _N): _N for op in ("+", "-", "*", "/", "//", "%")},
    **{("+", a, b): _T for a, b in ((_T, _U), (_U, _T), (_D, _U), (_U, _D))},
    ("+", _U, _U): _U,
    **{("-", a, b): _U for a in (_T, _D) for b in (_T, _D)},
    ("-", _T, _U): _T,
    ("-", _D, _U): _T,
    ("-", _U, _U): _U,
    ("/", _U, _U): _N,
}
_ORDERED_TIMES = frozenset({_T, _D})


class ExpressionTypeError(TypeError):
    """An expression that does not fit the data's schema (or cannot fit any)."""


@dataclass(frozen=True)
class ColumnKind:
    """A column as typing sees it: its kind, its type's name, and whether it mixes Python types
    (a pandas object column of numbers and text: compared with literals of any kind by type)."""

    kind: Kind
    dtype: str = ""
    mixed: bool = False


def kind_of_type(t: pa.DataType) -> Kind:
    """The kind of an Arrow type's values."""
    if pa.types.is_null(t):
        return Kind.NULL
    if is_numeric_type(t):
        return Kind.NUMBER
    if is_string_type(t):
        return Kind.TEXT
    if pa.types.is_boolean(t):
        return Kind.BOOLEAN
    if pa.types.is_timestamp(t):
        return Kind.TIMESTAMP
    if pa.types.is_date(t):
        return Kind.DATE
    if pa.types.is_duration(t):
        return Kind.DURATION
    return Kind.OTHER


def column_kinds(infos: Mapping[str, ColumnInfo]) -> dict[str, ColumnKind]:
    """The typing view of described columns."""
    return {
        name: ColumnKind(kind_of_type(info.arrow_type), info.dtype, info.mixed)
        for name, info in infos.items()
    }


class Checker:
    """Works out kinds, raising ExpressionTypeError; ``lenient`` is the ``where`` dialect."""

    def __init__(
        self,
        columns: Mapping[str, ColumnKind] | None,
        *,
        lenient: bool,
        names: Sequence[str] = (),
    ) -> None:
        self.columns = columns
        self.lenient = lenient
        self.names = names

    def condition(self, node: Node) -> None:
        """Check a whole expression, which must be true or false for each row."""
        self._truth(node)

    def kind(self, node: Node) -> Kind:
        """The kind of a node's values."""
        if isinstance(node, Column):
            return self._column(node.name).kind
        if isinstance(node, Literal):
            return node.kind
        if isinstance(node, PREDICATES):
            self._predicate(node)
            return Kind.BOOLEAN
        if isinstance(node, Negative):
            kind = self._usable(node.operand)
            if kind not in (_N, _U) and kind not in _WILD:
                raise ExpressionTypeError(f"cannot negate {self._phrase(node.operand, kind)}")
            return kind
        if isinstance(node, Arithmetic):
            return self._arithmetic(node)
        return self._call(node)

    # -- parts ----------------------------------------------------------------------------

    def _column(self, name: str) -> ColumnKind:
        if self.columns is None:
            return ColumnKind(Kind.ANY)
        found = self.columns.get(name)
        if found is None:
            raise ExpressionTypeError(f"unknown column {name!r}{did_you_mean([name], self.names)}")
        return found

    def _usable(self, node: Node) -> Kind:
        """The node's kind, refusing values expressions cannot compute with."""
        kind = self.kind(node)
        if kind is Kind.OTHER:
            dtype = self._column(node.name).dtype if isinstance(node, Column) else ""
            raise ExpressionTypeError(
                f"{render(node)} holds values of type {dtype or 'other'}, which expressions "
                "can only test with 'is null'"
            )
        return kind

    def _truth(self, node: Node) -> None:
        kind = self._usable(node)
        if kind is not Kind.BOOLEAN and kind not in _WILD:
            raise ExpressionTypeError(
                f"{self._what(node, kind)}, not a condition (true or false); compare it "
                "with something"
            )

    def _predicate(self, node: Compare | Member | IsNull | Not | Logical) -> None:
        if isinstance(node, IsNull):
            self.kind(node.operand)
        elif isinstance(node, Not):
            self._truth(node.operand)
        elif isinstance(node, Logical):
            for operand in node.operands:
                self._truth(operand)
        elif isinstance(node, Member):
            kind = self._usable(node.operand)
            for value in node.values:
                self._comparable("in", node.operand, kind, value, value.kind)
        else:
            left, right = self._usable(node.left), self._usable(node.right)
            self._comparable(node.op, node.left, left, node.right, right)

    def _comparable(self, op: str, left: Node, a: Kind, right: Node, b: Kind) -> None:
        if self._compatible(op, left, a, right, b):
            return
        shown = f" (in {render(left)} {op} {render(right)})" if op != "in" else ""
        raise ExpressionTypeError(
            f"cannot compare {self._phrase(left, a)} with {self._phrase(right, b)}{shown}"
        )

    def _compatible(self, op: str, left: Node, a: Kind, right: Node, b: Kind) -> bool:
        if a in _WILD or b in _WILD or a == b or {a, b} <= _ORDERED_TIMES:
            return True
        equality = op in ("==", "!=", "in")
        for value, kind, literal in ((left, a, right), (right, b, left)):
            if not isinstance(literal, Literal):
                continue
            if literal.kind is Kind.TEXT and kind in _ORDERED_TIMES and _iso(literal.value, kind):
                return True  # an ISO date or time written as text
            if equality and isinstance(value, Column) and self._column(value.name).mixed:
                return True  # compared with each row's own object, by type
            if equality and self.lenient:
                return True  # where dialect: a value of another kind never equals
        return False

    def _arithmetic(self, node: Arithmetic) -> Kind:
        kind = self._usable(node.first)
        for op, operand in node.rest:
            other = self._usable(operand)
            result = _combine(op, kind, other)
            if result is None:
                raise ExpressionTypeError(
                    f"cannot compute {kind.value} {op} {other.value} (in {render(node)})"
                )
            kind = result
        return kind

    def _call(self, node: Call) -> Kind:
        function = FUNCTIONS[node.name]
        kinds = []
        for position, arg in enumerate(node.args):
            kind = self._usable(arg)
            allowed = function.param(position)
            if kind not in allowed and kind not in _WILD:
                names = " or ".join(sorted(k.value for k in allowed))
                raise ExpressionTypeError(
                    f"{node.name}() takes {names} as argument {position + 1}, but "
                    f"{self._what(arg, kind)}"
                )
            kinds.append(kind)
        if function.result is not None:
            return function.result
        known = {k for k in kinds if k not in _WILD}
        if known == _ORDERED_TIMES:  # dates count as their midnight
            known = {_T}
        if len(known) > 1:
            listed = " and ".join(sorted(k.value for k in known))
            raise ExpressionTypeError(f"{node.name}() needs arguments of one kind, got {listed}")
        return known.pop() if known else (Kind.ANY if Kind.ANY in kinds else Kind.NULL)

    def _what(self, node: Node, kind: Kind) -> str:
        """``carrier is text (string)``: a node and its kind, for messages."""
        dtype = self._column(node.name).dtype if isinstance(node, Column) else ""
        return f"{render(node)} is {_article(kind)}" + (f" ({dtype})" if dtype else "")

    def _phrase(self, node: Node, kind: Kind) -> str:
        """``carrier (text, string)``: a node and its kind, for messages."""
        dtype = self._column(node.name).dtype if isinstance(node, Column) else ""
        return f"{render(node)} ({_article(kind)}" + (f", {dtype})" if dtype else ")")


def _combine(op: str, a: Kind, b: Kind) -> Kind | None:
    """The kind of ``a op b``, with wildcards matching any kind (None: no such operation)."""
    results = {
        result
        for (o, x, y), result in ARITHMETIC.items()
        if o == op and (a in _WILD or x == a) and (b in _WILD or y == b)
    }
    if len(results) == 1:
        return results.pop()
    if not results:
        return None
    return Kind.ANY if Kind.ANY in (a, b) else Kind.NULL


def _article(kind: Kind) -> str:
    if kind in (Kind.TEXT, Kind.NULL):
        return "null (no values)" if kind is Kind.NULL else "text"
    return f"an {kind.value}" if kind.value[0] in "aeiou" else f"a {kind.value}"


def _iso(text: str, kind: Kind) -> bool:
    try:
        if kind is Kind.DATE:
            dt.date.fromisoformat(text)
        else:
            dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        return False
    return True
