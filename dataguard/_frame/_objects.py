"""Pandas object columns of shared Python strings, encoded by object and read a chunk at a time.

Converting Python string objects holds the GIL for every value (about 35 ns each). But pandas
frames read from Parquet or Arrow share one object per distinct string (pyarrow deduplicates
them), so a column of a million e-mails often holds only tens of thousands of distinct objects.
Equal object pointers mean equal values, so such a column is encoded by pointer with an Arrow
kernel that releases the GIL, only its distinct objects are converted, and each chunk is a
``take`` from that dictionary. The arrays equal
``pyarrow.array(values, type=pa.string(), from_pandas=True)``.

Columns of mostly distinct objects are not offered here: they are converted whole when first
described, which runs on the worker pool beside other columns' GIL-free encoding (converting
them chunk by chunk during the passes instead held the GIL in short bursts that stalled every
other worker's kernels).
"""

from __future__ import annotations

import ctypes
from collections.abc import Hashable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame._batch import Encoded

#: Object pointers sampled to estimate how many distinct objects a column holds.
_SAMPLE = 4096
#: Rows per step when locating each distinct object.
_SCATTER_STEP = 1 << 16
#: Codes still without a row after which the rest of the column is searched for each alone.
_FEW_UNSETTLED = 4


def _addresses(values: np.ndarray) -> np.ndarray | None:
    """The object pointers of a contiguous object array as integers; they are compared, never
    dereferenced, and stay valid while ``values`` is alive."""
    if values.dtype != object or values.ndim != 1 or values.strides != (values.itemsize,):
        return None
    buffer = (ctypes.c_size_t * values.size).from_address(values.ctypes.data)
    return np.ctypeslib.as_array(buffer)


def _few_distinct(addresses: np.ndarray) -> bool:
    """Whether the array likely holds at most a quarter as many distinct objects as values.

    Judged on an evenly spaced sample: many repeats in it, or, for columns with many distinct
    values, the birthday estimate of the distinct count (``sample**2 / (2 * repeats)``). A wrong
    guess costs time, never correctness.
    """
    step = max(1, addresses.size // _SAMPLE)
    sample = np.sort(addresses[::step])
    repeats = int(np.count_nonzero(sample[1:] == sample[:-1]))
    return 2 * repeats >= sample.size or 2 * sample.size * sample.size < repeats * addresses.size


class TextColumn:
    """An object column of shared strings and missing values, read as Arrow ``string`` chunks."""

    def __init__(self, dictionary: pa.Array, codes: pa.Array) -> None:
        self._dictionary = dictionary
        self._codes = codes
        self._results: dict[Hashable, np.ndarray] = {}

    @classmethod
    def of(cls, values: np.ndarray) -> TextColumn | None:
        """The column, or None unless it holds strings and missing values only, one string at
        least (a column of missing values only is Arrow type null, not string), in objects that
        repeat: a column of mostly distinct objects gains nothing from encoding."""
        addresses = _addresses(values) if values.size else None
        if addresses is None or not _few_distinct(addresses):
            return None
        encoded = pc.dictionary_encode(pa.array(addresses, type=pa.uint64()))
        # Narrowed by numpy: the codes are known to fit, and Arrow's cast checks every one.
        codes = encoded.indices.to_numpy().astype(_narrowest_code(len(encoded.dictionary)))
        distinct = values[_any_position(codes, len(encoded.dictionary))]
        if not _strings_only(distinct):
            return None
        return cls(pa.array(distinct, type=pa.string(), from_pandas=True), pa.array(codes))

    def encoded(self, start: int, stop: int) -> Encoded:
        """Rows ``[start, stop)`` as the column's distinct strings and each row's index into
        them."""
        return Encoded(self._dictionary, self._codes.slice(start, stop - start), self._results)

    def read(self, start: int, stop: int) -> pa.Array:
        """Rows ``[start, stop)`` as an Arrow ``string`` array."""
        return self._dictionary.take(self._codes.slice(start, stop - start))


def _narrowest_code(distinct: int) -> np.dtype[Any]:
    """The smallest integer type holding codes below ``distinct``: a byte a row for a column of
    a few categories, two for up to 65,536 distinct strings."""
    if distinct <= 1 << 8:
        return np.dtype(np.uint8)
    return np.dtype(np.uint16 if distinct <= 1 << 16 else np.int32)


def _any_position(codes: np.ndarray, distinct: int) -> np.ndarray:
    """For each code, a row holding it (a row with the same pointer holds the very object).

    A column of a few categories is settled by its first rows, but for the odd rare value (a
    planted typo), which is then looked for alone; else the rows are stepped through until every
    code has one. A code absent from ``codes`` keeps -1.
    """
    positions = np.full(distinct, -1, dtype=np.int64)
    unsettled, stop = np.arange(distinct), 0
    for start in range(0, codes.size, _SCATTER_STEP):  # bounded temporaries
        stop = min(start + _SCATTER_STEP, codes.size)
        positions[codes[start:stop]] = np.arange(start, stop)
        unsettled = np.flatnonzero(positions < 0)
        if unsettled.size <= _FEW_UNSETTLED:
            break
    for code in unsettled.tolist():
        found = codes[stop:] == code
        if found.any():
            positions[code] = stop + int(found.argmax())
    return positions


def _strings_only(values: np.ndarray) -> bool:
    import pandas as pd
    from pandas._libs import lib as pandas_lib  # a C loop checking types, no copies

    if not pandas_lib.is_string_array(values, skipna=True):  # type: ignore[attr-defined]
        return False
    # is_string_array also accepts an array of missing values only.
    return isinstance(values[0], str) or not bool(pd.isna(values).all())
