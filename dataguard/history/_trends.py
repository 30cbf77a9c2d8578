"""Trends as ``dataguard history`` prints them: runs as rows, chosen metrics as columns, written
as an aligned table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dataguard._text import number, table
from dataguard.history._read import History, Kind, Point, Run

#: Metrics shown when none is named: the size of the data and each kind's verdict in numbers.
DEFAULT_METRICS = ("row_count", "success_percent", "drift_share")


@dataclass(frozen=True)
class Trend:
    """Runs (oldest first) with the value of each metric column in each run (None: not measured
    in that run). A grouped metric has one column per group, ``metric[carrier=AA]``."""

    runs: list[Run]
    columns: list[str]
    values: list[dict[str, float | None]]


def _column(metric: str, point: Point) -> str:
    if point.group is None:
        return metric
    keys = ", ".join(f"{k}={v}" for k, v in point.group.items())
    return f"{metric}[{keys}]"


def trend(
    history: History,
    *,
    dataset: str | None = None,
    kind: Kind | None = None,
    metrics: Sequence[str] = (),
    last: int | None = None,
) -> Trend:
    """The ``last`` runs of ``dataset`` and ``kind`` with ``metrics`` (default: those of
    ``DEFAULT_METRICS`` these runs have); HistoryError for an unknown dataset or metric."""
    runs = history.runs(dataset=dataset, kind=kind, last=last)
    if not metrics:
        known = set(history.metrics(dataset=dataset, kind=kind))
        metrics = [m for m in DEFAULT_METRICS if m in known]
    shown: dict[str, dict[str, float | None]] = {run.run_id: {} for run in runs}
    columns: dict[str, None] = {}
    for metric in metrics:
        for point in history.series(metric, dataset=dataset, kind=kind):
            if point.run_id in shown:
                name = _column(metric, point)
                columns.setdefault(name)
                shown[point.run_id][name] = point.value
    names = list(columns)
    values = [{name: shown[run.run_id].get(name) for name in names} for run in runs]
    return Trend(runs, names, values)


def _time(run: Run) -> str:
    return run.started_at.strftime("%Y-%m-%d %H:%M:%S")


def trend_table(found: Trend) -> str:
    """An aligned table: time (UTC), dataset, kind, verdict, then each metric column."""
    header = ["time (UTC)", "dataset", "kind", "verdict", *found.columns]
    rows = [
        [_time(run), run.dataset, run.kind, run.verdict, *(number(v[c]) for c in found.columns)]
        for run, v in zip(found.runs, found.values, strict=True)
    ]
    return table(header, rows) + "\n"


def _record(run: Run) -> dict[str, Any]:
    return {
        "run_id": run.run_id,
        "started_at": run.started_at.isoformat(),
        "dataset": run.dataset,
        "kind": run.kind,
        "verdict": run.verdict,
        "passed": run.passed,
    }


def trend_json(found: Trend) -> str:
    """``{"metrics": [...], "runs": [{run_id, started_at, dataset, kind, verdict, passed,
    metrics: {column: value}}]}``."""
    runs = [
        {**_record(run), "metrics": values}
        for run, values in zip(found.runs, found.values, strict=True)
    ]
    document = {"metrics": found.columns, "runs": runs}
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _csv_number(value: float | None) -> str:
    """A value as CSV text: empty when not measured, a whole number without ``.0`` (counts are
    stored as floats), others exactly (``repr`` round-trips)."""
    if value is None:
        return ""
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def trend_csv(found: Trend) -> str:
    """One CSV row per run: run_id, started_at, dataset, kind, verdict, passed, then each metric
    column (empty where not measured)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["run_id", "started_at", "dataset", "kind", "verdict", "passed", *found.columns]
    )
    for run, values in zip(found.runs, found.values, strict=True):
        cells = [_csv_number(values[c]) for c in found.columns]
        writer.writerow([*_record(run).values(), *cells])
    return out.getvalue()


TREND_FORMATS = {"table": trend_table, "json": trend_json, "csv": trend_csv}
