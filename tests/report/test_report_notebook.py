"""Notebook display: one-line reprs and compact, escaped HTML for results, reports and profiles."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pandas as pd
import pytest

import dataguard as dg
from dataguard.expectations import Between, NotNull, RowCountBetween
from dataguard.report._render import NOTEBOOK_ROWS
from tests.report.conftest import IMG_VALUE, SCRIPT_NAME


@pytest.fixture(scope="module")
def many_failures() -> dg.ValidationResult:
    """Every result format's worst case for a repr: 30 failed expectations with every value."""
    data = pd.DataFrame({f"c{i}": np.arange(5_000) - 10.0 for i in range(30)})
    suite = dg.Suite([Between(f"c{i}", min_value=0) for i in range(30)] + [NotNull("c0")])
    return dg.validate(data, suite, result_format="complete")


def test_reprs_are_one_short_line(many_failures: dg.ValidationResult) -> None:
    reference = pd.DataFrame({"x": np.arange(1_000.0), "y": ["a", "b"] * 500})
    current = pd.DataFrame({"x": np.arange(1_000.0) + 400, "y": ["a", "b"] * 500})
    texts = {
        "result": repr(many_failures),
        "expectation result": repr(many_failures.results[0]),
        "drift": repr(dg.drift(current, reference=reference)),
        "profile": repr(dg.profile(reference)),
    }
    for kind, text in texts.items():
        assert "\n" not in text, kind
        assert len(text) < 300, kind
    assert texts["result"].startswith(
        "<ValidationResult FAILED: suite on pandas.DataFrame (5,000 rows): 1 of 31 expectations "
        "passed; failed: between(c0), between(c1), between(c2) and 27 more>"
    )
    assert texts["expectation result"] == (
        "<ExpectationResult between on 'c0': failed (unexpected_values): "
        "10 of 5,000 values (0.2%) unexpected>"
    )
    assert texts["drift"] == (
        "<DriftReport DRIFT: 1 of 2 columns drifted ('x'); reference 1,000 rows, "
        "current 1,000 rows>"
    )
    assert texts["profile"] == "<Profile 1,000 rows, 2 columns: 'x', 'y'>"


def test_notebook_html_is_compact_and_lists_failures(many_failures: dg.ValidationResult) -> None:
    html = many_failures._repr_html_()
    full = dg.render_html(many_failures)
    assert len(html) < len(full) / 2
    for tag in ("<html", "<style", "<script"):
        assert tag not in html
    assert "FAILED" in html
    assert html.count("<tr>") == 1 + NOTEBOOK_ROWS  # the header and the rows shown
    assert f"Showing {NOTEBOOK_ROWS} of 30 failed expectations." in html
    assert "rows:</span> 0, 1, 2" in html


@pytest.mark.parametrize("kind", ["validation", "drift", "profile"])
def test_notebook_html_escapes_names_and_values(kind: str, hostile: dict[str, Any]) -> None:
    html = hostile[kind]._repr_html_()
    assert "<script" not in html
    assert "<img" not in html
    escaped_name = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escaped_name in html.replace("<wbr>", "")
    if kind == "validation":
        assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert SCRIPT_NAME not in html
    assert IMG_VALUE not in html


def test_repr_names_table_level_failures_without_columns() -> None:
    result = dg.validate(pd.DataFrame({"a": [1]}), dg.Suite([RowCountBetween(min_value=2)]))
    assert repr(result).endswith("; failed: row_count_between>")


def test_notebook_html_takes_no_failing_level() -> None:
    # A notebook shows a result as ``passed`` says (errors fail it); no caller chose another.
    assert "fail_on" not in inspect.signature(dg.report.notebook_html).parameters
