"""Great Expectations suites in and out: the mapping table, kwargs, errors and round trips."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dataguard as dg
from dataguard.compat.gx import suite_from_gx, suite_to_gx, supported_types
from dataguard.expectations import (
    Between,
    ColumnCountBetween,
    ColumnCountEqual,
    ColumnDtype,
    ColumnExists,
    ColumnsMatchOrderedList,
    ColumnsMatchSet,
    ColumnType,
    CompoundColumnsUnique,
    DateutilParseable,
    Decreasing,
    DistinctValuesContainSet,
    DistinctValuesEqualSet,
    DistinctValuesInSet,
    Expectation,
    Increasing,
    InSet,
    InTypeList,
    JsonParseable,
    KlDivergenceBelow,
    MatchesJsonSchema,
    MatchesLikePattern,
    MatchesLikePatternList,
    MatchesRegex,
    MatchesRegexList,
    MatchesStrftimeFormat,
    MaxBetween,
    MeanBetween,
    MedianBetween,
    MinBetween,
    MostCommonValueInSet,
    MulticolumnSumEqual,
    NoExtraColumns,
    NotInSet,
    NotMatchesLikePattern,
    NotMatchesLikePatternList,
    NotMatchesRegex,
    NotMatchesRegexList,
    NotNull,
    Null,
    PairEqual,
    PairGreater,
    PairInSet,
    ProportionNonNullBetween,
    ProportionUniqueBetween,
    QuantilesBetween,
    RowCountBetween,
    RowCountEqual,
    StdevBetween,
    SumBetween,
    Unique,
    UniqueValueCountBetween,
    UniqueWithinRecord,
    ValueLengthBetween,
    ValueLengthEqual,
    ZScoreBelow,
    lookup,
)
from tests.conformance.harness import CONFORMANCE_DIR, conformance_frame

# Every GX type of the mapping table: GX kwargs, and the dataguard expectation they must become.
CASES: list[tuple[str, dict[str, Any], Expectation]] = [
    # table
    (
        "expect_column_to_exist",
        {"column": "a", "column_index": 1},
        ColumnExists(column="a", column_index=1),
    ),
    (
        "expect_table_columns_to_match_set",
        {"column_set": ["a", "b"], "exact_match": False},
        ColumnsMatchSet(column_set=("a", "b"), exact_match=False),
    ),
    (
        "expect_table_columns_to_match_ordered_list",
        {"column_list": ["a", "b"]},
        ColumnsMatchOrderedList(column_list=("a", "b")),
    ),
    (
        "expect_table_column_count_to_be_between",
        {"min_value": 1, "max_value": 3, "strict_max": True},
        ColumnCountBetween(min_value=1, max_value=3, strict_max=True),
    ),
    ("expect_table_column_count_to_equal", {"value": 2}, ColumnCountEqual(value=2)),
    (
        "expect_table_row_count_to_be_between",
        {"min_value": 1, "strict_min": True},
        RowCountBetween(min_value=1, strict_min=True),
    ),
    ("expect_table_row_count_to_equal", {"value": 5}, RowCountEqual(value=5)),
    # types
    (
        "expect_column_values_to_be_of_type",
        {"column": "a", "type_": "int"},
        ColumnType(column="a", logical_type="integer"),
    ),
    (
        "expect_column_type_to_be",
        {"column": "a", "type_": "float64"},
        ColumnDtype(column="a", dtype="float64"),
    ),
    # row-level
    (
        "expect_column_values_to_not_be_null",
        {"column": "a", "mostly": 0.9},
        NotNull("a", mostly=0.9),
    ),
    ("expect_column_values_to_be_null", {"column": "a"}, Null("a")),
    (
        "expect_column_values_to_be_between",
        {"column": "a", "min_value": 0, "max_value": 10, "strict_min": True, "mostly": 0.5},
        Between("a", min_value=0, max_value=10, strict_min=True, mostly=0.5),
    ),
    (
        "expect_column_values_to_be_in_set",
        {"column": "a", "value_set": [1, 2]},
        InSet("a", value_set=(1, 2)),
    ),
    (
        "expect_column_values_to_not_be_in_set",
        {"column": "a", "value_set": ["x"]},
        NotInSet("a", value_set=("x",)),
    ),
    (
        "expect_column_values_to_match_regex",
        {"column": "a", "regex": "^x"},
        MatchesRegex("a", regex="^x"),
    ),
    (
        "expect_column_values_to_not_match_regex",
        {"column": "a", "regex": "y$", "mostly": 0.8},
        NotMatchesRegex("a", regex="y$", mostly=0.8),
    ),
    (
        "expect_column_value_lengths_to_be_between",
        {"column": "a", "min_value": 1, "max_value": 3, "strict_max": True},
        ValueLengthBetween("a", min_value=1, max_value=3, strict_max=True),
    ),
    (
        "expect_column_value_lengths_to_equal",
        {"column": "a", "value": 3},
        ValueLengthEqual("a", value=3),
    ),
    ("expect_column_values_to_be_unique", {"column": "a"}, Unique("a")),
    (
        "expect_column_values_to_be_increasing",
        {"column": "a", "strictly": True},
        Increasing("a", strictly=True),
    ),
    ("expect_column_values_to_be_decreasing", {"column": "a"}, Decreasing("a")),
    (
        "expect_column_values_to_match_strftime_format",
        {"column": "a", "strftime_format": "%Y-%m-%d"},
        MatchesStrftimeFormat("a", strftime_format="%Y-%m-%d"),
    ),
    ("expect_column_values_to_be_json_parseable", {"column": "a"}, JsonParseable("a")),
    # aggregate
    (
        "expect_column_min_to_be_between",
        {"column": "a", "min_value": 0, "max_value": 1, "strict_max": True},
        MinBetween(column="a", min_value=0, max_value=1, strict_max=True),
    ),
    (
        "expect_column_max_to_be_between",
        {"column": "a", "max_value": 9},
        MaxBetween(column="a", max_value=9),
    ),
    (
        "expect_column_mean_to_be_between",
        {"column": "a", "min_value": 1.5},
        MeanBetween(column="a", min_value=1.5),
    ),
    (
        "expect_column_median_to_be_between",
        {"column": "a", "min_value": 1, "max_value": 2},
        MedianBetween(column="a", min_value=1, max_value=2),
    ),
    (
        "expect_column_stdev_to_be_between",
        {"column": "a", "max_value": 3},
        StdevBetween(column="a", max_value=3),
    ),
    (
        "expect_column_sum_to_be_between",
        {"column": "a", "min_value": 0},
        SumBetween(column="a", min_value=0),
    ),
    (
        "expect_column_quantile_values_to_be_between",
        {
            "column": "a",
            "quantile_ranges": {"quantiles": [0.25, 0.75], "value_ranges": [[0, 1], [None, 5]]},
        },
        QuantilesBetween(
            column="a", quantiles=(0.25, 0.75), value_ranges=((0, 1), (None, 5)), method="nearest"
        ),
    ),
    (
        "expect_column_unique_value_count_to_be_between",
        {"column": "a", "min_value": 1, "max_value": 3},
        UniqueValueCountBetween(column="a", min_value=1, max_value=3),
    ),
    (
        "expect_column_proportion_of_unique_values_to_be_between",
        {"column": "a", "min_value": 0.5},
        ProportionUniqueBetween(column="a", min_value=0.5),
    ),
    (
        "expect_column_proportion_of_non_null_values_to_be_between",
        {"column": "a", "min_value": 0.9, "max_value": 1},
        ProportionNonNullBetween(column="a", min_value=0.9, max_value=1),
    ),
    (
        "expect_column_distinct_values_to_be_in_set",
        {"column": "a", "value_set": ["x", "y"]},
        DistinctValuesInSet(column="a", value_set=("x", "y")),
    ),
    (
        "expect_column_distinct_values_to_contain_set",
        {"column": "a", "value_set": ["x"]},
        DistinctValuesContainSet(column="a", value_set=("x",)),
    ),
    (
        "expect_column_distinct_values_to_equal_set",
        {"column": "a", "value_set": [1, 2]},
        DistinctValuesEqualSet(column="a", value_set=(1, 2)),
    ),
    (
        "expect_column_most_common_value_to_be_in_set",
        {"column": "a", "value_set": ["x"], "ties_okay": True},
        MostCommonValueInSet(column="a", value_set=("x",), ties_okay=True),
    ),
    # multi-column; GX's ignore_row_if defaults are made explicit
    (
        "expect_compound_columns_to_be_unique",
        {"column_list": ["a", "b"], "mostly": 0.9},
        CompoundColumnsUnique(
            column_list=("a", "b"), ignore_row_if="all_values_are_missing", mostly=0.9
        ),
    ),
    (
        "expect_column_pair_values_a_to_be_greater_than_b",
        {"column_A": "a", "column_B": "b", "or_equal": True},
        PairGreater(
            column_a="a", column_b="b", or_equal=True, ignore_row_if="all_values_are_missing"
        ),
    ),
    (
        "expect_column_pair_values_A_to_be_greater_than_B",
        {"column_A": "a", "column_B": "b"},
        PairGreater(column_a="a", column_b="b", ignore_row_if="all_values_are_missing"),
    ),
    (
        "expect_column_pair_values_to_be_equal",
        {"column_A": "a", "column_B": "b", "ignore_row_if": "either_value_is_missing"},
        PairEqual(column_a="a", column_b="b", ignore_row_if="any_value_is_missing"),
    ),
    (
        "expect_multicolumn_sum_to_equal",
        {"column_list": ["a", "b"], "sum_total": 10},
        MulticolumnSumEqual(
            column_list=("a", "b"), sum_total=10, ignore_row_if="all_values_are_missing"
        ),
    ),
    (
        "expect_select_column_values_to_be_unique_within_record",
        {"column_list": ["a", "b", "c"], "ignore_row_if": "never"},
        UniqueWithinRecord(column_list=("a", "b", "c"), ignore_row_if="never"),
    ),
    (
        "expect_column_pair_values_to_be_in_set",
        {"column_A": "a", "column_B": "b", "value_pairs_set": [[1, "x"], [2, "y"]]},
        PairInSet(
            column_a="a",
            column_b="b",
            value_pairs_set=((1, "x"), (2, "y")),
            ignore_row_if="all_values_are_missing",
        ),
    ),
    # added with the full catalogue
    (
        "expect_column_value_z_scores_to_be_less_than",
        {"column": "a", "threshold": 3, "double_sided": False, "mostly": 0.9},
        ZScoreBelow("a", threshold=3, double_sided=False, mostly=0.9),
    ),
    ("expect_column_values_to_be_dateutil_parseable", {"column": "a"}, DateutilParseable("a")),
    (
        "expect_column_values_to_be_in_type_list",
        {"column": "a", "type_list": ["int", "str", "float64"]},
        InTypeList("a", types=("integer", "string", "float")),
    ),
    (
        "expect_column_values_to_match_json_schema",
        {"column": "a", "json_schema": {"type": "object", "required": ["id"]}},
        MatchesJsonSchema("a", json_schema={"type": "object", "required": ["id"]}),
    ),
    (
        "expect_column_values_to_match_regex_list",
        {"column": "a", "regex_list": ["^x", "y$"], "match_on": "all"},
        MatchesRegexList("a", regex_list=("^x", "y$"), match_on="all"),
    ),
    (
        "expect_column_values_to_not_match_regex_list",
        {"column": "a", "regex_list": ["^x"]},
        NotMatchesRegexList("a", regex_list=("^x",)),
    ),
    (
        "expect_column_values_to_match_like_pattern",
        {"column": "a", "like_pattern": "ab%"},
        MatchesLikePattern("a", like_pattern="ab%"),
    ),
    (
        "expect_column_values_to_not_match_like_pattern",
        {"column": "a", "like_pattern": "_b%"},
        NotMatchesLikePattern("a", like_pattern="_b%"),
    ),
    (
        "expect_column_values_to_match_like_pattern_list",
        {"column": "a", "like_pattern_list": ["a%", "%z"], "match_on": "any"},
        MatchesLikePatternList("a", like_pattern_list=("a%", "%z")),
    ),
    (
        "expect_column_values_to_not_match_like_pattern_list",
        {"column": "a", "like_pattern_list": ["a%"]},
        NotMatchesLikePatternList("a", like_pattern_list=("a%",)),
    ),
    (
        "expect_column_kl_divergence_to_be_less_than",
        {
            "column": "a",
            "partition_object": {"bins": [0, 1, 2], "weights": [0.5, 0.5]},
            "threshold": 0.1,
            "tail_weight_holdout": 0.01,
        },
        KlDivergenceBelow(
            column="a",
            bins=(0, 1, 2),
            weights=(0.5, 0.5),
            threshold=0.1,
            tail_weight_holdout=0.01,
        ),
    ),
    (
        "expect_multicolumn_values_to_be_unique",
        {"column_list": ["a", "b"]},
        UniqueWithinRecord(column_list=("a", "b"), ignore_row_if="all_values_are_missing"),
    ),
]
CASE_IDS = [gx_type for gx_type, _, _ in CASES]


def gx0(*items: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A GX 0.x suite document."""
    expectations = [{"expectation_type": t, "kwargs": kw, "meta": {}} for t, kw in items]
    return {"expectation_suite_name": "legacy", "expectations": expectations, "meta": {}}


