"""Exact, vectorized sums of floats and of their squares, as Python integers.

Floating-point sums depend on the order of addition, so a mean computed over 7 batches would
differ in its last bits from the same mean over one. dataguard promises identical results for any
batch size or partitioning, and profiles that merge exactly, so sums are kept exactly: every finite
float64 is an integer multiple of 2**-1126 (its 53-bit significand times a power of two), and every
square an integer multiple of 2**-2252. A batch's sum is computed with numpy alone, in blocks of
2**16 values. Each block is cut into bit slices by Rump's extraction: adding and subtracting
``1.5 * 2**(t + 52)`` rounds every value to a multiple of ``2**t`` exactly, the remainders are
exact too, and with slices 36 bits wide the total of a slice's 2**16 parts stays below 2**53, so
numpy's float sum of it is exact. Three slices cover values spanning 108 bits of magnitude, which
is nearly all real data; the few bits left below them (values spanning wider ranges) are split by
exponent with ``frexp`` and their 26-bit halves added per exponent by ``bincount``. Merging two
states is integer addition, and the final rounding to float happens once, correctly.

Sums of squares, computed beside the sum by ``exact_float_sums``, cut each block of values into
four pieces of 18 bits by the same extraction (``x == p1 + p2 + p3 + p4``, each ``p`` a multiple of
its own power of two). The product of two pieces is exact, and 2**16 of them add up exactly in
float64 (below 2**50 of their unit), whatever the order of addition; so ``sum(x**2)`` is ten sums
of products of pieces and ``sum(x)`` four plain sums. The pieces cover the 72 bits below the
block's largest magnitude: the rare value too small to fit (2**18 times smaller than the largest),
and blocks of magnitudes near the ends of the float range, take Dekker's error-free product instead
(x*x == p + e exactly, with p and e floats, for 2**-480 <= |x| <= 2**500); values outside that
range, and integers beyond 2**53, take an exact per-element path in Python integers, which real
data almost never reaches.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

#: Exact float sums count units of 2**-SUM_SHIFT; squares count units of 2**-SQUARE_SHIFT.
#: 1126 = 1074 (smallest subnormal exponent) + 52 (significand bits below the leading one).
SUM_SHIFT = 1126
SQUARE_SHIFT = 2 * SUM_SHIFT

# frexp gives x = m * 2**e with 0.5 <= |m| < 1; m * 2**53 is then an integer below 2**53.
_SIGNIFICAND_BITS = 53
_HALF_BITS = 26
# Each bincount adds values below 2**27 in float64, exact while the total stays below 2**53:
# the running per-exponent totals are moved into Python integers every _FLUSH values.
_FLUSH = 1 << 25
# Values are processed in cache-sized blocks: whole-column temporaries would be paged in fresh.
_BLOCK = 1 << 16
# A slice's parts are multiples of 2**t below 2**(t + _SLICE_BITS): _BLOCK of them sum to less
# than 2**(t + 53), exactly. _SLICES slices take the top 108 bits of a block's magnitudes.
_SLICE_BITS = 53 - 1 - 16
_SLICES = 3
# Slicing at 2**t adds 1.5 * 2**(t + 52), finite while t + 52 < 1024; and 2**-1074 is the
# smallest float's unit, below which no value has bits.
_SLICE_TOP_LIMIT = 1023 - _SIGNIFICAND_BITS + _SLICE_BITS
_SMALLEST_EXPONENT = -1074
# One bin per exponent: frexp exponents run from -1073 to 1024, shifted by SUM_SHIFT - 53.
_BINS = 2 * SUM_SHIFT
# Veltkamp's splitter for float64: 2**27 + 1.
_SPLITTER = 134217729.0
_SAFE_SQUARE_LOW = 2.0**-480
_SAFE_SQUARE_HIGH = 2.0**500
_INT_SQUARE_LIMIT = 1 << 31
_FLOAT_EXACT_INT = 1 << 53


class _ExactSum:
    """Running exact sum of float64 blocks: per-exponent totals of 26-bit significand halves."""

    __slots__ = ("_high", "_low", "_pending", "total")

    def __init__(self) -> None:
        self.total = 0
        self._high = np.zeros(_BINS)
        self._low = np.zeros(_BINS)
        self._pending = 0

    def add(self, block: np.ndarray) -> None:
        """Add finite values (at most ``_BLOCK`` of them)."""
        mantissa, exponent = np.frexp(block)
        significand = (mantissa * float(1 << _SIGNIFICAND_BITS)).astype(np.int64)
        bins = exponent + (SUM_SHIFT - _SIGNIFICAND_BITS)
        self._high += np.bincount(bins, weights=significand >> _HALF_BITS, minlength=_BINS)
        self._low += np.bincount(
            bins, weights=significand & ((1 << _HALF_BITS) - 1), minlength=_BINS
        )
        self._pending += block.size
        if self._pending >= _FLUSH:
            self.flush()

    def flush(self) -> int:
        """Move the per-exponent totals into ``total`` and return it."""
        high, low = self._high, self._low
        for k in np.flatnonzero((high != 0) | (low != 0)).tolist():
            self.total += ((int(high[k]) << _HALF_BITS) + int(low[k])) << k
        high[:] = 0
        low[:] = 0
        self._pending = 0
        return self.total


def _sliced_sum(block: np.ndarray, leftover: _ExactSum) -> int:
    """Exact sum of at most ``_BLOCK`` finite values, in units of 2**-SUM_SHIFT, by slices of
    ``_SLICE_BITS`` bits from the top; what ``_SLICES`` slices leave goes to ``leftover``."""
    if block.size == 0:
        return 0
    largest = max(float(block.max()), -float(block.min()))
    if largest == 0.0:
        return 0
    top = math.frexp(largest)[1]  # every |value| <= 2**top
    if top > _SLICE_TOP_LIMIT:  # 1.5 * 2**(t + 52) would overflow
        leftover.add(block)
        return 0
    total = 0
    rest = block
    for _ in range(_SLICES):
        unit = max(top - _SLICE_BITS, _SMALLEST_EXPONENT)
        shifter = 1.5 * 2.0 ** (unit + _SIGNIFICAND_BITS - 1)
        sliced = (rest + shifter) - shifter  # rest rounded to a multiple of 2**unit, exactly
        rest = rest - sliced  # exact, |rest| <= 2**(unit - 1)
        units = int(math.ldexp(float(sliced.sum()), -unit))  # exact: below 2**53 units
        total += units << (unit + SUM_SHIFT)
        if unit == _SMALLEST_EXPONENT or not rest.any():
            return total
        top = unit - 1
    leftover.add(rest[rest != 0])
    return total


def exact_float_sum(values: np.ndarray) -> int:
    """Exact sum of finite float64 values, in units of 2**-SUM_SHIFT."""
    leftover = _ExactSum()
    total = 0
    for start in range(0, len(values), _BLOCK):
        total += _sliced_sum(values[start : start + _BLOCK], leftover)
    return total + leftover.flush()


#: Pieces per value for squares, each at most _PIECE_BITS bits wide (its multiple of its unit is
#: at most 2**17 in magnitude): a product of two is below 2**34 units, and a block's 2**16 of them
#: below 2**50, exact in float64 in any order of addition.
_PIECES = 4
_PIECE_BITS = 18
# Blocks whose largest magnitude is below 2**_PIECE_TOP_HIGH: the sums of the pieces' products
# stay finite (below 2**(2 * top + 16)). At or above 2**_PIECE_TOP_LOW: the products of the
# smallest pieces, multiples of 2**(2 * (top - 71)), are multiples of 2**-1074, exact even when
# subnormal.
_PIECE_TOP_HIGH = 503
_PIECE_TOP_LOW = -466


def exact_float_sums(values: np.ndarray) -> tuple[int, int]:
    """Exact sum and sum of squares of finite float64 values, in units of 2**-SUM_SHIFT and
    2**-SQUARE_SHIFT, from 18-bit pieces of each block of values (see the module docstring)."""
    total = squares = 0
    missed: list[np.ndarray] = []
    for start in range(0, len(values), _BLOCK):
        block = values[start : start + _BLOCK]
        summed = _piece_sums(block)
        if summed is None:
            missed.append(block)
            continue
        total += summed[0]
        squares += summed[1]
        missed.append(summed[2])
    left = np.concatenate(missed) if missed else values[:0]
    if left.size:
        total += exact_float_sum(left)
        squares += _dekker_square_sum(left)
    return total, squares


def _piece_sums(block: np.ndarray) -> tuple[int, int, np.ndarray] | None:
    """Exact sum and sum of squares of a block's values that its pieces cover, and the values
    they do not; None when the block's magnitudes are outside the pieces' range."""
    largest = max(float(block.max()), -float(block.min()))
    if largest == 0.0:
        return 0, 0, block[:0]
    top = math.frexp(largest)[1]  # every |value| < 2**top
    if not _PIECE_TOP_LOW <= top <= _PIECE_TOP_HIGH:
        return None
    pieces: list[np.ndarray] = []
    units: list[int] = []
    unit = top - _PIECE_BITS + 1
    rest = block
    for k in range(_PIECES):
        shifter = 1.5 * 2.0 ** (unit + _SIGNIFICAND_BITS - 1)
        piece = rest + shifter
        piece -= shifter  # rest rounded to a multiple of 2**unit, exactly
        # Exact, |rest| <= 2**(unit - 1): a new array first (the block is the caller's).
        rest = np.subtract(rest, piece, out=None if k == 0 else rest)
        pieces.append(piece)
        units.append(unit)
        unit -= _PIECE_BITS
    uncovered = np.flatnonzero(rest != 0)  # ten times faster than nonzero of floats
    for piece in pieces:  # values the pieces miss are summed apart, whole
        piece[uncovered] = 0.0
    total = squares = 0
    # Products are summed by numpy, not np.dot: OpenBLAS threads a dot product of more than 10k
    # values, and its spinning threads take the cores from the engine's workers.
    products = rest  # scratch space: its values are spent
    for i, (piece, unit) in enumerate(zip(pieces, units, strict=True)):
        total += int(math.ldexp(float(piece.sum()), -unit)) << (unit + SUM_SHIFT)
        for j in range(i, _PIECES):
            both = unit + units[j]
            summed = float(np.multiply(piece, pieces[j], out=products).sum())
            product = int(math.ldexp(summed, -both))
            squares += (product if i == j else 2 * product) << (both + SQUARE_SHIFT)
    return total, squares, block[uncovered]


def exact_float_square_sum(values: np.ndarray) -> int:
    """Exact sum of squares of finite float64 values, in units of 2**-SQUARE_SHIFT."""
    return exact_float_sums(values)[1]


def _dekker_square_sum(values: np.ndarray) -> int:
    """``exact_float_square_sum`` by Dekker's error-free products: for any magnitude, at about
    three times the cost of the pieces."""
    leftover = _ExactSum()
    total = outside = 0
    for start in range(0, len(values), _BLOCK):
        a = values[start : start + _BLOCK]
        safe = _safe(np.abs(a))
        if not safe.all():
            outside += sum(_product_units(x, x) for x in a[~safe].tolist())
            a = a[safe]
        # Dekker's error-free product with both factors equal: a * a == square + error exactly
        # (the two cross terms a_high * a_low are one doubled term, also exact).
        square = a * a
        a_high, a_low = _split(a)
        error = ((a_high * a_high - square) + 2.0 * (a_high * a_low)) + a_low * a_low
        total += _sliced_sum(square, leftover) + _sliced_sum(error, leftover)
    return ((total + leftover.flush()) << SUM_SHIFT) + outside


def _safe(magnitude: np.ndarray) -> np.ndarray:
    inside: np.ndarray = (magnitude == 0) | (
        (magnitude >= _SAFE_SQUARE_LOW) & (magnitude <= _SAFE_SQUARE_HIGH)
    )
    return inside


def _split(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Veltkamp: values == high + low, each with at most 26 significant bits."""
    scaled = _SPLITTER * values
    high = scaled - (scaled - values)
    return high, values - high


