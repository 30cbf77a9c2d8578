"""What a run reads besides its data: the other tables cross-table checks read, and the clock.

``validate`` and ``split`` settle both once per run, and data generation once per strategy, so
that every frame drawn is judged in the setting validation would judge it in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dataguard._frame import Source, from_path
from dataguard._storage import is_remote
from dataguard.cluster import as_source
from dataguard.errors import InputError, did_you_mean
from dataguard.expectations import Expectation

if TYPE_CHECKING:  # for annotations only: the suite module uses data generation, which uses this
    from dataguard.suite import Suite

__all__ = ["run_clock", "table_sources", "unknown_table"]


def run_clock(now: dt.datetime | None) -> dt.datetime:
    """A run's clock in UTC, read now when not given; a naive time is taken to be UTC already."""
    if now is None:
        return dt.datetime.now(dt.timezone.utc)
    if not isinstance(now, dt.datetime):
        raise TypeError(f"now must be a datetime, got {type(now).__name__}")
    if now.tzinfo is None:
        return now.replace(tzinfo=dt.timezone.utc)
    return now.astimezone(dt.timezone.utc)


def table_sources(
    suite: Suite, expectations: Sequence[Expectation], given: Mapping[str, Any] | None
) -> dict[str, Source]:
    """The other tables the expectations read, as sources: those ``given`` by name, else the
    suite's ``tables:``. SuiteError for a table nobody gave or a column it lacks (naming the
    suite file and line), InputError for a table that cannot be read. A table that can be read
    only once is kept from its first read: checks with different row conditions, and frames
    judged one after another, read it again."""
    named: dict[str, Any] = {**suite.table_paths(), **(given or {})}
    sources: dict[str, Source] = {}
    for expectation in expectations:
        for name, columns in expectation.other_tables().items():
            if name not in named:
                how = (
                    f": give it with tables={{{name!r}: data or path}} (--table {name}=PATH on"
                    " the command line) or in the suite's tables block"
                )
                raise suite.error(unknown_table(name, named) + how, expectation, "table")
            if name not in sources:
                table = named[name]
                try:
                    # The suite's own tables in an object store are reached with the storage
                    # options the suite was read with.
                    sources[name] = (
                        from_path(table, storage_options=suite.storage_options)
                        if name not in (given or {}) and is_remote(table)
                        else as_source(table)
                    )
                except InputError as exc:
                    raise InputError(f"table {name!r}: {exc}") from None
                if not sources[name].reiterable:
                    sources[name].remember()
            table = sources[name]
            for column in columns:
                if column not in table.names:
                    key = "table_column" if len(columns) == 1 else "table_columns"
                    raise suite.error(
                        f"table {name!r} has no column {column!r}"
                        + did_you_mean([column], table.names),
                        expectation,
                        key,
                    )
    return sources


def unknown_table(name: str, named: Collection[str]) -> str:
    """What to say of a table an expectation reads that is not among those ``named``."""
    listed = ", ".join(repr(n) for n in named) or "none"
    given = did_you_mean([name], named) or f" (tables given: {listed})"
    return f"unknown table {name!r}{given}"
