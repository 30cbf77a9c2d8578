"""File sources: Parquet, CSV and JSON-lines files, streamed in batches so memory stays bounded."""

from __future__ import annotations

import contextlib
import functools
import json
import os
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePath, PurePosixPath
from typing import Any, Concatenate, ParamSpec, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._deferred import pafs, pcsv, pjson, pq
from dataguard._frame._batch import (
    Batch,
    ColumnInfo,
    computed_type,
    is_string_type,
    normalize_array,
)
from dataguard._frame._csv import csv_batches
from dataguard._frame._dataset import DatasetSource, is_glob, list_files
from dataguard._frame._encoded_batches import Dictionaries, file_batches
from dataguard._frame._kept import KEEP_BUDGET, KeptColumns, Rows
from dataguard._frame._memory import (
    MAX_NESTING,
    arrow_info,
    check_names,
    check_nesting,
    from_arrow,
    value_depth,
)
from dataguard._frame._parquet import parquet_batches
from dataguard._frame._parquet_pages import dictionary_columns
from dataguard._frame._read_ahead import text_batches
from dataguard._frame._source import BaseSource, Source
from dataguard._frame._text_types import (
    ReadPlan,
    WiderType,
    csv_not_text,
    csv_widening,
    json_conversion_failure,
    json_widening,
    value_type,
    wider,
)
from dataguard._storage import Location, not_found, resolve, storage_error
from dataguard.errors import InputError

P = ParamSpec("P")
T = TypeVar("T")

#: Rows per batch when reading files and the caller gave no ``chunk_size``: large enough to keep
#: per-batch overhead negligible, small enough that 20 columns of a batch fit in ~100 MB.
DEFAULT_FILE_CHUNK = 1 << 18
#: Bytes of a Parquet file's columns kept for a later pass (``retain``): reading one column
#: again costs less than parsing a text file again, and a kept key column keeps its fingerprints
#: (8 bytes a row) alive too, so the budget is half a text file's: a key column of 5M rows.
PARQUET_KEEP_BUDGET = KEEP_BUDGET // 2
#: CSV and JSON readers infer types from the first block; 16 MiB keeps inference representative.
#: A later value that does not fit widens its column and the file is read again (see
#: ``_text_types``), so the size changes only how often that happens, never an outcome.
BLOCK_SIZE = 1 << 24

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


