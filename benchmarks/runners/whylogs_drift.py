"""Drift job in whylogs 1.6: profile both batches with ``why.log`` and score them with
``whylogs.viz.drift.column_drift_algorithms.calculate_drift_scores``.

Two modes, each its own entry in the results:

- ``raw`` (job ``drift``): both ``why.log`` profiles and the scoring are timed, as a user
  comparing two raw tables runs it;
- ``profile`` (job ``drift_profile``): the reference profile is logged and written once,
  untimed; the timed call reads it, logs the current batch and scores.

whylogs' defaults: KS when a column has a distribution sketch (KLL, k=1024), chi-square over
frequent items otherwise; p-value buckets ``DRIFT`` < 0.05 <= ``POSSIBLE_DRIFT`` < 0.15 <=
``NO_DRIFT``. A column counts as drifted only for ``DRIFT``; the category is kept in the answer.

Run with ``benchmarks/.venvs/whylogs/bin/python``::

    python benchmarks/runners/whylogs_drift.py --data benchmarks/data/100000 --repeat 1 \\
        --out drift-whylogs.json [--mode profile]
"""

from __future__ import annotations

import os
import sys
import tempfile
import warnings
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd
from _drift import DRIFT_COLUMNS, JOBS, MODE, drifted, load, measure, parse_args
from _measure import write_result

# whylogs posts usage statistics from a thread unless told not to: no network inside a timing.
os.environ.setdefault("WHYLOGS_NO_ANALYTICS", "True")
import whylogs as why
from whylogs.core.view.dataset_profile_view import DatasetProfileView
from whylogs.viz.drift.column_drift_algorithms import calculate_drift_scores

Scores = dict[str, dict[str, Any] | None]


def score(current_view: DatasetProfileView, reference_view: DatasetProfileView) -> Scores:
    """whylogs' default drift scores; ``with_thresholds`` only adds the category to each."""
    scores: Scores = calculate_drift_scores(
        target_view=current_view, reference_view=reference_view, with_thresholds=True
    )
    return scores


def raw_job(reference: pd.DataFrame, current: pd.DataFrame) -> Callable[[], Scores]:
    """Both profiles and the scores, every call."""

    def run() -> Scores:
        reference_view = why.log(reference).view()
        current_view = why.log(current).view()
        return score(current_view, reference_view)

    return run


def profile_job(reference: pd.DataFrame, current: pd.DataFrame, path: Path) -> Callable[[], Scores]:
    """The reference profile written here once, untimed; each call reads it, logs the current
    batch and scores."""
    path.write_bytes(why.log(reference).view().serialize())

    def run() -> Scores:
        reference_view = DatasetProfileView.deserialize(path.read_bytes())
        current_view = why.log(current).view()
        return score(current_view, reference_view)

    return run


def column_answers(scores: Scores) -> dict[str, dict[str, Any]]:
    """Each scored column's algorithm, statistic, p-value and category."""
    return {
        name: {
            "drifted": result["drift_category"] == "DRIFT",
            "method": result["algorithm"],
            "statistic": result["statistic"],
            "pvalue": result["pvalue"],
            "category": result["drift_category"],
        }
        for name, result in scores.items()
        if result is not None
    }


def skipped_columns(scores: Scores, columns: Sequence[str]) -> dict[str, str]:
    """Columns whylogs did not score, and why."""
    return {
        name: "not in both profiles" if name not in scores else "no algorithm fits its metrics"
        for name in columns
        if scores.get(name) is None
    }


def settings(mode: str, profile_path: Path | None) -> dict[str, Any]:
    """What this run used: whylogs' defaults, written out."""
    out: dict[str, Any] = {
        "mode": mode,
        "log": "why.log(frame) defaults (KLL k=1024, frequent items lg_max_k=10, HLL lg_k=12)",
        "scores": "calculate_drift_scores defaults: KS (numbers), chi-square (strings)",
        "thresholds": "p < 0.05 DRIFT, < 0.15 POSSIBLE_DRIFT; drifted means DRIFT",
        "input": "pandas DataFrame, object strings",
        "analytics": "off (WHYLOGS_NO_ANALYTICS)",
    }
    if profile_path is not None:
        out["profile_file"] = f"serialized DatasetProfileView, {profile_path.stat().st_size} bytes"
        out["timed"] = "read reference profile + why.log(current) + calculate_drift_scores"
    else:
        out["timed"] = "why.log(reference) + why.log(current) + calculate_drift_scores"
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the job once for the answers, then time it; write the result JSON."""
    args = parse_args(__doc__.splitlines()[0], argv, columns=DRIFT_COLUMNS, option=MODE)
    warnings.simplefilter("ignore")  # numpy's RuntimeWarnings on inf inside whylogs' moments
    reference, current = load(args.data, args.columns)
    with tempfile.TemporaryDirectory(prefix="whylogs-drift-") as scratch:
        profile_path = None
        run = raw_job(reference, current)
        if args.mode == "profile":
            profile_path = Path(scratch) / "reference.bin"
            run = profile_job(reference, current, profile_path)
        scores = run()
        answers = column_answers(scores)
        print(f"whylogs {args.mode}: drifted {drifted(answers)}", file=sys.stderr)
        timing = measure(run, args.repeat)
        payload = {
            "tool": "whylogs",
            "version": version("whylogs"),
            "job": JOBS[args.mode],
            "rows": len(reference),
            "current_rows": len(current),
            "settings": settings(args.mode, profile_path),
            **timing,
            "drift": answers,
            "drifted_columns": drifted(answers),
            "possible_drift_columns": sorted(
                name for name, answer in answers.items() if answer["category"] == "POSSIBLE_DRIFT"
            ),
            "skipped": skipped_columns(scores, args.columns),
        }
    write_result(args.out, payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
