"""The grammar of row expressions: precedence, literals, names, and what is refused."""

from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard._expr import MAX_DEPTH, MAX_LENGTH, parse_expression
from dataguard._expr._nodes import Kind, Literal, render
from dataguard._expr._parser import Parser
from tests.expr.helpers import rows

TABLE = pa.table(
    {
        "n": pa.array([1, 2, 3, 4, 5, 6], pa.int64()),
        "m": pa.array([6, 5, 4, 3, 2, 1], pa.int64()),
        # Columns named like a function and like a typed literal's word stay columns.
        "year": pa.array([1999, 2000, 2001, 2002, 2003, 2004], pa.int64()),
        "date": pa.array([dt.date(2024, 1, k) for k in range(1, 7)]),
        "is": pa.array([True, False, True, False, True, False]),
    }
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("n + 2 * 3 == 7", [0]),  # * before +
        ("(n + 2) * 3 == 9", [0]),
        ("n - 1 - 1 == 0", [1]),  # left to right
        ("24 / n / 2 == 3", [3]),
        ("-n % 4 == 3", [0, 4]),  # unary minus first, as in Python: (-n) % 4
        ("2 * -n == -4", [1]),
        ("n * 2 > m + 1", [2, 3, 4, 5]),  # a comparison between sub-expressions
        ("n > 1 and n < 3 or n == 5", [1, 4]),  # and before or
        ("not n > 4 and m > 4", [0, 1]),  # not before and
        ("n == 1 | n == 2 & m == 5", [0, 1]),  # & before |
        ("~(n < 6) & m > 0", [5]),
        ("n in [1, -2, 3] and m not in [6]", [2]),
        ("n // 4 == 1", [3, 4, 5]),
        ("-(n - 3) > 0", [0, 1]),
        ("year > 2001 and year(date) == 2024", [3, 4, 5]),
        ("date > '2024-01-04'", [4, 5]),
        ("`is` and n is not null", [0, 2, 4]),
        ("(n < 3) == true", [0, 1]),  # a condition is a boolean value too
    ],
)
def test_precedence_and_names(text: str, expected: list[int]) -> None:
    assert rows(text, TABLE) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("timestamp '2024-01-01 06:00'", dt.datetime(2024, 1, 1, 6)),
        ("timestamp '2024-01-01T06:00Z'", dt.datetime(2024, 1, 1, 6, tzinfo=dt.timezone.utc)),
        ("date '2024-02-29'", dt.date(2024, 2, 29)),
        ("interval '24h'", dt.timedelta(hours=24)),
        ("interval '1h 30m'", dt.timedelta(hours=1, minutes=30)),
        ("interval '2w1d'", dt.timedelta(days=15)),
        ("interval '1.005007s'", dt.timedelta(seconds=1, microseconds=5007)),
        ("interval '1.5h'", dt.timedelta(minutes=90)),
        ("interval 'P1DT2H'", dt.timedelta(days=1, hours=2)),  # as max_age and other durations
        ("-interval '90s'", dt.timedelta(seconds=-90)),
        ("interval '-90s'", dt.timedelta(seconds=-90)),
        ("-2.5", -2.5),
        ("'a\\'b\\n\\w'", "a'b\n\\w"),  # Python's escapes; others keep their backslash
    ],
)
def test_literals(text: str, value: object) -> None:
    node = Parser(f"n == {text}", "expression").parse()
    literal = node.right  # type: ignore[union-attr]
    assert isinstance(literal, Literal)
    assert literal.value == value
    reread = Parser(f"n == {render(literal)}", "expression").parse()
    assert reread == node


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the expression is empty"),
        ("n >", "expected a column or a value, found 'the end'"),
        ("n 3", "expected a comparison after 'n', found '3'"),
        ("n + 1", "n + 1 is a number, not a condition"),
        ("1 < 2", "a comparison needs a column on at least one side"),
        ("true", "it reads no column"),
        ("n < m < 3", "comparisons do not chain"),
        ("n is nul", "expected 'null' after 'is'"),
        ("n = 1", "cannot read the expression at '= 1'"),
        ("lowr(n) == 'a'", "unknown function 'lowr'; did you mean 'lower'?"),
        ("open('x')", "unknown function 'open'"),
        ("round(n, 1, 2) > 0", "round() takes 1 to 2 arguments, got 3"),
        ("abs() > 0", "abs() takes 1 argument, got 0"),
        ("coalesce(n) > 0", "coalesce() takes 2 or more arguments, got 1"),
        ("round(n, m) > 0", "argument 2 of round() must be a whole number literal, not m"),
        ("starts_with(n, m)", "argument 2 of starts_with() must be a text literal, not m"),
        ("matches(n, '(?<=a)b')", "a lookbehind (?<=...), which RE2 cannot run"),
        ("matches(n, '(')", "invalid regular expression"),
        ("lower(1) == n", "lower() takes text as argument 1, but 1 is a number"),
        ("n == timestamp '2024-13-01'", "timestamp '2024-13-01': expected an ISO date-time"),
        ("n == date 'monday'", "expected an ISO date such as 2024-01-31"),
        ("n == interval '1 day'", "interval '1 day': cannot read duration '1 day'; use 30s"),
        ("n in [1, m]", "'in' lists values, not columns ('m')"),
        ("n in [1 + 1]", "'in' lists values, not expressions (1 + 1)"),
        ("+n > 1", "unary '+' applies to number literals only"),
        ("n == " + "9" * 5000, "Exceeds the limit"),
    ],
)
def test_malformed_expressions_are_suite_errors(text: str, message: str) -> None:
    with pytest.raises(dg.SuiteError, match=re.escape(message)) as info:
        parse_expression(text)
    assert info.value.path == "expr"


