"""The drift report's view model, built from a drift document (``DriftReport.to_dict()``)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from dataguard._text import group_label
from dataguard.drift import TYPE_CHANGE
from dataguard.report import _charts as charts
from dataguard.report import _format as fmt

#: Each method's name for people, and what its effect measures.
METHODS: Mapping[str, tuple[str, str]] = {
    "ks": ("Kolmogorov–Smirnov", "KS distance D"),
    "chi_square": ("chi-square homogeneity", "total variation"),
    "z_test": ("two-proportion z-test", "share difference"),
    "fisher_exact": ("Fisher exact test", "share difference"),
    "psi": ("population stability index", "PSI"),
    "jensen_shannon": ("Jensen–Shannon distance", "distance"),
    "hellinger": ("Hellinger distance", "distance"),
    "total_variation": ("total variation distance", "distance"),
    "l_infinity": ("L∞ distance", "largest share change"),
    "wasserstein": ("Wasserstein distance", "reference SDs"),
    "anderson_darling": ("Anderson–Darling", "KS distance D"),
    "cramer_von_mises": ("Cramér–von Mises", "KS distance D"),
    "welch_t": ("Welch t-test", "mean shift in SDs"),
    "none": ("no test", "none"),
}

#: One sentence per method for the "what was tested" section.
METHOD_WORDS: Mapping[str, str] = {
    "ks": (
        "Continuous numeric columns get a two-sample Kolmogorov–Smirnov test; its effect D is "
        "the largest gap between the reference's and the current data's cumulative "
        "distributions (D = 0.1: some value splits the two datasets 10 percentage points "
        "differently)."
    ),
    "chi_square": (
        "Categorical columns, and numeric ones with at most 20 distinct values, get a "
        "chi-square test of homogeneity on their counts, values the reference never saw "
        "included (NEW). Its effect is the total variation distance: the share of rows that "
        "would have to change category to make the two distributions equal."
    ),
    "z_test": (
        "Binary columns get a two-proportion z-test; the effect is the difference of the two "
        "shares."
    ),
    "fisher_exact": (
        "Binary columns with small counts get Fisher's exact test; the effect is the difference "
        "of the two shares."
    ),
    "psi": "Columns tested with PSI compare shares per reference decile (PSI ≥ 0.1 flags).",
    "jensen_shannon": "Jensen–Shannon distance was requested for some columns (flag at 0.1).",
    "hellinger": "Hellinger distance was requested for some columns (flag at 0.1).",
    "total_variation": "Total variation distance was requested for some columns (flag at 0.03).",
    "l_infinity": "The largest change of a single share was requested for some columns.",
    "wasserstein": (
        "Wasserstein distance, in reference standard deviations, was requested for some "
        "columns (flag at 0.1)."
    ),
    "anderson_darling": "Some columns were tested with the k-sample Anderson–Darling test.",
    "cramer_von_mises": "Some columns were tested with the Cramér–von Mises test.",
    "welch_t": (
        "Some columns were tested with Welch's t-test on their means; the effect is the mean "
        "difference in reference standard deviations."
    ),
}


def _effect_key(column: Mapping[str, Any]) -> tuple[bool, float]:
    effect = column.get("effect")
    size = effect if isinstance(effect, (int, float)) and math.isfinite(effect) else math.inf
    return (not column.get("drifted"), -size)


def _value_flagged(column: Mapping[str, Any], alpha: float) -> bool:
    """Whether the values (not only the missing share) passed both gates."""
    adjusted, effect = column.get("pvalue_adjusted"), column.get("effect")
    threshold = float(column.get("threshold") or 0.0)
    effect = math.inf if effect is None else float(effect)
    if column.get("pvalue") is None:
        statistic = column.get("statistic")
        statistic = math.inf if statistic is None else float(statistic)
        return column.get("method") != "none" and statistic >= threshold
    return adjusted is not None and adjusted < alpha and effect >= threshold


def _why(column: Mapping[str, Any], alpha: float, value_flag: bool) -> str:
    """The verdict in words: which gate held or failed."""
    adjusted = column.get("pvalue_adjusted")
    threshold = float(column.get("threshold") or 0.0)
    effect = column.get("effect")
    effect_text = fmt.number(effect if effect is not None else math.inf, 3)
    if column.get("method") in ("none", TYPE_CHANGE):  # no test ran: the reason says why
        return str(column.get("reason") or "the values were not tested")
    if column.get("pvalue") is None:
        relation = "reaches" if value_flag else "is below"
        return f"distance {effect_text} {relation} the threshold {fmt.number(threshold)}"
    p_text = fmt.pvalue(adjusted)
    if value_flag:
        return (
            f"adjusted p {p_text} < α {fmt.number(alpha)} and effect {effect_text} ≥ "
            f"{fmt.number(threshold)}"
        )
    if adjusted is not None and adjusted < alpha:
        return (
            f"significant (adjusted p {p_text}) but the effect {effect_text} is below "
            f"{fmt.number(threshold)}: too small to matter"
        )
    return f"adjusted p {p_text} ≥ α {fmt.number(alpha)}: consistent with the reference"


def _bin_label(edges: Sequence[str], index: int) -> str:
    if index == 0:
        return f"≤ {edges[0]}" if edges else "all values"
    if index >= len(edges):
        return f"> {edges[-1]}"
    return f"{edges[index - 1]} – {edges[index]}"


def _largest_change(
    names: Sequence[str], reference: Sequence[float], current: Sequence[float]
) -> str:
    if not names:
        return ""
    gaps = [abs(c - r) for r, c in zip(reference, current, strict=True)]
    i = max(range(len(gaps)), key=gaps.__getitem__)
    if gaps[i] == 0:
        return ""
    return (
        f"Largest change: {names[i]} holds {fmt.share(reference[i])} of the reference and "
        f"{fmt.share(current[i])} of the current data."
    )


def _numeric_chart(details: Mapping[str, Any]) -> dict[str, Any] | None:
    histogram = details.get("histogram")
    if not isinstance(histogram, Mapping) or "edges" not in histogram:
        return None
    edges = [float(e) for e in histogram["edges"]]
    reference = [float(v) for v in histogram["reference"]]
    current = [float(v) for v in histogram["current"]]
    summary = details.get("reference")
    unit = fmt.temporal_unit(summary.get("min")) if isinstance(summary, Mapping) else None
    labels = fmt.temporal_labels(edges, unit) if unit else [fmt.axis_number(e) for e in edges]
    names = [_bin_label(labels, i) for i in range(len(reference))]
    return {
        "type": "columns",
        "svg": charts.columns(
            labels, [reference, current], label="reference and current shares per bin"
        ),
        "change": _largest_change(names, reference, current),
    }


def _categorical_chart(details: Mapping[str, Any]) -> dict[str, Any] | None:
    histogram = details.get("histogram")
    if not isinstance(histogram, Mapping) or "labels" not in histogram:
        return None
    labels = [str(v) for v in histogram["labels"]]
    reference = [float(v) for v in histogram["reference"]]
    current = [float(v) for v in histogram["current"]]
    # Cells beyond the reference's categories: OTHER (its rarer categories, pooled) and NEW ones
    # (values it never saw). A NEW cell has no reference share, which tells it from a category
    # that merely starts with "NEW"; an empty one says nothing and is left out.
    special = [
        name == "OTHER" or (name.startswith("NEW") and share == 0)
        for name, share in zip(labels, reference, strict=True)
    ]
    keep = [
        i for i, extra in enumerate(special) if not (extra and not reference[i] and not current[i])
    ]
    labels = [labels[i] for i in keep]
    reference, current = [reference[i] for i in keep], [current[i] for i in keep]
    special = [special[i] for i in keep]
    texts = [f"{fmt.share(r)} → {fmt.share(c)}" for r, c in zip(reference, current, strict=True)]
    return {
        "type": "bars",
        "svg": charts.bars(
            labels, [reference, current], texts, special=special, label="category shares"
        ),
        "change": _largest_change(labels, reference, current),
    }


def _summary_rows(details: Mapping[str, Any]) -> list[dict[str, str]]:
    reference, current = details.get("reference"), details.get("current")
    if not isinstance(reference, Mapping) or not isinstance(current, Mapping):
        return []
    names = (
        ("count", "present values"),
        ("missing", "missing"),
        ("mean", "mean"),
        ("std", "standard deviation"),
        ("min", "minimum"),
        ("max", "maximum"),
    )
    unit = fmt.temporal_unit(reference.get("min"))

    def show(key: str, value: Any) -> str:
        # Temporal columns: moments are in the storage unit, extremes are ISO text.
        if unit and isinstance(value, (int, float)) and key in ("mean", "std"):
            return fmt.stored_moment(value, unit) if key == "mean" else fmt.span(value, unit)
        if unit and isinstance(value, str):
            return fmt.moment(value)
        return fmt.value(value)

    return [
        {"label": label, "reference": show(key, reference[key]), "current": show(key, current[key])}
        for key, label in names
        if key in reference and key in current
    ]


def _extras(column: Mapping[str, Any], details: Mapping[str, Any]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    if isinstance(details.get("psi"), (int, float)):
        out.append({"label": "PSI", "value": fmt.number(details["psi"], 3)})
    if isinstance(details.get("wasserstein"), (int, float)):
        out.append(
            {
                "label": "Wasserstein (reference SDs)",
                "value": fmt.number(details["wasserstein"], 3),
            }
        )
    if isinstance(details.get("jensen_shannon"), (int, float)):
        out.append({"label": "Jensen–Shannon", "value": fmt.number(details["jensen_shannon"], 3)})
    if isinstance(details.get("out_of_range_share"), (int, float)):
        out.append(
            {
                "label": "outside the reference's range",
                "value": fmt.share(details["out_of_range_share"], 2),
            }
        )
    if isinstance(details.get("new_share"), (int, float)):
        out.append(
            {"label": "values new to the reference", "value": fmt.share(details["new_share"], 2)}
        )
    examples = details.get("new_examples")
    if isinstance(examples, list) and examples:
        shown = fmt.listing(examples, None, "examples")
        text = ", ".join(shown["items"])
        out.append(
            {
                "label": "new values, e.g.",
                "value": text + (f" ({shown['more']})" if shown["more"] else ""),
            }
        )
    if isinstance(details.get("reference_rank_error"), (int, float)):
        out.append(
            {
                "label": "merged reference: counts known to",
                "value": "± " + fmt.share(details["reference_rank_error"], 3),
            }
        )
    if column.get("method") == "ks" and isinstance(details.get("d_hi"), (int, float)):
        out.append(
            {
                "label": "D bracket on the bins",
                "value": f"{fmt.number(details.get('d_lo'), 4)} – {fmt.number(details['d_hi'], 4)}",
            }
        )
    return out


def _side_share(summary: Any) -> float | None:
    if not isinstance(summary, Mapping):
        return None
    count, missing = summary.get("count"), summary.get("missing")
    if not isinstance(count, int) or not isinstance(missing, int) or count + missing == 0:
        return None
    return missing / (count + missing)


def _missing(column: Mapping[str, Any], alpha: float) -> dict[str, Any] | None:
    """The missing shares of both sides, from the missing-share test or else the summaries
    (no test is run when neither side has a missing value)."""
    missing = column.get("missing")
    details = column.get("details") or {}
    if isinstance(missing, Mapping):
        reference = float(missing.get("reference_share") or 0.0)
        current = float(missing.get("current_share") or 0.0)
    else:
        before, after = _side_share(details.get("reference")), _side_share(details.get("current"))
        if before is None or after is None:
            return None
        reference, current = before, after
        missing = {}
    chart = None
    if reference or current:
        chart = charts.bars(
            ["reference", "current"],
            [[reference, current]],
            [fmt.share(reference, 2), fmt.share(current, 2)],
            classes=("miss",),
            label="share of missing values",
        )
    drifted = bool(missing.get("drifted"))
    adjusted = missing.get("pvalue_adjusted")
    return {
        "reference": fmt.share(reference, 2),
        "current": fmt.share(current, 2),
        "changed": reference != current,
        "drifted": drifted,
        # Both gates flag a change; passing the significance gate alone means the change is
        # real but smaller than the minimum effect.
        "significant": not drifted and isinstance(adjusted, (int, float)) and adjusted < alpha,
        "pvalue_adjusted": fmt.pvalue(missing.get("pvalue_adjusted")),
        "chart": chart,
    }


def _column(index: int, column: Mapping[str, Any], alpha: float) -> dict[str, Any]:
    details = column.get("details") or {}
    method = str(column.get("method"))
    name, effect_words = METHODS.get(method, (method.replace("_", " "), "effect"))
    value_flag = _value_flagged(column, alpha)
    missing = _missing(column, alpha)
    drifted = bool(column.get("drifted"))
    if drifted and value_flag:
        verdict, label = "drift", "drift"
    elif drifted:
        verdict, label = "drift", "drift: missing"
    else:
        verdict, label = "ok", "no drift"
    effect = column.get("effect")
    threshold = float(column.get("threshold") or 0.0)
    # Effect meter: the gate sits at a third of the bar, so large effects still fit. An infinite
    # effect (written as null) fills it.
    if effect is None:
        fill = 1.0
    elif threshold > 0:
        fill = min(float(effect) / (3 * threshold), 1.0)
    else:
        fill = 1.0 if effect else 0.0
    chart = _numeric_chart(details) or _categorical_chart(details)
    return {
        "anchor": f"col-{index}",
        "name": str(column.get("column")),
        "kind": str(column.get("kind")),
        "method": method,
        "method_name": name,
        "effect_words": effect_words,
        "reason": str(column.get("reason", "")),
        "statistic": fmt.number(column.get("statistic"), 4),
        "pvalue": fmt.pvalue(column.get("pvalue")),
        "pvalue_adjusted": fmt.pvalue(column.get("pvalue_adjusted")),
        "effect": fmt.number(effect if effect is not None else math.inf, 4),
        "effect_fill": f"{100 * fill:.0f}",
        "threshold": fmt.number(threshold),
        "drifted": drifted,
        "verdict": verdict,
        "verdict_label": label,
        "why": _why(column, alpha, value_flag),
        "missing": missing,
        "chart": chart,
        "summary": _summary_rows(details),
        "extras": _extras(column, details),
        "key": str(column.get("column")),
        "trend": None,
    }


def _explanation(doc: Mapping[str, Any], methods: set[str]) -> list[str]:
    alpha, gate = fmt.number(doc.get("alpha")), fmt.number(doc.get("min_effect"))
    words = [
        f"Every column of the current data ({fmt.number(doc.get('current_rows'))} rows) was "
        f"compared with the reference ({fmt.number(doc.get('reference_rows'))} rows), with the "
        "test that suits its type, plus a test of whether its share of missing values changed."
    ]
    words += [METHOD_WORDS[m] for m in METHOD_WORDS if m in methods]
    words.append(
        "Testing many columns at once makes some small p-values appear by chance, so all "
        "p-values were adjusted together (Benjamini–Hochberg). A column counts as drifted only "
        f"when its adjusted p-value is below α = {alpha} and its effect is at least {gate}: the "
        "first condition keeps false alarms rare, the second keeps changes too small to matter "
        "(which large datasets always show) from raising one."
    )
    return words


def drift_view(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the drift template shows, as plain values."""
    alpha = float(doc.get("alpha") or 0.05)
    ordered = sorted(doc.get("columns") or [], key=_effect_key)
    columns = [_column(i, c, alpha) for i, c in enumerate(ordered)]
    flagged = [c for c in columns if c["drifted"]]
    run = doc.get("run") or {}
    drifted = bool(doc.get("drifted"))
    multivariate = doc.get("multivariate")
    joint = None
    if isinstance(multivariate, Mapping):
        joint = {
            "drifted": bool(multivariate.get("drifted")),
            "columns": ", ".join(str(c) for c in multivariate.get("columns") or []),
            "components": fmt.number(multivariate.get("components")),
            "z": fmt.number(multivariate.get("z"), 3),
            "threshold": fmt.number(multivariate.get("threshold")),
            "reference_error": fmt.number(multivariate.get("reference_error"), 4),
            "current_error": fmt.number(multivariate.get("current_error"), 4),
        }
    if drifted and flagged:
        names = ", ".join(c["name"] for c in flagged[:5])
        extra = f" and {len(flagged) - 5} more" if len(flagged) > 5 else ""
        headline = f"{len(flagged)} of {len(columns)} columns drifted: {names}{extra}"
    elif drifted:
        headline = "the joint distribution of the numeric columns drifted"
    else:
        headline = f"none of {len(columns)} columns drifted"
    return {
        "kind": "drift",
        "title": "Drift report",
        "drifted": drifted,
        "verdict": "DRIFT" if drifted else "NO DRIFT",
        "headline": headline,
        "stats": [
            {"label": "columns tested", "value": fmt.number(len(columns)), "tone": ""},
            {
                "label": "drifted",
                "value": fmt.number(len(flagged)),
                "tone": "bad" if flagged else "good",
            },
            {"label": "drift share", "value": fmt.share(doc.get("drift_share"), 0), "tone": ""},
            {"label": "reference rows", "value": fmt.number(doc.get("reference_rows")), "tone": ""},
            {"label": "current rows", "value": fmt.number(doc.get("current_rows")), "tone": ""},
        ],
        "facts": [
            {"label": "α, after Benjamini–Hochberg", "value": fmt.number(alpha)},
            {"label": "minimum effect", "value": fmt.number(doc.get("min_effect"))},
            {"label": "dataguard version", "value": str(run.get("dataguard_version", "–"))},
            {"label": "started", "value": fmt.timestamp(run.get("started_at"))},
            {"label": "duration", "value": fmt.duration(run.get("duration_seconds"))},
        ],
        "explanation": _explanation(doc, {str(c.get("method")) for c in ordered}),
        "columns": columns,
        "counts": {"all": len(columns), "drift": len(flagged), "ok": len(columns) - len(flagged)},
        "skipped": [
            {"name": str(name), "why": str(why)} for name, why in (doc.get("skipped") or {}).items()
        ],
        "multivariate": joint,
        "trend_runs": 0,
    }


