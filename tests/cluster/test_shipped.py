"""What cluster passes ship, as ``observe_shipped`` reports it, on Spark ``local[2]`` (classic
and Connect sessions) and on a two-worker Dask cluster: one report per pass, one entry per
partition, and bytes to the driver that do not grow with the rows while the uniqueness
fingerprints go to the shuffle."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

import dataguard as dg
from dataguard.cluster import Shipped, as_source, observe_shipped
from dataguard.cluster._shipped import shipped_observer
from dataguard.expectations import Between, NotNull, Unique

# All Spark modules run on one test worker, all Dask modules on one: two clusters of a kind at
# once would compete for the cores; each module's cluster fixtures still start once.
pytestmark = pytest.mark.xdist_group("spark")

PARTITIONS = 4
#: A duplicate id (row 7 repeats 8), so that the uniqueness check needs its second pass.
SUITE = dg.Suite([Unique(column="id"), NotNull(column="x"), Between(column="x", min_value=0)])

#: A cluster's data frame of ``rows`` rows in ``PARTITIONS`` partitions of consecutive rows.
MakeFrame = Callable[[int], Any]


def spark_frame(spark: Any, rows: int) -> Any:
    """Ids 0.. (row 7 repeats 8), x and s from the id."""
    return spark.range(0, rows, numPartitions=PARTITIONS).selectExpr(
        "CASE WHEN id = 7 THEN 8 ELSE id END AS id",
        f"CAST(id AS DOUBLE) / {rows} AS x",
        "CAST(id AS STRING) AS s",
    )


def dask_frame(rows: int) -> Any:
    """The rows of ``spark_frame``."""
    import dask.dataframe as dd

    ids = np.arange(rows)
    table = pd.DataFrame({"id": np.where(ids == 7, 8, ids), "x": ids / rows, "s": ids.astype(str)})
    return dd.from_pandas(table, npartitions=PARTITIONS, sort=True)


@pytest.fixture(params=["spark", "spark_connect", "dask"])
def make_frame(request: pytest.FixtureRequest) -> Iterator[MakeFrame]:
    """The frame builder of each engine (a classic Spark session, a Spark Connect one, Dask),
    its cluster started once per module."""
    if request.param != "dask":
        yield functools.partial(spark_frame, request.getfixturevalue(request.param))
        return
    with request.getfixturevalue("dask_client").as_current():
        yield dask_frame


def observed(run: Callable[[], Any]) -> tuple[Any, list[Shipped]]:
    """What ``run`` returns, and every report of its passes."""
    reports: list[Shipped] = []
    with observe_shipped(reports.append):
        answer = run()
    return answer, reports


def test_every_pass_reports_once_with_every_partition(
    make_frame: MakeFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = make_frame(4_000)
    passes: list[int] = []
    runner = type(as_source(frame).runner)

    def counted(self: Any, metrics: Any, *args: Any, **kwargs: Any) -> Any:
        passes.append(len(metrics))
        return run_pass(self, metrics, *args, **kwargs)

    run_pass = runner.run_pass
    monkeypatch.setattr(runner, "run_pass", counted)
    result, reports = observed(lambda: dg.validate(frame, SUITE))
    assert len(passes) >= 2  # fingerprints, then the values of the repeated ones
    assert len(reports) == len(passes)
    for report in reports:
        assert sorted(report.to_driver) == list(range(PARTITIONS))
        assert all(size > 0 for size in report.to_driver.values())
    # The fingerprints of the unique column go to the shuffle from every partition, and only
    # their finalized parts reach the driver.
    shuffling = [r for r in reports if r.to_shuffle]
    assert shuffling
    for report in shuffling:
        assert "id" in report.columns
        assert sorted(report.to_shuffle) == list(range(PARTITIONS))
        assert all(size > 0 for size in report.to_shuffle.values())
        assert report.finalized
    assert [r.unexpected_count for r in result.results] == [2, 0, 0]
    assert dg.validate(frame, SUITE).to_dict()["results"] == result.to_dict()["results"]


def test_a_profile_reports_its_passes(make_frame: MakeFrame) -> None:
    frame = make_frame(2_000)
    profile, reports = observed(lambda: dg.profile(frame))
    assert reports
    assert all(sorted(r.to_driver) == list(range(PARTITIONS)) for r in reports)
    assert profile.to_bytes() == dg.profile(frame).to_bytes()


def test_bytes_to_the_driver_do_not_grow_with_the_rows(make_frame: MakeFrame) -> None:
    """Ten times the rows per partition: each partition's bytes to the driver stay about the
    same (no fingerprint per row reaches it), while its bytes to the shuffle grow with them."""
    driver, shuffle = {}, {}
    for rows in (PARTITIONS * 2_000, PARTITIONS * 20_000):
        _, reports = observed(functools.partial(dg.validate, make_frame(rows), SUITE))
        driver[rows] = max(max(r.to_driver.values()) for r in reports)
        shuffle[rows] = max(max(r.to_shuffle.values(), default=0) for r in reports)
    small, large = sorted(driver)
    assert driver[large] < 1.2 * driver[small], driver
    assert shuffle[large] > 5 * shuffle[small], shuffle


def test_no_observer_is_called_outside_its_block(make_frame: MakeFrame) -> None:
    frame = make_frame(400)
    reports: list[Shipped] = []
    with observe_shipped(reports.append):
        dg.validate(frame, SUITE)
    heard = len(reports)
    assert heard > 0
    dg.validate(frame, SUITE)
    assert len(reports) == heard


def test_observers_nest_and_are_restored() -> None:
    outer: list[Shipped] = []
    inner: list[Shipped] = []
    assert shipped_observer() is None
    with observe_shipped(outer.append):
        with observe_shipped(inner.append):
            assert shipped_observer() == inner.append
        assert shipped_observer() == outer.append
        with pytest.raises(RuntimeError), observe_shipped(inner.append):
            raise RuntimeError
        assert shipped_observer() == outer.append
    assert shipped_observer() is None


def test_observing_runs_no_extra_spark_job(spark: Any) -> None:
    """Spark measures each partition's parts in the pass's own job."""
    frame = spark_frame(spark, 4_000)
    tracker = spark.sparkContext.statusTracker()
    jobs = []
    for observing in (False, True, False):
        before = len(tracker.getJobIdsForGroup(None))
        if observing:
            _, reports = observed(lambda: dg.validate(frame, SUITE))
            assert reports
        else:
            dg.validate(frame, SUITE)
        jobs.append(len(tracker.getJobIdsForGroup(None)) - before)
    assert jobs[0] == jobs[1] == jobs[2], jobs


def test_observing_adds_one_small_dask_task_per_partition_and_shuffle(dask_client: Any) -> None:
    """Without an observer a pass runs only its own tasks; with one, each partition's count of
    its parts' bytes is one more task in a pass that shuffles."""
    from distributed import get_task_stream

    frame = dask_frame(4_000)
    tasks = []
    shuffling = 0
    with dask_client.as_current():
        for observing in (False, True, False):
            with get_task_stream(dask_client) as stream:
                if observing:
                    _, reports = observed(lambda: dg.validate(frame, SUITE))
                    shuffling = sum(1 for r in reports if r.to_shuffle)
                else:
                    dg.validate(frame, SUITE)
            tasks.append(len(stream.data))
    assert shuffling >= 1
    assert tasks[0] == tasks[2] == tasks[1] - PARTITIONS * shuffling, tasks
