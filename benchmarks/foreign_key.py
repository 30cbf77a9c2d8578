"""A ``foreign_key`` check of a large Parquet file against a large table, in bounded memory.

Issue 16's acceptance: a 10M-row flights file checked against a 1M-row planes table, streamed,
with the same results for every chunk size. This script writes both tables (``flights.py``,
seeded) under ``benchmarks/data``, counts the tail numbers absent from planes with Arrow
(``is_in``, the whole column in memory: the reference answer), then validates the file once per
chunk size, each in a fresh process that reports its time and peak RSS
(``resource.getrusage``), and checks that every run gives the reference count and the same
result, printing the RESULTS.md table. A process's peak RSS counts from the parent it was forked
from (Linux keeps it across ``exec``), so the tables are written by one invocation and measured
by the next, from a small parent; a run that only imports dataguard gives the baseline.

    python benchmarks/foreign_key.py --rows 10000000 --planes 1000000 --chunk-sizes 65536,1000000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import flights
import pyarrow.compute as pc
import pyarrow.parquet as pq

DATA = Path(__file__).parent / "data"
SUITE = """\
tables:
  planes: {planes}
expectations:
  - type: foreign_key
    column: tailnum
    table: planes
    table_column: tailnum
"""


def prepare(rows: int, plane_count: int) -> tuple[Path, Path, int]:
    """Write the flights and planes files (once) and the reference count of absent keys."""
    DATA.mkdir(parents=True, exist_ok=True)
    flights_path = DATA / f"fk-flights-{rows}-{plane_count}.parquet"
    planes_path = DATA / f"fk-planes-{plane_count}.parquet"
    answer_path = DATA / f"fk-answer-{rows}-{plane_count}.json"
    if not answer_path.exists():
        planes = flights.planes(plane_count)
        pq.write_table(planes, planes_path)
        table = flights.flights(rows, plane_count=plane_count)
        pq.write_table(table, flights_path, row_group_size=1 << 18)
        present = pc.is_in(table["tailnum"], value_set=planes["tailnum"])
        absent = int(pc.sum(pc.invert(present)).as_py() or 0)
        answer_path.write_text(json.dumps({"absent": absent}))
    return flights_path, planes_path, json.loads(answer_path.read_text())["absent"]


def run_once(flights_path: Path, suite_path: Path, chunk_size: int) -> dict[str, object]:
    """In this process: validate (unless ``chunk_size`` is 0: only import), and report time,
    peak RSS and the result."""
    import dataguard as dg

    if chunk_size == 0:
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {"peak_rss_mb": round(rss)}
    started = time.perf_counter()
    result = dg.validate(flights_path, dg.load_suite(suite_path), chunk_size=chunk_size)
    seconds = time.perf_counter() - started
    check = result.results[0]
    return {
        "chunk_size": chunk_size,
        "seconds": round(seconds, 2),
        # ru_maxrss is in KiB on Linux.
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "unexpected_count": check.unexpected_count,
        "element_count": check.element_count,
        "result": check.to_dict(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--planes", type=int, default=1_000_000)
    parser.add_argument("--chunk-sizes", default="65536,1000000")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child run
    args = parser.parse_args(argv)
    flights_path, planes_path, absent = prepare(args.rows, args.planes)
    suite_path = DATA / f"fk-suite-{args.planes}.yaml"
    suite_path.write_text(SUITE.format(planes=planes_path.name))
    if args.one is not None:
        print(json.dumps(run_once(flights_path, suite_path, args.one)))
        return 0
    child = [sys.executable, __file__, "--rows", str(args.rows), "--planes", str(args.planes)]

    def one(chunk_size: int) -> dict[str, object]:
        out = subprocess.run([*child, "--one", str(chunk_size)], check=True, capture_output=True)
        found: dict[str, object] = json.loads(out.stdout)
        return found

    baseline = one(0)["peak_rss_mb"]
    runs = [one(int(c)) for c in args.chunk_sizes.split(",")]
    print(f"baseline peak RSS (a process that imports dataguard and reads nothing): {baseline} MB")
    same = all(r["result"] == runs[0]["result"] for r in runs)
    print(f"reference (Arrow is_in, whole column in memory): {absent:,} absent tail numbers")
    print("| chunk size | time (s) | peak RSS (MB) | rows checked | absent |")
    print("|---|---|---|---|---|")
    for r in runs:
        print(
            f"| {r['chunk_size']:,} | {r['seconds']} | {r['peak_rss_mb']:,} | "
            f"{r['element_count']:,} | {r['unexpected_count']:,} |"
        )
    print(f"identical results for every chunk size: {'yes' if same else 'NO'}")
    correct = all(r["unexpected_count"] == absent for r in runs)
    print(f"every run equals the reference count: {'yes' if correct else 'NO'}")
    return 0 if same and correct else 1


if __name__ == "__main__":
    raise SystemExit(main())
