"""The two-sample KS null law behind the binned p-value (``dataguard.drift._ks_law``).

The law is checked against a brute-force count of every ordering for tiny samples, and the binned
p-value against ``scipy.stats.ks_2samp`` on the raw data of hundreds of seeded random pairs: it
must never be smaller (issue 14 item 2).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import dataguard as dg
from dataguard.drift import _ks_law
from dataguard.drift import _tests as t
from dataguard.profile import Settings
from dataguard.profile._build import reference_edges
from dataguard.profile._metrics import bin_counts

#: Relative slack for scipy's own rounding; ours is rounded upwards.
RTOL = 1e-9


def _brute_force_sf(n: int, m: int, gap: int) -> float:
    """P(max |a m - b n| >= gap) over all C(n+m, n) equally likely orderings."""
    hits = 0
    for positions in itertools.combinations(range(n + m), n):
        chosen = set(positions)
        a = b = worst = 0
        for k in range(n + m):
            if k in chosen:
                a += 1
            else:
                b += 1
            worst = max(worst, abs(a * m - b * n))
        hits += worst >= gap
    return hits / math.comb(n + m, n)


@pytest.mark.parametrize(
    ("n", "m"), [(1, 1), (1, 5), (2, 3), (3, 3), (4, 7), (5, 6), (6, 6), (2, 11)]
)
def test_law_is_the_count_of_orderings(n: int, m: int) -> None:
    gcd = math.gcd(n, m)
    for gap in range(gcd, n * m + 1, gcd):
        expected = _brute_force_sf(n, m, gap)
        ours = _ks_law.sf(n, m, gap)
        assert expected * (1 - RTOL) <= ours <= expected + 1e-12, (n, m, gap)


def test_large_sizes_use_the_bound_and_stay_above_scipys_asymptotic_law() -> None:
    # Beyond the exact budget the triangle bound is used; it can only be larger than the law.
    for n, m in [(200_000, 50_000), (1_000_000, 20_000), (10**8, 10**8), (10**9, 3)]:
        for t_stat in (0.3, 1.0, 1.36, 2.0, 4.0):
            d = t_stat / math.sqrt(n * m / (n + m))
            gap = max(1, round(d * n * m))
            ours = _ks_law.sf(n, m, gap)
            assert 0 < ours <= 1
            if n == m:  # the reflection formula is the exact law at any size
                assert ours == pytest.approx(stats.kstwobign.sf(t_stat), rel=0.05, abs=1e-3)


def _binned(reference: np.ndarray, current: np.ndarray) -> t.TestResult:
    """The binned KS as drift() runs it on a profile: the reference's grid, counts on it."""
    edges = reference_edges(np.sort(reference), Settings())
    return t.ks_counts(bin_counts(edges, reference), bin_counts(edges, current), edges)


def _pair(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A seeded random pair: continuous or heavily tied, small or large reference, m from 1 to
    100, sometimes shifted and sometimes with values outside the reference's range."""
    rng = np.random.default_rng(seed)
    n = int(rng.choice([50, 300, 2_000, 5_000, 12_000, 30_000]))
    m = int(rng.integers(1, 101))
    shift = float(rng.choice([0.0, 0.0, 0.2, 0.5]))
    kind = seed % 4
    if kind == 0:  # continuous
        x, y = rng.normal(size=n), rng.normal(shift, 1, size=m)
    elif kind == 1:  # heavy ties
        x = rng.poisson(2, size=n).astype(float)
        y = rng.poisson(2 + shift, size=m).astype(float)
    elif kind == 2:  # rounded: hundreds of tied values
        x, y = np.round(rng.normal(size=n), 1), np.round(rng.normal(shift, 1, size=m), 1)
    else:  # some current values beyond the reference's range, on either side
        x, y = rng.normal(size=n), rng.normal(shift, 1, size=m)
        outside = rng.random(m) < 0.1
        y[outside] = rng.choice([-1.0, 1.0], size=outside.sum()) * rng.uniform(6, 20, outside.sum())
    return x, y


@pytest.mark.parametrize("block", range(8))
def test_binned_p_value_is_never_below_scipys(block: int) -> None:
    # 400 pairs in all; the exact p-value always, scipy's 'auto' (asymptotic above 10 000) too.
    for seed in range(block * 50, block * 50 + 50):
        x, y = _pair(seed)
        ours = _binned(x, y)
        assert ours.pvalue is not None
        exact = stats.ks_2samp(x, y, method="exact")
        assert ours.details["d_lo"] <= exact.statistic + 1e-12
        assert ours.pvalue >= exact.pvalue * (1 - RTOL), (seed, x.size, y.size)
        auto = stats.ks_2samp(x, y)
        assert ours.pvalue >= auto.pvalue * (1 - RTOL), (seed, x.size, y.size)
        if exact.pvalue > 0:
            assert ours.pvalue > 0


def test_one_current_value_outside_the_range_is_not_p_zero() -> None:
    rng = np.random.default_rng(14)
    x = rng.normal(size=20_000)
    for value in (100.0, -100.0):
        exact = stats.ks_2samp(x, [value], method="exact").pvalue
        assert exact == pytest.approx(2 / 20_001)
        assert _binned(x, np.array([value])).pvalue >= exact * (1 - RTOL)
        column = dg.drift(pa.table({"x": [value]}), reference=pa.table({"x": x})).columns["x"]
        assert column.method == "ks"
        assert column.pvalue is not None
        assert column.pvalue >= exact * (1 - RTOL)


def test_whole_counts_only() -> None:
    with pytest.raises(ValueError, match="whole numbers"):
        t.ks_counts([1.5, 2.0], [1.0, 1.0])


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40))
def test_law_decreases_with_the_gap_and_equal_sizes_agree_with_the_lattice(n: int, m: int) -> None:
    step = math.gcd(n, m)
    gaps = np.unique(np.linspace(0, n * m // step, 30).astype(int)) * step
    values = [_ks_law.sf(n, m, int(gap)) for gap in gaps]
    assert values[0] == 1.0
    # Non-increasing up to the upward rounding margin (about 1e-14 here).
    assert all(0 < later <= earlier + 1e-12 for earlier, later in itertools.pairwise(values))
    for k in range(1, n + 1):  # the reflection formula and the path count agree
        lattice = _ks_law._lattice(n, n, k * n)
        assert lattice is not None
        assert _ks_law._equal_sizes(n, k) == pytest.approx(lattice, rel=1e-9, abs=1e-12)
