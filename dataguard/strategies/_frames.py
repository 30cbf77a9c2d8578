"""Drawing a table that passes a suite, or fails exactly some of its expectations.

Candidate rows come from the plan (``_plan``); the suite's own row-level expectations then
judge them, vectorized, and the rows any of them fails are dropped, so every row check is
honoured, whatever it is. A rule to break gets rows that fail it and pass the others (values
drawn from the column's whole kind), a copied value (uniqueness) or two values swapped (order).
The finished frame is judged by every expectation of the suite, and a frame that does not
come out as asked is rejected (``assume``), for hypothesis to draw another.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from dataguard._deferred import hypothesis, st
from dataguard._engine import execute
from dataguard._frame import as_source
from dataguard._groups import Grouping, grouping
from dataguard.cluster import failing_rows, rows_judged
from dataguard.expectations import (
    ColumnCountBetween,
    ColumnCountEqual,
    ColumnDtype,
    ColumnExists,
    ColumnsMatchOrderedList,
    ColumnsMatchSet,
    ColumnType,
    CompoundColumnsUnique,
    Context,
    Decreasing,
    Expectation,
    Freshness,
    Increasing,
    NoExtraColumns,
    RowCountBetween,
    RowCountEqual,
    RowCountEqualTable,
    RowExpectation,
    Unique,
)
from dataguard.metrics import Metric
from dataguard.result import ExpectationResult, Reason
from dataguard.strategies._breaking import breaking
from dataguard.strategies._plan import ARROW, ColumnPlan, TablePlan
from dataguard.strategies._setting import Setting

#: pandas dtypes that keep an integer or boolean column's type when it holds nulls.
_PANDAS = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
#: Rows beyond those wanted drawn as candidates, for the row checks to drop some.
_SLACK = 8
#: Rounds of candidate rows drawn before a frame is given up.
_ROUNDS = 3
#: The least share of candidate rows expected to pass, and the most candidates drawn in a
#: round: a round after one where few passed draws more, within what hypothesis draws readily.
_LEAST_PASSING = 1 / 16
_MOST_CANDIDATES = 100
#: Frames are small: threads would cost more than they save.
_THREADS = 1
#: The name of a column added to break a rule on the table's columns.
EXTRA = "unexpected_column"
_COLUMN_RULES = (ColumnsMatchSet, NoExtraColumns, ColumnCountBetween, ColumnCountEqual)
_ROW_COUNT_RULES = (RowCountBetween, RowCountEqual, RowCountEqualTable)


@dataclass(frozen=True)
class Request:
    """What to draw: the suite's expectations, its plan, which to break, and as what."""

    expectations: tuple[Expectation, ...]
    plan: TablePlan
    violate: frozenset[int]
    kind: str

    @property
    def setting(self) -> Setting:
        """The other tables and the clock the frames are judged with."""
        return self.plan.setting

    @property
    def rules(self) -> list[RowExpectation]:
        """The row-level expectations."""
        return [e for e in self.expectations if isinstance(e, RowExpectation)]

    def broken(self, expectation: Expectation) -> bool:
        """Whether ``expectation`` is to fail."""
        return any(expectation is self.expectations[i] for i in self.violate)


def draw_frame(draw: Callable[[st.SearchStrategy[Any]], Any], request: Request) -> Any:
    """One frame as ``request`` asks (a hypothesis ``composite`` body)."""
    plan = request.plan
    columns = list(plan.columns.values())
    fillers = (f"extra_{k}" for k in range(1, len(columns) + plan.extra_columns + 1))
    free = [name for name in fillers if name not in plan.columns][: plan.extra_columns]
    columns += [ColumnPlan(name, "integer") for name in free]
    rows = draw(_row_count(request))
    table = _covering(request, columns, _valid_rows(draw, request, columns, rows))
    broken = [e for e in request.expectations if request.broken(e)]
    # Orders are broken last, after the rows added to break other rules are sorted in.
    sequential = [e for e in broken if isinstance(e, (Increasing, Decreasing))]
    for expectation in broken:
        if expectation not in sequential:
            table = _break(draw, request, columns, table, expectation)
    table = _ordered(table, columns, frozenset(c for e in sequential for c in e.columns))
    for expectation in sequential:
        table = _break(draw, request, columns, table, expectation)
    frame = table.to_pandas(types_mapper=_PANDAS.get) if request.kind == "pandas" else table
    outcomes = judge(frame, request.expectations, request.setting)
    wanted = [not request.broken(e) for e in request.expectations]
    hypothesis.assume(outcomes == wanted)
    return frame


