"""Custom expectations for tests, registered only within ``custom_suite()``.

The functions are defined inside the context manager: they are not importable by name, so a
cluster's workers receive them by value (cloudpickle), as a notebook's functions travel.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import dataguard as dg
from dataguard import extend

NAMES = ("test_even", "test_ordered_pair", "test_summary")


@contextmanager
def custom_suite() -> Iterator[dg.Suite]:
    """A suite over ``tests.test_contract.DATA``'s columns using three custom expectations."""

    @extend.row_check("test_even", accepts="integer", example={"column": "y"})
    def even(column: pa.Array, remainder: int = 0) -> pa.Array:
        """Values are even (or leave ``remainder``)."""
        return pc.equal(pc.bit_wise_and(column, 1), remainder)

    @extend.row_check("test_ordered_pair", columns=("low", "high"))
    def ordered(low: pa.Array, high: pa.Array, gap: float = 0.0) -> np.ndarray:
        # As numpy booleans: rows missing a value are not judged, so they may read as anything.
        judged = pc.less_equal(pc.add(pc.cast(low, pa.float64()), gap), high)
        return np.asarray(pc.fill_null(judged, False))

    stats = {
        "rows": extend.row_count(),
        "nulls": extend.null_count(),
        "low": extend.minimum(),
        "high": extend.maximum(),
        "mean": extend.mean(),
        "total": extend.total(),
        "sd": extend.stdev(),
        "distinct": extend.distinct_count(),
        "p90": extend.quantile(q=0.9),
    }

    @extend.aggregate_check("test_summary", statistics=stats, accepts="numeric")
    def summary(
        *,
        rows: int,
        nulls: int,
        low: float | None,
        high: float | None,
        mean: float | None,
        total: float,
        sd: float | None,
        distinct: int,
        p90: float | None,
        limit: float,
    ) -> extend.Verdict:
        observed = [rows, nulls, low, high, mean, total, sd, distinct, p90]
        return extend.Verdict(high is not None and high <= limit, observed)

    try:
        yield dg.Suite.from_dict(
            {
                "expectations": [
                    {"type": "test_even", "column": "y", "mostly": 0.5},
                    {"type": "test_even", "column": "y", "remainder": 1, "where": "id > 4"},
                    {"type": "test_ordered_pair", "low": "y", "high": "x", "gap": 0.5},
                    {"type": "test_summary", "column": "x", "limit": 10},
                    {"type": "test_summary", "column": "x", "limit": 10, "where": "y != 2"},
                ]
            }
        )
    finally:
        for name in NAMES:
            extend.unregister(name)
