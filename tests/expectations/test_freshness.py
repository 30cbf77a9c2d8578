"""Freshness: the newest timestamp or date against the run's clock."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dataguard as dg
from dataguard.cli import main
from dataguard.expectations import Duration, Freshness
from dataguard.report import view_model
from dataguard.suite import loads_suite

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 12, 7, 12, tzinfo=UTC)
STAMPS = [dt.datetime(2026, 12, 5, 8), None, dt.datetime(2026, 12, 6, 9), dt.datetime(2026, 12, 1)]


def fresh(max_age: str | int | float, **options: Any) -> Freshness:
    return Freshness(column="updated_at", max_age=Duration(max_age), **options)


def judge(data: Any, expectation: Freshness, now: dt.datetime = NOW) -> dg.ExpectationResult:
    return dg.validate(data, [expectation], now=now).results[0]


def test_passes_when_the_newest_value_is_young_enough() -> None:
    data = pd.DataFrame({"updated_at": STAMPS})
    # The newest value is 27 hours old: 1d3h passes (inclusive), 1d2h59m59s fails.
    passing = judge(data, fresh("1d3h"))
    assert passing.passed
    assert passing.observed_value == dt.datetime(2026, 12, 6, 9)
    assert passing.details["age_seconds"] == 27 * 3600
    assert passing.details["now"] == "2026-12-07T12:00:00+00:00"
    failing = judge(data, fresh("PT26H59M59S"))
    assert not failing.passed
    assert failing.reason is dg.Reason.OUT_OF_RANGE
    assert failing.message == (
        "newest 2026-12-06T09:00:00, 1 day 3 h old; at most PT26H59M59S allowed"
    )


@pytest.mark.parametrize(
    ("unit", "tz"),
    [("s", None), ("ms", None), ("us", None), ("ns", None), ("us", "UTC"), ("ns", "Asia/Tokyo")],
)
def test_timestamps_of_every_unit_and_zone_compare_in_utc(unit: str, tz: str | None) -> None:
    instants = [dt.datetime(2026, 12, 6, 9, tzinfo=UTC), dt.datetime(2026, 12, 1, tzinfo=UTC)]
    array = pa.array(instants, pa.timestamp(unit, tz="UTC")).cast(pa.timestamp(unit, tz=tz))
    # Naive values are taken as UTC, so every column holds the same instants.
    result = judge(pa.table({"updated_at": array}), fresh(27 * 3600))
    assert result.passed
    assert result.details["age_seconds"] == 27 * 3600


def test_a_date_counts_from_midnight_utc() -> None:
    data = pa.table({"updated_at": pa.array([dt.date(2026, 12, 6), dt.date(2026, 11, 1)])})
    result = judge(data, fresh("36h"))
    assert result.passed
    assert result.observed_value == dt.date(2026, 12, 6)
    assert result.details["age_seconds"] == 36 * 3600
    assert not judge(data, fresh("35h")).passed


def test_the_clock_is_taken_as_utc_when_naive_and_converted_when_not() -> None:
    data = pd.DataFrame({"updated_at": STAMPS})
    tokyo = dt.timezone(dt.timedelta(hours=9))
    for now in (dt.datetime(2026, 12, 7, 12), NOW.astimezone(tokyo)):
        result = dg.validate(data, [fresh("1d3h")], now=now)
        assert result.run.now == NOW
        assert result.results[0].details["age_seconds"] == 27 * 3600
    with pytest.raises(TypeError, match="now must be a datetime"):
        dg.validate(data, [fresh("1d")], now="2026-12-07")  # type: ignore[arg-type]


def test_a_value_after_the_clock_is_fresh() -> None:
    data = pd.DataFrame({"updated_at": [dt.datetime(2026, 12, 7, 14)]})
    result = judge(data, fresh("1h"))
    assert result.passed
    assert result.details["age_seconds"] == -2 * 3600
    assert "2 h ahead" in result.message


@pytest.mark.parametrize(
    "column",
    [
        pa.array([], pa.timestamp("us")),
        pa.array([None, None], pa.timestamp("us")),
        pa.array([None, None], pa.date32()),
        pa.nulls(2),
    ],
    ids=["empty", "all null", "all null dates", "untyped nulls"],
)
def test_no_present_value_is_a_failed_result_not_an_error(column: pa.Array) -> None:
    result = judge(pa.table({"updated_at": column}), fresh("24h"))
    assert not result.passed
    assert result.reason is dg.Reason.NO_DATA
    assert result.message == (
        "column 'updated_at' has no present values, so no newest one; at most 24h allowed"
    )


def test_other_columns_are_type_mismatches() -> None:
    result = judge(pd.DataFrame({"updated_at": ["2026-12-06"]}), fresh("24h"))
    assert result.reason is dg.Reason.TYPE_MISMATCH
    assert "needs date or datetime values" in result.message


def test_where_keeps_the_rows_it_names() -> None:
    data = pd.DataFrame({"updated_at": STAMPS, "source": ["a", "a", "b", "b"]})
    assert not judge(data, fresh("2d", where="source == 'a'")).passed  # newest a: 2026-12-05
    assert judge(data, fresh("2d", where="source == 'b'")).passed


def test_one_clock_per_run_is_recorded() -> None:
    data = pd.DataFrame({"updated_at": STAMPS})
    before = dt.datetime.now(UTC)
    result = dg.validate(data, [fresh("1h"), fresh("2h")])
    assert before <= result.run.now <= dt.datetime.now(UTC)
    clocks = {r.details["now"] for r in result.results}
    assert clocks == {result.run.now.isoformat()}
    assert result.to_dict()["run"]["now"] == result.run.now.isoformat()
    pinned = dg.validate(data, [fresh("1h")], now=NOW)
    facts = {f["label"]: f["value"] for f in view_model(pinned)["facts"]}
    assert facts["clock"] == "2026-12-07 12:00:00 UTC"


@pytest.mark.parametrize("written", ["24h", "1d12h", "P1DT2H", 3600, 1.5])
def test_max_age_reads_back_as_written(written: str | float) -> None:
    suite = dg.Suite([fresh(written)])
    for kind in ("yaml", "json"):
        again = loads_suite(suite.dumps(kind), kind)
        assert again == suite
        assert again.expectations[0].to_dict()["max_age"] == written


@pytest.mark.parametrize(
    ("max_age", "words"),
    [
        ("1 day", "cannot read duration '1 day'; use 30s, 15m, 24h, 7d, 1d12h"),
        ("P1M", "which have no fixed length"),
        (True, "expected duration, got bool True"),
        ([1], "expected duration, got list"),
    ],
)
def test_a_bad_max_age_is_a_suite_error_at_its_key(max_age: Any, words: str) -> None:
    text = (
        f"expectations:\n  - type: freshness\n    column: t\n    max_age: {json.dumps(max_age)}\n"
    )
    with pytest.raises(dg.SuiteError, match=words) as caught:
        loads_suite(text, "yaml")
    assert "max_age" in str(caught.value)


def test_the_cli_takes_the_clock_and_rejects_a_bad_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "rows.parquet"
    pq.write_table(pa.table({"updated_at": pa.array(STAMPS, pa.timestamp("us"))}), data)
    suite = tmp_path / "suite.yaml"
    suite.write_text("expectations:\n  - {type: freshness, column: updated_at, max_age: 1d3h}\n")

    def run(*extra: str) -> tuple[int, dict[str, Any]]:
        out = io.StringIO()
        code = main(["validate", str(data), "-s", str(suite), "-f", "json", *extra], stdout=out)
        return code, json.loads(out.getvalue()) if code < 2 else {}

    code, doc = run("--now", "2026-12-07T12:00:00Z")
    assert code == 0
    assert doc["run"]["now"] == "2026-12-07T12:00:00+00:00"
    assert doc["results"][0]["details"]["age_seconds"] == 27 * 3600
    assert run("--now", "2026-12-07T13:00:00")[0] == 1  # no offset: UTC, an hour too late
    assert run("--now", "2026-12-07T21:00:00+09:00")[0] == 0
    assert run("--now", "yesterday")[0] == 2
    assert "cannot read time 'yesterday'" in capsys.readouterr().err


def test_a_validated_step_can_fix_the_clock() -> None:
    @dg.validated([fresh("1d3h")], now=NOW)
    def load() -> pd.DataFrame:
        return pd.DataFrame({"updated_at": STAMPS})

    assert len(load()) == len(STAMPS)

    @dg.validated([fresh("1d")], now=NOW)
    def stale() -> pd.DataFrame:
        return pd.DataFrame({"updated_at": STAMPS})

    with pytest.raises(dg.ValidationFailedError, match="1 day 3 h old"):
        stale()
