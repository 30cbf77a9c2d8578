"""What a reference remembers of the categories it pooled into OTHER: a Bloom filter of their
fingerprints, so that later data can tell "seen but not kept" from "never seen".

Without it, every current value outside the kept categories would look NEW, and a column of more
than ``categorical_cap`` categories would drift against itself. Keeping the pooled values, or even
their 64-bit fingerprints, would make a profile grow with the column (an id column of 20M rows:
160 MB), so the filter holds about ``BITS_PER_VALUE`` bits per pooled value, at most ``MAX_BITS``.

A Bloom filter never misses a value it holds; it only takes some never-seen values for pooled ones
(false positives), with probability about ``(1 - exp(-k n / m)) ** k`` for ``n`` values in ``m``
bits and ``k`` probes (measured in tests/profile/test_pool.py): below 1 % up to
``MAX_BITS / BITS_PER_VALUE`` (about 210,000) pooled values, then rising (8 % at 400,000, 38 % at
a million). Such a value is compared with OTHER instead of as NEW: a false positive
can hide a new value, never raise a false alarm. The bits depend only on the set of pooled
fingerprints, so the profile stays deterministic.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from dataguard.errors import ProfileError
from dataguard.metrics import state_type
from dataguard.profile._encoding import decode_bytes, encode_bytes

#: Bits per pooled value before rounding up to a power of two: 10 to 20, a false-positive rate of
#: 0.8 % down to 0.007 % with the best number of probes (Bloom 1970; Broder & Mitzenmacher 2004).
BITS_PER_VALUE = 10
#: Largest filter: 2**21 bits, 256 KiB (341 KiB of base64) however many values were pooled.
MAX_BITS = 1 << 21
#: Smallest filter (128 bytes): double hashing over fewer bits repeats probe positions.
_MIN_BITS = 1024
_MAX_PROBES = 16


def _mixed(prints: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer (Steele et al. 2014): numbers' fingerprints are their bits, not
    hashes, and the probes need well-spread bits. Computed in place on one copy."""
    x = np.array(prints, dtype=np.uint64)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def _probes(prints: np.ndarray, probes: int, size: int) -> Iterable[np.ndarray]:
    """Bit positions ``h1 + i * h2`` (double hashing, Kirsch & Mitzenmacher 2006), one array per
    probe ``i``; ``h1`` and ``h2`` are the low and high halves of the mixed fingerprint (the
    filter has at most 2**21 bits, so ``h1`` is masked to its size at once)."""
    mixed = _mixed(prints)
    mask = np.uint64(size - 1)
    position = mixed & mask
    if probes > 1:
        step = mixed >> np.uint64(32)
        step |= np.uint64(1)
    for i in range(probes):
        if i:
            position += step
            position &= mask
        yield position.view(np.intp)


def _shape(values: int) -> tuple[int, int]:
    """The number of bits and of probes of the filter of ``values`` fingerprints."""
    wanted = 1 << max(0, BITS_PER_VALUE * values - 1).bit_length()
    size = min(MAX_BITS, max(_MIN_BITS, wanted))
    return size, min(_MAX_PROBES, max(1, round(size / max(values, 1) * math.log(2))))


def _packed(parts: Iterable[np.ndarray], size: int, probes: int) -> np.ndarray:
    """The filter bits of the fingerprints in ``parts``, packed little-endian into bytes."""
    bits = np.zeros(size, dtype=bool)
    for prints in parts:
        for positions in _probes(prints, probes, size):
            bits[positions] = True
    return np.packbits(bits, bitorder="little")


