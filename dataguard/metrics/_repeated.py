"""The values of a column that occur more than once, in 8 bytes per row and no Python objects.

Uniqueness needs every value seen so far. Holding the values themselves (a hash table of a
million strings) costs tens of bytes per row and grows with their length, so the check works on
64-bit fingerprints instead, in two passes:

1. ``Fingerprints``: each present value's fingerprint (its own bits for numbers and times, a hash
   of the bytes for text); finalized by one sort into the fingerprints that occur twice or more.
2. ``RepeatedValues``: the values whose fingerprint is among those, counted exactly; the ones
   counted twice or more are the repeated values. Two different values that share a fingerprint
   only cost a few extra candidates, never a wrong answer.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import Batch, as_numpy
from dataguard.metrics._base import Metric, Values
from dataguard.metrics._values import CountsState, canonical, combine_counts, count_values, present

_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_FINISH = np.uint64(0xBF58476D1CE4E5B9)
#: Strings longer than this are hashed in length order, so each step touches only longer ones.
_SORT_ABOVE = 64


def _mix(h: np.ndarray) -> np.ndarray:
    h = h * _MULTIPLIER
    mixed: np.ndarray = h ^ (h >> np.uint64(31))
    return mixed


def _hash_bytes(array: pa.Array) -> np.ndarray:
    """A 64-bit hash of each (non-null) string or binary value, eight bytes per step."""
    wide = pa.types.is_large_string(array.type) or pa.types.is_large_binary(array.type)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64 if wide else np.int32)
    offsets = offsets[array.offset : array.offset + len(array) + 1].astype(np.int64)
    data = array.buffers()[2]
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    padded = np.concatenate([raw, np.zeros(8, dtype=np.uint8)])
    # Every 8-byte window of the data as one little-endian word (overlapping, unaligned views).
    words = np.ndarray((padded.size - 7,), dtype="<u8", buffer=padded, strides=(1,))
    starts, lengths = offsets[:-1], np.diff(offsets)
    hashes = _mix(lengths.astype(np.uint64) + _MULTIPLIER)
    longest = int(lengths.max()) if lengths.size else 0
    # Long strings are visited longest first, so each step touches only the strings it reaches.
    order = np.argsort(-lengths, kind="stable") if longest > _SORT_ABOVE else None
    descending = -lengths[order] if order is not None else lengths
    shortest = int(lengths.min()) if lengths.size else 0
    for step in range(0, longest, 8):
        if step + 8 <= shortest:  # every string has a full word here: no selection, no mask
            hashes = _mix(hashes ^ words[starts + step])
            continue
        if order is None:
            rows = np.flatnonzero(lengths > step)
        else:
            rows = order[: np.searchsorted(descending, -step, side="left")]
        word = words[starts[rows] + step]
        bits = np.minimum(lengths[rows] - step, 8).astype(np.uint64) * np.uint64(8)
        # A shift by 64 is undefined, so full words keep every bit by the other branch.
        keep = np.where(bits == 64, ~np.uint64(0), (np.uint64(1) << (bits & np.uint64(63))) - 1)
        hashes[rows] = _mix(hashes[rows] ^ (word & keep))
    hashes ^= hashes >> np.uint64(29)
    hashes *= _FINISH
    finished: np.ndarray = hashes ^ (hashes >> np.uint64(32))
    return finished


def fingerprints(array: pa.Array) -> np.ndarray:
    """64-bit fingerprints of present values: exact for numbers, times and booleans (their
    bits), a hash for text and everything else (of its text form)."""
    t = array.type
    if pa.types.is_boolean(t):
        return as_numpy(array.cast(pa.uint8())).astype(np.uint64)
    if pa.types.is_floating(t):
        return as_numpy(canonical(array).cast(pa.float64())).view(np.uint64)
    if pa.types.is_temporal(t):
        array = array.view(pa.int64() if t.bit_width == 64 else pa.int32())
        t = array.type
    if pa.types.is_integer(t):
        wide = pa.uint64() if pa.types.is_unsigned_integer(t) else pa.int64()
        return as_numpy(array.cast(wide)).view(np.uint64)
    if not (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t)):
        array = pc.cast(array, pa.large_string())
    return _hash_bytes(array)


#: Fingerprints are kept in this many parts by their top bits, so finalizing sorts one part at a
#: time (a sixteenth of the column) instead of a second copy of all of them.
_PARTS = 16
_PART_SHIFT = np.uint64(60)
#: The smallest fingerprint of each part.
_PART_STARTS = np.arange(_PARTS, dtype=np.uint64) << _PART_SHIFT

PrintState = tuple[tuple[np.ndarray, ...], ...]


@dataclass(frozen=True, slots=True)
class Fingerprints(Metric[PrintState, np.ndarray]):
    """The fingerprints occurring more than once among a column's present values (sorted)."""

    column: str

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def empty(self) -> PrintState:
        return ((),) * _PARTS

    def compute(self, batch: Batch, inputs: Values) -> PrintState:
        # Sorted here, on the worker threads: finalizing then merges sorted runs, a fraction of
        # the cost of sorting everything at the end on one thread.
        prints = np.sort(present_fingerprints(batch, self.column))
        bounds = np.append(np.searchsorted(prints, _PART_STARTS), prints.size)
        return tuple(
            (prints[bounds[i] : bounds[i + 1]],) if bounds[i + 1] > bounds[i] else ()
            for i in range(_PARTS)
        )

    def merge(self, left: PrintState, right: PrintState) -> PrintState:
        return tuple(a + b for a, b in zip(left, right, strict=True))

    def finalize(self, state: PrintState) -> np.ndarray:
        repeated = [np.zeros(0, dtype=np.uint64)]
        for part in state:
            if part:
                ordered = np.concatenate(part)
                ordered.sort(kind="stable")  # a merge of sorted runs
                repeated.append(np.unique(ordered[1:][ordered[1:] == ordered[:-1]]))
        # Parts are in order of their top bits, so their concatenation is sorted.
        return np.concatenate(repeated)


