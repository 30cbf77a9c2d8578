"""Medians, quantiles and outlier fences of columns too long to hold: found by refinement, they
equal those of the sorted values, whatever the source and batching."""

from __future__ import annotations

import decimal
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dataguard as dg
from dataguard.expectations import MedianBetween, NoOutliers, QuantilesBetween
from dataguard.metrics import QuantileMethod, quantiles

ROWS = 150_000  # beyond the values the first pass keeps, so refinement runs
METHODS: tuple[QuantileMethod, ...] = ("linear", "nearest", "lower", "higher", "midpoint")
QS = (0.0, 0.01, 0.25, 0.5, 0.75, 0.999, 1.0)


def column(name: str, rng: np.random.Generator) -> pa.Array:
    chance = rng.random(ROWS)
    top = np.iinfo(np.int64).max
    if name == "floats":
        values = np.where(chance < 0.1, np.nan, rng.normal(0, 1, ROWS))
        values = np.where(chance > 0.995, np.inf * np.sign(chance - 0.9975), values)
        return pa.array(np.where((chance > 0.4) & (chance < 0.5), -0.0, values))
    if name == "ties":
        return pa.array(rng.integers(0, 4, ROWS).astype(np.float64) / 4)
    if name == "narrow":  # one top-bits bucket: several refinement passes
        return pa.array(rng.normal(1000, 1e-9, ROWS))
    if name == "int64_limits":
        values = np.where(chance < 0.5, top - rng.integers(0, 3, ROWS), -top - 1)
        return pa.array(values, mask=chance > 0.97)
    if name == "uint64":
        return pa.array(rng.integers(0, 2**64 - 1, ROWS, dtype=np.uint64, endpoint=True))
    if name == "booleans":
        return pa.array(chance < 0.3, mask=chance > 0.9)
    if name == "decimals":
        cents = rng.integers(-(10**6), 10**6, ROWS).tolist()
        return pa.array([decimal.Decimal(c).scaleb(-2) for c in cents], pa.decimal128(12, 2))
    assert name == "missing"
    return pa.nulls(ROWS, pa.float64())


def sorted_present(array: pa.Array) -> np.ndarray:
    """What the expectations took their statistics from before refinement: every present value,
    sorted, -0.0 as 0.0, booleans as integers, decimals as floats."""
    values = array.drop_null()
    if pa.types.is_decimal(values.type) or pa.types.is_null(values.type):
        values = values.cast(pa.float64())
    numbers = np.asarray(values.to_numpy(zero_copy_only=False))
    if numbers.dtype.kind == "b":
        numbers = numbers.astype(np.int64)
    if numbers.dtype.kind == "f":
        numbers = numbers[~np.isnan(numbers)] + 0.0
    return np.sort(numbers)


def suite() -> dg.Suite:
    return dg.Suite(
        [
            MedianBetween("x", min_value=0),
            *(
                QuantilesBetween(
                    column="x", quantiles=QS, value_ranges=[[None, None]] * len(QS), method=m
                )
                for m in METHODS
            ),
            NoOutliers("x"),
        ]
    )


def expected(array: pa.Array) -> list[Any]:
    values = sorted_present(array)
    if values.size == 0:
        return [None, *([None] * len(METHODS)), 0]
    as_floats = values.astype(np.float64)
    q1, q3 = (float(q) for q in quantiles(as_floats, (0.25, 0.75)))
    spread = 0.0 if q1 == q3 else 1.5 * (q3 - q1)
    outliers = int(np.count_nonzero((as_floats < q1 - spread) | (as_floats > q3 + spread)))
    return [
        quantiles(values, (0.5,))[0],
        *({"quantiles": list(QS), "values": quantiles(values, QS, m)} for m in METHODS),
        outliers,
    ]


def observed(result: dg.ValidationResult) -> list[Any]:
    *statistics, outliers = result.results
    return [r.observed_value for r in statistics] + [outliers.unexpected_count]


def same(left: list[Any], right: list[Any]) -> bool:
    """Equal, with NaN equal to NaN and every number of the same Python type."""
    if isinstance(left, dict):
        return isinstance(right, dict) and same(list(left.items()), list(right.items()))
    if isinstance(left, list | tuple):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, float) and math.isnan(left):
        return isinstance(right, float) and math.isnan(right)
    return type(left) is type(right) and left == right


NAMES = ["floats", "ties", "narrow", "int64_limits", "uint64", "booleans", "decimals", "missing"]


@pytest.mark.parametrize("name", NAMES)
def test_long_columns_give_the_statistics_of_their_sorted_values(tmp_path: Path, name: str) -> None:
    array = column(name, np.random.default_rng(11))
    table = pa.table({"x": array})
    want = expected(array)
    if name == "missing":
        assert observed(dg.validate(table, suite()))[-1] == 0
        return
    if name == "booleans":  # no_outliers takes numbers only
        want[-1] = None
    path = tmp_path / "x.parquet"
    pq.write_table(table, path, row_group_size=20_000)
    for data, chunk_size in [(table, None), (table, 7_777), (path, None)]:
        assert same(observed(dg.validate(data, suite(), chunk_size=chunk_size)), want)


def test_failing_rows_of_outliers_are_those_beyond_the_fences() -> None:
    rng = np.random.default_rng(3)
    values = rng.standard_t(3, ROWS)
    result = dg.validate(
        pa.table({"x": values}), dg.Suite([NoOutliers("x")]), result_format="complete"
    )
    (outliers,) = result.results
    q1, q3 = np.quantile(values, [0.25, 0.75])
    beyond = np.flatnonzero((values < q1 - 1.5 * (q3 - q1)) | (values > q3 + 1.5 * (q3 - q1)))
    assert outliers.unexpected_index_list == tuple(beyond.tolist())
