"""The default drift policy end to end through ``dataguard.drift``: research/drift.md §6 and §7.

* §6 two-gate table (§7.C.11, §7.D.6): a column is flagged only if its BH-adjusted p-value is below
  0.05 *and* its effect (KS D, here D_lo of the reference's quantile bins) reaches 0.03. Rates
  must lie in the band around the table's value (+- 3.29 s.e. with the reference's own MC error).
* §7.A.2 on real profiles: ``dataguard.profile(reference)`` and
  ``dataguard.profile(current, reference=ref)`` bracket scipy's exact KS statistic.
* §7.F edge cases: unseen categories, constant columns, NaN/inf/null, values beyond the reference.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats

import dataguard as dg
from dataguard.drift import _tests as t
from dataguard.profile import NumericProfile

ALPHA = 0.05
MIN_EFFECT = 0.03


def column_drift(reference: object, current: object, **options: object) -> dg.ColumnDrift:
    """The verdict on one column ``x`` with the default policy (or ``options``)."""
    report = dg.drift(pa.table({"x": current}), reference=pa.table({"x": reference}), **options)
    return report.columns["x"]


def power_band(reference: float, runs: int, reference_runs: int) -> tuple[float, float]:
    """drift.md §7: reference value +- 3.29 s.e. including the reference's own MC error."""
    half = 3.29 * math.sqrt(reference * (1 - reference) * (1 / runs + 1 / reference_runs))
    return max(0.0, reference - half), min(1.0, reference + half)


def _report(what: str, rate: float, reference: float, band: tuple[float, float]) -> None:
    print(f"{what}: rate {rate:.4f} (drift.md {reference}) band ({band[0]:.3f}, {band[1]:.3f})")


# ---------------------------------------------------------------------------------------------
# §6 two-gate table, n=m=10 000, R=1000, one column per drift() call.


@functools.cache
def two_gate_runs(
    delta: float, n: int, runs: int, seed: int, exact: bool = False
) -> dict[str, np.ndarray]:
    """Single-column drift() calls, N(0,1) against N(delta,1): whether each was flagged, its
    (profile-KS) p-value and, if ``exact``, scipy's KS statistic and p-value on the same draws."""
    rng = np.random.default_rng(seed)
    out: dict[str, list[float]] = {"flagged": [], "pvalue": [], "exact_d": [], "exact_p": []}
    for _ in range(runs):
        x, y = rng.normal(size=n), rng.normal(delta, 1, size=n)
        column = column_drift(x, y)
        assert column.method == "ks"
        assert column.pvalue is not None
        assert column.details["d_lo"] == column.effect <= column.details["d_hi"]
        assert column.drifted == (
            column.pvalue_adjusted is not None
            and column.pvalue_adjusted < ALPHA
            and column.effect >= MIN_EFFECT
        )
        out["flagged"].append(column.drifted)
        out["pvalue"].append(column.pvalue)
        if exact:
            scipy_ks = stats.ks_2samp(x, y)
            out["exact_d"].append(scipy_ks.statistic)
            out["exact_p"].append(scipy_ks.pvalue)
    return {key: np.array(values) for key, values in out.items()}


def test_two_gate_no_drift_10k() -> None:
    # §7.C.11: two-gate FPR <= 0.066 (table: 0.000); the p-gate alone 0.045 with the exact D, and
    # the profile's p-value (from D_lo) is conservative, so only its upper band applies.
    runs = two_gate_runs(0.0, 10_000, 1000, seed=301)
    flagged, significant = runs["flagged"].mean(), (runs["pvalue"] < ALPHA).mean()
    _report("two-gate n=10k delta=0", flagged, 0.000, (0.0, 0.066))
    _report("p-gate alone n=10k delta=0", significant, 0.045, (0.0, 0.073))
    assert flagged <= 0.066
    assert significant <= 0.073


def test_two_gate_small_shift_10k() -> None:
    # §7.D.6: 0.05 sigma at n=m=10k -> <= 0.35 (table: 0.252), although the p-gate alone flags
    # 0.884: the effect gate is what holds the rate down.
    runs = two_gate_runs(0.05, 10_000, 1000, seed=302, exact=True)
    flagged, significant = runs["flagged"].mean(), (runs["pvalue"] < ALPHA).mean()
    band = power_band(0.252, 1000, 1000)
    _report("two-gate n=10k delta=0.05", flagged, 0.252, band)
    _report("p-gate alone n=10k delta=0.05", significant, 0.884, (0.8, 1.0))
    assert flagged <= 0.35
    assert band[0] <= flagged <= band[1]
    assert significant >= 0.8


