"""What dataguard reads rows from: the Source protocol, and the defaults of its capabilities."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

from dataguard._frame._batch import Batch, ColumnInfo
from dataguard._frame._text_types import ReadPlan
from dataguard.errors import InputError


class PassRunner(Protocol):
    """Runs the engine's passes where a source's rows live (the partitions of a Spark or Dask
    data frame): each partition accumulates metric states with the engine's own loop, and the
    states are merged in partition order and finalized.

    Metrics and their values are opaque here (this package knows data, not metrics): ``metrics``
    are the engine's metrics, ``inputs`` and the result its ``Values``.
    """

    def run_pass(
        self,
        metrics: Sequence[Any],
        inputs: Any,
        *,
        chunk_size: int | None,
        progress: Callable[[int], None] | None,
    ) -> Any:
        """The values of ``metrics`` over every row, added to ``inputs``."""
        ...

    def viewed(self, view: Callable[[Source], Source], reads: Sequence[str]) -> PassRunner:
        """A runner whose partitions are read through ``view`` (a row condition, say), which
        reads the columns ``reads`` besides those the metrics read."""
        ...


class Source(Protocol):
    """Anything dataguard can read rows from, adapted to Arrow batches."""

    @property
    def names(self) -> tuple[str, ...]:
        """Every column name, in order."""
        ...

    @property
    def dtypes(self) -> tuple[str, ...]:
        """The source's own dtype name of every column, in order (cheap: nothing is converted)."""
        ...

    def info(self, name: str) -> ColumnInfo:
        """Full description of one column; may convert that column to learn its Arrow type."""
        ...

    @property
    def num_rows(self) -> int | None:
        """The row count when known without reading the rows."""
        ...

    @property
    def description(self) -> str:
        """A short human name for the data, such as the file path or ``pandas.DataFrame``."""
        ...

    @property
    def reiterable(self) -> bool:
        """Whether ``batches`` may be called more than once."""
        ...

    @property
    def files(self) -> tuple[str, ...]:
        """The files read as one table, in the order read, when the data is a dataset (a
        folder or a glob); empty when the description names all there is (one file, a frame)."""
        ...

    def batches(self, names: Sequence[str], chunk_size: int | None) -> Iterator[Batch]:
        """Yield consecutive batches holding only ``names``, each at most ``chunk_size`` rows."""
        ...

    # Capabilities some sources have; ``BaseSource`` gives their defaults.

    @property
    def types_final(self) -> bool:
        """Whether every column's type is known without reading the rows in full (not so for a
        text file longer than the block its types were inferred from: a later value may widen a
        column)."""
        ...

    @property
    def in_memory(self) -> bool:
        """Whether the rows are held already (a data frame): batches in flight cost only their
        converted columns, so several may be read ahead."""
        ...

    @property
    def on_disk(self) -> bool:
        """Whether every pass reads the rows from storage again, rather than from memory: work
        that would hold a whole column is better done in passes over it."""
        ...

    @property
    def columnar(self) -> bool:
        """Whether reading some columns costs only those columns (Parquet), not whole rows."""
        ...

    @property
    def runner(self) -> PassRunner | None:
        """What runs passes over the rows where they live, when not on this machine."""
        ...

    def read_as(self, plan: ReadPlan) -> None:
        """Read columns as ``plan`` says, where the data carries no types (a text file)."""
        ...

    def remember(self) -> None:
        """Keep the batches of the first pass so that a one-shot source can replay them."""
        ...

    def retain(self, names: Iterable[str]) -> None:
        """Keep the converted chunks of ``names`` read from now on, for a later pass."""
        ...

    def held(self, names: Sequence[str], budget: int) -> Source | None:
        """The columns ``names`` read whole into memory, as a table of them is held, when they
        take at most ``budget`` bytes there; None when they do not, or when holding gains
        nothing (the rows are held already, or cannot be read twice)."""
        ...

    def split_rows(self, judge: Any, reason_column: str | None) -> tuple[Any, Any]:
        """The passing and failing rows, as the same kind of data frame, each partition
        judging its own rows where they live (a cluster's data frame); the failing ones with a
        text column ``reason_column`` listing the rules each fails, when given. ``judge`` is
        opaque here (the cluster package's row judge: this package knows data, not rules)."""
        ...


class BaseSource(Source):
    """The defaults of a Source's capabilities: types known, rows neither held nor on disk
    (a stream) and read on this machine, read as they are, nothing to remember or retain, no
    splitting where the rows live."""

    @property
    def files(self) -> tuple[str, ...]:
        return ()

    @property
    def types_final(self) -> bool:
        return True

    @property
    def in_memory(self) -> bool:
        return False

    @property
    def on_disk(self) -> bool:
        return False

    @property
    def columnar(self) -> bool:
        return False

    @property
    def runner(self) -> PassRunner | None:
        return None

    def read_as(self, plan: ReadPlan) -> None:
        return None

    def remember(self) -> None:
        return None

    def retain(self, names: Iterable[str]) -> None:
        return None

    def held(self, names: Sequence[str], budget: int) -> Source | None:
        return None

    def split_rows(self, judge: Any, reason_column: str | None) -> tuple[Any, Any]:
        raise InputError(f"cannot split a {self.description} where its rows live")
