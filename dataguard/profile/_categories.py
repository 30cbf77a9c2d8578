"""Category counts of a reference profile in memory that grows with the distinct values, not rows.

A reference keeps the ``categorical_cap`` most frequent categories exactly, the count of the rest,
and the number of distinct values. Counting the values themselves would hold every distinct string
(an id column of 20M rows: gigabytes), so the counting runs on 64-bit fingerprints
(``metrics._repeated.fingerprints``) in two steps:

1. ``CategoryPrints``: counts per fingerprint (9 to 16 bytes per distinct value, in parts by top
   bits so that compaction never copies the whole table), then the most frequent fingerprints,
   ties broken by fingerprint (deterministic, and the same for any batching).
2. ``CategoryKeys``: the values whose fingerprint is among those, counted exactly, and a Bloom
   filter of the other fingerprints (``_pool.PoolFilter``: what OTHER holds).

On a cluster neither step brings the distinct values to the driver: step 1's parts hold disjoint
values, so each is gathered and finalized alone (its count, distinct values and own top
candidates), and step 2's filter bits are gathered in slices.

Both are exact unless two distinct values share a fingerprint (probability below d**2 / 2**65 for
d distinct values); even then the kept categories' counts are exact (step 2 counts values), and
only ``distinct`` and which categories are kept could differ by the colliding pair.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import Batch, bools, is_string_type
from dataguard.metrics import (
    Counts,
    Metric,
    Values,
    canonical,
    compact_counts,
    present,
    state_type,
)
from dataguard.metrics._repeated import fingerprints, prints_in
from dataguard.metrics._values import CountsState, Tally, combine_counts, count_values, tally
from dataguard.profile._pool import PoolBits

#: Longest text, in characters, a profile keeps as a category: longer values count in the rest,
#: so a profile stays small whatever one value holds (three 10 MB values made a 31 MB profile).
MAX_CATEGORY_LENGTH = 1_000

_PARTS = 16
_PART_SHIFT = np.uint64(60)
#: Part ``i`` is compacted (its tables summed into one) once it holds ``_COMPACT_AT + i`` tables:
#: staggered, so that the parts rarely compact on the same batch and the state never doubles.
_COMPACT_AT = 4

#: ``split`` cuts a state into this many pieces by the fingerprints' top bits: at 10 billion
#: distinct values a piece holds 1.4 GB of counts, what one task can sort.
_SHARDS = 64
_SHARD_EDGES = np.arange(1, _SHARDS, dtype=np.uint64) << np.uint64(64 - 6)


def _shard_bounds(prints: np.ndarray) -> list[int]:
    """Where each piece of ``split`` starts in sorted fingerprints, and where the last ends."""
    return [0, *np.searchsorted(prints, _SHARD_EDGES).tolist(), prints.size]


#: ``CategoryKeys.split`` cuts the pool filter's bits (at most 256 KiB) into this many slices.
_POOL_SLICES = 16

#: Per part: tables of (sorted distinct fingerprints, their counts).
Tables = tuple[tuple[tuple[np.ndarray, np.ndarray], ...], ...]


def key_prints(keys: Sequence[Any]) -> np.ndarray:
    """The fingerprints a reference's build gives these category keys (Python values)."""
    if not keys:
        return np.zeros(0, dtype=np.uint64)
    return fingerprints(canonical(pa.array(list(keys))))


#: Fingerprints of tallied values still alive, by the values' ``id``: step 2 reads the tally that
#: step 1 hashed (in-memory sources keep a chunk's tally for the next pass), so each distinct
#: value of a batch is hashed once, not once a step.
_PRINTS: dict[int, np.ndarray] = {}


def _value_prints(values: pa.Array, counted: Tally | None) -> np.ndarray:
    """``fingerprints`` of the present values of a batch (read-only), once per tally."""
    if counted is None:
        return fingerprints(canonical(values))
    key = id(values)
    found = _PRINTS.get(key)
    if found is None:
        found = fingerprints(canonical(values))
        found.setflags(write=False)
        _PRINTS[key] = found
        weakref.finalize(values, _PRINTS.pop, key, None)
    return found


