"""Profiling job in DuckDB: ``SUMMARIZE`` of the reference.

    python benchmarks/runners/duckdb_profile.py --data DIR --repeat R --out F \\
        [--input arrow|parquet]

``SUMMARIZE`` is DuckDB's one-statement profile: per column min, max, ``approx_unique``, avg, std,
approximate quartiles (``approx_quantile``), count and ``null_percentage``. Exact: the row count,
min, max and the mean. Approximate by design: the distinct count (HyperLogLog), the quartiles, and
the null count, which it gives only as a percentage with two decimals (a column with 7 nulls in
1M rows shows 0.00%): the runner reports ``round(null_percentage * count / 100)`` and marks it.
Inputs: ``arrow`` (a registered ``pyarrow.Table``) and ``parquet`` (``read_parquet(path)``,
reading timed). Threads: ``SET threads = 2``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _anchors
import duckdb
import pyarrow.parquet as pq
from _drift import REFERENCE, measure, number, parse_args
from _measure import write_result

NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "UTINYINT",
           "USMALLINT", "UINTEGER", "UBIGINT")  # fmt: skip


def value(text: Any, kind: str, *, mean: bool = False) -> float | None:
    """A ``SUMMARIZE`` cell (text) as a number: timestamps in microseconds since the epoch."""
    if text is None:
        return None
    if kind.startswith("TIMESTAMP"):
        convert = _anchors.epoch_microseconds_float if mean else _anchors.epoch_microseconds
        return float(convert(str(text)))
    if kind in NUMERIC or kind.startswith("DECIMAL"):
        parsed = float(str(text).replace("-nan", "nan"))
        return number(parsed)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    option = ("--input", list(_anchors.PROFILE_INPUTS), "parquet")
    args = parse_args(__doc__.splitlines()[0], argv, columns=None, option=option)
    path = Path(args.data) / REFERENCE
    con = duckdb.connect()
    con.execute(f"SET threads = {_anchors.THREADS}")
    con.execute("SET enable_progress_bar = false")
    if args.input == "arrow":
        con.register("reference", pq.read_table(path))
        query = "SUMMARIZE SELECT * FROM reference"
    else:
        query = "SUMMARIZE SELECT * FROM read_parquet('" + str(path).replace("'", "''") + "')"

    def run() -> list[dict[str, Any]]:
        cursor = con.execute(query)
        names = [d[0] for d in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    profile = {}
    for row in run():
        kind, rows = str(row["column_type"]), int(row["count"])
        nulls = round(float(row["null_percentage"] or 0) * rows / 100)
        profile[str(row["column_name"])] = {
            "dtype": kind,
            "count": rows,
            "null_count": nulls,
            "mean": value(row["avg"], kind, mean=True),
            "min": value(row["min"], kind),
            "max": value(row["max"], kind),
            "distinct": int(row["approx_unique"]),
            "approximate": ["null_count (two-decimal percentage)", "distinct (HyperLogLog)"],
        }
    print(f"duckdb ({args.input}): profiled {len(profile)} columns", file=sys.stderr)
    settings = {
        "call": query.replace(str(path), path.name),
        "threads": f"SET threads = {_anchors.THREADS}",
        "approximate": "approx_unique (HyperLogLog), quartiles, null count as a 2-decimal "
        "percentage",
    }
    rows = int(pq.ParquetFile(path).metadata.num_rows)
    payload = _anchors.profile_payload(args, "duckdb", duckdb.__version__, rows, settings)
    write_result(args.out, payload | measure(run, args.repeat) | {"profile": profile})
    return 0


if __name__ == "__main__":
    sys.exit(main())