#: Fingerprints of every slot of arrays still alive, by ``id``: a column that a later pass reads
#: again (in-memory sources keep its converted chunks) is hashed once.
_REMEMBERED: dict[int, np.ndarray] = {}


def present_fingerprints(batch: Batch, column: str) -> np.ndarray:
    """Fingerprints of the column's present values in this batch."""
    array = batch.array(column)
    prints = _REMEMBERED.get(id(array))
    if prints is None:
        prints = fingerprints(array)  # null slots get some print, dropped below
        _REMEMBERED[id(array)] = prints
        weakref.finalize(array, _REMEMBERED.pop, id(array), None)
    missing = batch.missing(column)
    return prints[~missing] if missing.any() else prints


def _among(prints: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    slots = np.minimum(np.searchsorted(chosen, prints), chosen.size - 1)
    found: np.ndarray = chosen[slots] == prints
    return found


def fingerprint_in(values: pa.Array, chosen: np.ndarray) -> np.ndarray:
    """Which values (canonical) have a fingerprint among ``chosen`` (sorted)."""
    if chosen.size == 0 or len(values) == 0:
        return np.zeros(len(values), dtype=bool)
    return _among(fingerprints(canonical(values)), chosen)


def with_fingerprints(values: pa.Array, chosen: np.ndarray) -> pa.Array:
    """The values (canonical) whose fingerprint is among ``chosen`` (sorted)."""
    return canonical(values).filter(pa.array(fingerprint_in(values, chosen)))


@dataclass(frozen=True, slots=True)
class RepeatedValues(Metric[CountsState, pa.Array]):
    """The present values of a column that occur more than once, exactly."""

    column: str

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        return (Fingerprints(self.column),)

    def empty(self) -> CountsState:
        return ()

    def compute(self, batch: Batch, inputs: Values) -> CountsState:
        repeated = inputs[Fingerprints(self.column)]
        if repeated.size == 0:
            return ()
        found = _among(present_fingerprints(batch, self.column), repeated)
        if not found.any():
            return ()
        return (count_values(canonical(present(batch, self.column)).filter(pa.array(found))),)

    def merge(self, left: CountsState, right: CountsState) -> CountsState:
        return left + right

    def finalize(self, state: CountsState) -> pa.Array:
        counts = combine_counts(state)
        return counts.values.filter(pa.array(counts.counts > 1))
