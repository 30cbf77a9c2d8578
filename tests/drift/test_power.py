"""Power of the drift tests against known alternatives: research/drift.md §7.D (numbers §3.2, §4).

N(0,1) reference against an N(delta,1) current batch, R runs with a fixed seed; each rate must lie
in the band drift.md gives (reference value +- 3.29 s.e., including the reference's own Monte-Carlo
error). The two-gate policy rows (§7.D.6) are in test_policy.py. §7.D.7 (multivariate) runs
``dataguard.drift(..., multivariate=True)`` end to end.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats

import dataguard as dg
from dataguard.drift import _tests as t

ALPHA = 0.05


def _rate(pvalues: np.ndarray, alpha: float = ALPHA) -> float:
    return float(np.mean(np.asarray(pvalues) < alpha))


def _within(rate: float, band: tuple[float, float], what: str, reference: float) -> None:
    print(f"{what}: rate {rate:.4f} (drift.md {reference}) band {band}")
    assert band[0] <= rate <= band[1], f"{what}: rate {rate:.4f} outside {band}"


# ---------------------------------------------------------------------------------------------
# §7.D.1-2: KS (exact tier at n=1000; scipy's exact p-value up to 10k values per side).


@pytest.mark.parametrize(
    ("delta", "measured", "band"),
    [
        (0.05, 0.1685, (0.130, 0.207)),
        (0.1, 0.4855, (0.434, 0.537)),
        (0.2, 0.9715, (0.954, 0.989)),
    ],
)
def test_ks_power_n1000(delta: float, measured: float, band: tuple[float, float]) -> None:
    rng = np.random.default_rng(201 + int(delta * 100))
    x, y = rng.normal(size=(2000, 1000)), rng.normal(delta, 1, size=(2000, 1000))
    pvalues = np.array([t.ks_samples(a, b).pvalue for a, b in zip(x, y, strict=True)])
    _within(_rate(pvalues), band, f"KS n=m=1000 delta={delta}", measured)


@functools.cache
def ks_10k(delta: float) -> np.ndarray:
    rng = np.random.default_rng(202 + int(delta * 100))
    return np.array(
        [
            t.ks_samples(rng.normal(size=10_000), rng.normal(delta, 1, size=10_000)).pvalue
            for _ in range(1000)
        ]
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("delta", "measured", "band"),
    [(0.05, 0.850, (0.797, 0.903)), (0.1, 1.000, (0.99, 1.0)), (0.2, 1.000, (1.0, 1.0))],
)
def test_ks_power_n10k(delta: float, measured: float, band: tuple[float, float]) -> None:
    # §7.D.2, R=1000: 0.05 -> 0.850 [0.797, 0.903]; 0.1 -> 1.000 (>= 0.99); 0.2 -> 1.000.
    # §7.D.5 (the profile KS on the same draws) is in test_policy.py, on drift()'s own p-values.
    _within(_rate(ks_10k(delta)), band, f"KS n=m=10k delta={delta}", measured)


# ---------------------------------------------------------------------------------------------
# §7.D.3-4: Welch t from moments, chi-square on reference deciles.


def test_welch_power() -> None:
    # n=m=1000, delta=0.1: analytic 0.609, R=2000, band [0.570, 0.670].
    rng = np.random.default_rng(203)
    x, y = rng.normal(size=(2000, 1000)), rng.normal(0.1, 1, size=(2000, 1000))
    moments = zip(x.mean(1), x.var(1, ddof=1), y.mean(1), y.var(1, ddof=1), strict=True)
    pvalues = np.array(
        [t.welch_t((1000, mx, vx), (1000, my, vy)).pvalue for mx, vx, my, vy in moments]
    )
    analytic = stats.norm.cdf(0.1 * math.sqrt(500) - 1.96) + stats.norm.cdf(
        -0.1 * math.sqrt(500) - 1.96
    )
    assert analytic == pytest.approx(0.609, abs=0.001)
    _within(_rate(pvalues), (0.570, 0.670), "Welch t n=m=1000 delta=0.1", 0.609)


def test_chi_square_on_deciles_power() -> None:
    # n=m=1000, delta=0.1, 10 reference-quantile bins: 0.279, R=2000, band [0.232, 0.326].
    rng = np.random.default_rng(204)
    pvalues = []
    for _ in range(2000):
        x, y = rng.normal(size=1000), rng.normal(0.1, 1, size=1000)
        edges = np.quantile(x, np.arange(1, 10) / 10)
        ref = np.bincount(np.searchsorted(edges, x, side="right"), minlength=10)
        cur = np.bincount(np.searchsorted(edges, y, side="right"), minlength=10)
        pvalues.append(t.chi_square(ref, cur).pvalue)
    _within(_rate(np.array(pvalues)), (0.232, 0.326), "chi-square 10 deciles delta=0.1", 0.279)


# ---------------------------------------------------------------------------------------------
# §7.D.7: multivariate drift (PCA reconstruction error from co-moments), drift.md §4 scenarios:
# d=10 unit-variance columns from a two-factor model, reference n=20 000, current m=5 000.

COLUMNS = [f"c{i}" for i in range(10)]
LOADINGS = np.array(
    [
        [0.9, 0.8, 0.7, 0.8, 0.9, 0.3, 0.2, 0.3, 0.2, 0.1],
        [0.1, 0.2, 0.3, 0.2, 0.1, 0.8, 0.9, 0.7, 0.8, 0.9],
    ]
)
NOISE = np.sqrt(1 - (LOADINGS**2).sum(axis=0))
#: Columns replaced by independent N(0,1) in the correlation break (one per factor).
BROKEN = [0, 5]


def factor_rows(rng: np.random.Generator, size: int, broken: bool) -> np.ndarray:
    rows = rng.normal(size=(size, 2)) @ LOADINGS + rng.normal(size=(size, 10)) * NOISE
    if broken:
        rows[:, BROKEN] = rng.normal(size=(size, len(BROKEN)))  # marginals stay N(0,1)
    return rows


def _table(rows: np.ndarray) -> pa.Table:
    return pa.table({name: rows[:, i] for i, name in enumerate(COLUMNS)})


def _multivariate(reference: np.ndarray, current: np.ndarray) -> tuple[dg.DriftReport, dg.Profile]:
    profile = dg.profile(_table(reference), comoments=True)
    return dg.drift(_table(current), reference=profile, multivariate=True), profile


def pca_z_from_rows(reference: np.ndarray, current: np.ndarray) -> float:
    """drift.md §4 from raw rows: standardize with the reference, keep the PCs explaining 65 %
    of the reference correlation, z of the current rows' mean squared residual."""
    mean, sd = reference.mean(axis=0), reference.std(axis=0, ddof=1)
    values, vectors = np.linalg.eigh(np.corrcoef(reference, rowvar=False))
    kept = int(np.argmax(np.cumsum(values[::-1]) / values.sum() >= 0.65)) + 1
    residual, residual_values = vectors[:, : 10 - kept], values[: 10 - kept]
    errors = (((current - mean) / sd @ residual) ** 2).sum(axis=1)
    # Both means are estimates: the noise of the reference's counts as well as the current's.
    noise = 1 / current.shape[0] + 1 / reference.shape[0]
    spread = math.sqrt(2 * (residual_values**2).sum() * noise)
    return float((errors.mean() - residual_values.sum()) / spread)


