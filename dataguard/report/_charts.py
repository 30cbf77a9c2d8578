"""Chart geometry for the report templates: plain numbers and path strings, no markup.

The macros in ``reports/templates/macros.html.j2`` turn these dicts into inline SVG, so every
label (a column name, a category) passes through jinja's autoescaping like any other text. Paths
pack a whole series into one ``d`` attribute, which keeps a 100-column drift report small.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dataguard.report import _format as fmt

#: Vertical-bar charts (histograms): size and the plot area's margins, in CSS pixels.
COLUMNS_WIDTH, COLUMNS_HEIGHT = 520, 176
LEFT, RIGHT, TOP, BOTTOM = 46, 12, 10, 26
#: Most tick labels under a histogram (more would overlap at 11px).
MAX_X_LABELS = 6
#: Horizontal-bar charts (categories): label column, bar area, value column, row height.
LABEL_WIDTH, BAR_WIDTH, VALUE_WIDTH, ROW_HEIGHT = 124, 280, 116, 22
#: Characters of a category label drawn before it is cut (the full text is in a tooltip).
MAX_LABEL_CHARS = 18


def _n(value: float) -> str:
    """A coordinate with at most one decimal, without trailing zeros."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def nice_top(peak: float) -> tuple[float, float]:
    """An axis maximum at or above ``peak`` and a round tick step (1, 2, 2.5 or 5 x 10^k)."""
    if not math.isfinite(peak) or peak <= 0:
        return 1.0, 0.5
    raw = peak / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return step * math.ceil(peak / step - 1e-9), step


def columns(
    boundaries: Sequence[str],
    series: Sequence[Sequence[float]],
    *,
    classes: Sequence[str] = ("ref", "cur"),
    tick: Any = fmt.tick_share,
    at_slots: bool = False,
    label: str = "",
) -> dict[str, Any]:
    """Bars over equal-width slots, one slot per bin; ``boundaries`` label the inner bin edges
    (or, ``at_slots``, the slots themselves: one label per bar, for discrete values).

    With two series the first is drawn as a stepped area and the second as narrower bars on top
    of it, so both stay visible where they differ.
    """
    slots = max((len(s) for s in series), default=0)
    width, height = COLUMNS_WIDTH, COLUMNS_HEIGHT
    x0, x1, y0, y1 = LEFT, width - RIGHT, TOP, height - BOTTOM
    top, step = nice_top(max((max(s, default=0.0) for s in series), default=0.0))
    slot = (x1 - x0) / max(slots, 1)
    paths = []
    for index, values in enumerate(series):
        if index == 0 and len(series) > 1:
            # The reference as one stepped area: compact, and it reads as the backdrop.
            steps = "".join(
                f"V{_n(y1 - (y1 - y0) * min(max(v, 0.0) / top, 1.0))}H{_n(x0 + (i + 1) * slot)}"
                for i, v in enumerate(values)
            )
            paths.append({"cls": classes[0], "d": f"M{x0} {y1}{steps}V{y1}Z"})
            continue
        inset = 0.8 if index == 0 else slot * 0.22
        parts = []
        for i, v in enumerate(values):
            if not v or not math.isfinite(v):
                continue
            bar = (y1 - y0) * min(v / top, 1.0)
            left = x0 + i * slot + inset
            parts.append(f"M{_n(left)} {_n(y1 - bar)}h{_n(slot - 2 * inset)}V{y1}H{_n(left)}Z")
        paths.append({"cls": classes[index], "d": "".join(parts)})
    ticks = [k * step for k in range(round(top / step) + 1)]
    y_ticks = [{"y": _n(y1 - (y1 - y0) * t / top), "label": tick(t)} for t in ticks]
    grid = "".join(f"M{x0} {t['y']}H{x1}" for t in y_ticks[1:])
    every = max(1, math.ceil(len(boundaries) / MAX_X_LABELS))
    offset = 0.5 if at_slots else 1.0
    x_ticks = [
        {"x": _n(x0 + (i + offset) * slot), "label": text}
        for i, text in enumerate(boundaries)
        if i % every == (len(boundaries) - 1) % every
    ]
    marks = "".join(f"M{t['x']} {y1}v4" for t in x_ticks)
    return {
        "width": width,
        "height": height,
        "x0": x0,
        "x1": x1,
        "y0": y0,
        "y1": y1,
        "paths": paths,
        "grid": grid,
        "marks": marks,
        "y_ticks": y_ticks,
        "x_ticks": x_ticks,
        "label_y": y1 + 16,
        "label": label,
    }


