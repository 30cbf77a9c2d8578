"""Expectations judged per group of rows (``group_by``): one result per group, in one pass.

An expectation knows nothing of groups. Its metrics are planned wrapped in ``Grouped`` (each
group is a key of the metric's state, so the data is read once however many groups there are),
and it is then evaluated once per group, on that group's values, as if the data held only the
group's rows. Results come in the order of the group keys (missing values, written ``null``,
after every present one); the failed ones name the worst group. Metrics of other tables are
read whole: each group is compared with the whole other table.

Expectations that compare groups with each other (``groups_itself``) take ``group_by`` as a
parameter of their own and are left alone here; schema expectations read no rows and have no
groups.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dataguard._engine import with_requirements
from dataguard._frame import GroupKey
from dataguard._text import worst_group, worst_text
from dataguard.expectations import Context, Expectation
from dataguard.metrics import (
    Grouped,
    GroupValues,
    Metric,
    MetricUnavailable,
    group_values,
)
from dataguard.result import ExpectationResult, Reason

__all__ = ["DEFAULT_MAX_GROUPS", "Grouping", "grouping"]

#: Groups an expectation may have unless the expectation, its suite or the call says otherwise:
#: enough for any categorical slice (carriers, countries, model versions), few enough that a
#: ``group_by`` on an id column is caught before it renders a report of a million results.
DEFAULT_MAX_GROUPS = 1000

Judge = Callable[[Expectation, Context], ExpectationResult]


@dataclass(frozen=True, slots=True)
class Grouping:
    """How one expectation is grouped: by these columns, into at most ``cap`` groups."""

    by: tuple[str, ...]
    cap: int

    def precheck(self, expectation: Expectation, ctx: Context) -> ExpectationResult | None:
        """A failed result when a group column is absent or holds nested values."""
        return expectation.absent(self.by, ctx, "group column") or expectation.nested(
            self.by, ctx, "groups need", "group column"
        )

    def metrics(self, expectation: Expectation, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        """The expectation's metrics, per group (those of another table whole)."""
        return tuple(self._grouped(m) for m in expectation.metrics(ctx))

    def _grouped(self, metric: Metric[Any, Any]) -> Metric[Any, Any]:
        return metric if metric.on_table() is not None else Grouped(metric, self.by, self.cap)

    def evaluate(
        self, expectation: Expectation, ctx: Context, judge: Judge
    ) -> tuple[ExpectationResult, ...]:
        """One result per group, in key order, ``judge`` evaluating the expectation on each
        group's values; one failed result when the metrics failed or there are too many
        groups. Data without a row judges the expectation once, on no rows."""
        planned = [m for m in expectation.metrics(ctx) if m.on_table() is None]
        try:
            found = {m: ctx.values[Grouped(m, self.by, self.cap)] for m in planned}
        except MetricUnavailable as exc:
            message = f"could not be evaluated: {exc.failure.message}"
            return (expectation.result(False, Reason.ERROR, message),)
        over = next((f for f in found.values() if f.over_cap), None)
        if over is not None:
            return (self._too_many(expectation, over),)
        # Evaluation may read the metrics they require too (the passes of an order statistic).
        for metric in with_requirements(planned):
            wrapped = Grouped(metric, self.by, self.cap)
            if metric.on_table() is None and metric not in found and wrapped in ctx.values:
                try:
                    found[metric] = ctx.values[wrapped]
                except MetricUnavailable:
                    continue  # read, it reports its failure
        keys: dict[GroupKey, None] = {}
        for metric in planned:
            keys.update(dict.fromkeys(found[metric].keys))
        if not keys:
            return (judge(expectation, _with_group(ctx, found, None)),)
        results = []
        for key in sorted(keys, key=_order):
            group = dict(zip(self.by, key, strict=True))
            judged = judge(expectation, _with_group(ctx, found, key, group))
            results.append(dataclasses.replace(judged, group=group))
        return _worst_named(results)

    def _too_many(self, expectation: Expectation, over: GroupValues) -> ExpectationResult:
        found = f"{over.found:,}" if over.counted_all else f"more than {over.found:,}"
        columns = ", ".join(repr(c) for c in self.by)
        return expectation.result(
            False,
            Reason.TOO_MANY_GROUPS,
            f"group_by {columns} found {found} groups, more than max_groups {self.cap:,}: "
            "raise max_groups, or group by columns with fewer distinct values",
            observed_value=over.found,
        )


def grouping(
    expectation: Expectation,
    suite_by: Sequence[str] = (),
    suite_cap: int | None = None,
    run_cap: int | None = None,
) -> Grouping | None:
    """How ``expectation`` is judged per group, or None when it is judged on all rows.

    Its own ``group_by`` wins over the suite's (which applies to every expectation that reads
    rows and sets none); the cap on groups is its own ``max_groups``, else the suite's, else
    ``run_cap`` (``validate``'s), else ``DEFAULT_MAX_GROUPS``.
    """
    kind = type(expectation)
    if kind.groups_itself or not kind.reads_rows:
        return None
    by = expectation.group_by or tuple(suite_by)
    if not by:
        return None
    cap = expectation.max_groups or suite_cap or run_cap or DEFAULT_MAX_GROUPS
    return Grouping(by, cap)


def _order(key: GroupKey) -> tuple[tuple[bool, Any], ...]:
    """Keys sort by their values, column by column; a missing value after every present one."""
    return tuple((value is None, value if value is not None else 0) for value in key)


def _with_group(
    ctx: Context,
    found: dict[Metric[Any, Any], GroupValues],
    key: Any,
    group: dict[str, Any] | None = None,
) -> Context:
    """``ctx`` holding, for each grouped metric, the group's own value (or failure), and the
    run history read for the group's results."""
    # Whole-data values of the same metrics (for an expectation judged on all rows) are not
    # the group's, even where the group has none.
    own = ctx.values.without(found).merged(group_values(found, key))
    past = ctx.past.for_group(group) if ctx.past is not None and group is not None else ctx.past
    return dataclasses.replace(ctx, values=own, past=past)


def _worst_named(results: list[ExpectationResult]) -> tuple[ExpectationResult, ...]:
    """The results, each failed one's message naming the worst group when there are several:
    the failed group with the largest share of unexpected values (the first failed one for
    expectations that judge no rows one by one)."""
    worst = worst_group(results)
    if worst is None or len(results) < 2:
        return tuple(results)
    note = f"; {worst_text(worst)}"
    return tuple(
        r
        if r.passed or r.reason is Reason.SKIPPED
        else dataclasses.replace(r, message=r.message + note)
        for r in results
    )
