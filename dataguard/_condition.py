"""Row conditions (``where``): a small, safe filter language, evaluated with Arrow kernels.

An expectation with ``where`` applies only to the rows where the condition holds, as if the data
held only those rows. The language is a subset of pandas' ``DataFrame.query`` syntax, so Great
Expectations' ``row_condition`` strings (``condition_parser: pandas``) read unchanged::

    amount > 0 and country == "DE"
    (status != 'void') & ~(kind in ['test', 'demo'])
    `unit price` >= 1.5

Operands are column names (bare, or in backquotes when they hold other characters), numbers,
quoted strings and ``true``/``false``. Comparisons are ``== != < <= > >=``, ``in [...]`` and
``not in [...]``; they combine with ``and``/``&``, ``or``/``|`` and ``not``/``~`` (comparisons bind
tighter than ``&`` and ``|``, as in pandas). A missing value (null, NaN, NaT) equals nothing and
differs from everything: ``x != 1`` holds for it, ``x == 1`` and ``x < 1`` do not. A value of
another kind than the column's never equals it (``x == "1"`` on numbers matches no row); ordering
a column against a value of another kind is a type error, reported before any row is read.
Nothing is ever evaluated as Python code.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import (
    COMPARISONS,
    Batch,
    Incomparable,
    bools,
    comparable,
    compare,
    set_comparable,
    to_column_value,
    value_set,
)
from dataguard._mixed import typed_in, typed_members
from dataguard._text import clip
from dataguard.errors import SuiteError

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<number>[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)
    | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<quoted>`[^`]+`)
    | (?P<op>==|!=|<=|>=|<|>|&|\||~|\(|\)|\[|\]|,)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
_LITERAL_WORDS = {"true": True, "True": True, "false": False, "False": False}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"'}


@dataclass(frozen=True)
class _Column:
    name: str


@dataclass(frozen=True)
class _Compare:
    op: str
    left: _Column | Any
    right: _Column | Any


@dataclass(frozen=True)
class _Member:
    column: _Column
    values: tuple[Any, ...]
    negated: bool


@dataclass(frozen=True)
class _Not:
    operand: Node


@dataclass(frozen=True)
class _Bool:
    op: str  # "and" | "or"
    operands: tuple[Node, ...]


Node = _Compare | _Member | _Not | _Bool


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None or match.end() == position:
            raise SuiteError(f"cannot read the condition at {stripped[position:][:20]!r}")
        kind = match.lastgroup
        value = match.group(kind or "")
        position = match.end()
        if kind == "number":
            out.append(("value", _number(value)))
        elif kind == "string":
            out.append(("value", _unescape(value)))
        elif kind == "quoted":
            out.append(("column", value[1:-1]))
        elif kind == "word" and value in ("and", "or", "not", "in"):
            out.append(("op", value))
        elif kind == "word" and value in _LITERAL_WORDS:
            out.append(("value", _LITERAL_WORDS[value]))
        elif kind == "word":
            out.append(("column", value))
        else:
            out.append(("op", value))
    return out


#: Most levels of parentheses and ``not`` a condition may nest: parsing and evaluating recurse
#: once per level, and no real filter comes near this.
MAX_DEPTH = 64


def _number(text: str) -> int | Decimal | float:
    """A number literal, exactly: integers as ints, others as decimals (``d == 1.0000000000000001``
    on a decimal column means that number, not the float 1.0; float columns compare with its
    nearest float). A literal too large or small for a float is a float (an infinity or 0)."""
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    number = Decimal(text)
    return (
        number if number.is_zero() or abs(number.adjusted()) <= _DECIMAL_EXPONENTS else float(text)
    )


#: Decimal literals with exponents up to this size are kept exact (floats reach 10**308).
_DECIMAL_EXPONENTS = 330


class _Parser:
    def __init__(self, text: str) -> None:
        self.items = _tokens(text)
        self.at = 0
        self.depth = 0

    def deeper(self) -> None:
        """Enter one level of nesting; SuiteError past MAX_DEPTH (before Python's own limit)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SuiteError(
                f"the condition nests deeper than {MAX_DEPTH} levels (parentheses, not)"
            )

    def peek(self) -> tuple[str, Any] | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def take(self, *ops: str) -> str | None:
        item = self.peek()
        if item is not None and item[0] == "op" and item[1] in ops:
            self.at += 1
            return str(item[1])
        return None

    def expect(self, op: str) -> None:
        if self.take(op) is None:
            found = self.peek()
            raise SuiteError(f"expected {op!r}, found {found[1] if found else 'the end'!r}")

    def parse(self) -> Node:
        node = self.disjunction()
        if self.peek() is not None:
            raise SuiteError(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return node

    def disjunction(self) -> Node:
        operands = [self.conjunction()]
        while self.take("|", "or"):
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else _Bool("or", tuple(operands))

    def conjunction(self) -> Node:
        operands = [self.negation()]
        while self.take("&", "and"):
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else _Bool("and", tuple(operands))

    def negation(self) -> Node:
        if self.take("~", "not"):
            self.deeper()
            node = _Not(self.negation())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> Node:
        if self.take("("):
            self.deeper()
            node = self.disjunction()
            self.expect(")")
            self.depth -= 1
            return node
        left = self.operand()
        if self.take("in"):
            return self.member(left, negated=False)
        if self.take("not"):
            self.expect("in")
            return self.member(left, negated=True)
        op = self.take(*COMPARISONS)
        if op is None:
            found = self.peek()
            raise SuiteError(
                f"expected a comparison after {_show(left)}, found "
                f"{found[1] if found else 'the end'!r}"
            )
        right = self.operand()
        if not isinstance(left, _Column) and not isinstance(right, _Column):
            raise SuiteError("a comparison needs a column on at least one side")
        return _Compare(op, left, right)

    def member(self, left: Any, *, negated: bool) -> Node:
        if not isinstance(left, _Column):
            raise SuiteError("'in' needs a column on its left")
        self.expect("[")
        values: list[Any] = []
        while self.take("]") is None:
            if values:
                self.expect(",")
            item = self.operand()
            if isinstance(item, _Column):
                raise SuiteError(f"'in' lists values, not columns ({item.name!r})")
            values.append(item)
        return _Member(left, tuple(values), negated)

    def operand(self) -> Any:
        item = self.peek()
        if item is None or item[0] == "op":
            found = item[1] if item else "the end"
            raise SuiteError(f"expected a column or a value, found {found!r}")
        self.at += 1
        return _Column(item[1]) if item[0] == "column" else item[1]


def _show(operand: Any) -> str:
    return repr(operand.name) if isinstance(operand, _Column) else repr(operand)


def _columns(node: Node) -> tuple[str, ...]:
    if isinstance(node, _Compare):
        sides = (node.left, node.right)
        return tuple(s.name for s in sides if isinstance(s, _Column))
    if isinstance(node, _Member):
        return (node.column.name,)
    if isinstance(node, _Not):
        return _columns(node.operand)
    return tuple(c for operand in node.operands for c in _columns(operand))


def _exact_kind(t: pa.DataType) -> bool:
    return bool(pa.types.is_integer(t) or pa.types.is_decimal(t))


def _compare_columns(op: str, left: pa.Array, right: pa.Array) -> np.ndarray:
    """Two columns compared row by row, exactly for integers and decimals of any size."""
    if not (_exact_kind(left.type) and _exact_kind(right.type)):  # Arrow compares those exactly
        left, right = comparable(left), comparable(right)
    if pa.types.is_floating(left.type) and pa.types.is_integer(right.type):
        flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
        return _compare_with_floats(flipped, right, left)
    if pa.types.is_floating(right.type) and pa.types.is_integer(left.type):
        return _compare_with_floats(op, left, right)
    return bools(COMPARISONS[op](left, right))


def _compare_with_floats(op: str, integers: pa.Array, floats: pa.Array) -> np.ndarray:
    """Integers compared with floats, exactly: as floats, then, where an integer of magnitude
    2**53 or more rounds to the very float it is compared with, as integers (the float is whole
    there). An integer's nearest float differs from another float exactly when the integer
    does, on the same side, so the other rows need nothing more."""
    rounded = integers.cast(pa.float64(), safe=False)
    result = bools(COMPARISONS[op](rounded, floats))
    tied = bools(pc.and_(pc.equal(rounded, floats), pc.greater_equal(pc.abs(rounded), 2.0**53)))
    for row in np.flatnonzero(tied).tolist():
        exact = int(integers[row].as_py()) - int(floats[row].as_py())
        result[row] = bool(COMPARISONS[op](pa.scalar(exact), pa.scalar(0)).as_py())
    return result


class Condition:
    """A parsed row condition: the columns it reads and a vectorized row mask."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._node = _Parser(text).parse()
        self.columns: tuple[str, ...] = tuple(dict.fromkeys(_columns(self._node)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Condition) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"Condition({self.text!r})"

    def mask(self, batch: Batch) -> np.ndarray:
        """Which rows of the batch satisfy the condition."""
        return self._eval(self._node, batch)

    def check(self, types: dict[str, pa.DataType]) -> None:
        """Raise TypeError if the condition compares values that cannot be compared."""
        arrays = {name: pa.nulls(1, type=t) for name, t in types.items()}
        self._eval(self._node, Batch(arrays, 0, 1))

    def _eval(self, node: Node, batch: Batch) -> np.ndarray:
        if isinstance(node, _Bool):
            combine = np.logical_and if node.op == "and" else np.logical_or
            return combine.reduce([self._eval(n, batch) for n in node.operands])  # type: ignore[no-any-return]
        if isinstance(node, _Not):
            return ~self._eval(node.operand, batch)
        if isinstance(node, _Member):
            return self._member(node, batch)
        return self._compare(node, batch)

    def _member(self, node: _Member, batch: Batch) -> np.ndarray:
        array = batch.array(node.column.name)
        mixed = batch.mixed_values(node.column.name)
        if mixed is not None:  # compared by type: 1 is not "1"
            found = typed_in(mixed, _typed_literals(node.values))
        else:
            members = value_set(node.values, array.type)
            found = bools(pc.is_in(set_comparable(array, members), value_set=members), False)
        inside: np.ndarray = found & ~batch.missing(node.column.name)
        return ~inside if node.negated else inside

    def _compare(self, node: _Compare, batch: Batch) -> np.ndarray:
        op, left, right = node.op, node.left, node.right
        if not isinstance(left, _Column):  # literal on the left: flip the comparison
            flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
            return self._compare(_Compare(flipped, right, left), batch)
        array = batch.array(left.name)
        missing = batch.missing(left.name)
        if isinstance(right, _Column):
            other = batch.array(right.name)
            missing = missing | batch.missing(right.name)
            if pa.types.is_null(array.type) or pa.types.is_null(other.type):
                result = np.zeros(batch.num_rows, dtype=bool)
            else:
                try:
                    result = _compare_columns(op, array, other)
                except (pa.ArrowNotImplementedError, pa.ArrowInvalid) as exc:
                    raise TypeError(
                        f"columns {left.name!r} ({array.type}) and {right.name!r} "
                        f"({other.type}) cannot be compared"
                    ) from exc
        elif op in ("==", "!=") and (mixed := batch.mixed_values(left.name)) is not None:
            result = typed_in(mixed, _typed_literals((right,)))  # by type: 1 is not "1"
            result = ~result if op == "!=" else result
        else:
            try:
                value = to_column_value(right, array.type)
            except Incomparable as exc:
                if op in ("==", "!="):  # a value of another kind never equals the column's
                    return np.full(batch.num_rows, op == "!=")
                raise TypeError(f"{left.name!r} ({array.type}) {op} {right!r}: {exc}") from None
            if pa.types.is_null(array.type) or value is None:
                result = np.zeros(batch.num_rows, dtype=bool)
            else:  # exact for integers and decimals of any size
                result = bools(compare(array, op, value))
        if op == "!=":
            return result | missing  # type: ignore[no-any-return]
        return result & ~missing  # type: ignore[no-any-return]


def _typed_literals(values: tuple[Any, ...]) -> frozenset[tuple[str, Hashable]]:
    """Literals as members for a mixed column's objects, whose numbers are Python ints and
    floats (a decimal literal means its nearest float, as the float objects are)."""
    return typed_members(float(v) if isinstance(v, Decimal) else v for v in values)


@functools.lru_cache(maxsize=256)
def parse_condition(text: str) -> Condition:
    """Parse a row condition; SuiteError (path ``where``) when it is not in the language."""
    if not text.strip():
        raise SuiteError("the row condition is empty", path="where")
    shown = clip(repr(text), 80)
    try:
        return Condition(text)
    except SuiteError as exc:
        raise SuiteError(f"row condition {shown}: {exc.problem}", path="where") from None
    except ValueError as exc:  # a number beyond Python's digit limit (4,300 by default)
        raise SuiteError(f"row condition {shown}: {exc}", path="where") from None