def gx1(*items: dict[str, Any]) -> dict[str, Any]:
    """A GX 1.x suite document."""
    return {"name": "modern", "id": "4d1c", "expectations": list(items), "meta": {}}


def error_of(document: Any) -> str:
    with pytest.raises(dg.SuiteError) as info:
        suite_from_gx(document)
    return str(info.value)


def test_cases_cover_the_mapping_table() -> None:
    assert sorted(CASE_IDS) == sorted(supported_types())


@pytest.mark.parametrize(("gx_type", "kwargs", "expected"), CASES, ids=CASE_IDS)
def test_every_mapped_type_imports_from_the_0x_layout(
    gx_type: str, kwargs: dict[str, Any], expected: Expectation
) -> None:
    suite = suite_from_gx(gx0((gx_type, kwargs)))
    assert suite.name == "legacy"
    assert suite.expectations == (expected,)


@pytest.mark.parametrize(("gx_type", "kwargs", "expected"), CASES, ids=CASE_IDS)
def test_every_mapped_type_imports_from_the_1x_layout(
    gx_type: str, kwargs: dict[str, Any], expected: Expectation
) -> None:
    nested = {
        "type": gx_type,
        "kwargs": kwargs,
        "meta": {"by": "me"},
        "id": "e1",
        "severity": "critical",
    }
    flattened = {"type": gx_type, **kwargs, "id": "e2", "rendered_content": [], "notes": "n"}
    suite = suite_from_gx(gx1(nested, flattened))
    assert suite.name == "modern"
    assert suite.expectations == (expected, expected)


