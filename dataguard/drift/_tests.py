"""Two-sample drift tests as small pure functions over samples, counts or moments.

Each returns a ``TestResult`` with scipy's names (``statistic``, ``pvalue``) plus the ``effect``
size the default policy gates on. Functions over counts take the reference and current counts on
the *same* bins or categories, which is what a stored profile provides; the exact-sample variants
call scipy directly, so both agree with scipy on the same data (tested).

Choices and their sources (``research/drift.md``):
- KS from counts on the reference's bins: the statistic is bracketed by ``[d_lo, d_hi]`` and the
  p-value is ``P(D >= d_lo)`` under the two-sample law (or a proven upper bound of it), so it is
  never smaller than the exact test's (conservative, §2.3; ``_ks_law``).
- Chi-square is the 2xK homogeneity test (``chi2_contingency`` without Yates), never a
  goodness-of-fit against reference shares, which false-alarms 32% of the time at n=m=1000 (§1.3d);
  categories whose expected count is below 5 are pooled (Cochran), which restores calibration on
  sparse tables (§1.3e).
- PSI uses Jeffreys smoothing ``(c + 0.5) / (n + 0.5 B)``, so an empty bin does not let the
  smoothing constant decide the value (§1.3f); its p-value is ``chi2.sf(PSI * nm/(n+m), B-1)``.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dataguard._deferred import stats
from dataguard.drift import _ks_law

#: ``(count, mean, variance)`` of one side, as a profile's moments give them.
Summary = tuple[int, float, float]
#: Cochran's rule: cells with a smaller expected count are pooled before a chi-square test.
MIN_EXPECTED = 5.0
#: Jeffreys prior pseudo-count added to every bin before PSI and other log-ratio measures.
JEFFREYS = 0.5


@dataclass(frozen=True, slots=True)
class TestResult:
    """The outcome of one two-sample test or distance.

    ``pvalue`` is ``None`` for pure distances. ``effect`` is the size of the difference on a
    scale-free [0, 1] measure (KS D, total variation, absolute share difference) that the default
    policy compares with ``min_effect``.
    """

    __test__ = False  # not a pytest test class

    method: str
    statistic: float
    pvalue: float | None
    effect: float
    details: Mapping[str, Any] = field(default_factory=dict)


def _as_counts(values: Any) -> np.ndarray:
    counts = np.asarray(values, dtype=np.float64)
    if counts.ndim != 1 or (counts < 0).any() or not np.isfinite(counts).all():
        raise ValueError("counts must be a 1-D array of finite non-negative numbers")
    return counts


def _shares(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return counts / total if total > 0 else np.zeros_like(counts)


def _pair(reference: Any, current: Any) -> tuple[np.ndarray, np.ndarray]:
    ref, cur = _as_counts(reference), _as_counts(current)
    if ref.shape != cur.shape:
        raise ValueError(f"reference has {ref.size} bins, current {cur.size}; they must match")
    return ref, cur


def ks_samples(reference: Any, current: Any) -> TestResult:
    """Two-sample Kolmogorov-Smirnov on raw values: ``scipy.stats.ks_2samp(method='auto')``."""
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    if ref.size == 0 or cur.size == 0:
        raise ValueError("both samples need at least one value")
    result = stats.ks_2samp(ref, cur, method="auto")
    d = float(result.statistic)
    return TestResult("ks", d, float(result.pvalue), d, {"exact": True})


#: Above this effective sample size the KS p-value comes from the limiting distribution.
KS_LIMIT_ABOVE = 10_000
#: ``scipy.stats.ks_2samp(method="auto")`` computes the exact p-value while both samples have at
#: most this many values, and the asymptotic one (``kstwo.sf(D, round(nm/(n+m)))``) above.
KS_EXACT_UP_TO = 10_000


def ks_pvalue(d: float, effective: int) -> float:
    """P(D >= d) for an effective sample size ``nm/(n+m)``: scipy's ``kstwo.sf`` (what
    ``ks_2samp(method='asymp')`` uses) up to ``KS_LIMIT_ABOVE``, the Kolmogorov limit
    ``kstwobign.sf(d * sqrt(n))`` above it.

    ``kstwo.sf`` takes up to two seconds per call at n = 10**6 and small p, while the limit is
    instant, never smaller, and within 2% of it wherever p >= 1e-6 (checked on a grid in the
    tests), so the p-value stays conservative.
    """
    if effective <= KS_LIMIT_ABOVE:
        return min(1.0, float(stats.kstwo.sf(d, effective)))
    return min(1.0, float(stats.kstwobign.sf(d * math.sqrt(effective))))


def ks_counts(
    reference: Any, current: Any, edges: Any = None, *, rank_error: int = 0
) -> TestResult:
    """Kolmogorov-Smirnov from counts on shared bins, with a guaranteed bracket of D.

    With both CDFs known exactly at the bin edges, ``d_lo = max |R_j - C_j|`` <= D <= ``d_hi``
    (both CDFs are non-decreasing inside a bin). Given the inner ``edges``, single-value bins
    do not widen the bracket. The p-value is ``P(D >= d_lo)`` under the two-sample null law (or
    an upper bound of it, ``_ks_law.sf``), hence never below the exact p-value of the raw data;
    where scipy itself uses the asymptotic law (``max(n, m) > 10 000``) it is also never below
    that at ``d_lo``, so never below ``ks_2samp``'s p-value in either mode.

    ``rank_error``: how many rows each reference count at or below an edge may be off (a merge
    of profiles on different grids, ``merge_profiles``). The reference CDF is then known to
    ``rank_error / n`` at the edges, so both ends of the bracket move out by that much and the
    p-value, taken at the lower end, keeps its guarantee. With 0 nothing changes.
    """
    ref, cur = _pair(reference, current)
    if (ref != np.round(ref)).any() or (cur != np.round(cur)).any():
        raise ValueError("counts must be whole numbers")
    if rank_error < 0:
        raise ValueError("rank_error cannot be negative")
    n, m = int(ref.sum()), int(cur.sum())
    if n == 0 or m == 0:
        raise ValueError("both samples need at least one value")
    # D_lo = max |a/n - b/m| over the edges: in whole numbers, |a m - b n| / (n m).
    ref_at = np.concatenate([[0], np.cumsum(ref.astype(np.int64))])
    cur_at = np.concatenate([[0], np.cumsum(cur.astype(np.int64))])
    if n * m < 2**62:
        gap = int(np.max(np.abs(ref_at * m - cur_at * n)))
    else:  # beyond int64: exact in Python integers
        gap = max(abs(int(a) * m - int(b) * n) for a, b in zip(ref_at, cur_at, strict=True))
    # A reference count off by e rows moves |a m - b n| by at most e m.
    proven = max(0, gap - rank_error * m)
    d_lo = proven / (n * m)
    r, c = ref_at / n, cur_at / m
    inside = np.maximum(r[1:] - c[:-1], c[1:] - r[:-1])
    if edges is not None:
        # A bin (nextafter(v, -inf), v] holds the single value v: neither CDF moves inside it,
        # so it cannot hide a larger gap than its ends show (ties do not widen the bracket).
        inner = np.asarray(edges, dtype=np.float64)
        atom = np.zeros(ref.size, dtype=bool)
        if inner.size > 1:
            atom[1:-1] = inner[:-1] == np.nextafter(inner[1:], -np.inf)
        inside = np.where(atom, 0.0, inside)
    d_hi = float(max(gap / (n * m), np.max(inside)) + rank_error / n)
    pvalue = _ks_law.sf(n, m, proven)
    if max(n, m) > KS_EXACT_UP_TO:
        pvalue = max(pvalue, ks_pvalue(d_lo, max(1, round(n * m / (n + m)))))
    details = {
        "d_lo": d_lo,
        "d_hi": d_hi,
        "max_bin_mass": float(max((ref / n).max(), (cur / m).max())),
    }
    if rank_error:
        details["rank_error"] = rank_error
    return TestResult("ks", d_lo, pvalue, d_lo, details)


def pool_sparse(
    reference: np.ndarray, current: np.ndarray, min_expected: float = MIN_EXPECTED
) -> tuple[np.ndarray, np.ndarray, int]:
    """Pool categories with an expected count below ``min_expected`` into one OTHER column.

    Returns the pooled reference and current counts and how many categories were pooled. If the
    pooled column is itself still sparse it is merged into the smallest remaining column.
    """
    total = reference + current
    n, m = reference.sum(), current.sum()
    grand = n + m
    keep = total > 0
    expected_min = np.minimum(n, m) * total / grand if grand else total
    sparse = keep & (expected_min < min_expected)
    dense = keep & ~sparse
    ref_p, cur_p = list(reference[dense]), list(current[dense])
    pooled = int(sparse.sum())
    if pooled:
        other_r, other_c = float(reference[sparse].sum()), float(current[sparse].sum())
        if min(n, m) * (other_r + other_c) / grand < min_expected and ref_p:
            smallest = int(np.argmin(np.add(ref_p, cur_p)))
            ref_p[smallest] += other_r
            cur_p[smallest] += other_c
        else:
            ref_p.append(other_r)
            cur_p.append(other_c)
    return np.asarray(ref_p), np.asarray(cur_p), pooled


def chi_square(reference: Any, current: Any, min_expected: float = MIN_EXPECTED) -> TestResult:
    """Chi-square test of homogeneity on a 2xK table, after pooling sparse categories.

    ``scipy.stats.chi2_contingency(table, correction=False)``; a reference count of 0 (a NEW
    category) is handled by the pooled margins. Effect: total variation on the unpooled shares.
    """
    ref, cur = _pair(reference, current)
    if ref.sum() == 0 or cur.sum() == 0:
        raise ValueError("both samples need at least one value")
    effect = total_variation_shares(_shares(ref), _shares(cur))
    ref_p, cur_p, pooled = pool_sparse(ref, cur, min_expected)
    if ref_p.size < 2:
        return TestResult("chi_square", 0.0, 1.0, effect, {"dof": 0, "pooled": pooled})
    result = stats.chi2_contingency(np.vstack([ref_p, cur_p]), correction=False)
    return TestResult(
        "chi_square",
        float(result.statistic),
        float(result.pvalue),
        effect,
        {"dof": int(result.dof), "pooled": pooled},
    )


def fisher_exact(
    reference_hits: int, reference_total: int, current_hits: int, current_total: int
) -> TestResult:
    """Two-sided Fisher exact test of two proportions (for small 2x2 tables)."""
    table = [
        [reference_hits, reference_total - reference_hits],
        [current_hits, current_total - current_hits],
    ]
    odds, pvalue = stats.fisher_exact(table, alternative="two-sided")
    effect = abs(current_hits / current_total - reference_hits / reference_total)
    return TestResult("fisher_exact", float(odds), float(pvalue), effect)


def proportions_z(
    reference_hits: int, reference_total: int, current_hits: int, current_total: int
) -> TestResult:
    """Pooled two-proportion z-test (two-sided); z squared equals the 2x2 chi-square."""
    p1 = reference_hits / reference_total
    p2 = current_hits / current_total
    pooled = (reference_hits + current_hits) / (reference_total + current_total)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / reference_total + 1 / current_total))
    if spread == 0:
        return TestResult("z_test", 0.0, 1.0, abs(p2 - p1))
    z = (p2 - p1) / spread
    return TestResult("z_test", z, float(2 * stats.norm.sf(abs(z))), abs(p2 - p1))


def two_proportions(
    reference_hits: int, reference_total: int, current_hits: int, current_total: int
) -> TestResult:
    """The default test for a binary share: z-test, or Fisher when an expected count is below 5."""
    hits = reference_hits + current_hits
    grand = reference_total + current_total
    misses = grand - hits
    if hits == 0 or misses == 0:  # every value on both sides is the same: nothing moved
        return proportions_z(reference_hits, reference_total, current_hits, current_total)
    smallest = min(reference_total, current_total) * min(hits, misses) / grand if grand else 0
    if smallest < MIN_EXPECTED:
        return fisher_exact(reference_hits, reference_total, current_hits, current_total)
    return proportions_z(reference_hits, reference_total, current_hits, current_total)


def null_share(
    reference_nulls: int, reference_rows: int, current_nulls: int, current_rows: int
) -> TestResult:
    """Did the share of missing values change? A two-proportion test on null counts."""
    outcome = two_proportions(reference_nulls, reference_rows, current_nulls, current_rows)
    return TestResult(
        "null_share",
        outcome.statistic,
        outcome.pvalue,
        outcome.effect,
        {
            "test": outcome.method,
            "reference_share": reference_nulls / reference_rows if reference_rows else 0.0,
            "current_share": current_nulls / current_rows if current_rows else 0.0,
        },
    )


def _smoothed(counts: np.ndarray) -> np.ndarray:
    smoothed: np.ndarray = (counts + JEFFREYS) / (counts.sum() + JEFFREYS * counts.size)
    return smoothed


def psi(reference: Any, current: Any) -> TestResult:
    """Population stability index with Jeffreys smoothing, and its chi-square p-value.

    PSI = sum (q - p) ln(q / p) = KL(p||q) + KL(q||p) on smoothed shares. Under no drift
    ``PSI * nm/(n+m)`` is approximately chi-square with B-1 degrees of freedom.
    """
    ref, cur = _pair(reference, current)
    p, q = _smoothed(ref), _smoothed(cur)
    value = float(np.sum((q - p) * np.log(q / p)))
    n, m = ref.sum(), cur.sum()
    pvalue = float(stats.chi2.sf(value * n * m / (n + m), ref.size - 1)) if ref.size > 1 else 1.0
    effect = total_variation_shares(_shares(ref), _shares(cur))
    return TestResult("psi", value, pvalue, effect)


def jensen_shannon(reference: Any, current: Any) -> TestResult:
    """Jensen-Shannon distance in base 2 (in [0, 1]): ``scipy.spatial.distance.jensenshannon``."""
    from scipy.spatial import distance

    ref, cur = _pair(reference, current)
    p, q = _shares(ref), _shares(cur)
    value = float(distance.jensenshannon(p, q, base=2)) if p.sum() and q.sum() else 0.0
    return TestResult("jensen_shannon", value, None, total_variation_shares(p, q))


def hellinger(reference: Any, current: Any) -> TestResult:
    """Hellinger distance ``||sqrt(p) - sqrt(q)|| / sqrt(2)`` in [0, 1]."""
    ref, cur = _pair(reference, current)
    p, q = _shares(ref), _shares(cur)
    value = float(np.linalg.norm(np.sqrt(p) - np.sqrt(q)) / math.sqrt(2))
    return TestResult("hellinger", value, None, total_variation_shares(p, q))


def total_variation_shares(p: np.ndarray, q: np.ndarray) -> float:
    """Half the L1 distance between two share vectors: the mass that moved."""
    return float(0.5 * np.abs(p - q).sum())


def total_variation(reference: Any, current: Any) -> TestResult:
    """Total variation distance between the share vectors, in [0, 1]."""
    ref, cur = _pair(reference, current)
    value = total_variation_shares(_shares(ref), _shares(cur))
    return TestResult("total_variation", value, None, value)


def l_infinity(reference: Any, current: Any) -> TestResult:
    """Largest share difference over categories (TFDV's and Vertex AI's L-infinity norm)."""
    ref, cur = _pair(reference, current)
    p, q = _shares(ref), _shares(cur)
    value = float(np.max(np.abs(p - q))) if p.size else 0.0
    return TestResult("l_infinity", value, None, total_variation_shares(p, q))


def wasserstein_samples(reference: Any, current: Any, scale: float | None = None) -> TestResult:
    """Wasserstein-1 distance on raw values divided by ``scale`` (default: reference std).

    Normalised so that a shift by ``d`` reference standard deviations scores about ``d``.
    """
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    spread = float(np.std(ref, ddof=1)) if scale is None and ref.size > 1 else (scale or 0.0)
    distance = float(stats.wasserstein_distance(ref, cur))
    value = distance / spread if spread > 0 else (0.0 if distance == 0 else math.inf)
    return TestResult("wasserstein", value, None, value, {"distance": distance, "scale": spread})


def wasserstein_counts(
    edges: Any,
    reference: Any,
    current: Any,
    *,
    low: float,
    high: float,
    scale: float,
    rank_error: int = 0,
) -> TestResult:
    """Wasserstein-1 from counts on shared bins, assuming mass is spread evenly inside a bin.

    ``edges`` are the B-1 inner edges; ``low``/``high`` close the end bins (the smallest and
    largest value seen on either side). The error is at most ``sum(width_j * max(r_j, c_j))``,
    reported as ``error_bound`` (in units of ``scale``); a reference whose counts at the edges
    are known to ``rank_error`` rows (a merged profile) adds ``rank_error / n`` times the range.
    """
    ref, cur = _pair(reference, current)
    inner = np.asarray(edges, dtype=np.float64)
    bounds = np.concatenate([[min(low, inner[0]) if inner.size else low], inner, [high]])
    bounds = np.maximum.accumulate(bounds)
    widths = np.diff(bounds)
    r, c = _shares(ref), _shares(cur)
    gap = np.abs(np.cumsum(r) - np.cumsum(c))
    before = np.concatenate([[0.0], gap[:-1]])
    # Linear CDFs inside a bin: integrate |F - G| with the trapezoid rule.
    distance = float(np.sum(widths * (before + gap) / 2))
    bound = float(np.sum(widths * np.maximum(r, c)))
    if rank_error:
        # The reference CDF is off by at most rank_error / n at every edge, so inside the bins
        # too (the estimate interpolates between edges): that much more, over the whole range.
        bound += rank_error / max(float(ref.sum()), 1.0) * float(bounds[-1] - bounds[0])
    value = distance / scale if scale > 0 else (0.0 if distance == 0 else math.inf)
    error = bound / scale if scale > 0 else math.inf
    return TestResult(
        "wasserstein",
        value,
        None,
        value,
        {"distance": distance, "scale": scale, "error_bound": error},
    )


def anderson_darling(reference: Any, current: Any) -> TestResult:
    """k-sample Anderson-Darling (scipy); scipy's table caps its p-value to [0.001, 0.25]."""
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    # scipy 1.17 replaced ``midrank`` by ``variant``; both mean the tie-corrected statistic.
    has_variant = "variant" in inspect.signature(stats.anderson_ksamp).parameters
    options = {"variant": "midrank"} if has_variant else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # scipy warns when it caps the p-value
        result = stats.anderson_ksamp([ref, cur], **options)
    d = float(stats.ks_2samp(ref, cur).statistic)
    return TestResult(
        "anderson_darling", float(result.statistic), float(result.pvalue), d, {"capped": True}
    )


