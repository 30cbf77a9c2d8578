"""Row-level expectations across several columns of the same row."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import Batch, bools, comparable, set_comparable, value_set
from dataguard.errors import SuiteError
from dataguard.expectations._base import NUMERIC, Context, RowExpectation, check_mostly
from dataguard.expectations._params import Scalar
from dataguard.expectations._registry import register
from dataguard.metrics import (
    Duplicated,
    DuplicateRows,
    IgnoreRowIf,
    Key,
    Metric,
    Values,
    ViolationSummary,
    canonical,
    ignored_rows,
)
from dataguard.result import ExpectationResult, Reason


def _undefined_fails(result: pa.Array, batch: Batch, columns: tuple[str, ...]) -> np.ndarray:
    """A comparison involving a missing value cannot be confirmed: it fails (when not ignored).

    Missing includes NaN, which Arrow compares as a value (every comparison false).
    """
    fail = bools(result, null=True)
    for column in columns:
        fail = fail | batch.missing(column)
    return fail


def _comparison_mismatch(
    exp: RowExpectation, ctx: Context, kernel: Callable[[pa.Array, pa.Array], pa.Array]
) -> ExpectationResult | None:
    """A failed result when two of the columns hold values ``kernel`` cannot compare.

    Tried on one-null arrays of the columns' types, so a number-versus-string pair is reported as a
    type mismatch up front rather than as an error from the middle of a pass.
    """
    for a, b in itertools.combinations(exp.columns, 2):
        left, right = _aligned(
            [comparable(pa.nulls(1, type=ctx.info(c).arrow_type)) for c in (a, b)]
        )
        try:
            kernel(left, right)
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid, pa.ArrowTypeError):
            return exp.result(
                False,
                Reason.TYPE_MISMATCH,
                f"columns {a!r} ({ctx.info(a).dtype}) and {b!r} ({ctx.info(b).dtype}) "
                "cannot be compared",
            )
    return None


def _aligned(arrays: list[pa.Array]) -> list[pa.Array]:
    """The columns in types one comparison kernel takes.

    A column of Arrow type null (all values missing) takes the others' type. Integers compared
    with floats become floats, as in pandas and numpy: Arrow would refuse integers beyond 2**53.
    """
    if any(pa.types.is_floating(a.type) for a in arrays):
        arrays = [
            a.cast(pa.float64(), safe=False) if pa.types.is_integer(a.type) else a for a in arrays
        ]
    typed = [a.type for a in arrays if not pa.types.is_null(a.type)]
    target = typed[0] if typed else pa.int64()
    return [a.cast(target) if pa.types.is_null(a.type) else a for a in arrays]


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
        return ignored_rows(batch, self.columns, self.ignore_row_if)

    def arrays(self, batch: Batch) -> tuple[pa.Array, pa.Array]:
        """Both columns, in types Arrow can compare."""
        a, b = _aligned([comparable(batch.array(c)) for c in self.columns])
        return a, b


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class PairGreater(_Pair):
    """In each row, ``column_a`` is greater than ``column_b`` (``or_equal``: at least)."""

    name = "pair_greater"
    example: ClassVar[dict[str, Any]] = {
        "column_a": "delivered_at",
        "column_b": "shipped_at",
        "or_equal": True,
    }

    or_equal: bool = False

    def precheck(self, ctx: Context) -> ExpectationResult | None:
        return RowExpectation.precheck(self, ctx) or _comparison_mismatch(self, ctx, pc.less)

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        a, b = self.arrays(batch)
        fail = pc.less(a, b) if self.or_equal else pc.less_equal(a, b)
        return _undefined_fails(fail, batch, self.columns)

    def sentence(self) -> str:
        op = ">=" if self.or_equal else ">"
        return f"In every row, {self.column_a!r} {op} {self.column_b!r}."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class PairEqual(_Pair):
    """In each row, ``column_a`` equals ``column_b``."""

    name = "pair_equal"
    example: ClassVar[dict[str, Any]] = {"column_a": "billed_amount", "column_b": "paid_amount"}

    def precheck(self, ctx: Context) -> ExpectationResult | None:
        return RowExpectation.precheck(self, ctx) or _comparison_mismatch(self, ctx, pc.not_equal)

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        a, b = self.arrays(batch)
        return _undefined_fails(pc.not_equal(a, b), batch, self.columns)

    def sentence(self) -> str:
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
        return ignored_rows(batch, self.column_list, self.ignore_row_if)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class CompoundColumnsUnique(_Multi):
    """No combination of values of ``column_list`` occurs in two rows (missing values are equal
    to each other); every row of a repeated combination counts as unexpected."""

    name = "compound_columns_unique"
    example: ClassVar[dict[str, Any]] = {"column_list": ["customer_id", "order_date"]}

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        return Duplicated(self._key()).requires()

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        return Duplicated(self._key()).failing(batch, inputs)

    def _violations(self, ctx: Context) -> Metric[Any, ViolationSummary]:
        return DuplicateRows(self._key(), ctx.sample_limit, ctx.id_columns)

    def _key(self) -> Key:
        # Rows left out hold no key: whether a row is left out depends on its key alone (which
        # values are missing), so leaving them out of the count changes no other row's verdict.
        return Key(self.column_list[0], self.column_list[1:], self.ignore_row_if)

    def sentence(self) -> str:
        return f"Combinations of {list(self.column_list)!r} are unique."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class UniqueWithinRecord(_Multi):
    """Within each row, the values of ``column_list`` differ from each other."""

    name = "unique_within_record"
    example: ClassVar[dict[str, Any]] = {"column_list": ["home_phone", "work_phone"]}

    def precheck(self, ctx: Context) -> ExpectationResult | None:
        return RowExpectation.precheck(self, ctx) or _comparison_mismatch(self, ctx, pc.equal)

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        arrays = _aligned([comparable(batch.array(c)) for c in self.column_list])
        fail = np.zeros(batch.num_rows, dtype=bool)
        for a, b in itertools.combinations(arrays, 2):
            fail |= bools(pc.equal(a, b))
        return fail

    def sentence(self) -> str:
        return f"Within each row, {list(self.column_list)!r} hold different values."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class MulticolumnSumEqual(_Multi):
    """In each row, the values of ``column_list`` add up to ``sum_total`` (within ``tolerance``).

    The default tolerance 0 is exact float equality, as in Great Expectations; a small absolute
    tolerance such as 1e-9 forgives binary rounding (0.1 + 0.2 is not 0.3 in floating point).
    """

    name = "multicolumn_sum_equal"
    example: ClassVar[dict[str, Any]] = {
        "column_list": ["share_a", "share_b", "share_c"],
        "sum_total": 1,
        "tolerance": 0.001,
    }
    accepts = NUMERIC

    sum_total: float
    tolerance: float = 0.0
    ignore_row_if: IgnoreRowIf = "any_value_is_missing"

    def check(self) -> None:
        check_mostly(self.mostly)
        _check_columns(self.column_list, 1, "column_list")
        if math.isnan(self.sum_total):
            raise SuiteError("sum_total cannot be NaN", path="sum_total")
        if not self.tolerance >= 0:  # also rejects NaN
            raise SuiteError("tolerance cannot be negative or NaN", path="tolerance")

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        total = np.zeros(batch.num_rows, dtype=np.float64)
        for column in self.column_list:
            array = batch.array(column).cast(pa.float64(), safe=False)  # rounds beyond 2**53
            values = np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.float64)
            total += np.where(batch.missing(column), np.nan, values)
        with np.errstate(invalid="ignore"):
            return ~(np.abs(total - self.sum_total) <= self.tolerance)

    def sentence(self) -> str:
        within = f" (within {self.tolerance:g})" if self.tolerance else ""
        return f"In every row, {list(self.column_list)!r} add up to {self.sum_total:g}{within}."


def _pair_codes(values: tuple[Any, ...], array: pa.Array) -> tuple[pa.Array, list[int | None]]:
    """The distinct declared values comparable with ``array``, and each value's index among them
    (``None`` for a value of another kind, which can never match)."""
    members: list[Any] = []
    codes: list[int | None] = []
    for value in values:
        one = value_set((value,), array.type)
        if len(one) == 0:
            codes.append(None)
            continue
        member = one[0].as_py()
        if member not in members:
            members.append(member)
        codes.append(members.index(member))
    target = value_set((), array.type).type
    return canonical(pa.array(members, type=target)), codes


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class PairInSet(_Pair):
    """In each row, the pair ``(column_a, column_b)`` is one of ``value_pairs_set``.

    Pairs compare like values (``1`` equals ``1.0``); a pair with a missing value matches no
    declared pair, so it fails unless ``ignore_row_if`` leaves it out.
    """

    name = "pair_in_set"
    example: ClassVar[dict[str, Any]] = {
        "column_a": "country",
        "column_b": "currency",
        "value_pairs_set": [["DE", "EUR"], ["CH", "CHF"]],
    }

    value_pairs_set: tuple[tuple[Scalar, Scalar], ...]

    def check(self) -> None:
        _Pair.check(self)
        if not self.value_pairs_set:
            raise SuiteError("give at least one pair", path="value_pairs_set")

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        # Vectorized: each column's values become their index among the declared values of that
        # side, and a row passes when its (index a, index b) code is one of the declared pairs'.
        indexes = []
        declared = []
        for side, column in enumerate(self.columns):
            array = comparable(batch.array(column))
            values = tuple(pair[side] for pair in self.value_pairs_set)
            members, codes = _pair_codes(values, array)
            found = pc.index_in(canonical(set_comparable(array, members)), value_set=members)
            indexes.append(np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False)))
            declared.append(codes)
        width = max(len(self.value_pairs_set), 1) + 1
        allowed = [
            a * width + b
            for a, b in zip(declared[0], declared[1], strict=True)
            if a is not None and b is not None
        ]
        rows = indexes[0].astype(np.int64) * width + indexes[1].astype(np.int64)
        known = (indexes[0] >= 0) & (indexes[1] >= 0)
        fail: np.ndarray = ~(known & np.isin(rows, np.asarray(allowed, dtype=np.int64)))
        return fail

    def sentence(self) -> str:
        shown = ", ".join(f"({a!r}, {b!r})" for a, b in self.value_pairs_set[:5])
        more = f", ... ({len(self.value_pairs_set)} pairs)" if len(self.value_pairs_set) > 5 else ""
        return f"In every row, ({self.column_a!r}, {self.column_b!r}) is one of {shown}{more}."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class EqualWithinRecord(_Multi):
    """Within each row, the values of ``column_list`` are all equal (a comparison with a missing
    value fails unless ``ignore_row_if`` leaves the row out)."""

    name = "equal_within_record"
    example: ClassVar[dict[str, Any]] = {"column_list": ["billing_country", "shipping_country"]}

    ignore_row_if: IgnoreRowIf = "any_value_is_missing"

    def precheck(self, ctx: Context) -> ExpectationResult | None:
        return RowExpectation.precheck(self, ctx) or _comparison_mismatch(self, ctx, pc.equal)

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        arrays = _aligned([comparable(batch.array(c)) for c in self.column_list])
        first = arrays[0]
        fail = np.zeros(batch.num_rows, dtype=bool)
        for other in arrays[1:]:
            fail |= _undefined_fails(pc.not_equal(first, other), batch, self.column_list)
        return fail

    def sentence(self) -> str:
        return f"Within each row, {list(self.column_list)!r} hold the same value."
