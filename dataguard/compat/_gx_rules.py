"""The table of Great Expectations types dataguard imports, and how their kwargs translate.

Each GX expectation with a dataguard counterpart is one row of ``RULES``: our expectation, how each
GX kwarg becomes our parameters (renamed, or converted by a ``Convert`` pair of functions), our
parameters fixed to GX's behaviour, and the GX defaults that differ from ours.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dataguard.errors import SuiteError
from dataguard.expectations import lookup
from dataguard.expectations._params import field_hints


@dataclass(frozen=True)
class Convert:
    """A GX kwarg whose value becomes some of our parameters (``to_ours``), and back (``to_gx``).

    Both directions raise SuiteError (path-less) for a value they cannot translate.
    """

    params: tuple[str, ...]
    to_ours: Callable[[Any], dict[str, Any]]
    to_gx: Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Rule:
    """How one GX expectation type becomes one of ours.

    ``target`` is our expectation name, or several tried in order (the first whose parameters fit
    the translated ones). ``kwargs`` maps each GX kwarg to our parameter of the same meaning or to
    a conversion. ``fixed`` are our parameters set to GX's behaviour. ``gx_defaults`` are GX kwargs
    whose GX default differs from our default: applied when a GX suite omits them, and always
    written on export. ``ignored`` are GX kwargs of this type that change nothing for us. When all
    of our parameters named in ``unbounded`` are missing, GX checks nothing and passes: we set
    ``allow_unbounded`` to do the same. ``mostly`` is accepted whenever our class has it.
    """

    target: str | tuple[str, ...]
    kwargs: Mapping[str, str | Convert]
    fixed: Mapping[str, Any] = field(default_factory=dict)
    gx_defaults: Mapping[str, Any] = field(default_factory=dict)
    ignored: frozenset[str] = frozenset()
    unbounded: tuple[str, ...] = ()

    @property
    def targets(self) -> tuple[str, ...]:
        """Our expectation names this rule may produce."""
        return (self.target,) if isinstance(self.target, str) else self.target

    def accepted(self) -> dict[str, str | Convert]:
        """Every GX kwarg this rule translates, ``mostly`` included when our class has it."""
        out = dict(self.kwargs)
        if any("mostly" in field_hints(lookup(t)) for t in self.targets):
            out.setdefault("mostly", "mostly")
        return out


def _choices(param: str, table: Mapping[str, str]) -> Convert:
    """A GX enumeration whose values are renamed to ours."""
    back = {ours: gx for gx, ours in table.items()}

    def to_ours(value: Any) -> dict[str, Any]:
        if not isinstance(value, str) or value not in table:
            allowed = ", ".join(repr(v) for v in table)
            raise SuiteError(f"expected one of {allowed}, got {value!r}")
        return {param: table[value]}

    def to_gx(params: dict[str, Any]) -> Any:
        return back[params[param]]

    return Convert((param,), to_ours, to_gx)


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


_TYPE = Convert(("logical_type", "dtype"), _type_to_ours, _type_to_gx)
_QUANTILES = Convert(("quantiles", "value_ranges"), _quantiles_to_ours, _quantiles_to_gx)
_COLUMN: dict[str, str | Convert] = {"column": "column"}
# GX 1.x has strict_min / strict_max wherever it has min_value / max_value.
_BOUNDS: dict[str, str | Convert] = {
    key: key for key in ("min_value", "max_value", "strict_min", "strict_max")
}
_RANGE = {**_COLUMN, **_BOUNDS}
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
_PAIR: dict[str, str | Convert] = {"column_A": "column_a", "column_B": "column_b"}
_PAIR["ignore_row_if"] = _choices("ignore_row_if", _PAIR_IGNORE)
_MULTI: dict[str, str | Convert] = {"column_list": "column_list"}
_MULTI["ignore_row_if"] = _choices("ignore_row_if", _MULTI_IGNORE)
# GX's ignore_row_if defaults (pair: both missing; multicolumn: all missing); ours differ for some.
_PAIR_DEFAULT = {"ignore_row_if": "both_values_are_missing"}
_MULTI_DEFAULT = {"ignore_row_if": "all_values_are_missing"}
_UNBOUNDED = ("min_value", "max_value")
_OUTPUT_FORMAT = frozenset({"output_strftime_format"})  # formats GX's output only
_GREATER = Rule("pair_greater", {**_PAIR, "or_equal": "or_equal"}, gx_defaults=_PAIR_DEFAULT)
_WITHIN_RECORD = Rule("unique_within_record", _MULTI, gx_defaults=_MULTI_DEFAULT)

#: numpy and pandas dtype names GX accepts in type lists, as the logical type of their values.
_DTYPE_KINDS = {
    **dict.fromkeys(
        ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "Int64"),
        "integer",
    ),
    **dict.fromkeys(("float16", "float32", "float64", "Float64"), "float"),
    **dict.fromkeys(("bool_", "boolean"), "boolean"),
    **dict.fromkeys(("str_", "object_string"), "string"),
}


def _type_list_to_ours(value: Any) -> dict[str, Any]:
    """GX's ``type_list`` as our value types; names with no portable meaning are refused."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SuiteError(f"expected a list of type names, got {value!r}")
    types: list[str] = []
    for name in value:
        kind = _LOGICAL_TYPES.get(name, _DTYPE_KINDS.get(name))
        if kind is None or kind == "categorical":
            raise SuiteError(f"type name {name!r} has no portable meaning for single values")
        if kind not in types:
            types.append(kind)
    return {"types": types}


