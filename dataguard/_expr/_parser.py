"""Reading expression text into a syntax tree: a recursive-descent parser with bounds.

Precedence, loosest first: ``or``/``|``; ``and``/``&``; ``not``/``~``; comparisons (``== != < <=
> >=``, ``in [...]``, ``not in [...]``, ``is null``, ``is not null``; they do not chain);
``+ -``; ``* / // %``; unary minus; then literals, columns, calls and parentheses. A word
followed by ``(`` is a function; ``timestamp``, ``date`` and ``interval`` followed by quoted text
are typed literals; any other word is a column (backquotes quote any name).
"""

from __future__ import annotations

from typing import Any

from dataguard._expr._functions import FUNCTIONS, Function
from dataguard._expr._lexer import LexError, Token, tokens
from dataguard._expr._literals import TYPED_WORDS, LiteralError, typed
from dataguard._expr._nodes import (
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
    columns_of,
    render,
)
from dataguard._frame import COMPARISONS
from dataguard._regex import MAX_PATTERN, re2_obstacle, validate_pattern
from dataguard.errors import SuiteError, did_you_mean

#: Longest expression read: tokenizing and checking cost grows with the text, and a filter of
#: two thousand comparisons joined by ``and`` still fits.
MAX_LENGTH = 100_000
#: Most levels of parentheses, ``not``, unary minus and function calls an expression may nest:
#: parsing and evaluating recurse once per level, and no real expression comes near this.
MAX_DEPTH = 64

_ADDITIVE = ("+", "-")
_MULTIPLICATIVE = ("*", "/", "//", "%")
#: Tokens that may follow a complete operand; anything else there is a missing operator.
_FOLLOWERS = frozenset({")", "]", ",", "&", "|", "and", "or"})


