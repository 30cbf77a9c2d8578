"""Rendering: finding the templates, turning results into view models, writing HTML files."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from dataguard._documents import read_json_file
from dataguard._storage import write_bytes
from dataguard._version import __version__
from dataguard.drift import DriftReport, GroupedDriftReport
from dataguard.errors import DataguardError, InputError
from dataguard.profile import Profile
from dataguard.report import _format as fmt
from dataguard.report._drift import drift_view, grouped_drift_view
from dataguard.report._profile import profile_view
from dataguard.report._schema import check_document
from dataguard.report._validation import validation_view
from dataguard.report.trends import add_trends, earlier_documents
from dataguard.result import ValidationResult

#: What a report page may load: nothing from anywhere, styles only from itself, no scripts.
#: The page carries this policy itself, so even a value that slipped past escaping could not
#: run or fetch anything.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)

#: Newest document versions this dataguard renders (ValidationResult / DriftReport documents).
DOCUMENT_VERSIONS: Mapping[str, int] = {"validation": 1, "drift": 1}

if TYPE_CHECKING:
    import jinja2

_PACKAGE = Path(__file__).resolve().parent.parent

Reportable = ValidationResult | DriftReport | GroupedDriftReport | Profile | Mapping[str, Any]


def template_dirs() -> list[Path]:
    """Where the templates are: inside the installed package (a wheel puts ``reports/templates``
    there as ``dataguard/_templates``), else in the source checkout beside the package (an
    editable install). The first that holds them wins."""
    candidates = (_PACKAGE / "_templates", _PACKAGE.parent / "reports" / "templates")
    return [path for path in candidates if (path / "base.html.j2").is_file()]


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The jinja environment: autoescaping everywhere, undefined names are errors."""
    import jinja2  # deferred: only rendering needs it, not ``import dataguard``
    import markupsafe

    directories = template_dirs()
    if not directories:
        raise DataguardError(
            f"dataguard's report templates are missing from {_PACKAGE / '_templates'}; "
            "reinstall dataguard"
        )
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d)) for d in directories]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["wrap_name"] = lambda name: markupsafe.Markup(fmt.breakable_name(name))
    return env


def document_kind(doc: Any) -> Literal["validation", "drift", "profile"]:
    """Which kind of dataguard document ``doc`` is; InputError for anything else."""
    if not isinstance(doc, Mapping):
        raise InputError("not a dataguard document (expected a JSON object)")
    if doc.get("kind") == "drift":
        kind: Literal["validation", "drift", "profile"] = "drift"
    elif isinstance(doc.get("results"), list) and isinstance(doc.get("statistics"), Mapping):
        kind = "validation"
    elif isinstance(doc.get("columns"), Mapping) and isinstance(doc.get("settings"), Mapping):
        return "profile"
    else:
        raise InputError(
            "not a dataguard validation result, drift report or profile document "
            "(no 'kind', 'results' or 'settings')"
        )
    version = doc.get("format_version")
    if isinstance(version, int) and version > DOCUMENT_VERSIONS[kind]:
        raise InputError(
            f"{kind} document format_version {version} is newer than this dataguard renders "
            f"({DOCUMENT_VERSIONS[kind]}); upgrade dataguard"
        )
    return kind


