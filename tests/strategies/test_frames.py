"""Frames drawn from suites pass them, or fail exactly the expectations named to fail.

Six suites of different shapes; every claim is checked by ``dg.validate`` on the drawn frame,
with the other tables and the clock the frames were drawn with.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings

import dataguard as dg

SETTINGS = settings(
    max_examples=5, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

SUITES: dict[str, dict[str, Any]] = {
    "numbers": {
        "schema": {"columns": {"order_id": {"type": "integer", "unique": True}}},
        "expectations": [
            {"type": "between", "column": "amount", "min_value": 0.5, "max_value": 250.0},
            {"type": "between", "column": "qty", "min_value": 1, "max_value": 12},
            {"type": "not_null", "column": "qty"},
            {"type": "compound_columns_unique", "column_list": ["order_id", "qty"]},
            {"type": "max_between", "column": "qty", "max_value": 12},
        ],
    },
    "text": {
        "expectations": [
            {"type": "matches_regex", "column": "code", "regex": "^ORD-[0-9]{4}$"},
            {"type": "in_set", "column": "status", "value_set": ["new", "paid", "refund"]},
            {"type": "value_length_between", "column": "name", "min_value": 2, "max_value": 8},
            {"type": "not_matches_regex", "column": "name", "regex": "[0-9]"},
            {"type": "not_null", "column": "code"},
            {
                "type": "pair_in_set",
                "column_a": "status",
                "column_b": "channel",
                "value_pairs_set": [["new", "web"], ["paid", "shop"], ["refund", "web"]],
            },
        ],
    },
    "times": {
        "schema": {
            "columns": {
                "placed": {"type": "datetime"},
                "shipped": {"type": "datetime", "nullable": True},
            }
        },
        "expectations": [
            {"type": "increasing", "column": "placed", "strictly": True},
            {"type": "pair_greater", "column_a": "shipped", "column_b": "placed"},
            {"type": "pair_equal", "column_a": "placed", "column_b": "recorded"},
            {
                "type": "between",
                "column": "day",
                "min_value": pd.Timestamp("2024-01-01").date(),
                "max_value": pd.Timestamp("2024-12-31").date(),
            },
        ],
    },
    "nullable": {
        "schema": {"columns": {"score": {"type": "float", "nullable": True}}},
        "expectations": [
            {"type": "not_null", "column": "score", "mostly": 0.5},
            {"type": "between", "column": "score", "min_value": 0, "max_value": 1, "mostly": 0.9},
            {"type": "in_set", "column": "grade", "value_set": ["a", "b", "c"], "mostly": 0.8},
            {"type": "between", "column": "age", "min_value": 18, "where": "grade == 'a'"},
        ],
    },
    "table": {
        "schema": {
            "strict": True,
            "columns": {"id": {"type": "integer"}, "flag": {"type": "boolean"}},
        },
        "expectations": [
            {"type": "row_count_between", "min_value": 2, "max_value": 6},
            {"type": "columns_match_set", "column_set": ["id", "flag"]},
            {"type": "column_count_equal", "value": 2},
            {"type": "unique", "column": "id"},
        ],
    },
    "flights": {
        "schema": {
            "columns": {
                "dep_time": {"type": "integer"},
                "arr_time": {"type": "integer", "nullable": True},
                "cancelled": {"type": "boolean"},
            }
        },
        "expectations": [
            {"type": "expression", "expr": "dep_time % 100 < 60 and dep_time >= 0"},
            {
                "type": "expression",
                "expr": "arr_time > dep_time or arr_time is null or cancelled",
            },
            {
                "type": "foreign_key",
                "column": "tailnum",
                "table": "planes",
                "table_column": "tailnum",
            },
            {"type": "freshness", "column": "time_hour", "max_age": "24h"},
        ],
    },
}
#: The other tables and the clock each suite is drawn and judged with.
TABLES: dict[str, dict[str, Any]] = {
    "flights": {"planes": pa.table({"tailnum": ["N10156", "N102UW", "N103US", None]})}
}
NOW = dt.datetime(2013, 12, 31, 23, tzinfo=dt.timezone.utc)

VIOLATIONS: dict[str, list[list[str | int]]] = {
    "numbers": [["unique:order_id", "between:amount"], ["between:qty"], ["not_null:qty"]],
    "text": [
        ["matches_regex:code"],
        ["in_set:status", "value_length_between:name"],
        ["pair_in_set:channel"],
    ],
    "times": [
        ["increasing:placed"],
        ["pair_greater:shipped"],
        ["between:day"],
        ["pair_equal:recorded"],
    ],
    "nullable": [["not_null:score"], ["in_set:grade"], ["between:age"]],
    "flights": [
        [8],  # "expression:dep_time" would name both expressions
        ["expression:arr_time"],
        ["foreign_key:tailnum"],
        ["freshness:time_hour"],
        ["foreign_key", "freshness"],
    ],
    "table": [
        ["row_count_between"],
        ["columns_match_set", "no_extra_columns", "column_count_equal"],
    ],
}


def _suite(name: str) -> dg.Suite:
    return dg.Suite.from_dict(SUITES[name])


def _failed(result: dg.ValidationResult) -> list[int]:
    return [i for i, r in enumerate(result.results) if not r.passed]


@pytest.mark.parametrize("name", sorted(SUITES))
def test_frames_pass_their_suite(name: str) -> None:
    suite = _suite(name)
    tables = TABLES.get(name, {})

    @SETTINGS
    @given(suite.strategy(tables=tables, now=NOW))
    def check(frame: pd.DataFrame) -> None:
        assert isinstance(frame, pd.DataFrame)
        result = dg.validate(frame, suite, tables=tables, now=NOW)
        assert _failed(result) == [], [r.message for r in result.results if not r.passed]

    check()


CASES = [(name, names) for name, lists in sorted(VIOLATIONS.items()) for names in lists]


@pytest.mark.parametrize(("name", "violate"), CASES)
def test_frames_fail_exactly_the_named_expectations(name: str, violate: list[str | int]) -> None:
    suite = _suite(name)
    expected = dg.strategies.selected(suite.expand([]), violate)
    tables = TABLES.get(name, {})

    @SETTINGS
    @given(suite.strategy(violate=violate, tables=tables, now=NOW))
    def check(frame: pd.DataFrame) -> None:
        assert _failed(dg.validate(frame, suite, tables=tables, now=NOW)) == sorted(expected)

    check()
