"""Turning a run's JSON document into the rows the history tables hold.

Everything is read from the document a ValidationResult or DriftReport writes (``to_dict``), so
what the database holds is exactly what the JSON output and the HTML report show, and fields
added to documents later (a result's ``group``) are read where present, NULL where not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dataguard._jsonable import jsonable

if TYPE_CHECKING:
    from dataguard.expectations import Expectation


def canonical(value: Any) -> str:
    """Compact JSON with sorted keys: equal values give equal text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _declaration_key(declaration: Any) -> str:
    return hashlib.sha256(canonical(declaration).encode("utf-8")).hexdigest()[:16]


def expectation_key(expectation: Expectation | Mapping[str, Any]) -> str:
    """A stable key for one declared check: a hash of its declaration (``to_dict``, as JSON), so
    the same check has the same key in every run, and changing any parameter makes a new one."""
    declaration = expectation if isinstance(expectation, Mapping) else expectation.to_dict()
    return _declaration_key(jsonable(declaration))


def group_key(group: Any) -> str | None:
    """A group (column -> value) as canonical JSON text; None when the result is not grouped."""
    return canonical(jsonable(group)) if group else None


def label(kind: str, columns: Sequence[str]) -> str:
    """A readable name for an expectation: its type and columns, ``between(amount)``."""
    return f"{kind}({', '.join(columns)})" if columns else kind


def _number(value: Any) -> float | None:
    """``value`` as a float when it is a finite number (booleans are not), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def normal_time(text: str) -> str:
    """An ISO 8601 time as UTC text with microseconds, so that text order is time order."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class RunRows:
    """One run as rows: the ``runs`` row (without its integer id) and its child rows."""

    run: dict[str, Any]
    expectations: list[tuple[Any, ...]]
    drift_columns: list[tuple[Any, ...]]


def _expectation_rows(
    doc: Mapping[str, Any], columns: Sequence[Sequence[str]]
) -> list[tuple[Any, ...]]:
    rows = []
    for position, (result, names) in enumerate(zip(doc["results"], columns, strict=True)):
        declaration = result["expectation"]
        observed = result.get("observed_value")
        rows.append(
            (
                position,
                _declaration_key(declaration),
                declaration["type"],
                label(declaration["type"], names),
                canonical(list(names)),
                group_key(result.get("group")),
                int(bool(result["passed"])),
                result["severity"],
                result["reason"],
                _number(observed),
                None if observed is None else canonical(observed),
                result.get("element_count"),
                result.get("missing_count"),
                result.get("unexpected_count"),
                result.get("unexpected_percent"),
            )
        )
    return rows


def validation_rows(
    doc: Mapping[str, Any], columns: Sequence[Sequence[str]], dataset: str
) -> RunRows:
    """The rows of a validation document; ``columns`` are each result's expectation's columns
    (the document names them per expectation type, the expectation object uniformly)."""
    run, stats = doc["run"], doc["statistics"]
    return RunRows(
        {
            "kind": "validation",
            "dataset": dataset,
            "started_at": normal_time(run["started_at"]),
            "duration_seconds": run.get("duration_seconds"),
            "suite_fingerprint": run.get("suite_fingerprint"),
            "data_fingerprint": run.get("data", {}).get("schema_hash"),
            "passed": int(bool(doc["passed"])),
            "verdict": "passed" if doc["passed"] else "failed",
            "row_count": run.get("data", {}).get("rows"),
            "evaluated": stats.get("evaluated"),
            "failed": stats.get("failed"),
            "success_percent": stats.get("success_percent"),
            "drift_share": None,
            "dataguard_version": run["dataguard_version"],
        },
        _expectation_rows(doc, columns),
        [],
    )


def drift_rows(doc: Mapping[str, Any], dataset: str) -> RunRows:
    """The rows of a drift document: of every column, or of every column of every group for a
    drift by group (``kind: drift_by_group``), each row then holding its group."""
    grouped = doc.get("kind") == "drift_by_group"
    parts = [(g["group"], g) for g in doc["groups"]] if grouped else [(None, doc)]
    found = [(group, column) for group, part in parts for column in part["columns"]]
    columns = [
        (
            position,
            column["column"],
            group_key(group or column.get("group")),
            column["kind"],
            column["method"],
            _number(column.get("statistic")),
            _number(column.get("pvalue")),
            _number(column.get("pvalue_adjusted")),
            _number(column.get("effect")),
            _number(column.get("threshold")),
            int(bool(column["drifted"])),
        )
        for position, (group, column) in enumerate(found)
    ]
    failed = sum(row[-1] for row in columns)
    run = doc["run"]
    return RunRows(
        {
            "kind": "drift",
            "dataset": dataset,
            "started_at": normal_time(run["started_at"]),
            "duration_seconds": run.get("duration_seconds"),
            "suite_fingerprint": None,
            "data_fingerprint": None,
            "passed": int(not doc["drifted"]),
            "verdict": "drift" if doc["drifted"] else "no drift",
            "row_count": sum(part.get("current_rows") or 0 for _, part in parts),
            "evaluated": len(columns),
            "failed": failed,
            "success_percent": None,
            "drift_share": failed / len(columns) if grouped and columns else doc.get("drift_share"),
            "dataguard_version": run["dataguard_version"],
        },
        [],
        columns,
    )
