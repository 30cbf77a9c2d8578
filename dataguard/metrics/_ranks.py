"""Exact values at chosen ranks of a column in bounded memory, by refinement over order keys.

Exact quantiles are values at ranks. Holding every value to sort them would make a metric's
state grow with the rows (and, on a cluster, ship every value to the driver), so the values at
the wanted ranks are found in a few counting passes instead (drift.md §2.7):

1. A histogram of the top 16 bits of each value's order key: an unsigned integer in the same
   order as the values (``order_keys``). Few values are simply kept, and done with.
2. Repeated: the key ranges holding a wanted rank are collected whole when small, or else split
   by their next bits into a finer histogram, until every wanted rank lies in a collected range
   or in a range of a single key.

Every state is integer counts or exact keys, so the result is the same for any batching, and it
equals what sorting every value gives. A pass holds at most ``Budget.collect`` keys and
``Budget.split`` counters, whatever the row count; ranges are at most 48 bits wide after the
first pass and each later pass splits off at least a few bits, so the passes are few.

Profiles refine their grid's ranks with ``Ranks`` and ``scan_ranges`` in a loop of their own;
median and quantile expectations read ``OrderStatistics``, a chain of metrics (one per pass)
that the engine runs like any other requirements.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dataguard._frame import Batch, as_numpy
from dataguard.metrics._base import Metric, Values
from dataguard.metrics._codec import (
    ALLOWED_DTYPES,
    StateCodecError,
    compact_parts,
    register_state_type,
    state_type,
)
from dataguard.metrics._quantiles import QuantileMethod, quantile_ranks, quantiles_at

#: Bits of the first histogram (65,536 counters, 512 KB).
TOP_BITS = 16
#: Ranges a pass finds by comparing values with each range's ends; more are found by key.
_COMPARED_RANGES = 4

_SIGN = np.uint64(1 << 63)


@dataclass(frozen=True, slots=True)
class Budget:
    """What one refinement pass may hold: ``collect`` keys and ``split`` histogram counters;
    and how many values the first pass of ``OrderStatistics`` keeps instead of counting them
    (``hold``: as many bytes as its histogram, and a column this small is done in one pass)."""

    collect: int = 1 << 21
    split: int = 1 << 18
    hold: int = 1 << 16


# --- order keys ------------------------------------------------------------------------------


def order_keys(values: np.ndarray) -> np.ndarray:
    """Unsigned 64-bit keys in the same order as the values (float64, int64 or uint64).

    Floats: negative ones count down from 2**63 (their bits inverted, plus one, so -0.0 and 0.0
    share the key 2**63), positive ones count up from it; adjacent floats have adjacent keys.
    Signed integers have their sign bit flipped.
    """
    keys: np.ndarray
    if values.dtype.kind == "u":
        keys = values.astype(np.uint64, copy=False)
        return keys
    if values.dtype.kind == "i":
        keys = values.astype(np.int64, copy=False).view(np.uint64) ^ _SIGN
        return keys
    bits = values.astype(np.float64, copy=False).view(np.uint64)
    negative = (bits.view(np.int64) >> 63).view(np.uint64)  # all ones for negative floats
    keys = negative | _SIGN
    keys ^= bits
    keys -= negative  # + 1 for negative floats (unsigned wrap-around)
    return keys


def key_values(keys: np.ndarray, dtype: np.dtype[Any] | type = np.float64) -> np.ndarray:
    """The values of order keys (the inverse of ``order_keys``), of ``dtype``."""
    keys = np.asarray(keys, dtype=np.uint64)
    kind = np.dtype(dtype).kind
    if kind == "u":
        same: np.ndarray = keys.copy()
        return same
    if kind == "i":
        signed: np.ndarray = (keys ^ _SIGN).view(np.int64)
        return signed
    positive = (keys & _SIGN) != 0
    bits: np.ndarray = np.where(positive, keys & ~_SIGN, ~(keys - np.uint64(1)))
    values: np.ndarray = bits.view(np.float64)
    return values


def top_histogram(keys: np.ndarray) -> np.ndarray:
    """How many keys share each value of their top ``TOP_BITS`` bits."""
    top = (keys >> np.uint64(64 - TOP_BITS)).view(np.int64)  # below 2**16: a view will do
    counts: np.ndarray = np.bincount(top, minlength=1 << TOP_BITS).astype(np.int64)
    return counts


_FLOAT_ENDS = (int(order_keys(np.array([-np.inf]))[0]), int(order_keys(np.array([np.inf]))[0]))


# --- one refinement pass ---------------------------------------------------------------------


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

    def value_ends(self, dtype: np.dtype[Any]) -> tuple[Any, Any]:
        """The lowest and highest values of ``dtype`` whose keys lie in the range (floats: the
        keys of NaN bit patterns, beyond the infinities, are left out)."""
        low, high = self.low, self.low + (1 << self.width) - 1
        if dtype.kind == "f":
            low, high = max(low, _FLOAT_ENDS[0]), min(high, _FLOAT_ENDS[1])
        ends = key_values(np.array([low, high], dtype=np.uint64), dtype)
        return ends[0], ends[1]


#: A refinement pass's state finalizes in this many parts. Its split histogram (up to
#: ``Budget.split`` counters per partition) would reach a cluster's driver once per partition;
#: in parts, each slice is summed where it is gathered. The collected keys (at most
#: ``Budget.collect`` over all partitions together) travel with the first part.
SCAN_PARTS = 16


@state_type("range_scan")
@dataclass(frozen=True, slots=True)
class Scan:
    """Keys collected and split-histogram counts of one refinement pass."""

    collected: tuple[np.ndarray, ...] = ()
    histogram: np.ndarray | None = field(default=None, compare=False)

    def merge(self, other: Scan) -> Scan:
        """The scan of both runs of rows, ``self`` first."""
        if other.histogram is None:
            histogram = self.histogram
        elif self.histogram is None:
            histogram = other.histogram
        else:
            histogram = self.histogram + other.histogram
        return Scan(self.collected + other.collected, histogram)

    def compacted(self) -> Scan:
        """The same scan with the keys of every batch in one array (as it is shipped)."""
        return Scan(compact_parts(self.collected), self.histogram)

    def parts(self) -> list[Scan]:
        """The scan in ``SCAN_PARTS`` pieces that finalize apart (``Metric.split``): the
        collected keys in the first, the split histogram in contiguous slices."""
        slices: list[np.ndarray | None] = [None] * SCAN_PARTS
        if self.histogram is not None:
            slices = list(np.array_split(self.histogram, SCAN_PARTS))
        return [Scan(self.collected if k == 0 else (), piece) for k, piece in enumerate(slices)]

    @staticmethod
    def joined(parts: Sequence[Scan]) -> Scan:
        """The scan whose ``parts()``, each merged and finished apart, these are."""
        histograms = [p.histogram for p in parts if p.histogram is not None]
        return Scan(parts[0].collected, np.concatenate(histograms) if histograms else None)

    def finished(self, bins: int | None = None) -> Scan:
        """The collected keys sorted in one array, and the histogram (``bins`` zeros if none)."""
        keys = np.concatenate(self.collected) if self.collected else np.zeros(0, np.uint64)
        histogram = self.histogram
        if histogram is None and bins is not None:
            histogram = np.zeros(bins, dtype=np.int64)
        if histogram is not None:
            histogram = histogram.astype(np.int64)
        return Scan((np.sort(keys.astype(np.uint64)),), histogram)


def split_bins(ranges: Sequence[KeyRange]) -> int:
    """The counters of a pass over ``ranges``: ``2**split`` for each range split."""
    return sum((1 << r.split) if r.split else 0 for r in ranges)


def scan_ranges(values: np.ndarray, ranges: Sequence[KeyRange]) -> Scan:
    """One pass over a batch's values (float64, int64 or uint64) and disjoint key ``ranges``,
    sorted by ``low``: the keys of those to collect, the split counts of the others."""
    if values.size == 0:
        return Scan()
    if len(ranges) <= _COMPARED_RANGES:
        return _scan_compared(values, ranges)
    return _scan_keyed(values, ranges)


def _scan_compared(values: np.ndarray, ranges: Sequence[KeyRange]) -> Scan:
    """``scan_ranges`` by comparing the values with each range's ends: a few cheap comparisons
    per value, and keys only for the values inside."""
    collected: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    for r in ranges:
        low, high = r.value_ends(values.dtype)
        keys = order_keys(values[(values >= low) & (values <= high)])
        if r.split == 0:
            collected.append(keys)
        else:
            sub = (keys - np.uint64(r.low)) >> np.uint64(r.width - r.split)
            counts.append(np.bincount(sub.astype(np.intp), minlength=1 << r.split))
    histogram = np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64)
    return Scan(tuple(collected), histogram.astype(np.int64))


def _scan_keyed(values: np.ndarray, ranges: Sequence[KeyRange]) -> Scan:
    """``scan_ranges`` by looking each value's key up among the ranges (for many ranges)."""
    lows = np.array([r.low for r in ranges], dtype=np.uint64)
    widths = np.array([r.width for r in ranges], dtype=np.uint64)
    splits = np.array([r.split for r in ranges], dtype=np.uint64)
    offsets = np.cumsum([0] + [(1 << r.split) if r.split else 0 for r in ranges]).astype(np.int64)
    keys = order_keys(values)
    slot = np.searchsorted(lows, keys, side="right") - 1
    keys, slot = keys[slot >= 0], slot[slot >= 0]
    inside = (keys - lows[slot]) >> widths[slot] == 0
    keys, slot = keys[inside], slot[inside]
    collect = splits[slot] == 0
    split_keys, split_slot = keys[~collect], slot[~collect]
    sub = (split_keys - lows[split_slot]) >> (widths[split_slot] - splits[split_slot])
    bins = offsets[split_slot] + sub.astype(np.int64)
    histogram = np.bincount(bins, minlength=int(offsets[-1])).astype(np.int64)
    return Scan((keys[collect],), histogram)


