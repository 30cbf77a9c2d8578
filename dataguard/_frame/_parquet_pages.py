"""Which text columns of a Parquet file hold dictionary-encoded pages only, from its footer.

A text column read as dictionary codes costs a quarter of decoding its text, and checks of a few
distinct values (a set, a length, a pattern) then judge each distinct value once. But a writer
falls back to plain pages once a column chunk's dictionary outgrows its limit (a column of ids),
and reading those pages as a dictionary hashes every value: six to thirteen times slower than
reading them as text. The footer's page encoding statistics say which it is, per column chunk;
pyarrow does not expose them, so this module reads them from the footer's Thrift bytes (the
compact protocol), skipping everything else.

A column counts only when every one of its chunks says its data pages are all dictionary pages:
a footer without the statistics (older writers), an unknown layout or a footer too large to walk
cheaply reads every column as text, as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyarrow as pa

from dataguard._deferred import pq

#: Footers larger than this (thousands of row groups or columns) are not walked: reading them
#: in Python (about 0.2 microseconds a byte) would cost more than dictionaries save.
MAX_FOOTER = 1 << 18

# Thrift compact protocol type codes.
_STOP, _TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY = 0, 1, 2, 3, 4, 5, 6, 7, 8
_LIST, _SET, _MAP, _STRUCT = 9, 10, 11, 12
# Parquet's page types and encodings.
_DATA_PAGES = frozenset({0, 3})  # DATA_PAGE, DATA_PAGE_V2
_DICTIONARY_ENCODINGS = frozenset({2, 8})  # PLAIN_DICTIONARY, RLE_DICTIONARY


class _Malformed(Exception):
    """The footer is not laid out as expected."""


class _Reader:
    """A cursor over Thrift compact-protocol bytes."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._at = 0

    def byte(self) -> int:
        if self._at >= len(self._data):
            raise _Malformed("footer ends early")
        value = self._data[self._at]
        self._at += 1
        return value

    def varint(self) -> int:
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
            if shift > 70:
                raise _Malformed("varint too long")

    def integer(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)  # zigzag

    def binary(self) -> bytes:
        size = self.varint()
        end = self._at + size
        if end > len(self._data):
            raise _Malformed("footer ends early")
        value = self._data[self._at : end]
        self._at = end
        return value

    def fields(self) -> Iterable[tuple[int, int]]:
        """The (field id, type) of each field of a struct, up to its end; the caller reads or
        skips each field's value before asking for the next."""
        last = 0
        while True:
            header = self.byte()
            kind = header & 0x0F
            if kind == _STOP:
                return
            delta = header >> 4
            last = last + delta if delta else self.integer()
            yield last, kind

    def list_header(self) -> tuple[int, int]:
        """The element count and element type of a list or set."""
        header = self.byte()
        size = header >> 4
        if size == 15:
            size = self.varint()
        return size, header & 0x0F

    def skip(self, kind: int) -> None:
        """Step over a value of type ``kind``."""
        if kind in (_TRUE, _FALSE):
            return
        if kind == _BYTE:
            self.byte()
        elif kind in (_I16, _I32, _I64):
            self.varint()
        elif kind == _DOUBLE:
            self._at += 8
        elif kind == _BINARY:
            self.binary()
        elif kind in (_LIST, _SET):
            size, element = self.list_header()
            for _ in range(size):
                self._skip_element(element)
        elif kind == _MAP:
            size = self.varint()
            if size:
                types = self.byte()
                for _ in range(size):
                    self.skip(types >> 4)
                    self.skip(types & 0x0F)
        elif kind == _STRUCT:
            for _, field_kind in self.fields():
                self.skip(field_kind)
        else:
            raise _Malformed(f"unknown type {kind}")

    def _skip_element(self, kind: int) -> None:
        if kind in (_TRUE, _FALSE):  # a boolean element is a whole byte
            self.byte()
        else:
            self.skip(kind)


