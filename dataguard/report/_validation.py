"""The validation report's view model, built from a result document
(``ValidationResult.to_dict()``), so a saved JSON result renders exactly like a live one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dataguard._text import files_text, row_ids
from dataguard.expectations import registered
from dataguard.report import _format as fmt
from dataguard.report._group_chart import group_chart
from dataguard.report.trends import result_identity
from dataguard.result import FAILING_SEVERITIES, SEVERITIES

#: Display order: what needs attention first, passes last.
STATUS_ORDER = ("failed", "error", "warning", "info", "skipped", "passed")
STATUS_LABELS: Mapping[str, str] = {
    "failed": "failed",
    "error": "not evaluated",
    "warning": "warning",
    "info": "info",
    "skipped": "skipped",
    "passed": "passed",
}


def _status(result: Mapping[str, Any], failing: frozenset[str]) -> str:
    reason = result.get("reason")
    if reason == "skipped":
        return "skipped"
    if result.get("passed"):
        return "passed"
    if reason == "error":
        return "error"
    severity = str(result.get("severity", "error"))
    return "failed" if severity in failing else severity


def _columns(expectation: Mapping[str, Any]) -> list[str]:
    """The columns an expectation is about, from its declaration's parameters."""
    if isinstance(expectation.get("column"), str):
        return [expectation["column"]]
    pair = [expectation.get(k) for k in ("column_a", "column_b")]
    if all(isinstance(c, str) for c in pair):
        return [str(c) for c in pair]
    listed = expectation.get("column_list")
    if isinstance(listed, list):
        return [str(c) for c in listed]
    # A check comparing groups with each other (group_share_between) is about its group columns.
    kind = registered().get(str(expectation.get("type")))
    by = expectation.get("group_by")
    if kind is not None and kind.groups_itself and isinstance(by, list):
        return [str(c) for c in by]
    return []


def _group_keys(result: Mapping[str, Any]) -> list[dict[str, str]]:
    """The group a result judged (``group_by``), column by column; empty for all rows."""
    group = result.get("group")
    if not isinstance(group, Mapping):
        return []
    return [{"column": fmt.clip(str(c), 200), "value": fmt.value(v, 80)} for c, v in group.items()]


def _observed(result: Mapping[str, Any]) -> list[str]:
    """Lines describing what was observed: counts for row checks, else the observed value."""
    lines: list[str] = []
    unexpected = result.get("unexpected_count")
    if isinstance(unexpected, int):
        present = None
        if isinstance(result.get("element_count"), int):
            present = result["element_count"] - int(result.get("missing_count") or 0)
        of = f" of {fmt.number(present)} present" if present is not None else ""
        lines.append(
            f"{fmt.number(unexpected)} unexpected ({fmt.percent(result.get('unexpected_percent'))}"
            f"{of})"
        )
    elif result.get("reason") == "column_missing":
        lines.append("column missing")
    elif "observed_value" in result and result["observed_value"] is not None:
        kind = registered().get(str((result.get("expectation") or {}).get("type")))
        label = f"{kind.observed_label} " if kind is not None and kind.observed_label else ""
        lines.append(label + fmt.value(result["observed_value"], 200))
    missing = result.get("missing_count")
    if isinstance(missing, int) and missing:
        lines.append(
            f"{fmt.number(missing)} missing ({fmt.percent(result.get('missing_percent'))})"
        )
    return lines or ["–"]


def _samples(result: Mapping[str, Any]) -> dict[str, Any]:
    """Sampled unexpected values with their counts, and row ids, each listing truncated."""
    counts = result.get("partial_unexpected_counts") or []
    unexpected = result.get("unexpected_count")
    values = [
        {"value": fmt.value(c.get("value")), "count": int(c.get("count") or 0)}
        for c in counts[: fmt.PARTIAL_LIMIT]
        if isinstance(c, Mapping)
    ]
    more_values = ""
    sampled = sum(int(c.get("count") or 0) for c in counts if isinstance(c, Mapping))
    if isinstance(unexpected, int) and unexpected > sampled:
        more_values = f"a sample of {sampled:,} of the {unexpected:,} unexpected values"
    if isinstance(result.get("unexpected_list"), list) and more_values:
        more_values += "; every one is in the JSON result"
    if len(counts) > len(values):
        more_values = (more_values + "; " if more_values else "") + (
            f"showing {len(values):,} of {len(counts):,} distinct sampled values"
        )
    ids, label = row_ids(result.get("unexpected_index_list") or [])
    total_ids = unexpected if isinstance(unexpected, int) else len(ids)
    rows = fmt.listing(ids, max(total_ids, len(ids)), "unexpected rows")
    return {
        "values": values,
        "values_more": more_values,
        "rows": rows["items"],
        "rows_more": rows["more"],
        "rows_label": label,
    }


