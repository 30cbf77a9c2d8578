"""Regex lists, LIKE patterns, dateutil dates, JSON Schema, value types, value pairs."""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import dataguard as dg
from dataguard.expectations import (
    DateutilParseable,
    EqualWithinRecord,
    InTypeList,
    MatchesJsonSchema,
    MatchesLikePattern,
    MatchesLikePatternList,
    MatchesRegexList,
    NotMatchesLikePattern,
    NotMatchesLikePatternList,
    NotMatchesRegexList,
    PairInSet,
)

Reason = dg.Reason
DRAFT7 = "http://json-schema.org/draft-07/schema#"
WORDS = {"w": ["man", "plan", "canal", "bit", "b_t", "50%", None]}


@pytest.mark.parametrize(
    ("expectation", "failing"),
    [
        (MatchesRegexList("w", regex_list=["a", "^b"]), [5]),
        (MatchesRegexList("w", regex_list=["a", "n$"], match_on="all"), [2, 3, 4, 5]),
        (NotMatchesRegexList("w", regex_list=["^c", r"\d"]), [2, 5]),
        # LIKE matches the whole value: % any run, _ one character, \\ escapes.
        (MatchesLikePattern("w", like_pattern="%an"), [2, 3, 4, 5]),
        (MatchesLikePattern("w", like_pattern="b_t"), [0, 1, 2, 5]),
        (MatchesLikePattern("w", like_pattern="b\\_t"), [0, 1, 2, 3, 5]),
        (NotMatchesLikePattern("w", like_pattern="%\\%"), [5]),
        (MatchesLikePatternList("w", like_pattern_list=["%an%", "b%"]), [5]),
        (
            MatchesLikePatternList("w", like_pattern_list=["%a%", "%n"], match_on="all"),
            [2, 3, 4, 5],
        ),
        (NotMatchesLikePatternList("w", like_pattern_list=["m%", "%l"]), [0, 2]),
    ],
    ids=lambda v: v.name if hasattr(v, "name") else None,
)
def test_pattern_lists(frame_factory: Any, one: Any, expectation: Any, failing: list[int]) -> None:
    result = one(frame_factory(WORDS), expectation, result_format="complete")
    assert result.unexpected_index_list == tuple(failing)
    assert result.missing_count == 1


def test_regex_lists_use_python_semantics_on_the_re2_path(one: Any) -> None:
    data = pd.DataFrame({"w": ["٣", "3", "x"]})  # an Arabic-Indic three is a digit in Python
    result = one(data, MatchesRegexList("w", regex_list=[r"^\d$"]), result_format="complete")
    assert result.unexpected_index_list == (2,)


def test_pattern_parameters_are_checked() -> None:
    with pytest.raises(dg.SuiteError, match="give at least one pattern"):
        MatchesRegexList("w", regex_list=[])
    with pytest.raises(dg.SuiteError, match=r"regex_list\[1\]"):
        MatchesRegexList.from_dict({"column": "w", "regex_list": ["a", "("]})
    with pytest.raises(dg.SuiteError, match="lone escape"):
        MatchesLikePattern("w", like_pattern="ab\\")
    with pytest.raises(dg.SuiteError, match="give at least one pattern"):
        NotMatchesLikePatternList("w", like_pattern_list=[])
    with pytest.raises(dg.SuiteError, match="lone escape") as caught:
        MatchesLikePatternList("w", like_pattern_list=["a\\\\", "b\\"])
    assert caught.value.path == "like_pattern_list[1]"
    with pytest.raises(dg.SuiteError, match=re.escape("expected 'any' | 'all'")):
        MatchesRegexList.from_dict({"column": "w", "regex_list": ["a"], "match_on": "most"})


@pytest.mark.exclude_backends("csv")  # CSV reads the empty string as missing
def test_dateutil_parseable(frame_factory: Any, one: Any) -> None:
    data = frame_factory({"d": ["2019-04-01", "01/01/2010", "Jan 3 2001 12:00", "cat", "", None]})
    result = one(data, DateutilParseable("d"), result_format="complete")
    assert result.unexpected_index_list == (3, 4)
    numbers = one(frame_factory({"d": [1, 2]}), DateutilParseable("d"))
    assert numbers.reason is Reason.TYPE_MISMATCH


def test_json_schema(frame_factory: Any, one: Any) -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    data = frame_factory({"j": ['{"a": 1}', '{"a": "x"}', '{"b": 1}', "not json", None]})
    result = one(data, MatchesJsonSchema("j", json_schema=schema), result_format="complete")
    assert result.unexpected_index_list == (1, 2, 3)
    assert result.partial_unexpected_list == ('{"a": "x"}', '{"b": 1}', "not json")


