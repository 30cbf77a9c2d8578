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
equals the in-memory sort's. Memory is bounded by ``COLLECT_BUDGET`` values and ``SPLIT_BINS``
counters per column, whatever the row count.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import Batch
from dataguard.metrics import Metric, Values, compact_parts, state_type
from dataguard.profile._metrics import numeric_view

#: Bits of the first histogram (65,536 counters, 512 KB per column).
TOP_BITS = 16
#: Most values a refinement pass collects per column (8 bytes each).
COLLECT_BUDGET = 1 << 21
#: Most counters a refinement pass's histograms hold per column (8 bytes each).
SPLIT_BINS = 1 << 18

_SIGN = np.uint64(1 << 63)


def order_keys(values: np.ndarray) -> np.ndarray:
    """Unsigned keys of finite float64 values in the same order, adjacent floats on adjacent keys.

    Negative floats count down from 2**63 (their bits inverted, plus one, so -0.0 and 0.0 share
    the key 2**63), positive ones count up from it.
    """
    bits = values.view(np.uint64)
    negative = (bits & _SIGN) != 0
    keys: np.ndarray = np.where(negative, ~bits + np.uint64(1), bits | _SIGN)
    return keys


def key_values(keys: np.ndarray) -> np.ndarray:
    """The float64 values of order keys (the inverse of ``order_keys``)."""
    keys = np.asarray(keys, dtype=np.uint64)
    positive = (keys & _SIGN) != 0
    bits: np.ndarray = np.where(positive, keys & ~_SIGN, ~(keys - np.uint64(1)))
    values: np.ndarray = bits.view(np.float64)
    return values


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

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def empty(self) -> Spread:
        return Spread()

    def compute(self, batch: Batch, inputs: Values) -> Spread:
        values = numeric_view(batch.array(self.column))[~batch.missing(self.column)]
        finite = values[np.isfinite(values)]
        top = (order_keys(finite) >> np.uint64(64 - TOP_BITS)).astype(np.intp)
        histogram = np.bincount(top, minlength=1 << TOP_BITS)
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
        histogram = state.histogram
        if histogram is None:
            histogram = np.zeros(1 << TOP_BITS, dtype=np.int64)
        values = state.values
        if values is not None:
            values = (np.sort(np.concatenate(values)) if values else np.zeros(0),)
        return Spread(histogram.astype(np.int64), values, state.distinct)


# --- refinement passes ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyRange:
    """Keys ``[low, low + 2**width)`` holding ``count`` values, with ``below`` values under it.

    ``split`` is 0 for a range to collect whole, else the number of next bits to split it by.
    """

    low: int
    width: int
    count: int
    below: int
    split: int = 0


