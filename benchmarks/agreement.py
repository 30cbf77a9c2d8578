"""Whether the tools give the same answers, job by job, before their times mean anything.

- **validate**: every tool's pass/fail and unexpected count per check equal the hand-written
  baseline's (a count a tool does not report, because it cannot express the check with one, is
  "not reported", not a match); and the baseline finds exactly the breaches ``data.py`` planted.
- **drift**: every tool flags exactly the columns ``data.py`` drifted (``meta.json``).
- **profile**: every tool's row and missing counts equal pandas', and its means are within 1e-9
  relative of pandas' (computed by ``prepare.py --profile-truth``).

Standard library only (``run.py`` imports it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from harness import Outcome

AGREE, DISAGREE, NOT_REPORTED, MISSING = "agree", "DISAGREE", "not reported", "missing"
#: A check the tool could not run (it raised): no verdict, reported as a finding.
RAISED = "raised"

#: Suite check -> the planted breaches (data.BREACHES keys) it must find, for benchmarks/suite.yaml.
PLANTED = {
    "not_null:customer_id": ("null_customer_ids",),
    "between:amount": ("negative_amounts", "huge_amounts"),
    "between:shipping_cost": ("infinite_shipping_costs",),
    "in_set:status": ("unknown_status",),
    "matches_regex:email": ("malformed_emails",),
    "unique:order_id": ("duplicate_order_ids", "duplicate_order_ids"),  # sources and copies
    "increasing:created_at": ("out_of_order_timestamps",),
}


@dataclass
class CheckCell:
    """One tool's answer to one check, judged against the baseline's."""

    state: str
    success: bool | None = None
    unexpected_count: int | None = None


@dataclass
class ValidateAgreement:
    """Check-by-check answers of every tool at one size, against the baseline's."""

    rows: int
    baseline: list[dict[str, Any]]
    cells: dict[str, list[CheckCell]] = field(default_factory=dict)  # tool label -> per check
    problems: list[str] = field(default_factory=list)

    def agrees(self, label: str) -> bool:
        """Whether a tool has no disagreeing (or missing) answer."""
        return all(c.state in (AGREE, NOT_REPORTED) for c in self.cells.get(label, []))


def _judge(want: dict[str, Any], have: dict[str, Any] | None) -> CheckCell:
    if have is None or have.get("id") != want["id"]:
        return CheckCell(MISSING)
    if have.get("raised"):
        return CheckCell(RAISED)
    cell = CheckCell(AGREE, bool(have["success"]), have.get("unexpected_count"))
    if cell.success != want["success"]:
        cell.state = DISAGREE
    elif cell.unexpected_count is None and want.get("unexpected_count") is not None:
        cell.state = NOT_REPORTED
    elif cell.unexpected_count != want.get("unexpected_count"):
        cell.state = DISAGREE
    return cell


def validate_agreement(baseline: Outcome, others: list[Outcome]) -> ValidateAgreement:
    """Judge every other tool's checks against the baseline's, check by check."""
    wanted = list(baseline.data.get("checks", []))
    agreement = ValidateAgreement(baseline.rows, wanted)
    for outcome in others:
        label = outcome.task.label
        if not outcome.ok:
            agreement.problems.append(f"{label} at {outcome.task.rows:,} rows: {outcome.status}")
            continue
        have = list(outcome.data["checks"])
        cells = [_judge(w, have[i] if i < len(have) else None) for i, w in enumerate(wanted)]
        agreement.cells[label] = cells
        for want, cell in zip(wanted, cells, strict=True):
            if cell.state in (DISAGREE, MISSING):
                agreement.problems.append(
                    f"{label} at {agreement.rows:,} rows, {want['id']}: {cell.state} "
                    f"(baseline {want['success']}/{want.get('unexpected_count')}, "
                    f"tool {cell.success}/{cell.unexpected_count})"
                )
    return agreement


def planted_problems(baseline: list[dict[str, Any]], breaches: dict[str, int]) -> list[str]:
    """Where the baseline's counts differ from the planted breaches (empty: it finds them all)."""
    found = {c["id"]: c.get("unexpected_count") for c in baseline}
    problems = []
    for check, keys in PLANTED.items():
        if check not in found:
            continue
        expected = sum(breaches[k] for k in keys)
        if found[check] != expected:
            problems.append(f"{check}: baseline counts {found[check]}, {expected} were planted")
    return problems


@dataclass
class DriftVerdict:
    """Which columns a drift tool flagged, against the planted drift."""

    label: str
    rows: int
    flagged: list[str]
    missed: list[str]
    false_alarms: list[str]
    tested: int

    @property
    def agrees(self) -> bool:
        return not self.missed and not self.false_alarms