def _row(index: int, result: Mapping[str, Any], failing: frozenset[str]) -> dict[str, Any]:
    status = _status(result, failing)
    expectation = result.get("expectation") or {}
    return {
        "index": index,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "group": status if status in ("passed", "skipped") else "failed",
        "severity": str(result.get("severity", "error")),
        "type": str(expectation.get("type", "?")),
        "description": fmt.clip(str(result.get("description", "")), 400),
        "message": fmt.clip(str(result.get("message", "")), 400),
        "reason": str(result.get("reason", "")),
        "columns": _columns(expectation),
        "group_keys": _group_keys(result),
        "observed": _observed(result),
        "samples": _samples(result),
        "key": result_identity(result),
        "trend": None,
        "chart": group_chart(result),
    }


def validation_view(doc: Mapping[str, Any], fail_on: str = "error") -> dict[str, Any]:
    """Everything the validation template shows, as plain values.

    ``fail_on`` decides which failed severities fail the run (``error`` or ``warning``), as in
    the CLI's ``--fail-on``.
    """
    failing = FAILING_SEVERITIES[fail_on]
    results: Sequence[Mapping[str, Any]] = doc.get("results") or []
    rows = [_row(i, r, failing) for i, r in enumerate(results)]
    rows.sort(key=lambda r: (STATUS_ORDER.index(r["status"]), r["index"]))
    passed = not any(r["status"] in ("failed", "error") and r["severity"] in failing for r in rows)
    failed_by = {
        s: sum(1 for r in rows if r["group"] == "failed" and r["severity"] == s) for s in SEVERITIES
    }
    run = doc.get("run") or {}
    data = run.get("data") or {}
    suite = fmt.clip(str(doc.get("suite") or ""), 200)
    counts = {
        "all": len(rows),
        "failed": sum(1 for r in rows if r["group"] == "failed"),
        "passed": sum(1 for r in rows if r["status"] == "passed"),
        "skipped": sum(1 for r in rows if r["status"] == "skipped"),
    }
    return {
        "kind": "validation",
        "title": f"Validation report: {suite}" if suite else "Validation report",
        "passed": passed,
        "verdict": "PASSED" if passed else "FAILED",
        "headline": (
            f"{counts['passed']} of {counts['all']} expectations passed"
            + (f" ({counts['failed']} failed)" if counts["failed"] else "")
        ),
        "suite": suite,
        "source": str(data.get("source", "–")),
        "fail_on": fail_on,
        "stats": [
            {"label": "expectations", "value": fmt.number(counts["all"]), "tone": ""},
            {"label": "passed", "value": fmt.number(counts["passed"]), "tone": "good"},
            {
                "label": "failed: error",
                "value": fmt.number(failed_by["error"]),
                "tone": "bad" if failed_by["error"] else "",
            },
            {
                "label": "failed: warning",
                "value": fmt.number(failed_by["warning"]),
                "tone": "warn" if failed_by["warning"] else "",
            },
            {
                "label": "failed: info",
                "value": fmt.number(failed_by["info"]),
                "tone": "note" if failed_by["info"] else "",
            },
        ],
        "facts": [
            {"label": "data", "value": str(data.get("source", "–"))},
            *(
                [{"label": "files", "value": files_text(data["files"])}]
                if data.get("files")
                else []
            ),
            {
                "label": "shape",
                "value": (
                    f"{fmt.number(data.get('rows'))} rows × "
                    f"{fmt.number(data.get('columns'))} columns"
                ),
            },
            {
                "label": "schema fingerprint",
                "value": str(data.get("schema_hash", "–")),
                "code": True,
            },
            {"label": "suite", "value": suite or "(unnamed)"},
            {
                "label": "suite fingerprint",
                "value": str(run.get("suite_fingerprint", "–")),
                "code": True,
            },
            {"label": "dataguard version", "value": str(run.get("dataguard_version", "–"))},
            {"label": "started", "value": fmt.timestamp(run.get("started_at"))},
            {"label": "duration", "value": fmt.duration(run.get("duration_seconds"))},
            {"label": "clock", "value": fmt.timestamp(run.get("now"))},
            {"label": "result format", "value": str(run.get("result_format", "–"))},
            {
                "label": "failing severities",
                "value": " or ".join(sorted(failing, key=SEVERITIES.index)),
            },
        ],
        "counts": counts,
        "rows": rows,
        "trend_runs": 0,
    }
