"""What a suite says about the data to generate: each column's kind and values, the columns of
the table and how many rows it holds.

Each expectation that narrows what may be generated registers a ``narrow`` rule (a dispatch on
its class, kept here rather than spread over the expectation classes). The values drawn are only
candidates: the row-level expectations themselves then judge them (see ``_frames``), so a rule
here only makes passing values likely, and an expectation with no rule (a custom check, an
expression) is still honoured.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import string
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from dataguard._deferred import st
from dataguard._expr import Condition, parse_condition, parse_expression
from dataguard._frame import as_source
from dataguard.expectations import (
    Between,
    ColumnCountBetween,
    ColumnCountEqual,
    ColumnExists,
    ColumnsMatchOrderedList,
    ColumnsMatchSet,
    ColumnType,
    Decreasing,
    DistinctValuesContainSet,
    DistinctValuesEqualSet,
    DistinctValuesEqualTable,
    DistinctValuesInSet,
    EqualWithinRecord,
    Expectation,
    Expression,
    ForeignKey,
    Freshness,
    Increasing,
    InSet,
    MatchesRegex,
    MaxBetween,
    MeanBetween,
    MedianBetween,
    MinBetween,
    NoExtraColumns,
    NotNull,
    Null,
    PairEqual,
    PairInSet,
    RowCountBetween,
    RowCountEqual,
    RowCountEqualTable,
    Unique,
    ValueLengthBetween,
    ValueLengthEqual,
)
from dataguard.strategies._setting import Setting

#: The logical kinds generated, and the kind a schema's wider kinds are generated as.
KINDS = ("integer", "float", "string", "boolean", "datetime", "date")
#: The Arrow type each kind is generated as.
ARROW = {
    "integer": pa.int64(),
    "float": pa.float64(),
    "string": pa.string(),
    "boolean": pa.bool_(),
    "datetime": pa.timestamp("us"),
    "date": pa.date32(),
}
#: Combinations of kinds tried for the columns of a row expression, at most (four columns).
_KIND_TRIALS = len(KINDS) ** 4
#: How far back from the newest value a generated time column reaches, when nothing else says.
_HISTORY = dt.timedelta(days=365)
_AS_KIND = {"numeric": "float", "categorical": "string"}
#: Open ends of generated ranges: values a reader can take in at a glance.
_SPAN = {"integer": (-1000, 1000), "float": (-1000.0, 1000.0)}
_TIMES = (dt.datetime(2000, 1, 1), dt.datetime(2030, 12, 31))
_ALPHABET = string.ascii_letters + string.digits
#: Rows of a table when the suite does not say.
DEFAULT_ROWS = (1, 20)


@dataclass
class ColumnPlan:
    """What is known of one column to generate."""

    name: str
    kind: str | None = None
    nullable: bool = True
    always_null: bool = False
    unique: bool = False
    order: tuple[bool, bool] | None = None  # (decreasing, strictly)
    low: Any = None
    high: Any = None
    choices: tuple[Any, ...] | None = None
    regex: str | None = None
    lengths: tuple[int, int | None] = (0, None)
    #: A column whose value this one repeats in every row (``pair_equal``).
    copy_of: str | None = None
    #: Values that must each occur at least once (``distinct_values_equal_table``).
    covers: tuple[Any, ...] = ()
    #: Values never drawn (a declared value to leave out, to break ``distinct_values_contain_set``).
    excluded: tuple[Any, ...] = ()

    @property
    def settled_kind(self) -> str:
        """The kind generated: declared or implied, else integer."""
        return self.kind or "integer"

    def values(self) -> st.SearchStrategy[Any]:
        """Candidate values, most of them passing the column's own expectations."""
        if self.always_null:
            return st.none()
        present = self._present()
        # One null in four, about: hypothesis picks a branch of one_of evenly.
        return st.one_of(present, present, present, st.none()) if self.nullable else present

    def _present(self) -> st.SearchStrategy[Any]:
        if self.excluded:
            excluded = self.excluded
            return self._allowed().filter(lambda value: value not in excluded)
        return self._allowed()

    def _allowed(self) -> st.SearchStrategy[Any]:
        if self.choices is not None:
            return st.sampled_from(self.choices) if self.choices else st.nothing()
        if self.settled_kind == "string" and self.regex is not None:
            return st.from_regex(self.regex, fullmatch=True)
        return any_value(self.settled_kind, self.low, self.high, self.lengths)

    def wide(self) -> st.SearchStrategy[Any]:
        """Any value of the column's kind, null included: candidates for breaking a rule."""
        return st.one_of(st.none(), any_value(self.settled_kind, None, None, (0, None)))


