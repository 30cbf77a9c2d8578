"""Trends across runs: one metric per expectation (validation) or column (drift), read from
the result documents of earlier runs, as chart geometry for the report's rows and the site.

Reading the documents themselves, not a metric table, keeps one definition of what a row
shows: the same document renders the same trend in a report, on a site page or from a saved
file. An expectation is matched across runs by its declaration (type and parameters) and its
group; a drift column by its name.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from dataguard.history import History
from dataguard.report import _charts as charts
from dataguard.report import _format as fmt
from dataguard.report._charts import TrendPoint

__all__ = [
    "EFFECT",
    "SHARE",
    "TREND_RUNS",
    "TrendPoint",
    "add_trends",
    "chart",
    "drift_columns",
    "drift_key",
    "earlier_documents",
    "points_of",
    "result_identity",
    "run_time",
    "series",
    "sparkline",
    "value_text",
]

#: Most runs a row's trend shows: the latest ones (the current run last).
TREND_RUNS = 30
#: A drift column's metric: its points say drift or no drift, not failed or passed.
EFFECT = "effect"
#: Metrics shown as a share of 1 (the site's share of checks passed per run).
SHARE = "share of checks passed"

Kind = Literal["validation", "drift"]


def run_time(doc: Mapping[str, Any]) -> str:
    """When a documented run started, as shown on the page (empty when unknown)."""
    started = (doc.get("run") or {}).get("started_at")
    return fmt.timestamp(started) if isinstance(started, str) else ""


def result_identity(result: Mapping[str, Any]) -> str:
    """What identifies an expectation's result across runs: its declaration and its group."""
    identity = {"expectation": result.get("expectation"), "group": result.get("group")}
    return json.dumps(identity, sort_keys=True, default=str, ensure_ascii=False)


def _finite(value: Any) -> float | None:
    """A plottable number: int or float, not a boolean, finite."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _validation_points(doc: Mapping[str, Any]) -> dict[str, tuple[str, TrendPoint]]:
    """Each expectation's metric in one run: its unexpected percent when it counts rows, else
    its observed value when that is a number."""
    time = run_time(doc)
    found = {}
    for result in doc.get("results") or []:
        if not isinstance(result, Mapping):
            continue
        if result.get("unexpected_percent") is not None:
            metric, value = "unexpected %", _finite(result.get("unexpected_percent"))
        else:
            metric, value = "observed value", _finite(result.get("observed_value"))
        skipped = result.get("reason") == "skipped"
        passed = None if skipped else bool(result.get("passed"))
        found[result_identity(result)] = (metric, TrendPoint(time, value, passed))
    return found


def drift_key(column: Mapping[str, Any], group: Mapping[str, Any] | None = None) -> str:
    """What identifies a drift column across runs: its name, and its group in a drift by
    group."""
    name = str(column.get("column"))
    if group is None:
        return name
    return json.dumps({"column": name, "group": group}, sort_keys=True, default=str)


def drift_columns(
    doc: Mapping[str, Any],
) -> list[tuple[Mapping[str, Any] | None, Mapping[str, Any]]]:
    """A drift document's columns with their group (None in a plain drift report; each
    group's columns in a drift by group)."""
    found: list[tuple[Mapping[str, Any] | None, Mapping[str, Any]]] = []
    if doc.get("kind") == "drift_by_group":
        for part in doc.get("groups") or []:
            if isinstance(part, Mapping) and isinstance(part.get("group"), Mapping):
                found += [(part["group"], c) for g, c in drift_columns(part) if g is None]
        return found
    return [(None, c) for c in doc.get("columns") or [] if isinstance(c, Mapping)]


