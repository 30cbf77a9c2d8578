"""What a suite's checks read besides the frame: the other tables and the run's clock.

Both are settled once, when a strategy is made, as ``validate`` settles them once per run: the
frames drawn are judged against them, and cross-table and freshness checks draw from them (keys
of the other table, values recent at the clock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from dataguard._frame import Source
from dataguard._run_setting import run_clock, table_sources
from dataguard._storage import Location
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
    #: Where the suite's relative paths (a drift reference) are read from.
    folder: Path | Location = field(default_factory=Path)
    #: The suite's own ``group_by`` and ``max_groups``, for the expectations judged per group.
    group_by: tuple[str, ...] = ()
    max_groups: int | None = None

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
    sources = table_sources(suite, expectations, tables)
    for source in sources.values():
        source.remember()  # read for drawing, then again for each frame judged
    rows: dict[str, int] = {}
    values: dict[tuple[str, str], tuple[Any, ...]] = {}
    for expectation in expectations:
        for name, columns in expectation.other_tables().items():
            source = sources[name]
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
    return Setting(
        run_clock(now), sources, rows, values, suite.folder, suite.group_by, suite.max_groups
    )
