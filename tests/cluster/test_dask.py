"""The Dask backend gives what the single-machine engine gives on the same rows as a pyarrow
table: for every registered expectation, for every way of cutting the rows into partitions.

The registry cases share few cluster runs: one validation of the whole registry suite per
partitioning, format and id setting, each expectation's result then compared on its own.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import logging
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import dataguard as dg
from dataguard._frame import ReadPlan, as_source
from dataguard.cluster import _dask
from dataguard.expectations import Expectation, Increasing, Unique, registered
from tests.extend.custom import custom_suite
from tests.test_contract import NAMES, NOW, TABLES, example

# All Spark modules run on one test worker, all Dask modules on one: two clusters of a kind at
# once would compete for the cores; each module's cluster fixtures still start once.
pytestmark = pytest.mark.xdist_group("dask")

#: Partition boundaries (row numbers where a partition starts), each a list of cuts of ROWS rows.
ROWS = 60
LAYOUTS: dict[str, list[int]] = {
    # Many small partitions, some empty (the first, between others, the last).
    "many": [0, 0, 5, 12, 20, 20, 24, 38, 45, 45, 60, 60],
    "one": [0, 60],
    # One big partition among tiny ones.
    "skewed": [0, 1, 2, 20, 58, 60],
}
FORMATS = ("summary", "complete")
IDS: dict[str, tuple[str, ...]] = {"numbered": (), "ids": ("id",)}


def rows() -> pd.DataFrame:
    """The registry examples' columns (see tests/test_contract.py), longer, with an
    ``increasing`` violation on each side of a partition boundary and a duplicate id whose
    copies sit in different partitions."""
    k = np.arange(ROWS)
    x = np.where(k % 5 == 0, np.nan, k / 2)
    x[19] = 100.0  # the next present value (row 21, after the boundary at 20 and a null) breaks
    x[24] = 1.0  # a break on the first row of a partition
    ids = k.copy()
    ids[45] = 5  # a copy of row 5's id, in another partition
    return pd.DataFrame(
        {
            "x": x,
            "y": k % 3 + 1,
            "s": pd.Series(
                [None if i % 7 == 3 else "abcab"[i % 5] for i in range(ROWS)], dtype=object
            ),
            "t": pd.Series(
                [dt.datetime(2020, 1, 1 + i % 12) for i in range(ROWS)], dtype="datetime64[us]"
            ),
            "id": ids,
        }
    )


def partitioned(frame: pd.DataFrame, bounds: Sequence[int]) -> Any:
    """A Dask frame whose partitions are exactly ``frame``'s rows between consecutive bounds."""
    import dask
    import dask.dataframe as dd

    parts = [dask.delayed(frame.iloc[a:b]) for a, b in itertools.pairwise(bounds)]
    # Persisted: every pass reads the partitions held by the workers, not the graph again.
    return dd.from_delayed(parts, meta=frame.iloc[:0], verify_meta=False).persist()


def as_table(dask_frame: Any) -> pa.Table:
    """The same rows, as a pyarrow table on this machine."""
    return pa.Table.from_pandas(dask_frame.compute(), preserve_index=False)


def registry_suite() -> list[Expectation]:
    """A valid instance of every registered expectation, in name order."""
    return [example(name) for name in NAMES]


def comparable(result: dg.ValidationResult) -> dict[str, Any]:
    """Everything in a result except its run metadata (timings, the data's description)."""
    doc = result.to_dict()
    data = doc.pop("run")["data"]
    doc["rows"], doc["schema_hash"] = data["rows"], data["schema_hash"]
    return doc


@pytest.fixture(scope="module")
def registry_results(dask_client: Any) -> dict[tuple[str, str, str], Any]:
    """For each partitioning, format and id setting: the Dask and the local result of the whole
    registry suite on the same rows."""
    frame, suite = rows(), registry_suite()
    results = {}
    with dask_client.as_current():
        for layout, bounds in LAYOUTS.items():
            data = partitioned(frame, bounds)
            table = as_table(data)
            for fmt in FORMATS:
                for ids_name, ids in IDS.items():
                    on_dask = dg.validate(
                        data, suite, result_format=fmt, id_columns=ids, tables=TABLES, now=NOW
                    )
                    here = dg.validate(
                        table, suite, result_format=fmt, id_columns=ids, tables=TABLES, now=NOW
                    )
                    results[layout, fmt, ids_name] = (comparable(on_dask), comparable(here))
    return results


