"""The physical floor of the validation suite on an in-memory Arrow table, beside dataguard.

    python benchmarks/arrow_floor.py --data benchmarks/data/1000000 [--repeat 7] [--workers 2]

The floor is what no validator of ``suite.yaml`` can skip: one pass over every byte of the
columns the suite reads rows of (validity bitmaps, offsets, values), split over the worker
threads by column, plus one RE2 match of the e-mail column (``pyarrow.compute``), the only
check whose cost is per byte rather than per value. dataguard's ``validate`` of the same table
runs interleaved with it (floor, dataguard, floor, ...), so both see the same machine load;
wall and CPU time (``time.process_time``: every thread of the process) are medians. The RE2
match alone is timed too (on one thread): the part of the floor no pass over bytes can lower.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import dataguard as dg

SUITE = Path(__file__).resolve().parent / "suite.yaml"


def columns_read(suite: dg.Suite) -> list[str]:
    """The columns whose rows the suite's expectations read, in suite order."""
    read = [c for e in suite.expectations if e.reads_rows for c in e.columns]
    return list(dict.fromkeys(read))


def touch(array: pa.ChunkedArray) -> int:
    """Read every byte of the column's buffers once (as 64-bit words), returning their xor so
    that the pass cannot be skipped."""
    folded = 0
    for chunk in array.chunks:
        for buffer in chunk.buffers():
            if buffer is None:
                continue
            words = np.frombuffer(buffer, dtype=np.uint8)
            whole = words[: words.size - words.size % 8].view(np.uint64)
            folded ^= int(np.bitwise_xor.reduce(whole)) if whole.size else 0
    return folded


def column_bytes(table: pa.Table, names: list[str]) -> dict[str, int]:
    """Bytes of each column's buffers."""
    return {n: table.column(n).nbytes for n in names}


def floor_pass(table: pa.Table, names: list[str], pattern: str, pool: ThreadPoolExecutor) -> None:
    """One pass over the columns' bytes and one RE2 match of the e-mails, on the pool."""
    jobs = [pool.submit(pc.match_substring_regex, table.column("email"), pattern)]
    jobs += [pool.submit(touch, table.column(n)) for n in names]
    for job in jobs:
        job.result()


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with current.parquet")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    table = pq.read_table(args.data / "current.parquet")
    suite = dg.load_suite(SUITE)
    names = columns_read(suite)
    pattern = next(
        str(e.to_dict()["regex"]) for e in suite.expectations if e.name == "matches_regex"
    )
    sizes = column_bytes(table, names)
    print(f"{table.num_rows:,} rows; load {os.getloadavg()[0]:.2f}; workers {args.workers}")
    print(f"columns read ({len(names)}): {', '.join(names)}")
    print(
        f"bytes read: {sum(sizes.values()) / 1e6:.1f} MB "
        + str({n: round(b / 1e6, 1) for n, b in sizes.items()})
    )
    with ThreadPoolExecutor(args.workers) as pool:
        runs: dict[str, Callable[[], object]] = {
            "floor": lambda: floor_pass(table, names, pattern, pool),
            "RE2 alone": lambda: pc.match_substring_regex(table.column("email"), pattern),
            "dataguard": lambda: dg.validate(
                table, suite, result_format="basic", workers=args.workers
            ),
        }
        for run in runs.values():  # warm: caches, worker threads, compiled patterns
            run()
        measured: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
        for _ in range(args.repeat):
            for name, run in runs.items():
                measured[name].append(timed(run))
    floor_wall = statistics.median(w for w, _ in measured["floor"])
    floor_cpu = statistics.median(c for _, c in measured["floor"])
    for name, results in measured.items():
        wall = statistics.median(w for w, _ in results)
        cpu = statistics.median(c for _, c in results)
        print(
            f"{name:10s} wall {wall:.4f} s ({wall / floor_wall:.2f}x floor)  "
            f"cpu {cpu:.4f} s ({cpu / floor_cpu:.2f}x floor)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
