"""Trend charts in the reports: each expectation or column row shows its metric over the
earlier runs of the same dataset, every point marked passed or failed, all text escaped."""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path
from typing import Any

import pytest

import dataguard as dg
from dataguard.expectations import Between, NotNull, RowCountBetween
from dataguard.report import render_page, view_model
from dataguard.report.trends import TREND_RUNS, TrendPoint, chart, earlier_documents, series

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'


def _run(rows: int, day: int, *, name: str = "orders") -> dict[str, Any]:
    data = {"id": list(range(rows)), "amount": [float(i % 5) - (i == 0) for i in range(rows)]}
    suite = dg.Suite(
        [NotNull("id"), Between("amount", min_value=0), RowCountBetween(max_value=150)], name=name
    )
    doc = dg.validate(data, suite).to_dict()
    doc["run"]["started_at"] = f"2026-12-{day:02d}T08:00:00+00:00"
    return doc


def _html(doc: dict[str, Any], earlier: list[dict[str, Any]]) -> str:
    page = view_model(doc, earlier=earlier)
    return render_page(f"{page['kind']}.html.j2", page=page)


def test_each_expectation_row_shows_its_metric_over_the_runs() -> None:
    earlier = [_run(100 + 10 * day, day) for day in range(1, 6)]
    current = _run(200, 6)
    view = view_model(current, earlier=earlier)
    by_type = {row["type"]: row["trend"] for row in view["rows"]}
    assert view["trend_runs"] == 6
    rows = by_type["row_count_between"]
    assert [m["cls"] for m in rows["marks"]] == ["pass"] * 5 + ["fail"]
    assert rows["label"] == "observed value over 6 runs"
    assert "latest 200 (failed)" in rows["description"]
    assert "range 110 to 200" in rows["description"]
    # the row count rises every run, so the line climbs (SVG y grows downwards)
    ys = [float(m["y"]) for m in rows["marks"]]
    assert ys == sorted(ys, reverse=True)
    between = by_type["between"]
    assert between["label"] == "unexpected % over 6 runs"
    assert all(m["cls"] == "fail" for m in between["marks"])


def test_no_trend_without_earlier_runs_and_none_for_a_new_row() -> None:
    current = _run(100, 2)
    assert all(row["trend"] is None for row in view_model(current)["rows"])
    assert '<svg class="trend' not in _html(current, [])
    older = copy.deepcopy(current)
    older["results"] = older["results"][:1]
    view = view_model(current, earlier=[older])
    assert [row["trend"] is not None for row in view["rows"]].count(True) == 1


def test_a_trend_shows_at_most_the_last_runs() -> None:
    earlier = [_run(100, 1 + day % 28) for day in range(TREND_RUNS + 5)]
    view = view_model(_run(100, 28), earlier=earlier)
    assert all(len(row["trend"]["marks"]) == TREND_RUNS for row in view["rows"])


def test_missing_values_break_the_line_and_a_series_without_values_is_a_strip() -> None:
    points = [
        TrendPoint("a", 1.0, True),
        TrendPoint("b", None, False),
        TrendPoint("c", 3.0, True),
        TrendPoint("d", 2.0, None),
    ]
    geometry = chart("observed value", points)
    assert geometry["line"].count("M") == 2
    assert [m["cls"] for m in geometry["marks"]] == ["pass", "fail", "pass", "unknown"]
    assert geometry["marks"][1]["title"] == "b: no value, failed"
    strip = chart("observed value", [TrendPoint("a", None, True), TrendPoint("b", None, False)])
    assert strip["line"] == ""
    assert len({m["y"] for m in strip["marks"]}) == 1


def test_a_flat_or_single_point_series_stays_inside_the_chart() -> None:
    for points in ([TrendPoint("a", 5.0, True)], [TrendPoint(str(i), 5.0, True) for i in range(4)]):
        geometry = chart("observed value", points)
        for mark in geometry["marks"]:
            assert geometry["x0"] <= float(mark["x"]) <= geometry["x1"]
            assert geometry["y0"] <= float(mark["y"]) <= geometry["y1"]


def test_trend_output_is_deterministic() -> None:
    earlier = [_run(100 + day, day) for day in range(1, 4)]
    current = _run(120, 5)
    first = _html(current, earlier)
    assert first == _html(copy.deepcopy(current), copy.deepcopy(earlier))


def test_trend_svg_is_accessible_and_escaped() -> None:
    earlier = [_run(100, day, name=HOSTILE) for day in range(1, 3)]
    for doc in earlier:
        doc["run"]["started_at"] = HOSTILE
        doc["results"][0]["observed_value"] = HOSTILE
    html = _html(_run(120, 4, name=HOSTILE), earlier)
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img" in html
    svgs = re.findall(r'<svg class="trend".*?</svg>', html, flags=re.S)
    assert len(svgs) == 3
    for svg in svgs:
        assert 'role="img"' in svg
        assert re.search(r"<title>[^<]+</title>\s*<desc>[^<]+</desc>", svg)


