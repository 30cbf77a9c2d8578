"""Profiles: deterministic bytes, exact merges, size budget, accuracy, and clear errors."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from scipy import stats

import dataguard as dg
from dataguard.profile import NumericProfile, loads_profile
from dataguard.profile._build import reference_edges
from dataguard.profile._categories import MAX_CATEGORY_LENGTH


def frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    values = rng.normal(size=n)
    values[::97] = np.nan
    return pd.DataFrame(
        {
            "normal": values,
            "lognormal": rng.lognormal(0, 2, size=n),
            "poisson": rng.poisson(3, size=n),
            "centred": rng.normal(1e6, 1, size=n),
            "when": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**6, n), "s"),
            "city": rng.choice(["Paris", "Lyon", "Nice", None], size=n, p=[0.5, 0.3, 0.1, 0.1]),
            "flag": rng.random(n) < 0.3,
        }
    )


def partitions(n: int, parts: int, seed: int) -> list[tuple[int, int]]:
    cuts = np.sort(np.random.default_rng(seed).choice(np.arange(1, n), parts - 1, replace=False))
    bounds = [0, *cuts.tolist(), n]
    return list(itertools.pairwise(bounds))


def test_reference_bytes_do_not_depend_on_batching() -> None:
    data = frame(20_000)
    whole = dg.profile(data).to_bytes()
    for chunk in (1_000, 7_777):
        assert dg.profile(data, chunk_size=chunk).to_bytes() == whole
    table = pa.Table.from_pandas(data, preserve_index=False)
    assert dg.profile(table.to_batches(max_chunksize=3_000)).to_bytes() == whole
    assert dg.profile(data).to_bytes() == whole  # rebuilt from the same data: same bytes


@pytest.mark.parametrize("workers", [1, 2])
def test_numeric_bins_built_by_the_workers_are_those_of_the_sorted_column(workers: int) -> None:
    # The bins of an in-memory reference are drawn as its numeric columns finish, on the worker
    # threads: they must be those drawn from each whole column, sorted, on the calling thread.
    data = frame(20_000, seed=3)
    built = dg.profile(data, chunk_size=3_000, workers=workers)
    for name in ("normal", "lognormal", "poisson", "centred"):
        column = built.columns[name]
        assert isinstance(column, NumericProfile)
        values = np.sort(data[name].dropna().to_numpy(dtype=np.float64))
        edges = reference_edges(values, built.settings)
        assert np.array_equal(column.edges, edges)
        counts = np.diff(
            np.searchsorted(values, edges, side="right"), prepend=0, append=len(values)
        )
        assert np.array_equal(column.counts, counts)


@pytest.mark.parametrize("parts", [1, 2, 7, 64])
def test_profiles_on_a_reference_grid_merge_to_the_same_bytes(parts: int) -> None:
    reference = dg.profile(frame(30_000, seed=1))
    current = frame(25_000, seed=2)
    whole = dg.profile(current, reference=reference).to_bytes()
    pieces = [
        dg.profile(current.iloc[a:b], reference=reference)
        for a, b in partitions(len(current), parts, seed=parts)
    ]
    assert dg.merge_profiles(pieces).to_bytes() == whole
    assert dg.merge_profiles(pieces[::-1]).to_bytes() == whole  # any merge order


def test_small_reference_profiles_merge_exactly() -> None:
    data = frame(3_000, seed=3)
    whole = dg.profile(data).to_bytes()
    pieces = [dg.profile(data.iloc[a:b]) for a, b in partitions(len(data), 3, seed=4)]
    assert dg.merge_profiles(pieces).to_bytes() == whole


def test_large_reference_profiles_with_different_grids_merge_approximately() -> None:
    data = frame(20_000, seed=5)
    merged = dg.merge_profiles([dg.profile(data.iloc[:10_000]), dg.profile(data.iloc[10_000:])])
    whole = dg.profile(data)
    for name in ("normal", "lognormal", "centred", "when"):
        column, exact = merged[name], whole[name]
        assert isinstance(column, NumericProfile)
        assert isinstance(exact, NumericProfile)
        assert 0 < column.rank_error <= 10_000 // 1024 + 1  # half a bin of the other part
        assert (column.count, column.total, column.squares) == (
            exact.count,
            exact.total,
            exact.squares,
        )
    # Few distinct values: every part kept its value counts, so the merge is exact.
    assert merged["poisson"].to_doc() == whole["poisson"].to_doc()


def test_size_budget_and_round_trip(tmp_path: Path) -> None:
    prof = dg.profile(frame(200_000, seed=6))
    for name, column in prof.columns.items():
        size = len(json.dumps(column.to_doc(), separators=(",", ":")))
        if isinstance(column, NumericProfile):
            assert size <= 16 * 1024, (name, size)
    for suffix in ("p.json", "p.json.gz"):
        path = prof.save(tmp_path / suffix)
        again = dg.load_profile(path)
        assert again.to_bytes() == prof.to_bytes()
    plain = (tmp_path / "p.json").read_bytes()
    assert gzip.decompress((tmp_path / "p.json.gz").read_bytes()) == plain
    assert (
        prof.save(tmp_path / "again.json.gz").read_bytes() == (tmp_path / "p.json.gz").read_bytes()
    )


def test_quantile_bins_bound_the_cdf_error() -> None:
    # drift.md §7.E.1: 1024 bins on N(0,1) hold at most ~1/1024 of the mass each.
    values = np.random.default_rng(7).normal(size=1_000_000)
    column = dg.profile(pd.DataFrame({"x": values}))["x"]
    assert isinstance(column, NumericProfile)
    assert column.counts is not None
    assert column.counts.max() / column.count <= 0.0011


def test_moments_are_exact_and_exactly_rounded() -> None:
    data = frame(50_000, seed=8)
    column = dg.profile(data)["centred"]
    assert isinstance(column, NumericProfile)
    values = data["centred"].to_numpy()
    moments = column.moments
    assert moments.mean == pytest.approx(float(np.mean(values)), rel=1e-15)
    assert moments.variance == pytest.approx(float(np.var(values, ddof=1)), rel=1e-9)


def test_tiers_and_categories() -> None:
    data = frame(10_000, seed=9)
    prof = dg.profile(data)
    poisson = prof["poisson"]
    assert isinstance(poisson, NumericProfile)
    assert poisson.discrete_values is not None
    assert poisson.discrete_counts is not None
    assert dict(zip(poisson.discrete_values, poisson.discrete_counts, strict=True)) == dict(
        data["poisson"].value_counts()
    )
    assert poisson.exact is None  # 10k values > exact_cap
    small = dg.profile(data.iloc[:500])["normal"]
    assert isinstance(small, NumericProfile)
    assert small.exact is not None
    assert np.array_equal(small.exact, np.sort(data["normal"].iloc[:500].dropna().to_numpy()))
    city = prof["city"]
    assert city.kind == "categorical"
    assert dict(zip(city.keys, city.counts.tolist(), strict=True)) == dict(
        data["city"].value_counts()
    )
    assert city.missing == data["city"].isna().sum()
    assert prof["flag"].kind == "categorical"
    assert prof["when"].kind == "numeric"


def test_categorical_cap_pools_the_tail() -> None:
    values = [f"k{i:04d}" for i in range(30)] * 3 + ["rare1", "rare2"]
    prof = dg.profile(pd.DataFrame({"c": values}), categorical_cap=10)
    column = prof["c"]
    assert len(column.keys) == 10
    assert column.other == 92 - 30
    assert column.distinct == 32


def test_edge_values() -> None:
    data = pd.DataFrame(
        {
            "constant": [3.0] * 100,
            "empty": [np.nan] * 100,
            "infinite": [np.inf, -np.inf, *list(range(98))],
        }
    )
    prof = dg.profile(data)
    assert prof["constant"].distinct == 1
    assert prof["empty"].count == 0
    assert prof["empty"].missing == 100
    infinite = prof["infinite"]
    assert isinstance(infinite, NumericProfile)
    assert (infinite.positive_infinities, infinite.negative_infinities) == (1, 1)
    assert infinite.minimum == 0.0
    assert infinite.maximum == 97.0
    assert infinite.edges is not None
    assert np.isfinite(infinite.edges).all()


@pytest.mark.parametrize(
    ("mangle", "words"),
    [
        (lambda raw: raw[: len(raw) // 2], "corrupt or truncated"),
        (lambda raw: gzip.compress(raw)[:-20], "corrupt or truncated compressed"),
        (lambda raw: raw.replace(b'"format_version":2', b'"format_version":7'), "newer"),
        (lambda raw: b"\xff\xfe garbage", "not UTF-8"),
        (lambda raw: b"[1, 2, 3]", "not a profile document"),
        (lambda raw: b'{"hello": 1}', "no format_version"),
        (lambda raw: raw.replace(b'"rows":2000', b'"rows":2001', 1), "rows do not add up"),
    ],
)
def test_bad_profiles_raise_profile_error(mangle: object, words: str) -> None:
    raw = dg.profile(frame(2_000, seed=10)).to_bytes()
    with pytest.raises(dg.ProfileError, match=words):
        loads_profile(mangle(raw))  # type: ignore[operator]


def test_missing_profile_file(tmp_path: Path) -> None:
    with pytest.raises(dg.ProfileError, match="no such file"):
        dg.load_profile(tmp_path / "nope.json")


def test_profile_on_reference_keeps_grid_and_counts_current_values() -> None:
    reference = dg.profile(frame(20_000, seed=11))
    current = frame(5_000, seed=12)
    on_grid = dg.profile(current, reference=reference)
    column = on_grid["lognormal"]
    ref_column = reference["lognormal"]
    assert isinstance(column, NumericProfile)
    assert isinstance(ref_column, NumericProfile)
    assert column.grid == ref_column.grid_id()
    assert column.counts is not None
    assert ref_column.edges is not None
    expected = np.bincount(
        np.searchsorted(ref_column.edges, current["lognormal"], side="left"),
        minlength=ref_column.edges.size + 1,
    )
    assert np.array_equal(column.counts, expected)
    assert on_grid["city"].grid == reference["city"].grid_id()


def test_kind_mismatch_with_reference_is_recorded_on_the_column() -> None:
    reference = dg.profile(pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 3.0]}))
    current = dg.profile(
        pd.DataFrame({"x": ["a", "b", "c"], "y": [2.0, 3.0, 4.0]}), reference=reference
    )
    assert list(current.columns) == ["y"]
    assert current.unprofiled["x"] == (
        "type changed: numeric (double) in the reference, categorical (string) in this data"
    )


def test_ks_bracket_on_profiles_matches_scipy() -> None:
    rng = np.random.default_rng(13)
    ref, cur = rng.lognormal(0, 2, size=50_000), rng.lognormal(0.05, 2, size=20_000)
    reference = dg.profile(pd.DataFrame({"x": ref}))
    report = dg.drift(pd.DataFrame({"x": cur}), reference=reference)
    column = report.columns["x"]
    exact = stats.ks_2samp(ref, cur).statistic
    assert column.details["d_lo"] <= exact <= column.details["d_hi"]
    assert column.details["d_hi"] - column.details["d_lo"] <= 0.002


def test_string_lengths() -> None:
    data = pd.DataFrame({"s": ["a", "bb", "ccc", "bb", None, "é"]})
    lengths = dg.profile(data)["s"].lengths
    assert lengths == {"min": 1, "max": 3, "total": 1 + 2 + 3 + 2 + 1}
    pieces = [dg.profile(data.iloc[:3]), dg.profile(data.iloc[3:])]
    assert dg.merge_profiles(pieces).to_bytes() == dg.profile(data).to_bytes()


def test_multivariate_drift_without_complete_rows_is_not_an_error() -> None:
    rng = np.random.default_rng(14)
    reference = pd.DataFrame({"a": rng.normal(size=500), "b": rng.normal(size=500)})
    prof = dg.profile(reference, comoments=True)
    report = dg.drift(reference.assign(a=np.nan), reference=prof, multivariate=True)
    assert report.multivariate is not None
    assert report.multivariate.drifted is False
    assert report.columns["a"].drifted  # every value went missing: the missing share says so


@pytest.mark.parametrize("chunk", [None, 999])
def test_encoded_pandas_text_profiles_to_the_arrow_bytes(chunk: int | None) -> None:
    # pd.read_parquet shares one object per distinct string, so dataguard counts codes, not text.
    rng = np.random.default_rng(5)
    words = np.array([f"w{k}" for k in range(1500)] + [None, "é"], dtype=object)

    def text(n: int, high: int) -> pd.DataFrame:
        shared = pd.Series(words[rng.integers(0, high, size=n)], dtype=object)  # as in pandas 2
        return pd.DataFrame({"word": shared, "n": rng.random(n)})

    reference, current = text(20_000, 1200), text(15_000, len(words))  # current has new words
    assert dg.profile(reference).columns["word"].kind == "categorical"
    for data, ref in ((reference, None), (current, dg.profile(reference, categorical_cap=50))):
        table = pa.Table.from_pandas(data, preserve_index=False)
        expected = dg.profile(table, reference=ref).to_bytes()
        assert dg.profile(data, reference=ref, chunk_size=chunk).to_bytes() == expected


def test_a_profile_keeps_no_over_long_value() -> None:
    # Three 10 MB values used to be kept as categories (a 31 MB profile): values longer than the
    # bound count in OTHER, so a profile's size does not grow with the length of a value.
    long = "x" * (MAX_CATEGORY_LENGTH + 1)
    data = pd.DataFrame({"c": [long, long, "a", "b", "y" * MAX_CATEGORY_LENGTH, None]})
    for frame_or_table in (data, pa.table({"c": pa.array(data["c"]).dictionary_encode()})):
        column = dg.profile(frame_or_table)["c"]
        assert column.keys == ("a", "b", "y" * MAX_CATEGORY_LENGTH)
        assert column.counts.tolist() == [1, 1, 1]
        assert column.other == 2
        assert column.distinct == 4
    # Never a candidate: the cap goes to the most frequent values that can be kept.
    capped = dg.profile(pd.DataFrame({"c": [long] * 3 + ["a"] * 2 + ["b"]}), categorical_cap=2)
    assert (capped["c"].keys, capped["c"].other, capped["c"].distinct) == (("a", "b"), 3, 3)
    size = len(dg.profile(pd.DataFrame({"c": [long * 100] * 3})).to_bytes())
    assert size < 10 * MAX_CATEGORY_LENGTH


def test_hostile_profile_documents_are_profile_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = b"[" * 200_000 + b"]" * 200_000
    for raw in (deep, gzip.compress(deep)):
        with pytest.raises(dg.ProfileError, match="nested too deeply"):
            loads_profile(raw, "deep.json")
    monkeypatch.setattr("dataguard._documents.MAX_JSON_BYTES", 1_000_000)
    bomb = gzip.compress(b" " * 5_000_000)  # 5 KB that would inflate to 5 MB
    with pytest.raises(dg.ProfileError, match="inflates to more than 1,000,000 bytes"):
        loads_profile(bomb, "bomb.json.gz")
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 1_000_001)
    with pytest.raises(dg.ProfileError, match=r"big\.json: not read: the file is larger than"):
        dg.load_profile(big)
    digits = b'{"format_version": 1, "rows": ' + b"9" * 5000 + b"}"
    with pytest.raises(dg.ProfileError, match="holds a number too long to read"):
        loads_profile(digits, "digits.json")
    fine = dg.profile(frame(200, seed=3))
    assert loads_profile(gzip.compress(fine.to_bytes()) + b"\0" * 8).to_bytes() == fine.to_bytes()
