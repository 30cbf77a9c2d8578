"""Category counts of a reference profile in memory that grows with the distinct values, not rows.

A reference keeps the ``categorical_cap`` most frequent categories exactly, the count of the rest,
and the number of distinct values. Counting the values themselves would hold every distinct string
(an id column of 20M rows: gigabytes), so the counting runs on 64-bit fingerprints
(``metrics._repeated.fingerprints``) in two steps:

1. ``CategoryPrints``: counts per fingerprint (9 to 16 bytes per distinct value, in parts by top
   bits so that compaction never copies the whole table), then the most frequent fingerprints,
   ties broken by fingerprint (deterministic, and the same for any batching), and a Bloom
   filter of the other fingerprints (``_pool.PoolFilter``: what OTHER holds).
2. ``CategoryKeys``: the values whose fingerprint is among those, counted exactly.

Both are exact unless two distinct values share a fingerprint (probability below d**2 / 2**65 for
d distinct values); even then the kept categories' counts are exact (step 2 counts values), and
only ``distinct`` and which categories are kept could differ by the colliding pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
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
from dataguard.metrics._repeated import fingerprint_in, fingerprints, with_fingerprints
from dataguard.metrics._values import CountsState, combine_counts, count_values, tally
from dataguard.profile._pool import PoolFilter

#: Longest text, in characters, a profile keeps as a category: longer values count in the rest,
#: so a profile stays small whatever one value holds (three 10 MB values made a 31 MB profile).
MAX_CATEGORY_LENGTH = 1_000

_PARTS = 16
_PART_SHIFT = np.uint64(60)
#: Part ``i`` is compacted (its tables summed into one) once it holds ``_COMPACT_AT + i`` tables:
#: staggered, so that the parts rarely compact on the same batch and the state never doubles.
_COMPACT_AT = 4

#: Per part: tables of (sorted distinct fingerprints, their counts).
Tables = tuple[tuple[tuple[np.ndarray, np.ndarray], ...], ...]


def _without(prints: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """The sorted distinct ``prints`` that are not among ``kept``: a binary search per kept
    fingerprint (a thousand), not per print (millions)."""
    if not prints.size:
        return prints
    found = np.minimum(np.searchsorted(prints, kept), prints.size - 1)
    keep = np.ones(prints.size, dtype=bool)
    keep[found[prints[found] == kept]] = False
    return prints[keep]


def key_prints(keys: Sequence[Any]) -> np.ndarray:
    """The fingerprints a reference's build gives these category keys (Python values)."""
    if not keys:
        return np.zeros(0, dtype=np.uint64)
    return fingerprints(canonical(pa.array(list(keys))))


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
    """How many values and distinct values there are, the fingerprints to keep (sorted), and a
    filter of the others' (None when every category is kept)."""

    count: int
    distinct: int
    kept: np.ndarray
    lengths: tuple[int, int, int] | None
    pool: PoolFilter | None = None


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
        prints = fingerprints(canonical(values))
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
        count = distinct = 0
        candidates: list[tuple[np.ndarray, np.ndarray]] = []
        for part in state.tables:
            if not part:
                continue
            prints, narrow = _sum_tables(part)
            counts = narrow.astype(np.int64)
            count += int(counts.sum())
            distinct += int(prints.size)
            if state.long.size:  # too long to keep: counted in the rest, never a candidate
                keepable = ~np.isin(prints, state.long, assume_unique=True)
                prints, counts = prints[keepable], counts[keepable]
            # The part's own top ``keep`` by (count descending, fingerprint): the global top is
            # among the parts' tops.
            top = np.lexsort((prints, -counts))[: self.keep]
            candidates.append((prints[top], counts[top]))
        if not candidates:
            return CategorySummary(0, 0, np.zeros(0, dtype=np.uint64), state.lengths)
        prints = np.concatenate([c[0] for c in candidates])
        counts = np.concatenate([c[1] for c in candidates])
        kept = np.sort(prints[np.lexsort((prints, -counts))[: self.keep]])
        pool = None
        if distinct > kept.size:
            # One table at a time, so that no second copy of every fingerprint is held; a value
            # in several tables sets the same bits again, so the tables need no summing.
            pooled = (_without(prints, kept) for part in state.tables for prints, _ in part)
            pool = PoolFilter.of(pooled, distinct - kept.size)
        return CategorySummary(count, distinct, kept, state.lengths, pool)


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


def _keeping(values: pa.Array, too_long: np.ndarray | None) -> pa.Array:
    """``values`` without the ones too long to keep."""
    return values if too_long is None else values.filter(pa.array(~too_long))


@dataclass(frozen=True, slots=True)
class CategoryKeys(Metric[CountsState, Counts]):
    """Step 2: exact counts of the values whose fingerprint step 1 kept."""

    column: str
    keep: int

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        return (CategoryPrints(self.column, self.keep),)

    def empty(self) -> CountsState:
        return ()

    def compute(self, batch: Batch, inputs: Values) -> CountsState:
        kept = inputs[CategoryPrints(self.column, self.keep)].kept
        counted = tally(batch, self.column)
        # Values too long to keep are never among ``kept``: left out before hashing, which costs
        # the most for them.
        if counted is None:
            values = present(batch, self.column)
            chosen = with_fingerprints(_keeping(values, _too_long(values)), kept)
            return (count_values(chosen),) if len(chosen) else ()
        too_long = _too_long(counted.values)
        found = np.zeros(len(counted.values), dtype=bool)
        keepable = slice(None) if too_long is None else ~too_long
        found[keepable] = fingerprint_in(_keeping(counted.values, too_long), kept)
        if not found.any():
            return ()
        weights = counted.counts[found].astype(np.float64)
        return (count_values(canonical(counted.values).filter(pa.array(found)), weights),)

    def merge(self, left: CountsState, right: CountsState) -> CountsState:
        return left + right

    def compact(self, state: CountsState) -> CountsState:
        return compact_counts(state)

    def finalize(self, state: CountsState) -> Counts:
        return combine_counts(state)
