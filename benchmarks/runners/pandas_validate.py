"""The hand-written floor of the validation benchmark: ``benchmarks/baseline.py``'s vectorized
pandas version of every suite check, on current.parquet.

    python benchmarks/runners/pandas_validate.py --data DIR --suite SUITE --repeat R --out F
        [--input pandas|pandas-arrow-strings|parquet]

``pandas`` is the frame ``pd.read_parquet`` gives (object strings); ``pandas-arrow-strings`` the
same frame with ``string[pyarrow]`` text columns, where pandas calls Arrow's string kernels (the
faster floor); ``parquet`` times ``pd.read_parquet(path, columns=the suite's columns)`` followed by
the checks. Runs in the ``dataguard`` virtual environment: the baseline reads its parameters from
dataguard's parsed suite, so the two cannot drift apart.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import _validate
import pandas as pd
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from baseline import Outcome, baseline, suite_columns  # a sibling script, not a package

import dataguard as dg

INPUTS = ("pandas", "pandas-arrow-strings", "parquet")
_DESCRIBED = {
    "pandas": "a pandas DataFrame from pd.read_parquet (object strings)",
    "pandas-arrow-strings": "a pandas DataFrame with string[pyarrow] text columns",
    "parquet": "pd.read_parquet(path, columns=the suite's columns) inside the timed region",
}


def runner(args: argparse.Namespace, suite: dg.Suite) -> tuple[Any, int]:
    """The function to time and the number of rows it checks."""
    if args.input == "parquet":
        path = _validate.data_file(args)
        columns = suite_columns(suite)
        rows = int(pq.ParquetFile(path).metadata.num_rows)
        return (lambda: baseline(pd.read_parquet(path, columns=columns), suite)), rows
    frame = _validate.read_frame(args)
    if args.input == "pandas-arrow-strings":
        text = [c for c in frame.columns if frame[c].dtype == object]
        frame = frame.astype(dict.fromkeys(text, "string[pyarrow]"))
    return (lambda: baseline(frame, suite)), len(frame)


def checks_of(entries: list[dict[str, Any]]) -> Any:
    """A function turning the baseline's outcomes into the protocol's answers, in suite order."""

    def checks(outcomes: list[Outcome]) -> list[dict[str, Any]]:
        return [
            _validate.answer(entry, o.passed, o.unexpected_count)
            | {"observed": o.observed, "missing_count": o.missing_count}
            for entry, o in zip(entries, outcomes, strict=True)
        ]

    return checks


def main() -> None:
    args = _validate.parse_args(__doc__.splitlines()[0], INPUTS)
    entries = _validate.entries(_validate.load_document(args.suite))
    suite = dg.load_suite(args.suite)
    run, rows = runner(args, suite)
    settings = (
        "hand-written vectorized pandas (benchmarks/baseline.py), single-threaded, counts only; "
        f"input: {_DESCRIBED[args.input]}"
    )
    _validate.measure_and_write(
        args,
        run=run,
        checks=checks_of(entries),
        rows=rows,
        fields={
            "tool": "pandas",
            "version": pd.__version__,
            "threads": 1,
            "settings": settings,
        },
    )


if __name__ == "__main__":
    main()
