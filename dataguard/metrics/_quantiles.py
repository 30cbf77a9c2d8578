"""Quantiles of sorted values by numpy's definitions, computed exactly and rounded once.

``numpy.quantile`` interpolates in floating point: ``a + g * (b - a)`` overflows between values
of opposite signs near the float maximum (the median of ``[-1.5e308, 1.5e308]`` comes out -inf),
gives NaN beside an infinity (``0 * inf``, so the 0-quantile of ``[-inf, 1]`` is NaN, not the
minimum), and turns integers beyond 2**53 into floats. Here the position of each quantile is
numpy's (``q * (n - 1)`` in float64, rounded to a neighbour by each method), so the chosen
values are numpy's; only the interpolation between the two neighbours is exact. An infinity
interpolated with any other value is that infinity; ``-inf`` and ``inf`` give NaN.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Literal

import numpy as np

from dataguard.metrics._exact import round_exact

QuantileMethod = Literal["linear", "nearest", "lower", "higher", "midpoint"]


def quantiles(
    values: np.ndarray, qs: Sequence[float], method: QuantileMethod = "linear"
) -> list[float | int]:
    """The ``qs`` quantiles of sorted ``values`` (integers or floats), as ``numpy.quantile``
    defines them, each exact and then rounded once to the nearest float.

    For integer values, a result that is a whole number a float cannot hold (the median of two
    equal int64 values near 2**63) is returned as that exact integer instead.
    """
    at = {k: values[k].item() for k in quantile_ranks(values.size, qs)}
    return quantiles_at(values.size, at, qs, method, integers=values.dtype.kind in "iu")


def _neighbours(count: int, q: float) -> tuple[float, int, int]:
    """numpy's virtual index of quantile ``q`` among ``count`` values (in float64), and the
    ranks just below and above it."""
    last = count - 1
    position = float(q) * last
    return position, math.floor(position), min(math.ceil(position), last)


def quantile_ranks(count: int, qs: Sequence[float]) -> list[int]:
    """The ranks (0-based, sorted, distinct) whose values the ``qs`` quantiles of ``count``
    values read, by any method."""
    if count == 0:
        return []
    return sorted({k for q in qs for k in _neighbours(count, q)[1:]})


def quantiles_at(
    count: int,
    at: Mapping[int, float | int],
    qs: Sequence[float],
    method: QuantileMethod,
    *,
    integers: bool,
) -> list[float | int]:
    """``quantiles`` of ``count`` sorted values of which ``at`` holds those at
    ``quantile_ranks(count, qs)``; ``integers`` says whether the values are integers."""
    if count == 0:
        return []
    result: list[float | int] = []
    for q in qs:
        position, lower, upper = _neighbours(count, q)
        if method == "lower" or lower == upper:
            chosen = [lower]
        elif method == "higher":
            chosen = [upper]
        elif method == "nearest":
            chosen = [round(position)]  # half to even, as numpy.around
        else:
            chosen = [lower, upper]
        low, high = at[chosen[0]], at[chosen[-1]]
        weight = Fraction(0.5) if method == "midpoint" else Fraction(position - lower)
        exact = _between(low, high, weight if len(chosen) == 2 else Fraction(0))
        result.append(round_exact(exact, integers=integers))
    return result


def _between(low: float | int, high: float | int, weight: Fraction) -> Fraction | float:
    """``low + weight * (high - low)``: exact, or an infinity (NaN between opposite ones)."""
    if weight == 0 or low == high:
        return Fraction(low) if isinstance(low, int) else low
    if isinstance(low, float) and math.isinf(low):
        return low if not (isinstance(high, float) and high == -low) else math.nan
    if isinstance(high, float) and math.isinf(high):
        return high
    return Fraction(low) + weight * (Fraction(high) - Fraction(low))
