"""Custom expectations: register a function and use its name in suites like a built-in's.

A row-level check is a function from Arrow arrays to a mask of passing rows::

    import pyarrow.compute as pc
    import dataguard as dg

    @dg.extend.row_check("even", accepts="integer")
    def even(column):
        return pc.equal(pc.bit_wise_and(column, 1), 0)

An aggregate check declares the statistics it needs and judges their values::

    @dg.extend.aggregate_check("mean_near_median", statistics={
        "mean": dg.extend.mean(), "median": dg.extend.quantile(q=0.5)})
    def mean_near_median(mean, median, tolerance: float = 0.1):
        gap = None if mean is None else abs(mean - median)
        return dg.extend.Verdict(gap is not None and gap <= tolerance, gap)

Both then load from YAML (``{type: even, column: n, mostly: 0.9}``) and run on every engine.
A name cannot shadow a built-in or another function's expectation; registering the same
function again (a re-imported module, a re-run notebook cell) replaces its definition.
``docs/extending.md`` has the whole story.
"""

from dataguard.extend._aggregate import (
    Statistic,
    Verdict,
    aggregate_check,
    distinct_count,
    maximum,
    mean,
    minimum,
    null_count,
    quantile,
    row_count,
    stdev,
    total,
)
from dataguard.extend._declare import remove as unregister
from dataguard.extend._row import row_check

__all__ = [
    "Statistic",
    "Verdict",
    "aggregate_check",
    "distinct_count",
    "maximum",
    "mean",
    "minimum",
    "null_count",
    "quantile",
    "row_check",
    "row_count",
    "stdev",
    "total",
    "unregister",
]
