"""A test that cannot be computed on a column is reported on that column (issue 14 item 3).

Whatever fails (the chosen test, or a statistic reported beside it), the column gets method
``none`` with the reason, no p-value, stays out of Benjamini-Hochberg, and keeps its missing-share
test; it is never moved to ``skipped``, and the other columns are untouched.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import dataguard as dg
from dataguard.drift import _tests as t


def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(5)

    def frame(shift: float) -> pd.DataFrame:
        labels = rng.choice(np.array(["x", "y", "z", None], dtype=object), 400)
        return pd.DataFrame({"n": rng.normal(shift, 1, 400), "c": labels})

    return frame(0.0), frame(2.0)


@pytest.mark.parametrize(
    ("statistic", "failing"),
    [
        ("psi", ("n", "c")),  # beside the test, on both kinds
        ("jensen_shannon", ("c",)),  # beside the test, categorical only
        ("chi_square", ("c",)),  # the categorical test itself
    ],
)
def test_a_failing_statistic_is_reported_on_its_column(
    monkeypatch: pytest.MonkeyPatch, statistic: str, failing: tuple[str, ...]
) -> None:
    def fails(*args: Any, **kwargs: Any) -> t.TestResult:
        raise ArithmeticError("no value for these counts")

    monkeypatch.setattr(t, statistic, fails)
    reference, current = frames()
    report = dg.drift(current, reference=reference)
    assert dict(report.skipped) == {}
    for name in ("n", "c"):
        column = report.columns[name]
        if name in failing:
            assert column.method == "none"
            assert column.pvalue is None
            assert column.pvalue_adjusted is None
            assert "no value for these counts" in column.reason
            assert "could not be computed" in column.reason
        else:
            assert column.method == "ks"
            assert column.drifted  # a 2-sigma shift
    assert report.columns["c"].missing is not None  # the missing share is still tested
