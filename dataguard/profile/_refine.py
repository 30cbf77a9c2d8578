"""Exact order statistics of a numeric column in bounded memory, by radix refinement.

A reference profile needs exact order statistics (its bin edges) and the exact count of values at
or below each edge. In memory that is one sort. For data streamed from a file, holding every value
would make memory grow with the file, so the statistics are found in a few counting passes over
the column instead (drift.md §2.7):

1. ``KeySpread``, in the profile's first pass: a histogram of the top 16 bits of each finite
   value's order key (the float's bits mapped so that unsigned order is numeric order), plus the
   values themselves while there are few of them and the distinct values while there are few of
   those.
2. ``RangeScan``, repeated: the key ranges holding a wanted rank are either collected whole (when
   small) or split by their next bits into a finer histogram, until every wanted rank lies in a
   collected range or in a range of a single key.

The wanted ranks are the grid's quantile positions and both ends. A value holding at least 1/bins
of the mass (an atom of the grid) needs no rank of its own: its run of equal values is at least as
long as the gap between quantile positions, so it covers one of them or is an end.

Every state is integer counts or exact values, so the result is the same for any batching, and it
equals the in-memory sort's. Memory is bounded by ``BUDGET``'s values and counters per column,
whatever the row count. The refinement itself (order keys, ``Ranks``, ``scan_ranges``) is
``dataguard.metrics``'s, shared with the median and quantile expectations.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import Batch
from dataguard.metrics import (
    SCAN_PARTS,
    Budget,
    KeyRange,
    Metric,
    Ranks,
    Scan,
    Values,
    compact_parts,
    key_values,
    order_keys,
    scan_ranges,
    state_type,
    top_histogram,
)
from dataguard.profile._metrics import numeric_view

#: What a refinement pass holds per column (tests make it tiny to reach every path).
BUDGET = Budget()


def just_below(values: np.ndarray) -> np.ndarray:
    """The next float below each value (-inf below the lowest finite float)."""
    with np.errstate(over="ignore"):
        below: np.ndarray = np.nextafter(values, -np.inf)
    return below


def grid_edges(quantiles: np.ndarray, atoms: np.ndarray, low: float, high: float) -> np.ndarray:
    """A reference grid's bin edges: the quantiles, a bin of its own for each atom (the edge pair
    ``just_below(v), v``), and the range's ends, so the first and last bins hold exactly the
    values outside the reference's range."""
    ends = np.array([low, high])
    edges = np.concatenate([quantiles, atoms, just_below(atoms), just_below(ends[:1]), ends[1:]])
    return np.unique(edges[np.isfinite(edges)])


def finite_values(batch: Batch, column: str) -> np.ndarray:
    """The batch's present finite values as float64 (temporal ones as their integer units)."""
    values: np.ndarray = numeric_view(batch.array(column))[~batch.missing(column)]
    finite: np.ndarray = values[np.isfinite(values)]
    return finite


# --- pass 1 ---------------------------------------------------------------------------------


@state_type("key_spread")
@dataclass(frozen=True, slots=True)
class Spread:
    """Top-bits histogram of the order keys, plus the values or distinct values while few."""

    histogram: np.ndarray | None = field(default=None, compare=False)
    #: All present values (infinities included), or None once there are more than the cap.
    values: tuple[np.ndarray, ...] | None = ()
    #: Distinct present values and their counts, or None once there are more than the cap.
    distinct: tuple[np.ndarray, np.ndarray] | None = field(
        default=(np.zeros(0), np.zeros(0, dtype=np.int64)), compare=False
    )


def _add_histograms(left: np.ndarray | None, right: np.ndarray | None) -> np.ndarray | None:
    if left is None:
        return right
    return left if right is None else left + right


def _merge_distinct(
    left: tuple[np.ndarray, np.ndarray] | None,
    right: tuple[np.ndarray, np.ndarray] | None,
    cap: int,
) -> tuple[np.ndarray, np.ndarray] | None:
    if left is None or right is None:
        return None
    values = np.concatenate([left[0], right[0]])
    counts = np.concatenate([left[1], right[1]])
    distinct, slots = np.unique(values, return_inverse=True)
    if distinct.size > cap:
        return None
    return distinct, np.bincount(slots, weights=counts, minlength=distinct.size).astype(np.int64)


