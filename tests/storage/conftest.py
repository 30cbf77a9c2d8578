"""A real S3-compatible server on 127.0.0.1 (moto in server mode) for the object-storage tests.

One server serves the whole test session; each test gets a bucket of its own, so tests never see
each other's files.
"""

from __future__ import annotations

import itertools
import logging
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
