"""``dataguard convert --from gx``, and the acceptance check: a GX 1.x suite of 15 mixed
expectations converts to YAML and back with identical validation results."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import dataguard as dg
from dataguard.cli import main
from dataguard.compat.gx import suite_from_gx, suite_to_gx

MIXED: dict[str, Any] = {
    "name": "payments.nightly",
    "id": "0b7c",
    "meta": {"great_expectations_version": "1.3.0"},
    "expectations": [
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 10}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}},
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "id"}},
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {
                "column": "amount",
                "min_value": 0,
                "row_condition": 'status != "refund"',
                "condition_parser": "pandas",
            },
        },
        {
            "type": "expect_column_value_z_scores_to_be_less_than",
            "kwargs": {"column": "amount", "threshold": 3, "double_sided": True, "mostly": 0.95},
            "severity": "warning",
        },
        {
            "type": "expect_column_values_to_match_regex_list",
            "kwargs": {"column": "email", "regex_list": ["@", r"\.[a-z]+$"], "match_on": "all"},
        },
        {
            "type": "expect_column_values_to_match_like_pattern",
            "kwargs": {"column": "code", "like_pattern": "PAY-%"},
        },
        {
            "type": "expect_column_values_to_be_dateutil_parseable",
            "kwargs": {"column": "when", "mostly": 0.9},
        },
        {
            "type": "expect_column_values_to_match_json_schema",
            "kwargs": {"column": "payload", "json_schema": {"type": "object", "required": ["v"]}},
        },
        {
            "type": "expect_column_values_to_be_in_type_list",
            "kwargs": {"column": "amount", "type_list": ["float", "int"]},
        },
        {
            "type": "expect_column_pair_values_to_be_in_set",
            "kwargs": {
                "column_A": "status",
                "column_B": "currency",
                "value_pairs_set": [["paid", "EUR"], ["paid", "USD"], ["refund", "EUR"]],
            },
        },
        {
            "type": "expect_column_kl_divergence_to_be_less_than",
            "kwargs": {
                "column": "amount",
                "partition_object": {
                    "bins": [-math.inf, 0, 50, 100, math.inf],
                    "weights": [0.05, 0.45, 0.45, 0.05],
                },
                "threshold": 0.5,
            },
        },
        {
            "type": "expect_column_kl_divergence_to_be_less_than",
            "kwargs": {
                "column": "status",
                "partition_object": {"values": ["paid", "refund"], "weights": [0.9, 0.1]},
                "threshold": 0.2,
                "tail_weight_holdout": 0.05,
            },
        },
        {
            "type": "expect_column_mean_to_be_between",
            "kwargs": {"column": "amount", "min_value": None, "max_value": None},
            "severity": "info",
        },
        {
            "type": "expect_table_columns_to_match_set",
            "kwargs": {
                "column_set": [
                    "id",
                    "amount",
                    "status",
                    "currency",
                    "email",
                    "code",
                    "when",
                    "payload",
                ],
                "exact_match": True,
            },
        },
    ],
}


def frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 60
    status = np.where(np.arange(n) % 7 == 0, "refund", "paid")
    amount = np.round(rng.gamma(2.0, 20.0, n), 2)
    amount[status == "refund"] *= -1
    amount[5] = 900.0  # an outlier
    return pd.DataFrame(
        {
            "id": np.arange(n),
            "amount": amount,
            "status": status,
            "currency": np.where(np.arange(n) % 3 == 0, "USD", "EUR"),
            "email": [f"user{k}@example.com" if k % 11 else f"user{k}@example" for k in range(n)],
            "code": [f"PAY-{k:04d}" if k % 13 else f"TX-{k}" for k in range(n)],
            "when": ["2024-03-01", "March 2 2024", "yesterday-ish", "2024/03/04"] * (n // 4),
            "payload": ['{"v": 1}', '{"w": 2}', "[]"] * (n // 3),
        }
    )


def results(suite: dg.Suite) -> list[dict[str, Any]]:
    outcome = dg.validate(frame(), suite, result_format="complete", id_columns=["id"])
    return [r.to_dict() for r in outcome.results]


def test_a_mixed_gx_suite_converts_to_yaml_and_back(tmp_path: Path) -> None:
    source = tmp_path / "payments.json"
    source.write_text(json.dumps(MIXED, indent=2))  # Python writes the infinite edges as Infinity
    target = tmp_path / "payments.yaml"
    out = io.StringIO()
    assert main(["convert", "--from", "gx", str(source), "--output", str(target)], out) == 0
    assert out.getvalue() == f"converted 15 expectations into {target}\n"

    imported = suite_from_gx(source)
    converted = dg.load_suite(target)
    assert converted == imported
    assert len(converted.expectations) == 15
    direct = results(imported)
    assert results(converted) == direct
    # Every kind of outcome is exercised: passes, failures, a warning, and a report-only item.
    assert {r["passed"] for r in direct} == {True, False}
    assert {r["severity"] for r in direct} == {"error", "warning", "info"}

    # ... and back to Great Expectations, which imports to the same suite again.
    again = tmp_path / "again.json"
    again.write_text(json.dumps(suite_to_gx(converted)))
    assert results(suite_from_gx(again)) == direct


def test_convert_refuses_a_bad_suite_listing_every_problem(tmp_path: Path, capsys: Any) -> None:
    source = tmp_path / "bad.json"
    source.write_text(
        json.dumps(
            {
                "name": "bad",
                "expectations": [
                    {"type": "expect_column_values_to_be_betwen", "kwargs": {"column": "a"}},
                    {"type": "expect_column_mean_to_be_between", "kwargs": {"mostly": 0.5}},
                ],
            }
        )
    )
    target = tmp_path / "bad.yaml"
    assert main(["convert", "--from", "gx", str(source), "--output", str(target)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == (
        f"dataguard: error: {source}: the GX suite cannot be imported (2 problems):"
    )
    assert lines[1].startswith("  expectations[0]: unknown expectation type")
    assert "did you mean 'expect_column_values_to_be_between'" in lines[1]
    assert lines[2].startswith("  expectations[1].kwargs.mostly: ")
    assert len(lines) == 3
    assert not target.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["convert", "--from", "gx", "suite.json"],
        ["convert", "--from", "soda", "suite.json", "--output", "x.yaml"],
        ["convert", "suite.json", "--output", "x.yaml"],
    ],
)
def test_convert_usage_errors_exit_2(argv: list[str], capsys: Any) -> None:
    assert main(argv) == 2
    assert "dataguard: error:" in capsys.readouterr().err


def test_a_missing_file_exits_2(tmp_path: Path, capsys: Any) -> None:
    missing = tmp_path / "missing.json"
    assert main(["convert", "--from", "gx", str(missing), "-o", str(tmp_path / "x.yaml")]) == 2
    assert capsys.readouterr().err == f"dataguard: error: {missing}: no such file\n"
