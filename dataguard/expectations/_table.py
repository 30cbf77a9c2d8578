"""Table-level expectations: which columns exist, in what order, and how many rows and columns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from dataguard.errors import SuiteError, did_you_mean
from dataguard.expectations._base import (
    UNBOUNDED_HINT,
    Context,
    Expectation,
    check_bounds,
    history_sentence,
    range_text,
    with_history,
    within,
)
from dataguard.expectations._history import check_history
from dataguard.expectations._params import JsonObject
from dataguard.expectations._registry import register
from dataguard.metrics import Metric, RowCount
from dataguard.result import ExpectationResult, Reason


def _outcome(passed: bool) -> Reason:
    return Reason.PASSED if passed else Reason.SCHEMA_MISMATCH


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnExists(Expectation):
    """The column exists; with ``column_index``, at that 0-based position."""

    name = "column_exists"
    example: ClassVar[dict[str, Any]] = {"column": "order_id"}
    reads_rows = False
    observed_label = "at index"

    column: str
    column_index: int | None = None

    def evaluate(self, ctx: Context) -> ExpectationResult:
        names = list(ctx.source.names)
        if self.column not in names:
            return self.result(
                False,
                Reason.COLUMN_MISSING,
                f"column {self.column!r} not found" + did_you_mean([self.column], names),
                observed_value=None,
            )
        position = names.index(self.column)
        if self.column_index is not None and position != self.column_index:
            return self.result(
                False,
                Reason.SCHEMA_MISMATCH,
                f"column {self.column!r} is at index {position}, not {self.column_index}",
                observed_value=position,
            )
        return self.result(
            True, Reason.PASSED, f"column {self.column!r} exists", observed_value=position
        )

    def sentence(self) -> str:
        at = f" at index {self.column_index}" if self.column_index is not None else ""
        return f"Column {self.column!r} exists{at}."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnsMatchSet(Expectation):
    """The table's columns are ``column_set`` (``exact_match: false``: they include it)."""

    name = "columns_match_set"
    example: ClassVar[dict[str, Any]] = {
        "column_set": ["order_id", "amount", "country"],
        "exact_match": False,
    }
    reads_rows = False

    column_set: tuple[str, ...]
    exact_match: bool = True

    def evaluate(self, ctx: Context) -> ExpectationResult:
        names = list(ctx.source.names)
        wanted = set(self.column_set)
        missing = [c for c in self.column_set if c not in set(names)]
        # Unexpected columns are reported either way; they fail only an exact match.
        unexpected = [c for c in names if c not in wanted]
        extra = unexpected if self.exact_match else []
        passed = not missing and not extra
        problems = []
        if missing:
            problems.append(f"missing {missing!r}")
        if extra:
            problems.append(f"unexpected {extra!r}")
        return self.result(
            passed,
            _outcome(passed),
            "; ".join(problems) or "columns match",
            observed_value=names,
            details={"mismatched": {"missing": missing, "unexpected": unexpected}},
        )

    def sentence(self) -> str:
        how = "exactly" if self.exact_match else "at least"
        return f"The table has {how} the columns {list(self.column_set)!r}."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnsMatchOrderedList(Expectation):
    """The table's columns are ``column_list`` in order.

    With ``exact_match: false`` only the relative order of the listed columns that are present
    is checked: other columns may come between them, and absent ones are the job of
    ``column_exists``. With ``allow_unbounded`` (as Great Expectations allows) the list may be left
    out: the columns are then reported and the expectation passes.
    """

    name = "columns_match_ordered_list"
    example: ClassVar[dict[str, Any]] = {
        "column_list": ["order_id", "customer_id", "amount", "created_at"]
    }
    reads_rows = False

    column_list: tuple[str, ...] | None = None
    exact_match: bool = True
    allow_unbounded: bool = False

    def check(self) -> None:
        if self.column_list is None and not self.allow_unbounded:
            raise SuiteError(f"give column_list, or {UNBOUNDED_HINT}", path="column_list")

    def evaluate(self, ctx: Context) -> ExpectationResult:
        names = list(ctx.source.names)
        if self.column_list is None:
            return self.result(
                True, Reason.PASSED, "columns reported (no list to check)", observed_value=names
            )
        if self.exact_match:
            passed = names == list(self.column_list)
            first = next(
                (
                    i
                    for i, (a, b) in enumerate(zip(names, self.column_list, strict=False))
                    if a != b
                ),
                min(len(names), len(self.column_list)),
            )
            message = "columns match" if passed else f"columns differ from position {first}"
        else:
            listed = set(self.column_list)
            seen = [c for c in names if c in listed]
            expected = [c for c in self.column_list if c in set(names)]
            passed = seen == expected
            message = (
                "columns are in order"
                if passed
                else f"columns are ordered {seen!r}, expected {expected!r}"
            )
        return self.result(passed, _outcome(passed), message, observed_value=names)

    def sentence(self) -> str:
        if self.column_list is None:
            return "The table's columns are reported (no list to check)."
        if self.exact_match:
            return f"The table's columns are exactly {list(self.column_list)!r}, in order."
        return f"Columns {list(self.column_list)!r} appear in this order."


