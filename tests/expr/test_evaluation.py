"""Evaluating row expressions: null semantics, every function, arithmetic and time, vectorized
and exact, the same for every batch size."""

from __future__ import annotations

import datetime as dt
import math
import operator

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard._expr._evaluate import Evaluator
from dataguard._expr._parser import Parser
from dataguard._frame import as_source
from dataguard.expectations import Between, NotNull
from tests.expr.helpers import checked, rows

UTC = dt.timezone.utc
TABLE = pa.table(
    {
        "i": pa.array([7, -7, None, 0, 12], pa.int32()),
        "f": pa.array([1.5, -2.5, float("nan"), 2.5, None], pa.float64()),
        "s": pa.array([" Ab ", "ab", None, "xyz", "a1"], pa.string()),
        "b": pa.array([True, False, None, True, False]),
        "ts": pa.array(
            [
                dt.datetime(2024, 1, 1, 6, 30),
                dt.datetime(2024, 1, 2),
                None,
                dt.datetime(2023, 12, 31, 23, 59),
                dt.datetime(2024, 1, 1, 5),
            ],
            pa.timestamp("us"),
        ),
        "tz": pa.array(
            [
                dt.datetime(2024, 1, 1, 6, 30),
                dt.datetime(2024, 1, 2, 1),
                None,
                dt.datetime(2024, 1, 1),
                dt.datetime(2024, 1, 1, 5),
            ],
            pa.timestamp("ns", tz="America/New_York"),
        ),
        "d": pa.array([dt.date(2024, 1, 1), dt.date(2024, 1, 2), None] + [dt.date(2024, 1, 1)] * 2),
        "span": pa.array(
            [
                dt.timedelta(hours=1),
                dt.timedelta(minutes=-5),
                None,
                dt.timedelta(0),
                dt.timedelta(days=2),
            ],
            pa.duration("s"),
        ),
    }
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A missing value equals nothing and differs from everything; NaN is missing too.
        ("i == 7", [0]),
        ("i != 7", [1, 2, 3, 4]),
        ("f < 100", [0, 1, 3]),
        ("not f < 100", [2, 4]),
        ("f is null", [2, 4]),
        ("f is not null", [0, 1, 3]),
        ("i + 1 > -100", [0, 1, 3, 4]),  # a computed null compares false
        ("i + 1 != 8", [1, 2, 3, 4]),  # and differs from everything
        ("i * f is null", [2, 4]),
        ("b", [0, 3]),  # a boolean column is a condition; missing is not true
        ("not b", [1, 2, 4]),
        ("b == false", [1, 4]),
        ("i == f", []),
        ("i > f or i is null", [0, 2]),
    ],
)
def test_missing_values(text: str, expected: list[int]) -> None:
    assert rows(text, TABLE) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abs(i) == 7", [0, 1]),
        ("abs(f) > 2", [1, 3]),
        ("abs(span) == interval '5m'", [1]),
        ("round(f) == 2", [0, 3]),  # halves to even: 1.5 -> 2, 2.5 -> 2
        ("round(f, -1) == 0", [0, 1, 3]),
        ("round(i / 5, 1) == 1.4", [0]),
        ("length(s) == 2", [1, 4]),
        ("length(strip(s)) == 2", [0, 1, 4]),
        ("lower(strip(s)) == 'ab'", [0, 1]),
        ("upper(s) == 'XYZ'", [3]),
        ("starts_with(s, ' A')", [0]),
        ("ends_with(s, 'z')", [3]),
        ("contains(s, 'b')", [0, 1]),
        ("not contains(s, 'b')", [2, 3, 4]),
        (r"matches(s, '^\w+$')", [1, 3, 4]),  # Python's \w, run by RE2
        (r"matches(s, '\d$')", [4]),
        ("year(ts) == 2024", [0, 1, 4]),
        ("month(d) == 1 and day(d) == 2", [1]),
        ("hour(ts) == 6 and minute(ts) == 30", [0]),
        ("hour(tz) == 1", [0]),  # local time: 06:30 UTC is 01:30 in New York
        ("date(tz) == date '2024-01-01'", [0, 1, 4]),
        ("date(ts) == d", [0, 1, 4]),
        ("coalesce(f, 0) == 0", [2, 4]),  # NaN is missing to coalesce too
        ("coalesce(i, f, -1) == -1", [2]),  # NaN is passed over
        ("coalesce(s, 'none') == 'none'", [2]),
        ("coalesce(b, true)", [0, 2, 3]),
        ("coalesce(ts, d) == timestamp '2024-01-01 05:00'", [4]),
    ],
)
def test_functions(text: str, expected: list[int]) -> None:
    assert rows(text, TABLE) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ts > timestamp '2024-01-01 06:00'", [0, 1]),
        ("ts >= '2024-01-02'", [1]),  # ISO text compared with a timestamp column
        ("d < ts", [0, 4]),  # a date meets a timestamp at its midnight
        ("d == date '2024-01-01'", [0, 3, 4]),
        ("d >= timestamp '2024-01-01 06:00'", [1]),
        ("ts - d > interval '5h'", [0]),
        ("ts - d == interval '-1m'", [3]),
        ("(ts - d) / interval '1h' == 6.5", [0]),
        ("ts + interval '1d' > timestamp '2024-01-02 12:00'", [1]),
        ("d + interval '12h' > ts", [0, 1, 3, 4]),
        ("d - interval '1h' < d", [0, 1, 3, 4]),
        ("ts + span > ts", [0, 4]),
        ("span + span == interval '2h'", [0]),
        ("-span > interval '0s'", [1]),
        ("span in [interval '1h', interval '2d']", [0, 4]),
        # An aware timestamp and a naive one (read as UTC) compare as instants.
        ("tz == ts", [0, 4]),
        ("tz - ts == interval '1h'", [1]),
        ("tz < timestamp '2024-01-01 06:00Z'", [3, 4]),
        ("tz < timestamp '2024-01-01 06:00+05:00'", [3]),
    ],
)
def test_times_and_durations(text: str, expected: list[int]) -> None:
    assert rows(text, TABLE) == expected