@pytest.mark.parametrize("ids", IDS)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", NAMES)
def test_every_expectation_as_on_one_machine(
    registry_results: dict[tuple[str, str, str], Any], name: str, layout: str, fmt: str, ids: str
) -> None:
    on_dask, here = registry_results[layout, fmt, ids]
    position = NAMES.index(name)
    assert on_dask["results"][position] == here["results"][position]


@pytest.fixture(scope="module")
def grouped_results(dask_client: Any) -> dict[str, Any]:
    """For each partitioning: the Dask and the local result of the registry suite judged per
    group of ``s`` (with a group of missing values), every row and value kept."""
    suite = dg.Suite(registry_suite(), group_by=("s",))
    results = {}
    with dask_client.as_current():
        for layout in ("many", "skewed"):
            data = partitioned(rows(), LAYOUTS[layout])
            run = functools.partial(
                dg.validate, suite=suite, result_format="complete", tables=TABLES, now=NOW
            )
            results[layout] = (comparable(run(data)), comparable(run(as_table(data))))
    return results


@pytest.mark.parametrize("layout", ["many", "skewed"])
def test_groups_as_on_one_machine(grouped_results: dict[str, Any], layout: str) -> None:
    on_dask, here = grouped_results[layout]
    assert {"s": None} in [r.get("group") for r in here["results"]]
    assert on_dask == here


@pytest.mark.parametrize("ids", IDS)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_whole_result_as_on_one_machine(
    registry_results: dict[tuple[str, str, str], Any], layout: str, fmt: str, ids: str
) -> None:
    on_dask, here = registry_results[layout, fmt, ids]
    assert on_dask == here


def test_the_boundary_cases_fail(registry_results: dict[tuple[str, str, str], Any]) -> None:
    """The cases straddling partitions are in the data: both rules fail on the rows named."""
    on_dask, _ = registry_results["many", "complete", "numbered"]
    increasing = on_dask["results"][NAMES.index(Increasing.name)]
    assert {21, 24} <= set(increasing["unexpected_index_list"])
    unique = on_dask["results"][NAMES.index(Unique.name)]
    assert {5, 45} <= set(unique["unexpected_index_list"])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_profile_saves_the_same_bytes(dask_client: Any, layout: str) -> None:
    with dask_client.as_current():
        data = partitioned(rows(), LAYOUTS[layout])
        table = as_table(data)
        assert dg.profile(data).to_bytes() == dg.profile(table).to_bytes()
        assert dg.profile(data, comoments=True).to_bytes() == (
            dg.profile(table, comoments=True).to_bytes()
        )


def drift_doc(report: dg.DriftReport) -> dict[str, Any]:
    doc = report.to_dict()
    doc.pop("run")
    return doc


@pytest.mark.parametrize("layout", LAYOUTS)
def test_drift_is_identical(dask_client: Any, layout: str) -> None:
    current = rows()
    current["x"] = current["x"] * 1.5 + 3  # a shifted distribution: drift to detect
    reference = dg.profile(pa.Table.from_pandas(rows(), preserve_index=False), comoments=True)
    with dask_client.as_current():
        data = partitioned(current, LAYOUTS[layout])
        table = as_table(data)
        on_dask = dg.drift(data, reference=reference, multivariate=True)
        here = dg.drift(table, reference=reference, multivariate=True)
        # A raw-data reference on Dask is profiled there too.
        raw = dg.drift(data, reference=partitioned(rows(), LAYOUTS[layout]))
    assert on_dask.drifted
    assert drift_doc(on_dask) == drift_doc(here)
    assert drift_doc(raw) == drift_doc(
        dg.drift(table, reference=as_table(partitioned(rows(), [0, ROWS])))
    )


def typed_rows() -> pd.DataFrame:
    """Columns whose type one partition alone cannot tell: an object column all None in the
    first partitions, pandas nullable integers and booleans all missing there, object dates."""
    k = np.arange(ROWS)
    return pd.DataFrame(
        {
            "o": pd.Series([None if i < 20 else f"v{i % 4}" for i in k], dtype=object),
            "n": pd.array([None if i < 20 else int(i % 7) for i in k], dtype="Int64"),
            "b": pd.array([None if i < 20 else bool(i % 2) for i in k], dtype="boolean"),
            "d": pd.Series([None if i < 20 else dt.date(2021, 1, 1 + i % 28) for i in k]),
            "f": pd.array([None if i % 9 == 0 else i / 4 for i in k], dtype="Float64"),
        }
    )


def typed_suite() -> list[Expectation]:
    return [
        example_on("in_set", column="o", value_set=["v1", "v2"]),
        example_on("between", column="n", min_value=1, max_value=5),
        example_on("unique", column="o"),
        example_on("increasing", column="f"),
        example_on("column_type", column="d", logical_type="date"),
        example_on("column_type", column="b", logical_type="boolean"),
        example_on("not_null", column="b"),
        example_on("max_between", column="d", max_value=dt.date(2021, 1, 20)),
    ]


