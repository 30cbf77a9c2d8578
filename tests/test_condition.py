"""Row conditions (``where``): the filter language and expectations restricted to some rows."""

from __future__ import annotations

import decimal
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard._expr import parse_condition
from dataguard._frame import as_source
from dataguard.expectations import (
    Between,
    ColumnExists,
    MeanBetween,
    NotNull,
    RowCountEqual,
    Unique,
)

FRAME = pd.DataFrame(
    {
        "x": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0],
        "kind": ["a", "b", "a", None, "b", "a"],
        "n": [1, 2, 3, 4, 5, 6],
        "unit price": [0.5, 1.5, 2.5, 3.5, 4.5, 5.5],
    }
)


def mask(text: str, frame: pd.DataFrame | pa.Table = FRAME) -> list[int]:
    source = as_source(frame)
    condition = parse_condition(text)
    (batch,) = source.batches(condition.columns, None)
    return [int(i) for i in np.flatnonzero(condition.mask(batch))]


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("n > 3", [3, 4, 5]),
        ("n >= 3 and kind == 'a'", [2, 5]),
        ('(kind == "b") | (n == 1)', [0, 1, 4]),
        ("not kind == 'a'", [1, 3, 4]),
        ("~(n < 6) & x > 1", [5]),
        ("kind in ['a', 'b']", [0, 1, 2, 4, 5]),
        ("kind not in ['a']", [1, 3, 4]),
        ("`unit price` <= 1.5", [0, 1]),
        ("3 < n", [3, 4, 5]),  # a value on the left
        ("x > n", []),
        ("x == n", [0, 1, 3, 4, 5]),
        # A missing value equals nothing and differs from everything.
        ("x != 2", [0, 2, 3, 4, 5]),
        ("kind != 'a'", [1, 3, 4]),
        ("x < 100", [0, 1, 3, 4, 5]),
        # A value of another kind never equals the column's values.
        ("n == '1'", []),
        ("n != '1'", [0, 1, 2, 3, 4, 5]),
        ("n == 1.0 or n == -2.5", [0]),
        ("x > 1e0 and n < 5", [1, 3]),
    ],
)
def test_the_filter_language(text: str, rows: list[int]) -> None:
    assert mask(text) == rows


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the row condition is empty"),
        ("n >", "expected a column or a value"),
        ("n 3", "expected a comparison after 'n'"),
        ("1 == 2", "needs a column on at least one side"),
        ("(n > 1", "expected ')'"),
        ("n > 1 )", "unexpected ')'"),
        ("n in [1, m]", "lists values, not columns"),
        ("n == 'open", "cannot read the condition"),
        ("__import__('os')", "unknown function '__import__'"),  # no Python, ever
    ],
)
def test_malformed_conditions_are_suite_errors(text: str, message: str) -> None:
    with pytest.raises(dg.SuiteError, match=re.escape(message)) as info:
        Between("x", min_value=0, where=text)
    assert info.value.path == "where"


def test_an_expectation_sees_only_the_rows_kept() -> None:
    suite = dg.Suite(
        [
            Between("x", min_value=3, where="kind == 'a'"),
            MeanBetween("n", min_value=3.5, max_value=3.5, where="kind != 'b'"),
            Unique("kind", where="n > 3"),
            RowCountEqual(value=2, where="kind == 'b'"),
            NotNull("x", where="n > 10"),
        ]
    )
    result = dg.validate(FRAME, suite, result_format="complete")
    between, mean, unique, rows, vacuous = result.results
    # Rows 0, 2, 5 are kept; x = 1 fails, NaN is missing; row ids stay global.
    assert (between.element_count, between.missing_count) == (3, 1)
    assert between.unexpected_index_list == (0,)
    assert mean.observed_value == 3.5  # n of rows 0, 2, 3, 5
    assert unique.passed
    assert rows.passed
    assert vacuous.passed
    assert vacuous.element_count == 0


def test_conditions_report_id_columns_and_split() -> None:
    expectation = Between("x", min_value=3, where="kind == 'a'")
    result = dg.validate(FRAME, [expectation], id_columns=["n"]).results[0]
    assert result.unexpected_index_list == ({"n": 1},)
    good, bad = dg.split(FRAME, [expectation, Between("n", max_value=5)])
    assert bad["n"].tolist() == [1, 6]
    assert len(good) == 4


def test_conditions_work_on_streams_and_in_batches() -> None:
    suite = dg.Suite([Between("x", min_value=3, where="kind == 'a'"), NotNull("kind")])
    table = pa.Table.from_pandas(FRAME, preserve_index=False)
    whole = dg.validate(table, suite, result_format="complete")
    stream = dg.validate(iter(table.to_batches(max_chunksize=2)), suite, result_format="complete")
    chunked = dg.validate(table, suite, result_format="complete", chunk_size=1)
    for other in (stream, chunked):
        assert [r.to_dict() for r in other.results] == [r.to_dict() for r in whole.results]


