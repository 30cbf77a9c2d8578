"""Clusters shared by the cluster backend tests, started once per session.

Each backend's tests need its optional extra. Without it they skip with the reason, except in CI:
``.ci/run`` sets ``DATAGUARD_REQUIRE_DASK=1``, which makes a missing dask an error.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def dask_client() -> Iterator[Any]:
    """A two-worker Dask cluster on the loopback address, one process per worker (as a real
    cluster runs: every task's inputs and results cross a process boundary, pickled), no
    dashboard, logging errors only; the client is the default scheduler while the tests run."""
    try:
        import dask.dataframe  # noqa: F401
        import distributed
    except ImportError as exc:
        if os.environ.get("DATAGUARD_REQUIRE_DASK") == "1":
            pytest.fail(f"DATAGUARD_REQUIRE_DASK=1 but dask cannot be imported: {exc}")
        pytest.skip(f"the Dask tests need pip install 'dataguard[dask]' ({exc})")
    # The scheduler runs in this process: its routine messages would fill every failure report.
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.ERROR)
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        # Its plain HTTP server on a free port: by default it takes 8787, and warns if taken.
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
        silence_logs=logging.ERROR,
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
        logger.setLevel(level)
