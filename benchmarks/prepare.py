"""Write what the benchmark runners read: the data at one size, and the suites as JSON.

    python benchmarks/prepare.py --rows 1000000 --dir benchmarks/data/1000000
    python benchmarks/prepare.py --suite benchmarks/suite.yaml --suite-json OUT.json

The first writes ``reference.parquet`` (``data.orders``) and ``current.parquet`` (``data.current``,
the later batch with planted drift) unless they already exist (``--tables current`` writes only
the second), and ``meta.json`` with the planted
breaches and drift, which ``run.py`` (standard library only, so it cannot import ``data.py``)
checks the tools' answers against. Above ``CHUNKED_ABOVE`` rows the tables are built and written
1M rows at a time (``chunked``), so a 20M-row file never has to fit in memory as a pandas frame.

``--csv`` also writes ``current.csv``, the same rows as ``current.parquet`` as Arrow's CSV writer
puts them (a header line; nulls as empty fields, empty strings as ``""``; timestamps as
``2024-01-01 00:00:01.123456789``; infinities as ``inf``), for the validation job's CSV input.

``--profile-truth`` adds pandas' count, missing count and mean of every reference column to
``meta.json``, what the profiling job's tools are checked against.

``--timestamp-unit us`` writes every timestamp in microseconds (sub-microsecond digits dropped),
for readers that cannot take Parquet's nanosecond timestamps: Spark. ``run.py`` keeps such data
in its own folder (``benchmarks/data/<rows>-us/``).

The second converts a suite to JSON through dataguard's own parser (defaults left out, as in the
YAML), because not every peer's virtual environment has a YAML parser. Runs in the ``dataguard``
virtual environment (``data.py`` needs numpy 2).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data
from data import _START as START  # the generator's first timestamp
from data import BREACHES, DRIFT_COLUMNS, DRIFTED, current, orders, to_arrow

import dataguard as dg

CHUNKED_ABOVE = 5_000_000
CHUNK = 1_000_000
_ID_WIDTH = 10  # data.py's order ids are "ORD-" + 10 digits


def shifted(frame: pd.DataFrame, row_offset: int, time_offset: pd.Timedelta) -> pd.DataFrame:
    """A chunk moved after the previous ones: order ids and timestamps shifted, so ids stay
    unique and ``created_at`` keeps increasing across chunks (the planted breaches stay as they
    were: the copied ids are shifted alike, the out-of-order rows stay out of order)."""
    numbers = frame["order_id"].str.slice(4).astype(np.int64) + row_offset
    frame["order_id"] = "ORD-" + numbers.astype(str).str.zfill(_ID_WIDTH)
    frame["created_at"] = frame["created_at"] + time_offset
    frame["shipped_at"] = frame["shipped_at"] + time_offset
    return frame


def in_unit(table: pa.Table, unit: str) -> pa.Table:
    """The table with every timestamp column in ``unit`` (digits below it dropped)."""
    fields = [
        f.with_type(pa.timestamp(unit, f.type.tz)) if pa.types.is_timestamp(f.type) else f
        for f in table.schema
    ]
    return table.cast(pa.schema(fields, table.schema.metadata), safe=False)


def chunked(
    make: Callable[[int, int], pd.DataFrame], rows: int, path: Path, seed: int, unit: str
) -> None:
    """Write ``rows`` rows of ``make(n, seed)`` to ``path`` in 1M-row chunks, each with its own
    seed (so every chunk has the planted breaches, ``rows / CHUNK`` times over)."""
    writer: pq.ParquetWriter | None = None
    offset, shift = 0, pd.Timedelta(0)
    try:
        while offset < rows:
            n = min(CHUNK, rows - offset)
            frame = shifted(make(n, seed + 1000 * (offset // CHUNK)), offset, shift)
            table = in_unit(to_arrow(frame), unit)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            writer.write_table(table, row_group_size=CHUNK)
            shift = frame["created_at"].max() - pd.Timestamp(START)  # the next chunk starts after
            offset += n
    finally:
        if writer is not None:
            writer.close()


def write_table(
    make: Callable[[int, int], pd.DataFrame],
    rows: int,
    path: Path,
    *,
    stale: bool = False,
    unit: str = "ns",
) -> None:
    """Write the table unless the file exists and is not ``stale`` (generated files are kept
    and reused); the file is replaced atomically, so a reader never sees half of one."""
    if path.exists() and not stale:
        print(f"  {path} exists, reused", file=sys.stderr)
        return
    started = time.perf_counter()
    partial = path.with_suffix(".parquet.part")
    if rows > CHUNKED_ABOVE:
        chunked(make, rows, partial, seed=42, unit=unit)
    else:
        table = in_unit(to_arrow(make(rows, 42)), unit)
        pq.write_table(table, partial, compression="zstd", row_group_size=1 << 20)
    partial.replace(path)
    took = time.perf_counter() - started
    print(f"  wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in {took:.0f} s", file=sys.stderr)


def generator_digest() -> str:
    """A digest of the generator's source: data written by another version is written anew."""
    return hashlib.sha256(Path(data.__file__).read_bytes()).hexdigest()


