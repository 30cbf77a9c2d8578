"""Drift against a merge of independently built profiles: the KS bracket is widened by the merged
reference's rank error, so the p-value is never below the exact one of the concatenated raw data,
and an exact reference behaves as before (issue 17 item 4)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import dataguard as dg
from dataguard.drift import _tests as t
from dataguard.profile import NumericProfile, Profile

SMALL = {"bins": 16, "exact_cap": 4, "discrete_cap": 3}


def numeric(profile: Profile, name: str = "x") -> NumericProfile:
    column = profile[name]
    assert isinstance(column, NumericProfile)
    return column


@st.composite
def samples(draw: st.DrawFn) -> tuple[np.ndarray, list[tuple[int, int]], np.ndarray]:
    """A reference column cut into parts, and a current column (shifted or not)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n, m = draw(st.integers(60, 500)), draw(st.integers(20, 500))
    ties = draw(st.booleans())
    reference = rng.normal(size=n)
    current = rng.normal(draw(st.sampled_from([0.0, 0.2, 1.0])), 1.0, size=m)
    if ties:
        reference, current = np.round(reference, 1), np.round(current, 1)
    cuts = draw(st.lists(st.integers(1, n - 1), min_size=1, max_size=6, unique=True))
    return reference, list(itertools.pairwise([0, *sorted(cuts), n])), current


@settings(max_examples=40, deadline=None, derandomize=True)
@given(case=samples())
def test_the_widened_bracket_holds_the_exact_statistic(
    case: tuple[np.ndarray, list[tuple[int, int]], np.ndarray],
) -> None:
    values, bounds, now = case
    parts = [dg.profile(pd.DataFrame({"x": values[a:b]}), **SMALL) for a, b in bounds]
    merged = dg.merge_profiles(parts)
    reference = numeric(merged)
    current = numeric(dg.profile(pd.DataFrame({"x": now}), reference=merged))
    result = t.ks_counts(
        reference.counts, current.counts, reference.edges, rank_error=reference.rank_error
    )
    exact = stats.ks_2samp(values, now, method="auto")
    assert result.details["d_lo"] <= exact.statistic + 1e-12
    assert exact.statistic <= result.details["d_hi"] + 1e-12
    assert result.pvalue is not None
    assert result.pvalue >= exact.pvalue * (1 - 1e-9)


def test_an_exact_reference_gives_the_same_result_as_before() -> None:
    rng = np.random.default_rng(11)
    reference = np.bincount(rng.integers(0, 64, 5000), minlength=64)
    current = np.bincount(rng.integers(0, 64, 4000), minlength=64)
    assert t.ks_counts(reference, current, rank_error=0) == t.ks_counts(reference, current)


def test_the_rank_error_moves_both_ends_of_the_bracket() -> None:
    reference = np.array([100, 100, 100, 100])
    current = np.array([50, 100, 100, 150])
    exact = t.ks_counts(reference, current)
    widened = t.ks_counts(reference, current, rank_error=10)
    assert widened.details["d_lo"] == pytest.approx(exact.details["d_lo"] - 10 / 400)
    assert widened.details["d_hi"] == pytest.approx(exact.details["d_hi"] + 10 / 400)
    assert widened.details["rank_error"] == 10
    assert widened.pvalue is not None
    assert exact.pvalue is not None
    assert widened.pvalue >= exact.pvalue
    # An error as large as the gap leaves nothing proven.
    assert t.ks_counts(reference, current, rank_error=400).pvalue == 1.0
    with pytest.raises(ValueError, match="rank_error"):
        t.ks_counts(reference, current, rank_error=-1)


def test_drift_reports_the_reference_rank_error() -> None:
    rng = np.random.default_rng(12)
    values = rng.normal(size=3000)
    parts = [
        dg.profile(pd.DataFrame({"x": values[a : a + 1000]}), bins=64, exact_cap=200)
        for a in (0, 1000, 2000)
    ]
    merged = dg.merge_profiles(parts)
    report = dg.drift(pd.DataFrame({"x": rng.normal(size=2000)}), reference=merged)
    details = report.columns["x"].details
    assert details["reference_rank_error"] == numeric(merged).rank_error / 3000 > 0
    assert "rank error" in report.columns["x"].reason


def frame(rows: int, seed: int, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "amount": rng.lognormal(3.5 + shift, 1.0, rows),
            "score": rng.normal(shift, 1.0, rows),
            "discount": rng.uniform(0.0, 0.5, rows),
            "quantity": rng.integers(1, 21, rows),
            "status": rng.choice(["paid", "shipped", "late"], rows, p=[0.5, 0.4, 0.1]),
        }
    )


@pytest.mark.parametrize(("shift", "drifted"), [(0.0, []), (0.3, ["amount", "score"])])
def test_a_merge_of_daily_parts_flags_the_columns_the_whole_does(
    shift: float, drifted: list[str]
) -> None:
    # The benchmark's acceptance (benchmarks/merged_reference.py) in small: seven days profiled
    # one by one and merged flag the same columns as one profile of the week.
    # Days above the exact tier's cap, so that each keeps only its own grid.
    week = frame(7 * 1500, seed=13)
    days = [dg.profile(week.iloc[d * 1500 : (d + 1) * 1500], exact_cap=500) for d in range(7)]
    merged = dg.merge_profiles(days)
    assert numeric(merged, "amount").rank_error > 0
    current = frame(5000, seed=14, shift=shift)
    whole = dg.drift(current, reference=dg.profile(week, exact_cap=500))
    rolled = dg.drift(current, reference=merged)
    assert sorted(whole.drifted_columns) == sorted(rolled.drifted_columns) == drifted
