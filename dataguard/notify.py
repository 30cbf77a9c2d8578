"""Webhook notifications: post a compact JSON summary of a validation or drift run.

The summary is one small JSON object with a Slack-compatible ``text`` field (Slack and Microsoft
Teams incoming webhooks show it as the message), posted with the standard library only. A post
is made once, without retries: a webhook that is down misses this run's message, and the CI job's
own rerun is the retry. Timeouts bound every connect and read, and redirects are refused (a
webhook answers where it is, and following one would resend the summary elsewhere).

Webhook URLs carry their secret in the path or query (Slack ``/services/T…/B…/XXXX``), so every
message about a post names only ``scheme://host[:port]`` (``redacted``), never the full URL.
"""

from __future__ import annotations

import functools
import http.client
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from dataguard._jsonable import jsonable
from dataguard._text import clip, column_of, group_label, observed_text
from dataguard._version import __version__
from dataguard.drift import DriftReport, GroupedDriftReport
from dataguard.errors import DataguardError
from dataguard.result import FAILING_SEVERITIES, ExpectationResult, Reason, ValidationResult

__all__ = [
    "DEFAULT_TIMEOUT",
    "NotificationError",
    "NotifyOn",
    "notify",
    "post_summary",
    "redacted",
    "summary",
    "webhook_url",
]

#: Seconds a post may wait to connect and for each read of the answer: long enough for a slow
#: webhook service, short enough not to hold a CI job.
DEFAULT_TIMEOUT = 5.0

#: Failed expectations or drifted columns listed in a summary; the rest are counted.
MOST_LISTED = 5

#: Longest message or name quoted in a summary (chat messages are read, not searched).
MAX_TEXT = 200

NotifyOn = Literal["failure", "always"]
FailOn = Literal["error", "warning"]


class NotificationError(DataguardError, OSError):
    """A summary could not be posted; the message names the webhook only by scheme and host."""


