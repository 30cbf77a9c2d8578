"""A Spark DataFrame validates, profiles, drifts and splits exactly as its rows do on one machine.

Every registered expectation runs in one suite per partitioning (the Spark work is batched: one
``validate`` per case), and each expectation's result is compared with the single-machine result
on ``df.toArrow()`` (run metadata aside). The rows are laid out in partitions explicitly: a union
of ranges, each read into the example columns by ``mapInArrow``, so partition boundaries fall
where the test says (an ``increasing`` violation and a duplicate straddle them).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dataguard as dg
from dataguard.cli import main
from dataguard.expectations import Unique, registered
from tests.extend.custom import custom_suite
from tests.test_contract import EXAMPLES, NAMES, NOW, TABLES, example

# All Spark modules run on one test worker, all Dask modules on one: two clusters of a kind at
# once would compete for the cores; each module's cluster fixtures still start once.
pytestmark = pytest.mark.xdist_group("spark")

N = 40
#: Where the example's increasing column drops, and where an id repeats an earlier one: both at
#: the start of a partition in every layout below, so the violation and the duplicate straddle a
#: boundary.
DROP, REPEAT = 20, 33
_x = [None if k % 5 == 0 else k / 2 for k in range(N)]
_x[DROP] = 1.25
_ids = list(range(N))
_ids[REPEAT] = 2
TABLE = pa.table(
    {
        "x": pa.array(_x, pa.float64()),
        "y": pa.array([k % 3 + 1 for k in range(N)], pa.int64()),
        "s": pa.array([None if k % 7 == 3 else "abcab"[k % 5] for k in range(N)], pa.string()),
        "t": pa.array([dt.datetime(2020, 1, 1 + k % 12) for k in range(N)], pa.timestamp("us")),
        "id": pa.array(_ids, pa.int64()),
    }
)

SCHEMA = "x double, y long, s string, t timestamp_ntz, id long"

#: Each layout's ranges of rows (start, stop, partitions), in order. Spark cuts a range of one
#: row into two partitions as an empty one and the row.
LAYOUTS: dict[str, Sequence[tuple[int, int, int]]] = {
    # 8 small partitions, 2 of them empty
    "many": [
        (0, 1, 2),
        (1, 7, 1),
        (7, DROP, 1),
        (DROP, DROP + 1, 2),
        (DROP + 1, REPEAT, 1),
        (REPEAT, N, 1),
    ],
    "one": [(0, N, 1)],
    # skewed: one row, an empty partition, one row, then large partitions; (Spark joins a
    # union of single partitions into one partition: the empty one keeps them apart)
    "skewed": [(0, 1, 1), (1, 2, 2), (2, DROP, 1), (DROP, REPEAT, 1), (REPEAT, N, 1)],
}
#: (layout, result format, id columns): every layout in both formats, with and without ids.
CASES = [
    (layout, fmt, ids)
    for layout in LAYOUTS
    for fmt in ("summary", "complete")
    for ids in ((), ("id",))
]


def _rows(table: pa.Table, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        yield from table.take(batch.column(0)).to_batches()


@pytest.fixture(scope="module", autouse=True)
def _by_value(spark: Any) -> None:
    """Executors cannot import this test module: its functions travel by value."""
    from pyspark import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])


def frame(
    session: Any,
    ranges: Sequence[tuple[int, int, int]],
    table: pa.Table = TABLE,
    schema: str = SCHEMA,
) -> Any:
    """``table``'s rows in the partitions ``ranges`` says, in order."""
    # A distinct constant per range: Spark merges a union of adjacent plain ranges into one.
    pieces = [
        session.range(a, b, numPartitions=p).selectExpr("id", f"{k} AS range")
        for k, (a, b, p) in enumerate(ranges)
    ]
    rows = functools.reduce(lambda left, right: left.union(right), pieces)
    return rows.mapInArrow(functools.partial(_rows, table), schema)


def _dicts(result: dg.ValidationResult) -> dict[str, dict[str, Any]]:
    return {r.expectation.name: r.to_dict() for r in result.results}  # no run timing


SUITE = dg.Suite([example(name) for name in NAMES])


@pytest.fixture(scope="module")
def outcomes(spark: Any) -> dict[tuple[str, str, tuple[str, ...]], tuple[Any, Any]]:
    """For every case, the Spark results and the single-machine results, by expectation."""
    found = {}
    for layout, fmt, ids in CASES:
        df = frame(spark, LAYOUTS[layout])
        assert df.rdd.getNumPartitions() == sum(p for _, _, p in LAYOUTS[layout])
        local = dg.validate(
            df.toArrow(), SUITE, result_format=fmt, id_columns=ids, tables=TABLES, now=NOW
        )
        remote = dg.validate(df, SUITE, result_format=fmt, id_columns=ids, tables=TABLES, now=NOW)
        assert remote.run.data.rows == local.run.data.rows == N
        assert remote.run.data.schema_hash == local.run.data.schema_hash
        found[layout, fmt, ids] = (_dicts(remote), _dicts(local))
    return found


