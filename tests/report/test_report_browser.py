"""The reports in a real browser: headless Chromium opens each from ``file://``, offline.

Checked per report: no console error or warning (a blocked request or a policy violation would
log one), no request but the file itself, the verdict, the tables and the charts visible and
painted, no script on the page, and the status filters working by mouse with scripts absent.
Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import dataguard as dg

pytestmark = pytest.mark.usefixtures("chromium")

SCRIPT_NAME = "<script>alert(1)</script>"
IMG_VALUE = '"><img src=x onerror=alert(1)>'
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

#: Evaluated in the page: what a person would see of the report's key parts.
LOOK = """(() => {
  const shown = (e) => {
    if (!e) return false;
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const charts = [...document.querySelectorAll('svg.chart')].filter(shown);
  const painted = charts.filter((svg) => [...svg.querySelectorAll('path.cur, path.one, path.miss')]
    .some((p) => { const b = p.getBBox(); return b.width > 0 && b.height > 0; }));
  const table = document.querySelector('[data-check=table]');
  return {
    verdict: shown(document.querySelector('[data-check=verdict]'))
      ? document.querySelector('[data-check=verdict]').textContent.trim() : null,
    table: shown(table),
    tableRows: table ? [...table.querySelectorAll('tbody tr')].filter(shown).length : 0,
    charts: charts.length,
    painted: painted.length,
    scripts: document.scripts.length,
    policy: document.querySelector('meta[http-equiv="Content-Security-Policy"]').content,
    title: document.title,
  };
})()"""


def visible(browser: Any, selector: str) -> int:
    """How many elements matching ``selector`` are rendered (not display:none)."""
    expression = (
        f"[...document.querySelectorAll({json.dumps(selector)})]"
        ".filter((e) => e.getClientRects().length > 0).length"
    )
    return int(browser.evaluate(expression))


def open_report(browser: Any, path: Path) -> dict[str, Any]:
    url = path.resolve().as_uri()
    browser.open(url)
    assert browser.problems() == []
    assert browser.requests() == [url]  # the page itself, and nothing else
    look: dict[str, Any] = browser.evaluate(LOOK)
    assert look["scripts"] == 0
    assert look["policy"] == dg.report.CONTENT_SECURITY_POLICY
    return look


@pytest.fixture(scope="module")
def reports(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo's two reports, and a profile report of the demo's reference data."""
    from dataguard.profile import load_profile

    profile = dg.write_report(
        load_profile(demo_dir / "orders.profile.json"),
        tmp_path_factory.mktemp("profile") / "profile.html",
    )
    return {
        "validation": demo_dir / "validation.html",
        "drift": demo_dir / "drift.html",
        "profile": profile,
    }


def test_the_harness_sees_errors_and_policy_violations(chromium: Any, tmp_path: Path) -> None:
    """Guards the checks below: a console error and a blocked inline script are both caught."""
    noisy = tmp_path / "noisy.html"
    noisy.write_text("<!DOCTYPE html><p>x</p><script>console.error('boom')</script>")
    chromium.open(noisy.as_uri())
    assert any("boom" in p for p in chromium.problems())
    blocked = tmp_path / "blocked.html"
    blocked.write_text(
        '<!DOCTYPE html><meta http-equiv="Content-Security-Policy" '
        f'content="{dg.report.CONTENT_SECURITY_POLICY}"><p>x</p><script>document.title="ran"'
        "</script>"
    )
    chromium.open(blocked.as_uri())
    assert chromium.problems()
    assert chromium.evaluate("document.title") != "ran"


@pytest.mark.parametrize(
    ("kind", "verdict", "rows"),
    [("validation", "FAILED", 31), ("drift", "DRIFT", 4), ("profile", "PROFILE", 4)],
)
def test_reports_open_offline_and_show_their_parts(
    chromium: Any, reports: dict[str, Path], kind: str, verdict: str, rows: int
) -> None:
    look = open_report(chromium, reports[kind])
    assert look["verdict"] == verdict
    assert look["table"]
    assert look["tableRows"] == rows
    if kind != "validation":
        assert look["charts"] >= 4
        assert look["painted"] >= 4
    shot = chromium.screenshot(ARTIFACTS / f"report-{kind}.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_status_filters_work_by_mouse_without_scripts(
    chromium: Any, reports: dict[str, Path]
) -> None:
    open_report(chromium, reports["validation"])
    assert visible(chromium, "tr.r") == 31
    chromium.click("label[for=show-failed]")
    assert visible(chromium, "tr.r") == 7
    assert visible(chromium, "tr.g-passed") == 0
    chromium.screenshot(ARTIFACTS / "report-validation-failed-only.png", max_height=1400)
    chromium.click("label[for=show-passed]")
    assert visible(chromium, "tr.r") == 24
    assert visible(chromium, "tr.g-failed") == 0
    chromium.click("label[for=show-all]")
    assert visible(chromium, "tr.r") == 31

    open_report(chromium, reports["drift"])
    chromium.click("label[for=show-drift]")
    assert visible(chromium, "article.card") == 3
    assert visible(chromium, "table.drift tbody tr") == 3
    chromium.click("label[for=show-ok]")
    assert visible(chromium, "article.card") == 1
    assert chromium.problems() == []


@pytest.mark.parametrize("kind", ["validation", "drift", "profile"])
def test_hostile_names_stay_text_in_the_browser(
    chromium: Any, hostile: dict[str, Any], tmp_path: Path, kind: str
) -> None:
    path = dg.write_report(hostile[kind], tmp_path / f"hostile-{kind}.html")
    open_report(chromium, path)
    found = chromium.evaluate(
        "({elements: document.querySelectorAll('script, img, [onerror], iframe, object').length,"
        " text: document.body.innerText})"
    )
    assert found["elements"] == 0
    assert SCRIPT_NAME in found["text"]
    assert IMG_VALUE in found["text"]
    if kind == "validation":  # a group column and its values, both probes
        assert f"{SCRIPT_NAME}={IMG_VALUE}" in found["text"]
    assert not [e for e in chromium.events if e["method"] == "Page.javascriptDialogOpening"]
    if kind == "drift":
        chromium.screenshot(ARTIFACTS / "report-hostile-drift.png", max_height=1600)