NUMBERS = pa.table(
    {
        "a": pa.array([7, -7, 7, -7, 5, None], pa.int64()),
        "z": pa.array([2, 2, -2, -2, 0, 1], pa.int64()),
        "x": pa.array([7.5, -7.5, 1.0, 0.0, 2.0, 3.0]),
    }
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a % z == 1", [0, 1]),  # the remainder has the divisor's sign, as in Python
        ("a // z == -4", [1, 2]),
        ("a / z == 3.5", [0, 3]),
        ("a / z is null", [4, 5]),  # a division by zero is missing
        ("a // z is null", [4, 5]),
        ("a % z is null", [4, 5]),
        ("x / (z - z) is null", [0, 1, 2, 3, 4, 5]),
        ("x % 2 == 1.5", [0]),
        ("x % 2 == 0.5", [1]),
        ("x // 2 == -4", [1]),
    ],
)
def test_arithmetic_follows_python(text: str, expected: list[int]) -> None:
    assert rows(text, NUMBERS) == expected


def test_literals_keep_their_fraction_against_columns_in_seconds() -> None:
    table = pa.table(
        {
            "s": pa.array(
                [dt.datetime(2024, 1, 1, 6), dt.datetime(2024, 1, 1, 7)], pa.timestamp("s")
            ),
            "d": pa.array([dt.timedelta(seconds=1), None], pa.duration("s")),
        }
    )
    assert rows("s == timestamp '2024-01-01 06:00:00.5'", table) == []
    assert rows("s >= timestamp '2024-01-01 06:00:00.5'", table) == [1]
    assert rows("d < interval '1.001s' and d != interval '1.001s'", table) == [0]


def test_integer_results_beyond_64_bits_are_missing_not_wrapped() -> None:
    table = pa.table({"a": pa.array([2**62, 1, -(2**63), None], pa.int64())})
    assert rows("a * 4 is null", table) == [0, 2, 3]
    assert rows("a * 4 == 4", table) == [1]
    assert rows("a + a is null", table) == [0, 2, 3]
    assert rows("a - 2 is null", table) == [2, 3]
    assert rows("-a is null or abs(a) is null or a // -1 is null", table) == [2, 3]
    assert rows("a * 4.0 > 0", table) == [0, 1]  # floats do not overflow
    assert rows("a % -1 == 0", table) == [0, 1, 2]  # a remainder never overflows


def test_columns_without_values_fit_anywhere() -> None:
    table = pa.table({"m": pa.nulls(3), "n": [1, 2, None]})
    assert rows("m > 3 or m is null", table) == [0, 1, 2]
    assert rows("coalesce(m, n, 0) == 0", table) == [2]
    assert rows("coalesce(m, 1) == 1", table) == [0, 1, 2]
    assert rows("lower(m) == 'a' or m + 1 < n or length(m) > 0", table) == []


def test_mixed_object_columns_compare_by_type() -> None:
    import pandas as pd

    frame = pd.DataFrame({"m": pd.Series([1, "1", None, 2.5], dtype=object)})
    assert rows("m == 1", frame) == [0]
    assert rows("m == '1' or m in [2.5]", frame) == [1, 3]
    assert rows("m != 1", frame) == [1, 2, 3]


