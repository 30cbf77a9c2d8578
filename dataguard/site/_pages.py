"""The site's own pages as view models: the index of datasets, one page per dataset, and the
page that stands where a dataset's next run will go. Plain values; the templates escape them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from dataguard._text import clip, number
from dataguard.report import trends

#: Runs linked from a dataset's entry on the index (the newest ones).
INDEX_RUNS = 10
#: Characters of a dataset's name kept in its folder's name (a hash keeps the name unique).
SLUG_CHARS = 40


@dataclass(frozen=True)
class SiteRun:
    """One stored run as the site shows it: which dataset, what kind, when, the verdict, and
    the full result document its page is rendered from."""

    run_id: str
    dataset: str
    kind: Literal["validation", "drift"]
    started_at: str
    passed: bool
    document: Mapping[str, Any]


def slug(dataset: str) -> str:
    """A dataset's folder name: lower-case letters, digits and dashes from its name, then a
    hash of the whole name, so any name (``../x``, ``<script>``, two names differing only in
    case) gets its own safe folder."""
    readable = re.sub(r"[^a-z0-9]+", "-", dataset.lower()).strip("-")[:SLUG_CHARS].strip("-")
    digest = hashlib.sha256(dataset.encode("utf-8")).hexdigest()[:10]
    return f"{readable or 'dataset'}-{digest}"


def run_page(position: int) -> str:
    """The file name of a dataset's ``position``-th run (1 is the oldest). Positions never
    change as runs are appended, so a page can link to its successor before that exists."""
    return f"run-{position}.html"


def pass_share(run: SiteRun) -> float | None:
    """The share of a run's checks that passed: expectations of a validation, columns without
    drift of a drift run."""
    doc = run.document
    if run.kind == "validation":
        percent = (doc.get("statistics") or {}).get("success_percent")
        return float(percent) / 100.0 if isinstance(percent, (int, float)) else None
    if doc.get("kind") == "drift_by_group":
        groups = len(doc.get("groups") or [])
        flagged = len(doc.get("drifted_groups") or [])
        return 1.0 - flagged / groups if groups else None
    share = doc.get("drift_share")
    return 1.0 - float(share) if isinstance(share, (int, float)) else None


def _checks(run: SiteRun) -> str:
    doc = run.document
    if run.kind == "validation":
        stats = doc.get("statistics") or {}
        return f"{number(stats.get('passed'))} of {number(stats.get('evaluated'))} passed"
    if doc.get("kind") == "drift_by_group":
        flagged = len(doc.get("drifted_groups") or [])
        return f"{flagged} of {len(doc.get('groups') or [])} groups drifted"
    flagged = len(doc.get("drifted_columns") or [])
    return f"{flagged} of {len(doc.get('columns') or [])} columns drifted"


def _when(run: SiteRun) -> str:
    """When a run started, as its report shows it."""
    return trends.run_time(run.document) or run.started_at


def _share(value: float) -> str:
    return trends.value_text(trends.SHARE, value)


def _verdict(run: SiteRun) -> str:
    if run.kind == "drift":
        return "no drift" if run.passed else "drift"
    return "passed" if run.passed else "failed"


def _pass_trend(runs: Sequence[SiteRun], *, large: bool) -> dict[str, Any]:
    points = [trends.TrendPoint(_when(r), pass_share(r), r.passed) for r in runs]
    shown = points if large else points[-trends.TREND_RUNS :]
    return trends.chart(trends.SHARE, shown, large=large)


def _run_row(position: int, run: SiteRun, prefix: str) -> dict[str, Any]:
    return {
        "position": position,
        "href": prefix + run_page(position),
        "started": _when(run),
        "kind": run.kind,
        "passed": run.passed,
        "verdict": _verdict(run),
        "checks": _checks(run),
        "run_id": run.run_id,
    }


def _group(group: Any) -> str:
    """A result's group in words (empty when it has none)."""
    if not isinstance(group, Mapping) or not group:
        return ""
    return " (group " + clip(", ".join(f"{k} = {v}" for k, v in group.items()), 200) + ")"


