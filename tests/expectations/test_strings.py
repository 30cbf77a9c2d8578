"""Row-level expectations on strings: patterns, lengths, date formats and JSON."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

import pyarrow as pa
import pytest

import dataguard as dg
from dataguard.expectations import (
    JsonParseable,
    MatchesJsonSchema,
    MatchesRegex,
    MatchesRegexList,
    MatchesStrftimeFormat,
    NotMatchesRegex,
    NotMatchesRegexList,
    ValueLengthBetween,
    ValueLengthEqual,
)

Reason = dg.Reason

FAILING: list[Any] = [
    pytest.param(
        MatchesRegex("x", regex="b"), ["abb", "ccc", None, "b", "a"], [1, 4], id="regex-search"
    ),
    pytest.param(
        MatchesRegex("x", regex=r"^\d{3}$"),
        ["123", "1234", "12", "٣٤٥", None],
        [1, 2],
        id="regex-anchored",
    ),
    pytest.param(
        NotMatchesRegex("x", regex="[0-9]"), ["abc", "a1", None, "9"], [1, 3], id="not_regex"
    ),
    pytest.param(
        ValueLengthBetween("x", min_value=2, max_value=3),
        ["a", "ab", "abc", "abcd", None, "ééé"],
        [0, 3],
        id="length-between",
    ),
    pytest.param(
        ValueLengthBetween("x", min_value=2, strict_min=True),
        ["ab", "abc", "a"],
        [0, 2],
        id="length-strict",
    ),
    pytest.param(
        ValueLengthEqual("x", value=2), ["ab", "a", "日本", "abc", None], [1, 3], id="length-equal"
    ),
    pytest.param(
        MatchesStrftimeFormat("x", strftime_format="%Y-%m-%d"),
        ["2020-01-31", "2020-13-01", "2020-02-30", None, "2020-1-5", " 2020-01-01", "20-01-01"],
        [1, 2, 5, 6],
        id="strftime",
    ),
    pytest.param(
        MatchesStrftimeFormat("x", strftime_format="%d %B %Y"),
        ["01 March 2020", "01 Mars 2020", None],
        [1],
        id="strftime-python-only",
    ),
    pytest.param(
        JsonParseable("x"),
        ['{"a": 1}', "[1, 2]", "{a: 1}", "3", None, "'s'", '"s"', "nul"],
        [2, 5, 7],
        id="json",
    ),
]


@pytest.mark.parametrize(("expectation", "values", "failing"), FAILING)
def test_failing_rows_are_counted_listed_and_located(
    frame_factory: Any, one: Any, expectation: Any, values: list[Any], failing: list[int]
) -> None:
    result = one(frame_factory({"x": values}, {"x": pa.string()}), expectation)
    assert result.passed is False
    assert result.reason is Reason.UNEXPECTED_VALUES
    assert result.unexpected_count == len(failing)
    assert result.unexpected_index_list == tuple(failing)
    assert list(result.partial_unexpected_list) == [values[i] for i in failing]
    assert result.missing_count == values.count(None)


def test_empty_strings_are_values_not_missing(one: Any) -> None:
    data = pa.table({"x": pa.array(["", "1", None])})
    assert one(data, ValueLengthEqual("x", value=1)).unexpected_index_list == (0,)
    assert one(data, ValueLengthBetween("x", min_value=0, strict_min=True)).unexpected_count == 1
    assert one(data, JsonParseable("x")).unexpected_index_list == (0,)
    assert one(data, MatchesRegex("x", regex="^$")).unexpected_index_list == (1,)
    assert one(data, MatchesStrftimeFormat("x", strftime_format="%Y")).unexpected_count == 2


def test_json_parseable_and_an_empty_json_schema_agree_on_every_value(one: Any) -> None:
    # Both read a value with the same parser and the same verdict on documents too deep to read.
    values = ['{"a": 1}', "{a: 1}", "[" * 5000 + "]" * 5000, "[[]]", "1e999", "NaN", "", None]
    data = pa.table({"x": pa.array(values)})
    parseable = one(data, JsonParseable("x")).unexpected_index_list
    assert parseable == (1, 2, 6)
    assert one(data, MatchesJsonSchema("x", json_schema={})).unexpected_index_list == parseable


PASSING: list[Any] = [
    pytest.param(MatchesRegex("x", regex=""), ["", "a", None], id="empty-regex-matches-all"),
    pytest.param(
        MatchesRegex("x", regex=r"^\w+$"), ["abc", "naïve", "日本語", "x_1"], id="unicode-word"
    ),
    pytest.param(NotMatchesRegex("x", regex=r"\s"), ["abc", "a-b"], id="not-space"),
    pytest.param(
        ValueLengthBetween("x", max_value=3), ["", "abc", "日本語"], id="length-counts-characters"
    ),
    pytest.param(ValueLengthEqual("x", value=0), ["", None], id="length-zero"),
    pytest.param(
        MatchesStrftimeFormat("x", strftime_format="%Y-%m-%d %H:%M:%S"),
        ["2020-02-29 23:59:59", None],
        id="strftime",
    ),
    pytest.param(
        MatchesStrftimeFormat("x", strftime_format="%y%m%d"),
        ["991231", "000101"],
        id="strftime-2-digit-year",
    ),
    pytest.param(JsonParseable("x"), ["{}", "[]", "null", "1.5", '"é"', None], id="json"),
]


@pytest.mark.parametrize(("expectation", "values"), PASSING)
@pytest.mark.exclude_backends("csv")  # CSV cannot tell "" from a missing value
def test_passing_data(frame_factory: Any, one: Any, expectation: Any, values: list[Any]) -> None:
    result = one(frame_factory({"x": values}, {"x": pa.string()}), expectation)
    assert result.passed is True, result.message
    assert result.reason is Reason.PASSED
    assert result.unexpected_count == 0


ROW_LEVEL: list[Any] = [
    MatchesRegex("x", regex="^a"),
    NotMatchesRegex("x", regex="^a"),
    ValueLengthBetween("x", min_value=1, max_value=1),
    ValueLengthEqual("x", value=1),
    MatchesStrftimeFormat("x", strftime_format="%Y"),
    JsonParseable("x"),
]


@pytest.mark.parametrize("expectation", ROW_LEVEL, ids=lambda e: e.name)
def test_mostly_is_inclusive(frame_factory: Any, one: Any, expectation: Any) -> None:
    # Each expectation passes exactly one of "a" / "zz{" and fails the other.
    good, bad = ("a", "zz{")
    if isinstance(expectation, NotMatchesRegex):
        good, bad = bad, good
    if isinstance(expectation, MatchesStrftimeFormat):
        good, bad = "2020", "20x0"
    if isinstance(expectation, JsonParseable):
        good, bad = "1", "zz{"
    data = frame_factory({"x": [good] * 9 + [bad, None]})
    params = expectation.to_dict()
    kind = type(expectation)
    params.pop("type")
    assert one(data, kind(**params, mostly=0.9)).passed
    assert one(data, kind(**params, mostly=0.9)).unexpected_percent == pytest.approx(10.0)
    assert not one(data, kind(**params, mostly=math.nextafter(0.9, 1))).passed


@pytest.mark.parametrize("expectation", ROW_LEVEL, ids=lambda e: e.name)
@pytest.mark.parametrize("column_type", [pa.string(), pa.large_string(), pa.null()], ids=str)
def test_all_null_column_passes_vacuously(
    frame_factory: Any, one: Any, expectation: Any, column_type: pa.DataType
) -> None:
    result = one(frame_factory({"x": [None, None]}, {"x": column_type}), expectation)
    assert result.passed is True
    assert (result.element_count, result.missing_count, result.unexpected_count) == (2, 2, 0)


@pytest.mark.parametrize("expectation", ROW_LEVEL, ids=lambda e: e.name)
def test_empty_frame(frame_factory: Any, one: Any, expectation: Any) -> None:
    result = one(frame_factory({"x": []}, {"x": pa.string()}), expectation)
    assert result.passed is True
    assert result.element_count == 0


@pytest.mark.parametrize("expectation", ROW_LEVEL, ids=lambda e: e.name)
def test_missing_column(frame_factory: Any, one: Any, expectation: Any) -> None:
    result = one(frame_factory({"y": ["a"]}), expectation)
    assert result.passed is False
    assert result.reason is Reason.COLUMN_MISSING


@pytest.mark.parametrize("expectation", ROW_LEVEL, ids=lambda e: e.name)
@pytest.mark.parametrize(
    "values", [[1, 2], [1.5, None], [True, False]], ids=["int", "float", "bool"]
)
def test_non_string_column_is_a_type_mismatch(
    frame_factory: Any, one: Any, expectation: Any, values: list[Any]
) -> None:
    # GX's json_parseable turns an int column into a failure and strftime into an error;
    # here both are the same clear type mismatch.
    result = one(frame_factory({"x": values}), expectation)
    assert result.passed is False
    assert result.reason is Reason.TYPE_MISMATCH
    assert "string" in result.message


@pytest.mark.parametrize("severity", ["warning", "info"])
def test_severity(run: Any, severity: str) -> None:
    result = run({"x": ["a", "b"]}, MatchesRegex("x", regex="a", severity=severity))
    assert result.results[0].passed is False
    assert result.results[0].severity == severity
    assert result.passed is True
    assert result.passed_at("warning") is (severity == "info")


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda: MatchesRegex("x", regex="("), "invalid regular expression"),
        (lambda: NotMatchesRegex("x", regex="[a-"), "invalid regular expression"),
        (lambda: MatchesRegex("x", regex=r"(a)\1"), "backreference"),
        (lambda: NotMatchesRegex("x", regex=r"(?=a)"), "lookahead"),
        (
            lambda: MatchesRegex("x", regex=r"(a)\1", regex_engine="python"),
            "needs max_value_length",
        ),
        (
            lambda: MatchesRegex(
                "x", regex=r"(a)\1" + "x" * 1000, regex_engine="python", max_value_length=9
            ),
            "limited to",
        ),
        (lambda: MatchesRegex("x", regex="a" * 10_001), "longer than"),
        (lambda: MatchesRegex("x", regex=1), "expected str"),
        (lambda: MatchesRegex("x", regex="a", mostly=2), "mostly"),
        (lambda: ValueLengthBetween("x"), "give min_value, max_value or both"),
        (lambda: ValueLengthBetween("x", min_value=3, max_value=2), "greater than"),
        (lambda: ValueLengthBetween("x", min_value=-1), "negative"),
        (lambda: ValueLengthBetween("x", max_value=-1), "negative"),
        (lambda: ValueLengthBetween("x", min_value=1.5), "expected int"),
        (lambda: ValueLengthEqual("x", value=-1), "negative"),
        (lambda: ValueLengthEqual("x", value="3"), "expected int"),
        (lambda: MatchesStrftimeFormat("x", strftime_format="%D"), "unusable strftime format"),
        (lambda: MatchesStrftimeFormat("x", strftime_format="%Q"), "unusable strftime format"),
        (lambda: JsonParseable("x", mostly=-1), "mostly"),
    ],
)
def test_invalid_parameters_are_suite_errors(make: Any, problem: str) -> None:
    with pytest.raises(dg.SuiteError, match=problem):
        make()


def test_strftime_matches_python_strptime_on_random_text(one: Any) -> None:
    rng = random.Random(20240611)
    alphabet = "0123456789-: /xT"
    formats = ["%Y-%m-%d", "%y%m%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%H:%M", "%Y%%%m", "%b %d"]
    for fmt in formats:
        values = []
        for _ in range(400):
            moment = dt.datetime(
                rng.randint(1, 9999),
                rng.randint(1, 12),
                rng.randint(1, 28),
                rng.randint(0, 23),
                rng.randint(0, 59),
                rng.randint(0, 59),
            )
            text = list(moment.strftime(fmt))
            for _ in range(rng.randint(0, 2)):
                at = rng.randint(0, len(text))
                choice = rng.random()
                if choice < 0.3 and text:
                    del text[min(at, len(text) - 1)]
                elif choice < 0.6:
                    text.insert(at, rng.choice(alphabet))
                elif text:
                    text[min(at, len(text) - 1)] = rng.choice(alphabet)
            values.append("".join(text))
        full_width = "\uff12\uff10\uff12\uff10-01-01"  # Python's \d takes these digits
        values += ["0000-01-01", "2020-02-30", "1900-02-29", "2000-02-29", full_width]
        result = one(
            pa.table({"x": pa.array(values)}),
            MatchesStrftimeFormat("x", strftime_format=fmt),
            result_format="complete",
        )
        expected = tuple(i for i, v in enumerate(values) if not _parses(v, fmt))
        assert result.unexpected_index_list == expected, fmt


def _parses(text: str, fmt: str) -> bool:
    try:
        dt.datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def test_regex_is_searched_on_every_batch_and_with_ids(one: Any) -> None:
    data = {"id": list(range(100, 110)), "x": ["ok"] * 5 + ["bad"] + ["ok"] * 3 + ["bad"]}
    for chunk_size in (None, 1, 4):
        result = one(
            data, MatchesRegex("x", regex="^ok$"), id_columns=("id",), chunk_size=chunk_size
        )
        assert result.unexpected_index_list == ({"id": 105}, {"id": 109})
        assert result.partial_unexpected_list == ("bad", "bad")


def test_python_engine_regex_and_python_only_formats_work_per_distinct_value(one: Any) -> None:
    values = ["aa", "ab", "aa", None, "bb", "ab"]
    python = {"regex_engine": "python", "max_value_length": 5}
    assert one(
        {"x": values}, MatchesRegex("x", regex=r"(\w)\1", **python)
    ).unexpected_index_list == (
        1,
        5,
    )
    found = one({"x": values}, NotMatchesRegex("x", regex=r"a(?=b)", **python))
    assert found.unexpected_index_list == (1, 5)


def test_values_over_the_python_engine_bound_are_unexpected_either_way(one: Any) -> None:
    # The pattern backtracks exponentially: the long value must never reach Python's re.
    values = ["aa", "a" * 5000, "ab", None]
    python = {"regex_engine": "python", "max_value_length": 10}
    matched = one({"x": values}, MatchesRegex("x", regex=r"^(a|a)*\1$", **python))
    assert matched.unexpected_index_list == (1, 2)
    avoided = one({"x": values}, NotMatchesRegex("x", regex=r"^(a|a)*\1$", **python))
    assert avoided.unexpected_index_list == (0, 1)
    listed = one({"x": values}, NotMatchesRegexList("x", regex_list=(r"(a)\1",), **python))
    assert listed.unexpected_index_list == (0, 1)
    for match_on in ("any", "all"):
        kind = MatchesRegexList("x", regex_list=(r"(a)\1", "a"), match_on=match_on, **python)
        assert one({"x": values}, kind).unexpected_index_list == (
            (1,) if match_on == "any" else (1, 2)
        )


def test_categorical_and_large_string_columns(one: Any) -> None:
    data = pa.table(
        {
            "c": pa.array(["a", "bb", "a", None]).dictionary_encode(),
            "l": pa.array(["a", "bb", "a", None], type=pa.large_string()),
        }
    )
    for column in ("c", "l"):
        assert one(data, ValueLengthEqual(column, value=1)).unexpected_index_list == (1,)
        assert one(data, MatchesRegex(column, regex="^a$")).unexpected_index_list == (1,)


def test_describe() -> None:
    assert "'^a'" in MatchesRegex("x", regex="^a").describe()
    assert "between 1 and 2" in ValueLengthBetween("x", min_value=1, max_value=2).describe()
    assert "%Y" in MatchesStrftimeFormat("x", strftime_format="%Y").describe()
    assert JsonParseable("x").describe() == "Values of 'x' are valid JSON."


def test_json_nested_too_deeply_is_unexpected_not_an_error(one: Any) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    result = one({"x": ["[]", deep, "{}"]}, JsonParseable("x"))
    assert result.reason == Reason.UNEXPECTED_VALUES
    assert result.unexpected_index_list == (1,)


def test_regex_expectations_declare_their_engine_options_after_their_patterns() -> None:
    python = {"regex_engine": "python", "max_value_length": 9, "mostly": 0.5}
    declared = [
        MatchesRegex("x", regex=r"(a)\1", **python),
        NotMatchesRegex("x", regex=r"(a)\1", **python),
        MatchesRegexList("x", regex_list=("a", r"(a)\1"), match_on="all", **python),
        NotMatchesRegexList("x", regex_list=(r"(a)\1",), **python),
    ]
    keys = [list(expectation.to_dict()) for expectation in declared]
    assert keys == [
        ["type", "column", "regex", "regex_engine", "max_value_length", "mostly"],
        ["type", "column", "regex", "regex_engine", "max_value_length", "mostly"],
        ["type", "column", "regex_list", "match_on", "regex_engine", "max_value_length", "mostly"],
        ["type", "column", "regex_list", "regex_engine", "max_value_length", "mostly"],
    ]
    for expectation in declared:
        params = {k: v for k, v in expectation.to_dict().items() if k != "type"}
        assert type(expectation).from_dict(params) == expectation
