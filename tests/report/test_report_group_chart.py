"""The group comparison's bar chart in the validation report: one bar per group, the limit as a
dashed line, hostile group values escaped, and no script."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

import dataguard as dg
from dataguard.report import view_model
from dataguard.report._group_chart import MAX_BARS, group_chart
from tests.report.test_report_browser import open_report
from tests.report.test_report_html import IMG_VALUE, SCRIPT_NAME, assert_self_contained

SUITE = dg.Suite.from_dict(
    {
        "expectations": [
            {
                "type": "rate_parity",
                "column": "hired",
                "group_by": ["gender"],
                "preset": "four_fifths",
            },
            {"type": "group_share_between", "group_by": ["gender"], "min_share": 0.01},
        ]
    }
)


def _frame() -> pd.DataFrame:
    half = 100
    return pd.DataFrame(
        {
            "gender": ["M"] * half + [SCRIPT_NAME] * half + [IMG_VALUE] * 5,
            "hired": [k < 60 for k in range(half)] + [k < 42 for k in range(half)] + [True] * 5,
        }
    )


def test_the_report_draws_each_group_and_the_limit_escaped() -> None:
    result = dg.validate(_frame(), SUITE)
    html = dg.render_html(result)
    page = assert_self_contained(html)
    charts = [a for a in page.tags("svg") if "groups" in (a.get("class") or "")]
    assert len(charts) == 2
    bars = [a for a in page.tags("path") if a.get("class") in ("g-pass", "g-fail", "g-unjudged")]
    assert {a["class"] for a in bars} == {"g-pass", "g-fail", "g-unjudged"}
    assert sum(1 for a in page.tags("path") if a.get("class") == "limit") == 2
    assert "<script>alert" not in html
    assert "<img" not in html
    assert f"gender={SCRIPT_NAME}" in page.text
    assert "80% of the best: 0.48" in page.text
    assert "1 (not judged)" in page.text


def test_a_saved_result_draws_the_same_chart() -> None:
    result = dg.validate(_frame(), SUITE)
    saved = json.loads(result.to_json())
    assert dg.render_html(saved) == dg.render_html(result)


def test_many_groups_are_cut_with_a_note() -> None:
    groups = [
        {"group": {"g": k}, "value": k / 100, "judged": True, "passed": True} for k in range(50)
    ]
    chart = group_chart({"details": {"measure": "share", "groups": groups, "lines": []}})
    assert chart is not None
    assert len(chart["rows"]) == MAX_BARS
    assert chart["caption"] == f"share per group; {50 - MAX_BARS} more groups in the JSON result"


def test_results_without_groups_have_no_chart() -> None:
    assert group_chart({"details": {"reason": "x"}}) is None
    assert group_chart({"observed_value": 3}) is None
    assert group_chart({"details": {"groups": []}}) is None


def test_the_chart_paints_in_the_browser_and_hostile_groups_stay_text(
    chromium: Any, tmp_path: Path
) -> None:
    path = dg.write_report(dg.validate(_frame(), SUITE), tmp_path / "groups.html")
    open_report(chromium, path)
    found = chromium.evaluate(
        "({elements: document.querySelectorAll('script, img, [onerror], iframe, object').length,"
        " text: document.body.innerText,"
        " bars: [...document.querySelectorAll('svg.groups path.g-fail, svg.groups path.g-pass')]"
        "   .filter((p) => { const b = p.getBBox(); return b.width > 0 && b.height > 0; }).length,"
        " limits: [...document.querySelectorAll('svg.groups path.limit')]"
        "   .filter((p) => p.getBBox().height > 0).length})"
    )
    assert found["elements"] == 0
    assert f"gender='{SCRIPT_NAME}'" in found["text"]  # in the message, as text
    # One path per state drawn: rate parity's failing and passing bars, the shares' passing ones.
    assert found["bars"] == 3
    assert found["limits"] == 2
    assert not [e for e in chromium.events if e["method"] == "Page.javascriptDialogOpening"]


def test_a_group_share_row_names_its_group_columns() -> None:
    page = view_model(dg.validate(_frame(), SUITE))
    columns = {row["type"]: row["columns"] for row in page["rows"]}
    assert columns == {"rate_parity": ["hired"], "group_share_between": ["gender"]}
