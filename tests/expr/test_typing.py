"""Typing row expressions against the data's schema, before any row is read."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest

from dataguard._expr import ExpressionTypeError
from tests.expr.helpers import checked, rows

TABLE = pa.table(
    {
        "dep_time": pa.array([517, None], pa.int32()),
        "carrier": ["AA", "UA"],
        "time_hour": pa.array([0, 1], pa.timestamp("us", tz="UTC")),
        "day": pa.array([0, 1], pa.date32()),
        "legs": pa.array([[1], None], pa.list_(pa.int64())),
        "ok": [True, None],
        "nothing": pa.nulls(2),
    }
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("dep_tme > 500", "unknown column 'dep_tme'; did you mean 'dep_time'?"),
        ("carrier > 3", "cannot compare carrier (text, string) with 3 (a number) (in carrier > 3)"),
        ("carrier == 3", "cannot compare carrier (text, string) with 3 (a number)"),
        ("dep_time == carrier", "cannot compare dep_time (a number, int32) with carrier (text"),
        ("dep_time in [1, 'a']", "cannot compare dep_time (a number, int32) with 'a' (text)"),
        ("time_hour > 3", "cannot compare time_hour (a timestamp, timestamp[us, tz=UTC])"),
        ("time_hour > 'soon'", "with 'soon' (text)"),
        ("carrier + 1 > 0", "cannot compute text + number (in carrier + 1)"),
        ("time_hour + time_hour > day", "cannot compute timestamp + timestamp"),
        ("-carrier == 'a'", "cannot negate carrier (text, string)"),
        ("lower(dep_time) == 'a'", "lower() takes text as argument 1, but dep_time is a number"),
        ("hour(day) == 1", "hour() takes timestamp as argument 1, but day is a date (date32[day])"),
        ("coalesce(dep_time, carrier) == 1", "coalesce() needs arguments of one kind, got number"),
        ("carrier", "carrier is text (string), not a condition (true or false)"),
        ("ok and dep_time", "dep_time is a number (int32), not a condition"),
        ("legs == 1", "legs holds values of type list<item: int64>, which expressions can only"),
    ],
)
def test_type_errors_name_the_part_at_fault(text: str, message: str) -> None:
    with pytest.raises(ExpressionTypeError, match=re.escape(message)):
        checked(text, TABLE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("legs is null", [1]),
        ("ok", [0]),
        ("nothing > 1 or nothing == 'a' or nothing is null", [0, 1]),
        ("time_hour >= '1970-01-01' and day < '1970-01-02'", [0]),
        ("time_hour < day", [1]),  # a date is its midnight
    ],
)
def test_what_fits(text: str, expected: list[int]) -> None:
    assert rows(text, TABLE) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("dep_time == 'a'", []), ("dep_time != 'a'", [0, 1]), ("carrier in [1, 'AA']", [0])],
)
def test_where_lets_a_literal_of_another_kind_be_unequal(text: str, expected: list[int]) -> None:
    # pandas and Great Expectations compatibility: only the where dialect allows it.
    assert rows(text, TABLE, where=True) == expected
    with pytest.raises(ExpressionTypeError, match="cannot compare"):
        checked(text, TABLE)


def test_where_refuses_to_order_values_of_another_kind() -> None:
    with pytest.raises(ExpressionTypeError, match="cannot compare"):
        checked("dep_time > 'a'", TABLE, where=True)
