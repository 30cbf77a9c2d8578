"""The expectation contract and the shared behaviour of row-level and aggregate expectations.

An expectation is a frozen, hashable declaration. It names the metrics it needs (``metrics``)
and turns their final values into a result (``evaluate``) without touching the data itself.
Row-level expectations only implement a vectorized ``failing(batch)`` mask: counting, ``mostly``,
null handling and sampling live here once.
"""

from __future__ import annotations

import datetime as dt
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Mapping
from dataclasses import KW_ONLY, MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar, Protocol

import numpy as np
import pyarrow as pa

from dataguard._duration import Duration
from dataguard._expr import parse_condition
from dataguard._frame import Batch, ColumnInfo, Incomparable, Source, bools, to_column_value
from dataguard._outcome import PARTIAL_LIMIT
from dataguard._storage import Location
from dataguard.errors import SuiteError, did_you_mean
from dataguard.expectations._history import (
    check_history,
    history_rule,
    judged_by_history,
)
from dataguard.expectations._params import JsonObject, coerce, field_hints
from dataguard.metrics import Metric, Values, Violations, ViolationSummary
from dataguard.result import ExpectationResult, Reason, ResultFormat, Severity

#: Column kinds an expectation can require; see ``ColumnInfo.logical_types``.
NUMERIC = frozenset({"numeric"})
ORDERABLE = frozenset({"numeric", "datetime", "date", "string", "boolean"})
NUMERIC_OR_TEMPORAL = frozenset({"numeric", "datetime", "date"})
STRING = frozenset({"string"})


class PastValues(Protocol):
    """The run history as an expectation sees it: what it observed in earlier runs of the
    dataset being validated (``validate(..., history=PATH, dataset=NAME)``)."""

    #: The dataset the runs are recorded under.
    dataset: str

    def observed(self, expectation: Expectation, last: int) -> list[Any]:
        """The observed values of this expectation (same declaration) in the ``last`` most
        recent earlier runs of the dataset, oldest first; empty when there are none."""

    def for_group(self, group: Mapping[str, Any]) -> PastValues:
        """The same history read for one group's results (an expectation judged per group)."""


@dataclass(frozen=True)
class Context:
    """What an expectation sees while the plan is made and while it is evaluated."""

    source: Source
    result_format: ResultFormat = ResultFormat.SUMMARY
    id_columns: tuple[str, ...] = ()
    values: Values = field(default_factory=Values)
    #: The other tables the expectations may read (see ``Expectation.other_tables``), by name.
    tables: Mapping[str, Source] = field(default_factory=dict)
    #: The run's clock, in UTC: what ``freshness`` measures ages against.
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    #: Where relative file paths in the suite are read from (``Suite.folder``).
    folder: Path | Location = field(default_factory=Path)
    #: The run history's earlier values, when ``validate`` was given ``history=``.
    past: PastValues | None = None

    @property
    def sample_limit(self) -> int | None:
        """How many failing rows row-level expectations keep."""
        return self.result_format.sample_limit

    def info(self, column: str) -> ColumnInfo:
        """The description of a column of the data."""
        return self.source.info(column)


def failing_per_value(
    batch: Batch, column: str, failing: Callable[[pa.Array], pa.Array], key: Hashable
) -> np.ndarray | pa.Array:
    """An element-wise failing test applied to a column: once per distinct value when the source
    holds the column encoded (a regex over 50,000 distinct e-mails, not a million rows), else to
    every row. A null verdict passes, as in ``failing_mask``. ``key`` names the test, so that its
    verdicts on the distinct values are reused by the column's other batches."""
    encoded = batch.encoded(column)
    if encoded is None:
        return failing(batch.array(column))
    verdicts = encoded.results.get(key)
    if verdicts is None:
        result = failing(encoded.values)
        verdicts = bools(result)
        encoded.results[key] = verdicts
    return encoded.per_row(verdicts)


