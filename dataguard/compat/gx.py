"""Great Expectations suites in and out, through one declarative table of GX names.

GX suites come in two layouts. 0.x has ``expectation_suite_name`` and items with
``expectation_type`` and ``kwargs``. 1.x has ``name`` and items with ``type``, ``severity`` and
``kwargs``, which may also sit flattened beside ``type``. Each GX expectation with a dataguard
counterpart is one row of ``_RULES``: our expectation, how each GX kwarg becomes our parameters,
parameters fixed to GX's behaviour, and the GX defaults that differ from ours. What we cannot honour
exactly (unknown types, ``row_condition``, ``$PARAMETER`` values) is refused with every problem
listed at once, because validating differently from GX without saying so is worse than failing.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

from dataguard._documents import Document, read_document
from dataguard.errors import SuiteError
from dataguard.expectations import Expectation, lookup
from dataguard.expectations._params import field_hints
from dataguard.suite import Suite

__all__ = ["suite_from_gx", "suite_to_gx", "supported_types"]

Problems = list[tuple[str, str]]


@dataclass(frozen=True)
class _Convert:
    """A GX kwarg whose value becomes some of our parameters (``to_ours``), and back (``to_gx``).

    Both directions raise SuiteError (path-less) for a value they cannot translate.
    """

    params: tuple[str, ...]
    to_ours: Callable[[Any], dict[str, Any]]
    to_gx: Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class _Rule:
    """How one GX expectation type becomes one of ours.

    ``target`` is our expectation name, or several tried in order (the first whose parameters fit
    the translated ones). ``kwargs`` maps each GX kwarg to our parameter of the same meaning or to
    a conversion. ``fixed`` are our parameters set to GX's behaviour. ``gx_defaults`` are GX kwargs
    whose GX default differs from our default: applied when a GX suite omits them, and always
    written on export. ``ignored`` are GX kwargs of this type that change nothing for us. ``mostly``
    is accepted whenever our class has it.
    """

    target: str | tuple[str, ...]
    kwargs: Mapping[str, str | _Convert]
    fixed: Mapping[str, Any] = field(default_factory=dict)
    gx_defaults: Mapping[str, Any] = field(default_factory=dict)
    ignored: frozenset[str] = frozenset()

    @property
    def targets(self) -> tuple[str, ...]:
        """Our expectation names this rule may produce."""
        return (self.target,) if isinstance(self.target, str) else self.target

    def accepted(self) -> dict[str, str | _Convert]:
        """Every GX kwarg this rule translates, ``mostly`` included when our class has it."""
        out = dict(self.kwargs)
        if any("mostly" in field_hints(lookup(t)) for t in self.targets):
            out.setdefault("mostly", "mostly")
        return out


def _choices(param: str, table: Mapping[str, str]) -> _Convert:
    """A GX enumeration whose values are renamed to ours."""
    back = {ours: gx for gx, ours in table.items()}

    def to_ours(value: Any) -> dict[str, Any]:
        if not isinstance(value, str) or value not in table:
            allowed = ", ".join(repr(v) for v in table)
            raise SuiteError(f"expected one of {allowed}, got {value!r}")
        return {param: table[value]}

    def to_gx(params: dict[str, Any]) -> Any:
        return back[params[param]]

    return _Convert((param,), to_ours, to_gx)


#: GX type names with a backend-independent meaning, as our logical types. GX checks these names
#: against pandas dtypes (``datetime64`` refuses tz-aware columns, ``Timestamp`` wants them); our
#: ``datetime`` accepts both, which is the intent of a portable suite.
_LOGICAL_TYPES = {
    "int": "integer",
    "integer": "integer",
    "float": "float",
    "str": "string",
    "string": "string",
    "bool": "boolean",
    "boolean": "boolean",
    "datetime64": "datetime",
    "datetime": "datetime",
    "Timestamp": "datetime",
    "date": "date",
    "category": "categorical",
}
#: The GX name written for each logical type (``numeric`` has none).
_GX_TYPE_NAMES = {
    "integer": "int",
    "float": "float",
    "string": "str",
    "boolean": "bool",
    "datetime": "datetime64",
    "date": "date",
    "categorical": "category",
}
#: numpy spellings GX accepts for pandas' ``object`` dtype (see the conformance corpus, of_type).
_DTYPE_ALIASES = {"O": "object", "object_": "object"}


def _type_to_ours(value: Any) -> dict[str, Any]:
    """A GX ``type_``: a portable name becomes a logical type, anything else an exact dtype."""
    if not isinstance(value, str) or not value:
        raise SuiteError(f"expected a type name, got {value!r}")
    if value in _LOGICAL_TYPES:
        return {"logical_type": _LOGICAL_TYPES[value]}
    return {"dtype": _DTYPE_ALIASES.get(value, value)}


def _type_to_gx(params: dict[str, Any]) -> Any:
    """The GX ``type_`` for a ``column_type`` or ``column_dtype``."""
    if "dtype" in params:
        return params["dtype"]
    logical = params["logical_type"]
    if logical not in _GX_TYPE_NAMES:
        raise SuiteError(f"logical type {logical!r} has no Great Expectations type name")
    return _GX_TYPE_NAMES[logical]


def _quantiles_to_ours(value: Any) -> dict[str, Any]:
    """GX nests quantiles and ranges in one ``quantile_ranges`` mapping; we keep two fields."""
    if not isinstance(value, Mapping) or set(value) != {"quantiles", "value_ranges"}:
        raise SuiteError("expected a mapping with exactly 'quantiles' and 'value_ranges'")
    return {"quantiles": value["quantiles"], "value_ranges": value["value_ranges"]}


def _quantiles_to_gx(params: dict[str, Any]) -> Any:
    """Our quantiles and ranges as GX's ``quantile_ranges``."""
    return {"quantiles": params["quantiles"], "value_ranges": params["value_ranges"]}


