"""Pandas categorical and Arrow dictionary columns profile as categories of their values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import dataguard as dg
from dataguard.profile import CategoricalProfile


def words(n: int, distinct: int, seed: int) -> list[str | None]:
    rng = np.random.default_rng(seed)
    out: list[str | None] = [f"w{k}" for k in rng.zipf(1.3, size=n) % distinct]
    for i in range(0, n, 37):
        out[i] = None
    return out


@pytest.mark.parametrize("cap", [1000, 40])
def test_encoded_text_profiles_and_drifts_like_plain_text(cap: int) -> None:
    reference, current = words(6000, 300, 1), words(5000, 400, 2)
    plain_ref = pa.table({"c": pa.array(reference)})
    plain_cur = pa.table({"c": pa.array(current)})
    ref = dg.profile(plain_ref, categorical_cap=cap)
    encoded = {
        "arrow dictionary": (
            pa.table({"c": pa.array(reference).dictionary_encode()}),
            pa.table({"c": pa.array(current).dictionary_encode()}),
        ),
        "pandas categorical": (
            pa.Table.from_pandas(pd.DataFrame({"c": pd.Categorical(reference)})),
            pa.Table.from_pandas(pd.DataFrame({"c": pd.Categorical(current)})),
        ),
    }
    expected = dg.drift(plain_cur, reference=ref).to_dict()["columns"]
    for name, (enc_ref, enc_cur) in encoded.items():
        assert dg.profile(enc_ref, categorical_cap=cap).to_bytes() == ref.to_bytes(), name
        on_grid = dg.profile(enc_cur, reference=ref).to_bytes()
        assert on_grid == dg.profile(plain_cur, reference=ref).to_bytes(), name
        assert dg.drift(enc_cur, reference=ref).to_dict()["columns"] == expected, name


def test_pandas_categorical_frame_matches_its_plain_text() -> None:
    values = words(4000, 200, 3)
    categorical = pd.DataFrame(
        {"c": pd.Categorical(values, categories=[*sorted({v for v in values if v}), "unused"])}
    )
    plain = pd.DataFrame({"c": pd.Series(values, dtype=object)})
    assert dg.profile(categorical).to_bytes() == dg.profile(plain).to_bytes()


@pytest.mark.parametrize(
    "make",
    [
        lambda v: pd.DataFrame({"c": pd.Categorical(v)}),
        lambda v: pa.table({"c": pa.array(v).dictionary_encode()}),
        lambda v: pa.table(
            {
                "c": pa.chunked_array(
                    [pa.array(v[:900]).dictionary_encode(), pa.array(v[900:]).dictionary_encode()]
                )
            }
        ),
    ],
    ids=["pandas", "arrow", "arrow chunks"],
)
@pytest.mark.parametrize("values", ["int", "bool"])
def test_encoded_numbers_and_booleans_profile_as_categories(make: object, values: str) -> None:
    rng = np.random.default_rng(4)
    raw = rng.integers(0, 60, size=2000) if values == "int" else rng.random(2000) < 0.3
    data = make(raw.tolist())  # type: ignore[operator]
    prof = dg.profile(data)
    column = prof["c"]
    assert isinstance(column, CategoricalProfile)
    distinct, counts = np.unique(raw, return_counts=True)
    assert list(column.keys) == distinct.tolist()
    assert column.counts.tolist() == counts.tolist()
    report = dg.drift(data, reference=prof)
    assert not report.drifted
    assert report.columns["c"].pvalue == pytest.approx(1.0)
    pooled = dg.profile(data, categorical_cap=10)  # most categories pooled into OTHER
    assert not dg.drift(data, reference=pooled).drifted


@pytest.mark.parametrize("chunk_size", [None, 700, 4096])
@pytest.mark.parametrize("distinct", [3, 300, 100_000])
def test_plain_text_counted_by_value_profiles_as_hashed_by_row(
    monkeypatch: pytest.MonkeyPatch, chunk_size: int | None, distinct: int
) -> None:
    """Plain text and booleans whose values repeat are counted by a hash dictionary, per
    distinct value; the profile, on its own and on a reference's grid, is the one hashing every
    row gives, whatever the batches (a batch may tally or not by its own sample)."""
    from dataguard.metrics import _values

    rng = np.random.default_rng(distinct)
    # Over 9,000 distinct: ids, each once (a null every 37 rows).
    text = words(9000, distinct, 4) if distinct < 9000 else [f"id{k}" for k in range(9000)]
    text[::37] = [None] * len(text[::37])
    table = pa.table(
        {
            "c": pa.array(text),
            "b": pa.array(
                [None if k % 11 == 0 else bool(k % 3) for k in rng.integers(0, 99, 9000)]
            ),
        }
    )
    current = pa.table({"c": pa.array(words(5000, distinct + 50, 5)), "b": table["b"][:5000]})
    made: list[object] = []
    plain_tally = _values._plain_tally
    monkeypatch.setattr(_values, "_plain_tally", lambda a: made.append(plain_tally(a)) or made[-1])
    tallied = dg.profile(table, chunk_size=chunk_size, categorical_cap=40)
    on_grid = dg.profile(current, reference=tallied, chunk_size=chunk_size)
    assert any(t is not None for t in made)  # the booleans at least
    assert any(t is None for t in made) == (distinct > 9000)  # unique ids hash by row
    monkeypatch.setattr(_values, "_plain_tally", plain_tally)
    monkeypatch.setattr(_values, "_REPEATING", -1.0)  # every batch hashed row by row
    assert dg.profile(table, chunk_size=chunk_size, categorical_cap=40).to_bytes() == (
        tallied.to_bytes()
    )
    hashed_grid = dg.profile(current, reference=tallied, chunk_size=chunk_size)
    assert hashed_grid.to_bytes() == on_grid.to_bytes()


def test_repeating_text_is_hashed_once_for_both_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    # Step 2 (the kept categories' exact counts) reads the tally step 1 hashed: each batch's
    # distinct values are hashed once, and the profile is the one hashing them twice gives.
    from dataguard.profile import _categories

    table = pa.table({"c": pa.array(words(40_000, 300, 3))})
    hashed: list[int] = []
    original = _categories.fingerprints

    def counting(values: pa.Array) -> np.ndarray:
        hashed.append(len(values))
        return original(values)

    expected = dg.profile(table, categorical_cap=40, chunk_size=10_000, workers=1).to_bytes()
    monkeypatch.setattr(_categories, "fingerprints", counting)
    built = dg.profile(table, categorical_cap=40, chunk_size=10_000, workers=1)
    assert built.to_bytes() == expected
    per_batch = [n for n in hashed if n > 40]  # not the kept keys' own prints
    assert len(per_batch) == 4  # one hashing per batch, not one per batch and step
    assert all(n <= 300 for n in per_batch)
