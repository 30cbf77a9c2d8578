"""One contract every registered expectation honours (scikit-learn's ``parametrize_with_checks``).

Each registered class needs an example in ``EXAMPLES``: a new class without one fails here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import dataguard as dg
from dataguard.expectations import Expectation, registered
from dataguard.suite import loads_suite

#: The clock of every run compared with another: a day after the newest ``t``, so that
#: ``freshness`` passes and reports the same age in every run.
NOW = dt.datetime(2020, 1, 13, tzinfo=dt.timezone.utc)

# A valid example of every registered expectation, over the columns of DATA.
EXAMPLES: dict[str, dict[str, Any]] = {
    "between": {"column": "x", "min_value": 0, "max_value": 10, "mostly": 0.9},
    "column_count_between": {"min_value": 1, "max_value": 10},
    "column_count_equal": {"value": 5},
    "column_dtype": {"column": "y", "dtype": "int64"},
    "column_exists": {"column": "s", "column_index": 2},
    "column_type": {"column": "t", "logical_type": "datetime"},
    "columns_match_ordered_list": {"column_list": ["x", "y", "s", "t", "id"]},
    "columns_match_set": {"column_set": ["x", "y"], "exact_match": False},
    "compound_columns_unique": {"column_list": ["s", "y"]},
    "decreasing": {"column": "t", "strictly": True},
    "distinct_values_contain_set": {"column": "s", "value_set": ["a"]},
    "distinct_values_equal_set": {"column": "s", "value_set": ["a", "b", "c"]},
    "distinct_values_in_set": {"column": "y", "value_set": [1, 2, 3]},
    "freshness": {"column": "t", "max_age": "1d12h"},
    "in_set": {"column": "s", "value_set": ["a", "b"], "severity": "warning"},
    "increasing": {"column": "x"},
    "json_parseable": {"column": "s"},
    "matches_regex": {"column": "s", "regex": r"^\w$"},
    "matches_strftime_format": {"column": "s", "strftime_format": "%d"},
    "max_between": {"column": "t", "max_value": dt.datetime(2020, 1, 10)},
    "mean_between": {"column": "x", "min_value": 1.5, "strict_min": True},
    "median_between": {"column": "y", "max_value": 2},
    "min_between": {"column": "x", "min_value": 0},
    "most_common_value_in_set": {"column": "s", "value_set": ["a"], "ties_okay": True},
    "multicolumn_sum_equal": {"column_list": ["x", "y"], "sum_total": 3, "tolerance": 0.5},
    "no_extra_columns": {"column_set": ["x", "y", "s", "t", "id"], "severity": "info"},
    "not_in_set": {"column": "y", "value_set": [0, True, "0"]},
    "not_matches_regex": {
        "column": "s",
        "regex": r"(.)\1",
        "regex_engine": "python",
        "max_value_length": 100,
    },
    "not_null": {"column": "x", "mostly": 0.5},
    "null": {"column": "x", "mostly": 0.1},
    "pair_equal": {"column_a": "x", "column_b": "y", "ignore_row_if": "all_values_are_missing"},
    "pair_greater": {"column_a": "x", "column_b": "y", "or_equal": True},
    "proportion_non_null_between": {"column": "x", "min_value": 0.5},
    "proportion_unique_between": {"column": "y", "max_value": 0.5},
    "quantiles_between": {
        "column": "x",
        "quantiles": [0.1, 0.9],
        "value_ranges": [[None, 2.0], [5, None]],
        "method": "nearest",
    },
    "row_count_between": {"min_value": 10},
    "row_count_equal": {"value": 20},
    "stdev_between": {"column": "x", "min_value": 0, "max_value": 10, "strict_max": True},
    "sum_between": {"column": "y", "min_value": 0},
    "unique": {"column": "id"},
    "unique_value_count_between": {"column": "s", "min_value": 2, "max_value": 5},
    "unique_within_record": {"column_list": ["x", "y"]},
    "value_length_between": {"column": "s", "min_value": 1, "max_value": 1},
    "value_length_equal": {"column": "s", "value": 1},
    "dateutil_parseable": {"column": "s", "mostly": 0.2},
    "equal_within_record": {"column_list": ["x", "y"], "ignore_row_if": "never"},
    "expression": {"expr": "x <= y * 3 or starts_with(s, 'a')", "mostly": 0.5},
    "in_type_list": {"column": "y", "types": ["integer", "string"]},
    "kl_divergence_below": {
        "column": "x",
        "bins": [0, 2, 5, 10],
        "weights": [0.3, 0.3, 0.4],
        "threshold": 0.5,
        "tail_weight_holdout": 0.1,
    },
    "matches_json_schema": {"column": "s", "json_schema": {"type": "string"}},
    "matches_like_pattern": {"column": "s", "like_pattern": "a%"},
    "matches_like_pattern_list": {
        "column": "s",
        "like_pattern_list": ["a%", "_"],
        "match_on": "all",
    },
    "matches_regex_list": {"column": "s", "regex_list": ["^a", "b"], "mostly": 0.5},
    "no_outliers": {"column": "x", "method": "std", "factor": 1.5, "where": "y >= 2"},
    "not_matches_like_pattern": {"column": "s", "like_pattern": "c"},
    "not_matches_like_pattern_list": {"column": "s", "like_pattern_list": ["c", "d%"]},
    "not_matches_regex_list": {"column": "s", "regex_list": ["c", "d"]},
    "pair_in_set": {"column_a": "y", "column_b": "s", "value_pairs_set": [[1, "a"], [2, "b"]]},
    "z_score_below": {"column": "x", "threshold": 1.5, "severity": "warning"},
    "foreign_key": {"column": "y", "table": "other", "table_column": "k", "mostly": 0.5},
    "row_count_equal_table": {"table": "other"},
    "distinct_values_equal_table": {"column": "s", "table": "other", "table_column": "s"},
    "rate_parity": {"column": "y", "group_by": ["s"], "positive": 1, "min_ratio": 0.5},
    "missingness_parity": {"column": "x", "group_by": ["s"], "max_difference": 0.5},
    "group_share_between": {"group_by": ["s", "y"], "max_share": 0.5, "severity": "warning"},
}

N = 20
COLUMNS: dict[str, pa.Array] = {
    "x": pa.array([None if k % 5 == 0 else k / 2 for k in range(N)], pa.float64()),
    "y": pa.array([k % 3 + 1 for k in range(N)], pa.int64()),
    "s": pa.array([None if k % 7 == 3 else "abcab"[k % 5] for k in range(N)], pa.string()),
    "t": pa.array([dt.datetime(2020, 1, 1 + k % 12) for k in range(N)], pa.timestamp("us")),
    "id": pa.array(range(N), pa.int64()),
}
DATA = pa.table(COLUMNS)
# The other table cross-table expectations read (floats that match the integers of "y").
TABLES = {"other": pa.table({"k": [1.0, 2.0, None, 4.5], "s": ["a", "b", "c", None]})}
NAMES = sorted(registered())
# no_drift needs a stored reference profile; the example data itself is the reference.
REFERENCE = Path(tempfile.mkdtemp(prefix="dataguard-contract-")) / "reference.profile.json"
dg.profile(DATA).save(REFERENCE)
EXAMPLES["no_drift"] = {"column": "x", "reference": str(REFERENCE), "min_effect": 0.1}


def example(name: str) -> Expectation:
    return registered()[name].from_dict(dict(EXAMPLES[name]))


def test_every_example_is_registered() -> None:
    assert sorted(EXAMPLES) == NAMES


def _dicts(result: dg.ValidationResult) -> list[dict[str, Any]]:
    return [r.to_dict() for r in result.results]  # leaves out run timing


@pytest.mark.parametrize("name", NAMES)
def test_contract(name: str) -> None:
    expectation = example(name)
    cls = registered()[name]
    assert expectation.name == name
    assert dg.expectations.lookup(name) is cls

    # A declaration: round-trips through dicts and YAML exactly.
    suite = dg.Suite([expectation])
    document = suite.to_dict()
    assert document["expectations"][0]["type"] == name
    assert dg.Suite.from_dict(document) == suite
    again = loads_suite(suite.dumps("yaml"), "yaml")
    assert again == suite
    assert again.to_dict() == document  # equal *and* spelled the same (1 is not True)
    # JSON has no dates: a date-time bound comes back as its ISO text, which means the same.
    from_json = loads_suite(suite.dumps("json"), "json")
    assert from_json.dumps("json") == suite.dumps("json")
    assert from_json.fingerprint == suite.fingerprint

    # Frozen and hashable.
    field = dataclasses.fields(expectation)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(expectation, field, getattr(expectation, field))
    with pytest.raises((AttributeError, TypeError)):
        expectation.undeclared = 1  # type: ignore[attr-defined]
    assert hash(expectation) == hash(example(name))
    assert len({expectation, example(name)}) == 1

    # Says what it expects.
    description = expectation.describe()
    assert isinstance(description, str)
    assert description.strip()

    # Judges the example data the same whatever the batch size.
    whole = dg.validate(
        DATA, suite, result_format="complete", id_columns=("id",), tables=TABLES, now=NOW
    )
    assert whole.results[0].reason is not dg.Reason.ERROR, whole.results[0].message
    for chunk_size in (1, 7):
        chunked = dg.validate(
            DATA,
            suite,
            result_format="complete",
            id_columns=("id",),
            chunk_size=chunk_size,
            tables=TABLES,
            now=NOW,
        )
        assert _dicts(chunked) == _dicts(whole), chunk_size

    # Empty data and all-null columns are data, not errors.
    empty = dg.validate(DATA.slice(0, 0), suite, tables=TABLES).results[0]
    assert isinstance(empty, dg.ExpectationResult)
    assert empty.reason is not dg.Reason.ERROR, empty.message
    nulls = pa.table({n: pa.nulls(N, COLUMNS[n].type) for n in COLUMNS})
    all_null = dg.validate(nulls, suite, tables=TABLES).results[0]
    assert all_null.reason is not dg.Reason.ERROR, all_null.message
    untyped = pa.table({n: pa.nulls(N) for n in COLUMNS})
    assert dg.validate(untyped, suite, tables=TABLES).results[0].reason is not dg.Reason.ERROR

    # A missing column fails with column_missing; the other expectations still run.
    columns = set(expectation.columns) or (
        {expectation.column} if name == "column_exists" else set()
    )  # type: ignore[attr-defined]
    if columns:
        remaining = DATA.drop_columns(sorted(columns))
        both = dg.Suite([expectation, dg.expectations.RowCountEqual(value=N)])
        if name == "expression":  # an expression is checked against the schema: a suite error
            with pytest.raises(dg.SuiteError, match=r"expectations\[0\]\.expr: .*unknown column"):
                dg.validate(remaining, both)
            return
        result = dg.validate(remaining, both, tables=TABLES)
        assert result.results[0].passed is False
        assert result.results[0].reason is dg.Reason.COLUMN_MISSING
        assert result.results[1].passed is True
