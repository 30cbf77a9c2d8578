"""``validate``, ``split`` and the ``validated`` decorator: suites applied to data."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar, Union

import numpy as np

from dataguard._engine import Progress, describe, execute, with_requirements
from dataguard._frame import (
    ReadPlan,
    Source,
    check_column_types,
    portable_type_name,
    rerun_on_wider_type,
    select_rows,
    with_text_column,
)
from dataguard._groups import Grouping, grouping
from dataguard._past import past_runs
from dataguard._run_setting import run_clock, table_sources
from dataguard._version import __version__
from dataguard.cluster import (
    as_source,
    failing_rows,
    reasons,
    rows_judged,
    split_where_rows_live,
)
from dataguard.errors import InputError, SuiteError, ValidationFailedError
from dataguard.expectations import Context, Expectation, RowExpectation
from dataguard.history import append_run, described_dataset
from dataguard.metrics import (
    Metric,
    MetricUnavailable,
    MissingCount,
    RowCount,
    Values,
)
from dataguard.result import (
    FAILING_SEVERITIES,
    DataSummary,
    ExpectationResult,
    Reason,
    ResultFormat,
    RunInfo,
    ValidationResult,
)
from dataguard.suite import Suite, load_suite

__all__ = ["split", "validate", "validated"]

SuiteLike = Union[Suite, str, "os.PathLike[str]", Sequence[Expectation]]
F = TypeVar("F", bound=Callable[..., Any])


def as_suite(suite: SuiteLike) -> Suite:
    """A Suite from a Suite, a path to a suite file, or a sequence of expectations."""
    if isinstance(suite, Suite):
        return suite
    if isinstance(suite, (str, os.PathLike)):
        return load_suite(suite)
    if isinstance(suite, Sequence):
        return Suite(tuple(suite))  # type: ignore[arg-type]  # Suite checks the items
    raise TypeError(
        f"expected a Suite, a suite file path or a list of expectations, got {type(suite).__name__}"
    )


def as_result_format(value: str | ResultFormat) -> ResultFormat:
    """Parse a result format name, case-insensitively (GX spells them in capitals)."""
    if isinstance(value, ResultFormat):
        return value
    try:
        return ResultFormat(str(value).lower())
    except ValueError:
        names = ", ".join(f.value for f in ResultFormat)
        raise ValueError(f"unknown result_format {value!r}; use one of {names}") from None


def _schema_hash(source: Source) -> str:
    """A fingerprint of the column names and types (storage flavours aside: see
    ``portable_type_name``)."""
    types = [portable_type_name(d) for d in source.dtypes]
    text = "\n".join(f"{n}\t{d}" for n, d in zip(source.names, types, strict=True))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _evaluate(expectation: Expectation, ctx: Context) -> ExpectationResult:
    try:
        return expectation.evaluate(ctx)
    except MetricUnavailable as exc:
        return expectation.result(
            False, Reason.ERROR, f"could not be evaluated: {exc.failure.message}"
        )
    except Exception as exc:
        return expectation.result(
            False, Reason.ERROR, f"could not be evaluated: {type(exc).__name__}: {exc}"
        )


def _read_columns(expectation: Expectation, grouped: Grouping | None) -> tuple[str, ...]:
    """The columns an expectation reads, its group columns included."""
    return expectation.columns + (grouped.by if grouped is not None else ())


def _metrics(
    expectation: Expectation, grouped: Grouping | None, ctx: Context
) -> tuple[Metric[Any, Any], ...]:
    """The metrics an expectation is judged on: per group when it is judged per group."""
    return expectation.metrics(ctx) if grouped is None else grouped.metrics(expectation, ctx)


def _judged(
    expectation: Expectation,
    grouped: Grouping | None,
    contexts: Mapping[str | None, Context],
) -> tuple[ExpectationResult, ...]:
    """The expectation's result, or one result per group when it is judged per group."""
    ctx = contexts[expectation.where]
    if grouped is None:
        return (_evaluate(expectation, ctx),)
    return grouped.evaluate(expectation, ctx, _evaluate)