def bars(
    labels: Sequence[str],
    series: Sequence[Sequence[float]],
    texts: Sequence[str],
    *,
    special: Sequence[bool] = (),
    classes: Sequence[str] = ("ref", "cur"),
    label: str = "",
) -> dict[str, Any]:
    """Horizontal bars, a row per label with one thin bar per series and a value text."""
    per_row = len(series)
    thickness = 14 if per_row == 1 else 7
    height = ROW_HEIGHT * len(labels) + 4
    x0 = LABEL_WIDTH
    peak = max((max(s, default=0.0) for s in series), default=0.0)
    scale = BAR_WIDTH / peak if peak > 0 else 0.0
    paths: list[list[str]] = [[] for _ in series]
    rows = []
    for row, name in enumerate(labels):
        top = 2 + row * ROW_HEIGHT + (ROW_HEIGHT - thickness * per_row - (per_row - 1)) / 2
        for index, values in enumerate(series):
            v = values[row]
            if v and math.isfinite(v):
                y = top + index * (thickness + 1)
                w = max(v * scale, 1.0)
                paths[index].append(f"M{x0} {_n(y)}h{_n(w)}v{thickness}H{x0}Z")
        short = fmt.clip(name, MAX_LABEL_CHARS, tally=False)
        rows.append(
            {
                "y": _n(2 + row * ROW_HEIGHT + ROW_HEIGHT / 2 + 4),
                "label": short,
                "full": fmt.clip(name, 200) if short != name else "",
                "special": bool(special[row]) if row < len(special) else False,
                "text": texts[row],
            }
        )
    return {
        "width": LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH,
        "height": height,
        "x0": x0,
        "value_x": LABEL_WIDTH + BAR_WIDTH + 8,
        "paths": [{"cls": classes[i], "d": "".join(p)} for i, p in enumerate(paths)],
        "rows": rows,
        "label": label,
    }


#: Trend charts over runs: a sparkline for a table row, and a larger chart for a page.
SPARK_WIDTH, SPARK_HEIGHT = 132, 30
TREND_WIDTH, TREND_HEIGHT = 560, 150
#: The larger chart's plot margins (its left margin holds the value range).
TREND_LEFT, TREND_RIGHT, TREND_TOP, TREND_BOTTOM = 64, 12, 10, 24


@dataclass(frozen=True)
class TrendPoint:
    """One run's value of a metric: when the run started, the value (None when the run has
    none, or it is not finite) and whether the run's check passed (None when unknown)."""

    time: str
    value: float | None
    passed: bool | None


def _mark(passed: bool | None) -> str:
    """A point's mark: passed, failed or unknown (shape and colour both differ, so the state
    does not rest on colour alone)."""
    return "unknown" if passed is None else ("pass" if passed else "fail")


def trend(
    points: Sequence[TrendPoint],
    *,
    label: str,
    text: Any = fmt.number,
    states: tuple[str, str] = ("passed", "failed"),
    large: bool = False,
) -> dict[str, Any]:
    """A line over runs, oldest first, one evenly spaced slot per run, each point marked
    passed or failed.

    Runs without a value break the line and get their mark on the baseline; a series without
    any value is a strip of marks. ``label`` names the metric and ``text`` writes a value for
    the points' tooltips and the description, which screen readers announce; ``states`` name
    a passed and a failed point there.
    """
    width, height = (TREND_WIDTH, TREND_HEIGHT) if large else (SPARK_WIDTH, SPARK_HEIGHT)
    if large:
        x0, x1, y0, y1 = TREND_LEFT, width - TREND_RIGHT, TREND_TOP, height - TREND_BOTTOM
    else:
        x0, x1, y0, y1 = 4, width - 4, 4, height - 4
    values = [p.value for p in points if p.value is not None]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    slot = (x1 - x0) / max(len(points) - 1, 1)

    def y_of(value: float | None) -> float:
        if value is None:
            return y1
        if high == low:  # a flat series sits in the middle, not on an edge
            return (y0 + y1) / 2
        return y1 - (y1 - y0) * (value - low) / (high - low)

    line: list[str] = []
    marks = []
    previous: float | None = None
    for index, point in enumerate(points):
        x = x0 + index * slot if len(points) > 1 else (x0 + x1) / 2
        y = y_of(point.value) if values else (y0 + y1) / 2
        if point.value is not None:
            line.append(f"{'L' if previous is not None else 'M'}{_n(x)} {_n(y)}")
        previous = point.value
        shown = "no value" if point.value is None else text(point.value)
        state = "" if point.passed is None else ", " + states[not point.passed]
        marks.append(
            {
                "x": _n(x),
                "y": _n(y),
                "cls": _mark(point.passed),
                "title": f"{point.time or 'run ' + str(index + 1)}: {shown}{state}",
            }
        )
    failed = sum(1 for p in points if p.passed is False)
    latest = points[-1] if points else None
    words = [f"{len(points)} runs" if len(points) != 1 else "1 run"]
    if points and points[0].time and latest is not None and latest.time:
        words[0] += f" from {points[0].time} to {latest.time}"
    if latest is not None:
        words.append(
            "latest "
            + ("no value" if latest.value is None else text(latest.value))
            + ("" if latest.passed is None else f" ({states[not latest.passed]})")
        )
    if values:
        words.append(f"range {text(low)} to {text(high)}")
    words.append(f"{failed} {states[1]}")
    return {
        "width": width,
        "height": height,
        "large": large,
        "line": "".join(line),
        "marks": marks,
        "label": label,
        "description": "; ".join(words),
        "x0": x0,
        "x1": x1,
        "y0": y0,
        "y1": y1,
        "high": text(high) if values else "",
        # a flat series sits in the middle, and its one value is labelled there
        "high_y": _n(y_of(high)) if values else y0,
        "low": text(low) if values and high != low else "",
        "first": points[0].time if points else "",
        "last": latest.time if latest is not None and len(points) > 1 else "",
        "label_y": y1 + 16,
    }
