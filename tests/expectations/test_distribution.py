"""z-scores, outliers and KL divergence against a stored partition."""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd
import pytest

import dataguard as dg
from dataguard.expectations import KlDivergenceBelow, NoOutliers, ZScoreBelow

Reason = dg.Reason


@pytest.mark.parametrize(
    ("values", "expectation", "failing"),
    [
        # The corpus' dist1: mean 5/3, sample stdev sqrt(4/3); 3 has z = 1.1547.
        ([1, 1, 3], ZScoreBelow("x", threshold=1.96), []),
        ([1, 1, 3], ZScoreBelow("x", threshold=1.1), [2]),
        ([1, 1, 3], ZScoreBelow("x", threshold=0.1), [0, 1, 2]),
        # One-sided: only large positive z-scores fail.
        ([1, 1, 3], ZScoreBelow("x", threshold=0.5, double_sided=False), [2]),
        ([-5, 0, 0, 0, None], ZScoreBelow("x", threshold=1.2), [0]),
        # No spread: the z-score is undefined, so no value can be shown to be below it.
        ([2, 2, 2], ZScoreBelow("x", threshold=3), [0, 1, 2]),
        ([7], ZScoreBelow("x", threshold=3), [0]),
    ],
)
def test_z_scores(
    frame_factory: Any, one: Any, values: list[Any], expectation: Any, failing: list[int]
) -> None:
    result = one(frame_factory({"x": values}), expectation, result_format="complete")
    assert result.unexpected_index_list == tuple(failing)
    assert result.passed is (not failing)


def test_z_scores_use_exact_moments() -> None:
    # Centred at 1e9 with spread 1: a naive sum of squares loses every digit of the variance.
    values = [1e9 + d for d in (-1.0, 0.0, 1.0)] * 1000 + [1e9 + 10.0]
    result = dg.validate(pd.DataFrame({"x": values}), [ZScoreBelow("x", threshold=5)]).results[0]
    assert result.unexpected_index_list == (3000,)


@pytest.mark.parametrize(
    ("values", "expectation", "failing"),
    [
        # 0..8 and one more: Q1 = 2.25, Q3 = 6.75, IQR 4.5, fences -4.5 and 13.5 (inclusive).
        ([0, 1, 2, 3, 4, 5, 6, 7, 8, 100], NoOutliers("x"), [9]),
        ([0, 1, 2, 3, 4, 5, 6, 7, 8, 13.5], NoOutliers("x"), []),
        ([1, 2, 3, 4, 5, 7], NoOutliers("x", factor=0), [0, 1, 4, 5]),
        ([0.0] * 20 + [10.0], NoOutliers("x", method="std"), [20]),
        ([0.0] * 20 + [10.0], NoOutliers("x", method="std", factor=5), []),
        ([5.0], NoOutliers("x", method="std"), []),  # no spread to measure: no outlier
        ([None, 3.0], NoOutliers("x"), []),
        # Quartiles beside an infinity are exact (numpy's are NaN, which let everything pass).
        ([1.0, 2.0, 3.0, 100.0, math.inf], NoOutliers("x"), [4]),
        ([1.0, 2.0, 3.0, 4.0, math.inf], NoOutliers("x", factor=0), [0, 4]),
    ],
)
def test_outliers(
    frame_factory: Any, one: Any, values: list[Any], expectation: Any, failing: list[int]
) -> None:
    result = one(frame_factory({"x": values}), expectation, result_format="complete")
    assert result.unexpected_index_list == tuple(failing)


def test_outlier_and_z_score_parameters_are_checked() -> None:
    with pytest.raises(dg.SuiteError, match="threshold must be a finite number"):
        ZScoreBelow("x", threshold=math.inf)
    with pytest.raises(dg.SuiteError, match="never below a threshold of 0"):
        ZScoreBelow("x", threshold=0)
    with pytest.raises(dg.SuiteError, match="factor cannot be negative"):
        NoOutliers("x", factor=-1)
    with pytest.raises(dg.SuiteError, match=re.escape("expected 'iqr' | 'std'")):
        NoOutliers.from_dict({"column": "x", "method": "mad"})


def test_describe_spread() -> None:
    assert ZScoreBelow("x", threshold=3).describe() == (
        "The |z-score| of every value of 'x' is below 3."
    )
    assert "1.5 IQR" in NoOutliers("x").describe()
    assert "3 stdev" in NoOutliers("x", method="std").describe()


# --- KL divergence -----------------------------------------------------------------------------

LETTERS = {"a": ["a", "a", "b", "c"]}


def test_categorical_divergence_with_a_tail_holdout(one: Any) -> None:
    # The corpus' holdout_0_1: p = (.5, .25, .25), q = (.54, .36, .1).
    expectation = KlDivergenceBelow(
        column="a", values=["a", "b"], weights=[0.6, 0.4], threshold=0.1, tail_weight_holdout=0.1
    )
    result = one(pd.DataFrame(LETTERS), expectation)
    assert result.passed
    assert result.observed_value == pytest.approx(0.09943138400349738, rel=1e-12)
    assert result.details["observed_partition"] == {
        "values": ["a", "b", "c"],
        "weights": [0.5, 0.25, 0.25],
    }
    assert result.details["expected_partition"]["weights"] == pytest.approx([0.54, 0.36, 0.1])


def test_an_unexpected_value_without_holdout_is_infinitely_far(one: Any) -> None:
    expectation = KlDivergenceBelow(column="a", values=["a", "b"], weights=[0.6, 0.4], threshold=1)
    result = one(pd.DataFrame(LETTERS), expectation)
    assert not result.passed
    assert result.observed_value is None
    assert "infinite" in result.message


