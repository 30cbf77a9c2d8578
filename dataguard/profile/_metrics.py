"""Profiling metrics: mergeable per-column summaries computed by the validation engine.

A reference profile keeps every present numeric value during its pass (exact bin edges are order
statistics of the whole column) and exact category counts. A profile of later data is counted on
the reference's grid: bin counts on the reference's edges and counts of the reference's
categories, integers that merge by addition, so they do not depend on batching or partitioning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import Batch, as_numpy
from dataguard.metrics import Metric, Values
from dataguard.metrics._exact import (
    exact_float_product_sum,
    exact_float_square_sum,
    exact_float_sum,
)
from dataguard.metrics._values import (
    CountsState,
    canonical,
    combine_counts,
    count_values,
    present,
)
from dataguard.profile._model import sorted_keys

#: Unseen categories listed as examples in a profile on a reference's categories.
NEW_EXAMPLES = 10
#: Unseen categories counted one by one (the most frequent); the rest stay in one NEW count.
NEW_CAP = 1000


def numeric_view(array: pa.Array) -> np.ndarray:
    """A numeric or temporal array as float64 (temporal values as microseconds or days)."""
    t = array.type
    if pa.types.is_timestamp(t):
        array = array.cast(pa.timestamp("us", tz=t.tz), safe=False).cast(pa.int64())
    elif pa.types.is_date(t):
        array = array.cast(pa.date32()).cast(pa.int32())
    elif pa.types.is_duration(t):
        array = array.cast(pa.duration("us"), safe=False).cast(pa.int64())
    values = as_numpy(array)
    return values.astype(np.float64, copy=False) + 0.0  # + 0.0 makes -0.0 and 0.0 one value


def bin_counts(edges: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Counts in bins (-inf, e0], (e0, e1], ..., (e_last, inf): a value on an edge goes left."""
    return np.bincount(np.searchsorted(edges, values, side="left"), minlength=edges.size + 1)


@dataclass(frozen=True, slots=True)
class NumericState:
    """Counts, exact sums, finite extremes, and optionally values and grid counts, of a run of rows.

    ``total`` and ``squares`` are exact sums of the finite values, in units of 2**-SUM_SHIFT and
    2**-SQUARE_SHIFT (see ``metrics._exact``).
    """

    rows: int = 0
    missing: int = 0
    count: int = 0
    positive_infinities: int = 0
    negative_infinities: int = 0
    total: int = 0
    squares: int = 0
    low: float | None = None
    high: float | None = None
    values: tuple[np.ndarray, ...] = ()
    counts: np.ndarray | None = field(default=None, compare=False)


