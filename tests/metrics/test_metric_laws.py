"""The laws every metric obeys: ``merge`` is associative with ``empty()`` as its identity, and
computing on a split batch then merging gives what computing on the whole batch gives."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard._frame import Batch
from dataguard.expectations import (
    Between,
    CompoundColumnsUnique,
    Decreasing,
    Increasing,
    NotNull,
    PairGreater,
    Unique,
)
from dataguard.metrics import (
    FailingRows,
    Fingerprints,
    KeyCounts,
    Metric,
    MinMax,
    MissingCount,
    Moments,
    RepeatedValues,
    RowCount,
    SortedValues,
    ValueCounts,
    Values,
    Violations,
)

floats = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, 1e300, -1e300, 5e-324, 1e6 + 0.5]),
)
ints = st.one_of(
    st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1), st.integers(-3, 3)
)
texts = st.one_of(st.none(), st.text(alphabet="ab|:~é", max_size=3))


@st.composite
def tables(draw: st.DrawFn) -> pa.Table:
    n = draw(st.integers(min_value=0, max_value=25))
    return pa.table(
        {
            "f": pa.array(draw(st.lists(floats, min_size=n, max_size=n)), type=pa.float64()),
            "i": pa.array(draw(st.lists(ints, min_size=n, max_size=n)), type=pa.int64()),
            "s": pa.array(draw(st.lists(texts, min_size=n, max_size=n)), type=pa.string()),
        }
    )


def _batch(table: pa.Table, start: int, stop: int) -> Batch:
    arrays = {
        name: table.column(name).combine_chunks().slice(start, stop - start)
        for name in table.column_names
    }
    return Batch(arrays, start, stop - start)


def _inputs(metric: Metric[Any, Any], table: pa.Table) -> Values:
    """The final values of what ``metric`` requires, computed on the whole table."""
    whole = _batch(table, 0, table.num_rows)
    values = {}
    for required in metric.requires():
        computed = required.compute(whole, _inputs(required, table))
        values[required] = required.finalize(computed)
    return Values(values)


METRICS: list[Callable[[], Metric[Any, Any]]] = [
    RowCount,
    lambda: MissingCount("f"),
    lambda: Moments("f"),
    lambda: Moments("i"),
    lambda: MinMax("f"),
    lambda: MinMax("i"),
    lambda: MinMax("s"),
    lambda: ValueCounts("f"),
    lambda: ValueCounts("s"),
    lambda: SortedValues("f"),
    lambda: SortedValues("i"),
    lambda: Fingerprints("s"),
    lambda: Fingerprints("f"),
    lambda: RepeatedValues("s"),
    lambda: RepeatedValues("i"),
    lambda: KeyCounts(("s", "f")),
    lambda: Violations(Between("f", min_value=0), 3, ("i",)),
    lambda: Violations(NotNull("s"), None),
    lambda: Violations(Unique("s"), 2),
    lambda: Violations(Increasing("f"), None, ("s",)),
    lambda: Violations(Decreasing("i", strictly=True), 2),
    lambda: Violations(PairGreater(column_a="f", column_b="i"), 0),
    lambda: Violations(CompoundColumnsUnique(column_list=["s", "i"]), None),
    lambda: FailingRows(Increasing("s")),
    lambda: FailingRows(Unique("f")),
]
IDS = [
    "row_count",
    "missing_count",
    "moments-float",
    "moments-int",
    "minmax-float",
    "minmax-int",
    "minmax-string",
    "value_counts-float",
    "value_counts-string",
    "sorted-float",
    "sorted-int",
    "fingerprints-string",
    "fingerprints-float",
    "repeated-string",
    "repeated-int",
    "key_counts",
    "violations-between-ids",
    "violations-not_null",
    "violations-unique",
    "violations-increasing",
    "violations-decreasing",
    "violations-pair-no-samples",
    "violations-compound",
    "failing_rows-increasing",
    "failing_rows-unique",
]


def same(left: Any, right: Any) -> bool:
    """Structural equality where NaN equals NaN and arrays compare element-wise (types too)."""
    if isinstance(left, pa.Array | pa.ChunkedArray | pa.Table):
        return type(left) is type(right) and left.equals(right)
    if isinstance(left, np.ndarray):
        return (
            isinstance(right, np.ndarray)
            and left.dtype == right.dtype
            and np.array_equal(left, right, equal_nan=left.dtype.kind == "f")
        )
    if dataclasses.is_dataclass(left) and not isinstance(left, type):
        return type(left) is type(right) and all(
            same(getattr(left, f.name), getattr(right, f.name)) for f in dataclasses.fields(left)
        )
    if isinstance(left, list | tuple):
        return (
            type(left) is type(right)
            and len(left) == len(right)
            and all(same(a, b) for a, b in zip(left, right, strict=True))
        )
    if isinstance(left, dict):
        return (
            isinstance(right, dict)
            and left.keys() == right.keys()
            and all(same(left[k], right[k]) for k in left)
        )
    if isinstance(left, float) and isinstance(right, float):
        return (math.isnan(left) and math.isnan(right)) or (
            left == right and math.copysign(1, left) == math.copysign(1, right)
        )
    return type(left) is type(right) and left == right


@pytest.mark.parametrize("make", METRICS, ids=IDS)
@settings(max_examples=40, deadline=None)
@given(table=tables(), cuts=st.lists(st.floats(0, 1), min_size=2, max_size=2))
def test_split_merge_finalize_equals_whole(make: Any, table: pa.Table, cuts: list[float]) -> None:
    metric = make()
    inputs = _inputs(metric, table)
    n = table.num_rows
    first, second = sorted(int(c * n) for c in cuts)
    parts = [_batch(table, 0, first), _batch(table, first, second), _batch(table, second, n)]
    a, b, c = (metric.compute(part, inputs) for part in parts)
    whole = metric.finalize(metric.compute(_batch(table, 0, n), inputs))
    left_first = metric.finalize(metric.merge(metric.merge(a, b), c))
    right_first = metric.finalize(metric.merge(a, metric.merge(b, c)))
    assert same(left_first, right_first), "merge is not associative"
    assert same(left_first, whole), "split and merged differs from whole"
    # empty() is the identity, on either side and on its own.
    assert same(metric.finalize(metric.merge(metric.empty(), a)), metric.finalize(a))
    assert same(metric.finalize(metric.merge(a, metric.empty())), metric.finalize(a))
    empty = metric.empty()
    assert same(metric.finalize(metric.merge(empty, empty)), metric.finalize(empty))


@pytest.mark.parametrize("make", METRICS, ids=IDS)
def test_empty_batch_is_the_identity(make: Any) -> None:
    metric = make()
    table = pa.table({"f": pa.array([1.5, None]), "i": pa.array([1, 2]), "s": pa.array(["a", "a"])})
    inputs = _inputs(metric, table)
    state = metric.compute(_batch(table, 0, 2), inputs)
    nothing = metric.compute(_batch(table, 2, 2), inputs)
    assert same(metric.finalize(nothing), metric.finalize(metric.empty()))
    assert same(metric.finalize(metric.merge(state, nothing)), metric.finalize(state))


def test_metrics_are_hashable_declarations() -> None:
    assert Moments("x") == Moments("x")
    assert len({Moments("x"), Moments("x"), Moments("y")}) == 2
    # Rules that Python calls equal (1 == True) but that judge differently are different metrics.
    from dataguard.expectations import InSet

    one, true = InSet("x", value_set=[1]), InSet("x", value_set=[True])
    assert one == true
    assert Violations(one) != Violations(true)
    assert FailingRows(one) != FailingRows(true)
    assert Violations(one) == Violations(InSet("x", value_set=[1]))
    assert hash(Violations(one)) == hash(Violations(InSet("x", value_set=[1])))