_TYPE = _Convert(("logical_type", "dtype"), _type_to_ours, _type_to_gx)
_QUANTILES = _Convert(("quantiles", "value_ranges"), _quantiles_to_ours, _quantiles_to_gx)
_COLUMN: dict[str, str | _Convert] = {"column": "column"}
_BOUNDS: dict[str, str | _Convert] = {"min_value": "min_value", "max_value": "max_value"}
_RANGE = {**_COLUMN, **_BOUNDS, "strict_min": "strict_min", "strict_max": "strict_max"}
_SET = {**_COLUMN, "value_set": "value_set"}
_REGEX = {**_COLUMN, "regex": "regex"}
_ORDER = {**_COLUMN, "strictly": "strictly"}
_TYPES = ("column_type", "column_dtype"), {**_COLUMN, "type_": _TYPE}
_PAIR_IGNORE = {
    "both_values_are_missing": "all_values_are_missing",
    "either_value_is_missing": "any_value_is_missing",
    "neither": "never",
}
_MULTI_IGNORE = {v: v for v in ("all_values_are_missing", "any_value_is_missing", "never")}
_PAIR: dict[str, str | _Convert] = {"column_A": "column_a", "column_B": "column_b"}
_PAIR["ignore_row_if"] = _choices("ignore_row_if", _PAIR_IGNORE)
_MULTI: dict[str, str | _Convert] = {"column_list": "column_list"}
_MULTI["ignore_row_if"] = _choices("ignore_row_if", _MULTI_IGNORE)
# GX's ignore_row_if defaults (pair: both missing; multicolumn: all missing); ours differ for some.
_PAIR_DEFAULT = {"ignore_row_if": "both_values_are_missing"}
_MULTI_DEFAULT = {"ignore_row_if": "all_values_are_missing"}
_OUTPUT_FORMAT = frozenset({"output_strftime_format"})  # formats GX's output only
_GREATER = _Rule("pair_greater", {**_PAIR, "or_equal": "or_equal"}, gx_defaults=_PAIR_DEFAULT)
_WITHIN_RECORD = _Rule("unique_within_record", _MULTI, gx_defaults=_MULTI_DEFAULT)