def write_meta(rows: int, folder: Path, unit: str = "ns") -> None:
    """What the generator planted, for run.py's agreement checks."""
    chunks = max(1, -(-rows // CHUNK)) if rows > CHUNKED_ABOVE else 1
    meta = {
        "rows": rows,
        "generator_sha256": generator_digest(),
        "chunks": chunks,
        "breaches": {k: v * chunks for k, v in BREACHES.items()},
        "drifted": DRIFTED,
        "drift_columns": list(DRIFT_COLUMNS),
        "timestamp_unit": unit,
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")


def profile_truth(path: Path) -> dict[str, dict[str, Any]]:
    """Per column of a Parquet file, what every profiler must agree on: rows, missing values
    (null, NaN, NaT, NA) and, for numbers (not booleans or timestamps), the mean of the present
    values in float64 (an infinity makes it infinite)."""
    frame = pd.read_parquet(path)
    truth = {}
    for name in frame.columns:
        column = frame[name]
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        mean = float(column.dropna().astype("float64").mean()) if numeric else None
        truth[str(name)] = {
            "count": len(column),
            "null_count": int(column.isna().sum()),
            "mean": mean,
        }
    return truth


def add_profile_truth(folder: Path) -> None:
    """Store the profile truth of reference.parquet in meta.json (once)."""
    path = folder / "meta.json"
    meta = json.loads(path.read_text())
    if "profile_truth" not in meta:
        meta["profile_truth"] = profile_truth(folder / "reference.parquet")
        path.write_text(json.dumps(meta, indent=1) + "\n")


def write_csv(folder: Path, *, stale: bool = False) -> None:
    """``current.csv`` from ``current.parquet``, one row group at a time (so a large file never
    has to fit in memory), unless it exists and is not ``stale``; replaced atomically."""
    source, path = folder / "current.parquet", folder / "current.csv"
    if path.exists() and not stale and path.stat().st_mtime >= source.stat().st_mtime:
        print(f"  {path} exists, reused", file=sys.stderr)
        return
    started = time.perf_counter()
    partial = path.with_suffix(".csv.part")
    parquet = pq.ParquetFile(source)
    with pcsv.CSVWriter(partial, parquet.schema_arrow) as writer:
        for group in range(parquet.num_row_groups):
            writer.write_table(parquet.read_row_group(group))
    partial.replace(path)
    took = time.perf_counter() - started
    print(f"  wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in {took:.0f} s", file=sys.stderr)


TABLES: dict[str, Callable[[int, int], pd.DataFrame]] = {"reference": orders, "current": current}


def write_data(
    rows: int, folder: Path, tables: list[str], unit: str = "ns", *, csv: bool = False
) -> None:
    """The ``tables`` (reference, current), ``current.csv`` when ``csv`` and meta.json for one
    size. Files another version of ``data.py`` wrote (meta.json says) are written anew, or removed
    if not asked for."""
    folder.mkdir(parents=True, exist_ok=True)
    meta = folder / "meta.json"
    stale = meta.exists() and json.loads(meta.read_text()).get("generator_sha256") != (
        generator_digest()
    )
    if stale:
        print(f"  {folder}: written by another data.py, writing anew", file=sys.stderr)
    for name, make in TABLES.items():
        path = folder / f"{name}.parquet"
        if name in tables:
            write_table(make, rows, path, stale=stale, unit=unit)
        elif stale:
            path.unlink(missing_ok=True)
    if csv and "current" in tables:
        write_csv(folder, stale=stale)
    elif stale:
        (folder / "current.csv").unlink(missing_ok=True)
    if stale or not meta.exists():
        write_meta(rows, folder, unit)


def write_suite_json(suite: Path, out: Path) -> None:
    """The suite as JSON, through dataguard's parser (which also checks it)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(dg.load_suite(suite).to_dict(), indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, help="rows of the data to write")
    parser.add_argument("--dir", type=Path, help="folder for the data")
    parser.add_argument(
        "--tables", default="reference,current", help="which tables to write (comma-separated)"
    )
    parser.add_argument(
        "--profile-truth", action="store_true", help="add pandas' profile of the reference"
    )
    parser.add_argument("--csv", action="store_true", help="also write current.csv")
    parser.add_argument(
        "--timestamp-unit", choices=("ns", "us"), default="ns", help="unit of the timestamps"
    )
    parser.add_argument("--suite", type=Path, help="a suite file to convert")
    parser.add_argument("--suite-json", type=Path, help="where to write the converted suite")
    args = parser.parse_args(argv)
    if args.rows is not None:
        if args.dir is None:
            parser.error("--rows needs --dir")
        write_data(args.rows, args.dir, args.tables.split(","), args.timestamp_unit, csv=args.csv)
        if args.profile_truth:
            add_profile_truth(args.dir)
    if args.suite is not None:
        if args.suite_json is None:
            parser.error("--suite needs --suite-json")
        write_suite_json(args.suite, args.suite_json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
