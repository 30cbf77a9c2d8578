"""Statistical drift between a reference (profile or data) and current data."""

from dataguard.drift._compare import TYPE_CHANGE
from dataguard.drift._drift import ColumnDrift, DriftReport, MissingDrift, drift
from dataguard.drift._multivariate import MultivariateDrift, pca_drift
from dataguard.drift._tests import TestResult

__all__ = [
    "TYPE_CHANGE",
    "ColumnDrift",
    "DriftReport",
    "MissingDrift",
    "MultivariateDrift",
    "TestResult",
    "drift",
    "pca_drift",
]
