"""The suite's checks written by hand in vectorized pandas, and the comparison with dataguard.

``baseline(frame, suite)`` runs each expectation of the suite the way a pandas user would write it
(``isna``, comparisons, ``isin``, ``str.contains``, ``str.len``, ``duplicated``, ``mean``,
``std``), reading the parameters from the suite itself so the two cannot drift apart, and returns
one ``Outcome`` per check: pass/fail and the counts Great Expectations reports. ``outcomes`` puts
dataguard's results in the same shape, and ``disagreements`` lists where they differ.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

import dataguard as dg

# --- the hand-written baseline -------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One check's verdict and counts, in the shape both implementations can be compared in."""

    name: str
    passed: bool
    element_count: int | None = None
    missing_count: int | None = None
    unexpected_count: int | None = None
    observed: Any = None


def _row_outcome(
    e: Any, rows: int, missing: int, unexpected: int, *, count_missing: bool = True
) -> Outcome:
    """Apply ``mostly`` the way Great Expectations (and dataguard) do: over present rows only."""
    present = rows - missing
    passed = present == 0 or (present - unexpected) / present >= e.mostly
    return Outcome(e.name, passed, rows, missing if count_missing else 0, unexpected)


def _outside(s: pd.Series, e: Any) -> pd.Series:
    """Rows beyond the bounds of a ``between``-like check (NaN compares false: not failing)."""
    fail = pd.Series(False, index=s.index)
    if e.min_value is not None:
        fail |= s.le(e.min_value) if e.strict_min else s.lt(e.min_value)
    if e.max_value is not None:
        fail |= s.ge(e.max_value) if e.strict_max else s.gt(e.max_value)
    return fail


def _not_null(df: pd.DataFrame, e: Any) -> Outcome:
    return _row_outcome(e, len(df), 0, int(df[e.column].isna().sum()), count_missing=False)


def _between(df: pd.DataFrame, e: Any) -> Outcome:
    s = df[e.column]
    missing = s.isna()
    fail = _outside(s, e) & ~missing
    return _row_outcome(e, len(s), int(missing.sum()), int(fail.sum()))


def _in_set(df: pd.DataFrame, e: Any) -> Outcome:
    s = df[e.column]
    missing = s.isna()
    fail = ~s.isin(e.value_set) & ~missing
    return _row_outcome(e, len(s), int(missing.sum()), int(fail.sum()))


def _matches_regex(df: pd.DataFrame, e: Any) -> Outcome:
    s = df[e.column]
    present = s.dropna()
    # re.search semantics, as the suite's matches_regex: str.contains, not str.match.
    fail = ~present.str.contains(e.regex, regex=True)
    return _row_outcome(e, len(s), len(s) - len(present), int(fail.sum()))


def _unique(df: pd.DataFrame, e: Any) -> Outcome:
    s = df[e.column]
    present = s.dropna()
    repeated = present.duplicated(keep=False)  # every occurrence of a repeated value fails
    return _row_outcome(e, len(s), len(s) - len(present), int(repeated.sum()))


def _value_length_between(df: pd.DataFrame, e: Any) -> Outcome:
    s = df[e.column]
    missing = s.isna()
    fail = _outside(s.str.len(), e) & ~missing
    return _row_outcome(e, len(s), int(missing.sum()), int(fail.sum()))


def _increasing(df: pd.DataFrame, e: Any) -> Outcome:
    s = df[e.column]
    values = s.dropna().to_numpy()
    previous, current = values[:-1], values[1:]
    broken = current <= previous if e.strictly else current < previous
    return _row_outcome(e, len(s), len(s) - len(values), int(np.count_nonzero(broken)))


def _aggregate(e: Any, observed: float) -> Outcome:
    low, high = e.min_value, e.max_value
    passed = not math.isnan(observed)
    if low is not None:
        passed = passed and (observed > low if e.strict_min else observed >= low)
    if high is not None:
        passed = passed and (observed < high if e.strict_max else observed <= high)
    return Outcome(e.name, passed, observed=observed)


