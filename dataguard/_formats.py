"""Renderings of a validation result for people and machines: text, JSON, JUnit, Markdown."""

from __future__ import annotations

import math
import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Literal

from dataguard._text import (
    MIN_LAST,
    column_of,
    duration,
    number,
    observed_text,
    sample_lines,
    table,
)
from dataguard.drift import TYPE_CHANGE, DriftReport
from dataguard.result import FAILING_SEVERITIES, ExpectationResult, Reason, ValidationResult

FailOn = Literal["error", "warning"]
FORMATS = ("text", "json", "junit", "markdown")

# XML 1.0 forbids most control characters; data values can contain anything.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _status(result: ExpectationResult, fail_on: FailOn) -> str:
    if result.reason is Reason.SKIPPED:
        return "skipped"
    if result.passed:
        return "passed"
    if result.reason is Reason.ERROR:
        return "error"
    return "FAILED" if result.severity in FAILING_SEVERITIES[fail_on] else result.severity


def _headline(result: ValidationResult, fail_on: FailOn) -> str:
    verdict = "PASSED" if result.passed_at(fail_on) else "FAILED"
    stats = result.statistics
    name = f" {result.suite.name!r}" if result.suite.name else ""
    failed = ", ".join(
        f"{count} {severity}" for severity, count in stats.failed_by_severity.items() if count
    )
    return (
        f"{verdict}: suite{name} on {result.run.data.source} "
        f"({number(result.run.data.rows)} rows, {number(result.run.data.columns)} columns): "
        f"{stats.passed} of {stats.evaluated} expectations passed"
        + (f", {stats.failed} failed ({failed})" if stats.failed else "")
        + f" in {duration(result.run.duration_seconds)}"
    )


def to_text(
    result: ValidationResult,
    fail_on: FailOn = "error",
    *,
    only_failures: bool = False,
    width: int | None = None,
) -> str:
    """A one-line verdict, then an aligned table of the expectations, failures first, each
    failure followed by its sample of unexpected values and rows.

    ``only_failures`` leaves out the expectations that passed or were skipped; ``width`` (a
    terminal's) wraps messages to fit instead of leaving lines long.
    """
    ordered = sorted(result.results, key=lambda r: r.passed)
    if only_failures:
        ordered = [r for r in ordered if not r.passed and r.reason is not Reason.SKIPPED]
    rows = [
        (
            _status(r, fail_on),
            r.severity,
            r.expectation.name,
            column_of(r),
            observed_text(r),
            r.message,
        )
        for r in ordered
    ]
    notes = [[] if r.passed else sample_lines(r) for r in ordered]
    header = ("status", "severity", "expectation", "column", "observed", "message")
    if rows:
        body = table(header, rows, notes, width)
    elif result.results:
        body = "(no failures)"
    else:
        body = "(the suite has no expectations)"
    hidden = len(result.results) - len(ordered)
    tail = ""
    if hidden:
        tail = f"\n\n({hidden} passed or skipped expectation{'s' if hidden != 1 else ''} not shown)"
    headline = _headline(result, fail_on)
    if width is not None:
        headline = textwrap.fill(headline, max(width, MIN_LAST))
    return f"{headline}\n\n{body}{tail}\n"


def to_json(result: ValidationResult, fail_on: FailOn = "error") -> str:
    """The result document (``ValidationResult.to_dict``) as JSON."""
    return result.to_json() + "\n"


def _xml_text(text: object) -> str:
    return _XML_INVALID.sub("\ufffd", str(text))