def test_profile_ks_power_matches_exact_ks() -> None:
    # §7.D.5: the conservative profile KS (drift()'s p-value from D_lo on the reference's 1024
    # quantile bins) loses at most 0.02 of power against the exact KS on the same draws
    # (0.848 vs 0.850; R=1000 band [0.797, 0.903]).
    runs = two_gate_runs(0.05, 10_000, 1000, seed=302, exact=True)
    profile, exact = (runs["pvalue"] < ALPHA).mean(), (runs["exact_p"] < ALPHA).mean()
    _report("profile KS n=m=10k delta=0.05", profile, 0.848, (0.797, 0.903))
    _report("exact KS on the same draws", exact, 0.850, (0.797, 0.903))
    assert abs(profile - exact) <= 0.02
    assert 0.797 <= profile <= 0.903
    # Conservative on every draw: never below scipy's exact p-value on the same raw data.
    assert (runs["pvalue"] >= runs["exact_p"] * (1 - 1e-9)).all()


@pytest.mark.slow
@pytest.mark.parametrize(("delta", "measured", "floor"), [(0.075, 0.803, 0.0), (0.1, 0.995, 0.98)])
def test_two_gate_more_rows_10k(delta: float, measured: float, floor: float) -> None:
    # §6 table rows (R=1000) and §7.D.6 (0.1 sigma -> >= 0.98); 0.2 sigma is in the 1M test.
    flagged = two_gate_runs(delta, 10_000, 1000, seed=304 + int(delta * 1000))["flagged"].mean()
    band = power_band(measured, 1000, 1000)
    _report(f"two-gate n=10k delta={delta}", flagged, measured, band)
    assert flagged >= floor
    assert band[0] <= flagged <= band[1]


