"""Categorical columns with more categories than the reference keeps (``categorical_cap``).

The reference keeps its most frequent categories and pools the rest into OTHER, remembering which
values those were (a Bloom filter of their fingerprints). Values it pooled are not NEW; values it
never saw are. The chi-square compares one by one only the categories frequent enough that their
selection was not luck, so unchanged data does not drift (drift.md §7.C protocol).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats

import dataguard as dg
from dataguard.profile import CategoricalProfile

ALPHA = 0.05


def zipf_column(categories: int, n: int, exponent: float, rng: np.random.Generator) -> pa.Table:
    names = np.array([f"c{i:05d}" for i in range(categories)], dtype=object)
    weights = 1 / np.arange(1, categories + 1) ** exponent
    return pa.table({"c": pa.array(names[rng.choice(categories, n, p=weights / weights.sum())])})


def test_the_same_ids_shuffled_do_not_drift() -> None:
    # Issue 14 item 1: p was 3e-87 with effect 0.10, because pooled ids counted as NEW.
    ids = pa.array([f"id{i:06d}" for i in range(10_000)])
    reference = dg.profile(pa.table({"c": ids}))
    column = reference["c"]
    assert isinstance(column, CategoricalProfile)
    assert column.other == 9_000
    assert column.pool is not None
    shuffled = ids.take(pa.array(np.random.default_rng(1).permutation(10_000)))
    result = dg.drift(pa.table({"c": shuffled}), reference=reference).columns["c"]
    assert not result.drifted
    assert result.pvalue == 1.0
    assert result.effect == 0.0
    assert result.details["new_share"] == 0.0
    assert result.details["new_examples"] == []


@pytest.mark.parametrize("seed", range(5))
def test_zipf_categories_beyond_the_cap_do_not_drift(seed: int) -> None:
    # Issue 14 item 1: a 3,000-category Zipf column at n = 50,000 drifted every time.
    rng = np.random.default_rng(seed)
    reference = dg.profile(zipf_column(3000, 50_000, 1.1, rng))
    result = dg.drift(zipf_column(3000, 50_000, 1.1, rng), reference=reference).columns["c"]
    assert not result.drifted
    assert result.effect < 0.03


@pytest.mark.slow
@pytest.mark.parametrize("exponent", [1.0, 0.7])
def test_false_positive_rate_of_5000_categories_at_50000_rows(exponent: float) -> None:
    # Reference and current drawn from the same 5,000-category distribution; the raw p-value's
    # rejection rate must stay within the 99.8 % binomial band's upper end at alpha.
    rng = np.random.default_rng(2026 + int(exponent * 10))
    trials = 200
    pvalues, drifted = [], 0
    for _ in range(trials):
        reference = dg.profile(zipf_column(5000, 50_000, exponent, rng))
        result = dg.drift(zipf_column(5000, 50_000, exponent, rng), reference=reference)
        pvalues.append(result.columns["c"].pvalue)
        drifted += result.columns["c"].drifted
    rate = float(np.mean(np.array(pvalues) < ALPHA))
    upper = stats.binom.ppf(0.999, trials, ALPHA) / trials
    print(f"Zipf({exponent}) 5000 categories, n = 50,000: rate {rate:.3f}, upper {upper:.3f}")
    assert rate <= upper
    assert drifted / trials <= upper


def test_new_values_are_reported_and_a_frequent_one_drifts() -> None:
    rng = np.random.default_rng(11)
    reference = dg.profile(zipf_column(5000, 50_000, 1.0, rng))
    values = zipf_column(5000, 50_000, 1.0, rng).column("c").to_pylist()
    for i in range(0, len(values), 10):  # one row in ten becomes a value never seen
        values[i] = "BROKEN"
    result = dg.drift(pa.table({"c": values}), reference=reference).columns["c"]
    assert result.drifted
    assert result.details["new_share"] == pytest.approx(0.1, abs=0.03)
    assert result.details["new_examples"][0] == "BROKEN"
    assert "NEW BROKEN" in result.details["histogram"]["labels"]


def test_many_rare_new_values_are_reported_and_drift() -> None:
    rng = np.random.default_rng(12)
    reference = dg.profile(zipf_column(5000, 50_000, 1.0, rng))
    values = zipf_column(5000, 50_000, 1.0, rng).column("c").to_pylist()
    for i in range(0, len(values), 5):  # one row in five: a value of its own, never seen
        values[i] = f"garbage-{i}"
    result = dg.drift(pa.table({"c": values}), reference=reference).columns["c"]
    assert result.drifted
    assert result.details["new_share"] == pytest.approx(0.2 + 0.8 * 0.02, abs=0.02)
    assert all(v.startswith(("garbage-", "c")) for v in result.details["new_examples"])


def test_pooled_values_are_not_new_and_never_seen_ones_are() -> None:
    ids = [f"id{i:05d}" for i in range(3000)]
    reference = dg.profile(pa.table({"c": ids + ids[:500]}), categorical_cap=500)
    ref = reference["c"]
    assert isinstance(ref, CategoricalProfile)
    assert set(ref.keys) == set(ids[:500])
    current = dg.profile(
        pa.table({"c": [*ids[2000:], "fresh-1", "fresh-2", "fresh-2"]}), reference=reference
    )
    cur = current["c"]
    assert isinstance(cur, CategoricalProfile)
    assert cur.other == 1003
    assert cur.pooled == 1000  # a Bloom filter never misses a value it holds
    assert cur.new == 3
    assert cur.new_counts == (("fresh-1", 1), ("fresh-2", 2))
    assert cur.new_examples == ("fresh-2", "fresh-1")
