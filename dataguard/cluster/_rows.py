"""Splitting rows where they live: what each partition computes to flag its failing rows.

``split`` on one machine builds a mask over every row; on a cluster no such mask may exist. The
metrics a rule requires (the repeated values of ``unique``) are computed over all rows first, by
the cluster's passes; then each partition judges its own rows with them (``RowJudge.failing``).
A sequential rule (``increasing``) also judges a partition's first row against the last row of
the partitions before it: a first job collects each partition's edge values
(``RowJudge.edges``), small, and the driver hands every partition the value before it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from dataguard._engine import accumulate, execute
from dataguard._expr import parse_condition
from dataguard._frame import Source, as_source, keep_rows
from dataguard.errors import InputError
from dataguard.metrics import FailingRows, Metric, RowCount, RowMask, Values

if TYPE_CHECKING:  # annotations only: the catalogue's drift check imports this package
    from dataguard.expectations import Expectation, RowExpectation

#: For each sequential rule (by position among the rules) judging some rows of a partition,
#: the first and last values it judged there.
Edges = dict[int, tuple[Any, Any]]


def rows_judged(source: Source, where: str | None) -> Source:
    """The rows an expectation with row condition ``where`` applies to."""
    if where is None:
        return source
    condition = parse_condition(where)
    return keep_rows(source, condition.mask, condition.columns)


def required(
    rules: Sequence[RowExpectation],
    source: Source,
    chunk_size: int | None,
    tables: Mapping[str, Source] | None = None,
) -> dict[str | None, Values]:
    """The values of the metrics the rules require, over every row they judge (one set per row
    condition: a rule with a condition requires them over the rows it keeps), and over the
    other ``tables`` they read."""
    values = {}
    for where in dict.fromkeys(rule.where for rule in rules):
        wanted = [m for rule in rules if rule.where == where for m in FailingRows(rule).requires()]
        part = rows_judged(source, where)
        values[where] = execute(wanted, part, chunk_size=chunk_size, tables=tables)
    return values


@dataclass(frozen=True)
class RowJudge:
    """Judges the rows of one partition (travels to the workers with what it needs)."""

    rules: tuple[RowExpectation, ...]
    inputs: Mapping[str | None, Values]
    chunk_size: int | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the rules and their row conditions read."""
        names = [c for rule in self.rules for c in FailingRows(rule).columns]
        for where in {rule.where for rule in self.rules} - {None}:
            names.extend(parse_condition(str(where)).columns)
        return tuple(dict.fromkeys(names))

    @property
    def sequential(self) -> bool:
        """Whether a rule judges rows against the rows before them (a partition needs the
        edges of the partitions before it)."""
        return any(rule.sequential for rule in self.rules)

    def edges(self, table: pa.Table) -> Edges:
        """The first and last values each sequential rule judged in this partition."""
        found: Edges = {}
        for where, members in self._groups().items():
            sequential = {i: FailingRows(self.rules[i]) for i in members}
            sequential = {i: m for i, m in sequential.items() if m.rule.sequential}
            if not sequential:
                continue
            part, _ = self._judged(table, where)
            states = self._states(list(sequential.values()), part, where)
            for i, metric in sequential.items():
                state = states[metric]
                if state.has_edges:
                    found[i] = (state.head_value, state.tail_value)
        return found

    def failing(self, table: pa.Table, before: Mapping[int, Any]) -> dict[int, np.ndarray]:
        """For each rule (by position), which rows of this partition it fails; ``before`` holds,
        for sequential rules, the last value judged in the partitions before this one."""
        masks: dict[int, np.ndarray] = {}
        for where, members in self._groups().items():
            metrics = {i: FailingRows(self.rules[i]) for i in members}
            part, keep = self._judged(table, where)
            states = self._states(list(metrics.values()), part, where)
            for i, metric in metrics.items():
                state = states[metric]
                judged = metric.finalize(state)
                if (
                    i in before
                    and state.has_edges
                    and metric.rule.breaks(before[i], state.head_value)
                ):
                    judged = judged.copy()
                    judged[state.head_row] = True
                if keep is None:
                    masks[i] = judged
                else:  # scattered back to the partition's rows
                    masks[i] = np.zeros(table.num_rows, dtype=bool)
                    masks[i][keep] = judged
        return dict(sorted(masks.items()))

    def _groups(self) -> dict[str | None, list[int]]:
        groups: dict[str | None, list[int]] = {}
        for i, rule in enumerate(self.rules):
            groups.setdefault(rule.where, []).append(i)
        return groups

    def _judged(self, table: pa.Table, where: str | None) -> tuple[Source, np.ndarray | None]:
        """The partition's rows judged under ``where``, and which rows those are (None: all)."""
        source = as_source(table)
        if where is None:
            return source, None
        condition = parse_condition(where)
        keep = execute([RowMask(condition)], source, chunk_size=self.chunk_size, workers=1)
        return rows_judged(source, where), keep[RowMask(condition)]

    def _states(self, metrics: list[FailingRows], part: Source, where: str | None) -> Any:
        """The merged failing-row states of the metrics over the partition."""
        columns = list(dict.fromkeys(c for m in metrics for c in m.columns))
        merged = accumulate(
            list[Metric[Any, Any]](metrics),
            part.batches(columns, self.chunk_size),
            self.inputs[where],
        )
        for failure in merged.failures.values():
            raise InputError(f"cannot split: {failure.message}")
        return merged.states