def test_bad_conditions_are_results_not_crashes() -> None:
    suite = dg.Suite(
        [
            Between("x", min_value=0, where="missing == 1"),
            Between("x", min_value=0, where="kind > 3"),
            Between("x", min_value=0, where="kind > n"),
            Between("x", min_value=0),
        ]
    )
    absent, ordered, columns, plain = dg.validate(FRAME, suite).results
    assert absent.reason is dg.Reason.COLUMN_MISSING
    assert "of the row condition" in absent.message
    assert ordered.reason is dg.Reason.TYPE_MISMATCH
    assert columns.reason is dg.Reason.TYPE_MISMATCH
    assert plain.passed


def test_where_is_declared_and_described() -> None:
    expectation = Between("x", min_value=0, where="kind == 'a'")
    assert expectation.to_dict() == {
        "type": "between",
        "column": "x",
        "min_value": 0,
        "where": "kind == 'a'",
    }
    assert expectation.describe() == "Values of 'x' are at least 0, where kind == 'a'."
    assert dg.suite.loads_suite(dg.Suite([expectation]).dumps()).expectations == (expectation,)
    with pytest.raises(dg.SuiteError, match="reads no rows, so it takes no 'where'"):
        ColumnExists(column="x", where="n > 1")


def test_conditions_compare_dates_and_booleans() -> None:
    frame = pd.DataFrame(
        {"d": pd.to_datetime(["2020-01-01", "2021-06-01", None]), "ok": [True, False, True]}
    )
    assert mask("d >= '2021-01-01'", frame) == [1]
    assert mask("ok == true", frame) == [0, 2]
    assert mask("ok != True and d < '2030-01-01'", frame) == [1]


@pytest.mark.parametrize(
    "text",
    [
        "(" * 300 + "n > 1" + ")" * 300,
        "not " * 300 + "n > 1",
        "~" * 5000 + "n > 1",
        "(~" * 200 + "n > 1" + ")" * 200,
    ],
)
def test_conditions_beyond_the_bounds_are_suite_errors(text: str) -> None:
    with pytest.raises(dg.SuiteError) as info:
        Between("x", min_value=0, where=text)
    assert info.value.path == "where"
    assert "deeper than" in str(info.value)


def test_a_number_beyond_the_digit_limit_is_a_suite_error() -> None:
    with pytest.raises(dg.SuiteError, match="Exceeds the limit") as info:
        Between("x", min_value=0, where="n == " + "9" * 5000)
    assert info.value.path == "where"


def test_conditions_within_the_depth_bound_work() -> None:
    from dataguard._expr import MAX_DEPTH

    deep = "(" * (MAX_DEPTH - 1) + "n > 1" + ")" * (MAX_DEPTH - 1)
    result = dg.validate(pd.DataFrame({"n": [1, 2]}), [NotNull("n", where=deep)])
    assert result.passed
    wide = " and ".join(f"n > {k}" for k in range(2000))  # wide is fine: no recursion
    Between("x", min_value=0, where=wide)


LARGE = pa.table(
    {
        "i": pa.array([2**53, 2**53 + 1, 2**63 - 1, None], type=pa.int64()),
        "d": pa.array(
            [decimal.Decimal("1.000000000000000001"), decimal.Decimal(1), None, None],
            type=pa.decimal128(38, 18),
        ),
        "f": [2.0**53, 2.0**53 + 2, 2.0**53 + 4, None],
    }
)


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        (f"i == {2**53 + 1}", [1]),
        (f"i != {2**53}", [1, 2, 3]),
        (f"i >= {2**63}", []),  # beyond int64: as floats, 2**63 - 1 would be 2**63
        (f"i < {2**63}", [0, 1, 2]),
        (f"i in [{2**53 + 1}, {2**63 - 1}]", [1, 2]),
        ("d <= 1", [1]),
        ("d > 1", [0]),
        ("d == 1.000000000000000001", [0]),  # the literal's exact number, not the float 1.0
        ("d in [1]", [1]),
        (f"f <= {2**53 + 3}", [0, 1]),  # the float nearest 2**53 + 3 is 2**53 + 4
        (f"f == {2**53 + 1}", []),
        (f"f > {10**400}", []),
        # Integer and float columns: as floats, 2**53 + 1 would tie with 2**53.
        ("i > f", [2]),
        ("f < i", [2]),
        ("i == f", [0]),
        ("i <= f", [0, 1]),
        ("d < i", [0, 1]),
        ("d == d", [0, 1]),
    ],
)
def test_conditions_compare_large_integers_and_decimals_exactly(text: str, rows: list[int]) -> None:
    assert mask(text, LARGE) == rows


_near_edges = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.integers(2**53 - 3, 2**53 + 3),
    st.integers(2**63 - 1030, 2**63 - 1),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(_near_edges, st.one_of(_near_edges.map(float), st.floats(allow_nan=False))),
        min_size=1,
        max_size=10,
    ),
    st.sampled_from(["==", "!=", "<", "<=", ">", ">="]),
)
def test_integer_and_float_columns_compare_exactly(pairs: list[tuple[int, float]], op: str) -> None:
    table = pa.table({"i": [p[0] for p in pairs], "f": [p[1] for p in pairs]})
    exact = {
        "==": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }[op]
    wanted = [k for k, (i, f) in enumerate(pairs) if exact(i, f)]  # Python compares exactly
    assert mask(f"i {op} f", table) == wanted
