"""The keys of rows that occur more than once, in 8 bytes per row and no Python objects.

Uniqueness needs every key seen so far. Holding the keys themselves (a hash table of a million
strings) costs tens of bytes per row and grows with their length, so the check works on 64-bit
fingerprints instead, in two passes:

1. ``Fingerprints``: each row's fingerprint (a value's own bits for numbers and times, a hash of
   the bytes for text, a hash of the columns' fingerprints for a key of several columns);
   finalized by a radix sort into the fingerprints that occur twice or more.
2. ``RepeatedValues``: the keys whose fingerprint is among those, counted exactly; the ones
   counted twice or more are the repeated keys. Two different keys that share a fingerprint
   only cost a few extra candidates, never a wrong answer.

``DuplicateRows`` (in ``_duplicates``) turns these into the rows holding a repeated key.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import Batch, as_numpy, bools, from_numpy
from dataguard.metrics._base import Metric, Values
from dataguard.metrics._codec import state_type
from dataguard.metrics._values import (
    CountsState,
    canonical,
    combine_counts,
    count_values,
    row_keys,
)

_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_FINISH = np.uint64(0xBF58476D1CE4E5B9)
#: Strings longer than this are hashed in length order, so each step touches only longer ones.
_SORT_ABOVE = 64
#: At most this many values left to hash are chained one by one (a vector step costs as much as
#: hashing about 50 words of one value in Python).
_CHAIN_BELOW = 16


def _mix(h: np.ndarray) -> np.ndarray:
    """An invertible mix of 64-bit words: times an odd constant, then an xor-shift."""
    mixed: np.ndarray = h * _MULTIPLIER
    mixed ^= mixed >> np.uint64(31)
    return mixed


def _stir(h: np.ndarray) -> None:
    """``_mix`` in place (the hashing loop's arrays are its own: no temporaries)."""
    h *= _MULTIPLIER
    h ^= h >> np.uint64(31)


def _words(data: pa.Buffer | None, start: int, stop: int) -> np.ndarray:
    """Every 8-byte window of ``data[start:stop]`` as one little-endian word (overlapping,
    unaligned views). The last windows run up to 7 bytes past ``stop``, masked off by the caller:
    read in place when the buffer has them (a slice of a longer array), else from a padded copy
    of just this range (a slice's buffer is its whole parent's)."""
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    if stop + 8 <= raw.size:
        window = raw[start : stop + 8]
    else:
        window = np.concatenate([raw[start:stop], np.zeros(8, dtype=np.uint8)])
    words: np.ndarray = np.ndarray((window.size - 7,), dtype="<u8", buffer=window, strides=(1,))
    return words


def _low_bytes(available: Any) -> Any:
    """Masks keeping the low ``min(available, 8)`` bytes of a word."""
    bits = np.minimum(available, 8).astype(np.uint64) * np.uint64(8)
    # A shift by 64 is undefined, so full words keep every bit by the other branch.
    return np.where(bits == 64, ~np.uint64(0), (np.uint64(1) << (bits & np.uint64(63))) - 1)


def _hash_bytes(array: pa.Array) -> np.ndarray:
    """A 64-bit hash of each (non-null) string or binary value, eight bytes per step."""
    wide = pa.types.is_large_string(array.type) or pa.types.is_large_binary(array.type)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64 if wide else np.int32)
    offsets = offsets[array.offset : array.offset + len(array) + 1].astype(np.int64)
    words = _words(array.buffers()[2], int(offsets[0]), int(offsets[-1]))
    offsets -= offsets[0]
    starts, lengths = offsets[:-1], np.diff(offsets)
    longest = int(lengths.max()) if lengths.size else 0
    shortest = int(lengths.min()) if lengths.size else 0
    if lengths.size <= _CHAIN_BELOW:  # a few values: chain each one's words in one loop
        hashes = lengths.astype(np.uint64)
        hashes += _MULTIPLIER
        _stir(hashes)
        _chain(hashes, words, starts, lengths, step=0, rows=np.arange(lengths.size))
        return _finish(hashes)
    if shortest == longest:  # equally long, as ids often are: each step reads a strided view
        first = np.array([longest], dtype=np.uint64) + _MULTIPLIER
        _stir(first)  # the length's part of the hash, as below, computed once
        hashes = np.full(lengths.size, first[0])
        for step in range(0, longest, 8):
            word = words[step::longest][: lengths.size]
            if step + 8 > longest:
                word = word & ((np.uint64(1) << np.uint64(8 * (longest - step))) - np.uint64(1))
            hashes ^= word
            _stir(hashes)
        return _finish(hashes)
    hashes = lengths.astype(np.uint64)
    hashes += _MULTIPLIER
    _stir(hashes)
    # Long strings are visited longest first, so each step touches only the strings it reaches.
    order = np.argsort(-lengths, kind="stable") if longest > _SORT_ABOVE else None
    descending = -lengths[order] if order is not None else lengths
    for step in range(0, longest, 8):
        if step + 8 <= shortest:  # every string has a full word here: no selection, no mask
            hashes ^= words[starts + step]
            _stir(hashes)
        elif step < shortest:  # every string has bytes here: no selection
            word = words[starts + step]
            word &= _low_bytes(lengths - step)
            hashes ^= word
            _stir(hashes)
        else:
            if order is None:
                rows = np.flatnonzero(lengths > step)
            else:
                rows = order[: np.searchsorted(descending, -step, side="left")]
            if rows.size <= _CHAIN_BELOW:
                _chain(hashes, words, starts, lengths, step=step, rows=rows)
                break
            word = words[starts[rows] + step]
            word &= _low_bytes(lengths[rows] - step)
            word ^= hashes[rows]
            _stir(word)
            hashes[rows] = word
    return _finish(hashes)


