"""Exact float and integer sums against Python's rational arithmetic (``fractions.Fraction``)."""

from __future__ import annotations

import decimal
import math
import statistics
import sys
from fractions import Fraction

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard._frame import Batch
from dataguard.metrics import Moments, Values
from dataguard.metrics._exact import (
    SQUARE_SHIFT,
    SUM_SHIFT,
    exact_float_square_sum,
    exact_float_sum,
    exact_float_sums,
    exact_int_square_sum,
    exact_int_sum,
    sqrt_to_float,
    units_to_float,
)

TINY = 5e-324  # the smallest subnormal
HUGE = sys.float_info.max
EXTREMES = [
    0.0,
    -0.0,
    TINY,
    -TINY,
    2.2250738585072014e-308,  # smallest normal
    2.225073858507201e-308,  # largest subnormal
    1e-300,
    1e300,
    -1e300,
    HUGE,
    -HUGE,
    2.0**-480,  # edges of the error-free squaring range
    2.0**-481,
    2.0**500,
    2.0**501,
    1e6 + 0.1,
    1.0,
    0.1,
]

finite = st.floats(allow_nan=False, allow_infinity=False)
floats = st.one_of(finite, st.sampled_from(EXTREMES))
centred = st.floats(min_value=-1.0, max_value=1.0).map(lambda x: 1e6 + x)


def _sum_units(values: list[float]) -> Fraction:
    return sum((Fraction(v) for v in values), Fraction(0)) * 2**SUM_SHIFT


def _square_units(values: list[float]) -> Fraction:
    return sum((Fraction(v) ** 2 for v in values), Fraction(0)) * 2**SQUARE_SHIFT


@settings(max_examples=200, deadline=None)
@given(st.lists(floats, max_size=50))
def test_float_sum_is_exact(values: list[float]) -> None:
    assert exact_float_sum(np.array(values, dtype=np.float64)) == _sum_units(values)


@settings(max_examples=200, deadline=None)
@given(st.lists(floats, max_size=50))
def test_float_square_sum_is_exact(values: list[float]) -> None:
    assert exact_float_square_sum(np.array(values, dtype=np.float64)) == _square_units(values)


@settings(max_examples=100, deadline=None)
@given(st.lists(centred, min_size=1, max_size=200))
def test_sums_of_data_centred_at_a_million(values: list[float]) -> None:
    array = np.array(values)
    assert exact_float_sum(array) == _sum_units(values)
    assert exact_float_square_sum(array) == _square_units(values)


def test_extremes_together() -> None:
    values = EXTREMES * 3 + [-v for v in EXTREMES]
    array = np.array(values)
    assert exact_float_sum(array) == _sum_units(values)
    assert exact_float_square_sum(array) == _square_units(values)
    # Cancellation: the huge values cancel exactly and the tiny ones survive.
    cancelling = [1e300, TINY, -1e300, TINY, HUGE, -HUGE]
    assert units_to_float(exact_float_sum(np.array(cancelling)), SUM_SHIFT) == 2 * TINY


def test_sum_does_not_depend_on_order_or_chunking() -> None:
    rng = np.random.default_rng(3)
    values = rng.standard_normal(10_000) * 10.0 ** rng.integers(-300, 300, 10_000)
    total = exact_float_sum(values)
    assert exact_float_sum(values[::-1]) == total
    assert sum(exact_float_sum(part) for part in np.array_split(values, 17)) == total
    assert total == _sum_units(values.tolist())


@settings(max_examples=100, deadline=None)
@given(
    st.lists(floats, max_size=40),
    st.integers(min_value=-500, max_value=520),
    st.integers(min_value=0, max_value=3),
)
def test_sums_of_pieces_and_their_leftovers_are_exact(
    values: list[float], exponent: int, seed: int
) -> None:
    # Normal data scaled across the pieces' range and just beyond it, with arbitrary values
    # mixed in: most are covered by the 18-bit pieces, tiny ones are left over to Dekker's path.
    rng = np.random.default_rng(seed)
    scaled = (rng.standard_normal(300) * 2.0**exponent).tolist()
    mixed = [*scaled, *values]
    rng.shuffle(mixed)
    total, squares = exact_float_sums(np.array(mixed))
    assert total == _sum_units(mixed)
    assert squares == _square_units(mixed)


def test_a_full_block_of_the_largest_pieces_squares_exactly() -> None:
    # Every first piece near its 2**17 bound with random low bits: a block's products then sum
    # to nearly 2**50 units, where pieces three bits wider would pass 2**53 and round.
    values = np.random.default_rng(5).uniform(0.9, 1.0, 2**16)
    assert exact_float_square_sum(values) == _square_units(values.tolist())


@pytest.mark.parametrize("exponent", [-467, -466, -465, 502, 503, 504])
def test_sums_at_the_edges_of_the_pieces_range(exponent: int) -> None:
    rng = np.random.default_rng(exponent % 7)
    values = rng.uniform(-1.0, 1.0, 2**16 + 9) * 2.0**exponent
    values[::97] *= 2.0**-40  # a few values too small for the pieces
    total, squares = exact_float_sums(values)
    assert total == _sum_units(values.tolist())
    assert squares == _square_units(values.tolist())
    halves = [exact_float_sums(part) for part in np.array_split(values, 3)]
    assert (sum(h[0] for h in halves), sum(h[1] for h in halves)) == (total, squares)


