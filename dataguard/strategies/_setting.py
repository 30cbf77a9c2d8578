"""What a suite's checks read besides the frame: the other tables and the run's clock.

Both are settled once, when a strategy is made, as ``validate`` settles them once per run: the
frames drawn are judged against them, and cross-table and freshness checks draw from them (keys
of the other table, values recent at the clock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from dataguard._frame import Source, as_source
from dataguard.errors import InputError, did_you_mean
from dataguard.expectations import Expectation

if TYPE_CHECKING:
    from dataguard.suite import Suite


@dataclass(frozen=True)
class Setting:
    """The other tables (as sources to judge with, and the row count and distinct present
    values of the columns read, to draw from) and the clock, in UTC."""

    now: dt.datetime
    sources: Mapping[str, Source] = field(default_factory=dict)
    rows: Mapping[str, int] = field(default_factory=dict)
    #: The distinct present values of each column read, by (table, column).
    values: Mapping[tuple[str, str], tuple[Any, ...]] = field(default_factory=dict)

    @property
    def naive_now(self) -> dt.datetime:
        """The clock as a naive time in UTC, as naive timestamp columns are read."""
        return self.now.replace(tzinfo=None)


def setting(
    suite: Suite,
    expectations: Sequence[Expectation],
    tables: Mapping[str, Any] | None,
    now: dt.datetime | None,
) -> Setting:
    """The setting ``validate`` would judge with: the ``tables`` given by name, else the
    suite's ``tables:``, and the clock ``now`` (default: read now, once). A table an
    expectation needs and nobody gave, or a column it lacks, is a SuiteError naming it."""
    named: dict[str, Any] = {**suite.table_paths(), **(tables or {})}
    sources: dict[str, Source] = {}
    rows: dict[str, int] = {}
    values: dict[tuple[str, str], tuple[Any, ...]] = {}
    for expectation in expectations:
        for name, columns in expectation.other_tables().items():
            if name not in named:
                hint = did_you_mean([name], named) or (
                    f": give it as strategy(tables={{{name!r}: data or path}})"
                    " or list it in the suite's tables block"
                )
                raise suite.error(f"unknown table {name!r}{hint}", expectation, "table")
            if name not in sources:
                try:
                    sources[name] = as_source(named[name])
                except InputError as exc:
                    raise InputError(f"table {name!r}: {exc}") from None
                sources[name].remember()  # read for drawing, then again for each frame judged
            source = sources[name]
            for column in columns:
                if column not in source.names:
                    key = "table_column" if len(columns) == 1 else "table_columns"
                    raise suite.error(
                        f"table {name!r} has no column {column!r}"
                        + did_you_mean([column], source.names),
                        expectation,
                        key,
                    )
            read = [c for c in columns if (name, c) not in values]
            arrays: dict[str, list[pa.Array]] = {c: [] for c in read}
            count = 0
            for batch in source.batches(read, None):
                count += batch.num_rows
                for column in read:
                    arrays[column].append(batch.array(column))
            rows[name] = count
            for column, chunks in arrays.items():
                present = pa.chunked_array(chunks, source.info(column).arrow_type).drop_null()
                values[name, column] = tuple(present.unique().to_pylist())
    return Setting(_clock(now), sources, rows, values)


def _clock(now: dt.datetime | None) -> dt.datetime:
    """The clock in UTC, read now if not given; a naive time is taken to be UTC already."""
    if now is None:
        return dt.datetime.now(dt.timezone.utc)
    if not isinstance(now, dt.datetime):
        raise TypeError(f"now must be a datetime, got {type(now).__name__}")
    if now.tzinfo is None:
        return now.replace(tzinfo=dt.timezone.utc)
    return now.astimezone(dt.timezone.utc)
