"""Bounds from an expectation's own history: ``history: {window: 14, max_mad: 3}`` and
``history: {relative_change: 0.2, baseline: last}`` on any expectation of one numeric statistic.

The past values are the statistic this same expectation (same declaration) observed in the
``window`` most recent earlier runs of the same dataset, read from the run history that
``validate(..., history=PATH, dataset=NAME)`` is given (``Context.past``). Two rules, either or
both:

- ``max_mad``: the value lies within ``median +- max_mad * MAD`` of the past values, with the
  *scaled* MAD ``1.4826 * median(|x - median|)`` (an estimate of the standard deviation for
  normal data, so ``max_mad: 3`` reads as three sigmas, robust to a past outlier). When the past
  values are all equal the MAD is 0 and only that value passes.
- ``relative_change``: ``|value - baseline| <= relative_change * |baseline|``, the baseline being
  the ``last`` run's value (default) or the ``median`` of the window. A baseline of 0 admits only 0.

With fewer than ``min_runs`` past values (default 3 for ``max_mad`` or a ``median`` baseline, 1
for the last run alone) there is nothing to compare with: the rule passes with the message "not
enough history: k of n runs" and ``details["history"]["enough"]`` false. Fixed ``min_value`` /
``max_value`` bounds may be given too (both must hold); with ``history`` they become optional.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from dataguard.errors import SuiteError, did_you_mean
from dataguard.result import ExpectationResult, Reason

#: Scales the median absolute deviation to the standard deviation of normal data (1 / Phi^-1(3/4)).
MAD_SCALE = 1.4826
DEFAULT_WINDOW = 14
BASELINES = ("last", "median")
_KEYS = ("window", "max_mad", "relative_change", "baseline", "min_runs")


@dataclass(frozen=True)
class HistoryRule:
    """A parsed ``history`` option (see the module docstring)."""

    window: int = DEFAULT_WINDOW
    max_mad: float | None = None
    relative_change: float | None = None
    baseline: str = "last"
    min_runs: int = 3

    def sentence(self) -> str:
        """The rule in words, to follow "the <statistic> is"."""
        parts = []
        if self.max_mad is not None:
            parts.append(f"within {_number(self.max_mad)} MADs of the median")
        if self.relative_change is not None:
            base = "the last run's value" if self.baseline == "last" else "the median"
            parts.append(f"within {self.relative_change:.0%} of {base}")
        return f"{' and '.join(parts)} of its last {self.window} runs"

    def judge(self, observed: Any, past: Sequence[Any]) -> tuple[bool, str, dict[str, Any]]:
        """Whether ``observed`` passes against the ``past`` values (oldest first), the message
        and the details recorded under ``history``."""
        values = [float(v) for v in past if _is_number(v)][-self.window :]
        details: dict[str, Any] = {"runs": len(values), "window": self.window}
        if len(values) < self.min_runs:
            details.update(enough=False, min_runs=self.min_runs)
            runs = f"{len(values)} of {self.min_runs} run{'s' if self.min_runs > 1 else ''}"
            return True, f"not enough history: {runs}, so not compared", details
        details["enough"] = True
        if not _is_number(observed):
            return False, f"{observed!r} is not a number to compare with past runs", details
        value = float(observed)
        middle = _median(values)
        passed, said = True, []
        if self.max_mad is not None:
            spread = MAD_SCALE * _median([abs(v - middle) for v in values])
            low, high = middle - self.max_mad * spread, middle + self.max_mad * spread
            inside = low <= value <= high
            passed &= inside
            details.update(median=middle, mad=spread, max_mad=self.max_mad, low=low, high=high)
            said.append(
                f"{'within' if inside else 'outside'} median {_number(middle)} +- "
                f"{_number(self.max_mad)} x MAD {_number(spread)} "
                f"[{_number(low)}, {_number(high)}]"
            )
        if self.relative_change is not None:
            base = values[-1] if self.baseline == "last" else middle
            change = abs(value - base) / abs(base) if base else (0.0 if value == 0 else math.inf)
            inside = change <= self.relative_change
            passed &= inside
            details.update(
                baseline=self.baseline,
                baseline_value=base,
                relative_change=change,
                max_relative_change=self.relative_change,
            )
            said.append(
                f"{_number(change * 100)}% from the {self.baseline} value {_number(base)} "
                f"({'within' if inside else 'beyond'} {_number(self.relative_change * 100)}%)"
            )
        return passed, f"{' and '.join(said)}, over {len(values)} past runs", details


def history_rule(option: Mapping[str, Any]) -> HistoryRule:
    """Parse a ``history`` option; SuiteError at ``history.<key>`` for a bad key or value."""
    for key in option:
        if key not in _KEYS:
            raise SuiteError(
                f"unknown history option {key!r}{did_you_mean([key], _KEYS, most=1)}; "
                f"use {', '.join(_KEYS)}",
                path=f"history.{key}",
            )
    window = _integer(option, "window", DEFAULT_WINDOW, least=1)
    max_mad = _positive(option, "max_mad")
    relative_change = _positive(option, "relative_change", zero=True)
    if max_mad is None and relative_change is None:
        raise SuiteError("history needs max_mad, relative_change or both", path="history")
    baseline = option.get("baseline", "last")
    if baseline not in BASELINES:
        raise SuiteError(
            f"baseline must be 'last' or 'median', got {baseline!r}", path="history.baseline"
        )
    if "baseline" in option and relative_change is None:
        raise SuiteError("baseline applies to relative_change only", path="history.baseline")
    fewest = 1 if max_mad is None and baseline == "last" else 3
    min_runs = _integer(option, "min_runs", min(fewest, window), least=1)
    if min_runs > window:
        raise SuiteError(
            f"min_runs {min_runs} exceeds the window of {window} runs", path="history.min_runs"
        )
    return HistoryRule(window, max_mad, relative_change, str(baseline), min_runs)


def check_history(option: Mapping[str, Any] | None) -> None:
    """Reject a malformed ``history`` option when the suite is loaded."""
    if option is not None:
        history_rule(option)


def judged_by_history(
    result: ExpectationResult, option: Mapping[str, Any], past: Sequence[Any], *, bounded: bool
) -> ExpectationResult:
    """``result`` (the fixed bounds' verdict, or a report of the value when ``bounded`` is
    false) combined with the history rule's verdict on the same observed value."""
    rule = history_rule(option)
    passed, said, details = rule.judge(result.observed_value, past)
    if bounded:
        passed = passed and result.passed
        message = f"{result.message}; {said}"
    else:
        message = result.message.replace("(no bounds: reported only)", "").rstrip() + f": {said}"
    return replace(
        result,
        passed=passed,
        reason=Reason.PASSED if passed else Reason.OUT_OF_RANGE,
        message=message,
        details={**result.details, "history": details},
    )