def test_json_schemas_are_frozen_values_checked_when_declared() -> None:
    schema = {"type": "object", "required": ["a"]}
    first = MatchesJsonSchema("j", json_schema=schema)
    schema["required"].append("b")  # the declaration keeps its own copy
    assert first == MatchesJsonSchema("j", json_schema={"required": ["a"], "type": "object"})
    assert hash(first) == hash(
        MatchesJsonSchema("j", json_schema={"type": "object", "required": ["a"]})
    )
    assert first.to_dict()["json_schema"] == {"type": "object", "required": ["a"]}
    with pytest.raises(dg.SuiteError, match="invalid JSON Schema"):
        MatchesJsonSchema("j", json_schema={"type": "no-such-type"})
    with pytest.raises(dg.SuiteError, match="expected mapping"):
        MatchesJsonSchema.from_dict({"column": "j", "json_schema": ["a"]})


def test_value_types_are_judged_per_row_and_report_ids(one: Any) -> None:
    data = pd.DataFrame({"id": ["a", "b", "c"], "x": [1.5, None, 2.0]})
    result = one(
        data, InTypeList("x", types=["integer"]), result_format="complete", id_columns=["id"]
    )
    assert not result.passed
    assert result.unexpected_count == 2
    assert result.unexpected_index_list == ({"id": "a"}, {"id": "c"})
    assert result.missing_count == 1
    assert one(data, InTypeList("x", types=["numeric", "string"])).passed


@pytest.mark.parametrize(
    ("types", "failing"),
    [
        (["string", "integer"], [2, 4]),
        (["integer"], [1, 2, 4]),
        (["numeric"], [1, 4]),
        (["float", "boolean"], [0, 1, 5]),
        (["date", "datetime"], [0, 1, 2, 4, 5]),
    ],
)
def test_mixed_object_columns_are_judged_value_by_value(
    one: Any, types: list[str], failing: list[int]
) -> None:
    values = [1, "a", 2.5, None, True, 7]
    data = pd.DataFrame({"x": pd.Series(values, dtype=object)})
    result = one(data, InTypeList("x", types=types))
    assert list(result.unexpected_index_list) == failing
    again = one(data, InTypeList("x", types=types, where="x != 'a'"))
    assert list(again.unexpected_index_list) == [r for r in failing if r != 1]


def test_type_lists_need_types_unless_unbounded(one: Any) -> None:
    with pytest.raises(dg.SuiteError, match="give types, or set allow_unbounded"):
        InTypeList("x")
    with pytest.raises(dg.SuiteError, match="give at least one type"):
        InTypeList("x", types=[])
    assert one(pd.DataFrame({"x": [1]}), InTypeList("x", allow_unbounded=True)).passed


def test_pairs_in_a_set(frame_factory: Any, one: Any) -> None:
    data = frame_factory({"a": [1, 2, 2, None, 3], "b": ["x", "y", "x", "x", None]})
    pairs = PairInSet(column_a="a", column_b="b", value_pairs_set=[[1, "x"], [2, "y"], [9, "z"]])
    # By default a row missing either value is left out, as for the other pair expectations.
    assert one(data, pairs, result_format="complete").unexpected_index_list == (2,)
    gx_default = PairInSet(
        column_a="a",
        column_b="b",
        value_pairs_set=[[1, "x"], [2, "y"]],
        ignore_row_if="all_values_are_missing",
    )
    result = one(data, gx_default, result_format="complete")
    assert result.unexpected_index_list == (2, 3, 4)
    assert result.partial_unexpected_list[0] == [2, "x"]


def test_pairs_compare_like_values(one: Any) -> None:
    data = pd.DataFrame({"a": [1.0, 2.0], "b": [True, False]})
    pairs = PairInSet(column_a="a", column_b="b", value_pairs_set=[[1, True], ["2", False]])
    result = one(data, pairs, result_format="complete")
    assert result.unexpected_index_list == (1,)  # "2" is text: it never equals the number 2
    with pytest.raises(dg.SuiteError, match="give at least one pair"):
        PairInSet(column_a="a", column_b="b", value_pairs_set=[])


def test_equal_within_record(frame_factory: Any, one: Any) -> None:
    data = frame_factory({"a": [1, 2, 3, None], "b": [1, 2, 4, 5], "c": [1, 3, 3, 5]})
    result = one(data, EqualWithinRecord(column_list=["a", "b", "c"]), result_format="complete")
    assert result.unexpected_index_list == (1, 2)
    never = EqualWithinRecord(column_list=["a", "b"], ignore_row_if="never")
    assert one(data, never, result_format="complete").unexpected_index_list == (2, 3)
    assert "the same value" in never.describe()


