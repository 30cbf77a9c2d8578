"""Size of the drift tests under no drift: research/drift.md §7.C (protocol §3.1, numbers §3.2-3.3).

Each test draws R independent (reference, current) pairs from the *same* distribution with a fixed
seed and checks the rejection rate at alpha against a 99.8 % binomial band (R=2000: [0.035, 0.066];
R=1000: [0.030, 0.073]); intentionally conservative tests get only the upper bound.

The simulations call the same building blocks ``drift()`` uses (``_tests`` functions, the profile's
``reference_edges``/``bin_counts``, the comparison's bin grouping), which are ~100x cheaper than a
full ``drift()`` call; ``test_simulated_paths_are_what_drift_computes`` pins each of these paths to
``dataguard.drift`` on the same data, so a change in the policy's choices breaks that test rather
than silently leaving these simulations about something else.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats

import dataguard as dg
from dataguard.drift import _tests as t
from dataguard.drift._compare import PSI_BINS, Comparison, _coarse, _group_bins, distance_cells
from dataguard.drift._drift import decide
from dataguard.profile import Settings
from dataguard.profile._build import reference_edges
from dataguard.profile._metrics import bin_counts

ALPHA = 0.05
#: 99.8 % binomial acceptance bands for a calibrated test at alpha=0.05 (drift.md §3.1, §7.C).
BAND_2000 = (0.035, 0.066)
BAND_1000 = (0.030, 0.073)
#: The same at alpha=0.01, R=2000 (drift.md §3.1).
BAND_2000_01 = (0.004, 0.0175)
SETTINGS = Settings()


def _rate(pvalues: np.ndarray, alpha: float = ALPHA) -> float:
    return float(np.mean(np.asarray(pvalues) < alpha))


def _within(rate: float, band: tuple[float, float], what: str, reference: float | None) -> None:
    print(f"{what}: rate {rate:.4f} (drift.md {reference}) band {band}")
    assert band[0] <= rate <= band[1], f"{what}: rejection rate {rate:.4f} outside {band}"


def _at_most(rate: float, upper: float, what: str, reference: float | None) -> None:
    print(f"{what}: rate {rate:.4f} (drift.md {reference}) upper bound {upper}")
    assert rate <= upper, f"{what}: rejection rate {rate:.4f} above {upper}"


# ---------------------------------------------------------------------------------------------
# Simulated paths (what drift() does for each column kind) and their tie to drift() itself.


def qbh_counts(reference: np.ndarray, current: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Reference and current counts on the reference's quantile grid, as profiles hold them."""
    edges = reference_edges(np.sort(reference), SETTINGS)
    return bin_counts(edges, reference), bin_counts(edges, current)