def example_on(name: str, **parameters: Any) -> Expectation:
    return registered()[name].from_dict(parameters)


@pytest.mark.parametrize("convert_string", [True, False])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_types_are_fixed_on_the_driver(dask_client: Any, layout: str, convert_string: bool) -> None:
    """Partitions whose values alone would type a column otherwise (all None, all missing) read
    as the whole frame does; with dask's string conversion off, object columns too."""
    import dask

    with dask.config.set({"dataframe.convert-string": convert_string}), dask_client.as_current():
        data = partitioned(typed_rows(), LAYOUTS[layout])
        table = as_table(data)
        for fmt in FORMATS:
            on_dask = dg.validate(data, typed_suite(), result_format=fmt)
            here = dg.validate(table, typed_suite(), result_format=fmt)
            assert comparable(on_dask) == comparable(here)
        assert dg.profile(data).to_bytes() == dg.profile(table).to_bytes()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_split_as_on_one_machine(dask_client: Any, layout: str) -> None:
    """Every row-level rule of the registry splits the rows as one machine does, the failing
    part listing why; the parts stay lazy Dask frames."""
    import dask.dataframe as dd

    # A sequential rule under a row condition: its edges are those of the rows it keeps.
    suite = [*registry_suite(), example_on("increasing", column="x", where="y >= 2")]
    with dask_client.as_current():
        data = partitioned(rows(), LAYOUTS[layout])
        good, bad = dg.split(data, suite, fail_on="warning", reason_column="why", tables=TABLES)
        assert isinstance(good, dd.DataFrame)
        assert isinstance(bad, dd.DataFrame)
        here_good, here_bad = dg.split(
            data.compute(), suite, fail_on="warning", reason_column="why", tables=TABLES
        )
        pd.testing.assert_frame_equal(good.compute(), here_good)
        pd.testing.assert_frame_equal(bad.compute(), here_bad)
    # The rows failing across a partition boundary: increasing (21, 24), unique (5, 45).
    reasons = here_bad["why"]
    assert all("increasing(x)" in reasons[row] for row in (21, 24))
    assert all("unique(id)" in reasons[row] for row in (5, 45))
    assert "increasing(x) where y >= 2" in reasons[22]  # after row 19, both kept


