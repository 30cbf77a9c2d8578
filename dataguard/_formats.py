"""Renderings of a validation result for people and machines: text, JSON, JUnit, Markdown."""

from __future__ import annotations

import math
import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable

from dataguard._outcome import FailOn
from dataguard._text import (
    MIN_LAST,
    column_of,
    duration,
    files_text,
    group_label,
    group_summaries,
    number,
    observed_text,
    sample_lines,
    table,
    with_groups,
)
from dataguard.drift import TYPE_CHANGE, DriftReport, GroupedDriftReport
from dataguard.profile import GroupKey
from dataguard.result import FAILING_SEVERITIES, ExpectationResult, Reason, ValidationResult

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
        f"({number(result.run.data.rows)} rows, {number(result.run.data.columns)} columns"
        + (f", {number(len(result.run.data.files))} files" if result.run.data.files else "")
        + "): "
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
    header, cells = with_groups(
        ("status", "severity", "expectation", "column", "observed", "message"), rows, ordered
    )
    if cells:
        body = table(header, cells, notes, width)
    elif result.results:
        body = "(no failures)"
    else:
        body = "(the suite has no expectations)"
    hidden = len(result.results) - len(ordered)
    tail = ""
    if hidden:
        tail = f"\n\n({hidden} passed or skipped expectation{'s' if hidden != 1 else ''} not shown)"
    files = [files_text(result.run.data.files)] if result.run.data.files else []
    headline = "\n".join([_headline(result, fail_on), *files, *group_summaries(result.results)])
    if width is not None:
        headline = "\n".join(
            textwrap.fill(line, max(width, MIN_LAST)) for line in headline.split("\n")
        )
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
    if result.run.data.files:  # a dataset: name the files read
        properties = ET.SubElement(suite, "properties")
        shown = {"data": result.run.data.source, "files": files_text(result.run.data.files)}
        for label, text in shown.items():
            ET.SubElement(properties, "property", name=label, value=_xml_text(text))
    for index, r in enumerate(result.results):
        case = ET.SubElement(
            suite,
            "testcase",
            classname=_xml_text(f"dataguard.{name}"),
            name=_xml_text(f"{index:03d} {r.expectation.name} [{column_of(r)}]{_group_tag(r)}"),
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


def _group_tag(result: ExpectationResult) -> str:
    """``[carrier=AA]`` after a test case's name when the result judged a group."""
    return f"[{group_label(result.group, quoted=False)}]" if result.group is not None else ""


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
        header, rows = with_groups(
            ("status", "severity", "expectation", "column", "observed", "message", "samples"),
            [
                (
                    _status(r, fail_on),
                    r.severity,
                    f"`{_md(r.expectation.name)}`",
                    _md(column_of(r)),
                    _md(observed_text(r)),
                    _md(r.message),
                    _md("; ".join(sample_lines(r)) or "-"),
                )
                for r in findings
            ],
            findings,
            _md,
        )
        header = (*header[:-1], "unexpected values and rows")
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
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
    suite = ET.SubElement(suites, "testsuite", name=_xml_text(name))
    tag = name[len("drift") :]  # " [group]" for a group's suite, else ""
    failures = 0
    for c in report.columns.values():
        case = ET.SubElement(
            suite,
            "testcase",
            classname="dataguard.drift",
            name=_xml_text(c.column + tag),
            time="0",
        )
        text = _xml_text(
            f"{c.reason}\n{c.method}: statistic {c.statistic:.6g}, p {c.pvalue}, "
            f"adjusted p {c.pvalue_adjusted}, effect {c.effect:.6g} (gate {c.threshold:g})"
        )
        if c.drifted:
            failures += 1
            ET.SubElement(
                case, "failure", message=_xml_text(f"{c.column}{tag} drifted"), type="drift"
            ).text = text
        else:
            ET.SubElement(case, "system-out").text = text
    for skipped in report.skipped:
        case = ET.SubElement(
            suite,
            "testcase",
            classname="dataguard.drift",
            name=_xml_text(skipped + tag),
            time="0",
        )
        ET.SubElement(case, "skipped", message=_xml_text(report.skipped[skipped]))
    suite.set("tests", str(len(report.columns) + len(report.skipped)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(len(report.skipped)))
    suite.set("time", f"{report.duration_seconds:.6f}")
    return suite


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
            extra, "testcase", classname="dataguard.drift", name=_xml_text(line), time="0"
        )
        ET.SubElement(case, "skipped", message=_xml_text(line))
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
    lines = [
        f"## {'❌' if report.drifted else '✅'} dataguard drift: {_md(_grouped_headline(report))}",
        "",
    ]
    for key, group in report.groups.items():
        lines += [
            f"### {_md(_group_text(report, key))}: {_md(_drift_headline(group))}",
            "",
            "| " + " | ".join(_DRIFT_HEADER) + " |",
            "|" + "---|" * len(_DRIFT_HEADER),
            *("| " + " | ".join(_md(cell) for cell in row) + " |" for row in _drift_rows(group)),
            "",
        ]
    lines += [f"- {_md(line)}" for line in _one_sided(report)]
    return "\n".join(lines).rstrip("\n") + "\n"


GROUPED_DRIFT_RENDERERS: dict[str, Callable[[GroupedDriftReport], str]] = {
    "text": grouped_drift_text,
    "json": grouped_drift_json,
    "junit": grouped_drift_junit,
    "markdown": grouped_drift_markdown,
}
