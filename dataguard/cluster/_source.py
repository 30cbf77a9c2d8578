"""What every cluster's data frame is as a Source: described from the Arrow schema fixed on the
driver, its rows never read on this machine (every pass runs where they live)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pyarrow as pa

from dataguard._frame import BaseSource, Batch, ColumnInfo, arrow_info
from dataguard.errors import InputError


class ClusterSource(BaseSource):
    """The capabilities a cluster's data frame shares, whatever the engine: names and types
    from ``schema``, no row count known up front, passes over it preferred to holding a column
    (``on_disk``), and rows read only by its runner."""

    def __init__(self, schema: pa.Schema, description: str) -> None:
        self._arrow_schema = schema
        self._description = description

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._arrow_schema.names)

    @property
    def dtypes(self) -> tuple[str, ...]:
        return tuple(str(t) for t in self._arrow_schema.types)

    def info(self, name: str) -> ColumnInfo:
        return arrow_info(name, self._arrow_schema.field(name).type)

    @property
    def num_rows(self) -> None:
        return None

    @property
    def description(self) -> str:
        return self._description

    @property
    def reiterable(self) -> bool:
        return True

    @property
    def on_disk(self) -> bool:
        """Every pass reads the partitions again: work that would hold a whole column is done
        in passes over it."""
        return True

    def batches(self, names: Sequence[str], chunk_size: int | None) -> Iterator[Batch]:
        raise InputError(
            f"the rows of a {self._description} are read where they live, not on this machine; "
            "pass it to dg.validate, dg.profile, dg.drift or dg.split"
        )
