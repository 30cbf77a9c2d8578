"""Appending runs: every field stored, the document kept whole, one row per result and column."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import dataguard as dg
from dataguard.history import History, append_run, dataset_name, expectation_key
from dataguard.history._rows import validation_rows


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def test_a_validation_round_trips(
    tmp_path: Path, validation: Callable[[int], dg.ValidationResult]
) -> None:
    path = tmp_path / "runs.db"
    result = validation(6)
    run_id = append_run(path, result, dataset="orders")
    with History(path) as history:
        (run,) = history.runs()
        document = history.document(run_id)
    assert run.run_id == run_id
    assert (run.kind, run.dataset, run.passed, run.verdict) == (
        "validation",
        "orders",
        False,
        "failed",
    )
    assert run.started_at == result.run.started_at
    assert run.row_count == 6
    assert (run.evaluated, run.failed) == (3, 1)
    assert run.success_percent == result.statistics.success_percent
    assert run.suite_fingerprint == result.run.suite_fingerprint
    assert run.data_fingerprint == result.run.data.schema_hash
    assert run.dataguard_version == dg.__version__
    assert document == json.loads(result.to_json())
    assert "<html" in dg.render_html(document)


def test_one_row_per_expectation_result(
    tmp_path: Path, validation: Callable[[int], dg.ValidationResult]
) -> None:
    path = tmp_path / "runs.db"
    result = validation(6)
    append_run(path, result)
    rows = _rows(
        path,
        "SELECT expectation_key, expectation_type, label, columns, group_key, passed, severity, "
        "observed, observed_json, unexpected_count, unexpected_percent "
        "FROM expectation_results ORDER BY position",
    )
    expected = [(expectation_key(r.expectation), r.expectation.name) for r in result.results]
    assert [row[:2] for row in rows] == expected
    assert [row[2:4] for row in rows] == [
        ("not_null(id)", '["id"]'),
        ("between(amount)", '["amount"]'),
        ("row_count_between", "[]"),
    ]
    assert {row[4] for row in rows} == {None}
    assert [row[5] for row in rows] == [1, 0, 1]
    assert rows[1][9:] == (2, pytest.approx(100 * 2 / 6))
    assert rows[2][7:9] == (6.0, "6")  # numeric observed values are also stored as numbers


def test_a_drift_report_round_trips(tmp_path: Path, drift_report: dg.DriftReport) -> None:
    path = tmp_path / "runs.db"
    run_id = append_run(path, drift_report, dataset="features")
    with History(path) as history:
        (run,) = history.runs(kind="drift")
        assert history.document(run_id) == json.loads(drift_report.to_json())
    assert (run.verdict, run.passed, run.row_count, run.drift_share) == ("drift", False, 200, 0.5)
    rows = _rows(
        path, 'SELECT "column", test, statistic, p_value, effect, drifted FROM drift_columns'
    )
    by_column = {row[0]: row for row in rows}
    for name, column in drift_report.columns.items():
        assert by_column[name][1:] == (
            column.method,
            pytest.approx(column.statistic),
            pytest.approx(column.pvalue),
            pytest.approx(column.effect),
            int(column.drifted),
        )


def test_a_drift_by_group_stores_each_group_s_columns(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    reference = pd.DataFrame({"g": ["a", "b"] * 100, "x": [float(i % 50) for i in range(200)]})
    current = reference.assign(x=reference["x"] + (reference["g"] == "b") * 20)
    report = dg.drift(current, reference=reference, group_by=["g"], history=path, dataset="f")
    with History(path) as history:
        (run,) = history.runs(kind="drift")
        assert history.document(run.run_id) == json.loads(report.to_json())
    assert (run.dataset, run.verdict, run.row_count, run.drift_share) == ("f", "drift", 200, 0.5)
    rows = _rows(path, 'SELECT group_key, "column", drifted FROM drift_columns ORDER BY position')
    assert rows == [('{"g":"a"}', "x", 0), ('{"g":"b"}', "x", 1)]


def test_appending_the_same_run_twice_stores_it_once(
    tmp_path: Path, validation: Callable[[int], dg.ValidationResult]
) -> None:
    path = tmp_path / "runs.db"
    result = validation(3)
    assert append_run(path, result) == append_run(path, result)
    assert _rows(path, "SELECT count(*) FROM runs") == [(1,)]
    assert _rows(path, "SELECT count(*) FROM expectation_results") == [(3,)]


def test_the_group_of_a_grouped_result_is_stored_as_json(
    validation: Callable[[int], dg.ValidationResult],
) -> None:
    result = validation(3)
    doc = result.to_dict()
    doc["results"][1]["group"] = {"carrier": "AA", "year": 2024}
    columns = [r.expectation.columns for r in result.results]
    rows = validation_rows(doc, columns, "orders").expectations
    assert [row[5] for row in rows] == [None, '{"carrier":"AA","year":2024}', None]


def test_validate_and_drift_append_to_a_history(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    data = tmp_path / "orders.csv"
    data.write_text("id,amount\n1,2.5\n2,3.5\n")
    frame = pd.DataFrame({"id": [1, 2], "amount": [2.5, -1.0]})
    kept = frame.copy()
    suite = [dg.expectations.NotNull("id")]
    dg.validate(data, suite, history=path)
    dg.validate(frame, suite, history=path)
    dg.validate(frame, suite, history=path, dataset="orders")
    dg.drift(frame, reference=frame, history=path)
    dg.drift(data, reference=frame, history=path, dataset="orders")
    pd.testing.assert_frame_equal(frame, kept)
    with History(path) as history:
        runs = [(r.kind, r.dataset) for r in history.runs()]
    assert runs == [
        ("validation", "orders.csv"),
        ("validation", "pandas.DataFrame"),
        ("validation", "orders"),
        ("drift", "pandas.DataFrame"),
        ("drift", "orders"),
    ]


def test_the_default_dataset_name() -> None:
    assert dataset_name("data/2026/orders.parquet") == "orders.parquet"
    assert dataset_name(Path("orders.csv")) == "orders.csv"
    assert dataset_name(pd.DataFrame()) == "pandas.DataFrame"


def test_a_history_that_cannot_be_written_is_a_clear_error(
    tmp_path: Path, validation: Callable[[int], dg.ValidationResult]
) -> None:
    (tmp_path / "runs.db").mkdir()
    with pytest.raises(dg.HistoryError, match=r"runs\.db: cannot open the history"):
        dg.validate({"id": [1]}, [dg.expectations.NotNull("id")], history=tmp_path / "runs.db")


def test_one_result_appended_to_two_datasets_is_stored_in_each(
    tmp_path: Path, validation: Callable[[int], dg.ValidationResult]
) -> None:
    path = tmp_path / "runs.db"
    result = validation(3)
    assert append_run(path, result, dataset="a") != append_run(path, result, dataset="b")
    with History(path) as history:
        assert [r.dataset for r in history.runs()] == ["a", "b"]
