"""The laws every metric obeys: ``merge`` is associative with ``empty()`` as its identity,
computing on a split batch then merging gives what computing on the whole batch gives, and a
partition's state shipped as bytes, shifted to its rows and merged gives the same again.

Every concrete metric of the package has a case here (a test walks the package to make sure).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import itertools
import math
import pkgutil
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataguard
from dataguard._expr import parse_condition
from dataguard._frame import Batch
from dataguard.expectations import (
    Between,
    CompoundColumnsUnique,
    Decreasing,
    ForeignKey,
    Increasing,
    NotNull,
    PairGreater,
    Unique,
)
from dataguard.metrics import (
    Budget,
    DuplicateRows,
    FailingRows,
    Fingerprints,
    Grouped,
    GroupTally,
    Histogram,
    Key,
    Keys,
    Metric,
    MinMax,
    MissingCount,
    Moments,
    OnTable,
    RankScan,
    RankSpread,
    RepeatedValues,
    RowCount,
    RowMask,
    ValueCounts,
    Values,
    Violations,
    decode_state,
    encode_state,
)
from dataguard.metrics._repeated import fingerprints
from dataguard.profile import Settings
from dataguard.profile._build import NumericReference
from dataguard.profile._categories import CategoryKeys, CategoryPrints
from dataguard.profile._grouped import GroupGrids
from dataguard.profile._metrics import CoMomentSums, KeyCounter, NumericProfiler
from dataguard.profile._pool import PoolFilter
from dataguard.profile._refine import KeyRange, KeySpread, RangeScan

floats = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, 1e300, -1e300, 5e-324, 1e6 + 0.5]),
)
ints = st.one_of(
    st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1), st.integers(-3, 3)
)
texts = st.one_of(st.none(), st.text(alphabet="ab|:~é", max_size=3))
nanoseconds = st.one_of(st.none(), st.integers(-(2**62), 2**62), st.integers(0, 3))
decimals = st.one_of(
    st.none(), st.decimals(min_value=-1000, max_value=1000, places=2), st.sampled_from([0, 1])
)


@st.composite
def tables(draw: st.DrawFn) -> pa.Table:
    n = draw(st.integers(min_value=0, max_value=25))
    return pa.table(
        {
            "f": pa.array(draw(st.lists(floats, min_size=n, max_size=n)), type=pa.float64()),
            "i": pa.array(draw(st.lists(ints, min_size=n, max_size=n)), type=pa.int64()),
            "s": pa.array(draw(st.lists(texts, min_size=n, max_size=n)), type=pa.string()),
            # Arrow gives pandas Timestamps for nanoseconds, Decimals for decimals: states and
            # values (extremes, sequential rules' edges) hold them.
            "t": pa.array(
                draw(st.lists(nanoseconds, min_size=n, max_size=n)),
                type=pa.timestamp("ns", tz="Europe/Paris"),
            ),
            "d": pa.array(
                [
                    None if v is None else Decimal(v)
                    for v in draw(st.lists(decimals, min_size=n, max_size=n))
                ],
                type=pa.decimal128(8, 2),
            ),
        }
    )


def _batch(table: pa.Table, start: int, stop: int, offset: int | None = None) -> Batch:
    """Rows ``start:stop`` as a batch whose first row is row ``offset`` (default ``start``)."""
    arrays = {
        name: table.column(name).combine_chunks().slice(start, stop - start)
        for name in table.column_names
    }
    return Batch(arrays, start if offset is None else offset, stop - start)


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
    lambda: RankSpread("f", hold=3),
    lambda: RankSpread("i", hold=3),
    lambda: RankScan("f", (0.25, 0.5), 1, Budget(collect=2, split=64, hold=0)),
    lambda: RankScan("i", (0.5,), 1, Budget(collect=5, split=64, hold=0)),
    lambda: Fingerprints("s"),
    lambda: Fingerprints("f"),
    lambda: RepeatedValues("s"),
    lambda: RepeatedValues("i"),
    lambda: RepeatedValues("s", ("f",), "all_values_are_missing"),
    lambda: Violations(Between("f", min_value=0), 3, ("i",)),
    lambda: Violations(NotNull("s"), None),
    lambda: Violations(Unique("s"), 2),
    lambda: Violations(Increasing("f"), None, ("s",)),
    lambda: Violations(Decreasing("i", strictly=True), 2),
    lambda: Violations(PairGreater(column_a="f", column_b="i"), 0),
    lambda: Violations(CompoundColumnsUnique(column_list=["s", "i"]), None),
    lambda: FailingRows(Increasing("s")),
    lambda: FailingRows(Unique("f")),
    lambda: Histogram("f", (-1.0, 0.0, 1.0)),
    lambda: MinMax("t"),
    lambda: MinMax("d"),
    lambda: ValueCounts("d"),
    lambda: Violations(Increasing("t", strictly=True), 3, ("d", "s")),
    lambda: Violations(Decreasing("d"), 1),
    lambda: FailingRows(Decreasing("t")),
    lambda: RowMask(parse_condition("f > 0 or s == 'a'")),
    lambda: NumericProfiler("f"),
    lambda: NumericProfiler("i", (-1.0, 0.0, 5.0), keep_values=False),
    lambda: NumericProfiler("t", (0.0,)),
    lambda: NumericReference(
        NumericProfiler("f"), "double", Settings(bins=4, exact_cap=10, discrete_cap=3)
    ),
    lambda: KeyCounter("s", ("a", "b", "ab")),
    lambda: KeyCounter("s", ("a",), PoolFilter.of([fingerprints(pa.array(["b", "é"]))], 2)),
    lambda: KeyCounter("i", (0, 1), None, pool_unknown=True),
    lambda: CoMomentSums(("f", "i", "t")),
    lambda: KeySpread("f", 10, 3),
    lambda: KeySpread("i", 1000, 1000),
    lambda: RangeScan("f", (KeyRange(0, 63, 0, 0, 3), KeyRange(1 << 63, 63, 0, 0))),
    lambda: RangeScan("t", (KeyRange(1 << 63, 62, 0, 0),)),
    lambda: CategoryPrints("s", 2),
    lambda: CategoryPrints("d", 100),
    lambda: CategoryKeys("s", 2),
    lambda: DuplicateRows(Key("s"), 2, ("i",)),
    lambda: DuplicateRows(Key("s", ("i",), "never"), None),
    lambda: Keys(("s",)),
    lambda: Keys(("f", "i")),
    lambda: Keys(("t",)),
    lambda: Keys(("d",)),
    lambda: OnTable("other", ValueCounts("s")),
    lambda: Violations(ForeignKey(column="f", table="other", table_column="i"), 3, ("s",)),
    lambda: GroupTally(("s",)),
    lambda: GroupTally(("f", "s"), "i"),
    lambda: GroupTally(("t", "d"), "f", outcome=True, positive=1.0),
    lambda: GroupTally(("i",), "s", outcome=True, positive="a"),
    lambda: Grouped(Violations(Increasing("f"), None, ("i",)), ("s",), 1000),
    lambda: Grouped(Moments("f"), ("s", "i"), 1000),
    lambda: Grouped(RankScan("f", (0.5,), 1, Budget(collect=2, split=64, hold=0)), ("s",), 1000),
    lambda: Grouped(MinMax("d"), ("f",), 3),
    # A profile by group: each known group's metrics, and up to two other groups' rows.
    lambda: GroupGrids(
        ("s",), ((("a",), (MinMax("f"), Moments("i"))), ((None,), (RowCount(),))), 2
    ),
    lambda: Grouped(
        Violations(ForeignKey(column="f", table="other", table_column="i"), 3), ("d",), 1000
    ),
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
    "rank_spread-float",
    "rank_spread-int",
    "rank_scan-float",
    "rank_scan-int",
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
    "histogram",
    "minmax-timestamp",
    "minmax-decimal",
    "value_counts-decimal",
    "violations-increasing-timestamps",
    "violations-decreasing-decimals",
    "failing_rows-decreasing-timestamps",
    "row_mask",
    "numeric_profiler-values",
    "numeric_profiler-grid",
    "numeric_profiler-timestamps",
    "numeric_reference",
    "key_counter",
    "key_counter-pool",
    "key_counter-pool_unknown",
    "co_moments",
    "key_spread-capped",
    "key_spread",
    "range_scan",
    "range_scan-collect",
    "category_prints",
    "category_prints-decimal",
    "category_keys",
    "duplicate_rows-ids",
    "duplicate_rows-compound",
    "keys-string",
    "keys-compound",
    "keys-timestamp",
    "keys-decimal",
    "on_table",
    "violations-foreign_key",
    "group_tally",
    "group_tally-missing",
    "group_tally-outcome",
    "group_tally-positive",
    "grouped-violations-increasing",
    "grouped-moments-two-columns",
    "grouped-rank_scan",
    "grouped-capped",
    "profile_by_group",
    "grouped-foreign_key",
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
@settings(max_examples=25, deadline=None)
@given(table=tables(), cut=st.floats(0, 1))
def test_parts_gathered_apart_join_to_the_whole(make: Any, table: pa.Table, cut: float) -> None:
    # What a cluster does with a state that finalizes in parts: part k of every partition's
    # state, shipped as bytes, merged in order and finalized where it is gathered; the values
    # then joined on the driver.
    metric = make()
    inputs = _inputs(metric, table)
    k = int(cut * table.num_rows)
    a = metric.compute(_batch(table, 0, k), inputs)
    b = metric.compute(_batch(table, k, table.num_rows), inputs)
    pieces = [metric.split(a), metric.split(b)]
    assert all(len(p) == metric.shards for p in pieces)
    values = [
        decode_state(
            encode_state(
                metric.finalize(
                    metric.merge(metric.decode(metric.encode(x)), metric.decode(metric.encode(y)))
                )
            )
        )
        for x, y in zip(*pieces, strict=True)
    ]
    assert same(metric.join(values), metric.finalize(metric.merge(a, b)))


@pytest.mark.parametrize("make", METRICS, ids=IDS)
def test_empty_batch_is_the_identity(make: Any) -> None:
    metric = make()
    table = pa.table(
        {
            "f": pa.array([1.5, None]),
            "i": pa.array([1, 2]),
            "s": pa.array(["a", "a"]),
            "t": pa.array([5, None], pa.timestamp("ns", tz="Europe/Paris")),
            "d": pa.array([Decimal("1.25"), None], pa.decimal128(8, 2)),
        }
    )
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


@pytest.mark.parametrize("make", METRICS, ids=IDS)
@settings(max_examples=15, deadline=None)
@given(table=tables(), cuts=st.lists(st.floats(0, 1), min_size=2, max_size=2))
def test_partitions_shipped_as_bytes_give_the_whole(
    make: Any, table: pa.Table, cuts: list[float]
) -> None:
    """What a distributed run does: each partition computed on its own rows as if they started
    at row 0, compacted and encoded; the driver decodes, shifts each by the rows before it,
    and merges in partition order."""
    metric = make()
    inputs = _inputs(metric, table)
    n = table.num_rows
    bounds = [0, *sorted(int(c * n) for c in cuts), n]
    merged = metric.empty()
    for start, stop in itertools.pairwise(bounds):
        local = metric.compute(_batch(table, start, stop, offset=0), inputs)
        shipped = metric.decode(metric.encode(local))
        merged = metric.merge(merged, metric.shift(shipped, start))
    whole = metric.finalize(metric.compute(_batch(table, 0, n), inputs))
    assert same(metric.finalize(merged), whole)


def _runs(metric: Metric[Any, Any], table: pa.Table, cut: float) -> tuple[Any, Any, Any, int]:
    """States of the rows before and from ``cut``: A, B, and B computed as if it started at row
    0, with the number of rows of A."""
    inputs = _inputs(metric, table)
    n = table.num_rows
    k = int(cut * n)
    a = metric.compute(_batch(table, 0, k), inputs)
    b = metric.compute(_batch(table, k, n), inputs)
    b_local = metric.compute(_batch(table, k, n, offset=0), inputs)
    return a, b, b_local, k


@pytest.mark.parametrize("make", METRICS, ids=IDS)
@settings(max_examples=15, deadline=None)
@given(table=tables(), cut=st.floats(0, 1))
def test_shift_moves_a_later_run_of_rows_into_place(make: Any, table: pa.Table, cut: float) -> None:
    """merge(state(A), shift(state(B at offset 0), len(A))) is the state of A then B."""
    metric = make()
    a, b, b_local, k = _runs(metric, table, cut)
    assert same(
        metric.finalize(metric.merge(a, metric.shift(b_local, k))),
        metric.finalize(metric.merge(a, b)),
    )
    assert same(metric.shift(a, 0), a)


@pytest.mark.parametrize("make", METRICS, ids=IDS)
@settings(max_examples=15, deadline=None)
@given(table=tables(), cut=st.floats(0, 1))
def test_states_and_values_round_trip_through_bytes(make: Any, table: pa.Table, cut: float) -> None:
    metric = make()
    a, b, _, _ = _runs(metric, table, cut)
    for state in (metric.empty(), a, metric.merge(a, b)):
        decoded = metric.decode(metric.encode(state))
        assert same(decoded, metric.compact(state)), "decode(encode(s)) is not compact(s)"
        assert same(metric.finalize(decoded), metric.finalize(state))
        # The compact form merges and finalizes as the state itself.
        compacted = metric.merge(metric.compact(state), metric.compact(b))
        assert same(metric.finalize(compacted), metric.finalize(metric.merge(state, b)))
        # Values travel too (a finalize on the cluster).
        value = metric.finalize(state)
        assert same(decode_state(encode_state(value)), value)


def _concrete_metrics() -> set[type[Metric[Any, Any]]]:
    for module in pkgutil.walk_packages(dataguard.__path__, "dataguard."):
        if module.name != "dataguard.__main__":  # running it is the command line
            importlib.import_module(module.name)
    found: set[type[Metric[Any, Any]]] = set()
    pending: list[type[Metric[Any, Any]]] = [Metric]
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        # ``dataclass(slots=True)`` makes a new class: the one it replaced is no module's.
        public = getattr(sys.modules[cls.__module__], cls.__qualname__, None) is cls
        ours = cls.__module__.startswith("dataguard.")  # not the metrics other tests define
        if ours and public and not inspect.isabstract(cls):
            found.add(cls)
    return found


def test_every_metric_has_a_case() -> None:
    covered = {type(make()) for make in METRICS}
    missing = sorted(cls.__qualname__ for cls in _concrete_metrics() - covered)
    assert not missing, f"metrics without a case in METRICS: {missing}"
