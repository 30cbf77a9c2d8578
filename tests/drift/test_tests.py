"""Drift test functions agree with scipy on the same data (research/drift.md §7.A)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.spatial import distance

from dataguard.drift import _tests as t

SEEDS = range(100)


def _samples(seed: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n, m = rng.integers(5, 400, size=2)
    if kind == "normal":
        return rng.normal(size=n), rng.normal(0.1, 1.0, size=m)
    if kind == "ties":
        return rng.poisson(3, size=n).astype(float), rng.poisson(3.2, size=m).astype(float)
    return np.full(n, 2.0), np.full(m, 2.0)


@pytest.mark.parametrize("kind", ["normal", "ties", "constant"])
def test_ks_samples_is_scipy(kind: str) -> None:
    for seed in SEEDS:
        x, y = _samples(seed, kind)
        ours = t.ks_samples(x, y)
        theirs = stats.ks_2samp(x, y)
        assert ours.statistic == theirs.statistic
        assert ours.pvalue == theirs.pvalue
        assert ours.effect == ours.statistic


def _binned(
    seed: int, kind: str, bins: int = 64
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    draw = {
        "normal": lambda size: rng.normal(size=size),
        "lognormal": lambda size: rng.lognormal(0, 2, size=size),
        "shifted": lambda size: rng.normal(1000, 1, size=size),
        "poisson": lambda size: rng.poisson(3, size=size).astype(float),
        "zeros": lambda size: np.where(rng.random(size) < 0.3, 0.0, rng.normal(size=size)),
        "cauchy": lambda size: rng.standard_cauchy(size=size),
    }[kind]
    x, y = draw(3000), draw(2000)
    edges = np.unique(np.quantile(x, np.arange(1, bins) / bins))
    ref = np.bincount(np.searchsorted(edges, x, side="right"), minlength=edges.size + 1)
    cur = np.bincount(np.searchsorted(edges, y, side="right"), minlength=edges.size + 1)
    return x, y, ref, cur


@pytest.mark.parametrize("kind", ["normal", "lognormal", "shifted", "poisson", "zeros", "cauchy"])
def test_ks_counts_brackets_the_exact_statistic(kind: str) -> None:
    for seed in range(40):
        x, y, ref, cur = _binned(seed, kind)
        ours = t.ks_counts(ref, cur)
        exact = stats.ks_2samp(x, y)
        d_lo, d_hi = ours.details["d_lo"], ours.details["d_hi"]
        assert d_lo <= exact.statistic + 1e-12
        assert exact.statistic <= d_hi + 1e-12
        assert d_hi - d_lo <= ours.details["max_bin_mass"] + 1e-12
        # Never below scipy's exact p-value on the raw data (issue 14 item 2).
        assert ours.pvalue >= stats.ks_2samp(x, y, method="exact").pvalue * (1 - 1e-9)


@pytest.mark.parametrize("n", [10_001, 20_000, 60_000, 200_000])
def test_ks_limit_p_value_is_never_below_the_exact_one_and_close_to_it(n: int) -> None:
    # The p-values that matter for a decision: from 1 down to about 1e-12.
    for d in np.linspace(0.05, 7.0, 60) / math.sqrt(n):
        exact = float(stats.kstwo.sf(d, n))
        ours = t.ks_pvalue(float(d), n)
        assert ours >= exact
        if exact >= 1e-6:  # where alpha lives; further out only the order of magnitude matters
            assert ours <= exact * 1.02


def test_chi_square_is_chi2_contingency_without_yates() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        ref = rng.integers(20, 200, size=6)
        cur = rng.integers(20, 200, size=6)
        ours = t.chi_square(ref, cur)
        theirs = stats.chi2_contingency(np.vstack([ref, cur]), correction=False)
        assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-12)
        assert ours.pvalue == pytest.approx(theirs.pvalue, rel=1e-12)
        assert ours.details["dof"] == theirs.dof


def test_chi_square_handles_a_new_category() -> None:
    # drift.md §1.3e: ref [500,300,200,0] vs cur [480,310,200,10] -> X2 = 10.57, p = 0.014
    ours = t.chi_square([500, 300, 200, 0], [480, 310, 200, 10])
    assert ours.statistic == pytest.approx(10.57, abs=0.01)
    assert ours.pvalue == pytest.approx(0.014, abs=0.001)


def test_chi_square_pools_sparse_categories() -> None:
    ref = np.array([400, 300, 2, 1, 1, 0])
    cur = np.array([380, 320, 1, 2, 0, 3])
    ours = t.chi_square(ref, cur)
    # OTHER (4 vs 6) still expects fewer than 5, so it joins the smallest remaining column.
    pooled = np.array([[400, 304], [380, 326]])
    theirs = stats.chi2_contingency(pooled, correction=False)
    assert ours.details["pooled"] == 4
    assert ours.statistic == pytest.approx(theirs.statistic)


def test_two_proportions() -> None:
    z = t.proportions_z(300, 1000, 350, 1000)
    chi = stats.chi2_contingency([[300, 700], [350, 650]], correction=False)
    assert z.statistic**2 == pytest.approx(chi.statistic)
    assert z.pvalue == pytest.approx(chi.pvalue)
    small = t.two_proportions(1, 20, 4, 20)
    assert small.method == "fisher_exact"
    assert small.pvalue == pytest.approx(stats.fisher_exact([[1, 19], [4, 16]]).pvalue)
    assert t.two_proportions(300, 1000, 350, 1000).method == "z_test"


def test_psi_is_symmetric_kl_of_smoothed_shares() -> None:
    ref, cur = np.array([100, 200, 300, 0]), np.array([120, 180, 290, 10])
    p = (ref + 0.5) / (ref.sum() + 2)
    q = (cur + 0.5) / (cur.sum() + 2)
    assert t.psi(ref, cur).statistic == pytest.approx(stats.entropy(p, q) + stats.entropy(q, p))


def test_psi_decile_population_values() -> None:
    # drift.md §7.A.4: PSI on exact N(0,1) deciles against N(delta,1).
    edges = stats.norm.ppf(np.arange(1, 10) / 10)
    for delta, expected in [(0.1, 0.0096), (0.2, 0.0383), (0.5, 0.2377), (1.0, 0.9261)]:
        cdf = np.concatenate([[0.0], stats.norm.cdf(edges - delta), [1.0]])
        q = np.diff(cdf)
        p = np.full(10, 0.1)
        # Huge counts make the Jeffreys pseudo-count negligible.
        value = t.psi(p * 1e12, q * 1e12).statistic
        assert value == pytest.approx(expected, abs=5e-5)


def test_distances_match_scipy() -> None:
    rng = np.random.default_rng(11)
    for _ in range(30):
        ref = rng.integers(0, 50, size=8).astype(float)
        cur = rng.integers(0, 50, size=8).astype(float)
        ref[0] += 1
        cur[0] += 1
        p, q = ref / ref.sum(), cur / cur.sum()
        assert t.jensen_shannon(ref, cur).statistic == pytest.approx(
            distance.jensenshannon(p, q, base=2)
        )
        assert t.hellinger(ref, cur).statistic == pytest.approx(
            distance.euclidean(np.sqrt(p), np.sqrt(q)) / math.sqrt(2)
        )
        assert t.l_infinity(ref, cur).statistic == pytest.approx(distance.chebyshev(p, q))
        assert t.total_variation(ref, cur).statistic == pytest.approx(0.5 * np.abs(p - q).sum())


def test_wasserstein() -> None:
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=5000), rng.normal(0.3, 1, size=4000)
    ours = t.wasserstein_samples(x, y)
    assert ours.statistic == pytest.approx(stats.wasserstein_distance(x, y) / np.std(x, ddof=1))
    edges = np.quantile(x, np.arange(1, 256) / 256)
    ref = np.bincount(np.searchsorted(edges, x, side="right"), minlength=256)
    cur = np.bincount(np.searchsorted(edges, y, side="right"), minlength=256)
    low, high = min(x.min(), y.min()), max(x.max(), y.max())
    scale = float(np.std(x, ddof=1))
    binned = t.wasserstein_counts(edges, ref, cur, low=low, high=high, scale=scale)
    assert abs(binned.statistic - ours.statistic) <= binned.details["error_bound"]


def test_welch_t_from_moments_is_ttest_ind() -> None:
    rng = np.random.default_rng(9)
    x, y = rng.normal(size=300), rng.normal(0.2, 1.5, size=200)
    ours = t.welch_t((x.size, x.mean(), x.var(ddof=1)), (y.size, y.mean(), y.var(ddof=1)))
    theirs = stats.ttest_ind(x, y, equal_var=False)
    assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-10)
    assert ours.pvalue == pytest.approx(theirs.pvalue, rel=1e-10)


def test_ad_and_cvm_are_scipy() -> None:
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=200), rng.normal(0.2, size=150)
    ad = t.anderson_darling(x, y)
    assert ad.statistic == pytest.approx(stats.anderson_ksamp([x, y], variant="midrank").statistic)
    cvm = t.cramer_von_mises(x, y)
    theirs = stats.cramervonmises_2samp(x, y)
    assert (cvm.statistic, cvm.pvalue) == pytest.approx((theirs.statistic, theirs.pvalue))


def test_null_share_and_bh() -> None:
    result = t.null_share(10, 1000, 60, 1000)
    assert result.method == "null_share"
    assert result.effect == pytest.approx(0.05)
    assert result.pvalue is not None
    assert result.pvalue < 1e-6
    pvalues = np.array([0.01, 0.04, 0.03, 0.5])
    np.testing.assert_allclose(
        t.benjamini_hochberg(pvalues), stats.false_discovery_control(pvalues)
    )


def test_mismatched_bins_are_rejected() -> None:
    with pytest.raises(ValueError, match="must match"):
        t.psi([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="non-negative"):
        t.chi_square([1, -2], [1, 2])