class Parser:
    """Parses one expression; ``noun`` (``condition``, ``expression``) names it in errors."""

    def __init__(self, text: str, noun: str) -> None:
        if len(text) > MAX_LENGTH:
            raise SuiteError(f"the {noun} is longer than {MAX_LENGTH:,} characters")
        self.text = text
        try:
            self.items = tokens(text)
        except LexError as exc:
            raise SuiteError(f"cannot read the {noun} at {text[exc.start :][:20]!r}") from None
        self.at = 0
        self.depth = 0

    def parse(self) -> Node:
        """The whole text as one node; SuiteError on anything that is not in the language."""
        node = self.disjunction()
        leftover = self.peek()
        if leftover is not None:
            raise SuiteError(f"unexpected {leftover.text!r}")
        if not columns_of(node):
            raise SuiteError("it reads no column")
        return node

    # -- tokens ---------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token | None:
        at = self.at + ahead
        return self.items[at] if at < len(self.items) else None

    def take(self, *ops: str) -> str | None:
        item = self.peek()
        if item is not None and item.kind == "op" and item.text in ops:
            self.at += 1
            return item.text
        return None

    def take_word(self, word: str) -> bool:
        item = self.peek()
        if item is not None and item.kind == "word" and item.text == word:
            self.at += 1
            return True
        return False

    def expect(self, op: str) -> None:
        if self.take(op) is None:
            raise SuiteError(f"expected {op!r}, found {self.found()!r}")

    def found(self) -> str:
        item = self.peek()
        return "the end" if item is None else item.text

    def deeper(self) -> None:
        """Enter one level of nesting; SuiteError past MAX_DEPTH (before Python's own limit)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SuiteError(
                f"it nests deeper than {MAX_DEPTH} levels (parentheses, not, minus, calls)"
            )

    # -- grammar, loosest first -----------------------------------------------------------

    def disjunction(self) -> Node:
        operands = [self.conjunction()]
        while self.take("|", "or"):
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else Logical("or", tuple(operands))

    def conjunction(self) -> Node:
        operands = [self.negation()]
        while self.take("&", "and"):
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else Logical("and", tuple(operands))

    def negation(self) -> Node:
        if self.take("~", "not"):
            self.deeper()
            node = Not(self.negation())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> Node:
        start = self.at
        left = self.additive()
        if self.take("in"):
            return self.member(left, negated=False)
        if self.take("not"):
            self.expect("in")
            return self.member(left, negated=True)
        if self.take_word("is"):
            negated = self.take("not") is not None
            if not self.take_word("null"):
                raise SuiteError(f"expected 'null' after 'is', found {self.found()!r}")
            return IsNull(left, negated)
        op = self.take(*COMPARISONS)
        if op is None:
            item = self.peek()
            if item is not None and item.text not in _FOLLOWERS:
                written = self.text[self.items[start].start : item.start].strip()
                raise SuiteError(f"expected a comparison after {written!r}, found {item.text!r}")
            return left
        right = self.additive()
        item = self.peek()
        if item is not None and item.kind == "op" and item.text in COMPARISONS:
            raise SuiteError(
                f"comparisons do not chain ({render(left)} {op} {render(right)} {item.text} "
                "...): join them with 'and'"
            )
        if not columns_of(left) and not columns_of(right):
            raise SuiteError(
                f"a comparison needs a column on at least one side ({render(left)} {op} "
                f"{render(right)})"
            )
        return Compare(op, left, right)

    def member(self, operand: Node, *, negated: bool) -> Node:
        if not columns_of(operand):
            raise SuiteError(f"'in' needs a column on its left, found {render(operand)}")
        self.expect("[")
        values: list[Literal] = []
        while self.take("]") is None:
            if values:
                self.expect(",")
            item = self.additive()
            if isinstance(item, Column):
                raise SuiteError(f"'in' lists values, not columns ({item.name!r})")
            if not isinstance(item, Literal):
                raise SuiteError(f"'in' lists values, not expressions ({render(item)})")
            values.append(item)
        return Member(operand, tuple(values), negated)

    def additive(self) -> Node:
        first = self.multiplicative()
        rest: list[tuple[str, Node]] = []
        while (op := self.take(*_ADDITIVE)) is not None:
            rest.append((op, self.multiplicative()))
        return Arithmetic(first, tuple(rest)) if rest else first

    def multiplicative(self) -> Node:
        first = self.unary()
        rest: list[tuple[str, Node]] = []
        while (op := self.take(*_MULTIPLICATIVE)) is not None:
            rest.append((op, self.unary()))
        return Arithmetic(first, tuple(rest)) if rest else first

    def unary(self) -> Node:
        sign = self.take("-", "+")
        if sign is None:
            return self.primary()
        self.deeper()
        operand = self.unary()
        self.depth -= 1
        if isinstance(operand, Literal) and operand.kind in (Kind.NUMBER, Kind.DURATION):
            # A signed literal stays a literal: ``x == -2.5`` compares exactly.
            return Literal(-operand.value if sign == "-" else operand.value, operand.kind)
        if sign == "+":
            raise SuiteError(f"unary '+' applies to number literals only, not {render(operand)}")
        return Negative(operand)

    def primary(self) -> Node:
        item = self.peek()
        if item is None or (item.kind == "op" and item.text != "("):
            raise SuiteError(f"expected a column or a value, found {self.found()!r}")
        self.at += 1
        if item.kind == "op":
            self.deeper()
            node = self.disjunction()
            self.expect(")")
            self.depth -= 1
            return node
        if item.kind == "number":
            return Literal(item.value, Kind.NUMBER)
        if item.kind == "string":
            return Literal(item.value, Kind.TEXT)
        if item.kind == "boolean":
            return Literal(item.value, Kind.BOOLEAN)
        if item.kind == "column":
            return Column(item.value)
        following = self.peek()
        if following is not None and following.text == "(" and following.kind == "op":
            return self.call(item.text)
        if item.text in TYPED_WORDS and following is not None and following.kind == "string":
            self.at += 1
            try:
                return typed(item.text, following.value)
            except LiteralError as exc:
                raise SuiteError(str(exc)) from None
        return Column(item.text)

    def call(self, name: str) -> Node:
        function = FUNCTIONS.get(name)
        if function is None:
            hint = did_you_mean([name], FUNCTIONS, most=1)
            raise SuiteError(
                f"unknown function {name!r}{hint} (functions: {', '.join(sorted(FUNCTIONS))})"
            )
        self.expect("(")
        self.deeper()
        args: list[Node] = []
        while self.take(")") is None:
            if args:
                self.expect(",")
            args.append(self.disjunction())
        self.depth -= 1
        if not function.accepts_count(len(args)):
            raise SuiteError(f"{name}() takes {function.arity}, got {len(args)}")
        for position in function.literal:
            if position < len(args):
                _literal_argument(function, position, args[position])
        return Call(name, tuple(args))


def _literal_argument(function: Function, position: int, arg: Node) -> None:
    """Check an argument that must be a literal: a whole number where the function takes a
    number there (digits), else text (a pattern, a prefix)."""
    whole = Kind.NUMBER in function.param(position)
    value: Any = arg.value if isinstance(arg, Literal) else None
    fits = (
        isinstance(value, int) and not isinstance(value, bool) if whole else isinstance(value, str)
    )
    if not fits:
        wanted = "whole number" if whole else "text"
        raise SuiteError(
            f"argument {position + 1} of {function.name}() must be a {wanted} literal, "
            f"not {render(arg)}"
        )
    if function.name == "matches":
        _check_pattern(value)


def _check_pattern(pattern: str) -> None:
    """A ``matches`` pattern must be a Python pattern that RE2 runs (there is no opt-in to
    Python's backtracking engine in an expression)."""
    obstacle = re2_obstacle(pattern) if len(pattern) <= MAX_PATTERN else None
    try:
        validate_pattern(pattern, path="")
    except SuiteError as exc:
        problem = exc.problem
        if obstacle is not None and "RE2 cannot run" in problem:
            problem = (
                f"the pattern uses {obstacle}, which RE2 cannot run (RE2 guarantees linear time)"
            )
        raise SuiteError(f"matches(): {problem}") from None
