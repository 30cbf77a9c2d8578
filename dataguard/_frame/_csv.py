"""CSV files parsed a block of whole lines at a time, each block's lines on Arrow's threads in
parallel, the next block while the consumer works on this one.

Arrow's streaming CSV reader parses one block after another on the calling thread; its parallel
reader reads the whole file into memory. Cutting the file into blocks of whole lines and handing
each to the parallel reader parses on every core with the memory of a block or two. Blocks are
cut at a line end, as Arrow's own readers cut theirs (they too take a line end for the end of a
row: a quoted value holding a line break may not span two blocks). Every block but the first is
read with the header's column names, and every read column with its type fixed (``ReadPlan``),
so each block reads as the streaming reader would read those lines, errors and all.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Generator, Iterator, Sequence

import pyarrow as pa

from dataguard._deferred import pcsv
from dataguard._frame._read_ahead import read_ahead

#: Bytes of the file parsed at a time: the memory of a block's text and its parsed columns.
TEXT_BLOCK = 1 << 24
#: Bytes of a block each of Arrow's threads parses at a time.
_PARSE_BLOCK = 1 << 20


def csv_batches(
    file: pa.NativeFile | str | os.PathLike[str],
    column_names: Sequence[str],
    parse_options: pcsv.ParseOptions,
    convert_options: pcsv.ConvertOptions,
    block_size: int | None = None,
) -> Iterator[pa.RecordBatch]:
    """The record batches of a CSV file (a path, decompressed as its suffix says, or a stream
    already open, which stays open) whose header line names ``column_names``, in file order,
    parsed ``block_size`` (default ``TEXT_BLOCK``) bytes of whole lines at a time with
    ``read_ahead``. Every column ``convert_options`` includes must have its type there: blocks
    are parsed apart, and must not each infer their own."""
    blocks = functools.partial(
        _parsed, file, list(column_names), parse_options, convert_options, block_size or TEXT_BLOCK
    )
    return read_ahead(blocks)


def _parsed(
    file: pa.NativeFile | str | os.PathLike[str],
    column_names: list[str],
    parse_options: pcsv.ParseOptions,
    convert_options: pcsv.ConvertOptions,
    block_size: int,
) -> Generator[pa.RecordBatch, None, None]:
    if isinstance(file, pa.NativeFile):
        yield from _parsed_stream(file, column_names, parse_options, convert_options, block_size)
        return
    with pa.input_stream(os.fspath(file), compression="detect") as stream:
        yield from _parsed_stream(stream, column_names, parse_options, convert_options, block_size)


def _parsed_stream(
    stream: pa.NativeFile,
    column_names: list[str],
    parse_options: pcsv.ParseOptions,
    convert_options: pcsv.ConvertOptions,
    block_size: int,
) -> Generator[pa.RecordBatch, None, None]:
    header_read = False
    for block in _line_blocks(stream, block_size):
        if not header_read and not block.to_pybytes().strip():
            continue  # blank lines before the header, which the reader skips
        # The first block starts with the header line, which the reader reads as it would.
        names = column_names if header_read else []
        header_read = True

        def parse(parts: int, block: pa.Buffer = block, names: list[str] = names) -> pa.Table:
            read_options = pcsv.ReadOptions(
                block_size=max(1, -(-block.size // parts)),
                # With threads, as in the streaming reader: errors then name no row (which,
                # counted within a block, would be the wrong one).
                use_threads=True,
                column_names=names,
            )
            return pcsv.read_csv(
                pa.BufferReader(block),
                read_options=read_options,
                parse_options=parse_options,
                convert_options=convert_options,
            )

        try:
            table = parse(max(1, block.size // _PARSE_BLOCK))
        except pa.ArrowInvalid:
            # A line longer than a part (which the parallel reader refuses), or an error in the
            # data: parsed whole, as the streaming reader parses it, the block reads or gives
            # the streaming reader's error.
            table = parse(1)
        # One batch per block, not one per part: checking costs per batch too.
        yield from table.combine_chunks().to_batches()


def _line_blocks(stream: pa.NativeFile, block_size: int) -> Iterator[pa.Buffer]:
    """The stream's bytes in blocks of about ``block_size`` ending at a line end (a longer line
    makes a longer block); the last block holds whatever follows the last line end."""
    carried = b""
    while True:
        chunk = stream.read(block_size)
        if not chunk:
            if carried:
                yield pa.py_buffer(carried)
            return
        text = carried + chunk
        cut = text.rfind(b"\n") + 1
        if cut == 0:  # no line end yet: one long line, read on
            carried = text
            continue
        carried = text[cut:]
        yield pa.py_buffer(text).slice(0, cut)
