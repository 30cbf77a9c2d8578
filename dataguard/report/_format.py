"""Text for people: numbers, shares, p-values and user values, short and escaped later by jinja."""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
from collections.abc import Sequence
from typing import Any

from dataguard._outcome import PARTIAL_LIMIT
from dataguard._text import MAX_VALUE_CHARS, clip, data_value, duration, number

__all__ = [
    "MAX_VALUE_CHARS",
    "PARTIAL_LIMIT",
    "axis_number",
    "breakable_name",
    "clip",
    "duration",
    "listing",
    "moment",
    "number",
    "percent",
    "pvalue",
    "share",
    "span",
    "stored_moment",
    "temporal_labels",
    "temporal_unit",
    "tick_share",
    "timestamp",
    "value",
]


#: Where a long name may wrap: after a separator (``_ . - / :``, spaces wrap anyway) and
#: between a lower-case and an upper-case letter (camelCase).
_NAME_BREAKS = re.compile(r"(?<=[_./:-])(?=[^_./:-])|(?<=[a-z])(?=[A-Z])")


def breakable_name(name: Any) -> str:
    """A column name as escaped HTML with a line-break opportunity (``<wbr>``) where it reads
    naturally, so a long name wraps between its words, not in the middle of one."""
    return "<wbr>".join(html.escape(part) for part in _NAME_BREAKS.split(str(name)))


def axis_number(value: float) -> str:
    """A tick label: three significant digits, with k/M/B for large magnitudes."""
    magnitude = abs(value)
    for limit, unit, suffix in ((1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if magnitude >= limit:
            return number(value / unit, 3) + suffix
    return number(value, 3)


def share(value: float | None, digits: int = 1) -> str:
    """A share in [0, 1] as a percentage; tiny non-zero shares keep a significant digit."""
    if value is None or not math.isfinite(value):
        return "–"
    percent = 100.0 * value
    if percent == 0:
        return "0%"
    if abs(percent) < 10**-digits:
        return f"{percent:.1g}%"
    return f"{percent:.{digits}f}%"


def tick_share(value: float) -> str:
    """A share on an axis: as few decimals as the tick needs (0%, 2.5%, 40%)."""
    return number(round(100.0 * value, 6), 3) + "%"


def percent(value: float | None, digits: int = 2) -> str:
    """A value already in percent."""
    return "–" if value is None else share(value / 100.0, digits)


def pvalue(value: float | None) -> str:
    """A p-value: three significant digits, scientific below 0.001, a dash when there is none."""
    if value is None or not math.isfinite(value):
        return "–"
    if value == 0:
        return "0"
    if value < 1e-3:
        return f"{value:.2e}"
    return f"{value:.3g}"


def value(item: Any, limit: int = MAX_VALUE_CHARS) -> str:
    """A data value as text: strings as they are, numbers exactly and without thousands
    separators (an id or a year reads as written), everything else as compact JSON."""
    if isinstance(item, str):
        return clip(item, limit) if item else '""'
    if item is None:
        return "null"
    if isinstance(item, (int, float)):
        return data_value(item, limit)
    return clip(json.dumps(item, ensure_ascii=False, default=str), limit)


def listing(items: Sequence[Any], total: int | None, noun: str) -> dict[str, Any]:
    """The first ``PARTIAL_LIMIT`` items as text, and a sentence saying what was left out."""
    shown = [value(i) for i in items[:PARTIAL_LIMIT]]
    total = len(items) if total is None else total
    more = ""
    if total > len(shown):
        more = f"showing {len(shown):,} of {total:,} {noun}"
    return {"items": shown, "more": more}


def timestamp(text: Any) -> str:
    """An ISO timestamp as ``YYYY-MM-DD HH:MM:SS UTC`` (or the text itself if it is not one)."""
    if not isinstance(text, str):
        return "–"
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc)
        return moment.strftime("%Y-%m-%d %H:%M:%S UTC")
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def temporal_unit(example: Any) -> str | None:
    """``"timestamp"`` or ``"date"`` when a column's summary values are ISO text, else None.

    Profiles keep temporal values as microseconds (timestamps) or days (dates) since the epoch
    and show their summaries as ISO text, which tells the unit of the bin edges.
    """
    if not isinstance(example, str):
        return None
    try:
        dt.datetime.fromisoformat(example)
    except ValueError:
        return None
    return "timestamp" if "T" in example else "date"


_EPOCH = dt.datetime(1970, 1, 1)


def _moment(stored: float, unit: str) -> dt.datetime | None:
    try:
        if unit == "date":
            return _EPOCH + dt.timedelta(days=stored)
        return _EPOCH + dt.timedelta(microseconds=stored)
    except OverflowError:
        return None


def temporal_labels(stored: Sequence[float], unit: str) -> list[str]:
    """Edges of a temporal column (in its storage unit) as dates, or as date-times when they
    span less than three days."""
    moments = [_moment(v, unit) for v in stored]
    known = [m for m in moments if m is not None]
    short = unit != "date" and bool(known) and (max(known) - min(known)) < dt.timedelta(days=3)
    pattern = "%m-%d %H:%M" if short else "%Y-%m-%d"
    return [
        m.strftime(pattern) if m is not None else axis_number(v)
        for m, v in zip(moments, stored, strict=True)
    ]


def moment(text: str) -> str:
    """ISO date-time text without the ``T`` and fractions of a second; other text unchanged."""
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if "T" not in text and " " not in text:
        return parsed.strftime("%Y-%m-%d")
    return parsed.strftime("%Y-%m-%d %H:%M:%S")


def stored_moment(stored: float, unit: str) -> str:
    """A temporal value in its storage unit (microseconds or days) as date(-time) text."""
    when = _moment(stored, unit)
    if when is None:
        return number(stored)
    return when.strftime("%Y-%m-%d" if unit == "date" else "%Y-%m-%d %H:%M:%S")


def span(stored: float, unit: str) -> str:
    """A temporal spread (a standard deviation) in its storage unit, as a duration."""
    seconds = stored * (86400.0 if unit == "date" else 1e-6)
    for size, name in ((86400.0, "days"), (3600.0, "hours"), (60.0, "minutes")):
        if abs(seconds) >= size:
            return f"{number(seconds / size, 3)} {name}"
    return f"{number(seconds, 3)} seconds"