# --- the refinement --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resolved:
    """A range whose keys are all known: ``keys`` sorted, or None for a single-key range."""

    range: KeyRange
    keys: np.ndarray | None = field(compare=False)

    def at_or_below(self, key: int) -> int:
        """Values at or below ``key`` (which lies in this range)."""
        if self.keys is None:
            return self.range.below + self.range.count
        return self.range.below + int(np.searchsorted(self.keys, np.uint64(key), side="right"))

    def key_at(self, rank: int) -> int:
        return self.range.low if self.keys is None else int(self.keys[rank - self.range.below])


@dataclass(frozen=True, eq=False)
class Ranks:
    """Refinement of one column toward ``ranks`` (0-based positions among its sorted keys):
    the key range of each wanted rank, open until resolved. ``open`` is sorted by ``low``, the
    order in which a pass scans it."""

    ranks: np.ndarray
    open: tuple[KeyRange, ...]
    resolved: tuple[Resolved, ...] = ()
    budget: Budget = Budget()

    @classmethod
    def start(cls, ranks: np.ndarray, histogram: np.ndarray, budget: Budget = Budget()) -> Ranks:
        """The ranks placed in a first pass's top-bits histogram (``top_histogram``)."""
        ranks = np.unique(np.asarray(ranks, dtype=np.int64))
        return cls(ranks, (), (), budget)._settled(
            _ranges_of(ranks, histogram, 0, 64 - TOP_BITS, 0)
        )

    @property
    def done(self) -> bool:
        return not self.open

    @property
    def bins(self) -> int:
        """The histogram counters of the next pass."""
        return split_bins(self.open)

    def advance(self, result: Scan) -> Ranks:
        """The refinement after a pass over ``open``: collected ranges resolve, split ones
        become finer ranges."""
        done = result.finished(self.bins)
        keys, histogram = done.collected[0], done.histogram
        assert histogram is not None
        resolved = list(self.resolved)
        finer: list[KeyRange] = []
        offset = 0
        for r in self.open:
            if r.split == 0:
                first = np.searchsorted(keys, np.uint64(r.low), side="left")
                resolved.append(Resolved(r, keys[first : first + r.count]))
                continue
            counts = histogram[offset : offset + (1 << r.split)]
            offset += 1 << r.split
            mine = self.ranks[(self.ranks >= r.below) & (self.ranks < r.below + r.count)]
            finer += _ranges_of(mine - r.below, counts, r.low, r.width - r.split, r.below)
        return Ranks(self.ranks, (), tuple(resolved), self.budget)._settled(finer)

    def _settled(self, ranges: list[KeyRange]) -> Ranks:
        """Resolve single-key ranges, and choose how the next pass scans the others."""
        resolved = self.resolved + tuple(Resolved(r, None) for r in ranges if r.width == 0)
        wide = [r for r in ranges if r.width > 0]
        return Ranks(self.ranks, _plan(wide, self.budget), resolved, self.budget)

    def _in_order(self) -> list[Resolved]:
        return sorted(self.resolved, key=lambda held: held.range.low)

    def keys_at(self, ranks: np.ndarray) -> np.ndarray:
        """The keys at resolved ranks."""
        held = self._in_order()
        belows = np.array([h.range.below for h in held], dtype=np.int64)
        slots = np.searchsorted(belows, ranks, side="right") - 1
        keys = [held[s].key_at(int(r)) for s, r in zip(slots.tolist(), ranks.tolist(), strict=True)]
        return np.array(keys, dtype=np.uint64)

    def at_or_below(self, values: np.ndarray) -> np.ndarray:
        """How many values are <= each of ``values`` (float64).

        Each value must lie in a resolved range or just below one (as ``nextafter(v, -inf)`` of
        a resolved ``v`` does).
        """
        held = self._in_order()
        lows = np.array([h.range.low for h in held], dtype=np.uint64)
        keys = order_keys(np.asarray(values, dtype=np.float64))
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


