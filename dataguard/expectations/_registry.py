"""The registry of expectation types, by explicit name.

A built-in expectation registers when its module is imported, which happens when its name is
first looked up (a suite naming it), its class is first read from ``dataguard.expectations``, or
the catalogue is listed: a validation loads the modules of the expectations it uses, and not, say,
the profile and drift packages that ``no_drift`` and the fairness checks need. ``BUILT_IN`` says
which module defines each name; ``tests/expectations/test_catalogue.py`` checks it against what
the modules register.
"""

from __future__ import annotations

import importlib
from typing import TypeVar

from dataguard.errors import UnknownExpectationError
from dataguard.expectations._base import Expectation

E = TypeVar("E", bound=type[Expectation])

_REGISTRY: dict[str, type[Expectation]] = {}

#: The module defining each built-in expectation, by name.
BUILT_IN: dict[str, str] = {
    "between": "dataguard.expectations._values",
    "column_count_between": "dataguard.expectations._table",
    "column_count_equal": "dataguard.expectations._table",
    "column_dtype": "dataguard.expectations._types",
    "column_exists": "dataguard.expectations._table",
    "column_type": "dataguard.expectations._types",
    "columns_match_ordered_list": "dataguard.expectations._table",
    "columns_match_set": "dataguard.expectations._table",
    "compound_columns_unique": "dataguard.expectations._multi",
    "dateutil_parseable": "dataguard.expectations._patterns",
    "decreasing": "dataguard.expectations._values",
    "distinct_values_contain_set": "dataguard.expectations._aggregate",
    "distinct_values_equal_set": "dataguard.expectations._aggregate",
    "distinct_values_equal_table": "dataguard.expectations._tables",
    "distinct_values_in_set": "dataguard.expectations._aggregate",
    "equal_within_record": "dataguard.expectations._multi",
    "expression": "dataguard.expectations._expression",
    "foreign_key": "dataguard.expectations._tables",
    "freshness": "dataguard.expectations._freshness",
    "group_share_between": "dataguard.expectations._fairness",
    "in_set": "dataguard.expectations._values",
    "in_type_list": "dataguard.expectations._patterns",
    "increasing": "dataguard.expectations._values",
    "json_parseable": "dataguard.expectations._strings",
    "kl_divergence_below": "dataguard.expectations._distribution",
    "matches_json_schema": "dataguard.expectations._patterns",
    "matches_like_pattern": "dataguard.expectations._patterns",
    "matches_like_pattern_list": "dataguard.expectations._patterns",
    "matches_regex": "dataguard.expectations._strings",
    "matches_regex_list": "dataguard.expectations._patterns",
    "matches_strftime_format": "dataguard.expectations._strings",
    "max_between": "dataguard.expectations._aggregate",
    "mean_between": "dataguard.expectations._aggregate",
    "median_between": "dataguard.expectations._aggregate",
    "min_between": "dataguard.expectations._aggregate",
    "missingness_parity": "dataguard.expectations._fairness",
    "most_common_value_in_set": "dataguard.expectations._aggregate",
    "multicolumn_sum_equal": "dataguard.expectations._multi",
    "no_drift": "dataguard.expectations._drift",
    "no_extra_columns": "dataguard.expectations._table",
    "no_outliers": "dataguard.expectations._distribution",
    "not_in_set": "dataguard.expectations._values",
    "not_matches_like_pattern": "dataguard.expectations._patterns",
    "not_matches_like_pattern_list": "dataguard.expectations._patterns",
    "not_matches_regex": "dataguard.expectations._strings",
    "not_matches_regex_list": "dataguard.expectations._patterns",
    "not_null": "dataguard.expectations._values",
    "null": "dataguard.expectations._values",
    "pair_equal": "dataguard.expectations._multi",
    "pair_greater": "dataguard.expectations._multi",
    "pair_in_set": "dataguard.expectations._multi",
    "proportion_non_null_between": "dataguard.expectations._aggregate",
    "proportion_unique_between": "dataguard.expectations._aggregate",
    "quantiles_between": "dataguard.expectations._aggregate",
    "rate_parity": "dataguard.expectations._fairness",
    "row_count_between": "dataguard.expectations._table",
    "row_count_equal": "dataguard.expectations._table",
    "row_count_equal_table": "dataguard.expectations._tables",
    "stdev_between": "dataguard.expectations._aggregate",
    "sum_between": "dataguard.expectations._aggregate",
    "unique": "dataguard.expectations._values",
    "unique_value_count_between": "dataguard.expectations._aggregate",
    "unique_within_record": "dataguard.expectations._multi",
    "value_length_between": "dataguard.expectations._strings",
    "value_length_equal": "dataguard.expectations._strings",
    "z_score_below": "dataguard.expectations._distribution",
}


def _load(name: str) -> None:
    """Register the built-in expectation ``name`` if its module is not loaded yet."""
    if name not in _REGISTRY and name in BUILT_IN:
        importlib.import_module(BUILT_IN[name])


def register(cls: E) -> E:
    """Register an expectation class under its ``name`` (apply outside ``@dataclass``)."""
    name = cls.name
    if not name or not name.replace("_", "").isalnum() or name != name.lower():
        raise ValueError(f"{cls.__qualname__} needs a snake_case name, got {name!r}")
    _load(name)  # a built-in of that name keeps it, whether or not its module is loaded yet
    existing = _REGISTRY.get(name)
    if existing is not None and existing.__qualname__ != cls.__qualname__:
        raise ValueError(f"expectation name {name!r} is taken by {existing.__qualname__}")
    _REGISTRY[name] = cls
    return cls


def unregister(name: str) -> None:
    """Remove the class registered as ``name`` (for extensions; built-ins stay registered)."""
    _REGISTRY.pop(name, None)
    BUILT_IN.pop(name, None)


def lookup(name: str) -> type[Expectation]:
    """The class registered as ``name``; UnknownExpectationError with a hint otherwise."""
    _load(name)
    try:
        return _REGISTRY[name]
    except KeyError:
        known = sorted(_REGISTRY.keys() | BUILT_IN.keys())
        raise UnknownExpectationError.for_name(name, known) from None


def registered() -> dict[str, type[Expectation]]:
    """Every registered expectation class by name, sorted by name."""
    for name in list(BUILT_IN):
        _load(name)
    return dict(sorted(_REGISTRY.items()))
