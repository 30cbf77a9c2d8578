"""Row-level expectations on the values of one column: nulls, ranges, sets, uniqueness, order."""

from __future__ import annotations

import functools
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import Batch, beyond, bools, set_comparable, value_set
from dataguard._mixed import typed_in, typed_members
from dataguard.expectations._base import (
    ORDERABLE,
    Bound,
    ColumnRowExpectation,
    Context,
    check_bounds,
    check_mostly,
    failing_per_value,
    range_text,
)
from dataguard.expectations._params import Scalar
from dataguard.expectations._registry import register
from dataguard.metrics import (
    Duplicated,
    DuplicateRows,
    Key,
    Metric,
    Values,
    ViolationSummary,
    canonical,
    present,
)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class NotNull(ColumnRowExpectation):
    """Values are present: not null, NaN or NaT. ``mostly`` counts every row."""

    name = "not_null"
    example: ClassVar[dict[str, Any]] = {"column": "order_id"}
    accepts_nested = True

    def ignored(self, batch: Batch) -> np.ndarray:
        return np.zeros(batch.num_rows, dtype=bool)

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        return batch.missing(self.column)

    def sentence(self) -> str:
        return f"Values of {self.column!r} are never missing."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Null(ColumnRowExpectation):
    """Values are missing (null, NaN or NaT). ``mostly`` counts every row."""

    name = "null"
    example: ClassVar[dict[str, Any]] = {"column": "cancelled_at", "mostly": 0.9}
    accepts_nested = True

    def ignored(self, batch: Batch) -> np.ndarray:
        return np.zeros(batch.num_rows, dtype=bool)

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        return ~batch.missing(self.column)

    def sentence(self) -> str:
        return f"Values of {self.column!r} are missing."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Between(ColumnRowExpectation):
    """Values lie within a range; bounds are inclusive unless ``strict_min``/``strict_max``."""

    name = "between"
    example: ClassVar[dict[str, Any]] = {"column": "amount", "min_value": 0, "max_value": 10000}
    accepts = ORDERABLE
    comparable_params = ("min_value", "max_value")

    min_value: Bound = None
    max_value: Bound = None
    strict_min: bool = False
    strict_max: bool = False

    def check(self) -> None:
        check_mostly(self.mostly)
        check_bounds(self.min_value, self.max_value)

    def failing(self, batch: Batch, inputs: Values) -> pa.Array:
        array = batch.array(self.column)
        fail: pa.Array | None = None
        if self.min_value is not None:
            fail = beyond(array, self.min_value, below=True, strict=self.strict_min)
        if self.max_value is not None:
            above = beyond(array, self.max_value, below=False, strict=self.strict_max)
            fail = above if fail is None else pc.or_(fail, above)
        assert fail is not None  # check() guarantees a bound
        return fail

    def sentence(self) -> str:
        wanted = range_text(self.min_value, self.max_value, self.strict_min, self.strict_max)
        return f"Values of {self.column!r} are {wanted}."


@functools.lru_cache(maxsize=128)
def _members(values: tuple[Any, ...], kinds: tuple[type, ...], t: pa.DataType) -> pa.Array:
    # ``kinds`` is part of the cache key: (1,) == (True,) in Python, but only 1 is a number here.
    return canonical(value_set(values, t))


def _set_key(rule: InSet | NotInSet) -> tuple[Hashable, Hashable]:
    """What identifies a membership test: the values with their types (1 == True in Python)."""
    return rule.value_set, tuple(type(v) for v in rule.value_set)