def _drift_points(doc: Mapping[str, Any]) -> dict[str, tuple[str, TrendPoint]]:
    """Each column's effect in one run (the statistic when a method reports no effect): unlike
    the p-value it does not shrink with the sample size, and the gate compares it."""
    time = run_time(doc)
    found = {}
    for group, column in drift_columns(doc):
        effect = column.get("effect")
        value = _finite(effect if effect is not None else column.get("statistic"))
        point = TrendPoint(time, value, not column.get("drifted"))
        found[drift_key(column, group)] = (EFFECT, point)
    return found


def points_of(kind: Kind, doc: Mapping[str, Any]) -> dict[str, tuple[str, TrendPoint]]:
    """Every row's metric name and value in one run's document, by row key."""
    return _validation_points(doc) if kind == "validation" else _drift_points(doc)


def series(
    kind: Kind, documents: Sequence[Mapping[str, Any]]
) -> dict[str, tuple[str, list[TrendPoint]]]:
    """Each row key's metric over ``documents`` (oldest first): one point per run that has
    the row, in run order. The metric name is the newest run's."""
    found: dict[str, tuple[str, list[TrendPoint]]] = {}
    for doc in documents:
        for key, (metric, point) in points_of(kind, doc).items():
            previous = found.get(key)
            found[key] = (metric, [*previous[1], point] if previous else [point])
    return found


def value_text(metric: str, value: float | None) -> str:
    """A metric's value as text: percentages as such, shares as percentages, else a number."""
    if value is None:
        return "–"
    if metric == "unexpected %":
        return fmt.percent(value, 3)
    if metric == SHARE:
        return fmt.share(value)
    return fmt.number(value)


def chart(metric: str, points: Sequence[TrendPoint], *, large: bool = False) -> dict[str, Any]:
    """A metric's trend chart over ``points`` (oldest first), every point shown."""
    return charts.trend(
        points,
        label=f"{metric} over {len(points)} run{'s' if len(points) != 1 else ''}",
        text=lambda v: value_text(metric, v),
        states=("no drift", "drift") if metric == EFFECT else ("passed", "failed"),
        large=large,
    )


def sparkline(metric: str, points: Sequence[TrendPoint]) -> dict[str, Any]:
    """A row's small trend chart: the metric over its last ``TREND_RUNS`` runs."""
    return chart(metric, list(points)[-TREND_RUNS:])


def add_trends(
    view: dict[str, Any], current: Mapping[str, Any], earlier: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """``view`` (a validation or drift view model of ``current``) with each row's trend over
    the ``earlier`` documents of the same dataset (oldest first) and ``current``.

    A row gets a trend only when some earlier run has it: one point is not a trend.
    """
    kind = view["kind"]
    if kind not in ("validation", "drift") or not earlier:
        return view
    history = series(kind, [*earlier, current])
    rows = view["rows"] if kind == "validation" else view["columns"]
    for row in rows:
        metric, points = history.get(row["key"], ("", []))
        if len(points) > 1:
            row["trend"] = sparkline(metric, points)
    view["trend_runs"] = min(len(earlier) + 1, TREND_RUNS)
    return view


def _moment(text: Any) -> dt.datetime | None:
    """A document's start time as an aware datetime (a naive one is UTC); None if unreadable."""
    if not isinstance(text, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


def earlier_documents(
    history: str | os.PathLike[str], dataset: str, current: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The documents of the runs of ``dataset`` in ``history`` of the same kind as ``current``
    that started before it, oldest first, at most ``TREND_RUNS - 1`` (the newest ones).

    "Before it" leaves out the current run itself, which ``--history`` stores before its report
    is written, and shows a saved older result with the trend up to its own run. A dataset the
    history does not hold yet has no earlier runs.
    """
    kind: Kind = "drift" if current.get("kind") == "drift" else "validation"
    started = _moment((current.get("run") or {}).get("started_at"))
    with History(history) as stored:
        if dataset not in stored.datasets():
            return []
        runs = [
            run
            for run in stored.runs(dataset=dataset, kind=kind)
            if started is None or run.started_at < started
        ]
        return [stored.document(run.run_id) for run in runs[-(TREND_RUNS - 1) :]]