def _type_list_to_gx(params: dict[str, Any]) -> Any:
    names = {"numeric": ["int", "float"]}
    return [n for kind in params["types"] for n in names.get(kind, [_GX_TYPE_NAMES[kind]])]


def _partition_to_ours(value: Any) -> dict[str, Any]:
    """GX's ``partition_object``: ``{bins, weights[, tail_weights]}`` or ``{values, weights}``."""
    if not isinstance(value, Mapping):
        raise SuiteError(f"expected a partition mapping, got {value!r}")
    continuous = {"bins", "weights"} <= set(value) <= {"bins", "weights", "tail_weights"}
    categorical = set(value) == {"values", "weights"}
    if not (continuous or categorical):
        raise SuiteError(
            "a partition_object has 'bins' and 'weights' (and maybe 'tail_weights'), or "
            f"'values' and 'weights'; got keys {sorted(value)}"
        )
    return dict(value)


def _partition_to_gx(params: dict[str, Any]) -> Any:
    out: dict[str, Any] = {}
    for key in ("bins", "values", "weights", "tail_weights"):
        if params.get(key) is not None:
            out[key] = list(params[key])
    return out


def _bucketize_to_ours(value: Any) -> dict[str, Any]:
    if value is not True:
        raise SuiteError("only bucketize_data: true is supported (the data is always binned)")
    return {}


def _only(expected: Any, why: str) -> Convert:
    """A GX kwarg accepted only at the value our expectation always behaves as."""

    def to_ours(value: Any) -> dict[str, Any]:
        if value != expected:
            raise SuiteError(why)
        return {}

    return Convert((), to_ours, lambda params: expected)


_TYPE_LIST = Convert(("types",), _type_list_to_ours, _type_list_to_gx)
_PARTITION = Convert(
    ("bins", "values", "weights", "tail_weights"), _partition_to_ours, _partition_to_gx
)
_BUCKETIZE = Convert((), _bucketize_to_ours, lambda params: True)
_KL = {
    **_COLUMN,
    "partition_object": _PARTITION,
    "threshold": "threshold",
    "tail_weight_holdout": "tail_weight_holdout",
    "internal_weight_holdout": "internal_weight_holdout",
    "bucketize_data": _BUCKETIZE,
}
_REGEX_LIST = {**_COLUMN, "regex_list": "regex_list"}
_LIKE = {**_COLUMN, "like_pattern": "like_pattern"}
_LIKE_LIST = {**_COLUMN, "like_pattern_list": "like_pattern_list"}
_ANY_ONLY = _only("any", "match_on must be 'any' here: a value fails when any pattern matches")

