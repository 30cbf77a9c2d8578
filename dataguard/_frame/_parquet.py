"""Parquet files read as record batches of some columns, decoded ahead of the consumer."""

from __future__ import annotations

import functools
import os
from collections.abc import Generator, Sequence

import pyarrow as pa

from dataguard._deferred import pq
from dataguard._frame._read_ahead import read_ahead

#: Bytes read from the file at a time, per column.
_BUFFER_SIZE = 1 << 20


def parquet_batches(
    file: pa.NativeFile | str | os.PathLike[str],
    columns: Sequence[str],
    batch_size: int,
    *,
    dictionaries: Sequence[str] = (),
) -> Generator[pa.RecordBatch, None, None]:
    """The ``columns`` of a Parquet file (a path, or a file already open, which stays open) in
    record batches of at most ``batch_size`` rows, in file order; the next batch is decoded on
    a reading thread while the consumer works on this one (``read_ahead``), its columns in
    parallel on Arrow's threads. The text columns ``dictionaries`` come as dictionary arrays
    (their codes, not their text; see ``_parquet_pages`` for which columns gain)."""
    return read_ahead(
        functools.partial(_decoded, file, list(columns), batch_size, list(dictionaries))
    )


def _decoded(
    file: pa.NativeFile | str | os.PathLike[str],
    columns: list[str],
    batch_size: int,
    dictionaries: list[str],
) -> Generator[pa.RecordBatch, None, None]:
    # Without pre-buffering, and through a 1 MiB read buffer, the reader holds about one batch's
    # pages rather than a whole row group of every column it reads (a fifth of the memory on
    # 1M-row groups, at the same speed).
    with pq.ParquetFile(
        file, pre_buffer=False, buffer_size=_BUFFER_SIZE, read_dictionary=dictionaries
    ) as parquet:
        yield from parquet.iter_batches(batch_size=batch_size, columns=columns, use_threads=True)
