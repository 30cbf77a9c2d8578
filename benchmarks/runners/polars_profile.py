"""Profiling job in polars: ``describe()`` plus ``n_unique`` per column of the reference.

    python benchmarks/runners/polars_profile.py --data DIR --repeat R --out F \\
        [--input arrow|parquet]

What a polars user profiles a table with: ``LazyFrame.describe()`` (count of present values, null
count, mean, standard deviation, min, quartiles, max per column) and one ``select`` of
``drop_nulls().n_unique()`` per column (``n_unique`` alone counts null as a value). Every count,
the extremes, the means and the distinct counts are exact (polars' quartiles are exact too: it
sorts); this is the exact answer the profile agreement table holds dataguard's to. Inputs:
``arrow`` (``pl.from_arrow`` of a ``pyarrow.Table``, inside the timed call) and ``parquet``
(``pl.scan_parquet``, reading timed). Threads: ``POLARS_MAX_THREADS=2``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _anchors
import pyarrow.parquet as pq
from _drift import REFERENCE, measure, number, parse_args
from _measure import write_result

os.environ["POLARS_MAX_THREADS"] = str(_anchors.THREADS)  # read when polars is imported

import polars as pl  # after the thread count is set


def value(text: Any, dtype: pl.DataType, *, mean: bool = False) -> float | None:
    """A ``describe()`` cell as a number: timestamps in microseconds since the epoch (dataguard's
    unit), booleans and strings none (dataguard profiles them as categories)."""
    if text is None:
        return None
    if dtype.is_temporal():
        convert = _anchors.epoch_microseconds_float if mean else _anchors.epoch_microseconds
        return float(convert(str(text)))
    if dtype.is_numeric():
        return number(text)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    option = ("--input", list(_anchors.PROFILE_INPUTS), "parquet")
    args = parse_args(__doc__.splitlines()[0], argv, columns=None, option=option)
    path = Path(args.data) / REFERENCE
    table = pq.read_table(path) if args.input == "arrow" else None

    def run() -> tuple[pl.DataFrame, dict[str, Any], pl.Schema]:
        lazy = pl.from_arrow(table).lazy() if table is not None else pl.scan_parquet(path)  # type: ignore[union-attr]
        described = lazy.describe()
        distinct = lazy.select(pl.all().drop_nulls().n_unique()).collect().row(0, named=True)
        return described, distinct, lazy.collect_schema()

    described, distinct, schema = run()
    stats = {row["statistic"]: row for row in described.iter_rows(named=True)}
    profile = {}
    for name, dtype in schema.items():
        present, nulls = stats["count"][name], stats["null_count"][name]
        numeric = (dtype.is_numeric() or dtype.is_temporal()) and dtype != pl.Boolean
        profile[name] = {
            "dtype": str(dtype),
            "count": int(float(present)) + int(float(nulls)),
            "null_count": int(float(nulls)),
            "mean": value(stats["mean"][name], dtype, mean=True) if numeric else None,
            "min": value(stats["min"][name], dtype) if numeric else None,
            "max": value(stats["max"][name], dtype) if numeric else None,
            "distinct": int(distinct[name]),
        }
    print(f"polars ({args.input}): profiled {len(profile)} columns", file=sys.stderr)
    settings = {
        "call": "LazyFrame.describe() + select(pl.all().drop_nulls().n_unique())",
        "threads": f"POLARS_MAX_THREADS={pl.thread_pool_size()}",
        "input": "pl.from_arrow(pyarrow.Table), timed"
        if args.input == "arrow"
        else "pl.scan_parquet(path), reading timed",
        "exact": "counts, null counts, min, max, means, distinct counts",
    }
    rows = int(pq.ParquetFile(path).metadata.num_rows)
    payload = _anchors.profile_payload(args, "polars", pl.__version__, rows, settings)
    write_result(args.out, payload | measure(run, args.repeat) | {"profile": profile})
    return 0


if __name__ == "__main__":
    sys.exit(main())
