"""``drift`` refuses numeric arguments that would silently change its verdict."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

import dataguard as dg


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(41)
    reference = pd.DataFrame({"a": rng.normal(size=500), "b": rng.normal(size=500)})
    return reference, reference.assign(a=reference["a"] + 5000)


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"alpha": math.nan}, "alpha"),
        ({"alpha": 0.0}, "alpha"),
        ({"alpha": 1.0}, "alpha"),
        ({"alpha": True}, "alpha"),
        ({"alpha": "0.05"}, "alpha"),
        ({"min_effect": math.nan}, "min_effect"),
        ({"min_effect": -0.1}, "min_effect"),
        ({"min_effect": math.inf}, "min_effect"),
        ({"min_effect": 1.5}, "from 0 to 1"),
        ({"min_effect": "0.1"}, "min_effect"),
        ({"min_effect": {"a": math.nan}}, "min_effect for column 'a'"),
        ({"min_effect": {"a": -1.0}}, "min_effect for column 'a'"),
        ({"min_effect": {"a": 2}}, "min_effect for column 'a'"),
        ({"min_effect": {"zzz": 0.1}}, "'zzz'"),
    ],
)
def test_bad_numbers_are_refused_by_name(
    frames: tuple[pd.DataFrame, pd.DataFrame], options: dict[str, Any], words: str
) -> None:
    reference, current = frames
    with pytest.raises(ValueError, match=words):
        dg.drift(current, reference=reference, **options)


def test_good_numbers_still_flag_the_shift(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    reference, current = frames
    report = dg.drift(current, reference=reference, alpha=0.01, min_effect={"a": 0.0})
    assert report.drifted_columns == ("a",)
    assert dg.drift(current, reference=reference, min_effect=0).drifted


def test_multivariate_names_the_true_reason(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    reference, current = frames
    one_number = reference.assign(b=["x"] * len(reference))
    with pytest.raises(dg.ProfileError, match=r"at least two numeric columns.*'a'"):
        dg.drift(current.assign(b="x"), reference=one_number, multivariate=True)
    with pytest.raises(dg.ProfileError, match="comoments=True"):
        dg.drift(current, reference=dg.profile(reference), multivariate=True)


def test_multivariate_that_cannot_be_computed_says_why() -> None:
    rng = np.random.default_rng(42)
    x = rng.normal(size=300)
    varied = pd.DataFrame({"a": x, "b": x + rng.normal(size=300)})
    constant = pd.DataFrame({"a": np.ones(300), "b": np.ones(300)})
    with pytest.raises(dg.ProfileError, match="vary"):
        dg.drift(varied, reference=constant, multivariate=True)
    with pytest.raises(dg.ProfileError, match="vary"):
        dg.drift(varied, reference=varied.head(1), multivariate=True)
