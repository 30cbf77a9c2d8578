"""Datasets: the data files of a folder or a glob, read in path order as one table, with the
keys of a hive-partitioned layout (``year=2026/month=01/part-0.parquet``) as columns.

Each file is read by its own file source, one after the other, so that a dataset streams with the
memory of one file and is read exactly as that file alone would be; the rows are those of the
files in sorted path order, whatever the order the store lists them in. So results (counts, row
numbers, profile bytes) equal those of one file holding the same rows in that order.

Every file must hold the same columns, of the same types: a file that differs is an error naming
it, the first file and the column (Arrow's schema unification would fill absent columns with
nulls and widen types silently, which would make a dataset's results differ from any one file's).

A partition key is a column after the files' own: an integer (int64) when every value of the key
is one, else text; ``__HIVE_DEFAULT_PARTITION__`` is a null. A suite's schema may declare it as
another type (a date, say), which it is read as, like a CSV column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from dataguard._deferred import pafs, pds
from dataguard._frame._batch import Batch, ColumnInfo, Encoded, LazyColumns
from dataguard._frame._memory import arrow_info
from dataguard._frame._source import BaseSource, Source
from dataguard._frame._text_types import ReadPlan, WiderType, pinned_type
from dataguard._storage import Location
from dataguard.errors import InputError

#: Characters that make a location a glob rather than a path.
GLOB_CHARACTERS = frozenset("*?[")
#: Files and folders of a listed folder that are not data: hidden files and the markers and
#: metadata that Spark, Hive and pyarrow write beside the data (``_SUCCESS``, ``_metadata``).
IGNORED_PREFIXES = (".", "_")
#: A hive partition value that stands for a null.
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"


def is_glob(path: str) -> bool:
    """Whether ``path`` holds a glob character."""
    return any(c in GLOB_CHARACTERS for c in path)


@dataclass(frozen=True)
class Part:
    """One file of a dataset: where it is, and the values of its partition keys."""

    location: Location
    relative: str
    keys: Mapping[str, str | None]


@dataclass(frozen=True)
class Listing:
    """The files of a dataset in sorted path order, and its partition keys in path order."""

    shown: str
    parts: tuple[Part, ...]
    keys: tuple[str, ...]


def list_files(location: Location, partitioning: str | None) -> Listing:
    """The data files under a folder, or matching a glob (``*`` and ``?`` within one path
    segment, ``**`` across segments, ``[...]`` a class), in sorted path order; InputError when
    none is found. ``partitioning="hive"`` reads ``key=value`` folders as partition keys."""
    path = location.path.rstrip("/")
    segments = path.split("/")
    fixed = next((i for i, s in enumerate(segments) if is_glob(s)), len(segments))
    base = "/".join(segments[:fixed]) or "/"
    pattern = "/".join(segments[fixed:])
    matches = _glob(pattern) if pattern else None
    selector = pafs.FileSelector(
        base, recursive=matches is None or "/" in pattern or "**" in pattern
    )
    try:
        infos = location.filesystem.get_file_info(selector)
    except FileNotFoundError:
        infos = []
    except OSError as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{location.shown}: cannot list the files: {message}") from exc
    prefix = base.rstrip("/") + "/"
    found: list[tuple[str, str]] = []
    for info in infos:
        if info.type != pafs.FileType.File or not info.path.startswith(prefix):
            continue
        relative = info.path[len(prefix) :]
        if matches is None:
            if any(s.startswith(IGNORED_PREFIXES) for s in relative.split("/")):
                continue
        elif not matches.fullmatch(relative):
            continue
        found.append((relative, info.path))
    if not found:
        what = "no file matches" if matches is not None else "no data files in"
        raise InputError(f"{location.shown}: {what} the {'glob' if matches else 'folder'}")
    found.sort()
    shown_base = _shown_base(location.shown, fixed, len(segments))
    parts = [
        Part(
            Location(location.filesystem, full, f"{shown_base}{relative}"),
            relative,
            _hive_keys(relative) if partitioning == "hive" else {},
        )
        for relative, full in found
    ]
    keys = tuple(dict.fromkeys(k for p in parts for k in p.keys))
    for part in parts:
        if tuple(part.keys) != keys[: len(part.keys)] or len(part.keys) != len(keys):
            raise InputError(
                f"{part.location.shown}: partition keys {list(part.keys)} differ from "
                f"{parts[0].location.shown}'s {list(parts[0].keys)}"
            )
    return Listing(location.shown, tuple(parts), keys)


def _shown_base(shown: str, fixed: int, total: int) -> str:
    """How messages spell the folder the files are listed under: the caller's own spelling of
    the location, cut at the first glob segment."""
    trimmed = shown.rstrip("/")
    if fixed < total:
        trimmed = "/".join(trimmed.split("/")[: len(trimmed.split("/")) - (total - fixed)])
    return f"{trimmed}/" if trimmed else ""


def _glob(pattern: str) -> re.Pattern[str]:
    """A regular expression matching the relative paths ``pattern`` matches."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            members = pattern[i + 1 : end]
            negated = members.startswith("!")
            body = re.escape(members[1:] if negated else members).replace("\\-", "-")
            out.append(f"[{'^' if negated else ''}{body}]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def _hive_keys(relative: str) -> dict[str, str | None]:
    """The ``key=value`` folders of a file's path, decoded as pyarrow decodes them."""
    folders = [s for s in relative.split("/")[:-1] if "=" in s]
    names = [s.split("=", 1)[0] for s in folders]
    if not names:
        return {}
    schema = pa.schema([(n, pa.string()) for n in dict.fromkeys(names)])
    # pyarrow parses a path of folders and a file name: end with "/" to keep the last folder.
    path = "/" + "/".join(folders) + "/"
    expression = pds.HivePartitioning(schema, null_fallback=HIVE_NULL).parse(path)
    values = pds.get_partition_keys(expression)
    return {n: values.get(n) for n in schema.names}


def key_type(values: Sequence[str | None]) -> pa.DataType:
    """A partition key's type: int64 when every value is an integer, else text."""
    given = pa.array([v for v in values if v is not None], pa.string())
    if len(given) == 0:
        return pa.string()
    try:
        pc.cast(given, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.string()
    return pa.int64()


class DatasetSource(BaseSource):
    """The files of a dataset read one after the other as one table (see the module's doc):
    ``files`` are their sources, opened, in path order; ``listing`` says where they are and the
    values of their partition keys."""

    def __init__(self, listing: Listing, files: Sequence[Source]) -> None:
        self._listing = listing
        self._files = tuple(files)
        first = self._files[0]
        for part, source in zip(listing.parts[1:], self._files[1:], strict=True):
            _same_columns(source, part.location.shown, first, listing.parts[0].location.shown)
        clash = [k for k in listing.keys if k in first.names]
        if clash:
            raise InputError(
                f"{listing.parts[0].location.shown}: column {clash[0]!r} is also a partition key "
                "of the dataset"
            )
        self._inferred = {k: key_type([p.keys.get(k) for p in listing.parts]) for k in listing.keys}
        self._key_types = dict(self._inferred)
        self._checked_types = False

    @property
    def names(self) -> tuple[str, ...]:
        return self._files[0].names + self._listing.keys

    @property
    def dtypes(self) -> tuple[str, ...]:
        self._check_types()
        return self._files[0].dtypes + tuple(str(self._key_types[k]) for k in self._listing.keys)

    def info(self, name: str) -> ColumnInfo:
        if name in self._key_types:
            return arrow_info(name, self._key_types[name])
        self._check_types()
        return self._files[0].info(name)

    @property
    def num_rows(self) -> int | None:
        counts = [f.num_rows for f in self._files]
        return None if None in counts else sum(c for c in counts if c is not None)

    @property
    def description(self) -> str:
        return self._listing.shown

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(p.location.shown for p in self._listing.parts)

    @property
    def reiterable(self) -> bool:
        return True

    @property
    def on_disk(self) -> bool:
        return True

    @property
    def columnar(self) -> bool:
        return all(f.columnar for f in self._files)

    @property
    def types_final(self) -> bool:
        return all(f.types_final for f in self._files)

    def read_as(self, plan: ReadPlan) -> None:
        """Read the columns of text files, and partition keys (text in paths), as ``plan``
        says, in every file alike."""
        for source in self._files:
            source.read_as(plan)
        for key, inferred in self._inferred.items():
            declared = plan.types.get(key)
            # A key's values are text of no type yet: any declared type reads them.
            pinned = (
                pinned_type(declared, pa.null(), "csv")
                if declared is not None
                else plan.pinned(key, inferred, "csv")
            )
            self._key_types[key] = pinned or inferred
        self._checked_types = False

    def _check_types(self) -> None:
        """InputError unless every file reads each column as the same type (text files infer
        their types, each from its own first rows)."""
        if self._checked_types:
            return
        first, first_shown = self._files[0], self._listing.parts[0].location.shown
        for part, source in zip(self._listing.parts[1:], self._files[1:], strict=True):
            for name, mine, theirs in zip(source.names, source.dtypes, first.dtypes, strict=True):
                if mine != theirs:
                    raise InputError(
                        f"{part.location.shown}: column {name!r} is {mine} here but {theirs} in "
                        f"{first_shown}; declare its type in the suite's schema to read every "
                        "file alike"
                    )
        self._checked_types = True

    def _key_values(self, part: Part) -> dict[str, pa.Scalar]:
        values: dict[str, pa.Scalar] = {}
        for key, t in self._key_types.items():
            text = pa.scalar(part.keys.get(key), pa.string())
            try:
                values[key] = pc.cast(text, t)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise InputError(
                    f"{part.location.shown}: partition key {key!r} = {text.as_py()!r} is not {t}"
                ) from exc
        return values

    def batches(self, names: Sequence[str], chunk_size: int | None) -> Iterator[Batch]:
        self._check_types()
        keys = [n for n in names if n in self._key_types]
        own = [n for n in names if n not in self._key_types]
        offset = 0
        for part, source in zip(self._listing.parts, self._files, strict=True):
            values = {k: v for k, v in self._key_values(part).items() if k in keys}
            try:
                for batch in source.batches(own, chunk_size):
                    if batch.num_rows == 0:
                        continue
                    yield _with_keys(batch, offset, values)
                    offset += batch.num_rows
            except WiderType as exc:
                # The file reads a column as a wider type now: read the dataset again, where
                # the files' types are compared anew (and differ, unless the suite pins them).
                self._checked_types = False
                raise WiderType(str(exc), self) from exc
        if offset == 0:
            yield Batch({n: pa.array([], type=self.info(n).arrow_type) for n in names}, 0, 0)


def _with_keys(batch: Batch, offset: int, keys: Mapping[str, pa.Scalar]) -> Batch:
    """A file's batch as rows of the dataset from ``offset`` on, with the partition ``keys``'
    values as columns; the file's columns are read as the file's batch offers them (a column the
    reader holds as codes stays codes)."""

    def load(name: str) -> pa.Array:
        if name in keys:
            return pa.repeat(keys[name], batch.num_rows)
        return batch.array(name)

    def encode(name: str) -> Encoded | None:
        return None if name in keys else batch.encoded(name)

    encodes = batch.encode is not None
    return Batch(LazyColumns(load), offset, batch.num_rows, encode=encode if encodes else None)


def _same_columns(source: Source, shown: str, first: Source, first_shown: str) -> None:
    """InputError unless ``source`` has the columns of ``first``, in the same order."""
    if source.names == first.names:
        return
    missing = [n for n in first.names if n not in source.names]
    if missing:
        raise InputError(f"{shown}: has no column {missing[0]!r}, which {first_shown} has")
    extra = [n for n in source.names if n not in first.names]
    if extra:
        raise InputError(f"{shown}: has a column {extra[0]!r}, which {first_shown} has not")
    raise InputError(f"{shown}: has the columns of {first_shown} in another order")
