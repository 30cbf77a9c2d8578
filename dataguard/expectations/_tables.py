"""Expectations across tables: keys found in another table, equal row counts, equal value sets.

The other table is named (``table: planes``) and given to ``validate`` (``tables=``, a suite's
``tables:`` block, or the CLI's ``--table``); its metrics are computed over its own rows by the
same engine (``metrics.OnTable``), and matched to the data's by fingerprint sets, confirmed
exactly (``metrics.KeySet``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa

from dataguard._frame import Batch, Source
from dataguard.errors import SuiteError, did_you_mean
from dataguard.expectations._base import Context, Expectation, RowExpectation, check_mostly
from dataguard.expectations._registry import register
from dataguard.metrics import (
    Keys,
    KeySet,
    Metric,
    OnTable,
    RowCount,
    Values,
    comparable_keys,
    key_arrays,
    key_prints,
)
from dataguard.result import ExpectationResult, Reason

#: Values of each side listed in a result's details, at most.
_LISTED = 20


def _table_problem(
    exp: Expectation, ctx: Context, pairs: tuple[tuple[str, str], ...]
) -> ExpectationResult | None:
    """A failed result when the other table was not given, lacks a column, or holds values of
    another kind than the data's column it is matched with."""
    table: str = next(iter(exp.other_tables()))
    other: Source | None = ctx.tables.get(table)
    if other is None:
        return exp.result(False, Reason.ERROR, f"no table named {table!r} was given")
    for mine, theirs in pairs:
        if theirs not in other.names:
            return exp.result(
                False,
                Reason.COLUMN_MISSING,
                f"column {theirs!r} not found in table {table!r}"
                + did_you_mean([theirs], other.names),
            )
        left, right = ctx.info(mine), other.info(theirs)
        if not comparable_keys(left.arrow_type, right.arrow_type):
            return exp.result(
                False,
                Reason.TYPE_MISMATCH,
                f"column {mine!r} ({left.dtype}) cannot be matched with column {theirs!r} "
                f"({right.dtype}) of table {table!r}",
            )
    return None


def _key(single: str | None, several: tuple[str, ...], names: tuple[str, str]) -> tuple[str, ...]:
    """One key's columns from its one-column and several-column spellings (``names``)."""
    if single is not None and several:
        raise SuiteError(f"give {names[0]} or {names[1]}, not both", path=names[1])
    key = (single,) if single is not None else several
    if not key:
        raise SuiteError(f"give {names[0]} or {names[1]}", path=names[0])
    if len(set(key)) != len(key):
        raise SuiteError("a column is listed twice", path=names[1])
    return key


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ForeignKey(RowExpectation):
    """Every row's key (``column``, or ``columns`` together) occurs in the other table's
    ``table_column`` (or ``table_columns``, in the same order). Rows missing any part of the key
    are left out, as missing values are by every row-level check. Numbers match by value
    (``1`` matches ``1.0``); text matches numbers never (a type mismatch)."""

    name = "foreign_key"
    example: ClassVar[dict[str, Any]] = {
        "column": "tailnum",
        "table": "planes",
        "table_column": "tailnum",
    }

    column: str | None = None
    columns: tuple[str, ...] = ()  # the key's columns, as declared
    table: str
    table_column: str | None = None
    table_columns: tuple[str, ...] = ()

    def check(self) -> None:
        check_mostly(self.mostly)
        key = _key(self.column, self.columns, ("column", "columns"))
        other = _key(self.table_column, self.table_columns, ("table_column", "table_columns"))
        if len(key) != len(other):
            raise SuiteError(
                f"the key has {len(key)} columns here and {len(other)} in table {self.table!r}",
                path="table_columns",
            )
        object.__setattr__(self, "columns", key)
        object.__setattr__(self, "table_columns", other)

    def to_dict(self) -> dict[str, Any]:
        out = Expectation.to_dict(self)
        # A one-column key is written as declared, once.
        if self.column is not None:
            out.pop("columns", None)
        if self.table_column is not None:
            out.pop("table_columns", None)
        return out

    def other_tables(self) -> dict[str, tuple[str, ...]]:
        return {self.table: self.table_columns}

    def _keys(self) -> OnTable:
        return OnTable(self.table, Keys(self.table_columns))

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        return (self._keys(),)

    def precheck(self, ctx: Context) -> ExpectationResult | None:
        pairs = tuple(zip(self.columns, self.table_columns, strict=True))
        return RowExpectation.precheck(self, ctx) or _table_problem(self, ctx, pairs)

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        present = ~self.ignored(batch)
        keys = key_arrays(batch, self.columns, present)
        held: KeySet = inputs[self._keys()]
        fail = np.zeros(batch.num_rows, dtype=bool)
        fail[np.flatnonzero(present)] = ~held.holds(key_prints(keys), keys)
        return fail

    def sentence(self) -> str:
        mine = ", ".join(repr(c) for c in self.columns)
        theirs = ", ".join(repr(c) for c in self.table_columns)
        return f"Every {mine} occurs as {theirs} in table {self.table!r}."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class RowCountEqualTable(Expectation):
    """The data has as many rows as the other table."""

    name = "row_count_equal_table"
    example: ClassVar[dict[str, Any]] = {"table": "planes"}

    table: str

    def other_tables(self) -> dict[str, tuple[str, ...]]:
        return {self.table: ()}

    def precheck(self, ctx: Context) -> ExpectationResult | None:
        return Expectation.precheck(self, ctx) or _table_problem(self, ctx, ())

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (RowCount(), OnTable(self.table, RowCount()))

    def evaluate(self, ctx: Context) -> ExpectationResult:
        observed = ctx.values[RowCount()]
        expected = ctx.values[OnTable(self.table, RowCount())]
        passed = observed == expected
        return self.result(
            passed,
            Reason.PASSED if passed else Reason.OUT_OF_RANGE,
            f"{observed} rows, table {self.table!r} has {expected}",
            observed_value=observed,
        )

    def sentence(self) -> str:
        return f"The table has as many rows as table {self.table!r}."


