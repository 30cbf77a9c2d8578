"""The data-docs site: its pages and links, incremental rebuilds, and what it refuses."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

import dataguard as dg
from dataguard.report import render_page
from dataguard.site import MANIFEST, SiteBuild, SiteRun, render_site
from dataguard.site import _build as site_build
from dataguard.site._pages import dataset_view
from tests.site.conftest import HOSTILE, drift_run, links, validation_run


def _build(runs: list[SiteRun], folder: Path) -> SiteBuild:
    return render_site(runs, folder, source="history.sqlite")


def test_the_site_has_an_index_a_page_per_dataset_and_one_per_run(
    ten_runs: list[SiteRun], tmp_path: Path
) -> None:
    runs = [*ten_runs, drift_run(3, "events"), drift_run(4, "events", shift=1.0)]
    built = _build(runs, tmp_path)
    assert (built.datasets, built.runs, len(built.rendered)) == (2, 12, 12)
    assert built.index == tmp_path / "index.html"
    folders = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert len(folders) == 2
    orders = next(tmp_path.glob("orders-parquet-*"))
    assert sorted(p.name for p in orders.iterdir()) == sorted(
        ["index.html", *(f"run-{i}.html" for i in range(1, 12))]
    )
    index = built.index.read_text()
    assert "2 datasets, 12 runs" in index
    assert "9 of 10" in index  # runs passed: the tenth failed
    dataset = (orders / "index.html").read_text()
    assert dataset.count('href="run-') == 10
    assert "row_count_between" in dataset
    assert (orders / "run-10.html").read_text().count("FAILED") >= 1
    assert "No newer run yet" in (orders / "run-11.html").read_text()
    events = next(tmp_path.glob("events-*"))
    assert "DRIFT" in (events / "run-2.html").read_text()


def test_every_link_resolves_inside_the_site_and_nothing_is_remote(
    ten_runs: list[SiteRun], tmp_path: Path, pages: Callable[[Path], list[Path]]
) -> None:
    _build([*ten_runs, drift_run(2, "events")], tmp_path)
    found = pages(tmp_path)
    assert len(found) == 1 + 2 * 2 + 11
    for page in found:
        parsed = links(page)
        assert parsed.scripts == 0, page
        text = page.read_text()
        assert "http://" not in text, page
        assert "https://" not in text, page
        for target in parsed.targets:
            if target.startswith("#"):
                continue
            assert ":" not in target, (page, target)  # no scheme: no URL leaves the folder
            resolved = (page.parent / target).resolve()
            assert resolved.is_file(), (page, target)
            assert resolved.is_relative_to(tmp_path.resolve())


def test_run_pages_link_to_their_neighbours_and_up(ten_runs: list[SiteRun], tmp_path: Path) -> None:
    _build(ten_runs[:3], tmp_path)
    folder = next(tmp_path.glob("orders-parquet-*"))
    first, second = (links(folder / f"run-{i}.html").targets for i in (1, 2))
    assert "run-0.html" not in first
    assert "run-2.html" in first
    assert {"../index.html", "index.html", "run-1.html", "run-3.html"} <= set(second)
    assert "run-1.html" in links(folder / "index.html").targets
    assert f"{folder.name}/run-3.html" in links(tmp_path / "index.html").targets


def test_a_rebuild_renders_only_the_new_run(ten_runs: list[SiteRun], tmp_path: Path) -> None:
    first = _build(ten_runs[:9], tmp_path)
    assert len(first.rendered) == 9
    folder = next(tmp_path.glob("orders-parquet-*"))
    before = {p.name: p.stat().st_mtime_ns for p in folder.glob("run-*.html")}
    again = _build(ten_runs[:9], tmp_path)
    assert again.rendered == ()
    grown = _build(ten_runs, tmp_path)
    assert grown.rendered == (folder / "run-10.html",)
    after = {p.name: p.stat().st_mtime_ns for p in folder.glob("run-*.html")}
    assert {n: after[n] for n in before if n != "run-10.html"} == {
        n: t for n, t in before.items() if n != "run-10.html"
    }
    # run-10.html was the placeholder for the next run; now it is that run's report
    assert "FAILED" in (folder / "run-10.html").read_text()
    assert "No newer run yet" in (folder / "run-11.html").read_text()
    assert "10 runs" in (tmp_path / "index.html").read_text()


def test_a_page_whose_inputs_changed_is_rendered_again(
    ten_runs: list[SiteRun], tmp_path: Path
) -> None:
    _build(ten_runs[:4], tmp_path)
    folder = next(tmp_path.glob("orders-parquet-*"))
    (folder / "run-2.html").unlink()
    assert _build(ten_runs[:4], tmp_path).rendered == (folder / "run-2.html",)
    # a run removed from the history: every later run moves, its page goes
    shifted = _build([ten_runs[0], *ten_runs[2:4]], tmp_path)
    assert [p.name for p in shifted.rendered] == ["run-2.html", "run-3.html"]
    assert shifted.removed == (folder / "run-5.html",)  # the placeholder moved to run-4.html
    assert "No newer run yet" in (folder / "run-4.html").read_text()


def test_datasets_no_longer_in_the_history_are_removed(
    ten_runs: list[SiteRun], tmp_path: Path
) -> None:
    _build([*ten_runs[:2], drift_run(1, "events")], tmp_path)
    events = next(tmp_path.glob("events-*"))
    (tmp_path / "notes.txt").write_text("mine")
    built = _build(ten_runs[:2], tmp_path)
    assert {p.name for p in built.removed} == {"run-1.html", "run-2.html", "index.html"}
    assert not events.exists()
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_hostile_dataset_names_and_values_stay_text(tmp_path: Path) -> None:
    runs = [validation_run(day, HOSTILE) for day in (1, 2)]
    runs.append(validation_run(3, "../../outside"))
    for run in runs:
        run.document["results"][0]["observed_value"] = HOSTILE
    built = _build(runs, tmp_path)
    assert not (tmp_path.parent / "outside").exists()
    for page in tmp_path.rglob("*.html"):
        assert page.resolve().is_relative_to(tmp_path.resolve())
        text = page.read_text()
        assert "<script>" not in text, page
        assert "<img" not in text, page
    assert "&lt;script&gt;alert(1)&lt;" in built.index.read_text()
    folder = next(p for p in tmp_path.iterdir() if p.is_dir() and p.name.startswith("script"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (folder / "run-2.html").read_text()


def test_an_empty_history_builds_an_index_that_says_so(tmp_path: Path) -> None:
    built = _build([], tmp_path / "site")
    assert "The history holds no runs yet." in built.index.read_text()
    assert "NO RUNS" in built.index.read_text()


def test_a_folder_that_is_not_a_site_is_refused(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("somebody's page")
    with pytest.raises(FileExistsError, match="holds files but no dataguard site"):
        _build([validation_run(1)], tmp_path)
    assert (tmp_path / "index.html").read_text() == "somebody's page"
    with pytest.raises(NotADirectoryError, match=r"index\.html: a site is written into a folder"):
        _build([validation_run(1)], tmp_path / "index.html")


def test_a_damaged_manifest_renders_every_page_again(
    ten_runs: list[SiteRun], tmp_path: Path
) -> None:
    _build(ten_runs[:2], tmp_path)
    (tmp_path / MANIFEST).write_text("{not json")
    assert len(_build(ten_runs[:2], tmp_path).rendered) == 2
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    assert manifest["format"] == 1
    assert len(manifest["pages"]) == 2


def test_a_manifest_cannot_make_the_build_delete_outside_the_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _build([validation_run(1)], site)
    victim = tmp_path / "victim.html"
    victim.write_text("keep")
    manifest = json.loads((site / MANIFEST).read_text())
    manifest["files"].append("../victim.html")
    manifest["files"].append(os.fspath(victim))
    (site / MANIFEST).write_text(json.dumps(manifest))
    _build([validation_run(1)], site)
    assert victim.read_text() == "keep"


def test_a_run_page_is_the_runs_report_under_the_sites_links(
    ten_runs: list[SiteRun], tmp_path: Path
) -> None:
    _build(ten_runs[:1], tmp_path)
    page = next(tmp_path.glob("orders-parquet-*/run-1.html")).read_text()
    report = dg.render_html(ten_runs[0].document)
    assert 'data-check="site-nav"' in page
    assert 'data-check="site-nav"' not in report
    assert report.split("<main>", 1)[1] == page.split("<main>", 1)[1]


def test_a_grouped_expectation_is_one_metric_per_group() -> None:
    runs = [validation_run(day) for day in (1, 2)]
    for run in runs:
        first = run.document["results"][0]
        run.document["results"][:1] = [
            {**first, "group": {"carrier": "AA"}},
            {**first, "group": {"carrier": HOSTILE}},
        ]
    page = render_page("site_dataset.html.j2", page=dataset_view("orders.parquet", runs))
    assert "(group carrier = AA)" in page
    assert "(group carrier = &lt;script&gt;" in page
    assert page.count('<svg class="trend"') == 4  # two groups, two other expectations


def test_other_templates_render_every_page_again(
    ten_runs: list[SiteRun], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(ten_runs[:3], tmp_path)
    assert _build(ten_runs[:3], tmp_path).rendered == ()
    monkeypatch.setattr(site_build, "templates_digest", lambda: "edited templates")
    assert len(_build(ten_runs[:3], tmp_path).rendered) == 3
