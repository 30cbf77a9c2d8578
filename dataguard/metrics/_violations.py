"""Row-level violations: how many rows break a rule, with a bounded sample of them.

A row rule (every row-level expectation is one) says which rows it ignores (missing values) and
which of the others fail, for one batch at a time, with vectorized kernels. The metrics here do the
counting, the sampling of failing values and row ids, and the one subtlety of streaming: rules
that compare a row with the previous present row (increasing, decreasing) see the batch boundary
in ``merge``, where the last value of one run of rows meets the first of the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import Batch, bools
from dataguard.metrics._base import Metric, Values
from dataguard.metrics._codec import compact_parts, state_type

ROW = "row"


class RowRule(Protocol):
    """What the violation metrics need from a row-level expectation."""

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns whose values are checked (and sampled) together."""
        ...

    @property
    def sequential(self) -> bool:
        """Whether a row is judged against the previous present row."""
        ...

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        """Metrics the rule needs before it can judge rows (e.g. the duplicated values)."""
        ...

    def ignored(self, batch: Batch) -> np.ndarray:
        """Rows excluded from the judgement and from the denominator (missing values)."""
        ...

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray | pa.Array:
        """Rows that break the rule; null mask entries count as passing."""
        ...

    def breaks(self, previous: Any, current: Any) -> bool:
        """For sequential rules: whether ``current`` breaks the rule after ``previous``."""
        ...


def _typed(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_typed(v) for v in value)
    return (type(value), value)


def rule_key(rule: RowRule) -> tuple[Any, ...]:
    """What identifies a rule's metric: its class and its parameters, *with their types*.

    Expectations compare like Python values, so ``InSet(value_set=[1])`` equals
    ``InSet(value_set=[True])`` (``1 == True``), yet they judge an integer column differently.
    Metrics keyed on the rule alone would be deduplicated and one result reused for the other.
    """
    declaration: Any = rule  # a frozen dataclass in practice; the protocol does not say so
    if not is_dataclass(declaration):
        return (type(rule), rule)
    params = tuple((f.name, _typed(getattr(rule, f.name))) for f in fields(declaration))
    return (type(rule), params)


def failing_mask(rule: RowRule, batch: Batch, inputs: Values, ignored: np.ndarray) -> np.ndarray:
    """The rule's failing rows as numpy booleans, never including ignored rows."""
    if ignored.all():
        # Nothing to judge; also spares kernels a column of Arrow type null (all values missing).
        return np.zeros(batch.num_rows, dtype=bool)
    mask = rule.failing(batch, inputs)
    mask = bools(mask) if isinstance(mask, (pa.Array, pa.ChunkedArray)) else np.asarray(mask, bool)
    if mask.shape != (batch.num_rows,):
        mask = np.broadcast_to(mask, (batch.num_rows,))
    fail: np.ndarray = mask & ~ignored
    return fail


def _sample_table(
    batch: Batch, positions: np.ndarray, columns: tuple[str, ...], ids: tuple[str, ...]
) -> pa.Table:
    rows = batch.offset + positions if batch.ids is None else batch.ids[positions]
    data: dict[str, pa.Array] = {ROW: pa.array(rows, type=pa.int64())}
    taken = batch.take(positions, list(dict.fromkeys(columns + ids)))
    for i, name in enumerate(columns):
        data[f"value{i}"] = taken[name]
    for i, name in enumerate(ids):
        data[f"id{i}"] = taken[name]
    return pa.table(data)


def _concat(tables: list[pa.Table | None], limit: int | None) -> pa.Table | None:
    present = [t for t in tables if t is not None and t.num_rows]
    if not present:
        return None
    if limit is not None and present[0].num_rows >= limit:  # full: later rows are not kept
        return present[0].slice(0, limit)
    joined = present[0] if len(present) == 1 else pa.concat_tables(present)
    if limit is not None and joined.num_rows > limit:
        joined = joined.slice(0, limit)
    return joined


def _shifted(table: pa.Table | None, rows: int) -> pa.Table | None:
    """A sample table whose row numbers are ``rows`` further on."""
    if table is None or not rows:
        return table
    index = table.schema.get_field_index(ROW)
    moved = pc.add(table.column(index), pa.scalar(rows, pa.int64()))
    return table.set_column(index, ROW, moved)