def file_format(path: PurePath, shown: str | None = None) -> str:
    """The format of a data file, from its suffix (compression suffixes are looked through);
    an error names it as ``shown`` (default: the path)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in _COMPRESSION:
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in _SUFFIXES:
        return _SUFFIXES[suffixes[-1]]
    known = ", ".join(sorted(_SUFFIXES))
    raise InputError(f"{shown or path}: unknown data file type; dataguard reads {known}")


@contextmanager
def _reading(location: Location) -> Iterator[None]:
    """Turn any reader failure into one line naming the file: what an object store raises as
    the StorageError saying why (no such bucket, access denied, timed out, ...), anything else
    as an InputError."""
    try:
        yield
    except InputError:
        raise
    except OSError as exc:
        if location.remote:
            raise storage_error(location, exc) from None
        raise _unreadable(location, exc) from exc
    except ARROW_ERRORS as exc:
        raise _unreadable(location, exc) from exc


def _unreadable(location: Location, exc: Exception) -> InputError:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return InputError(f"{_shown(location)}: cannot read the file: {message}")


class FileSource(BaseSource):
    """A data file read in batches; reopened for each pass, so it can be read many times.

    A CSV or JSON-lines column has the type inferred from the first block, unless ``read_as``
    pins it or a later value widened it (``WiderType``): every pass reads the same types.
    """

    def __init__(self, location: Location, fmt: str) -> None:
        shown = _shown(location)
        filesystem = location.filesystem
        with _reading(location):
            found = filesystem.get_file_info(location.path)
        if found.type == pafs.FileType.NotFound:
            raise not_found(location) if location.remote else InputError(f"{shown}: no such file")
        if found.type == pafs.FileType.Directory:
            raise InputError(f"{shown}: is a directory, not a data file")
        if not location.remote and not os.access(location.path, os.R_OK):
            raise InputError(f"{shown}: permission denied")
        self._location = location
        self._shown = shown
        self._size: int | None = found.size
        self._format = fmt
        self._num_rows: int | None = None
        self._pinned: dict[str, pa.DataType] = {}
        self._widened: dict[str, pa.DataType | None] = {}
        self._kept = KeptColumns(PARQUET_KEEP_BUDGET if fmt == "parquet" else KEEP_BUDGET)
        #: Text columns read as dictionary codes: a Parquet file's whose pages all are.
        self._dictionaries: frozenset[str] = frozenset()
        with _reading(location):
            if fmt == "parquet":
                with filesystem.open_input_file(location.path) as opened:
                    parquet = pq.ParquetFile(opened)
                    schema = parquet.schema_arrow
                    self._num_rows = parquet.metadata.num_rows
                    self._dictionaries = frozenset(
                        dictionary_columns(parquet.metadata, schema.names)
                    )
            else:
                if fmt == "jsonl":
                    _check_json_lines(self._stream(), shown)
                schema = self._open(None).schema
        self._names = tuple(check_names(schema.names, shown))
        check_nesting(schema, shown)
        self._inferred = {n: schema.field(n).type for n in self._names}

    def _stream(self) -> pa.NativeFile:
        """The file's bytes, decompressed as its suffix says."""
        return self._location.filesystem.open_input_stream(self._location.path)

    @property
    def _suffixes(self) -> list[str]:
        return [s.lower() for s in PurePosixPath(self._location.path).suffixes]

    @property
    def names(self) -> tuple[str, ...]:
        return self._names

    @property
    def dtypes(self) -> tuple[str, ...]:
        return tuple(str(self._type(n)) for n in self._names)

    @property
    def num_rows(self) -> int | None:
        return self._num_rows

    @property
    def description(self) -> str:
        return self._shown

    @property
    def reiterable(self) -> bool:
        return True

    @property
    def on_disk(self) -> bool:
        return True

    @property
    def columnar(self) -> bool:
        return self._format == "parquet"

    @property
    def types_final(self) -> bool:
        """Whether every column's type is known without reading it in full: a text file's
        types hold only if they were inferred (none pinned) from a first block that is the whole
        file."""
        if self._format == "parquet":
            return True
        compressed = bool(self._suffixes) and self._suffixes[-1] in _COMPRESSION
        small = self._size is not None and self._size <= BLOCK_SIZE
        return not self._pinned and not compressed and small

    def read_as(self, plan: ReadPlan) -> None:
        """Pin the types of columns of a text file as ``plan`` says; other files carry their
        types, so there it changes nothing. Names the file lacks are left out."""
        if self._format == "parquet":
            return
        self._kept.clear()
        for name, inferred in self._inferred.items():
            pinned = plan.pinned(name, inferred, self._format)
            if pinned is not None:
                self._pinned[name] = pinned

    def retain(self, names: Iterable[str]) -> None:
        """Keep the columns ``names`` read from now on for a later pass (see ``_kept``): a text
        file would be parsed whole again; a Parquet column decoded again, and what was derived
        from its arrays (a key's fingerprints, remembered by array) computed again."""
        self._kept.retain(names)

    def held(self, names: Sequence[str], budget: int) -> Source | None:
        """A Parquet file's columns ``names`` read into memory in one pass, their columns decoded
        in parallel, when they take at most ``budget`` bytes there. A text file's are not: the
        columns its later passes read are kept as they are parsed (``retain``).

        The fixed widths of the columns' types times the rows rule out most files too big
        without reading them; a file of long text is read until it passes the budget, so at most
        ``budget`` bytes are decoded in vain."""
        if self._format != "parquet" or not names or self._num_rows is None:
            return None
        if self._num_rows * sum(_fixed_width(self._type(n)) for n in names) > budget:
            return None
        batches: list[pa.RecordBatch] = []
        size = 0
        # Read as the table would be, text as text (not as dictionary codes; see ``batches``).
        with (
            _reading(self._location),
            self._location.filesystem.open_input_file(self._location.path) as opened,
            contextlib.closing(parquet_batches(opened, names, DEFAULT_FILE_CHUNK)) as reading,
        ):
            for batch in reading:
                size += batch.nbytes
                if size > budget:
                    return None
                batches.append(batch)
        schema = pa.schema([(n, self._type(n)) for n in names])
        return from_arrow(pa.Table.from_batches(batches, schema=schema), self._shown)

    def _type(self, name: str) -> pa.DataType:
        if name in self._widened:
            widened = self._widened[name]
            return self._inferred[name] if widened is None else widened
        return self._pinned.get(name, self._inferred[name])

    def _read_type(self, name: str) -> pa.DataType:
        """The type the reader parses a column as: a pinned JSON column is read as its text and
        converted after (the JSON reader converts text to timestamps only)."""
        t = self._type(name)
        if self._format == "jsonl" and name in self._pinned and name not in self._widened:
            return pa.string()
        return t

    def info(self, name: str) -> ColumnInfo:
        t = self._type(name)
        self._check_text(name, t)
        return arrow_info(name, t)

    def _check_text(self, name: str, t: pa.DataType) -> None:
        # The CSV reader types a column with invalid UTF-8 as binary; text files have no binary.
        if self._format == "csv" and (pa.types.is_binary(t) or pa.types.is_large_binary(t)):
            raise InputError(f"{self._shown}: column {name!r} is not valid UTF-8 text")

    def _checked(self, name: str, array: pa.Array) -> pa.Array:
        """The column of a batch, refused unless text files hold valid UTF-8 text."""
        self._check_text(name, array.type)
        # The JSON reader does not check that strings are UTF-8; invalid ones would reach kernels
        # and Python (as decoding errors mid-validation).
        if self._format == "jsonl" and is_string_type(array.type):
            try:
                array.validate(full=True)
            except pa.ArrowInvalid as exc:
                raise InputError(f"{self._shown}: column {name!r} is not valid UTF-8 text") from exc
        target = self._type(name)
        if array.type != computed_type(target):  # a pinned JSON column, read as text
            try:
                array = normalize_array(pc.cast(array, target))
            except pa.ArrowInvalid as exc:
                self._widen(name, "a value", pa.string(), exc)
        return array

    def _widen(self, name: str, found: str, to: pa.DataType | None, cause: Exception) -> None:
        """Read column ``name`` as ``to`` (``None``: as inferred) from now on, and start over."""
        before = self._type(name)
        self._widened[name] = to
        self._kept.clear()
        if self._type(name) == before:  # nothing wider to read it as: a plain read error
            del self._widened[name]
            message = str(cause).strip().splitlines()[0]
            raise InputError(f"{self._shown}: cannot read the file: {message}") from cause
        raise WiderType(
            f"{self._shown}: column {name!r} holds {found}, which is not {before} like the values "
            f"before it; it reads as {self._type(name)} now",
            self,
        ) from cause

    def _widen_from(self, error: pa.ArrowInvalid, names: Sequence[str]) -> None:
        """Widen the column a reader error is about, if it is a value that does not fit."""
        if self._format == "csv":
            not_text = csv_not_text(error, self._names)
            if not_text is not None:
                raise InputError(f"{self._shown}: column {not_text!r} is not valid UTF-8 text")
            current = {n: self._type(n) for n in names}
            widening = csv_widening(error, self._names, current)
            if widening is not None:
                self._widen(widening[0], repr(widening[1]), widening[2], error)
        else:  # the JSON reader parses every column, read or not
            current = {n: self._type(n) for n in self._names}
            pinned = frozenset(n for n in current if n in self._pinned and n not in self._widened)
            found = json_widening(error, current, pinned)
            if found is not None:
                self._widen(found[0], found[1], found[2], error)
            failure = json_conversion_failure(error)
            if failure is not None:
                type_name, value = failure
                candidates = [n for n, t in current.items() if str(t) == type_name]
                name = candidates[0] if len(candidates) == 1 else self._failing(candidates)
                if name is not None:
                    self._widen(name, repr(value), wider(current[name], value_type(value)), error)

    def _failing(self, candidates: list[str]) -> str | None:
        """Which of several JSON columns of one type holds a value that type cannot (the reader
        does not say): read them as a looser type (floats for integers, else text) and convert
        back. A pass over the file, paid only when reading already failed."""
        loose = {
            n: pa.float64() if pa.types.is_integer(self._type(n)) else pa.string()
            for n in candidates
        }
        try:
            for batch in self._open_json(loose):
                for name in candidates:
                    try:
                        pc.cast(batch.column(name), self._type(name))
                    except pa.ArrowInvalid:
                        return name
        except pa.ArrowInvalid as other:  # another column fails first: widen that one
            self._widen_from(other, candidates)
        return None

    def _open(self, names: Sequence[str] | None) -> pa.RecordBatchReader:
        """A reader of the columns ``names`` (all of them, as inferred, when ``None``)."""
        if self._format == "csv":
            parse_options, convert_options = self._csv_options(names or [])
            return pcsv.open_csv(
                self._stream(),
                read_options=pcsv.ReadOptions(block_size=BLOCK_SIZE),
                parse_options=parse_options,
                convert_options=convert_options,
            )
        return self._open_json({})

    def _csv_options(self, names: Sequence[str]) -> tuple[pcsv.ParseOptions, pcsv.ConvertOptions]:
        """How to parse a CSV file, and convert its columns ``names`` (all of them, as the
        values say, when none)."""
        delimiter = "\t" if ".tsv" in self._suffixes else ","
        # Empty fields (and "NA", "null", ...) are missing in text columns too: otherwise
        # not_null could never fail on a CSV text column. Quoted, they are missing in the types
        # inferred (a column of numbers and "" is numbers) and in other columns, but a value in
        # a text column (``csv_batches``): "" is the empty string there, as DuckDB and polars
        # read it. Every pass reads the types the columns were described with.
        convert_options = pcsv.ConvertOptions(
            include_columns=list(names),
            column_types={n: self._read_type(n) for n in names},
            strings_can_be_null=True,
        )
        return pcsv.ParseOptions(delimiter=delimiter), convert_options

    def _open_json(self, types: Mapping[str, pa.DataType]) -> pa.RecordBatchReader:
        """A reader of a JSON-lines file, with the columns of ``types`` read as those types.

        The reader parses every column, read or not. Only pinned or widened ones get a type: the
        others are read as their values say, as when the file was opened.
        """
        fixed = {n: self._read_type(n) for n in [*self._pinned, *self._widened]} | dict(types)
        parse = pjson.ParseOptions(
            explicit_schema=pa.schema(list(fixed.items())) if fixed else None,
            unexpected_field_behavior="infer",
        )
        return pjson.open_json(
            self._stream(),
            read_options=pjson.ReadOptions(block_size=BLOCK_SIZE),
            parse_options=parse,
        )

    def batches(self, names: Sequence[str], chunk_size: int | None) -> Iterator[Batch]:
        step = chunk_size or DEFAULT_FILE_CHUNK
        offset = 0
        dictionaries = Dictionaries()
        for arrays, num_rows in self._kept.served(names) or self._read(names, step):
            yield from file_batches(arrays, num_rows, offset, step, dictionaries)
            offset += num_rows
        if offset == 0:
            yield Batch({n: pa.array([], type=self.info(n).arrow_type) for n in names}, 0, 0)

    def _read(self, names: Sequence[str], step: int) -> Iterator[Rows]:
        """The columns ``names`` read from the file, a reader's batch at a time; those retained
        for a later pass are kept if this pass reads to the end."""
        # Readers cannot select zero columns; read the first one for its row count.
        read_names = list(names) or list(self._names[:1])
        keeping = self._kept.keeping(names)
        with _reading(self._location):
            try:
                for record_batch in self._record_batches(read_names, step):
                    arrays = {n: self._column(record_batch, n) for n in names}
                    keeping.add(arrays)
                    yield arrays, record_batch.num_rows
            except pa.ArrowInvalid as exc:
                self._widen_from(exc, read_names)
                raise
        keeping.done()

    def _column(self, record_batch: pa.RecordBatch, name: str) -> pa.Array:
        """A column of a batch the reader gave: checked and normalized, but for a column read as
        dictionary codes, which batches offer as codes and decode where needed."""
        column = record_batch.column(name)
        if name in self._dictionaries and isinstance(column, pa.DictionaryArray):
            return column
        return self._checked(name, normalize_array(column))

    def _record_batches(self, names: list[str], step: int) -> Generator[pa.RecordBatch, None, None]:
        if not names:  # a file with no columns has no rows either
            return
        if self._format == "parquet":
            coded = [n for n in names if n in self._dictionaries]
            with self._location.filesystem.open_input_file(self._location.path) as opened:
                yield from parquet_batches(opened, names, step, dictionaries=coded)
            return
        if self._format == "csv":
            with self._stream() as stream:
                yield from csv_batches(stream, self._names, *self._csv_options(names))
            return
        for record_batch in text_batches(functools.partial(self._open, names)):
            yield record_batch.select(names)


