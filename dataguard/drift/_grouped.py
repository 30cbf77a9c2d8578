"""``drift(current, reference=..., group_by=[...])``: one drift comparison per group.

Each group's current rows are compared with the same group's reference rows, exactly as
``drift`` compares them when given only those rows: the reference is a profile by group (or raw
data, profiled by group), and the current data is read once, each group counted on its own
reference grid in that pass. Groups found on one side only are listed, not compared.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from dataguard._text import clip, group_label
from dataguard.drift._drift import (
    ALPHA,
    MIN_EFFECT,
    DriftReport,
    check_alpha,
    run_info,
)
from dataguard.drift._drift import (
    drift as drift_whole,
)
from dataguard.errors import InputError, ProfileError
from dataguard.history import append_run, dataset_name
from dataguard.profile import (
    MAX_GROUPS,
    GroupedProfile,
    GroupKey,
    Profile,
    current_by_group,
    key_mapping,
    key_order,
    profile,
)

#: Version of the drift-by-group document.
GROUPED_REPORT_FORMAT_VERSION = 1


@dataclass(frozen=True)
class GroupedDriftReport:
    """A DriftReport per group compared, by group key (in key order), and the groups found on
    one side only.

    ``drifted`` is true when any group drifted. Each group's report applies its own
    Benjamini-Hochberg correction, as ``drift`` on that group's rows alone would; with many
    groups, a false alarm somewhere is more likely (up to about ``alpha`` times the number of
    groups), so lower ``alpha`` when that matters.
    """

    group_by: tuple[str, ...]
    groups: Mapping[GroupKey, DriftReport]
    #: Groups only the reference holds, with their reference rows.
    only_reference: Mapping[GroupKey, int] = field(default_factory=dict)
    #: Groups only the current data holds, with their current rows (at most ``max_groups``).
    only_current: Mapping[GroupKey, int] = field(default_factory=dict)
    #: Whether the current data held more new groups than ``only_current`` lists.
    more_only_current: bool = False
    #: Groups on both sides that could not be compared, with the reason.
    not_compared: Mapping[GroupKey, str] = field(default_factory=dict)
    alpha: float = ALPHA
    min_effect: float = MIN_EFFECT
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    duration_seconds: float = 0.0

    @property
    def drifted(self) -> bool:
        """True when any group's data drifted."""
        return any(r.drifted for r in self.groups.values())

    @property
    def drifted_groups(self) -> tuple[GroupKey, ...]:
        """The keys of the drifted groups, worst first: the largest share of drifted columns,
        then the largest effect."""
        flagged = [k for k, r in self.groups.items() if r.drifted]
        return tuple(sorted(flagged, key=lambda k: _severity(self.groups[k]), reverse=True))

    @property
    def worst_group(self) -> GroupKey | None:
        """The key of the group that drifted most, or None when none drifted."""
        flagged = self.drifted_groups
        return flagged[0] if flagged else None

    def label(self, key: GroupKey) -> dict[str, Any]:
        """A group's key as ``{column: value}``."""
        return key_mapping(self.group_by, key)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the verdict, then every group's drift report with its ``group``."""
        worst = self.worst_group
        return {
            "format_version": GROUPED_REPORT_FORMAT_VERSION,
            "kind": "drift_by_group",
            "group_by": list(self.group_by),
            "drifted": self.drifted,
            "drifted_groups": [self.label(k) for k in self.drifted_groups],
            "worst_group": None if worst is None else self.label(worst),
            "alpha": self.alpha,
            "min_effect": self.min_effect,
            "groups": [{**r.to_dict(), "group": self.label(k)} for k, r in self.groups.items()],
            "only_reference": [
                {"group": self.label(k), "rows": n} for k, n in self.only_reference.items()
            ],
            "only_current": [
                {"group": self.label(k), "rows": n} for k, n in self.only_current.items()
            ],
            "more_only_current": self.more_only_current,
            "not_compared": [
                {"group": self.label(k), "reason": why} for k, why in self.not_compared.items()
            ],
            "run": run_info(self.started_at, self.duration_seconds),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    def __repr__(self) -> str:
        """One line: verdict, drifted groups (the first three) and counts."""
        flagged = self.drifted_groups
        names = ", ".join(_short(self.label(k)) for k in flagged[:3])
        more = f" and {len(flagged) - 3} more" if len(flagged) > 3 else ""
        return (
            f"<GroupedDriftReport {'DRIFT' if self.drifted else 'NO DRIFT'} by "
            f"{list(self.group_by)!r}: {len(flagged)} of {len(self.groups)} groups drifted"
            + (f" ({names}{more})" if names else "")
            + ">"
        )


def _short(label: Mapping[str, Any]) -> str:
    """A group as results by group name it, cut at 60 characters for one-line messages."""
    return clip(group_label(label), 60, tally=False)


def _severity(report: DriftReport) -> tuple[float, float]:
    effects = [c.effect for c in report.columns.values() if c.drifted and not math.isnan(c.effect)]
    return report.drift_share, min(max(effects, default=0.0), 1e300)


def _grouped_reference(
    reference: Any,
    group_by: Sequence[str],
    *,
    columns: Sequence[str] | None,
    max_groups: int,
    column_types: Mapping[str, str] | None,
) -> GroupedProfile:
    if isinstance(reference, GroupedProfile):
        if tuple(group_by) != reference.group_by:
            raise ProfileError(
                f"the reference profile is grouped by {list(reference.group_by)!r}, not "
                f"{list(group_by)!r}"
            )
        return reference
    if isinstance(reference, Profile):
        raise ProfileError(
            "the reference profile is not grouped: build it with "
            f"profile(data, group_by={list(group_by)!r}), or give the reference data"
        )
    if reference is None:
        raise InputError("drift needs a reference: a profile by group or the reference data")
    return profile(
        reference,
        group_by=group_by,
        columns=columns,
        max_groups=max_groups,
        column_types=column_types,
    )


def drift_by_group(
    current: Any,
    *,
    reference: Any,
    group_by: Sequence[str],
    columns: Sequence[str] | None = None,
    tests: str | Mapping[str, str] | None = None,
    alpha: float = ALPHA,
    min_effect: float | Mapping[str, float] = MIN_EFFECT,
    chunk_size: int | None = None,
    column_types: Mapping[str, str] | None = None,
    max_groups: int = MAX_GROUPS,
) -> GroupedDriftReport:
    """Drift per group of the ``group_by`` columns' values (see ``drift``)."""
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.timezone.utc)
    alpha = check_alpha(alpha)
    by = [group_by] if isinstance(group_by, str) else list(group_by)
    ref = _grouped_reference(
        reference, by, columns=columns, max_groups=max_groups, column_types=column_types
    )
    wanted = None if columns is None else [c for c in columns if c not in ref.group_by]
    current_groups, only_current, more = current_by_group(
        current,
        ref,
        columns=wanted,
        max_groups=max_groups,
        chunk_size=chunk_size,
        column_types=column_types,
    )
    reports: dict[GroupKey, DriftReport] = {}
    only_reference: dict[GroupKey, int] = {}
    not_compared: dict[GroupKey, str] = {}
    for key in sorted(ref.groups, key=key_order):
        if key not in current_groups:
            only_reference[key] = ref.groups[key].rows
            continue
        try:
            reports[key] = drift_whole(
                current_groups[key],
                reference=ref.groups[key],
                columns=wanted,
                tests=tests,
                alpha=alpha,
                min_effect=min_effect,
            )
        except (InputError, ProfileError) as exc:
            not_compared[key] = str(exc)
    if not reports:
        raise InputError(_nothing_compared(ref, only_reference, only_current, not_compared))
    return GroupedDriftReport(
        ref.group_by,
        reports,
        only_reference,
        dict(sorted(only_current.items(), key=lambda item: key_order(item[0]))),
        more,
        not_compared,
        alpha,
        float(min_effect) if not isinstance(min_effect, Mapping) else MIN_EFFECT,
        started_at,
        time.perf_counter() - started,
    )


