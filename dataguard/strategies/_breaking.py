"""Values likely to break an expectation, for the rows added to make it fail.

By default any value of the column's kind (null included): most rules on a value reject most
values. Rules that reject few values (a set of excluded values, a pattern to avoid) say which,
and rules read against another table's values take values that table lacks.
"""

from __future__ import annotations

import functools
from typing import Any

from dataguard._deferred import st
from dataguard.expectations import (
    DistinctValuesEqualSet,
    DistinctValuesEqualTable,
    DistinctValuesInSet,
    Expectation,
    ForeignKey,
    NotInSet,
    NotMatchesLikePattern,
    NotMatchesRegex,
)
from dataguard.strategies._plan import ColumnPlan, any_value, kind_of


@functools.singledispatch
def breaking(expectation: Expectation, column: ColumnPlan) -> st.SearchStrategy[Any]:
    """Values of ``column`` likely to break ``expectation``: any value of the column's kind,
    unless a rule knows better."""
    return column.wide()


# Registered by class: the annotations are not evaluated, so hypothesis is not imported.
@breaking.register(NotInSet)
def _(expectation: NotInSet, column: ColumnPlan) -> st.SearchStrategy[Any]:
    members = [v for v in expectation.value_set if kind_of(v) == column.settled_kind]
    return st.sampled_from(members) if members else column.wide()


@breaking.register(NotMatchesRegex)
def _(expectation: NotMatchesRegex, column: ColumnPlan) -> st.SearchStrategy[Any]:
    return st.from_regex(expectation.regex)


@breaking.register(NotMatchesLikePattern)
def _(expectation: NotMatchesLikePattern, column: ColumnPlan) -> st.SearchStrategy[Any]:
    # Any run of characters for %, one for _: text the pattern matches.
    return st.just(expectation.like_pattern.replace("%", "").replace("_", "x"))


def _elsewhere(expectation: Expectation, column: ColumnPlan) -> st.SearchStrategy[Any]:
    """Present values of the column's kind outside the values the column was narrowed to
    (``choices``: the other table's, or the declared set)."""
    held = column.choices or ()
    values = any_value(column.settled_kind, None, None, (0, None))
    return values.filter(lambda value: value not in held)


breaking.register(ForeignKey, _elsewhere)
breaking.register(DistinctValuesEqualTable, _elsewhere)
breaking.register(DistinctValuesEqualSet, _elsewhere)
breaking.register(DistinctValuesInSet, _elsewhere)
