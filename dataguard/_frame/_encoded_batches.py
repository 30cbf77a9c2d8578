"""A file's rows cut into batches, its dictionary-read text columns offered as codes.

A reader may hand over a text column as a dictionary array (distinct values and each row's
index among them: see ``_parquet_pages``). Such a batch offers the column both ways: as codes
(``Batch.encoded``), which the checks of a few distinct values read, and as plain text, decoded
on first access for the kernels that need it. Either way the values are the same, so results do
not depend on which view a check reads.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from dataguard._frame._batch import Batch, Encoded, LazyColumns, normalize_array


def encoded(array: pa.DictionaryArray) -> Encoded:
    """A dictionary array as ``Encoded`` values and codes: a missing row gets the code of a
    missing value added after the dictionary's (codes are never null)."""
    values, codes = array.dictionary, array.indices
    if codes.null_count:
        values = pa.concat_arrays([values, pa.nulls(1, values.type)])
        codes = codes.fill_null(pa.scalar(len(values) - 1, codes.type))
    return Encoded(values, codes, {})


class _Columns:
    """One batch's arrays: plain ones as they are, dictionary ones decoded or as codes."""

    def __init__(self, arrays: dict[str, pa.Array]) -> None:
        self._arrays = arrays
        self._encoded: dict[str, Encoded] = {}

    def plain(self, name: str) -> pa.Array:
        return normalize_array(self._arrays[name])

    def encode(self, name: str) -> Encoded | None:
        array = self._arrays[name]
        if not isinstance(array, pa.DictionaryArray):
            return None
        found = self._encoded.get(name)
        if found is None:  # one worker computes on a column: no lock needed
            found = self._encoded[name] = encoded(array)
        return found


def file_batches(
    arrays: dict[str, pa.Array], num_rows: int, offset: int, step: int
) -> Iterator[Batch]:
    """Equally long arrays (the rows from ``offset`` on) in batches of at most ``step`` rows.

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
        columns = _Columns(sliced)
        lazy = LazyColumns(columns.plain)
        lazy.update((n, a) for n, a in sliced.items() if not isinstance(a, pa.DictionaryArray))
        yield Batch(lazy, offset + start, length, encode=columns.encode)
