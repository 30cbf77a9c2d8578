"""CSV files parsed a block of whole lines at a time, each block's lines on Arrow's threads in
parallel, the next block while the consumer works on this one.

Arrow's streaming CSV reader parses one block after another on the calling thread; its parallel
reader reads the whole file into memory. Cutting the file into blocks of whole lines and handing
each to the parallel reader parses on every core with the memory of a block or two. Blocks are
cut at a line end, as Arrow's own readers cut theirs (they too take a line end for the end of a
row: a quoted value holding a line break may not span two blocks). Every block but the first is
read with the header's column names, and every read column with its type fixed (``ReadPlan``),
so each block reads as the streaming reader would read those lines, errors and all.

A quoted empty field (``""``) is the empty string in a text column and missing in any other, as
DuckDB and polars read it; a bare empty field is missing everywhere. Arrow's converter takes one
rule for all columns (``quoted_strings_can_be_null``), so ``_Conversion`` parses a block once
with quoted values never missing, which every text column wants and other columns read alike
unless they hold a quoted null spelling; only a block where they do is parsed again, its text
columns and its other columns apart (see ``_Conversion``).
"""

from __future__ import annotations

import copy
import functools
import os
from collections.abc import Callable, Generator, Iterator, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from dataguard._deferred import pcsv
from dataguard._frame._read_ahead import read_ahead
from dataguard._frame._text_types import is_text_type

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
    are parsed apart, and must not each infer their own. A quoted empty field is the empty
    string in a text column and missing in others, whatever ``quoted_strings_can_be_null`` says
    (see ``_Conversion``)."""
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
    conversion = _Conversion(convert_options, column_names)
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

            def read(options: pcsv.ConvertOptions) -> pa.Table:
                return pcsv.read_csv(
                    pa.BufferReader(block),
                    read_options=read_options,
                    parse_options=parse_options,
                    convert_options=options,
                )

            return conversion.table(read)

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


class _Conversion:
    """How a block's columns are converted: a quoted empty field (or any quoted value) is a
    value in a text column, so a writer's empty string and its missing value (a bare empty
    field) read back apart; in any other column a quoted null spelling is missing, as a file
    that quotes every field (Python's ``csv.QUOTE_ALL``) writes a missing number ``""``.

    Most blocks are parsed once, with no quoted value missing: that is every text column's rule,
    and another column's too unless it holds a quoted null spelling, which then either fails to
    convert (``""`` or ``"NA"`` as a number, date or boolean) or, in a float column, reads as
    NaN (``"NaN"``; a bare one is missing, so a NaN there can only be quoted, or ``+nan``). Such
    a block is parsed again as two: its text columns as before, the others with quoted null
    spellings missing; and so is every later block of the file, which likely quotes alike.
    Column types must be fixed (``column_types``): a column without one counts as not text.
    """

    def __init__(self, options: pcsv.ConvertOptions, column_names: Sequence[str]) -> None:
        included = list(options.include_columns) or list(column_names)
        types = options.column_types
        text = [n for n in included if n in types and is_text_type(types[n])]
        other = [n for n in included if n not in text]
        self._included = included
        self._floats = [n for n in other if n in types and pa.types.is_floating(types[n])]
        self._whole = _converting(options, included, quoted_null=not text)
        self._parts = (
            [_converting(options, text, quoted_null=False), _converting(options, other, True)]
            if text and other
            else []
        )
        self._apart = False

    def table(self, read: Callable[[pcsv.ConvertOptions], pa.Table]) -> pa.Table:
        """The block's table, parsed with ``read`` (which takes convert options) once or, if
        its non-text columns hold a quoted null spelling, as two parts joined."""
        if not self._apart:
            try:
                whole = read(self._whole)
                if not self._parts or not self._has_nan(whole):
                    return whole
            except pa.ArrowInvalid:
                if not self._parts:
                    raise
        # Raises the error of the data, if the whole failed for another reason.
        text, other = (read(options) for options in self._parts)
        self._apart = True
        columns = {n: part.column(n) for part in (text, other) for n in part.column_names}
        return pa.table([columns[n] for n in self._included], names=self._included)

    def _has_nan(self, table: pa.Table) -> bool:
        return any(pc.any(pc.is_nan(table.column(n))).as_py() for n in self._floats)


def _converting(
    options: pcsv.ConvertOptions, names: list[str], quoted_null: bool
) -> pcsv.ConvertOptions:
    """``options`` converting the columns ``names``, quoted null spellings missing or not."""
    converting = copy.copy(options)
    converting.include_columns = names
    converting.quoted_strings_can_be_null = quoted_null
    return converting
