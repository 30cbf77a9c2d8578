"""Small runs to store: validations and drift reports on a few rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import dataguard as dg
from dataguard.expectations import Between, NotNull, RowCountBetween

SUITE = dg.Suite(
    [NotNull("id"), Between("amount", min_value=0), RowCountBetween(min_value=1, max_value=100)]
)


@pytest.fixture
def validation() -> Callable[[int], dg.ValidationResult]:
    """A validation of ``rows`` rows; every third row has a negative amount."""

    def run(rows: int) -> dg.ValidationResult:
        data = {
            "id": list(range(rows)),
            "amount": [-1.0 if i % 3 == 2 else 1.0 for i in range(rows)],
        }
        return dg.validate(data, SUITE)

    return run


@pytest.fixture
def drift_report() -> dg.DriftReport:
    """A drift report on one shifted column and one stable column."""
    reference = {"x": [float(i % 50) for i in range(200)], "y": [i % 3 for i in range(200)]}
    current = {"x": [float(i % 50) + 20 for i in range(200)], "y": [i % 3 for i in range(200)]}
    return dg.drift(current, reference=reference)