def _chain(
    hashes: np.ndarray,
    words: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    *,
    step: int,
    rows: np.ndarray,
) -> None:
    """Hash the bytes from ``step`` on of each of ``rows`` into ``hashes``, in place, one row at
    a time: the same steps as the vectorized loop, on Python integers, so a few long values cost
    one tight loop over their words instead of a vector step (microseconds) per 8 bytes."""
    multiplier, full = int(_MULTIPLIER), (1 << 64) - 1
    for row in rows.tolist():
        length = int(lengths[row]) - step
        if length <= 0:
            continue
        start = int(starts[row]) + step
        chunk = words[start : start + length : 8].tolist()
        if length % 8:
            chunk[-1] &= (1 << (8 * (length % 8))) - 1
        h = int(hashes[row])
        for word in chunk:
            h = ((h ^ word) * multiplier) & full
            h ^= h >> 31
        hashes[row] = h


def _finish(hashes: np.ndarray) -> np.ndarray:
    """The final avalanche, in place."""
    hashes ^= hashes >> np.uint64(29)
    hashes *= _FINISH
    hashes ^= hashes >> np.uint64(32)
    return hashes


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


#: Fingerprints are kept in this many parts by their top bits, so finalizing orders one part at a
#: time instead of a second copy of all of them. On a cluster each part is gathered and ordered
#: by one task: at 10 billion rows a part is 1.25 GB of fingerprints (with 16 parts it was 5 GB,
#: too much for one executor), for 3-10% more CPU on one machine than 16 parts.
_PARTS = 64
_PART_SHIFT = np.uint64(58)
#: Finalizing orders a part by the 16-bit digits at these shifts, least significant first; with
#: the part's own top bits that sorts it by the top 32 bits (bits 44-47 and 58-59 are in two).
_DIGIT_SHIFTS = (np.uint64(32), np.uint64(44))
_TOP_SHIFT = np.uint64(32)

PrintState = tuple[tuple[np.ndarray, ...], ...]


def _by_digit(prints: np.ndarray, shift: np.uint64) -> np.ndarray:
    """The prints stably ordered by their 16 bits from ``shift`` (numpy radix-sorts 16-bit keys
    in linear time, where a comparison sort of 64-bit keys costs several times more)."""
    digit = (prints >> shift).astype(np.uint16)
    ordered: np.ndarray = prints[np.argsort(digit, kind="stable")]
    return ordered


def _repeated_in_part(prints: np.ndarray) -> np.ndarray:
    """The prints occurring more than once, sorted: radix-ordered by their top 32 bits, equal
    prints are neighbours, and the few neighbours sharing those bits are compared in full."""
    for shift in _DIGIT_SHIFTS:
        prints = _by_digit(prints, shift)
    top = prints >> _TOP_SHIFT
    shared = np.flatnonzero(top[1:] == top[:-1])
    in_run = np.zeros(prints.size, dtype=bool)
    in_run[shared] = in_run[shared + 1] = True
    candidates = np.sort(prints[in_run])
    repeated: np.ndarray = np.unique(candidates[1:][candidates[1:] == candidates[:-1]])
    return repeated


def in_parts(prints: np.ndarray) -> PrintState:
    """A batch's prints grouped by part (a radix pass on their top bits; no sorting within)."""
    part = (prints >> _PART_SHIFT).astype(np.uint8)
    order = np.argsort(part, kind="stable")
    grouped = prints[order]
    bounds = np.searchsorted(part[order], np.arange(_PARTS + 1))  # part[order] is sorted
    return tuple(
        (grouped[bounds[i] : bounds[i + 1]],) if bounds[i + 1] > bounds[i] else ()
        for i in range(_PARTS)
    )


IgnoreRowIf = Literal["any_value_is_missing", "all_values_are_missing", "never"]