def _absent(values: KeySet, other: KeySet) -> pa.Array:
    """The keys of ``values`` (one column) that ``other`` does not hold, sorted."""
    found = other.holds(values.prints, values.keys)
    absent = values.keys[0].filter(pa.array(~found))
    return absent.sort()


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class DistinctValuesEqualTable(Expectation):
    """The distinct present values of ``column`` are exactly those of ``table_column`` in the
    other table (numbers match by value, as in ``foreign_key``)."""

    name = "distinct_values_equal_table"
    example: ClassVar[dict[str, Any]] = {
        "column": "carrier",
        "table": "airlines",
        "table_column": "carrier",
    }

    column: str
    table: str
    table_column: str

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def other_tables(self) -> dict[str, tuple[str, ...]]:
        return {self.table: (self.table_column,)}

    def precheck(self, ctx: Context) -> ExpectationResult | None:
        pairs = ((self.column, self.table_column),)
        return Expectation.precheck(self, ctx) or _table_problem(self, ctx, pairs)

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (Keys((self.column,)), OnTable(self.table, Keys((self.table_column,))))

    def evaluate(self, ctx: Context) -> ExpectationResult:
        mine = ctx.values[Keys((self.column,))]
        theirs = ctx.values[OnTable(self.table, Keys((self.table_column,)))]
        extra, absent = _absent(mine, theirs), _absent(theirs, mine)
        passed = len(extra) == 0 and len(absent) == 0
        details = {
            "unexpected_values": extra.slice(0, _LISTED).to_pylist(),
            "missing_values": absent.slice(0, _LISTED).to_pylist(),
        }
        if passed:
            message = f"{mine.size} distinct values, as in table {self.table!r}"
        else:
            problems = []
            if len(extra):
                problems.append(
                    f"{len(extra)} not in table {self.table!r} (e.g. {extra[0].as_py()!r})"
                )
            if len(absent):
                problems.append(
                    f"{len(absent)} of table {self.table!r} never seen (e.g. {absent[0].as_py()!r})"
                )
            message = "; ".join(problems)
        return self.result(
            passed,
            Reason.PASSED if passed else Reason.UNEXPECTED_VALUES,
            message,
            observed_value=mine.size,
            details=details,
        )

    def sentence(self) -> str:
        return (
            f"Distinct values of {self.column!r} are exactly those of {self.table_column!r} "
            f"in table {self.table!r}."
        )
