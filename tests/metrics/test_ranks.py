"""Order statistics by refinement: the values at ranks equal the sorted values', for any values,
budgets and batching, in state that does not grow with the rows."""

from __future__ import annotations

import dataclasses
import decimal
import math
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dataguard._engine import execute
from dataguard._frame import as_source
from dataguard.metrics import (
    Budget,
    KeyRange,
    Metric,
    OrderStatistics,
    QuantileMethod,
    _ranks,
    key_values,
    order_keys,
    quantiles,
)

METHODS: tuple[QuantileMethod, ...] = ("linear", "nearest", "lower", "higher", "midpoint")
I64 = np.iinfo(np.int64)
U64 = np.iinfo(np.uint64)

floats = st.one_of(
    st.none(),
    st.floats(width=64),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 1.5, np.inf, -np.inf, np.nan, 5e-324, 1.7e308]),
)
ints = st.one_of(
    st.none(),
    st.integers(int(I64.min), int(I64.max)),
    st.sampled_from([int(I64.min), int(I64.max), int(I64.max) - 1, 0, -1, 1]),
)
uints = st.one_of(st.none(), st.integers(0, int(U64.max)), st.sampled_from([0, int(U64.max)]))
columns = st.one_of(
    st.lists(floats, max_size=60).map(lambda v: pa.array(v, pa.float64())),
    st.lists(ints, max_size=60).map(lambda v: pa.array(v, pa.int64())),
    st.lists(uints, max_size=60).map(lambda v: pa.array(v, pa.uint64())),
    st.lists(st.one_of(st.none(), st.booleans()), max_size=60).map(
        lambda v: pa.array(v, pa.bool_())
    ),
    st.lists(st.one_of(st.none(), st.integers(-40, 40)), max_size=60).map(
        lambda v: pa.array(v, pa.int8())
    ),
    st.lists(st.one_of(st.none(), st.floats(width=32)), max_size=60).map(
        lambda v: pa.array(v, pa.float32())
    ),
)
# Tiny budgets force every path: held values, collected ranges, split ranges, single keys.
budgets = st.builds(
    Budget,
    collect=st.integers(0, 6),
    split=st.sampled_from([64, 1024, 1 << 18]),
    hold=st.integers(0, 4),
)
qs_lists = st.lists(
    st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])), min_size=1, max_size=4
)


def sorted_present(array: pa.Array) -> np.ndarray:
    """The column's present values sorted as expectations always took them (-0.0 as 0.0)."""
    values = array.to_numpy(zero_copy_only=False)
    if array.null_count:
        values = np.asarray(array.drop_null().to_numpy(zero_copy_only=False))
    if values.dtype.kind == "b":
        values = values.astype(np.int64)
    if values.dtype.kind == "f":
        values = values[~np.isnan(values)] + 0.0
    return np.sort(values)


def refined(array: pa.Array, qs: tuple[float, ...], budget: Budget, chunk_size: int) -> Any:
    statistics = OrderStatistics("x", qs, budget)
    source = as_source(pa.table({"x": array}))
    return statistics.read(execute([statistics.metric], source, chunk_size=chunk_size, workers=1))


@settings(max_examples=150, deadline=None)
@given(array=columns, qs=qs_lists, budget=budgets, chunk_size=st.integers(4, 70))
def test_quantiles_equal_those_of_the_sorted_values(
    array: pa.Array, qs: list[float], budget: Budget, chunk_size: int
) -> None:
    ordered = refined(array, tuple(qs), budget, chunk_size)
    values = sorted_present(array)
    assert ordered.count == values.size
    for method in METHODS:
        assert same(ordered.quantiles(qs, method), quantiles(values, qs, method))
        floats_first = quantiles(values.astype(np.float64), qs, method)
        assert same(ordered.as_floats().quantiles(qs, method), floats_first)


@settings(max_examples=40, deadline=None)
@given(
    array=columns,
    qs=qs_lists,
    budget=budgets,
    chunk_sizes=st.lists(st.integers(4, 70), min_size=2, max_size=2),
)
def test_the_values_at_ranks_do_not_depend_on_the_batch_size(
    array: pa.Array, qs: list[float], budget: Budget, chunk_sizes: list[int]
) -> None:
    first, second = (refined(array, tuple(qs), budget, c) for c in chunk_sizes)
    assert first.count == second.count
    assert same(list(first.at.items()), list(second.at.items()))


def same(left: list[Any], right: list[Any]) -> bool:
    """Equal element by element, NaN equal to NaN, and of the same Python types."""
    return len(left) == len(right) and all(
        type(a) is type(b) and (a == b or (math.isnan(a) and math.isnan(b)))
        for a, b in zip(left, right, strict=True)
    )


