"""Aggregate custom expectations: declared statistics in, a verdict out."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

import dataguard as dg
from dataguard import extend
from dataguard.expectations import registered


@pytest.fixture(autouse=True)
def clean() -> Iterator[None]:
    before = set(registered())
    yield
    for name in set(registered()) - before:
        extend.unregister(name)


def test_a_table_level_check_reads_the_row_count_with_where() -> None:
    @extend.aggregate_check("enough_rows", statistics={"rows": extend.row_count()})
    def enough_rows(rows: int, at_least: int) -> extend.Verdict:
        """At least ``at_least`` rows."""
        return extend.Verdict(rows >= at_least, rows, f"{rows} rows")

    frame = pd.DataFrame({"n": [1, 2, 3, 4]})
    suite = dg.Suite.from_dict(
        {
            "expectations": [
                {"type": "enough_rows", "at_least": 3},
                {"type": "enough_rows", "at_least": 3, "where": "n > 2"},
            ]
        }
    )
    everything, some = dg.validate(frame, suite).results
    assert everything.passed
    assert everything.observed_value == 4
    assert not some.passed
    assert some.message == "2 rows"
    assert "the table" in everything.expectation.describe()


def test_statistics_of_an_empty_column_are_none() -> None:
    seen = []

    @extend.aggregate_check(
        "spread", statistics={"low": extend.minimum(), "sd": extend.stdev(), "p": extend.quantile()}
    )
    def spread(low: float | None, sd: float | None, p: float | None) -> extend.Verdict:
        seen.append((low, sd, p))
        return extend.Verdict(low is not None)

    frame = pd.DataFrame({"x": pd.array([None, None], dtype="Float64")})
    result = dg.validate(frame, [registered()["spread"].from_dict({"column": "x"})]).results[0]
    assert seen == [(None, None, None)]
    assert not result.passed


def test_a_function_that_returns_no_verdict_gives_an_error_result() -> None:
    @extend.aggregate_check("sloppy", statistics={"m": extend.mean()})
    def sloppy(m: float | None) -> bool:
        return True

    frame = pd.DataFrame({"x": [1.0, 2.0]})
    result = dg.validate(frame, [registered()["sloppy"].from_dict({"column": "x"})]).results[0]
    assert result.reason == dg.Reason.ERROR
    assert "not a Verdict" in result.message


def test_a_quantile_outside_zero_and_one_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        extend.quantile("column", 1.5)


def test_statistics_of_two_columns() -> None:
    @extend.aggregate_check(
        "sums_match",
        statistics={"a": extend.total("left"), "b": extend.total("right")},
    )
    def sums_match(a: float, b: float, tolerance: float = 0.0) -> extend.Verdict:
        return extend.Verdict(abs(a - b) <= tolerance, a - b)

    frame = pd.DataFrame({"x": [1, 2, 3], "y": [3, 2, 1.5]})
    check = registered()["sums_match"].from_dict({"left": "x", "right": "y", "tolerance": 1})
    result = dg.validate(frame, [check]).results[0]
    assert result.passed
    assert result.observed_value == pytest.approx(-0.5)
    assert check.columns == ("x", "y")