def cramer_von_mises(reference: Any, current: Any) -> TestResult:
    """Two-sample Cramer-von Mises (scipy, exact p-value for small samples)."""
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    result = stats.cramervonmises_2samp(ref, cur, method="auto")
    d = float(stats.ks_2samp(ref, cur).statistic)
    return TestResult("cramer_von_mises", float(result.statistic), float(result.pvalue), d)


def welch_t(reference: Summary, current: Summary) -> TestResult:
    """Welch's t-test from ``(count, mean, variance)`` of each side (``ttest_ind_from_stats``).

    Effect: the mean difference in reference standard deviations (Cohen's d with the reference sd).
    """
    reference_count, reference_mean, reference_variance = reference
    current_count, current_mean, current_variance = current
    sd1, sd2 = math.sqrt(max(reference_variance, 0.0)), math.sqrt(max(current_variance, 0.0))
    if sd1 == 0 and sd2 == 0:
        equal = reference_mean == current_mean
        return TestResult(
            "welch_t", 0.0 if equal else math.inf, 1.0 if equal else 0.0, 0.0 if equal else math.inf
        )
    result = stats.ttest_ind_from_stats(
        reference_mean, sd1, reference_count, current_mean, sd2, current_count, equal_var=False
    )
    effect = abs(current_mean - reference_mean) / sd1 if sd1 > 0 else math.inf
    return TestResult("welch_t", float(result.statistic), float(result.pvalue), effect)


def benjamini_hochberg(pvalues: Any) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (``scipy.stats.false_discovery_control``)."""
    values = np.asarray(pvalues, dtype=np.float64)
    if values.size == 0:
        return values
    adjusted: np.ndarray = np.asarray(stats.false_discovery_control(values, method="bh"))
    return adjusted