def _few_distinct(values: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The distinct values and their counts, or None if there are more than ``cap`` (found by
    hashing; a column of many distinct values usually shows it in its first rows already)."""
    if np.unique(values[: 16 * cap]).size > cap:
        return None
    counted = pc.value_counts(pa.array(values))
    if len(counted) > cap:
        return None
    distinct = counted.field("values").to_numpy()
    order = np.argsort(distinct)
    return distinct[order], counted.field("counts").to_numpy().astype(np.int64)[order]


@dataclass(frozen=True, slots=True)
class KeySpread(Metric[Spread, Spread]):
    """Pass 1 of the refinement: see the module docstring."""

    column: str
    exact_cap: int
    discrete_cap: int

    shards = SCAN_PARTS

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def empty(self) -> Spread:
        return Spread()

    def compute(self, batch: Batch, inputs: Values) -> Spread:
        values = numeric_view(batch.array(self.column))[~batch.missing(self.column)]
        histogram = top_histogram(order_keys(values[np.isfinite(values)]))
        return Spread(
            histogram,
            (values,) if values.size <= self.exact_cap else None,
            _few_distinct(values, self.discrete_cap),
        )

    def merge(self, left: Spread, right: Spread) -> Spread:
        values = None
        if left.values is not None and right.values is not None:
            values = left.values + right.values
            if sum(v.size for v in values) > self.exact_cap:
                values = None
        return Spread(
            _add_histograms(left.histogram, right.histogram),
            values,
            _merge_distinct(left.distinct, right.distinct, self.discrete_cap),
        )

    def compact(self, state: Spread) -> Spread:
        values = None if state.values is None else compact_parts(state.values)
        return replace(state, values=values)

    def finalize(self, state: Spread) -> Spread:
        values = state.values
        if values is not None:
            values = (np.sort(np.concatenate(values)) if values else np.zeros(0),)
        return Spread(_histogram(state).astype(np.int64), values, state.distinct)

    def split(self, state: Spread) -> list[Spread]:
        """The histogram in contiguous slices, one per piece (on a cluster each is summed
        where it is gathered: up to 65,536 counters per partition); the values, bounded by the
        caps, with the first."""
        slices = np.array_split(_histogram(state), SCAN_PARTS)
        return [Spread(slices[0], state.values, state.distinct)] + [
            Spread(piece) for piece in slices[1:]
        ]

    def join(self, values: list[Spread]) -> Spread:
        first = values[0]
        return Spread(np.concatenate([v.histogram for v in values]), first.values, first.distinct)


def _histogram(state: Spread) -> np.ndarray:
    """The state's top-bits histogram, all zeros before any value."""
    if state.histogram is None:
        return top_histogram(order_keys(np.zeros(0)))
    return state.histogram


# --- refinement passes ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RangeScan(Metric[Scan, Scan]):
    """One refinement pass of a column's finite values over disjoint key ranges."""

    column: str
    ranges: tuple[KeyRange, ...]

    shards = SCAN_PARTS

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def empty(self) -> Scan:
        return Scan()

    def compute(self, batch: Batch, inputs: Values) -> Scan:
        return scan_ranges(finite_values(batch, self.column), self.ranges)

    def merge(self, left: Scan, right: Scan) -> Scan:
        return left.merge(right)

    def compact(self, state: Scan) -> Scan:
        return state.compacted()

    def finalize(self, state: Scan) -> Scan:
        return state.finished()

    def split(self, state: Scan) -> list[Scan]:
        return state.parts()

    def join(self, values: list[Scan]) -> Scan:
        return Scan.joined(values)


def grid_ranks(count: int, bins: int, spread: Spread) -> Ranks:
    """The refinement toward the ranks a grid of ``bins`` over ``count`` finite values needs (its
    quantiles and both ends), placed in pass 1's top-bits histogram."""
    quantiles = (np.arange(1, bins) * count) // bins
    ranks = np.unique(np.concatenate([[0, count - 1], quantiles])).astype(np.int64)
    if spread.histogram is None:
        raise AssertionError("pass 1 did not run")
    return Ranks.start(ranks, spread.histogram, BUDGET)


def grid(ranks: Ranks, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """The reference grid's edges (as ``reference_edges`` draws them from sorted values) and how
    many finite values lie at or below each edge."""
    count = int(ranks.ranks[-1]) + 1

    def values_at(wanted: np.ndarray) -> np.ndarray:
        return key_values(ranks.keys_at(wanted))

    quantiles = values_at((np.arange(1, bins) * count) // bins)
    low, high = values_at(np.array([0, count - 1]))
    # A value holding 1/bins of the mass spans a quantile's rank or is an end (module doc).
    candidates = np.unique(np.concatenate([quantiles, [low, high]]))
    held = ranks.at_or_below(candidates) - ranks.at_or_below(just_below(candidates))
    edges = grid_edges(quantiles, candidates[held * bins >= count], low, high)
    return edges, ranks.at_or_below(edges)
