"""The bar chart of a group comparison (``rate_parity``, ``missingness_parity``,
``group_share_between``): one bar per group with the limits as dashed lines.

Built from the result document's ``details`` (``groups``: each group's ``group`` keys,
``value``, ``judged`` and ``passed``; ``lines``: the limits, each a ``value`` and a ``label``),
so a saved JSON result draws the same chart. Geometry only: the labels reach the SVG through
the template's autoescaping, like every other text of the report.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from dataguard.report import _format as fmt
from dataguard.report._charts import (
    BAR_WIDTH,
    LABEL_WIDTH,
    MAX_LABEL_CHARS,
    ROW_HEIGHT,
    VALUE_WIDTH,
    _n,
    nice_top,
)

#: Most groups drawn; the JSON result lists them all.
MAX_BARS = 40
_THICKNESS = 14


def _label(group: Any) -> str:
    if not isinstance(group, Mapping):
        return fmt.value(group)
    return ", ".join(f"{c}={fmt.value(v)}" for c, v in group.items())


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def group_chart(result: Mapping[str, Any]) -> dict[str, Any] | None:
    """The chart's geometry, or None when the result compares no groups."""
    details = result.get("details")
    if not isinstance(details, Mapping) or not isinstance(details.get("groups"), list):
        return None
    groups = [g for g in details["groups"] if isinstance(g, Mapping)]
    if not groups:
        return None
    shown = groups[:MAX_BARS]
    lines = [
        (value, str(line.get("label", "")))
        for line in details.get("lines") or []
        if isinstance(line, Mapping) and (value := _number(line.get("value"))) is not None
    ]
    values = [_number(g.get("value")) for g in shown]
    peak = max([v for v in values if v is not None] + [v for v, _ in lines], default=0.0)
    top, _ = nice_top(peak)
    scale = BAR_WIDTH / top
    x0 = LABEL_WIDTH
    height = ROW_HEIGHT * len(shown) + 4
    paths: dict[str, list[str]] = {"pass": [], "fail": [], "unjudged": []}
    rows = []
    for row, (group, value) in enumerate(zip(shown, values, strict=True)):
        judged = group.get("judged") is not False
        state = "unjudged" if not judged else "fail" if group.get("passed") is False else "pass"
        if value is not None and value > 0:
            y = 2 + row * ROW_HEIGHT + (ROW_HEIGHT - _THICKNESS) / 2
            width = max(value * scale, 1.0)
            paths[state].append(f"M{x0} {_n(y)}h{_n(width)}v{_THICKNESS}H{x0}Z")
        name = _label(group.get("group"))
        short = fmt.clip(name, MAX_LABEL_CHARS, tally=False)
        text = "–" if value is None else f"{value:.3g}"
        rows.append(
            {
                "y": _n(2 + row * ROW_HEIGHT + ROW_HEIGHT / 2 + 4),
                "label": short,
                "full": fmt.clip(name, 200) if short != name else "",
                "special": state == "fail",
                "text": text if judged else f"{text} (not judged)",
            }
        )
    limits = [
        {"d": f"M{_n(x0 + value * scale)} 0V{height}", "label": f"{label}: {value:.3g}"}
        for value, label in lines
    ]
    measure = str(details.get("measure") or "value")
    more = len(groups) - len(shown)
    return {
        "width": LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH,
        "height": height,
        "x0": x0,
        "value_x": LABEL_WIDTH + BAR_WIDTH + 8,
        "paths": [{"cls": f"g-{state}", "d": "".join(p)} for state, p in paths.items() if p],
        "rows": rows,
        "limits": limits,
        "label": f"{measure} per group",
        "caption": _caption(measure, limits, more),
    }


def _caption(measure: str, limits: list[dict[str, str]], more: int) -> str:
    text = f"{measure} per group"
    if limits:
        text += "; dashed: " + ", ".join(x["label"] for x in limits)
    if more > 0:
        text += f"; {more:,} more groups in the JSON result"
    return text
