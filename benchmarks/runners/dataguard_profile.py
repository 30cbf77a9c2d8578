"""Profiling job in dataguard: ``dg.profile(reference)`` over every column of the orders table.

dataguard profiles all 18 columns: numbers and timestamps as numeric columns (exact counts,
sums, extremes and 1024 quantile bins; timestamps in microseconds since the epoch), strings and
booleans as categorical ones (exact category counts). The answers are per column: ``count`` (rows),
``null_count`` (missing: null, NaN, NaT and pandas NA alike), and for numeric columns ``mean``,
``min`` and ``max`` of the present values (infinities count as present: they make the mean
infinite, while ``min``/``max`` are the finite extremes and the infinities are counted apart).

Run with the dataguard venv's python (``/work/venv/bin/python`` until ``benchmarks/run.py`` has
made ``benchmarks/.venvs/dataguard``)::

    python benchmarks/runners/dataguard_profile.py --data benchmarks/data/100000 --repeat 1 \\
        --out profile-dataguard.json

Inputs (``--input``): ``pandas`` (the frame ``pd.read_parquet`` gives, object strings; the one
whylogs gets), ``arrow`` (a ``pyarrow.Table`` from ``pq.read_table``) and ``parquet`` (the file's
path, streamed; reading is timed), the last two the ones polars and DuckDB get.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from _drift import REFERENCE, measure, number, parquet, parse_args
from _measure import write_result

import dataguard as dg
from dataguard.profile import CategoricalProfile, NumericProfile


def column_answer(column: NumericProfile | CategoricalProfile) -> dict[str, Any]:
    """One column's counts and, for numeric columns, mean and extremes."""
    answer: dict[str, Any] = {
        "kind": column.kind,
        "dtype": column.dtype,
        "count": column.rows,
        "null_count": column.missing,
        "mean": None,
        "min": None,
        "max": None,
        "distinct": column.distinct,
    }
    if isinstance(column, NumericProfile):
        answer |= {
            "mean": number(column.moments.mean),
            "min": number(column.minimum),
            "max": number(column.maximum),
            "infinities": column.positive_infinities + column.negative_infinities,
        }
    return answer


def main(argv: Sequence[str] | None = None) -> int:
    """Run the job once for the answers, then time it; write the result JSON."""
    option = ("--input", ["pandas", "arrow", "parquet"], "pandas")
    args = parse_args(__doc__.splitlines()[0], argv, columns=None, option=option)
    path = Path(args.data) / REFERENCE
    names = pq.read_schema(path).names if args.columns is None else list(args.columns)
    rows = int(pq.ParquetFile(path).metadata.num_rows)
    reference: Any = path
    if args.input == "pandas":
        reference = parquet(args.data, REFERENCE, args.columns)
    elif args.input == "arrow":
        reference = pq.read_table(path, columns=args.columns)

    def run() -> dg.Profile:
        return dg.profile(reference)

    profile = run()
    unprofiled = sorted(set(names) - set(profile.columns))
    print(f"dataguard: profiled {len(profile.columns)}, skipped {unprofiled}", file=sys.stderr)
    timing = measure(run, args.repeat)
    payload = {
        "tool": "dataguard",
        "version": dg.__version__,
        "job": "profile",
        "rows": rows,
        "input": args.input,
        "threads": os.cpu_count(),
        "settings": {
            "call": "dg.profile(reference) defaults (bins 1024, exact_cap 4096, discrete_cap 256, "
            "categorical_cap 1000)",
            "workers": "default (one thread per core)",
            "input": {
                "pandas": "pandas DataFrame, object strings",
                "arrow": "pyarrow.Table from pq.read_table",
                "parquet": "the Parquet file's path, streamed (reading is timed)",
            }[args.input],
            "timestamps": "numeric, microseconds since the epoch",
        },
        **timing,
        "profile": {name: column_answer(column) for name, column in profile.columns.items()},
        "skipped": dict.fromkeys(unprofiled, "not profilable by dataguard"),
    }
    write_result(args.out, payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