def drift_verdict(outcome: Outcome, drifted: set[str]) -> DriftVerdict:
    """A drift tool's flagged columns compared with the planted ones."""
    answers: dict[str, Any] = dict(outcome.data.get("drift", {}))
    flagged = sorted(c for c, a in answers.items() if a.get("drifted"))
    return DriftVerdict(
        outcome.task.label,
        outcome.rows,
        flagged,
        sorted(drifted - set(flagged)),
        sorted(set(flagged) - drifted),
        len(answers),
    )


@dataclass
class ProfileVerdict:
    """A profiler's counts and means against pandas', column by column."""

    label: str
    rows: int
    compared: int
    problems: list[str]

    @property
    def agrees(self) -> bool:
        return not self.problems


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return True  # compared only where both give a mean
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def profile_verdict(outcome: Outcome, truth: dict[str, dict[str, Any]]) -> ProfileVerdict:
    """A profiler's answers compared with pandas' on every column both have."""
    answers: dict[str, Any] = dict(outcome.data.get("profile", {}))
    problems = []
    compared = 0
    for name, answer in sorted(answers.items()):
        want = truth.get(name)
        if want is None:
            continue
        compared += 1
        for key in ("count", "null_count"):
            if answer.get(key) != want[key]:
                problems.append(f"{name}.{key}: {answer.get(key)} != pandas {want[key]}")
        if not _close(answer.get("mean"), want["mean"]):
            problems.append(f"{name}.mean: {answer.get('mean')} != pandas {want['mean']}")
    return ProfileVerdict(outcome.task.label, outcome.rows, compared, problems)


#: The profile statistics compared with polars' exact answers, and the relative tolerance of means
#: and, for float32 columns, extremes (polars averages them in float32, DuckDB prints their
#: extremes as float32 text: they agree to float32's precision only).
EXACT_STATS = ("count", "null_count", "min", "max", "mean", "distinct")
MEAN_TOLERANCE = {"Float32": 1e-6}
#: The tools whose profile is held to polars' exact answers (whylogs' is sketched by design).
EXACTNESS_TOOLS = ("dataguard", "duckdb")


@dataclass
class ProfileExactness:
    """A profiler's counts, extremes, means and distinct counts against polars' exact ones:
    per column, per statistic, "=" or what differs and why."""

    label: str
    reference: str
    rows: int
    cells: dict[str, dict[str, str]]
    problems: list[str]

    @property
    def exact(self) -> bool:
        return not self.problems


def _stat_cell(
    stat: str, have: dict[str, Any], want: dict[str, Any], approximate: list[str]
) -> tuple[str, bool]:
    """One statistic's cell and whether it is a disagreement (an approximation a tool declares,
    or dataguard's documented finite extremes, are not)."""
    mine, theirs = have.get(stat), want.get(stat)
    if mine is None or theirs is None:
        return ("n/a" if mine is None else "no reference"), False
    tolerance = MEAN_TOLERANCE.get(str(want.get("dtype")), 1e-9)
    if mine == theirs:
        return "=", False
    if stat == "mean" or (stat in ("min", "max") and tolerance != 1e-9):
        # float32: polars averages in float32, DuckDB prints extremes as float32 text.
        if _close_to(mine, theirs, tolerance):
            return ("=" if tolerance == 1e-9 else "= (float32)"), False
    elif mine == theirs:
        return "=", False
    if stat in ("min", "max") and math.isinf(theirs) and have.get("infinities"):
        return f"= finite extreme ({have['infinities']} inf apart)", False
    if any(a.startswith(stat) for a in approximate):
        return f"~ {mine:,.6g} (approx.; exact {theirs:,.6g})", False
    return f"**{mine!r} != {theirs!r}**", True


def _close_to(a: float, b: float, tolerance: float) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=1e-12)


def profile_exactness(outcomes: list[Outcome]) -> list[ProfileExactness]:
    """Every dataguard and DuckDB profile at one size against polars' (its first run)."""
    reference = next((o for o in outcomes if o.task.tool == "polars" and o.ok), None)
    if reference is None:
        return []
    truth: dict[str, dict[str, Any]] = reference.data.get("profile", {})
    verdicts = []
    for outcome in outcomes:
        if outcome.task.tool not in EXACTNESS_TOOLS or not outcome.ok:
            continue
        cells: dict[str, dict[str, str]] = {}
        problems = []
        for name, want in truth.items():
            have = outcome.data.get("profile", {}).get(name)
            if have is None:
                problems.append(f"{name}: not profiled")
                continue
            approximate = list(have.get("approximate") or [])
            row = {}
            for stat in EXACT_STATS:
                row[stat], wrong = _stat_cell(stat, have, want, approximate)
                if wrong:
                    problems.append(f"{name}.{stat}: {have.get(stat)!r} != {want.get(stat)!r}")
            cells[name] = row
        verdicts.append(
            ProfileExactness(
                outcome.task.label, reference.task.label, outcome.rows, cells, problems
            )
        )
    return verdicts
