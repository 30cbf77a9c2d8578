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
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

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
    args = parse_args(__doc__.splitlines()[0], argv, columns=None)
    reference = parquet(args.data, REFERENCE, args.columns)

    def run() -> dg.Profile:
        return dg.profile(reference)

    profile = run()
    unprofiled = sorted(set(map(str, reference.columns)) - set(profile.columns))
    print(f"dataguard: profiled {len(profile.columns)}, skipped {unprofiled}", file=sys.stderr)
    timing = measure(run, args.repeat)
    payload = {
        "tool": "dataguard",
        "version": dg.__version__,
        "job": "profile",
        "rows": len(reference),
        "settings": {
            "call": "dg.profile(reference) defaults (bins 1024, exact_cap 4096, discrete_cap 256, "
            "categorical_cap 1000)",
            "workers": "default (one thread per core)",
            "input": "pandas DataFrame, object strings",
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
