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

from dataguard._storage._errors import not_found, reaching, storage_error
from dataguard._storage._files import (
    beside,
    exists,
    folder_of,
    read_bytes,
    size_of,
    within,
    write_bytes,
)
from dataguard._storage._locations import Location, is_remote, resolve

__all__ = [
    "Location",
    "beside",
    "exists",
    "folder_of",
    "is_remote",
    "not_found",
    "reaching",
    "read_bytes",
    "resolve",
    "size_of",
    "storage_error",
    "within",
    "write_bytes",
]