@state_type("range_scan")
@dataclass(frozen=True, slots=True)
class Scan:
    """Collected keys and split-histogram counts of one pass of ``RangeScan``."""

    collected: tuple[np.ndarray, ...] = ()
    histogram: np.ndarray | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class RangeScan(Metric[Scan, Scan]):
    """One refinement pass over disjoint key ranges (sorted by ``low``)."""

    column: str
    ranges: tuple[KeyRange, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def empty(self) -> Scan:
        return Scan()

    def _layout(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        lows = np.array([r.low for r in self.ranges], dtype=np.uint64)
        widths = np.array([r.width for r in self.ranges], dtype=np.uint64)
        splits = np.array([r.split for r in self.ranges], dtype=np.uint64)
        offsets = np.cumsum([0] + [(1 << r.split) if r.split else 0 for r in self.ranges])
        return lows, widths, splits, offsets.astype(np.int64)

    def compute(self, batch: Batch, inputs: Values) -> Scan:
        lows, widths, splits, offsets = self._layout()
        keys = order_keys(finite_values(batch, self.column))
        slot = np.searchsorted(lows, keys, side="right") - 1
        keys, slot = keys[slot >= 0], slot[slot >= 0]
        inside = (keys - lows[slot]) >> widths[slot] == 0
        keys, slot = keys[inside], slot[inside]
        collect = splits[slot] == 0
        split_keys, split_slot = keys[~collect], slot[~collect]
        sub = (split_keys - lows[split_slot]) >> (widths[split_slot] - splits[split_slot])
        bins = offsets[split_slot] + sub.astype(np.int64)
        histogram = np.bincount(bins, minlength=int(offsets[-1]))
        return Scan((keys[collect],), histogram)

    def merge(self, left: Scan, right: Scan) -> Scan:
        return Scan(
            left.collected + right.collected, _add_histograms(left.histogram, right.histogram)
        )

    def compact(self, state: Scan) -> Scan:
        return replace(state, collected=compact_parts(state.collected))

    def finalize(self, state: Scan) -> Scan:
        keys = (
            np.sort(np.concatenate(state.collected)) if state.collected else np.zeros(0, np.uint64)
        )
        histogram = state.histogram
        if histogram is None:
            histogram = np.zeros(int(self._layout()[3][-1]), dtype=np.int64)
        return Scan((keys.astype(np.uint64),), histogram.astype(np.int64))


@dataclass(frozen=True, slots=True)
class Resolved:
    """A range whose keys are all known: ``keys`` sorted, or None for a single-key range."""

    range: KeyRange
    keys: np.ndarray | None

    def at_or_below(self, key: int) -> int:
        """Values of the column at or below ``key`` (which lies in this range)."""
        if self.keys is None:
            return self.range.below + self.range.count
        return self.range.below + int(np.searchsorted(self.keys, np.uint64(key), side="right"))

    def key_at(self, rank: int) -> int:
        return self.range.low if self.keys is None else int(self.keys[rank - self.range.below])


@dataclass
class Ranks:
    """Refinement of one column: the key range of each wanted rank, until every one is resolved.

    ``ranks`` are 0-based positions among the column's sorted finite values.
    """

    ranks: np.ndarray
    open: list[KeyRange]
    resolved: list[Resolved] = field(default_factory=list)

    @classmethod
    def start(cls, count: int, bins: int, spread: Spread) -> Ranks:
        """The ranks a grid of ``bins`` over ``count`` finite values needs (its quantiles and
        both ends), placed in pass 1's top-bits histogram."""
        quantiles = (np.arange(1, bins) * count) // bins
        ranks = np.unique(np.concatenate([[0, count - 1], quantiles])).astype(np.int64)
        if spread.histogram is None:
            raise AssertionError("pass 1 did not run")
        return cls(ranks, _ranges_of(ranks, spread.histogram, 0, 64 - TOP_BITS, 0))._settle()

    def grid(self, bins: int) -> tuple[np.ndarray, np.ndarray]:
        """The reference grid's edges (as ``reference_edges`` draws them from sorted values) and
        how many finite values lie at or below each edge."""
        count = int(self.ranks[-1]) + 1
        quantiles = self.values_at((np.arange(1, bins) * count) // bins)
        low, high = self.values_at(np.array([0, count - 1]))
        # A value holding 1/bins of the mass spans a quantile's rank or is an end (module doc).
        candidates = np.unique(np.concatenate([quantiles, [low, high]]))
        held = self.at_or_below(candidates) - self.at_or_below(just_below(candidates))
        edges = grid_edges(quantiles, candidates[held * bins >= count], low, high)
        return edges, self.at_or_below(edges)

    @property
    def done(self) -> bool:
        return not self.open

    def scan(self, column: str) -> RangeScan:
        """The next pass over the column."""
        return RangeScan(column, tuple(sorted(self.open, key=lambda r: r.low)))

    def advance(self, scan: RangeScan, result: Scan) -> Ranks:
        """Take one pass's outcome: collected ranges resolve, split ones become finer ranges."""
        keys = result.collected[0]
        assert result.histogram is not None
        finer: list[KeyRange] = []
        offset = 0
        for r in scan.ranges:
            if r.split == 0:
                first = np.searchsorted(keys, np.uint64(r.low), side="left")
                self.resolved.append(Resolved(r, keys[first : first + r.count]))
                continue
            histogram = result.histogram[offset : offset + (1 << r.split)]
            offset += 1 << r.split
            mine = self.ranks[(self.ranks >= r.below) & (self.ranks < r.below + r.count)]
            finer += _ranges_of(mine - r.below, histogram, r.low, r.width - r.split, r.below)
        self.open = finer
        return self._settle()

    def _settle(self) -> Ranks:
        """Resolve single-key ranges, and choose how the next pass scans the others."""
        self.resolved += [Resolved(r, None) for r in self.open if r.width == 0]
        self.open = _plan([r for r in self.open if r.width > 0])
        return self

    def _in_order(self) -> list[Resolved]:
        return sorted(self.resolved, key=lambda held: held.range.low)

    def values_at(self, ranks: np.ndarray) -> np.ndarray:
        """The values at resolved ranks."""
        held = self._in_order()
        belows = np.array([h.range.below for h in held], dtype=np.int64)
        slots = np.searchsorted(belows, ranks, side="right") - 1
        keys = [held[s].key_at(int(r)) for s, r in zip(slots.tolist(), ranks.tolist(), strict=True)]
        return key_values(np.array(keys, dtype=np.uint64))

    def at_or_below(self, values: np.ndarray) -> np.ndarray:
        """How many finite values are <= each of ``values``.

        Each value must lie in a resolved range or just below one (as ``nextafter(v, -inf)`` of
        a resolved ``v`` does); both hold for every edge of a reference grid.
        """
        held = self._in_order()
        lows = np.array([h.range.low for h in held], dtype=np.uint64)
        keys = order_keys(np.asarray(values, dtype=np.float64) + 0.0)
        inside = np.searchsorted(lows, keys, side="right") - 1
        above = np.searchsorted(lows, keys + np.uint64(1), side="left")
        out = []
        for key, slot, next_slot in zip(
            keys.tolist(), inside.tolist(), above.tolist(), strict=True
        ):
            if slot < 0:  # below the range holding rank 0, so below every value
                out.append(0)
            elif key - held[slot].range.low < 1 << held[slot].range.width:
                out.append(held[slot].at_or_below(key))
            elif next_slot < len(held) and held[next_slot].range.low == key + 1:
                out.append(held[next_slot].range.below)
            else:
                raise AssertionError(f"key {key:#x} lies in no resolved range nor just below one")
        return np.array(out, dtype=np.int64)


def _ranges_of(
    ranks: np.ndarray, histogram: np.ndarray, low: int, width: int, below: int
) -> list[KeyRange]:
    """The bins of ``histogram`` (each ``2**width`` keys wide, from key ``low``, with ``below``
    values under the first) that hold one of ``ranks`` (counted from the first bin)."""
    cumulative = np.cumsum(histogram)
    starts = cumulative - histogram
    bins = np.unique(np.searchsorted(cumulative, ranks, side="right"))
    return [
        KeyRange(low + (b << width), width, int(histogram[b]), below + int(starts[b]))
        for b in bins.tolist()
    ]


def _plan(ranges: list[KeyRange]) -> list[KeyRange]:
    """Collect the smallest ranges within ``COLLECT_BUDGET``; split the rest by as many bits as
    ``SPLIT_BINS`` counters allow (at least 1, at most their width)."""
    collected: list[KeyRange] = []
    rest: list[KeyRange] = []
    budget = COLLECT_BUDGET
    for r in sorted(ranges, key=lambda r: (r.count, r.low)):
        if r.count <= budget:
            collected.append(r)
            budget -= r.count
        else:
            rest.append(r)
    bits = max(1, (SPLIT_BINS // max(1, len(rest))).bit_length() - 1)
    return collected + [
        KeyRange(r.low, r.width, r.count, r.below, min(bits, r.width)) for r in rest
    ]
