"""HTML reports: contents, self-containment, escaping of hostile input, size and truncation."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import dataguard as dg
from dataguard.expectations import Between, InSet, NotNull, Unique
from dataguard.report import CONTENT_SECURITY_POLICY, load_document, template_dirs, view_model
from dataguard.report._render import environment

SCRIPT_NAME = "<script>alert(1)</script>"
IMG_VALUE = '"><img src=x onerror=alert(1)>'
REPO = Path(__file__).resolve().parents[2]


class Page(HTMLParser):
    """Every element with its attributes, and the text, of an HTML document."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]


def assert_self_contained(html: str) -> Page:
    """No script, no external URL of any kind, no way to fetch anything."""
    page = Page(html)
    assert not page.tags("script")
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("src", "href", "xlink:href", "action", "srcset", "poster", "data"):
                assert value is not None
                assert not re.match(r"\s*(https?:|//)", value), (tag, name, value)
                if name == "href":
                    assert value.startswith("#"), (tag, value)
    assert "url(" not in html
    assert "@import" not in html
    policies = [a for a in page.tags("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert [p["content"] for p in policies] == [CONTENT_SECURITY_POLICY]
    return page


@pytest.fixture(scope="module")
def orders() -> dict[str, Any]:
    from dataguard.examples import orders, orders_drifted, orders_suite_path

    data = orders()
    result = dg.validate(data, dg.load_suite(orders_suite_path()), id_columns=("order_id",))
    reference = dg.profile(data.drop(columns=["order_id", "customer_email", "created_at"]))
    report = dg.drift(orders_drifted(), reference=reference)
    profile = dg.profile(data.drop(columns=["order_id", "customer_email"]))
    return {"validation": result, "drift": report, "profile": profile}


def test_templates_come_from_the_checkout_in_an_editable_install() -> None:
    assert template_dirs() == [REPO / "reports" / "templates"]
    env = environment()
    assert env.autoescape is True
    assert env.undefined.__name__ == "StrictUndefined"
    names = set(env.list_templates())
    assert {"base.html.j2", "macros.html.j2", "report.css"} <= names
    assert {"validation.html.j2", "drift.html.j2", "profile.html.j2"} <= names


def test_validation_report_contents(orders: dict[str, Any]) -> None:
    result = orders["validation"]
    html = dg.render_html(result)
    page = assert_self_contained(html)
    text = " ".join(page.text.split())
    assert "FAILED" in text
    assert "24 of 31 expectations passed (7 failed)" in text
    for fact in (
        "5,000 rows × 7 columns",
        result.run.suite_fingerprint,
        result.run.data.schema_hash,
    ):
        assert fact in text
    assert dg.__version__ in text
    stats = {
        label: value
        for value, label in re.findall(r'<div class="v">([^<]*)</div><div class="l">([^<]*)<', html)
    }
    assert stats == {
        "expectations": "31",
        "passed": "24",
        "failed: error": "5",
        "failed: warning": "1",
        "failed: info": "1",
    }
    rows = re.findall(r'<tr class="r st-(\w+) g-(\w+)">', html)
    statuses = [status for status, _ in rows]
    assert statuses == ["failed"] * 5 + ["warning", "info"] + ["passed"] * 24  # failures first
    # Unexpected values with counts, and failing rows by their id.
    assert "ORD-0001072</code><b>×2</b>" in html
    assert "rows (order_id):" in text
    assert "a sample of 20 of the 60 unexpected values" in text
    assert "showing 20 of 60 unexpected rows" in text
    # The filter works without scripts: one radio per status, labelled with its count.
    assert [a["id"] for a in page.tags("input")] == ["show-all", "show-failed", "show-passed"]
    assert "Failed<b>7</b>" in html


def test_fail_on_warning_changes_the_verdict() -> None:
    data = pd.DataFrame({"x": [1, 2, -1]})
    result = dg.validate(data, dg.Suite([Between("x", min_value=0, severity="warning")]))
    assert "PASSED" in Page(dg.render_html(result)).text
    assert "FAILED" in Page(dg.render_html(result, fail_on="warning")).text
    with pytest.raises(ValueError, match="fail_on"):
        dg.render_html(result, fail_on="info")  # type: ignore[arg-type]


def test_drift_report_contents(orders: dict[str, Any]) -> None:
    report = orders["drift"]
    html = dg.render_html(report)
    page = assert_self_contained(html)
    text = " ".join(page.text.split())
    assert "DRIFT" in text
    assert "3 of 4 columns drifted: amount, status, country" in text
    assert "75%" in text
    assert "Benjamini–Hochberg" in text
    assert "Kolmogorov–Smirnov" in text
    assert "chi-square" in text
    table = html[html.index('<table class="drift"') : html.index("</table>")]
    columns = re.findall(r'<a href="#col-\d+"><code>([^<]+)</code>', table)
    assert columns == ["amount", "status", "country", "quantity"]  # drifted, by effect
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", table)
    assert headers == [
        "Column",
        "Verdict",
        "Test",
        "Statistic",
        "p",
        "Adjusted p",
        "Effect",
        "Threshold",
        "Missing",
    ]
    # One chart per column: a histogram on the reference bins or bars with NEW/OTHER.
    assert len(page.tags("svg")) == 4
    assert html.count('<path class="ref"') == 4
    assert html.count('<path class="cur"') == 4
    assert '<text y="' in html
    assert re.search(r'class="sp">NEW[^<]*</text>', html)  # new categories stand out
    assert re.search(r"Largest change: NEW[^.]* holds 0% of the reference and 4.0% of the", text)


def test_missing_share_change_is_charted_and_explained() -> None:
    rng = np.random.default_rng(2)
    reference = pd.DataFrame({"x": rng.normal(size=3000)})
    current = pd.DataFrame({"x": rng.normal(size=3000)})
    current.loc[:600, "x"] = np.nan
    report = dg.drift(current, reference=reference)
    view = view_model(report)
    (column,) = view["columns"]
    assert column["verdict_label"] == "drift: missing"
    assert column["missing"]["drifted"]
    html = dg.render_html(report)
    assert "Missing values: 0% of the reference, 20.03% of the current data: the share changed" in (
        " ".join(Page(html).text.split())
    )
    assert html.count('<path class="miss"') == 1


def test_profile_report_contents(orders: dict[str, Any]) -> None:
    html = dg.render_html(orders["profile"])
    page = assert_self_contained(html)
    text = " ".join(page.text.split())
    assert "5,000 rows, 5 columns" in text
    for name in ("amount", "quantity", "created_<wbr>at", "status", "country"):
        assert f"<code>{name}</code>" in html
    assert "standard deviation" in text
    assert "50%" in text  # quantiles
    assert "2026-01-" in text  # the timestamp column shows dates, not microseconds
    assert "categories kept" in text
    assert len(page.tags("svg")) == 5


def test_saved_documents_render_like_the_objects(orders: dict[str, Any], tmp_path: Path) -> None:
    for key in ("validation", "drift"):
        path = tmp_path / f"{key}.json"
        path.write_text(orders[key].to_json())
        assert dg.render_html(load_document(path)) == dg.render_html(orders[key])
    path = tmp_path / "profile.json.gz"
    orders["profile"].save(path)  # saved profiles list their columns by name
    assert dg.render_html(load_document(path)) == dg.render_html(dg.load_profile(path))


def test_unknown_documents_are_refused(tmp_path: Path) -> None:
    with pytest.raises(dg.InputError, match="not a dataguard"):
        dg.render_html({"hello": 1})
    with pytest.raises(dg.InputError, match="cannot render a report of list"):
        dg.render_html([1, 2])  # type: ignore[arg-type]
    newer = {"format_version": 2, "kind": "drift", "columns": []}
    with pytest.raises(dg.InputError, match="newer than this dataguard renders"):
        dg.render_html(newer)
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(dg.InputError, match="invalid JSON at line 1"):
        load_document(path)


@pytest.mark.parametrize("kind", ["validation", "drift", "profile"])
def test_hostile_names_and_values_render_as_text(kind: str, hostile: dict[str, Any]) -> None:
    html = dg.render_html(hostile[kind])
    page = assert_self_contained(html)
    assert not page.tags("img")
    assert "<script>alert" not in html
    assert "<img" not in html
    assert SCRIPT_NAME in page.text
    # Column names carry line-break opportunities (<wbr>) where they read naturally.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html.replace("<wbr>", "")
    assert IMG_VALUE in page.text
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_long_unexpected_lists_are_truncated_with_a_count() -> None:
    n = 50_000
    values = np.array([f"bad-{i}-" + "x" * 300 for i in range(n)], dtype=object)
    data = pd.DataFrame({"id": np.arange(n), "code": values})
    suite = dg.Suite([InSet("code", value_set=["fine"]), Unique("id"), NotNull("code")])
    result = dg.validate(data, suite, result_format="complete")
    assert len(result.results[0].unexpected_index_list) == n
    html = dg.render_html(result)
    text = " ".join(Page(html).text.split())
    assert "showing 20 of 50,000 unexpected rows" in text
    assert "a sample of 20 of the 50,000 unexpected values; every one is in the JSON result" in text
    assert "… (+" in text  # long values are cut, saying how much
    assert len(html.encode()) < 100_000


def wide_frames(rows: int = 3000, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """100 columns of every kind the drift report draws, with drift in some of them."""
    rng = np.random.default_rng(seed)
    reference: dict[str, Any] = {}
    current: dict[str, Any] = {}
    categories = np.array([f"category-{j:02d}-with-a-label" for j in range(40)], dtype=object)
    for i in range(100):
        name = f"feature_{i:03d}_{'x' * 16}"
        kind = i % 10
        if kind < 6:
            reference[name] = rng.lognormal(1, 0.8, rows)
            current[name] = rng.lognormal(1, 0.8, rows) * (1.15 if i % 3 == 0 else 1.0)
        elif kind < 8:
            shares = rng.dirichlet(np.ones(40))
            reference[name] = rng.choice(categories, rows, p=shares)
            current[name] = rng.choice(categories, rows, p=shares)
        elif kind == 8:
            reference[name] = rng.integers(0, 8, rows)
            current[name] = rng.integers(0, 9, rows)
        else:
            before, after = rng.normal(0, 1, rows), rng.normal(0, 1, rows)
            before[rng.random(rows) < 0.05] = np.nan
            after[rng.random(rows) < 0.12] = np.nan
            reference[name], current[name] = before, after
    return pd.DataFrame(reference), pd.DataFrame(current)


def test_a_100_column_drift_report_stays_under_500_kb(tmp_path: Path) -> None:
    reference, current = wide_frames()
    report = dg.drift(current, reference=reference)
    assert len(report.columns) == 100
    path = dg.write_report(report, tmp_path / "wide.html")
    size = path.stat().st_size
    assert size <= 500_000, size
    page = assert_self_contained(path.read_text(encoding="utf-8"))
    assert len(page.tags("svg")) >= 100  # a chart per column, plus missingness charts
    assert not list(tmp_path.glob(".wide.html.*"))  # the atomic write left no temporary file


def test_write_report_replaces_atomically(orders: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text("old")
    written = dg.write_report(orders["validation"], path)
    assert written == path
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_empty_inputs_render() -> None:
    empty = dg.validate(pd.DataFrame({"a": [1]}), dg.Suite())
    assert "The suite has no expectations." in dg.render_html(empty)
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["x", "y", None]})
    nothing = pd.DataFrame({"a": [np.nan, np.nan], "b": pd.array([None, None], dtype="string")})
    report = dg.drift(nothing, reference=frame)
    html = dg.render_html(report)
    assert_self_contained(html)
    assert "no present values" in html
    profile_html = dg.render_html(dg.profile(nothing))
    assert_self_contained(profile_html)
    assert profile_html.count("No present values to chart.") == 2


def test_view_models_are_plain_data(orders: dict[str, Any]) -> None:
    for obj in orders.values():
        view = view_model(obj)
        json.dumps(view)  # dicts, lists, strings and numbers only


def test_the_report_shows_each_result_s_group_escaped() -> None:
    frame = pd.DataFrame({SCRIPT_NAME: ["AA", IMG_VALUE, None], "delay": [None, 1.0, 2.0]})
    result = dg.validate(frame, [NotNull("delay", group_by=[SCRIPT_NAME])])
    html = dg.render_html(result)
    page = assert_self_contained(html)
    assert not page.tags("img")
    assert f"{SCRIPT_NAME}=AA" in page.text
    assert f"{SCRIPT_NAME}={IMG_VALUE}" in page.text
    assert f"{SCRIPT_NAME}=null" in page.text
    assert f"{SCRIPT_NAME}=AA" in Page(result._repr_html_()).text
