"""One-line errors for what an object store raises: no such bucket, no such file, access
denied, timed out, cannot connect; never a credential."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextlib import contextmanager

from dataguard._deferred import pafs
from dataguard._storage._locations import Location
from dataguard.errors import DataguardError, StorageError

#: What a store's error message says, as words a reader acts on. Matched in order against the
#: SDK's text (pyarrow raises a plain OSError carrying it): the first match wins.
_PROBLEMS = (
    (
        re.compile(r"NO_SUCH_BUCKET|NoSuchBucket|ContainerNotFound|bucket .*does not exist", re.I),
        "no such bucket",
    ),
    (
        re.compile(
            r"ACCESS_DENIED|AccessDenied|INVALID_ACCESS_KEY_ID|SIGNATURE_DOES_NOT_MATCH|"
            r"EXPIRED_TOKEN|INVALID_TOKEN|UNRECOGNIZED_CLIENT|PERMISSION_DENIED|UNAUTHENTICATED|"
            r"AuthenticationFailed|AuthorizationFailure|AuthorizationPermissionMismatch|"
            r"HTTP status 40[13]|status code 40[13]|\b40[13]\b",
            re.I,
        ),
        "access denied: check the credentials and the permissions they have",
    ),
    (
        re.compile(
            r"curlCode: 28|timed? ?out|Timeout was reached|DEADLINE_EXCEEDED|Operation too slow",
            re.I,
        ),
        "timed out waiting for the store (storage options connect_timeout, request_timeout)",
    ),
    (
        re.compile(
            r"curlCode: (5|6|7|35|52|56)\b|NETWORK_CONNECTION|Could not connect|Couldn't connect|"
            r"Failed to connect|Could not resolve|Connection refused|UNAVAILABLE",
            re.I,
        ),
        "cannot connect to the store (check its endpoint: storage option endpoint_url)",
    ),
    (
        re.compile(r"NO_SUCH_KEY|NoSuchKey|Path does not exist|BlobNotFound|NOT_FOUND", re.I),
        "no such file",
    ),
    (re.compile(r"Not a regular file|is a directory", re.I), "is a folder, not a file"),
)

#: The parts of an SDK message that say nothing to a reader, or might say too much: request ids,
#: and the query of a URL (a shared-access signature travels there).
_NOISE = (
    (re.compile(r"\s*\(Request ID: [^)]*\)"), ""),
    (re.compile(r"(https?://[^\s?'\"]+)\?[^\s'\"]*"), r"\1"),
    (re.compile(r"(sig|signature|token|key|secret|password)=[^\s&'\"]*", re.I), r"\1=..."),
)


def storage_error(location: Location, error: OSError) -> StorageError:
    """``error``, raised while reading or writing ``location``, as one line naming the location
    as the caller gave it: no such bucket, no such file, access denied, timed out, cannot
    connect; else the store's own words, with request ids and URL queries left out."""
    if isinstance(error, StorageError):
        return error
    text = " ".join(str(error).split())
    if location.remote:
        problem = next((said for pattern, said in _PROBLEMS if pattern.search(text)), None)
        if problem == "no such file" or (problem is None and isinstance(error, FileNotFoundError)):
            problem = _missing(location)
    else:
        problem = _local_problem(error)
    if problem is None:
        for pattern, replacement in _NOISE:
            text = pattern.sub(replacement, text)
        problem = f"cannot reach the file: {text}" if text else "cannot reach the file"
    return StorageError(f"{location.shown}: {problem}")


def _local_problem(error: OSError) -> str | None:
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, IsADirectoryError):
        return "is a folder, not a file"
    if isinstance(error, PermissionError):
        return "permission denied"
    return error.strerror or None


def not_found(location: Location) -> StorageError:
    """The error for nothing at a remote ``location``: its bucket is absent, it is a folder, or
    no object has its name."""
    return StorageError(f"{location.shown}: {_missing(location)}")


def _missing(location: Location) -> str:
    """Why nothing could be read at ``location``: its bucket (or container) is absent, it is a
    folder (a prefix of objects), or no object has its name. The store is asked (errors only
    cost the requests); when it refuses to say, "no such file"."""
    bucket = location.path.split("/", 1)[0]
    with contextlib.suppress(OSError):  # the store would not say: "no such file"
        if location.filesystem.get_file_info(bucket).type == pafs.FileType.NotFound:
            return "no such bucket"
        if location.filesystem.get_file_info(location.path).type == pafs.FileType.Directory:
            return "is a folder, not a file"
    return "no such file"


@contextmanager
def reaching(location: Location) -> Iterator[None]:
    """Translate what reading or writing ``location`` raises into one line:

        with reaching(location):
            stream = location.filesystem.open_input_stream(location.path, compression=None)
            ...

    Any OSError inside (pyarrow's file systems raise OSError, FileNotFoundError or
    PermissionError, with the cloud SDK's message of several lines) becomes a StorageError
    ``"<location as given>: <problem>"``; the problem is one of no such bucket, no such file,
    access denied, timed out, cannot connect, or the store's own words without request ids or
    URL queries. Storage options are never part of it. dataguard's own errors pass as they are.
    """
    try:
        yield
    except DataguardError:
        raise
    except OSError as exc:
        raise storage_error(location, exc) from None