def _narrow(counts: np.ndarray) -> np.ndarray:
    """Counts in the smallest unsigned type that holds them (one byte each in an id column)."""
    return counts.astype(np.min_scalar_type(int(counts.max()))) if counts.size else counts


def _sum_tables(tables: tuple[tuple[np.ndarray, np.ndarray], ...]) -> tuple[np.ndarray, np.ndarray]:
    """One table of the distinct fingerprints of ``tables`` with their summed counts."""
    if len(tables) == 1:
        return tables[0]
    prints = np.concatenate([t[0] for t in tables])
    order = np.argsort(prints, kind="stable")
    counts = np.concatenate([t[1].astype(np.int64) for t in tables])[order]
    prints = prints[order]
    starts = np.flatnonzero(np.concatenate([[True], prints[1:] != prints[:-1]]))
    return prints[starts], _narrow(np.add.reduceat(counts, starts))


def _no_prints() -> np.ndarray:
    return np.zeros(0, dtype=np.uint64)


@state_type("category_prints")
@dataclass(frozen=True, slots=True)
class PrintCounts:
    """Fingerprint counts so far, the text lengths (min, max, total) of string columns, and the
    fingerprints of values too long to keep as categories (sorted, distinct)."""

    tables: Tables = ((),) * _PARTS
    lengths: tuple[int, int, int] | None = None
    long: np.ndarray = field(default_factory=_no_prints)


@state_type("category_summary")
@dataclass(frozen=True, slots=True)
class CategorySummary:
    """How many values and distinct values there are, and the fingerprints to keep (sorted) with
    their counts."""

    count: int
    distinct: int
    kept: np.ndarray
    kept_counts: np.ndarray
    lengths: tuple[int, int, int] | None

    @property
    def pooled(self) -> int:
        """How many distinct values are not kept."""
        return self.distinct - self.kept.size


def _lengths(values: pa.Array, weights: np.ndarray | None) -> tuple[int, int, int] | None:
    """Shortest, longest and total text length, in characters (values repeat ``weights`` times)."""
    if not is_string_type(values.type) or len(values) == 0:
        return None
    chars = pc.utf8_length(values)
    extremes = pc.min_max(chars)
    if weights is None:
        total = pc.sum(chars).as_py()
    else:
        total = int(np.dot(chars.to_numpy().astype(np.int64), weights.astype(np.int64)))
    return (extremes["min"].as_py(), extremes["max"].as_py(), total)


def _merge_lengths(
    a: tuple[int, int, int] | None, b: tuple[int, int, int] | None
) -> tuple[int, int, int] | None:
    if a is None or b is None:
        return a if b is None else b
    return (min(a[0], b[0]), max(a[1], b[1]), a[2] + b[2])