def _column_pages(reader: _Reader) -> tuple[str, bool]:
    """A ColumnMetaData's dotted path and whether its encoding statistics say that every data
    page is dictionary-encoded (False without statistics)."""
    path: list[str] = []
    stats_seen = all_dictionary = False
    for field, kind in reader.fields():
        if field == 3 and kind == _LIST:  # path_in_schema
            size, _ = reader.list_header()
            path = [reader.binary().decode("utf-8", "replace") for _ in range(size)]
        elif field == 13 and kind == _LIST:  # encoding_stats
            size, _ = reader.list_header()
            stats_seen, all_dictionary = True, True
            for _ in range(size):
                page_type = encoding = None
                for stat_field, stat_kind in reader.fields():
                    if stat_field in (1, 2) and stat_kind == _I32:
                        value = reader.integer()
                        if stat_field == 1:
                            page_type = value
                        else:
                            encoding = value
                    else:
                        reader.skip(stat_kind)
                if page_type in _DATA_PAGES and encoding not in _DICTIONARY_ENCODINGS:
                    all_dictionary = False
        else:
            reader.skip(kind)
    return ".".join(path), stats_seen and all_dictionary


def _chunk_pages(reader: _Reader) -> tuple[str, bool] | None:
    """A ColumnChunk's column metadata, as ``_column_pages`` reads it (None without any)."""
    found = None
    for field, kind in reader.fields():
        if field == 3 and kind == _STRUCT:  # meta_data
            found = _column_pages(reader)
        else:
            reader.skip(kind)
    return found


def _dictionary_only(footer: bytes) -> dict[str, bool]:
    """For each column path, whether every chunk's data pages are all dictionary-encoded."""
    reader = _Reader(footer)
    verdicts: dict[str, bool] = {}
    for field, kind in reader.fields():
        if field != 4 or kind != _LIST:  # row_groups
            reader.skip(kind)
            continue
        groups, _ = reader.list_header()
        for _ in range(groups):
            for group_field, group_kind in reader.fields():
                if group_field != 1 or group_kind != _LIST:  # columns
                    reader.skip(group_kind)
                    continue
                chunks, _ = reader.list_header()
                for _ in range(chunks):
                    found = _chunk_pages(reader)
                    if found is None:
                        raise _Malformed("a column chunk without metadata")
                    path, dictionary = found
                    verdicts[path] = verdicts.get(path, True) and dictionary
    return verdicts


def footer_bytes(metadata: pq.FileMetaData) -> bytes:
    """The footer's Thrift bytes, from the metadata-only Parquet file pyarrow writes of it:
    "PAR1", the footer, its length (4 bytes, little-endian) and "PAR1"."""
    sink = pa.BufferOutputStream()
    metadata.write_metadata_file(sink)
    written = bytes(sink.getvalue().to_pybytes())
    if len(written) < 12 or written[-4:] != b"PAR1":
        raise _Malformed("not a Parquet footer")
    size = int.from_bytes(written[-8:-4], "little")
    if size > len(written) - 12:
        raise _Malformed("footer length beyond the footer")
    return written[-8 - size : -8]


def dictionary_columns(metadata: pq.FileMetaData, names: Sequence[str]) -> list[str]:
    """The columns among ``names`` that are top-level text (string) columns whose
    pages are all dictionary-encoded in every row group, per the footer ``metadata``."""
    schema = metadata.schema.to_arrow_schema()
    text = [n for n in names if n in schema.names and pa.types.is_string(schema.field(n).type)]
    if not text or metadata.num_row_groups == 0:
        return []
    if metadata.serialized_size > MAX_FOOTER:
        return []
    try:
        verdicts = _dictionary_only(footer_bytes(metadata))
    except (_Malformed, RecursionError):  # a layout this reader does not follow: read as text
        return []
    return [n for n in text if verdicts.get(n, False)]
