"""Expectations bounded by their own history: ``history: {window, max_mad}`` and
``history: {relative_change, baseline}`` against earlier runs in a real SQLite run history
(issue 17 item 4)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import dataguard as dg
from dataguard.cli import main
from dataguard.expectations._history import MAD_SCALE, history_rule
from dataguard.history import History
from dataguard.suite import loads_suite

ROW_COUNT = "expectations:\n  - type: row_count_between\n    history: {window: 14, max_mad: 3}\n"


def rows(n: int, seed: int = 0, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"amount": rng.normal(100 + shift, 5, n)})


def run(data: pd.DataFrame, suite: str, db: Path, dataset: str = "orders") -> dg.ValidationResult:
    return dg.validate(data, loads_suite(suite), history=db, dataset=dataset)


def test_a_row_count_that_jumps_on_the_tenth_run_fails_only_there(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    counts = [1000, 1012, 991, 1004, 996, 1009, 987, 1003, 998, 2000]
    verdicts = [run(rows(n, seed=i), ROW_COUNT, db).passed for i, n in enumerate(counts)]
    assert verdicts == [True] * 9 + [False]
    last = run(rows(2000, seed=11), ROW_COUNT, db).results[0]
    # Ten runs now, the jump among them: 2000 is still far from the median (robust to it).
    assert not last.passed
    assert last.details["history"]["runs"] == 10


def test_too_little_history_passes_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"  # not created yet: the first run has no history at all
    first = run(rows(10), ROW_COUNT, db).results[0]
    assert first.passed
    assert "not enough history: 0 of 3 runs" in first.message
    assert first.details["history"] == {"runs": 0, "window": 14, "enough": False, "min_runs": 3}
    second = run(rows(5000), ROW_COUNT, db).results[0]
    assert second.passed
    assert "1 of 3 runs" in second.message


@pytest.mark.parametrize("kind", ["parquet", "pandas"])
def test_without_a_dataset_name_earlier_runs_of_the_same_data_are_found(
    tmp_path: Path, kind: str
) -> None:
    # The default name a run is recorded under is the one its history is read under: a file's
    # name for a path (which validate receives opened), the kind of data otherwise.
    db, path = tmp_path / "runs.db", tmp_path / "orders.parquet"
    for n in (100, 101, 99, 500):
        rows(n).to_parquet(path)
        data = path if kind == "parquet" else pd.read_parquet(path)
        last = dg.validate(data, loads_suite(ROW_COUNT), history=db).results[0]
    assert last.details["history"]["runs"] == 3
    assert not last.passed


def test_history_is_per_dataset_and_per_declaration(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    for i in range(4):
        run(rows(100 + i), ROW_COUNT, db, dataset="small")
    # Another dataset has its own history, and so does another declaration of the check.
    assert "0 of 3" in run(rows(9000), ROW_COUNT, db, dataset="large").results[0].message
    other = ROW_COUNT.replace("max_mad: 3", "max_mad: 4")
    assert "0 of 3" in run(rows(9000), other, db, dataset="small").results[0].message
    assert not run(rows(9000), ROW_COUNT, db, dataset="small").passed


def test_relative_change_against_the_last_run(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    suite = (
        "expectations:\n  - type: mean_between\n    column: amount\n"
        "    history: {relative_change: 0.2}\n"
    )
    means = []
    for shift in (0.0, 15.0, 40.0):
        result = run(rows(500, seed=1, shift=shift), suite, db).results[0]
        means.append(result.passed)
    # 100 -> 115 is 15% (passes), 115 -> 140 is 22% (fails).
    assert means == [True, True, False]
    details = run(rows(500, seed=1, shift=40.0), suite, db).results[0].details["history"]
    assert details["baseline"] == "last"
    assert details["relative_change"] == pytest.approx(0.0, abs=1e-12)


def test_relative_change_against_the_median_of_the_window(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    suite = (
        "expectations:\n  - type: median_between\n    column: amount\n"
        "    history: {relative_change: 0.1, baseline: median, window: 3}\n"
    )
    verdicts = [
        run(rows(400, seed=s, shift=shift), suite, db).passed
        for s, shift in enumerate([0, 1, -1, 8, 9, 30])
    ]
    # The first three build the history; 108 and 109 stay within 10% of the median of the last
    # three runs; 130 does not.
    assert verdicts == [True, True, True, True, True, False]


def test_fixed_bounds_and_history_must_both_hold(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    suite = (
        "expectations:\n  - type: row_count_between\n    max_value: 105\n"
        "    history: {relative_change: 0.5}\n"
    )
    assert run(rows(100), suite, db).passed
    result = run(rows(110), suite, db).results[0]
    assert not result.passed  # within 50% of 100, above 105
    assert "is not" in result.message
    assert "within 50%" in result.message


def test_the_sentence_names_the_rule() -> None:
    suite = loads_suite(ROW_COUNT)
    assert suite.expectations[0].describe() == (
        "The table's row count is within 3 MADs of the median of its last 14 runs."
    )
    stdev = loads_suite(
        "expectations:\n  - type: stdev_between\n    column: amount\n    max_value: 9\n"
        "    history: {relative_change: 0.25, baseline: median}\n"
    )
    assert stdev.expectations[0].describe() == (
        "The standard deviation of 'amount' is at most 9.0 and within 25% of the median of its "
        "last 14 runs."
    )


def test_without_a_history_a_history_bound_is_a_suite_error() -> None:
    with pytest.raises(dg.SuiteError, match="pass history=PATH"):
        dg.validate(rows(10), loads_suite(ROW_COUNT))


def test_bounds_stay_required_without_history() -> None:
    with pytest.raises(dg.SuiteError, match="give min_value, max_value or both"):
        loads_suite("expectations:\n  - type: row_count_between\n")


@pytest.mark.parametrize(
    ("option", "path", "words"),
    [
        ("{window: 14, max_madd: 3}", "history.max_madd", "did you mean 'max_mad'"),
        ("{window: 0, max_mad: 3}", "history.window", "at least 1"),
        ("{window: 2.5, max_mad: 3}", "history.window", "whole number"),
        ("{max_mad: -1}", "history.max_mad", "above 0"),
        ("{max_mad: 0}", "history.max_mad", "above 0"),
        ("{relative_change: -0.1}", "history.relative_change", "0 or more"),
        ("{relative_change: 0.2, baseline: mean}", "history.baseline", "'last' or 'median'"),
        ("{max_mad: 3, baseline: median}", "history.baseline", "relative_change only"),
        ("{window: 5}", "history", "max_mad, relative_change or both"),
        ("{max_mad: 3, window: 4, min_runs: 5}", "history.min_runs", "exceeds the window"),
        ("7", "history", "expected mapping"),
    ],
)
def test_bad_history_options_are_located_suite_errors(option: str, path: str, words: str) -> None:
    text = f"expectations:\n  - type: row_count_between\n    history: {option}\n"
    with pytest.raises(dg.SuiteError, match=words) as info:
        loads_suite(text)
    assert info.value.path == f"expectations[0].{path}"
    assert info.value.line == 3


def test_the_mad_is_scaled_to_a_standard_deviation() -> None:
    rule = history_rule({"max_mad": 2})
    past: list[Any] = [10, 12, 11, 13, 9, "text", None, True]  # non-numbers are not runs
    passed, _, details = rule.judge(11.0, past)
    assert passed
    assert details["runs"] == 5
    assert details["median"] == 11
    assert details["mad"] == pytest.approx(MAD_SCALE * 1.0)
    assert details["high"] == pytest.approx(11 + 2 * MAD_SCALE)
    assert not rule.judge(11 + 2.01 * MAD_SCALE, past)[0]
    # Equal past values: a MAD of 0 admits only that value.
    assert rule.judge(5, [5, 5, 5])[0]
    assert not rule.judge(5.5, [5, 5, 5])[0]


def test_a_zero_baseline_admits_only_zero() -> None:
    rule = history_rule({"relative_change": 0.5})
    assert rule.judge(0, [0])[0]
    assert not rule.judge(1, [0])[0]
    assert rule.min_runs == 1  # the last run alone is a baseline


def test_a_declaration_with_history_round_trips() -> None:
    suite = loads_suite(ROW_COUNT)
    again = dg.Suite.from_dict(suite.to_dict())
    assert again.expectations == suite.expectations
    assert suite.to_dict()["expectations"][0]["history"] == {"window": 14, "max_mad": 3}


def test_the_cli_compares_with_the_history_it_appends_to(tmp_path: Path) -> None:
    # The acceptance run: ten validations with --history, the row count jumps on the tenth.
    suite = tmp_path / "suite.yaml"
    suite.write_text(ROW_COUNT)
    data = tmp_path / "orders.csv"
    db = tmp_path / "runs.db"
    codes = []
    for i, n in enumerate([50, 52, 49, 51, 50, 48, 53, 50, 51, 120]):
        data.write_text("id\n" + "".join(f"{k}\n" for k in range(n)))
        out = io.StringIO()
        codes.append(
            main(["validate", str(data), "--suite", str(suite), "--history", str(db)], stdout=out)
        )
        assert ("not enough history" in out.getvalue()) == (i < 3)
    assert codes == [0] * 9 + [1]
    with History(db) as history:
        assert len(history.runs(dataset="orders.csv")) == 10
    # Without --history the same suite is a suite error (exit 2).
    assert main(["validate", str(data), "--suite", str(suite)], stdout=io.StringIO()) == 2


def test_each_quantile_is_bounded_by_its_own_history(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    suite = (
        "expectations:\n  - type: quantiles_between\n    column: amount\n"
        "    quantiles: [0.5, 0.9]\n    history: {relative_change: 0.05}\n"
    )
    first = run(rows(2000, seed=1), suite, db).results[0]
    assert first.passed
    assert first.details["history"]["quantile 0.5"]["enough"] is False
    assert run(rows(2000, seed=2), suite, db).passed
    # A wider spread moves the 0.9 quantile by more than 5%, the median hardly.
    wide = pd.DataFrame({"amount": np.random.default_rng(3).normal(100, 30, 2000)})
    result = run(wide, suite, db).results[0]
    assert not result.passed
    assert "quantile 0.9" in result.message
    assert "quantile 0.5" not in result.message
    assert result.details["history"]["quantile 0.5"]["relative_change"] < 0.05


def test_quantiles_need_value_ranges_without_history() -> None:
    with pytest.raises(dg.SuiteError, match="2 quantiles but 0 value ranges"):
        loads_suite(
            "expectations:\n  - type: quantiles_between\n    column: a\n    quantiles: [0.5, 0.9]\n"
        )


def test_a_grouped_check_compares_each_group_with_its_own_history(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    suite = (
        "expectations:\n  - type: row_count_between\n    group_by: [carrier]\n"
        "    history: {relative_change: 0.2}\n"
    )

    def flights(aa: int, ua: int) -> pd.DataFrame:
        return pd.DataFrame({"carrier": ["AA"] * aa + ["UA"] * ua})

    first = run(flights(100, 10), suite, db).results
    assert all(r.passed and "not enough history" in r.message for r in first)
    # UA grows from 10 to 15 rows (+50%), AA stays: only UA's result fails.
    second = {r.group["carrier"]: r for r in run(flights(100, 15), suite, db).results if r.group}
    assert second["AA"].passed
    assert not second["UA"].passed
    assert second["UA"].details["history"]["baseline_value"] == 10
