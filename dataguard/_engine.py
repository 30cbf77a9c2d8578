"""Planning and executing metrics: deduplicated, one pass per dependency level, threaded by column.

Metrics are grouped by the column they read first; for every batch, each group is computed on a
worker thread (numpy and Arrow kernels release the GIL) and the states are merged in batch order
on the calling thread, so results do not depend on scheduling. Metrics that need other metrics'
final values (the duplicated values of a column, say) run in a later pass over the data.
"""

from __future__ import annotations

import functools
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from dataguard._frame import Batch, Source
from dataguard.errors import InputError
from dataguard.metrics import Metric, MetricFailure, MetricUnavailable, Values

AnyMetric = Metric[Any, Any]
#: Called after each batch with (pass number, number of passes, rows read so far in this pass).
Progress = Callable[[int, int, int], None]
#: Each metric of a column group with its state for one batch, or the error computing it.
GroupResult = list[tuple[AnyMetric, Any, str | None]]


def with_requirements(metrics: Iterable[AnyMetric]) -> list[AnyMetric]:
    """The metrics and, recursively, those they require; deduplicated, first-seen order."""
    ordered: dict[AnyMetric, None] = {}

    def add(metric: AnyMetric) -> None:
        for required in metric.requires():
            add(required)
        ordered.setdefault(metric, None)

    for metric in metrics:
        add(metric)
    return list(ordered)


def stages(metrics: Sequence[AnyMetric], known: Iterable[AnyMetric] = ()) -> list[list[AnyMetric]]:
    """Metrics split into passes: a metric runs one pass after the latest metric it requires
    (in the first pass if it requires only ``known`` metrics, whose values are at hand)."""
    level: dict[AnyMetric, int] = dict.fromkeys(known, -1)

    def depth(metric: AnyMetric) -> int:
        if metric not in level:
            level[metric] = 1 + max((depth(r) for r in metric.requires()), default=-1)
        return level[metric]

    passes: list[list[AnyMetric]] = []
    for metric in metrics:
        d = depth(metric)
        while len(passes) <= d:
            passes.append([])
        passes[d].append(metric)
    return passes


def _groups(metrics: Sequence[AnyMetric]) -> list[list[AnyMetric]]:
    by_column: dict[str, list[AnyMetric]] = {}
    for metric in metrics:
        by_column.setdefault(metric.columns[0] if metric.columns else "", []).append(metric)
    return list(by_column.values())


def _compute_group(
    group: Sequence[AnyMetric], batch: Batch, inputs: Values, skip: frozenset[AnyMetric]
) -> GroupResult:
    out: GroupResult = []
    for metric in group:
        if metric in skip:
            continue
        try:
            out.append((metric, metric.compute(batch, inputs), None))
        except Exception as exc:
            out.append((metric, None, described(exc)))
    return out


#: Batches of in-memory data whose column work may be in flight at once: enough to keep every
#: worker busy across batch boundaries, few enough to bound the memory of converted batches.
#: Streamed sources keep one, so that their memory stays that of one batch.
_BATCHES_IN_FLIGHT = 2
#: A batch this small, of one column group, is computed on the calling thread: handing it to a
#: worker would cost more than it saves.
_SMALL_BATCH = 1 << 14


@dataclass(slots=True)
class PassStates:
    """What one run of rows (a partition, or all of them) leaves of a pass: each metric's merged
    state, or why it failed, and how many rows were read."""

    states: dict[AnyMetric, Any]
    failures: dict[AnyMetric, MetricFailure]
    rows: int = 0

    @classmethod
    def empty(cls, metrics: Sequence[AnyMetric]) -> PassStates:
        """The states of zero rows."""
        return cls({m: m.empty() for m in metrics}, {})

    def absorb(self, results: Iterable[GroupResult]) -> None:
        """Merge the states computed for the next run of rows into these (failures are kept:
        a metric that failed once stays failed)."""
        for group_result in results:
            for metric, state, error in group_result:
                self._merge(metric, state, error)

    def then(self, later: PassStates) -> None:
        """Merge the states of the run of rows that follows this one."""
        for metric, state in later.states.items():
            self._merge(metric, state, None)
        for metric, failure in later.failures.items():
            self.failures.setdefault(metric, failure)
        self.rows += later.rows

    def _merge(self, metric: AnyMetric, state: Any, error: str | None) -> None:
        if metric in self.failures:
            return
        if error is not None:
            self.failures[metric] = MetricFailure(metric, error)
            return
        try:
            self.states[metric] = metric.merge(self.states[metric], state)
        except Exception as exc:
            self.failures[metric] = MetricFailure(metric, described(exc))


