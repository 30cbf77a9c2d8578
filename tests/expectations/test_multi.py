"""Row-level expectations across several columns of a row."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

import dataguard as dg
from dataguard.expectations import (
    CompoundColumnsUnique,
    MulticolumnSumEqual,
    PairEqual,
    PairGreater,
    UniqueWithinRecord,
)

Reason = dg.Reason

PAIR = {"a": [1, 2, None, 4, None, 3], "b": [0, 2, 1, None, None, 5]}


@pytest.mark.parametrize(
    ("expectation", "failing", "missing"),
    [
        (PairGreater(column_a="a", column_b="b"), [1, 5], 3),
        (PairGreater(column_a="a", column_b="b", or_equal=True), [5], 3),
        (PairGreater(column_a="b", column_b="a"), [0, 1], 3),
        (PairEqual(column_a="a", column_b="b"), [0, 5], 3),
        # GX's default for pairs: only rows missing both values are left out; one null fails.
        (
            PairEqual(column_a="a", column_b="b", ignore_row_if="all_values_are_missing"),
            [0, 2, 3, 5],
            1,
        ),
        (PairEqual(column_a="a", column_b="b", ignore_row_if="never"), [0, 2, 3, 4, 5], 0),
    ],
    ids=lambda v: v.name if hasattr(v, "name") else None,
)
def test_pairs(
    frame_factory: Any, one: Any, expectation: Any, failing: list[int], missing: int
) -> None:
    result = one(frame_factory(PAIR), expectation)
    assert result.passed is False
    assert result.reason is Reason.UNEXPECTED_VALUES
    assert result.unexpected_index_list == tuple(failing)
    assert result.missing_count == missing
    a, b = expectation.column_a, expectation.column_b
    assert list(result.partial_unexpected_list) == [[PAIR[a][i], PAIR[b][i]] for i in failing]


def test_pairs_pass(frame_factory: Any, run: Any) -> None:
    data = frame_factory({"a": [2, 3, None], "b": [1, 3, None], "c": [2, 3, None]})
    result = run(
        data,
        PairGreater(column_a="a", column_b="b", or_equal=True),
        PairEqual(column_a="a", column_b="c"),
    )
    assert all(r.passed for r in result.results)
    assert [r.missing_count for r in result.results] == [1, 1]


def test_pairs_of_strings_dates_and_mixed_numbers(frame_factory: Any, one: Any) -> None:
    data = frame_factory(
        {"i": [1, 2, 3], "f": [1.0, 2.5, 3.0], "s": ["b", "a", "c"], "t": ["a", "a", "c"]}
    )
    assert one(data, PairEqual(column_a="i", column_b="f")).unexpected_index_list == (1,)
    assert one(data, PairGreater(column_a="s", column_b="t")).unexpected_index_list == (1, 2)


COMPOUND = {"a": [1, 1, 1, None, None, 2], "b": ["x", "x", "y", None, None, "x"]}


@pytest.mark.parametrize(
    ("expectation", "failing", "missing"),
    [
        (CompoundColumnsUnique(column_list=["a", "b"]), [0, 1], 2),
        # Missing values are equal to each other, as in pandas' duplicated().
        (CompoundColumnsUnique(column_list=["a", "b"], ignore_row_if="never"), [0, 1, 3, 4], 0),
        (
            CompoundColumnsUnique(column_list=["b", "a"], ignore_row_if="any_value_is_missing"),
            [0, 1],
            2,
        ),
    ],
)
def test_compound_columns_unique(
    frame_factory: Any, one: Any, expectation: Any, failing: list[int], missing: int
) -> None:
    result = one(frame_factory(COMPOUND), expectation)
    assert result.unexpected_index_list == tuple(failing)
    assert result.missing_count == missing
    first, second = expectation.column_list
    expected = [[COMPOUND[first][i], COMPOUND[second][i]] for i in failing]
    assert list(result.partial_unexpected_list) == expected


def test_compound_keys_cannot_be_forged_by_separators(one: Any) -> None:
    # Joined naively, ("a|b", "c") and ("a", "b|c") are both "a|b|c".
    data = {"a": ["a|b", "a", "1:x", "1"], "b": ["c", "b|c", "y", ":xy"]}
    assert one(data, CompoundColumnsUnique(column_list=["a", "b"])).passed
    numbers = {"i": [1, 1, 2], "f": [0.0, -0.0, 0.5]}
    assert one(numbers, CompoundColumnsUnique(column_list=["i", "f"])).unexpected_index_list == (
        0,
        1,
    )


def test_compound_uniqueness_across_batches(one: Any) -> None:
    data = {"a": [1, 2, 3, 4, 1], "b": [1, 2, 3, 4, 1]}
    for chunk_size in (None, 1, 2):
        result = one(data, CompoundColumnsUnique(column_list=["a", "b"]), chunk_size=chunk_size)
        assert result.unexpected_index_list == (0, 4)


def test_unique_within_record(frame_factory: Any, one: Any) -> None:
    data = frame_factory(
        {"a": [1, 1, 2, None, None], "b": [2, 1, 3, None, 5], "c": [3, 3, 2, None, 5]}
    )
    result = one(data, UniqueWithinRecord(column_list=["a", "b", "c"]))
    assert result.unexpected_index_list == (1, 2, 4)
    assert result.missing_count == 1
    assert list(result.partial_unexpected_list) == [[1, 1, 3], [2, 3, 2], [None, 5, 5]]


@pytest.mark.parametrize(
    ("expectation", "failing", "missing"),
    [
        # 0.71 + 0.29 is exactly 1.0 in binary floating point; 0.4 + 0.8 is not 1.2.
        (MulticolumnSumEqual(column_list=["a", "b"], sum_total=1), [1, 3], 2),
        (MulticolumnSumEqual(column_list=["a", "b"], sum_total=1, tolerance=0.25), [3], 2),
        (
            MulticolumnSumEqual(
                column_list=["a", "b"], sum_total=1, ignore_row_if="all_values_are_missing"
            ),
            [1, 2, 3],
            1,
        ),
        (MulticolumnSumEqual(column_list=["a"], sum_total=1), [0, 1, 3], 1),
    ],
)
def test_multicolumn_sum(
    frame_factory: Any, one: Any, expectation: Any, failing: list[int], missing: int
) -> None:
    data = frame_factory({"a": [0.71, 0.4, 1.0, 5.0, None], "b": [0.29, 0.8, None, -3.0, None]})
    result = one(data, expectation)
    assert result.unexpected_index_list == tuple(failing)
    assert result.missing_count == missing


def test_multicolumn_sum_with_tolerance_forgives_rounding(one: Any) -> None:
    data = {"a": [0.1, 0.4], "b": [0.2, 0.8]}
    assert not one(data, MulticolumnSumEqual(column_list=["a", "b"], sum_total=0.3)).passed
    relaxed = MulticolumnSumEqual(column_list=["a", "b"], sum_total=0.3, tolerance=1e-9)
    assert one(data, relaxed).unexpected_index_list == (1,)
    ints = {"a": [1, 2], "b": [2, 1], "c": [0, 0]}
    assert one(ints, MulticolumnSumEqual(column_list=["a", "b", "c"], sum_total=3)).passed
    inf = {"a": [math.inf], "b": [-math.inf]}
    assert not one(inf, MulticolumnSumEqual(column_list=["a", "b"], sum_total=0)).passed


ALL: list[Any] = [
    PairGreater(column_a="a", column_b="b"),
    PairEqual(column_a="a", column_b="b"),
    CompoundColumnsUnique(column_list=["a", "b"]),
    UniqueWithinRecord(column_list=["a", "b"]),
    MulticolumnSumEqual(column_list=["a", "b"], sum_total=0),
]


POSITIVE = [10.0 * i for i in range(1, 10)]
NEGATIVE = [-x for x in POSITIVE]


@pytest.mark.parametrize(
    ("expectation", "rows", "failing"),
    [
        (
            PairGreater(column_a="a", column_b="b"),
            {"a": [*POSITIVE, 1.0], "b": [*NEGATIVE, 1.0]},
            1,
        ),
        (PairEqual(column_a="a", column_b="b"), {"a": [*POSITIVE, 1.0], "b": [*POSITIVE, 2.0]}, 1),
        (
            CompoundColumnsUnique(column_list=["a", "b"]),
            {"a": [*NEGATIVE[:8], 5.0, 5.0], "b": [*POSITIVE[:8], 5.0, 5.0]},
            2,
        ),
        (
            UniqueWithinRecord(column_list=["a", "b"]),
            {"a": [*NEGATIVE, 1.0], "b": [*POSITIVE, 1.0]},
            1,
        ),
        (
            MulticolumnSumEqual(column_list=["a", "b"], sum_total=0),
            {"a": [*NEGATIVE, 1.0], "b": [*POSITIVE, 1.0]},
            1,
        ),
    ],
    ids=lambda v: v.name if hasattr(v, "name") else None,
)
def test_mostly_is_inclusive_and_ignored_rows_do_not_count(
    frame_factory: Any, one: Any, expectation: Any, rows: dict[str, list[Any]], failing: int
) -> None:
    data = frame_factory({name: [*values, None] for name, values in rows.items()})
    present = len(rows["a"])
    params = expectation.to_dict()
    params.pop("type")
    kind = type(expectation)
    exact = one(data, kind(**params, mostly=(present - failing) / present))
    assert (exact.passed, exact.unexpected_count, exact.missing_count) == (True, failing, 1)
    stricter = kind(**params, mostly=math.nextafter((present - failing) / present, 1))
    assert not one(data, stricter).passed


@pytest.mark.parametrize("expectation", ALL, ids=lambda e: e.name)
def test_all_null_and_empty_columns_pass_vacuously(
    frame_factory: Any, one: Any, expectation: Any
) -> None:
    for rows in (0, 3):
        data = frame_factory(
            {"a": [None] * rows, "b": [None] * rows}, {"a": pa.float64(), "b": pa.float64()}
        )
        result = one(data, expectation)
        assert result.passed is True
        assert (result.element_count, result.unexpected_count) == (rows, 0)


@pytest.mark.parametrize("expectation", ALL, ids=lambda e: e.name)
def test_missing_column(frame_factory: Any, one: Any, expectation: Any) -> None:
    result = one(frame_factory({"a": [1]}), expectation)
    assert result.passed is False
    assert result.reason is Reason.COLUMN_MISSING
    assert "'b'" in result.message


@pytest.mark.parametrize(
    "expectation",
    [e for e in ALL if not isinstance(e, CompoundColumnsUnique)],
    ids=lambda e: e.name,
)
def test_columns_that_cannot_be_compared_are_a_type_mismatch(
    frame_factory: Any, one: Any, expectation: Any
) -> None:
    result = one(frame_factory({"a": [1, 2], "b": ["x", "y"]}), expectation)
    assert result.passed is False
    assert result.reason is Reason.TYPE_MISMATCH


@pytest.mark.exclude_backends("csv")
def test_nested_columns_are_a_type_mismatch(frame_factory: Any, one: Any) -> None:
    data = frame_factory({"a": [[1], [2]], "b": [[1], [2]]})
    for expectation in ALL:
        assert one(data, expectation).reason is Reason.TYPE_MISMATCH, expectation.name


def test_naive_and_aware_datetimes_cannot_be_compared(one: Any) -> None:
    table = pa.table(
        {
            "a": pa.array([0, 1], pa.timestamp("us")),
            "b": pa.array([0, 1], pa.timestamp("us", tz="UTC")),
        }
    )
    result = one(table, PairEqual(column_a="a", column_b="b"))
    assert (result.passed, result.reason) == (False, Reason.TYPE_MISMATCH)


@pytest.mark.parametrize("severity", ["warning", "info"])
def test_severity(run: Any, severity: str) -> None:
    result = run({"a": [1], "b": [2]}, PairEqual(column_a="a", column_b="b", severity=severity))
    assert result.results[0].passed is False
    assert result.passed is True


def test_id_columns(one: Any) -> None:
    data = {"order_id": [7, 8, 9], "a": [1, 2, 3], "b": [1, 0, 3]}
    result = one(data, PairEqual(column_a="a", column_b="b"), id_columns=("order_id",))
    assert result.unexpected_index_list == ({"order_id": 8},)
    assert result.partial_unexpected_list == ([2, 0],)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda: PairEqual(column_a="a", column_b="a"), "listed twice"),
        (lambda: PairGreater(column_a="a", column_b="b", ignore_row_if="both"), "expected"),
        (lambda: PairGreater(column_a="a", column_b="b", mostly=1.01), "mostly"),
        (lambda: CompoundColumnsUnique(column_list=["a"]), "at least 2"),
        (lambda: CompoundColumnsUnique(column_list=["a", "b", "a"]), "listed twice"),
        (lambda: UniqueWithinRecord(column_list=[]), "at least 2"),
        (lambda: MulticolumnSumEqual(column_list=[], sum_total=1), "at least 1"),
        (lambda: MulticolumnSumEqual(column_list=["a"], sum_total=1, tolerance=-1), "negative"),
        (lambda: MulticolumnSumEqual(column_list=["a"], sum_total=math.nan), "NaN"),
        (lambda: MulticolumnSumEqual(column_list=["a"], sum_total=1, tolerance=math.nan), "NaN"),
        (lambda: MulticolumnSumEqual(column_list=["a"], sum_total="1"), "expected float"),
        (lambda: CompoundColumnsUnique(column_list="ab"), "expected list"),
    ],
)
def test_invalid_parameters_are_suite_errors(make: Any, problem: str) -> None:
    with pytest.raises(dg.SuiteError, match=problem):
        make()


def test_describe() -> None:
    assert (
        PairGreater(column_a="a", column_b="b", or_equal=True).describe()
        == "In every row, 'a' >= 'b'."
    )
    assert "add up to 1" in MulticolumnSumEqual(column_list=["a"], sum_total=1).describe()
    assert "unique" in CompoundColumnsUnique(column_list=["a", "b"]).describe()


def test_columns_without_any_value_still_compare(one: Any) -> None:
    frame = pd.DataFrame({"a": [None, None], "b": [None, None], "i": [1, 2]})  # object columns
    never = PairEqual(column_a="a", column_b="b", ignore_row_if="never")
    assert one(frame, never).unexpected_index_list == (0, 1)  # null = null is not confirmed
    assert one(frame, PairEqual(column_a="a", column_b="b")).passed
    some = PairGreater(column_a="i", column_b="a", ignore_row_if="all_values_are_missing")
    assert one(frame, some).unexpected_index_list == (0, 1)
    assert one(frame, UniqueWithinRecord(column_list=["a", "b", "i"], ignore_row_if="never")).passed


def test_a_pair_reads_a_mixed_column_as_text() -> None:
    # The limit README.md and docs/conformance.md state: unlike value-set checks, column pairs
    # compare a mixed object column as text.
    data = pd.DataFrame({"n": [1, 2, 3], "s": ["1", "2", "abc"], "m": [1, 2, "abc"]})
    numbers, text = dg.validate(
        data, [PairEqual(column_a="n", column_b="m"), PairEqual(column_a="s", column_b="m")]
    ).results
    assert numbers.reason is dg.Reason.TYPE_MISMATCH
    assert text.passed
