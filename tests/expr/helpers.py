"""Helpers for the row expression tests: evaluate an expression over a small table."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from dataguard._expr import Condition, parse_condition, parse_expression
from dataguard._frame import as_source


def checked(text: str, table: pa.Table, *, where: bool = False) -> Condition:
    """The expression, parsed and checked against the table's schema."""
    condition = (parse_condition if where else parse_expression)(text)
    source = as_source(table)
    present = set(source.names)
    infos = {c: source.info(c) for c in condition.columns if c in present}
    condition.check(infos, source.names)
    return condition


def rows(text: str, table: pa.Table, *, where: bool = False) -> list[int]:
    """The rows of ``table`` where the expression holds."""
    condition = checked(text, table, where=where)
    (batch,) = as_source(table).batches(condition.columns, None)
    return [int(i) for i in np.flatnonzero(condition.mask(batch))]