def _row_count(request: Request) -> st.SearchStrategy[int]:
    """How many valid rows to draw: within the plan's bounds, or outside a row count to break."""
    for e in request.expectations:
        if request.broken(e) and isinstance(e, _ROW_COUNT_RULES):
            low: int | None
            high: int | None
            if isinstance(e, RowCountEqual):
                low, high = e.value, e.value
            elif isinstance(e, RowCountEqualTable):
                low = high = request.setting.rows[e.table]
            else:
                low = None if e.min_value is None else e.min_value + int(e.strict_min)
                high = None if e.max_value is None else e.max_value - int(e.strict_max)
            options = [] if high is None else [st.integers(high + 1, high + 3)]
            if low is not None and low > 0:
                options.append(st.integers(max(0, low - 3), low - 1))
            return st.one_of(*options)
    return st.integers(*request.plan.rows)


def _valid_rows(
    draw: Callable[[st.SearchStrategy[Any]], Any],
    request: Request,
    columns: list[ColumnPlan],
    rows: int,
) -> pa.Table:
    """``rows`` rows passing every row-level rule not to break: candidates are drawn in a few
    rounds, each judged with the rows kept so far (uniqueness and order span rounds), and each
    drawing more when fewer passed in the last one (rules that reject most rows)."""
    keys = [_key([i]) for i, c in enumerate(columns) if c.unique]
    keys += [
        _key([i for i, c in enumerate(columns) if c.name in e.column_list])
        for e in request.rules
        if isinstance(e, CompoundColumnsUnique) and e.where is None and not request.broken(e)
    ]
    row = st.tuples(*(c.values() for c in columns))
    kept: list[tuple[Any, ...]] = []
    table = _table(columns, kept)
    passing = 1.0
    for _ in range(_ROUNDS):
        if len(kept) >= rows:
            break
        wanted = min(math.ceil((rows - len(kept)) / passing), _MOST_CANDIDATES)
        before = len(kept)
        more = draw(
            st.lists(row, min_size=wanted, max_size=wanted + _SLACK, unique_by=tuple(keys) or None)
        )
        table = _ordered(
            _table(columns, kept + _copied_values(columns, more)), columns, frozenset()
        )
        table = table.filter(pa.array(~_failing(request, table, broken=False)))
        kept = [tuple(r.values()) for r in table.to_pylist()]
        passing = max(_LEAST_PASSING, (len(kept) - before) / max(len(more), 1))
    hypothesis.assume(len(kept) >= rows)
    return table.slice(0, rows)


def _covering(request: Request, columns: list[ColumnPlan], table: pa.Table) -> pa.Table:
    """The table with each value a column must hold (``covers``) and lacks written into a row
    whose value another row repeats, or that holds none; every rule still passing."""
    covering = [c for c in columns if c.covers]
    for column in covering:
        values = table.column(column.name).to_pylist()
        for value in column.covers:
            if value in values:
                continue
            counts = Counter(v for v in values if v is not None)
            spare = next((i for i, v in enumerate(values) if v is None or counts[v] > 1), None)
            hypothesis.assume(spare is not None)
            values[spare] = value
        index = table.schema.get_field_index(column.name)
        table = table.set_column(
            index, column.name, pa.array(values, table.schema.field(index).type)
        )
    if covering:
        table = _ordered(table, columns, frozenset())
        hypothesis.assume(not _failing(request, table, broken=False).any())
    return table


