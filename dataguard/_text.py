"""Plain-text rendering: aligned tables for terminals and exception messages, and the numbers,
data values and failure samples they show."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dataguard._outcome import PARTIAL_LIMIT, Reason

if TYPE_CHECKING:
    from dataguard.result import ExpectationResult

#: Longest table cell: messages quote user names and patterns, which can be any length.
MAX_CELL = 500
#: Longest data value shown in full; longer ones are cut and say how much is hidden.
MAX_VALUE_CHARS = 120
#: Longest observed value in a table (a list of 200 column names); the message says the rest.
MAX_OBSERVED = 60
#: Narrowest a column is wrapped to, however narrow the terminal.
MIN_COLUMN = 12
#: Narrowest the last column (the message) is wrapped to before other columns give up room.
MIN_LAST = 40
#: Files of a dataset a report names; a longer list shows these and how many more there are.
LISTED_FILES = 20


def clip(text: str, limit: int = MAX_VALUE_CHARS, *, tally: bool = True) -> str:
    """``text`` cut at ``limit`` characters, ending in "…": the one way dataguard shortens text.

    With ``tally`` a note of how many characters were left out follows the ellipsis; without it
    (one-line reprs, chart labels, where width matters) the ellipsis takes the last of the
    ``limit`` characters, so the result is never longer than ``limit``.
    """
    if len(text) <= limit:
        return text
    if not tally:
        return text[: max(limit - 1, 0)] + "…"
    return f"{text[:limit]}… (+{len(text) - limit:,} characters)"


def number(value: Any, digits: int = 4) -> str:
    """A number as people read it: integers with thousands separators, floats to ``digits``
    significant digits, scientific notation only when very large or very small."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    if not isinstance(value, float):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e9 or magnitude < 1e-4:
        return f"{value:.{max(digits - 1, 1)}e}"
    if value.is_integer() and magnitude < 1e15:
        return f"{int(value):,}"
    decimals = max(digits - 1 - math.floor(math.log10(magnitude)), 0)
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def duration(seconds: Any) -> str:
    """A run time: milliseconds below a second, else seconds (or minutes)."""
    if not isinstance(seconds, (int, float)) or not math.isfinite(seconds):
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.2f} s"
    return f"{seconds / 60:.1f} min"


def files_text(files: Sequence[str]) -> str:
    """The files of a dataset for people: their count, then the first ``LISTED_FILES``."""
    head = ", ".join(files[:LISTED_FILES])
    more = f" and {len(files) - LISTED_FILES:,} more" if len(files) > LISTED_FILES else ""
    return f"{len(files):,} file{'s' if len(files) != 1 else ''}: {head}{more}"


def data_value(item: Any, limit: int = MAX_VALUE_CHARS) -> str:
    """A value from the data, exactly as it is (no rounding, no thousands separators, so an id
    reads as an id): strings quoted, so that blanks and empty strings show."""
    if item is None:
        return "null"
    if isinstance(item, str):
        return clip(repr(item), limit)
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, float) and math.isnan(item):
        return "NaN"
    if isinstance(item, Mapping):
        inner = ", ".join(
            f"{data_value(k, limit)}: {data_value(v, limit)}" for k, v in item.items()
        )
        return clip("{" + inner + "}", limit)
    return clip(str(item), limit)


def _cell(text: str) -> str:
    return clip(" ".join(str(text).split()), MAX_CELL)


