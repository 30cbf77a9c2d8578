"""What the drift and profiling runners share: their command line, the compared columns, reading
the Parquet files, timing, and turning numbers into JSON (see ``benchmarks/README.md``).

Standard library and pandas only, like ``_validate.py``: it runs in every tool's virtual
environment (the whylogs one has numpy 1.26 and pyarrow 25; the Evidently one has no dataguard).

Each runner reads its frames outside any timing, runs the job once for its answers (which is also
the warm-up), then times ``--repeat`` more runs; ``--repeat 0`` gives the answers only.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from _measure import time_runs

#: benchmarks/data.py's DRIFT_COLUMNS (copied: runners must not import the generator).
DRIFT_COLUMNS = (
    "status", "country", "channel", "is_gift", "amount", "discount", "score", "shipping_cost",
    "weight_kg", "quantity", "warehouse_id", "coupon_count",
)  # fmt: skip
#: The drift runners' modes and the job each one's results are filed under: the reference as a
#: raw table, or as a profile stored once, untimed.
JOBS = {"raw": "drift", "profile": "drift_profile"}
#: ``--mode`` of the drift runners that can compare against a stored profile.
MODE = ("--mode", sorted(JOBS), "raw")
REFERENCE = "reference.parquet"
CURRENT = "current.parquet"


def parse_args(
    description: str,
    argv: Sequence[str] | None,
    *,
    columns: Sequence[str] | None,
    option: tuple[str, Sequence[str], str] | None = None,
) -> argparse.Namespace:
    """The runner protocol's options (``--data --repeat --out``), then the runner's own
    ``option`` (flag, choices, default) when it has one, and ``--columns`` (default
    ``columns``; ``None``: every column)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, required=True, help="folder of the Parquet files")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (0: answers only)")
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    if option is not None:
        flag, choices, default = option
        parser.add_argument(flag, choices=choices, default=default)
    default = None if columns is None else list(columns)
    parser.add_argument("--columns", nargs="+", default=default)
    return parser.parse_args(argv)


def measure(run: Callable[[], object], repeat: int) -> dict[str, Any]:
    """Time ``repeat`` runs; the answer run before them was the warm-up (``--repeat 0``: none)."""
    if repeat <= 0:
        return {"seconds": [], "peak_added_mb": None}
    return time_runs(run, repeat, warmup=0)


def parquet(data: Path, name: str, columns: Sequence[str] | None) -> pd.DataFrame:
    """One of the orchestrator's Parquet files as pandas reads it by default (object strings)."""
    path = data / name
    if not path.exists():
        raise SystemExit(f"{path} does not exist: write it with benchmarks/prepare.py")
    return pd.read_parquet(path, columns=None if columns is None else list(columns))


def load(data: Path, columns: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reference and current frames (object strings, pandas' default), read outside any timing."""
    return parquet(data, REFERENCE, columns), parquet(data, CURRENT, columns)


def drifted(answers: dict[str, dict[str, Any]]) -> list[str]:
    """The columns a tool's answers call drifted, sorted."""
    return sorted(name for name, answer in answers.items() if answer["drifted"])


def number(value: Any) -> float | None:
    """A float for JSON: NaN and missing become null, infinities stay (Python's json reads them
    back)."""
    if value is None:
        return None
    result = float(value)
    return None if math.isnan(result) else result