def test_pca_z_is_computed_from_co_moments_exactly() -> None:
    rng = np.random.default_rng(205)
    for broken in (False, True):
        reference, current = factor_rows(rng, 20_000, False), factor_rows(rng, 5_000, broken)
        report, _ = _multivariate(reference, current)
        assert report.multivariate is not None
        assert report.multivariate.z == pytest.approx(pca_z_from_rows(reference, current), rel=1e-9)
        assert report.multivariate.drifted is broken  # one draw; the rates are the slow test
        assert not any(c.drifted for c in report.columns.values())  # marginals are unchanged


def test_multivariate_needs_co_moments() -> None:
    rng = np.random.default_rng(206)
    reference = dg.profile(_table(factor_rows(rng, 1000, False)))
    with pytest.raises(dg.ProfileError, match="comoments"):
        dg.drift(_table(factor_rows(rng, 1000, True)), reference=reference, multivariate=True)


@pytest.mark.slow
@pytest.mark.parametrize("broken", [True, False], ids=["correlation-break", "no-drift"])
def test_multivariate_detection_rates(broken: bool) -> None:
    # §7.D.7, R=100: break -> PCA z > 1.645 in >= 0.95 (measured 1.00) while per-column
    # KS + BH stays <= 0.10 (0.05); no drift -> PCA z > 1.645 in <= 0.10 (0.04).
    rng = np.random.default_rng(207 + broken)
    z, columns_flagged, any_bh, alerts = [], 0, 0, 0
    for _ in range(100):
        report, _ = _multivariate(factor_rows(rng, 20_000, False), factor_rows(rng, 5_000, broken))
        assert report.multivariate is not None
        z.append(report.multivariate.z)
        alerts += report.multivariate.drifted  # the default alert, z > 3
        columns_flagged += any(c.drifted for c in report.columns.values())
        any_bh += any(c.pvalue_adjusted < ALPHA for c in report.columns.values())  # type: ignore[operator]
    detected = float(np.mean(np.array(z) > 1.645))
    print(
        f"multivariate {'break' if broken else 'null'}: z>1.645 {detected:.2f}, "
        f"z>3 {alerts / 100:.2f}, mean z {np.mean(z):.1f}, "
        f"any column BH-significant {any_bh / 100:.2f}, flagged {columns_flagged / 100:.2f}"
    )
    assert any_bh / 100 <= 0.10
    assert columns_flagged / 100 <= 0.10
    if broken:
        assert detected >= 0.95
        assert alerts / 100 >= 0.95
    else:
        assert detected <= 0.10
        assert alerts / 100 <= 0.10