def _fit(widths: list[int], width: int) -> list[int]:
    """Column widths that fit ``width``: the last column (the message) gives up room first,
    down to ``MIN_LAST``; then the widest of the others, down to ``MIN_COLUMN`` each; then the
    last again (a table of many columns may still be wider than a tiny terminal)."""
    fitted = list(widths)
    spare = sum(fitted) + 2 * (len(fitted) - 1) - width
    last = len(fitted) - 1
    for floor, candidates in (
        (MIN_LAST, [last]),
        (MIN_COLUMN, list(range(last))),
        (MIN_COLUMN, [last]),
    ):
        while spare > 0 and candidates:
            widest = max(candidates, key=fitted.__getitem__)
            if fitted[widest] <= floor:
                break
            fitted[widest] -= 1
            spare -= 1
    return fitted


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    notes: Sequence[Sequence[str]] = (),
    width: int | None = None,
) -> str:
    """An aligned plain-text table.

    ``notes[i]`` are lines printed under row ``i``, indented to its second column. With a
    ``width`` (a terminal's), the widest columns and the notes wrap to fit it; without one
    nothing wraps, so files and logs keep one line per row.
    """
    cells = [[_cell(c) for c in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    if width is not None:
        widths = _fit(widths, width)
    indent = widths[0] + 2 if len(widths) > 1 else 2
    out: list[str] = []
    for n, row in enumerate(cells):
        parts = [[c] if width is None else _lines(c, w) for c, w in zip(row, widths, strict=True)]
        for line in itertools.zip_longest(*parts, fillvalue=""):
            out.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
        elif n - 1 < len(notes):
            for note in notes[n - 1]:
                text = " ".join(note.split())
                room = None if width is None else max(width - indent, MIN_COLUMN)
                out += [
                    " " * indent + part for part in ([text] if room is None else _lines(text, room))
                ]
    return "\n".join(out)


def column_of(result: ExpectationResult) -> str:
    """The column(s) an expectation is about, or '-' for table-level ones."""
    columns = result.expectation.columns or tuple(
        c for c in [getattr(result.expectation, "column", None)] if isinstance(c, str)
    )
    return ", ".join(columns) if columns else "-"


def group_label(group: Mapping[str, Any] | None, *, quoted: bool = True) -> str:
    """A group as people read it: ``carrier='AA', year=2020`` (``quoted=False``:
    ``carrier=AA, year=2020``, for names such as JUnit test cases); empty for no group."""
    if not group:
        return ""

    def text(value: Any) -> str:
        if value is None:
            return "null"
        if isinstance(value, (dt.date, dt.time)):
            return value.isoformat()
        return repr(value) if quoted else str(value)

    return ", ".join(f"{column}={text(value)}" for column, value in group.items())


def observed_text(result: ExpectationResult) -> str:
    """A short text for what was observed: unexpected counts, else the observed value rounded
    for reading (the message keeps it exact)."""
    if result.reason is Reason.COLUMN_MISSING:
        return "column missing"
    if result.unexpected_count is not None:
        percent = result.unexpected_percent or 0.0
        return f"{number(result.unexpected_count)} unexpected ({number(percent, 3)}%)"
    observed = result.observed_value
    if observed is None:
        return "-"
    label = result.expectation.observed_label
    shown = clip(readable(observed), MAX_OBSERVED)
    return f"{label} {shown}" if label else shown


def readable(value: Any) -> str:
    """A statistic as people read it: numbers rounded to six significant digits (inside lists
    and mappings too), moments in ISO form, text as it is."""
    if value is None:
        return "null"
    if isinstance(value, (bool, int, float)):
        return number(value, 6)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {readable(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(readable(v) for v in value) + "]"
    return str(value)


def row_ids(ids: Sequence[Any]) -> tuple[list[Any], str]:
    """Failing rows and what identifies them: row numbers, or the values of the id columns
    (unwrapped when there is one), with a label such as ``rows (order_id)``."""
    if ids and all(isinstance(i, Mapping) for i in ids):
        keys = list(ids[0])
        if len(keys) == 1 and all(list(i) == keys for i in ids):
            return [i[keys[0]] for i in ids], f"rows ({keys[0]})"
        return list(ids), "rows (" + ", ".join(str(k) for k in keys) + ")"
    return list(ids), "rows"


def _more(shown: int, total: int, noun: str) -> str:
    return f" (showing {shown:,} of {total:,} {noun})" if total > shown else ""


def sample_lines(result: ExpectationResult) -> list[str]:
    """What a failed row-level result kept of its failures, bounded to ``PARTIAL_LIMIT`` entries
    each: the sampled unexpected values with their counts in the sample, and the failing rows
    (ids when ``id_columns`` were given). What is kept depends on the ``result_format``."""
    lines: list[str] = []
    total = result.unexpected_count
    counted = result.sample_counts
    if counted:
        sampled = len(result.partial_unexpected_list)
        shown = [
            data_value(value) + (f" ×{count}" if count > 1 else "")
            for value, count in counted[:PARTIAL_LIMIT]
        ]
        label = "unexpected values"
        if total is not None and total > sampled:
            label += f" (a sample of {sampled:,} of {total:,})"
        lines.append(
            f"{label}: {', '.join(shown)}{_more(len(shown), len(counted), 'distinct values')}"
        )
    if result.unexpected_index_list:
        ids, label = row_ids(result.unexpected_index_list[:PARTIAL_LIMIT])
        known = max(total or 0, len(result.unexpected_index_list))
        listed = ", ".join(data_value(i) for i in ids)
        lines.append(f"{label}: {listed}{_more(len(ids), known, 'rows')}")
    return lines


def group_of(result: ExpectationResult) -> str:
    """The group a result judged (``carrier=AA``), or '-' for a result of all rows."""
    return group_label(result.group, quoted=False) or "-"


def worst_group(results: Sequence[ExpectationResult]) -> ExpectationResult | None:
    """Of one expectation's results per group, the worst failed one: the largest share of
    unexpected values, else (expectations that judge no rows one by one) the first failed."""
    failed = [r for r in results if not r.passed and r.reason is not Reason.SKIPPED]
    if not failed:
        return None
    return max(failed, key=lambda r: -1.0 if r.unexpected_percent is None else r.unexpected_percent)


def worst_text(worst: ExpectationResult) -> str:
    """``worst group carrier='AA': 12.5% unexpected`` (or the observed statistic)."""
    text = f"worst group {group_label(worst.group)}"
    if worst.unexpected_percent is not None:
        text += f": {worst.unexpected_percent:.4g}% unexpected"
    elif worst.observed_value is not None:
        text += f": observed {observed_text(worst)}"
    return text


def group_summaries(results: Sequence[ExpectationResult]) -> list[str]:
    """One line per expectation judged per group with a failed group: how many groups failed
    and the worst of them (``not_null(delay): 2 of 4 groups failed; worst group ...``)."""
    lines = []
    for _, run in itertools.groupby(results, key=lambda r: id(r.expectation)):
        judged = [r for r in run if r.group is not None]
        worst = worst_group(judged)
        if worst is None:
            continue
        failed = sum(1 for r in judged if not r.passed and r.reason is not Reason.SKIPPED)
        name = f"{worst.expectation.name}({column_of(worst)})"
        lines.append(f"{name}: {failed} of {len(judged)} groups failed; {worst_text(worst)}")
    return lines


def with_groups(
    header: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    results: Sequence[ExpectationResult],
    cell: Callable[[str], str] = str,
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """A table's header and rows with a ``group`` column (its text through ``cell``) after
    ``column`` when some result judged a group; unchanged otherwise."""
    if all(r.group is None for r in results):
        return header, list(rows)
    at = header.index("column") + 1
    return (
        (*header[:at], "group", *header[at:]),
        [(*row[:at], cell(group_of(r)), *row[at:]) for row, r in zip(rows, results, strict=True)],
    )


def failure_table(results: Sequence[ExpectationResult], width: int | None = None) -> str:
    """The failed results as a table: severity, expectation, column (and group, when judged
    per group), observation, reason, each followed by its sample of unexpected values and
    rows."""
    rows = [
        (r.severity, r.expectation.name, column_of(r), observed_text(r), r.message) for r in results
    ]
    notes = [sample_lines(r) for r in results]
    header, cells = with_groups(
        ("severity", "expectation", "column", "observed", "message"), rows, results
    )
    return table(header, cells, notes, width)
