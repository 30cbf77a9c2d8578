"""What every cluster's data frame is as a Source: described from the Arrow schema fixed on the
driver, its rows never read on this machine (every pass runs where they live), and kept on the
cluster for a call's passes when reading it again could give other rows."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Sequence

import pyarrow as pa

from dataguard._frame import BaseSource, Batch, ColumnInfo, arrow_info
from dataguard.errors import InputError


class ClusterSource(BaseSource):
    """The capabilities a cluster's data frame shares, whatever the engine: names and types
    from ``schema``, no row count known up front, passes over it preferred to holding a column
    (``on_disk``), rows read only by its runner, and the same rows for every pass.

    ``rereads`` says whether reading the frame again gives the same rows: a plain read of files
    (or of data the cluster holds) does. Any other frame (a sample, rows drawn at random, a
    shuffle) could give other rows at each pass; when a call makes several passes over it, it
    is persisted on the cluster first (``remember``), for as long as the source lives (the
    ``validate``, ``profile`` or ``drift`` call), so that the passes' results fit together."""

    def __init__(self, schema: pa.Schema, description: str, *, rereads: bool) -> None:
        self._arrow_schema = schema
        self._description = description
        self._rereads = rereads
        self._kept = False

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
        """Whether every pass sees the same rows: a plain read, or a frame persisted."""
        return self._rereads or self._kept

    def remember(self) -> None:
        """Persist the frame on the cluster, once, unless reading it again gives the same rows."""
        if self.reiterable:
            return
        self.persist()
        self._kept = True

    @abstractmethod
    def persist(self) -> None:
        """Keep the frame's rows on the cluster, read by every later pass, until this source is
        dropped (then they are released)."""

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
