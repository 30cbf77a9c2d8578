"""Observed ranges widened by a margin into readable bounds, and numbers as comments say them.

A range ``[low, high]`` widens by ``margin`` times its span on each side (by ``margin`` times the
value when the span is 0), never across zero when the observed values do not cross it (amounts
that were never negative stay at or above 0). Float bounds are rounded outward to three
significant digits of the span, so a suite says ``max_value: 5540.0``, not ``5537.318000000001``;
whole-number bounds (integers, lengths, counts) round to the whole numbers inside the widened
range, which give the same verdicts on whole numbers.
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

#: Significant digits of the span kept by rounded float bounds.
DIGITS = 3


def widened(low: float, high: float, margin: float) -> tuple[float, float]:
    """``[low, high]`` widened by ``margin`` (see the module docstring), not yet rounded."""
    span = high - low if high > low else abs(high)
    lo, hi = low - margin * span, high + margin * span
    if low >= 0:
        lo = max(lo, 0.0)
    if high <= 0:
        hi = min(hi, 0.0)
    return lo, hi


def float_bounds(low: float, high: float, margin: float) -> tuple[float, float]:
    """Widened bounds rounded outward to ``DIGITS`` significant digits of the widened span."""
    lo, hi = widened(low, high, margin)
    span = hi - lo
    if span <= 0 or not math.isfinite(span):
        return lo, hi
    exponent = math.floor(math.log10(span)) - DIGITS + 1
    return _rounded(lo, exponent, ROUND_FLOOR), _rounded(hi, exponent, ROUND_CEILING)


def _rounded(value: float, exponent: int, rounding: str) -> float:
    step = Decimal(1).scaleb(exponent)
    out = float(Decimal(repr(value)).quantize(step, rounding=rounding)) + 0.0  # no -0.0
    # The shortest decimal may sit a hair inside the value; the float bound must not.
    if (rounding == ROUND_FLOOR and out > value) or (rounding == ROUND_CEILING and out < value):
        return value
    return out


def whole_bounds(low: float, high: float, margin: float) -> tuple[int, int]:
    """Widened bounds for whole-number values: the whole numbers inside the widened range."""
    lo, hi = widened(low, high, margin)
    return math.ceil(lo), math.floor(hi)


def count_bounds(count: int, margin: float) -> tuple[int, int]:
    """Bounds for a count (rows): ``margin`` below and above it, whole."""
    return math.floor(count * (1 - margin)), math.ceil(count * (1 + margin))


def number(value: float) -> str:
    """A number as a comment shows it: whole numbers with thousands separators, others with up
    to six significant digits."""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}"


def counted(count: int, noun: str) -> str:
    """``1 row``, ``5,000 rows``."""
    return f"{number(count)} {noun}{'' if count == 1 else 's'}"


def share(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a percentage that never shows a present share as 0%."""
    if whole == 0 or part == 0:
        return "0%"
    percent = 100 * part / whole
    if percent < 1:
        return "<1%"
    if percent > 99 and part < whole:
        return ">99%"
    return f"{percent:.0f}%"