@dataclass(frozen=True, slots=True, kw_only=True)
class Expectation(ABC):
    """A declared property of the data, judged on one batch at a time.

    ``severity`` says what a failure means: ``error`` fails the validation, ``warning`` and
    ``info`` are reported only. ``where`` restricts the expectation to the rows satisfying a row
    condition (see ``dataguard._expr``), as if the data held only those rows. ``group_by`` judges
    it on each group of rows sharing the values of these columns, one result per group (see
    ``dataguard._groups``), with at most ``max_groups`` groups. Subclasses set ``name`` (the
    registry and YAML name).
    """

    name: ClassVar[str] = ""
    #: Logical column kinds accepted; ``None`` accepts any column.
    accepts: ClassVar[frozenset[str] | None] = None
    #: Parameters holding values that must be comparable with the first column's values.
    comparable_params: ClassVar[tuple[str, ...]] = ()
    #: Whether columns of nested values (lists, structs, maps) make sense; kernels that hash or
    #: compare values have none for them.
    accepts_nested: ClassVar[bool] = False
    #: Whether the expectation reads rows (schema expectations do not, so ``where`` means nothing).
    reads_rows: ClassVar[bool] = True
    #: Words that say what the observed value is, put before it in text output (``at index`` for
    #: a position); empty when the value speaks for itself.
    observed_label: ClassVar[str] = ""
    #: The parameters of a typical use (without ``type``), over meaningful column names: shown as
    #: one line of YAML in docs/expectations.md. Each registered class declares its own.
    example: ClassVar[dict[str, Any]] = {}
    #: Whether the expectation consumes ``group_by`` itself (comparing groups with each other),
    #: so that the generic per-group judgement leaves it alone.
    groups_itself: ClassVar[bool] = False

    severity: Severity = "error"
    where: str | None = None
    group_by: tuple[str, ...] = ()
    max_groups: int | None = None

    def __post_init__(self) -> None:
        group_by: object = self.group_by
        if isinstance(group_by, str):  # one column may be named alone
            object.__setattr__(self, "group_by", (group_by,))
        for name, hint in field_hints(type(self)).items():
            value = getattr(self, name)
            coerced = coerce(value, hint, name)
            if coerced is not value:
                object.__setattr__(self, name, coerced)
        if self.where is not None:
            if not self.reads_rows:
                raise SuiteError(f"{self.name} reads no rows, so it takes no 'where'", path="where")
            parse_condition(self.where)
        check_grouping(self.group_by, self.max_groups)
        if self.group_by and not self.reads_rows:
            raise SuiteError(
                f"{self.name} reads no rows, so it takes no 'group_by'", path="group_by"
            )
        self.check()

    def check(self) -> None:  # noqa: B027 - an optional hook, empty unless a class needs it
        """Reject parameters that contradict each other (e.g. ``min_value > max_value``)."""

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns the expectation reads; absent ones make it fail with ``column_missing``."""
        return ()

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        """The metrics ``evaluate`` reads."""
        return ()

    def reads_history(self) -> bool:
        """Whether the expectation compares with its values in earlier runs (a ``history``
        option), which needs ``validate(..., history=PATH)``."""
        return False

    def other_tables(self) -> dict[str, tuple[str, ...]]:
        """The other tables the expectation reads (given to ``validate`` by name), each with
        the columns it reads there; none for an expectation of the data alone."""
        return {}

    @abstractmethod
    def evaluate(self, ctx: Context) -> ExpectationResult:
        """Judge the final metric values in ``ctx.values``."""

    def sentence(self) -> str:
        """What is expected, in one plain sentence, leaving out ``where``.

        Subclasses implement this (or, as before it existed, ``describe`` itself).
        """
        raise NotImplementedError(f"{type(self).__name__} implements neither sentence nor describe")

    def describe(self) -> str:
        """One plain sentence saying what is expected, for text output and reports."""
        text = self.sentence()
        if self.where is None:
            return text
        return f"{text.rstrip('.')}, where {self.where}."

    def precheck(self, ctx: Context) -> ExpectationResult | None:
        """A result decided before any row is read: a missing column or a column of a wrong type."""
        names = set(ctx.source.names)
        missing = [c for c in self.columns if c not in names]
        condition = parse_condition(self.where) if self.where is not None else None
        if condition is not None and not missing:
            absent = [c for c in condition.columns if c not in names]
            if absent:
                return self.result(
                    False,
                    Reason.COLUMN_MISSING,
                    f"column {absent[0]!r} of the row condition not found"
                    + did_you_mean(absent[:1], ctx.source.names),
                )
            try:
                condition.check({c: ctx.info(c) for c in condition.columns})
            except TypeError as exc:
                return self.result(False, Reason.TYPE_MISMATCH, f"row condition: {exc}")
        if missing:
            return self.absent(self.columns, ctx)
        if not self.accepts_nested:
            nested = self.nested(self.columns, ctx, f"{self.name} needs")
            if nested is not None:
                return nested
        if self.accepts is not None:
            for column in self.columns:
                info = ctx.info(column)
                if _all_missing(info):
                    continue
                if not info.logical_types() & self.accepts:
                    kinds = " or ".join(sorted(self.accepts))
                    return self.result(
                        False,
                        Reason.TYPE_MISMATCH,
                        f"column {column!r} has type {info.dtype}; "
                        f"{self.name} needs {kinds} values",
                    )
        for param in self.comparable_params:
            column = self.columns[0]
            if _all_missing(ctx.info(column)):
                break
            try:
                to_column_value(getattr(self, param), ctx.info(column).arrow_type)
            except Incomparable as exc:
                return self.result(
                    False,
                    Reason.TYPE_MISMATCH,
                    f"{param} cannot be compared with column {column!r} "
                    f"({ctx.info(column).dtype}): {exc}",
                )
        return None

    def absent(
        self, columns: tuple[str, ...], ctx: Context, noun: str = "column"
    ) -> ExpectationResult | None:
        """A ``column_missing`` result naming those of ``columns`` the data lacks, if any."""
        names = ctx.source.names
        missing = [c for c in columns if c not in set(names)]
        if not missing:
            return None
        listed = ", ".join(repr(c) for c in missing)
        return self.result(
            False,
            Reason.COLUMN_MISSING,
            f"{noun}{'s' if len(missing) > 1 else ''} {listed} not found"
            + did_you_mean(missing, names),
        )

    def nested(
        self, columns: tuple[str, ...], ctx: Context, needs: str, noun: str = "column"
    ) -> ExpectationResult | None:
        """A ``type_mismatch`` result for the first of ``columns`` holding nested values
        (lists, structs, maps), if any: ``needs`` says what needs single values."""
        for column in columns:
            info = ctx.info(column)
            if pa.types.is_nested(info.arrow_type):
                return self.result(
                    False,
                    Reason.TYPE_MISMATCH,
                    f"{noun} {column!r} has nested values ({info.dtype}); {needs} single values",
                )
        return None

    def result(
        self, passed: bool, reason: Reason, message: str, **values: Any
    ) -> ExpectationResult:
        """Build this expectation's result."""
        return ExpectationResult(self, passed, reason, message, **values)

    def to_dict(self) -> dict[str, Any]:
        """The declaration as a plain dict: ``type`` plus every parameter not at its default."""
        out: dict[str, Any] = {"type": self.name}
        # What the expectation is about comes first, then how it runs (fields marked OPTION),
        # then the options every expectation shares (severity, mostly).
        ordered = sorted(
            fields(self), key=lambda f: (f.name in _SHARED_OPTIONS, f.metadata.get(OPTION, False))
        )
        for f in ordered:
            value = getattr(self, f.name)
            if f.init and not (f.default is value or f.default == value):
                out[f.name] = _plain(value)
        return out

    @classmethod
    def from_dict(cls, params: dict[str, Any]) -> Expectation:
        """Build from parameters (without ``type``); SuiteError on unknown or bad parameters."""
        known = field_hints(cls)
        for key in params:
            if key not in known:
                hint = did_you_mean([key], known, most=1)
                raise SuiteError(f"unknown parameter {key!r} for {cls.name}{hint}", path=key)
        required = [
            f.name
            for f in fields(cls)
            if f.init
            and f.default is MISSING
            and f.default_factory is MISSING
            and f.name not in params
        ]
        if required:
            raise SuiteError(f"{cls.name} needs {', '.join(required)}", path=required[0])
        return cls(**params)


