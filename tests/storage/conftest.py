"""A real S3-compatible server on 127.0.0.1 (moto in server mode) for the object-storage tests.

One server serves the whole test session; each test gets a bucket of its own, so tests never see
each other's files.
"""

from __future__ import annotations

import itertools
import logging
import socket
import urllib.request
from collections.abc import Iterator

import pyarrow.fs as pafs
import pytest
from moto.server import ThreadedMotoServer

_buckets = itertools.count()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The server's URL."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_options(s3_endpoint: str) -> dict[str, str]:
    """Storage options that reach the server, as ``--storage-option`` would give them."""
    return {
        "endpoint_url": s3_endpoint,
        "region": "us-east-1",
        "access_key_id": "testing",
        "secret_access_key": "testing",
    }


@pytest.fixture
def s3_bucket(s3_endpoint: str) -> str:
    """The name of a new, empty bucket."""
    name = f"bucket-{next(_buckets)}"
    host = s3_endpoint.removeprefix("http://")
    store = pafs.S3FileSystem(
        access_key="testing",
        secret_key="testing",
        region="us-east-1",
        endpoint_override=host,
        scheme="http",
        allow_bucket_creation=True,
    )
    store.create_dir(name)
    return name


def _moto_auth(endpoint: str, free_requests: str) -> None:
    """Set how many requests moto serves before it checks credentials (its /moto-api/)."""
    request = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth",
        data=free_requests.encode(),
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200


@pytest.fixture
def s3_checking_credentials(s3_endpoint: str) -> Iterator[str]:
    """The server, checking credentials from now until the test ends: keys it never issued are
    refused (403), as a real store refuses them. Moto's setting is per process, and a process
    runs one test at a time."""
    _moto_auth(s3_endpoint, "0")
    try:
        yield s3_endpoint
    finally:
        _moto_auth(s3_endpoint, "inf")


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """The URL of a server on 127.0.0.1 that takes connections and never answers (the kernel
    completes them into the listen backlog; nobody reads): every request times out."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    host, port = server.getsockname()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.close()


@pytest.fixture
def closed_endpoint() -> str:
    """The URL of a port on 127.0.0.1 where nothing listens: connections are refused."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    host, port = probe.getsockname()
    probe.close()
    return f"http://{host}:{port}"
