"""Counting values on a reference's bins: the lookup table gives what a binary search gives."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dataguard.profile import Settings
from dataguard.profile._build import _many_values_edges, reference_edges
from dataguard.profile._metrics import _BinLookup, bin_counts


def _searched(edges: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.bincount(np.searchsorted(edges, values, side="left"), minlength=edges.size + 1)


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=200)
@given(
    edges=st.lists(finite, min_size=1, max_size=40, unique=True),
    values=st.lists(st.floats(allow_nan=False, width=64), max_size=200),
    on_edges=st.booleans(),
)
def test_counts_equal_a_binary_search(
    edges: list[float], values: list[float], on_edges: bool
) -> None:
    grid = np.sort(np.asarray(edges, dtype=np.float64))
    x = np.asarray(values, dtype=np.float64)
    if on_edges:  # values on and next to the edges, where rounding could misplace them
        with np.errstate(over="ignore"):
            beside = [np.nextafter(grid, np.inf), np.nextafter(grid, -np.inf)]
        x = np.concatenate([x, grid, *beside])
    assert (bin_counts(grid, x) == _searched(grid, x)).all()


@pytest.mark.parametrize("shape", ["normal", "lognormal", "uniform", "integers"])
def test_quantile_grids_at_scale(shape: str) -> None:
    rng = np.random.default_rng(7)
    data = {
        "normal": lambda: rng.normal(size=100_000),
        "lognormal": lambda: rng.lognormal(3, 1, 100_000),
        "uniform": lambda: rng.uniform(-5, 5, 100_000),
        "integers": lambda: rng.integers(0, 20, 100_000).astype(np.float64),
    }[shape]()
    edges = np.unique(np.quantile(data, np.linspace(0, 1, 1023)))
    current = np.concatenate([data * 1.01, [np.inf, -np.inf, 1e300, -1e300, 0.0, -0.0]])
    assert (bin_counts(edges, current) == _searched(edges, current)).all()
    assert (bin_counts(tuple(edges.tolist()), current) == _searched(edges, current)).all()
    if shape in ("normal", "uniform"):  # bell-shaped and flat data are mostly settled by table
        found = _BinLookup.of(tuple(edges.tolist()))._lookup(data)
        assert np.count_nonzero(found >= 0) > 0.8 * data.size


@settings(max_examples=300)
@given(
    values=st.lists(
        st.one_of(st.integers(-20, 20).map(float), finite, st.sampled_from([np.inf, -np.inf])),
        min_size=80,
        max_size=300,
    ),
    bins=st.integers(2, 24),
    discrete_cap=st.integers(2, 24),
)
def test_edges_read_from_many_values_are_those_of_their_counts(
    values: list[float], bins: int, discrete_cap: int
) -> None:
    # A column of many distinct values draws its edges from the sorted values themselves: they
    # must be those drawn from its distinct values and their counts.
    sorted_values = np.sort(np.asarray(values, dtype=np.float64))
    chosen = Settings(bins=bins, exact_cap=2, discrete_cap=discrete_cap)
    assume(len(np.unique(sorted_values)) > discrete_cap)
    edges = _many_values_edges(sorted_values, chosen)
    assume(edges is not None)  # every distinct value an atom: the counts are listed instead
    assert np.array_equal(edges, reference_edges(sorted_values, chosen))
