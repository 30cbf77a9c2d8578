"""dataguard: fast, statistically sound data quality and drift validation.

>>> import dataguard as dg
>>> from dataguard.expectations import Between, NotNull
>>> suite = dg.Suite([NotNull("id"), Between("amount", min_value=0)])
>>> dg.validate({"id": [1, 2], "amount": [3.5, 0.0]}, suite).passed
True
"""

from dataguard import expectations, extend, history
from dataguard._version import __version__
from dataguard.drift import ColumnDrift, DriftReport, GroupedDriftReport, drift
from dataguard.errors import (
    DataguardError,
    HistoryError,
    InputError,
    ProfileError,
    StorageError,
    SuiteError,
    UnknownExpectationError,
    ValidationFailedError,
)
from dataguard.inference import infer_suite
from dataguard.profile import GroupedProfile, Profile, load_profile, merge_profiles, profile
from dataguard.report import render_html, write_report
from dataguard.result import ExpectationResult, Reason, ResultFormat, ValidationResult
from dataguard.site import build_site
from dataguard.suite import ColumnSpec, Schema, Suite, load_suite
from dataguard.validate import split, validate, validated

__all__ = [
    "ColumnDrift",
    "ColumnSpec",
    "DataguardError",
    "DriftReport",
    "ExpectationResult",
    "GroupedDriftReport",
    "GroupedProfile",
    "HistoryError",
    "InputError",
    "Profile",
    "ProfileError",
    "Reason",
    "ResultFormat",
    "Schema",
    "StorageError",
    "Suite",
    "SuiteError",
    "UnknownExpectationError",
    "ValidationFailedError",
    "ValidationResult",
    "__version__",
    "build_site",
    "drift",
    "expectations",
    "extend",
    "history",
    "infer_suite",
    "load_profile",
    "load_suite",
    "merge_profiles",
    "profile",
    "render_html",
    "split",
    "validate",
    "validated",
    "write_report",
]
