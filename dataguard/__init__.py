"""dataguard: fast, statistically sound data quality and drift validation.

>>> import dataguard as dg
>>> from dataguard.expectations import Between, NotNull
>>> suite = dg.Suite([NotNull("id"), Between("amount", min_value=0)])
>>> dg.validate({"id": [1, 2], "amount": [3.5, 0.0]}, suite).passed
True
"""

from dataguard import expectations
from dataguard._version import __version__
from dataguard.errors import (
    DataguardError,
    InputError,
    ProfileError,
    SuiteError,
    UnknownExpectationError,
    ValidationFailedError,
)
from dataguard.result import ExpectationResult, Reason, ResultFormat, ValidationResult
from dataguard.suite import ColumnSpec, Schema, Suite, load_suite
from dataguard.validate import split, validate, validated

__all__ = [
    "ColumnSpec",
    "DataguardError",
    "ExpectationResult",
    "InputError",
    "ProfileError",
    "Reason",
    "ResultFormat",
    "Schema",
    "Suite",
    "SuiteError",
    "UnknownExpectationError",
    "ValidationFailedError",
    "ValidationResult",
    "__version__",
    "expectations",
    "load_suite",
    "split",
    "validate",
    "validated",
]
