"""The expectation reference, ``docs/expectations.md``, generated from the registry.

Each expectation's summary is its docstring's first paragraph, its parameters come from its
fields (types as a suite's author reads them, defaults, whether they are required), their
meanings from ``MEANINGS`` (one sentence per parameter name, with a few per expectation in
``SPECIFIC``), and its one-line YAML from its ``example``. Regenerate the file with::

    python -m dataguard.expectations.docs [PATH]

(``--check`` only compares, for CI). The output depends only on the classes, never on the
machine or the time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import types
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import yaml

from dataguard._duration import FORMS, Duration
from dataguard.expectations._base import OPTION, Expectation
from dataguard.expectations._params import JsonObject, field_hints
from dataguard.expectations._registry import registered

__all__ = [
    "GROUPS",
    "MEANINGS",
    "SHARED",
    "SPECIFIC",
    "TYPES",
    "Parameter",
    "builtin",
    "example_yaml",
    "main",
    "parameters",
    "reference",
    "summary",
    "type_text",
]

#: The file this module writes, relative to the repository's root.
DEFAULT_PATH = Path("docs/expectations.md")
COMMAND = "python -m dataguard.expectations.docs"

#: Parameters that mean the same for every expectation taking them: described once, at the top.
SHARED = ("severity", "where", "mostly", "group_by", "max_groups")
#: Shared parameters that an expectation comparing groups (``groups_itself``) takes as its own.
_GROUPING = ("group_by",)

#: What each parameter is for, by name: one short phrase, read in the context of any
#: expectation that takes it (``SPECIFIC`` says it better where one expectation needs to).
MEANINGS: Mapping[str, str] = {
    "severity": "what a failure means: `error` fails the run, `warning` and `info` are reported",
    "where": "a row condition (see the README's `where`); only the rows where it holds count",
    "mostly": "the share of present values (0 to 1) that must pass",
    "group_by": "columns whose values split the rows into groups, each judged alone with a "
    "result of its own (see the README's `group_by`); a suite's `group_by` applies to every "
    "expectation that reads rows and sets none",
    "max_groups": "the most groups `group_by` may find, else the expectation fails with "
    "`too_many_groups`; not set: the suite's, else `validate`'s, else 1000",
    "column": "the column checked",
    "column_a": "the first column of each pair",
    "column_b": "the second column of each pair",
    "column_list": "the columns checked together",
    "column_set": "the expected columns",
    "column_index": "the column's expected 0-based position",
    "min_value": "the lowest allowed value, inclusive unless `strict_min`",
    "max_value": "the highest allowed value, inclusive unless `strict_max`",
    "strict_min": "exclude `min_value` itself",
    "strict_max": "exclude `max_value` itself",
    "allow_unbounded": "allow leaving the bound (or set, list) out, to only report what is seen",
    "history": (
        "bound the value by this check's values in earlier runs of the dataset: "
        "`{window: 14, max_mad: 3}` and/or `{relative_change: 0.2, baseline: last}` (needs "
        "`validate(..., history=PATH)`; see docs/history.md); makes `min_value`/`max_value` "
        "optional"
    ),
    "value": "the exact number expected",
    "value_set": "the allowed values",
    "value_pairs_set": "the allowed `[a, b]` pairs",
    "ignore_row_if": "which rows with missing values are left out",
    "exact_match": "`false`: other columns may be present too",
    "strictly": "equal neighbouring values are unexpected",
    "or_equal": "equal values pass too",
    "regex": "a Python regular expression, found anywhere in a value unless anchored",
    "regex_list": "Python regular expressions",
    "regex_engine": "`re2` (linear time) or `python` (backreferences, lookaround)",
    "max_value_length": "with `regex_engine: python`: longer values are unexpected, not searched",
    "like_pattern": "an SQL LIKE pattern for the whole value (`%` any run, `_` one character)",
    "like_pattern_list": "SQL LIKE patterns for the whole value",
    "match_on": "`any`: one of the patterns must match; `all`: each of them",
    "strftime_format": "a `strptime` format, such as `%Y-%m-%d`",
    "json_schema": "the JSON Schema each value must satisfy",
    "dtype": "the backend's dtype name or the Arrow type name",
    "logical_type": "the logical type of the values",
    "types": "the allowed logical types",
    "max_age": "the largest allowed age of the newest value",
    "quantiles": "the quantiles to check, each between 0 and 1",
    "value_ranges": "one `[min, max]` per quantile (`null`: open)",
    "method": "the method used",
    "threshold": "the largest allowed value (exclusive)",
    "double_sided": "compare the absolute z-score; `false`: only values above the mean fail",
    "factor": "the fences' width: IQRs for `iqr` (default 1.5), deviations for `std` (3)",
    "bins": "the expected partition's bin edges (numeric columns)",
    "values": "the expected partition's categories (instead of `bins`)",
    "weights": "the expected share of each bin or category, summing to 1",
    "tail_weights": "the expected shares below the first and above the last edge",
    "tail_weight_holdout": "a share kept for values beyond the edges or not listed",
    "internal_weight_holdout": "a share spread over the bins of weight 0",
    "ties_okay": "pass when a value of the set ties for most common",
    "sum_total": "the sum each row must have",
    "tolerance": "the largest allowed difference from `sum_total`",
    "reference": "the reference profile's path (`dataguard profile`), relative to the suite file",
    "alpha": "the significance level of the drift test",
    "min_effect": "the smallest effect size that counts as drift",
    # The row expression and cross-table parameters named by issue 16.
    "expr": "a row expression that must hold in each row",
    "table": "the name of another table, given with `tables=` or the suite's `tables:`",
    "table_column": "the column of `table` whose values are looked up",
    "columns": "the columns of a compound key (instead of `column`)",
    "table_columns": "the columns of `table` matching `columns`, in order",
    # The fairness and representation parameters of issue 17.
    "positive": "the outcome value that counts as positive (default: `true`, or 1)",
    "preset": "a named rule: `four_fifths` (each rate at least 80% of the best group's)",
    "min_ratio": "the lowest allowed ratio of a group's rate to the best group's",
    "max_difference": "the largest allowed absolute difference, as a share from 0 to 1",
    "min_group_rows": "groups with fewer rows are reported but not judged",
    "min_share": "the smallest share of the rows (0 to 1) each group may hold",
    "max_share": "the largest share of the rows (0 to 1) each group may hold",
}

#: Meanings that differ for one expectation, by (expectation name, parameter name).
SPECIFIC: Mapping[tuple[str, str], str] = {
    ("column_count_equal", "value"): "the number of columns",
    ("row_count_equal", "value"): "the number of rows",
    ("value_length_equal", "value"): "the length of every value, in characters",
    ("distinct_values_contain_set", "value_set"): "the values that must all occur",
    ("distinct_values_equal_set", "value_set"): "the exact set of distinct values",
    ("most_common_value_in_set", "value_set"): "the allowed most common values",
    ("not_in_set", "value_set"): "the forbidden values",
    ("columns_match_ordered_list", "column_list"): "the expected columns, in order",
    ("columns_match_ordered_list", "exact_match"): (
        "`false`: only the order of the listed columns present counts"
    ),
    ("no_extra_columns", "column_set"): "the allowed columns",
    ("compound_columns_unique", "column_list"): "the columns whose combined values are unique",
    ("multicolumn_sum_equal", "column_list"): "the columns summed in each row",
    ("no_outliers", "method"): "`iqr` (Tukey's fences) or `std` (mean ± `factor` deviations)",
    ("quantiles_between", "method"): "how a quantile between two values is interpolated",
    ("no_drift", "method"): "the drift test to use (default: chosen by the column's type)",
    ("kl_divergence_below", "threshold"): "the largest allowed KL divergence (inclusive)",
    ("z_score_below", "threshold"): "the z-score every value must stay below",
    ("rate_parity", "group_by"): "the columns whose value combinations form the groups compared",
    ("missingness_parity", "group_by"): (
        "the columns whose value combinations form the groups compared"
    ),
    ("group_share_between", "group_by"): (
        "the columns whose value combinations form the groups (one column with `reference`)"
    ),
    ("rate_parity", "column"): "the binary outcome: boolean, 0/1, or any with `positive`",
    ("rate_parity", "max_difference"): "the largest allowed rate below the best group's",
    ("rate_parity", "min_group_rows"): (
        "groups with fewer present outcomes are reported but not judged"
    ),
    ("missingness_parity", "max_difference"): (
        "the largest allowed difference from the overall missing share"
    ),
    ("group_share_between", "tolerance"): (
        "the largest allowed difference from the reference share (with `reference`)"
    ),
}

#: What the type words of the parameter tables mean.
TYPES = (
    "- value: a number, text, date (`2026-12-07`) or timestamp (`2026-12-07T12:00:00`), of the "
    "kind of the column's values.",
    f"- duration: {FORMS}; units go largest first (`1d12h`), and months and years, which have "
    "no fixed length, are refused.",
    "- mapping: a YAML mapping (a JSON object).",
    "- not set: the parameter is optional and has no value unless given.",
)

#: Sections of the reference, in order, by the module that defines the expectations (the
#: shared names of ``dataguard.expectations``); expectations elsewhere go under "Other".
GROUPS: Mapping[str, tuple[str, ...]] = {
    "Table and schema": ("_table", "_types"),
    "Column values": ("_values",),
    "Row expressions": ("_expression",),
    "Text": ("_strings", "_patterns"),
    "Aggregates": ("_aggregate", "_freshness"),
    "Distribution": ("_distribution",),
    "Multi-column": ("_multi",),
    "Cross-table": ("_tables",),
    "Drift": ("_drift",),
    "Fairness and representation": ("_fairness",),
}
OTHER = "Other"


@dataclass(frozen=True)
class Parameter:
    """One parameter of an expectation, as the reference lists it."""

    name: str
    type: str
    required: bool
    default: str
    meaning: str


def builtin() -> dict[str, type[Expectation]]:
    """The registered expectations defined in dataguard itself (not by a user or a test)."""
    return {n: c for n, c in registered().items() if c.__module__.split(".")[0] == "dataguard"}


def type_text(hint: Any) -> str:
    """A type hint as a suite's author reads it: ``number``, ``list of text``, ``duration``."""
    origin = get_origin(hint)
    if origin is Literal:
        return "one of " + ", ".join(f"`{a}`" for a in get_args(hint))
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(hint) if a is not type(None)]
        # A parameter compared with a column's values takes a value of the column's kind.
        if str in options and (int in options or float in options) and len(options) > 2:
            return "value"
        texts = list(dict.fromkeys(type_text(a) for a in options))
        if "integer" in texts and "number" in texts:
            texts.remove("integer")
        return " or ".join(texts)
    if origin is tuple:
        args = get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return f"list of {type_text(args[0])}"
        return f"[{', '.join(type_text(a) for a in args)}]"
    return _NAMES[hint] if hint in _NAMES else str(hint)