_SHARED_OPTIONS = ("mostly", "severity", "where", "group_by", "max_groups")


def check_grouping(group_by: tuple[str, ...], max_groups: int | None) -> None:
    """Group columns are distinct non-empty names; a cap on groups is a positive count."""
    for i, column in enumerate(group_by):
        if not column:
            raise SuiteError("a group_by column needs a name", path=f"group_by[{i}]")
        if column in group_by[:i]:
            raise SuiteError(f"{column!r} is listed twice in group_by", path=f"group_by[{i}]")
    if max_groups is not None and max_groups < 1:
        raise SuiteError(f"max_groups must be at least 1, got {max_groups}", path="max_groups")


#: Field metadata key marking an option of how an expectation runs (``regex_engine``), which
#: a base class declares before its subclasses' own fields but a declaration lists after them.
OPTION = "option"


def _all_missing(info: ColumnInfo) -> bool:
    """A column of Arrow type null holds no value, so no value of a wrong type (GX: vacuous)."""
    return bool(pa.types.is_null(info.arrow_type))


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, (JsonObject, Duration)):
        return value.to_plain()
    return value


def show(value: Any) -> str:
    """A value as it should read in a message: ISO text for temporal values, repr otherwise."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return repr(value)


def within(
    value: Any,
    min_value: Any,
    max_value: Any,
    strict_min: bool = False,
    strict_max: bool = False,
) -> bool:
    """Whether ``value`` lies between the bounds (a ``None`` bound is open)."""
    if min_value is not None and (value < min_value or (strict_min and value == min_value)):
        return False
    return not (
        max_value is not None and (value > max_value or (strict_max and value == max_value))
    )


#: Why ``allow_unbounded`` exists, for error messages.
UNBOUNDED_HINT = "set allow_unbounded: true to only report the observed value"


def check_bounds(min_value: Any, max_value: Any, *, unbounded: bool = False) -> None:
    """Reject a range with no bound (unless ``unbounded`` allows it), with a NaN bound, or with
    its minimum above its maximum."""
    if min_value is None and max_value is None and not unbounded:
        raise SuiteError("give min_value, max_value or both", path="min_value")
    for name, value in (("min_value", min_value), ("max_value", max_value)):
        # Every comparison with NaN is false: such a range would let every value through.
        if isinstance(value, float) and math.isnan(value):
            raise SuiteError(f"{name} cannot be NaN", path=name)
    if min_value is not None and max_value is not None:
        try:
            inverted = min_value > max_value
        except TypeError as exc:
            raise SuiteError(
                f"min_value {min_value!r} and max_value {max_value!r} cannot be compared",
                path="max_value",
            ) from exc
        if inverted:
            raise SuiteError(
                f"min_value {min_value!r} is greater than max_value {max_value!r}", path="min_value"
            )


def check_mostly(mostly: float) -> None:
    """``mostly`` is a fraction in [0, 1]."""
    if not 0.0 <= mostly <= 1.0:
        raise SuiteError(f"mostly must be between 0 and 1, got {mostly}", path="mostly")


def range_text(
    min_value: Any, max_value: Any, strict_min: bool = False, strict_max: bool = False
) -> str:
    """Words for a range: 'between 0 and 10', 'at least 0', 'greater than 0', ..."""
    low = "greater than" if strict_min else "at least"
    high = "less than" if strict_max else "at most"
    if min_value is not None and max_value is not None:
        if not strict_min and not strict_max:
            return f"between {show(min_value)} and {show(max_value)}"
        return f"{low} {show(min_value)} and {high} {show(max_value)}"
    if min_value is not None:
        return f"{low} {show(min_value)}"
    if max_value is None:
        return "anything (no bounds: reported only)"
    return f"{high} {show(max_value)}"


@dataclass(frozen=True, slots=True, kw_only=True)
class RowExpectation(Expectation):
    """An expectation judged row by row; passes when at least ``mostly`` of present rows pass.

    Missing values (null, NaN, NaT) are neither passing nor failing: they are left out of the
    denominator, as in Great Expectations. Subclasses implement ``failing``; multi-column ones
    also ``columns`` and ``ignored``.
    """

    mostly: float = 1.0
    sequential: ClassVar[bool] = False

    def check(self) -> None:
        check_mostly(self.mostly)

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        """Metrics needed before rows can be judged (computed in an earlier pass)."""
        return ()

    def ignored(self, batch: Batch) -> np.ndarray:
        """Rows left out of the judgement: by default, rows missing any checked column."""
        mask = batch.missing(self.columns[0])
        for column in self.columns[1:]:
            mask = mask | batch.missing(column)
        return mask

    @abstractmethod
    def failing(self, batch: Batch, inputs: Values) -> np.ndarray | pa.Array:
        """Vectorized: which rows of the batch break the expectation."""

    def breaks(self, previous: Any, current: Any) -> bool:
        """For sequential expectations: does ``current`` break the rule after ``previous``?"""
        return False

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        return (self._violations(ctx),)

    def _violations(self, ctx: Context) -> Metric[Any, ViolationSummary]:
        """The metric counting the rows that break the expectation: its rule's violations,
        unless a metric of its own counts them better (the uniqueness checks')."""
        return Violations(self, ctx.sample_limit, ctx.id_columns)

    def evaluate(self, ctx: Context) -> ExpectationResult:
        summary = ctx.values[self._violations(ctx)]
        return self.judge(summary, ctx)

    def judge(self, summary: ViolationSummary, ctx: Context) -> ExpectationResult:
        """Turn the violation counts into a result, applying ``mostly``."""
        present = summary.elements - summary.missing
        unexpected = summary.unexpected
        # GX's rule, computed the same way: (present - unexpected) / present >= mostly.
        passed = present == 0 or (present - unexpected) / present >= self.mostly
        if unexpected == 0:
            message = f"all {present:,} values pass" if present else "no values to check"
        else:
            share = 100.0 * unexpected / present
            allowed = 100 * (1 - self.mostly)
            tolerance = (
                f" (mostly {self.mostly:g} allows {allowed:.4g}%)" if self.mostly < 1 else ""
            )
            message = f"{unexpected:,} of {present:,} values ({share:.4g}%) unexpected{tolerance}"
        fmt = ctx.result_format
        partial = tuple(summary.values[:PARTIAL_LIMIT])
        index: tuple[Any, ...] = ()
        if fmt in (ResultFormat.SUMMARY, ResultFormat.COMPLETE):
            rows = summary.ids if summary.ids is not None else summary.rows
            index = tuple(rows if fmt is ResultFormat.COMPLETE else rows[:PARTIAL_LIMIT])
        complete = tuple(summary.values) if fmt is ResultFormat.COMPLETE else None
        return self.result(
            passed,
            Reason.PASSED if passed else Reason.UNEXPECTED_VALUES,
            message,
            element_count=summary.elements,
            missing_count=summary.missing,
            unexpected_count=unexpected,
            partial_unexpected_list=partial,
            unexpected_index_list=index,
            unexpected_list=complete,
        )


@dataclass(frozen=True, slots=True)
class ColumnRowExpectation(RowExpectation):
    """A row-level expectation on a single column."""

    column: str
    _: KW_ONLY

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)