def exact_float_product_sum(left: np.ndarray, right: np.ndarray) -> int:
    """Exact sum of ``left * right`` over finite float64 pairs, in units of 2**-SQUARE_SHIFT."""
    leftover = _ExactSum()
    total = outside = 0
    for start in range(0, len(left), _BLOCK):
        a = left[start : start + _BLOCK]
        b = right[start : start + _BLOCK]
        safe = _safe(np.abs(a)) & _safe(np.abs(b))
        if not safe.all():
            pairs = zip(a[~safe].tolist(), b[~safe].tolist(), strict=True)
            outside += sum(_product_units(float(x), float(y)) for x, y in pairs)
            a, b = a[safe], b[safe]
        # Dekker: a * b == product + error exactly, both floats.
        product = a * b
        a_high, a_low = _split(a)
        b_high, b_low = _split(b)
        error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low
        total += _sliced_sum(product, leftover) + _sliced_sum(error, leftover)
    return ((total + leftover.flush()) << SUM_SHIFT) + outside


def _product_units(left: float, right: float) -> int:
    product = Fraction(left) * Fraction(right) * (1 << SQUARE_SHIFT)
    return int(product)


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
    # Exact, in Python integers: through float64, 2**53 + 1 would round down to 2**53 and pass
    # the check below for integers that float64 holds exactly.
    peak = max(abs(int(values.max())), abs(int(values.min())))
    if peak < _INT_SQUARE_LIMIT:
        wide = values.astype(np.int64)
        squares = wide * wide
        return (int((squares >> 31).sum()) << 31) + int((squares & 0x7FFFFFFF).sum())
    if peak <= _FLOAT_EXACT_INT:
        return exact_float_square_sum(values.astype(np.float64)) >> SQUARE_SHIFT
    return sum(int(v) * int(v) for v in values.tolist())


