"""The group tally counts what a pandas groupby counts, however the groups are numbered."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from dataguard._frame import Batch, as_source
from dataguard.metrics import GroupTally, TooManyGroups, Values


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


def test_a_batch_beyond_the_cap_stops_the_tally() -> None:
    batch = Batch({"k": pa.array(range(11))}, 0, 11)
    with pytest.raises(TooManyGroups, match="grouping by 'k' makes more than 10 groups"):
        GroupTally(("k",), limit=10).compute(batch, Values())