@dataclass(frozen=True, slots=True)
class CategoryPrints(Metric[PrintCounts, CategorySummary]):
    """Step 1: fingerprint counts, finalized into the ``keep`` most frequent fingerprints."""

    column: str
    keep: int

    shards = _SHARDS

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def empty(self) -> PrintCounts:
        return PrintCounts()

    def compute(self, batch: Batch, inputs: Values) -> PrintCounts:
        counted = tally(batch, self.column)
        values = present(batch, self.column) if counted is None else counted.values
        if len(values) == 0:
            return PrintCounts()
        prints = _value_prints(values, counted)
        too_long = _too_long(values)
        long = np.zeros(0, dtype=prints.dtype) if too_long is None else np.unique(prints[too_long])
        if counted is None:  # one print per row
            prints = np.sort(prints)  # a copy: the fingerprints may view read-only Arrow memory
            weights = None
        else:  # one print per distinct object, weighted by its rows
            order = np.argsort(prints)
            prints, weights = prints[order], counted.counts[order]
        starts = np.flatnonzero(np.concatenate([[True], prints[1:] != prints[:-1]]))
        distinct = prints[starts]
        if weights is None:
            counts = _narrow(np.diff(np.append(starts, prints.size)))
        else:
            counts = _narrow(np.add.reduceat(weights, starts))
        bounds = np.searchsorted(distinct >> _PART_SHIFT, np.arange(_PARTS + 1, dtype=np.uint64))
        tables = tuple(
            ((distinct[lo:hi], counts[lo:hi]),) if hi > lo else ()
            for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
        )
        lengths = _lengths(values, None if counted is None else counted.counts)
        return PrintCounts(tables, lengths, long)

    def merge(self, left: PrintCounts, right: PrintCounts) -> PrintCounts:
        tables = tuple(
            (_sum_tables(a + b),) if len(a) + len(b) >= _COMPACT_AT + i else a + b
            for i, (a, b) in enumerate(zip(left.tables, right.tables, strict=True))
        )
        long = np.union1d(left.long, right.long) if left.long.size else right.long
        return PrintCounts(tables, _merge_lengths(left.lengths, right.lengths), long)

    def compact(self, state: PrintCounts) -> PrintCounts:
        """Each part's tables summed into one: a fingerprint ships once per partition."""
        tables = tuple((_sum_tables(part),) if len(part) > 1 else part for part in state.tables)
        return replace(state, tables=tables)

    def finalize(self, state: PrintCounts) -> CategorySummary:
        summaries = [_part_summary(part, state.long, self.keep) for part in state.tables if part]
        nothing = _no_prints()
        return self.join([CategorySummary(0, 0, nothing, nothing, state.lengths), *summaries])

    def split(self, state: PrintCounts) -> list[PrintCounts]:
        """The state cut by the fingerprints' top bits: each piece holds the counts of its own
        values, so its top ``keep`` are candidates for the global top, and its distinct values
        add up with the others'."""
        pieces: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in range(_SHARDS)]
        for part in state.tables:
            for prints, counts in part:
                bounds = _shard_bounds(prints)
                for k, (lo, hi) in enumerate(pairwise(bounds)):
                    if hi > lo:
                        pieces[k].append((prints[lo:hi], counts[lo:hi]))
        long = _shard_bounds(state.long)
        per_part = _SHARDS // _PARTS
        return [
            PrintCounts(
                tuple(tuple(tables) if i == k // per_part else () for i in range(_PARTS)),
                state.lengths if k == 0 else None,
                state.long[long[k] : long[k + 1]],
            )
            for k, tables in enumerate(pieces)
        ]

    def join(self, values: list[CategorySummary]) -> CategorySummary:
        """The summary of disjoint sets of values: counts added, the top ``keep`` of their kept
        fingerprints (by count descending, then fingerprint) kept."""
        prints = np.concatenate([v.kept for v in values])
        counts = np.concatenate([v.kept_counts for v in values])
        top = np.lexsort((prints, -counts))[: self.keep]
        order = top[np.argsort(prints[top])]
        lengths = None
        for value in values:
            lengths = _merge_lengths(lengths, value.lengths)
        return CategorySummary(
            sum(v.count for v in values),
            sum(v.distinct for v in values),
            prints[order],
            counts[order],
            lengths,
        )


def _part_summary(
    part: tuple[tuple[np.ndarray, np.ndarray], ...], long: np.ndarray, keep: int
) -> CategorySummary:
    """The count and distinct values of one part's fingerprints, and its own top ``keep`` by
    (count descending, fingerprint): the global top is among the parts' tops."""
    prints, narrow = _sum_tables(part)
    counts = narrow.astype(np.int64)
    count, distinct = int(counts.sum()), int(prints.size)
    if long.size:  # too long to keep: counted in the rest, never a candidate
        keepable = ~np.isin(prints, long, assume_unique=True)
        prints, counts = prints[keepable], counts[keepable]
    top = np.lexsort((prints, -counts))[:keep]
    return CategorySummary(count, distinct, prints[top], counts[top], None)


def _too_long(values: pa.Array) -> np.ndarray | None:
    """Which values are text over MAX_CATEGORY_LENGTH, which a profile never keeps as categories;
    None when there is none (a value's characters are at most its bytes, so text whose longest
    value fits in the bound in bytes needs no per-value check)."""
    if not is_string_type(values.type) or _longest_bytes(values) <= MAX_CATEGORY_LENGTH:
        return None
    return bools(pc.greater(pc.utf8_length(values), MAX_CATEGORY_LENGTH))


def _longest_bytes(values: pa.Array) -> int:
    """The byte length of the longest value of a string array, read from its offsets."""
    if len(values) == 0:
        return 0
    if not pa.types.is_string(values.type):  # large strings, string views
        values = values.cast(pa.large_string())
    width = np.int32 if pa.types.is_string(values.type) else np.int64
    offsets = np.frombuffer(values.buffers()[1], dtype=width)
    return int(np.diff(offsets[values.offset : values.offset + len(values) + 1]).max())


@state_type("category_keys")
@dataclass(frozen=True, slots=True)
class KeyTally:
    """Step 2's state: exact counts of the kept values, and the filter bits of the others
    (None while there is none)."""

    counts: CountsState = ()
    pool: PoolBits | None = None


@state_type("category_counts")
@dataclass(frozen=True, slots=True)
class CategoryCounts:
    """The kept values' exact counts, and the filter of the pooled values' fingerprints (None
    when every category is kept)."""

    counts: Counts
    pool: PoolBits | None


def _either(a: PoolBits | None, b: PoolBits | None) -> PoolBits | None:
    if a is None or b is None:
        return a if b is None else b
    return a.union(b)


@dataclass(frozen=True, slots=True)
class CategoryKeys(Metric[KeyTally, CategoryCounts]):
    """Step 2: exact counts of the values whose fingerprint step 1 kept, and the Bloom filter
    bits of the others' fingerprints.

    The filter is filled here rather than from step 1's counts because its size depends on how
    many values are pooled, known only once every part of step 1 is finalized; a cluster then
    gathers each slice of the bits where it is finalized, so the driver receives one filter.
    """

    column: str
    keep: int

    shards = _POOL_SLICES

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        return (CategoryPrints(self.column, self.keep),)

    def empty(self) -> KeyTally:
        return KeyTally()

    def compute(self, batch: Batch, inputs: Values) -> KeyTally:
        summary = inputs[CategoryPrints(self.column, self.keep)]
        counted = tally(batch, self.column)
        values = present(batch, self.column) if counted is None else counted.values
        if len(values) == 0:
            return KeyTally()
        # Every value is hashed, the long ones too: those are never kept, so always pooled.
        prints = _value_prints(values, counted)
        found = prints_in(prints, summary.kept)
        pool = None
        if summary.pooled and not found.all():
            pool = PoolBits.of(prints[~found], summary.pooled)
        too_long = _too_long(values)
        if too_long is not None:
            found &= ~too_long
        if not found.any():
            return KeyTally((), pool)
        chosen = canonical(values).filter(pa.array(found))
        weights = None if counted is None else counted.counts[found].astype(np.float64)
        return KeyTally((count_values(chosen, weights),), pool)

    def merge(self, left: KeyTally, right: KeyTally) -> KeyTally:
        return KeyTally(left.counts + right.counts, _either(left.pool, right.pool))

    def compact(self, state: KeyTally) -> KeyTally:
        return replace(state, counts=compact_counts(state.counts))

    def finalize(self, state: KeyTally) -> CategoryCounts:
        return CategoryCounts(combine_counts(state.counts), state.pool)

    def split(self, state: KeyTally) -> list[KeyTally]:
        """The counts in the first piece, and the filter bits in slices, one per piece."""
        slices = state.pool.sliced(_POOL_SLICES) if state.pool is not None else None
        return [
            KeyTally(state.counts if k == 0 else (), None if slices is None else slices[k])
            for k in range(_POOL_SLICES)
        ]

    def join(self, values: list[CategoryCounts]) -> CategoryCounts:
        slices = [v.pool for v in values if v.pool is not None]
        pool = slices[0].joined(slices[1:]) if slices else None
        return CategoryCounts(values[0].counts, pool)
