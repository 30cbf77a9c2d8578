"""Row and missing counts, exact moments and extremes of a column."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import Batch, as_numpy
from dataguard.metrics._base import Metric, Values
from dataguard.metrics._codec import state_type
from dataguard.metrics._exact import (
    SQUARE_SHIFT,
    SUM_SHIFT,
    exact_float_sum,
    exact_float_sums,
    exact_int_square_sum,
    exact_int_sum,
    sqrt_to_float,
    units_to_float,
)


@dataclass(frozen=True, slots=True)
class RowCount(Metric[int, int]):
    """Number of rows in the data."""

    @property
    def columns(self) -> tuple[str, ...]:
        return ()

    def empty(self) -> int:
        return 0

    def compute(self, batch: Batch, inputs: Values) -> int:
        return batch.num_rows

    def merge(self, left: int, right: int) -> int:
        return left + right

    def finalize(self, state: int) -> int:
        return state


@dataclass(frozen=True, slots=True)
class MissingCount(Metric[tuple[int, int], tuple[int, int]]):
    """Rows and missing values (null, NaN, NaT) of one column, as ``(rows, missing)``."""

    column: str

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def empty(self) -> tuple[int, int]:
        return (0, 0)

    def compute(self, batch: Batch, inputs: Values) -> tuple[int, int]:
        return (batch.num_rows, int(batch.missing(self.column).sum()))

    def merge(self, left: tuple[int, int], right: tuple[int, int]) -> tuple[int, int]:
        return (left[0] + right[0], left[1] + right[1])

    def finalize(self, state: tuple[int, int]) -> tuple[int, int]:
        return state


@state_type("moments")
@dataclass(frozen=True, slots=True)
class MomentsState:
    """Exact running sums of the present values: count, sum and sum of squares, plus infinities.

    ``total`` is in units of 2**-SUM_SHIFT and ``squares`` in units of 2**-SQUARE_SHIFT, so merging
    is integer addition and the result does not depend on how the rows were split.
    """

    count: int = 0
    total: int = 0
    squares: int = 0
    positive_infinities: int = 0
    negative_infinities: int = 0


@state_type("moments_value")
@dataclass(frozen=True, slots=True)
class MomentsValue:
    """Count, sum, mean, sample variance and standard deviation (ddof=1, as pandas and Great
    Expectations report them) of the present values, each correctly rounded from the exact sums.

    ``exact_sum`` is the sum itself, as a fraction (None when a value is infinite): the sum of
    an integer column beyond 2**53 is exact there, not in ``sum``.
    """

    count: int
    sum: float
    mean: float | None
    variance: float | None
    stdev: float | None = None
    exact_sum: Fraction | None = None


@dataclass(frozen=True, slots=True)
class Moments(Metric[MomentsState, MomentsValue]):
    """Count, sum, mean and variance of a numeric or boolean column, computed exactly.

    With ``squares=False`` the sum of squares is skipped and the variance is None: the mean and
    the sum cost a third of the work.
    """

    column: str
    squares: bool = True

    def served_by(self) -> Metric[Any, Any] | None:
        return None if self.squares else Moments(self.column)

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def empty(self) -> MomentsState:
        return MomentsState()

    def compute(self, batch: Batch, inputs: Values) -> MomentsState:
        array = batch.array(self.column)
        values = as_numpy(array)[~batch.missing(self.column)]
        if values.dtype.kind == "b":
            values = values.astype(np.int64)
        if values.dtype.kind in "iu":
            total = exact_int_sum(values) << SUM_SHIFT
            squares = exact_int_square_sum(values) << SQUARE_SHIFT if self.squares else 0
            return MomentsState(len(values), total, squares)
        values = values.astype(np.float64, copy=False)
        finite = np.isfinite(values)
        positive = negative = 0
        if not finite.all():
            positive = int(np.count_nonzero(values == np.inf))
            negative = int(np.count_nonzero(values == -np.inf))
            values = values[finite]
        total, squares = exact_float_sums(values) if self.squares else (exact_float_sum(values), 0)
        return MomentsState(len(values) + positive + negative, total, squares, positive, negative)

    def merge(self, left: MomentsState, right: MomentsState) -> MomentsState:
        return MomentsState(
            left.count + right.count,
            left.total + right.total,
            left.squares + right.squares,
            left.positive_infinities + right.positive_infinities,
            left.negative_infinities + right.negative_infinities,
        )

    def finalize(self, state: MomentsState) -> MomentsValue:
        n = state.count
        if state.positive_infinities and state.negative_infinities:
            return MomentsValue(n, math.nan, math.nan, math.nan, math.nan)
        if state.positive_infinities or state.negative_infinities:
            infinity = math.inf if state.positive_infinities else -math.inf
            undefined = math.nan if n > 1 else None
            return MomentsValue(n, infinity, infinity, undefined, undefined)
        exact_sum = Fraction(state.total, 1 << SUM_SHIFT)
        total = units_to_float(state.total, SUM_SHIFT)
        if n == 0:
            return MomentsValue(0, 0.0, None, None, None, exact_sum)
        mean = units_to_float(state.total, SUM_SHIFT, n)
        variance = stdev = None
        if n > 1 and self.squares:
            # n * sum(x^2) - sum(x)^2, both in units of 2**-SQUARE_SHIFT, is exact and >= 0.
            spread = n * state.squares - state.total * state.total
            variance = units_to_float(spread, SQUARE_SHIFT, n * (n - 1))
            stdev = sqrt_to_float(spread, (n * (n - 1)) << SQUARE_SHIFT)
        return MomentsValue(n, total, mean, variance, stdev, exact_sum)


@dataclass(frozen=True, slots=True)
class MinMax(Metric[tuple[Any, Any], tuple[Any, Any]]):
    """Smallest and largest present value (numbers, strings, temporal values), as Python values.

    Infinities are values; NaN is missing. ``(None, None)`` when no value is present.
    """

    column: str

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def empty(self) -> tuple[Any, Any]:
        return (None, None)

    def compute(self, batch: Batch, inputs: Values) -> tuple[Any, Any]:
        array = batch.array(self.column)
        if pa.types.is_floating(array.type):
            values = as_numpy(array)
            values = values[~batch.missing(self.column)]
            if values.size == 0:
                return (None, None)
            # + 0.0 turns -0.0 into 0.0: which of two equal zeros is "the" minimum would
            # otherwise depend on how the rows were split into batches.
            return (float(values.min()) + 0.0, float(values.max()) + 0.0)
        extremes = pc.min_max(array)
        return (extremes["min"].as_py(), extremes["max"].as_py())

    def merge(self, left: tuple[Any, Any], right: tuple[Any, Any]) -> tuple[Any, Any]:
        if left[0] is None:
            return right
        if right[0] is None:
            return left
        return (min(left[0], right[0]), max(left[1], right[1]))

    def finalize(self, state: tuple[Any, Any]) -> tuple[Any, Any]:
        return state
