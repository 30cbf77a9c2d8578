"""Drift against a rolling reference merged from daily profiles, on the peers' drift dataset.

Issue 17 item 4's acceptance: on the 1M-row drift dataset the peer benchmarks use (``data.py``:
``orders(n, 42)`` as the reference, ``current(n, 42)`` with the planted drift of ``DRIFTED``),
drift against a merge of 7 independently profiled daily parts flags the same columns as drift
against one profile of all the reference data. This script profiles the reference whole and in 7
consecutive parts (the rows are in time order, so each part is a stretch of days), merges the
parts with ``dg.merge_profiles``, and runs ``dg.drift`` of two current batches against both
references: the drifted one, and an undrifted one (``orders(n, 43)``, the same generator with
another seed). It prints the flagged columns, each numeric column's rank error and KS bracket,
and the timings, and exits 1 when the two references flag different columns.

    PYTHONPATH=. python benchmarks/merged_reference.py --rows 1000000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from data import DRIFT_COLUMNS, DRIFTED, current, orders

import dataguard as dg
from dataguard.profile import NumericProfile

T = TypeVar("T")


def timed(label: str, run: Callable[[], T]) -> T:
    """``run()``, printing its wall-clock time."""
    started = time.perf_counter()
    out = run()
    print(f"  {label}: {time.perf_counter() - started:.3f} s")
    return out


def daily_parts(frame: pd.DataFrame, parts: int) -> list[pd.DataFrame]:
    """``parts`` consecutive stretches of rows of nearly equal size."""
    size = -(-len(frame) // parts)
    return [frame.iloc[start : start + size] for start in range(0, len(frame), size)]


def flagged(report: dg.DriftReport) -> list[str]:
    return sorted(report.drifted_columns)


def brackets(report: dg.DriftReport) -> dict[str, str]:
    """Each KS column's bracket of D, as text."""
    out = {}
    for name, column in report.columns.items():
        if column.method == "ks":
            out[name] = f"[{column.details['d_lo']:.4f}, {column.details['d_hi']:.4f}]"
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--parts", type=int, default=7)
    args = parser.parse_args(argv)
    columns = list(DRIFT_COLUMNS)
    print(
        f"data: orders({args.rows:,}, 42) as reference, {args.parts} parts; {len(columns)} columns"
    )
    reference = orders(args.rows, 42)[columns]
    batches = {
        "drifted (current(n, 42))": current(args.rows, 42)[columns],
        "not drifted (orders(n, 43))": orders(args.rows, 43)[columns],
    }
    print("profiling:")
    whole = timed("whole reference, one profile", lambda: dg.profile(reference))
    days = daily_parts(reference, args.parts)
    profiles = [
        timed(f"part {i + 1} ({len(day):,} rows)", lambda day=day: dg.profile(day))
        for i, day in enumerate(days)
    ]
    merged = timed(f"merge of the {len(profiles)} parts", lambda: dg.merge_profiles(profiles))
    with tempfile.TemporaryDirectory() as scratch:
        sizes = {}
        for label, prof in (("whole", whole), ("merged", merged)):
            path = Path(scratch) / f"{label}.profile.json.gz"
            prof.save(path)
            sizes[label] = path.stat().st_size
    print(f"  saved sizes: whole {sizes['whole']:,} bytes, merged {sizes['merged']:,} bytes")
    print("rank error of the merged profile (rows, share of values):")
    for name, column in merged.columns.items():
        if isinstance(column, NumericProfile):
            share = column.rank_error / column.count if column.count else 0.0
            print(f"  {name}: {column.rank_error:,} rows ({share:.5%})")
    same = True
    results: dict[str, Any] = {}
    # Untimed: the first drift call imports scipy's statistics.
    dg.drift(reference.head(1000), reference=whole)
    for label, batch in batches.items():
        print(f"current batch {label}:")
        against_whole = timed(
            "drift against the whole profile", lambda b=batch: dg.drift(b, reference=whole)
        )
        against_merged = timed(
            "drift against the merged profile", lambda b=batch: dg.drift(b, reference=merged)
        )
        print(f"  flagged (whole):  {flagged(against_whole)}")
        print(f"  flagged (merged): {flagged(against_merged)}")
        whole_d, merged_d = brackets(against_whole), brackets(against_merged)
        for name in whole_d:
            print(f"    {name}: D in {whole_d[name]} (whole), {merged_d.get(name)} (merged)")
        same = same and flagged(against_whole) == flagged(against_merged)
        results[label] = (flagged(against_whole), flagged(against_merged))
    print(f"planted drift: {sorted(DRIFTED)}")
    print("same flagged columns for every batch" if same else "the references DISAGREE")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