def _mean_between(df: pd.DataFrame, e: Any) -> Outcome:
    return _aggregate(e, float(df[e.column].mean()))


def _stdev_between(df: pd.DataFrame, e: Any) -> Outcome:
    return _aggregate(e, float(df[e.column].std(ddof=1)))


def _row_count_between(df: pd.DataFrame, e: Any) -> Outcome:
    rows = len(df)
    passed = (e.min_value is None or rows >= e.min_value) and (
        e.max_value is None or rows <= e.max_value
    )
    return Outcome(e.name, passed, observed=rows)


_LOGICAL_TYPES: dict[str, Callable[[Any], bool]] = {
    "integer": lambda t: pd.api.types.is_integer_dtype(t) and not pd.api.types.is_bool_dtype(t),
    "float": pd.api.types.is_float_dtype,
    "numeric": lambda t: pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t),
    "string": pd.api.types.is_string_dtype,
    "boolean": pd.api.types.is_bool_dtype,
    "datetime": pd.api.types.is_datetime64_any_dtype,
}


def _column_type(df: pd.DataFrame, e: Any) -> Outcome:
    dtype = df[e.column].dtype
    return Outcome(e.name, bool(_LOGICAL_TYPES[e.logical_type](dtype)), observed=str(dtype))


BASELINE: dict[str, Callable[[pd.DataFrame, Any], Outcome]] = {
    "not_null": _not_null,
    "between": _between,
    "in_set": _in_set,
    "matches_regex": _matches_regex,
    "unique": _unique,
    "value_length_between": _value_length_between,
    "increasing": _increasing,
    "mean_between": _mean_between,
    "stdev_between": _stdev_between,
    "row_count_between": _row_count_between,
    "column_type": _column_type,
}


def baseline(df: pd.DataFrame, suite: dg.Suite) -> list[Outcome]:
    """The suite's checks written by hand in vectorized pandas: the floor dataguard is held to."""
    unsupported = sorted({e.name for e in suite.compiled} - set(BASELINE))
    if unsupported:
        raise SystemExit(f"the baseline has no hand-written version of {', '.join(unsupported)}")
    return [BASELINE[e.name](df, e) for e in suite.compiled]


def suite_columns(suite: dg.Suite) -> list[str]:
    """Every column the suite reads, in first-seen order."""
    return list(dict.fromkeys(c for e in suite.compiled for c in e.columns))


# --- comparing the two ---------------------------------------------------------------------------


def outcomes(result: dg.ValidationResult) -> list[Outcome]:
    """dataguard's results in the baseline's shape."""
    out = []
    for r in result.results:
        observed = r.observed_value if r.element_count is None else None
        out.append(
            Outcome(
                r.expectation.name,
                r.passed,
                r.element_count,
                r.missing_count,
                r.unexpected_count,
                observed,
            )
        )
    return out


def _same(a: Outcome, b: Outcome) -> bool:
    if isinstance(a.observed, float) and isinstance(b.observed, float):
        close = math.isclose(a.observed, b.observed, rel_tol=1e-9, abs_tol=1e-12)
        return close and asdict(a) | {"observed": 0} == asdict(b) | {"observed": 0}
    return a == b


def disagreements(expected: list[Outcome], got: list[Outcome]) -> list[str]:
    """Lines describing every check where dataguard and the baseline differ (empty: they agree)."""
    lines = []
    for i, (want, have) in enumerate(zip(expected, got, strict=True)):
        if not _same(want, have):
            lines.append(f"  [{i}] {want.name}: baseline {want} != dataguard {have}")
    return lines


def check_agreement(label: str, expected: list[Outcome], result: dg.ValidationResult) -> None:
    """Exit with status 1 unless dataguard's outcomes equal the baseline's, check by check."""
    problems = disagreements(expected, outcomes(result))
    if problems:
        print(f"MISMATCH between dataguard ({label}) and the baseline:", file=sys.stderr)
        print("\n".join(problems), file=sys.stderr)
        raise SystemExit(1)
