"""GX suite parameters and row conditions, as the importer evaluates and translates them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

import dataguard as dg
from dataguard.compat._gx_parameters import evaluate
from dataguard.compat.gx import suite_from_gx, suite_to_gx
from dataguard.expectations import Between, MaxBetween

NOW = dt.datetime(2024, 5, 6, 7, 8, 9)


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("now()", NOW),
        ("now() - timedelta(weeks=52)", NOW - dt.timedelta(weeks=52)),
        ("now() - timedelta(weeks=52*100)", NOW - dt.timedelta(weeks=5200)),
        ("datetime(2003, 1, 1)", dt.datetime(2003, 1, 1)),
        ("date(2003, 1, 2)", dt.date(2003, 1, 2)),
        ("low + 2 * step", 7),
        ("-low / 2", -2.5),
        ("'text'", "text"),
    ],
)
def test_expressions(expression: str, value: Any) -> None:
    assert evaluate(expression, {"low": 5, "step": 1}, NOW) == value


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os')", "__import__() with these arguments is not supported"),
        ("now().year", "is not supported"),
        ("unknown + 1", "no value was given for 'unknown'"),
        ("datetime(2003, 13, 1)", "month must be in 1..12"),
        ("timedelta(fortnights=1)", "timedelta() with these arguments is not supported"),
        ("1 / 0", "division by zero"),
        ("now(", "cannot read the suite parameter"),
        (3, "must be an expression string"),
    ],
)
def test_anything_else_is_refused(expression: Any, message: str) -> None:
    with pytest.raises(dg.SuiteError, match=re.escape(message)):
        evaluate(expression, {}, NOW)


def _item(**kwargs: Any) -> dict[str, Any]:
    return {"name": "p", "expectations": [{"type": "expect_column_values_to_be_between", **kwargs}]}


def test_named_parameters_come_from_the_caller() -> None:
    document = _item(column="ts", max_value={"$PARAMETER": "datetime(2003, 1, 1) + delta"})
    for parameters in (None, {}):
        with pytest.raises(
            dg.SuiteError, match=r"no value was given for 'delta' \(give it in parameters=\)"
        ):
            suite_from_gx(document, parameters=parameters)
    suite = suite_from_gx(document, parameters={"delta": dt.timedelta(days=1)})
    assert suite.expectations == (Between("ts", max_value=dt.datetime(2003, 1, 2)),)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("now()", lambda now: now),
        ("now() - timedelta(days=1)", lambda now: now - dt.timedelta(days=1)),
        ("datetime(2003, 1, 1)", lambda now: dt.datetime(2003, 1, 1)),
    ],
)
def test_expressions_without_names_need_no_parameters(expression: str, expected: Any) -> None:
    """GX evaluates these on its own, so an import without parameters= does too."""
    document = _item(column="ts", min_value={"$PARAMETER": expression})
    before = dt.datetime.now()
    (imported,) = suite_from_gx(document).expectations
    (again,) = dg.Suite.from_gx(document).expectations
    after = dt.datetime.now()
    for value in (imported.min_value, again.min_value):  # type: ignore[attr-defined]
        assert expected(before) <= value <= expected(after)


def test_suite_from_gx_takes_parameters() -> None:
    document = _item(column="x", min_value={"$PARAMETER": "low + 1"})
    suite = dg.Suite.from_gx(document, parameters={"low": 4})
    assert suite.expectations == (Between("x", min_value=5),)


def test_now_is_the_time_of_import() -> None:
    document = {
        "name": "p",
        "expectations": [
            {
                "type": "expect_column_max_to_be_between",
                "column": "ts",
                "min_value": {"$PARAMETER": "now() - timedelta(weeks=52)"},
            }
        ],
    }
    before = dt.datetime.now()
    (imported,) = suite_from_gx(document, parameters={}).expectations
    assert isinstance(imported, MaxBetween)
    assert isinstance(imported.min_value, dt.datetime)
    assert before - dt.timedelta(weeks=52) <= imported.min_value


def test_row_conditions_become_where_and_come_back() -> None:
    document = _item(
        column="x", min_value=0, row_condition='kind == "a"', condition_parser="pandas"
    )
    suite = suite_from_gx(document)
    assert suite.expectations == (Between("x", min_value=0, where='kind == "a"'),)
    item = suite_to_gx(suite)["expectations"][0]
    assert item["kwargs"]["row_condition"] == 'kind == "a"'
    assert item["kwargs"]["condition_parser"] == "pandas"
    assert suite_from_gx(suite_to_gx(suite)) == suite


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"row_condition": "x > 1"}, "row_condition needs condition_parser: 'pandas'"),
        ({"row_condition": "x > 1", "condition_parser": "spark"}, "not a valid enumeration member"),
        ({"row_condition": "x >", "condition_parser": "pandas"}, "expected a column or a value"),
        ({"row_condition": 3, "condition_parser": "pandas"}, "row_condition must be a string"),
    ],
)
def test_bad_row_conditions_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(dg.SuiteError, match=message):
        suite_from_gx(_item(column="x", min_value=0, **kwargs))


def test_text_arithmetic_is_refused() -> None:
    with pytest.raises(dg.SuiteError, match="arithmetic on text"):
        evaluate("'a' * 999999999999", {}, dt.datetime(2020, 1, 1))


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("now() - timedelta(days=1e12)", "days=1e12"),
        ("timedelta(days=10**3)", "is not supported"),
        ("datetime(10000000000000000000000, 1, 1)", "out of range"),
        ("date(99999999999, 1, 1)", "out of range"),
        ("datetime(2003, 1, 1) + timedelta(days=999999999)", "out of range"),
        (" + ".join(["1"] * 50_000), "longer than"),
        ("timedelta(days=" * 900 + "1" + ")" * 900, "longer than"),
        ("-" * 990 + "1", "nests deeper than"),
        ("timedelta(days=" * 40 + "1" + ")" * 40, "nests deeper than"),
        ("-(" * 100 + "1" + ")" * 100, "nests deeper than"),
    ],
)
def test_expressions_beyond_the_bounds_are_suite_errors(expression: str, message: str) -> None:
    with pytest.raises(dg.SuiteError, match=re.escape(message)) as caught:
        evaluate(expression, {}, NOW)
    assert "suite parameter" in str(caught.value)


@pytest.mark.parametrize("depth", [400, 900])
@pytest.mark.parametrize("parameter", [False, True])
def test_deeply_nested_kwargs_are_suite_errors_with_their_place(
    depth: int, parameter: bool
) -> None:
    value: Any = {"$PARAMETER": "now()"} if parameter else 1
    for _ in range(depth):
        value = [value]
    document = _item(column="x", value_set=value)
    document["expectations"][0]["type"] = "expect_column_values_to_be_in_set"
    with pytest.raises(dg.SuiteError, match=r"expectations\[0\]") as caught:
        suite_from_gx(document, parameters={})
    assert "nests deeper than" in str(caught.value) or "expected str" in str(caught.value)