_RULES: dict[str, _Rule] = {
    # table
    "expect_column_to_exist": _Rule("column_exists", {**_COLUMN, "column_index": "column_index"}),
    "expect_table_columns_to_match_set": _Rule(
        "columns_match_set", {"column_set": "column_set", "exact_match": "exact_match"}
    ),
    "expect_table_columns_to_match_ordered_list": _Rule(
        "columns_match_ordered_list", {"column_list": "column_list"}
    ),
    "expect_table_column_count_to_be_between": _Rule("column_count_between", _BOUNDS),
    "expect_table_column_count_to_equal": _Rule("column_count_equal", {"value": "value"}),
    "expect_table_row_count_to_be_between": _Rule("row_count_between", _BOUNDS),
    "expect_table_row_count_to_equal": _Rule("row_count_equal", {"value": "value"}),
    # types
    "expect_column_values_to_be_of_type": _Rule(*_TYPES),
    "expect_column_type_to_be": _Rule(*_TYPES),
    # row-level
    "expect_column_values_to_not_be_null": _Rule("not_null", _COLUMN),
    "expect_column_values_to_be_null": _Rule("null", _COLUMN),
    "expect_column_values_to_be_between": _Rule("between", _RANGE, ignored=_OUTPUT_FORMAT),
    "expect_column_values_to_be_in_set": _Rule("in_set", _SET),
    "expect_column_values_to_not_be_in_set": _Rule("not_in_set", _SET),
    "expect_column_values_to_match_regex": _Rule("matches_regex", _REGEX),
    "expect_column_values_to_not_match_regex": _Rule("not_matches_regex", _REGEX),
    "expect_column_value_lengths_to_be_between": _Rule("value_length_between", _RANGE),
    "expect_column_value_lengths_to_equal": _Rule(
        "value_length_equal", {**_COLUMN, "value": "value"}
    ),
    "expect_column_values_to_be_unique": _Rule("unique", _COLUMN),
    "expect_column_values_to_be_increasing": _Rule("increasing", _ORDER),
    "expect_column_values_to_be_decreasing": _Rule("decreasing", _ORDER),
    "expect_column_values_to_match_strftime_format": _Rule(
        "matches_strftime_format", {**_COLUMN, "strftime_format": "strftime_format"}
    ),
    "expect_column_values_to_be_json_parseable": _Rule("json_parseable", _COLUMN),
    # aggregate
    "expect_column_min_to_be_between": _Rule("min_between", _RANGE, ignored=_OUTPUT_FORMAT),
    "expect_column_max_to_be_between": _Rule("max_between", _RANGE, ignored=_OUTPUT_FORMAT),
    "expect_column_mean_to_be_between": _Rule("mean_between", _RANGE),
    "expect_column_median_to_be_between": _Rule("median_between", _RANGE),
    "expect_column_stdev_to_be_between": _Rule("stdev_between", _RANGE),
    "expect_column_sum_to_be_between": _Rule("sum_between", _RANGE),
    # GX's pandas backend takes quantiles with interpolation="nearest" (conformance NOTES §4);
    # allow_relative_error only lets SQL engines approximate, and we compute exactly.
    "expect_column_quantile_values_to_be_between": _Rule(
        "quantiles_between",
        {**_COLUMN, "quantile_ranges": _QUANTILES},
        fixed={"method": "nearest"},
        ignored=frozenset({"allow_relative_error"}),
    ),
    "expect_column_unique_value_count_to_be_between": _Rule("unique_value_count_between", _RANGE),
    "expect_column_proportion_of_unique_values_to_be_between": _Rule(
        "proportion_unique_between", _RANGE
    ),
    "expect_column_proportion_of_non_null_values_to_be_between": _Rule(
        "proportion_non_null_between", _RANGE
    ),
    "expect_column_distinct_values_to_be_in_set": _Rule("distinct_values_in_set", _SET),
    "expect_column_distinct_values_to_contain_set": _Rule("distinct_values_contain_set", _SET),
    "expect_column_distinct_values_to_equal_set": _Rule("distinct_values_equal_set", _SET),
    "expect_column_most_common_value_to_be_in_set": _Rule(
        "most_common_value_in_set", {**_SET, "ties_okay": "ties_okay"}
    ),
    # multi-column
    "expect_compound_columns_to_be_unique": _Rule(
        "compound_columns_unique", _MULTI, gx_defaults=_MULTI_DEFAULT
    ),
    "expect_column_pair_values_a_to_be_greater_than_b": _GREATER,
    "expect_column_pair_values_to_be_equal": _Rule("pair_equal", _PAIR, gx_defaults=_PAIR_DEFAULT),
    "expect_multicolumn_sum_to_equal": _Rule(
        "multicolumn_sum_equal", {**_MULTI, "sum_total": "sum_total"}, gx_defaults=_MULTI_DEFAULT
    ),
    "expect_select_column_values_to_be_unique_within_record": _WITHIN_RECORD,
    # GX 0.x spellings of the same expectations (import only: export writes the names above)
    "expect_column_pair_values_A_to_be_greater_than_B": _GREATER,
    "expect_multicolumn_values_to_be_unique": _WITHIN_RECORD,
}

