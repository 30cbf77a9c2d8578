"""Clusters shared by the cluster backend tests, started once per session.

Each backend's tests need its optional extra. Without it they skip with the reason, except in CI:
``.ci/run`` sets ``DATAGUARD_REQUIRE_DASK=1`` and ``DATAGUARD_REQUIRE_SPARK=1``, which make a
missing dask, pyspark or Java an error.

Starting Spark takes tens of seconds, so one local[2] session serves the whole run, quietly:
loopback addresses, no UI, no console progress, log level ERROR, few shuffle partitions. The
classic session also serves Spark Connect (its plugin, on a free loopback port), so both kinds
of session run on the same JVM.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import socket
import sys
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
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


def _missing() -> str | None:
    """Why Spark cannot run here, or None."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install 'dataguard[spark]')"
    if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
        return "no Java runtime (Debian: apt-get install default-jre-headless)"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A classic ``local[2]`` SparkSession that also serves Spark Connect."""
    reason = _missing()
    if reason is not None:
        if os.environ.get("DATAGUARD_REQUIRE_SPARK") == "1":
            pytest.fail(f"DATAGUARD_REQUIRE_SPARK=1 but {reason}")
        pytest.skip(reason)
    from pyspark.sql import SparkSession

    # Executors must run this interpreter: it has pyarrow and dataguard.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("dataguard-tests")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "2")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.plugins", "org.apache.spark.sql.connect.SparkConnectPlugin")
        .config("spark.connect.grpc.binding.address", "127.0.0.1")
        .config("spark.connect.grpc.binding.port", str(_free_port()))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture(scope="module")
def spark_connect(spark: Any) -> Iterator[Any]:
    """A Spark Connect session to the same local Spark (closed before the Spark it uses)."""
    # The Connect session class itself: the generic builder refuses a remote session in a
    # process that runs a classic one.
    from pyspark.sql.connect.session import SparkSession

    port = spark.conf.get("spark.connect.grpc.binding.port")
    session = SparkSession.builder.remote(f"sc://127.0.0.1:{port}").getOrCreate()
    try:
        yield session
    finally:
        session.stop()