def to_junit(result: ValidationResult, fail_on: FailOn = "error") -> str:
    """JUnit XML with one testcase per expectation, so CI systems list failures natively.

    Failures of a severity that does not fail the run at ``fail_on`` pass, with the finding in
    ``system-out``; expectations that could not be evaluated are ``error``s.
    """
    name = result.suite.name or "dataguard"
    failing = FAILING_SEVERITIES[fail_on]
    suites = ET.Element("testsuites", name="dataguard")
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    suite = ET.SubElement(suites, "testsuite", name=_xml_text(name))
    for index, r in enumerate(result.results):
        case = ET.SubElement(
            suite,
            "testcase",
            classname=_xml_text(f"dataguard.{name}"),
            name=_xml_text(f"{index:03d} {r.expectation.name} [{column_of(r)}]"),
            time="0",
        )
        counts["tests"] += 1
        detail = _xml_text(
            "\n".join(
                [
                    r.expectation.describe(),
                    r.message,
                    f"observed: {observed_text(r)}",
                    *sample_lines(r),
                ]
            )
        )
        if r.reason is Reason.SKIPPED:
            ET.SubElement(case, "skipped", message=_xml_text(r.message))
            counts["skipped"] += 1
        elif r.passed:
            continue
        elif r.reason is Reason.ERROR:
            ET.SubElement(
                case, "error", message=_xml_text(r.message), type=r.reason.value
            ).text = detail
            counts["errors"] += 1
        elif r.severity in failing:
            node = ET.SubElement(case, "failure", message=_xml_text(r.message), type=r.reason.value)
            node.text = detail
            counts["failures"] += 1
        else:
            ET.SubElement(case, "system-out").text = _xml_text(
                "\n".join([f"{r.severity.upper()}: {r.message}", *sample_lines(r)])
            )
    for element in (suites, suite):
        for key, value in counts.items():
            element.set(key, str(value))
        element.set("time", f"{result.run.duration_seconds:.6f}")
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def _md(text: object) -> str:
    """Markdown table cell text: pipes escaped, line breaks flattened, HTML neutralised."""
    flat = " ".join(str(text).split())
    return flat.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(result: ValidationResult, fail_on: FailOn = "error") -> str:
    """A Markdown summary for a CI job page: verdict, counts, then a table of the findings."""
    ok = result.passed_at(fail_on)
    stats = result.statistics
    lines = [
        f"## {'✅' if ok else '❌'} dataguard: {_md(_headline(result, fail_on))}",
        "",
        "| evaluated | passed | failed (error) | failed (warning) | failed (info) |",
        "|---:|---:|---:|---:|---:|",
        f"| {stats.evaluated} | {stats.passed} | {stats.failed_by_severity['error']} "
        f"| {stats.failed_by_severity['warning']} | {stats.failed_by_severity['info']} |",
        "",
    ]
    findings = result.failures
    if findings:
        lines += [
            "| status | severity | expectation | column | observed | message "
            "| unexpected values and rows |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {_status(r, fail_on)} | {r.severity} | `{_md(r.expectation.name)}` "
            f"| {_md(column_of(r))} "
            f"| {_md(observed_text(r))} | {_md(r.message)} "
            f"| {_md('; '.join(sample_lines(r)) or '-')} |"
            for r in findings
        ]
    else:
        lines.append("Every expectation passed.")
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[ValidationResult, FailOn], str]] = {
    "text": to_text,
    "json": to_json,
    "junit": to_junit,
    "markdown": to_markdown,
}


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
    suite = ET.SubElement(suites, "testsuite", name="drift")
    failures = 0
    for c in report.columns.values():
        case = ET.SubElement(
            suite, "testcase", classname="dataguard.drift", name=_xml_text(c.column), time="0"
        )
        text = _xml_text(
            f"{c.reason}\n{c.method}: statistic {c.statistic:.6g}, p {c.pvalue}, "
            f"adjusted p {c.pvalue_adjusted}, effect {c.effect:.6g} (gate {c.threshold:g})"
        )
        if c.drifted:
            failures += 1
            ET.SubElement(
                case, "failure", message=_xml_text(f"{c.column} drifted"), type="drift"
            ).text = text
        else:
            ET.SubElement(case, "system-out").text = text
    for name in report.skipped:
        case = ET.SubElement(
            suite, "testcase", classname="dataguard.drift", name=_xml_text(name), time="0"
        )
        ET.SubElement(case, "skipped", message=_xml_text(report.skipped[name]))
    for element in (suites, suite):
        element.set("tests", str(len(report.columns) + len(report.skipped)))
        element.set("failures", str(failures))
        element.set("errors", "0")
        element.set("skipped", str(len(report.skipped)))
        element.set("time", f"{report.duration_seconds:.6f}")
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def drift_markdown(report: DriftReport) -> str:
    """A Markdown drift summary for a CI job page."""
    lines = [
        f"## {'❌' if report.drifted else '✅'} dataguard drift: {_md(_drift_headline(report))}",
        "",
        "| " + " | ".join(_DRIFT_HEADER) + " |",
        "|" + "---|" * len(_DRIFT_HEADER),
    ]
    lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in _drift_rows(report)]
    return "\n".join(lines) + "\n"


DRIFT_RENDERERS: dict[str, Callable[[DriftReport], str]] = {
    "text": drift_text,
    "json": drift_json,
    "junit": drift_junit,
    "markdown": drift_markdown,
}