def _metric_label(kind: str, key: str, docs: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    """An expectation's type and description (or a drift column's name and test), from the
    newest run that has it."""
    for doc in reversed(docs):
        if kind == "drift":
            for group, column in trends.drift_columns(doc):
                if trends.drift_key(column, group) == key:
                    return str(column.get("column")), str(column.get("method", "")) + _group(group)
            continue
        for result in doc.get("results") or []:
            if trends.result_identity(result) == key:
                declared = result.get("expectation") or {}
                detail = clip(str(result.get("description", "")), 300)
                return str(declared.get("type", "?")), detail + _group(result.get("group"))
    return key, ""


def _metrics(kind: Literal["validation", "drift"], runs: Sequence[SiteRun]) -> dict[str, Any]:
    docs = [r.document for r in runs if r.kind == kind]
    rows = []
    for key, (metric, points) in trends.series(kind, docs).items():
        name, detail = _metric_label(kind, key, docs)
        latest = points[-1]
        rows.append(
            {
                "name": name,
                "detail": detail,
                "metric": metric,
                "latest": trends.value_text(metric, latest.value),
                "passed": latest.passed,
                "chart": trends.sparkline(metric, points),
            }
        )
    return {"kind": kind, "rows": rows, "runs": len(docs)}


def dataset_view(dataset: str, runs: Sequence[SiteRun]) -> dict[str, Any]:
    """A dataset's page: its verdict over time, every run, and each metric's sparkline."""
    latest = runs[-1]
    passed = sum(r.passed for r in runs)
    kinds: list[Literal["validation", "drift"]] = [
        k for k in ("validation", "drift") if any(r.kind == k for r in runs)
    ]
    return {
        "kind": "dataset",
        "title": f"Dataset {clip(dataset, 200)}",
        "dataset": dataset,
        "passed": latest.passed,
        "verdict": _verdict(latest).upper(),
        "headline": (
            f"{len(runs)} run{'s' if len(runs) != 1 else ''} from "
            f"{_when(runs[0])} to {_when(latest)}; "
            f"{passed} passed"
        ),
        "pass_rate": _share(passed / len(runs)),
        "trend": _pass_trend(runs, large=True),
        "runs": [_run_row(i, r, "") for i, r in reversed(list(enumerate(runs, 1)))],
        "metrics": [_metrics(k, runs) for k in kinds],
    }


def index_view(source: str, datasets: Mapping[str, Sequence[SiteRun]]) -> dict[str, Any]:
    """The index: every dataset with its latest verdict, pass rate and newest runs."""
    entries = []
    for name, runs in sorted(datasets.items()):
        folder = slug(name) + "/"
        latest = runs[-1]
        passed = sum(r.passed for r in runs)
        recent = list(enumerate(runs, 1))[-INDEX_RUNS:]
        entries.append(
            {
                "name": name,
                "href": folder + "index.html",
                "runs": len(runs),
                "passed": latest.passed,
                "verdict": _verdict(latest),
                "latest": _when(latest),
                "latest_href": folder + run_page(len(runs)),
                "pass_rate": _share(passed / len(runs)),
                "passed_runs": passed,
                "trend": _pass_trend(runs, large=False),
                "recent": [_run_row(i, r, folder) for i, r in reversed(recent)],
            }
        )
    total = sum(len(r) for r in datasets.values())
    failing = sum(1 for r in datasets.values() if not r[-1].passed)
    return {
        "kind": "site",
        "title": "Data docs",
        "source": source,
        "headline": (
            f"{len(datasets)} dataset{'s' if len(datasets) != 1 else ''}, "
            f"{total} run{'s' if total != 1 else ''}"
        ),
        "failing": failing,
        "verdict": (
            f"{failing} FAILING" if failing else ("ALL PASSING" if datasets else "NO RUNS")
        ),
        "datasets": entries,
    }


def pending_view(dataset: str, newest: int) -> dict[str, Any]:
    """The page where a dataset's next run will go: until that run exists, it says so."""
    return {
        "kind": "pending",
        "title": f"No newer run of {clip(dataset, 200)}",
        "dataset": dataset,
        "newest_href": run_page(newest),
        "newest": newest,
    }
