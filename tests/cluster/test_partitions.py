"""The cluster protocol without a cluster: partitions computed apart, shipped only as bytes, parts
of sharded states gathered by key, everything handed over in a scrambled order. Whatever the
partitioning, results, profiles and drift equal the single-machine ones on the same rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import cloudpickle
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import dataguard as dg
from dataguard._frame import BaseSource, Batch, ColumnInfo, Source, as_source
from dataguard.cluster._partitions import STATES, PartitionPass
from dataguard.expectations import Increasing, Unique
from dataguard.metrics import Values
from tests.extend.custom import custom_suite
from tests.test_contract import DATA, NAMES, NOW, TABLES, example

Bounds = tuple[tuple[int, int], ...]

PARTITIONINGS: dict[str, Bounds] = {
    # Some empty, a boundary inside the run of equal and decreasing dates.
    "many small": ((0, 0), (0, 3), (3, 3), (3, 7), (7, 12), (12, 12), (12, 13), (13, 20)),
    "one": ((0, 20),),
    "skewed": ((0, 1), (1, 19), (19, 20)),
}


class _Runner:
    """Runs each pass as a cluster would: partition by partition, bytes only between them.
    ``to_driver`` records, per pass, the bytes that reached the driver, and ``per_partition``
    the largest partition's own states among them."""

    def __init__(self, table: pa.Table, bounds: Bounds, view: Any = None, reads: Any = ()) -> None:
        self.table, self.bounds, self.view, self.reads = table, bounds, view, tuple(reads)
        self.to_driver: list[int] = []
        self.per_partition: list[int] = []

    def viewed(self, view: Callable[[Source], Source], reads: Sequence[str]) -> _Runner:
        runner = _Runner(self.table, self.bounds, view, reads)
        runner.to_driver, runner.per_partition = self.to_driver, self.per_partition
        return runner

    def run_pass(self, metrics: Any, inputs: Values, *, chunk_size: Any, progress: Any) -> Values:
        task = PartitionPass(tuple(metrics), inputs, self.view, self.reads, chunk_size)
        shipped: list[tuple[int, int, bytes]] = []
        for partition, (start, stop) in enumerate(self.bounds):
            rows = self.table.slice(start, stop - start).select(task.columns)
            schema = self.table.select(task.columns).schema
            # Batches of a few rows each, so that batch boundaries fall inside partitions too.
            for key, blob in task.run(
                rows.to_batches(max_chunksize=max(2, len(rows) // 4)), schema
            ):
                shipped.append((key, partition, bytes(blob)))
        assert {k for k, _, _ in shipped} == set(task.blob_keys())
        shipped.reverse()  # arrival order is not partition order
        shards = {
            key: task.finalize_shard(key, [(p, b) for k, p, b in shipped if k == key])
            for key in task.blob_keys()
            if key != STATES
        }
        parts = [(p, b) for k, p, b in shipped if k == STATES]
        self.to_driver.append(sum(len(b) for _, b in parts) + sum(map(len, shards.values())))
        self.per_partition.append(max(len(b) for _, b in parts))
        return task.combine(parts, shards)


class _Partitioned(BaseSource):
    """A table split in partitions that only ``_Runner`` reads."""

    def __init__(self, table: pa.Table, bounds: Bounds) -> None:
        self._local = as_source(table)
        self._runner = _Runner(table, bounds)

    @property
    def names(self) -> tuple[str, ...]:
        return self._local.names

    @property
    def dtypes(self) -> tuple[str, ...]:
        return self._local.dtypes

    def info(self, name: str) -> ColumnInfo:
        return self._local.info(name)

    @property
    def num_rows(self) -> None:
        return None

    @property
    def description(self) -> str:
        return self._local.description

    @property
    def reiterable(self) -> bool:
        return True

    @property
    def on_disk(self) -> bool:
        return True

    @property
    def runner(self) -> _Runner:
        return self._runner

    def batches(self, names: Sequence[str], chunk_size: int | None) -> Iterator[Batch]:
        raise AssertionError("a partitioned source is read by its runner only")


#: Every registered expectation, plus a duplicate across partitions and an order broken at a
#: partition boundary.
SUITE = dg.Suite([example(name) for name in NAMES] + [Unique(column="y"), Increasing(column="t")])


def _results(result: dg.ValidationResult) -> list[dict[str, Any]]:
    return [r.to_dict() for r in result.results]


@pytest.mark.parametrize("partitioning", sorted(PARTITIONINGS))
@pytest.mark.parametrize("result_format", ["summary", "complete"])
@pytest.mark.parametrize("ids", [(), ("id",)])
# A partition's small batches are joined before the metrics read them: by default into one
# batch here, with a chunk size of 3 into batches whose boundaries fall inside partitions.
@pytest.mark.parametrize("chunk_size", [None, 3])
def test_every_expectation_judges_partitions_as_one_table(
    partitioning: str, result_format: str, ids: tuple[str, ...], chunk_size: int | None
) -> None:
    source = _Partitioned(DATA, PARTITIONINGS[partitioning])
    there = dg.validate(
        source,
        SUITE,
        result_format=result_format,
        id_columns=ids,
        chunk_size=chunk_size,
        tables=TABLES,
        now=NOW,
    )
    here = dg.validate(
        DATA, SUITE, result_format=result_format, id_columns=ids, tables=TABLES, now=NOW
    )
    for expectation, a, b in zip(SUITE.expectations, _results(there), _results(here), strict=True):
        assert a == b, expectation.name
    # The dates fall back once, at row 12: the first row of a partition in most partitionings.
    assert there.results[-1].unexpected_count == 1


@pytest.mark.parametrize("partitioning", sorted(PARTITIONINGS))
def test_a_profile_of_partitions_is_the_profile_of_the_table(partitioning: str) -> None:
    bounds = PARTITIONINGS[partitioning]
    here = dg.profile(DATA)
    assert dg.profile(_Partitioned(DATA, bounds)).to_bytes() == here.to_bytes()
    shifted = DATA.set_column(0, "x", pc.add(DATA["x"], 100.0))
    there = dg.drift(_Partitioned(shifted, bounds), reference=here)
    assert _columns(there) == _columns(dg.drift(shifted, reference=here))
    assert there.drifted_columns == ("x",)


def _columns(report: dg.DriftReport) -> list[dict[str, Any]]:
    return [c.to_dict() for c in report.columns.values()]


def test_what_reaches_the_driver_does_not_grow_with_the_rows() -> None:
    """Per partition and pass, the bytes shipped to the driver stay put when each partition
    holds ten times the rows: uniqueness is settled where the fingerprints are gathered."""
    suite = dg.Suite(
        [
            Unique(column="id"),
            dg.expectations.Between(column="x", min_value=0, max_value=1),
            dg.expectations.NotNull(column="s"),
        ]
    )
    shipped = {}
    for rows in (20_000, 200_000):
        ids = pa.array(range(rows * 4), pa.int64())
        table = pa.table(
            {
                "id": pc.if_else(pc.equal(ids, 7), 8, ids),  # one duplicate
                "x": pc.divide(pc.cast(ids, pa.float64()), rows * 4),
                "s": pc.cast(ids, pa.string()),
            }
        )
        source = _Partitioned(table, tuple((k * rows, (k + 1) * rows) for k in range(4)))
        result = dg.validate(source, suite)
        assert [r.unexpected_count for r in result.results] == [2, 0, 0]
        shipped[rows] = max(source.runner.to_driver) / 4
    assert shipped[200_000] < 1.2 * shipped[20_000], shipped


def test_a_profile_ships_no_more_to_the_driver_as_rows_grow() -> None:
    """A text column with a distinct value per row, and a float column: their counts are
    gathered and finalized by part on the cluster (fingerprint counts, the pool filter in
    slices, refinement histograms in slices), so each partition sends the driver the same few
    bytes whatever its rows. The driver receives the parts' top candidates, one filter, and
    the refinement's collected values, bounded in all (``Budget.collect``)."""
    per_partition, text = {}, {}
    for rows in (20_000, 200_000):
        ids = pa.array(range(rows * 4), pa.int64())
        table = pa.table(
            {
                "id": pc.cast(ids, pa.string()),
                "kind": pc.cast(pc.bit_wise_and(ids, 15), pa.string()),
                "x": pc.sin(pc.cast(ids, pa.float64())),
            }
        )
        bounds = tuple((k * rows, (k + 1) * rows) for k in range(4))
        source = _Partitioned(table, bounds)
        assert dg.profile(source).to_bytes() == dg.profile(table).to_bytes()
        per_partition[rows] = max(source.runner.per_partition)
        texts = _Partitioned(table.select(["id", "kind"]), bounds)
        dg.profile(texts)
        text[rows] = max(texts.runner.to_driver)
    assert per_partition[200_000] < 1.2 * per_partition[20_000], per_partition
    assert text[200_000] < 1.2 * text[20_000], text


class _PickledRunner(_Runner):
    """A runner whose tasks reach the partitions pickled, as a cluster ships them."""

    def run_pass(self, metrics: Any, inputs: Values, *, chunk_size: Any, progress: Any) -> Values:
        travelled = cloudpickle.loads(cloudpickle.dumps((tuple(metrics), inputs, self.view)))
        runner = _Runner(self.table, self.bounds, travelled[2], self.reads)
        runner.to_driver, runner.per_partition = self.to_driver, self.per_partition
        return runner.run_pass(travelled[0], travelled[1], chunk_size=chunk_size, progress=progress)

    def viewed(self, view: Callable[[Source], Source], reads: Sequence[str]) -> _Runner:
        runner = _PickledRunner(self.table, self.bounds, view, reads)
        runner.to_driver, runner.per_partition = self.to_driver, self.per_partition
        return runner


@pytest.mark.parametrize("partitioning", sorted(PARTITIONINGS))
def test_custom_expectations_judge_partitions_as_one_table(partitioning: str) -> None:
    source = _Partitioned(DATA, PARTITIONINGS[partitioning])
    source._runner = _PickledRunner(DATA, PARTITIONINGS[partitioning])
    with custom_suite() as suite:
        there = dg.validate(source, suite, result_format="complete", id_columns=("id",))
        here = dg.validate(DATA, suite, result_format="complete", id_columns=("id",))
    assert _results(there) == _results(here)
    assert not there.results[0].passed