_NAMES: dict[Any, str] = {
    str: "text",
    int: "integer",
    float: "number",
    bool: "boolean",
    dt.date: "date",
    dt.datetime: "timestamp",
    JsonObject: "mapping",
    Duration: "duration",
    Any: "value",
}


def _flow(value: Any) -> str:
    """A value as YAML spells it on one line."""
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=1 << 20)
    return text.strip().removesuffix("\n...")  # the end marker after a lone scalar


def _default(value: Any) -> str:
    if value is None:
        return "not set"
    return f"`{_flow(list(value) if isinstance(value, tuple) else value)}`"


def _meaning(name: str, parameter: str) -> str:
    return SPECIFIC.get((name, parameter)) or MEANINGS.get(parameter, "")


def parameters(cls: type[Expectation]) -> list[Parameter]:
    """The parameters of an expectation class, in the order its declarations list them."""
    hints = field_hints(cls)
    found = []
    for f in fields(cls):
        if not f.init:
            continue
        required = f.default is MISSING and f.default_factory is MISSING
        if f.name in ("where", "group_by", "max_groups") and not cls.reads_rows:
            continue  # an expectation that reads no rows refuses a row condition and groups
        default = "" if required else _default(f.default)
        found.append(
            Parameter(
                f.name, type_text(hints[f.name]), required, default, _meaning(cls.name, f.name)
            )
        )
    # As a declaration lists them (``Expectation.to_dict``): options of how it runs after what
    # it is about, and the shared parameters last.
    options = {f.name for f in fields(cls) if f.metadata.get(OPTION, False)}
    found.sort(key=lambda p: (_shared(cls, p.name), p.name in options))
    return found