def _nothing_compared(
    ref: GroupedProfile,
    only_reference: Mapping[GroupKey, int],
    only_current: Mapping[GroupKey, int],
    not_compared: Mapping[GroupKey, str],
) -> str:
    def listed(keys: Sequence[GroupKey]) -> str:
        shown = ", ".join(_short(key_mapping(ref.group_by, k)) for k in keys[:5])
        return shown + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")

    if not_compared:
        key, why = next(iter(not_compared.items()))
        return f"no group could be compared; {_short(key_mapping(ref.group_by, key))}: {why}"
    return (
        f"no group of {list(ref.group_by)!r} is in both the reference "
        f"({listed(list(only_reference))}) and the current data "
        f"({listed(list(only_current)) or 'no rows'})"
    )


@overload
def drift(
    current: Any,
    *,
    reference: Any,
    columns: Sequence[str] | None = ...,
    tests: str | Mapping[str, str] | None = ...,
    alpha: float = ...,
    min_effect: float | Mapping[str, float] = ...,
    multivariate: bool = ...,
    chunk_size: int | None = ...,
    column_types: Mapping[str, str] | None = ...,
    group_by: None = ...,
    max_groups: int = ...,
    history: str | os.PathLike[str] | None = ...,
    dataset: str | None = ...,
) -> DriftReport: ...