def _fixed_width(t: pa.DataType) -> int:
    """Bytes a value of type ``t`` takes in memory at least: its width, or the offset of a
    value of variable length."""
    if pa.types.is_large_string(t) or pa.types.is_large_binary(t):
        return 8
    if pa.types.is_string(t) or pa.types.is_binary(t):
        return 4
    try:
        return int(t.bit_width) // 8
    except ValueError:  # nested and other types of variable width: no bound taken
        return 0


def _check_json_lines(opened: pa.NativeFile, path: str) -> None:
    """Refuse what the JSON reader cannot read safely: a JSON document holding an array of
    records (not JSON Lines, which the reader would report as a column changing type), and a
    value nested deeper than ``MAX_NESTING`` levels (Arrow's parser recurses per level and
    crashes the process on a line nested about 100,000 deep)."""
    with opened as stream:
        head = stream.read(4096)
        if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
            raise InputError(
                f"{path}: holds a JSON array; dataguard reads JSON Lines, one object per line "
                "(convert it with: jq -c '.[]' FILE > FILE.jsonl)"
            )
        line, carried = 1, head
        while True:
            block = stream.read(BLOCK_SIZE)
            text = carried + block
            # Whole lines only; the last, unfinished one is carried into the next block.
            cut = len(text) if not block else text.rfind(b"\n") + 1
            deep = _nested_line(text[:cut])
            if deep is not None:
                raise InputError(
                    f"{path}: line {line + deep}: a value is nested more than {MAX_NESTING} "
                    "levels deep, beyond what dataguard reads"
                )
            if not block:
                return
            line += text.count(b"\n", 0, cut)
            carried = text[cut:]


