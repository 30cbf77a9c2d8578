"""Out of core: dataguard validates and profiles a Parquet file by streaming it, in bounded memory,
with the same results as from the table held in memory.

    python benchmarks/runners/dataguard_out_of_core.py --data DIR --suite SUITE --out FILE.json

Runs three child processes on ``DIR/current.parquet`` (each child's peak RSS is its own, read
from ``getrusage`` at its end): ``validate`` and ``profile`` stream the file by path, ``memory``
reads it whole with ``pq.read_table`` and does both on the table. Writes the protocol's JSON with
one entry per child (seconds, peak RSS, the checks' answers and the profile's SHA-256) and
``identical``: whether the streamed answers and profile bytes equal the in-memory ones.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import _measure
import _validate
import pyarrow.parquet as pq

import dataguard as dg

STEPS = ("validate", "profile", "memory")


def _answers(result: dg.ValidationResult, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        _validate.answer(entry, r.passed, r.unexpected_count)
        for entry, r in zip(entries, result.results, strict=True)
    ]


def _step(step: str, path: Path, suite_path: Path) -> dict[str, Any]:
    """One child's work; returns what it measured."""
    entries = _validate.entries(_validate.load_document(suite_path))
    suite = dg.load_suite(suite_path)
    started = time.perf_counter()
    out: dict[str, Any] = {}
    if step == "memory":
        data: Any = pq.read_table(path)
        out["read_seconds"] = time.perf_counter() - started
    else:
        data = path
    if step in {"validate", "memory"}:
        out["checks"] = _answers(dg.validate(data, suite), entries)
    if step in {"profile", "memory"}:
        out["profile_sha256"] = hashlib.sha256(dg.profile(data).to_bytes()).hexdigest()
    out["seconds"] = time.perf_counter() - started
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--suite", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)  # a child's own work
    args = parser.parse_args()
    path = Path(args.data) / _validate.CURRENT
    if args.step:
        print(json.dumps(_step(args.step, path, args.suite)))
        return
    steps: dict[str, dict[str, Any]] = {}
    for step in STEPS:
        print(f"dataguard out of core: {step}...", file=sys.stderr)
        command = [sys.executable, __file__, "--data", str(args.data), "--suite", str(args.suite)]
        child = subprocess.run(
            [*command, "--out", str(args.out), "--step", step],
            check=False,
            capture_output=True,
            text=True,
        )
        if child.returncode != 0:
            raise SystemExit(f"out-of-core step {step!r} failed:\n{child.stderr}")
        steps[step] = json.loads(child.stdout.strip().splitlines()[-1])
    memory = steps["memory"]
    _measure.write_result(
        args.out,
        {
            "tool": "dataguard",
            "version": dg.__version__,
            "job": "out_of_core",
            "rows": int(pq.ParquetFile(path).metadata.num_rows),
            "file_mb": path.stat().st_size / 1e6,
            "settings": "validate(path) and profile(path) stream the file; 'memory' reads it "
            "with pq.read_table first; default chunk size and workers",
            "steps": steps,
            "identical": steps["validate"]["checks"] == memory["checks"]
            and steps["profile"]["profile_sha256"] == memory["profile_sha256"],
        },
    )


if __name__ == "__main__":
    main()
