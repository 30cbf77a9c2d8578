"""``dataguard lint``: check suite files without validating data, each problem at its line.

Loading a suite checks every key, type, parameter, pattern and row condition; lint reports all the
problems of a file, not only the first, and the other tables cross-table checks name (each known to
the suite's ``tables:`` or given, each file of ``tables:`` present). Given data, it also checks the
suite against the data's schema: the suite is validated on an empty table of that schema, with
empty tables of the other tables' schemas (only the schema, or the first block of a text file, is
read), so missing columns, type mismatches and suite errors raised when a validation is planned (an
unreadable reference profile, an expression that does not type-check, another table's missing
column) come out as they would in a real run, before any row is read.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from dataguard._documents import Document, PathPart, format_path, read_document
from dataguard._frame import ReadPlan, Source, from_path
from dataguard._run_setting import unknown_table
from dataguard._storage import exists, is_remote, resolve
from dataguard.cluster import as_source
from dataguard.errors import DataguardError, InputError, SuiteError
from dataguard.expectations import EachColumn, Expectation
from dataguard.result import Reason
from dataguard.suite import Suite, suite_problems
from dataguard.validate import validate

__all__ = ["Problem", "lint_suite", "lint_suites"]

#: Outcomes on an empty table that say the suite and the data's schema disagree (every other
#: outcome depends on rows, and there are none).
SCHEMA_REASONS = frozenset({Reason.COLUMN_MISSING, Reason.TYPE_MISMATCH, Reason.SCHEMA_MISMATCH})


@dataclass(frozen=True)
class Problem:
    """One problem of a suite file, where it is."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"


def lint_suites(
    paths: Iterable[str | os.PathLike[str]],
    schema: Any = None,
    *,
    tables: Mapping[str, Any] | None = None,
    storage_options: Mapping[str, str] | None = None,
) -> list[Problem]:
    """The problems of every suite file, in the order given (see ``lint_suite``). InputError for
    a table of ``tables`` that is a path to no file. ``storage_options`` reach the suites (and
    their tables) that are object-store URIs."""
    for name, table in (tables or {}).items():
        if isinstance(table, (str, os.PathLike)) and not os.path.exists(table):
            raise InputError(f"table {name!r}: no such file {os.fspath(table)}")
    return [
        problem
        for path in paths
        for problem in lint_suite(path, schema, tables=tables, storage_options=storage_options)
    ]


def lint_suite(
    path: str | os.PathLike[str],
    schema: Any = None,
    *,
    tables: Mapping[str, Any] | None = None,
    storage_options: Mapping[str, str] | None = None,
) -> list[Problem]:
    """The problems of one suite file: everything loading it finds, a table a cross-table check
    names that neither the suite's ``tables:`` nor ``tables`` (other tables by name, as
    ``validate`` takes them) holds, a file of ``tables:`` that does not exist, and, given
    ``schema`` (a data file or frame whose schema the suite must fit), every column the suite
    names that the data (or another table) lacks or holds with another type. Empty when the
    suite is clean. A suite at an object-store URI is read with ``storage_options``."""
    source = os.fspath(path)
    try:
        document = read_document(source, storage_options if is_remote(source) else None)
    except SuiteError as exc:
        return [_problem(exc, source)]
    found = suite_problems(document)
    if found:
        return [_problem(exc, source) for exc in found]
    suite = Suite.from_dict(document.data, source=source)
    if document.storage_options:  # its tables and references are reached with them too
        suite = dataclasses.replace(suite, document=document)
    given = dict(tables or {})
    out, unusable = _table_problems(suite, document, source, given)
    if schema is not None:
        others, unread = _empty_tables(suite, document, source, given, unusable)
        out += unread + _schema_problems(suite, document, source, schema, others)
    return sorted(out, key=lambda problem: problem.line or 0)


def _table_problems(
    suite: Suite, document: Document, source: str, given: Mapping[str, Any]
) -> tuple[list[Problem], set[str]]:
    """Each file of the suite's ``tables:`` that does not exist, at its entry, and each table an
    expectation names that is neither there nor ``given``, at the expectation's ``table``; with
    the names of those tables."""
    out: list[Problem] = []
    unusable: set[str] = set()
    for name, path in suite.table_paths().items():
        if name not in given and not exists(
            resolve(path, suite.storage_options if is_remote(path) else None)
        ):
            at = document.line(["tables", name])
            out.append(Problem(source, at, f"tables.{name}: no such file {path}"))
            unusable.add(name)
    named = list(dict.fromkeys([*suite.tables, *given]))
    for index, expectation in enumerate(suite.expectations):
        for name in expectation.other_tables():
            if name not in named:
                place: list[PathPart] = ["expectations", index, "table"]
                message = f"{format_path(place)}: {unknown_table(name, named)}"
                out.append(Problem(source, document.line(place), message))
                unusable.add(name)
    return out, unusable