def judged_each(
    result: ExpectationResult,
    option: Mapping[str, Any],
    labels: Sequence[str],
    observed: Sequence[Any],
    past: Sequence[Sequence[Any]],
    *,
    bounded: bool,
) -> ExpectationResult:
    """``result`` combined with the history rule's verdict on each of several observed values
    (quantiles), each against its own past values (``past[i]``, oldest first)."""
    rule = history_rule(option)
    rows = [
        (label, *rule.judge(value, before))
        for label, value, before in zip(labels, observed, past, strict=True)
    ]
    passed = all(ok for _, ok, _, _ in rows)
    failing = [f"{label} {said}" for label, ok, said, _ in rows if not ok]
    said = "; ".join(failing) if failing else f"{rows[0][0]} {rows[0][2]}"
    if not failing and len(rows) > 1:
        said += f" (the other {len(rows) - 1} alike)"
    if bounded:
        passed = passed and result.passed
    return replace(
        result,
        passed=passed,
        reason=Reason.PASSED if passed else Reason.OUT_OF_RANGE,
        message=f"{result.message}; {said}" if bounded else said,
        details={**result.details, "history": {label: d for label, _, _, d in rows}},
    )


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def _number(value: float) -> str:
    return f"{value:.6g}"


def _integer(option: Mapping[str, Any], key: str, default: int, *, least: int) -> int:
    value = option.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise SuiteError(
            f"{key} must be a whole number of runs, at least {least}, got {value!r}",
            path=f"history.{key}",
        )
    return value


def _positive(option: Mapping[str, Any], key: str, *, zero: bool = False) -> float | None:
    value = option.get(key)
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value < 0
        or (value == 0 and not zero)
    ):
        least = "0 or more" if zero else "above 0"
        raise SuiteError(f"{key} must be a number {least}, got {value!r}", path=f"history.{key}")
    return float(value)