def _copied_values(columns: list[ColumnPlan], rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows with each column that repeats another (``copy_of``) given that one's value."""
    position = {c.name: i for i, c in enumerate(columns)}
    copies = [(i, position[c.copy_of]) for i, c in enumerate(columns) if c.copy_of in position]
    if not copies:
        return rows
    out = []
    for row in rows:
        values = list(row)
        for target, source in copies:
            values[target] = values[source]
        out.append(tuple(values))
    return out


def _key(positions: list[int]) -> Callable[[tuple[Any, ...]], Any]:
    """A row's key for uniqueness on these columns; a key holding a null is unique (a null
    equals nothing)."""

    def key(row: tuple[Any, ...]) -> Any:
        values = tuple(row[i] for i in positions)
        return object() if any(v is None for v in values) else values

    return key


def _table(columns: list[ColumnPlan], rows: Sequence[tuple[Any, ...]]) -> pa.Table:
    arrays = {
        c.name: pa.array([row[i] for row in rows], ARROW[c.settled_kind])
        for i, c in enumerate(columns)
    }
    return pa.table(arrays) if arrays else pa.table({}).slice(0, 0)


def _ordered(table: pa.Table, columns: list[ColumnPlan], skip: frozenset[str]) -> pa.Table:
    """The rows sorted by the first ordered column not in ``skip`` (whole rows move, so
    rules across columns still hold)."""
    for c in columns:
        if c.order is not None and c.name not in skip and c.name in table.column_names:
            return table.sort_by([(c.name, "descending" if c.order[0] else "ascending")])
    return table


def _failing(request: Request, table: pa.Table, *, broken: bool) -> np.ndarray:
    """Rows failing a row rule not to break (``broken``: rows failing one to break)."""
    rules = [r for r in request.rules if request.broken(r) == broken]
    out = np.zeros(table.num_rows, dtype=bool)
    source = as_source(table)
    tables, folder = request.setting.sources, request.setting.folder
    # A rule that cannot judge these columns (absent, of another type) fails as a whole.
    rules = [
        r
        for r in rules
        if r.precheck(Context(rows_judged(source, r.where), tables=tables, folder=folder)) is None
    ]
    if not rules or table.num_rows == 0:
        return out
    _, masks = failing_rows(rules, source, None, workers=_THREADS, tables=tables)
    for mask in masks.values():
        out |= mask
    return out


def _break(
    draw: Callable[[st.SearchStrategy[Any]], Any],
    request: Request,
    columns: list[ColumnPlan],
    table: pa.Table,
    expectation: Expectation,
) -> pa.Table:
    """The table changed so that ``expectation`` fails."""
    if isinstance(expectation, ColumnExists):
        return table.drop_columns([expectation.column])
    if isinstance(expectation, ColumnsMatchOrderedList):
        return table.select(list(reversed(table.column_names)))
    if isinstance(expectation, ColumnsMatchSet) and not expectation.exact_match:
        return table.drop_columns([expectation.column_set[-1]])  # a subset is allowed
    if isinstance(expectation, _COLUMN_RULES):
        count = len(table.column_names) + 1
        if isinstance(expectation, ColumnCountBetween) and expectation.max_value is not None:
            count = max(count, expectation.max_value + 1)
        while len(table.column_names) < count:
            taken = set(table.column_names)
            name = next(
                n for k in range(count + 1) if (n := f"{EXTRA}_{k}" if k else EXTRA) not in taken
            )
            table = table.append_column(name, pa.array([0] * table.num_rows, pa.int64()))
        return table
    if isinstance(expectation, (ColumnType, ColumnDtype)):
        return _retyped(table, expectation.column)
    if isinstance(expectation, (*_ROW_COUNT_RULES, Freshness)):
        return table  # the row count, or the times, were drawn to break it
    if isinstance(expectation, (Unique, CompoundColumnsUnique)):
        return _copied(table, expectation.columns)
    if isinstance(expectation, (Increasing, Decreasing)):
        return _swapped(table, expectation.column)
    return _with_failing_rows(draw, request, columns, table, expectation)


def _retyped(table: pa.Table, name: str) -> pa.Table:
    """The column replaced by one of another type: text, or numbers in place of text."""
    index = table.schema.get_field_index(name)
    array = table.column(name)
    if pa.types.is_string(array.type):
        other = pa.array(range(table.num_rows), pa.int64())
    else:
        other = array.cast(pa.string())
    return table.set_column(index, name, other)


def _copied(table: pa.Table, names: Sequence[str]) -> pa.Table:
    """Row 1 given row 0's values in these columns."""
    hypothesis.assume(table.num_rows >= 2)
    for name in names:
        index = table.schema.get_field_index(name)
        values = table.column(name).to_pylist()
        values[1] = values[0]
        table = table.set_column(index, name, pa.array(values, table.schema.field(index).type))
    return table


def _swapped(table: pa.Table, name: str) -> pa.Table:
    """The rows holding the column's first and last present values swapped (whole rows, so
    rules within a row still hold)."""
    values = table.column(name).to_pylist()
    slots = [i for i, v in enumerate(values) if v is not None]
    hypothesis.assume(len(slots) >= 2 and values[slots[0]] != values[slots[-1]])
    order = list(range(table.num_rows))
    order[slots[0]], order[slots[-1]] = order[slots[-1]], order[slots[0]]
    return table.take(pa.array(order, pa.int64()))


def _with_failing_rows(
    draw: Callable[[st.SearchStrategy[Any]], Any],
    request: Request,
    columns: list[ColumnPlan],
    table: pa.Table,
    expectation: Expectation,
) -> pa.Table:
    """The table with rows added that break ``expectation`` (a row rule: as many as ``mostly``
    needs) and pass every rule not to break; their columns read from their whole kind."""
    mostly = expectation.mostly if isinstance(expectation, RowExpectation) else 1.0
    needed = 1 if mostly >= 1.0 else math.floor(table.num_rows * (1 - mostly) / mostly) + 1
    chosen = _table(columns, []).select(table.column_names)
    # One of the rule's columns at a time, the last first (often the dependent one: the
    # second of a pair), takes any value of its kind: the others keep passing their own rules.
    sides = list(reversed(expectation.columns)) or [""]
    for attempt in range(_ROUNDS):
        if chosen.num_rows >= needed:
            break
        wide = sides[attempt % len(sides)]
        row = st.tuples(
            *(breaking(expectation, c) if c.name == wide else c.values() for c in columns)
        )
        wanted = 2 * (needed - chosen.num_rows) + _SLACK
        drawn = _table(columns, draw(st.lists(row, min_size=wanted, max_size=wanted)))
        candidates = drawn.select(table.column_names)
        keep = ~_failing(request, candidates, broken=False)
        if isinstance(expectation, RowExpectation):
            _, masks = failing_rows(
                [expectation],
                as_source(candidates),
                None,
                workers=_THREADS,
                tables=request.setting.sources,
            )
            keep &= masks[0]
        chosen = pa.concat_tables([chosen, candidates.filter(pa.array(keep))])
    hypothesis.assume(chosen.num_rows >= needed)
    return pa.concat_tables([table, chosen.slice(0, needed)])


def judge(frame: Any, expectations: Sequence[Expectation], setting: Setting) -> list[bool]:
    """Whether each expectation passes on ``frame``, as ``validate`` judges it in ``setting``:
    each group of expectations under one row condition computes its metrics in one go."""
    source = as_source(frame)
    tables, now, folder = setting.sources, setting.now, setting.folder
    outcomes: dict[int, bool] = {}
    groups: dict[str | None, list[int]] = {}
    grouped = [grouping(e, setting.group_by, setting.max_groups) for e in expectations]
    for i, expectation in enumerate(expectations):
        before = Context(
            rows_judged(source, expectation.where), tables=tables, now=now, folder=folder
        )
        early = expectation.precheck(before)
        by = grouped[i]
        if early is None and by is not None:
            early = by.precheck(expectation, before)
        if early is None:
            groups.setdefault(expectation.where, []).append(i)
        else:
            outcomes[i] = early.passed
    for where, members in groups.items():
        part = rows_judged(source, where)
        plan = Context(part, tables=tables, now=now, folder=folder)
        metrics = [m for i in members for m in _metrics(expectations[i], grouped[i], plan)]
        values = execute(metrics, part, workers=_THREADS, tables=tables)
        ctx = Context(part, values=values, tables=tables, now=now, folder=folder)
        for i in members:
            outcomes[i] = _passes(expectations[i], grouped[i], ctx)
    return [outcomes[i] for i in range(len(expectations))]


def _metrics(
    expectation: Expectation, grouped: Grouping | None, ctx: Context
) -> tuple[Metric[Any, Any], ...]:
    return expectation.metrics(ctx) if grouped is None else grouped.metrics(expectation, ctx)


def _passes(expectation: Expectation, grouped: Grouping | None, ctx: Context) -> bool:
    """Whether the expectation passes (in every group, when judged per group)."""
    if grouped is not None:
        return all(r.passed for r in grouped.evaluate(expectation, ctx, _evaluated))
    return _evaluated(expectation, ctx).passed


def _evaluated(expectation: Expectation, ctx: Context) -> ExpectationResult:
    try:
        return expectation.evaluate(ctx)
    except Exception as exc:  # validate reports the expectation as failed too
        return expectation.result(False, Reason.ERROR, str(exc))
