"""``validate``, ``split``, ``validated`` and the result object, end to end."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import dataguard as dg
from dataguard.expectations import (
    Between,
    ForeignKey,
    InSet,
    NotNull,
    RowCountBetween,
    Unique,
)

SUITE = dg.Suite(
    [
        NotNull("id"),
        Unique("id"),
        Between("amount", min_value=0, max_value=10),
        InSet("status", value_set=["a", "b"], severity="warning"),
        RowCountBetween(min_value=1),
    ],
    name="basic",
)


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": pd.array([1, 2, 2, 4, None, 6], dtype="Int64"),
            "amount": [1.0, 20.0, 3.0, np.nan, 5.0, -1.0],
            "status": ["a", "b", "c", None, "a", "a"],
        }
    )


def test_result_shape_and_statistics() -> None:
    result = dg.validate(frame(), SUITE)
    assert not result.passed
    assert result.passed_at("error") is False
    stats = result.statistics
    assert (stats.evaluated, stats.passed, stats.failed) == (5, 1, 4)
    assert dict(stats.failed_by_severity) == {"error": 3, "warning": 1, "info": 0}
    not_null, unique, between, in_set, rows = result.results
    assert (not_null.unexpected_count, not_null.element_count, not_null.missing_count) == (1, 6, 0)
    assert unique.unexpected_count == 2
    assert unique.unexpected_index_list == (1, 2)
    assert between.missing_count == 1
    assert between.unexpected_count == 2
    assert between.unexpected_percent == pytest.approx(40.0)
    assert between.unexpected_percent_total == pytest.approx(100 * 2 / 6)
    assert between.partial_unexpected_list == (20.0, -1.0)
    assert in_set.severity == "warning"
    assert rows.observed_value == 6
    assert result.run.data.rows == 6
    assert result.run.data.columns == 3
    assert result.run.suite_fingerprint == SUITE.fingerprint
    assert result.run.dataguard_version == dg.__version__


def test_warnings_only_fail_when_asked() -> None:
    suite = dg.Suite([InSet("status", value_set=["a"], severity="warning")])
    result = dg.validate(frame(), suite)
    assert result.passed
    assert not result.passed_at("warning")
    assert result.raise_for_failures() is result
    with pytest.raises(dg.ValidationFailedError):
        result.raise_for_failures("warning")


def test_raise_for_failures_message_is_a_table() -> None:
    result = dg.validate(frame(), SUITE)
    with pytest.raises(dg.ValidationFailedError) as info:
        result.raise_for_failures()
    message = str(info.value)
    assert "3 expectations failed" in message
    lines = message.splitlines()
    assert lines[1].split() == ["severity", "expectation", "column", "observed", "message"]
    assert any(line.startswith("error     unique") for line in lines)
    assert info.value.result is result


def test_to_json_is_strict_json() -> None:
    data = pd.DataFrame({"x": [np.inf, -np.inf, 1.0]})
    result = dg.validate(data, [dg.expectations.MeanBetween("x", min_value=0)])
    doc = json.loads(result.to_json())
    assert doc["results"][0]["observed_value"] is None  # NaN mean written as null
    assert doc["results"][0]["passed"] is False


@pytest.mark.parametrize("fmt", ["boolean_only", "basic", "summary", "complete", "COMPLETE"])
def test_result_formats(fmt: str) -> None:
    data = pd.DataFrame({"x": np.arange(100)})
    result = dg.validate(data, [Between("x", max_value=49)], result_format=fmt)
    r = result.results[0]
    assert r.unexpected_count == 50
    level = fmt.lower()
    assert len(r.partial_unexpected_list) == (0 if level == "boolean_only" else 20)
    assert (
        len(r.unexpected_index_list)
        == {"boolean_only": 0, "basic": 0, "summary": 20, "complete": 50}[level]
    )
    assert (r.unexpected_list is not None) == (level == "complete")


def test_unknown_result_format() -> None:
    with pytest.raises(ValueError, match="unknown result_format"):
        dg.validate(frame(), SUITE, result_format="verbose")


def test_id_columns() -> None:
    result = dg.validate(frame(), [Between("amount", max_value=10)], id_columns=["id", "status"])
    assert result.results[0].unexpected_index_list == ({"id": 2, "status": "b"},)
    with pytest.raises(dg.InputError, match="nope"):
        dg.validate(frame(), SUITE, id_columns=["nope"])


def test_backends_agree(tmp_path: Path) -> None:
    data = frame()
    expected = [r.to_dict() for r in dg.validate(data, SUITE).results]
    table = pa.Table.from_pandas(data, preserve_index=False)
    path = tmp_path / "data.parquet"
    data.to_parquet(path, index=False)
    for other in (table, pl.from_arrow(table), path, table.to_batches(max_chunksize=2)):
        got = [r.to_dict() for r in dg.validate(other, SUITE).results]
        assert got == expected, type(other)


def test_suite_forms(tmp_path: Path) -> None:
    path = SUITE.dump(tmp_path / "suite.yaml")
    by_path = dg.validate(frame(), str(path))
    by_list = dg.validate(frame(), list(SUITE.expectations))
    assert [r.passed for r in by_path.results] == [r.passed for r in by_list.results]
    with pytest.raises(TypeError, match="expected a Suite"):
        dg.validate(frame(), 3)  # type: ignore[arg-type]


def test_unsupported_input() -> None:
    with pytest.raises(dg.InputError, match="cannot validate a int"):
        dg.validate(3, SUITE)


def test_input_is_not_mutated() -> None:
    data = frame()
    copy = data.copy(deep=True)
    dg.validate(data, SUITE, chunk_size=2)
    pd.testing.assert_frame_equal(data, copy)


def test_split_pandas_arrow_polars() -> None:
    suite = dg.Suite([NotNull("id"), Between("amount", min_value=0, max_value=10)])
    data = frame()
    good, bad = dg.split(data, suite)
    # Row 3's amount is missing: between leaves missing values alone, as every row-level check does.
    assert list(good.index) == [0, 2, 3]
    assert list(bad.index) == [1, 4, 5]
    table = pa.Table.from_pandas(data, preserve_index=False)
    good_t, bad_t = dg.split(table, suite, chunk_size=2)
    assert good_t.num_rows == 3
    assert bad_t.column("amount").to_pylist() == [20.0, 5.0, -1.0]
    good_p, bad_p = dg.split(pl.from_arrow(table), suite)
    assert (good_p.height, bad_p.height) == (3, 3)


def test_split_uses_sequential_rules_across_batches() -> None:
    data = pd.DataFrame({"t": [1, 2, 3, 2, 4, 5, 1]})
    suite = [dg.expectations.Increasing("t")]
    for chunk in (1, 3, None):
        _, bad = dg.split(data, suite, chunk_size=chunk)
        assert list(bad.index) == [3, 6]


def test_id_columns_none_means_no_ids() -> None:
    result = dg.validate(frame(), SUITE, id_columns=None)
    assert result.results[0].unexpected_index_list == (4,)
    named = dg.validate(frame(), SUITE, id_columns="status").results[0]
    assert named.unexpected_index_list == ({"status": "a"},)
    assert dg.validate(frame(), SUITE, id_columns=()).to_dict() | {"run": None} == (
        result.to_dict() | {"run": None}
    )


def test_split_needs_in_memory_data(tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    frame().to_parquet(path)
    with pytest.raises(dg.InputError, match="cannot split"):
        dg.split(path, SUITE)


@pytest.mark.parametrize("kind", ["pandas", "pyarrow", "batch", "polars"])
def test_split_names_the_failed_expectations_of_each_bad_row(kind: str) -> None:
    suite = dg.Suite(
        [
            NotNull("id"),
            Between("amount", min_value=0, max_value=10),
            Between("amount", max_value=4, where="status == 'a'", severity="warning"),
        ]
    )
    table = pa.Table.from_pandas(frame(), preserve_index=False)
    data: Any = {
        "pandas": frame(),
        "pyarrow": table,
        "batch": table.combine_chunks().to_batches()[0],
        "polars": pl.from_arrow(table),
    }[kind]
    good, bad = dg.split(data, suite, fail_on="warning", reason_column="failed")
    reasons = {
        "pandas": lambda b: list(b["failed"]),
        "pyarrow": lambda b: b.column("failed").to_pylist(),
        "batch": lambda b: b.column("failed").to_pylist(),
        "polars": lambda b: b["failed"].to_list(),
    }[kind](bad)
    assert reasons == [
        "between(amount)",
        "not_null(id); between(amount) where status == 'a'",
        "between(amount)",
    ]
    assert "failed" not in (list(good.columns) if kind != "batch" else good.schema.names)


def test_split_refuses_a_reason_column_that_exists() -> None:
    with pytest.raises(ValueError, match="'amount' is already a column"):
        dg.split(frame(), SUITE, reason_column="amount")


def test_validated_decorator() -> None:
    out_suite = dg.Suite([Between("amount", min_value=0)])
    in_suite = dg.Suite([NotNull("amount")])

    @dg.validated(out_suite, inputs={"raw": in_suite})
    def clean(raw: pd.DataFrame, scale: float = 1.0) -> pd.DataFrame:
        return raw.assign(amount=raw["amount"] * scale)

    ok = pd.DataFrame({"amount": [1.0, 2.0]})
    assert clean(ok).equals(ok)
    with pytest.raises(dg.ValidationFailedError) as returned:
        clean(ok, scale=-1.0)
    assert str(returned.value).startswith("clean() returned data that failed validation: ")
    assert returned.value.result.results[0].unexpected_count == 2
    with pytest.raises(dg.ValidationFailedError) as argument:
        clean(raw=pd.DataFrame({"amount": [None, 1.0]}))
    assert str(argument.value).startswith("clean(): argument 'raw' failed validation: ")
    with pytest.raises(TypeError, match="no parameter 'nope'"):
        dg.validated(inputs={"nope": in_suite})(lambda raw: raw)


def test_a_validated_step_reads_the_other_tables_it_is_given() -> None:
    planes = pd.DataFrame({"tailnum": ["A", "B"]})
    known = dg.Suite([ForeignKey(column="tailnum", table="planes", table_column="tailnum")])

    @dg.validated(known, inputs={"raw": known}, tables={"planes": planes})
    def keep(raw: pd.DataFrame) -> pd.DataFrame:
        return raw

    assert len(keep(pd.DataFrame({"tailnum": ["A", None]}))) == 2
    with pytest.raises(dg.ValidationFailedError, match="argument 'raw'") as failed:
        keep(pd.DataFrame({"tailnum": ["A", "Z"]}))
    assert failed.value.result.results[0].unexpected_count == 1
    with pytest.raises(dg.SuiteError, match="unknown table 'planes'"):
        dg.validated(known)(lambda: planes)()


@dataclass(frozen=True, slots=True, kw_only=True)
class Exploding(dg.expectations.ColumnRowExpectation):
    """A row-level expectation whose kernel raises, standing in for any evaluation failure."""

    name = "exploding"

    def failing(self, batch: Any, inputs: Any) -> Any:
        raise RuntimeError("kernel exploded")

    def describe(self) -> str:
        return "Explodes."


def test_expectation_errors_do_not_stop_the_suite() -> None:
    data = pd.DataFrame({"a": ["x", "y"], "b": [1, 2]})
    result = dg.validate(data, [Exploding("a"), NotNull("a")])
    assert result.results[0].reason is dg.Reason.ERROR
    assert "could not be evaluated: RuntimeError: kernel exploded" in result.results[0].message
    assert not result.passed
    assert result.results[1].passed
    mismatch = dg.validate(data, [dg.expectations.PairGreater(column_a="a", column_b="b")])
    assert mismatch.results[0].reason is dg.Reason.TYPE_MISMATCH


def test_partial_unexpected_counts() -> None:
    data = pd.DataFrame({"s": ["x", "y", "x", "ok", "x", None]})
    r = dg.validate(data, [InSet("s", value_set=["ok"])]).results[0]
    assert r.partial_unexpected_counts == [{"value": "x", "count": 3}, {"value": "y", "count": 1}]
    assert r.to_dict()["partial_unexpected_counts"] == r.partial_unexpected_counts


def test_a_mean_is_served_by_the_full_moments_of_its_column(monkeypatch: Any) -> None:
    from dataguard._engine import execute
    from dataguard._frame import as_source
    from dataguard.metrics import Moments

    table = pa.table({"x": [1.0, 2.0, 4.0]})
    mean_only, full = Moments("x", squares=False), Moments("x")
    alone = execute([mean_only], as_source(table))[mean_only]
    assert (alone.mean, alone.variance) == (7 / 3, None)  # no sum of squares computed
    computed: list[Moments] = []
    compute = Moments.compute
    monkeypatch.setattr(
        Moments, "compute", lambda self, *a: computed.append(self) or compute(self, *a)
    )
    both = execute([mean_only, full], as_source(table))
    assert computed == [full]  # one pass over the column answers both
    assert both[mean_only] == both[full]
    assert both[full].mean == alone.mean
    suite = dg.Suite([dg.expectations.MeanBetween("x", min_value=2, max_value=3)])
    assert dg.validate(table, suite).results[0].observed_value == 7 / 3