Bound = int | float | dt.date | dt.datetime | str | None


@dataclass(frozen=True, slots=True)
class AggregateBetween(Expectation):
    """A column statistic expected to lie within a range; inclusive unless ``strict_*``.

    A column with no present value has no statistic and fails with reason ``no_data``. With
    ``allow_unbounded`` (as Great Expectations allows), both bounds may be left out: the statistic
    is then reported and the expectation passes whatever it is.
    """

    column: str
    _: KW_ONLY
    min_value: Bound = None
    max_value: Bound = None
    strict_min: bool = False
    strict_max: bool = False
    allow_unbounded: bool = False
    #: Bounds from the statistic's own earlier values (``dataguard.expectations._history``).
    history: JsonObject | None = None
    statistic: ClassVar[str] = ""
    #: Present values the statistic needs to be defined (a sample deviation needs two).
    needs: ClassVar[int] = 1

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def check(self) -> None:
        unbounded = self.allow_unbounded or self.history is not None
        check_bounds(self.min_value, self.max_value, unbounded=unbounded)
        check_history(self.history)

    def reads_history(self) -> bool:
        return self.history is not None

    @abstractmethod
    def observe(self, ctx: Context) -> Any:
        """The statistic, or None when the column has no present value."""

    def bounds(self, ctx: Context) -> tuple[Any, Any]:
        """The bounds in the type of the observed statistic."""
        return self.min_value, self.max_value

    def evaluate(self, ctx: Context) -> ExpectationResult:
        observed = self.observe(ctx)
        if observed is None:
            few = "no" if self.needs == 1 else f"fewer than {self.needs}"
            return self.result(
                False,
                Reason.NO_DATA,
                f"column {self.column!r} has {few} present values",
                observed_value=None,
            )
        low, high = self.bounds(ctx)
        undefined = isinstance(observed, float) and math.isnan(observed)
        passed = not undefined and within(observed, low, high, self.strict_min, self.strict_max)
        wanted = range_text(self.min_value, self.max_value, self.strict_min, self.strict_max)
        verb = "is" if passed else "is not"
        if low is None and high is None:
            verb, wanted = "", "(no bounds: reported only)"
        result = self.result(
            passed,
            Reason.PASSED if passed else Reason.OUT_OF_RANGE,
            " ".join(p for p in (self.statistic, show(observed), verb, wanted) if p),
            observed_value=observed,
        )
        bounded = low is not None or high is not None
        return with_history(self, self.history, ctx, result, bounded=bounded)

    def sentence(self) -> str:
        wanted = None
        if self.min_value is not None or self.max_value is not None:
            wanted = range_text(self.min_value, self.max_value, self.strict_min, self.strict_max)
        return history_sentence(f"The {self.statistic} of {self.column!r}", wanted, self.history)


