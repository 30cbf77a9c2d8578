"""Run Great Expectations' own test definitions (the conformance corpus) through dataguard.

Each pandas-applicable case is run the way GX's harness ran it (conformance README): the frame is
built from the dataset with GX's dtype rules, the expectation is imported with ``Suite.from_gx``,
validated with GX's default ``COMPLETE`` result format (``pk_index`` as the id column for map
expectations), turned into a GX result with ``result_to_gx``, and compared with the case's
``out`` by the README's rules, except that ``unexpected_index_list`` is checked strictly.

Error cases (``traceback_substring``, or ``out: {}`` with a legacy ``error``) pass when dataguard
refuses the expectation (SuiteError) or returns a failed result carrying the error (reason
``error`` or ``type_mismatch``). Anything raised otherwise is a crash and fails the case.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import dataguard as dg
from dataguard.compat.gx import result_to_gx, suite_from_gx

REPO = Path(__file__).resolve().parents[2]
CONFORMANCE_DIR = Path(
    os.environ.get("DATAGUARD_CONFORMANCE_DIR", REPO.parent / "shared" / "conformance")
)
#: Reasons of a failed result that report an error in the expectation or its inputs.
ERROR_REASONS = frozenset({dg.Reason.ERROR, dg.Reason.TYPE_MISMATCH})
#: Where the cases dataguard does not pass are listed, with the reason for each.
DOCUMENTED = REPO / "docs" / "conformance.md"


@dataclass(frozen=True)
class Case:
    """One pandas-applicable test of the corpus."""

    gx_type: str
    dataset_index: int
    test_index: int
    spec: dict[str, Any]
    dataset: dict[str, Any]
    test: dict[str, Any]

    @property
    def id(self) -> str:
        """Stable identity: type, dataset position and test position (titles repeat)."""
        return f"{self.gx_type}/{self.dataset_index}/{self.test_index}"

    @property
    def title(self) -> str:
        return str(self.test["title"])


@dataclass(frozen=True)
class Outcome:
    """A case's verdict: passed, or the reason it did not."""

    case: Case
    passed: bool
    reason: str = ""


def available() -> bool:
    """Whether the corpus is where ``DATAGUARD_CONFORMANCE_DIR`` (or the default) says."""
    return (CONFORMANCE_DIR / "gx").is_dir()


def cases() -> list[Case]:
    """Every pandas-applicable case, in file, dataset and test order."""
    out = []
    for path in sorted((CONFORMANCE_DIR / "gx").glob("*.json")):
        spec = json.loads(path.read_text())  # the corpus spells infinities Infinity, as json reads
        for d, dataset in enumerate(spec["datasets"]):
            for t, test in enumerate(dataset["tests"]):
                if test["pandas_applicable"]:
                    out.append(Case(spec["expectation_type"], d, t, spec, dataset, test))
    return out


def conformance_frame(spec: dict[str, Any], dataset: dict[str, Any]) -> pd.DataFrame:
    """The test's DataFrame, built as GX's harness builds it (conformance README).

    GX 1.2.0 ran on pandas 2, where strings make object columns; pandas 3 infers its "str"
    dtype instead, so such columns are turned back into object columns.
    """
    frame = pd.DataFrame(dataset["data"])
    if spec["harness_adds_pk_index"]:
        frame["pk_index"] = range(len(frame))
    for column, dtype in dataset.get("schemas", {}).get("pandas", {}).items():
        if dtype in ("timestamp", "datetime64[ns, tz]"):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        elif dtype in ("datetime", "datetime64", "datetime64[ns]"):
            frame[column] = pd.to_datetime(frame[column])
        elif dtype == "date":
            frame[column] = pd.to_datetime(frame[column]).dt.date
        elif dtype == "Int64Dtype":
            frame[column] = frame[column].astype(pd.Int64Dtype())
        else:
            frame[column] = frame[column].astype(dtype)
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.StringDtype):
            frame[column] = frame[column].astype(object)
    return frame