def _check_split_groups(rule: RowExpectation, suite: Suite) -> None:
    """``split`` judges rows as a whole: a rule judged per group whose verdict on a row depends
    on other rows (``unique``, ``increasing``, ``z_score_below``) would split differently from
    how ``validate`` judges it, so it is refused; other rules judge a row the same in any
    group."""
    grouped = grouping(rule, suite.group_by)
    if grouped is None or not (
        rule.sequential or any(m.on_table() is None for m in rule.requires())
    ):
        return
    columns = ", ".join(repr(c) for c in grouped.by)
    raise suite.error(
        f"split cannot judge {rule.name} per group of {columns}: its verdict on a row depends "
        "on the group's other rows; split without group_by, or validate to find the groups",
        rule,
        "group_by" if rule.group_by else "",
    )


def _skipped(
    expectation: Expectation, suite: Suite, names: frozenset[str]
) -> ExpectationResult | None:
    absent = [c for c in expectation.columns if c not in names and c in suite.optional_columns]
    if not absent:
        return None
    return expectation.result(True, Reason.SKIPPED, f"optional column {absent[0]!r} is absent")


def _prechecked(expectation: Expectation, suite: Suite, ctx: Context) -> ExpectationResult | None:
    """The expectation's result decided before rows are read; a SuiteError it raises against
    the data's schema (an expression naming an unknown column) names where it is declared."""
    try:
        return expectation.precheck(ctx)
    except SuiteError as exc:
        raise suite.locate(expectation, exc) from None


def _check_id_columns(source: Source, id_columns: Sequence[str] | None) -> tuple[str, ...]:
    # A lone name is one id column (not one per character); None means no ids.
    ids = (id_columns,) if isinstance(id_columns, str) else tuple(id_columns or ())
    missing = [c for c in ids if c not in set(source.names)]
    if missing:
        raise InputError(
            f"id column{'s' if len(missing) > 1 else ''} {missing!r} not found in "
            f"{source.description}"
        )
    return ids