def _is_in(array: pa.Array, values: tuple[Any, ...]) -> pa.Array:
    members = _members(values, tuple(type(v) for v in values), array.type)
    return pc.is_in(canonical(set_comparable(array, members)), value_set=members)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class InSet(ColumnRowExpectation):
    """Values belong to ``value_set``; an empty set fails every present value."""

    name = "in_set"
    example: ClassVar[dict[str, Any]] = {
        "column": "status",
        "value_set": ["placed", "shipped", "delivered"],
    }

    value_set: tuple[Scalar, ...]

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray | pa.Array:
        mixed = batch.mixed_values(self.column)
        if mixed is not None:  # compared by type: 1 is not "1"
            return ~typed_in(mixed, typed_members(self.value_set))
        return failing_per_value(batch, self.column, self._fails, ("not in", *_set_key(self)))

    def _fails(self, values: pa.Array) -> pa.Array:
        return pc.invert(_is_in(values, self.value_set))

    def sentence(self) -> str:
        return f"Values of {self.column!r} are in {_show_set(self.value_set)}."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class NotInSet(ColumnRowExpectation):
    """Values do not belong to ``value_set``."""

    name = "not_in_set"
    example: ClassVar[dict[str, Any]] = {"column": "country", "value_set": ["XX", "ZZ"]}

    value_set: tuple[Scalar, ...]

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray | pa.Array:
        mixed = batch.mixed_values(self.column)
        if mixed is not None:  # compared by type: 1 is not "1"
            return typed_in(mixed, typed_members(self.value_set))
        return failing_per_value(batch, self.column, self._fails, ("in", *_set_key(self)))

    def _fails(self, values: pa.Array) -> pa.Array:
        return _is_in(values, self.value_set)

    def sentence(self) -> str:
        return f"Values of {self.column!r} are not in {_show_set(self.value_set)}."


def _show_set(values: tuple[Any, ...], limit: int = 10) -> str:
    shown = ", ".join(repr(v) for v in values[:limit])
    more = f", ... ({len(values)} values)" if len(values) > limit else ""
    return "{" + shown + more + "}"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Unique(ColumnRowExpectation):
    """No present value occurs twice; every occurrence of a repeated value counts as unexpected."""

    name = "unique"
    example: ClassVar[dict[str, Any]] = {"column": "order_id"}

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        return Duplicated(Key(self.column)).requires()

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        return Duplicated(Key(self.column)).failing(batch, inputs)

    def _violations(self, ctx: Context) -> Metric[Any, ViolationSummary]:
        return DuplicateRows(Key(self.column), ctx.sample_limit, ctx.id_columns)

    def sentence(self) -> str:
        return f"Values of {self.column!r} are unique."


def _ordered_failures(batch: Batch, column: str, compare: Any, decreasing: bool) -> np.ndarray:
    """Rows whose value breaks the order against the previous present value in the batch."""
    mask = np.zeros(batch.num_rows, dtype=bool)
    positions = np.flatnonzero(~batch.missing(column))
    if positions.size < 2:
        return mask
    # Not ``comparable``: decimals compare exactly here, as in ``breaks`` at batch boundaries.
    values = present(batch, column)
    previous, current = values.slice(0, len(values) - 1), values.slice(1)
    broken = compare(previous, current) if decreasing else compare(current, previous)
    mask[positions[1:]] = bools(broken)
    return mask


@dataclass(frozen=True, slots=True, kw_only=True)
class _Monotonic(ColumnRowExpectation):
    """Values never go against the order compared with the previous present value."""

    accepts = ORDERABLE
    sequential: ClassVar[bool] = True
    decreasing: ClassVar[bool] = False

    strictly: bool = False

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        compare = pc.less_equal if self.strictly else pc.less
        return _ordered_failures(batch, self.column, compare, self.decreasing)

    def breaks(self, previous: Any, current: Any) -> bool:
        low, high = (current, previous) if self.decreasing else (previous, current)
        return bool(high <= low) if self.strictly else bool(high < low)

    def sentence(self) -> str:
        strict = "strictly " if self.strictly else ""
        direction = "decreasing" if self.decreasing else "increasing"
        return f"Values of {self.column!r} are {strict}{direction} (missing values skipped)."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Increasing(_Monotonic):
    """Each present value is at least (``strictly``: above) the previous present value."""

    name = "increasing"
    example: ClassVar[dict[str, Any]] = {"column": "created_at"}


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Decreasing(_Monotonic):
    """Each present value is at most (``strictly``: below) the previous present value."""

    name = "decreasing"
    example: ClassVar[dict[str, Any]] = {"column": "days_left"}
    decreasing = True
