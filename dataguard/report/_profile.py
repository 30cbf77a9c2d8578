"""The profile report's view model: per column its type, counts, summaries and a chart."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dataguard._version import __version__
from dataguard.profile._model import CategoricalProfile, NumericProfile, Profile
from dataguard.report import _charts as charts
from dataguard.report import _format as fmt

#: Quantiles listed for numeric columns.
QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
#: Bars of a numeric histogram, and categories listed before the rest is pooled.
HISTOGRAM_BINS = 24
TOP_CATEGORIES = 15
#: Numeric columns with at most this many distinct values get a bar per value.
DISCRETE_BARS = 20
#: When the full range is this many times wider than the 1%-99% range, the histogram shows the
#: 1%-99% range and counts what lies outside, so a few outliers do not flatten the picture. A
#: normal sample's range (about 2 z(1 - 1/n) sigma) stays under 2.5 x 4.65 sigma up to ~10^8
#: rows, so only genuinely long tails are cut.
TAIL_RATIO = 2.5


def _unit(column: NumericProfile) -> str | None:
    if column.dtype.startswith("timestamp"):
        return "timestamp"
    if column.dtype.startswith("date"):
        return "date"
    return None


def _show(column: NumericProfile, stored: float | None) -> str:
    """A value in the column's storage unit as people read it."""
    unit = _unit(column)
    if unit is not None and stored is not None and math.isfinite(stored):
        return fmt.stored_moment(stored, unit)
    return fmt.number(stored, 5)


def _spread(column: NumericProfile, stored: float | None) -> str:
    """A standard deviation, as a duration for temporal columns."""
    unit = _unit(column)
    if stored is None or not math.isfinite(stored) or unit is None:
        return fmt.number(stored, 4)
    return fmt.span(stored, unit)


def _cdf_points(column: NumericProfile) -> tuple[np.ndarray, np.ndarray] | None:
    """Knots of the column's cumulative counts: value -> rows at or below it (bins are
    right-closed, values spread evenly inside a bin)."""
    if column.edges is None or column.counts is None or column.minimum is None:
        return None
    assert column.maximum is not None
    cumulative = np.cumsum(column.counts)
    # No value lies below the minimum or above the maximum: edges outside them move onto them,
    # and of equal knots the first stays (the cumulative count just below that value).
    xs = np.clip(
        np.concatenate([[column.minimum], column.edges, [column.maximum]]),
        column.minimum,
        column.maximum,
    )
    ys = np.concatenate([[0], cumulative[:-1], [cumulative[-1]]]).astype(np.float64)
    keep = np.concatenate([[True], np.diff(xs) > 0])
    return xs[keep], ys[keep]


def _quantiles(column: NumericProfile) -> list[tuple[float, float]]:
    if column.exact is not None:
        finite = column.exact[np.isfinite(column.exact)]
        if finite.size:
            return [(q, float(np.quantile(finite, q))) for q in QUANTILES]
        return []
    points = _cdf_points(column)
    if points is None or points[1][-1] == 0:
        return []
    xs, ys = points
    total = ys[-1]
    return [(q, float(np.interp(q * total, ys, xs))) for q in QUANTILES]


def _histogram(column: NumericProfile) -> dict[str, Any] | None:
    unit = _unit(column)
    values, counts = column.discrete_values, column.discrete_counts
    if values is not None and counts is not None and 0 < values.size <= DISCRETE_BARS:
        labels = (
            fmt.temporal_labels(values.tolist(), unit)
            if unit
            else [fmt.axis_number(float(v)) for v in values]
        )
        total = max(int(counts.sum()), 1)
        return {
            "svg": charts.columns(
                labels,
                [(counts / total).tolist()],
                classes=("one",),
                at_slots=True,
                label="share of each value",
            ),
            "caption": "Share of the present values taking each value.",
        }
    points = _cdf_points(column)
    if points is None or points[1][-1] == 0:
        return None
    xs, ys = points
    total = ys[-1]
    low, high = float(xs[0]), float(xs[-1])
    note = ""
    inner_low, inner_high = (float(np.interp(q * total, ys, xs)) for q in (0.01, 0.99))
    if inner_high > inner_low and (high - low) > TAIL_RATIO * (inner_high - inner_low):
        below = round(float(np.interp(inner_low, xs, ys)))
        above = round(float(total - np.interp(inner_high, xs, ys)))
        low, high = inner_low, inner_high
        note = (
            f" The 1%–99% range is shown: {fmt.number(below)} values lie below it and "
            f"{fmt.number(above)} above, down to {_show(column, column.minimum)} and up to "
            f"{_show(column, column.maximum)}."
        )
    if high <= low:
        return None
    if values is not None and bool(np.all(values == np.round(values))):
        # Whole numbers (or days): bins a whole number wide, each labelled by its first value,
        # so no bin holds one value more than its neighbours.
        width = math.ceil((high - low + 1) / HISTOGRAM_BINS)
        count = math.ceil((high - low + 1) / width)
        bounds = math.floor(low) - 0.5 + width * np.arange(count + 1)
        inner = (bounds[1:-1] + 0.5).tolist()
    else:
        bounds = np.linspace(low, high, HISTOGRAM_BINS + 1)
        inner = bounds[1:-1].tolist()
    shares = np.diff(np.interp(bounds, xs, ys)) / total
    labels = fmt.temporal_labels(inner, unit) if unit else [fmt.axis_number(v) for v in inner]
    return {
        "svg": charts.columns(
            labels, [shares.tolist()], classes=("one",), label="share of values per bin"
        ),
        "caption": f"Share of the present values in {shares.size} equal-width bins.{note}",
    }


