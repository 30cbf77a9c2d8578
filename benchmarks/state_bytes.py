"""Bytes and time to ship typical metric states from a partition (``Metric.encode`` / ``decode``).

    python benchmarks/state_bytes.py [--rows 1000000] [--batch 65536]

Each metric runs over ``--rows`` rows in batches of ``--batch`` (one partition), and the table
gives its encoded size beside the raw size of its counter arrays and of its state without
``compact``, with the median time to encode and to decode over five runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from typing import Any

import numpy as np
import pyarrow as pa

from dataguard._frame import Batch
from dataguard.expectations import Between, Increasing
from dataguard.metrics import (
    KeyRange,
    Metric,
    Moments,
    ValueCounts,
    Values,
    Violations,
    encode_state,
)
from dataguard.metrics._ranks import TOP_BITS
from dataguard.profile._categories import CategoryPrints
from dataguard.profile._metrics import NumericProfiler
from dataguard.profile._refine import KeySpread, RangeScan


def data(rows: int) -> dict[str, pa.Array]:
    rng = np.random.default_rng(0)
    return {
        "narrow": pa.array(rng.normal(1e6, 1, rows)),
        "wide": pa.array(rng.lognormal(0, 3, rows) * np.sign(rng.random(rows) - 0.3)),
        "category": pa.array(rng.integers(0, 1000, rows).astype(str)),
        "sorted": pa.array(np.sort(rng.integers(0, 10**9, rows))),
    }


def state_of(metric: Metric[Any, Any], columns: dict[str, pa.Array], batch: int) -> Any:
    rows = len(next(iter(columns.values())))
    state = metric.empty()
    for start in range(0, rows, batch):
        size = min(batch, rows - start)
        part = Batch({k: v.slice(start, size) for k, v in columns.items()}, start, size)
        state = metric.merge(state, metric.compute(part, Values()))
    return state


def counters(state: Any) -> int:
    """Raw bytes of the state's integer counter arrays (what a dense form would ship)."""
    if not dataclasses.is_dataclass(state):
        return 0
    parts = [getattr(state, f.name) for f in dataclasses.fields(state)]
    return sum(p.nbytes for p in parts if isinstance(p, np.ndarray) and p.dtype.kind in "iu")


def median_ms(action: Any) -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=65_536)
    args = parser.parse_args()
    columns = data(args.rows)
    grid = tuple(np.quantile(columns["wide"].to_numpy(), np.linspace(0, 1, 1025)).tolist())
    split = (KeyRange(0, 63, 0, 0, 17), KeyRange(1 << 63, 63, 0, 0, 17))
    metrics: list[tuple[str, Metric[Any, Any]]] = [
        ("Moments", Moments("wide")),
        ("Violations(between), 20 samples", Violations(Between("wide", max_value=1.0))),
        ("Violations(increasing), ids", Violations(Increasing("sorted"), 20, ("category",))),
        ("ValueCounts, 1,000 categories", ValueCounts("category")),
        ("CategoryPrints, 1,000 categories", CategoryPrints("category", 1000)),
        ("NumericProfiler on 1,024 bins", NumericProfiler("wide", grid, keep_values=False)),
        (f"KeySpread narrow, {1 << TOP_BITS:,} counters", KeySpread("narrow", 4096, 256)),
        (f"KeySpread wide, {1 << TOP_BITS:,} counters", KeySpread("wide", 4096, 256)),
        ("RangeScan wide, 2**18 counters", RangeScan("wide", split)),
    ]
    print(f"{args.rows:,} rows in batches of {args.batch:,}\n")
    header = f"{'state':38} {'encoded':>11} {'counters':>11} {'no compact':>11}"
    print(f"{header} {'encode ms':>10} {'decode ms':>10}")
    for name, metric in metrics:
        state = state_of(metric, columns, args.batch)
        shipped = metric.encode(state)
        loose = len(encode_state(state))
        encode = median_ms(lambda m=metric, s=state: m.encode(s))
        decode = median_ms(lambda m=metric, b=shipped: m.decode(b))
        print(
            f"{name:38} {len(shipped):>11,} {counters(state):>11,} {loose:>11,}"
            f" {encode:>10.2f} {decode:>10.2f}"
        )


if __name__ == "__main__":
    main()
