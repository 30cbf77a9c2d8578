"""Building the site: which pages are out of date, rendering them, and the manifest that
remembers what was rendered, so that a rebuild renders only the runs that are new.

A run page depends on its document, its position in its dataset, the earlier runs its trend
charts show and the dataguard and templates that rendered it; all of that goes into the page's
fingerprint in the manifest, and a page whose fingerprint is unchanged is not rendered again.
Its links never change as runs are appended: a run links to the file names of its predecessor
and successor (``run-N.html``), and until the successor exists that name holds a page saying
there is none. The index pages are cheap and rendered on every build.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from dataguard._atomic import write_atomic
from dataguard._storage import is_remote
from dataguard._version import __version__
from dataguard.errors import InputError, StorageError
from dataguard.history import History
from dataguard.report import render_page, template_dirs, view_model
from dataguard.report.trends import TREND_RUNS
from dataguard.site._pages import (
    SiteRun,
    dataset_view,
    index_view,
    pending_view,
    run_page,
    slug,
)

#: The manifest's file name in the output folder, and the version of its format.
MANIFEST = ".dataguard-site.json"
MANIFEST_FORMAT = 1


@dataclass(frozen=True)
class SiteBuild:
    """What one build did: the site's index page, how many datasets and runs it shows, the run
    pages it rendered (the others were up to date) and the pages of runs no longer stored,
    which it removed."""

    index: Path
    datasets: int
    runs: int
    rendered: tuple[Path, ...]
    removed: tuple[Path, ...]


def _read_manifest(output: Path) -> dict[str, Any] | None:
    """The manifest of an earlier build, None when there is none. One that cannot be read (or
    comes from a newer format) counts as empty: every page is rendered again."""
    location = output / MANIFEST
    try:
        doc = json.loads(location.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    if not isinstance(doc, dict) or doc.get("format") != MANIFEST_FORMAT:
        return {}
    return doc


def _prepare(output: Path) -> dict[str, Any]:
    """Check the output folder, create it when absent, and return the earlier manifest.

    A folder that holds files but no manifest is refused rather than written over: it is
    somebody's folder, not a site dataguard built.
    """
    if output.exists() and not output.is_dir():
        raise NotADirectoryError(f"{output}: a site is written into a folder; this is a file")
    manifest = _read_manifest(output)
    if manifest is None:
        if output.is_dir() and any(output.iterdir()):
            raise FileExistsError(
                f"{output}: the folder holds files but no dataguard site; give an empty or new "
                "folder"
            )
        manifest = {}
    output.mkdir(parents=True, exist_ok=True)
    return manifest


@functools.lru_cache(maxsize=1)
def templates_digest() -> str:
    """A hash of the report templates and CSS in use: pages rendered with other templates (a
    newer dataguard, an edited checkout) are out of date even when the version is the same."""
    digest = hashlib.sha256()
    for directory in template_dirs()[:1]:
        for path in sorted(directory.iterdir()):
            if path.is_file():
                digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _fingerprint(run: SiteRun, position: int, earlier: Sequence[SiteRun]) -> str:
    inputs = [
        __version__,
        templates_digest(),
        run.dataset,
        position,
        run.run_id,
        [e.run_id for e in earlier],
    ]
    return hashlib.sha256(json.dumps(inputs).encode("utf-8")).hexdigest()


def _run_html(run: SiteRun, position: int, earlier: Sequence[SiteRun]) -> str:
    try:
        page = view_model(run.document, earlier=[e.document for e in earlier])
    except InputError as exc:
        raise InputError(f"run {run.run_id} of dataset {run.dataset!r}: {exc}") from None
    nav = {
        "dataset": run.dataset,
        "position": position,
        "run_id": run.run_id,
        "previous": run_page(position - 1) if position > 1 else "",
        "next": run_page(position + 1),
    }
    return render_page("site_run.html.j2", page=page, site=nav, layout=f"{page['kind']}.html.j2")


def _group(runs: Iterable[SiteRun]) -> dict[str, list[SiteRun]]:
    datasets: dict[str, list[SiteRun]] = {}
    for run in runs:
        datasets.setdefault(run.dataset, []).append(run)
    return datasets


def render_site(
    runs: Iterable[SiteRun], output: str | os.PathLike[str], *, source: str
) -> SiteBuild:
    """Write the site of ``runs`` (each dataset's runs oldest first) into ``output``, rendering
    only the run pages that are new or out of date. ``source`` names the history on the index.
    The site is a local folder (a rebuild reads the pages already there); StorageError for an
    object-store URI: build it locally, then copy the folder to the store.
    """
    if is_remote(output):
        raise StorageError(
            f"{os.fspath(output)}: a site is built in a local folder, not in an object store; "
            "build it locally, then copy the folder to the store"
        )
    folder = Path(output)
    manifest = _prepare(folder)
    known: Mapping[str, str] = manifest.get("pages") or {}
    datasets = _group(runs)
    pages: dict[str, str] = {}
    others: list[str] = []
    rendered: list[Path] = []
    for name, dataset_runs in datasets.items():
        directory = slug(name)
        (folder / directory).mkdir(exist_ok=True)
        for position, run in enumerate(dataset_runs, 1):
            earlier = [r for r in dataset_runs[: position - 1] if r.kind == run.kind]
            earlier = earlier[-(TREND_RUNS - 1) :]
            relative = f"{directory}/{run_page(position)}"
            fingerprint = _fingerprint(run, position, earlier)
            pages[relative] = fingerprint
            if known.get(relative) == fingerprint and (folder / relative).is_file():
                continue
            rendered.append(write_atomic(folder / relative, _run_html(run, position, earlier)))
        pending = f"{directory}/{run_page(len(dataset_runs) + 1)}"
        write_atomic(
            folder / pending,
            render_page("site_pending.html.j2", page=pending_view(name, len(dataset_runs))),
        )
        write_atomic(
            folder / directory / "index.html",
            render_page("site_dataset.html.j2", page=dataset_view(name, dataset_runs)),
        )
        others += [pending, f"{directory}/index.html"]
    index = write_atomic(
        folder / "index.html", render_page("site_index.html.j2", page=index_view(source, datasets))
    )
    others.append("index.html")
    removed = _remove_stale(folder, manifest, set(pages) | set(others))
    write_atomic(
        folder / MANIFEST,
        json.dumps(
            {
                "format": MANIFEST_FORMAT,
                "generator": f"dataguard {__version__}",
                "pages": dict(sorted(pages.items())),
                "files": sorted(others),
            },
            indent=1,
        )
        + "\n",
    )
    return SiteBuild(
        index=index,
        datasets=len(datasets),
        runs=sum(len(r) for r in datasets.values()),
        rendered=tuple(rendered),
        removed=removed,
    )


def _inside(relative: str) -> bool:
    """Whether ``relative`` names a file in the site: a relative path of at most one folder
    and a file name, no ``..``, no link."""
    parts = PurePosixPath(relative).parts
    return (
        0 < len(parts) <= 2
        and not PurePosixPath(relative).is_absolute()
        and all(part not in ("", ".", "..") for part in parts)
    )


def _remove_stale(folder: Path, manifest: Mapping[str, Any], keep: set[str]) -> tuple[Path, ...]:
    """Delete the pages an earlier build wrote that this one did not (runs or datasets no
    longer in the history), and folders they leave empty. Only files the manifest lists are
    touched: nothing else in the folder is dataguard's to delete."""
    earlier = [*(manifest.get("pages") or {}), *(manifest.get("files") or [])]
    removed = []
    names = {name for name in earlier if isinstance(name, str)}
    for relative in sorted(names - keep):
        # A manifest is data: only a page name inside the site ("folder/run-3.html") counts.
        if not _inside(relative):
            continue
        path = folder / relative
        if path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(path)
        parent = path.parent
        if parent != folder and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
    return tuple(removed)


def build_site(history: str | os.PathLike[str], output: str | os.PathLike[str]) -> SiteBuild:
    """Build the data-docs site of the run history ``history`` in the folder ``output``, or
    bring one built earlier up to date: only run pages that are new or out of date are
    rendered (``SiteBuild.rendered`` lists them). HistoryError when ``history`` is not a
    readable run history; FileExistsError when ``output`` holds files but no site."""
    with History(history) as stored:
        runs = [
            SiteRun(
                run.run_id,
                run.dataset,
                run.kind,
                run.started_at.isoformat(),
                run.passed,
                stored.document(run.run_id),
            )
            for run in stored.runs()
        ]
    return render_site(runs, output, source=Path(history).name)