@pytest.mark.parametrize(("gx_type", "kwargs", "expected"), CASES, ids=CASE_IDS)
def test_every_mapped_type_exports_and_comes_back_equal(
    gx_type: str, kwargs: dict[str, Any], expected: Expectation
) -> None:
    document = suite_to_gx(dg.Suite((expected,)))
    (item,) = document["expectations"]
    assert item["type"] == gx_type or gx_type in {
        "expect_column_type_to_be",
        "expect_column_pair_values_A_to_be_greater_than_B",
        "expect_multicolumn_values_to_be_unique",
    }
    assert suite_from_gx(json.loads(json.dumps(document))).expectations == (expected,)


# --- kwarg translation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gx_value", "ours"),
    [
        ("both_values_are_missing", "all_values_are_missing"),
        ("either_value_is_missing", "any_value_is_missing"),
        ("neither", "never"),
        (None, "all_values_are_missing"),  # GX writes null for its default
    ],
)
def test_pair_ignore_row_if_is_renamed(gx_value: str | None, ours: str) -> None:
    kwargs = {"column_A": "a", "column_B": "b", "ignore_row_if": gx_value}
    (imported,) = suite_from_gx(gx0(("expect_column_pair_values_to_be_equal", kwargs))).expectations
    assert isinstance(imported, PairEqual)
    assert imported.ignore_row_if == ours


