"""The site in a real browser: headless Chromium opens the index, a dataset and its runs from
``file://``, offline, follows their links by mouse, and sees no console error, no blocked
request and no script. Screenshots go to ``artifacts/``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import dataguard as dg
from dataguard.site import SiteRun, render_site
from tests.site.conftest import HOSTILE, drift_run

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

#: Evaluated in the page: the policy, scripts, the trend charts drawn and where links go.
LOOK = """(() => ({
  policy: document.querySelector('meta[http-equiv="Content-Security-Policy"]').content,
  scripts: document.scripts.length,
  trends: [...document.querySelectorAll('svg.trend')]
    .filter((s) => { const b = s.getBoundingClientRect(); return b.width > 0 && b.height > 0; })
    .length,
  marks: document.querySelectorAll('svg.trend circle, svg.trend rect').length,
  text: document.body.innerText,
  url: location.href,
}))()"""


@pytest.fixture(scope="module")
def site(ten_runs: list[SiteRun], tmp_path_factory: pytest.TempPathFactory) -> Path:
    runs = [*ten_runs, drift_run(2, HOSTILE), drift_run(3, HOSTILE, shift=1.0)]
    return render_site(runs, tmp_path_factory.mktemp("site"), source="history.sqlite").index


def _open(browser: Any, url: str) -> dict[str, Any]:
    browser.open(url)
    return _check(browser, url)


def _check(browser: Any, url: str) -> dict[str, Any]:
    assert browser.problems() == []
    assert browser.requests() == [url]
    look: dict[str, Any] = browser.evaluate(LOOK)
    assert look["scripts"] == 0
    assert look["policy"] == dg.report.CONTENT_SECURITY_POLICY
    return look


def _follow(browser: Any, selector: str) -> dict[str, Any]:
    """Click the link ``selector`` names and check the page it leads to."""
    href = browser.evaluate(f"document.querySelector({json.dumps(selector)}).href")
    browser.events.clear()
    browser.click(selector)
    browser.wait_for("Page.loadEventFired")
    look = _check(browser, href)
    assert look["url"] == href
    return look


def test_the_site_opens_offline_and_its_links_lead_through_it(chromium: Any, site: Path) -> None:
    index = _open(chromium, site.as_uri())
    assert "2 datasets, 12 runs" in index["text"]
    assert index["trends"] == 2
    chromium.screenshot(ARTIFACTS / "site-index.png", max_height=1200)

    dataset = _follow(chromium, "table.datasets td:first-child a[href^=orders-parquet]")
    assert "10 runs" in dataset["text"]
    assert dataset["trends"] == 1 + 3  # checks passed per run, and one per expectation
    chromium.screenshot(ARTIFACTS / "site-dataset.png", max_height=1600)

    run = _follow(chromium, "table.runs tbody tr:nth-child(2) a")  # run 9
    assert "run 9" in run["text"]
    assert run["trends"] == 3
    assert run["marks"] == 3 * 9
    latest = _follow(chromium, "a[rel=next]")
    assert "run 10" in latest["text"]
    assert "FAILED" in latest["text"]
    chromium.screenshot(ARTIFACTS / "site-run.png", max_height=1400)
    pending = _follow(chromium, "a[rel=next]")
    assert "No newer run yet" in pending["text"]
    back = _follow(chromium, "a[rel=prev]")
    assert "run 10" in back["text"]
    home = _follow(chromium, "nav.site a[href='../index.html']")
    assert "Data docs" in home["text"]


def test_hostile_names_stay_text_on_the_site(chromium: Any, site: Path) -> None:
    _open(chromium, site.as_uri())
    dataset = _follow(chromium, "table.datasets td:first-child a[href^=script]")
    assert HOSTILE in dataset["text"]
    run = _follow(chromium, "table.runs tbody tr:first-child a")
    assert HOSTILE in run["text"]
    assert run["trends"] == 1
    found = chromium.evaluate("document.querySelectorAll('script, img, [onerror]').length")
    assert found == 0
    assert not [e for e in chromium.events if e["method"] == "Page.javascriptDialogOpening"]