def ignored_rows(batch: Batch, columns: tuple[str, ...], rule: IgnoreRowIf) -> np.ndarray:
    """The rows a rule over several columns leaves out: those missing any, or all, of the
    columns' values (``never``: none)."""
    if rule == "never":
        return np.zeros(batch.num_rows, dtype=bool)
    masks = [batch.missing(c) for c in columns]
    combine = np.logical_or if rule == "any_value_is_missing" else np.logical_and
    return combine.reduce(masks) if len(masks) > 1 else masks[0]


#: What a missing value adds to the fingerprint of a key of several columns, where missing
#: values are equal to each other (as in ``pandas.DataFrame.duplicated``); any constant serves.
_MISSING_PRINT = np.uint64(0x5851F42D4C957F2D)


K = TypeVar("K", bound="Key")


def mixed(prints: np.ndarray) -> np.ndarray:
    """Fingerprints spread over all 64 bits by a bijection, so equal ones stay equal and
    different ones stay different (a number's own bits leave the top ones zero)."""
    return _mix(prints)


def chained(parts: list[np.ndarray], rows: int) -> np.ndarray:
    """One fingerprint per row of several columns' (mixed) fingerprints, chained as the words of
    a text are, so that the order of the columns matters."""
    prints = np.full(rows, _MULTIPLIER, dtype=np.uint64)
    for own in parts:
        prints ^= own
        _stir(prints)
    return _finish(prints)


