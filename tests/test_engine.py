"""The engine's worker threads: shared between calls, never waited on from inside, and safe to
use again after a failed call or in a forked child."""

from __future__ import annotations

import multiprocessing
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

import dataguard as dg
from dataguard import _engine
from dataguard._frame import Batch, as_source
from dataguard.expectations import Between, Unique
from dataguard.metrics import Metric, Moments, MomentsValue, RowCount, Values
from dataguard.metrics._base import MetricUnavailable

ROWS = 200_000
SUITE = dg.Suite((Unique("id"), Between("x", min_value=0, max_value=1)))


def _table() -> pa.Table:
    rng = np.random.default_rng(7)
    return pa.table({"id": np.arange(ROWS), "x": rng.random(ROWS)})


def _workers() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("dataguard")}


def _counts(result: dg.ValidationResult) -> list[tuple[bool, int | None]]:
    return [(r.passed, r.unexpected_count) for r in result.results]


def test_calls_share_their_worker_threads() -> None:
    table = _table()
    first = dg.validate(table, SUITE, chunk_size=20_000, workers=2)
    workers = _workers()
    second = dg.validate(table, SUITE, chunk_size=20_000, workers=2)
    assert 1 <= len(workers) <= 2
    assert _workers() == workers
    assert _counts(first) == _counts(second) == [(True, 0), (True, 0)]


def test_work_started_on_a_worker_runs_serially_there() -> None:
    table = _table()
    metric = Moments("x")
    expected = _engine.execute([metric], as_source(table), chunk_size=20_000, workers=1)[metric]
    pool = _engine._worker_pool(2)
    assert pool is not None

    def nested() -> tuple[bool, MomentsValue]:
        inner = _engine.execute([metric], as_source(table), chunk_size=20_000, workers=2)
        return _engine._worker_pool(2) is None, inner[metric]

    serial, value = pool.submit(nested).result(timeout=60)
    assert serial
    assert value == expected


def test_a_failed_read_leaves_the_workers_usable() -> None:
    table = _table()

    def batches() -> Iterator[pa.RecordBatch]:
        yield from table.to_batches(max_chunksize=20_000)[:3]
        raise OSError("disk went away")

    with pytest.raises(OSError, match="disk went away"):
        dg.validate(batches(), SUITE, chunk_size=20_000, workers=2)
    assert _counts(dg.validate(table, SUITE, chunk_size=20_000, workers=2)) == [
        (True, 0),
        (True, 0),
    ]


def _validate_in_child(queue: multiprocessing.Queue[object]) -> None:
    queue.put(_counts(dg.validate(_table(), SUITE, chunk_size=20_000, workers=2)))


@pytest.mark.skipif(sys.platform != "linux", reason="fork is the start method under test")
# Python 3.12+ warns that forking a threaded process is risky: that is the case under test.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_starts_its_own_workers() -> None:
    dg.validate(_table(), SUITE, chunk_size=20_000, workers=2)  # the parent's workers exist
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[object] = context.Queue()
    child = context.Process(target=_validate_in_child, args=(queue,))
    child.start()
    child.join(timeout=30)  # a child waiting on threads it does not have would time out
    if child.is_alive():
        child.kill()
    assert child.exitcode == 0
    assert queue.get(timeout=5) == [(True, 0), (True, 0)]


@dataclass(frozen=True)
class _Halves(Metric[tuple[int, ...], int]):
    """Sums a column's values, finalized in two halves; ``broken`` names the step that fails."""

    column: str
    broken: str = ""

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def empty(self) -> tuple[int, ...]:
        return ()

    def compute(self, batch: Batch, inputs: Values) -> tuple[int, ...]:
        return tuple(batch.array(self.column).to_pylist())

    def merge(self, left: tuple[int, ...], right: tuple[int, ...]) -> tuple[int, ...]:
        return left + right

    def split(self, state: tuple[int, ...]) -> list[tuple[int, ...]]:
        if self.broken == "split":
            raise ValueError("cannot split")
        return [state[: len(state) // 2], state[len(state) // 2 :]]

    def finalize(self, state: tuple[int, ...]) -> int:
        if self.broken == "finalize" and len(state) > 1 and state[0] == 0:
            raise ValueError("first half broke")
        return sum(state)

    def join(self, values: list[int]) -> int:
        if self.broken == "join":
            raise ValueError("cannot join")
        return sum(values)


@pytest.mark.parametrize("workers", [1, 2])
def test_split_states_finalize_part_by_part_and_failures_stay_their_metrics(
    workers: int,
) -> None:
    table = pa.table({"x": list(range(10))})
    whole = _Halves("x")
    broken = [_Halves("x", step) for step in ("split", "finalize", "join")]
    values = _engine.execute([whole, *broken], as_source(table), workers=workers)
    assert values[whole] == 45
    messages = {"split": "cannot split", "finalize": "first half broke", "join": "cannot join"}
    for metric in broken:
        with pytest.raises(MetricUnavailable, match=f"^ValueError: {messages[metric.broken]}$"):
            values[metric]


@dataclass(frozen=True)
class _RowsIfMeanBelow(RowCount):
    """Counts rows a pass after a column's mean, wanted only when the mean is below ``bound``."""

    column: str
    bound: float

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        return (Moments(self.column),)

    def wanted(self, inputs: Values) -> bool:
        mean = inputs[Moments(self.column)].mean
        return mean is not None and mean < self.bound


@pytest.mark.parametrize(("bound", "passes", "value"), [(0.0, {1}, None), (9.0, {1, 2}, 3)])
def test_a_metric_not_wanted_is_skipped_and_its_pass_not_read(
    bound: float, passes: set[int], value: int | None
) -> None:
    source = as_source(pa.table({"x": [1.0, 2.0, 4.0], "s": ["a", "b", "c"]}))
    read: list[int] = []
    metric = _RowsIfMeanBelow("x", bound)
    values = _engine.execute([metric], source, progress=lambda number, _, __: read.append(number))
    assert set(read) == passes
    assert (metric in values) == (value is not None)
    if value is not None:
        assert values[metric] == value
    # A metric whose requirement failed is wanted: computed, not skipped (it reports the failure
    # if it reads the requirement).
    broken = _RowsIfMeanBelow("s", bound)
    failed = _engine.execute([broken], source)
    with pytest.raises(MetricUnavailable):
        failed[Moments("s")]
    assert failed[broken] == 3
