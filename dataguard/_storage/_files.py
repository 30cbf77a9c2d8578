"""Whole files in any location (suites, profiles and outputs read and written at once), and
paths written relative to a file, which stay inside its bucket."""

from __future__ import annotations

import errno
import os
import posixpath
from collections.abc import Mapping
from pathlib import Path

from dataguard._atomic import write_atomic
from dataguard._deferred import pafs
from dataguard._storage._errors import reaching
from dataguard._storage._locations import Location, is_remote, resolve, scheme_of
from dataguard.errors import StorageError


def read_bytes(location: Location, limit: int) -> bytes:
    """The bytes of the file at ``location``, reading no more than ``limit`` of them;
    StorageError when it holds more or cannot be read."""
    with (
        reaching(location),
        location.filesystem.open_input_stream(location.path, compression=None) as stream,
    ):
        raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise StorageError(f"{location.shown}: not read: it is larger than {limit:,} bytes")
    return bytes(raw)


def write_bytes(
    path: str | os.PathLike[str], data: str | bytes, options: Mapping[str, str] | None = None
) -> Path | str:
    """Write ``data`` (text as UTF-8) to a local path or an object-store URI, whole or not at
    all, and return what was written: the Path of a local file, else the URI as given.

    A local file is replaced atomically (``write_atomic``). An object is sent in one request
    when the stream closes (a PUT of the whole object is atomic: readers see the old object or
    the new one, never part of one).
    """
    if not is_remote(path):
        if options:
            resolve(path, options)  # the StorageError that says options are for URIs
        return write_atomic(path, data)
    location = resolve(path, options)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with reaching(location):
        if location.filesystem.get_file_info(location.path).type == pafs.FileType.Directory:
            raise IsADirectoryError(errno.EISDIR, "is a folder", location.shown)
        with location.filesystem.open_output_stream(location.path, compression=None) as stream:
            stream.write(payload)
    return location.shown


def size_of(written: Path | str, options: Mapping[str, str] | None = None) -> int:
    """The size in bytes of a file ``write_bytes`` wrote."""
    if isinstance(written, Path):
        return written.stat().st_size
    location = resolve(written, options)
    with reaching(location):
        return int(location.filesystem.get_file_info(location.path).size)


def folder_of(location: str | os.PathLike[str]) -> str:
    """The folder of a local path or of an object-store URI, spelt as ``location`` is."""
    given = os.fspath(location)
    if not is_remote(given):
        return os.path.dirname(given)
    scheme, _, rest = given.partition("://")
    bucket, _, key = rest.partition("/")
    parent = posixpath.dirname(key.rstrip("/"))
    return f"{scheme}://{bucket}/{parent}".rstrip("/")


def beside(folder: str, relative: str) -> str:
    """``relative`` read from ``folder`` (a URI's folder): a URI or an absolute path as it is,
    else joined to the folder and normalised (``..`` stays inside the bucket)."""
    if is_remote(relative) or scheme_of(relative) == "file" or os.path.isabs(relative):
        return relative
    if not is_remote(folder):
        return os.path.join(folder, relative)
    scheme, _, rest = folder.partition("://")
    bucket, _, key = rest.partition("/")
    joined = posixpath.normpath(posixpath.join("/", key, relative)).lstrip("/")
    return f"{scheme}://{bucket}/{joined}"


def within(folder: Location, relative: str) -> Location:
    """The file ``relative`` names, read from ``folder`` (a suite's folder in a store): on the
    same store and with the same credentials, a path joined to the folder's (``..`` stays in
    the bucket), shown joined to the folder's URI. A URI on the same kind of store is read with
    the folder's credentials too; any other URI or absolute path is resolved as it is."""
    if is_remote(relative) or scheme_of(relative) == "file" or os.path.isabs(relative):
        found = resolve(relative)
        if type(found.filesystem) is type(folder.filesystem):
            return Location(folder.filesystem, found.path, relative)
        return found
    bucket, _, key = folder.path.partition("/")
    joined = posixpath.normpath(posixpath.join("/", key, relative)).lstrip("/")
    return Location(folder.filesystem, f"{bucket}/{joined}", beside(folder.shown, relative))


def exists(location: Location) -> bool:
    """Whether a file or folder is at ``location``; StorageError when the store cannot say."""
    with reaching(location):
        return bool(location.filesystem.get_file_info(location.path).type != pafs.FileType.NotFound)