def test_the_suite_covers_the_registry() -> None:
    assert sorted(EXAMPLES) == NAMES == sorted({e.name for e in SUITE.expectations})


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("layout", "fmt", "ids"), CASES)
def test_spark_result_equals_local(
    outcomes: dict[Any, tuple[Any, Any]], layout: str, fmt: str, ids: tuple[str, ...], name: str
) -> None:
    remote, local = outcomes[layout, fmt, ids]
    assert remote[name] == local[name]


def test_boundary_cases_are_caught(outcomes: dict[Any, tuple[Any, Any]]) -> None:
    """The straddling violation and duplicate are found (not just equal to a local miss)."""
    remote, _ = outcomes["many", "complete", ()]
    assert DROP in remote["increasing"]["unexpected_index_list"]
    assert {2, REPEAT} <= set(remote["unique"]["unexpected_index_list"])


def test_groups_equal_local(spark: Any) -> None:
    """Every expectation judged per group of ``s`` (a group of missing values among them): the
    groups' states travel from the partitions and their rows are shifted into place."""
    suite = dg.Suite(SUITE.expectations, group_by=("s",))
    df = frame(spark, LAYOUTS["many"])
    run = functools.partial(
        dg.validate, suite=suite, result_format="complete", tables=TABLES, now=NOW
    )
    local = [r.to_dict() for r in run(df.toArrow()).results]
    assert {"s": None} in [r.get("group") for r in local]
    assert [r.to_dict() for r in run(df).results] == local


def test_spark_connect_result_equals_local(spark_connect: Any) -> None:
    """A Spark Connect session's DataFrame runs the same passes (its tasks know their
    partition too)."""
    df = frame(spark_connect, LAYOUTS["many"])
    local = dg.validate(
        df.toArrow(), SUITE, result_format="complete", id_columns=("id",), tables=TABLES, now=NOW
    )
    remote = dg.validate(
        df, SUITE, result_format="complete", id_columns=("id",), tables=TABLES, now=NOW
    )
    assert _dicts(remote) == _dicts(local)


def test_progress_hears_every_pass_up_to_every_row(spark: Any) -> None:
    calls: list[tuple[int, int, int]] = []
    df = frame(spark, LAYOUTS["many"])
    dg.validate(df, [Unique("id")], progress=lambda *call: calls.append(call))
    passes = sorted({number for number, _, _ in calls})
    assert len(passes) >= 2  # fingerprints, then the repeated values
    for number in passes:
        read = [rows for n, _, rows in calls if n == number]
        assert read == sorted(read)
        assert read[-1] == N


def test_profile_saves_the_same_bytes(spark: Any, tmp_path: Path) -> None:
    df = frame(spark, LAYOUTS["many"])
    remote = dg.profile(df, comoments=True).save(tmp_path / "spark.json")
    local = dg.profile(df.toArrow(), comoments=True).save(tmp_path / "local.json")
    assert remote.read_bytes() == local.read_bytes()


def _drift_dict(report: Any) -> dict[str, Any]:
    document: dict[str, Any] = report.to_dict()
    document.pop("run")
    return document


def test_drift_is_the_same(spark: Any, tmp_path: Path) -> None:
    reference = dg.profile(TABLE.slice(0, 25), comoments=True)
    df = frame(spark, LAYOUTS["skewed"])
    remote = dg.drift(df, reference=reference, multivariate=True)
    local = dg.drift(df.toArrow(), reference=reference, multivariate=True)
    assert _drift_dict(remote) == _drift_dict(local)
    assert remote.drifted == local.drifted