#: Nesting step of each byte: +1 opens an object or array, -1 closes one.
_NESTING_STEP = np.zeros(256, dtype=np.int8)
_NESTING_STEP[[ord("{"), ord("[")]] = 1
_NESTING_STEP[[ord("}"), ord("]")]] = -1


def _nested_line(lines: bytes) -> int | None:
    """The index of the first line of ``lines`` (whole JSON lines) nested deeper than
    ``MAX_NESTING``, None if there is none.

    Counting brackets is vectorized but also counts those inside strings, so a line it finds
    too deep is parsed to be sure (Python's parser raises RecursionError, never crashes)."""
    codes = np.frombuffer(lines, dtype=np.uint8)
    if codes.size == 0:
        return None
    levels = np.cumsum(_NESTING_STEP[codes], dtype=np.int32)
    breaks = np.flatnonzero(codes == ord("\n"))
    starts = np.concatenate([[0], breaks + 1])
    starts = starts[starts < codes.size]
    base = np.concatenate([[0], levels[breaks]])[: starts.size]
    suspects = np.flatnonzero(np.maximum.reduceat(levels, starts) - base > MAX_NESTING)
    ends = np.append(breaks, codes.size)
    for index in suspects:
        try:
            value = json.loads(lines[starts[index] : ends[index]])
        except RecursionError:
            return int(index)
        except ValueError:
            continue  # not JSON: the reader says so with its own message
        if value_depth(value) > MAX_NESTING:
            return int(index)
    return None


