"""Upper bounds of the two-sample Kolmogorov-Smirnov p-value, for a statistic known from bins.

A profile brackets D between ``d_lo`` and ``d_hi``. The exact p-value of the raw data is
``P(D >= D_obs)`` under the *two-sample* null law (what ``scipy.stats.ks_2samp(method="exact")``
computes), so ``P(D >= d_lo)`` under that same law is never smaller. The one-sample law at a
rounded effective size ``nm/(n+m)`` (scipy's asymptotic choice) is not an upper bound of it: for
small samples it falls below the two-sample law, down to 0 where the exact p-value is 1e-4.

``sf`` evaluates ``P(D >= gap/(nm))`` with the law itself while that is cheap, else bounds it:

- n == m: the reflection formula ``2 sum_j (-1)^(j-1) C(2n, n-jk) / C(2n, n)`` (Gnedenko-Korolyuk).
- otherwise, with ``min(n, m) <= EXACT_STEPS`` and at most ``EXACT_WORK`` lattice cells: the
  share of the ``C(n+m, n)`` orderings of the two samples whose ECDF gap stays below ``d``
  (Hodges 1958), one lattice column per step, the band of each column in one ``cumsum``.
- elsewhere (both samples large, or a large gap between a large and a small sample), and where
  it is already below ``SMALL_ENOUGH`` while the law would take over ``CHEAP_WORK`` cells: the
  triangle inequality ``D <= D_n + D_m`` (each sample against their common continuous law;
  independent), so ``P(D >= d) <= P(D_n >= a) + P(D_m >= d - a)`` for every ``a``, each term
  bounded by Massart's ``2 exp(-2 k x^2)`` (Massart 1990, sharp constant). The minimum over a grid
  of ``a`` is taken. Against the exact law this costs power: most when n and m are both above
  ``EXACT_STEPS`` and of similar size, where the effective size is at worst halved (at
  n = 10 001, m = 12 000 an effect of 0.03 gets p = 0.03 instead of about 1e-4; 0.04 gets 6e-4
  instead of 5e-8), little when one sample is much larger (n = 10**6, m = 1000, 0.1-sigma shift:
  power 0.72 instead of 0.75).

Every value is rounded upwards by a margin larger than the floating-point error of its
computation, so the result stays an upper bound and is never 0 where the exact p-value is not.
"""

from __future__ import annotations

import math

import numpy as np

#: Lattice columns (the smaller sample's size) and cells the exact law may take: at most about
#: half a second, past which the p-value is far below any threshold or both samples are large.
EXACT_STEPS = 10_000
EXACT_WORK = 50_000_000
#: Below this the triangle bound is reported instead of a law that takes more than
#: ``CHEAP_WORK`` cells (no decision changes).
SMALL_ENOUGH = 1e-8
CHEAP_WORK = 1_000_000
#: Grid of splits ``a`` for the triangle bound.
SPLITS = 257
_EPS = float(np.finfo(np.float64).eps)
#: Rescale a lattice column once its largest count passes this (counts only grow).
_RESCALE = 2.0**600