def test_gx_ignore_row_if_defaults_are_set_where_ours_differ() -> None:
    # Our native defaults: pairs ignore a row when any value is missing, and so does the sum.
    assert PairEqual(column_a="a", column_b="b").ignore_row_if == "any_value_is_missing"
    assert (
        MulticolumnSumEqual(column_list=("a",), sum_total=1).ignore_row_if == "any_value_is_missing"
    )
    suite = suite_from_gx(
        gx0(
            ("expect_column_pair_values_to_be_equal", {"column_A": "a", "column_B": "b"}),
            ("expect_multicolumn_sum_to_equal", {"column_list": ["a", "b"], "sum_total": 1}),
        )
    )
    assert [e.ignore_row_if for e in suite.expectations] == ["all_values_are_missing"] * 2  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("type_", "expected"),
    [
        ("int", ColumnType(column="a", logical_type="integer")),
        ("integer", ColumnType(column="a", logical_type="integer")),
        ("float", ColumnType(column="a", logical_type="float")),
        ("str", ColumnType(column="a", logical_type="string")),
        ("string", ColumnType(column="a", logical_type="string")),
        ("bool", ColumnType(column="a", logical_type="boolean")),
        ("datetime64", ColumnType(column="a", logical_type="datetime")),
        ("Timestamp", ColumnType(column="a", logical_type="datetime")),
        ("date", ColumnType(column="a", logical_type="date")),
        ("int64", ColumnDtype(column="a", dtype="int64")),
        ("Int64", ColumnDtype(column="a", dtype="Int64")),
        ("object", ColumnDtype(column="a", dtype="object")),
        ("O", ColumnDtype(column="a", dtype="object")),
        ("object_", ColumnDtype(column="a", dtype="object")),
        ("StringType", ColumnDtype(column="a", dtype="StringType")),
    ],
)
def test_type_names_become_logical_types_or_dtypes(type_: str, expected: Expectation) -> None:
    item = ("expect_column_values_to_be_of_type", {"column": "a", "type_": type_})
    assert suite_from_gx(gx0(item)).expectations == (expected,)


def test_quantiles_use_nearest_rank_like_gx_pandas() -> None:
    kwargs = {"column": "a", "quantile_ranges": {"quantiles": [0.4], "value_ranges": [[2, 2]]}}
    suite = suite_from_gx(gx0(("expect_column_quantile_values_to_be_between", kwargs)))
    (imported,) = suite.expectations
    assert isinstance(imported, QuantilesBetween)
    assert imported.method == "nearest"
    # Of 1..4, linear interpolation puts the 0.4 quantile at 2.2; nearest rank at 2.
    assert dg.validate(pd.DataFrame({"a": [1, 2, 3, 4]}), suite).passed


def test_run_options_and_descriptive_keys_are_ignored() -> None:
    kwargs: dict[str, Any] = {
        "column": "a",
        "value_set": [1],
        "result_format": {"result_format": "COMPLETE", "unexpected_index_column_names": ["id"]},
        "catch_exceptions": True,
        "include_config": True,
        "batch_id": "b-1",
        "row_condition": None,
        "condition_parser": "pandas",
        "parse_strings_as_datetimes": False,
    }
    item: dict[str, Any] = {"type": "expect_column_values_to_be_in_set", "kwargs": kwargs}
    item |= {"meta": {"notes": "x"}, "description": "why", "notes": ["n"], "rendered_content": []}
    item |= {"windows": None}
    assert suite_from_gx(gx1(item)).expectations == (InSet("a", value_set=(1,)),)


def test_mostly_of_one_is_accepted_where_we_have_no_tolerance() -> None:
    item = ("expect_table_row_count_to_equal", {"value": 3, "mostly": 1.0})
    assert suite_from_gx(gx0(item)).expectations == (RowCountEqual(value=3),)


def test_null_kwargs_mean_the_default() -> None:
    kwargs = {"column": "a", "min_value": None, "max_value": 4, "strict_min": None, "mostly": None}
    item = ("expect_column_values_to_be_between", kwargs)
    assert suite_from_gx(gx0(item)).expectations == (Between("a", max_value=4),)


def test_output_only_kwargs_of_a_type_are_ignored() -> None:
    kwargs = {"column": "a", "max_value": 4, "output_strftime_format": "%Y"}
    item = ("expect_column_max_to_be_between", kwargs)
    assert suite_from_gx(gx0(item)).expectations == (MaxBetween(column="a", max_value=4),)


@pytest.mark.parametrize(
    ("gx_severity", "ours"),
    [("critical", "error"), ("warning", "warning"), ("info", "info"), (None, "error")],
)
def test_severity_is_mapped(gx_severity: str | None, ours: str) -> None:
    item: dict[str, Any] = {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "a"}}
    if gx_severity is not None:
        item["severity"] = gx_severity
    (imported,) = suite_from_gx(gx1(item)).expectations
    assert imported.severity == ours
    (exported,) = suite_to_gx(dg.Suite((imported,)))["expectations"]
    assert exported.get("severity", "critical") == (gx_severity or "critical")


def test_suite_from_gx_reads_json_files(tmp_path: Path) -> None:
    path = tmp_path / "suite.json"
    path.write_text(json.dumps(gx0(("expect_column_values_to_be_unique", {"column": "a"}))))
    assert suite_from_gx(path) == suite_from_gx(str(path)) == dg.Suite((Unique("a"),), "legacy")
    assert dg.Suite.from_gx(path) == suite_from_gx(path)