def test_decimals_and_ties_at_the_int64_limits() -> None:
    top = int(I64.max)
    ints = pa.array([top, top - 1, top, None, int(I64.min), top] * 50, pa.int64())
    amounts = pa.array([decimal.Decimal("1.25"), None, decimal.Decimal("-3.5")] * 50)
    for array in (ints, amounts):
        ordered = refined(array, (0.0, 0.5, 0.9), Budget(collect=3, split=4, hold=2), 7)
        expected = quantiles(
            sorted_present(array).astype(
                np.float64 if pa.types.is_decimal(array.type) else np.int64
            ),
            (0.0, 0.5, 0.9),
        )
        assert ordered.quantiles((0.0, 0.5, 0.9)) == expected


@pytest.mark.parametrize("empty", [pa.array([], pa.float64()), pa.array([None, None], pa.int64())])
def test_no_present_values_have_no_quantiles(empty: pa.Array) -> None:
    ordered = refined(empty, (0.5,), Budget(hold=0), 1)
    assert ordered.count == 0
    assert ordered.quantiles((0.5,)) == []


@given(
    values=hnp.arrays(np.float64, st.integers(1, 200), elements=st.floats(width=64)),
    ranges=st.lists(
        st.tuples(st.integers(0, 2**16 - 1), st.integers(0, 8)), min_size=1, max_size=8
    ),
)
def test_both_ways_of_scanning_find_the_same(
    values: np.ndarray, ranges: list[tuple[int, int]]
) -> None:
    values = values[~np.isnan(values)]
    spans = sorted({top << 48: (top << 48, split) for top, split in ranges}.values())
    scan = [KeyRange(low, 48, 0, 0, split) for low, split in spans]
    compared = _ranks._scan_compared(values, scan).finished()
    keyed = _ranks._scan_keyed(values, scan).finished()
    assert np.array_equal(compared.collected[0], keyed.collected[0])
    assert np.array_equal(compared.histogram, keyed.histogram)  # type: ignore[arg-type]


@given(hnp.arrays(np.float64, st.integers(1, 200), elements=st.floats(allow_nan=False)))
def test_order_keys_sort_like_the_values_and_invert(values: np.ndarray) -> None:
    values = values + 0.0
    keys = order_keys(values)
    assert np.array_equal(np.sort(values), key_values(np.sort(keys)))
    assert np.array_equal(key_values(keys), values)


@given(st.lists(st.integers(int(I64.min), int(I64.max)), min_size=1))
def test_integer_keys_sort_like_the_values_and_invert(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    keys = order_keys(array)
    assert np.array_equal(np.sort(array), key_values(np.sort(keys), np.int64))


def test_adjacent_floats_have_adjacent_keys_across_zero() -> None:
    values = np.array([-1.0, -5e-324, 0.0, 5e-324, 1.0])
    below = np.nextafter(values, -np.inf)
    assert np.array_equal(order_keys(values) - order_keys(below), np.ones(5, dtype=np.uint64))
    assert order_keys(np.array([-0.0]))[0] == order_keys(np.array([0.0]))[0]


def largest_state(rows: int) -> int:
    """The most bytes of numpy buffers any merged state of the refinement holds over ``rows``
    distinct floats, for the quantiles of median, quartile and outlier checks."""
    values = np.random.default_rng(5).permutation(np.linspace(-1e3, 1e3, rows))
    source = as_source(pa.table({"x": values}))
    largest = 0
    for qs in [(0.5,), (0.25, 0.75), (0.01, 0.5, 0.99)]:
        statistics = OrderStatistics("x", qs)
        found = execute([statistics.metric], source, chunk_size=None, workers=1)
        for metric in chain(statistics.metric):
            if metric not in found:  # an earlier pass resolved every rank
                continue
            state = metric.empty()
            for batch in source.batches(list(metric.columns), None):
                state = metric.merge(state, metric.compute(batch, found))
            largest = max(largest, _bytes(state))
    return largest


def chain(metric: Metric[Any, Any]) -> list[Metric[Any, Any]]:
    """The metric and, recursively, those it requires."""
    return [metric, *(m for required in metric.requires() for m in chain(required))]


def _bytes(state: Any) -> int:
    if isinstance(state, np.ndarray):
        return state.nbytes
    if isinstance(state, tuple):
        return sum(_bytes(s) for s in state)
    if dataclasses.is_dataclass(state):
        return sum(_bytes(getattr(state, f.name)) for f in dataclasses.fields(state))
    return 0


def test_state_does_not_grow_with_the_rows() -> None:
    small, large = largest_state(100_000), largest_state(1_000_000)
    assert small > 0
    assert large < 2 * small
