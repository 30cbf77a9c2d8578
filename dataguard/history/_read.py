"""Reading a history: its runs, each run's document, and trends of one metric over runs.

Everything is returned oldest first (by start time, then by order of writing), and ``last=N``
keeps the N most recent runs. The connection is read-only: reading never changes the file,
and it never waits for or blocks a writer (WAL mode).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal

from dataguard.errors import HistoryError, did_you_mean
from dataguard.history._metrics import (
    DRIFT_FIELDS,
    EXPECTATION_FIELDS,
    RUN_METRICS,
    Metric,
    drift_metric,
    parse_metric,
)
from dataguard.history._rows import group_key
from dataguard.history._store import open_for_reading

Kind = Literal["validation", "drift"]

_RUN_FIELDS = (
    "run_id, kind, dataset, started_at, passed, verdict, row_count, evaluated, failed, "
    "success_percent, drift_share, duration_seconds, suite_fingerprint, data_fingerprint, "
    "dataguard_version"
)


@dataclass(frozen=True)
class Run:
    """One stored run's summary (its full document: ``History.document``)."""

    run_id: str
    kind: Kind
    dataset: str
    started_at: dt.datetime
    #: A validation passed, or a drift run found no drift.
    passed: bool
    #: ``passed`` / ``failed`` for a validation, ``drift`` / ``no drift`` for a drift run.
    verdict: str
    row_count: int | None
    evaluated: int | None
    failed: int | None
    success_percent: float | None
    drift_share: float | None
    duration_seconds: float | None
    suite_fingerprint: str | None
    data_fingerprint: str | None
    dataguard_version: str


@dataclass(frozen=True)
class Point:
    """One value of a metric in one run (and one group, for a grouped result)."""

    run_id: str
    started_at: dt.datetime
    dataset: str
    #: The group's keys (column -> value) of a grouped result; None otherwise.
    group: dict[str, Any] | None
    #: None where the run measured nothing numeric (an observed value that is text).
    value: float | None


def _run(row: Sequence[Any]) -> Run:
    values = list(row)
    values[3] = dt.datetime.fromisoformat(values[3])
    values[4] = bool(values[4])
    return Run(*values)


def _point(row: Sequence[Any]) -> Point:
    run_id, started_at, dataset, group, value = row
    when = dt.datetime.fromisoformat(started_at)
    number = None if value is None else float(value)
    return Point(run_id, when, dataset, None if group is None else json.loads(group), number)


def _limit(last: int | None) -> int:
    if last is None:
        return -1  # SQLite: no limit
    if isinstance(last, bool) or not isinstance(last, int) or last < 1:
        raise ValueError(f"last must be a positive number of runs, got {last!r}")
    return last