def test_suite_notes_become_the_description() -> None:
    document = gx1() | {"notes": ["first", "second"]}
    suite = suite_from_gx(document)
    assert suite.description == "first\nsecond"
    assert suite_to_gx(suite)["notes"] == "first\nsecond"


# --- errors ------------------------------------------------------------------------------------


def test_unsupported_types_are_all_listed_with_their_positions() -> None:
    document = gx1(
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "a"}},
        {
            "type": "expect_column_chisquare_test_p_value_to_be_greater_than",
            "kwargs": {"column": "a"},
        },
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "a", "min_value": 0}},
        {"type": "expect_table_row_count_to_equal_other_table", "kwargs": {"other": "b"}},
        {"type": "expect_column_values_to_be_valid_email", "kwargs": {"column": "a"}},
    )
    message = error_of(document)
    assert "3 problems" in message
    assert (
        "expectations[1]: expect_column_chisquare_test_p_value_to_be_greater_than is not "
        "supported (a stub in Great Expectations 1.x" in message
    )
    assert (
        "expectations[4]: expect_table_row_count_to_equal_other_table is not supported "
        "(SQL-only in Great Expectations)" in message
    )
    assert "expectations[5]: expect_column_values_to_be_valid_email is not supported yet" in message
    assert "expectations[0]" not in message
    assert "did you mean" not in message  # a custom GX expectation is not a typo of a core one


def test_a_near_miss_gets_a_did_you_mean() -> None:
    message = error_of(
        gx1({"type": "expect_column_values_to_be_betwen", "column": "a", "min_value": 1})
    )
    assert (
        "expectations[0]: unknown expectation type 'expect_column_values_to_be_betwen'" in message
    )
    assert "did you mean 'expect_column_values_to_be_between'?" in message


def test_a_dataguard_name_points_to_the_gx_one() -> None:
    message = error_of(gx1({"type": "not_null", "column": "a"}))
    assert "GX suites say 'expect_column_values_to_not_be_null'" in message


def test_kwargs_we_cannot_honour_are_refused() -> None:
    document = gx1(
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {
                "column": "a",
                "min_value": 0,
                "row_condition": 'b=="x"',
                "condition_parser": "great_expectations__experimental__",
            },
        },
        {
            "type": "expect_column_values_to_be_between",
            "column": "d",
            "max_value": {"$PARAMETER": "now() - lag"},
        },
        {
            "type": "expect_column_quantile_values_to_be_between",
            "column": "a",
            "quantile_ranges": {"quantiles": [0.5], "value_ranges": [[{"$PARAMETER": "low"}, 1]]},
        },
        {
            "type": "expect_column_values_to_be_in_set",
            "column": "d",
            "value_set": ["2020-01-01"],
            "parse_strings_as_datetimes": True,
        },
        {"type": "expect_column_mean_to_be_between", "column": "a", "min_value": 0, "mostly": 0.5},
    )
    message = error_of(document)
    assert "5 problems" in message
    assert (
        "expectations[0].kwargs.condition_parser: condition_parser "
        "'great_expectations__experimental__' is not supported" in message
    )
    assert (
        "expectations[1].max_value: suite parameter 'now() - lag': no value was given for 'lag'"
        in message
    )
    assert "expectations[2].quantile_ranges: suite parameter 'low': no value was given" in message
    assert (
        "expectations[3].parse_strings_as_datetimes: parse_strings_as_datetimes is not supported"
        in message
    )
    assert "expectations[4].mostly: mostly cannot be honoured" in message


def test_every_gx_range_accepts_strict_bounds() -> None:
    """GX 1.x has strict_min / strict_max on every min_value / max_value range."""
    params = {
        gx: {f.name for f in dataclasses.fields(lookup(targets[0]))}
        for gx, targets in supported_types().items()
    }
    ranges = [gx for gx, names in params.items() if "min_value" in names]
    assert "expect_table_row_count_to_be_between" in ranges
    for gx_type in ranges:
        kwargs = {"min_value": 1, "max_value": 2, "strict_min": True, "strict_max": True}
        if "column" in params[gx_type]:
            kwargs["column"] = "a"
        (imported,) = suite_from_gx(gx0((gx_type, kwargs))).expectations
        strict = imported.to_dict()
        assert (strict["strict_min"], strict["strict_max"]) == (True, True), gx_type