@pytest.mark.parametrize(
    "text",
    [
        "(" * (MAX_DEPTH + 1) + "n > 1" + ")" * (MAX_DEPTH + 1),
        "-" * (MAX_DEPTH + 1) + "n > 1",
        "abs(" * (MAX_DEPTH + 1) + "n" + ")" * (MAX_DEPTH + 1) + " > 1",
        "not " * (MAX_DEPTH + 1) + "n > 1",
    ],
)
def test_nesting_is_bounded(text: str) -> None:
    with pytest.raises(dg.SuiteError, match=f"nests deeper than {MAX_DEPTH} levels"):
        parse_expression(text)


def test_length_is_bounded_and_long_chains_cost_no_depth() -> None:
    with pytest.raises(dg.SuiteError, match=f"longer than {MAX_LENGTH:,} characters"):
        parse_expression("n > 1 and " * (MAX_LENGTH // 10) + "n > 1")
    # A sum of thousands of terms is one node: no recursion per term.
    assert rows(" + ".join(["n"] * 5000) + " == 5000", TABLE) == [0]
    deep = "(" * (MAX_DEPTH - 2) + "-abs(n) < 0" + ")" * (MAX_DEPTH - 2)
    assert rows(deep, TABLE) == [0, 1, 2, 3, 4, 5]


def test_where_and_expression_share_the_parser() -> None:
    with pytest.raises(dg.SuiteError, match=r"row condition 'n \+': expected a column") as info:
        dg.expectations.NotNull("n", where="n +")
    assert info.value.path == "where"
    assert rows("lower(`is`) == 'a'", pa.table({"is": ["A", "b"]}), where=True) == [0]


_names = st.sampled_from(["n", "m", "year"])
_numbers = st.integers(-5, 5).map(str)
_terms = st.recursive(
    st.one_of(_names, _numbers),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "//", "%"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        inner.map(lambda t: f"abs({t})"),
        inner.map(lambda t: f"-{t}"),
    ),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None)
@given(_terms, st.sampled_from(["==", "!=", "<", ">="]), _terms)
def test_rendering_reads_back_as_the_same_tree(left: str, op: str, right: str) -> None:
    text = f"{left} {op} {right} or n is null"
    try:
        node = Parser(text, "expression").parse()
    except dg.SuiteError:  # both sides constant
        return
    assert Parser(render(node), "expression").parse() == node
    assert Literal(1, Kind.NUMBER) != Literal(True, Kind.BOOLEAN)