@dataclass(frozen=True, slots=True, kw_only=True)
class _CountBetween(Expectation):
    """A table count (rows or columns) within a range; inclusive unless ``strict_*``."""

    counted: ClassVar[str] = ""

    min_value: int | None = None
    max_value: int | None = None
    strict_min: bool = False
    strict_max: bool = False
    allow_unbounded: bool = False
    #: Bounds from the count's own earlier values (``dataguard.expectations._history``).
    history: JsonObject | None = None

    def check(self) -> None:
        unbounded = self.allow_unbounded or self.history is not None
        check_bounds(self.min_value, self.max_value, unbounded=unbounded)
        check_history(self.history)

    def reads_history(self) -> bool:
        return self.history is not None

    def _range(self) -> str:
        return range_text(self.min_value, self.max_value, self.strict_min, self.strict_max)

    def judge(self, observed: int, ctx: Context) -> ExpectationResult:
        passed = within(observed, self.min_value, self.max_value, self.strict_min, self.strict_max)
        wanted = f"{'is' if passed else 'is not'} {self._range()}"
        bounded = self.min_value is not None or self.max_value is not None
        if not bounded:
            wanted = "(no bounds: reported only)"
        result = self.result(
            passed,
            Reason.PASSED if passed else Reason.OUT_OF_RANGE,
            f"{self.counted} count {observed} {wanted}",
            observed_value=observed,
        )
        return with_history(self, self.history, ctx, result, bounded=bounded)

    def sentence(self) -> str:
        bounded = self.min_value is not None or self.max_value is not None
        wanted = self._range() if bounded else None
        return history_sentence(f"The table's {self.counted} count", wanted, self.history)


def _check_count(value: int) -> None:
    if value < 0:
        raise SuiteError(f"a count cannot be negative, got {value}", path="value")


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnCountBetween(_CountBetween):
    """The number of columns lies within a range; inclusive unless ``strict_*``."""

    name = "column_count_between"
    example: ClassVar[dict[str, Any]] = {"min_value": 5, "max_value": 20}
    reads_rows = False
    counted = "column"

    def evaluate(self, ctx: Context) -> ExpectationResult:
        return self.judge(len(ctx.source.names), ctx)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnCountEqual(Expectation):
    """The table has exactly ``value`` columns."""

    name = "column_count_equal"
    example: ClassVar[dict[str, Any]] = {"value": 12}
    reads_rows = False

    value: int

    def check(self) -> None:
        _check_count(self.value)

    def evaluate(self, ctx: Context) -> ExpectationResult:
        observed = len(ctx.source.names)
        passed = observed == self.value
        return self.result(
            passed,
            Reason.PASSED if passed else Reason.OUT_OF_RANGE,
            f"{observed} columns, expected {self.value}",
            observed_value=observed,
        )

    def sentence(self) -> str:
        return f"The table has {self.value} columns."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class RowCountBetween(_CountBetween):
    """The number of rows lies within a range; inclusive unless ``strict_*``."""

    name = "row_count_between"
    example: ClassVar[dict[str, Any]] = {"min_value": 1000, "max_value": 1000000}
    counted = "row"

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (RowCount(),)

    def evaluate(self, ctx: Context) -> ExpectationResult:
        return self.judge(ctx.values[RowCount()], ctx)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class RowCountEqual(Expectation):
    """The table has exactly ``value`` rows."""

    name = "row_count_equal"
    example: ClassVar[dict[str, Any]] = {"value": 365}

    value: int

    def check(self) -> None:
        _check_count(self.value)

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (RowCount(),)

    def evaluate(self, ctx: Context) -> ExpectationResult:
        observed = ctx.values[RowCount()]
        passed = observed == self.value
        return self.result(
            passed,
            Reason.PASSED if passed else Reason.OUT_OF_RANGE,
            f"{observed} rows, expected {self.value}",
            observed_value=observed,
        )

    def sentence(self) -> str:
        return f"The table has {self.value} rows."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class NoExtraColumns(Expectation):
    """The table has no column outside ``column_set`` (a schema's ``strict: true``)."""

    name = "no_extra_columns"
    example: ClassVar[dict[str, Any]] = {
        "column_set": ["order_id", "amount", "country", "created_at"]
    }
    reads_rows = False

    column_set: tuple[str, ...]

    def evaluate(self, ctx: Context) -> ExpectationResult:
        allowed = set(self.column_set)
        extra = [c for c in ctx.source.names if c not in allowed]
        passed = not extra
        return self.result(
            passed,
            _outcome(passed),
            f"unexpected columns {extra!r}" if extra else "no unexpected columns",
            observed_value=list(ctx.source.names),
            details={"unexpected": extra},
        )

    def sentence(self) -> str:
        return f"The table has no columns besides {list(self.column_set)!r}."