def test_unknown_kwargs_get_a_did_you_mean() -> None:
    message = error_of(gx0(("expect_column_values_to_be_between", {"column": "a", "min_val": 1})))
    assert message == (
        "expectations[0].kwargs.min_val: unknown kwarg 'min_val' for "
        "expect_column_values_to_be_between; did you mean 'min_value'?"
    )


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (
            {
                "type": "expect_column_values_to_be_between",
                "column": "a",
                "min_value": 5,
                "max_value": 1,
            },
            "expectations[0].min_value: min_value 5 is greater than max_value 1",
        ),
        (
            {
                "type": "expect_column_quantile_values_to_be_between",
                "kwargs": {
                    "column": "a",
                    "quantile_ranges": {"quantiles": [0.5], "value_ranges": [[3, 1]]},
                },
            },
            "expectations[0].kwargs.quantile_ranges.value_ranges[0]: range [3, 1] is inverted",
        ),
        (
            {
                "type": "expect_column_quantile_values_to_be_between",
                "column": "a",
                "quantile_ranges": [0.5],
            },
            "expectations[0].quantile_ranges: expected a mapping with exactly 'quantiles' and "
            "'value_ranges'",
        ),
        (
            {"type": "expect_column_pair_values_to_be_equal", "column_B": "b"},
            "expectations[0]: expect_column_pair_values_to_be_equal needs column_A",
        ),
        (
            {
                "type": "expect_column_pair_values_to_be_equal",
                "column_A": "a",
                "column_B": "b",
                "ignore_row_if": "any_value_is_missing",
            },
            "expectations[0].ignore_row_if: expected one of 'both_values_are_missing', "
            "'either_value_is_missing', 'neither', got 'any_value_is_missing'",
        ),
        (
            {
                "type": "expect_column_values_to_be_in_set",
                "kwargs": {"column": "a", "value_set": "abc"},
            },
            "expectations[0].kwargs.value_set: expected list of",
        ),
        (
            {"type": "expect_column_values_to_be_unique", "column": "a", "severity": "high"},
            "expectations[0].severity: expected 'critical', 'warning' or 'info', got 'high'",
        ),
        (
            {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "a"}, "column": "b"},
            "expectations[0].column: column is given both in kwargs and beside type",
        ),
        (
            {
                "type": "expect_column_values_to_be_unique",
                "expectation_type": "expect_column_values_to_be_null",
            },
            "expectations[0]: 'type' and 'expectation_type' disagree",
        ),
        ({"kwargs": {"column": "a"}}, "expectations[0]: an expectation needs 'type'"),
        (
            {"type": "expect_column_values_to_be_unique", "kwargs": ["a"]},
            "expectations[0].kwargs: kwargs must be a mapping",
        ),
        (
            {
                "type": "expect_column_mean_to_be_between",
                "column": "a",
                "min_value": 0,
                "windows": [{"constraint_fn": "mean"}],
            },
            "expectations[0].windows: windows (bounds from earlier runs) are not supported",
        ),
    ],
)
def test_bad_items_are_located_in_gx_terms(item: dict[str, Any], expected: str) -> None:
    assert error_of(gx1(item)).startswith(expected)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"name": "s"}, "expectations: a Great Expectations suite needs an 'expectations' list"),
        ({"format_version": 1, "expectations": []}, "use dataguard.load_suite"),
        ({"name": 3, "expectations": []}, "name: the suite name must be a string"),
        (
            gx1("expect_column_values_to_be_unique"),  # type: ignore[arg-type]
            "expectations[0]: an expectation must be a mapping, got str",
        ),
    ],
)
def test_malformed_documents_are_refused(document: Any, expected: str) -> None:
    assert expected in error_of(document)


def test_unreadable_files_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    assert error_of(missing) == f"{missing}: no such file"
    broken = tmp_path / "broken.json"
    broken.write_text('{"expectations": [{"type": "x", "kwargs": {"bins": [NaN]}}]}')
    assert error_of(broken) == f"{broken}: NaN is not valid JSON"


def test_a_document_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[]")
    assert error_of(path) == f"{path}: a Great Expectations suite must be a mapping"


def test_other_inputs_are_a_type_error() -> None:
    with pytest.raises(TypeError, match="GX suite dict or a path"):
        suite_from_gx(42)  # type: ignore[arg-type]


# --- export ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expectation", "expected"),
    [
        (
            MulticolumnSumEqual(column_list=("a", "b"), sum_total=1, tolerance=1e-9),
            "expectations[0]: tolerance=1e-09 cannot be expressed in Great Expectations",
        ),
        (
            QuantilesBetween(column="a", quantiles=(0.5,), value_ranges=((0, 1),)),
            "expectations[0]: method='linear' cannot be expressed in Great Expectations",
        ),
        (
            ColumnsMatchOrderedList(column_list=("a",), exact_match=False),
            "expectations[0]: exact_match=False cannot be expressed in Great Expectations",
        ),
        (
            ColumnType(column="a", logical_type="numeric"),
            "expectations[0]: logical type 'numeric' has no Great Expectations type name",
        ),
        (
            ColumnDtype(column="a", dtype="bool"),
            "expectations[0]: column_dtype has no exact GX form (it would import as column_type)",
        ),
        (
            NoExtraColumns(column_set=("a",)),
            "expectations[0]: no_extra_columns has no Great Expectations counterpart",
        ),
    ],
)
def test_export_refuses_what_gx_cannot_express(expectation: Expectation, expected: str) -> None:
    with pytest.raises(dg.SuiteError) as info:
        suite_to_gx(dg.Suite((expectation,)))
    assert str(info.value) == expected


def test_export_lists_every_problem() -> None:
    suite = dg.Suite(
        (
            Unique("a"),
            NoExtraColumns(column_set=("a",)),
            ColumnType(column="a", logical_type="numeric"),
        )
    )
    with pytest.raises(dg.SuiteError, match=r"\(2 problems\)") as info:
        suite_to_gx(suite)
    assert "expectations[1]" in str(info.value)
    assert "expectations[2]" in str(info.value)


def test_export_writes_the_schema_expectations_first() -> None:
    schema = dg.Schema((dg.ColumnSpec(name="id", type="integer", unique=True),))
    suite = dg.Suite((RowCountEqual(value=3),), "with schema", schema)
    document = suite_to_gx(suite)
    assert [item["type"] for item in document["expectations"]] == [
        "expect_column_to_exist",
        "expect_column_values_to_be_of_type",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_unique",
        "expect_table_row_count_to_equal",
    ]
    assert suite_from_gx(document).expectations == suite.compiled