#: GX core expectations without a dataguard counterpart, and why.
_NOT_MAPPED = {
    **dict.fromkeys(
        (
            "expect_column_kl_divergence_to_be_less_than",
            "expect_column_chisquare_test_p_value_to_be_greater_than",
            "expect_column_bootstrapped_ks_test_p_value_to_be_greater_than",
            "expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than",
            "expect_column_pair_cramers_phi_value_to_be_less_than",
        ),
        "distribution tests belong to dataguard.drift",
    ),
    "expect_column_value_z_scores_to_be_less_than": "no z-score expectation",
    "expect_column_values_to_be_dateutil_parseable": "no dateutil parsing expectation",
    "expect_column_values_to_be_in_type_list": "no type-list expectation",
    "expect_column_values_to_match_json_schema": "no JSON-schema expectation",
    "expect_column_values_to_match_regex_list": "no regex-list expectation",
    "expect_column_values_to_not_match_regex_list": "no regex-list expectation",
    "expect_column_pair_values_to_be_in_set": "no value-pair set expectation",
    **dict.fromkeys(
        (
            "expect_column_values_to_match_like_pattern",
            "expect_column_values_to_match_like_pattern_list",
            "expect_column_values_to_not_match_like_pattern",
            "expect_column_values_to_not_match_like_pattern_list",
            "expect_table_row_count_to_equal_other_table",
            "unexpected_rows_expectation",
        ),
        "SQL-only in Great Expectations",
    ),
}

#: Keys of a GX expectation item that are not kwargs (anything else beside ``type`` is a kwarg).
_ENVELOPE = frozenset(
    {"type", "expectation_type", "kwargs", "meta", "id", "ge_cloud_id", "notes", "description"}
    | {"rendered_content", "severity", "expectation_context", "windows"}
)
#: kwargs that change how GX runs or reports, not what it checks.
_IGNORED = frozenset(
    {"result_format", "catch_exceptions", "include_config", "batch_id", "condition_parser"}
)
#: kwargs refused when set, because we would silently check something else.
_REFUSED = {
    "row_condition": "row_condition is not supported (dataguard has no row filter language yet)",
    "parse_strings_as_datetimes": "parse_strings_as_datetimes is not supported: dataguard never "
    "coerces data; give the column a datetime type",
    "allow_cross_type_comparisons": "allow_cross_type_comparisons is not supported",
    "auto": "auto (profiler-estimated bounds) is not supported",
    "profiler_config": "profiler_config is not supported",
}
_SEVERITIES = {"critical": "error", "warning": "warning", "info": "info"}
_GX_SEVERITIES = {ours: gx for gx, ours in _SEVERITIES.items()}


def _export_index() -> dict[str, tuple[str, _Rule]]:
    """Our expectation name -> the GX name written for it and its rule (the first row wins)."""
    index: dict[str, tuple[str, _Rule]] = {}
    for gx_name, rule in _RULES.items():
        for target in rule.targets:
            index.setdefault(target, (gx_name, rule))
    return index


_EXPORTS = _export_index()


