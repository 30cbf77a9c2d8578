"""File sources: Parquet, CSV and JSON-lines files, streamed in batches so memory stays bounded."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.json as pjson
import pyarrow.parquet as pq

from dataguard._frame._batch import Batch, ColumnInfo, is_string_type, normalize_array
from dataguard._frame._memory import arrow_info, check_names, slice_batches
from dataguard.errors import InputError

#: Rows per batch when reading files and the caller gave no ``chunk_size``: large enough to keep
#: per-batch overhead negligible, small enough that 20 columns of a batch fit in ~100 MB.
DEFAULT_FILE_CHUNK = 1 << 18
#: CSV and JSON readers infer types from the first block; 16 MiB keeps inference representative.
_BLOCK_SIZE = 1 << 24

_SUFFIXES = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
_COMPRESSION = (".gz", ".bz2", ".zst", ".lz4")

ARROW_ERRORS = (pa.ArrowException, OSError, ValueError, UnicodeDecodeError)


def file_format(path: Path) -> str:
    """The format of a data file, from its suffix (compression suffixes are looked through)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in _COMPRESSION:
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in _SUFFIXES:
        return _SUFFIXES[suffixes[-1]]
    known = ", ".join(sorted(_SUFFIXES))
    raise InputError(f"{path}: unknown data file type; dataguard reads {known}")


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn any reader failure into an InputError that names the file."""
    try:
        yield
    except InputError:
        raise
    except ARROW_ERRORS as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{path}: cannot read the file: {message}") from exc


class FileSource:
    """A data file read in batches; reopened for each pass, so it can be read many times."""

    def __init__(self, path: Path, fmt: str) -> None:
        if not path.exists():
            raise InputError(f"{path}: no such file")
        if path.is_dir():
            raise InputError(f"{path}: is a directory, not a data file")
        if not os.access(path, os.R_OK):
            raise InputError(f"{path}: permission denied")
        self._path = path
        self._format = fmt
        self._num_rows: int | None = None
        with _reading(path):
            if fmt == "parquet":
                parquet = pq.ParquetFile(path)
                schema = parquet.schema_arrow
                self._num_rows = parquet.metadata.num_rows
            else:
                schema = self._open(None).schema
        self._names = tuple(check_names(schema.names, str(path)))
        self._schema = schema

    @property
    def names(self) -> tuple[str, ...]:
        return self._names

    @property
    def dtypes(self) -> tuple[str, ...]:
        return tuple(str(t) for t in self._schema.types)

    @property
    def num_rows(self) -> int | None:
        return self._num_rows

    @property
    def description(self) -> str:
        return str(self._path)

    @property
    def reiterable(self) -> bool:
        return True

    @property
    def columnar(self) -> bool:
        """Whether reading some columns costs only those columns (Parquet), not whole rows."""
        return self._format == "parquet"

    def info(self, name: str) -> ColumnInfo:
        t = self._schema.field(name).type
        self._check_text(name, t)
        return arrow_info(name, t)

    def _check_text(self, name: str, t: pa.DataType) -> None:
        # The CSV reader types a column with invalid UTF-8 as binary; text files have no binary.
        if self._format == "csv" and (pa.types.is_binary(t) or pa.types.is_large_binary(t)):
            raise InputError(f"{self._path}: column {name!r} is not valid UTF-8 text")

    def _checked(self, name: str, array: pa.Array) -> pa.Array:
        """The column of a batch, refused unless text files hold valid UTF-8 text."""
        self._check_text(name, array.type)
        # The JSON reader does not check that strings are UTF-8; invalid ones would reach kernels
        # and Python (as decoding errors mid-validation).
        if self._format == "jsonl" and is_string_type(array.type):
            try:
                array.validate(full=True)
            except pa.ArrowInvalid as exc:
                raise InputError(f"{self._path}: column {name!r} is not valid UTF-8 text") from exc
        return array

    def _open(self, names: Sequence[str] | None) -> pa.RecordBatchReader:
        read = pcsv.ReadOptions(block_size=_BLOCK_SIZE)
        if self._format == "csv":
            delimiter = "\t" if ".tsv" in [s.lower() for s in self._path.suffixes] else ","
            return pcsv.open_csv(
                self._path,
                read_options=read,
                parse_options=pcsv.ParseOptions(delimiter=delimiter),
                # Empty fields (and "NA", "null", ...) are missing in text columns too, as when
                # pandas reads the file: otherwise not_null could never fail on a CSV text column.
                convert_options=pcsv.ConvertOptions(
                    include_columns=list(names or []), strings_can_be_null=True
                ),
            )
        return pjson.open_json(self._path, read_options=pjson.ReadOptions(block_size=_BLOCK_SIZE))

    def batches(self, names: Sequence[str], chunk_size: int | None) -> Iterator[Batch]:
        step = chunk_size or DEFAULT_FILE_CHUNK
        # Readers cannot select zero columns; read the first one for its row count.
        read_names = list(names) or list(self._names[:1])
        offset = 0
        with _reading(self._path):
            for record_batch in self._record_batches(read_names, step):
                arrays = {
                    n: self._checked(n, normalize_array(record_batch.column(n))) for n in names
                }
                yield from slice_batches(arrays, record_batch.num_rows, offset, step)
                offset += record_batch.num_rows
        if offset == 0:
            yield Batch({n: pa.array([], type=self.info(n).arrow_type) for n in names}, 0, 0)

    def _record_batches(self, names: list[str], step: int) -> Iterator[pa.RecordBatch]:
        if not names:  # a file with no columns has no rows either
            return
        if self._format == "parquet":
            # Without pre-buffering, and through a 1 MiB read buffer, a pass holds about one
            # batch's pages rather than a whole row group of every column it reads (a fifth of
            # the memory on 1M-row groups, at the same speed).
            parquet = pq.ParquetFile(self._path, pre_buffer=False, buffer_size=1 << 20)
            yield from parquet.iter_batches(batch_size=step, columns=names)
            return
        reader = self._open(names)
        select: Callable[[pa.RecordBatch], pa.RecordBatch] = (
            (lambda b: b) if self._format == "csv" else (lambda b: b.select(names))
        )
        for record_batch in reader:
            yield select(record_batch)


def from_path(path: str | os.PathLike[str]) -> FileSource:
    """Open a Parquet, CSV or JSON-lines file for streaming."""
    location = Path(path)
    return FileSource(location, file_format(location))