def _numeric(index: int, column: NumericProfile) -> dict[str, Any]:
    moments = column.moments
    stats = [
        {"label": "minimum", "value": _show(column, column.minimum)},
        {"label": "maximum", "value": _show(column, column.maximum)},
        {"label": "mean", "value": _show(column, moments.mean)},
        {"label": "standard deviation", "value": _spread(column, moments.stdev)},
    ]
    if column.positive_infinities or column.negative_infinities:
        stats.append(
            {
                "label": "infinite values",
                "value": f"{fmt.number(column.positive_infinities)} +∞, "
                f"{fmt.number(column.negative_infinities)} −∞",
            }
        )
    quantiles = [
        {"label": f"{100 * q:g}%", "value": _show(column, v)} for q, v in _quantiles(column)
    ]
    return {
        **_common(index, column),
        "distinct": fmt.number(column.distinct),
        "stats": stats,
        "quantiles": quantiles,
        "chart": _histogram(column),
        "chart_type": "columns",
        "overview": f"{_show(column, column.minimum)} – {_show(column, column.maximum)}",
    }


def _categorical(index: int, column: CategoricalProfile) -> dict[str, Any]:
    present = column.count
    order = np.argsort(-column.counts, kind="stable")
    top = [(fmt.value(column.keys[i], 60), int(column.counts[i])) for i in order[:TOP_CATEGORIES]]
    rest = int(column.counts[order[TOP_CATEGORIES:]].sum()) + column.other
    labels = [name for name, _ in top]
    counts = [count for _, count in top]
    special = [False] * len(top)
    if rest:
        hidden = len(order[TOP_CATEGORIES:])
        labels.append("OTHER")
        counts.append(rest)
        special.append(True)
        caption_rest = (
            f" OTHER pools {fmt.number(hidden)} less frequent categories"
            + (" and the values beyond the profile's category cap" if column.other else "")
            + "."
        )
    else:
        caption_rest = ""
    shares = [c / present if present else 0.0 for c in counts]
    chart = None
    if labels:
        chart = {
            "svg": charts.bars(
                labels,
                [shares],
                [f"{fmt.number(c)} ({fmt.share(s)})" for c, s in zip(counts, shares, strict=True)],
                special=special,
                classes=("one",),
                label="most frequent categories",
            ),
            "caption": (
                f"The most frequent categories and their share of present values.{caption_rest}"
            ),
        }
    stats = [{"label": "categories kept", "value": fmt.number(len(column.keys))}]
    if column.lengths is not None and present:
        stats += [
            {"label": "shortest text", "value": f"{fmt.number(column.lengths['min'])} characters"},
            {"label": "longest text", "value": f"{fmt.number(column.lengths['max'])} characters"},
            {
                "label": "mean length",
                "value": f"{fmt.number(column.lengths['total'] / present, 3)} characters",
            },
        ]
    overview = "–"
    if top and present:
        overview = f"{top[0][0]} ({fmt.share(top[0][1] / present)})"
    return {
        **_common(index, column),
        "distinct": fmt.number(column.distinct),
        "stats": stats,
        "quantiles": [],
        "chart": chart,
        "chart_type": "bars",
        "overview": overview,
    }


def _common(index: int, column: NumericProfile | CategoricalProfile) -> dict[str, Any]:
    rows, missing = column.rows, column.missing
    return {
        "anchor": f"col-{index}",
        "name": column.name,
        "kind": column.kind,
        "dtype": column.dtype,
        "rows": fmt.number(rows),
        "present": fmt.number(rows - missing),
        "missing": fmt.number(missing),
        "missing_share": fmt.share(missing / rows if rows else 0.0, 2),
        "has_missing": missing > 0,
    }


def profile_view(profile: Profile) -> dict[str, Any]:
    """Everything the profile template shows, as plain values."""
    columns = []
    for index, column in enumerate(profile.columns.values()):
        if isinstance(column, NumericProfile):
            columns.append(_numeric(index, column))
        else:
            columns.append(_categorical(index, column))
    numeric = sum(1 for c in columns if c["kind"] == "numeric")
    with_missing = sum(1 for c in columns if c["has_missing"])
    settings = profile.settings
    return {
        "kind": "profile",
        "title": "Data profile",
        "headline": f"{fmt.number(profile.rows)} rows, {len(columns)} columns",
        "stats": [
            {"label": "rows", "value": fmt.number(profile.rows), "tone": ""},
            {"label": "columns", "value": fmt.number(len(columns)), "tone": ""},
            {"label": "numeric", "value": fmt.number(numeric), "tone": ""},
            {"label": "categorical", "value": fmt.number(len(columns) - numeric), "tone": ""},
            {
                "label": "with missing values",
                "value": fmt.number(with_missing),
                "tone": "warn" if with_missing else "",
            },
        ],
        "facts": [
            {
                "label": "counted on a reference's grid",
                "value": "yes" if profile.on_reference_grid else "no",
            },
            {"label": "quantile bins", "value": fmt.number(settings.bins)},
            {"label": "values kept exactly up to", "value": fmt.number(settings.exact_cap)},
            {"label": "categories kept up to", "value": fmt.number(settings.categorical_cap)},
            {
                "label": "co-moments",
                "value": "kept" if profile.comoments is not None else "not kept",
            },
            {"label": "dataguard version", "value": __version__},
        ],
        "columns": columns,
    }
