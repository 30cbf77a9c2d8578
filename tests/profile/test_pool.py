"""The filter of the categories a reference pooled into OTHER: no misses, a bounded false-positive
rate and size, deterministic bytes, and profiles written before it (format 1) still load."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest

import dataguard as dg
from dataguard.profile import CategoricalProfile, loads_profile
from dataguard.profile._pool import BITS_PER_VALUE, MAX_BITS, PoolFilter


@pytest.mark.parametrize("values", [1, 37, 4000, 100_000])
def test_no_misses_and_false_positives_within_the_bound(values: int) -> None:
    rng = np.random.default_rng(values)
    prints = np.unique(rng.integers(0, 2**63, size=values, dtype=np.uint64))
    pool = PoolFilter.of(np.array_split(prints, 3), int(prints.size))
    assert pool.holds(prints).all()
    assert pool.size >= min(MAX_BITS, BITS_PER_VALUE * prints.size)
    others = rng.integers(0, 2**63, size=200_000, dtype=np.uint64)
    others = others[~np.isin(others, prints)]
    rate = pool.holds(others).mean()
    assert pool.false_positive_rate <= 0.01
    assert rate <= 0.01
    if values >= 1000:  # the textbook rate holds once the filter is not tiny
        assert rate <= pool.false_positive_rate * 1.2 + 5 / others.size
    # The bits depend on the set only, not on how it was split or ordered.
    again = PoolFilter.of([prints[::-1]], int(prints.size))
    assert again == pool


def test_numbers_fingerprints_are_spread() -> None:
    # Integers' fingerprints are their bits: consecutive ones must not share probe positions.
    prints = np.arange(5000, dtype=np.uint64)
    pool = PoolFilter.of([prints], 5000)
    rate = pool.holds(np.arange(5000, 205_000, dtype=np.uint64)).mean()
    assert rate <= 2 * pool.false_positive_rate


def test_size_is_bounded() -> None:
    prints = np.arange(3_000_000, dtype=np.uint64)
    pool = PoolFilter.of([prints], prints.size)
    assert pool.size == MAX_BITS
    assert pool.holds(prints[::1000]).all()


def test_reference_bytes_are_deterministic_and_round_trip() -> None:
    values = [f"v{i}" for i in np.random.default_rng(3).zipf(1.2, size=20_000) % 5000]
    table = pa.table({"c": values})
    reference = dg.profile(table, categorical_cap=100)
    assert reference.to_bytes() == dg.profile(table, categorical_cap=100, chunk_size=777).to_bytes()
    again = loads_profile(reference.to_bytes())
    assert again.to_bytes() == reference.to_bytes()
    column = again["c"]
    assert isinstance(column, CategoricalProfile)
    assert column.pool is not None
    assert column.pool.values == column.distinct - 100  # type: ignore[operator]


def test_version_1_profiles_load_and_compare_without_telling_pooled_from_new() -> None:
    ids = pa.array([f"id{i:05d}" for i in range(5000)])
    doc = dg.profile(pa.table({"c": ids})).to_doc()
    doc["format_version"] = 1
    del doc["columns"]["c"]["pool"], doc["columns"]["c"]["pooled"]
    old = loads_profile(json.dumps(doc).encode())
    column = old["c"]
    assert isinstance(column, CategoricalProfile)
    assert column.pool is None
    result = dg.drift(pa.table({"c": ids.take(pa.array(np.arange(5000)[::-1]))}), reference=old)
    assert not result.drifted
    assert result.columns["c"].details["new_share"] is None


@pytest.mark.parametrize(
    ("pool", "words"),
    [
        ({"bits": "AAAA", "probes": 3, "values": 1}, "power of two"),
        ({"bits": "not base64!", "probes": 3, "values": 1}, "corrupt base64"),
        ({"bits": "AAAAAAAAAAA=", "probes": 0, "values": 1}, "out of range"),
        ({"bits": "AAAAAAAAAAA="}, "must hold bits, probes and values"),
    ],
)
def test_malformed_pools_are_profile_errors(pool: object, words: str) -> None:
    doc = dg.profile(pa.table({"c": [f"id{i}" for i in range(50)]}), categorical_cap=10).to_doc()
    doc["columns"]["c"]["pool"] = pool
    with pytest.raises(dg.ProfileError, match=words):
        loads_profile(json.dumps(doc).encode())
