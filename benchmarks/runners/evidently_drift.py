"""Drift job in Evidently 0.7: ``Report([DataDriftPreset()])`` run on the current batch against
the reference.

Evidently needs the raw reference (it keeps no profile), so there is one job, ``drift``. The
preset runs with its defaults (per-column method chosen by Evidently: Wasserstein distance
normed by the reference's standard deviation for numbers, Jensen-Shannon distance for
categories once the reference has more than 1000 rows, each with threshold 0.1; KS / chi-square
/ z-test p-values below that). The Report is made with ``include_tests=True`` so that Evidently
itself states each column's verdict (a ``FAIL`` test means drift); this adds the test objects
only. Evidently renders its plotly widgets inside ``run()``, and that is timed too: it is part of
what a user's ``run()`` costs.

``--data-definition inferred`` (default) lets Evidently infer column types, as a user who passes
DataFrames gets; it leaves pandas ``Int64`` columns "unknown" and untested. ``explicit`` declares
numeric dtypes numerical and the rest categorical, so every column is tested.

Run with ``benchmarks/.venvs/evidently/bin/python``::

    python benchmarks/runners/evidently_drift.py --data benchmarks/data/100000 --repeat 1 \\
        --out drift-evidently.json
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Sequence
from importlib.metadata import version
from typing import Any

import pandas as pd
from _drift import DRIFT_COLUMNS, drifted, load, measure, parse_args
from _measure import write_result
from evidently import DataDefinition, Dataset, Report
from evidently.presets import DataDriftPreset


def explicit_definition(frame: pd.DataFrame) -> DataDefinition:
    """Numeric (non-boolean) dtypes as numerical columns, everything else as categorical."""
    numerical = [
        str(name)
        for name, dtype in frame.dtypes.items()
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    ]
    categorical = [str(name) for name in frame.columns if name not in numerical]
    return DataDefinition(numerical_columns=numerical, categorical_columns=categorical)


def job(
    reference: pd.DataFrame, current: pd.DataFrame, definition: DataDefinition | None
) -> Callable[[], Any]:
    """One drift report per call, from DataFrames (or Datasets when a definition is given)."""

    def run() -> Any:
        report = Report([DataDriftPreset()], include_tests=True)
        if definition is None:
            return report.run(current_data=current, reference_data=reference)
        return report.run(
            current_data=Dataset.from_pandas(current, data_definition=definition),
            reference_data=Dataset.from_pandas(reference, data_definition=definition),
        )

    return run


def _status(test: dict[str, Any]) -> str:
    """A test's status as plain text (``FAIL``, ``SUCCESS``, ...), enum or string."""
    status = test["status"]
    return str(getattr(status, "value", status))


def column_answers(snapshot: Any) -> dict[str, dict[str, Any]]:
    """Each tested column's method, score and Evidently's own verdict, from the snapshot dict.

    The score is a distance for distance methods and a p-value for tests whose name says
    ``p_value`` (KS, chi-square, z-test); ``pvalue`` is set only for the latter.
    """
    result = snapshot.dict()
    verdicts = {
        test["metric_config"]["params"]["column"]: _status(test) == "FAIL"
        for test in result["tests"]
        if "column" in test["metric_config"]["params"]
    }
    answers: dict[str, dict[str, Any]] = {}
    for metric in result["metrics"]:
        config = metric["config"]
        if not config["type"].endswith("ValueDrift"):
            continue
        score = float(metric["value"])
        method = str(config["method"])
        answers[config["column"]] = {
            "drifted": verdicts[config["column"]],
            "method": method,
            "statistic": score,
            "pvalue": score if "p_value" in method else None,
            "threshold": config["threshold"],
        }
    return answers


def skipped_columns(
    reference: pd.DataFrame, tested: Sequence[str], definition: DataDefinition | None
) -> dict[str, str]:
    """Columns the preset did not test, with Evidently's inferred type when it is "unknown"."""
    used = definition or Dataset.from_pandas(reference).data_definition
    unknown = set(used.unknown_columns or ())
    return {
        str(name): f"no ValueDrift metric (Evidently's column type: "
        f"{'unknown' if name in unknown else 'not numerical/categorical/text'}; "
        f"pandas dtype {reference[name].dtype})"
        for name in reference.columns
        if name not in tested
    }


def settings(mode: str) -> dict[str, Any]:
    """What this run used."""
    return {
        "preset": "DataDriftPreset() defaults (drift_share 0.5, methods and thresholds auto)",
        "report": "Report([DataDriftPreset()], include_tests=True): verdicts are its tests",
        "data_definition": mode,
        "input": "pandas DataFrame, object strings",
        "timed": "Report(...).run(current_data, reference_data), plotly widgets included",
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the job once for the answers, then time it; write the result JSON."""
    args = parse_args(
        __doc__.splitlines()[0],
        argv,
        columns=DRIFT_COLUMNS,
        option=("--data-definition", ("inferred", "explicit"), "inferred"),
    )
    warnings.simplefilter("ignore")  # pandas' RuntimeWarnings on inf inside Evidently's stats
    reference, current = load(args.data, args.columns)
    definition = explicit_definition(reference) if args.data_definition == "explicit" else None
    run = job(reference, current, definition)
    answers = column_answers(run())
    print(f"evidently {args.data_definition}: drifted {drifted(answers)}", file=sys.stderr)
    timing = measure(run, args.repeat)
    payload = {
        "tool": "evidently",
        "version": version("evidently"),
        "job": "drift",
        "rows": len(reference),
        "current_rows": len(current),
        "settings": settings(args.data_definition),
        **timing,
        "drift": answers,
        "drifted_columns": drifted(answers),
        "skipped": skipped_columns(reference, list(answers), definition),
    }
    write_result(args.out, payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
