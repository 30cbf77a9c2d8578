"""The words results are written in: why an expectation has its outcome, how much failure
detail a result keeps, which severities fail a run and the output formats. A module of its own so
that the text rendering can use them while the results module uses the text rendering, and the
command line can offer them without importing either."""

from __future__ import annotations

from enum import Enum
from typing import Literal

__all__ = ["FORMATS", "PARTIAL_LIMIT", "FailOn", "Reason", "ResultFormat"]


class Reason(str, Enum):
    """Why an expectation has the outcome it has; a stable code for JSON, reports and the CLI."""

    PASSED = "passed"
    SKIPPED = "skipped"
    UNEXPECTED_VALUES = "unexpected_values"
    OUT_OF_RANGE = "out_of_range"
    COLUMN_MISSING = "column_missing"
    TYPE_MISMATCH = "type_mismatch"
    SCHEMA_MISMATCH = "schema_mismatch"
    NO_DATA = "no_data"
    DRIFTED = "drifted"
    TOO_MANY_GROUPS = "too_many_groups"
    ERROR = "error"


class ResultFormat(str, Enum):
    """How much failure detail results carry, after Great Expectations' levels.

    ``boolean_only``: outcome and counts; ``basic``: plus up to 20 unexpected values;
    ``summary``: plus up to 20 row ids and counts of the sampled values; ``complete``: every
    unexpected value and row id.
    """

    BOOLEAN_ONLY = "boolean_only"
    BASIC = "basic"
    SUMMARY = "summary"
    COMPLETE = "complete"

    @property
    def sample_limit(self) -> int | None:
        """How many failing rows to keep (``None``: all)."""
        if self is ResultFormat.BOOLEAN_ONLY:
            return 0
        if self is ResultFormat.COMPLETE:
            return None
        return PARTIAL_LIMIT


#: Unexpected values kept by the ``basic`` and ``summary`` formats (Great Expectations' default),
#: and the most sampled values and row ids any output lists per expectation.
PARTIAL_LIMIT = 20

#: The least severity that fails a run (``--fail-on``).
FailOn = Literal["error", "warning"]

#: The renderings of a validation result or drift report (``--format``).
FORMATS = ("text", "json", "junit", "markdown")
