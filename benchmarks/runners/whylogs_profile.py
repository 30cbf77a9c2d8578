"""Profiling job in whylogs 1.6: ``why.log(reference).view()`` over every column of the orders
table.

The answers are read from ``view.to_pandas()``, outside the timing: ``count`` is ``counts/n``
(rows), ``null_count`` is ``counts/null`` (None, NaN, NaT and pandas NA alike; NaN is also in
``counts/nan``), and ``mean``/``min``/``max`` come from the distribution metric when it saw
values (``distribution/n`` > 0). whylogs gives strings no distribution, treats booleans as 0/1
numbers and keeps no distribution for timestamps (they are "object" values), so those columns
have null statistics here. Infinities are values of the distribution: they make ``mean`` and
``max`` infinite.

Run with ``benchmarks/.venvs/whylogs/bin/python``::

    python benchmarks/runners/whylogs_profile.py --data benchmarks/data/100000 --repeat 1 \\
        --out profile-whylogs.json
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from collections.abc import Sequence
from importlib.metadata import version
from typing import Any

import pandas as pd
from _drift import REFERENCE, measure, number, parquet, parse_args
from _measure import write_result

# whylogs posts usage statistics from a thread unless told not to: no network inside a timing.
os.environ.setdefault("WHYLOGS_NO_ANALYTICS", "True")
import whylogs as why
from whylogs.core.view.dataset_profile_view import DatasetProfileView

#: whylogs' inferred value types (``types/<kind>`` counters of the summary).
TYPES = ("integral", "fractional", "boolean", "string", "object", "tensor")


def _count(value: Any) -> int:
    """A whylogs count (a float once to_pandas has seen a NaN in its column) as an int."""
    return 0 if value is None or (isinstance(value, float) and math.isnan(value)) else int(value)


def _kind(row: pd.Series) -> str:
    """The type whylogs counted most often in the column (``types/*``)."""
    counts = {kind: _count(row.get(f"types/{kind}")) for kind in TYPES}
    return max(counts, key=lambda kind: counts[kind])


def column_answer(row: pd.Series) -> dict[str, Any]:
    """One column's counts and, when whylogs saw numbers, their mean and extremes."""
    numeric = _count(row.get("distribution/n")) > 0
    return {
        "kind": _kind(row),
        "count": _count(row["counts/n"]),
        "null_count": _count(row["counts/null"]),
        "nan_count": _count(row["counts/nan"]),
        "infinities": _count(row["counts/inf"]),
        "mean": number(row["distribution/mean"]) if numeric else None,
        "min": number(row["distribution/min"]) if numeric else None,
        "max": number(row["distribution/max"]) if numeric else None,
        "distinct_estimate": number(row.get("cardinality/est")),
    }


def answers(view: DatasetProfileView) -> dict[str, dict[str, Any]]:
    """Every profiled column's answer, from the view's summary frame."""
    summary = view.to_pandas()
    return {str(name): column_answer(row) for name, row in summary.iterrows()}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the job once for the answers, then time it; write the result JSON."""
    args = parse_args(__doc__.splitlines()[0], argv, columns=None)
    warnings.simplefilter("ignore")  # numpy's RuntimeWarnings on inf inside whylogs' moments
    reference = parquet(args.data, REFERENCE, args.columns)

    def run() -> DatasetProfileView:
        return why.log(reference).view()

    profile = answers(run())
    unprofiled = sorted(set(map(str, reference.columns)) - set(profile))
    print(f"whylogs: profiled {len(profile)}, skipped {unprofiled}", file=sys.stderr)
    timing = measure(run, args.repeat)
    payload = {
        "tool": "whylogs",
        "version": version("whylogs"),
        "job": "profile",
        "rows": len(reference),
        "settings": {
            "call": "why.log(reference).view() defaults (KLL k=1024, frequent items "
            "lg_max_k=10, HLL lg_k=12)",
            "input": "pandas DataFrame, object strings",
            "analytics": "off (WHYLOGS_NO_ANALYTICS)",
            "timestamps": "object values: counted, no distribution",
        },
        **timing,
        "profile": profile,
        "skipped": dict.fromkeys(unprofiled, "not in whylogs' profile"),
    }
    write_result(args.out, payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
