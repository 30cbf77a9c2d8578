"""Quantiles: numpy's positions, exact interpolation, one rounding (``fractions.Fraction``)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard.metrics import QuantileMethod, quantiles

METHODS: tuple[QuantileMethod, ...] = ("linear", "nearest", "lower", "higher", "midpoint")
HUGE = 1.5e308
INF = math.inf


def _exact(values: list[float] | list[int], q: float, method: QuantileMethod) -> Fraction:
    """The quantile by numpy's definition, in rational arithmetic (finite values only)."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    index = {"lower": low, "higher": high, "nearest": round(position)}.get(method)
    if index is not None:
        return Fraction(ordered[index])
    weight = Fraction(position - low) if method == "linear" else Fraction(1, 2)
    if low == high:
        weight = Fraction(0)
    return Fraction(ordered[low]) + weight * (Fraction(ordered[high]) - Fraction(ordered[low]))


finite = st.floats(allow_nan=False, allow_infinity=False)
probability = st.floats(min_value=0.0, max_value=1.0)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(finite, min_size=1, max_size=20),
    st.lists(probability, min_size=1, max_size=4),
    st.sampled_from(METHODS),
)
def test_float_quantiles_are_exact_then_rounded(
    values: list[float], qs: list[float], method: QuantileMethod
) -> None:
    got = quantiles(np.sort(np.array(values)), qs, method)
    for q, value in zip(qs, got, strict=True):
        exact = _exact(values, q, method)
        try:
            expected = float(exact)
        except OverflowError:
            expected = math.copysign(INF, exact)
        assert value == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=20),
    st.lists(probability, min_size=1, max_size=4),
    st.sampled_from(METHODS),
)
def test_integer_quantiles_keep_whole_numbers_exact(
    values: list[int], qs: list[float], method: QuantileMethod
) -> None:
    got = quantiles(np.sort(np.array(values, dtype=np.int64)), qs, method)
    for q, value in zip(qs, got, strict=True):
        exact = _exact(values, q, method)
        if exact.denominator == 1:
            assert value == exact  # exact, even beyond 2**53
        else:
            assert value == float(exact)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=30),
    st.lists(probability, min_size=1, max_size=4),
    st.sampled_from(METHODS),
)
def test_quantiles_agree_with_numpy_away_from_the_edges(
    values: list[float], qs: list[float], method: QuantileMethod
) -> None:
    ordered = np.sort(np.array(values))
    expected = np.quantile(ordered, qs, method=method)
    np.testing.assert_allclose(quantiles(ordered, qs, method), expected, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([-HUGE, HUGE], 0.5, 0.0),  # numpy: -inf (b - a overflows)
        ([1.0, INF], 0.5, INF),  # numpy: NaN (0 * inf)
        ([-INF, 1.0], 0.5, -INF),
        ([-INF, 1.0, 2.0, INF], 0.0, -INF),  # the minimum, not NaN
        ([-INF, 1.0, 2.0, INF], 1.0, INF),  # the maximum
        ([-INF, 1.0, 2.0, INF], 0.25, -INF),
        ([INF, INF], 0.5, INF),
        ([-INF, INF], 0.5, math.nan),  # no meaningful value between
        ([HUGE, HUGE], 0.5, HUGE),
    ],
)
def test_quantiles_at_the_float_edges(values: list[float], q: float, expected: float) -> None:
    (got,) = quantiles(np.array(values), [q])
    assert got == expected or (math.isnan(got) and math.isnan(expected))


def test_int64_extremes_stay_exact() -> None:
    top = 2**63 - 1
    ordered = np.array([top - 2, top], dtype=np.int64)
    assert quantiles(ordered, [0.0, 0.5, 1.0]) == [top - 2, top - 1, top]
    assert quantiles(np.array([-(2**63), top], dtype=np.int64), [0.5]) == [-0.5]
