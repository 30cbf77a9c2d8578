"""Reading a history: runs filtered and ordered, documents, trends of a named metric."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import dataguard as dg
from dataguard.expectations import Between
from dataguard.history import History, append_run, expectation_key, trend

START = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def _at(result: dg.ValidationResult, day: int) -> dg.ValidationResult:
    """The result as if run ``day`` days after START."""
    moment = START + dt.timedelta(days=day)
    return dataclasses.replace(result, run=dataclasses.replace(result.run, started_at=moment))


@pytest.fixture
def history(
    tmp_path: Path,
    validation: Callable[[int], dg.ValidationResult],
    drift_report: dg.DriftReport,
) -> History:
    """Five daily validations of "orders" (3 to 7 rows) written out of order, one of "users",
    and one drift run of "orders"."""
    path = tmp_path / "runs.db"
    for day in (2, 0, 4, 1, 3):
        append_run(path, _at(validation(3 + day), day), dataset="orders")
    append_run(path, _at(validation(10), 2), dataset="users")
    shifted = dataclasses.replace(drift_report, started_at=START + dt.timedelta(days=5))
    append_run(path, shifted, dataset="orders")
    return History(path)


def test_runs_are_listed_oldest_first_and_filtered(history: History) -> None:
    with history:
        assert history.datasets() == ["orders", "users"]
        orders = history.runs(dataset="orders", kind="validation")
        assert [r.row_count for r in orders] == [3, 4, 5, 6, 7]
        assert [r.started_at.day for r in orders] == [1, 2, 3, 4, 5]
        assert [r.row_count for r in history.runs(dataset="orders", last=2)] == [7, 200]
        assert [r.dataset for r in history.runs(kind="drift")] == ["orders"]
        assert len(history.runs()) == 7


def test_an_unknown_dataset_is_named_with_the_closest_ones(history: History) -> None:
    with (
        history,
        pytest.raises(dg.HistoryError, match="no run of dataset 'order'; did you mean 'orders'"),
    ):
        history.runs(dataset="order")


def test_last_must_be_a_positive_count(history: History) -> None:
    with history, pytest.raises(ValueError, match="last must be a positive number"):
        history.runs(last=0)


def test_a_run_metric_over_time(history: History) -> None:
    with history:
        points = history.series("row_count", dataset="orders", kind="validation", last=3)
        assert [p.value for p in points] == [5.0, 6.0, 7.0]
        assert [p.started_at.day for p in points] == [3, 4, 5]
        assert [p.value for p in history.series("drift_share", dataset="orders")] == [0.5]


def test_an_expectation_metric_by_label_or_key(history: History) -> None:
    key = expectation_key(Between("amount", min_value=0))
    with history:
        by_label = history.series("between(amount).unexpected_count", dataset="orders")
        by_key = history.series(f"{key}.unexpected_count", dataset="orders")
        assert by_label == by_key
        assert [p.value for p in by_label] == [1.0, 1.0, 1.0, 2.0, 2.0]
        observed = history.series("row_count_between.observed", dataset="orders")
        assert [p.value for p in observed] == [3.0, 4.0, 5.0, 6.0, 7.0]


def test_a_drift_metric(history: History, drift_report: dg.DriftReport) -> None:
    with history:
        (point,) = history.series("drift.x.p_value", dataset="orders")
        assert point.value == pytest.approx(drift_report.columns["x"].pvalue)
        assert point.group is None


def test_metric_names_are_listed_and_an_unknown_one_suggests_them(history: History) -> None:
    with history:
        names = history.metrics(dataset="orders")
        assert {"row_count", "between(amount).observed", "drift.y.effect"} <= set(names)
        assert "drift_share" in names
        assert "drift_share" not in history.metrics(dataset="users")
        with pytest.raises(dg.HistoryError, match=r"did you mean 'between\(amount\)\.observed'"):
            history.series("between(amont).observed", dataset="orders")
        with pytest.raises(dg.HistoryError, match=r"no metric 'drift\.z\.p_value'"):
            history.series("drift.z.p_value", dataset="orders")


def test_a_label_naming_two_expectations_asks_for_a_key(
    tmp_path: Path, validation: Callable[[int], dg.ValidationResult]
) -> None:
    path = tmp_path / "runs.db"
    append_run(path, validation(3))
    append_run(path, dg.validate({"amount": [1.0]}, [Between("amount", max_value=5)]))
    with History(path) as history:
        with pytest.raises(dg.HistoryError, match="names 2 different expectations"):
            history.series("between(amount).passed")
        first = expectation_key(Between("amount", min_value=0))
        second = expectation_key(Between("amount", max_value=5))
        assert {f"{first}.passed", f"{second}.passed"} <= set(history.metrics())
        assert [p.value for p in history.series(f"{second}.passed")] == [1.0]


def test_observed_values_most_recent_last(history: History) -> None:
    key = expectation_key(dg.expectations.RowCountBetween(min_value=1, max_value=100))
    with history:
        assert history.observed_values("orders", key) == [3, 4, 5, 6, 7]
        assert history.observed_values("orders", key, last=2) == [6, 7]
        assert history.observed_values("users", key) == [10]
        assert history.observed_values("new", key) == []
        assert history.observed_values("orders", key, group={"carrier": "AA"}) == []


def test_a_document_of_an_unknown_run_is_an_error(history: History) -> None:
    with history, pytest.raises(dg.HistoryError, match="no run 'nope'"):
        history.document("nope")


class GroupedResult(dg.ValidationResult):
    """A validation whose between(amount) check was split per carrier, as grouped expectations
    write it: one result per group, each with its ``group`` (results 1 and 2 here)."""

    def to_dict(self) -> dict[str, Any]:
        doc = super().to_dict()
        for result, carrier, count in zip(doc["results"][1:3], ("AA", "UA"), (1, 3), strict=True):
            result.update(group={"carrier": carrier}, unexpected_count=count)
        return doc


def test_a_grouped_result_gives_a_point_and_a_column_per_group(
    tmp_path: Path, validation: Callable[[int], dg.ValidationResult]
) -> None:
    path = tmp_path / "runs.db"
    result = validation(6)
    first, between, rows = result.results
    grouped = GroupedResult(result.suite, (first, between, between, rows), result.run)
    append_run(path, grouped, dataset="orders")
    key = expectation_key(Between("amount", min_value=0))
    with History(path) as history:
        points = history.series("between(amount).unexpected_count", dataset="orders")
        assert [(p.group, p.value) for p in points] == [
            ({"carrier": "AA"}, 1.0),
            ({"carrier": "UA"}, 3.0),
        ]
        assert history.observed_values("orders", key, group={"carrier": "UA"}) == [None]
        found = trend(history, metrics=["between(amount).unexpected_count"])
    assert found.columns == [
        "between(amount).unexpected_count[carrier=AA]",
        "between(amount).unexpected_count[carrier=UA]",
    ]
    assert found.values == [dict(zip(found.columns, [1.0, 3.0], strict=True))]