def with_history(
    expectation: Expectation,
    option: Mapping[str, Any] | None,
    ctx: Context,
    result: ExpectationResult,
    *,
    bounded: bool,
) -> ExpectationResult:
    """``result`` also judged against the expectation's earlier values when it has a
    ``history`` option (``bounded``: whether fixed bounds judged it too)."""
    if option is None:
        return result
    return judged_by_history(result, option, past_values(expectation, option, ctx), bounded=bounded)


def past_values(expectation: Expectation, option: Mapping[str, Any], ctx: Context) -> list[Any]:
    """The expectation's observed values in the window of earlier runs its ``history`` option
    names; SuiteError when ``validate`` was given no history."""
    if ctx.past is None:
        raise SuiteError(
            f"{expectation.name} compares with earlier runs (history), but no run history was "
            "given: pass history=PATH to validate (CLI: --history PATH)",
            path="history",
        )
    return ctx.past.observed(expectation, history_rule(option).window)


def history_sentence(subject: str, wanted: str | None, option: Mapping[str, Any] | None) -> str:
    """What is expected of ``subject``: the fixed range ``wanted`` (None: no fixed bounds) and
    the ``history`` rule, as one sentence."""
    rule = None if option is None else history_rule(option).sentence()
    if wanted is None and rule is None:
        return f"{subject} is reported (no bounds)."
    return f"{subject} is {' and '.join(p for p in (wanted, rule) if p)}."