def supported_types() -> dict[str, tuple[str, ...]]:
    """Every GX expectation type that imports, with the dataguard expectation(s) it becomes."""
    return {gx: rule.targets for gx, rule in _RULES.items()}


def suite_from_gx(suite: Mapping[str, Any] | str | os.PathLike[str]) -> Suite:
    """Import a GX expectation suite (0.x or 1.x layout) from a dict or a JSON file.

    Raises SuiteError listing every expectation that cannot be imported exactly, with its
    position, such as ``expectations[4]: ... is not supported yet``.
    """
    doc = _document(suite)
    data = doc.data
    if not isinstance(data, Mapping):
        raise SuiteError("a Great Expectations suite must be a mapping", source=doc.source)
    if "format_version" in data:
        raise SuiteError(
            "this is a dataguard suite, not a Great Expectations one; use dataguard.load_suite",
            source=doc.source,
        )
    raw = data.get("expectations")
    if not isinstance(raw, list):
        raise SuiteError(
            "a Great Expectations suite needs an 'expectations' list",
            source=doc.source,
            path="expectations",
        )
    name = data.get("name", data.get("expectation_suite_name")) or ""
    if not isinstance(name, str):
        raise SuiteError("the suite name must be a string", source=doc.source, path="name")
    notes = data.get("notes")  # GX 1.x: a string or a list of strings
    if isinstance(notes, list) and all(isinstance(note, str) for note in notes):
        notes = "\n".join(notes)
    problems: Problems = []
    imported = [_expectation(item, f"expectations[{i}]", problems) for i, item in enumerate(raw)]
    if problems:
        raise _error(problems, doc.source)
    expectations = tuple(e for e in imported if e is not None)
    return Suite(expectations, name, description=notes if isinstance(notes, str) else "")


def suite_to_gx(suite: Suite) -> dict[str, Any]:
    """The suite as a GX 1.x suite dict; SuiteError when an expectation has no exact GX form.

    Every item is checked by importing it back: what would not come back equal (a parameter GX
    cannot express, such as a sum tolerance) is refused rather than written approximately.
    Values are kept as they are in the suite (dates stay ``datetime.date``).
    """
    if suite.optional_columns:
        raise SuiteError(
            "optional schema columns have no Great Expectations counterpart", path="schema"
        )
    labelled = [("schema", e) for e in (suite.schema.expectations() if suite.schema else ())]
    labelled += [(f"expectations[{i}]", e) for i, e in enumerate(suite.expectations)]
    problems: Problems = []
    items = [_to_gx(e, at, problems) for at, e in labelled]
    if problems:
        raise _error(problems, None, "the suite cannot be written for Great Expectations")
    out: dict[str, Any] = {"name": suite.name, "expectations": items, "meta": {}}
    if suite.description:
        out["notes"] = suite.description
    return out


def _document(suite: Mapping[str, Any] | str | os.PathLike[str]) -> Document:
    """The GX suite as a document; files go through the safe reader (size-bounded, no dup keys)."""
    if isinstance(suite, Mapping):
        return Document(suite, None)
    if isinstance(suite, (str, os.PathLike)):
        return read_document(suite)
    raise TypeError(
        f"expected a GX suite dict or a path to its JSON file, got {type(suite).__name__}"
    )


def _error(
    problems: Problems, source: str | None, what: str = "the GX suite cannot be imported"
) -> SuiteError:
    """One error for every problem: a single one on one line, several listed one per line."""
    if len(problems) == 1:
        path, message = problems[0]
        return SuiteError(message, source=source, path=path)
    listed = "\n".join(f"  {path}: {message}" for path, message in problems)
    return SuiteError(f"{what} ({len(problems)} problems):\n{listed}", source=source)


def _unsupported(gx_type: str) -> str:
    """Why a GX type does not import: known without counterpart, a near miss, or unknown."""
    if gx_type in _NOT_MAPPED:
        return f"{gx_type} is not supported yet ({_NOT_MAPPED[gx_type]})"
    if gx_type in _EXPORTS:
        return f"{gx_type!r} is a dataguard name; GX suites say {_EXPORTS[gx_type][0]!r}"
    # GX names share long prefixes, so only near-identical names are worth suggesting.
    close = difflib.get_close_matches(gx_type, list(_RULES), n=1, cutoff=0.9)
    if close:
        return f"unknown expectation type {gx_type!r}; did you mean {close[0]!r}?"
    return f"{gx_type} is not supported yet"


