"""What the cluster job's runners share: the Spark session and Dask cluster they run on, reading
the data there, and the memory of a whole process tree.

Standard library only at import (pyspark and dask are imported where they are used), because the
runners run in different virtual environments: ``cluster`` (dataguard with PySpark and Dask),
``pandera_pyspark`` and ``gx_spark``. Every Spark runner gets the same session, so every tool sees
the same DataFrame: ``local[2]`` on the loopback address, UI and progress bars off, log level
ERROR, 4 GB of driver memory, and the executors' Python = the runner's own interpreter (the
tool's virtual environment). Spark keeps Arrow's default batch of 10,000 rows.

Memory: a Spark or Dask run is several processes (the Python driver, the JVM, Spark's Python
workers; Dask's scheduler, nannies and workers), so ``tree_peak`` samples the proportional set size
(PSS: shared pages split between the processes sharing them) of this process and every descendant,
every 0.1 s. For the local core it is the process alone.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import _measure
import _validate

MASTER = "local[2]"
LOOPBACK = "127.0.0.1"
DRIVER_MEMORY = "4g"
DASK_WORKERS = 2
SPARK_SETTINGS = (
    f"SparkSession master {MASTER} on {LOOPBACK}, UI off, driver memory {DRIVER_MEMORY}, "
    "executors' Python = the tool's venv interpreter, spark.read.parquet(current.parquet) "
    "(microsecond timestamps), default partitioning and Arrow batch size"
)
DASK_SETTINGS = (
    f"distributed.LocalCluster({DASK_WORKERS} worker processes x 1 thread, {LOOPBACK}, no "
    "dashboard), dask.dataframe.read_parquet(current.parquet), default partitioning"
)


# --- memory of a process tree --------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    """Every process's children, from /proc (parent pid is the 4th field of /proc/PID/stat)."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        parent = int(stat[stat.rfind(b")") + 2 :].split()[1])  # the name may hold spaces
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _pss_bytes(pid: int) -> int:
    """A process's proportional set size (its RSS when smaps_rollup is unreadable)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def tree_bytes(root: int | None = None) -> int:
    """The summed PSS of ``root`` (this process by default) and all its descendants."""
    tree = _children()
    todo, total = [root or os.getpid()], 0
    while todo:
        pid = todo.pop()
        total += _pss_bytes(pid)
        todo += tree.get(pid, [])
    return total


def tree_peak() -> _measure.PeakRSS:
    """A sampler of the process tree's PSS every 0.1 s while a block runs."""
    return _measure.PeakRSS(0.1, tree_bytes)


def time_tree(
    run: Callable[[], object], repeat: int, jobs: Callable[[], int] | None = None
) -> dict[str, Any]:
    """Wall time of ``repeat`` calls of ``run`` (the caller made the untimed first one), and the
    process tree's PSS: before the first call and its peak during any call, in MB; with a Spark
    job counter, the jobs one call ran."""
    before = jobs() if jobs is not None and repeat else None
    seconds: list[float] = []
    peaks: list[int] = []
    start = 0
    for i in range(repeat):
        _measure.settle()
        with tree_peak() as memory:
            started = time.perf_counter()
            run()
            seconds.append(time.perf_counter() - started)
        start = memory.start if i == 0 else start
        peaks.append(memory.peak)
    if seconds:
        print(
            f"  median {sorted(seconds)[len(seconds) // 2]:.3f} s, tree peak "
            f"{max(peaks) / 1e6:,.0f} MB (from {start / 1e6:,.0f} MB)",
            file=sys.stderr,
        )
    return {
        "seconds": seconds,
        "tree_start_mb": start / 1e6 if seconds else None,
        "tree_peak_mb": max(peaks) / 1e6 if peaks else None,
        "spark_jobs": None if before is None or jobs is None else (jobs() - before) / repeat,
    }


# --- where the data lives ------------------------------------------------------------------------


def spark_session() -> Any:
    """The benchmark's Spark session (see the module docstring)."""
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = LOOPBACK
    from pyspark.sql import SparkSession

    builder = SparkSession.builder
    if os.environ.get("PYTHONPATH"):  # a checkout put first on the path (README): executors too
        builder = builder.config("spark.executorEnv.PYTHONPATH", os.environ["PYTHONPATH"])
    spark = (
        builder.master(MASTER)
        .appName("dataguard-benchmark")
        .config("spark.driver.host", LOOPBACK)
        .config("spark.driver.bindAddress", LOOPBACK)
        .config("spark.driver.memory", DRIVER_MEMORY)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_jobs(spark: Any) -> Callable[[], int]:
    """A counter of the Spark jobs the session has run so far (those of no job group: the
    benchmark sets none), for the jobs a validation takes."""
    tracker = spark.sparkContext.statusTracker()
    return lambda: len(tracker.getJobIdsForGroup(None))


def spark_frame(spark: Any, path: Path) -> Any:
    """The Parquet file as a Spark DataFrame (a plain file scan)."""
    return spark.read.parquet(str(path))


def dask_client() -> Any:
    """A client of a fresh local Dask cluster (see the module docstring); close it after."""
    import logging

    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=DASK_WORKERS,
        threads_per_worker=1,
        processes=True,
        host=LOOPBACK,
        dashboard_address=None,
        scheduler_kwargs={"dashboard": False, "dashboard_address": f"{LOOPBACK}:0"},
        silence_logs=logging.ERROR,
    )
    return Client(cluster)


def dask_frame(path: Path) -> Any:
    """The Parquet file as a Dask DataFrame."""
    import dask.dataframe as dd

    return dd.read_parquet(str(path))


def spark_partitions(frame: Any) -> int:
    """How many partitions a Spark DataFrame has."""
    return int(frame.rdd.getNumPartitions())


# --- the peers' validation runners ---------------------------------------------------------------


@contextmanager
def spark_data(args: Any) -> Iterator[tuple[Any, dict[str, Any]]]:
    """current.parquet of ``--data`` as a Spark DataFrame on the benchmark's session (stopped
    after), with its partitions, rows and the session's start-up time."""
    started = time.perf_counter()
    spark = spark_session()
    frame = spark_frame(spark, _validate.data_file(args))
    info: dict[str, Any] = {"partitions": spark_partitions(frame)}
    info["setup_seconds"] = time.perf_counter() - started
    info["rows"] = int(frame.count())
    info["jobs"] = spark_jobs(spark)
    try:
        yield frame, info
    finally:
        spark.stop()


def measure_and_write(
    args: Any,
    *,
    run: Callable[[], Any],
    checks: Callable[[Any], list[dict[str, Any]]],
    info: dict[str, Any],
    fields: dict[str, Any],
) -> None:
    """Run once for the answers (the warm-up), time ``--repeat`` runs with the process tree's
    memory, and write the protocol's JSON (job ``cluster``, engine ``spark``)."""
    print(f"{fields['tool']} on Spark: {info['rows']:,} rows, answers...", file=sys.stderr)
    jobs = info.pop("jobs")
    started = time.perf_counter()
    answers = checks(run())
    first = time.perf_counter() - started
    timing = time_tree(run, args.repeat, jobs)
    payload = {
        "job": "cluster",
        "engine": "spark",
        "suite": str(args.suite),
        "checks": answers,
        **fields,
        **info,
        "steps": {"validate": {"first_seconds": first, **timing, "shipped": None}},
    }
    _measure.write_result(args.out, payload)
