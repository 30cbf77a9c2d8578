"""Where files live: a local path or an object-store URI (``s3://``, ``gs://``, ``abfs://``),
resolved to a pyarrow file system and a path on it, so every reader and writer has one way in.

Storage options are the caller's (``--storage-option KEY=VALUE``): endpoint, region, credentials,
time-outs. Without them, each store reads its usual environment (``AWS_*`` variables and files,
Google application-default credentials, ``AZURE_*``). Options may hold secrets: they are never
part of a message, a result or a report; a location is shown as the URI the caller gave.

Readers and writers reach a file inside ``with reaching(location):``, which turns what the
store raises into one line (no such bucket, no such file, access denied, timed out, ...);
``read_bytes`` and ``write_bytes`` do so for whole documents (suites, profiles, outputs).
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dataguard._atomic import write_atomic
from dataguard._deferred import pafs
from dataguard.errors import DataguardError, StorageError

#: URI schemes of the object stores dataguard reads and writes, and the store each names.
SCHEMES = {"s3": "s3", "gs": "gcs", "gcs": "gcs", "abfs": "azure", "abfss": "azure"}

#: Seconds a store may take to accept a connection, and to answer one request, unless the
#: caller says otherwise: a stuck server fails the run with a message instead of hanging it.
CONNECT_TIMEOUT = 10.0
REQUEST_TIMEOUT = 60.0
#: Attempts an S3 request gets before its error is reported (the AWS SDK's standard retry
#: strategy: exponential back-off between them); the option ``max_attempts`` changes it.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Location:
    """A file (or folder) on a file system: ``path`` as ``filesystem`` names it, and ``shown``,
    what messages print (the caller's own spelling, never a credential)."""

    filesystem: Any = field(repr=False)
    path: str
    shown: str

    @property
    def remote(self) -> bool:
        return not isinstance(self.filesystem, pafs.LocalFileSystem)


def is_remote(location: str | os.PathLike[str]) -> bool:
    """Whether ``location`` is an object-store URI rather than a local path."""
    return isinstance(location, str) and _scheme(location) in SCHEMES


def _scheme(location: str) -> str:
    head, separator, _ = location.partition("://")
    return head.lower() if separator else ""


def resolve(location: str | os.PathLike[str], options: Mapping[str, str] | None = None) -> Location:
    """The file system and path of ``location``; StorageError for an unknown scheme or option.

    Nothing is contacted here: a missing bucket or refused credentials surface, named, when the
    file is first read or written.
    """
    given = os.fspath(location)
    scheme = _scheme(given) if isinstance(given, str) else ""
    if not scheme or (len(scheme) == 1 and os.name == "nt"):  # a Windows drive is not a scheme
        if options:
            raise StorageError(f"{given}: storage options apply to object-store URIs only")
        return Location(pafs.LocalFileSystem(), str(Path(given).absolute()), given)
    if scheme == "file":
        return resolve(urlsplit(given).path, options)
    if scheme not in SCHEMES:
        known = ", ".join(f"{s}://" for s in SCHEMES)
        raise StorageError(f"{given}: unknown storage scheme {scheme!r}; dataguard reads {known}")
    parts = urlsplit(given)
    if not parts.netloc:
        raise StorageError(f"{given}: no bucket or container in the URI")
    store = SCHEMES[scheme]
    if parts.password is not None or (store != "azure" and "@" in parts.netloc):
        # Never shown: the URI is what every message, result and report would name.
        raise StorageError(
            f"{scheme}:// URI with credentials in it (KEY:SECRET@...): a location is shown "
            "wherever it is used; give credentials as storage options"
        )
    settings = dict(options or {})
    if store == "azure" and "@" in parts.netloc:  # abfs://container@account.dfs.core.windows.net
        container, _, host = parts.netloc.partition("@")
        settings.setdefault("account_name", host.split(".", 1)[0])
    else:
        container = parts.netloc
    path = f"{container}/{parts.path.lstrip('/')}".rstrip("/")
    return Location(_BUILDERS[store](settings, given), path, given)


def _flag(value: str, key: str, shown: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise StorageError(f"{shown}: storage option {key!r} must be true or false, not {value!r}")


def _seconds(value: str, key: str, shown: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise StorageError(f"{shown}: storage option {key!r} must be a number of seconds above 0")
    return seconds


def _endpoint(value: str, key: str, shown: str) -> tuple[str, str]:
    """``(host[:port], scheme)`` of an endpoint given as a URL or a bare host."""
    parts = urlsplit(value if "://" in value else f"https://{value}")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StorageError(f"{shown}: storage option {key!r} must be an http(s) URL")
    return parts.netloc, parts.scheme


def _known(settings: Mapping[str, str], aliases: Mapping[str, str], shown: str) -> dict[str, str]:
    """``settings`` under their canonical names; StorageError naming an unknown one (its value,
    which may be a secret, is never shown)."""
    canonical: dict[str, str] = {}
    for key, value in settings.items():
        name = aliases.get(key.lower())
        if name is None:
            known = ", ".join(sorted(set(aliases.values())))
            raise StorageError(f"{shown}: unknown storage option {key!r}; known: {known}")
        canonical[name] = value
    return canonical


_S3_OPTIONS = {
    "endpoint_url": "endpoint_url",
    "endpoint": "endpoint_url",
    "endpoint_override": "endpoint_url",
    "aws_endpoint_url": "endpoint_url",
    "region": "region",
    "region_name": "region",
    "aws_region": "region",
    "access_key_id": "access_key_id",
    "aws_access_key_id": "access_key_id",
    "key": "access_key_id",
    "secret_access_key": "secret_access_key",
    "aws_secret_access_key": "secret_access_key",
    "secret": "secret_access_key",
    "session_token": "session_token",
    "aws_session_token": "session_token",
    "token": "session_token",
    "anonymous": "anonymous",
    "connect_timeout": "connect_timeout",
    "request_timeout": "request_timeout",
    "max_attempts": "max_attempts",
    "retries": "max_attempts",
}

#: Environment variables naming an S3 endpoint, most specific first: the AWS SDKs and CLI read
#: them, but pyarrow's S3 file system does not, so dataguard does.
_ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")


def _attempts(value: str, key: str, shown: str) -> int:
    try:
        attempts = int(value)
    except ValueError:
        attempts = 0
    if attempts < 1:
        raise StorageError(f"{shown}: storage option {key!r} must be a whole number above 0")
    return attempts


def _s3(settings: Mapping[str, str], shown: str) -> Any:
    given = _known(settings, _S3_OPTIONS, shown)
    arguments: dict[str, Any] = {
        "connect_timeout": _seconds(
            given.get("connect_timeout", str(CONNECT_TIMEOUT)), "connect_timeout", shown
        ),
        "request_timeout": _seconds(
            given.get("request_timeout", str(REQUEST_TIMEOUT)), "request_timeout", shown
        ),
        "retry_strategy": pafs.AwsStandardS3RetryStrategy(
            max_attempts=_attempts(
                given.get("max_attempts", str(MAX_ATTEMPTS)), "max_attempts", shown
            )
        ),
        # Files are opened when first written: a file is sent whole in one PUT when closed,
        # so an object is never seen half-written (and no multipart upload is left over).
        "allow_delayed_open": True,
    }
    endpoint = given.get("endpoint_url") or next(
        (os.environ[v] for v in _ENDPOINT_VARIABLES if os.environ.get(v)), None
    )
    if endpoint is not None:
        arguments["endpoint_override"], arguments["scheme"] = _endpoint(
            endpoint, "endpoint_url", shown
        )
    if "region" in given:
        arguments["region"] = given["region"]
    if "anonymous" in given:
        arguments["anonymous"] = _flag(given["anonymous"], "anonymous", shown)
    if ("access_key_id" in given) != ("secret_access_key" in given):
        raise StorageError(
            f"{shown}: storage options access_key_id and secret_access_key go together"
        )
    if "access_key_id" in given:
        arguments["access_key"] = given["access_key_id"]
        arguments["secret_key"] = given["secret_access_key"]
        arguments["session_token"] = given.get("session_token")
    return pafs.S3FileSystem(**arguments)


_GCS_OPTIONS = {
    "endpoint_url": "endpoint_url",
    "endpoint": "endpoint_url",
    "endpoint_override": "endpoint_url",
    "anonymous": "anonymous",
    "project_id": "project_id",
    "project": "project_id",
    "retry_time_limit": "retry_time_limit",
}


def _gcs(settings: Mapping[str, str], shown: str) -> Any:
    given = _known(settings, _GCS_OPTIONS, shown)
    limit = _seconds(given.get("retry_time_limit", str(REQUEST_TIMEOUT)), "retry_time_limit", shown)
    arguments: dict[str, Any] = {"retry_time_limit": dt.timedelta(seconds=limit)}
    if "endpoint_url" in given:
        arguments["endpoint_override"], arguments["scheme"] = _endpoint(
            given["endpoint_url"], "endpoint_url", shown
        )
    if "anonymous" in given:
        arguments["anonymous"] = _flag(given["anonymous"], "anonymous", shown)
    if "project_id" in given:
        arguments["project_id"] = given["project_id"]
    return pafs.GcsFileSystem(**arguments)


_AZURE_OPTIONS = {
    "account_name": "account_name",
    "azure_storage_account_name": "account_name",
    "account_key": "account_key",
    "azure_storage_account_key": "account_key",
    "sas_token": "sas_token",
    "azure_storage_sas_token": "sas_token",
    "client_id": "client_id",
    "client_secret": "client_secret",
    "tenant_id": "tenant_id",
    "endpoint_url": "endpoint_url",
    "endpoint": "endpoint_url",
}


def _azure(settings: Mapping[str, str], shown: str) -> Any:
    given = _known(settings, _AZURE_OPTIONS, shown)
    if "account_name" not in given:
        raise StorageError(
            f"{shown}: an abfs:// URI needs the storage account: "
            "abfs://CONTAINER@ACCOUNT.dfs.core.windows.net/PATH or the option account_name"
        )
    arguments: dict[str, Any] = {
        k: given[k]
        for k in (
            "account_name",
            "account_key",
            "sas_token",
            "client_id",
            "client_secret",
            "tenant_id",
        )
        if k in given
    }
    if "endpoint_url" in given:
        authority, scheme = _endpoint(given["endpoint_url"], "endpoint_url", shown)
        arguments |= {
            "blob_storage_authority": authority,
            "dfs_storage_authority": authority,
            "blob_storage_scheme": scheme,
            "dfs_storage_scheme": scheme,
        }
    return pafs.AzureFileSystem(**arguments)


_BUILDERS: dict[str, Callable[[Mapping[str, str], str], Any]] = {
    "s3": _s3,
    "gcs": _gcs,
    "azure": _azure,
}


# -- Reaching a file: one-line errors -------------------------------------------------------------

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
    try:
        if location.filesystem.get_file_info(bucket).type == pafs.FileType.NotFound:
            return "no such bucket"
        if location.filesystem.get_file_info(location.path).type == pafs.FileType.Directory:
            return "is a folder, not a file"
    except OSError:
        pass
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


# -- Whole files: documents read and outputs written ----------------------------------------------


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


# -- Paths written relative to a file -------------------------------------------------------------


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
    if is_remote(relative) or _scheme(relative) == "file" or os.path.isabs(relative):
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
    if is_remote(relative) or _scheme(relative) == "file" or os.path.isabs(relative):
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
