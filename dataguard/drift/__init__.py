"""Statistical drift between a reference (profile or data) and current data.

Besides ``drift``, the package gives the steps it runs per column (``compare``, then ``decide``
across columns) and its argument checks, which the ``no_drift`` expectation reuses.
"""

from dataguard.drift._compare import TYPE_CHANGE, Comparison, compare, compare_type_change
from dataguard.drift._drift import (
    ColumnDrift,
    DriftReport,
    MissingDrift,
    check_alpha,
    check_method,
    check_min_effect,
    decide,
)
from dataguard.drift._grouped import GroupedDriftReport, drift
from dataguard.drift._multivariate import MultivariateDrift, pca_drift
from dataguard.drift._tests import TestResult

__all__ = [
    "TYPE_CHANGE",
    "ColumnDrift",
    "Comparison",
    "DriftReport",
    "GroupedDriftReport",
    "MissingDrift",
    "MultivariateDrift",
    "TestResult",
    "check_alpha",
    "check_method",
    "check_min_effect",
    "compare",
    "compare_type_change",
    "decide",
    "drift",
    "pca_drift",
]