_ints = st.one_of(st.integers(-100, 100), st.integers(-(2**63), 2**63 - 1))
_maybe = st.one_of(st.none(), _ints)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(_maybe, _maybe, st.floats(-1e6, 1e6)), min_size=1, max_size=30),
    st.sampled_from(["+", "-", "*", "/", "//", "%"]),
)
def test_arithmetic_agrees_with_python(
    values: list[tuple[int | None, int | None, float]], op: str
) -> None:
    table = pa.table(
        {
            "a": pa.array([v[0] for v in values], pa.int64()),
            "b": pa.array([v[1] for v in values], pa.int64()),
            "x": pa.array([v[2] for v in values], pa.float64()),
        }
    )
    (batch,) = as_source(table).batches(["a", "b", "x"], None)
    for text, left, right in ((f"a {op} b", 0, 1), (f"x {op} b", 2, 1), (f"a {op} x", 0, 2)):
        got = Evaluator(batch).value(Parser(text, "expression").parse()).to_pylist()
        wanted = [_python(op, v[left], v[right]) for v in values]
        for g, w in zip(got, wanted, strict=True):
            assert (g is None and w is None) or (
                g is not None and w is not None and math.isclose(g, w, rel_tol=1e-12, abs_tol=1e-9)
            ), (text, values, got, wanted)


def _python(op: str, a: float | None, b: float | None) -> float | None:
    if a is None or b is None or (op in ("/", "//", "%") and b == 0):
        return None
    if op == "/":
        return float(a) / float(b)
    exact = {
        "+": operator.add,
        "-": operator.sub,
        "*": operator.mul,
        "//": operator.floordiv,
        "%": operator.mod,
    }[op](a, b)
    integral = isinstance(a, int) and isinstance(b, int)
    return None if integral and not -(2**63) <= exact < 2**63 else exact


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(_maybe, st.one_of(st.none(), st.floats(-10, 10))), max_size=25),
    st.integers(1, 7),
)
def test_results_do_not_depend_on_the_batch_size(
    values: list[tuple[int | None, float | None]], chunk_size: int
) -> None:
    table = pa.table(
        {
            "a": pa.array([v[0] for v in values], pa.int64()),
            "x": pa.array([v[1] for v in values], pa.float64()),
        }
    )
    suite = [
        NotNull("x", where="a % 7 < 3 or x is null"),
        Between("x", max_value=0, where="coalesce(x, 0) * 2 <= a // 3 and a - 1 != 5"),
    ]
    whole = dg.validate(table, suite, result_format="complete")
    chunked = dg.validate(table, suite, result_format="complete", chunk_size=chunk_size)
    assert [r.to_dict() for r in chunked.results] == [r.to_dict() for r in whole.results]
    kept = [(a is not None and a % 7 < 3) or x is None for a, x in values]
    assert whole.results[0].element_count == sum(kept)


_operands = st.sampled_from(["a", "x", "1", "2.5", "-3"])
_sums = st.recursive(
    _operands,
    lambda inner: st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})"
    ),
    max_leaves=4,
)
_comparisons = st.tuples(_sums, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), _sums).map(
    lambda t: f"({t[0]} {t[1]} {t[2]})"
)
_conditions = st.recursive(
    _comparisons,
    lambda inner: st.one_of(
        inner.map(lambda c: f"~{c}"),
        st.tuples(inner, st.sampled_from(["&", "|"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
    ),
    max_leaves=4,
)


@settings(max_examples=80, deadline=None)
@given(
    _conditions,
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(-5, 5)),
            st.one_of(st.none(), st.sampled_from([-1.5, 0.0, 2.5, float("nan")])),
        ),
        min_size=1,
        max_size=12,
    ),
)
def test_conditions_agree_with_pandas_query(
    text: str, values: list[tuple[int | None, float | None]]
) -> None:
    table = pa.table(
        {
            "a": pa.array([v[0] for v in values], pa.int64()),
            "x": pa.array([v[1] for v in values], pa.float64()),
        }
    )
    try:
        condition = checked(text, table)
    except dg.SuiteError:  # a comparison of two constants: pandas has no such refusal
        return
    (batch,) = as_source(table).batches(condition.columns, None)
    ours = condition.mask(batch).tolist()
    frame = table.to_pandas()  # integers with nulls become floats, missing values NaN
    theirs = frame.eval(text, engine="python").fillna(False).astype(bool).tolist()
    assert ours == theirs, text
