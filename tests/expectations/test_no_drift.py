"""``no_drift`` in a suite: schema changes are drift on the column, bad gates a SuiteError."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dataguard as dg


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    rng = np.random.default_rng(31)
    frame = pd.DataFrame({"a": rng.normal(size=200), "s": rng.choice(["x", "y", "z"], 200)})
    return dg.profile(frame).save(tmp_path / "ref.profile.json")


def suite(reference: Path, **options: object) -> dg.Suite:
    return dg.Suite.from_dict(
        {
            "expectations": [
                {"type": "no_drift", "column": c, "reference": str(reference), **options}
                for c in ("a", "s")
            ]
        }
    )


def test_a_changed_type_is_drift_with_both_types(reference: Path) -> None:
    current = pd.DataFrame({"a": ["t"] * 50, "s": np.arange(50.0)})
    results = dg.validate(current, suite(reference)).results
    kinds = zip(results, ("numeric", "categorical"), ("categorical", "numeric"), strict=True)
    for result, was, now in kinds:
        assert not result.passed
        assert result.reason == dg.Reason.DRIFTED
        assert f"{was} (" in result.message
        assert f"{now} (" in result.message


def test_an_all_missing_column_is_tested_by_its_missing_share(reference: Path) -> None:
    nothing = pd.Series([None] * 50, dtype=object)
    results = dg.validate(pd.DataFrame({"a": nothing, "s": nothing}), suite(reference)).results
    for result in results:
        assert not result.passed
        assert result.reason == dg.Reason.DRIFTED
        assert "missing" in result.details["reason"]


@pytest.mark.parametrize("value", [math.nan, -0.5, math.inf])
def test_a_gate_that_would_silence_drift_is_refused(reference: Path, value: float) -> None:
    with pytest.raises(dg.SuiteError, match="min_effect"):
        suite(reference, min_effect=value)


def test_a_test_that_cannot_be_computed_is_an_error_not_a_pass(reference: Path) -> None:
    # Welch t needs two finite values: drift reports the column with method none and the
    # reason; a suite must not count that as "no drift".
    current = pd.DataFrame({"a": [1.0]})
    check = dg.Suite.from_dict(
        {
            "expectations": [
                {
                    "type": "no_drift",
                    "column": "a",
                    "reference": str(reference),
                    "method": "welch_t",
                }
            ]
        }
    )
    (result,) = dg.validate(current, check).results
    assert not result.passed
    assert result.reason == dg.Reason.ERROR
    assert "welch_t could not be computed" in result.message
    assert result.observed_value["method"] == "none"


@pytest.mark.parametrize(
    ("options", "parameter"),
    [
        ({"alpha": 1.0}, "alpha"),
        ({"alpha": math.nan}, "alpha"),
        ({"min_effect": -0.5}, "min_effect"),
        ({"method": "kolmogorov"}, "method"),
    ],
)
def test_gates_are_checked_as_drift_checks_them(
    reference: Path, options: dict[str, object], parameter: str
) -> None:
    with pytest.raises(dg.SuiteError) as refused:
        suite(reference, **options)
    assert refused.value.path == f"expectations[0].{parameter}"
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    drift_option = {"tests" if parameter == "method" else parameter: options[parameter]}
    with pytest.raises(ValueError) as drift_refusal:
        dg.drift(frame, reference=frame, **drift_option)  # type: ignore[arg-type]
    assert refused.value.problem == str(drift_refusal.value)
