"""Writing dataguard expectations as Great Expectations 1.x suite items.

Every item is checked by reading it back with the importer: what would not come back equal (a
parameter GX cannot express, such as a sum tolerance) is refused rather than written
approximately. Both ``compat.gx`` (whole suites) and the GX result export (each result's
expectation) use it, so neither needs the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, fields
from typing import Any

from dataguard.compat._gx_import import (
    _EXPORTS,
    _PARSER,
    _SEVERITIES,
    Problems,
    _error,
    _expectation,
)
from dataguard.errors import SuiteError
from dataguard.expectations import EachColumn, Expectation
from dataguard.expectations._params import JsonObject

_GX_SEVERITIES = {ours: gx for gx, ours in _SEVERITIES.items()}


def expectation_to_gx(expectation: Expectation) -> dict[str, Any]:
    """One expectation as a GX 1.x suite item; SuiteError when it has no exact GX form."""
    problems: Problems = []
    item = _to_gx(expectation, "expectation", problems)
    if problems:
        raise _error(problems, None, "the expectation cannot be written for Great Expectations")
    return item


def _plain(value: Any) -> Any:
    """Tuples (our hashable lists) as lists, recursively, for a JSON-shaped GX document."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, JsonObject):
        return value.to_plain()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _to_gx(expectation: Expectation, at: str, problems: Problems) -> dict[str, Any]:
    """One expectation as a GX 1.x item; checked by importing it back."""
    entry = _EXPORTS.get(expectation.name)
    if isinstance(expectation, EachColumn):
        problems.append((at, "columns_matching has no Great Expectations counterpart"))
        return {}
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
    if expectation.where is not None:
        kwargs["row_condition"] = expectation.where
        kwargs["condition_parser"] = _PARSER
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