@overload
def drift(
    current: Any,
    *,
    reference: Any,
    columns: Sequence[str] | None = ...,
    tests: str | Mapping[str, str] | None = ...,
    alpha: float = ...,
    min_effect: float | Mapping[str, float] = ...,
    multivariate: bool = ...,
    chunk_size: int | None = ...,
    column_types: Mapping[str, str] | None = ...,
    group_by: Sequence[str],
    max_groups: int = ...,
    history: str | os.PathLike[str] | None = ...,
    dataset: str | None = ...,
) -> GroupedDriftReport: ...


def drift(
    current: Any,
    *,
    reference: Any,
    columns: Sequence[str] | None = None,
    tests: str | Mapping[str, str] | None = None,
    alpha: float = ALPHA,
    min_effect: float | Mapping[str, float] = MIN_EFFECT,
    multivariate: bool = False,
    chunk_size: int | None = None,
    column_types: Mapping[str, str] | None = None,
    group_by: Sequence[str] | None = None,
    max_groups: int = MAX_GROUPS,
    history: str | os.PathLike[str] | None = None,
    dataset: str | None = None,
) -> DriftReport | GroupedDriftReport:
    # The docstring: the whole-data comparison's, then ``GROUP_BY_DOC`` (set below).
    report: DriftReport | GroupedDriftReport
    if group_by is None:
        report = drift_whole(
            current,
            reference=reference,
            columns=columns,
            tests=tests,
            alpha=alpha,
            min_effect=min_effect,
            multivariate=multivariate,
            chunk_size=chunk_size,
            column_types=column_types,
        )
    elif multivariate:
        raise ValueError("multivariate drift is not computed by group; leave out group_by")
    else:
        report = drift_by_group(
            current,
            reference=reference,
            group_by=group_by,
            columns=columns,
            tests=tests,
            alpha=alpha,
            min_effect=min_effect,
            chunk_size=chunk_size,
            column_types=column_types,
            max_groups=max_groups,
        )
    if history is not None:
        append_run(history, report, dataset=dataset or dataset_name(current))
    return report


#: What ``group_by`` adds to ``drift``'s documentation.
GROUP_BY_DOC = """
    ``group_by`` (column names) compares each group of those columns' values on its own, as
    ``drift`` on that group's rows alone would, and gives a ``GroupedDriftReport``: the
    reference is then a profile by group (``profile(data, group_by=...)``) or raw data, grouped
    the same way; the current data is read once. At most ``max_groups`` groups on each side
    (ValueError beyond, for the reference); multivariate drift is not computed by group.
    """

drift.__doc__ = f"{drift_whole.__doc__}{GROUP_BY_DOC}"
