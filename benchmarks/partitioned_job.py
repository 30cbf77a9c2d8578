"""The jobs of ``partitioned.py``, each run in a child process of its own: write the data,
validate it, profile it. Kept apart so that the driver imports nothing heavy: on Linux a child's
peak resident memory (``ru_maxrss``) starts at its parent's, which would hide the job's own.

    python benchmarks/partitioned_job.py write ROWS FOLDER
    python benchmarks/partitioned_job.py validate|profile DATA OUT.json
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from data import _START as START  # the generator's first timestamp
from data import orders, to_arrow
from prepare import CHUNK, in_unit, shifted

import dataguard as dg
from dataguard.expectations import MatchesRegex, NotNull

SUITE = Path(__file__).resolve().parent / "suite.yaml"
#: The partition key: the month of ``created_at``.
KEY = "month"


def write_dataset(rows: int, folder: Path) -> int:
    """The partitioned dataset and the single file under ``folder``; the number of files."""
    dataset = folder / "dataset"
    shift = pd.Timedelta(0)
    offset = 0
    while offset < rows:
        n = min(CHUNK, rows - offset)
        frame = shifted(orders(n, 42 + 1000 * (offset // CHUNK)), offset, shift)
        table = in_unit(to_arrow(frame), "ns")
        months = pc.strftime(table.column("created_at"), "%Y-%m")
        for month in sorted(set(months.to_pylist())):
            part = table.filter(pc.equal(months, month))
            path = dataset / f"{KEY}={month}" / f"part-{offset // CHUNK:03d}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(part, path, compression="zstd", row_group_size=CHUNK)
        shift = frame["created_at"].max() - pd.Timestamp(START)  # the next chunk starts after
        offset += n
    files = sorted(dataset.rglob("*.parquet"), key=lambda p: str(p.relative_to(dataset)))
    writer: pq.ParquetWriter | None = None
    try:
        for path in files:
            table = pq.read_table(path)
            month = path.parent.name.split("=", 1)[1]
            table = table.append_column(KEY, pa.array([month] * table.num_rows, pa.string()))
            if writer is None:
                writer = pq.ParquetWriter(
                    folder / "single.parquet", table.schema, compression="zstd"
                )
            writer.write_table(table, row_group_size=CHUNK)
    finally:
        if writer is not None:
            writer.close()
    return len(files)


def suite() -> dg.Suite:
    base = dg.load_suite(SUITE)
    extra = (NotNull(KEY), MatchesRegex(KEY, regex=r"^\d{4}-\d{2}$"))
    return dg.Suite(base.expectations + extra, base.name)


def job(kind: str, data: str, out: Path) -> None:
    """One job in this (child) process: its figures and its outcome, as JSON in ``out``."""
    started, cpu = time.perf_counter(), time.process_time()
    if kind == "validate":
        result = dg.validate(data, suite(), id_columns=["order_id"], record_history=False)
        outcome = json.dumps([r.to_dict() for r in result.results], sort_keys=True)
    else:
        outcome = dg.profile(data).to_bytes().decode()
    figures = {
        "wall": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "outcome": outcome,
    }
    out.write_text(json.dumps(figures))


def main(argv: list[str]) -> int:
    if argv[0] == "write":
        count = write_dataset(int(argv[1]), Path(argv[2]))
        print(f"wrote {count} files", file=sys.stderr)
    else:
        job(argv[0], argv[1], Path(argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
