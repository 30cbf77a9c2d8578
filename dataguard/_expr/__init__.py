"""Row expressions: one small, safe language for ``where`` conditions and ``expression`` checks.

An expression is read once (``_lexer``, ``_parser``: text to a tree of ``_nodes``), typed against
the data's schema before any row is read (``_check``), then evaluated batch by batch with Arrow
kernels (``_evaluate``, ``_compare``, ``_kernels``, ``_functions``). Nothing is ever evaluated as
Python code, and expressions are bounded in length and nesting (``MAX_LENGTH``, ``MAX_DEPTH``).
The grammar is documented in ``docs/expressions.md``.

The language grows pandas' ``DataFrame.query`` syntax, so Great Expectations' ``row_condition``
strings (``condition_parser: pandas``) read unchanged as ``where``::

    amount > 0 and country == "DE"
    (status != 'void') & ~(kind in ['test', 'demo'])
    `unit price` >= 1.5
    arr_time > dep_time or arr_time is null
    dep_time % 100 < 60 and lower(strip(carrier)) in ['aa', 'ua']
    time_hour - scheduled < interval '6h'

A missing value (null, NaN, NaT) equals nothing and differs from everything: ``x != 1`` holds
for it, ``x == 1`` and ``x < 1`` do not.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import numpy as np

from dataguard._expr._check import Checker, ExpressionTypeError, column_kinds
from dataguard._expr._evaluate import Evaluator
from dataguard._expr._functions import FUNCTIONS
from dataguard._expr._nodes import Kind, columns_of
from dataguard._expr._parser import MAX_DEPTH, MAX_LENGTH, Parser
from dataguard._frame import Batch, ColumnInfo
from dataguard._text import clip
from dataguard.errors import SuiteError

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Condition",
    "ExpressionTypeError",
    "Kind",
    "parse_condition",
    "parse_expression",
]


class Condition:
    """A parsed expression that is true or false for each row: the columns it reads, a check
    against the data's schema, and a vectorized row mask.

    ``lenient`` is the ``where`` dialect: ``==``/``!=`` with a literal of another kind is false /
    true instead of a type error (pandas and Great Expectations compatibility).
    """

    def __init__(self, text: str, *, lenient: bool, noun: str = "expression") -> None:
        self.text = text
        self.lenient = lenient
        self._node = Parser(text, noun).parse()
        self.columns: tuple[str, ...] = columns_of(self._node)
        try:  # what is wrong whatever the data's types (lower(1), x + 1 as a condition)
            Checker(None, lenient=lenient).condition(self._node)
        except ExpressionTypeError as exc:
            raise SuiteError(str(exc)) from None

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Condition)
            and other.text == self.text
            and other.lenient == self.lenient
        )

    def __hash__(self) -> int:
        return hash((self.text, self.lenient))

    def __repr__(self) -> str:
        return f"Condition({self.text!r}, lenient={self.lenient})"

    def check(self, infos: Mapping[str, ColumnInfo], names: Sequence[str] = ()) -> None:
        """Raise ExpressionTypeError (a TypeError) if the expression does not fit columns of
        these types: a column absent from ``infos`` (the closest of ``names`` suggested),
        values that cannot be compared or computed with, a function given the wrong kind."""
        Checker(column_kinds(infos), lenient=self.lenient, names=names).condition(self._node)

    def mask(self, batch: Batch) -> np.ndarray:
        """Which rows of the batch satisfy the condition (a missing result counts as false)."""
        return Evaluator(batch).mask(self._node)


def _parse(text: str, *, lenient: bool, noun: str, path: str) -> Condition:
    if not text.strip():
        raise SuiteError(f"the {noun} is empty", path=path)
    shown = clip(repr(text), 80)
    short = noun.rsplit(maxsplit=1)[-1]
    try:
        return Condition(text, lenient=lenient, noun=short)
    except SuiteError as exc:
        raise SuiteError(f"{noun} {shown}: {exc.problem}", path=path) from None
    except ValueError as exc:  # a number beyond Python's digit limit (4,300 by default)
        raise SuiteError(f"{noun} {shown}: {exc}", path=path) from None


@functools.lru_cache(maxsize=256)
def parse_condition(text: str) -> Condition:
    """Parse a ``where`` row condition; SuiteError (path ``where``) when it is not in the
    language."""
    return _parse(text, lenient=True, noun="row condition", path="where")


@functools.lru_cache(maxsize=256)
def parse_expression(text: str) -> Condition:
    """Parse the ``expr`` of an ``expression`` check; SuiteError (path ``expr``) when it is not
    in the language."""
    return _parse(text, lenient=False, noun="expression", path="expr")
