"""A hive-partitioned Parquet dataset against the one file holding the same rows (issue 18).

    PYTHONPATH=. python benchmarks/partitioned.py --rows 20000000 --dir /tmp/partitioned

Writes ``data.orders`` at ``--rows`` rows in 1M-row chunks (each shifted after the previous one,
as ``prepare.py`` does), partitioned by the month of ``created_at``: ``month=2024-01/
part-000.parquet`` holds the rows of chunk 0 in January 2024 (about 40 files at 20M rows). The
single file ``single.parquet`` holds the same rows in the order the dataset is read (sorted
paths), with ``month`` as its last column, as the dataset reads its partition key.

Then validates (``benchmarks/suite.yaml`` plus a check on the partition key, failing rows named
by ``order_id``) and profiles each, streamed, every job in a child process of its own whose peak
resident memory the kernel reports (``ru_maxrss``), and prints a table and whether the results
(every expectation's result) and the profile bytes are identical.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

JOBS = Path(__file__).resolve().parent / "partitioned_job.py"


def child(*arguments: str) -> None:
    """Run ``partitioned_job.py`` with ``arguments`` in a child process."""
    subprocess.run([sys.executable, str(JOBS), *arguments], check=True)


def run(kind: str, data: Path, folder: Path) -> dict[str, Any]:
    """The figures and outcome of one job, run in a child process of its own."""
    out = folder / f"{kind}-{data.name}.json"
    child(kind, str(data), str(out))
    figures: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--dir", type=Path, default=Path("benchmarks/data/partitioned"))
    parser.add_argument("--repeat", type=int, default=1, help="runs of each job (medians shown)")
    args = parser.parse_args(argv)
    folder = args.dir / str(args.rows)
    if not (folder / "single.parquet").exists():
        started = time.perf_counter()
        folder.mkdir(parents=True, exist_ok=True)
        child("write", str(args.rows), str(folder))
        print(f"written in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    dataset, single = folder / "dataset", folder / "single.parquet"
    count = len(list(dataset.rglob("*.parquet")))
    print(f"{args.rows:,} rows; dataset of {count} files; load {os.getloadavg()[0]:.1f}")
    print("| job | input | wall s | CPU s | peak RSS MB |")
    print("|---|---|---:|---:|---:|")
    identical = {}
    for kind in ("validate", "profile"):
        outcomes = {}
        # Interleaved: dataset, file, dataset, file, ...
        runs: dict[str, list[dict[str, Any]]] = {"dataset": [], "single file": []}
        for _ in range(args.repeat):
            for name, data in (("dataset", dataset), ("single file", single)):
                runs[name].append(run(kind, data, folder))
        for name, results in runs.items():
            results.sort(key=lambda r: r["wall"])
            middle = results[len(results) // 2]
            outcomes[name] = {r["outcome"] for r in results}
            print(
                f"| {kind} | {name} | {middle['wall']:.1f} | {middle['cpu']:.1f} "
                f"| {max(r['peak_rss_mb'] for r in results):.0f} |"
            )
        identical[kind] = len(outcomes["dataset"] | outcomes["single file"]) == 1
    for kind, same in identical.items():
        print(f"{kind}: results {'identical' if same else 'DIFFER'}")
    return 0 if all(identical.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
