"""Where ``dataguard.validate`` spends its time: exclusive seconds per metric, adapter, expectation.

    python benchmarks/profile_metrics.py --rows 1000000 [--repeat 3] [--parquet]

Wraps (in this process only, the package is untouched) every metric's ``compute``, ``merge`` and
``finalize``, the adapters' column conversion and batch reading, and every expectation's
``precheck`` and ``evaluate`` with timers that subtract nested timed calls, so the rows add up to
the wall time. Runs single-threaded (``workers=1``) so that time is attributable; with more workers
the same work overlaps. Each row is the median over ``--repeat`` runs. For comparison it also
times each check of the hand-written pandas baseline, on object and on ``string[pyarrow]`` columns.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline import BASELINE
from bench_validate import DEFAULT_SUITE
from data import orders, to_arrow, write_parquet

import dataguard as dg
from dataguard._frame import _files, _memory
from dataguard.expectations import Expectation
from dataguard.metrics import Metric


class Clock:
    """Exclusive (self) time per label: a timed call's nested timed calls are not counted twice."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self._children: list[float] = []

    def timed(self, label: str, call: Callable[[], Any]) -> Any:
        self._children.append(0.0)
        started = time.perf_counter()
        try:
            return call()
        finally:
            elapsed = time.perf_counter() - started
            nested = self._children.pop()
            self.totals[label] += elapsed - nested
            if self._children:
                self._children[-1] += elapsed


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def _metric_label(metric: Any) -> str:
    rule = getattr(metric, "rule", None)
    what = f"{rule.name} " if rule is not None else ""
    return f"{type(metric).__name__}[{what}{','.join(metric.columns)}]"


def _expectation_label(expectation: Any) -> str:
    return f"{expectation.name}[{','.join(expectation.columns)}]"


@contextmanager
def instrumented(clock: Clock) -> Iterator[None]:
    """Patch the timers in; restore the original methods on exit."""
    patched: list[tuple[type, str, Any]] = []

    def wrap(cls: type, method: str, label: Callable[[Any], str]) -> None:
        original = cls.__dict__.get(method)
        if original is None:
            return

        @functools.wraps(original)
        def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
            return clock.timed(f"{label(self)} {method}", lambda: original(self, *args, **kwargs))

        patched.append((cls, method, original))
        setattr(cls, method, timed)

    def wrap_generator(cls: type, method: str, label: str) -> None:
        original = cls.__dict__.get(method)
        if original is None:
            return

        @functools.wraps(original)
        def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
            iterator = original(self, *args, **kwargs)
            while True:
                try:
                    item = clock.timed(label, lambda: next(iterator))
                except StopIteration:
                    return
                yield item

        patched.append((cls, method, original))
        setattr(cls, method, timed)

    for cls in _subclasses(Metric):
        for method in ("compute", "merge", "finalize"):
            wrap(cls, method, _metric_label)
    for cls in [Expectation, *_subclasses(Expectation)]:
        for method in ("precheck", "evaluate"):
            wrap(cls, method, _expectation_label)
    wrap(_memory.ArraySource, "column", lambda s: "adapter: to Arrow")
    wrap_generator(_files.FileSource, "batches", "adapter: read file batches")
    try:
        yield
    finally:
        for cls, method, original in reversed(patched):
            setattr(cls, method, original)


def breakdown(
    data: Any, suite: dg.Suite, repeat: int, chunk_size: int | None = None
) -> tuple[float, list[tuple[str, float]]]:
    """Median wall time of ``validate(data, suite, workers=1)`` and median self time per label."""
    walls: list[float] = []
    runs: list[dict[str, float]] = []
    for _ in range(repeat):
        clock = Clock()
        with instrumented(clock):
            started = time.perf_counter()
            clock.timed(
                "validate: engine, planning, results",
                lambda: dg.validate(data, suite, workers=1, chunk_size=chunk_size),
            )
            walls.append(time.perf_counter() - started)
        runs.append(dict(clock.totals))
    labels = {label for run in runs for label in run}
    medians = {label: statistics.median(run.get(label, 0.0) for run in runs) for label in labels}
    return statistics.median(walls), sorted(medians.items(), key=lambda kv: -kv[1])


def print_breakdown(title: str, wall: float, rows: list[tuple[str, float]], top: int) -> None:
    print(f"\n### {title}: {wall:.3f} s (single thread)\n")
    print("| where | self s | share |\n|---|---:|---:|")
    shown = rows[:top]
    for label, seconds in shown:
        print(f"| {label} | {seconds:.4f} | {100 * seconds / wall:.1f}% |")
    rest = sum(seconds for _, seconds in rows[top:])
    if rest:
        print(f"| ({len(rows) - top} more) | {rest:.4f} | {100 * rest / wall:.1f}% |")


def baseline_breakdown(frame: Any, suite: dg.Suite, repeat: int) -> list[tuple[str, float]]:
    """Median seconds of each hand-written baseline check, slowest first."""
    times: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeat):
        for e in suite.compiled:
            started = time.perf_counter()
            BASELINE[e.name](frame, e)
            times[_expectation_label(e)].append(time.perf_counter() - started)
    medians = {label: statistics.median(ts) for label, ts in times.items()}
    return sorted(medians.items(), key=lambda kv: -kv[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--suite", type=Path, default=DEFAULT_SUITE)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--chunk-size", type=int, default=None, help="dataguard rows per batch")
    parser.add_argument("--parquet", action="store_true", help="also profile a Parquet file")
    args = parser.parse_args(argv)

    suite = dg.load_suite(args.suite)
    frame = orders(args.rows, args.seed)
    table = to_arrow(frame)
    dg.validate(table, suite)  # warm caches (regex compilation, imports)
    print(f"{len(frame):,} rows, {len(suite.compiled)} expectations, dataguard from {dg.__file__}")
    arrow_strings = frame.astype(
        {c: "string[pyarrow]" for c in frame.columns if frame[c].dtype == object}
    )
    inputs = (
        ("pandas input, object strings", frame),
        ("pandas input, string[pyarrow]", arrow_strings),
        ("pyarrow input", table),
    )
    for title, data in inputs:
        wall, rows = breakdown(data, suite, args.repeat, args.chunk_size)
        print_breakdown(title, wall, rows, args.top)
    for title, data in (("object", frame), ("string[pyarrow]", arrow_strings)):
        rows = baseline_breakdown(data, suite, args.repeat)
        total = sum(seconds for _, seconds in rows)
        print_breakdown(f"hand-written pandas baseline, {title} strings", total, rows, args.top)
    if args.parquet:
        with tempfile.TemporaryDirectory() as scratch:
            path = write_parquet(frame, Path(scratch) / "orders.parquet")
            wall, rows = breakdown(path, suite, args.repeat, args.chunk_size)
            print_breakdown("Parquet path", wall, rows, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
