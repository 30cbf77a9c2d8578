"""Drift job in dataguard: the current batch against the reference, column by column.

Two modes, each its own entry in the results:

- ``raw`` (job ``drift``): ``dg.drift(current, reference=reference_frame, columns=...)``, the
  reference profiled inside the timed call, as a user comparing two raw tables runs it;
- ``profile`` (job ``drift_profile``): the reference profile is built and saved once, untimed;
  the timed call loads it and runs ``dg.drift(current, reference=profile)``, as a monitoring
  job that keeps a stored profile of its training data runs it.

Run with the dataguard venv's python (``/work/venv/bin/python`` until ``benchmarks/run.py`` has
made ``benchmarks/.venvs/dataguard``)::

    python benchmarks/runners/dataguard_drift.py --data benchmarks/data/100000 --repeat 1 \\
        --out drift-dataguard.json [--mode profile]
"""

from __future__ import annotations

import inspect
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from _drift import DRIFT_COLUMNS, JOBS, MODE, load, measure, parse_args
from _measure import write_result

import dataguard as dg

#: dg.drift's keyword defaults (alpha, min_effect), which this runner leaves as they are.
DEFAULTS = inspect.signature(dg.drift).parameters


def raw_job(
    reference: pd.DataFrame, current: pd.DataFrame, columns: Sequence[str]
) -> Callable[[], dg.DriftReport]:
    """The raw-reference comparison: the reference is profiled inside every call."""

    def run() -> dg.DriftReport:
        return dg.drift(current, reference=reference, columns=list(columns))

    return run


def profile_job(
    reference: pd.DataFrame, current: pd.DataFrame, columns: Sequence[str], path: Path
) -> Callable[[], dg.DriftReport]:
    """The stored-profile comparison: the reference profile is saved here, untimed; each call
    loads it and compares."""
    dg.profile(reference, columns=list(columns)).save(path)

    def run() -> dg.DriftReport:
        return dg.drift(current, reference=dg.load_profile(path))

    return run


def column_answers(report: dg.DriftReport) -> dict[str, dict[str, Any]]:
    """Each column's verdict: the protocol's four fields plus dataguard's own evidence."""
    return {
        name: {
            "drifted": column.drifted,
            "method": column.method,
            "statistic": column.statistic,
            "pvalue": column.pvalue,
            "pvalue_adjusted": column.pvalue_adjusted,
            "effect": column.effect,
            "missing_drifted": None if column.missing is None else column.missing.drifted,
        }
        for name, column in report.columns.items()
    }


def settings(mode: str, profile_path: Path | None) -> dict[str, Any]:
    """What this run used: dataguard's defaults, written out."""
    out: dict[str, Any] = {
        "mode": mode,
        "alpha": DEFAULTS["alpha"].default,
        "min_effect": DEFAULTS["min_effect"].default,
        "tests": "automatic per column (KS, chi-square, two-proportion; missing share)",
        "correction": "Benjamini-Hochberg across all tests",
        "workers": "default (one thread per core)",
        "input": "pandas DataFrame, object strings",
    }
    if profile_path is not None:
        out["profile_file"] = f"gzip JSON, {profile_path.stat().st_size} bytes"
        out["timed"] = "load_profile + drift(current, reference=profile)"
    else:
        out["timed"] = "drift(current, reference=reference frame): profiles both sides"
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the job once for the answers, then time it; write the result JSON."""
    args = parse_args(__doc__.splitlines()[0], argv, columns=DRIFT_COLUMNS, option=MODE)
    reference, current = load(args.data, args.columns)
    with tempfile.TemporaryDirectory(prefix="dg-drift-") as scratch:
        profile_path = None
        run = raw_job(reference, current, args.columns)
        if args.mode == "profile":
            profile_path = Path(scratch) / "reference.profile.json.gz"
            run = profile_job(reference, current, args.columns, profile_path)
        report = run()
        print(f"dataguard {args.mode}: drifted {sorted(report.drifted_columns)}", file=sys.stderr)
        timing = measure(run, args.repeat)
        payload = {
            "tool": "dataguard",
            "version": dg.__version__,
            "job": JOBS[args.mode],
            "rows": len(reference),
            "current_rows": len(current),
            "settings": settings(args.mode, profile_path),
            **timing,
            "drift": column_answers(report),
            "drifted_columns": sorted(report.drifted_columns),
            "skipped": dict(report.skipped),
        }
    write_result(args.out, payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