@rerun_on_wider_type
def validate(
    data: Any,
    suite: SuiteLike,
    *,
    result_format: str | ResultFormat = ResultFormat.SUMMARY,
    id_columns: Sequence[str] | None = (),
    chunk_size: int | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    column_types: Mapping[str, str] | None = None,
    tables: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
    history: str | os.PathLike[str] | None = None,
    dataset: str | None = None,
    max_groups: int | None = None,
    record_history: bool = True,
) -> ValidationResult:
    """Check ``data`` against ``suite`` and return every expectation's result.

    ``data`` is a pandas or polars DataFrame, a pyarrow Table or RecordBatch, a path to a Parquet,
    CSV or JSON-lines file (streamed in batches), or an iterable of Arrow record batches. Only the
    columns the suite reads are converted, and ``data`` is never modified. A failed expectation is
    a result, not an exception; call ``raise_for_failures()`` on the result to raise.

    ``id_columns`` names columns whose values identify failing rows in the results, instead of
    row numbers (``None`` or ``()``: rows are numbered; one name may be given alone).
    ``chunk_size`` bounds the rows per batch (results do not depend on it). ``workers`` sets the
    threads used for column work (default: one per core). ``progress``, if given, is called
    after each batch with (pass number, passes, rows read in this pass); a pass that earlier ones
    made unnecessary is skipped.

    CSV and JSON-lines files carry no types: a column is read as the type the suite's schema
    declares, as text if only text expectations read it and its values look like dates, else
    as its values say.
    ``column_types`` (``{"zip": "string"}``, logical type names) pins columns beyond those.

    ``tables`` names other tables that cross-table expectations read (``foreign_key``), each
    any data ``validate`` accepts or a file path; they add to (and override) the suite's own
    ``tables:``.

    ``now`` is the run's clock, which ``freshness`` measures ages against (a naive time is taken
    to be UTC); by default the time the run starts. The result records it (``run.now``).

    ``history`` names a SQLite run history (docs/history.md) the run is appended to, under
    ``dataset`` (default: the data's file name, or its kind such as ``pandas.DataFrame``);
    HistoryError if it cannot be written. Expectations with a ``history`` option compare with
    their values in that dataset's earlier runs there (without ``history``, they are a
    SuiteError). ``record_history=False`` only reads the history for them, without appending
    this run (the CLI appends it after writing its outputs).
    ``max_groups`` caps the groups of expectations judged per group (``group_by``) that neither
    they nor the suite cap (default 1000); more groups fail the expectation with reason
    ``too_many_groups``.
    """
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.timezone.utc)
    clock = started_at if now is None else run_clock(now)
    the_suite = as_suite(suite)
    fmt = as_result_format(result_format)
    _check_positive(chunk_size=chunk_size, max_groups=max_groups)
    pins = check_column_types(column_types)
    source = as_source(
        data, lambda names: ReadPlan(the_suite.column_types | pins, the_suite.text_columns(names))
    )
    ids = _check_id_columns(source, id_columns)
    names = frozenset(source.names)

    expectations = the_suite.expand(source.names)
    # A file path arrives here opened (see ``rerun_on_wider_type``): name it as results do,
    # as ``append_run`` names the run.
    past = past_runs(expectations, history, dataset or described_dataset(source.description))
    others = table_sources(the_suite, expectations, tables)
    folder = the_suite.folder
    groupings = [
        grouping(e, the_suite.group_by, the_suite.max_groups, max_groups) for e in expectations
    ]
    read = [c for e, g in zip(expectations, groupings, strict=True) for c in _read_columns(e, g)]
    used = list(dict.fromkeys(c for c in read if c in names))
    describe(source, used, workers)
    decided: dict[int, ExpectationResult] = {}
    # Expectations with a row condition run on the rows it keeps: one pass set per condition.
    planned: dict[str | None, list[int]] = {None: []}
    for i, expectation in enumerate(expectations):
        ctx = Context(
            rows_judged(source, expectation.where),
            fmt,
            ids,
            tables=others,
            now=clock,
            folder=folder,
        )
        early = _skipped(expectation, the_suite, names) or _prechecked(expectation, the_suite, ctx)
        grouped = groupings[i]
        if early is None and grouped is not None:
            early = grouped.precheck(expectation, ctx)
        if early is not None:
            decided[i] = early
        else:
            planned.setdefault(expectation.where, []).append(i)
    if len(planned) > 1 and not source.reiterable:
        source.remember()
    contexts: dict[str | None, Context] = {}
    # Other tables' metrics, kept from one row condition's passes for the next.
    known = Values()
    for where, members in planned.items():
        part = rows_judged(source, where)
        plan = Context(part, fmt, ids, tables=others, now=clock, folder=folder)
        metrics: list[Metric[Any, Any]] = [RowCount()]
        metrics.extend(m for i in members for m in _metrics(expectations[i], groupings[i], plan))
        if where is None and not source.types_final:
            # Type checks read no rows, but a text file's types are settled only by reading
            # (a later value may widen a column): read every column whose type is used.
            metrics.extend(MissingCount(c) for c in used)
        values = execute(
            metrics,
            part,
            chunk_size=chunk_size,
            workers=workers,
            progress=progress,
            tables=others,
            known=known,
        )
        known = known.merged(
            values.only(m for m in with_requirements(metrics) if m.on_table() is not None)
        )
        contexts[where] = Context(
            part, fmt, ids, values, tables=others, now=clock, folder=folder, past=past
        )
    results = [
        result
        for i, (expectation, grouped) in enumerate(zip(expectations, groupings, strict=True))
        for result in ((decided[i],) if i in decided else _judged(expectation, grouped, contexts))
    ]

    rows = contexts[None].values[RowCount()]
    summary = DataSummary(
        source.description, rows, len(source.names), _schema_hash(source), source.files
    )
    run = RunInfo(
        __version__,
        the_suite.fingerprint,
        summary,
        started_at,
        time.perf_counter() - started,
        fmt,
        clock,
    )
    result = ValidationResult(the_suite, tuple(results), run)
    if history is not None and record_history:
        append_run(history, result, dataset=dataset)
    return result


def _check_positive(**counts: int | None) -> None:
    """ValueError naming the first given count below one (a chunk size, a cap on groups)."""
    for name, count in counts.items():
        if count is not None and count < 1:
            raise ValueError(f"{name} must be a positive number, got {count}")