def test_export_refuses_optional_schema_columns() -> None:
    schema = dg.Schema((dg.ColumnSpec(name="id", required=False),))
    with pytest.raises(dg.SuiteError, match="optional schema columns"):
        suite_to_gx(dg.Suite((), schema=schema))


@st.composite
def betweens(draw: st.DrawFn) -> Between:
    """Any valid ``between`` expectation over integer bounds."""
    bounds = st.none() | st.integers(-1000, 1000)
    low, high = draw(bounds), draw(bounds)
    if low is None and high is None:
        high = 0
    if low is not None and high is not None and low > high:
        low, high = high, low
    return Between(
        "x",
        min_value=low,
        max_value=high,
        strict_min=draw(st.booleans()),
        strict_max=draw(st.booleans()),
        mostly=draw(st.floats(0, 1)),
        severity=draw(st.sampled_from(["error", "warning", "info"])),
    )


@given(betweens())
def test_between_round_trips_through_gx(original: Between) -> None:
    document = json.loads(json.dumps(suite_to_gx(dg.Suite((original,)))))
    assert suite_from_gx(document).expectations == (original,)


# --- a realistic GX 1.x suite ------------------------------------------------------------------

ORDERS_SUITE = {
    "name": "orders.critical",
    "id": "a3f5c1d2-0b1e-4c55-9d59-6f3e1c0b9a10",
    "notes": "Checks run on every nightly orders extract.",
    "meta": {"great_expectations_version": "1.3.0"},
    "expectations": [
        {
            "type": "expect_table_row_count_to_be_between",
            "kwargs": {"min_value": 1, "max_value": 1000000},
            "meta": {},
            "id": "e01",
            "severity": "critical",
        },
        {
            "type": "expect_table_columns_to_match_set",
            "kwargs": {
                "column_set": [
                    "order_id",
                    "customer_id",
                    "status",
                    "amount",
                    "discount",
                    "placed_at",
                    "currency",
                    "country",
                    "sku",
                ],
                "exact_match": True,
            },
            "meta": {},
            "id": "e02",
        },
        {
            "type": "expect_column_to_exist",
            "kwargs": {"column": "order_id", "column_index": 0},
            "meta": {},
            "id": "e03",
        },
        {
            "type": "expect_column_values_to_not_be_null",
            "kwargs": {"column": "order_id"},
            "meta": {"owner": "data-eng"},
            "id": "e04",
            "severity": "critical",
        },
        {
            "type": "expect_column_values_to_be_unique",
            "kwargs": {"column": "order_id"},
            "meta": {},
            "id": "e05",
        },
        {
            "type": "expect_column_values_to_be_of_type",
            "kwargs": {"column": "amount", "type_": "float"},
            "meta": {},
            "id": "e06",
        },
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {
                "column": "amount",
                "min_value": 0,
                "max_value": 10000,
                "strict_min": True,
                "mostly": 0.99,
            },
            "meta": {},
            "id": "e07",
            "severity": "warning",
        },
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "status", "value_set": ["new", "paid", "shipped", "cancelled"]},
            "meta": {},
            "id": "e08",
        },
        {
            "type": "expect_column_values_to_match_regex",
            "column": "sku",
            "regex": "^[A-Z]{3}-\\d{4}$",
            "mostly": 0.95,
            "id": "e09",
        },
        {
            "type": "expect_column_value_lengths_to_equal",
            "kwargs": {"column": "currency", "value": 3},
            "meta": {},
            "id": "e10",
        },
        {
            "type": "expect_column_mean_to_be_between",
            "kwargs": {"column": "amount", "min_value": 5, "max_value": 500},
            "meta": {},
            "id": "e11",
            "severity": "info",
        },
        {
            "type": "expect_column_quantile_values_to_be_between",
            "kwargs": {
                "column": "amount",
                "quantile_ranges": {
                    "quantiles": [0.05, 0.5, 0.95],
                    "value_ranges": [[0, 20], [10, 100], [None, 2000]],
                },
                "allow_relative_error": False,
            },
            "meta": {},
            "id": "e12",
        },
        {
            "type": "expect_column_distinct_values_to_be_in_set",
            "kwargs": {"column": "country", "value_set": ["DE", "FR", "NL", "US"]},
            "meta": {},
            "id": "e13",
        },
        {
            "type": "expect_column_pair_values_a_to_be_greater_than_b",
            "kwargs": {"column_A": "amount", "column_B": "discount", "or_equal": True},
            "meta": {},
            "id": "e14",
        },
        {
            "type": "expect_compound_columns_to_be_unique",
            "kwargs": {
                "column_list": ["customer_id", "placed_at"],
                "ignore_row_if": "any_value_is_missing",
            },
            "meta": {},
            "id": "e15",
        },
    ],
}


def test_a_15_expectation_gx_suite_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "orders.json"
    path.write_text(json.dumps(ORDERS_SUITE, indent=2))
    first = suite_from_gx(path)
    assert len(first.expectations) == 15
    assert first.name == "orders.critical"
    assert [e.severity for e in first.expectations].count("warning") == 1
    exported = suite_to_gx(first)
    assert all(
        set(item) <= {"type", "kwargs", "meta", "severity"} for item in exported["expectations"]
    )
    again = path.with_name("again.json")
    again.write_text(json.dumps(exported))
    second = suite_from_gx(again)
    assert second == first
    assert suite_to_gx(second) == exported
    # The dataguard side of the trip survives its own YAML format too.
    assert dg.suite.loads_suite(first.dumps("yaml")) == first


