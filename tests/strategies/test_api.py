"""Suite.strategy and Suite.example: kinds, names, errors, and any row check honoured."""

from __future__ import annotations

import datetime as dt
import importlib.util
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings

import dataguard as dg
from dataguard import strategies
from tests.extend.custom import custom_suite

SETTINGS = settings(
    max_examples=5, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
SUITE = dg.Suite.from_dict(
    {
        "schema": {"columns": {"id": {"type": "integer", "unique": True}}},
        "expectations": [
            {"type": "between", "column": "amount", "min_value": 0, "max_value": 10},
            {"type": "in_set", "column": "kind", "value_set": ["a", "b"], "mostly": 0.5},
        ],
    }
)


def test_arrow_tables_pass_too() -> None:
    @SETTINGS
    @given(SUITE.strategy(kind="arrow"))
    def check(table: pa.Table) -> None:
        assert isinstance(table, pa.Table)
        assert dg.validate(table, SUITE).passed

    check()


def test_an_example_has_the_rows_asked_and_is_the_same_each_time() -> None:
    frame = SUITE.example(7)
    assert isinstance(frame, pd.DataFrame)
    assert len(frame) == 7
    assert dg.validate(frame, SUITE).passed
    pd.testing.assert_frame_equal(frame, SUITE.example(7))


def test_an_example_outside_the_suites_row_count_is_refused() -> None:
    suite = SUITE.with_expectations(dg.expectations.RowCountBetween(min_value=2, max_value=5))
    with pytest.raises(dg.SuiteError, match="between 2 and 5 rows"):
        suite.example(9)


def test_expectations_are_named_by_type_column_or_position() -> None:
    expectations = SUITE.expand([])
    assert strategies.selected(expectations, ["unique:id", 5]) == [3, 5]
    assert strategies.selected(expectations, ["between"]) == [4]
    with pytest.raises(dg.SuiteError, match="no expectation 'between:id'"):
        strategies.selected(expectations, ["between:id"])
    with pytest.raises(dg.SuiteError, match="position 9"):
        strategies.selected(expectations, ["9"])


def test_a_rule_that_nothing_can_fail_is_refused() -> None:
    suite = dg.Suite.from_dict(
        {"expectations": [{"type": "not_null", "column": "x", "mostly": 0.0}]}
    )
    with pytest.raises(dg.SuiteError, match="mostly 0"):
        suite.strategy(violate=["not_null:x"])


def test_without_hypothesis_the_error_says_what_to_install(monkeypatch: Any) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "hypothesis" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(ImportError, match=r"dataguard\[strategies\]"):
        SUITE.strategy()


def test_custom_row_checks_are_honoured_and_can_be_broken() -> None:
    with custom_suite() as everything:
        # Both row checks, one of them tolerant; valid frames pass each on every row.
        suite = dg.Suite([everything.expectations[0], everything.expectations[2]])

        @SETTINGS
        @given(suite.strategy())
        def valid(frame: pd.DataFrame) -> None:
            assert dg.validate(frame, suite).passed

        @SETTINGS
        @given(suite.strategy(violate=[0]))
        def broken(frame: pd.DataFrame) -> None:
            failed = [i for i, r in enumerate(dg.validate(frame, suite).results) if not r.passed]
            assert failed == [0]

        valid()
        broken()


FLIGHT_CHECKS: list[dict[str, Any]] = [
    {"type": "foreign_key", "column": "tailnum", "table": "planes", "table_column": "id"},
    {"type": "freshness", "column": "time_hour", "max_age": "1h"},
]
FLIGHTS = dg.Suite.from_dict({"expectations": FLIGHT_CHECKS})
PLANES = pa.table({"id": ["N1", "N2", "N3"]})


def test_a_table_nobody_gave_is_named() -> None:
    with pytest.raises(dg.SuiteError, match=r"unknown table 'planes'.*tables="):
        FLIGHTS.strategy()
    with pytest.raises(dg.SuiteError, match="unknown table 'planes'"):
        FLIGHTS.example(3)
    with pytest.raises(dg.SuiteError, match="table 'planes' has no column 'id'"):
        FLIGHTS.strategy(tables={"planes": pa.table({"tailnum": ["N1"]})})


def test_the_suites_own_tables_are_read_and_the_clock_defaults_to_now(tmp_path: Any) -> None:
    pq.write_table(PLANES, tmp_path / "planes.parquet")
    with_tables = {"tables": {"planes": "planes.parquet"}, "expectations": FLIGHT_CHECKS}
    (tmp_path / "flights.yaml").write_text(dg.Suite.from_dict(with_tables).dumps())
    suite = dg.load_suite(tmp_path / "flights.yaml")
    frame = suite.example(5)
    assert set(frame["tailnum"].dropna()) <= {"N1", "N2", "N3"}
    assert dg.validate(frame, suite).passed  # the clock validate reads is a moment later


def test_an_example_is_drawn_with_the_tables_and_clock_given() -> None:
    now = dt.datetime(2013, 6, 1, 12, tzinfo=dt.timezone.utc)
    frame = FLIGHTS.example(4, tables={"planes": PLANES}, now=now)
    assert dg.validate(frame, FLIGHTS, tables={"planes": PLANES}, now=now).passed
    newest = frame["time_hour"].max().to_pydatetime()
    assert now - dt.timedelta(minutes=30) <= newest.replace(tzinfo=dt.timezone.utc) <= now


def test_an_expression_few_rows_pass_is_still_honoured() -> None:
    # About one drawn value in seven passes: later rounds draw more candidates.
    suite = dg.Suite.from_dict({"expectations": [{"type": "expression", "expr": "x % 7 == 3"}]})
    frame = suite.example(12)
    assert len(frame) == 12
    assert dg.validate(frame, suite).passed


def test_a_suite_files_drift_reference_is_read_beside_it(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "suites"
    folder.mkdir()
    reference = pa.table({"x": pa.array([float(k % 10) for k in range(200)])})
    dg.profile(reference).save(folder / "ref.profile.json")
    (folder / "s.yaml").write_text(
        "expectations:\n  - {type: no_drift, column: x, reference: ref.profile.json}\n"
    )
    monkeypatch.chdir(tmp_path)  # the reference is not in the working directory
    suite = dg.load_suite(folder / "s.yaml")
    frame = suite.example(10)
    assert dg.validate(frame, suite).results[0].reason is not dg.Reason.ERROR