RULES: dict[str, Rule] = {
    # table
    "expect_column_to_exist": Rule("column_exists", {**_COLUMN, "column_index": "column_index"}),
    # GX reads a null column_set as the empty set (exact_match: every column is unexpected).
    "expect_table_columns_to_match_set": Rule(
        "columns_match_set",
        {"column_set": "column_set", "exact_match": "exact_match"},
        gx_defaults={"column_set": []},
    ),
    "expect_table_columns_to_match_ordered_list": Rule(
        "columns_match_ordered_list", {"column_list": "column_list"}, unbounded=("column_list",)
    ),
    "expect_table_column_count_to_be_between": Rule(
        "column_count_between", _BOUNDS, unbounded=_UNBOUNDED
    ),
    "expect_table_column_count_to_equal": Rule("column_count_equal", {"value": "value"}),
    "expect_table_row_count_to_be_between": Rule(
        "row_count_between", _BOUNDS, unbounded=_UNBOUNDED
    ),
    "expect_table_row_count_to_equal": Rule("row_count_equal", {"value": "value"}),
    # types
    "expect_column_values_to_be_of_type": Rule(*_TYPES),
    "expect_column_type_to_be": Rule(*_TYPES),
    # row-level
    "expect_column_values_to_not_be_null": Rule("not_null", _COLUMN),
    "expect_column_values_to_be_null": Rule("null", _COLUMN),
    "expect_column_values_to_be_between": Rule("between", _RANGE, ignored=_OUTPUT_FORMAT),
    "expect_column_values_to_be_in_set": Rule("in_set", _SET),
    "expect_column_values_to_not_be_in_set": Rule("not_in_set", _SET),
    "expect_column_values_to_match_regex": Rule("matches_regex", _REGEX),
    "expect_column_values_to_not_match_regex": Rule("not_matches_regex", _REGEX),
    "expect_column_value_lengths_to_be_between": Rule("value_length_between", _RANGE),
    "expect_column_value_lengths_to_equal": Rule(
        "value_length_equal", {**_COLUMN, "value": "value"}
    ),
    "expect_column_values_to_be_unique": Rule("unique", _COLUMN),
    "expect_column_values_to_be_increasing": Rule("increasing", _ORDER),
    "expect_column_values_to_be_decreasing": Rule("decreasing", _ORDER),
    "expect_column_values_to_match_strftime_format": Rule(
        "matches_strftime_format", {**_COLUMN, "strftime_format": "strftime_format"}
    ),
    "expect_column_values_to_be_json_parseable": Rule("json_parseable", _COLUMN),
    "expect_column_values_to_match_json_schema": Rule(
        "matches_json_schema", {**_COLUMN, "json_schema": "json_schema"}
    ),
    "expect_column_values_to_be_dateutil_parseable": Rule("dateutil_parseable", _COLUMN),
    "expect_column_values_to_be_in_type_list": Rule(
        "in_type_list", {**_COLUMN, "type_list": _TYPE_LIST}, unbounded=("types",)
    ),
    "expect_column_values_to_match_regex_list": Rule(
        "matches_regex_list", {**_REGEX_LIST, "match_on": "match_on"}
    ),
    "expect_column_values_to_not_match_regex_list": Rule(
        "not_matches_regex_list", {**_REGEX_LIST, "match_on": _ANY_ONLY}
    ),
    "expect_column_values_to_match_like_pattern": Rule("matches_like_pattern", _LIKE),
    "expect_column_values_to_not_match_like_pattern": Rule("not_matches_like_pattern", _LIKE),
    "expect_column_values_to_match_like_pattern_list": Rule(
        "matches_like_pattern_list", {**_LIKE_LIST, "match_on": "match_on"}
    ),
    "expect_column_values_to_not_match_like_pattern_list": Rule(
        "not_matches_like_pattern_list", {**_LIKE_LIST, "match_on": _ANY_ONLY}
    ),
    # GX requires double_sided; writing it on export keeps the suite valid for GX.
    "expect_column_value_z_scores_to_be_less_than": Rule(
        "z_score_below",
        {**_COLUMN, "threshold": "threshold", "double_sided": "double_sided"},
        gx_defaults={"double_sided": True},
    ),
    # aggregate
    "expect_column_min_to_be_between": Rule(
        "min_between", _RANGE, ignored=_OUTPUT_FORMAT, unbounded=_UNBOUNDED
    ),
    "expect_column_max_to_be_between": Rule(
        "max_between", _RANGE, ignored=_OUTPUT_FORMAT, unbounded=_UNBOUNDED
    ),
    "expect_column_mean_to_be_between": Rule("mean_between", _RANGE, unbounded=_UNBOUNDED),
    "expect_column_median_to_be_between": Rule("median_between", _RANGE, unbounded=_UNBOUNDED),
    "expect_column_stdev_to_be_between": Rule("stdev_between", _RANGE, unbounded=_UNBOUNDED),
    "expect_column_sum_to_be_between": Rule("sum_between", _RANGE, unbounded=_UNBOUNDED),
    # GX's pandas backend takes quantiles with interpolation="nearest" (conformance NOTES §4);
    # allow_relative_error only lets SQL engines approximate, and we compute exactly.
    "expect_column_quantile_values_to_be_between": Rule(
        "quantiles_between",
        {**_COLUMN, "quantile_ranges": _QUANTILES},
        fixed={"method": "nearest"},
        ignored=frozenset({"allow_relative_error"}),
    ),
    "expect_column_unique_value_count_to_be_between": Rule(
        "unique_value_count_between", _RANGE, unbounded=_UNBOUNDED
    ),
    "expect_column_proportion_of_unique_values_to_be_between": Rule(
        "proportion_unique_between", _RANGE, unbounded=_UNBOUNDED
    ),
    "expect_column_proportion_of_non_null_values_to_be_between": Rule(
        "proportion_non_null_between", _RANGE, unbounded=_UNBOUNDED
    ),
    "expect_column_distinct_values_to_be_in_set": Rule(
        "distinct_values_in_set", _SET, unbounded=("value_set",)
    ),
    "expect_column_distinct_values_to_contain_set": Rule("distinct_values_contain_set", _SET),
    "expect_column_distinct_values_to_equal_set": Rule("distinct_values_equal_set", _SET),
    "expect_column_most_common_value_to_be_in_set": Rule(
        "most_common_value_in_set", {**_SET, "ties_okay": "ties_okay"}
    ),
    "expect_column_kl_divergence_to_be_less_than": Rule(
        "kl_divergence_below", _KL, unbounded=("threshold",)
    ),
    # multi-column
    "expect_column_pair_values_to_be_in_set": Rule(
        "pair_in_set",
        {**_PAIR, "value_pairs_set": "value_pairs_set"},
        gx_defaults=_PAIR_DEFAULT,
    ),
    "expect_compound_columns_to_be_unique": Rule(
        "compound_columns_unique", _MULTI, gx_defaults=_MULTI_DEFAULT
    ),
    "expect_column_pair_values_a_to_be_greater_than_b": _GREATER,
    "expect_column_pair_values_to_be_equal": Rule("pair_equal", _PAIR, gx_defaults=_PAIR_DEFAULT),
    "expect_multicolumn_sum_to_equal": Rule(
        "multicolumn_sum_equal", {**_MULTI, "sum_total": "sum_total"}, gx_defaults=_MULTI_DEFAULT
    ),
    "expect_select_column_values_to_be_unique_within_record": _WITHIN_RECORD,
    # GX 0.x spellings of the same expectations (import only: export writes the names above)
    "expect_column_pair_values_A_to_be_greater_than_B": _GREATER,
    "expect_multicolumn_values_to_be_unique": _WITHIN_RECORD,
}

#: GX core expectations without a dataguard counterpart, and why.
NOT_MAPPED = {
    **dict.fromkeys(
        (
            "expect_column_chisquare_test_p_value_to_be_greater_than",
            "expect_column_bootstrapped_ks_test_p_value_to_be_greater_than",
            "expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than",
            "expect_column_pair_cramers_phi_value_to_be_less_than",
        ),
        "a stub in Great Expectations 1.x; dataguard.drift and no_drift test distributions",
    ),
    **dict.fromkeys(
        ("expect_table_row_count_to_equal_other_table", "unexpected_rows_expectation"),
        "SQL-only in Great Expectations",
    ),
}
