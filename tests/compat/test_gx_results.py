"""``result_to_gx``: our results in Great Expectations' shape, per result_format level."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

import dataguard as dg
from dataguard.compat.gx import result_to_gx
from dataguard.expectations import (
    Between,
    ColumnsMatchSet,
    ColumnType,
    CompoundColumnsUnique,
    MaxBetween,
    MeanBetween,
    MostCommonValueInSet,
    NoExtraColumns,
    NotNull,
    PairEqual,
)

FRAME = pd.DataFrame(
    {
        "pk": [10, 11, 12, 13],
        "x": [1.0, 5.0, None, 7.0],
        "y": [1.0, 2.0, 3.0, 7.0],
        "ts": pd.to_datetime(["2020-01-01", "2020-01-02", None, "2020-01-03"], utc=True),
    }
)
MAP_BASIC = {
    "element_count",
    "missing_count",
    "missing_percent",
    "unexpected_count",
    "unexpected_percent",
    "unexpected_percent_total",
    "unexpected_percent_nonmissing",
    "partial_unexpected_list",
}
MAP_SUMMARY = MAP_BASIC | {"partial_unexpected_counts", "partial_unexpected_index_list"}
MAP_COMPLETE = MAP_SUMMARY | {"unexpected_list", "unexpected_index_list"}


def gx(expectation: Any, fmt: str, **options: Any) -> dict[str, Any]:
    result = dg.validate(FRAME, [expectation], result_format=fmt, **options).results[0]
    out = result_to_gx(result, fmt)
    assert json.loads(json.dumps(out, allow_nan=False)) == out  # plain JSON
    return out


@pytest.mark.parametrize(
    ("fmt", "keys"),
    [
        ("BOOLEAN_ONLY", set()),
        ("BASIC", MAP_BASIC),
        ("SUMMARY", MAP_SUMMARY),
        ("COMPLETE", MAP_COMPLETE),
    ],
)
def test_map_results_carry_the_keys_of_their_level(fmt: str, keys: set[str]) -> None:
    out = gx(Between("x", max_value=4), fmt)
    assert set(out) == {"success", "expectation_config", "result", "meta", "exception_info"}
    assert out["success"] is False
    assert set(out["result"]) == keys
    assert out["expectation_config"] == {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "x", "max_value": 4},
        "meta": {},
    }


def test_complete_map_results_list_values_and_rows() -> None:
    result = gx(Between("x", max_value=4), "complete", id_columns=["pk"])["result"]
    assert result["unexpected_list"] == [5.0, 7.0]
    assert result["unexpected_index_list"] == [{"x": 5.0, "pk": 11}, {"x": 7.0, "pk": 13}]
    assert result["partial_unexpected_counts"] == [
        {"value": 5.0, "count": 1},
        {"value": 7.0, "count": 1},
    ]
    assert result["missing_count"] == 1
    assert result["unexpected_percent"] == pytest.approx(200 / 3)
    assert result["unexpected_percent_total"] == 50.0
    plain = gx(Between("x", max_value=4), "complete")["result"]
    assert plain["unexpected_index_list"] == [1, 3]


def test_pairs_are_lists_and_multicolumn_rows_are_dicts() -> None:
    pair = gx(PairEqual(column_a="x", column_b="y"), "complete", id_columns=["pk"])["result"]
    assert pair["unexpected_list"] == [[5.0, 2.0]]
    assert pair["unexpected_index_list"] == [{"x": 5.0, "y": 2.0, "pk": 11}]
    frame = pd.DataFrame({"a": [1, 1, 2], "b": [2, 2, 3]})
    result = dg.validate(
        frame, [CompoundColumnsUnique(column_list=["a", "b"])], result_format="complete"
    ).results[0]
    out = result_to_gx(result, "complete")["result"]
    assert out["unexpected_list"] == [{"a": 1, "b": 2}, {"a": 1, "b": 2}]
    assert "partial_unexpected_counts" not in out
    assert out["details"] == {
        "partial_unexpected_counts_error": "partial_unexpected_counts requested, but requires a "
        "hashable type"
    }


def test_whole_row_expectations_have_no_missing_counts() -> None:
    result = gx(NotNull("x"), "basic")["result"]
    assert result == {
        "element_count": 4,
        "unexpected_count": 1,
        "unexpected_percent": 25.0,
        "partial_unexpected_list": [None],
    }


def test_aggregate_results_report_the_observed_value() -> None:
    assert gx(MeanBetween("y", max_value=1), "summary")["result"] == {"observed_value": 3.25}
    assert gx(MeanBetween("y", max_value=1), "boolean_only")["result"] == {}
    modes = gx(MostCommonValueInSet(column="y", value_set=[7.0]), "complete")["result"]
    assert modes["observed_value"] == [1.0, 2.0, 3.0, 7.0]
    one_mode = pd.DataFrame({"y": [1, 1, 2]})
    single = dg.validate(one_mode, [MostCommonValueInSet(column="y", value_set=[1])]).results[0]
    assert result_to_gx(single)["result"]["observed_value"] == [1]  # GX always lists the modes


def test_gx_shapes_of_details_and_type_names() -> None:
    columns = gx(ColumnsMatchSet(column_set=["pk", "x", "y", "ts"]), "summary")["result"]
    assert columns["details"] == {"mismatched": {}}
    loose = gx(ColumnsMatchSet(column_set=["x"], exact_match=False), "summary")["result"]
    assert loose["details"] == {"mismatched": {"unexpected": ["pk", "y", "ts"]}}
    typed = gx(ColumnType(column="ts", logical_type="datetime"), "summary")["result"]
    assert typed["observed_value"] == "Timestamp"  # pandas 2 makes ns, pandas 3 us resolution
    assert typed["details"]["logical_types"] == ["datetime"]
    assert (
        gx(ColumnType(column="y", logical_type="float"), "summary")["result"]["observed_value"]
        == "float64"
    )


def test_errors_are_reported_as_exception_info() -> None:
    result = dg.ExpectationResult(NotNull("x"), False, dg.Reason.ERROR, "could not be evaluated")
    out = result_to_gx(result)
    assert out["exception_info"] == {
        "raised_exception": True,
        "exception_message": "could not be evaluated",
        "exception_traceback": None,
    }


def test_expectations_without_a_gx_form_keep_their_name() -> None:
    result = dg.validate(FRAME, [Between("x", max_value=9, where="y > 1")]).results[0]
    config = result_to_gx(result)["expectation_config"]
    assert config["kwargs"]["row_condition"] == "y > 1"
    other = dg.validate(FRAME, [NoExtraColumns(column_set=["x"])]).results[0]
    assert result_to_gx(other)["expectation_config"]["type"] == "dataguard.no_extra_columns"


def test_unknown_formats_are_refused() -> None:
    result = dg.validate(FRAME, [NotNull("x")]).results[0]
    with pytest.raises(ValueError, match="unknown result_format"):
        result_to_gx(result, "verbose")


def test_infinities_stay_floats_and_nan_becomes_null() -> None:
    """GX keeps ±inf as floats (its JSON writer spells them) and reports NaN as null."""
    frame = pd.DataFrame({"x": [1.0, float("inf"), -float("inf"), None]})
    suite = [MaxBetween("x", max_value=10), Between("x", min_value=0, max_value=10)]
    largest, between = dg.validate(frame, suite, result_format="complete").results
    assert result_to_gx(largest, "COMPLETE")["result"]["observed_value"] == float("inf")
    out = result_to_gx(between, "COMPLETE")["result"]
    assert out["partial_unexpected_list"] == [float("inf"), -float("inf")]
    assert out["unexpected_list"] == [float("inf"), -float("inf")]
    assert json.dumps(out["unexpected_list"]) == "[Infinity, -Infinity]"
    mean = dg.validate(frame, [MeanBetween("x", max_value=1)]).results[0]
    assert mean.observed_value != mean.observed_value  # inf - inf: NaN
    assert result_to_gx(mean)["result"]["observed_value"] is None


def test_a_result_judged_per_group_names_its_group_in_meta() -> None:
    frame = pd.DataFrame({"g": ["a", None], "x": [None, 1.0]})
    first, second = dg.validate(frame, [NotNull("x", group_by=["g"])]).results
    assert result_to_gx(first)["meta"] == {"group": {"g": "a"}}
    assert result_to_gx(second)["meta"] == {"group": {"g": None}}
    assert result_to_gx(first)["expectation_config"]["type"] == "dataguard.not_null"