def _result_format(kwargs: dict[str, Any]) -> str:
    fmt = kwargs.get("result_format", "COMPLETE")
    if isinstance(fmt, dict):
        fmt = fmt.get("result_format", "COMPLETE")
    return str(fmt)


def _expects_error(case: Case) -> bool:
    out = case.test["out"]
    return "traceback_substring" in out or (not out and "error" in case.test)


def run(case: Case) -> Outcome:
    """Run one case and compare it with its expected output."""
    kwargs = case.test["in"]
    document = {"name": case.title, "expectations": [{"type": case.gx_type, "kwargs": kwargs}]}
    try:
        suite = suite_from_gx(document, parameters={})
    except dg.SuiteError as exc:
        if _expects_error(case):
            return Outcome(case, True)
        return Outcome(case, False, f"refused: {exc}")
    fmt = _result_format(kwargs)
    ids = ("pk_index",) if case.spec["harness_adds_pk_index"] else ()
    frame = conformance_frame(case.spec, case.dataset)
    try:
        result = dg.validate(frame, suite, result_format=fmt, id_columns=ids).results[0]
    except Exception as exc:  # the runner reports crashes as failures, with their cause
        return Outcome(case, False, f"crashed: {type(exc).__name__}: {exc}")
    if _expects_error(case):
        if not result.passed and result.reason in ERROR_REASONS:
            return Outcome(case, True)
        return Outcome(case, False, f"expected an error, got {result.reason.value}")
    try:
        actual = json.loads(json.dumps(result_to_gx(result, fmt)))
    except Exception as exc:  # a crash of the export is a failure too
        return Outcome(case, False, f"result_to_gx crashed: {type(exc).__name__}: {exc}")
    problem = compare(case, actual)
    if problem is not None and result.reason in ERROR_REASONS:
        problem = f"{problem} ({result.reason.value}: {result.message})"
    return Outcome(case, problem is None, problem or "")


# --- comparison (conformance README, "How to interpret out") ---------------------------------

_DECIMAL = re.compile(r"\d\.\d+")


