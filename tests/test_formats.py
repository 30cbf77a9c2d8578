"""Text, JSON, JUnit and Markdown renderings keep hostile values inert and structure intact."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pandas as pd

import dataguard as dg
from dataguard._formats import to_json, to_junit, to_markdown, to_text
from dataguard.expectations import InSet, NotNull

HOSTILE = '"><img src=x onerror=alert(1)> | \x00\x07 </failure>'


def hostile_result() -> dg.ValidationResult:
    data = pd.DataFrame({"<script>alert(1)</script>": [HOSTILE, "ok", None]})
    column = "<script>alert(1)</script>"
    suite = dg.Suite([InSet(column, value_set=["ok"]), NotNull(column)], name="x|y")
    return dg.validate(data, suite)


def test_junit_is_well_formed_with_hostile_values() -> None:
    root = ET.fromstring(to_junit(hostile_result()))
    cases = root.findall(".//testcase")
    assert len(cases) == 2
    assert all(c.find("failure") is not None for c in cases)
    assert "<script>" in (cases[0].get("name") or "")  # stored as text, escaped in the XML


def test_markdown_neutralises_markup_and_pipes() -> None:
    text = to_markdown(hostile_result())
    assert "<script>" not in text
    assert "<img" not in text
    table_rows = [line for line in text.splitlines() if line.startswith("| FAILED")]
    assert len(table_rows) == 2
    assert all(row.count(" | ") - row.count("\\|") == 5 for row in table_rows)


def test_text_and_json() -> None:
    result = hostile_result()
    text = to_text(result)
    assert text.startswith("FAILED: suite 'x|y'")
    assert len(text.splitlines()) == 2 + 2 + 2
    doc = json.loads(to_json(result))
    assert doc["results"][0]["partial_unexpected_list"] == [HOSTILE]


def test_empty_suite_passes() -> None:
    result = dg.validate(pd.DataFrame({"a": [1]}), dg.Suite())
    assert result.passed
    assert "no expectations" in to_text(result)
    assert "Every expectation passed" in to_markdown(result)
    assert ET.fromstring(to_junit(result)).get("tests") == "0"
