"""Columns of a file kept from one pass for the next, so that the file is not read again.

A CSV or JSON-lines reader parses every column of every line, whichever it converts: a later pass
over one column (the repeated keys of a uniqueness check) costs nearly as much as the first pass
over all of them. A Parquet file reads one column alone, but decoding it again, and hashing a key
column's values again, still cost a fifth of the first pass. The engine says which columns later
passes read (``Source.retain``); their converted arrays are kept while the first pass reads them,
within a byte budget, and the later pass reads them from memory. Past the budget nothing is kept
and the file is read again, so memory stays bounded. Kept arrays are the arrays that pass would
have read: results are the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import pyarrow as pa

#: Bytes of converted columns kept for later passes: a few million rows of a key column.
KEEP_BUDGET = 256 << 20

#: A run of rows of some columns, as a reader gives them: the arrays and the row count.
Rows = tuple[dict[str, pa.Array], int]


class Keeping:
    """The arrays of the retained columns of one pass, gathered while it reads; kept only if
    the pass reads to the end within the budget."""

    def __init__(self, store: KeptColumns, names: Sequence[str]) -> None:
        self._store = store
        self._chunks: dict[str, list[pa.Array]] = {n: [] for n in names}
        self._size = 0

    def add(self, arrays: dict[str, pa.Array]) -> None:
        """Gather the next arrays of the retained columns."""
        if not self._chunks:
            return
        self._size += sum(arrays[n].nbytes for n in self._chunks)
        if self._size > self._store.budget:  # too big to keep: the later pass reads the file
            self._chunks = {}
            return
        for name, chunks in self._chunks.items():
            chunks.append(arrays[name])

    def done(self) -> None:
        """The pass read every row: keep what was gathered."""
        self._store.keep(self._chunks)


class KeptColumns:
    """The kept columns of one file, each as the arrays a pass read, in row order."""

    def __init__(self, budget: int = KEEP_BUDGET) -> None:
        self.budget = budget
        self._retained: frozenset[str] = frozenset()
        self._kept: dict[str, list[pa.Array]] = {}

    def retain(self, names: Iterable[str]) -> None:
        """Keep the columns ``names`` from passes that read them from now on; a kept column no
        longer retained is let go as the next pass reading it serves it."""
        self._retained = frozenset(names)

    def clear(self) -> None:
        """Let every kept column go (the file now reads some column as another type)."""
        self._kept.clear()

    def keeping(self, names: Sequence[str]) -> Keeping:
        """What gathers the arrays of a pass over ``names`` that are retained."""
        return Keeping(self, [n for n in names if n in self._retained])

    def keep(self, chunks: dict[str, list[pa.Array]]) -> None:
        self._kept.update(chunks)

    def served(self, names: Sequence[str]) -> Iterator[Rows] | None:
        """The rows of ``names`` from memory, if every one of them is kept; else None."""
        if not names or any(n not in self._kept for n in names):
            return None
        # A column no longer retained leaves the store now and each chunk once served, so the
        # memory goes as the pass moves on.
        columns = {n: self._kept[n] if n in self._retained else self._kept.pop(n) for n in names}
        return _rows(columns, self._retained)


def _rows(columns: dict[str, list[pa.Array]], retained: frozenset[str]) -> Iterator[Rows]:
    chunks = len(next(iter(columns.values())))
    for index in range(chunks):
        arrays = {n: c[index] for n, c in columns.items()}
        for name, chunk_list in columns.items():
            if name not in retained:
                chunk_list[index] = pa.nulls(0)  # served: let the array go
        yield arrays, len(next(iter(arrays.values())))