def with_new_cells(reference: np.ndarray, current: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts over categories -> the reference's categories, then one cell (reference count 0)
    per category only the current data has, as ``drift`` builds the table."""
    seen = reference > 0
    new = ~seen & (current > 0)
    return (
        np.concatenate([reference[seen], np.zeros(new.sum(), dtype=reference.dtype)]),
        np.concatenate([current[seen], current[new]]),
    )


def value_counts(reference: np.ndarray, current: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts of a discrete numeric column per reference value, unseen values in a NEW cell."""
    values, ref_counts = np.unique(reference, return_counts=True)
    slot = np.minimum(np.searchsorted(values, current), values.size - 1)
    seen = values[slot] == current
    cur_counts = np.bincount(slot[seen], minlength=values.size)
    return np.append(ref_counts, 0), np.append(cur_counts, np.count_nonzero(~seen))


def decile_psi(reference: np.ndarray, current: np.ndarray) -> t.TestResult:
    """PSI on the reference deciles formed from the fine grid, as drift() reports it."""
    ref, cur = qbh_counts(reference, current)
    starts = _group_bins(ref, PSI_BINS)
    return t.psi(_coarse(ref, starts), _coarse(cur, starts))


def reported_psi(reference: np.ndarray, current: np.ndarray) -> t.TestResult:
    """PSI as drift() reports it: the deciles plus any values outside the reference's range as
    cells of their own (which hold nothing of the reference by construction, so they add a little
    to the null mean; the PSI10 calibration below is on the deciles alone, as drift.md defines
    it)."""
    return t.psi(*distance_cells(*qbh_counts(reference, current)))


def _column(reference: object, current: object) -> dg.ColumnDrift:
    report = dg.drift(pa.table({"x": current}), reference=pa.table({"x": reference}))
    return report.columns["x"]


def test_simulated_paths_are_what_drift_computes() -> None:
    rng = np.random.default_rng(20261126)
    labels = np.array([f"k{i:03d}" for i in range(200)])
    zipf = 1.0 / np.arange(1, 201) ** 1.1
    zipf /= zipf.sum()
    for _ in range(3):
        # Continuous, reference beyond the exact tier: KS on the quantile grid.
        x, y = rng.normal(size=20_000), rng.normal(0.02, 1, size=5_000)
        column = _column(x, y)
        simulated = t.ks_counts(*qbh_counts(x, y))
        assert (column.method, column.pvalue, column.effect) == (
            "ks",
            simulated.pvalue,
            simulated.statistic,
        )
        assert column.details["psi"] == reported_psi(x, y).statistic
        # Continuous, small: exact KS.
        x, y = rng.lognormal(0, 2, size=1_000), rng.lognormal(0, 2, size=1_000)
        column = _column(x, y)
        assert column.pvalue == t.ks_samples(x, y).pvalue
        assert column.details["psi"] == reported_psi(x, y).statistic
        # Discrete numeric (<= 20 distinct values): chi-square on value counts, unseen values NEW.
        x, y = rng.poisson(3, size=1_000).astype(float), rng.poisson(3, size=1_000).astype(float)
        y[:3] = [40.0, 2.5, -1.0]  # beyond, between and below the reference's values
        column = _column(x, y)
        assert column.method == "chi_square"
        assert column.pvalue == t.chi_square(*value_counts(x, y)).pvalue
        # Sparse categorical: chi-square with pooling, categories unseen in the reference NEW.
        ref = rng.multinomial(200, zipf)
        cur = rng.multinomial(200, zipf)
        column = _column(np.repeat(labels, ref), np.repeat(labels, cur))
        assert column.method == "chi_square"
        assert column.pvalue == t.chi_square(*with_new_cells(ref, cur)).pvalue
        # Binary: two-proportion z-test.
        x = (rng.random(1_000) < 0.3).astype(float)
        y = (rng.random(1_000) < 0.3).astype(float)
        column = _column(x, y)
        hits = t.two_proportions(int((x == 0).sum()), x.size, int((y == 0).sum()), y.size)
        assert (column.method, column.pvalue) == ("z_test", hits.pvalue)


# ---------------------------------------------------------------------------------------------
# §7.C.1-2: KS, exact tier.

NULLS: dict[str, Callable[[np.random.Generator, tuple[int, int]], np.ndarray]] = {
    "normal": lambda rng, size: rng.normal(size=size),
    "lognormal": lambda rng, size: rng.lognormal(0, 2, size=size),
}


@functools.cache
def ks_null_pvalues(kind: str) -> np.ndarray:
    rng = np.random.default_rng({"normal": 101, "lognormal": 102}[kind])
    x, y = NULLS[kind](rng, (2000, 1000)), NULLS[kind](rng, (2000, 1000))
    return np.array([t.ks_samples(a, b).pvalue for a, b in zip(x, y, strict=True)])


@pytest.mark.parametrize("kind", ["normal", "lognormal"])
def test_ks_exact_tier_size(kind: str) -> None:
    # drift.md §7.C.1: 0.0505 at alpha=0.05 (0.009 at 0.01), n=m=1000, R=2000.
    pvalues = ks_null_pvalues(kind)
    _within(_rate(pvalues), BAND_2000, f"KS exact {kind} a=0.05", 0.0505)
    _within(_rate(pvalues, 0.01), BAND_2000_01, f"KS exact {kind} a=0.01", 0.009)


def test_ks_pvalues_are_uniform() -> None:
    """drift.md §7.C.2, with the discreteness of exact KS p-values taken into account.

    At n=m=1000, D only takes the values k/1000, so the p-values sit on ~40 atoms near the middle
    and ``kstest(p, 'uniform')`` rejects a *correct* test for many seeds (measured: its p-value was
    < 0.001 for 2 of 8 seeds). For a valid test P(p <= u) = u exactly at every attainable u, so
    the distance between the empirical CDF of the p-values and the identity is measured at the
    observed p-values only; its null distribution is dominated by the continuous one (conservative),
    so ``kstwo.sf(stat, R) > 0.001`` is the spec's criterion with the atoms respected.
    """
    for kind in NULLS:
        pvalues = np.sort(ks_null_pvalues(kind))
        ecdf = np.searchsorted(pvalues, pvalues, side="right") / pvalues.size
        distance = float(np.max(np.abs(ecdf - pvalues)))
        uniformity = float(stats.kstwo.sf(distance, pvalues.size))
        print(f"KS p-value uniformity {kind}: sup|F-U| at atoms {distance:.4f}, p {uniformity:.3f}")
        assert uniformity > 0.001


# ---------------------------------------------------------------------------------------------
# §7.C.3: KS on the profile's quantile grid (conservative: the p-value uses D_lo <= D).


@pytest.mark.slow
def test_profile_ks_size() -> None:
    # n_ref=100k, m=10k, R=1000: <= 0.073 and >= 0.02 (n_ref=1M: 0.040/0.073/0.040 measured).
    rng = np.random.default_rng(103)
    pvalues = np.array(
        [
            t.ks_counts(*qbh_counts(rng.normal(size=100_000), rng.normal(size=10_000))).pvalue
            for _ in range(1000)
        ]
    )
    rate = _rate(pvalues)
    _within(rate, (0.02, 0.073), "profile KS n_ref=100k m=10k", 0.040)


# ---------------------------------------------------------------------------------------------
# §7.C.4-7, 12: chi-square homogeneity on categories and discrete values.


@functools.cache
def five_categories(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(104 + n + m)
    shares = np.full(5, 0.2)
    return rng.multinomial(n, shares, size=2000), rng.multinomial(m, shares, size=2000)


@pytest.mark.parametrize(("n", "m", "measured"), [(1000, 1000, 0.050), (10_000, 1000, 0.049)])
def test_chi_square_size(n: int, m: int, measured: float) -> None:
    ref, cur = five_categories(n, m)
    pvalues = np.array([t.chi_square(a, b).pvalue for a, b in zip(ref, cur, strict=True)])
    _within(_rate(pvalues), BAND_2000, f"chi-square K=5 n={n} m={m}", measured)


def test_chi_square_is_not_the_reference_as_truth_trap() -> None:
    # drift.md §7.C.12 / §1.3d: chi-square GOF with the reference as truth rejects 0.32 here.
    ref, cur = five_categories(1000, 1000)
    ours = _rate(np.array([t.chi_square(a, b).pvalue for a, b in zip(ref, cur, strict=True)]))
    trap = _rate(
        np.array(
            [
                stats.chisquare(b, a / a.sum() * b.sum()).pvalue
                for a, b in zip(ref, cur, strict=True)
            ]
        )
    )
    print(f"GOF trap on the same draws: {trap:.4f} (drift.md 0.321)")
    assert trap > 0.25  # the scenario does separate the two tests
    _at_most(ours, BAND_1000[1], "chi-square K=5 where GOF false-alarms", 0.050)


ZIPF = 1.0 / np.arange(1, 201) ** 1.1
ZIPF /= ZIPF.sum()


@functools.cache
def zipf_tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(105 + n)
    return rng.multinomial(n, ZIPF, size=2000), rng.multinomial(n, ZIPF, size=2000)


@pytest.mark.parametrize(("n", "measured"), [(200, 0.0485), (500, 0.0455), (5000, 0.051)])
def test_sparse_categories_size(n: int, measured: float) -> None:
    # drift.md §7.C.5: 200 Zipf(1.1) categories, sparse cells pooled (Cochran).
    ref, cur = zipf_tables(n)
    pvalues = np.array(
        [t.chi_square(*with_new_cells(a, b)).pvalue for a, b in zip(ref, cur, strict=True)]
    )
    _within(_rate(pvalues), BAND_2000, f"sparse Zipf n=m={n}", measured)


def test_no_g_test_on_sparse_tables() -> None:
    # drift.md §7.C.12 / §1.3e: the G-test on the unpooled sparse table false-alarms 0.80.
    ref, cur = zipf_tables(200)
    g_pvalues = []
    for a, b in zip(ref, cur, strict=True):
        used = (a + b) > 0
        table = np.vstack([a[used], b[used]])
        g_pvalues.append(
            stats.chi2_contingency(table, correction=False, lambda_="log-likelihood").pvalue
        )
    trap = _rate(np.array(g_pvalues))
    ours = _rate(
        np.array(
            [t.chi_square(*with_new_cells(a, b)).pvalue for a, b in zip(ref, cur, strict=True)]
        )
    )
    print(f"G-test trap on the same draws: {trap:.4f} (drift.md 0.80)")
    assert trap > 0.5
    _at_most(ours, BAND_1000[1], "chi-square where the G-test false-alarms", 0.0485)


def test_binary_size() -> None:
    # drift.md §7.C.6: p=0.3, n=m=1000, no Yates correction: 0.048.
    rng = np.random.default_rng(106)
    ref = rng.binomial(1000, 0.3, size=2000)
    cur = rng.binomial(1000, 0.3, size=2000)
    pvalues = []
    for a, b in zip(ref.tolist(), cur.tolist(), strict=True):
        z = t.two_proportions(a, 1000, b, 1000)
        table = t.chi_square([a, 1000 - a], [b, 1000 - b])
        assert z.method == "z_test"
        assert z.pvalue == pytest.approx(table.pvalue, rel=1e-9)  # z^2 is the 2x2 chi-square
        pvalues.append(z.pvalue)
    _within(_rate(np.array(pvalues)), BAND_2000, "binary p=0.3", 0.048)


DISCRETE: dict[str, Callable[[np.random.Generator, int], np.ndarray]] = {
    "poisson": lambda rng, size: rng.poisson(3, size=size).astype(float),
    "rounded": lambda rng, size: np.round(rng.normal(size=size) * 2) / 2,
}


@pytest.mark.parametrize(("kind", "measured"), [("poisson", 0.043), ("rounded", 0.0485)])
def test_discrete_numeric_size(kind: str, measured: float) -> None:
    # drift.md §7.C.7: <= 20 distinct values are compared as categories (KS would give 0.0135).
    rng = np.random.default_rng(107 + len(kind))
    pvalues = np.array(
        [
            t.chi_square(*value_counts(DISCRETE[kind](rng, 1000), DISCRETE[kind](rng, 1000))).pvalue
            for _ in range(2000)
        ]
    )
    _within(_rate(pvalues), BAND_2000, f"discrete {kind} as categories", measured)


# ---------------------------------------------------------------------------------------------
# §7.C.8, 10: PSI on reference deciles.


@functools.cache
def psi_null(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(108 + n)
    results = [decile_psi(rng.normal(size=n), rng.normal(size=n)) for _ in range(2000)]
    return np.array([r.statistic for r in results]), np.array([r.pvalue for r in results])


@pytest.mark.parametrize(("n", "measured"), [(1000, 0.0475), (10_000, 0.051)])
def test_psi_pvalue_size(n: int, measured: float) -> None:
    values, pvalues = psi_null(n)
    _within(_rate(pvalues), BAND_2000, f"PSI10 p-value n=m={n}", measured)
    # Null bias (B-1)(1/n+1/m) (drift.md §1.3f), scaled: the same law at every n.
    assert values.mean() * n / 2 == pytest.approx(9, rel=0.05)


def test_psi_null_mean() -> None:
    # drift.md §7.C.10: mean PSI10 under no drift at n=m=1000 in [0.0172, 0.0188] (theory 0.0180).
    values, _ = psi_null(1000)
    mean = float(values.mean())
    print(f"PSI10 null mean n=m=1000: {mean:.5f} (drift.md 0.0178, band [0.0172, 0.0188])")
    assert 0.0172 <= mean <= 0.0188


# ---------------------------------------------------------------------------------------------
# §7.C.9: dataset level, Benjamini-Hochberg over 50 null columns = Simes' global test.


def _exact_column(name: str, reference: np.ndarray, current: np.ndarray) -> Comparison:
    """What compare_numeric returns for a complete, exact-tier continuous column."""
    size = reference.size
    return Comparison(
        name,
        "continuous",
        "exact KS",
        t.ks_samples(reference, current),
        t.null_share(0, size, 0, current.size),
    )


@pytest.mark.slow
def test_dataset_level_size() -> None:
    # 50 independent null columns, n=m=1000, R=1000: any column flagged after BH <= 0.073 (0.043);
    # uncorrected, some column would be flagged in 92 % of the runs.
    rng = np.random.default_rng(109)
    flagged = uncorrected = 0
    for _ in range(1000):
        x, y = rng.normal(size=(50, 1000)), rng.normal(size=(50, 1000))
        comparisons = [_exact_column(f"c{i}", x[i], y[i]) for i in range(50)]
        decisions = decide(comparisons, ALPHA, 0.0)  # min_effect=0: the pure BH p-gate
        flagged += any(d.drifted for d in decisions.values())
        uncorrected += any(c.primary.pvalue < ALPHA for c in comparisons)  # type: ignore[operator]
    print(f"no BH correction: {uncorrected / 1000:.3f} (drift.md 0.922)")
    assert uncorrected / 1000 > 0.85
    _at_most(flagged / 1000, BAND_1000[1], "any of 50 null columns flagged (BH)", 0.043)