def test_what_reaches_the_driver_does_not_grow_with_the_rows(
    dask_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a unique column in the suite, the bytes each partition sends to the driver in a pass
    stay about the same when its rows grow tenfold: fingerprints are reduced on the workers."""
    shipped: list[int] = []

    def measured(*tasks: Any) -> Any:
        results = computed(*tasks)
        if len(results) == 2:  # a pass: each partition's states, and the finalized parts
            parts, finalized = results
            own = sum(len(blob) for _, (_, blob) in parts)
            shared = sum(len(blob) for values in finalized for blob in values.values())
            shipped.append((own + shared) // len(parts))
        return results

    computed = _dask._compute
    monkeypatch.setattr(_dask, "_compute", measured)
    suite = [example_on("unique", column="id"), example_on("not_null", column="x")]
    sizes = {}
    with dask_client.as_current():
        for rows_per_partition in (2_000, 20_000):
            frame = pd.DataFrame(
                {"id": np.arange(4 * rows_per_partition), "x": np.ones(4 * rows_per_partition)}
            )
            shipped.clear()
            result = dg.validate(
                partitioned(frame, [0, *(rows_per_partition * k for k in (1, 2, 3, 4))]), suite
            )
            assert result.passed
            sizes[rows_per_partition] = max(shipped)
    assert sizes[20_000] < 2 * sizes[2_000], sizes


def test_a_partition_unlike_the_frame_is_an_input_error(dask_client: Any) -> None:
    import dask
    import dask.dataframe as dd

    good = pd.DataFrame({"n": [1, 2]})
    odd = pd.DataFrame({"n": ["three"]})  # unlike the frame's int64 column
    parts = [dask.delayed(good), dask.delayed(odd)]
    data = dd.from_delayed(parts, meta=good.iloc[:0], verify_meta=False)
    with (
        dask_client.as_current(),
        pytest.raises(dg.InputError, match=r"partition 1, column 'n': its values do not fit"),
    ):
        dg.validate(data, [example_on("not_null", column="n")])


def test_a_category_column_of_unknown_categories_is_typed_as_its_rows(dask_client: Any) -> None:
    import dask.dataframe as dd

    values = pd.Series([f"v{i % 300}" for i in range(900)], dtype=object)
    frame = dd.from_pandas(pd.DataFrame({"o": values}), npartitions=3)
    data = frame.assign(o=frame.o.astype("category"))  # its categories are known only per part
    suite = [
        example_on("in_set", column="o", value_set=["v1"]),
        example_on("unique_value_count_between", column="o", min_value=1),
    ]
    with dask_client.as_current():
        here = dg.validate(as_table(data), suite)
        assert comparable(dg.validate(data, suite)) == comparable(here)
        assert dg.profile(data).to_bytes() == dg.profile(as_table(data)).to_bytes()


def test_an_input_error_on_a_worker_is_not_a_failed_task(
    dask_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    import dask
    import dask.dataframe as dd
    import distributed

    good = pd.DataFrame({"n": [1, 2]})
    parts = [dask.delayed(good), dask.delayed(pd.DataFrame({"n": ["three"]}))]
    data = dd.from_delayed(parts, meta=good.iloc[:0], verify_meta=False)
    # Workers in this process: their log records reach caplog.
    with (
        distributed.Client(processes=False, n_workers=1, dashboard_address=None) as client,
        client.as_current(),
        caplog.at_level(logging.ERROR, logger="distributed"),
    ):
        with pytest.raises(dg.InputError, match=r"partition 1, column 'n'"):
            dg.validate(data, [example_on("not_null", column="n")])
        with pytest.raises(dg.InputError, match=r"partition 1, column 'n'"):
            dg.split(data, [Increasing(column="n")])
    assert "Compute Failed" not in caplog.text


def test_a_partition_missing_a_column_is_an_input_error(dask_client: Any) -> None:
    import dask
    import dask.dataframe as dd

    meta = pd.DataFrame({"a": [1]}).iloc[:0]
    parts = [dask.delayed(pd.DataFrame({"a": [1]})), dask.delayed(pd.DataFrame({"b": [1]}))]
    data = dd.from_delayed(parts, meta=meta, verify_meta=False)
    with (
        dask_client.as_current(),
        pytest.raises(dg.InputError, match=r"partition 1 has no column 'a'"),
    ):
        dg.validate(data, [example_on("not_null", column="a")])


@pytest.mark.parametrize("address", ["inproc://x", "not an address", "http://example:80"])
def test_a_bad_scheduler_address_is_an_input_error(address: str) -> None:
    before = _default_client()
    with (
        pytest.raises(dg.InputError, match=r"Dask scheduler at " + re.escape(address)),
        _dask.dask_client(address),
    ):
        pass
    # The client that failed to connect is not left as the process's default: later work
    # would wait for that scheduler forever.
    assert _default_client() is before


def _default_client() -> Any:
    from distributed import Client

    try:
        return Client.current(allow_global=True)
    except ValueError:  # no client at all
        return None


def test_a_source_whose_rows_are_here_does_not_split_where_they_live() -> None:
    source = as_source(pa.table({"a": [1, 2]}))
    with pytest.raises(dg.InputError, match=r"cannot split a pyarrow.Table where its rows live"):
        source.split_rows(None, None)


def random_frame(calls: Any, partitions: int = 4) -> Any:
    """A Dask frame whose rows are drawn anew at each read of a partition (an unseeded random
    generator), each read noted as a line in the file ``calls``."""
    import dask
    import dask.dataframe as dd

    def drawn(part: int) -> pd.DataFrame:  # nested: pickled by value to the workers
        with open(calls, "a") as log:
            log.write(f"{part}\n")
        rng = np.random.default_rng()
        n = int(rng.integers(50, 100))
        return pd.DataFrame({"x": rng.normal(size=n), "k": rng.integers(0, 40, size=n)})

    meta = pd.DataFrame({"x": pd.Series(dtype="float64"), "k": pd.Series(dtype="int64")})
    parts = [dask.delayed(drawn, pure=False)(p) for p in range(partitions)]
    return dd.from_delayed(parts, meta=meta, verify_meta=False)


def test_every_pass_over_a_frame_drawn_at_random_sees_the_same_rows(
    dask_client: Any, tmp_path: Any
) -> None:
    calls = tmp_path / "calls"
    before = set(dask_client.futures)
    with dask_client.as_current():
        result = dg.validate(
            random_frame(calls),
            [Unique(column="k"), example_on("median_between", column="x", min_value=-5)],
        )
    # Each partition was drawn once: the frame was persisted for the passes.
    assert sorted(calls.read_text().split()) == ["0", "1", "2", "3"]
    unique = result.results[0]
    assert unique.element_count == result.run.data.rows
    assert 0 < unique.unexpected_count <= unique.element_count  # 40 keys, 200+ rows
    # Released when the call returned: dropped futures are let go on the client's event loop,
    # which a call through it (here, to the scheduler) lets run first.
    dask_client.run_on_scheduler(lambda: None)
    assert set(dask_client.futures) == before


def test_only_frames_that_are_not_plain_reads_are_persisted(
    dask_client: Any, tmp_path: Any
) -> None:
    import dask.dataframe as dd

    table = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    table.to_parquet(tmp_path / "t.parquet")
    table.to_csv(tmp_path / "t.csv", index=False)
    plain = {
        "read_parquet": dd.read_parquet(tmp_path / "t.parquet"),
        "read_parquet, columns": dd.read_parquet(tmp_path / "t.parquet")[["a"]],
        "read_csv": dd.read_csv(tmp_path / "t.csv"),
        "from_pandas": dd.from_pandas(table, npartitions=2),
        "persisted": dd.from_pandas(table, npartitions=2)
        .sample(frac=0.5)
        .persist(scheduler=dask_client),
    }
    computed = {
        "sample": dd.from_pandas(table, npartitions=2).sample(frac=0.5),
        "from_delayed": random_frame(tmp_path / "calls"),
        "filtered": dd.read_parquet(tmp_path / "t.parquet").query("a > 1"),
        "assigned": dd.read_csv(tmp_path / "t.csv").assign(c=1),
        "from_map": dd.from_map(lambda i: table, [0, 1], meta=table.iloc[:0]),
    }
    rereads = {name: _dask.from_dask(frame).reiterable for name, frame in plain.items()}
    assert rereads == dict.fromkeys(plain, True)
    rereads = {name: _dask.from_dask(frame).reiterable for name, frame in computed.items()}
    assert rereads == dict.fromkeys(computed, False)
    for path in (tmp_path / "t.parquet", tmp_path / "t.csv"):
        assert _dask.open_file(str(path), lambda names: ReadPlan()).reiterable


def test_custom_expectations_run_on_the_workers(dask_client: Any) -> None:
    with dask_client.as_current(), custom_suite() as suite:
        data = partitioned(rows(), LAYOUTS["many"])
        there = dg.validate(data, suite, result_format="complete", id_columns=("id",))
        here = dg.validate(as_table(data), suite, result_format="complete", id_columns=("id",))
        good, bad = dg.split(data, suite)
        here_good, here_bad = dg.split(data.compute(), suite)
        pd.testing.assert_frame_equal(good.compute(), here_good)
        pd.testing.assert_frame_equal(bad.compute(), here_bad)
    assert comparable(there) == comparable(here)


def test_the_other_table_may_be_a_dask_frame_too(dask_client: Any) -> None:
    """A cross-table check of a Dask frame against another Dask frame: both are read on the
    cluster by the same passes; the result is the one of the same rows on one machine."""
    suite = [example("foreign_key"), example("row_count_equal_table")]
    other = TABLES["other"].to_pandas()
    with dask_client.as_current():
        data = partitioned(rows(), LAYOUTS["many"])
        on_dask = dg.validate(data, suite, tables={"other": partitioned(other, [0, 1, 1, 4])})
        here = dg.validate(as_table(data), suite, tables=TABLES)
    assert comparable(on_dask)["results"] == comparable(here)["results"]
    assert on_dask.results[0].unexpected_count > 0


def grouped_frame(seed: int, shift: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    carrier = rng.choice(["AA", "DL", None], 400)
    return pd.DataFrame(
        {
            "carrier": carrier,
            "amount": rng.normal(size=400) + np.where(carrier == "DL", shift, 0.0),
            "status": rng.choice(["new", "done"], 400),
        }
    )


def group_docs(report: dg.GroupedDriftReport) -> list[dict[str, Any]]:
    return [{k: v for k, v in g.items() if k != "run"} for g in report.to_dict()["groups"]]


def test_drift_by_group_is_identical(dask_client: Any) -> None:
    reference = grouped_frame(0, 0.0)
    current = grouped_frame(1, 1.0)
    with dask_client.as_current():
        data = partitioned(current, [0, 130, 131, 400])
        on_dask = dg.drift(data, reference=reference, group_by=["carrier"])
    here = dg.drift(
        as_table(partitioned(current, [0, 400])), reference=reference, group_by=["carrier"]
    )
    assert on_dask.drifted_groups == (("DL",),)
    assert group_docs(on_dask) == group_docs(here)
    assert list(on_dask.groups) == [(None,), ("AA",), ("DL",)]
