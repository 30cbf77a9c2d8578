"""The flights checks new users write first: each one YAML item, counted as pandas, timed at 1M.

    python benchmarks/bench_flights.py --rows 1000000 --repeat 5

Issue 16 names four checks that could not be written on a flights/planes dataset: "minutes part of
dep_time below 60", "arr_time after dep_time unless the flight was cancelled", "every tailnum exists
in the planes table" and "the newest row is less than a day old". ``CHECKS`` writes each as one
YAML item. This script builds ``flights.py``'s tables once (Arrow, in memory), checks that every
item counts exactly what a hand-written pandas computation counts (and what the generator
planted), then times a first flights suite with and without the four items, interleaved (A, B, A,
B, ...), and prints the median and range of each and their ratio. It exits 1 if a count disagrees
or the ratio is 2 or more (the issue's acceptance).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from flights import (  # a sibling script, not a package
    CARRIERS,
    NEWEST,
    ORIGINS,
    fault_counts,
    flights,
    planes,
)

import dataguard as dg
from dataguard.expectations import (
    Between,
    InSet,
    MatchesRegex,
    NotNull,
    RowCountBetween,
)
from dataguard.suite import loads_suite

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
#: The four checks, each one suite item.
CHECKS = """
- {type: expression, expr: "dep_time % 100 < 60 or dep_time is null"}
- {type: expression, expr: "arr_time > dep_time or cancelled"}
- {type: foreign_key, column: tailnum, table: planes, table_column: tailnum}
- {type: freshness, column: time_hour, max_age: 24h}
"""
#: The run's clock: half a day after the newest flight, so the data is fresh.
NOW = pd.Timestamp(NEWEST, tz="UTC").to_pydatetime() + dt.timedelta(hours=12)


def checks() -> dg.Suite:
    return loads_suite(f"expectations:\n{CHECKS}")


def by_pandas(flights_frame: pd.DataFrame, planes_frame: pd.DataFrame) -> list[int]:
    """What each of ``CHECKS`` counts, computed by hand: failing rows, or 1 for stale data."""
    dep, arr = flights_frame["dep_time"], flights_frame["arr_time"]
    stale = pd.Timestamp(NOW) - flights_frame["time_hour"].max() > pd.Timedelta(hours=24)
    return [
        int((dep % 100 >= 60).sum()),
        int((~((arr > dep) | flights_frame["cancelled"])).sum()),
        int((~flights_frame["tailnum"].isin(planes_frame["tailnum"])).sum()),
        int(stale),
    ]


def check_counts(table: pa.Table, other: pa.Table) -> list[str]:
    """Disagreements between dataguard's counts, pandas' and the planted faults."""
    results = dg.validate(table, checks(), tables={"planes": other}, now=NOW).results
    found = [
        r.unexpected_count if r.unexpected_count is not None else int(not r.passed) for r in results
    ]
    wanted = by_pandas(table.to_pandas(), other.to_pandas())
    planted = fault_counts(table.num_rows)
    faults = [
        planted["minutes_over_59"],
        planted["arrival_before_departure"],
        planted["unknown_tailnum"],
        0,
    ]
    return [
        f"{line.strip()}: dataguard {f}, pandas {w}, planted {p}"
        for line, f, w, p in zip(CHECKS.strip().splitlines(), found, wanted, faults, strict=True)
        if not f == w == p
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    table, other = flights(args.rows), planes()
    problems = check_counts(table, other)
    for problem in problems:
        print(f"count mismatch: {problem}")
    suites = {"without": dg.Suite(BASE), "with": dg.Suite(BASE + checks().expectations)}

    def run(suite: dg.Suite) -> None:
        dg.validate(table, suite, tables={"planes": other}, now=NOW)

    for suite in suites.values():
        run(suite)  # warm up: imports, caches, thread pool
    seconds: dict[str, list[float]] = {name: [] for name in suites}
    for _ in range(args.repeat):
        for name, suite in suites.items():
            started = time.perf_counter()
            run(suite)
            seconds[name].append(time.perf_counter() - started)
    print(f"{args.rows:,} rows, {args.repeat} interleaved runs each\n")
    print("| suite | checks | median s | range s |")
    print("| --- | ---: | ---: | ---: |")
    for name, runs in seconds.items():
        count = len(suites[name].expectations)
        spread = f"{min(runs):.3f}-{max(runs):.3f}"
        print(f"| {name} the four | {count} | {statistics.median(runs):.3f} | {spread} |")
    ratio = statistics.median(seconds["with"]) / statistics.median(seconds["without"])
    print(f"\nratio with / without: {ratio:.2f} (acceptance: below 2)")
    return 1 if problems or ratio >= 2 else 0


if __name__ == "__main__":
    raise SystemExit(main())
