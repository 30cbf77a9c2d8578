"""A file's rows cut into batches, its dictionary-read text columns offered as codes.

A reader may hand over a text column as a dictionary array (distinct values and each row's
index among them: see ``_parquet_pages``). Such a batch offers the column both ways: as codes
(``Batch.encoded``), which the checks of a few distinct values read, and as plain text, decoded
on first access for the kernels that need it. Either way the values are the same, so results do
not depend on which view a check reads.

The reader copies a row group's dictionary into each of its batches; ``Dictionaries`` notices
that a batch's dictionary equals the one before and hands out the same values, so that verdicts
on them are computed once per row group, not once per batch.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterator

import numpy as np
import pyarrow as pa

from dataguard._frame._batch import Batch, Encoded, LazyColumns, normalize_array


class Dictionaries:
    """The dictionaries of one pass's batches, by column: each batch's dictionary array as
    ``Encoded`` values and codes, the values (and the verdicts cached on them) shared with the
    previous batch when its dictionary is the same."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[pa.Array, pa.Array, dict[Hashable, np.ndarray]]] = {}
        self._lock = threading.Lock()

    def encoded(self, name: str, array: pa.DictionaryArray) -> Encoded | None:
        """The column as values and codes; the values are the dictionary's and a missing value
        after them, the code of a missing row (codes are never null). None when the dictionary,
        new to this batch, holds more values than the batch has rows: its text is cheaper."""
        dictionary = array.dictionary
        with self._lock:
            last = self._last.get(name)
            if last is not None and last[0].equals(dictionary):
                _, values, results = last
            elif len(dictionary) > len(array):
                return None
            else:
                values = pa.concat_arrays([dictionary, pa.nulls(1, dictionary.type)])
                results = {}
                self._last[name] = (dictionary, values, results)
        codes = array.indices
        if codes.null_count:
            codes = codes.fill_null(pa.scalar(len(dictionary), codes.type))
        return Encoded(values, codes, results)


class _Columns:
    """One batch's arrays: plain ones as they are, dictionary ones decoded or as codes."""

    def __init__(self, arrays: dict[str, pa.Array], dictionaries: Dictionaries) -> None:
        self._arrays = arrays
        self._dictionaries = dictionaries
        self._encoded: dict[str, Encoded | None] = {}
        self._lock = threading.Lock()

    def plain(self, name: str) -> pa.Array:
        return normalize_array(self._arrays[name])

    def encode(self, name: str) -> Encoded | None:
        array = self._arrays[name]
        if not isinstance(array, pa.DictionaryArray):
            return None
        with self._lock:  # every reader of the column sees the same codes
            if name not in self._encoded:
                self._encoded[name] = self._dictionaries.encoded(name, array)
            return self._encoded[name]


def file_batches(
    arrays: dict[str, pa.Array],
    num_rows: int,
    offset: int,
    step: int,
    dictionaries: Dictionaries | None = None,
) -> Iterator[Batch]:
    """Equally long arrays a reader gave (the rows from ``offset`` on) in batches of at most
    ``step`` rows; dictionary arrays are offered as codes through ``dictionaries``, the pass's
    (a batch's own when none is given).

    Arrays that fit in one batch are handed on as they are, not sliced: a column kept for a later
    pass is then the very same array object in both passes, so what is derived from it and
    remembered by identity (fingerprints) is computed once."""
    for start in range(0, num_rows, step):
        length = min(step, num_rows - start)
        whole = start == 0 and length == num_rows
        sliced = {n: a if whole else a.slice(start, length) for n, a in arrays.items()}
        if not any(isinstance(a, pa.DictionaryArray) for a in sliced.values()):
            yield Batch(sliced, offset + start, length)
            continue
        columns = _Columns(sliced, dictionaries or Dictionaries())
        lazy = LazyColumns(columns.plain)
        lazy.update((n, a) for n, a in sliced.items() if not isinstance(a, pa.DictionaryArray))
        yield Batch(lazy, offset + start, length, encode=columns.encode)
