"""Validation results: one ExpectationResult per expectation, gathered in a ValidationResult."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from dataguard._jsonable import jsonable
from dataguard._outcome import Reason, ResultFormat
from dataguard._text import clip, failure_table, group_label
from dataguard.errors import ValidationFailedError

if TYPE_CHECKING:
    from dataguard.expectations import Expectation
    from dataguard.suite import Suite

__all__ = [
    "DataSummary",
    "ExpectationResult",
    "Reason",
    "ResultFormat",
    "RunInfo",
    "Statistics",
    "ValidationResult",
]

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


def _percent(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None if part is None else 0.0
    return 100.0 * part / whole


@dataclass(frozen=True, repr=False)
class ExpectationResult:
    """The outcome of one expectation on one batch of data.

    Counts follow Great Expectations: ``element_count`` is every row, ``missing_count`` the rows
    whose value is null, NaN or NaT, and ``unexpected_count`` the present rows that failed.
    ``unexpected_percent`` is relative to the present rows. ``unexpected_index_list`` holds global
    row numbers, or dicts of the ``id_columns`` values when the caller named id columns.
    ``group`` is the group judged (group column -> value, ``None`` for a missing value) when the
    expectation is judged per group (``group_by``), else ``None``.
    """

    expectation: Expectation
    passed: bool
    reason: Reason
    message: str
    observed_value: Any = None
    element_count: int | None = None
    missing_count: int | None = None
    unexpected_count: int | None = None
    partial_unexpected_list: tuple[Any, ...] = ()
    unexpected_index_list: tuple[Any, ...] = ()
    unexpected_list: tuple[Any, ...] | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    group: Mapping[str, Any] | None = None

    @property
    def severity(self) -> Severity:
        """The expectation's severity: only failed ``error`` results fail a validation."""
        return self.expectation.severity

    @property
    def missing_percent(self) -> float | None:
        """Missing rows as a percentage of all rows."""
        return _percent(self.missing_count, self.element_count)

    @property
    def nonmissing_count(self) -> int | None:
        """Rows with a present value: the denominator of ``mostly``."""
        if self.element_count is None or self.missing_count is None:
            return None
        return self.element_count - self.missing_count

    @property
    def unexpected_percent(self) -> float | None:
        """Unexpected rows as a percentage of the present rows."""
        return _percent(self.unexpected_count, self.nonmissing_count)

    @property
    def unexpected_percent_total(self) -> float | None:
        """Unexpected rows as a percentage of all rows."""
        return _percent(self.unexpected_count, self.element_count)

    @property
    def sample_counts(self) -> list[tuple[Any, int]]:
        """Each distinct sampled unexpected value, as found in the data, with how often it occurs
        in the sample, most frequent first (see ``same_sample``)."""
        return counted(self.partial_unexpected_list)

    @property
    def partial_unexpected_counts(self) -> list[dict[str, Any]]:
        """``sample_counts`` as JSON-ready dicts (``value``, ``count``)."""
        return [{"value": jsonable(value), "count": count} for value, count in self.sample_counts]

    def __repr__(self) -> str:
        """One line: the expectation, its column(s), the outcome and the message."""
        columns = ", ".join(repr(c) for c in self.expectation.columns)
        on = f" on {_short(columns)}" if columns else ""
        outcome = "passed" if self.passed else f"failed ({self.reason.value})"
        group = f" [{_short(group_label(self.group))}]" if self.group is not None else ""
        return (
            f"<ExpectationResult {self.expectation.name}{on}{group}: {outcome}: "
            f"{_short(self.message)}>"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the expectation's declaration, outcome, counts and samples."""
        out: dict[str, Any] = {
            "expectation": jsonable(self.expectation.to_dict()),
            **({"group": jsonable(dict(self.group))} if self.group is not None else {}),
            "description": self.expectation.describe(),
            "passed": self.passed,
            "severity": self.severity,
            "reason": self.reason.value,
            "message": self.message,
            "observed_value": jsonable(self.observed_value),
        }
        if self.element_count is not None:
            out["element_count"] = self.element_count
        if self.missing_count is not None:
            out["missing_count"] = self.missing_count
            out["missing_percent"] = self.missing_percent
        if self.unexpected_count is not None:
            out["unexpected_count"] = self.unexpected_count
            out["unexpected_percent"] = self.unexpected_percent
            out["unexpected_percent_total"] = self.unexpected_percent_total
            out["partial_unexpected_list"] = jsonable(list(self.partial_unexpected_list))
            out["partial_unexpected_counts"] = self.partial_unexpected_counts
            out["unexpected_index_list"] = jsonable(list(self.unexpected_index_list))
        if self.unexpected_list is not None:
            out["unexpected_list"] = jsonable(list(self.unexpected_list))
        if self.details:
            out["details"] = jsonable(dict(self.details))
        return out


@dataclass(frozen=True)
class DataSummary:
    """What was validated: a name for the data, its shape and a hash of its schema; for a
    dataset (a folder or a glob), the files read, in the order read."""

    source: str
    rows: int
    columns: int
    schema_hash: str
    files: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``files`` only for a dataset, every one of them)."""
        out: dict[str, Any] = {
            "source": self.source,
            "rows": self.rows,
            "columns": self.columns,
            "schema_hash": self.schema_hash,
        }
        if self.files:
            out["files"] = list(self.files)
        return out


@dataclass(frozen=True)
class RunInfo:
    """How a validation was run, so it can be reproduced and compared."""

    dataguard_version: str
    suite_fingerprint: str
    data: DataSummary
    started_at: dt.datetime
    duration_seconds: float
    result_format: ResultFormat
    #: The clock the run judged ages against (``freshness``), in UTC.
    now: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "dataguard_version": self.dataguard_version,
            "suite_fingerprint": self.suite_fingerprint,
            "data": self.data.to_dict(),
            "started_at": self.started_at.isoformat(),
            "duration_seconds": self.duration_seconds,
            "result_format": self.result_format.value,
            "now": self.now.isoformat(),
        }


@dataclass(frozen=True)
class Statistics:
    """How many expectations were evaluated, passed and failed, overall and per severity."""

    evaluated: int
    passed: int
    failed: int
    failed_by_severity: Mapping[str, int]

    @property
    def success_percent(self) -> float:
        """Passed expectations as a percentage of the evaluated ones (100 for an empty suite)."""
        return 100.0 if not self.evaluated else 100.0 * self.passed / self.evaluated

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "evaluated": self.evaluated,
            "passed": self.passed,
            "failed": self.failed,
            "failed_by_severity": dict(self.failed_by_severity),
            "success_percent": self.success_percent,
        }


#: Severities that fail a run for each ``fail_on`` level.
FAILING_SEVERITIES: Mapping[str, frozenset[str]] = {
    "error": frozenset({"error"}),
    "warning": frozenset({"error", "warning"}),
}


@dataclass(frozen=True, repr=False)
class ValidationResult:
    """Every expectation's result, in suite order, with run metadata.

    ``passed`` is false when an ``error``-severity expectation failed; warnings and info are
    reported but do not fail the run unless asked (``passed_at("warning")``).
    """

    suite: Suite
    results: tuple[ExpectationResult, ...]
    run: RunInfo

    @property
    def passed(self) -> bool:
        """True when no error-severity expectation failed."""
        return self.passed_at("error")

    def passed_at(self, fail_on: Literal["error", "warning"] = "error") -> bool:
        """True when no expectation of a severity that ``fail_on`` counts as failing failed."""
        failing = FAILING_SEVERITIES[fail_on]
        return not any(not r.passed and r.severity in failing for r in self.results)

    @property
    def failures(self) -> tuple[ExpectationResult, ...]:
        """The failed results of any severity, in suite order."""
        return tuple(r for r in self.results if not r.passed)

    @property
    def statistics(self) -> Statistics:
        """Counts of evaluated, passed and failed expectations."""
        failed: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
        for result in self.failures:
            failed[result.severity] += 1
        n_failed = len(self.failures)
        return Statistics(len(self.results), len(self.results) - n_failed, n_failed, failed)

    def __repr__(self) -> str:
        """One line (pytest prints it on a failed assert): verdict, suite, data, counts and the
        first failed expectations."""
        stats = self.statistics
        name = f" {_short(repr(self.suite.name))}" if self.suite.name else ""
        failed = ", ".join(
            r.expectation.name
            + (f"({_short(', '.join(r.expectation.columns))})" if r.expectation.columns else "")
            for r in self.failures[:3]
        )
        more = f" and {stats.failed - 3} more" if stats.failed > 3 else ""
        return (
            f"<ValidationResult {'PASSED' if self.passed else 'FAILED'}: suite{name} on "
            f"{_short(self.run.data.source)} ({self.run.data.rows:,} rows): {stats.passed} of "
            f"{stats.evaluated} expectations passed"
            + (f"; failed: {failed}{more}" if failed else "")
            + ">"
        )

    def _repr_html_(self) -> str:
        """A compact validation report for notebooks (see ``dataguard.report.notebook_html``)."""
        # Deferred: the report package reads results, so it imports this module.
        from dataguard.report import notebook_html

        return notebook_html(self)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with the outcome, statistics, run metadata and every result."""
        return {
            "format_version": RESULT_FORMAT_VERSION,
            "passed": self.passed,
            "suite": self.suite.name,
            "statistics": self.statistics.to_dict(),
            "run": self.run.to_dict(),
            "results": [r.to_dict() for r in self.results],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The result as JSON text (NaN and infinities written as null, per RFC 8259)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    def failure_table(self, fail_on: Literal["error", "warning"] = "error") -> str:
        """A readable, aligned table of the failures that count at ``fail_on``."""
        failing = FAILING_SEVERITIES[fail_on]
        return failure_table([r for r in self.failures if r.severity in failing])

    def raise_for_failures(
        self, fail_on: Literal["error", "warning"] = "error"
    ) -> ValidationResult:
        """Raise ``ValidationFailedError`` if the run failed at ``fail_on``, else return self."""
        if self.passed_at(fail_on):
            return self
        failing = FAILING_SEVERITIES[fail_on]
        count = sum(1 for r in self.failures if r.severity in failing)
        name = f" {self.suite.name!r}" if self.suite.name else ""
        message = (
            f"suite{name} failed on {self.run.data.source}: {count} expectation"
            f"{'s' if count != 1 else ''} failed\n{self.failure_table(fail_on)}"
        )
        raise ValidationFailedError(message, self)


#: Version of the JSON document ``ValidationResult.to_dict`` produces.
RESULT_FORMAT_VERSION = 1


#: Longest name or message a one-line ``repr`` quotes in full.
REPR_TEXT = 80


def _short(text: str) -> str:
    """Text for a one-line repr: whitespace flattened, long text cut with an ellipsis."""
    return clip(" ".join(text.split()), REPR_TEXT, tally=False)


def same_sample(value: Any) -> str:
    """What two sampled values share when they count as one: their JSON form (infinities kept
    apart), so that the text, JSON and HTML outputs always count a sample alike."""
    return json.dumps(jsonable(value, infinities=True), sort_keys=True)


def counted(values: Iterable[Any]) -> list[tuple[Any, int]]:
    """Each distinct value (by ``same_sample``; the first one seen stands for the others) with
    how often it occurs, most frequent first, ties in the order first seen."""
    counts: dict[str, tuple[Any, int]] = {}
    for value in values:
        key = same_sample(value)
        first, count = counts.get(key, (value, 0))
        counts[key] = (first, count + 1)
    return sorted(counts.values(), key=lambda item: -item[1])


def finite_or_none(value: float | None) -> float | None:
    """A float, with NaN mapped to None (for observed values that are undefined)."""
    if value is None or math.isnan(value):
        return None
    return value