def test_json_schema_patterns_run_on_re2(one: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # (a+)+$ backtracks exponentially in Python on "aaa...b": the values come from the data, so
    # jsonschema's own re.search must never see them.
    searched: list[Any] = []
    kernel = pc.match_substring_regex

    def spy(strings: pa.Array, pattern: str) -> pa.Array:
        searched.append(strings.to_pylist())
        return kernel(strings, pattern)

    monkeypatch.setattr(pc, "match_substring_regex", spy)
    schema = {"type": "object", "properties": {"k": {"type": "string", "pattern": "^(a+)+$"}}}
    values = ['{"k": "aaa"}', '{"k": "' + "a" * 5000 + 'b"}', '{"k": "ä"}', '"aaa"']
    result = one({"j": values}, MatchesJsonSchema("j", json_schema=schema))
    assert result.unexpected_index_list == (1, 2, 3)  # 3: a string, not an object
    assert ["a" * 5000 + "b"] in searched
    unicode = {"type": "string", "pattern": r"^\w+$"}
    found = one({"j": ['"ééé"', '"a b"']}, MatchesJsonSchema("j", json_schema=unicode))
    assert found.unexpected_index_list == (1,)


@pytest.mark.parametrize(
    ("schema", "words"),
    [
        ({"type": "string", "pattern": r"(a)\1"}, "backreference"),
        ({"items": {"pattern": "(?=x)"}}, "lookahead"),
        ({"patternProperties": {"^a": {}}}, "patternProperties"),
        ({"propertyNames": {"pattern": r"\bx"}}, "word boundary"),
    ],
)
def test_json_schema_patterns_re2_cannot_run_are_refused(schema: Any, words: str) -> None:
    with pytest.raises(dg.SuiteError, match=words) as caught:
        MatchesJsonSchema("j", json_schema=schema)
    assert caught.value.path is not None
    assert caught.value.path.startswith("json_schema")


@pytest.mark.parametrize(
    ("schema", "valid", "invalid"),
    [
        # Keys under properties and $defs are names, not keywords.
        (
            {"properties": {"patternProperties": {"type": "string"}}},
            {"patternProperties": "x"},
            {"patternProperties": 1},
        ),
        ({"properties": {"pattern": {"type": "string"}}}, {"pattern": "x"}, {"pattern": 1}),
        ({"$defs": {"pattern": {"type": "string"}}, "$ref": "#/$defs/pattern"}, "x", 1),
        ({"dependentSchemas": {"pattern": {"required": ["b"]}}}, {"b": 1}, {"pattern": 1}),
        # const, enum, default and examples hold data, however it looks.
        ({"const": {"pattern": r"(a)\1"}}, {"pattern": r"(a)\1"}, {"pattern": "a"}),
        ({"enum": [{"patternProperties": {"(?=x)": {}}}]}, {"patternProperties": {"(?=x)": {}}}, 1),
        ({"type": "object", "default": {"pattern": r"\b"}}, {}, 1),
        ({"type": "object", "examples": [{"pattern": r"\b"}]}, {}, 1),
        # An unknown keyword is an annotation: jsonschema applies nothing under it.
        ({"type": "object", "x-note": {"patternProperties": {"(?=x)": {}}}}, {}, 1),
    ],
)
def test_json_schema_pattern_words_that_are_not_keywords_are_accepted(
    one: Any, schema: Any, valid: Any, invalid: Any
) -> None:
    values = [json.dumps(valid), json.dumps(invalid)]
    result = one({"j": values}, MatchesJsonSchema("j", json_schema=schema))
    assert result.unexpected_index_list == (1,)


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        (
            {"properties": {"pattern": {"pattern": "(?=a)"}}},
            "json_schema.properties.pattern.pattern",
        ),
        (
            {"$defs": {"p": {"patternProperties": {"^a": {}}}}},
            "json_schema.$defs.p.patternProperties",
        ),
        ({"$schema": DRAFT7, "items": [{}, {"pattern": r"\b"}]}, "json_schema.items[1].pattern"),
        ({"anyOf": [{"not": {"pattern": r"(a)\1"}}]}, "json_schema.anyOf[0].not.pattern"),
        (
            {"$schema": DRAFT7, "dependencies": {"a": {"pattern": r"(a)\1"}, "b": ["a"]}},
            "json_schema.dependencies.a.pattern",
        ),
        # A reference makes whatever it points at a schema, even under an unknown keyword.
        (
            {"x-lib": {"p": {"pattern": "(?=a)"}}, "$ref": "#/x-lib/p"},
            "json_schema.x-lib.p.pattern",
        ),
        (
            {"x": {"patternProperties": {"^a": {}}}, "$ref": "#/x"},
            "json_schema.x.patternProperties",
        ),
    ],
)
def test_json_schema_keywords_anywhere_a_schema_is_are_refused(schema: Any, path: str) -> None:
    with pytest.raises(dg.SuiteError) as caught:
        MatchesJsonSchema("j", json_schema=schema)
    assert caught.value.path == path


def test_json_schema_on_documents_nested_too_deeply_fails_them(one: Any) -> None:
    recursive = {"type": "array", "items": {"$ref": "#"}}
    values = ["[[]]", "[" * 100_000 + "]" * 100_000, "[" * 900 + "]" * 900, "{}"]
    result = one({"j": values}, MatchesJsonSchema("j", json_schema=recursive))
    assert result.reason == Reason.UNEXPECTED_VALUES
    assert result.unexpected_index_list == (1, 2, 3)