def redacted(url: str) -> str:
    """``scheme://host[:port]`` of a URL: what may be shown of a webhook, whose path and query
    hold its secret (user names and passwords before the host are dropped too)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address is written in brackets
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def webhook_url(text: str) -> str:
    """``text`` when it is an http or https URL with a host (and a valid port), else ValueError
    whose message shows only the scheme and host."""
    parts = urllib.parse.urlsplit(text.strip())
    if parts.scheme not in ("http", "https"):
        shown = f"{parts.scheme}://" if parts.scheme else repr(clip(text, 20, tally=False))
        raise ValueError(f"a webhook URL must start with http:// or https://, not {shown}")
    if not parts.hostname:
        raise ValueError(f"the webhook URL {redacted(text)} names no host")
    try:
        parts.port  # noqa: B018 (reading it checks the port)
    except ValueError:
        raise ValueError(f"the webhook URL {redacted(text)} has an invalid port") from None
    return text.strip()


@functools.singledispatch
def summary(
    outcome: object, *, fail_on: FailOn = "error", dataset: str | None = None
) -> dict[str, Any]:
    """The JSON-ready summary of a ``ValidationResult`` or ``DriftReport`` that ``post_summary``
    sends: kind, dataset, verdict, counts, the first failures or drifted columns (with a count of
    the rest), fingerprints, dataguard version, time, and a ``text`` line for chat.

    ``fail_on`` is the lowest severity that fails a validation; ``dataset`` names the data (for a
    validation, the result's own data source by default).
    """
    raise TypeError(
        f"summary needs a ValidationResult or a DriftReport, not {type(outcome).__name__}"
    )


@summary.register
def _validation_summary(
    outcome: ValidationResult, *, fail_on: FailOn = "error", dataset: str | None = None
) -> dict[str, Any]:
    result = outcome
    failing = FAILING_SEVERITIES[fail_on]
    counted = [r for r in result.failures if r.reason is not Reason.SKIPPED]
    counted.sort(key=lambda r: r.severity not in failing)  # those that fail the run first
    stats = result.statistics
    failed = not result.passed_at(fail_on)
    name = dataset or result.run.data.source
    listed = [_failure(r) for r in counted[:MOST_LISTED]]
    payload = {
        "kind": "validation",
        "dataset": name,
        "suite": result.suite.name,
        "verdict": "FAILED" if failed else "PASSED",
        "failed": failed,
        "counts": {
            "evaluated": stats.evaluated,
            "passed": stats.passed,
            "failed": stats.failed,
            "failed_by_severity": dict(stats.failed_by_severity),
            "rows": result.run.data.rows,
        },
        "failures": listed,
        "more_failures": len(counted) - len(listed),
        "fingerprints": {
            "suite": result.run.suite_fingerprint,
            "data_schema": result.run.data.schema_hash,
        },
        "dataguard_version": result.run.dataguard_version,
        "time": result.run.started_at.isoformat(),
    }
    suite = f" suite {_slack(repr(result.suite.name))}" if result.suite.name else ""
    headline = (
        f"dataguard: {payload['verdict']}{suite} on {_slack(name)}: "
        f"{stats.passed} of {stats.evaluated} expectations passed"
    )
    lines = [
        f"• {_slack(f['expectation'])}{_group_text(f['group'])} [{_slack(f['column'])}]: "
        f"{_slack(f['observed'])}"
        for f in listed
    ]
    payload["text"] = _text(headline, lines, len(counted), "failures")
    return payload


@summary.register
def _drift_summary(
    outcome: DriftReport, *, fail_on: FailOn = "error", dataset: str | None = None
) -> dict[str, Any]:
    report = outcome
    flagged = [report.columns[name] for name in report.drifted_columns]
    listed = [
        {
            "column": clip(c.column, MAX_TEXT),
            "method": c.method,
            "effect": jsonable(c.effect),
            "pvalue_adjusted": jsonable(c.pvalue_adjusted),
        }
        for c in flagged
    ]
    payload = {
        "kind": "drift",
        "dataset": dataset,
        "verdict": "DRIFT" if report.drifted else "NO DRIFT",
        "failed": report.drifted,
        "counts": {
            "columns": len(report.columns),
            "drifted": len(flagged),
            "skipped": len(report.skipped),
            "reference_rows": report.reference_rows,
            "current_rows": report.current_rows,
        },
        "drifted_columns": listed[:MOST_LISTED],
        "more_drifted_columns": max(len(listed) - MOST_LISTED, 0),
        "multivariate_drifted": (
            None if report.multivariate is None else report.multivariate.drifted
        ),
        "fingerprints": {},
        "dataguard_version": __version__,
        "time": report.started_at.isoformat(),
    }
    on = f" on {_slack(dataset)}" if dataset else ""
    headline = (
        f"dataguard: {payload['verdict']}{on}: {len(flagged)} of {len(report.columns)} "
        f"columns drifted"
    )
    lines = [
        f"• {_slack(c['column'])}: {c['method']}, effect {c['effect']:.3g}"
        if isinstance(c["effect"], float)
        else f"• {_slack(c['column'])}: {c['method']}"
        for c in listed[:MOST_LISTED]
    ]
    payload["text"] = _text(headline, lines, len(listed), "drifted columns")
    return payload


@summary.register
def _grouped_drift_summary(
    outcome: GroupedDriftReport, *, fail_on: FailOn = "error", dataset: str | None = None
) -> dict[str, Any]:
    report = outcome
    flagged = report.drifted_groups
    listed = [(report.label(key), report.groups[key].drifted_columns) for key in flagged]
    listed = listed[:MOST_LISTED]
    payload = {
        "kind": "drift_by_group",
        "dataset": dataset,
        "verdict": "DRIFT" if report.drifted else "NO DRIFT",
        "failed": report.drifted,
        "group_by": list(report.group_by),
        "counts": {
            "groups": len(report.groups),
            "drifted_groups": len(flagged),
            "only_reference": len(report.only_reference),
            "only_current": len(report.only_current),
        },
        "drifted_groups": [
            {"group": group, "drifted_columns": [clip(c, MAX_TEXT) for c in columns]}
            for group, columns in listed
        ],
        "more_drifted_groups": len(flagged) - len(listed),
        "fingerprints": {},
        "dataguard_version": __version__,
        "time": report.started_at.isoformat(),
    }
    on = f" on {_slack(dataset)}" if dataset else ""
    headline = (
        f"dataguard: {payload['verdict']}{on}: {len(flagged)} of {len(report.groups)} groups "
        f"by {_slack(', '.join(report.group_by))} drifted"
    )
    lines = [
        f"• {_group_words(group)}: {_slack(clip(', '.join(columns), MAX_TEXT))}"
        for group, columns in listed
    ]
    payload["text"] = _text(headline, lines, len(flagged), "drifted groups")
    return payload


def _failure(result: ExpectationResult) -> dict[str, Any]:
    """One failed expectation as a summary lists it, with its ``group`` (column to value) when
    the result is one group's."""
    return {
        "expectation": result.expectation.name,
        "column": clip(column_of(result), MAX_TEXT),
        "severity": result.severity,
        "reason": result.reason.value,
        "observed": clip(observed_text(result), MAX_TEXT),
        "message": clip(result.message, MAX_TEXT),
        "group": None if result.group is None else jsonable(dict(result.group)),
    }


def _group_words(group: Mapping[str, Any]) -> str:
    """A group's key as ``column=value, ...``, escaped for Slack."""
    return _slack(clip(group_label(group, quoted=False), MAX_TEXT))


def _group_text(group: Mapping[str, Any] | None) -> str:
    return f" ({_group_words(group)})" if group else ""


def _slack(text: str) -> str:
    """Text safe inside a Slack message: ``&``, ``<`` and ``>`` are Slack's control characters
    (``<url|label>`` makes a link), so data values must not carry them raw."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text(headline: str, lines: list[str], total: int, noun: str) -> str:
    more = total - len(lines)
    tail = [f"… and {more} more {noun}"] if more > 0 else []
    return "\n".join([headline, *lines, *tail])


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: the 3xx answer becomes an HTTPError like any other failure."""

    def redirect_request(  # noqa: PLR0917 (urllib.request's signature)
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> None:
        return None


def post_summary(
    outcome: ValidationResult | DriftReport | GroupedDriftReport,
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    fail_on: FailOn = "error",
    dataset: str | None = None,
) -> None:
    """POST ``summary(outcome)`` as JSON to the webhook ``url`` (http or https), once.

    ``timeout`` bounds the connection and each read of the answer, in seconds. Raises
    ``NotificationError`` when the post fails (refused, timed out, an answer other than 2xx);
    its message names the webhook only by ``redacted(url)``. ValueError for a URL that is not
    http or https.
    """
    target = webhook_url(url)
    if not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout}")
    body = json.dumps(
        summary(outcome, fail_on=fail_on, dataset=dataset), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")
    request = urllib.request.Request(
        target,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": f"dataguard/{__version__}",
        },
    )
    opener = urllib.request.build_opener(_NoRedirects)
    where = redacted(target)
    try:
        with opener.open(request, timeout=timeout) as answer:
            status = answer.status
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the answer's connection
        raise NotificationError(f"{where} answered HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise NotificationError(f"{where}: {_why(exc.reason, timeout)}") from None
    except (OSError, http.client.HTTPException) as exc:
        raise NotificationError(f"{where}: {_why(exc, timeout)}") from None
    if not 200 <= status < 300:
        raise NotificationError(f"{where} answered HTTP {status}")


def _why(reason: object, timeout: float) -> str:
    """Why a post failed, from the error alone (never its text, which may quote the URL)."""
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return type(reason).__name__ if isinstance(reason, BaseException) else "unreachable"


def notify(
    outcome: ValidationResult | DriftReport | GroupedDriftReport,
    urls: Iterable[str],
    *,
    on: NotifyOn = "failure",
    timeout: float = DEFAULT_TIMEOUT,
    fail_on: FailOn = "error",
    dataset: str | None = None,
) -> list[str]:
    """Post the summary to every webhook in ``urls`` when the run failed (``on="failure"``: a
    validation failed at ``fail_on``, or drift was found) or whatever the outcome
    (``on="always"``). Returns one warning per failed post; a failed post never raises, so a
    notification never changes a run's outcome."""
    urls = list(urls)
    if not urls:
        return []
    if on == "failure" and not summary(outcome, fail_on=fail_on, dataset=dataset)["failed"]:
        return []
    warnings = []
    for url in urls:
        try:
            post_summary(outcome, url, timeout=timeout, fail_on=fail_on, dataset=dataset)
        except NotificationError as exc:
            warnings.append(f"notification not sent: {exc}")
    return warnings