def test_identical_distributions_have_no_divergence(one: Any) -> None:
    data = pd.DataFrame({"a": ["x"] * 27 + ["y"] * 16 + ["z"] * 7})
    expectation = KlDivergenceBelow(
        column="a", values=["x", "y", "z"], weights=[0.54, 0.32, 0.14], threshold=0
    )
    result = one(data, expectation)
    assert result.passed
    assert result.observed_value == 0


def test_continuous_partition_with_infinite_edges(one: Any) -> None:
    # The corpus' dataset 6: the infinite outer bins are reported as tails.
    x = [-1.95, 1.03, 1.0, 0.81, -2.27, 0.52, 2.45, -1.19, -0.17, -1.54, 2.2, -2.66, 1.71, 1.59]
    x += [2.19, None]
    expectation = KlDivergenceBelow(
        column="x",
        bins=[-math.inf, -2, -1, 0, 1, 2, math.inf],
        weights=[0.3, 0.15, 0.05, 0.05, 0.2, 0.25],
        threshold=0.05,
    )
    result = one(pd.DataFrame({"x": x}), expectation)
    observed = result.details["observed_partition"]
    assert observed["bins"] == [-2, -1, 0, 1, 2]
    assert observed["weights"] == pytest.approx([0.2, 1 / 15, 2 / 15, 4 / 15])
    assert observed["tail_weights"] == pytest.approx([2 / 15, 0.2])
    assert result.details["expected_partition"]["tail_weights"] == [0.3, 0.25]
    assert not result.passed


def test_holdouts_make_room_for_values_outside_the_partition(one: Any) -> None:
    data = pd.DataFrame({"x": [-0.5, 0.5, 1.5, 2.5, 3.5]})
    tight = KlDivergenceBelow(column="x", bins=[0, 1, 2, 3], weights=[0.3, 0.4, 0.3], threshold=1)
    assert one(data, tight).observed_value is None
    loose = KlDivergenceBelow(
        column="x",
        bins=[0, 1, 2, 3],
        weights=[0.3, 0.4, 0.3],
        threshold=1,
        tail_weight_holdout=0.2,
    )
    result = one(data, loose)
    assert result.passed
    assert result.details["expected_partition"]["tail_weights"] == [0.1, 0.1]
    # Internal holdout: shared by the bins of weight 0.
    inner = KlDivergenceBelow(
        column="x",
        bins=[-1, 0, 1, 2, 3, 4],
        weights=[0.5, 0.0, 0.5, 0.0, 0.0],
        threshold=10,
        internal_weight_holdout=0.3,
    )
    expected = one(data, inner).details["expected_partition"]["weights"]
    assert expected == pytest.approx([0.35, 0.1, 0.35, 0.1, 0.1])


def test_the_divergence_of_a_histogram_is_batch_independent() -> None:
    data = pd.DataFrame({"x": [(k % 17) / 4 for k in range(500)]})
    expectation = KlDivergenceBelow(
        column="x", bins=[0, 1, 2, 3, 4, 5], weights=[0.2] * 5, threshold=1
    )
    whole = dg.validate(data, [expectation]).results[0]
    chunked = dg.validate(data, [expectation], chunk_size=37).results[0]
    assert whole.observed_value == chunked.observed_value


def test_no_threshold_reports_only_when_allowed(one: Any) -> None:
    with pytest.raises(dg.SuiteError, match="give threshold, or set allow_unbounded"):
        KlDivergenceBelow(column="a", values=["a"], weights=[1.0])
    unbounded = KlDivergenceBelow(column="a", values=["a"], weights=[1.0], allow_unbounded=True)
    result = one(pd.DataFrame(LETTERS), unbounded)
    assert result.passed
    assert "reported only" in result.message


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"weights": [1.0]}, "give the partition's bins or its values"),
        ({"bins": [0, 1], "values": ["a"], "weights": [1.0]}, "not both"),
        ({"bins": [0, 1, 2], "weights": [1.0]}, "3 bin edges need 2 weights"),
        ({"bins": [0, 2, 1], "weights": [0.5, 0.5]}, "bin edges must increase"),
        ({"bins": [0, 1], "weights": [0.5]}, "must add up to 1"),
        ({"values": ["a", "a"], "weights": [0.5, 0.5]}, "listed twice"),
        ({"values": ["a"], "weights": [1.0], "internal_weight_holdout": 0.1}, "partitions of bins"),
        (
            {"bins": [-math.inf, 0, math.inf], "weights": [0.5, 0.5], "tail_weight_holdout": 0.1},
            "both outer edges are infinite",
        ),
        (
            {"bins": [-math.inf, 0], "weights": [0.5], "tail_weights": [0.25, 0.25]},
            "no tail_weights with an infinite outer edge",
        ),
        (
            {
                "bins": [0, 1],
                "weights": [0.8],
                "tail_weights": [0.1, 0.1],
                "tail_weight_holdout": 0.1,
            },
            "must be 0 when the partition has tail_weights",
        ),
        ({"values": ["a"], "weights": [1.0], "tail_weight_holdout": 2}, "less than or equal to 1"),
        ({"values": ["a"], "weights": [-1.0]}, "not negative"),
    ],
)
def test_bad_partitions_are_refused(params: dict[str, Any], message: str) -> None:
    with pytest.raises(dg.SuiteError, match=message):
        KlDivergenceBelow.from_dict({"column": "x", "threshold": 1, **params})


def test_bins_need_numbers(one: Any) -> None:
    expectation = KlDivergenceBelow(column="a", bins=[0, 1], weights=[1.0], threshold=1)
    result = one(pd.DataFrame(LETTERS), expectation)
    assert result.reason is Reason.TYPE_MISMATCH
