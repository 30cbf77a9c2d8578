"""GX suite parameters (``{"$PARAMETER": "now() - timedelta(weeks=52)"}``), evaluated safely.

GX evaluates these expressions when it validates. dataguard has no late-bound values in a suite,
so an import evaluates them once, at import, with named values from the caller's ``parameters``:
the suite then holds the resulting values (a date-time for ``now()``). The expression language
is the subset GX suites use: numbers, strings, names of the given parameters, ``+ - * /``, and
the calls ``now()``, ``datetime(Y, M, D[, h, m, s])``, ``date(Y, M, D)`` and ``timedelta(weeks=,
days=, hours=, minutes=, seconds=)``. Anything else is refused; no Python code is run. Expressions
are bounded (``MAX_EXPRESSION`` characters, ``MAX_DEPTH`` levels of nesting) and a value out of
the range of dates and durations is a SuiteError naming the expression, like any other refusal.
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
from collections.abc import Callable, Mapping
from typing import Any

from dataguard._text import clip
from dataguard.errors import SuiteError

_OPERATORS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_TIMEDELTA_UNITS = frozenset({"weeks", "days", "hours", "minutes", "seconds"})
#: Longest expression read: GX suites hold short ones (``now() - timedelta(weeks=52)``), and
#: parsing and evaluation cost grows with the text.
MAX_EXPRESSION = 1_000
#: Deepest nesting of operations and calls evaluated (evaluation recurses once per level).
MAX_DEPTH = 32


def is_parameter(value: Any) -> bool:
    """Whether a value is, or holds, a GX suite parameter such as ``{"$PARAMETER": "now()"}``.

    Walks the value with a stack, not recursion: a kwarg nested a thousand levels deep is
    answered (and then refused by the parameter's own check), never a RecursionError."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, Mapping):
            if "$PARAMETER" in item:
                return True
            pending.extend(item.values())
        elif isinstance(item, (list, tuple)):
            pending.extend(item)
    return False


def substitute(value: Any, parameters: Mapping[str, Any], now: dt.datetime, depth: int = 0) -> Any:
    """``value`` with every ``{"$PARAMETER": expression}`` replaced by the expression's value;
    SuiteError for values nested deeper than MAX_DEPTH."""
    if depth > MAX_DEPTH:
        raise SuiteError(f"a value holding a $PARAMETER nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, Mapping):
        if "$PARAMETER" in value:
            if set(value) != {"$PARAMETER"}:
                raise SuiteError("a $PARAMETER mapping has no other keys")
            return evaluate(value["$PARAMETER"], parameters, now)
        return {k: substitute(v, parameters, now, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, parameters, now, depth + 1) for v in value]
    return value


def evaluate(expression: Any, parameters: Mapping[str, Any], now: dt.datetime) -> Any:
    """The value of one suite-parameter expression."""
    if not isinstance(expression, str):
        raise SuiteError(f"a $PARAMETER must be an expression string, got {expression!r}")
    if len(expression) > MAX_EXPRESSION:
        raise SuiteError(
            f"suite parameter {clip(repr(expression), 40, tally=False)}: longer than "
            f"{MAX_EXPRESSION} characters"
        )
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise SuiteError(f"cannot read the suite parameter {expression!r}") from None
    return _Evaluator(parameters, now, expression).visit(tree.body)


class _Evaluator:
    def __init__(self, parameters: Mapping[str, Any], now: dt.datetime, text: str) -> None:
        self.parameters = parameters
        self.now = now
        self.text = text
        self.depth = 0

    def refuse(self, what: str) -> SuiteError:
        return SuiteError(f"suite parameter {self.text!r}: {what}")

    def visit(self, node: ast.expr) -> Any:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.refuse(f"nests deeper than {MAX_DEPTH} levels")
        value = self.value(node)
        self.depth -= 1
        return value

    def value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in self.parameters:
                raise self.refuse(f"no value was given for {node.id!r} (give it in parameters=)")
            return self.parameters[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.visit(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            left, right = self.visit(node.left), self.visit(node.right)
            if isinstance(left, (str, bytes)) or isinstance(right, (str, bytes)):
                # "a" * 10**9 would build a gigabyte string: arithmetic is for numbers and dates.
                raise self.refuse("arithmetic on text is not supported")
            try:
                return _OPERATORS[type(node.op)](left, right)
            except (TypeError, ZeroDivisionError, OverflowError) as exc:
                raise self.refuse(str(exc)) from None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node.func.id, node)
        raise self.refuse(f"{ast.unparse(node)!r} is not supported")

    def call(self, name: str, node: ast.Call) -> Any:
        args = [self.visit(a) for a in node.args]
        kwargs = {k.arg: self.visit(k.value) for k in node.keywords if k.arg is not None}
        if len(kwargs) != len(node.keywords):
            raise self.refuse("** arguments are not supported")
        numbers = all(isinstance(v, (int, float)) for v in [*args, *kwargs.values()])
        if name == "now" and not args and not kwargs:
            return self.now
        if name in ("datetime", "date") and numbers and not kwargs:
            if not all(isinstance(a, int) for a in args):
                raise self.refuse(f"{name}() takes whole numbers")
            try:
                return dt.datetime(*args) if name == "datetime" else dt.date(*args)
            except OverflowError:
                raise self.refuse(f"{name}() out of range") from None
            except (TypeError, ValueError) as exc:
                raise self.refuse(str(exc)) from None
        if name == "timedelta" and numbers and not args and set(kwargs) <= _TIMEDELTA_UNITS:
            try:
                return dt.timedelta(**kwargs)
            except (OverflowError, ValueError) as exc:
                given = ", ".join(
                    f"{k}={ast.unparse(v.value)}"
                    for k, v in zip(kwargs, node.keywords, strict=True)
                )
                raise self.refuse(f"timedelta({given}) out of range: {exc}") from None
        raise self.refuse(f"{name}() with these arguments is not supported")