@state_type("pool_filter")
@dataclass(frozen=True)
class PoolFilter:
    """A Bloom filter of the fingerprints of the values a reference pooled into OTHER.

    ``bits`` holds ``size`` bits (a power of two, little-endian bit order), ``probes`` positions
    are checked per value, and ``values`` fingerprints were added.
    """

    bits: bytes
    probes: int
    values: int

    @property
    def size(self) -> int:
        """Number of bits."""
        return len(self.bits) * 8

    @property
    def false_positive_rate(self) -> float:
        """Chance that a value never seen is taken for a pooled one."""
        return float((1 - math.exp(-self.probes * self.values / self.size)) ** self.probes)

    @classmethod
    def of(cls, parts: Iterable[np.ndarray], values: int) -> PoolFilter:
        """The filter of ``values`` distinct fingerprints, given in parts (to bound the memory)."""
        size, probes = _shape(values)
        return cls(_packed(parts, size, probes).tobytes(), probes, values)

    def holds(self, prints: np.ndarray) -> np.ndarray:
        """Per fingerprint: whether it may be a pooled value's (False means surely not)."""
        packed = np.frombuffer(self.bits, dtype=np.uint8)
        found = np.ones(len(prints), dtype=bool)
        for positions in _probes(prints, self.probes, self.size):
            found &= (packed[positions >> 3] >> (positions & 7).astype(np.uint8)) & 1 == 1
        return found

    def joined(self, other: PoolFilter) -> PoolFilter:
        """The filter of both filters' values; ValueError unless they have the same shape.
        ``values`` adds up, so it may count a value twice (the false-positive rate it gives
        is then an overestimate)."""
        if (self.size, self.probes) != (other.size, other.probes):
            raise ValueError("pool filters of different shapes cannot be joined")
        bits = np.frombuffer(self.bits, dtype=np.uint8) | np.frombuffer(other.bits, dtype=np.uint8)
        return PoolFilter(bits.tobytes(), self.probes, self.values + other.values)

    def adding(self, prints: np.ndarray) -> PoolFilter:
        """This filter with the fingerprints ``prints`` added, in its own shape."""
        bits = np.frombuffer(self.bits, dtype=np.uint8) | _packed([prints], self.size, self.probes)
        return PoolFilter(bits.tobytes(), self.probes, self.values + int(prints.size))

    def digest(self) -> str:
        """A short fingerprint of the filter, part of the reference's category grid."""
        return hashlib.sha256(self.bits + bytes([self.probes])).hexdigest()[:16]

    def to_doc(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "bits": encode_bytes(self.bits),
            "probes": self.probes,
            "values": self.values,
        }

    @classmethod
    def from_doc(cls, doc: Any, where: str) -> PoolFilter:
        """Rebuild from ``to_doc``; ProfileError on anything malformed."""
        if not isinstance(doc, Mapping) or set(doc) != {"bits", "probes", "values"}:
            raise ProfileError(f"{where}: pool must hold bits, probes and values")
        probes, values = doc["probes"], doc["values"]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (probes, values)):
            raise ProfileError(f"{where}: pool probes and values must be integers")
        if not 1 <= probes <= _MAX_PROBES or values < 0:
            raise ProfileError(f"{where}: pool probes or values out of range")
        bits = decode_bytes(doc["bits"], f"{where} pool")
        size = len(bits) * 8
        if not _MIN_BITS <= size <= MAX_BITS or size & (size - 1):
            raise ProfileError(
                f"{where}: pool size must be a power of two from 2**10 to 2**21 bits"
            )
        return cls(bits, probes, values)


@state_type("pool_bits")
@dataclass(frozen=True, slots=True)
class PoolBits:
    """A pool filter filled batch by batch, whose bits are the union of the batches' (a value
    sets the same bits in every batch that holds it, so the union needs no distinct values).

    ``bits`` are packed bytes; a state split for a cluster holds one contiguous slice of them,
    so each slice's union is taken where it is gathered and only the filter reaches the driver.
    """

    bits: np.ndarray
    probes: int
    values: int

    @classmethod
    def of(cls, prints: np.ndarray, values: int) -> PoolBits:
        """The bits of these fingerprints (repeats allowed) in the filter of ``values`` values."""
        size, probes = _shape(values)
        return cls(_packed([prints], size, probes), probes, values)

    def union(self, other: PoolBits) -> PoolBits:
        """The bits set in either."""
        return replace(self, bits=self.bits | other.bits)

    def sliced(self, parts: int) -> list[PoolBits]:
        """The bits cut into ``parts`` contiguous slices, in order."""
        return [replace(self, bits=piece) for piece in np.array_split(self.bits, parts)]

    def joined(self, slices: Iterable[PoolBits]) -> PoolBits:
        """These bits followed by the ``slices``' (the inverse of ``sliced``)."""
        return replace(self, bits=np.concatenate([self.bits, *(s.bits for s in slices)]))

    def filter(self) -> PoolFilter:
        """The filter these bits make."""
        return PoolFilter(self.bits.tobytes(), self.probes, self.values)