def test_cli_engine_spark_gives_the_local_results(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, suite = tmp_path / "big.parquet", tmp_path / "s.yaml"
    # Spark cannot read Parquet nanosecond timestamps: the file holds microseconds.
    pq.write_table(TABLE, data, coerce_timestamps="us")
    SUITE.dump(suite)
    other = tmp_path / "other.parquet"
    pq.write_table(TABLES["other"], other)
    common = [
        *("validate", str(data), "--suite", str(suite), "--format", "json"),
        *("--table", f"other={other}", "--now", NOW.isoformat()),
    ]
    local_code = main(common)
    local = json.loads(capsys.readouterr().out)
    spark_code = main([*common, "--engine", "spark", "--spark-master", "local[2]"])
    remote = json.loads(capsys.readouterr().out)
    assert spark_code == local_code == 1
    assert remote["results"] == local["results"]
    assert remote["run"]["data"]["rows"] == local["run"]["data"]["rows"] == N
    assert remote["run"]["data"]["schema_hash"] == local["run"]["data"]["schema_hash"]


#: The registry's row rules, plus a conditioned ``increasing`` whose violation (the repeated id)
#: straddles a partition boundary among the rows the condition keeps.
SPLIT_SUITE = dg.Suite(
    [
        *SUITE.expectations,
        registered()["increasing"].from_dict({"column": "id", "where": "y >= 2"}),
        registered()["between"].from_dict({"column": "x", "max_value": 8, "where": "y != 2"}),
    ]
)


def test_split_gives_the_local_parts_lazily(spark: Any) -> None:
    df = frame(spark, LAYOUTS["many"])
    local_good, local_bad = dg.split(
        df.toArrow(), SPLIT_SUITE, fail_on="warning", reason_column="why", tables=TABLES
    )
    good, bad = dg.split(df, SPLIT_SUITE, fail_on="warning", reason_column="why", tables=TABLES)
    assert type(good) is type(df)
    assert good.toArrow().equals(local_good)
    assert bad.toArrow().equals(local_bad)
    assert DROP in bad.toArrow().column("id").to_pylist()  # the straddling violation
    plain_good, plain_bad = dg.split(df, SPLIT_SUITE, tables=TABLES)
    local_plain = dg.split(df.toArrow(), SPLIT_SUITE, tables=TABLES)
    assert plain_good.toArrow().equals(local_plain[0])
    assert plain_bad.toArrow().equals(local_plain[1])


def test_a_computed_frame_is_persisted_only_for_the_call(
    spark: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several passes over a frame that is not a file scan read it persisted (the same rows
    each time), and the cache is released when the call returns."""
    df = frame(spark, LAYOUTS["skewed"])
    persisted: list[bool] = []
    original = type(df).persist

    def persist(self: Any, *args: Any) -> Any:
        persisted.append(True)
        return original(self, *args)

    monkeypatch.setattr(type(df), "persist", persist)
    dg.validate(df, dg.Suite([registered()["unique"].from_dict({"column": "id"})]))
    assert persisted == [True]
    assert not df.is_cached


def test_custom_expectations_run_on_the_executors(spark: Any) -> None:
    df = frame(spark, LAYOUTS["many"])
    with custom_suite() as suite:
        remote = dg.validate(df, suite, result_format="complete", id_columns=("id",))
        local = dg.validate(df.toArrow(), suite, result_format="complete", id_columns=("id",))
        good, bad = dg.split(df, suite)
        here_good, here_bad = dg.split(df.toArrow(), suite)
    assert [r.to_dict() for r in remote.results] == [r.to_dict() for r in local.results]
    assert bad.toArrow().equals(here_bad)
    assert good.toArrow().equals(here_good)


def test_the_other_table_may_be_a_spark_frame_too(spark: Any) -> None:
    """A cross-table check of a Spark frame against another Spark frame: both are read on the
    cluster; the result is the one of the same rows on one machine."""
    suite = dg.Suite([example("foreign_key"), example("row_count_equal_table")])
    df = frame(spark, LAYOUTS["many"])
    other = spark.createDataFrame(TABLES["other"].to_pandas()).repartition(2)
    remote = dg.validate(df, suite, tables={"other": other})
    local = dg.validate(df.toArrow(), suite, tables=TABLES)
    assert _dicts(remote) == _dicts(local)
    assert remote.results[0].unexpected_count > 0


def test_drift_by_group_is_the_same(spark: Any) -> None:
    """Each group of a Spark frame, counted where its partitions live, drifts as locally; the
    group column ``s`` has a missing value, so one group is keyed null."""
    df = frame(spark, LAYOUTS["skewed"])
    remote = dg.drift(df, reference=TABLE.slice(0, 25), group_by=["s"])
    local = dg.drift(df.toArrow(), reference=TABLE.slice(0, 25), group_by=["s"])
    assert list(remote.groups) == list(local.groups)
    assert (None,) in remote.groups
    assert [_drift_dict(r) for r in remote.groups.values()] == [
        _drift_dict(r) for r in local.groups.values()
    ]


def test_cli_engine_spark_reads_quoted_empty_csv_fields_as_locally(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A quoted empty field is the empty string in a text column and missing in any other (also
    in a column Spark reads as text that the suite declares a number); a bare one is missing."""
    data, suite = tmp_path / "quoted.csv", tmp_path / "s.yaml"
    data.write_text(
        'id,email,amount,day,none\n1,"a@b.c",1.5,2024-01-02,""\n2,"","",,""\n'
        '3,,"",2024-01-03,""\n4,"x@y.z",,"",""\n'
    )
    suite.write_text(
        "schema:\n  columns:\n    none: {type: integer, nullable: true}\n"
        "expectations:\n"
        + "".join(f"  - {{type: not_null, column: {c}}}\n" for c in ("email", "amount", "day"))
        + "  - {type: not_null, column: none}\n"
        + '  - {type: matches_regex, column: email, regex: "@"}\n'
    )
    common = ["validate", str(data), "--suite", str(suite), "--format", "json"]
    local_code = main(common)
    local = json.loads(capsys.readouterr().out)
    spark_code = main([*common, "--engine", "spark", "--spark-master", "local[2]"])
    remote = json.loads(capsys.readouterr().out)
    assert spark_code == local_code == 1
    assert remote["results"] == local["results"]
    counts = [r.get("unexpected_count") for r in local["results"]]
    assert counts[-5:] == [1, 3, 2, 4, 1]  # email: the bare field; its pattern: ""