def _columns_run(
    deltas: dict[str, float], n: int, runs: int, seed: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Flag and BH-significance rates of several independent shifted columns per drift() call."""
    rng = np.random.default_rng(seed)
    flagged = dict.fromkeys(deltas, 0)
    significant = dict.fromkeys(deltas, 0)
    for _ in range(runs):
        reference = pa.table({name: rng.normal(size=n) for name in deltas})
        current = pa.table({name: rng.normal(delta, 1, size=n) for name, delta in deltas.items()})
        report = dg.drift(current, reference=reference)
        for name in deltas:
            column = report.columns[name]
            flagged[name] += column.drifted
            adjusted = column.pvalue_adjusted
            significant[name] += adjusted is not None and adjusted < ALPHA
    return (
        {name: count / runs for name, count in flagged.items()},
        {name: count / runs for name, count in significant.items()},
    )


@pytest.mark.slow
def test_two_gate_100k() -> None:
    # §6 table, n=m=100 000, R=200: 0.05 sigma -> 0.000 (although every p-value is tiny),
    # 0.075 sigma -> 0.730. Both shifts are columns of one table, so R=200 calls suffice.
    flagged, significant = _columns_run({"d050": 0.05, "d075": 0.075}, 100_000, 200, seed=306)
    band = power_band(0.730, 200, 200)
    _report("two-gate n=100k delta=0.05", flagged["d050"], 0.000, (0.0, 0.0))
    _report("two-gate n=100k delta=0.075", flagged["d075"], 0.730, band)
    assert significant["d050"] == 1.0
    assert flagged["d050"] == 0.0
    assert band[0] <= flagged["d075"] <= band[1]


@pytest.mark.slow
def test_two_gate_1m() -> None:
    # §6 table / §7.D.6, n=m=1 000 000, R=20: 0.05 sigma -> 0.000, 0.2 sigma -> 1.000 (no drift
    # at 1M rows: the undrifted columns of test_acceptance.py).
    flagged, significant = _columns_run({"d05": 0.05, "d2": 0.2}, 1_000_000, 20, 307)
    print(f"two-gate n=1M: flagged {flagged}, BH-significant {significant}")
    assert flagged == {"d05": 0.0, "d2": 1.0}
    assert significant["d05"] == 1.0  # the p-gate alone would alert on 0.05 sigma


# ---------------------------------------------------------------------------------------------
# Sparse categories (§7.C.5) through the policy: no drift must rarely be flagged.

ZIPF = 1.0 / np.arange(1, 201) ** 1.1
ZIPF /= ZIPF.sum()
LABELS = np.array([f"k{i:03d}" for i in range(200)])


@pytest.mark.parametrize("n", [500, 5000])
def test_sparse_categories_no_drift(n: int) -> None:
    # 200 Zipf(1.1) categories, n=m, R=200; a calibrated test is flagged at most in the 99.8 %
    # binomial band's upper end for R=200 (0.105) -- and the two gates should make it rarer.
    rng = np.random.default_rng(308 + n)
    flagged = 0
    for _ in range(200):
        reference = np.repeat(LABELS, rng.multinomial(n, ZIPF))
        current = np.repeat(LABELS, rng.multinomial(n, ZIPF))
        flagged += column_drift(reference, current).drifted
    upper = stats.binom.ppf(0.999, 200, ALPHA) / 200
    _report(f"sparse Zipf categories n=m={n}, flagged", flagged / 200, 0.0485, (0.0, upper))
    assert flagged / 200 <= upper


# ---------------------------------------------------------------------------------------------
# §7.A.2 on real profiles: D_lo <= D <= D_hi for the reference's grid.

DISTRIBUTIONS: dict[str, Callable[[np.random.Generator, int], np.ndarray]] = {
    "normal": lambda rng, size: rng.normal(size=size),
    "lognormal": lambda rng, size: rng.lognormal(0, 2, size=size),
    "shifted": lambda rng, size: rng.normal(1000, 1, size=size),
    "poisson": lambda rng, size: rng.poisson(3, size=size).astype(float),
    "zeros": lambda rng, size: np.where(rng.random(size) < 0.3, 0.0, rng.normal(size=size)),
    "cauchy": lambda rng, size: rng.standard_cauchy(size=size),
}


def check_profile_bracket(kind: str, seed: int, n: int, m: int) -> float:
    """Profiles of a reference and a current sample: the bracket holds; returns |D_lo - D|."""
    rng = np.random.default_rng(seed)
    draw = DISTRIBUTIONS[kind]
    x = draw(rng, n)
    y = draw(rng, m) * (1 + 0.02 * (seed % 3)) + 0.01 * (seed % 2)  # null and small drifts
    reference = dg.profile(pa.table({"x": x}))
    current = dg.profile(pa.table({"x": y}), reference=reference)
    ref_column, cur_column = reference["x"], current["x"]
    assert isinstance(ref_column, NumericProfile)
    assert isinstance(cur_column, NumericProfile)
    assert ref_column.counts is not None
    assert cur_column.counts is not None
    result = t.ks_counts(ref_column.counts, cur_column.counts)
    exact = stats.ks_2samp(x, y)
    d_lo, d_hi = result.details["d_lo"], result.details["d_hi"]
    assert d_lo <= exact.statistic + 1e-12
    assert exact.statistic <= d_hi + 1e-12
    assert d_hi - d_lo <= result.details["max_bin_mass"] + 1e-12
    assert result.pvalue >= exact.pvalue - 1e-12  # both asymptotic here (n > 10 000)
    if kind == "poisson":  # a bin per value: the grid sees every jump of both CDFs
        assert d_lo == pytest.approx(exact.statistic, abs=1e-12)
    return abs(d_lo - exact.statistic)


@pytest.mark.parametrize("kind", list(DISTRIBUTIONS))
def test_profile_ks_bracket(kind: str) -> None:
    worst = max(check_profile_bracket(kind, seed, 20_000, 5_000) for seed in range(25))
    assert worst <= 0.002


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(DISTRIBUTIONS))
def test_profile_ks_bracket_more_seeds(kind: str) -> None:
    # §7.A.2: 200 seeds per distribution (seeds 0-24 run by default, above).
    worst = max(check_profile_bracket(kind, seed, 20_000, 5_000) for seed in range(25, 200))
    assert worst <= 0.002


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(DISTRIBUTIONS))
def test_profile_ks_bracket_1m(kind: str) -> None:
    # §7.A.2 reference: max |D_lo - D| <= 0.001 for B=1024 at n_ref=1M (measured <= 0.00046).
    assert check_profile_bracket(kind, 309, 1_000_000, 100_000) <= 0.001


def test_drift_reports_the_profile_bracket() -> None:
    rng = np.random.default_rng(310)
    for kind in ("normal", "lognormal", "zeros", "cauchy"):
        x, y = DISTRIBUTIONS[kind](rng, 20_000), DISTRIBUTIONS[kind](rng, 5_000)
        reference = dg.profile(pa.table({"x": x}))
        report = dg.drift(pa.table({"x": y}), reference=reference)
        current = dg.profile(pa.table({"x": y}), reference=reference)
        expected = t.ks_counts(reference["x"].counts, current["x"].counts, reference["x"].edges)  # type: ignore[union-attr]
        column = report.columns["x"]
        assert (column.method, column.kind) == ("ks", "continuous")
        assert column.details["d_lo"] == expected.details["d_lo"] == column.effect
        assert column.details["d_hi"] == expected.details["d_hi"]
        assert column.pvalue == expected.pvalue
        assert column.details["d_lo"] <= stats.ks_2samp(x, y).statistic <= column.details["d_hi"]


ATOMIC: dict[str, Callable[[np.random.Generator, int], np.ndarray]] = {
    "constant": lambda rng, size: np.full(size, 3.25),
    "zeros": DISTRIBUTIONS["zeros"],
    "poisson": DISTRIBUTIONS["poisson"],
}


@pytest.mark.parametrize("kind", list(ATOMIC))
def test_atoms_do_not_widen_the_bracket(kind: str) -> None:
    """drift.md §2.3.4: a value holding >= 1/B of the reference gets the edge pair
    (nextafter(v, -inf), v), a bin containing exactly {v}, "so the bound is not inflated by ties":
    neither CDF moves strictly inside such a bin, so only bins holding more than one value may
    widen [D_lo, D_hi]."""
    rng = np.random.default_rng(313)
    x, y = ATOMIC[kind](rng, 20_000), ATOMIC[kind](rng, 5_000)
    reference = dg.profile(pa.table({"x": x}))
    current = dg.profile(pa.table({"x": y}), reference=reference)
    ref_column, cur_column = reference["x"], current["x"]
    assert isinstance(ref_column, NumericProfile)
    assert isinstance(cur_column, NumericProfile)
    assert ref_column.edges is not None
    assert ref_column.counts is not None
    assert cur_column.counts is not None
    edges = ref_column.edges
    single = np.zeros(edges.size + 1, dtype=bool)  # bin j is (edges[j-1], edges[j]]
    single[1 : edges.size] = edges[:-1] == np.nextafter(edges[1:], -np.inf)
    assert single.any()
    mass = np.maximum(
        ref_column.counts / ref_column.counts.sum(), cur_column.counts / cur_column.counts.sum()
    )
    widest = float(mass[~single].max())
    column = column_drift(x, y, tests="ks")
    exact = stats.ks_2samp(x, y).statistic
    d_lo, d_hi = column.details["d_lo"], column.details["d_hi"]
    print(f"{kind}: D {exact:.4f} in [{d_lo:.4f}, {d_hi:.4f}], multi-value bins <= {widest:.4f}")
    assert d_lo <= exact + 1e-12
    assert exact <= d_hi + 1e-12
    assert d_hi - d_lo <= widest + 1e-12


# ---------------------------------------------------------------------------------------------
# §7.F edge cases.


def test_unseen_category_at_one_percent() -> None:
    # §7.F.1 / §1.3e: ref [500, 300, 200, 0] vs cur [480, 310, 200, 10]: X2 = 10.57, p = 0.014.
    reference = ["a"] * 500 + ["b"] * 300 + ["c"] * 200
    current = ["a"] * 480 + ["b"] * 310 + ["c"] * 200 + ["d"] * 10
    column = column_drift(reference, current)
    assert (column.kind, column.method) == ("categorical", "chi_square")
    assert column.statistic == pytest.approx(10.57, abs=0.005)
    assert column.pvalue == pytest.approx(0.014, abs=0.0005)
    assert column.details["new_share"] == 0.01
    assert column.details["new_examples"] == ["d"]
    assert math.isfinite(column.details["psi"])
    assert not column.drifted  # TV = 0.02 < 0.03
    # §7.F.1 / §1.3f: a new category taking 1 % adds (0.01 - e) ln(0.01 / e) to PSI; with
    # Jeffreys smoothing at n=m=10k that is 0.053 (eps=1e-4 fill: 0.046; float min: 7.04).
    reference = ["a"] * 5000 + ["b"] * 3000 + ["c"] * 2000
    current = ["a"] * 4950 + ["b"] * 2970 + ["c"] * 1980 + ["d"] * 100
    column = column_drift(reference, current)
    assert column.details["new_share"] == 0.01
    assert column.details["psi"] == pytest.approx(0.053, abs=0.0005)
    assert column.pvalue is not None
    assert 0 <= column.pvalue < 1e-10
    assert math.isfinite(column.statistic)
    json.dumps(column.to_dict(), allow_nan=False)


@pytest.mark.parametrize("size", [1000, 10_000])
@pytest.mark.parametrize("options", [{}, {"tests": "ks"}], ids=["default", "ks"])
def test_constant_reference_and_identical_constant_current(
    size: int, options: Mapping[str, str]
) -> None:
    # §7.F.2: D = 0, p = 1, no exception, not flagged -- with the default test and with KS forced
    # (exact tier at 1000 values, the quantile grid beyond the exact tier at 10 000).
    constant = np.full(size, 3.25)
    column = column_drift(constant, constant.copy(), **options)
    assert (column.statistic, column.effect, column.pvalue) == (0.0, 0.0, 1.0)
    assert not column.drifted
    if options:
        assert column.method == "ks"
    # ...and the same test notices a different constant.
    moved = column_drift(constant, np.full(size, 3.5), **options)
    assert moved.drifted
    assert moved.effect == 1.0


@pytest.mark.parametrize("size", [2000, 20_000])
def test_nan_inf_and_null(size: int) -> None:
    # §7.F.3: NaN and null are missing values (tested as a null share), +-inf are values beyond
    # every finite one; none of them become bin edges. `size` covers the exact tier and the grid.
    rng = np.random.default_rng(311 + size)

    def column(null_share: float) -> pa.Array:
        values = rng.normal(size=size)
        values[rng.random(size) < 0.01] = np.inf
        values[rng.random(size) < 0.01] = -np.inf
        values[rng.random(size) < null_share / 2] = np.nan
        nulls = rng.random(size) < null_share / 2
        return pa.array(values, mask=nulls)

    reference, current = column(0.02), column(0.02)
    profile = dg.profile(pa.table({"x": reference}))
    ref_column = profile["x"]
    assert isinstance(ref_column, NumericProfile)
    assert ref_column.edges is not None
    assert ref_column.counts is not None
    assert np.isfinite(ref_column.edges).all()
    present = reference.to_numpy(zero_copy_only=False)
    present = present[~np.isnan(present)]
    assert ref_column.missing == size - present.size
    assert ref_column.counts.sum() == present.size
    assert ref_column.counts[0] == np.count_nonzero(present == -np.inf)
    assert ref_column.counts[-1] == np.count_nonzero(present == np.inf)
    report = dg.drift(pa.table({"x": current}), reference=profile)
    result = report.columns["x"]
    cur_present = current.to_numpy(zero_copy_only=False)
    cur_present = cur_present[~np.isnan(cur_present)]
    exact = stats.ks_2samp(present, cur_present).statistic
    assert result.method == "ks"
    if size > 4096:
        assert result.details["d_lo"] <= exact + 1e-12
        assert exact <= result.details["d_hi"] + 1e-12
    else:  # exact tier, infinities included
        assert result.statistic == exact
    assert result.missing is not None
    assert not result.drifted
    assert math.isfinite(result.statistic)
    assert result.pvalue is not None
    assert 0 <= result.pvalue <= 1
    json.dumps(report.to_dict(), allow_nan=False)
    # A jump in the null share is a drift of its own.
    missing_more = dg.drift(pa.table({"x": column(0.2)}), reference=profile).columns["x"]
    assert missing_more.missing is not None
    assert missing_more.missing.drifted
    assert missing_more.drifted


@pytest.mark.parametrize("size", [3000, 50_000])
def test_current_beyond_reference_range(size: int) -> None:
    # §7.F.4: current values outside the reference's range fall in the two end bins, which hold
    # nothing of the reference, and the KS bracket still contains scipy's exact D.
    rng = np.random.default_rng(312 + size)
    x = rng.normal(size=size)
    y = np.concatenate(
        [rng.normal(size=size), rng.uniform(5, 50, size=size // 20), -rng.uniform(5, 9, size // 50)]
    )
    reference = dg.profile(pa.table({"x": x}))
    current = dg.profile(pa.table({"x": y}), reference=reference)
    ref_column, cur_column = reference["x"], current["x"]
    assert isinstance(ref_column, NumericProfile)
    assert isinstance(cur_column, NumericProfile)
    assert ref_column.counts is not None
    assert cur_column.counts is not None
    assert (ref_column.counts[0], ref_column.counts[-1]) == (0, 0)
    below, above = np.count_nonzero(y < x.min()), np.count_nonzero(y > x.max())
    assert (cur_column.counts[0], cur_column.counts[-1]) == (below, above)
    column = dg.drift(pa.table({"x": y}), reference=reference).columns["x"]
    assert column.details["out_of_range_share"] == pytest.approx((below + above) / y.size)
    exact = stats.ks_2samp(x, y).statistic
    bracket = t.ks_counts(ref_column.counts, cur_column.counts)
    assert bracket.details["d_lo"] <= exact + 1e-12
    assert exact <= bracket.details["d_hi"] + 1e-12
    if size <= 4096:  # both sides in the exact tier: the policy's KS is scipy's
        assert column.statistic == exact
    else:
        assert column.details["d_lo"] == bracket.details["d_lo"]
    assert column.drifted  # 7 % of the mass moved out of range