def any_value(
    kind: str, low: Any, high: Any, lengths: tuple[int, int | None]
) -> st.SearchStrategy[Any]:
    """Values of a kind between optional bounds (a bound of another type is left out)."""
    if kind in ("integer", "float"):
        low = low if _number(low) else None
        high = high if _number(high) else None
        start, stop = _SPAN[kind]
        if low is None:
            low = start if high is None else min(start, high - 1000)
        if high is None:
            high = max(stop, low + 1000)
        if kind == "integer":
            return st.integers(math.ceil(low), math.floor(high))
        return st.floats(float(low), float(high), allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "datetime":
        low = low if isinstance(low, dt.datetime) else _TIMES[0]
        high = high if isinstance(high, dt.datetime) else _TIMES[1]
        return st.datetimes(low.replace(tzinfo=None), high.replace(tzinfo=None))
    if kind == "date":
        low = low if type(low) is dt.date else _TIMES[0].date()
        high = high if type(high) is dt.date else _TIMES[1].date()
        return st.dates(low, high)
    shortest, longest = lengths
    return st.text(_ALPHABET, min_size=shortest, max_size=longest or max(shortest, 12))


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass
class TablePlan:
    """The table to generate: its columns in order, and its bounds on rows; drawn in a
    ``setting`` (other tables, clock), with some expectations to break."""

    setting: Setting
    broken: tuple[Expectation, ...] = ()
    columns: dict[str, ColumnPlan] = field(default_factory=dict)
    rows: tuple[int, int] = DEFAULT_ROWS
    extra_columns: int = 0
    #: Columns that must stand at a position (``column_exists`` with ``column_index``).
    positions: dict[str, int] = field(default_factory=dict)

    def column(self, name: str) -> ColumnPlan:
        """The plan of a column, added at the end if new."""
        return self.columns.setdefault(name, ColumnPlan(name))

    def limit_rows(self, low: int | None, high: int | None) -> None:
        """Keep the row bounds within ``[low, high]``."""
        lo, hi = self.rows
        lo = max(lo, low) if low is not None else lo
        hi = min(hi, high) if high is not None else max(hi, lo)
        self.rows = (lo, max(lo, hi))


def plan(
    expectations: tuple[Expectation, ...],
    setting: Setting,
    broken: tuple[Expectation, ...] = (),
) -> TablePlan:
    """The table the expectations describe, in ``setting``; values for the ``broken`` ones
    that cannot be broken by added rows (freshness) are drawn to fail them."""
    table = TablePlan(setting, broken)
    for expectation in expectations:
        for name in expectation.columns:
            table.column(name)
        if expectation.where is not None:
            for name in parse_condition(expectation.where).columns:
                table.column(name)
        if expectation.where is None:
            narrow(expectation, table)
        else:  # a rule on some rows says nothing of the others' values, only of their kind
            scratch = TablePlan(setting, broken)
            narrow(expectation, scratch)
            for name, column in scratch.columns.items():
                table.column(name).kind = table.column(name).kind or column.kind
        for name in expectation.columns:
            column = table.column(name)
            column.kind = column.kind or _accepted_kind(expectation.accepts)
    for column in table.columns.values():
        if column.copy_of is not None:
            column.kind = column.kind or table.column(column.copy_of).kind
    for expectation in expectations:
        conditions = [parse_condition(expectation.where)] if expectation.where else []
        if isinstance(expectation, Expression):
            conditions.append(parse_expression(expectation.expr))
        for condition in conditions:
            _expression_kinds(table, condition)
    _place(table)
    if not table.columns and not table.extra_columns:  # rows need a column to live in
        table.column("value").kind = "integer"
    return table


def _expression_kinds(table: TablePlan, condition: Condition) -> None:
    """Kinds for the columns a row expression reads that nothing else settles: the first
    combination (integers first) its type checker accepts, so that ``starts_with(s, 'a')``
    makes ``s`` text. Left open when none is found (integers, then)."""
    open_ = [c for c in condition.columns if table.column(c).kind is None]
    if not open_:
        return
    settled = {c: table.column(c).settled_kind for c in condition.columns if c not in open_}
    for kinds in itertools.islice(itertools.product(KINDS, repeat=len(open_)), _KIND_TRIALS):
        chosen = settled | dict(zip(open_, kinds, strict=True))
        empty = as_source(pa.table({c: pa.array([], ARROW[k]) for c, k in chosen.items()}))
        try:
            condition.check({c: empty.info(c) for c in chosen}, list(chosen))
        except TypeError:
            continue
        for name, kind in zip(open_, kinds, strict=True):
            table.column(name).kind = kind
        return


def _place(table: TablePlan) -> None:
    """Put the columns with a required position there, with filler columns before them if
    the table has too few."""
    names = [n for n in table.columns if n not in table.positions]
    fillers = 0
    for name, index in sorted(table.positions.items(), key=lambda item: item[1]):
        while len(names) < index:
            fillers += 1
            names.append(f"extra_{fillers}")
        names.insert(index, name)
    table.columns = {n: table.column(n) for n in names}
    for column in table.columns.values():
        if column.name.startswith("extra_") and column.kind is None:
            column.kind = "integer"


def _accepted_kind(accepts: frozenset[str] | None) -> str | None:
    """The kind to generate for a column an expectation accepts only some kinds of."""
    if accepts is None:
        return None
    if accepts & {"numeric", "integer"}:
        return "integer"
    return next((k for k in KINDS if k in accepts), None)


@functools.singledispatch
def narrow(expectation: Expectation, table: TablePlan) -> None:
    """Narrow the plan by what ``expectation`` requires (nothing, unless a rule says)."""


@narrow.register
def _(expectation: ColumnType, table: TablePlan) -> None:
    kind = expectation.logical_type
    table.column(expectation.column).kind = _AS_KIND.get(kind, kind)


@narrow.register
def _(expectation: NotNull, table: TablePlan) -> None:
    table.column(expectation.column).nullable = False


@narrow.register
def _(expectation: Null, table: TablePlan) -> None:
    table.column(expectation.column).always_null = True


@narrow.register
def _(expectation: Unique, table: TablePlan) -> None:
    table.column(expectation.column).unique = True


@narrow.register
def _(expectation: Increasing, table: TablePlan) -> None:
    _ordered(table.column(expectation.column), decreasing=False, strictly=expectation.strictly)


@narrow.register
def _(expectation: Decreasing, table: TablePlan) -> None:
    _ordered(table.column(expectation.column), decreasing=True, strictly=expectation.strictly)


def _ordered(column: ColumnPlan, *, decreasing: bool, strictly: bool) -> None:
    column.order = (decreasing, strictly)
    column.unique = column.unique or strictly


def _values_within(
    expectation: Between | MinBetween | MaxBetween | MeanBetween | MedianBetween,
    table: TablePlan,
) -> None:
    """Every value within the bounds: for a statistic's bounds, that puts the minimum,
    maximum, mean and median there too."""
    _within(table.column(expectation.column), expectation.min_value, expectation.max_value)


for _bounded in (Between, MinBetween, MaxBetween, MeanBetween, MedianBetween):
    narrow.register(_bounded, _values_within)


def _within(column: ColumnPlan, low: Any, high: Any) -> None:
    """Narrow the column's values to ``[low, high]`` (``None``: open), within earlier bounds."""
    column.kind = column.kind or kind_of(low, high)
    try:
        column.low = (
            low if column.low is None or (low is not None and low > column.low) else column.low
        )
        column.high = (
            high
            if column.high is None or (high is not None and high < column.high)
            else column.high
        )
    except TypeError:  # bounds of different types: the latest wins
        column.low, column.high = low, high


@narrow.register
def _(expectation: ColumnExists, table: TablePlan) -> None:
    if expectation.column_index is not None:
        table.positions[expectation.column] = expectation.column_index


@narrow.register
def _(expectation: NoExtraColumns, table: TablePlan) -> None:
    for name in expectation.column_set:
        table.column(name)


@narrow.register
def _(expectation: EqualWithinRecord, table: TablePlan) -> None:
    first, *rest = expectation.column_list
    for name in rest:
        table.column(name).copy_of = first


@narrow.register
def _(expectation: InSet, table: TablePlan) -> None:
    column = table.column(expectation.column)
    column.choices = tuple(v for v in expectation.value_set if v is not None)
    column.kind = column.kind or kind_of(*column.choices)


@narrow.register
def _(expectation: MatchesRegex, table: TablePlan) -> None:
    column = table.column(expectation.column)
    column.kind, column.regex = "string", expectation.regex


@narrow.register
def _(expectation: ValueLengthBetween, table: TablePlan) -> None:
    column = table.column(expectation.column)
    low = (expectation.min_value or 0) + int(expectation.strict_min)
    high = expectation.max_value
    column.kind, column.lengths = (
        "string",
        (low, None if high is None else high - expectation.strict_max),
    )


@narrow.register
def _(expectation: ValueLengthEqual, table: TablePlan) -> None:
    column = table.column(expectation.column)
    column.kind, column.lengths = "string", (expectation.value, expectation.value)


@narrow.register
def _(expectation: PairEqual, table: TablePlan) -> None:
    table.column(expectation.column_b).copy_of = expectation.column_a


@narrow.register
def _(expectation: PairInSet, table: TablePlan) -> None:
    # Each side drawn from its side of the pairs: a drawn pair is declared often enough.
    for side, name in enumerate(expectation.columns):
        column = table.column(name)
        column.choices = tuple(dict.fromkeys(p[side] for p in expectation.value_pairs_set))
        column.kind = column.kind or kind_of(*column.choices)


@narrow.register
def _(expectation: RowCountBetween, table: TablePlan) -> None:
    low, high = expectation.min_value, expectation.max_value
    table.limit_rows(
        None if low is None else low + int(expectation.strict_min),
        None if high is None else high - int(expectation.strict_max),
    )


@narrow.register
def _(expectation: RowCountEqual, table: TablePlan) -> None:
    table.limit_rows(expectation.value, expectation.value)


@narrow.register
def _(expectation: ColumnsMatchSet, table: TablePlan) -> None:
    for name in expectation.column_set:
        table.column(name)


@narrow.register
def _(expectation: ColumnsMatchOrderedList, table: TablePlan) -> None:
    listed = expectation.column_list or ()
    rest = {n: c for n, c in table.columns.items() if n not in listed}
    table.columns = {n: table.column(n) for n in listed} | rest


@narrow.register
def _(expectation: ColumnCountBetween, table: TablePlan) -> None:
    wanted = (expectation.min_value or 0) + int(expectation.strict_min)
    table.extra_columns = max(table.extra_columns, wanted - len(table.columns))


@narrow.register
def _(expectation: ColumnCountEqual, table: TablePlan) -> None:
    table.extra_columns = max(table.extra_columns, expectation.value - len(table.columns))


@narrow.register
def _(expectation: ForeignKey, table: TablePlan) -> None:
    # Each column drawn from its side of the other table's keys: a compound key drawn is
    # declared there often enough, and the rule itself drops the others.
    for mine, theirs in zip(expectation.columns, expectation.table_columns, strict=True):
        _from_values(table.column(mine), table.setting.values[expectation.table, theirs])


@narrow.register
def _(expectation: DistinctValuesEqualTable, table: TablePlan) -> None:
    column = table.column(expectation.column)
    _from_values(column, table.setting.values[expectation.table, expectation.table_column])
    column.covers = column.choices or ()
    table.limit_rows(len(column.covers), None)


@narrow.register
def _(expectation: DistinctValuesInSet, table: TablePlan) -> None:
    if expectation.value_set is not None:  # no set: any value
        _from_values(table.column(expectation.column), tuple(expectation.value_set))


@narrow.register
def _(expectation: DistinctValuesEqualSet, table: TablePlan) -> None:
    column = table.column(expectation.column)
    _from_values(column, tuple(expectation.value_set))
    column.covers = column.choices or ()
    table.limit_rows(len(column.covers), None)


@narrow.register
def _(expectation: DistinctValuesContainSet, table: TablePlan) -> None:
    column = table.column(expectation.column)
    scratch = ColumnPlan(column.name, column.kind)
    _from_values(scratch, tuple(expectation.value_set))
    column.kind, declared = scratch.kind, scratch.choices or ()
    if any(expectation is e for e in table.broken):
        column.excluded = declared[:1]
    else:
        column.covers = tuple(dict.fromkeys(column.covers + declared))
        table.limit_rows(len(column.covers), None)


def _from_values(column: ColumnPlan, values: tuple[Any, ...]) -> None:
    """Draw the column's present values from another table's ``values``, as values of the
    column's kind (``1.0`` is ``1`` in an integer column; ``1.5`` is none)."""
    column.kind = column.kind or kind_of(*values)
    if column.kind == "integer":
        values = tuple(int(v) for v in values if _number(v) and float(v).is_integer())
    elif column.kind == "float":
        values = tuple(float(v) for v in values if _number(v))
    else:
        values = tuple(v for v in values if kind_of(v) == column.kind)
    column.choices = values


@narrow.register
def _(expectation: RowCountEqualTable, table: TablePlan) -> None:
    rows = table.setting.rows[expectation.table]
    table.limit_rows(rows, rows)


@narrow.register
def _(expectation: Freshness, table: TablePlan) -> None:
    """Valid: every value in the newer half of ``max_age`` before the clock (half, so that a
    check run a little later still passes). Broken: every value older than ``max_age``."""
    column = table.column(expectation.column)
    column.kind = column.kind or "datetime"
    now, age = table.setting.naive_now, expectation.max_age.delta
    broken = any(expectation is e for e in table.broken)
    if column.kind == "date":
        if broken:  # the newest day starts before the clock less max_age
            last = (now - age - dt.timedelta(microseconds=1)).date()
            _within(column, last - _HISTORY, last)
        else:
            start = now - age / 2
            first = start.date() + dt.timedelta(days=int(start.time() != dt.time()))
            _within(column, first, max(first, now.date()))
    elif broken:
        last = now - age - dt.timedelta(seconds=1)
        _within(column, last - _HISTORY, last)
    else:
        _within(column, now - age / 2, now)


def kind_of(*values: Any) -> str | None:
    """The kind of the first value that is not None."""
    for value in values:
        if value is None:
            continue
        if isinstance(value, bool):
            return "boolean"
        if isinstance(value, int):
            return "integer"
        if isinstance(value, float):
            return "float"
        if isinstance(value, dt.datetime):
            return "datetime"
        if isinstance(value, dt.date):
            return "date"
        return "string"
    return None