def units_to_float(units: int, shift: int, count: int = 1) -> float:
    """``units * 2**-shift / count``, correctly rounded to the nearest float.

    A result beyond the float range is an infinity of its sign, as in floating-point arithmetic
    (the sum of two values near the float maximum overflows; their mean does not).
    """
    try:
        return float(Fraction(units, count << shift))
    except OverflowError:
        return math.inf if units > 0 else -math.inf


# A square root scaled to at least this many bits leaves two below float64's 53 as guard bits.
_SQRT_BITS = 56


def sqrt_to_float(numerator: int, denominator: int) -> float:
    """``sqrt(numerator / denominator)``, correctly rounded to the nearest float (inf above the
    float range); both are non-negative integers, ``denominator`` above 0.

    ``math.sqrt`` of a rounded quotient rounds twice (one result in ten is then a unit off). Here
    the quotient is scaled by ``4**k`` until its integer square root ``s`` has more bits than a
    float keeps: the root lies in ``[s, s + 1)``, so ``s`` when exact, else ``s + 1/2`` (which
    lies on the same side of every rounding boundary, an integer multiple of units) rounds to
    the same float as the root itself, in one correct integer division.
    """
    if numerator == 0:
        return 0.0
    magnitude = numerator.bit_length() - denominator.bit_length()  # log2 of the ratio, +-1
    k = (2 * _SQRT_BITS - magnitude) // 2 + 1
    if k >= 0:
        quotient, remainder = divmod(numerator << (2 * k), denominator)
    else:
        quotient, remainder = divmod(numerator, denominator << (-2 * k))
    root = math.isqrt(quotient)
    halves = 2 * root + (0 if remainder == 0 and root * root == quotient else 1)
    try:
        if k + 1 >= 0:
            return halves / (1 << (k + 1))  # integer true division rounds correctly
        return float(halves << -(k + 1))
    except OverflowError:
        return math.inf


def round_exact(exact: Fraction | float | int, integers: bool = False) -> float | int:
    """An exact statistic as reported: the nearest float (infinite beyond the float range); with
    ``integers`` (a statistic of integers), a whole number that a float cannot hold (beyond
    2**53) as that exact integer."""
    if isinstance(exact, float):
        return exact
    try:
        nearest = float(exact)
    except OverflowError:
        return math.inf if exact > 0 else -math.inf
    if integers and nearest != exact and exact == int(exact):
        return int(exact)
    return nearest