def _shared(cls: type[Expectation], name: str) -> bool:
    """Whether the parameter means for ``cls`` what it means for every expectation."""
    return name in SHARED and not (cls.groups_itself and name in _GROUPING)


def example_yaml(cls: type[Expectation]) -> str:
    """The class's example as one line of YAML, ``type`` first."""
    return _flow({"type": cls.name, **cls.example})


def summary(cls: type[Expectation]) -> str:
    """The first paragraph of the class's docstring, on one line, in Markdown."""
    first = (cls.__doc__ or "").strip().split("\n\n")[0]
    return re.sub(r"``([^`]+)``", r"`\1`", " ".join(first.split()))


def _group(cls: type[Expectation]) -> str:
    module = cls.__module__.rpartition(".")[2]
    return next((g for g, modules in GROUPS.items() if module in modules), OTHER)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _section(cls: type[Expectation]) -> Iterator[str]:
    yield f"### `{cls.name}`"
    yield ""
    yield summary(cls)
    yield ""
    yield "```yaml"
    yield f"- {example_yaml(cls)}"
    yield "```"
    yield ""
    described = parameters(cls)
    own = [p for p in described if not _shared(cls, p.name)]
    shared = [p.name for p in described if _shared(cls, p.name)]
    if own:
        yield "| parameter | type | default | meaning |"
        yield "|---|---|---|---|"
        for p in own:
            default = "required" if p.required else p.default
            yield f"| `{p.name}` | {_cell(p.type)} | {_cell(default)} | {_cell(p.meaning)} |"
        yield ""
    listed = ", ".join(f"`{n}`" for n in shared)
    yield f"Also takes {listed} (see [shared parameters](#shared-parameters))."
    yield ""