@state_type("violations")
@dataclass(frozen=True, slots=True)
class ViolationState:
    """Counts of a run of rows, its first failing rows, and its present edges (sequential rules)."""

    elements: int = 0
    missing: int = 0
    unexpected: int = 0
    samples: pa.Table | None = None
    head: pa.Table | None = field(default=None, repr=False)
    head_value: Any = None
    tail_value: Any = None
    has_edges: bool = False


@state_type("violation_summary")
@dataclass(frozen=True, slots=True)
class ViolationSummary:
    """Final counts of a rule, with the sampled failing rows in row order."""

    elements: int
    missing: int
    unexpected: int
    rows: list[int]
    values: list[Any]
    ids: list[dict[str, Any]] | None


def _edges(
    rule: RowRule, batch: Batch, ignored: np.ndarray, ids: tuple[str, ...]
) -> tuple[pa.Table | None, Any, Any, bool]:
    present = np.flatnonzero(~ignored)
    if present.size == 0:
        return None, None, None, False
    first, last = int(present[0]), int(present[-1])
    head = _sample_table(batch, np.array([first]), rule.columns, ids)
    column = batch.array(rule.columns[0])
    return head, column[first].as_py(), column[last].as_py(), True


@dataclass(frozen=True, slots=True, eq=False)
class Violations(Metric[ViolationState, ViolationSummary]):
    """Rows failing a rule, counted, with at most ``limit`` of them sampled (``None``: all)."""

    rule: RowRule
    limit: int | None = 20
    id_columns: tuple[str, ...] = ()
    # The key is looked up on every state merge: worked out once, not per lookup.
    _key: tuple[Any, ...] = field(init=False, repr=False, compare=False)
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = (rule_key(self.rule), self.limit, self.id_columns)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_hash", hash(key))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Violations) and self._key == other._key

    def __hash__(self) -> int:
        return self._hash

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.rule.columns + self.id_columns))

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        return self.rule.requires()

    def empty(self) -> ViolationState:
        return ViolationState()

    def compute(self, batch: Batch, inputs: Values) -> ViolationState:
        ignored = self.rule.ignored(batch)
        fail = failing_mask(self.rule, batch, inputs, ignored)
        unexpected = int(np.count_nonzero(fail))
        samples = None
        if unexpected and self.limit != 0:
            positions = np.flatnonzero(fail)
            if self.limit is not None:
                positions = positions[: self.limit]
            samples = _sample_table(batch, positions, self.rule.columns, self.id_columns)
        head, head_value, tail_value, has_edges = (None, None, None, False)
        if self.rule.sequential:
            head, head_value, tail_value, has_edges = _edges(
                self.rule, batch, ignored, self.id_columns
            )
        return ViolationState(
            batch.num_rows,
            int(np.count_nonzero(ignored)),
            unexpected,
            samples,
            head,
            head_value,
            tail_value,
            has_edges,
        )

    def merge(self, left: ViolationState, right: ViolationState) -> ViolationState:
        boundary = (
            left.has_edges
            and right.has_edges
            and self.rule.breaks(left.tail_value, right.head_value)
        )
        middle = right.head if boundary and self.limit != 0 else None
        return ViolationState(
            left.elements + right.elements,
            left.missing + right.missing,
            left.unexpected + right.unexpected + int(boundary),
            _concat([left.samples, middle, right.samples], self.limit),
            left.head if left.has_edges else right.head,
            left.head_value if left.has_edges else right.head_value,
            right.tail_value if right.has_edges else left.tail_value,
            left.has_edges or right.has_edges,
        )

    def shift(self, state: ViolationState, rows: int) -> ViolationState:
        """Sampled row numbers (of failing rows, and of the first present row) move on."""
        return replace(
            state, samples=_shifted(state.samples, rows), head=_shifted(state.head, rows)
        )

    def finalize(self, state: ViolationState) -> ViolationSummary:
        if state.samples is None:
            return ViolationSummary(
                state.elements,
                state.missing,
                state.unexpected,
                [],
                [],
                [] if self.id_columns else None,
            )
        table = state.samples
        value_columns = [
            table.column(f"value{i}").to_pylist() for i in range(len(self.rule.columns))
        ]
        if len(value_columns) == 1:
            values: list[Any] = value_columns[0]
        else:
            values = [list(row) for row in zip(*value_columns, strict=True)]
        ids = None
        if self.id_columns:
            id_values = [table.column(f"id{i}").to_pylist() for i in range(len(self.id_columns))]
            ids = [
                dict(zip(self.id_columns, row, strict=True)) for row in zip(*id_values, strict=True)
            ]
        return ViolationSummary(
            state.elements,
            state.missing,
            state.unexpected,
            table.column(ROW).to_pylist(),
            values,
            ids,
        )