def _plan(ranges: list[KeyRange], budget: Budget) -> tuple[KeyRange, ...]:
    """Collect the smallest ranges within the budget; split the rest by as many bits as the
    budget's counters allow (at least 1, at most their width). Sorted by ``low``."""
    collected: list[KeyRange] = []
    rest: list[KeyRange] = []
    room = budget.collect
    for r in sorted(ranges, key=lambda r: (r.count, r.low)):
        if r.count <= room:
            collected.append(r)
            room -= r.count
        else:
            rest.append(r)
    bits = _split_bits(len(rest), budget)
    split = [KeyRange(r.low, r.width, r.count, r.below, min(bits, r.width)) for r in rest]
    return tuple(sorted(collected + split, key=lambda r: r.low))


def _split_bits(ranges: int, budget: Budget) -> int:
    """Bits each of ``ranges`` split ranges is split by in one pass."""
    return max(1, (budget.split // max(1, ranges)).bit_length() - 1)


# --- the metrics of median and quantile expectations -----------------------------------------


def ranked_values(batch: Batch, column: str) -> np.ndarray:
    """A batch's present values of a numeric, boolean or temporal column, as float64, int64 or
    uint64 (booleans and temporal values as integers), exactly."""
    values: np.ndarray = as_numpy(batch.array(column))
    missing = batch.missing(column)
    if missing.any():  # else the values are read in place, not copied
        values = values[~missing]
    kind = values.dtype.kind
    if kind == "f":
        return values.astype(np.float64, copy=False)
    if kind == "u" and values.dtype.itemsize == 8:
        return values
    if kind in "iub":
        return values.astype(np.int64, copy=False)
    if kind in "mM":
        return values.view(np.int64)
    raise TypeError(f"values of type {values.dtype} have no numeric order")


@dataclass(frozen=True, slots=True)
class SpreadState:
    """A run of rows' present values while few, else the top-bits histogram of their keys."""

    dtype: np.dtype[Any] | None = None
    count: int = 0
    held: tuple[np.ndarray, ...] | None = ()
    histogram: np.ndarray | None = field(default=None, compare=False)

    def counted(self) -> np.ndarray:
        if self.histogram is not None:
            return self.histogram
        assert self.held is not None
        return top_histogram(order_keys(np.concatenate(self.held) if self.held else _none()))


def _none() -> np.ndarray:
    return np.zeros(0, dtype=np.uint64)


def _dtype_named(code: str | None) -> np.dtype[Any] | None:
    """The dtype a shipped state names (only those the codec allows for arrays)."""
    if code is None:
        return None
    if code not in ALLOWED_DTYPES:
        raise StateCodecError(f"a rank spread of dtype {code!r} is not allowed")
    return np.dtype(code)


# The dtype travels as its name: a dtype object is not a value the codec stores.
register_state_type(
    "rank_spread",
    SpreadState,
    ("dtype", "count", "held", "histogram"),
    lambda s: (None if s.dtype is None else s.dtype.str, s.count, s.held, s.histogram),
    lambda dtype, count, held, histogram: SpreadState(_dtype_named(dtype), count, held, histogram),
)


@dataclass(eq=False)
class Spread:
    """A column's present values, sorted, while few; else the top-bits histogram of their keys.

    The refinement toward each set of quantile positions starts here; it is kept once made
    (in ``starts``), because every batch of the next pass reads it.
    """

    dtype: np.dtype[Any]
    count: int
    values: np.ndarray | None
    histogram: np.ndarray | None
    starts: dict[tuple[tuple[float, ...], Budget], Ranks] = field(default_factory=dict)

    def start(self, qs: tuple[float, ...], budget: Budget) -> Ranks:
        """The refinement toward the ranks the quantiles ``qs`` read."""
        ranks = self.starts.get((qs, budget))
        if ranks is None:
            assert self.histogram is not None
            wanted = np.array(quantile_ranks(self.count, qs), dtype=np.int64)
            ranks = self.starts[(qs, budget)] = Ranks.start(wanted, self.histogram, budget)
        return ranks


@dataclass(frozen=True, slots=True)
class RankSpread(Metric[SpreadState, Spread]):
    """The first pass of ``OrderStatistics``: values kept while at most ``hold``, else counted
    by the top bits of their keys."""

    column: str
    hold: int = Budget().hold

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def empty(self) -> SpreadState:
        return SpreadState()

    def compute(self, batch: Batch, inputs: Values) -> SpreadState:
        values = ranked_values(batch, self.column)
        if values.size == 0:
            return SpreadState()
        if values.size <= self.hold:
            return SpreadState(values.dtype, values.size, (values,))
        return SpreadState(values.dtype, values.size, None, top_histogram(order_keys(values)))

    def merge(self, left: SpreadState, right: SpreadState) -> SpreadState:
        if right.dtype is None:
            return left
        if left.dtype is None:
            return right
        if left.dtype != right.dtype:
            raise TypeError(
                f"the column's values are {left.dtype} in one batch, {right.dtype} in another"
            )
        count = left.count + right.count
        if left.held is not None and right.held is not None and count <= self.hold:
            return SpreadState(left.dtype, count, left.held + right.held)
        return SpreadState(left.dtype, count, None, left.counted() + right.counted())

    def compact(self, state: SpreadState) -> SpreadState:
        held = None if state.held is None else compact_parts(state.held)
        return SpreadState(state.dtype, state.count, held, state.histogram)

    def finalize(self, state: SpreadState) -> Spread:
        if state.dtype is None:
            return Spread(np.dtype(np.float64), 0, np.zeros(0), None)
        if state.held is None:
            return Spread(state.dtype, state.count, None, state.histogram)
        values = np.sort(np.concatenate(state.held))
        if values.dtype.kind == "f":
            values += 0.0  # -0.0 and 0.0 sort as equals: keep one, as the keys do
        return Spread(state.dtype, state.count, values, None)


@dataclass(eq=False)
class Scanned:
    """The value of a refinement pass: what it found, and the refinement it leads to (made on
    first use, because every batch of the next pass reads it)."""

    scan: Scan
    after: Ranks | None = None


# The values travel without their refinements, which are made again on first use.
register_state_type(
    "rank_spread_value",
    Spread,
    ("dtype", "count", "values", "histogram"),
    lambda s: (s.dtype.str, s.count, s.values, s.histogram),
    lambda dtype, count, values, histogram: Spread(
        _dtype_named(dtype) or np.dtype(np.float64), count, values, histogram
    ),
)
register_state_type("rank_scan_value", Scanned, ("scan",), lambda s: (s.scan,), Scanned)


@dataclass(frozen=True, slots=True)
class RankScan(Metric[Scan, Scanned]):
    """Refinement pass ``level`` (from 1) of ``OrderStatistics``; skipped once every wanted rank
    is resolved."""

    column: str
    qs: tuple[float, ...]
    level: int
    budget: Budget = Budget()

    shards = SCAN_PARTS

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        if self.level == 1:
            return (RankSpread(self.column, self.budget.hold),)
        return (RankScan(self.column, self.qs, self.level - 1, self.budget),)

    def wanted(self, inputs: Values) -> bool:
        before = self.before(inputs)
        return before is not None and not before.done

    def before(self, inputs: Values) -> Ranks | None:
        """The refinement this pass continues; None when an earlier pass finished it (or none
        was needed: few values are sorted in the first pass)."""
        if self.level == 1:
            spread = inputs[RankSpread(self.column, self.budget.hold)]
            return spread.start(self.qs, self.budget) if spread.values is None else None
        previous = RankScan(self.column, self.qs, self.level - 1, self.budget)
        if previous not in inputs:
            return None
        scanned = inputs[previous]
        if scanned.after is None:
            ranks = previous.before(inputs)
            assert ranks is not None
            scanned.after = ranks.advance(scanned.scan)
        return scanned.after

    def empty(self) -> Scan:
        return Scan()

    def compute(self, batch: Batch, inputs: Values) -> Scan:
        ranks = self.before(inputs)
        if ranks is None:  # not wanted: nothing to refine
            return Scan()
        return scan_ranges(ranked_values(batch, self.column), ranks.open)

    def merge(self, left: Scan, right: Scan) -> Scan:
        return left.merge(right)

    def compact(self, state: Scan) -> Scan:
        return state.compacted()

    def finalize(self, state: Scan) -> Scanned:
        return Scanned(state.finished())

    def split(self, state: Scan) -> list[Scan]:
        return state.parts()

    def join(self, values: list[Scanned]) -> Scanned:
        return Scanned(Scan.joined([v.scan for v in values]))


@dataclass(frozen=True, slots=True)
class Ordered:
    """A column's count of present values and its values at the ranks some quantiles read."""

    count: int
    integers: bool
    at: dict[int, int | float]

    def quantiles(
        self, qs: Sequence[float], method: QuantileMethod = "linear"
    ) -> list[float | int]:
        """The ``qs`` quantiles, as ``quantiles`` computes them from the sorted values."""
        return quantiles_at(self.count, self.at, qs, method, integers=self.integers)

    def as_floats(self) -> Ordered:
        """The same with every value converted to float64 first (as ``astype`` would)."""
        return Ordered(self.count, False, {k: float(v) for k, v in self.at.items()})


@dataclass(frozen=True, slots=True)
class OrderStatistics:
    """The values of a column at the ranks the quantiles ``qs`` read (by any method), found
    exactly by refinement: ``metric`` is what to compute, ``read`` gets the values from it."""

    column: str
    qs: tuple[float, ...]
    budget: Budget = Budget()

    @property
    def passes(self) -> int:
        """Refinement passes after the first that may be needed: each splits a range by at
        least ``_split_bits`` of its 48 bits, or resolves it."""
        return math.ceil((64 - TOP_BITS) / _split_bits(2 * len(self.qs), self.budget))

    @property
    def metric(self) -> Metric[Any, Any]:
        """The last refinement pass; it requires the earlier ones."""
        return RankScan(self.column, self.qs, self.passes, self.budget)

    def read(self, values: Values) -> Ordered:
        """The values at the wanted ranks, from the passes that ran."""
        spread = values[RankSpread(self.column, self.budget.hold)]
        integers = spread.dtype.kind in "iu"
        wanted = quantile_ranks(spread.count, self.qs)
        if spread.values is not None:
            return Ordered(spread.count, integers, {k: spread.values[k].item() for k in wanted})
        level = self.passes
        while level > 0 and RankScan(self.column, self.qs, level, self.budget) not in values:
            level -= 1
        if level == 0:
            ranks = spread.start(self.qs, self.budget)
        else:
            values[RankScan(self.column, self.qs, level, self.budget)]  # a failed pass raises
            after = RankScan(self.column, self.qs, level + 1, self.budget).before(values)
            assert after is not None
            ranks = after
        if not ranks.done:
            raise AssertionError(f"column {self.column!r} was not refined to its ranks")
        found = key_values(ranks.keys_at(np.array(wanted, dtype=np.int64)), spread.dtype)
        return Ordered(spread.count, integers, dict(zip(wanted, found.tolist(), strict=True)))
