"""Results in Great Expectations' shape: ``{"success", "result": {...}, ...}`` per result_format.

GX decides which keys a result carries from the expectation's kind and the ``result_format`` level:
row-level ("map") expectations report counts and percentages from ``BASIC`` on, the counts of the
sampled values from ``SUMMARY`` on, and every unexpected value and row from ``COMPLETE``; other
expectations report an ``observed_value`` (and ``details``) from ``BASIC`` on. ``BOOLEAN_ONLY``
reports the outcome alone. Values are JSON-ready as GX serializes them: NaN and NaT are ``null``,
and infinities stay floats (``json.dumps`` writes them as ``Infinity``, as GX's writer does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from dataguard._jsonable import jsonable
from dataguard.compat._gx_export import expectation_to_gx
from dataguard.errors import SuiteError
from dataguard.result import ExpectationResult, Reason, ResultFormat

if TYPE_CHECKING:
    from dataguard.expectations import Expectation

#: Our expectations whose denominator is every row (GX: no missing counts in their results).
_EVERY_ROW = frozenset({"not_null", "null"})
#: Our type expectations: their observed dtype is reported under GX's type name.
_TYPES = frozenset({"column_type", "column_dtype"})


def gx_jsonable(value: Any) -> Any:
    """``value`` as GX's JSON-ready form: infinities are kept as floats, NaN becomes None."""
    return jsonable(value, infinities=True)


def _format(value: str | ResultFormat) -> ResultFormat:
    if isinstance(value, ResultFormat):
        return value
    try:
        return ResultFormat(str(value).lower())
    except ValueError:
        names = ", ".join(f.value.upper() for f in ResultFormat)
        raise ValueError(f"unknown result_format {value!r}; use one of {names}") from None


def gx_type_name(dtype: str) -> str:
    """GX's name for a pandas dtype, as it reports it: the dtype's scalar type (``object_``,
    ``float64``, ``datetime64``), and ``Timestamp`` for time-zone-aware date-times."""
    if dtype.startswith("datetime64[") and "," in dtype:
        return "Timestamp"
    try:
        return str(np.dtype(dtype).type.__name__)
    except TypeError:
        return dtype


def _row_value(expectation: Expectation, value: Any) -> Any:
    """One failing row's values as GX lists them: a value, a pair as a list, several as a dict."""
    columns = expectation.columns
    if len(columns) <= 1:
        return gx_jsonable(value)
    if hasattr(expectation, "column_a"):
        return gx_jsonable(list(value))
    return {column: gx_jsonable(v) for column, v in zip(columns, value, strict=True)}


def _index_entry(expectation: Expectation, value: Any, index: Any) -> Any:
    """One ``unexpected_index_list`` entry: the row number, or the row's values and id columns."""
    if not isinstance(index, dict):
        return gx_jsonable(index)
    columns = expectation.columns
    values = [value] if len(columns) == 1 else list(value)
    entry = {column: gx_jsonable(v) for column, v in zip(columns, values, strict=True)}
    entry.update({key: gx_jsonable(v) for key, v in index.items()})
    return entry


def _counts(values: list[Any]) -> list[dict[str, Any]] | None:
    """GX's ``partial_unexpected_counts``: distinct sampled values, most frequent first."""
    counted: dict[str, tuple[Any, int]] = {}
    for value in values:
        if isinstance(value, (dict, list)):
            return None  # GX cannot count unhashable values and reports an error detail instead
        key = repr(value)
        counted[key] = (value, counted.get(key, (value, 0))[1] + 1)
    ranked = sorted(counted.values(), key=lambda item: -item[1])
    return [{"value": value, "count": count} for value, count in ranked]