def rerun_on_wider_type(
    function: Callable[Concatenate[Any, P], T],
) -> Callable[Concatenate[Any, P], T]:
    """Decorate a function of data so that it runs again, on the same source, when a text file
    turns out to hold a column of a wider type than its first rows showed. A file path is opened
    once for all runs (``as_source`` returns a FileSource as it is)."""

    @functools.wraps(function)
    def run(data: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        source = from_path(data) if isinstance(data, (str, os.PathLike)) else data
        while True:  # each rerun reads one column as a wider type: a finite ladder
            try:
                return function(source, *args, **kwargs)
            except WiderType as exc:
                if exc.source is not source:  # another file, which its own reader reruns
                    raise

    return run


def from_path(
    location: str | os.PathLike[str], *, storage_options: Mapping[str, str] | None = None
) -> Source:
    """Open the data at ``location`` for streaming: a Parquet, CSV or JSON-lines file, or a
    dataset (a folder, or a glob such as ``data/*.parquet``; see ``_dataset``), on this machine
    or in an object store (``s3://``, ``gs://``, ``abfs://``) reached with ``storage_options``."""
    return _opened(resolve(location, storage_options), None, "hive")


def dataset(
    location: str | os.PathLike[str],
    *,
    storage_options: Mapping[str, str] | None = None,
    format: str | None = None,
    partitioning: str | None = "hive",
) -> Source:
    """The data files of a folder or a glob (or one file), as one table to validate, profile or
    compare: ``dg.validate(dg.dataset("s3://bucket/sales/", storage_options=...), suite)``.

    ``storage_options`` reach an object store (endpoint, region, credentials: see
    docs/storage.md); ``format`` (``"parquet"``, ``"csv"`` or ``"jsonl"``) reads every file as
    that format, whatever its suffix; ``partitioning="hive"`` makes the ``key=value`` folders of
    the files' paths columns (``None``: folders are only where files are). See docs/datasets.md.
    """
    if format is not None and format not in _FORMATS:
        raise InputError(f"unknown format {format!r}; use one of {', '.join(_FORMATS)}")
    if partitioning not in ("hive", None):
        raise InputError(f"unknown partitioning {partitioning!r}; use 'hive' or None")
    return _opened(resolve(location, storage_options), format, partitioning)


#: The formats ``dataset`` reads, by name.
_FORMATS = ("parquet", "csv", "jsonl")


def _opened(location: Location, fmt: str | None, partitioning: str | None) -> Source:
    """The file at ``location``, read as ``fmt`` (default: as its suffix says), or the dataset
    of the folder or glob there."""
    shown = _shown(location)
    with _reading(location):
        found = location.filesystem.get_file_info(location.path)
    if found.type == pafs.FileType.Directory or (
        found.type == pafs.FileType.NotFound and is_glob(location.path)
    ):
        return _dataset(Location(location.filesystem, location.path, shown), fmt, partitioning)
    return FileSource(location, fmt or file_format(PurePosixPath(location.path), shown))


def _dataset(location: Location, fmt: str | None, partitioning: str | None) -> DatasetSource:
    """Every data file of the folder or glob at ``location``, each read as ``fmt`` (default:
    as its suffix says, one format for all), opened as one dataset."""
    listing = list_files(location, partitioning)
    formats = {
        p.relative: fmt or file_format(PurePosixPath(p.relative), p.location.shown)
        for p in listing.parts
    }
    kinds = sorted(set(formats.values()))
    if len(kinds) > 1:
        first = {k: next(r for r, f in formats.items() if f == k) for k in kinds}
        named = " and ".join(f"{k} ({first[k]})" for k in kinds)
        raise InputError(
            f"{location.shown}: holds files of several formats, {named}; give a glob or a format"
        )
    return DatasetSource(
        listing, [FileSource(p.location, formats[p.relative]) for p in listing.parts]
    )


def _shown(location: Location) -> str:
    """How messages name a location: a local path as ``Path`` spells it."""
    return location.shown if location.remote else str(Path(location.shown))