def view_model(
    obj: Reportable,
    *,
    fail_on: Literal["error", "warning"] = "error",
    earlier: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The plain dict a report template renders, for a result, a report, a profile or a saved
    document of one of them.

    ``earlier`` holds the result documents of the same dataset's earlier runs, oldest first:
    with them each expectation (validation) or column (drift) row gets a trend chart.
    """
    if fail_on not in ("error", "warning"):
        raise ValueError(f"fail_on must be 'error' or 'warning', got {fail_on!r}")
    if isinstance(obj, ValidationResult):
        doc: Mapping[str, Any] = obj.to_dict()
        view = validation_view(doc, fail_on)
    elif isinstance(obj, DriftReport):
        doc = obj.to_dict()
        view = drift_view(doc)
    elif isinstance(obj, GroupedDriftReport):
        return grouped_drift_view(obj.to_dict())
    elif isinstance(obj, Profile):
        return profile_view(obj)
    elif isinstance(obj, Mapping) and obj.get("kind") == "drift_by_group":
        check_grouped_drift(obj)
        return grouped_drift_view(obj)
    elif isinstance(obj, Mapping):
        kind = document_kind(obj)
        if kind == "profile":
            return profile_view(Profile.from_doc(obj))
        check_document(obj, kind)
        doc = obj
        view = validation_view(doc, fail_on) if kind == "validation" else drift_view(doc)
    else:
        raise InputError(
            f"cannot render a report of {type(obj).__name__}: give a ValidationResult, a "
            "DriftReport, a Profile, or a document one of them wrote"
        )
    return add_trends(view, doc, earlier)


def check_grouped_drift(doc: Mapping[str, Any]) -> None:
    """InputError unless a drift-by-group document lists its groups and columns, and each
    group's report, its ``group`` aside, is a valid drift document."""
    groups = doc.get("groups")
    by = doc.get("group_by")
    if not isinstance(groups, list) or not isinstance(by, list):
        raise InputError("not a valid drift-by-group document: no groups or group_by list")
    if isinstance(doc.get("format_version"), int) and doc["format_version"] > 1:
        raise InputError(
            f"drift-by-group document format_version {doc['format_version']} is newer than "
            "this dataguard renders (1); upgrade dataguard"
        )
    for index, group in enumerate(groups):
        if not isinstance(group, Mapping) or not isinstance(group.get("group"), Mapping):
            raise InputError(f"not a valid drift-by-group document: groups[{index}] has no group")
        try:
            check_document({k: v for k, v in group.items() if k != "group"}, "drift")
        except InputError as exc:
            raise InputError(f"groups[{index}]: {exc}") from None


def render_page(template: str, **context: Any) -> str:
    """Render one of the report templates with ``context``, the page's policy and dataguard's
    version: the one place a page gets its Content-Security-Policy."""
    return (
        environment()
        .get_template(template)
        .render(version=__version__, csp=CONTENT_SECURITY_POLICY, **context)
    )


def render_html(
    obj: Reportable,
    *,
    fail_on: Literal["error", "warning"] = "error",
    history: str | os.PathLike[str] | None = None,
    dataset: str | None = None,
) -> str:
    """A self-contained HTML report (inline CSS and SVG, no scripts, no external requests).

    ``obj`` is a ValidationResult, a DriftReport, a Profile, or the dict any of them serializes
    to (``to_dict()`` / a loaded JSON file). ``fail_on`` sets which failed severities make a
    validation report say FAILED.

    With ``history`` (a run history, docs/history.md) and ``dataset`` (the name the run is
    stored under), each expectation or drift column row shows its metric over the dataset's
    runs before this one, when there are any.
    """
    view = view_model(obj, fail_on=fail_on, earlier=_earlier(obj, history, dataset))
    return render_page(f"{view['kind']}.html.j2", page=view)


def _earlier(
    obj: Reportable, history: str | os.PathLike[str] | None, dataset: str | None
) -> list[dict[str, Any]]:
    """The earlier runs' documents a report's trend charts draw (none for a profile, nor for
    a drift by group, whose report has a table per group rather than rows to chart)."""
    if history is None:
        if dataset is not None:
            raise ValueError("dataset names runs in a history: give history too")
        return []
    if dataset is None:
        raise ValueError("give the dataset the run is stored under in the history")
    if isinstance(obj, (ValidationResult, DriftReport)):
        return earlier_documents(history, dataset, obj.to_dict())
    if (
        isinstance(obj, Mapping)
        and obj.get("kind") != "drift_by_group"
        and document_kind(obj) != "profile"
    ):
        return earlier_documents(history, dataset, obj)
    return []


#: Most rows (failed expectations, columns) a notebook display lists; the full report has all.
NOTEBOOK_ROWS = 20


def notebook_html(obj: Reportable) -> str:
    """A compact report for notebook display (``_repr_html_``): the verdict and the table that
    matters, at most ``NOTEBOOK_ROWS`` rows, styled inline so that nothing leaks into the
    notebook's page and escaped like the full reports. A validation fails on errors, as
    ``ValidationResult.passed`` says."""
    view = view_model(obj)
    template = environment().get_template("notebook.html.j2")
    return template.render(page=view, version=__version__, limit=NOTEBOOK_ROWS)


def write_report(
    obj: Reportable,
    path: str | os.PathLike[str],
    *,
    fail_on: Literal["error", "warning"] = "error",
    history: str | os.PathLike[str] | None = None,
    dataset: str | None = None,
    storage_options: Mapping[str, str] | None = None,
) -> Path | str:
    """Render ``obj`` (see ``render_html``, which says what ``history`` and ``dataset`` add) and
    write it to ``path`` atomically; ``path`` may be an object-store URI reached with
    ``storage_options`` (then it is returned; a local file's Path otherwise)."""
    html = render_html(obj, fail_on=fail_on, history=history, dataset=dataset)
    return write_bytes(path, html, storage_options)


def load_document(
    path: str | os.PathLike[str], *, storage_options: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Read a saved JSON result, drift report or profile (gzip allowed); InputError if it is
    not one. ``path`` may be an object-store URI reached with ``storage_options``."""
    location = os.fspath(path)
    doc = read_json_file(location, InputError, "JSON document", storage_options)
    try:
        if isinstance(doc, dict) and doc.get("kind") == "drift_by_group":
            check_grouped_drift(doc)
            return doc
        kind = document_kind(doc)
        if kind != "profile":
            check_document(doc, kind)
    except InputError as exc:
        raise InputError(f"{location}: {exc}") from None
    assert isinstance(doc, dict)
    return doc