def test_drift_rows_show_the_effect_over_the_runs() -> None:
    import numpy as np

    rng = np.random.default_rng(17)
    reference = {"x": rng.normal(size=500), "y": rng.normal(size=500)}
    documents = []
    for day, shift in enumerate((0.0, 0.0, 0.1, 0.8), 1):
        current = {"x": rng.normal(size=500) + shift, "y": rng.normal(size=500)}
        doc = dg.drift(current, reference=reference).to_dict()
        doc["run"]["started_at"] = f"2026-12-{day:02d}T08:00:00+00:00"
        documents.append(doc)
    html = _html(documents[-1], documents[:-1])
    assert "Effect over runs" in html
    view = view_model(documents[-1], earlier=documents[:-1])
    x = next(c for c in view["columns"] if c["name"] == "x")
    assert x["trend"]["label"] == "effect over 4 runs"
    assert x["trend"]["marks"][-1]["cls"] == "fail"
    assert x["trend"]["marks"][-1]["title"].endswith(", drift")
    assert "(drift)" in x["trend"]["description"]
    assert [m["cls"] for m in x["trend"]["marks"][:2]] == ["pass", "pass"]
    columns = [c for d in documents for c in d["columns"] if c["column"] == "x"]
    assert series("drift", documents)["x"][1] == [
        TrendPoint(f"2026-12-{day:02d} 08:00:00 UTC", c["effect"], not c["drifted"])
        for day, c in enumerate(columns, 1)
    ]


@pytest.mark.parametrize("kind", ["validation", "drift"])
def test_reports_without_history_are_unchanged(kind: str) -> None:
    doc = _run(100, 1) if kind == "validation" else None
    if doc is None:
        doc = dg.drift({"x": [1.0, 2.0, 3.0] * 20}, reference={"x": [1.0, 2.5] * 30}).to_dict()
    html = dg.render_html(doc)
    assert html == _html(doc, [])
    assert '<svg class="trend' not in html
    assert 'data-check="trends"' not in html


def _record(history: Path, rows: int, dataset: str = "orders") -> dg.ValidationResult:
    data = {"id": list(range(rows)), "amount": [float(i % 5) for i in range(rows)]}
    suite = dg.Suite([NotNull("id"), RowCountBetween(max_value=150)], name="orders")
    return dg.validate(data, suite, history=history, dataset=dataset)


def test_a_report_reads_the_earlier_runs_from_a_history(tmp_path: Path) -> None:
    history = tmp_path / "runs.db"
    for rows in (100, 110, 120):
        _record(history, rows)
    current = _record(history, 400)  # stored too, as --history does before the report
    html = dg.render_html(current, history=history, dataset="orders")
    assert 'data-check="trends"' in html
    view = view_model(current, earlier=earlier_documents(history, "orders", current.to_dict()))
    counts = next(r for r in view["rows"] if r["type"] == "row_count_between")["trend"]
    # three earlier runs and this one: the stored copy of this run is not drawn twice
    assert [m["cls"] for m in counts["marks"]] == ["pass", "pass", "pass", "fail"]
    written = dg.write_report(current, tmp_path / "r.html", history=history, dataset="orders")
    assert written.read_text() == html


def test_a_report_of_an_older_run_shows_the_trend_up_to_it(tmp_path: Path) -> None:
    history = tmp_path / "runs.db"
    first, second, _ = (_record(history, rows) for rows in (100, 110, 120))
    assert earlier_documents(history, "orders", first.to_dict()) == []
    assert earlier_documents(history, "orders", second.to_dict()) == [first.to_dict()]


def test_a_new_dataset_or_another_kind_has_no_trend(tmp_path: Path) -> None:
    history = tmp_path / "runs.db"
    _record(history, 100)
    current = _record(history, 100, dataset="other")
    assert earlier_documents(history, "elsewhere", current.to_dict()) == []
    assert earlier_documents(history, "other", current.to_dict()) == []
    drift = dg.drift({"id": [1.0, 2.0] * 20}, reference={"id": [1.0, 2.0] * 20}).to_dict()
    assert earlier_documents(history, "orders", drift) == []


def test_history_and_dataset_come_together(tmp_path: Path) -> None:
    result = _record(tmp_path / "runs.db", 100)
    with pytest.raises(ValueError, match="give the dataset"):
        dg.render_html(result, history=tmp_path / "runs.db")
    with pytest.raises(ValueError, match="give history too"):
        dg.render_html(result, dataset="orders")
    with pytest.raises(dg.HistoryError):
        dg.render_html(result, history=tmp_path / "absent.db", dataset="orders")


def test_the_cli_report_draws_trends_with_history(tmp_path: Path) -> None:
    from dataguard.cli import main

    suite = tmp_path / "suite.yaml"
    suite.write_text("expectations:\n  - {type: row_count_between, max_value: 15}\n")
    data = tmp_path / "orders.csv"
    report = tmp_path / "report.html"
    for rows in (10, 11, 40):
        data.write_text("id\n" + "".join(f"{i}\n" for i in range(rows)))
        argv = ["validate", str(data), "-s", str(suite), "--history", str(tmp_path / "h.db")]
        main([*argv, "--report", str(report)], stdout=io.StringIO())
    html = report.read_text()
    assert 'data-check="trends"' in html
    assert html.count('<rect class="fail"') == 1
    assert html.count('<circle class="pass"') == 2


def test_each_group_of_a_grouped_expectation_has_its_own_trend() -> None:
    suite = dg.Suite([Between("amount", min_value=0, group_by=("carrier",))])
    documents = []
    for day, bad in enumerate((0, 1, 2), 1):
        amounts = [1.0] * 6 + [-1.0] * bad
        carriers = ["AA", "BB"] * 3 + ["BB"] * bad
        doc = dg.validate({"amount": amounts, "carrier": carriers}, suite).to_dict()
        doc["run"]["started_at"] = f"2026-12-{day:02d}T08:00:00+00:00"
        documents.append(doc)
    view = view_model(documents[-1], earlier=documents[:-1])
    trends = {r["key"]: r["trend"] for r in view["rows"]}
    assert len(trends) == 2
    marks = sorted([m["cls"] for m in t["marks"]] for t in trends.values())
    assert marks == [["pass", "fail", "fail"], ["pass", "pass", "pass"]]
