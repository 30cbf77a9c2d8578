"""Fairness and representation checks: rate parity, missingness parity and group shares."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard.expectations import GroupShareBetween, MissingnessParity, RateParity
from dataguard.metrics import MAX_GROUPS


def _one(data: Any, **declaration: Any) -> dg.ExpectationResult:
    return dg.validate(data, dg.Suite.from_dict({"expectations": [declaration]})).results[0]


def _planted(best: float, other: float, rows: int = 1000) -> pd.DataFrame:
    """Half the rows in each of two groups, with exactly these positive rates."""
    half = rows // 2
    hired = [k < best * half for k in range(half)] + [k < other * half for k in range(half)]
    return pd.DataFrame({"gender": ["M"] * half + ["F"] * half, "hired": hired})


def test_planted_disparity_fails_the_four_fifths_rule_and_names_the_group() -> None:
    frame = _planted(0.6, 0.42)  # 0.42 is 70% of 0.6
    result = _one(
        frame, type="rate_parity", column="hired", group_by=["gender"], preset="four_fifths"
    )
    assert not result.passed
    assert result.reason is dg.Reason.OUT_OF_RANGE
    assert result.message.startswith(
        "group gender='F' has positive rate 0.42, 70% of the best group gender='M' (0.6); "
        "four-fifths rule needs ≥ 80%"
    )
    assert result.observed_value == pytest.approx(0.7)
    assert result.details["worst_group"] == {"gender": "F"}
    assert result.details["best_group"] == {"gender": "M"}


def test_an_unbiased_frame_passes_the_four_fifths_rule() -> None:
    frame = _planted(0.6, 0.6)
    result = _one(
        frame, type="rate_parity", column="hired", group_by=["gender"], preset="four_fifths"
    )
    assert result.passed, result.message
    assert result.observed_value == 1.0


def test_exactly_four_fifths_passes() -> None:
    # 0.48 / 0.6 is 0.8 exactly as fractions, though not as floats.
    result = _one(
        _planted(0.6, 0.48), type="rate_parity", column="hired", group_by=["gender"], min_ratio=0.8
    )
    assert result.passed, result.message


def _frame(seed: int, rows: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    region = rng.choice(np.array(["north", "south", "east", None], dtype=object), rows)
    band = rng.choice([1, 2], rows)
    outcome = rng.choice([0.0, 1.0, np.nan], rows, p=[0.5, 0.4, 0.1])
    income = np.where(rng.random(rows) < np.where(region == "north", 0.3, 0.1), np.nan, 5.0)
    return pd.DataFrame({"region": region, "band": band, "outcome": outcome, "income": income})


def test_rates_match_a_pandas_groupby() -> None:
    frame = _frame(1)
    result = _one(
        frame,
        type="rate_parity",
        column="outcome",
        group_by=["region", "band"],
        max_difference=1,
        min_group_rows=1,
    )
    grouped = frame.groupby(["region", "band"], dropna=False)["outcome"]
    expected = (grouped.sum() / grouped.count()).to_dict()
    got = {(g["group"]["region"], g["group"]["band"]): g["value"] for g in result.details["groups"]}
    assert got.keys() == {(None if pd.isna(r) else r, b) for r, b in expected}
    for (region, band), rate in expected.items():
        assert got[(None if pd.isna(region) else region, band)] == pytest.approx(rate, abs=1e-15)
    best = max(expected.values())
    worst = min(expected.values())
    assert result.observed_value == pytest.approx(best - worst, abs=1e-15)
    # Missing group keys come last; groups in key order.
    keys = [(g["group"]["region"], g["group"]["band"]) for g in result.details["groups"]]
    assert keys == sorted(keys, key=lambda k: (k[0] is None, k[0] or "", k[1]))


def test_missing_shares_match_a_pandas_groupby() -> None:
    frame = _frame(2)
    result = _one(
        frame, type="missingness_parity", column="income", group_by=["region"], max_difference=0.1
    )
    shares = frame["income"].isna().groupby(frame["region"], dropna=False).mean()
    overall = frame["income"].isna().mean()
    got = {g["group"]["region"]: g["value"] for g in result.details["groups"]}
    for region, share in shares.items():
        assert got[None if pd.isna(region) else region] == pytest.approx(share, abs=1e-15)
    assert result.details["overall"] == pytest.approx(overall, abs=1e-15)
    assert not result.passed  # north is missing three times as often
    assert "group region='north' has missing share" in result.message
    worst = max(abs(s - overall) for s in shares)
    assert result.observed_value == pytest.approx(worst, abs=1e-15)


def test_group_shares_match_a_pandas_groupby() -> None:
    frame = _frame(3)
    result = _one(frame, type="group_share_between", group_by=["region"], min_share=0.2)
    shares = frame.groupby("region", dropna=False).size() / len(frame)
    got = {g["group"]["region"]: g["value"] for g in result.details["groups"]}
    assert got == pytest.approx({None if pd.isna(k) else k: v for k, v in shares.items()})
    assert result.passed, result.message


def test_a_small_group_is_reported_but_not_judged() -> None:
    frame = pd.concat(
        [_planted(0.5, 0.5), pd.DataFrame({"gender": ["X"] * 5, "hired": [False] * 5})]
    )
    result = _one(
        frame, type="rate_parity", column="hired", group_by=["gender"], preset="four_fifths"
    )
    assert result.passed, result.message
    assert "(1 small group not judged)" in result.message
    small = next(g for g in result.details["groups"] if g["group"] == {"gender": "X"})
    assert small == {
        "group": {"gender": "X"},
        "rows": 5,
        "outcomes": 5,
        "positives": 0,
        "value": 0.0,
        "judged": False,
        "passed": None,
    }
    judged = _one(
        frame,
        type="rate_parity",
        column="hired",
        group_by=["gender"],
        preset="four_fifths",
        min_group_rows=5,
    )
    assert not judged.passed
    assert judged.details["worst_group"] == {"gender": "X"}


def test_no_group_large_enough_is_no_data() -> None:
    result = _one(
        _planted(0.5, 0.1, rows=20),
        type="rate_parity",
        column="hired",
        group_by=["gender"],
        preset="four_fifths",
    )
    assert not result.passed
    assert result.reason is dg.Reason.NO_DATA
    assert "no group of 'gender' has 30 or more values of 'hired'" in result.message


def test_a_named_positive_label_and_values_other_than_zero_and_one() -> None:
    labels = pd.DataFrame({"g": ["a", "b"] * 50, "y": ["yes", "no", "no", "no"] * 25})
    named = _one(
        labels, type="rate_parity", column="y", group_by=["g"], positive="yes", max_difference=0.1
    )
    assert not named.passed
    assert named.details["best_rate"] == 0.5
    assert named.details["worst_rate"] == 0.0
    unnamed = _one(labels, type="rate_parity", column="y", group_by=["g"], max_difference=0.1)
    assert unnamed.reason is dg.Reason.TYPE_MISMATCH
    assert "positive:" in unnamed.message
    counts = pd.DataFrame({"g": ["a", "b"] * 50, "y": [0, 1, 2, 1] * 25})
    other = _one(counts, type="rate_parity", column="y", group_by=["g"], max_difference=0.1)
    assert other.reason is dg.Reason.UNEXPECTED_VALUES
    assert "25 values other than 0 and 1" in other.message


def test_where_and_severity_apply() -> None:
    frame = _planted(0.6, 0.42).assign(keep=[True] * 500 + [False] * 500)
    declaration = {
        "type": "rate_parity",
        "column": "hired",
        "group_by": ["gender"],
        "preset": "four_fifths",
        "severity": "warning",
    }
    warned = dg.validate(frame, dg.Suite.from_dict({"expectations": [declaration]}))
    assert warned.passed
    assert not warned.results[0].passed
    only_m = _one(frame, **declaration, where="keep")
    assert only_m.passed
    assert [g["group"] for g in only_m.details["groups"]] == [{"gender": "M"}]


def test_too_many_groups_is_a_clear_error() -> None:
    frame = pd.DataFrame({"id": range(MAX_GROUPS + 1)})
    result = _one(frame, type="group_share_between", group_by=["id"], max_share=0.5)
    assert result.reason is dg.Reason.TOO_MANY_GROUPS
    assert f"group_by 'id' found more than max_groups {MAX_GROUPS:,} groups" in result.message


def test_shares_against_a_reference_profile(tmp_path: Path) -> None:
    reference = pd.DataFrame({"region": ["north"] * 50 + ["south"] * 40 + [None] * 10})
    dg.profile(reference).save(tmp_path / "ref.profile.json")
    suite_file = tmp_path / "suite.yaml"
    suite_file.write_text(
        "expectations:\n"
        "  - {type: group_share_between, group_by: [region], reference: ref.profile.json,"
        " tolerance: 0.05}\n"
    )
    suite = dg.load_suite(suite_file)
    same = pd.DataFrame({"region": ["north"] * 52 + ["south"] * 38 + [None] * 10})
    assert dg.validate(same, suite).passed
    shifted = pd.DataFrame({"region": ["north"] * 40 + ["south"] * 40 + ["west"] * 20})
    result = dg.validate(shifted, suite).results[0]
    assert not result.passed
    by_group = {g["group"]["region"]: g for g in result.details["groups"]}
    assert by_group["west"]["reference_share"] == 0.0  # new in the data
    assert by_group[None]["value"] == 0.0
    assert by_group[None]["reference_share"] == 0.1
    assert result.details["worst_group"] == {"region": "west"}
    assert result.message.startswith(
        "group region='west' holds 20% of the rows against 0% in the reference"
    )
    assert result.observed_value == pytest.approx(0.2)


def test_a_reference_without_category_counts_is_a_suite_error(tmp_path: Path) -> None:
    dg.profile(pd.DataFrame({"v": np.arange(5000) / 7})).save(tmp_path / "ref.json")
    path = tmp_path / "suite.yaml"
    dg.Suite([GroupShareBetween(group_by=("v",), reference="ref.json", tolerance=0.1)]).dump(path)
    with pytest.raises(dg.SuiteError, match="holds no category counts"):
        dg.validate(pd.DataFrame({"v": [1.0]}), dg.load_suite(path))


@pytest.mark.parametrize(
    ("declaration", "problem"),
    [
        ({"type": "rate_parity", "column": "y", "group_by": []}, "group_by"),
        ({"type": "rate_parity", "column": "y", "group_by": ["g", "g"]}, "listed twice"),
        ({"type": "rate_parity", "column": "y", "group_by": ["g"]}, "exactly one of"),
        (
            {
                "type": "rate_parity",
                "column": "y",
                "group_by": ["g"],
                "preset": "four_fifths",
                "min_ratio": 0.5,
            },
            "exactly one of",
        ),
        ({"type": "rate_parity", "column": "y", "group_by": ["g"], "preset": "half"}, "expected"),
        ({"type": "rate_parity", "column": "y", "group_by": ["g"], "min_ratio": 0}, "above 0"),
        (
            {
                "type": "rate_parity",
                "column": "y",
                "group_by": ["g"],
                "max_difference": 0.1,
                "min_group_rows": 0,
            },
            "min_group_rows",
        ),
        (
            {"type": "missingness_parity", "column": "y", "group_by": ["g"], "max_difference": 2},
            "between 0 and 1",
        ),
        ({"type": "group_share_between", "group_by": ["g"]}, "min_share, max_share"),
        (
            {"type": "group_share_between", "group_by": ["g"], "min_share": 0.5, "max_share": 0.2},
            "greater",
        ),
        ({"type": "group_share_between", "group_by": ["g"], "reference": "r.json"}, "tolerance"),
        (
            {
                "type": "group_share_between",
                "group_by": ["g", "h"],
                "reference": "r.json",
                "tolerance": 0.1,
            },
            "one column",
        ),
        ({"type": "group_share_between", "group_by": ["g"], "tolerance": 0.1}, "reference"),
    ],
)
def test_bad_parameters_are_suite_errors(declaration: dict[str, Any], problem: str) -> None:
    with pytest.raises(dg.SuiteError, match=problem):
        dg.Suite.from_dict({"expectations": [declaration]})


SUITE = dg.Suite(
    [
        RateParity(column="y", group_by=("g", "h"), max_difference=0.2, min_group_rows=2),
        MissingnessParity(column="y", group_by=("g",), max_difference=0.2, min_group_rows=1),
        GroupShareBetween(group_by=("h",), min_share=0.1, max_share=0.8),
    ]
)


@settings(max_examples=15, deadline=None, database=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", None]),
            st.sampled_from([0.0, -0.0, 1.5, float("nan")]),
            st.sampled_from([True, False, None]),
        ),
        max_size=40,
    ),
    chunk=st.integers(1, 9),
)
def test_results_do_not_depend_on_the_chunk_size(rows: list[Any], chunk: int) -> None:
    g, h, y = zip(*rows, strict=True) if rows else ((), (), ())
    table = pa.table(
        {
            "g": pa.array(g, pa.string()),
            "h": pa.array(h, pa.float64()),
            "y": pa.array(y, pa.bool_()),
        }
    )
    whole = [r.to_dict() for r in dg.validate(table, SUITE).results]
    chunked = [r.to_dict() for r in dg.validate(table, SUITE, chunk_size=chunk).results]
    assert json.dumps(chunked, sort_keys=True) == json.dumps(whole, sort_keys=True)


def test_max_groups_caps_the_groups_compared() -> None:
    frame = pd.DataFrame({"k": [k % 12 for k in range(120)]})
    capped = _one(frame, type="group_share_between", group_by=["k"], max_share=0.5, max_groups=10)
    assert capped.reason is dg.Reason.TOO_MANY_GROUPS
    assert "group_by 'k' found more than max_groups 10 groups: raise max_groups" in capped.message
    assert _one(frame, type="group_share_between", group_by=["k"], max_share=0.5).passed