def _kind(value: Any) -> str:
    """A value's kind as a JSON reader would name it in a message."""
    return "null" if value is None else type(value).__name__


def _expectation(item: Any, at: str, problems: Problems) -> Expectation | None:
    """Translate one GX expectation item; its problems go to ``problems``."""
    if not isinstance(item, Mapping):
        problems.append((at, f"an expectation must be a mapping, got {_kind(item)}"))
        return None
    gx_type = item.get("type", item.get("expectation_type"))
    if "type" in item and "expectation_type" in item and item["type"] != item["expectation_type"]:
        problems.append((at, "'type' and 'expectation_type' disagree"))
        return None
    if not isinstance(gx_type, str):
        problems.append((at, "an expectation needs 'type' (GX 1.x) or 'expectation_type' (0.x)"))
        return None
    rule = _RULES.get(gx_type)
    if rule is None:
        problems.append((at, _unsupported(gx_type)))
        return None
    before = len(problems)
    if item.get("windows"):
        problems.append((f"{at}.windows", "windows (bounds from earlier runs) are not supported"))
    severity = item.get("severity")
    if severity is not None and severity not in _SEVERITIES:
        problems.append(
            (f"{at}.severity", f"expected 'critical', 'warning' or 'info', got {severity!r}")
        )
    kwargs = _kwargs(item, at, problems)
    params, where = _params(rule, gx_type, kwargs, problems)
    if len(problems) > before:
        return None
    params["severity"] = _SEVERITIES[severity] if severity is not None else "error"
    return _build(rule, gx_type, params, where=where, at=at, problems=problems)


def _kwargs(item: Mapping[str, Any], at: str, problems: Problems) -> dict[str, tuple[Any, str]]:
    """Every kwarg of an item, nested or flattened, with the path it was found at."""
    nested = item.get("kwargs") or {}
    if not isinstance(nested, Mapping):
        problems.append((f"{at}.kwargs", f"kwargs must be a mapping, got {_kind(nested)}"))
        nested = {}
    out = {key: (value, f"{at}.kwargs.{key}") for key, value in nested.items()}
    for key, value in item.items():
        if key in _ENVELOPE:
            continue
        if key in out:
            problems.append((f"{at}.{key}", f"{key} is given both in kwargs and beside type"))
        out[key] = (value, f"{at}.{key}")
    return out