def accumulate(
    metrics: Sequence[AnyMetric],
    batches: Iterable[Batch],
    inputs: Values,
    *,
    pool: Executor | None = None,
    read_ahead: int = 1,
    progress: Callable[[int], None] | None = None,
) -> PassStates:
    """The accumulating half of a pass: every metric's state over ``batches``, merged in batch
    order. Column groups of a batch run on ``pool`` (when given), with up to ``read_ahead``
    batches in flight; a cluster runs this per partition with no pool."""
    groups = _groups(metrics)
    result = PassStates.empty(metrics)

    def merge(batch: Batch, computed: Iterable[GroupResult]) -> None:
        result.absorb(computed)
        result.rows += batch.num_rows
        if progress is not None:
            progress(batch.offset + batch.num_rows)

    # Batches are submitted ahead of merging, so workers move on to the next batch while the
    # slowest column of this one finishes; states are still merged in batch order.
    in_flight: deque[tuple[Batch, list[Future[GroupResult]]]] = deque()

    def merge_oldest() -> None:
        done, futures = in_flight.popleft()
        merge(done, [f.result() for f in futures])

    try:
        for batch in batches:
            skip = frozenset(result.failures)
            if pool is None or (len(groups) == 1 and batch.num_rows < _SMALL_BATCH):
                while in_flight:  # states merge in batch order
                    merge_oldest()
                merge(batch, [_compute_group(g, batch, inputs, skip) for g in groups])
                continue
            submitted = [pool.submit(_compute_group, g, batch, inputs, skip) for g in groups]
            in_flight.append((batch, submitted))
            if len(in_flight) >= read_ahead:
                merge_oldest()
        while in_flight:
            merge_oldest()
    finally:  # reading failed or was interrupted: the shared workers drop what was queued
        for _, futures in in_flight:
            for future in futures:
                future.cancel()
    return result


def finalize(
    metrics: Sequence[AnyMetric], merged: PassStates, inputs: Values, pool: Executor | None
) -> Values:
    """The finalizing half of a pass: the merged states turned into values, added to
    ``inputs``."""
    values, failures = _finalize_all(
        [m for m in metrics if m not in merged.failures], merged.states, pool
    )
    return inputs.with_values(values, {**merged.failures, **failures})


def _run_pass(
    metrics: Sequence[AnyMetric],
    source: Source,
    inputs: Values,
    *,
    chunk_size: int | None,
    pool: Executor | None,
    progress: Callable[[int], None] | None,
) -> Values:
    """One pass over the source's batches on this machine."""
    columns = list(dict.fromkeys(c for m in metrics for c in m.columns))
    merged = accumulate(
        metrics,
        source.batches(columns, chunk_size),
        inputs,
        pool=pool,
        read_ahead=_BATCHES_IN_FLIGHT if source.in_memory else 1,
        progress=progress,
    )
    return finalize(metrics, merged, inputs, pool)


def _finalize_all(
    metrics: list[AnyMetric], states: dict[AnyMetric, Any], pool: Executor | None
) -> tuple[dict[AnyMetric, Any], dict[AnyMetric, MetricFailure]]:
    """Finalize the metrics; finalizing can be real work (ordering a column's fingerprints), so
    the parts of every state run on the pool."""
    parts = {m: _try(m.split, states[m]) for m in metrics}
    tasks = [(m, p) for m, (split, error) in parts.items() if error is None for p in split]
    if pool is None or len(tasks) < 2:
        finished = [_try(m.finalize, p) for m, p in tasks]
    else:
        finished = list(pool.map(_try, [m.finalize for m, _ in tasks], [p for _, p in tasks]))
    by_metric: dict[AnyMetric, list[tuple[Any, str | None]]] = {}
    for (metric, _), outcome in zip(tasks, finished, strict=True):
        by_metric.setdefault(metric, []).append(outcome)
    values: dict[AnyMetric, Any] = {}
    failures: dict[AnyMetric, MetricFailure] = {}
    for metric in metrics:
        outcomes = by_metric.get(metric, [])
        error = parts[metric][1] or next((e for _, e in outcomes if e is not None), None)
        if error is None:
            value, error = _try(metric.join, [v for v, _ in outcomes])
        if error is None:
            values[metric] = value
        else:
            failures[metric] = MetricFailure(metric, error)
    return values, failures


def _wanted(metric: AnyMetric, values: Values) -> bool:
    """``metric.wanted``; a metric whose requirements failed is wanted (computed, it reports
    their failure if it reads them)."""
    try:
        return metric.wanted(values)
    except MetricUnavailable:
        return True


def _settle(skipped: Iterable[AnyMetric], values: Values) -> Values:
    """``values`` with the values of the metrics that were not wanted, as their ``settled``
    gives them; one that has none (``KeyError``) stays without a value."""
    found: dict[AnyMetric, Any] = {}
    failures: dict[AnyMetric, MetricFailure] = {}
    for metric in skipped:
        try:
            found[metric] = metric.settled(values)
        except KeyError:
            continue
        except MetricUnavailable as exc:
            failures[metric] = exc.failure
        except Exception as exc:
            failures[metric] = MetricFailure(metric, described(exc))
    return values.with_values(found, failures)


def _try(function: Callable[[Any], Any], argument: Any) -> tuple[Any, str | None]:
    """``function(argument)``, or the error it raised, described."""
    try:
        return function(argument), None
    except Exception as exc:
        return None, described(exc)


def described(exc: Exception) -> str:
    """What a metric failure reports: the exception's type and message."""
    return f"{type(exc).__name__}: {exc}".strip()