def _map_result(result: ExpectationResult, fmt: ResultFormat) -> dict[str, Any]:
    expectation = result.expectation
    out: dict[str, Any] = {
        "element_count": result.element_count,
        "unexpected_count": result.unexpected_count,
        "unexpected_percent": result.unexpected_percent,
        "partial_unexpected_list": [
            _row_value(expectation, v) for v in result.partial_unexpected_list
        ],
    }
    if expectation.name not in _EVERY_ROW:
        out["missing_count"] = result.missing_count
        out["missing_percent"] = result.missing_percent
        out["unexpected_percent_total"] = result.unexpected_percent_total
        out["unexpected_percent_nonmissing"] = result.unexpected_percent
    if result.observed_value is not None:
        out["observed_value"] = gx_jsonable(result.observed_value)
    if fmt is ResultFormat.BASIC:
        return out
    counts = _counts(out["partial_unexpected_list"])
    if counts is None:
        out["details"] = {
            "partial_unexpected_counts_error": "partial_unexpected_counts requested, but "
            "requires a hashable type"
        }
    else:
        out["partial_unexpected_counts"] = counts
    partial = result.partial_unexpected_list
    out["partial_unexpected_index_list"] = [
        _index_entry(expectation, v, i)
        for v, i in zip(partial, result.unexpected_index_list, strict=False)
    ]
    if fmt is ResultFormat.SUMMARY:
        return out
    values = result.unexpected_list or ()
    out["unexpected_list"] = [_row_value(expectation, v) for v in values]
    out["unexpected_index_list"] = [
        _index_entry(expectation, v, i)
        for v, i in zip(values, result.unexpected_index_list, strict=True)
    ]
    return out


def _details(result: ExpectationResult) -> dict[str, Any]:
    details = dict(result.details)
    if result.expectation.name == "columns_match_set":
        # GX lists only the kinds of mismatch that occur.
        mismatched = details.get("mismatched", {})
        details["mismatched"] = {key: value for key, value in mismatched.items() if value}
    return gx_jsonable(details)  # type: ignore[no-any-return]


def _aggregate_result(result: ExpectationResult) -> dict[str, Any]:
    observed = result.observed_value
    if result.expectation.name in _TYPES and isinstance(observed, str):
        observed = gx_type_name(observed)
    elif result.expectation.name == "most_common_value_in_set" and observed is not None:
        observed = observed if isinstance(observed, list) else [observed]  # GX lists the modes
    out: dict[str, Any] = {"observed_value": gx_jsonable(observed)}
    if result.element_count is not None:
        out["element_count"] = result.element_count
    if result.missing_count is not None:
        out["missing_count"] = result.missing_count
        out["missing_percent"] = result.missing_percent
    if result.details:
        out["details"] = _details(result)
    return out


def _config(expectation: Expectation) -> dict[str, Any]:
    """The expectation as a GX item, or under its dataguard name when GX has no exact form."""
    try:
        item = expectation_to_gx(expectation)
    except SuiteError:
        item = {"type": f"dataguard.{expectation.name}", "kwargs": expectation.to_dict()}
    return gx_jsonable(item)  # type: ignore[no-any-return]


def result_to_gx(
    result: ExpectationResult, result_format: str | ResultFormat = ResultFormat.SUMMARY
) -> dict[str, Any]:
    """One result as a GX ``ExpectationValidationResult`` JSON dict.

    ``result_format`` should be the one the validation ran with (GX's ``BOOLEAN_ONLY``, ``BASIC``,
    ``SUMMARY`` or ``COMPLETE``, in any case): it decides which keys ``result`` holds, and
    ``COMPLETE`` needs the complete lists only a ``complete`` validation keeps.
    """
    fmt = _format(result_format)
    if fmt is ResultFormat.BOOLEAN_ONLY:
        body: dict[str, Any] = {}
    elif result.unexpected_count is not None:
        body = _map_result(result, fmt)
    else:
        body = _aggregate_result(result)
    failed = result.reason is Reason.ERROR
    return {
        "success": result.passed,
        "expectation_config": _config(result.expectation),
        "result": body,
        # GX has no groups: a result judged per group says which one beside the result.
        "meta": {"group": gx_jsonable(dict(result.group))} if result.group is not None else {},
        "exception_info": {
            "raised_exception": failed,
            "exception_message": result.message if failed else None,
            "exception_traceback": None,
        },
    }
