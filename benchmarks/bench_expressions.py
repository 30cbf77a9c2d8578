"""Row expressions cost: a flights suite with and without its two expression checks.

    python benchmarks/bench_expressions.py --rows 1000000 --repeat 5

Issue 16 asks that the flights checks "minutes part of dep_time below 60" and "arr_time after
dep_time unless cancelled", each one ``expression`` item, run within 2x of the same suite without
them at 1M rows. This script builds ``flights.py``'s table once (Arrow, in memory), checks that the
two expressions count exactly what a hand-written pandas computation counts and what the generator
planted, then times the suite with and without them, interleaved (A, B, A, B, ...), and prints the
median and range of each and their ratio. It exits 1 if the counts disagree or the ratio is 2 or
more.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from flights import CARRIERS, ORIGINS, fault_counts, flights  # a sibling script, not a package

import dataguard as dg
from dataguard.expectations import (
    Between,
    Expression,
    InSet,
    MatchesRegex,
    NotNull,
    RowCountBetween,
)

#: What a first flights suite checks without expressions: nulls, sets, ranges, a pattern.
BASE = (
    NotNull("carrier"),
    NotNull("tailnum"),
    NotNull("time_hour"),
    InSet("carrier", value_set=CARRIERS),
    InSet("origin", value_set=ORIGINS),
    Between("distance", min_value=0, max_value=5_000),
    Between("air_time", min_value=20, max_value=700),
    Between("dep_time", min_value=0, max_value=2_359),
    MatchesRegex("tailnum", regex=r"^N\d{4,5}$"),
    RowCountBetween(min_value=1),
)
EXPRESSIONS = (
    Expression("dep_time % 100 < 60 or dep_time is null"),
    Expression("arr_time > dep_time or cancelled"),
)


def check_counts(table: pa.Table) -> list[str]:
    """Disagreements between the expression counts, pandas and the planted faults."""
    minutes, order = dg.validate(table, dg.Suite(EXPRESSIONS)).results
    frame = table.select(["dep_time", "arr_time", "cancelled"]).to_pandas()
    dep, arr = frame["dep_time"], frame["arr_time"]
    by_pandas = {
        "minutes": int((dep % 100 >= 60).sum()),
        "order": int((~((arr > dep) | frame["cancelled"])).sum()),
    }
    planted = fault_counts(table.num_rows)
    wanted = {
        "minutes": planted["minutes_over_59"],
        "order": planted["arrival_before_departure"],
    }
    found = {"minutes": minutes.unexpected_count, "order": order.unexpected_count}
    return [
        f"{name}: expression {found[name]}, pandas {by_pandas[name]}, planted {wanted[name]}"
        for name in found
        if not found[name] == by_pandas[name] == wanted[name]
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    table = flights(args.rows)
    problems = check_counts(table)
    for problem in problems:
        print(f"count mismatch: {problem}")
    suites = {"without": dg.Suite(BASE), "with": dg.Suite(BASE + EXPRESSIONS)}
    for suite in suites.values():
        dg.validate(table, suite)  # warm up: imports, caches, thread pool
    seconds: dict[str, list[float]] = {name: [] for name in suites}
    for _ in range(args.repeat):
        for name, suite in suites.items():
            started = time.perf_counter()
            dg.validate(table, suite)
            seconds[name].append(time.perf_counter() - started)
    print(f"{args.rows:,} rows, {args.repeat} interleaved runs each\n")
    print("| suite | checks | median s | range s |")
    print("| --- | ---: | ---: | ---: |")
    for name, runs in seconds.items():
        checks = len(suites[name].expectations)
        spread = f"{min(runs):.3f}-{max(runs):.3f}"
        print(f"| {name} expressions | {checks} | {statistics.median(runs):.3f} | {spread} |")
    ratio = statistics.median(seconds["with"]) / statistics.median(seconds["without"])
    print(f"\nratio with / without: {ratio:.2f} (acceptance: below 2)")
    return 1 if problems or ratio >= 2 else 0


if __name__ == "__main__":
    raise SystemExit(main())
