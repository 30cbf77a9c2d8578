"""Renderings of a drift report, overall or by group: text, JSON, JUnit, Markdown."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable

from dataguard._formats import markdown_text, xml_text
from dataguard._text import group_label, table
from dataguard.drift import TYPE_CHANGE, DriftReport, GroupedDriftReport
from dataguard.profile import GroupKey


def _drift_rows(report: DriftReport) -> list[tuple[str, ...]]:
    ordered = sorted(report.columns.values(), key=lambda c: (not c.drifted, -_effect(c.effect)))
    rows: list[tuple[str, ...]] = []
    for c in ordered:
        missing = ""
        if c.missing is not None and c.missing.drifted:
            missing = f" missing {c.missing.reference_share:.2%}->{c.missing.current_share:.2%}"
        rows.append(
            (
                "DRIFT" if c.drifted else "ok",
                c.column,
                c.kind,
                c.method,
                f"{c.statistic:.4g}",
                "-" if c.pvalue is None else f"{c.pvalue:.3g}",
                "-" if c.pvalue_adjusted is None else f"{c.pvalue_adjusted:.3g}",
                f"{c.effect:.4f}{missing}",
                f"{c.threshold:g}",
            )
        )
    return rows


def _effect(value: float) -> float:
    return value if math.isfinite(value) else 1e300


_DRIFT_HEADER = ("verdict", "column", "kind", "test", "statistic", "p", "p (BH)", "effect", "gate")


def _drift_headline(report: DriftReport) -> str:
    verdict = "DRIFT" if report.drifted else "NO DRIFT"
    flagged = ", ".join(report.drifted_columns) or "none"
    return (
        f"{verdict}: {len(report.drifted_columns)} of {len(report.columns)} columns drifted "
        f"(share {report.drift_share:.0%}; flagged: {flagged}); "
        f"reference {report.reference_rows:,} rows, current {report.current_rows:,} rows; "
        f"alpha {report.alpha:g} after "
        f"Benjamini-Hochberg, minimum effect {report.min_effect:g}"
    )


def drift_text(report: DriftReport) -> str:
    """The drift verdict and an aligned table of columns, drifted first."""
    lines = [_drift_headline(report), "", table(_DRIFT_HEADER, _drift_rows(report))]
    if report.multivariate is not None:
        m = report.multivariate
        lines.append(
            f"\nmultivariate (PCA reconstruction error over {len(m.columns)} columns): "
            f"z = {m.z:.3g} (alert above {m.threshold:g}): {'DRIFT' if m.drifted else 'ok'}"
        )
    for c in report.columns.values():
        if c.method in ("none", TYPE_CHANGE):
            lines.append(f"{c.column}: {c.reason}")  # no test ran on the values: say why
    for name, why in report.skipped.items():
        lines.append(f"skipped {name}: {why}")
    return "\n".join(lines) + "\n"


def drift_json(report: DriftReport) -> str:
    """The drift report document as JSON."""
    return report.to_json() + "\n"


def drift_junit(report: DriftReport) -> str:
    """JUnit XML with one testcase per column: a drifted column is a failure."""
    suites = ET.Element("testsuites", name="dataguard")
    suite = _drift_suite(suites, report, "drift")
    for name in ("tests", "failures", "errors", "skipped", "time"):
        suites.set(name, suite.get(name, "0"))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def _drift_suite(suites: ET.Element, report: DriftReport, name: str) -> ET.Element:
    """A test suite of one testcase per column (named with ``name``'s group, if any) under
    ``suites``."""
    suite = ET.SubElement(suites, "testsuite", name=xml_text(name))
    tag = name[len("drift") :]  # " [group]" for a group's suite, else ""
    failures = 0
    for c in report.columns.values():
        case = ET.SubElement(
            suite,
            "testcase",
            classname="dataguard.drift",
            name=xml_text(c.column + tag),
            time="0",
        )
        text = xml_text(
            f"{c.reason}\n{c.method}: statistic {c.statistic:.6g}, p {c.pvalue}, "
            f"adjusted p {c.pvalue_adjusted}, effect {c.effect:.6g} (gate {c.threshold:g})"
        )
        if c.drifted:
            failures += 1
            ET.SubElement(
                case, "failure", message=xml_text(f"{c.column}{tag} drifted"), type="drift"
            ).text = text
        else:
            ET.SubElement(case, "system-out").text = text
    for skipped in report.skipped:
        case = ET.SubElement(
            suite,
            "testcase",
            classname="dataguard.drift",
            name=xml_text(skipped + tag),
            time="0",
        )
        ET.SubElement(case, "skipped", message=xml_text(report.skipped[skipped]))
    suite.set("tests", str(len(report.columns) + len(report.skipped)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(len(report.skipped)))
    suite.set("time", f"{report.duration_seconds:.6f}")
    return suite


def _markdown_row(row: tuple[str, ...]) -> str:
    return "| " + " | ".join(markdown_text(cell) for cell in row) + " |"


def drift_markdown(report: DriftReport) -> str:
    """A Markdown drift summary for a CI job page."""
    headline = markdown_text(_drift_headline(report))
    lines = [
        f"## {'❌' if report.drifted else '✅'} dataguard drift: {headline}",
        "",
        "| " + " | ".join(_DRIFT_HEADER) + " |",
        "|" + "---|" * len(_DRIFT_HEADER),
    ]
    lines += [_markdown_row(row) for row in _drift_rows(report)]
    return "\n".join(lines) + "\n"


DRIFT_RENDERERS: dict[str, Callable[[DriftReport], str]] = {
    "text": drift_text,
    "json": drift_json,
    "junit": drift_junit,
    "markdown": drift_markdown,
}


def _group_text(report: GroupedDriftReport, key: GroupKey, *, quoted: bool = True) -> str:
    """A group as results by group write it (``carrier='AA'``; ``quoted=False``: ``carrier=AA``,
    for test case names)."""
    return group_label(report.label(key), quoted=quoted)


def _grouped_headline(report: GroupedDriftReport) -> str:
    verdict = "DRIFT" if report.drifted else "NO DRIFT"
    flagged = report.drifted_groups
    named = "; ".join(_group_text(report, k) for k in flagged[:5])
    more = f" and {len(flagged) - 5} more" if len(flagged) > 5 else ""
    worst = f"; worst: {_group_text(report, flagged[0])}" if flagged else ""
    return (
        f"{verdict}: {len(flagged)} of {len(report.groups)} groups by "
        f"{', '.join(report.group_by)} drifted{worst}"
        + (f" (drifted: {named}{more})" if len(flagged) > 1 else "")
    )


def _one_sided(report: GroupedDriftReport) -> list[str]:
    """Lines naming the groups found on one side only, and those not compared."""
    lines = [
        f"only in the reference: {_group_text(report, k)} ({rows:,} rows)"
        for k, rows in report.only_reference.items()
    ]
    lines += [
        f"only in the current data: {_group_text(report, k)} ({rows:,} rows)"
        for k, rows in report.only_current.items()
    ]
    if report.more_only_current:
        lines.append("only in the current data: more groups than listed (the count stopped)")
    lines += [
        f"not compared: {_group_text(report, k)}: {why}" for k, why in report.not_compared.items()
    ]
    return lines


def grouped_drift_text(report: GroupedDriftReport) -> str:
    """The verdict by group, then each group's drift verdict and table, drifted groups first."""
    order = [*report.drifted_groups, *(k for k in report.groups if not report.groups[k].drifted)]
    parts = [_grouped_headline(report)]
    parts += [f"== {_group_text(report, k)}: {drift_text(report.groups[k])}" for k in order]
    tail = _one_sided(report)
    return "\n\n".join(parts) + ("\n" + "\n".join(tail) + "\n" if tail else "")


def grouped_drift_json(report: GroupedDriftReport) -> str:
    """The drift-by-group document as JSON."""
    return report.to_json() + "\n"


def grouped_drift_junit(report: GroupedDriftReport) -> str:
    """JUnit XML with one test suite per group and one testcase per column, named with the
    group; a drifted column is a failure, a group found on one side only is skipped."""
    suites = ET.Element("testsuites", name="dataguard")
    for key, group in report.groups.items():
        _drift_suite(suites, group, f"drift [{_group_text(report, key, quoted=False)}]")
    extra = ET.SubElement(suites, "testsuite", name="drift groups not compared")
    lines = _one_sided(report)
    for line in lines:
        case = ET.SubElement(
            extra, "testcase", classname="dataguard.drift", name=xml_text(line), time="0"
        )
        ET.SubElement(case, "skipped", message=xml_text(line))
    for name, value in (("tests", len(lines)), ("failures", 0), ("errors", 0)):
        extra.set(name, str(value))
    extra.set("skipped", str(len(lines)))
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in suites:
        for name in totals:
            totals[name] += int(suite.get(name, "0"))
    for name, value in totals.items():
        suites.set(name, str(value))
    suites.set("time", f"{report.duration_seconds:.6f}")
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def grouped_drift_markdown(report: GroupedDriftReport) -> str:
    """A Markdown summary by group for a CI job page: a table per group."""
    headline = markdown_text(_grouped_headline(report))
    lines = [
        f"## {'❌' if report.drifted else '✅'} dataguard drift: {headline}",
        "",
    ]
    for key, group in report.groups.items():
        name, verdict = (
            markdown_text(_group_text(report, key)),
            markdown_text(_drift_headline(group)),
        )
        lines += [
            f"### {name}: {verdict}",
            "",
            "| " + " | ".join(_DRIFT_HEADER) + " |",
            "|" + "---|" * len(_DRIFT_HEADER),
            *(_markdown_row(row) for row in _drift_rows(group)),
            "",
        ]
    lines += [f"- {markdown_text(line)}" for line in _one_sided(report)]
    return "\n".join(lines).rstrip("\n") + "\n"


GROUPED_DRIFT_RENDERERS: dict[str, Callable[[GroupedDriftReport], str]] = {
    "text": grouped_drift_text,
    "json": grouped_drift_json,
    "junit": grouped_drift_junit,
    "markdown": grouped_drift_markdown,
}
