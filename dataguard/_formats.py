"""Renderings of a validation result for people and machines: text, JSON, JUnit, Markdown.

Those of a drift report are in ``dataguard._drift_formats``, so that a validation does not load
the drift statistics.
"""

from __future__ import annotations

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


def xml_text(text: object) -> str:
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
    suite = ET.SubElement(suites, "testsuite", name=xml_text(name))
    if result.run.data.files:  # a dataset: name the files read
        properties = ET.SubElement(suite, "properties")
        shown = {"data": result.run.data.source, "files": files_text(result.run.data.files)}
        for label, text in shown.items():
            ET.SubElement(properties, "property", name=label, value=xml_text(text))
    for index, r in enumerate(result.results):
        case = ET.SubElement(
            suite,
            "testcase",
            classname=xml_text(f"dataguard.{name}"),
            name=xml_text(f"{index:03d} {r.expectation.name} [{column_of(r)}]{_group_tag(r)}"),
            time="0",
        )
        counts["tests"] += 1
        detail = xml_text(
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
            ET.SubElement(case, "skipped", message=xml_text(r.message))
            counts["skipped"] += 1
        elif r.passed:
            continue
        elif r.reason is Reason.ERROR:
            ET.SubElement(
                case, "error", message=xml_text(r.message), type=r.reason.value
            ).text = detail
            counts["errors"] += 1
        elif r.severity in failing:
            node = ET.SubElement(case, "failure", message=xml_text(r.message), type=r.reason.value)
            node.text = detail
            counts["failures"] += 1
        else:
            ET.SubElement(case, "system-out").text = xml_text(
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


def markdown_text(text: object) -> str:
    """Markdown table cell text: pipes escaped, line breaks flattened, HTML neutralised."""
    flat = " ".join(str(text).split())
    return flat.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(result: ValidationResult, fail_on: FailOn = "error") -> str:
    """A Markdown summary for a CI job page: verdict, counts, then a table of the findings."""
    ok = result.passed_at(fail_on)
    stats = result.statistics
    lines = [
        f"## {'✅' if ok else '❌'} dataguard: {markdown_text(_headline(result, fail_on))}",
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
                    f"`{markdown_text(r.expectation.name)}`",
                    markdown_text(column_of(r)),
                    markdown_text(observed_text(r)),
                    markdown_text(r.message),
                    markdown_text("; ".join(sample_lines(r)) or "-"),
                )
                for r in findings
            ],
            findings,
            markdown_text,
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
