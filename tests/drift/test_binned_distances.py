"""Binned distances see mass that leaves the reference's range, downwards as well as upwards
(issue 14 item 24): the values below the reference's minimum and above its maximum are cells of
their own, not merged into the neighbouring group of bins."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import dataguard as dg

DISTANCES = ("psi", "jensen_shannon", "hellinger", "total_variation", "l_infinity")


def _distance(reference: np.ndarray, current: np.ndarray, method: str) -> float:
    column = dg.drift(
        pa.table({"x": current}), reference=pa.table({"x": reference}), tests=method
    ).columns["x"]
    assert column.method == method
    return column.statistic


@pytest.mark.parametrize("method", DISTANCES)
def test_a_constant_reference_shifted_either_way(method: str) -> None:
    reference = np.full(1000, 2.0)
    down = _distance(reference, np.full(1000, 1.0), method)
    up = _distance(reference, np.full(1000, 3.0), method)
    assert down == up > 0
    assert _distance(reference, np.full(1000, 2.0), method) == 0


@pytest.mark.parametrize("method", DISTANCES)
@pytest.mark.parametrize("size", [2000, 20_000])
def test_an_atom_at_the_range_end_moved_out_of_the_range(method: str, size: int) -> None:
    # Half zeros, half positive: the zeros are the first group of bins, so moving them below the
    # minimum hid in that group; moving the largest values above the maximum was always seen.
    rng = np.random.default_rng(24 + size)
    reference = np.where(rng.random(size) < 0.5, 0.0, rng.exponential(size=size))
    current = np.where(rng.random(size) < 0.5, 0.0, rng.exponential(size=size))
    low = np.where(current == 0.0, -1.0, current)
    mirrored = -reference  # the same shapes reflected: the atom now at the top of the range
    high = np.where(current == 0.0, 1.0, -current)
    same = _distance(reference, current, method)
    down, up = _distance(reference, low, method), _distance(mirrored, high, method)
    assert min(down, up) > 10 * max(same, 1e-3)
    if method in ("total_variation", "l_infinity"):  # about half the mass left the range
        assert min(down, up) > 0.45


def test_the_reported_psi_sees_a_downward_shift() -> None:
    reference = pa.table({"x": [2.0] * 1000})
    down = dg.drift(pa.table({"x": [1.0] * 1000}), reference=reference).columns["x"]
    up = dg.drift(pa.table({"x": [3.0] * 1000}), reference=reference).columns["x"]
    assert down.details["psi"] == up.details["psi"] > 1
