"""Runs to build sites from: small validations of one table over days, the tenth of which
has a jump in its row count, and a few drift runs."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import dataguard as dg
from dataguard.expectations import Between, NotNull, RowCountBetween
from dataguard.site import SiteRun
from tests.report.conftest import chromium

__all__ = ["chromium"]  # the reports' browser fixture, for the site's browser test

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'


def validation_run(day: int, dataset: str = "orders.parquet", *, rows: int = 100) -> SiteRun:
    """A validation of a small orders table on ``day``: it fails when ``rows`` exceeds 150."""
    data = {"id": list(range(rows)), "amount": [float(i % 7) for i in range(rows)]}
    suite = dg.Suite(
        [NotNull("id"), Between("amount", min_value=0), RowCountBetween(max_value=150)],
        name=dataset,
    )
    result = dg.validate(data, suite)
    doc = result.to_dict()
    doc["run"]["started_at"] = f"2026-11-{day:02d}T06:00:00+00:00"
    return SiteRun(
        f"v{day}-{rows}", dataset, "validation", doc["run"]["started_at"], result.passed, doc
    )


def drift_run(day: int, dataset: str = "orders.parquet", *, shift: float = 0.0) -> SiteRun:
    """A drift check of one numeric column against a fixed reference, shifted by ``shift``."""
    rng = np.random.default_rng(day)
    reference = {"amount": np.random.default_rng(0).normal(size=300)}
    report = dg.drift({"amount": rng.normal(size=300) + shift}, reference=reference)
    doc = report.to_dict()
    doc["run"]["started_at"] = f"2026-11-{day:02d}T07:00:00+00:00"
    return SiteRun(f"d{day}", dataset, "drift", doc["run"]["started_at"], not report.drifted, doc)


@pytest.fixture(scope="module")
def ten_runs() -> list[SiteRun]:
    """Ten daily validations; the row count jumps on the tenth, which fails."""
    return [validation_run(day, rows=400 if day == 10 else 100 + day) for day in range(1, 11)]


class Links(HTMLParser):
    """Every ``href`` and ``src`` of a page, and whether it holds any script element."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        self.targets += [v for k, v in attrs if k in ("href", "src") and v is not None]


def links(page: Path) -> Links:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture
def pages() -> Callable[[Path], list[Path]]:
    """The HTML pages of a built site."""
    return lambda folder: sorted(folder.rglob("*.html"))