def test_importing_then_validating_a_small_frame() -> None:
    suite = suite_from_gx(ORDERS_SUITE)
    frame = pd.DataFrame(
        {
            "order_id": [1, 2, 3],
            "customer_id": [10, 11, 10],
            "status": ["new", "paid", "lost"],
            "amount": [12.5, 80.0, 40.0],
            "discount": [0.0, 80.0, 5.0],
            "placed_at": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"]),
            "currency": ["EUR", "EUR", "USD"],
            "country": ["DE", "FR", "DE"],
            "sku": ["ABC-1234", "ABD-0001", "ABC-9999"],
        }
    )
    result = dg.validate(frame, suite)
    failed = [r.expectation for r in result.results if not r.passed]
    assert failed == [
        InSet("status", value_set=("new", "paid", "shipped", "cancelled")),
        CompoundColumnsUnique(
            column_list=("customer_id", "placed_at"), ignore_row_if="any_value_is_missing"
        ),
    ]
    assert not result.passed


# --- GX's own verdicts, from the conformance corpus ---------------------------------------------

# (GX type, dataset index, test title): cases where the import choices matter, across categories.
CONFORMANCE_CASES = [
    (
        "expect_column_pair_values_to_be_equal",
        0,
        "a_negative_example_with_mismatched_null_values_and_ignore_row_if__both_values_are_missing_set_by_default",
    ),
    (
        "expect_column_pair_values_to_be_equal",
        0,
        "a_positive_example_with_ignore_row_if__either_value_is_missing",
    ),
    ("expect_column_pair_values_to_be_equal", 0, "a_positive_example_with_mostly"),
    ("expect_column_pair_values_a_to_be_greater_than_b", 0, "test_ties"),
    ("expect_column_pair_values_a_to_be_greater_than_b", 0, "test_ties_with_or_equal"),
    ("expect_column_pair_values_a_to_be_greater_than_b", 0, "test_mostly"),
    ("expect_multicolumn_sum_to_equal", 1, "basic_positive_test"),
    ("expect_multicolumn_sum_to_equal", 1, "negative_test_with_ignore_if_any_are_missing"),
    ("expect_multicolumn_sum_to_equal", 0, "mostly_set_successful_expectation"),
    (
        "expect_compound_columns_to_be_unique",
        1,
        "basic_test_ignore_if_all_are_missing_the_default_behavior",
    ),
    ("expect_compound_columns_to_be_unique", 0, "mostly_set_fails_expectation"),
    (
        "expect_select_column_values_to_be_unique_within_record",
        1,
        "basic_test_ignore_if_all_are_missing_the_default_behavior",
    ),
    (
        "expect_select_column_values_to_be_unique_within_record",
        0,
        "mostly_set_successful_expectation",
    ),
    ("expect_column_quantile_values_to_be_between", 0, "basic_positive_test_normal_quantiles"),
    (
        "expect_column_quantile_values_to_be_between",
        0,
        "basic_negative_test_normal_quantiles_wrong_distribution",
    ),
    (
        "expect_column_most_common_value_to_be_in_set",
        0,
        "positive_test__tie_for_most_common__ties_okay__true",
    ),
    (
        "expect_column_most_common_value_to_be_in_set",
        0,
        "negative_test__tie_for_most_common__full_value_set__ties_okay__false",
    ),
    ("expect_column_to_exist", 0, "column_exists_but_wrong_index"),
    ("expect_table_columns_to_match_set", 0, "positive_test_column_is_missing_exact_match_false"),
    ("expect_table_columns_to_match_set", 0, "negative_test_column_is_missing_exact_match_true"),
    ("expect_column_values_to_be_of_type", 0, "basic_python_int_positive_test"),
    (
        "expect_column_values_to_be_of_type",
        0,
        "dtype_object_and_type_object_still_has_aggregate_semantics_big_o",
    ),
    ("expect_column_values_to_be_of_type", 1, "positive_pandas_datetime_with_timezone"),
    ("expect_column_values_to_be_null", 0, "positive_mostly"),
    ("expect_column_values_to_not_be_null", 0, "negative_mostly"),
    ("expect_column_values_to_be_unique", 0, "negative_case_using_mostly"),
    ("expect_column_values_to_be_increasing", 0, "positive_test_with_strictly"),
    ("expect_column_value_lengths_to_be_between", 0, "positive_test_with_null_min_value"),
]


@pytest.mark.parametrize(
    ("gx_type", "dataset_index", "title"),
    CONFORMANCE_CASES,
    ids=[c[2][:60] for c in CONFORMANCE_CASES],
)
def test_imported_suites_reach_gx_verdicts(gx_type: str, dataset_index: int, title: str) -> None:
    if not CONFORMANCE_DIR.is_dir():
        pytest.skip(
            f"GX conformance corpus not found at {CONFORMANCE_DIR} (set DATAGUARD_CONFORMANCE_DIR)"
        )
    spec = json.loads((CONFORMANCE_DIR / "gx" / f"{gx_type}.json").read_text())
    dataset = spec["datasets"][dataset_index]
    (test,) = [t for t in dataset["tests"] if t["title"] == title]
    assert test["pandas_applicable"]
    suite = suite_from_gx(
        {"name": title, "expectations": [{"type": gx_type, "kwargs": test["in"]}]}
    )
    result = dg.validate(conformance_frame(spec, dataset), suite)
    assert result.results[0].passed is test["out"]["success"]