def split(
    data: Any,
    suite: SuiteLike,
    *,
    fail_on: Literal["error", "warning"] = "error",
    chunk_size: int | None = None,
    reason_column: str | None = None,
    tables: Mapping[str, Any] | None = None,
) -> tuple[Any, Any]:
    """Split in-memory ``data`` into the rows passing and the rows failing the row-level checks
    (a Spark or Dask data frame into two lazy frames of its kind, split where its partitions
    live).

    Only row-level expectations of a severity that fails at ``fail_on`` take part; ``mostly`` is
    ignored (a row either passes or not). Both parts are the same kind of object as ``data``.
    With ``reason_column``, the failing part gets a text column of that name listing, for each
    row, the expectations it failed (``"not_null(id); between(amount)"``). ``tables`` are the
    other tables cross-table checks read, as for ``validate``.
    """
    the_suite = as_suite(suite)
    source = as_source(data)
    names = frozenset(source.names)
    if reason_column is not None and reason_column in names:
        raise ValueError(f"reason_column {reason_column!r} is already a column of the data")
    failing = FAILING_SEVERITIES[fail_on]
    expectations = the_suite.expand(source.names)
    others = table_sources(the_suite, expectations, tables)
    rules = [
        e
        for e in expectations
        if isinstance(e, RowExpectation)
        and e.severity in failing
        and _skipped(e, the_suite, names) is None
        and _prechecked(e, the_suite, Context(rows_judged(source, e.where), tables=others)) is None
    ]
    for rule in rules:
        _check_split_groups(rule, the_suite)
    if source.runner is not None:  # the rows live on a cluster: split there, never here
        return split_where_rows_live(source, rules, chunk_size, reason_column, others)
    try:
        rows, masks = failing_rows(rules, source, chunk_size, tables=others)
    except MetricUnavailable as exc:
        raise InputError(f"cannot split: {exc.failure.message}") from None
    bad = np.zeros(rows, dtype=bool)
    for mask in masks.values():
        bad |= mask
    good_rows, bad_rows = select_rows(data, ~bad), select_rows(data, bad)
    if reason_column is None:
        return good_rows, bad_rows
    return good_rows, with_text_column(bad_rows, reason_column, reasons(rules, masks, bad))


def validated(
    output: SuiteLike | None = None,
    *,
    inputs: Mapping[str, SuiteLike] | None = None,
    fail_on: Literal["error", "warning"] = "error",
    result_format: str | ResultFormat = ResultFormat.SUMMARY,
    now: dt.datetime | None = None,
    tables: Mapping[str, Any] | None = None,
) -> Callable[[F], F]:
    """Decorate a pipeline step so that its result (and the named arguments) are validated.

    Raises ``ValidationFailedError`` when a check fails at ``fail_on``, naming the function and
    the argument (or the returned data) that failed. ``now`` fixes the clock of every call (see
    ``validate``); by default each call reads its own. ``tables`` are the other tables
    cross-table checks read, as for ``validate``, for every suite::

        @dg.validated(clean_suite, inputs={"raw": raw_suite})
        def clean(raw): ...
    """
    in_suites = {name: as_suite(s) for name, s in (inputs or {}).items()}
    out_suite = as_suite(output) if output is not None else None

    def decorate(function: F) -> F:
        signature = inspect.signature(function)
        unknown = set(in_suites) - set(signature.parameters)
        if unknown:
            raise TypeError(f"{function.__qualname__} has no parameter {sorted(unknown)[0]!r}")

        # Named as its code reads: a method as Class.method, a nested function by its own name.
        step = function.__qualname__.rpartition("<locals>.")[2]

        def check(data: Any, suite: Suite, what: str) -> None:
            result = validate(data, suite, result_format=result_format, now=now, tables=tables)
            try:
                result.raise_for_failures(fail_on)
            except ValidationFailedError as exc:
                message = f"{step}(){what} failed validation: {exc}"
                raise ValidationFailedError(message, exc.result) from None

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            for name, suite in in_suites.items():
                check(bound.arguments[name], suite, f": argument {name!r}")
            returned = function(*args, **kwargs)
            if out_suite is not None:
                check(returned, out_suite, " returned data that")
            return returned

        return wrapper  # type: ignore[return-value]

    return decorate