class History:
    """A run history opened read-only; use it as a context manager or call ``close()``.

    >>> with History("runs.db") as history:                      # doctest: +SKIP
    ...     [p.value for p in history.series("row_count", dataset="orders.parquet")]
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._db = open_for_reading(path)

    def __enter__(self) -> History:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def _query(self, sql: str, parameters: Sequence[Any] = ()) -> list[Any]:
        try:
            return self._db.execute(sql, parameters).fetchall()
        except sqlite3.Error as exc:
            raise HistoryError(f"{self.path}: cannot read the history: {exc}") from None

    def datasets(self) -> list[str]:
        """Every dataset with a stored run, sorted."""
        return [r[0] for r in self._query("SELECT DISTINCT dataset FROM runs ORDER BY dataset")]

    def _where(self, dataset: str | None, kind: Kind | None) -> tuple[str, list[Any]]:
        """The SQL condition on ``runs r`` selecting ``dataset`` and ``kind`` (None: any);
        HistoryError for a dataset never recorded."""
        clauses, parameters = ["1"], []
        if dataset is not None:
            known = self.datasets()
            if dataset not in known:
                raise HistoryError(
                    f"{self.path}: no run of dataset {dataset!r}{did_you_mean([dataset], known)}"
                )
            clauses.append("r.dataset = ?")
            parameters.append(dataset)
        if kind is not None:
            if kind not in ("validation", "drift"):
                raise ValueError(f"kind must be 'validation' or 'drift', got {kind!r}")
            clauses.append("r.kind = ?")
            parameters.append(kind)
        return " AND ".join(clauses), parameters

    def runs(
        self, *, dataset: str | None = None, kind: Kind | None = None, last: int | None = None
    ) -> list[Run]:
        """The stored runs of ``dataset`` and ``kind`` (default: all), oldest first; the ``last``
        most recent ones when given."""
        where, parameters = self._where(dataset, kind)
        rows = self._query(
            f"SELECT {_RUN_FIELDS} FROM runs r WHERE {where} "
            "ORDER BY started_at DESC, id DESC LIMIT ?",
            [*parameters, _limit(last)],
        )
        return [_run(row) for row in reversed(rows)]

    def document(self, run_id: str) -> dict[str, Any]:
        """The run's full JSON document, as ``to_dict`` wrote it (``render_html`` renders it)."""
        rows = self._query("SELECT document FROM runs WHERE run_id = ?", [run_id])
        if not rows:
            raise HistoryError(f"{self.path}: no run {run_id!r}")
        document: dict[str, Any] = json.loads(rows[0][0])
        return document

    def metrics(self, *, dataset: str | None = None, kind: Kind | None = None) -> list[str]:
        """The metric names ``series`` takes for these runs: run metrics that have values, then
        each expectation's fields (named by its label, or by its key when two expectations share
        a label), then each drift column's."""
        where, parameters = self._where(dataset, kind)
        names = [
            name
            for name in RUN_METRICS
            if self._query(
                f"SELECT 1 FROM runs r WHERE {where} AND {name} IS NOT NULL LIMIT 1", parameters
            )
        ]
        expectations = self._query(
            "SELECT DISTINCT e.expectation_key, e.label FROM expectation_results e "
            f"JOIN runs r ON e.run = r.id WHERE {where} ORDER BY e.label, e.expectation_key",
            parameters,
        )
        labels = [label for _, label in expectations]
        for key, label in expectations:
            subject = label if labels.count(label) == 1 else key
            names.extend(f"{subject}.{field}" for field in EXPECTATION_FIELDS)
        columns = self._query(
            'SELECT DISTINCT d."column" FROM drift_columns d '
            f'JOIN runs r ON d.run = r.id WHERE {where} ORDER BY d."column"',
            parameters,
        )
        names.extend(drift_metric(column, field) for (column,) in columns for field in DRIFT_FIELDS)
        return names

    def _unknown(self, metric: str, dataset: str | None, kind: Kind | None) -> HistoryError:
        known = self.metrics(dataset=dataset, kind=kind)
        among = f" among the runs of {dataset!r}" if dataset is not None else ""
        return HistoryError(
            f"{self.path}: no metric {metric!r}{among}{did_you_mean([metric], known)}"
        )

    def _expectation_key(
        self, metric: str, subject: str, where: str, parameters: list[Any]
    ) -> str | None:
        """The one expectation key ``subject`` (a key or a label) names; None if none."""
        keys = self._query(
            "SELECT DISTINCT e.expectation_key FROM expectation_results e JOIN runs r "
            f"ON e.run = r.id WHERE {where} AND (e.expectation_key = ? OR e.label = ?)",
            [*parameters, subject, subject],
        )
        if len(keys) > 1:
            listed = ", ".join(sorted(f"{k}.{metric.rpartition('.')[2]}" for (k,) in keys))
            raise HistoryError(
                f"{self.path}: {subject!r} names {len(keys)} different expectations; name one "
                f"by its key: {listed}"
            )
        return str(keys[0][0]) if keys else None

    def series(
        self,
        metric: str,
        *,
        dataset: str | None = None,
        kind: Kind | None = None,
        last: int | None = None,
    ) -> list[Point]:
        """One metric's values over the runs of ``dataset`` that measured it, oldest first (the
        ``last`` most recent such runs when given); a grouped result gives one point per group.
        HistoryError, with the closest names, for a metric none of these runs has."""
        parsed = parse_metric(metric)
        where, parameters = self._where(dataset, kind)
        if parsed is None:
            raise self._unknown(metric, dataset, kind)
        if parsed.table == "runs":
            points = self._run_points(parsed, where, parameters, last)
        else:
            points = self._child_points(metric, parsed, where, parameters, last)
        if points is None:
            raise self._unknown(metric, dataset, kind)
        return points

    def _run_points(
        self, metric: Metric, where: str, parameters: list[Any], last: int | None
    ) -> list[Point] | None:
        rows = self._query(
            f"SELECT run_id, started_at, dataset, NULL, {metric.field} FROM runs r "
            f"WHERE {where} AND {metric.field} IS NOT NULL "
            "ORDER BY started_at DESC, id DESC LIMIT ?",
            [*parameters, _limit(last)],
        )
        return [_point(row) for row in reversed(rows)] if rows else None

    def _child_points(
        self, name: str, metric: Metric, where: str, parameters: list[Any], last: int | None
    ) -> list[Point] | None:
        assert metric.subject is not None
        if metric.table == "expectation_results":
            key = self._expectation_key(name, metric.subject, where, parameters)
            if key is None:
                return None
            table, match, subject = "expectation_results", "c.expectation_key = ?", key
        else:
            table, match, subject = "drift_columns", 'c."column" = ?', metric.subject
        rows = self._query(
            f"WITH chosen AS (SELECT DISTINCT r.id, r.started_at FROM runs r JOIN {table} c "
            f"ON c.run = r.id WHERE {where} AND {match} "
            "ORDER BY r.started_at DESC, r.id DESC LIMIT ?) "
            f"SELECT r.run_id, r.started_at, r.dataset, c.group_key, c.{metric.field} "
            f"FROM {table} c JOIN runs r ON c.run = r.id "
            f"WHERE r.id IN (SELECT id FROM chosen) AND {match} "
            "ORDER BY r.started_at, r.id, c.position",
            [*parameters, subject, _limit(last), subject],
        )
        return [_point(row) for row in rows] if rows else None

    def observed_values(
        self,
        dataset: str,
        expectation_key: str,
        *,
        last: int | None = None,
        group: Mapping[str, Any] | None = None,
    ) -> list[Any]:
        """The observed values (as the JSON documents hold them) of the expectation with key
        ``expectation_key`` (see ``expectation_key``) in the ``last`` most recent runs of
        ``dataset`` that evaluated it, most recent last; of ``group``'s result for a grouped
        expectation. Empty when there are none yet (a new dataset or a new check)."""
        grouped = group_key(group)
        rows = self._query(
            "SELECT observed_json FROM (SELECT e.observed_json, r.started_at, r.id, e.position "
            "FROM expectation_results e JOIN runs r ON e.run = r.id "
            "WHERE r.dataset = ? AND e.expectation_key = ? AND e.group_key IS ? "
            "ORDER BY r.started_at DESC, r.id DESC, e.position DESC LIMIT ?) "
            "ORDER BY started_at, id, position",
            [dataset, expectation_key, grouped, _limit(last)],
        )
        return [None if text is None else json.loads(text) for (text,) in rows]