@pytest.mark.parametrize("scale", [1.0, 2.0**-1000, 2.0**900, 3.0])
def test_full_blocks_of_the_widest_significands_sum_exactly(scale: float) -> None:
    # Every value just below a power of two: each slice's parts are as large as they get, and
    # the first slice rounds them up to the power itself (the bound that keeps slices exact).
    rng = np.random.default_rng(11)
    widest = np.nextafter(1.0, 0.0) * scale
    values = np.full(3 * 2**16 + 5, widest)
    values[rng.random(values.size) < 0.3] = np.nextafter(widest, 0.0)
    assert exact_float_sum(values) == _sum_units(values.tolist())
    assert exact_float_square_sum(values) == _square_units(values.tolist())


int64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(int64, st.sampled_from([0, 1, -1, 2**31, 2**53 + 1, -(2**63)])), max_size=50)
)
def test_int_sums_are_exact(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    assert exact_int_sum(array) == sum(values)
    assert exact_int_square_sum(array) == sum(v * v for v in values)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=50))
def test_unsigned_sums_are_exact(values: list[int]) -> None:
    array = np.array(values, dtype=np.uint64)
    assert exact_int_sum(array) == sum(values)
    assert exact_int_square_sum(array) == sum(v * v for v in values)


def test_units_to_float_rounds_correctly_and_overflows_to_infinity() -> None:
    assert units_to_float(1 << SUM_SHIFT, SUM_SHIFT, 3) == 1 / 3
    assert units_to_float(-(1 << SUM_SHIFT), SUM_SHIFT) == -1.0
    assert units_to_float(1, SUM_SHIFT) == 0.0  # 2**-1126 is below the smallest subnormal
    assert units_to_float(1 << 52, SUM_SHIFT) == TINY
    too_big = int(Fraction(HUGE) * 2 * 2**SUM_SHIFT)
    assert units_to_float(too_big, SUM_SHIFT) == math.inf
    assert units_to_float(-too_big, SUM_SHIFT) == -math.inf
    assert units_to_float(too_big, SUM_SHIFT, 2) == HUGE


def _moments(values: list[float], dtype: pa.DataType | None = None) -> object:
    metric = Moments("x")
    array = pa.array(values, type=dtype or pa.float64())
    batch = Batch({"x": array}, 0, len(array))
    return metric.finalize(metric.compute(batch, Values()))


@settings(max_examples=100, deadline=None)
@given(st.lists(floats, min_size=2, max_size=30))
def test_moments_are_correctly_rounded(values: list[float]) -> None:
    result = _moments(values)
    exact_sum = sum((Fraction(v) for v in values), Fraction(0))
    n = len(values)
    exact_mean = exact_sum / n
    exact_variance = (
        sum((Fraction(v) ** 2 for v in values), Fraction(0)) - exact_sum * exact_mean
    ) / (n - 1)
    assert result.mean == _rounded(exact_mean)  # type: ignore[attr-defined]
    assert result.sum == _rounded(exact_sum)  # type: ignore[attr-defined]
    assert result.variance == _rounded(exact_variance)  # type: ignore[attr-defined]
    assert result.stdev == _rounded_sqrt(exact_variance)  # type: ignore[attr-defined]


def _rounded_sqrt(value: Fraction) -> float:
    """The square root of ``value`` to 800 digits, then rounded once (``Decimal`` to float is
    correctly rounded; 800 digits leave no room for a second rounding to matter)."""
    with decimal.localcontext(decimal.Context(prec=800, Emax=10**6, Emin=-(10**6))):
        root = (decimal.Decimal(value.numerator) / decimal.Decimal(value.denominator)).sqrt()
    return _rounded(Fraction(root))


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**2500),
    st.integers(min_value=1, max_value=2**2500),
)
def test_square_root_is_correctly_rounded(numerator: int, denominator: int) -> None:
    assert sqrt_to_float(numerator, denominator) == _rounded_sqrt(Fraction(numerator, denominator))


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (0, 7, 0.0),
        (4, 1, 2.0),
        (1, 2**2148, 5e-324),  # the smallest subnormal, exactly
        (1, 2**2150, 0.0),  # half of it: a tie, to even
        (1, 2**2149, 5e-324),  # 0.707 of it: up
        (3, 2**2152, 0.0),  # 0.433 of it: down
        (2**2100, 1, math.inf),
        ((2**53 + 1) ** 2, 1, float(2**53)),  # a tie rounds to even
    ],
)
def test_square_root_at_the_edges(numerator: int, denominator: int, expected: float) -> None:
    assert sqrt_to_float(numerator, denominator) == expected


def _rounded(value: Fraction) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


@pytest.mark.parametrize("size", [2, 10, 100_000])
def test_stdev_of_a_column_centred_at_a_million_with_spread_one(size: int) -> None:
    rng = np.random.default_rng(11)
    values = (1e6 + rng.uniform(-1.0, 1.0, size)).tolist()
    expected = statistics.stdev(values)  # exact rational computation, then rounded
    result = _moments(values)
    assert result.stdev == pytest.approx(expected, rel=1e-15)  # type: ignore[attr-defined]
    naive = math.sqrt(max(0.0, (sum(v * v for v in values) - sum(values) ** 2 / size) / (size - 1)))
    if size > 10:  # the textbook one-pass formula loses every digit here
        assert abs(naive - expected) > 1e-3 * expected


def test_moments_of_integers_beyond_float_precision() -> None:
    values = [2**62, 2**62 + 1, 2**62 + 2]
    result = _moments(values, pa.int64())
    assert result.mean == float(2**62 + 1)  # type: ignore[attr-defined]
    assert result.variance == 1.0  # type: ignore[attr-defined]
