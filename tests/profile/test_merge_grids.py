"""Merging profiles built independently, on different grids: the merged counts at every edge lie
within the recorded rank error of the concatenated data's, whatever the order, partition or merge
tree (issue 17 item 4)."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard.profile import CategoricalProfile, NumericProfile, Profile, loads_profile
from dataguard.profile._categories import key_prints

#: Small settings, so that a few hundred rows already leave the exact and discrete tiers.
SMALL = {"bins": 16, "exact_cap": 4, "discrete_cap": 3}


def numeric(profile: Profile, name: str = "x") -> NumericProfile:
    column = profile[name]
    assert isinstance(column, NumericProfile)
    return column


def true_at_or_below(values: np.ndarray, points: np.ndarray) -> np.ndarray:
    present = np.sort(values[~np.isnan(values)])
    found: np.ndarray = np.searchsorted(present, points, side="right")
    return found


def assert_within_rank_error(merged: NumericProfile, values: np.ndarray) -> None:
    """Every stored count at or below an inner edge is within ``rank_error`` of the truth."""
    assert merged.edges is not None
    assert merged.counts is not None
    stored = np.cumsum(merged.counts)[:-1]
    truth = true_at_or_below(values, merged.edges)
    assert np.abs(stored - truth).max(initial=0) <= merged.rank_error
    assert merged.count == np.count_nonzero(~np.isnan(values))


@st.composite
def columns(draw: st.DrawFn) -> np.ndarray:
    """Values with ties, infinities and missing values, or continuous ones."""
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(40, 400))
    rng = np.random.default_rng(seed)
    shape = draw(st.sampled_from(["normal", "ties", "mixed"]))
    if shape == "normal":
        values = rng.normal(draw(st.floats(-5, 5)), 1.0, size=n)
    elif shape == "ties":
        values = rng.integers(0, draw(st.integers(2, 30)), size=n).astype(np.float64)
    else:
        values = np.where(rng.random(n) < 0.3, 1.5, rng.exponential(size=n))
        values[rng.random(n) < 0.05] = np.inf
        values[rng.random(n) < 0.05] = -np.inf
    values[rng.random(n) < 0.05] = np.nan
    return values


@st.composite
def split(draw: st.DrawFn, n: int) -> list[tuple[int, int]]:
    cuts = draw(st.lists(st.integers(1, n - 1), min_size=1, max_size=5, unique=True))
    return list(itertools.pairwise([0, *sorted(cuts), n]))


def parts_of(values: np.ndarray, bounds: list[tuple[int, int]]) -> list[Profile]:
    return [dg.profile(pd.DataFrame({"x": values[a:b]}), **SMALL) for a, b in bounds]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=st.data())
def test_merged_counts_are_within_the_rank_error(data: st.DataObject) -> None:
    values = data.draw(columns())
    bounds = data.draw(split(values.size))
    merged = dg.merge_profiles(parts_of(values, bounds))
    assert_within_rank_error(numeric(merged), values)
    # Saved and loaded, the bound stays with the column.
    assert numeric(loads_profile(merged.to_bytes())).rank_error == numeric(merged).rank_error


@settings(max_examples=20, deadline=None, derandomize=True)
@given(data=st.data())
def test_merges_of_merges_stay_within_their_rank_error(data: st.DataObject) -> None:
    values = data.draw(columns())
    bounds = data.draw(split(values.size))
    parts = parts_of(values, bounds)
    cut = data.draw(st.integers(1, len(parts)))
    left = dg.merge_profiles(parts[:cut])
    nested = dg.merge_profiles([left, *parts[cut:]]) if cut < len(parts) else left
    assert_within_rank_error(numeric(nested), values)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(data=st.data())
def test_merged_bytes_do_not_depend_on_the_order_of_the_parts(data: st.DataObject) -> None:
    values = data.draw(columns())
    parts = parts_of(values, data.draw(split(values.size)))
    expected = dg.merge_profiles(parts).to_bytes()
    assert dg.merge_profiles(data.draw(st.permutations(parts))).to_bytes() == expected


@settings(max_examples=15, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1), data=st.data())
def test_parts_that_kept_their_value_counts_merge_to_the_whole(
    seed: int, data: st.DataObject
) -> None:
    # More values than exact_cap, few distinct ones: every part keeps its value counts, so the
    # merge is exact and associative: any tree of merges gives the bytes of one pass.
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 12, size=300).astype(np.float64)
    frame = pd.DataFrame({"x": values})
    options = {"bins": 8, "exact_cap": 4, "discrete_cap": 16}
    bounds = data.draw(split(values.size))
    parts = [dg.profile(frame.iloc[a:b], **options) for a, b in bounds]
    whole = dg.profile(frame, **options).to_bytes()
    assert dg.merge_profiles(parts).to_bytes() == whole
    cut = data.draw(st.integers(1, len(parts)))
    tree = [dg.merge_profiles(parts[:cut]), *parts[cut:]]
    assert dg.merge_profiles(tree).to_bytes() == whole


def test_value_counts_beyond_the_discrete_cap_still_merge_exactly() -> None:
    # Each part has few distinct values, all of them together more than discrete_cap: the whole
    # keeps no value counts, yet its grid follows from the parts' and equals one pass's.
    values = np.repeat(np.arange(60, dtype=np.float64), 20)
    frame = pd.DataFrame({"x": values})
    options = {"bins": 16, "exact_cap": 10, "discrete_cap": 25}
    parts = [dg.profile(frame.iloc[a : a + 400], **options) for a in range(0, 1200, 400)]
    assert dg.merge_profiles(parts).to_bytes() == dg.profile(frame, **options).to_bytes()


def test_large_profiles_on_different_grids_merge_with_a_small_rank_error() -> None:
    rng = np.random.default_rng(5)
    values = rng.normal(size=70_000)
    frame = pd.DataFrame({"x": values})
    parts = [dg.profile(frame.iloc[a : a + 10_000]) for a in range(0, 70_000, 10_000)]
    merged = numeric(dg.merge_profiles(parts))
    assert_within_rank_error(merged, values)
    # Half a bin of each of six other parts: about 6 * 10_000 / 2048 rows, below 0.05% of them.
    assert 0 < merged.rank_error <= 6 * 10_000 // 2048 + 7
    assert merged.counts is not None
    assert merged.counts.size == pytest.approx(1024, abs=8)
    assert merged.moments.mean == pytest.approx(values.mean(), abs=1e-12)


def test_profiles_on_one_grid_add_their_counts_and_rank_errors() -> None:
    values = np.random.default_rng(6).normal(size=20_000)
    part = dg.profile(pd.DataFrame({"x": values}), bins=64)
    twice = numeric(dg.merge_profiles([part, part]))
    assert twice.rank_error == 0
    assert np.array_equal(twice.counts, 2 * numeric(part).counts)  # type: ignore[operator]


def test_the_format_version_says_whether_a_profile_is_approximate() -> None:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"x": rng.normal(size=600)})
    exact = dg.profile(frame, **SMALL)
    assert json.loads(exact.to_bytes())["format_version"] == 2
    assert b"rank_error" not in exact.to_bytes()
    merged = dg.merge_profiles([dg.profile(frame.iloc[:300], **SMALL), exact])
    doc = json.loads(merged.to_bytes())
    assert doc["format_version"] == 3
    assert doc["columns"]["x"]["rank_error"] == numeric(merged).rank_error > 0
    # A profile written before version 3 has no rank error: it loads as exact.
    del doc["columns"]["x"]["rank_error"]
    assert numeric(Profile.from_doc(doc)).rank_error == 0


@pytest.mark.parametrize("bad", [-1, "3", 10**9])
def test_a_malformed_rank_error_is_a_profile_error(bad: object) -> None:
    rng = np.random.default_rng(8)
    frame = pd.DataFrame({"x": rng.normal(size=600)})
    merged = dg.merge_profiles([dg.profile(frame.iloc[:300], **SMALL), dg.profile(frame, **SMALL)])
    doc = json.loads(merged.to_bytes())
    doc["columns"]["x"]["rank_error"] = bad
    with pytest.raises(dg.ProfileError, match="rank_error"):
        Profile.from_doc(doc)


def test_a_reference_profile_and_a_profile_on_a_grid_do_not_merge() -> None:
    rng = np.random.default_rng(9)
    frame = pd.DataFrame({"x": rng.normal(size=600)})
    reference = dg.profile(frame, **SMALL)
    with pytest.raises(dg.ProfileError, match="one kind"):
        dg.merge_profiles([reference, dg.profile(frame, reference=reference)])


def words(seed: int, rows: int, vocabulary: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"word": [f"w{k}" for k in rng.zipf(1.4, size=rows) % vocabulary]})


def test_parts_that_pooled_categories_merge_with_exact_counts() -> None:
    # Each part keeps its 30 most frequent categories and pools the rest: the merge keeps only
    # categories whose count every part pins down, so each kept count and OTHER stay exact.
    data = words(21, 6000, 400)
    parts = [dg.profile(data.iloc[a : a + 2000], categorical_cap=30) for a in (0, 2000, 4000)]
    column = dg.merge_profiles(parts)["word"]
    assert isinstance(column, CategoricalProfile)
    truth = data["word"].value_counts()
    assert column.other > 0
    assert 0 < len(column.keys) <= 30
    assert all(truth[k] == c for k, c in zip(column.keys, column.counts.tolist(), strict=True))
    assert column.other == len(data) - int(column.counts.sum())
    # The parts' filters of pooled categories differ in shape (their probes follow their sizes),
    # so the merge cannot say which values its OTHER holds: it records none.
    assert column.pool is None


def test_pool_filters_of_one_shape_join_into_the_merged_one() -> None:
    data = words(21, 2000, 400)
    part = dg.profile(data, categorical_cap=30)
    column = dg.merge_profiles([part, part])["word"]
    assert isinstance(column, CategoricalProfile)
    assert column.pool is not None
    # The merged OTHER remembers every category it holds: none of them is NEW to it.
    hidden = sorted(set(data["word"]) - set(column.keys))
    assert column.pool.holds(key_prints(hidden)).all()


@settings(max_examples=10, deadline=None, derandomize=True)
@given(order=st.permutations([0, 1, 2, 3]))
def test_pooled_categories_merge_in_any_order(order: list[int]) -> None:
    data = words(22, 4000, 300)
    parts = [dg.profile(data.iloc[a : a + 1000], categorical_cap=20) for a in range(0, 4000, 1000)]
    expected = dg.merge_profiles(parts).to_bytes()
    assert dg.merge_profiles([parts[i] for i in order]).to_bytes() == expected


def test_drift_of_the_same_data_against_merged_pooled_categories_passes() -> None:
    data = words(23, 8000, 500)
    parts = [dg.profile(data.iloc[a : a + 2000], categorical_cap=40) for a in range(0, 8000, 2000)]
    merged = dg.merge_profiles(parts)
    report = dg.drift(words(24, 5000, 500), reference=merged)
    assert not report.drifted_columns
    assert report.columns["word"].details["new_share"] is None  # the merged pool is unknown
