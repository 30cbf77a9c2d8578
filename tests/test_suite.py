"""Suites: building, exact YAML/JSON round-trips, schema compilation, and located errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import dataguard as dg
from dataguard.expectations import Between, InSet, MatchesRegex, NotNull, QuantilesBetween, Unique
from dataguard.result import Reason
from dataguard.suite import SUITE_FORMAT_VERSION, loads_suite

SUITE_YAML = """\
format_version: 1
name: orders
description: rules for orders
schema:
  strict: true
  ordered: true
  columns:
    order_id: {type: string, unique: true}
    email: {type: string, nullable: true}
    amount: {type: float}
    note: {required: false, nullable: true}
expectations:
  - type: between
    column: amount
    min_value: 0
    max_value: 100
    mostly: 0.95
  - type: in_set
    column: status
    value_set: [a, b, 3, 2.5, true, null]
    severity: warning
  - type: matches_regex
    column: email
    regex: '^\\S+@\\S+$'
  - type: quantiles_between
    column: amount
    quantiles: [0.1, 0.9]
    value_ranges: [[0, 10], [50, null]]
"""


def write(tmp_path: Path, text: str, name: str = "suite.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_round_trip_is_exact(tmp_path: Path) -> None:
    suite = dg.load_suite(write(tmp_path, SUITE_YAML))
    assert suite.name == "orders"
    assert len(suite.expectations) == 4
    for fmt in ("suite.yaml", "suite.json"):
        out = suite.dump(tmp_path / f"again-{fmt}")
        again = dg.load_suite(out)
        assert again == suite
        assert again.to_dict() == suite.to_dict()
        assert again.fingerprint == suite.fingerprint
        # Dumping what was loaded gives the same text: the dump is canonical.
        assert again.dumps(out.suffix.lstrip(".").replace("yml", "yaml")) == out.read_text()


def test_python_and_yaml_suites_are_equal() -> None:
    built = dg.Suite(
        [
            Between("amount", min_value=0, max_value=100, mostly=0.95),
            InSet("status", value_set=["a", "b"], severity="warning"),
        ],
        name="s",
    )
    loaded = loads_suite(built.dumps("yaml"))
    assert loaded == built
    assert hash(loaded) == hash(built)
    assert loads_suite(built.dumps("json"), "json") == built


def test_format_version_is_written_and_future_versions_are_refused(tmp_path: Path) -> None:
    assert dg.Suite().to_dict()["format_version"] == SUITE_FORMAT_VERSION
    path = write(tmp_path, f"format_version: {SUITE_FORMAT_VERSION + 1}\nexpectations: []\n")
    with pytest.raises(dg.SuiteError, match="newer than this dataguard") as info:
        dg.load_suite(path)
    assert info.value.line == 1
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("text", "path", "line", "words"),
    [
        (
            "expectations:\n  - type: not_nul\n    column: a\n",
            "expectations[0].type",
            2,
            "did you mean 'not_null'",
        ),
        (
            "expectations:\n  - type: between\n    column: a\n    min_value: 5\n    max_value: 1\n",
            "expectations[0].min_value",
            4,
            "greater than max_value",
        ),
        (
            "expectations:\n  - type: matches_regex\n    column: a\n    regex: '(['\n",
            "expectations[0].regex",
            4,
            "invalid regular expression",
        ),
        (
            "expectations:\n  - type: between\n    column: a\n    min_valu: 5\n",
            "expectations[0].min_valu",
            4,
            "did you mean 'min_value'",
        ),
        (
            "expectations:\n  - type: between\n    column: a\n    min_value: 1\n    mostly: 2\n",
            "expectations[0].mostly",
            5,
            "between 0 and 1",
        ),
        (
            "expectations:\n  - type: not_null\n    column: [a, b]\n",
            "expectations[0].column",
            3,
            "expected str, got list",
        ),
        (
            "expectations:\n  - type: in_set\n    column: a\n",
            "expectations[0].value_set",
            2,
            "needs value_set",
        ),
        (
            "expectations:\n  - column: a\n",
            "expectations[0]",
            2,
            "needs a 'type'",
        ),
        ("expectation: []\n", "expectation", 1, "did you mean 'expectations'"),
        (
            "schema:\n  columns:\n    a: {nulable: true}\n",
            "schema.columns.a.nulable",
            3,
            "did you mean",
        ),
        ("schema:\n  columns:\n    a: {type: int}\n", "schema.columns.a.type", 3, "'integer'"),
        ("expectations: 3\n", "expectations", 1, "must be a list"),
    ],
)
def test_errors_name_file_place_and_line(
    tmp_path: Path, text: str, path: str, line: int, words: str
) -> None:
    file = write(tmp_path, text)
    with pytest.raises(dg.SuiteError) as info:
        dg.load_suite(file)
    error = info.value
    assert error.path == path
    assert error.line == line
    assert words in str(error)
    assert str(error).startswith(f"{file}:{line}: {path}: ")


@pytest.mark.parametrize(
    ("item", "path", "words"),
    [
        (
            {"type": "expect_column_values_to_be_between", "column": "a", "min_value": 1},
            "expectations[0].type",
            "a Great Expectations name; did you mean 'between'?",
        ),
        (
            {"type": "expect_column_values_to_be_of_type", "column": "a", "type_": "int"},
            "expectations[0].type",
            "did you mean 'column_type' or 'column_dtype'?",
        ),
        (
            {"type": "expect_multicolumn_values_to_be_unique", "column_list": ["a"]},
            "expectations[0].type",
            "did you mean 'unique_within_record'?",
        ),
        (
            {"type": "expect_column_chisquare_test_p_value_to_be_greater_than", "column": "a"},
            "expectations[0].type",
            "a Great Expectations name with no dataguard counterpart",
        ),
        (
            {"type": "pair_equal", "column_A": "a", "column_b": "b"},
            "expectations[0].column_A",
            "a Great Expectations name; did you mean 'column_a'?",
        ),
        (
            {"type": "between", "column": "a", "min_value": 1, "row_condition": "b > 1"},
            "expectations[0].row_condition",
            "did you mean 'where'?",
        ),
        (
            {"type": "column_type", "column": "a", "type_": "int"},
            "expectations[0].type_",
            "did you mean 'logical_type'?",
        ),
        (
            {"type": "kl_divergence_below", "column": "a", "partition_object": {}},
            "expectations[0].partition_object",
            "did you mean 'bins' or 'values' or 'weights' or 'tail_weights'?",
        ),
    ],
)
def test_gx_vocabulary_points_to_the_native_name(
    item: dict[str, Any], path: str, words: str
) -> None:
    with pytest.raises(dg.SuiteError) as info:
        dg.Suite.from_dict({"expectations": [item]})
    assert info.value.path == path
    assert words in str(info.value)


def test_unknown_expectation_is_also_a_key_error(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        dg.load_suite(write(tmp_path, "expectations:\n  - type: frobnicate\n"))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a: !!python/object/apply:os.system ['echo hacked']\n", "invalid YAML"),
        ("expectations: [\n", "invalid YAML"),
        ("name: a\nname: b\n", "duplicate key 'name'"),
        ("- 1\n- 2\n", "must be a mapping"),
        ("", "must be a mapping, got nothing"),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                for p, c in zip("abcdefgh", "bcdefghi", strict=True)
            ),
            "alias bomb",
        ),
    ],
)
def test_hostile_yaml_is_refused(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(dg.SuiteError, match=words):
        dg.load_suite(write(tmp_path, text))


def test_unreadable_suite_files(tmp_path: Path) -> None:
    with pytest.raises(dg.SuiteError, match="no such file"):
        dg.load_suite(tmp_path / "absent.yaml")
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage\x80")
    with pytest.raises(dg.SuiteError, match="not UTF-8"):
        dg.load_suite(binary)
    with pytest.raises(dg.SuiteError, match="invalid JSON"):
        dg.load_suite(write(tmp_path, '{"expectations": [}', "s.json"))
    with pytest.raises(dg.SuiteError, match="NaN is not valid JSON"):
        dg.load_suite(write(tmp_path, '{"name": NaN}', "n.json"))
    with pytest.raises(dg.SuiteError, match="is a directory"):
        dg.load_suite(tmp_path)


def test_schema_compiles_to_expectations() -> None:
    suite = loads_suite(SUITE_YAML)
    names = [e.name for e in suite.compiled]
    assert names[:4] == ["column_exists", "column_type", "not_null", "unique"]
    assert "no_extra_columns" in names
    assert "columns_match_ordered_list" in names
    # note is optional: no column_exists for it.
    assert not [e for e in suite.compiled if e.name == "column_exists" and e.columns == ("note",)]
    assert suite.compiled[-4:] == suite.expectations


def test_schema_and_suite_name_the_declared_types_alike() -> None:
    suite = loads_suite(SUITE_YAML)
    assert suite.schema is not None
    assert suite.schema.column_types == suite.column_types
    assert suite.column_types


def test_schema_validation_outcomes() -> None:
    schema = dg.Schema(
        (
            dg.ColumnSpec(name="id", type="integer", unique=True),
            dg.ColumnSpec(name="opt", required=False, type="string"),
        ),
        strict=True,
    )
    suite = dg.Suite(schema=schema)
    good = dg.validate(pd.DataFrame({"id": [1, 2, 3]}), suite)
    assert good.passed
    assert {r.reason for r in good.results if r.expectation.columns == ("opt",)} == {Reason.SKIPPED}
    ids = pd.Series([1, 1, None], dtype="Int64")
    bad = dg.validate(pd.DataFrame({"id": ids, "extra": [0, 0, 0]}), suite)
    failed = {r.expectation.name: r for r in bad.failures}
    assert set(failed) == {"not_null", "unique", "no_extra_columns"}
    assert failed["no_extra_columns"].details["unexpected"] == ["extra"]
    assert failed["unique"].unexpected_count == 2


def test_suite_rejects_non_expectations() -> None:
    with pytest.raises(dg.SuiteError, match="expected an Expectation"):
        dg.Suite(["not_null"])  # type: ignore[list-item]


def test_suite_is_frozen_and_hashable() -> None:
    suite = dg.Suite([NotNull("a"), Unique("a")], name="x")
    with pytest.raises(AttributeError):
        suite.name = "y"  # type: ignore[misc]
    assert {suite: 1}[dg.Suite((NotNull("a"), Unique("a")), name="x")] == 1


def test_expectations_validate_python_construction() -> None:
    with pytest.raises(dg.SuiteError, match="min_value"):
        Between("a", min_value=3, max_value=1)
    with pytest.raises(dg.SuiteError, match="give min_value, max_value or both"):
        Between("a")
    with pytest.raises(dg.SuiteError, match="regex"):
        MatchesRegex("a", regex="(")
    with pytest.raises(dg.SuiteError, match="value_ranges"):
        QuantilesBetween(column="a", quantiles=(0.5,), value_ranges=((0, 1), (1, 2)))
    assert InSet("a", value_set=[1, 2]).value_set == (1, 2)
