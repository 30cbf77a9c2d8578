"""The group tally counts what a pandas groupby counts, however the groups are numbered."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from dataguard._frame import Batch, as_source
from dataguard.metrics import GroupTally, Values


def _tally(frame: pd.DataFrame, metric: GroupTally, chunk: int | None = None) -> dict:
    source = as_source(frame)
    state = metric.empty()
    for batch in source.batches(list(metric.columns), chunk):
        state = metric.merge(state, metric.compute(batch, Values()))
    counts = metric.finalize(state)
    return {
        key: (rows, present, positive)
        for key, rows, present, positive in zip(
            counts.keys, counts.rows, counts.present, counts.positive, strict=True
        )
    }


def _expected(frame: pd.DataFrame, by: list[str], outcome: str) -> dict:
    grouped = frame.groupby(by, dropna=False)[outcome]
    return {
        tuple(None if pd.isna(v) else v for v in key): (int(size), int(count), int(total))
        for key, size, count, total in zip(
            grouped.size().index, grouped.size(), grouped.count(), grouped.sum(), strict=True
        )
    }


@pytest.mark.parametrize("distinct", [3, 200])  # few combinations; more than 65,536
@pytest.mark.parametrize("chunk", [None, 97])
def test_counts_equal_a_pandas_groupby(distinct: int, chunk: int | None) -> None:
    rng = np.random.default_rng(distinct)
    rows = 600
    frame = pd.DataFrame(
        {
            "a": rng.choice(np.array([f"v{k}" for k in range(distinct)] + [None]), rows),
            "b": rng.integers(0, distinct, rows).astype(float),
            "c": rng.integers(0, 4, rows),
            "y": rng.choice([0.0, 1.0, np.nan], rows),
        }
    )
    frame.loc[frame.index % 11 == 0, "b"] = np.nan
    metric = GroupTally(("a", "b", "c"), "y", outcome=True)
    assert _tally(frame, metric, chunk) == _expected(frame, ["a", "b", "c"], "y")


def test_beyond_the_cap_the_tally_keeps_nothing_and_says_so() -> None:
    metric = GroupTally(("k",), limit=10)
    small = metric.compute(Batch({"k": pa.array(range(6))}, 0, 6), Values())
    other = metric.compute(Batch({"k": pa.array(range(6, 12))}, 6, 6), Values())
    assert metric.compact(metric.merge(small, other)) is None  # 12 groups in all
    assert metric.finalize(metric.merge(small, other)).overflowed
    assert metric.compute(Batch({"k": pa.array(range(11))}, 0, 11), Values()) is None
    assert metric.merge(None, small) is None
    assert not metric.finalize(metric.merge(small, metric.empty())).overflowed