def _lower(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else min(a, b)


def _upper(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


@dataclass(frozen=True, slots=True)
class NumericProfiler(Metric[NumericState, NumericState]):
    """Numeric summary of a column: counted on ``edges`` if given, keeping values if asked."""

    column: str
    edges: tuple[float, ...] | None = None
    keep_values: bool = True

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def empty(self) -> NumericState:
        return NumericState()

    def compute(self, batch: Batch, inputs: Values) -> NumericState:
        missing = batch.missing(self.column)
        values = numeric_view(batch.array(self.column))[~missing]
        finite = np.isfinite(values)
        kept = values[finite]
        counts = None
        if self.edges is not None:
            counts = bin_counts(np.asarray(self.edges, dtype=np.float64), values)
        return NumericState(
            rows=batch.num_rows,
            missing=int(missing.sum()),
            count=int(values.size),
            positive_infinities=int(np.count_nonzero(values == np.inf)),
            negative_infinities=int(np.count_nonzero(values == -np.inf)),
            total=exact_float_sum(kept),
            squares=exact_float_square_sum(kept),
            low=float(kept.min()) if kept.size else None,
            high=float(kept.max()) if kept.size else None,
            values=(values,) if self.keep_values and values.size else (),
            counts=counts,
        )

    def merge(self, left: NumericState, right: NumericState) -> NumericState:
        counts = left.counts
        if counts is None:
            counts = right.counts
        elif right.counts is not None:
            counts = counts + right.counts
        return NumericState(
            rows=left.rows + right.rows,
            missing=left.missing + right.missing,
            count=left.count + right.count,
            positive_infinities=left.positive_infinities + right.positive_infinities,
            negative_infinities=left.negative_infinities + right.negative_infinities,
            total=left.total + right.total,
            squares=left.squares + right.squares,
            low=_lower(left.low, right.low),
            high=_upper(left.high, right.high),
            values=left.values + right.values,
            counts=counts,
        )

    def finalize(self, state: NumericState) -> NumericState:
        values = np.sort(np.concatenate(state.values)) if state.values else np.zeros(0)
        counts = state.counts
        if counts is None and self.edges is not None:
            counts = np.zeros(len(self.edges) + 1, dtype=np.int64)
        return NumericState(
            state.rows,
            state.missing,
            state.count,
            state.positive_infinities,
            state.negative_infinities,
            state.total,
            state.squares,
            state.low,
            state.high,
            (values,) if self.keep_values else (),
            counts,
        )


@dataclass(frozen=True, slots=True)
class KeyState:
    """Counts of a run of rows over known category keys, plus what fell outside them."""

    rows: int = 0
    missing: int = 0
    counts: np.ndarray | None = field(default=None, compare=False)
    new_examples: tuple[Any, ...] = ()
    #: Per-batch (values, counts) of the categories the reference never listed.
    unseen: CountsState = ()
    #: The most frequent unseen categories with their counts, after ``finalize``.
    new_counts: tuple[tuple[Any, int], ...] = ()


@dataclass(frozen=True, slots=True)
class KeyCounter(Metric[KeyState, KeyState]):
    """Counts of one column over the reference's categories; the last slot counts the others."""

    column: str
    keys: tuple[Any, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def empty(self) -> KeyState:
        return KeyState()

    def compute(self, batch: Batch, inputs: Values) -> KeyState:
        values = canonical(present(batch, self.column))
        keys = (
            pa.array(list(self.keys), type=values.type) if self.keys else pa.array([], values.type)
        )
        index = pc.index_in(values, value_set=keys).fill_null(len(self.keys))
        slots = np.asarray(index.to_numpy(zero_copy_only=False), dtype=np.intp)
        counts = np.bincount(slots, minlength=len(self.keys) + 1)
        unseen = values.filter(pa.array(slots == len(self.keys)))
        examples: tuple[Any, ...] = ()
        tally: CountsState = ()
        if len(unseen):
            examples = tuple(pc.unique(unseen).slice(0, NEW_EXAMPLES).to_pylist())
            tally = (count_values(unseen),)
        missing = int(batch.missing(self.column).sum())
        return KeyState(batch.num_rows, missing, counts, examples, tally)

    def merge(self, left: KeyState, right: KeyState) -> KeyState:
        counts = left.counts
        if counts is None:
            counts = right.counts
        elif right.counts is not None:
            counts = counts + right.counts
        examples = tuple(dict.fromkeys(left.new_examples + right.new_examples))[:NEW_EXAMPLES]
        return KeyState(
            left.rows + right.rows,
            left.missing + right.missing,
            counts,
            examples,
            left.unseen + right.unseen,
        )

    def finalize(self, state: KeyState) -> KeyState:
        counts = state.counts
        if counts is None:
            counts = np.zeros(len(self.keys) + 1, np.int64)
        tally = combine_counts(state.unseen)
        keys = tally.values.to_pylist()
        numbers = tally.counts.tolist()
        ranked = sorted(range(len(keys)), key=lambda i: (-numbers[i], sorted_keys([keys[i]])[0]))
        top = sorted_keys([keys[i] for i in ranked[:NEW_CAP]])
        index = {k: i for i, k in enumerate(keys)}
        new_counts = tuple((k, int(numbers[index[k]])) for k in top)
        return KeyState(state.rows, state.missing, counts, state.new_examples, (), new_counts)


@dataclass(frozen=True, slots=True)
class CoMomentState:
    """Exact sums over complete rows: count, sum of each column, sum of each pairwise product."""

    count: int = 0
    sums: tuple[int, ...] = ()
    products: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class CoMomentSums(Metric[CoMomentState, CoMomentState]):
    """Exact first and second co-moment sums of numeric columns over rows where all are finite."""

    numeric_columns: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.numeric_columns

    def empty(self) -> CoMomentState:
        d = len(self.numeric_columns)
        return CoMomentState(0, (0,) * d, (0,) * (d * (d + 1) // 2))

    def compute(self, batch: Batch, inputs: Values) -> CoMomentState:
        matrix = [numeric_view(batch.array(c)) for c in self.numeric_columns]
        complete = np.ones(batch.num_rows, dtype=bool)
        for column, values in zip(self.numeric_columns, matrix, strict=True):
            complete &= ~batch.missing(column) & np.isfinite(values)
        rows = [values[complete] for values in matrix]
        products = tuple(
            exact_float_product_sum(rows[i], rows[j])
            for i in range(len(rows))
            for j in range(i, len(rows))
        )
        return CoMomentState(int(complete.sum()), tuple(exact_float_sum(r) for r in rows), products)

    def merge(self, left: CoMomentState, right: CoMomentState) -> CoMomentState:
        return CoMomentState(
            left.count + right.count,
            tuple(a + b for a, b in zip(left.sums, right.sums, strict=True)),
            tuple(a + b for a, b in zip(left.products, right.products, strict=True)),
        )

    def finalize(self, state: CoMomentState) -> CoMomentState:
        return state