def _is_parameter(value: Any) -> bool:
    """Whether a value is, or holds, a GX suite parameter such as ``{"$PARAMETER": "now()"}``."""
    if isinstance(value, Mapping):
        return "$PARAMETER" in value or any(_is_parameter(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_is_parameter(v) for v in value)
    return False


def _is_one(value: Any) -> bool:
    """Whether ``mostly`` is GX's no-op default (absent or 1), which needs no tolerance from us."""
    return value is None or (
        isinstance(value, (int, float)) and not isinstance(value, bool) and value == 1
    )


def _params(
    rule: _Rule, gx_type: str, kwargs: dict[str, tuple[Any, str]], problems: Problems
) -> tuple[dict[str, Any], dict[str, str]]:
    """Our parameters from the GX kwargs, and for each of ours the GX path it came from."""
    accepted = rule.accepted()
    params: dict[str, Any] = {}
    where: dict[str, str] = {}

    def apply(key: str, value: Any, path: str) -> None:
        spec = accepted[key]
        if isinstance(spec, str):
            params[spec] = value
            where[spec] = path
            return
        try:
            translated = spec.to_ours(value)
        except SuiteError as exc:
            problems.append((path, exc.problem))
            return
        params.update(translated)
        nested = len(spec.params) > 1  # a GX mapping split into several of our parameters
        where.update({p: f"{path}.{p}" if nested and path else path for p in translated})

    for key, (value, path) in kwargs.items():
        if _is_parameter(value):
            problems.append(
                (path, f"{key} is a GX suite parameter ({value!r}); dataguard cannot evaluate it")
            )
        elif key in _REFUSED:
            if value not in (None, False, "", {}):
                problems.append((path, _REFUSED[key]))
        elif key in _IGNORED or key in rule.ignored:
            continue
        elif key == "mostly" and key not in accepted:
            if not _is_one(value):
                problems.append((path, f"mostly cannot be honoured: {gx_type} has no tolerance"))
        elif key not in accepted:
            close = difflib.get_close_matches(key, list(accepted), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append((path, f"unknown kwarg {key!r} for {gx_type}{hint}"))
        elif value is not None:  # GX writes null for an option left at its default
            apply(key, value, path)
    for key, value in rule.gx_defaults.items():
        if kwargs.get(key, (None,))[0] is None:
            apply(key, value, "")
    params.update(rule.fixed)
    return params, where


def _build(
    rule: _Rule,
    gx_type: str,
    params: dict[str, Any],
    *,
    where: dict[str, str],
    at: str,
    problems: Problems,
) -> Expectation | None:
    """Our expectation from translated parameters; constructor errors located in GX terms."""
    classes = [lookup(t) for t in rule.targets]
    cls = next((c for c in classes if set(params) <= set(field_hints(c))), classes[0])
    required = [
        f.name
        for f in fields(cls)
        if f.init and f.default is MISSING and f.default_factory is MISSING and f.name not in params
    ]
    if required:
        names = {ours: gx for gx, ours in rule.kwargs.items() if isinstance(ours, str)}
        missing = ", ".join(names.get(name, name) for name in required)
        problems.append((at, f"{gx_type} needs {missing}"))
        return None
    try:
        return cls.from_dict(params)
    except SuiteError as exc:
        inner = exc.path or ""
        key = inner.split("[", 1)[0].split(".", 1)[0]
        path = f"{where[key]}{inner[len(key) :]}" if where.get(key) else at
        problems.append((path, exc.problem))
        return None


def _plain(value: Any) -> Any:
    """Tuples (our hashable lists) as lists, recursively, for a JSON-shaped GX document."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _to_gx(expectation: Expectation, at: str, problems: Problems) -> dict[str, Any]:
    """One expectation as a GX 1.x item; checked by importing it back."""
    entry = _EXPORTS.get(expectation.name)
    if entry is None:
        problems.append((at, f"{expectation.name} has no Great Expectations counterpart"))
        return {}
    gx_type, rule = entry
    init = [f for f in fields(expectation) if f.init]
    values = {f.name: getattr(expectation, f.name) for f in init}
    defaults = {f.name: f.default for f in init if f.default is not MISSING}
    kwargs: dict[str, Any] = {}
    for key, spec in rule.accepted().items():
        names = (spec,) if isinstance(spec, str) else spec.params
        present = {p: values[p] for p in names if p in values}
        changed = any(p not in defaults or present[p] != defaults[p] for p in present)
        if not present or not (changed or key in rule.gx_defaults):
            continue
        try:
            value = present[spec] if isinstance(spec, str) else spec.to_gx(present)
        except SuiteError as exc:
            problems.append((at, exc.problem))
            return {}
        kwargs[key] = _plain(value)
    item: dict[str, Any] = {"type": gx_type, "kwargs": kwargs, "meta": {}}
    if expectation.severity != "error":
        item["severity"] = _GX_SEVERITIES[expectation.severity]
    back = _expectation(item, at, [])
    if back is None or back.name != expectation.name:
        became = back.name if back is not None else "nothing"
        problems.append(
            (at, f"{expectation.name} has no exact GX form (it would import as {became})")
        )
    elif back != expectation:
        ours, theirs = expectation.to_dict(), back.to_dict()  # parameters not at their default
        lost = [
            f"{key}={getattr(expectation, key)!r}"
            for key in {**ours, **theirs}
            if ours.get(key) != theirs.get(key)
        ]
        problems.append((at, f"{', '.join(lost)} cannot be expressed in Great Expectations"))
    return item
