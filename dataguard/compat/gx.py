"""Great Expectations suites in and out, through one declarative table of GX names.

The public face of the GX bridge. Reading a GX suite is ``_gx_import``'s job (``Suite.from_gx``
builds on it), writing an expectation as a GX item ``_gx_export``'s (each item checked by reading
it back), and ``result_to_gx`` turns our results into GX-shaped result dicts. What we cannot
honour exactly is refused with every problem listed at once, because validating differently from
GX without saying so is worse than failing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from dataguard.compat._gx_export import _to_gx, expectation_to_gx
from dataguard.compat._gx_import import Problems, _error
from dataguard.compat._gx_results import result_to_gx
from dataguard.compat._gx_rules import RULES
from dataguard.errors import SuiteError
from dataguard.suite import Suite

__all__ = [
    "expectation_to_gx",
    "result_to_gx",
    "suite_from_gx",
    "suite_to_gx",
    "supported_types",
]


def supported_types() -> dict[str, tuple[str, ...]]:
    """Every GX expectation type that imports, with the dataguard expectation(s) it becomes."""
    return {gx: rule.targets for gx, rule in RULES.items()}


def suite_from_gx(
    suite: Mapping[str, Any] | str | os.PathLike[str],
    *,
    parameters: Mapping[str, Any] | None = None,
) -> Suite:
    """Import a GX expectation suite (0.x or 1.x layout) from a dict or a JSON file.

    The same as ``Suite.from_gx``; see ``read_gx_suite`` for the parameters and the errors.
    """
    return Suite.from_gx(suite, parameters=parameters)


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