def reference(classes: Mapping[str, type[Expectation]] | None = None) -> str:
    """The whole reference as Markdown (by default, of every built-in expectation)."""
    chosen = builtin() if classes is None else classes
    groups: dict[str, list[type[Expectation]]] = {g: [] for g in (*GROUPS, OTHER)}
    for cls in chosen.values():
        groups[_group(cls)].append(cls)
    lines = [
        "# Expectations",
        "",
        f"<!-- Generated by `{COMMAND}` from the registry: do not edit by hand. -->",
        "",
        f"Every expectation dataguard ships, {len(chosen)} in all, with its parameters and a "
        "one-line example. In a suite, each is an item of `expectations:` with its name as "
        "`type`. An expectation on one `column` can instead take `columns_matching` (a "
        "regular expression) to apply to every column whose name matches.",
        "",
        "## Shared parameters",
        "",
    ]
    for name in SHARED:
        # Described from the first class taking it: its type and default are the same for all.
        taking = (p for c in chosen.values() for p in parameters(c) if p.name == name)
        shared = next(taking, None)
        if shared is not None:
            default = f" Default {shared.default}." if shared.default != "not set" else ""
            lines.append(f"- `{name}` ({shared.type}): {shared.meaning}.{default}")
    lines.extend(["", "## Types", "", *TYPES, ""])
    for group, members in groups.items():
        if not members:
            continue
        lines.append(f"## {group}")
        lines.append("")
        lines.append(", ".join(f"[`{c.name}`](#{c.name})" for c in members))
        lines.append("")
        for cls in members:
            lines.extend(_section(cls))
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Write the reference (or, with ``--check``, say whether the file is current)."""
    parser = argparse.ArgumentParser(prog=COMMAND, description="Write docs/expectations.md.")
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    text = reference()
    if args.check:
        current = args.path.read_text(encoding="utf-8") if args.path.exists() else ""
        if current != text:
            print(f"{args.path} is stale; run: {COMMAND}", file=sys.stderr)
            return 1
        return 0
    args.path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
