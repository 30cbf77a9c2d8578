"""Locations: a local path or an object-store URI resolved to a pyarrow file system and a path
on it, with the storage options each store takes under their usual names."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dataguard._deferred import pafs
from dataguard.errors import StorageError

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
    return isinstance(location, str) and scheme_of(location) in SCHEMES


def scheme_of(location: str) -> str:
    """The scheme of a URI, lower-cased (``""`` for a path)."""
    head, separator, _ = location.partition("://")
    return head.lower() if separator else ""


def resolve(location: str | os.PathLike[str], options: Mapping[str, str] | None = None) -> Location:
    """The file system and path of ``location``; StorageError for an unknown scheme or option.

    Nothing is contacted here: a missing bucket or refused credentials surface, named, when the
    file is first read or written.
    """
    given = os.fspath(location)
    scheme = scheme_of(given) if isinstance(given, str) else ""
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