def _canonical(value: Any) -> Any:
    """Numbers as floats (5 equals 5.0), containers recursively, for equality and hashing."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def _key(value: Any) -> str:
    return json.dumps(_canonical(value), sort_keys=True)


def _close(actual: Any, expected: Any, rtol: float, atol: float) -> bool:
    if actual is None or expected is None:
        return actual is None and expected is None
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(actual) != set(expected):
            return False
        return all(_close(actual[k], expected[k], rtol, atol) for k in expected)
    try:
        a = np.asarray(actual, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return bool(_canonical(actual) == _canonical(expected))
    return a.shape == e.shape and bool(np.allclose(a, e, rtol=rtol, atol=atol))


def _observed(actual: Any, expected: Any, tolerance: float | None) -> bool:
    if tolerance is not None:
        return _close(actual, expected, tolerance, 0.0)
    if isinstance(expected, dict) and "values" in expected:
        return isinstance(actual, dict) and _close(
            actual.get("values"), expected["values"], 1e-7, 0.05
        )
    if _DECIMAL.search(repr(expected)):
        return _close(actual, expected, 1e-7, 0.05)
    return bool(_canonical(actual) == _canonical(expected))


def _partition(actual: Any, expected: dict[str, Any]) -> bool:
    if not isinstance(actual, dict):
        return False
    keys = [k for k in ("bins", "weights", "tail_weights") if k in expected]
    return all(_close(actual.get(k), expected[k], 1e-5, 1e-8) for k in keys)


def compare(case: Case, actual: dict[str, Any]) -> str | None:
    """The first difference between the actual GX-shaped result and ``out``, or None."""
    out = case.test["out"]
    result = actual["result"]
    tolerance = case.test.get("tolerance")
    if case.test.get("exact_match_out"):
        return _compare_exact(out, actual, tolerance)
    for key, expected in out.items():
        problem = _compare_key(key, expected, actual, result, tolerance)
        if problem is not None:
            return problem
    return None


def _compare_key(
    key: str, expected: Any, actual: dict[str, Any], result: dict[str, Any], tol: float | None
) -> str | None:
    if key == "success":
        ok = actual["success"] is expected
    elif key == "observed_value":
        ok = "observed_value" in result and _observed(result["observed_value"], expected, tol)
    elif key == "observed_value_list":
        ok = any(_canonical(result.get("observed_value")) == _canonical(v) for v in expected)
    elif key == "unexpected_list":
        got = result.get("unexpected_list")
        ok = got is not None and Counter(map(_key, got)) == Counter(map(_key, expected))
    elif key in ("unexpected_index_list", "partial_unexpected_list"):
        got = result.get(key)
        ok = got is not None and _canonical(got) == _canonical(expected)
    elif key == "details":
        ok = _canonical(result.get("details")) == _canonical(expected)
    elif key == "value_counts":
        counts = [_key(c) for c in result.get("details", {}).get("value_counts", [])]
        ok = all(_key(c) in counts for c in expected)
    elif key in ("observed_partition", "expected_partition"):
        ok = _partition(result.get("details", {}).get(key), expected)
    else:
        return f"the runner does not know the out key {key!r}"
    if ok:
        return None
    shown = result.get(key, result.get("details", {}).get(key)) if key != "success" else None
    got = actual["success"] if key == "success" else shown
    return f"{key}: expected {json.dumps(expected)[:200]}, got {json.dumps(got)[:200]}"


def _compare_exact(out: dict[str, Any], actual: dict[str, Any], tol: float | None) -> str | None:
    if actual["success"] is not out["success"]:
        return f"success: expected {out['success']}, got {actual['success']}"
    result = actual["result"]
    for key, expected in out.get("result", {}).items():
        if key not in result:
            continue
        got = result[key]
        if key == "observed_value" and isinstance(expected, float):
            ok = _close(got, expected, tol if tol is not None else 1e-7, 0.0 if tol else 0.05)
        else:
            ok = _canonical(got) == _canonical(expected)
        if not ok:
            return (
                f"result.{key}: expected {json.dumps(expected)[:200]}, got {json.dumps(got)[:200]}"
            )
    if "exception_info" in out:
        raised = actual["exception_info"]["raised_exception"]
        if raised is not out["exception_info"].get("raised_exception", False):
            return "exception_info differs"
    return None


# --- the documented failures ------------------------------------------------------------------

_LISTED = re.compile(r"^\|\s*`([^`]+)`\s*\|")
_COUNT = re.compile(r"dataguard passes \*\*(\d+)\*\* of the (\d+)")


def documented() -> tuple[int, set[str]]:
    """The pass count ``docs/conformance.md`` promises, and the case ids it lists as not passed."""
    text = DOCUMENTED.read_text()
    match = _COUNT.search(text)
    if match is None:
        raise ValueError(f"{DOCUMENTED} does not state the passed count")
    listed = {m.group(1) for line in text.splitlines() if (m := _LISTED.match(line))}
    return int(match.group(1)), {c for c in listed if "/" in c}


def outcomes() -> Iterator[Outcome]:
    """Every case's outcome, in corpus order."""
    for case in cases():
        yield run(case)


def main(argv: list[str] | None = None) -> int:
    """Print every case not passed with its reason, then ``N passed, M failed``."""
    args = sys.argv[1:] if argv is None else argv
    if not available():
        print(f"conformance corpus not found at {CONFORMANCE_DIR} (set DATAGUARD_CONFORMANCE_DIR)")
        return 2
    verbose = "-v" in args
    passed = failed = 0
    for outcome in outcomes():
        if outcome.passed:
            passed += 1
            continue
        failed += 1
        if verbose or "-q" not in args:
            print(f"FAIL {outcome.case.id} {outcome.case.title}: {outcome.reason}")
    print(f"{passed} passed, {failed} failed")
    return 0 if math.isfinite(passed) else 1