@dataclass(frozen=True, slots=True)
class Key:
    """What makes rows duplicates: equal values in ``column`` and ``also``, among the rows
    ``ignore_row_if`` keeps. One column's key is its present value; the key of several is their
    values together, missing ones equal to each other.

    The metrics of a key (``Fingerprints``, ``RepeatedValues``) are keys themselves: their
    parameters are the key's.
    """

    column: str
    also: tuple[str, ...] = ()
    ignore_row_if: IgnoreRowIf = "any_value_is_missing"

    @classmethod
    def of(cls: type[K], key: Key) -> K:
        """This kind of key (a metric of a key) with ``key``'s parameters."""
        return cls(key.column, key.also, key.ignore_row_if)

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns whose values make the key."""
        return (self.column, *self.also)

    def _one_value(self) -> bool:
        return not self.also and self.ignore_row_if != "never"

    def ignored(self, batch: Batch) -> np.ndarray:
        """The rows left out: they hold no key and are never duplicates."""
        return ignored_rows(batch, self.columns, self.ignore_row_if)

    def prints(self, batch: Batch) -> np.ndarray:
        """The fingerprint of every row's key (an ignored row's is meaningless)."""
        if self._one_value():
            return _row_fingerprints(batch, self.column)
        parts = []
        for column in self.columns:
            missing = batch.missing(column)
            own = _row_fingerprints(batch, column)
            parts.append(np.where(missing, _MISSING_PRINT, own) if missing.any() else own)
        return chained(parts, batch.num_rows)

    def exact(self, batch: Batch, rows: np.ndarray) -> pa.Array:
        """The keys of the chosen rows (a mask), as values equal exactly when the keys are."""
        if self._one_value():
            return canonical(batch.array(self.column).filter(pa.array(rows)))
        positions = np.flatnonzero(rows)
        chosen = Batch(batch.take(positions, self.columns), 0, positions.size)
        return row_keys(chosen, self.columns)


@dataclass(frozen=True, slots=True)
class Fingerprints(Key, Metric[PrintState, np.ndarray]):
    """The fingerprints occurring more than once among the rows' keys (sorted)."""

    shards = _PARTS

    def empty(self) -> PrintState:
        return ((),) * _PARTS

    def compute(self, batch: Batch, inputs: Values) -> PrintState:
        prints = self.prints(batch)
        ignored = self.ignored(batch)
        return in_parts(prints[~ignored] if ignored.any() else prints)

    def merge(self, left: PrintState, right: PrintState) -> PrintState:
        return tuple(a + b for a, b in zip(left, right, strict=True))

    def finalize(self, state: PrintState) -> np.ndarray:
        repeated = [np.zeros(0, dtype=np.uint64)]
        repeated += [_repeated_in_part(np.concatenate(part)) for part in state if part]
        # Parts are in order of their top bits, so their concatenation is sorted.
        return np.concatenate(repeated)

    def split(self, state: PrintState) -> list[PrintState]:
        """One state per part, empty ones included: parts finalize independently."""
        return [
            tuple(part if i == k else () for i, part in enumerate(state)) for k in range(_PARTS)
        ]

    def join(self, values: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(values)  # parts in order of their top bits: still sorted


#: Fingerprints of every slot of arrays still alive, by ``id``: a column that a later pass reads
#: again (in-memory sources keep its converted chunks) is hashed once.
_REMEMBERED: dict[int, np.ndarray] = {}


def _row_fingerprints(batch: Batch, column: str) -> np.ndarray:
    """Fingerprints of every row of the column in this batch (a missing row's is meaningless)."""
    array = batch.array(column)
    prints = _REMEMBERED.get(id(array))
    if prints is None:
        # Mixed by a bijection, so prints stay exact for numbers but spread over all 64 bits
        # (a number's own bits leave the top ones zero, which would unbalance parts and digits).
        prints = _mix(fingerprints(array))
        _REMEMBERED[id(array)] = prints
        weakref.finalize(array, _REMEMBERED.pop, id(array), None)
    return prints


def rows_by_print(batch: Batch, key: Key, repeated: np.ndarray) -> np.ndarray:
    """Which rows of the batch, among those ``key`` keeps, have one of the ``repeated``
    fingerprints (``Fingerprints``' value)."""
    if repeated.size == 0:  # a unique column: no fingerprint to look up
        return np.zeros(batch.num_rows, dtype=bool)
    found: np.ndarray = _among(key.prints(batch), repeated) & ~key.ignored(batch)
    return found


def rows_holding(batch: Batch, key: Key, prints: np.ndarray, repeated: pa.Array) -> np.ndarray:
    """Which rows of the batch hold one of the ``repeated`` keys (``RepeatedValues``' values):
    found by their fingerprint among ``prints`` (``Fingerprints``' value), then confirmed on
    their keys."""
    if len(repeated) == 0:
        return np.zeros(batch.num_rows, dtype=bool)
    found = rows_by_print(batch, key, prints)
    rows = np.flatnonzero(found)
    found[rows] = bools(pc.is_in(key.exact(batch, found), value_set=repeated))
    return found


#: ``_among`` first looks prints up by their top bits in a table this large (64 KiB, in cache).
_TABLE_SHIFT = np.uint64(48)
#: Beyond this many chosen prints the table rules too few out to pay for itself.
_TABLE_UP_TO = 4096


def _among(prints: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Which prints are among ``chosen`` (sorted): while few are chosen, a table of their top 16
    bits rules most prints out with one lookup each; a binary search settles the rest."""
    if chosen.size > _TABLE_UP_TO:
        maybe = None
        candidates = prints
    else:
        table = np.zeros(1 << 16, dtype=bool)
        table[chosen >> _TABLE_SHIFT] = True
        maybe = np.flatnonzero(table[prints >> _TABLE_SHIFT])
        candidates = prints[maybe]
    slots = np.minimum(np.searchsorted(chosen, candidates), chosen.size - 1)
    hits: np.ndarray = chosen[slots] == candidates
    if maybe is None:
        return hits
    found = np.zeros(prints.size, dtype=bool)
    found[maybe] = hits
    return found


def prints_in(prints: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Which fingerprints are among ``chosen`` (sorted)."""
    if chosen.size == 0 or prints.size == 0:
        return np.zeros(prints.size, dtype=bool)
    return _among(prints, chosen)


def fingerprint_in(values: pa.Array, chosen: np.ndarray) -> np.ndarray:
    """Which values (canonical) have a fingerprint among ``chosen`` (sorted)."""
    if chosen.size == 0 or len(values) == 0:
        return np.zeros(len(values), dtype=bool)
    return _among(fingerprints(canonical(values)), chosen)


def with_fingerprints(values: pa.Array, chosen: np.ndarray) -> pa.Array:
    """The values (canonical) whose fingerprint is among ``chosen`` (sorted)."""
    return canonical(values).filter(pa.array(fingerprint_in(values, chosen)))


@state_type("repeated")
@dataclass(frozen=True, slots=True)
class Repeated:
    """The keys that occur more than once (``values``); ``by_print`` when every key whose
    fingerprint is repeated is itself repeated, so that a row holds a repeated key exactly when
    its fingerprint is repeated."""

    values: pa.Array
    by_print: bool


@dataclass(frozen=True, slots=True)
class RepeatedValues(Key, Metric[CountsState, Repeated]):
    """The rows' keys that occur more than once, exactly."""

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        return (Fingerprints.of(self),)

    def empty(self) -> CountsState:
        return ()

    def compute(self, batch: Batch, inputs: Values) -> CountsState:
        found = rows_by_print(batch, self, inputs[Fingerprints.of(self)])
        if not found.any():
            return ()
        return (count_values(self.exact(batch, found)),)

    def merge(self, left: CountsState, right: CountsState) -> CountsState:
        return left + right

    def finalize(self, state: CountsState) -> Repeated:
        counts = combine_counts(state)
        # Counted here are the values whose fingerprint is repeated, every occurrence of each.
        repeated = counts.counts > 1
        return Repeated(counts.values.filter(from_numpy(repeated)), bool(repeated.all()))