@state_type("failing_rows")
@dataclass(frozen=True, slots=True)
class MaskState:
    """Failing-row masks of consecutive batches, plus rows that failed at a batch boundary.

    Row positions count from the state's own first row, so a state needs no shifting to sit
    after others: merging moves the right side's positions by the left side's rows.
    """

    masks: tuple[np.ndarray, ...] = ()
    boundary_rows: tuple[int, ...] = ()
    head_row: int = -1
    head_value: Any = None
    tail_value: Any = None
    has_edges: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class FailingRows(Metric[MaskState, np.ndarray]):
    """A boolean mask over every row: true where the rule fails (used to split data)."""

    rule: RowRule

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FailingRows) and rule_key(self.rule) == rule_key(other.rule)

    def __hash__(self) -> int:
        return hash(rule_key(self.rule))

    @property
    def columns(self) -> tuple[str, ...]:
        return self.rule.columns

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        return self.rule.requires()

    def empty(self) -> MaskState:
        return MaskState()

    def compute(self, batch: Batch, inputs: Values) -> MaskState:
        ignored = self.rule.ignored(batch)
        mask = failing_mask(self.rule, batch, inputs, ignored)
        if not self.rule.sequential:
            return MaskState((mask,))
        present = np.flatnonzero(~ignored)
        if present.size == 0:
            return MaskState((mask,))
        column = batch.array(self.rule.columns[0])
        first, last = int(present[0]), int(present[-1])
        return MaskState((mask,), (), first, column[first].as_py(), column[last].as_py(), True)

    def merge(self, left: MaskState, right: MaskState) -> MaskState:
        boundary = (
            left.has_edges
            and right.has_edges
            and self.rule.breaks(left.tail_value, right.head_value)
        )
        before = sum(len(m) for m in left.masks)
        extra = (before + right.head_row,) if boundary else ()
        return MaskState(
            left.masks + right.masks,
            left.boundary_rows + extra + tuple(before + row for row in right.boundary_rows),
            left.head_row if left.has_edges else before + right.head_row,
            left.head_value if left.has_edges else right.head_value,
            right.tail_value if right.has_edges else left.tail_value,
            left.has_edges or right.has_edges,
        )

    def compact(self, state: MaskState) -> MaskState:
        """The per-batch masks as one."""
        return replace(state, masks=compact_parts(state.masks))

    def finalize(self, state: MaskState) -> np.ndarray:
        mask = np.concatenate(state.masks) if state.masks else np.zeros(0, dtype=bool)
        if state.boundary_rows:
            mask = mask.copy()
            mask[list(state.boundary_rows)] = True
        return mask


class RowPredicate(Protocol):
    """A vectorized row test over some columns (a row condition)."""

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns the test reads."""
        ...

    def mask(self, batch: Batch) -> np.ndarray:
        """Which rows of the batch pass the test."""
        ...


@dataclass(frozen=True, slots=True)
class RowMask(Metric[tuple[np.ndarray, ...], np.ndarray]):
    """A boolean mask over every row: true where ``predicate`` holds."""

    predicate: RowPredicate

    @property
    def columns(self) -> tuple[str, ...]:
        return self.predicate.columns

    def empty(self) -> tuple[np.ndarray, ...]:
        return ()

    def compute(self, batch: Batch, inputs: Values) -> tuple[np.ndarray, ...]:
        return (self.predicate.mask(batch),)

    def merge(
        self, left: tuple[np.ndarray, ...], right: tuple[np.ndarray, ...]
    ) -> tuple[np.ndarray, ...]:
        return left + right

    def compact(self, state: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
        return compact_parts(state)

    def finalize(self, state: tuple[np.ndarray, ...]) -> np.ndarray:
        return np.concatenate(state) if state else np.zeros(0, dtype=bool)