def previous_values(edges: Sequence[Edges]) -> list[dict[int, Any]]:
    """For each partition, in order, the last value each sequential rule judged in the
    partitions before it (partitions where it judged nothing are passed over)."""
    befores: list[dict[int, Any]] = []
    last: dict[int, Any] = {}
    for found in edges:
        befores.append(dict(last))
        last.update({i: tail for i, (_, tail) in found.items()})
    return befores


def label(rule: Expectation) -> str:
    """A short name for a rule in a row's failure list: ``between(amount) where x > 1``."""
    where = f" where {rule.where}" if rule.where is not None else ""
    return f"{rule.name}({', '.join(rule.columns)}){where}"


def reasons(
    rules: Sequence[RowExpectation], masks: Mapping[int, np.ndarray], bad: np.ndarray
) -> list[str]:
    """For each failing row, in order, the labels of the rules it fails."""
    failed: list[list[str]] = [[] for _ in range(int(bad.sum()))]
    for i, mask in masks.items():
        name = label(rules[i])
        for row in np.flatnonzero(mask[bad]):
            failed[row].append(name)
    return ["; ".join(labels) for labels in failed]


def split_where_rows_live(
    source: Source,
    rules: Sequence[RowExpectation],
    chunk_size: int | None,
    reason_column: str | None,
    tables: Mapping[str, Source] | None = None,
) -> tuple[Any, Any]:
    """``split`` of a source whose rows live on a cluster: what the rules require is computed
    by the cluster's passes (and over the other ``tables`` the rules read), then every
    partition splits its own rows."""
    judge = RowJudge(tuple(rules), required(rules, source, chunk_size, tables), chunk_size)
    return source.split_rows(judge, reason_column)


def failing_rows(
    rules: Sequence[RowExpectation],
    source: Source,
    chunk_size: int | None,
    workers: int | None = None,
    tables: Mapping[str, Source] | None = None,
) -> tuple[int, dict[int, np.ndarray]]:
    """The rows of ``source``, and for each rule (by position in ``rules``) which rows it fails
    (``workers`` threads: see ``execute``; ``tables``: the other tables cross-table rules read)."""
    masks: dict[int, np.ndarray] = {}
    plain = {i: FailingRows(rule) for i, rule in enumerate(rules) if rule.where is None}
    values = execute(
        [RowCount(), *plain.values()],
        source,
        chunk_size=chunk_size,
        workers=workers,
        tables=tables,
    )
    rows: int = values[RowCount()]
    masks.update({i: values[metric] for i, metric in plain.items()})
    for where in dict.fromkeys(r.where for r in rules if r.where is not None):
        # A conditioned rule judges only the rows it keeps: scatter its mask back.
        condition = parse_condition(where)
        keep = execute([RowMask(condition)], source, chunk_size=chunk_size, workers=workers)[
            RowMask(condition)
        ]
        kept = {i: FailingRows(rule) for i, rule in enumerate(rules) if rule.where == where}
        judged = execute(
            list(kept.values()),
            rows_judged(source, where),
            chunk_size=chunk_size,
            workers=workers,
            tables=tables,
        )
        for i, metric in kept.items():
            mask = np.zeros(rows, dtype=bool)
            mask[keep] = judged[metric]
            masks[i] = mask
    return rows, dict(sorted(masks.items()))
