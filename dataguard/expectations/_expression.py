"""``expression``: every row satisfies a row expression (the ``where`` language, grown)."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Any, ClassVar

import numpy as np

from dataguard._expr import parse_expression
from dataguard._frame import Batch
from dataguard._text import clip
from dataguard.errors import SuiteError
from dataguard.expectations._base import Context, RowExpectation, check_mostly
from dataguard.expectations._registry import register
from dataguard.metrics import Values
from dataguard.result import ExpectationResult


@register
@dataclass(frozen=True, slots=True)
class Expression(RowExpectation):
    """Each row satisfies ``expr``, a row expression (see ``docs/expressions.md``):
    ``arr_time > dep_time or arr_time is null``.

    A row fails when the expression is not true: false, or missing (a comparison with a missing
    value is false, as in ``where``). Every row is judged, so none counts as missing; write
    ``x is null or ...`` to let rows without a value pass. The failing values reported are the
    values of the columns the expression reads. An expression that does not fit the data's
    schema (an unknown column, text compared with a number) is a SuiteError raised before any
    row is read.
    """

    name = "expression"
    #: The checker types every column the expression reads, nested ones included.
    accepts_nested = True
    example: ClassVar[dict[str, Any]] = {
        "expr": "arr_time > dep_time or arr_time is null",
        "mostly": 0.95,
    }

    expr: str
    _: KW_ONLY

    def check(self) -> None:
        check_mostly(self.mostly)
        parse_expression(self.expr)

    @property
    def columns(self) -> tuple[str, ...]:
        return parse_expression(self.expr).columns

    def precheck(self, ctx: Context) -> ExpectationResult | None:
        condition = parse_expression(self.expr)
        names = ctx.source.names
        present = set(names)
        infos = {c: ctx.info(c) for c in condition.columns if c in present}
        try:
            condition.check(infos, names)
        except TypeError as exc:
            shown = clip(repr(self.expr), 80)
            raise SuiteError(f"expression {shown}: {exc}", path="expr") from None
        return RowExpectation.precheck(self, ctx)

    def ignored(self, batch: Batch) -> np.ndarray:
        return np.zeros(batch.num_rows, dtype=bool)

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        return ~parse_expression(self.expr).mask(batch)

    def sentence(self) -> str:
        return f"Every row satisfies {self.expr}."
