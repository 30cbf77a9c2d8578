"""Streamed reference profiles: radix refinement gives the in-memory profile, byte for byte."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import dataguard as dg
from dataguard._frame import _files
from dataguard.metrics import Budget
from dataguard.profile import _build, _refine

finite_floats = st.floats(allow_nan=False, allow_infinity=False, width=64)


def columns(n: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    chance = rng.random((4, n))
    return pa.table(
        {
            "normal": rng.normal(0, 1, n),
            "narrow": rng.normal(1000, 1e-9, n),  # one top-bits bucket: many refinement passes
            "atoms": np.where(chance[0] < 0.3, 0.0, rng.exponential(1, n)),
            "signed_zero": np.where(chance[1] < 0.5, -0.0, rng.normal(0, 1, n)),
            "infinities": np.where(chance[2] < 0.02, np.inf * np.sign(chance[3] - 0.5), chance[3]),
            "missing": np.where(chance[3] < 0.2, np.nan, rng.lognormal(0, 3, n)),
            "few": rng.integers(0, 5, n),
            "when": pa.array(rng.integers(0, 10**15, n), pa.timestamp("us")),
        }
    )


@pytest.fixture(autouse=True)
def streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files are streamed here, however small: a small file is otherwise read once, its numeric
    columns held (see the last test)."""
    monkeypatch.setattr(_build, "HELD_BYTES", 0)


def written(table: pa.Table, path: Path, row_group: int) -> Path:
    pq.write_table(table, path, row_group_size=row_group)
    return path


@pytest.mark.parametrize(("collect", "split"), [(1 << 21, 1 << 21), (500, 64), (3, 2)])
def test_streamed_reference_equals_the_in_memory_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collect: int, split: int
) -> None:
    # Tiny budgets force every path: collected ranges, split ranges, single-key ranges.
    monkeypatch.setattr(_refine, "BUDGET", Budget(collect, split))
    table = columns(20_000, seed=3)
    path = written(table, tmp_path / "data.parquet", 3_001)
    in_memory = dg.profile(table, bins=64, exact_cap=100, discrete_cap=16)
    streamed = dg.profile(path, bins=64, exact_cap=100, discrete_cap=16, chunk_size=777)
    assert streamed.to_bytes() == in_memory.to_bytes()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=hnp.arrays(
        np.float64,
        st.integers(1, 400),
        elements=st.one_of(
            st.sampled_from([0.0, -0.0, 1.0, -2.5, np.inf, -np.inf, np.nan]), finite_floats
        ),
    ),
    caps=st.fixed_dictionaries(
        {
            "bins": st.integers(2, 40),
            "exact_cap": st.integers(2, 50),
            "discrete_cap": st.integers(2, 20),
        }
    ),
    layout=st.tuples(st.integers(1, 100), st.integers(1, 64)),
)
# Few finite distinct values plus an infinity: the infinity counts toward discrete_cap in both.
@example(
    values=np.array([1.0, 0.0, 0.0, np.inf]),
    caps={"bins": 2, "exact_cap": 2, "discrete_cap": 2},
    layout=(1, 1),
)
def test_streamed_reference_equals_the_in_memory_one_for_any_values(
    tmp_path: Path, values: np.ndarray, caps: dict[str, int], layout: tuple[int, int]
) -> None:
    row_group, collect = layout
    budget = _refine.BUDGET
    _refine.BUDGET = Budget(collect, 4)
    try:
        table = pa.table({"x": values})
        path = written(table, tmp_path / "any.parquet", row_group)
        assert dg.profile(path, **caps).to_bytes() == dg.profile(table, **caps).to_bytes()
    finally:
        _refine.BUDGET = budget


def test_distinct_count_is_exact_only_while_the_values_or_distinct_values_are_few() -> None:
    many = dg.profile({"x": np.arange(5000.0)}, exact_cap=100, discrete_cap=10)
    few = dg.profile({"x": np.arange(5000) % 7}, exact_cap=100, discrete_cap=10)
    small = dg.profile({"x": np.arange(50.0)}, exact_cap=100, discrete_cap=10)
    assert many.columns["x"].distinct is None  # type: ignore[union-attr]
    assert few.columns["x"].distinct == 7  # type: ignore[union-attr]
    assert small.columns["x"].distinct == 50  # type: ignore[union-attr]


def counting_passes(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The columns of each streamed pass over a file, recorded as profiles read it."""
    passes: list[list[str]] = []
    reading = _files.FileSource.batches

    def counted(self: _files.FileSource, names: list[str], chunk_size: int | None) -> object:
        passes.append(list(names))
        return reading(self, names, chunk_size)

    monkeypatch.setattr(_files.FileSource, "batches", counted)
    return passes


def labelled(folder: Path, seed: int) -> Path:
    """A small Parquet file of the numeric columns and a repeating text column."""
    table = columns(20_000, seed=seed)
    table = table.append_column("label", pa.array([f"label {k % 40}" for k in range(20_000)]))
    return written(table, folder / "small.parquet", 3_001)


def test_a_file_whose_numbers_fit_is_read_once_and_profiled_as_when_streamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = labelled(tmp_path, seed=5)
    passes = counting_passes(monkeypatch)
    streamed = dg.profile(path, bins=64, chunk_size=777)
    assert len(passes) > 1  # column groups, then refinement
    passes.clear()
    # Exactly the 8 numeric columns: the text column does not fit besides them.
    monkeypatch.setattr(_build, "HELD_BYTES", 20_000 * 8 * 8)
    held = dg.profile(path, bins=64, chunk_size=777)
    assert len(passes) == 2  # every column, then the text column's kept categories
    assert "label" in passes[0]
    assert passes[1] == ["label"]
    assert held.to_bytes() == streamed.to_bytes()


def test_a_file_that_fits_is_read_once_whole_and_profiled_as_when_streamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = labelled(tmp_path, seed=6)
    streamed = dg.profile(path, bins=64, chunk_size=777)
    monkeypatch.setattr(_build, "HELD_BYTES", 1 << 30)
    passes = counting_passes(monkeypatch)
    held = dg.profile(path, bins=64, chunk_size=777)
    assert passes == []  # read whole, not in streamed passes
    assert held.to_bytes() == streamed.to_bytes()