def _group_words(group: Any) -> str:
    """A group's key as ``column='value', ...`` text (escaped by the template, like every
    value)."""
    return group_label(group) if isinstance(group, Mapping) else str(group)


def grouped_drift_view(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the drift-by-group template shows: a summary of the groups, then each
    group's drift view (its anchors prefixed, so that groups' links stay apart)."""
    groups = []
    for index, group in enumerate(doc.get("groups") or []):
        view = drift_view(group)
        for column in view["columns"]:
            column["anchor"] = f"group-{index}-{column['anchor']}"
        groups.append(
            {"anchor": f"group-{index}", "label": _group_words(group.get("group")), **view}
        )
    drifted = bool(doc.get("drifted"))
    flagged = [g for g in groups if g["drifted"]]
    worst = doc.get("worst_group")
    one_sided = [
        {"side": side, "label": _group_words(g.get("group")), "rows": fmt.number(g.get("rows"))}
        for key, side in (("only_reference", "reference"), ("only_current", "current data"))
        for g in doc.get(key) or []
    ]
    by = ", ".join(str(c) for c in doc.get("group_by") or [])
    headline = f"{len(flagged)} of {len(groups)} groups by {by} drifted" + (
        f"; worst: {_group_words(worst)}" if worst else ""
    )
    run = doc.get("run") or {}
    return {
        "kind": "drift-by-group",
        "title": "Drift report by group",
        "drifted": drifted,
        "verdict": "DRIFT" if drifted else "NO DRIFT",
        "headline": headline,
        "stats": [
            {"label": "groups compared", "value": fmt.number(len(groups)), "tone": ""},
            {
                "label": "groups drifted",
                "value": fmt.number(len(flagged)),
                "tone": "bad" if flagged else "good",
            },
            {"label": "on one side only", "value": fmt.number(len(one_sided)), "tone": ""},
        ],
        "facts": [
            {"label": "grouped by", "value": by},
            {
                "label": "α, after Benjamini–Hochberg in each group",
                "value": fmt.number(doc.get("alpha")),
            },
            {"label": "minimum effect", "value": fmt.number(doc.get("min_effect"))},
            {"label": "dataguard version", "value": str(run.get("dataguard_version", "–"))},
            {"label": "started", "value": fmt.timestamp(run.get("started_at"))},
        ],
        "groups": groups,
        "one_sided": one_sided,
        "more_only_current": bool(doc.get("more_only_current")),
        "not_compared": [
            {"label": _group_words(g.get("group")), "why": str(g.get("reason"))}
            for g in doc.get("not_compared") or []
        ],
    }
