"""The syntax tree of row expressions: small frozen nodes, and the way back to text."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any


class Kind(Enum):
    """What an expression's values are, as users name them.

    ``NULL`` is a column with no values at all (Arrow type null): it fits wherever a value of any
    kind does. ``ANY`` stands for a column whose type is not known yet (an expression checked
    before the data is seen). ``OTHER`` is a column of values expressions cannot use (lists,
    structs, bytes), except to ask whether they are null.
    """

    NUMBER = "number"
    TEXT = "text"
    BOOLEAN = "boolean"
    TIMESTAMP = "timestamp"
    DATE = "date"
    DURATION = "duration"
    NULL = "null"
    ANY = "any"
    OTHER = "other"


@dataclass(frozen=True)
class Column:
    """A column's value in the row."""

    name: str


@dataclass(frozen=True)
class Literal:
    """A constant. ``kind`` is part of the node: ``1`` and ``true`` are equal in Python."""

    value: Any
    kind: Kind


@dataclass(frozen=True)
class Negative:
    """Unary minus of a non-literal operand (a literal's sign is folded into the literal)."""

    operand: Node


@dataclass(frozen=True)
class Arithmetic:
    """``first op1 x1 op2 x2 ...`` of one precedence level, evaluated left to right.

    A chain is one node, not a left-deep tree, so a long sum costs no recursion depth."""

    first: Node
    rest: tuple[tuple[str, Node], ...]


@dataclass(frozen=True)
class Call:
    """A function applied to arguments (see ``_functions.FUNCTIONS``)."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    """``left op right`` with ``op`` one of ``== != < <= > >=``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Member:
    """``operand in [values]`` (``negated``: ``not in``); the values are literals."""

    operand: Node
    values: tuple[Literal, ...]
    negated: bool


@dataclass(frozen=True)
class IsNull:
    """``operand is null`` (``negated``: ``is not null``); NaN and NaT are null too."""

    operand: Node
    negated: bool


@dataclass(frozen=True)
class Not:
    """``not operand`` / ``~operand``."""

    operand: Node


@dataclass(frozen=True)
class Logical:
    """``a and b and ...`` or ``a or b or ...`` (``op`` is ``and`` or ``or``)."""

    op: str
    operands: tuple[Node, ...]


Node = Column | Literal | Negative | Arithmetic | Call | Compare | Member | IsNull | Not | Logical

#: Nodes whose value is true or false for each row.
PREDICATES = (Compare, Member, IsNull, Not, Logical)

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def columns_of(node: Node) -> tuple[str, ...]:
    """The columns an expression reads, in order of first appearance (walked with a stack)."""
    found: dict[str, None] = {}
    pending: list[Node] = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, Column):
            found[item.name] = None
        else:
            pending.extend(reversed(children(item)))
    return tuple(found)


def children(node: Node) -> tuple[Node, ...]:
    """The operands of a node, in the order they are written."""
    if isinstance(node, (Negative, Not, IsNull, Member)):
        return (node.operand,)
    if isinstance(node, Arithmetic):
        return (node.first, *(operand for _, operand in node.rest))
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Compare):
        return (node.left, node.right)
    if isinstance(node, Logical):
        return node.operands
    return ()


def render(node: Node) -> str:
    """The node as expression text (operands that are not single terms in parentheses), for
    messages: ``dep_time % 100``, ``lower(`carrier name`)``."""
    if isinstance(node, Column):
        return node.name if _NAME.fullmatch(node.name) else f"`{node.name}`"
    if isinstance(node, Literal):
        return render_literal(node)
    if isinstance(node, Negative):
        return f"-{_term(node.operand)}"
    if isinstance(node, Arithmetic):
        parts = [_term(node.first)]
        parts.extend(f"{op} {_term(operand)}" for op, operand in node.rest)
        return " ".join(parts)
    if isinstance(node, Call):
        return f"{node.name}({', '.join(render(a) for a in node.args)})"
    if isinstance(node, Compare):
        return f"{_term(node.left)} {node.op} {_term(node.right)}"
    if isinstance(node, Member):
        values = ", ".join(render_literal(v) for v in node.values)
        return f"{_term(node.operand)} {'not in' if node.negated else 'in'} [{values}]"
    if isinstance(node, IsNull):
        return f"{_term(node.operand)} is {'not null' if node.negated else 'null'}"
    if isinstance(node, Not):
        return f"not {_term(node.operand)}"
    return f" {node.op} ".join(_term(operand) for operand in node.operands)


def _term(node: Node) -> str:
    single = isinstance(node, (Column, Literal, Call))
    return render(node) if single else f"({render(node)})"


def render_literal(literal: Literal) -> str:
    """A literal as it is written in an expression."""
    value = literal.value
    if literal.kind is Kind.TEXT:
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"
    if literal.kind is Kind.BOOLEAN:
        return "true" if value else "false"
    if literal.kind is Kind.TIMESTAMP:
        return f"timestamp '{value.isoformat(sep=' ')}'"
    if literal.kind is Kind.DATE:
        return f"date '{value.isoformat()}'"
    if literal.kind is Kind.DURATION:
        return f"interval '{format_duration(value)}'"
    if isinstance(value, Decimal):
        return str(value)
    return repr(value)


def format_duration(value: dt.timedelta) -> str:
    """A duration as an interval literal spells it: ``1d 2h 30m``, ``1.5s``, ``-90s``, ``0s``."""
    micro = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    sign, micro = ("-", -micro) if micro < 0 else ("", micro)
    parts = []
    for unit, size in (("d", 86_400_000_000), ("h", 3_600_000_000), ("m", 60_000_000)):
        count, micro = divmod(micro, size)
        if count:
            parts.append(f"{count}{unit}")
    if micro or not parts:
        seconds, fraction = divmod(micro, 1_000_000)
        parts.append(f"{seconds}.{fraction:06d}".rstrip("0").rstrip(".") + "s")
    return sign + " ".join(parts)
