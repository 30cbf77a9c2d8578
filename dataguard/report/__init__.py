"""HTML reports: plain view models built from results, rendered with the jinja2 templates of
``reports/templates`` into one self-contained file each."""

from dataguard.report._render import (
    CONTENT_SECURITY_POLICY,
    document_kind,
    load_document,
    notebook_html,
    render_html,
    render_page,
    template_dirs,
    view_model,
    write_report,
)

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "document_kind",
    "load_document",
    "notebook_html",
    "render_html",
    "render_page",
    "template_dirs",
    "view_model",
    "write_report",
]
