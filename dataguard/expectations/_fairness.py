"""Fairness and representation: groups of rows (by ``group_by``) compared with each other.

``group_share_between`` bounds each group's share of the rows, ``rate_parity`` compares a binary
outcome's positive rate across groups (the four-fifths rule), ``missingness_parity`` compares a
column's missing share across groups. Each reads one ``GroupTally`` (every group, one pass),
reports every group's value in ``details["groups"]``, names the worst group and its gap in its
message, and gives the worst group's value as ``observed_value``. Shares and rates are compared
as exact fractions, so a group at exactly 80% of the best passes the four-fifths rule.

These expectations do their own grouping (``groups_itself``): ``group_by`` is theirs to read,
not a request for one result per group.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar, Literal

import pyarrow as pa

from dataguard._frame import to_column_value
from dataguard.errors import SuiteError
from dataguard.expectations._base import Context, Expectation
from dataguard.expectations._drift import reference_column
from dataguard.expectations._params import Scalar
from dataguard.expectations._registry import register
from dataguard.metrics import MAX_GROUPS, GroupCounts, GroupTally, Metric
from dataguard.profile import CategoricalProfile, ColumnProfile
from dataguard.result import ExpectationResult, Reason

#: Named minimum ratios of a group's rate to the best group's. The four-fifths rule is the US
#: EEOC's Uniform Guidelines on Employee Selection Procedures, 29 CFR 1607.4(D): a selection
#: rate below four fifths of the highest group's is evidence of adverse impact.
PRESETS: Mapping[str, float] = {"four_fifths": 0.8}
_PRESET_NAMES: Mapping[str, str] = {"four_fifths": "four-fifths rule"}
#: Groups with fewer values are reported but not judged: a rate over a handful of rows is noise
#: (30 is the usual rule of thumb for a normal approximation of a proportion to hold).
DEFAULT_MIN_GROUP_ROWS = 30


def group_label(key: Mapping[str, Any]) -> str:
    """A group as it reads in a message: ``gender='F', region=null``."""
    return ", ".join(f"{c}={'null' if v is None else repr(v)}" for c, v in key.items())


def _num(value: Fraction | float) -> str:
    return f"{float(value):.3g}"


def _pct(value: Fraction | float) -> str:
    return f"{float(value) * 100:.4g}%"


def _fraction(value: float) -> Fraction:
    """A parameter as the exact decimal it was written as (0.8 is 4/5, not the nearest float)."""
    return Fraction(repr(value))


def _check_fraction(value: float | None, name: str, *, zero: bool = True) -> None:
    if value is not None and not ((value >= 0 if zero else value > 0) and value <= 1):
        interval = "between 0 and 1" if zero else "above 0 and at most 1"
        raise SuiteError(f"{name} must be {interval}, got {value}", path=name)


def _check_min_group_rows(rows: int) -> None:
    if rows < 1:
        raise SuiteError("min_group_rows must be at least 1", path="min_group_rows")


@dataclass(frozen=True)
class _Judged:
    """One group's compared value, whether it is judged, and whether it passes."""

    key: dict[str, Any]
    value: Fraction | None
    judged: bool
    passed: bool | None
    facts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        value = None if self.value is None else float(self.value)
        return {
            "group": self.key,
            **self.facts,
            "value": value,
            "judged": self.judged,
            "passed": self.passed,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupComparison(Expectation):
    """Shared behaviour: the group columns, their check, and results listing every group."""

    #: The expectation reads ``group_by`` itself (one result comparing the groups).
    groups_itself: ClassVar[bool] = True
    #: What the compared value of a group is, for messages and charts.
    measure: ClassVar[str] = ""

    group_by: tuple[str, ...]

    def check(self) -> None:
        # The base class checks the names (distinct, non-empty) and max_groups.
        if not self.group_by:
            raise SuiteError("give the columns to group by in group_by", path="group_by")

    @property
    def _cap(self) -> int:
        """The most groups tallied: ``max_groups`` when set, else the tally's default."""
        return self.max_groups or MAX_GROUPS

    @abstractmethod
    def tally(self, ctx: Context) -> GroupTally:
        """The metric counting the groups."""

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (self.tally(ctx),)

    def _too_many(self) -> ExpectationResult:
        """The result when the data holds more groups than ``max_groups``: the reason and
        wording of any grouped expectation's."""
        return self.result(
            False,
            Reason.TOO_MANY_GROUPS,
            f"group_by {self._groups()} found more than max_groups {self._cap:,} groups: raise "
            f"max_groups, or group by columns with fewer distinct values (bin a numeric one first)",
        )

    def _groups(self) -> str:
        return ", ".join(repr(c) for c in self.group_by)

    def _outcome(
        self,
        groups: Sequence[_Judged],
        worst: _Judged | None,
        message: str,
        *,
        observed: float | None,
        lines: Sequence[tuple[Fraction, str]] = (),
        extra: Mapping[str, Any] | None = None,
    ) -> ExpectationResult:
        """The result: failed when a judged group fails (``no_data`` when none is judged)."""
        failing = [g for g in groups if g.passed is False]
        passed = worst is not None and not failing
        skipped = sum(1 for g in groups if not g.judged)
        if len(failing) > 1:
            message += f"; {len(failing):,} groups fail"
        if passed and not message.startswith("all "):
            judged = len(groups) - skipped
            message = f"all {judged:,} judged groups pass; the worst: {message}"
        if skipped and worst is not None:
            message += f" ({skipped:,} small group{'s' if skipped > 1 else ''} not judged)"
        if worst is None:
            reason = Reason.NO_DATA
        else:
            reason = Reason.PASSED if passed else Reason.OUT_OF_RANGE
        details: dict[str, Any] = {
            "measure": self.measure,
            "groups": [g.to_dict() for g in groups],
            "worst_group": None if worst is None else worst.key,
            "failing_groups": len(failing),
            "lines": [{"value": float(v), "label": text} for v, text in lines],
            **(extra or {}),
        }
        return self.result(passed, reason, message, observed_value=observed, details=details)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class RateParity(GroupComparison):
    """A binary outcome's positive rate is similar in every group of ``group_by``.

    The outcome is ``column``: boolean, 0/1, or any column with ``positive`` naming the
    positive value (missing outcomes are left out). Either each group's rate is at least
    ``min_ratio`` of the best group's (``preset: four_fifths`` is the EEOC four-fifths rule,
    0.8), or at most ``max_difference`` below it. Groups with fewer than ``min_group_rows``
    present outcomes are reported but not judged; with none left the result is ``no_data``.
    """

    name = "rate_parity"
    example: ClassVar[dict[str, Any]] = {
        "column": "approved",
        "group_by": ["gender"],
        "preset": "four_fifths",
    }
    measure = "positive rate"
    observed_label = "worst ratio or difference"

    column: str
    positive: Scalar = None
    preset: Literal["four_fifths"] | None = None
    min_ratio: float | None = None
    max_difference: float | None = None
    min_group_rows: int = DEFAULT_MIN_GROUP_ROWS
    comparable_params = ("positive",)

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column, *self.group_by)

    def check(self) -> None:
        GroupComparison.check(self)
        given = [
            p for p in ("preset", "min_ratio", "max_difference") if getattr(self, p) is not None
        ]
        if len(given) != 1:
            raise SuiteError(
                "give exactly one of preset (four_fifths), min_ratio or max_difference",
                path=given[1] if len(given) > 1 else "preset",
            )
        _check_fraction(self.min_ratio, "min_ratio", zero=False)
        _check_fraction(self.max_difference, "max_difference")
        _check_min_group_rows(self.min_group_rows)

    def precheck(self, ctx: Context) -> ExpectationResult | None:
        """As any expectation's; then, with no ``positive`` named, the outcome must be boolean
        or numeric (0/1)."""
        early = Expectation.precheck(self, ctx)
        if early is not None or self.positive is not None:
            return early
        info = ctx.info(self.column)
        if pa.types.is_null(info.arrow_type) or info.logical_types() & {"boolean", "numeric"}:
            return None
        return self.result(
            False,
            Reason.TYPE_MISMATCH,
            f"column {self.column!r} has type {info.dtype}; rate_parity needs a boolean or 0/1 "
            f"outcome, or positive: naming the positive value",
        )

    def tally(self, ctx: Context) -> GroupTally:
        kind = ctx.info(self.column).arrow_type
        # A column of Arrow type null holds no outcome at all, so no value is positive.
        positive = None if pa.types.is_null(kind) else to_column_value(self.positive, kind)
        return GroupTally(
            self.group_by, self.column, outcome=True, positive=positive, limit=self._cap
        )

    @property
    def _ratio(self) -> Fraction | None:
        if self.preset is not None:
            return _fraction(PRESETS[self.preset])
        return None if self.min_ratio is None else _fraction(self.min_ratio)

    def _rule(self) -> str:
        if self.preset is not None:
            return _PRESET_NAMES[self.preset]
        return "min_ratio" if self.min_ratio is not None else "max_difference"

    def evaluate(self, ctx: Context) -> ExpectationResult:
        counts = ctx.values[self.tally(ctx)]
        if counts.overflowed:
            return self._too_many()
        others = sum(counts.other)
        if others:
            return self.result(
                False,
                Reason.UNEXPECTED_VALUES,
                f"column {self.column!r} holds {others:,} values other than 0 and 1; rate_parity "
                f"needs a binary outcome (name the positive value with positive:)",
            )
        ratio = self._ratio
        limit = None if self.max_difference is None else _fraction(self.max_difference)
        rates = {
            i: Fraction(positive, present)
            for i, (positive, present) in enumerate(
                zip(counts.positive, counts.present, strict=True)
            )
            if present >= self.min_group_rows
        }
        best_rate = max(rates.values(), default=Fraction(0))
        groups = []
        for i, present in enumerate(counts.present):
            facts: dict[str, Any] = {
                "rows": counts.rows[i],
                "outcomes": present,
                "positives": counts.positive[i],
            }
            rate = rates.get(i)
            if rate is None:
                value = Fraction(counts.positive[i], present) if present else None
                groups.append(_Judged(counts.key(i), value, False, None, facts))
                continue
            share = rate / best_rate if best_rate else Fraction(1)
            gap = best_rate - rate
            facts |= {"ratio": float(share), "difference": float(gap)}
            ok = share >= ratio if ratio is not None else limit is not None and gap <= limit
            groups.append(_Judged(counts.key(i), rate, True, ok, facts))
        scored = [g for g in groups if g.judged]
        if not scored:
            message = (
                f"no group of {self._groups()} has {self.min_group_rows:,} or more values of "
                f"{self.column!r} to compare"
            )
            return self._outcome(groups, None, message, observed=None)
        worst = min(scored, key=lambda g: g.value or Fraction(0))
        best = next(g for g in scored if g.value == best_rate)
        assert worst.value is not None
        share = worst.value / best_rate if best_rate else Fraction(1)
        head = (
            f"group {group_label(worst.key)} has positive rate {_num(worst.value)}, "
            f"{_pct(share)} of the best group {group_label(best.key)} ({_num(best_rate)})"
        )
        if ratio is not None:
            message = f"{head}; {self._rule()} needs ≥ {_pct(ratio)}"
            observed = float(share)
            line = (best_rate * ratio, f"{_pct(ratio)} of the best")
        else:
            assert limit is not None
            message = (
                f"group {group_label(worst.key)} has positive rate {_num(worst.value)}, "
                f"{_num(best_rate - worst.value)} below the best group {group_label(best.key)} "
                f"({_num(best_rate)}); max_difference allows {_num(limit)}"
            )
            observed = float(best_rate - worst.value)
            line = (max(best_rate - limit, Fraction(0)), f"best - {_num(limit)}")
        extra = {
            "best_group": best.key,
            "best_rate": float(best_rate),
            "worst_rate": float(worst.value),
            "ratio": float(share),
            "difference": float(best_rate - worst.value),
            "rule": self.preset or self._rule(),
            "min_group_rows": self.min_group_rows,
        }
        return self._outcome(groups, worst, message, observed=observed, lines=[line], extra=extra)

    def sentence(self) -> str:
        if self.max_difference is not None:
            rule = f"at most {self.max_difference:g} below the best group's"
        else:
            assert self._ratio is not None
            named = f" ({_PRESET_NAMES[self.preset]})" if self.preset is not None else ""
            rule = f"at least {_pct(self._ratio)} of the best group's{named}"
        value = "" if self.positive is None else f" (positive: {self.positive!r})"
        return (
            f"The positive rate of {self.column!r}{value} in each group of {self._groups()} is "
            f"{rule}."
        )


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class MissingnessParity(GroupComparison):
    """The share of missing values (null, NaN, NaT) of ``column`` is similar in every group.

    Each group's missing share must lie within ``max_difference`` (absolute, either way) of the
    overall missing share of the column: the whole data is the yardstick, which stays stable
    when one group changes, where the least-missing group would move with it. Groups with
    fewer than ``min_group_rows`` rows are reported but not judged.
    """

    name = "missingness_parity"
    example: ClassVar[dict[str, Any]] = {
        "column": "income",
        "group_by": ["region"],
        "max_difference": 0.05,
    }
    measure = "missing share"
    observed_label = "largest difference"

    column: str
    max_difference: float
    min_group_rows: int = DEFAULT_MIN_GROUP_ROWS

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column, *self.group_by)

    def check(self) -> None:
        GroupComparison.check(self)
        _check_fraction(self.max_difference, "max_difference")
        _check_min_group_rows(self.min_group_rows)

    def tally(self, ctx: Context) -> GroupTally:
        return GroupTally(self.group_by, self.column, limit=self._cap)

    def evaluate(self, ctx: Context) -> ExpectationResult:
        counts = ctx.values[self.tally(ctx)]
        if counts.overflowed:
            return self._too_many()
        total = counts.total
        if total == 0:
            return self._outcome([], None, "no rows to compare", observed=None)
        overall = Fraction(total - sum(counts.present), total)
        limit = _fraction(self.max_difference)
        groups = []
        for i, rows in enumerate(counts.rows):
            share = Fraction(rows - counts.present[i], rows)
            facts: dict[str, Any] = {"rows": rows, "missing": rows - counts.present[i]}
            judged = rows >= self.min_group_rows
            facts["difference"] = float(share - overall)
            ok = abs(share - overall) <= limit if judged else None
            groups.append(_Judged(counts.key(i), share, judged, ok, facts))
        scored = [g for g in groups if g.judged]
        extra = {"overall": float(overall), "min_group_rows": self.min_group_rows}
        lines = [
            (max(overall - limit, Fraction(0)), f"overall - {_num(limit)}"),
            (min(overall + limit, Fraction(1)), f"overall + {_num(limit)}"),
        ]
        if not scored:
            message = f"no group of {self._groups()} has {self.min_group_rows:,} or more rows"
            return self._outcome(groups, None, message, observed=None, extra=extra)
        worst = max(scored, key=lambda g: abs((g.value or Fraction(0)) - overall))
        assert worst.value is not None
        gap = worst.value - overall
        side = "above" if gap > 0 else "below"
        message = (
            f"group {group_label(worst.key)} has missing share {_num(worst.value)} of "
            f"{self.column!r}, {_num(abs(gap))} {side} the overall {_num(overall)}; "
            f"max_difference allows {_num(limit)}"
        )
        return self._outcome(
            groups, worst, message, observed=float(abs(gap)), lines=lines, extra=extra
        )

    def sentence(self) -> str:
        return (
            f"The missing share of {self.column!r} in each group of {self._groups()} is within "
            f"{self.max_difference:g} of its overall missing share."
        )


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class GroupShareBetween(GroupComparison):
    """Each group of ``group_by`` holds a share of the rows within bounds, or near a reference.

    With ``min_share`` and/or ``max_share``, each group's share of the rows (0 to 1, inclusive
    bounds) must lie within them. With ``reference`` (a profile's path, relative to the suite
    file, as for ``no_drift``) and ``tolerance``, each group's share must lie within
    ``tolerance`` (absolute) of its share in the profile, for one group column whose
    categories the profile counts; missing values are a group of their own on both sides. A
    group found on one side only has share 0 on the other, so a new group or a vanished one
    is judged like any other. Only groups present in the data can break ``min_share``.
    """

    name = "group_share_between"
    example: ClassVar[dict[str, Any]] = {
        "group_by": ["region"],
        "min_share": 0.05,
        "max_share": 0.6,
    }
    measure = "share of rows"
    observed_label = "worst group's share or difference"

    min_share: float | None = None
    max_share: float | None = None
    reference: str | None = None
    tolerance: float | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return self.group_by

    def check(self) -> None:
        GroupComparison.check(self)
        _check_fraction(self.min_share, "min_share")
        _check_fraction(self.max_share, "max_share")
        _check_fraction(self.tolerance, "tolerance")
        bounded = self.min_share is not None or self.max_share is not None
        if self.reference is None:
            if not bounded:
                raise SuiteError(
                    "give min_share, max_share or both, or a reference and a tolerance",
                    path="min_share",
                )
            if self.tolerance is not None:
                raise SuiteError("tolerance needs a reference profile", path="tolerance")
        else:
            if bounded:
                raise SuiteError(
                    "give either share bounds or a reference, not both", path="reference"
                )
            if self.tolerance is None:
                raise SuiteError("a reference needs a tolerance", path="tolerance")
            if len(self.group_by) != 1:
                raise SuiteError(
                    "a reference profile gives shares of one column: group by one column",
                    path="group_by",
                )
        low, high = self.min_share, self.max_share
        if low is not None and high is not None and low > high:
            raise SuiteError(f"min_share {low} is greater than max_share {high}", path="min_share")

    def tally(self, ctx: Context) -> GroupTally:
        return GroupTally(self.group_by, limit=self._cap)

    def precheck(self, ctx: Context) -> ExpectationResult | None:
        """As any expectation's; then the reference is read, so that a problem in it is found
        before any row is, at the suite's line."""
        early = Expectation.precheck(self, ctx)
        if early is None and self.reference is not None:
            self._reference_shares(ctx)
        return early

    def _reference_shares(self, ctx: Context) -> dict[Any, Fraction]:
        assert self.reference is not None
        column = self.group_by[0]
        profile = reference_column(ctx.folder, self.reference, column, parameter="group_by")
        return reference_shares(profile, self.reference)

    def evaluate(self, ctx: Context) -> ExpectationResult:
        counts = ctx.values[self.tally(ctx)]
        if counts.overflowed:
            return self._too_many()
        total = counts.total
        if total == 0:
            return self._outcome([], None, "no rows to compare", observed=None)
        shares = [Fraction(r, total) for r in counts.rows]
        if self.reference is None:
            return self._bounded(counts, shares)
        return self._near_reference(counts, shares, self._reference_shares(ctx))

    def _bounded(self, counts: GroupCounts, shares: list[Fraction]) -> ExpectationResult:
        low = None if self.min_share is None else _fraction(self.min_share)
        high = None if self.max_share is None else _fraction(self.max_share)

        def outside(share: Fraction) -> Fraction:
            """How far the share lies beyond the nearer bound (negative: inside, by that)."""
            gaps = [
                g
                for g in (
                    None if low is None else low - share,
                    None if high is None else share - high,
                )
                if g is not None
            ]
            return max(gaps)

        groups = [
            _Judged(
                counts.key(i),
                share,
                True,
                outside(share) <= 0,
                {"rows": counts.rows[i], "gap": float(outside(share))},
            )
            for i, share in enumerate(shares)
        ]
        worst = max(groups, key=lambda g: outside(g.value or Fraction(0)))
        assert worst.value is not None
        bounds = []
        if low is not None:
            bounds.append((low, "min_share"))
        if high is not None:
            bounds.append((high, "max_share"))
        gap = outside(worst.value)
        label = group_label(worst.key)
        if gap > 0:
            below = low is not None and worst.value < low
            bound = f"max_share {_pct(high or 0)}"
            if low is not None and below:
                bound = f"min_share {_pct(low)}"
            message = (
                f"group {label} holds {_pct(worst.value)} of the rows, "
                f"{'below' if below else 'above'} {bound}"
            )
        else:
            message = (
                f"all {len(groups):,} groups hold a share within bounds; the closest to a bound "
                f"is {label} with {_pct(worst.value)}"
            )
        return self._outcome(groups, worst, message, observed=float(worst.value), lines=bounds)

    def _near_reference(
        self, counts: GroupCounts, shares: list[Fraction], expected: dict[Any, Fraction]
    ) -> ExpectationResult:
        assert self.tolerance is not None
        limit = _fraction(self.tolerance)
        column = self.group_by[0]
        found = {key[0]: i for i, key in enumerate(counts.keys)}
        keys = list(found) + [k for k in expected if k not in found]
        groups = []
        for key in keys:
            share = shares[found[key]] if key in found else Fraction(0)
            wanted = expected.get(key, Fraction(0))
            facts = {
                "rows": counts.rows[found[key]] if key in found else 0,
                "reference_share": float(wanted),
                "difference": float(share - wanted),
            }
            ok = abs(share - wanted) <= limit
            groups.append(_Judged({column: key}, share, True, ok, facts))
        worst = max(groups, key=lambda g: abs(g.facts["difference"]))
        assert worst.value is not None
        wanted = expected.get(worst.key[column], Fraction(0))
        gap = worst.value - wanted
        change = "the same" if gap == 0 else f"{_pct(abs(gap))} {'more' if gap > 0 else 'less'}"
        message = (
            f"group {group_label(worst.key)} holds {_pct(worst.value)} of the rows against "
            f"{_pct(wanted)} in the reference ({change}); tolerance allows {_pct(limit)}"
        )
        return self._outcome(
            groups, worst, message, observed=float(abs(gap)), extra={"tolerance": float(limit)}
        )

    def sentence(self) -> str:
        if self.reference is not None:
            return (
                f"Each group of {self._groups()} holds a share of the rows within "
                f"{self.tolerance:g} of its share in {self.reference}."
            )
        if self.min_share is not None and self.max_share is not None:
            wanted = f"between {self.min_share:g} and {self.max_share:g}"
        elif self.min_share is not None:
            wanted = f"at least {self.min_share:g}"
        else:
            wanted = f"at most {self.max_share:g}"
        return f"Each group of {self._groups()} holds a share of the rows {wanted}."


def reference_shares(profile: ColumnProfile, reference: str) -> dict[Any, Fraction]:
    """Each category's share of the profiled rows (missing values under ``None``), from a
    profile's exact category counts; SuiteError when it kept none (a continuous column) or
    pooled some beyond its cap (their shares are unknown)."""
    if isinstance(profile, CategoricalProfile):
        if profile.other:
            raise SuiteError(
                f"the reference profile {reference} pooled {profile.other:,} values of "
                f"{profile.name!r} beyond its category cap, so their shares are unknown; "
                f"profile with a higher categorical cap",
                path="reference",
            )
        keys, counts = list(profile.keys), [int(c) for c in profile.counts]
    elif profile.discrete_values is not None and profile.discrete_counts is not None:
        keys = [v.item() for v in profile.discrete_values]
        counts = [int(c) for c in profile.discrete_counts]
    else:
        raise SuiteError(
            f"the reference profile {reference} holds no category counts of {profile.name!r} "
            f"(too many distinct values); group by a column of few values",
            path="reference",
        )
    if not profile.rows:
        return {}
    shares = {k: Fraction(c, profile.rows) for k, c in zip(keys, counts, strict=True)}
    if profile.missing:
        shares[None] = Fraction(profile.missing, profile.rows)
    return shares
