"""Drift test fixtures: the shipped JSON Schema every drift report must match."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources

import pytest
from jsonschema import Draft202012Validator

import dataguard as dg


@pytest.fixture(scope="session")
def assert_schema_valid() -> Callable[[dg.DriftReport], None]:
    """A check that a report's JSON matches dataguard/schemas/drift-report.schema.json."""
    text = resources.files("dataguard").joinpath("schemas/drift-report.schema.json")
    validator = Draft202012Validator(json.loads(text.read_text("utf-8")))

    def check(report: dg.DriftReport) -> None:
        errors = [e.message for e in validator.iter_errors(json.loads(report.to_json()))]
        assert not errors, errors[:3]

    return check
