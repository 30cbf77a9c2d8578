"""The JSON Schemas in dataguard/schemas describe real validation and drift output."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import pytest
from jsonschema import Draft202012Validator, FormatChecker

import dataguard as dg
from dataguard.expectations import Between, ColumnExists, InSet, MeanBetween, NotNull, Unique


def schema(name: str) -> Draft202012Validator:
    text = resources.files("dataguard").joinpath(f"schemas/{name}.schema.json").read_text("utf-8")
    document = json.loads(text)
    Draft202012Validator.check_schema(document)
    return Draft202012Validator(document, format_checker=FormatChecker())


def assert_valid(validator: Draft202012Validator, text: str) -> dict[str, Any]:
    doc = json.loads(text)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert not errors, errors[:5]
    return dict(doc)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 500
    amount = rng.normal(50, 10, n)
    amount[:7] = -1.0
    amount[10:15] = np.nan
    return pd.DataFrame(
        {
            "id": np.arange(n) % 480,
            "amount": amount,
            "status": rng.choice(["new", "done", "lost"], n),
            "when": pd.date_range("2026-01-01", periods=n, freq="h"),
        }
    )


@pytest.mark.parametrize("result_format", ["boolean_only", "basic", "summary", "complete"])
def test_validation_results_match_their_schema(frame: pd.DataFrame, result_format: str) -> None:
    suite = dg.Suite(
        [
            NotNull("amount"),
            Between("amount", min_value=0, mostly=0.99),
            InSet("status", value_set=["new", "done"], severity="warning"),
            Unique("id", severity="info"),
            MeanBetween("amount", min_value=0, max_value=10),
            ColumnExists(column="absent"),
        ],
        name="schema check",
    )
    result = dg.validate(frame, suite, result_format=result_format, id_columns=("id",))
    doc = assert_valid(schema("validation-result"), result.to_json())
    assert {r["reason"] for r in doc["results"]} >= {"unexpected_values", "column_missing"}


def test_the_demo_result_and_an_empty_suite_match(frame: pd.DataFrame) -> None:
    from dataguard.examples import orders, orders_suite_path

    validator = schema("validation-result")
    result = dg.validate(orders(), dg.load_suite(orders_suite_path()))
    assert_valid(validator, result.to_json())
    assert_valid(validator, dg.validate(frame, dg.Suite()).to_json())


def test_the_schema_rejects_what_is_not_a_result(frame: pd.DataFrame) -> None:
    validator = schema("validation-result")
    doc = json.loads(dg.validate(frame, dg.Suite([NotNull("amount")])).to_json())
    doc["results"][0]["severity"] = "fatal"
    assert not validator.is_valid(doc)
    del doc["results"][0]["severity"]
    assert not validator.is_valid(doc)


def test_drift_reports_match_their_schema(frame: pd.DataFrame) -> None:
    rng = np.random.default_rng(5)
    current = frame.assign(
        amount=frame["amount"] + 3,
        status=rng.choice(["new", "done", "fresh"], len(frame)),
        flag=rng.random(len(frame)) < 0.4,
        empty=np.nan,
    )
    reference = frame.assign(flag=rng.random(len(frame)) < 0.5, empty=rng.random(len(frame)))
    validator = schema("drift-report")
    reports = [
        dg.drift(current, reference=reference),
        dg.drift(
            current.drop(columns=["empty"]),
            reference=reference.drop(columns=["empty"]),
            multivariate=True,
        ),
        dg.drift(current, reference=reference, tests={"amount": "psi", "id": "wasserstein"}),
        dg.drift(current.drop(columns=["when"]), reference=dg.profile(reference)),
    ]
    methods, kinds = set(), set()
    for report in reports:
        doc = assert_valid(validator, report.to_json())
        methods |= {c["method"] for c in doc["columns"]}
        kinds |= {c["kind"] for c in doc["columns"]}
    assert reports[1].multivariate is not None
    assert reports[3].skipped
    assert {"ks", "chi_square", "psi", "wasserstein", "none"} <= methods
    assert {"continuous", "categorical", "empty"} <= kinds


def test_schemas_are_documented() -> None:
    for name in ("validation-result", "drift-report"):
        document = schema(name).schema
        assert document["description"]
        for prop in document["properties"].values():
            assert prop.get("description") or "$ref" in prop or prop.get("type") == "integer"
