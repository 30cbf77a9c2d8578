"""The cluster job in dataguard: the suite validated and the file profiled with the local core,
on Spark ``local[2]`` or on a 2-worker Dask ``LocalCluster``, with the same answers.

    python benchmarks/runners/dataguard_cluster.py --engine spark --data DIR --suite SUITE \\
        --repeat R --out FILE.json

``--engine local`` streams ``DIR/current.parquet`` by path (the single-machine core, default
workers); ``spark`` reads it with ``spark.read.parquet`` and ``dask`` with
``dask.dataframe.read_parquet`` (``_cluster.py`` has the settings), and dataguard runs every pass
where the partitions live. Each step (``dg.validate(data, suite, result_format="basic")``, then
``dg.profile(data)``) runs once for its answers, then ``--repeat`` timed runs; the process tree's
PSS is sampled meanwhile (``_cluster.TreePeak``). Session or cluster start-up is timed apart.

Answers: the protocol's ``checks``, ``result_sha256`` (the result's JSON without run metadata:
every check's full result, the statistics and the data's rows, columns and schema hash) and
``profile_sha256`` (the profile's canonical bytes), which must equal the local core's.

Shipped bytes: the answer runs record, through ``dataguard.cluster.observe_shipped`` (the cluster
runners' observation hook), per pass, what each partition sent to the driver (its non-sharded
states) and to the shuffle (its parts of the uniqueness fingerprints), and what the finalized
parts sent to the driver; the timed runs are not observed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import _cluster
import _measure
import _validate

import dataguard as dg
from dataguard.cluster import Shipped, observe_shipped

ENGINES = ("local", "spark", "dask")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with current.parquet")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs of each step")
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    parser.add_argument("--suite", type=Path, required=True, help="suite, JSON (or YAML)")
    parser.add_argument("--engine", choices=ENGINES, required=True)
    return parser.parse_args()


def result_digest(result: dg.ValidationResult) -> str:
    """SHA-256 of the result without run metadata (source name, times, version)."""
    doc = result.to_dict()
    data = doc["run"]["data"]
    kept = {
        "passed": doc["passed"],
        "statistics": doc["statistics"],
        "results": doc["results"],
        "data": {k: data[k] for k in ("rows", "columns", "schema_hash")},
    }
    text = json.dumps(kept, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class Recorder:
    """Collects what the observation hook reports, one list of passes per step."""

    def __init__(self) -> None:
        self.passes: list[dict[str, Any]] = []

    def __call__(self, shipped: Shipped) -> None:
        # Through JSON, as the result file holds it (partition ids and part keys as text).
        self.passes.append(json.loads(json.dumps(asdict(shipped))))


@contextmanager
def engine_data(engine: str, path: Path) -> Iterator[tuple[Any, dict[str, Any]]]:
    """The data as the engine holds it, and what setting it up took."""
    started = time.perf_counter()
    if engine == "local":
        yield path, {"partitions": None, "setup_seconds": 0.0}
        return
    if engine == "spark":
        spark = _cluster.spark_session()
        frame = _cluster.spark_frame(spark, path)
        info = {"partitions": _cluster.spark_partitions(frame), "setup_seconds": 0.0}
        info["setup_seconds"] = time.perf_counter() - started
        info["jobs"] = _cluster.spark_jobs(spark)
        try:
            yield frame, info
        finally:
            spark.stop()
        return
    with _cluster.dask_client() as client:
        frame = _cluster.dask_frame(path)
        info = {"partitions": int(frame.npartitions), "setup_seconds": 0.0}
        info["setup_seconds"] = time.perf_counter() - started
        try:
            yield frame, info
        finally:
            client.cluster.close()


def step(
    name: str, run: Callable[[], Any], repeat: int, jobs: Callable[[], int] | None
) -> tuple[Any, dict[str, Any]]:
    """One step: the observed answer run (also the warm-up), then the timed runs."""
    print(f"  {name}: answers...", file=sys.stderr)
    recorder = Recorder()
    started = time.perf_counter()
    with observe_shipped(recorder):
        answer = run()
    first = time.perf_counter() - started
    timing = _cluster.time_tree(run, repeat, jobs)
    return answer, {"first_seconds": first, **timing, "shipped": recorder.passes}


def main() -> None:
    args = parse_args()
    entries = _validate.entries(_validate.load_document(args.suite))
    suite = dg.load_suite(args.suite)
    path = _validate.data_file(args)
    print(f"dataguard on {args.engine}: {path}", file=sys.stderr)
    with engine_data(args.engine, path) as (data, info):
        jobs = info.pop("jobs", None)
        result, validate = step(
            "validate", lambda: dg.validate(data, suite, result_format="basic"), args.repeat, jobs
        )
        profile, profiled = step("profile", lambda: dg.profile(data), args.repeat, jobs)
    checks = [
        _validate.answer(entry, r.passed, r.unexpected_count)
        for entry, r in zip(entries, result.results, strict=True)
    ]
    settings = {
        "local": "dg.validate(path) / dg.profile(path): the file streamed by the local core, "
        "default chunk size and workers",
        "spark": _cluster.SPARK_SETTINGS,
        "dask": _cluster.DASK_SETTINGS,
    }[args.engine]
    _measure.write_result(
        args.out,
        {
            "tool": "dataguard",
            "version": dg.__version__,
            "job": "cluster",
            "engine": args.engine,
            "rows": result.run.data.rows,
            "suite": str(args.suite),
            "settings": settings + '; validate(result_format="basic"), profile() defaults',
            **info,
            "checks": checks,
            "result_sha256": result_digest(result),
            "profile_sha256": hashlib.sha256(profile.to_bytes()).hexdigest(),
            "steps": {"validate": validate, "profile": profiled},
            "observed": True,
        },
    )


if __name__ == "__main__":
    main()