def _empty_tables(
    suite: Suite,
    document: Document,
    source: str,
    given: Mapping[str, Any],
    unusable: set[str],
) -> tuple[dict[str, pa.Table], list[Problem]]:
    """Empty tables of the other tables' schemas, by name (``given`` ones instead of the
    suite's), but for ``unusable`` ones; with the problems of the suite's tables that cannot be
    read, at their entries. InputError for a given one that cannot be read."""
    out: dict[str, pa.Table] = {}
    problems: list[Problem] = []
    for name, table in {**suite.table_paths(), **given}.items():
        if name in unusable:
            continue
        try:
            found = (
                from_path(table, storage_options=suite.storage_options)
                if name not in given and is_remote(table)
                else as_source(table)
            )
            out[name] = _empty_table(found)
        except InputError as exc:
            if name in given:
                raise InputError(f"table {name!r}: {exc}") from None
            at = document.line(["tables", name])
            problems.append(Problem(source, at, f"tables.{name}: {exc}"))
    return out, problems


def _problem(error: SuiteError, source: str) -> Problem:
    message = f"{error.path}: {error.problem}" if error.path else error.problem
    return Problem(error.source or source, error.line, message)


def _empty_table(found: Source) -> pa.Table:
    """An empty table with the source's columns and types."""
    fields = [pa.field(name, found.info(name).arrow_type) for name in found.names]
    return pa.schema(fields).empty_table()


def _schema_problems(
    suite: Suite,
    document: Document,
    source: str,
    data: Any,
    tables: Mapping[str, pa.Table],
) -> list[Problem]:
    """Each expectation validated on its own (with the schema block, which says which columns
    may be absent), so that one that cannot be planned does not hide the others' problems; the
    data is read as ``validate`` would read it. Expectations of a table not in ``tables`` are
    left out: that table's problem is said already."""
    found = as_source(data, lambda names: ReadPlan(suite.column_types, suite.text_columns(names)))
    table = _empty_table(found)
    check = _Check(table, _places(suite, table.column_names), document, source, tables)
    out = check.problems(Suite((), suite.name, suite.schema), ())
    for index, expectation in enumerate(suite.expectations):
        if not tables.keys() >= expectation.other_tables().keys():
            continue
        # Cut from the suite itself, so that its relative paths are read from its file's folder.
        alone = dataclasses.replace(suite, expectations=(expectation,))
        out += check.problems(alone, ("expectations", index))
    return out


@dataclass(frozen=True)
class _Check:
    """Validation of suites on an empty table, with a way back to the suite file's lines."""

    table: pa.Table
    places: dict[Expectation, tuple[PathPart, ...]]
    document: Document
    source: str
    #: The other tables cross-table checks read (empty), by name.
    tables: Mapping[str, pa.Table]

    def problems(self, suite: Suite, place: tuple[PathPart, ...]) -> list[Problem]:
        """The schema disagreements of ``suite``'s listed expectations (of its schema when none
        is listed), or the error planning it raised, located at ``place``."""
        try:
            result = validate(self.table, suite, tables=self.tables)
        except SuiteError as exc:
            inner = _document_path(exc.path)
            if inner[:1] == ("expectations",):  # the lone expectation's own index
                inner = inner[2:]
            return [self._at((*place, *inner), exc.problem)]
        except DataguardError as exc:
            return [self._at(place, str(exc))]
        schema = set(suite.schema.expectations() if suite.schema else ())
        listed = set(suite.expand(self.table.column_names)) - schema
        out: list[Problem] = []
        for outcome in result.results:
            if outcome.reason not in SCHEMA_REASONS or (
                place and outcome.expectation not in listed
            ):
                continue
            at = self.places.get(outcome.expectation, place)
            message = outcome.message
            if outcome.reason != Reason.COLUMN_MISSING:  # said once per column, whatever needs it
                columns = ", ".join(outcome.expectation.columns)
                message = f"{outcome.expectation.name} on {columns}: {message}"
            problem = Problem(self.source, self.document.line(at) if at else None, message)
            if problem not in out:
                out.append(problem)
        return out

    def _at(self, path: tuple[PathPart, ...], message: str) -> Problem:
        return Problem(self.source, self.document.line(path), f"{format_path(path)}: {message}")


def _places(suite: Suite, names: Sequence[str]) -> dict[Expectation, tuple[PathPart, ...]]:
    """Where in the document each expectation the suite compiles to is declared."""
    places: dict[Expectation, tuple[PathPart, ...]] = {}
    for index, expectation in enumerate(suite.expectations):
        place: tuple[PathPart, ...] = ("expectations", index)
        if isinstance(expectation, EachColumn):
            for each in expectation.expand(names):
                places.setdefault(each, place)
        places.setdefault(expectation, place)
    if suite.schema is not None:
        for spec in suite.schema.columns:
            for declared in spec.expectations():
                places.setdefault(declared, ("schema", "columns", spec.name))
        for option in suite.schema.expectations():
            places.setdefault(option, ("schema", "strict" if suite.schema.strict else "ordered"))
    return places


def _document_path(path: str | None) -> tuple[PathPart, ...]:
    """``expectations[3].where`` as ``("expectations", 3, "where")``."""
    if not path:
        return ()
    out: list[PathPart] = []
    for part in path.replace("]", "").replace("[", ".").split("."):
        if part:
            out.append(int(part) if part.isdigit() else part)
    return tuple(out)
