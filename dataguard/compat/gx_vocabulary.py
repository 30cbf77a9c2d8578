"""Great Expectations names met in a dataguard suite, and the dataguard names they stand for.

A user moving from GX writes ``expect_column_values_to_be_between`` or ``column_A`` out of habit;
the nearest spelling among our names (``unique_value_count_between``, ``column_b``) would mislead
them. These answers come from the same table the GX importer uses, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Collection

from dataguard.compat._gx_rules import NOT_MAPPED, RULES

__all__ = ["GX_COUNTERPART_MISSING", "native_parameters", "native_types"]

#: What a GX type name without a dataguard counterpart is told.
GX_COUNTERPART_MISSING = "a Great Expectations name with no dataguard counterpart"

#: GX kwargs handled outside the table of rules: ``row_condition`` becomes ``where``.
_CONDITION = {"row_condition": ("where",)}


def native_types(gx_type: str) -> tuple[str, ...] | None:
    """Our expectation names for a GX type name; ``()`` when GX has it but we have no
    counterpart; None when it is not a GX name."""
    rule = RULES.get(gx_type)
    if rule is not None:
        return rule.targets
    return () if gx_type in NOT_MAPPED else None


def native_parameters(gx_kwarg: str, params: Collection[str]) -> tuple[str, ...]:
    """Which of an expectation's ``params`` a GX kwarg stands for (nothing if it is not GX's).

    A kwarg may stand for several of ours (GX's ``partition_object`` holds our ``bins`` or
    ``values``, ``weights``, ...); they are given in the order GX's table names them.
    """
    found = [p for p in _CONDITION.get(gx_kwarg, ()) if p in params]
    for rule in RULES.values():
        spec = rule.kwargs.get(gx_kwarg)
        if spec is None:
            continue
        ours = (spec,) if isinstance(spec, str) else spec.params
        found += [p for p in ours if p in params and p != gx_kwarg and p not in found]
    return tuple(found)