def sf(n: int, m: int, gap: int) -> float:
    """``P(D >= gap / (n m))`` under the two-sample null law with sizes ``n`` and ``m``, or an
    upper bound of it (see the module docstring). ``gap`` is an integer: D is ``|a m - b n| /
    (n m)`` for whole counts ``a`` and ``b``."""
    if n < 1 or m < 1:
        raise ValueError("both samples need at least one value")
    if gap <= 0:
        return 1.0
    gap = min(gap, n * m)  # D is at most 1
    bound = _split_bound(n, m, gap / (n * m))
    if n == m:
        return min(_equal_sizes(n, -(-gap // n)), bound)
    exact = _lattice(n, m, gap, budget=EXACT_WORK if bound > SMALL_ENOUGH else CHEAP_WORK)
    return bound if exact is None else min(exact, bound)


def _equal_sizes(n: int, k: int) -> float:
    """``P(D >= k / n)`` for two samples of size n, by reflection; ``k >= 1``."""
    # C(2n, n - t) / C(2n, n) is the product of the first t ratios (n - i) / (n + 1 + i); it is
    # below exp(-t^2 / (2n)), so it underflows to 0 before t = sqrt(1500 n).
    kept = min(n, math.isqrt(1500 * n) + 1)
    if k > kept:  # even the first term underflows: bound the alternating sum by it, in logs
        log_first = 2 * math.lgamma(n + 1) - math.lgamma(n - k + 1) - math.lgamma(n + k + 1)
        return min(1.0, 2.0 * math.exp(log_first) * 1.001)
    index = np.arange(kept, dtype=np.float64)
    products = np.cumprod((n - index) / (n + 1 + index))
    terms = products[np.arange(k, kept + 1, k) - 1]
    signs = np.where(np.arange(terms.size) % 2 == 0, 1.0, -1.0)
    value = 2.0 * float(np.sum(signs * terms))
    # The alternating sum is below its first term; each term carries <= 2t rounding errors.
    return min(1.0, value + (4 * kept + 16) * _EPS * 2.0 * float(terms[0]))


def _lattice(n: int, m: int, gap: int, budget: int = EXACT_WORK) -> float | None:
    """``P(D >= gap/(nm))`` by counting the orderings that stay strictly inside the band, or None
    when that takes more than ``budget`` cells.

    With i values of the smaller sample (size s) and j of the larger (size L) seen, the ECDF gap is
    ``|i L - j s| / (s L)``; the paths that stay inside are counted column by column (fixed i), the
    counts of column i on its band being the running sum of column i-1 there (0 above column i-1's
    band: no path got there without leaving it).
    """
    s, size = min(n, m), max(n, m)
    if s > EXACT_STEPS:
        return None
    steps = np.arange(s + 1, dtype=np.int64) * size
    low = np.maximum(0, (steps - gap) // s + 1)
    high = np.minimum(size, -((-(steps + gap)) // s) - 1)
    if (low > high).any():  # every ordering leaves the band
        return 1.0
    work = int(np.sum(high - low + 1))
    if work > budget:
        return None
    lows, highs = low.tolist(), high.tolist()
    widest = int(np.max(high - low)) + 1
    band, spare = np.zeros(widest), np.zeros(widest)
    band[: highs[0] + 1] = 1.0
    scale = 0  # the counts are band * 2**scale
    for i in range(1, s + 1):
        first, last, before, top = lows[i], highs[i], lows[i - 1], highs[i - 1]
        carried = min(last, top) - first + 1
        if carried <= 0:  # the band moved past the previous one: every ordering leaves it
            return 1.0
        np.add.accumulate(band[first - before : first - before + carried], out=spare[:carried])
        # Above column i-1's band no path got through, so the running sum stays constant.
        spare[carried : last - first + 1] = spare[carried - 1]
        band, spare = spare, band
        if band[last - first] > _RESCALE:
            exponent = math.frexp(float(band[last - first]))[1]
            band[: last - first + 1] *= math.ldexp(1.0, -exponent)
            scale += exponent
    inside = _ratio_to_binomial(float(band[highs[s] - lows[s]]), scale, s, size)
    # Every count is a sum of positive terms: relative error at most (cells of the column + 1)
    # eps per column, so (work + s) eps in all, plus 2 s eps for the binomial coefficient.
    error = (work + 4 * s + 64) * _EPS
    value = 1.0 - inside * (1.0 - error)
    return min(1.0, value * (1.0 + 4 * _EPS))


def _ratio_to_binomial(count: float, scale: int, s: int, size: int) -> float:
    """``count * 2**scale / C(s + size, s)``, without forming the binomial coefficient."""
    mantissa, exponent = 1.0, 0
    for k in range(1, s + 1):
        mantissa = mantissa * (size + k) / k
        if mantissa > _RESCALE:
            mantissa, extra = math.frexp(mantissa)
            exponent += extra
    return math.ldexp(count / mantissa, scale - exponent)


def _split_bound(n: int, m: int, d: float) -> float:
    """``min_a P(D_n >= a) + P(D_m >= d - a)`` with Massart's one-sample bound for each term."""
    a = np.linspace(0.0, d, SPLITS)
    total = _massart(n, a) + _massart(m, d - a)
    return float(min(1.0, np.min(total)))


def _massart(size: int, x: np.ndarray) -> np.ndarray:
    bound: np.ndarray = np.minimum(1.0, 2.0 * np.exp(-2.0 * size * x * x))
    return bound
