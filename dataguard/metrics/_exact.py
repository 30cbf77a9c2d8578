"""Exact, vectorized sums of floats and of their squares, as Python integers.

Floating-point sums depend on the order of addition, so a mean computed over 7 batches would
differ in its last bits from the same mean over one. dataguard promises identical results for any
batch size or partitioning, and profiles that merge exactly, so sums are kept exactly: every finite
float64 is an integer multiple of 2**-1126 (its 53-bit significand times a power of two), and every
square an integer multiple of 2**-2252. A batch's sum is computed with numpy alone: values are split
by exponent with ``frexp``, the significands cut into 26-bit halves whose per-exponent totals
``bincount`` adds without rounding, and the few per-exponent totals combined in Python integers.
Merging two states is integer addition, and the final rounding to float happens once, correctly.

Squares use Dekker's error-free product (x*x == p + e exactly, with p and e floats) for
2**-480 <= |x| <= 2**500; values outside that range, and integers beyond 2**53, take an exact
per-element path in Python integers, which real data almost never reaches.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

#: Exact float sums count units of 2**-SUM_SHIFT; squares count units of 2**-SQUARE_SHIFT.
#: 1126 = 1074 (smallest subnormal exponent) + 52 (significand bits below the leading one).
SUM_SHIFT = 1126
SQUARE_SHIFT = 2 * SUM_SHIFT

# frexp gives x = m * 2**e with 0.5 <= |m| < 1; m * 2**53 is then an integer below 2**53.
_SIGNIFICAND_BITS = 53
_HALF_BITS = 26
# Each bincount adds values below 2**27 in float64, exact while the total stays below 2**53.
_CHUNK = 1 << 25
# Veltkamp's splitter for float64: 2**27 + 1.
_SPLITTER = 134217729.0
_SAFE_SQUARE_LOW = 2.0**-480
_SAFE_SQUARE_HIGH = 2.0**500
_INT_SQUARE_LIMIT = 1 << 31
_FLOAT_EXACT_INT = 1 << 53


def exact_float_sum(values: np.ndarray) -> int:
    """Exact sum of finite float64 values, in units of 2**-SUM_SHIFT."""
    total = 0
    for start in range(0, len(values), _CHUNK):
        total += _chunk_sum(values[start : start + _CHUNK])
    return total


def _chunk_sum(values: np.ndarray) -> int:
    if values.size == 0:
        return 0
    mantissa, exponent = np.frexp(values)
    significand = (mantissa * float(1 << _SIGNIFICAND_BITS)).astype(np.int64)
    bins = (exponent + (SUM_SHIFT - _SIGNIFICAND_BITS)).astype(np.intp)
    high = significand >> _HALF_BITS
    low = significand & ((1 << _HALF_BITS) - 1)
    length = int(bins.max()) + 1
    high_sums = np.bincount(bins, weights=high.astype(np.float64), minlength=length)
    low_sums = np.bincount(bins, weights=low.astype(np.float64), minlength=length)
    total = 0
    for k in np.flatnonzero((high_sums != 0) | (low_sums != 0)).tolist():
        total += ((int(high_sums[k]) << _HALF_BITS) + int(low_sums[k])) << k
    return total


def exact_float_square_sum(values: np.ndarray) -> int:
    """Exact sum of squares of finite float64 values, in units of 2**-SQUARE_SHIFT."""
    magnitude = np.abs(values)
    safe = (magnitude == 0) | ((magnitude >= _SAFE_SQUARE_LOW) & (magnitude <= _SAFE_SQUARE_HIGH))
    total = 0
    if not safe.all():
        total += sum(_square_units(float(v)) for v in values[~safe].tolist())
        values = values[safe]
    product = values * values
    scaled = _SPLITTER * values
    high = scaled - (scaled - values)
    low = values - high
    error = ((high * high - product) + 2.0 * high * low) + low * low
    total += (exact_float_sum(product) + exact_float_sum(error)) << SUM_SHIFT
    return total


def _square_units(value: float) -> int:
    numerator, denominator = value.as_integer_ratio()
    square = Fraction(numerator * numerator, denominator * denominator) * (1 << SQUARE_SHIFT)
    return int(square)


def exact_int_sum(values: np.ndarray) -> int:
    """Exact sum of signed or unsigned 64-bit integers, as a plain integer."""
    if values.size == 0:
        return 0
    if values.dtype.kind == "u":
        high_u = values >> np.uint64(32)
        low_u = values & np.uint64(0xFFFFFFFF)
        return (int(high_u.sum(dtype=np.uint64)) << 32) + int(low_u.sum(dtype=np.uint64))
    wide = values.astype(np.int64, copy=False)
    high = wide >> 32
    low = wide & 0xFFFFFFFF
    return (int(high.sum()) << 32) + int(low.sum())


def exact_int_square_sum(values: np.ndarray) -> int:
    """Exact sum of squares of 64-bit integers, as a plain integer."""
    if values.size == 0:
        return 0
    peak = int(np.abs(values.astype(np.float64)).max())
    if peak < _INT_SQUARE_LIMIT:
        wide = values.astype(np.int64)
        squares = wide * wide
        return (int((squares >> 31).sum()) << 31) + int((squares & 0x7FFFFFFF).sum())
    if peak <= _FLOAT_EXACT_INT:
        return exact_float_square_sum(values.astype(np.float64)) >> SQUARE_SHIFT
    return sum(int(v) * int(v) for v in values.tolist())


def units_to_float(units: int, shift: int, count: int = 1) -> float:
    """``units * 2**-shift / count``, correctly rounded to the nearest float."""
    return float(Fraction(units, count << shift))
