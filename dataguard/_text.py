"""Plain-text rendering: aligned tables for terminals and exception messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataguard.result import ExpectationResult

#: Widest cell before it is cut with an ellipsis, so one long value cannot wreck the table.
MAX_CELL = 60


def _cell(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """An aligned plain-text table."""
    cells = [[_cell(c) for c in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def column_of(result: ExpectationResult) -> str:
    """The column(s) an expectation is about, or '-' for table-level ones."""
    columns = result.expectation.columns or tuple(
        c for c in [getattr(result.expectation, "column", None)] if isinstance(c, str)
    )
    return ", ".join(columns) if columns else "-"


def observed_text(result: ExpectationResult) -> str:
    """A short text for what was observed: unexpected counts or the observed value."""
    if result.unexpected_count is not None:
        percent = result.unexpected_percent or 0.0
        return f"{result.unexpected_count} unexpected ({percent:.3g}%)"
    if result.observed_value is None:
        return "-"
    return repr(result.observed_value)


def failure_table(results: Sequence[ExpectationResult]) -> str:
    """The failed results as a table: severity, expectation, column, observation, reason."""
    rows = [
        (r.severity, r.expectation.name, column_of(r), observed_text(r), r.message) for r in results
    ]
    return table(("severity", "expectation", "column", "observed", "message"), rows)