def describe(source: Source, names: Iterable[str], workers: int | None = None) -> None:
    """Describe the columns up front, several at a time: describing an in-memory column is where
    it is converted or encoded, work that releases the GIL for the most part."""
    unique = list(dict.fromkeys(names))
    threads = min(default_workers() if workers is None else workers, len(unique))
    rows = source.num_rows
    if threads < 2 or rows is None or rows < _SMALL_BATCH:  # streams describe from a schema
        return
    pool = _worker_pool(threads)
    if pool is not None:
        # Errors (an unconvertible column) are set aside: they surface later, with context,
        # where the column is first described.
        list(pool.map(functools.partial(_try, source.info), unique))


class _WorkerPools:
    """The process's worker pools, one per thread count; emptied in a forked child, where the
    parent's threads do not exist."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._pools: dict[int, ThreadPoolExecutor] = {}
        self._lock = threading.Lock()

    def get(self, threads: int) -> ThreadPoolExecutor:
        with self._lock:
            pool = self._pools.get(threads)
            if pool is None:
                pool = self._pools[threads] = ThreadPoolExecutor(
                    threads, thread_name_prefix="dataguard", initializer=_mark_worker
                )
            return pool


_POOLS = _WorkerPools()
_on_worker = threading.local()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_POOLS.reset)


def _mark_worker() -> None:
    _on_worker.active = True


def _worker_pool(threads: int) -> Executor | None:
    """The process's pool of ``threads`` worker threads, started on first use and kept between
    calls; None for fewer than two threads, or when asked from a worker itself (it would wait on
    tasks queued behind its own).

    Threads started per call and ended after it take their allocator caches with them (Arrow's
    mimalloc heaps and glibc's arenas are per thread), so every call grew the process anew: at
    1M rows, a third more peak memory than with threads that live on.
    """
    if threads < 2 or getattr(_on_worker, "active", False):
        return None
    return _POOLS.get(threads)


def default_workers() -> int:
    """Worker threads for column work: one per core available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _on_tables(
    metrics: Sequence[AnyMetric],
    tables: Mapping[str, Source],
    *,
    chunk_size: int | None,
    workers: int | None,
) -> Values:
    """The values of metrics of other tables (``Metric.on_table``), each table read in passes
    of its own, by this same engine, before the data's passes that need them."""
    by_table: dict[str, dict[AnyMetric, AnyMetric]] = {}
    for metric in metrics:
        place = metric.on_table()
        if place is not None:
            by_table.setdefault(place[0], {})[metric] = place[1]
    values = Values()
    for name, wanted in by_table.items():
        table = tables.get(name)
        if table is None:
            raise InputError(f"no table named {name!r} was given")
        found = execute(wanted.values(), table, chunk_size=chunk_size, workers=workers)
        values = values.merged(found.renamed(wanted))
    return values


def execute(
    metrics: Iterable[AnyMetric],
    source: Source,
    *,
    chunk_size: int | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    tables: Mapping[str, Source] | None = None,
    known: Values | None = None,
) -> Values:
    """Compute the metrics and what they require over the source; failures are recorded.
    Metrics of other tables are computed over those ``tables`` first, unless ``known`` holds
    their values already (from an earlier call: the tables are not read again)."""
    ordered = with_requirements(metrics)
    elsewhere = [m for m in ordered if m.on_table() is not None]
    values = Values() if known is None else known.only(elsewhere)
    unknown = [m for m in elsewhere if m not in values]
    if unknown:
        found = _on_tables(unknown, tables or {}, chunk_size=chunk_size, workers=workers)
        values = values.merged(found)
    ordered = [m for m in ordered if m.on_table() is None]
    planned = set(ordered)
    servers = {m: s for m in ordered if (s := m.served_by()) is not None and s in planned}
    passes = stages([m for m in ordered if m not in servers], elsewhere)
    if len(passes) > 1 and not source.reiterable:
        source.remember()
    threads = default_workers() if workers is None else workers
    pool = _worker_pool(threads)
    for number, stage in enumerate(passes, start=1):
        metrics_of_pass = [m for m in stage if _wanted(m, values)]
        values = _settle([m for m in stage if m not in metrics_of_pass], values)
        if not metrics_of_pass:  # settled by earlier passes: the data is not read again
            continue
        # Converted chunks that later passes read again are kept (by sources that convert).
        source.retain(c for later in passes[number:] for m in later for c in m.columns)
        report = None
        if progress is not None:
            report = functools.partial(progress, number, len(passes))
        if source.runner is not None:  # the rows live elsewhere: the pass runs where they are
            # Only the values this pass's metrics read travel to every partition.
            needed = values.only(with_requirements(metrics_of_pass))
            ran = source.runner.run_pass(
                metrics_of_pass, needed, chunk_size=chunk_size, progress=report
            )
            values = values.merged(ran)
        else:
            values = _run_pass(
                metrics_of_pass, source, values, chunk_size=chunk_size, pool=pool, progress=report
            )
        values = values.aliased(servers)
    return values
