"""Row-level expectations across several columns of the same row."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import Batch
from dataguard.errors import SuiteError
from dataguard.expectations._base import NUMERIC, RowExpectation, check_mostly
from dataguard.expectations._convert import comparable
from dataguard.expectations._registry import register
from dataguard.metrics import KeyCounts, Metric, Values, row_keys

IgnoreRowIf = Literal["any_value_is_missing", "all_values_are_missing", "never"]


def _ignored(batch: Batch, columns: tuple[str, ...], rule: IgnoreRowIf) -> np.ndarray:
    if rule == "never":
        return np.zeros(batch.num_rows, dtype=bool)
    masks = [batch.missing(c) for c in columns]
    combine = np.logical_or if rule == "any_value_is_missing" else np.logical_and
    return combine.reduce(masks) if len(masks) > 1 else masks[0]


def _undefined_fails(result: pa.Array) -> pa.Array:
    """A comparison involving a missing value cannot be confirmed: it fails (when not ignored)."""
    return result.fill_null(True) if result.null_count else result


def _check_columns(columns: tuple[str, ...], minimum: int, path: str) -> None:
    if len(columns) < minimum:
        raise SuiteError(f"give at least {minimum} columns", path=path)
    if len(set(columns)) != len(columns):
        raise SuiteError("a column is listed twice", path=path)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Pair(RowExpectation):
    """Shared fields of expectations comparing two columns of each row."""

    column_a: str
    column_b: str
    ignore_row_if: IgnoreRowIf = "any_value_is_missing"

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column_a, self.column_b)

    def check(self) -> None:
        check_mostly(self.mostly)
        _check_columns(self.columns, 2, "column_b")

    def ignored(self, batch: Batch) -> np.ndarray:
        return _ignored(batch, self.columns, self.ignore_row_if)

    def arrays(self, batch: Batch) -> tuple[pa.Array, pa.Array]:
        """Both columns, in types Arrow can compare."""
        return comparable(batch.array(self.column_a)), comparable(batch.array(self.column_b))


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class PairGreater(_Pair):
    """In each row, ``column_a`` is greater than ``column_b`` (``or_equal``: at least)."""

    name = "pair_greater"

    or_equal: bool = False

    def failing(self, batch: Batch, inputs: Values) -> pa.Array:
        a, b = self.arrays(batch)
        return _undefined_fails(pc.less(a, b) if self.or_equal else pc.less_equal(a, b))

    def describe(self) -> str:
        op = ">=" if self.or_equal else ">"
        return f"In every row, {self.column_a!r} {op} {self.column_b!r}."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class PairEqual(_Pair):
    """In each row, ``column_a`` equals ``column_b``."""

    name = "pair_equal"

    def failing(self, batch: Batch, inputs: Values) -> pa.Array:
        a, b = self.arrays(batch)
        return _undefined_fails(pc.not_equal(a, b))

    def describe(self) -> str:
        return f"In every row, {self.column_a!r} equals {self.column_b!r}."


@dataclass(frozen=True, slots=True, kw_only=True)
class _Multi(RowExpectation):
    """Shared fields of expectations over a list of columns of each row."""

    column_list: tuple[str, ...]
    ignore_row_if: IgnoreRowIf = "all_values_are_missing"

    @property
    def columns(self) -> tuple[str, ...]:
        return self.column_list

    def check(self) -> None:
        check_mostly(self.mostly)
        _check_columns(self.column_list, 2, "column_list")

    def ignored(self, batch: Batch) -> np.ndarray:
        return _ignored(batch, self.column_list, self.ignore_row_if)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class CompoundColumnsUnique(_Multi):
    """No combination of values of ``column_list`` occurs in two rows (missing values are equal
    to each other); every row of a repeated combination counts as unexpected."""

    name = "compound_columns_unique"

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        return (KeyCounts(self.column_list),)

    def failing(self, batch: Batch, inputs: Values) -> pa.Array | np.ndarray:
        repeated = inputs[KeyCounts(self.column_list)].repeated()
        if len(repeated) == 0:
            return np.zeros(batch.num_rows, dtype=bool)
        return pc.is_in(row_keys(batch, self.column_list), value_set=repeated)

    def describe(self) -> str:
        return f"Combinations of {list(self.column_list)!r} are unique."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class UniqueWithinRecord(_Multi):
    """Within each row, the values of ``column_list`` differ from each other."""

    name = "unique_within_record"

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        arrays = [comparable(batch.array(c)) for c in self.column_list]
        fail = np.zeros(batch.num_rows, dtype=bool)
        for a, b in itertools.combinations(arrays, 2):
            equal = pc.equal(a, b).fill_null(False)
            fail |= np.asarray(equal.to_numpy(zero_copy_only=False), dtype=bool)
        return fail

    def describe(self) -> str:
        return f"Within each row, {list(self.column_list)!r} hold different values."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class MulticolumnSumEqual(_Multi):
    """In each row, the values of ``column_list`` add up to ``sum_total`` (within ``tolerance``).

    The default tolerance 0 is exact float equality, as in Great Expectations; a small absolute
    tolerance such as 1e-9 forgives binary rounding (0.1 + 0.2 is not 0.3 in floating point).
    """

    name = "multicolumn_sum_equal"
    accepts = NUMERIC

    sum_total: float
    tolerance: float = 0.0
    ignore_row_if: IgnoreRowIf = "any_value_is_missing"

    def check(self) -> None:
        check_mostly(self.mostly)
        _check_columns(self.column_list, 1, "column_list")
        if self.tolerance < 0:
            raise SuiteError("tolerance cannot be negative", path="tolerance")

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        total = np.zeros(batch.num_rows, dtype=np.float64)
        for column in self.column_list:
            array = batch.array(column).cast(pa.float64())
            values = np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.float64)
            total += np.where(batch.missing(column), np.nan, values)
        with np.errstate(invalid="ignore"):
            return ~(np.abs(total - self.sum_total) <= self.tolerance)

    def describe(self) -> str:
        within = f" (within {self.tolerance:g})" if self.tolerance else ""
        return f"In every row, {list(self.column_list)!r} add up to {self.sum_total:g}{within}."
