"""Numeric values are sorted the cheapest way for how they lie, always to the same array."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dataguard.profile._metrics import sorted_values

floats = st.floats(allow_nan=False, width=64).map(lambda x: x + 0.0)


def span_of(values: np.ndarray) -> tuple[float, float] | None:
    """The span the profiler passes: the extremes, when every value is finite."""
    if values.size == 0 or not np.isfinite(values).all():
        return None
    return float(values.min()), float(values.max())


def check(values: np.ndarray) -> None:
    expected = np.sort(values)
    got = sorted_values(values.copy(), span_of(values))
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, expected)
    assert np.signbit(got).tolist() == np.signbit(expected).tolist()


@given(hnp.arrays(np.float64, st.integers(0, 300), elements=floats))
def test_any_floats(values: np.ndarray) -> None:
    check(values)


@given(
    hnp.arrays(np.int64, st.integers(0, 3000), elements=st.integers(-50, 50)),
    st.sampled_from([0.0, -(2.0**52), 2.0**60, 0.5]),
)
def test_integers_of_a_small_span(codes: np.ndarray, offset: float) -> None:
    # Far from zero, as halves, and past 2**53 (where floats are 256 apart): counted or not,
    # the same order.
    check(codes.astype(np.float64) * (256.0 if offset >= 2.0**53 else 1.0) + offset)


@given(st.lists(hnp.arrays(np.float64, st.integers(1, 400), elements=floats), max_size=6))
def test_sorted_runs(runs: list[np.ndarray]) -> None:
    check(np.concatenate([np.sort(r) for r in runs]) if runs else np.zeros(0))


@pytest.mark.parametrize(
    "values",
    [
        np.arange(100_000.0),  # in order already
        np.concatenate([np.arange(50_000.0), np.arange(50_000.0)]),  # two runs
        np.random.default_rng(1).integers(0, 40, 100_000).astype(np.float64),  # codes
        np.random.default_rng(2).normal(size=100_000),  # shuffled
        np.where(np.arange(100_000) % 7 == 0, np.inf, np.arange(100_000) % 11.0),  # with inf
    ],
)
def test_large_columns(values: np.ndarray) -> None:
    check(values)
