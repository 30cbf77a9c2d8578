"""A source restricted to the rows a predicate keeps (expectations with a row condition)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np
import pyarrow as pa

from dataguard._frame._batch import Batch, ColumnInfo
from dataguard._frame._source import BaseSource, PassRunner, Source


class FilteredSource(BaseSource):
    """The rows of ``source`` where ``keep`` is true, as if the data held only those rows.

    ``keep`` judges a batch holding (at least) ``reads``. Batches keep the global row numbers of
    their rows in ``Batch.ids``, so failing rows are still reported by their place in the data.
    """

    def __init__(
        self, source: Source, keep: Callable[[Batch], np.ndarray], reads: Sequence[str]
    ) -> None:
        self._source = source
        self._keep = keep
        self._reads = tuple(reads)

    @property
    def names(self) -> tuple[str, ...]:
        return self._source.names

    @property
    def dtypes(self) -> tuple[str, ...]:
        return self._source.dtypes

    def info(self, name: str) -> ColumnInfo:
        return self._source.info(name)

    @property
    def num_rows(self) -> int | None:
        return None

    @property
    def description(self) -> str:
        return self._source.description

    @property
    def reiterable(self) -> bool:
        return self._source.reiterable

    @property
    def types_final(self) -> bool:
        return self._source.types_final

    @property
    def runner(self) -> PassRunner | None:
        """The source's runner, its partitions read through this same condition."""
        inner = self._source.runner
        if inner is None:
            return None
        view = functools.partial(FilteredSource, keep=self._keep, reads=self._reads)
        return inner.viewed(view, self._reads)

    def remember(self) -> None:
        """Let a one-shot source replay its batches (see ``StreamSource.remember``)."""
        self._source.remember()

    def retain(self, names: Iterable[str]) -> None:
        """Let an in-memory source keep converted chunks for later passes (see ``ArraySource``)."""
        self._source.retain([*names, *self._reads])

    def batches(self, names: Sequence[str], chunk_size: int | None) -> Iterator[Batch]:
        wanted = list(dict.fromkeys([*names, *self._reads]))
        offset = 0
        for batch in self._source.batches(wanted, chunk_size):
            keep = self._keep(batch)
            kept = int(np.count_nonzero(keep))
            mask = pa.array(keep)
            arrays = {n: batch.array(n).filter(mask) for n in names}
            objects = functools.partial(_kept_objects, batch, keep)
            yield Batch(arrays, offset, kept, ids=batch.row_ids()[keep], objects=objects)
            offset += kept


def _kept_objects(batch: Batch, keep: np.ndarray, name: str) -> np.ndarray | None:
    values = batch.mixed_values(name)
    return None if values is None else values[keep]


def keep_rows(source: Source, keep: Callable[[Batch], np.ndarray], reads: Sequence[str]) -> Source:
    """``source`` restricted to the rows ``keep`` accepts."""
    return FilteredSource(source, keep, reads)
