"""``Batch.groups``: a batch's rows by the values of some columns, for metrics judged per group."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from dataguard._frame import Batch, as_source


def _batch(table: pa.Table) -> Batch:
    return next(as_source(table).batches(table.column_names, None))


def test_groups_hold_their_rows_with_global_numbers() -> None:
    table = pa.table(
        {
            "f": pa.array([0.0, -0.0, float("nan"), None, 1.5, 0.0]),
            "s": pa.array(["a", "b", None, None, "a", "a"]),
            "v": pa.array([10, 11, 12, 13, 14, 15]),
        }
    )
    batch = _batch(table)
    groups = dict(batch.groups(("f", "s")))
    assert sorted(groups, key=repr) == sorted(
        [(0.0, "a"), (0.0, "b"), (None, None), (1.5, "a")], key=repr
    )
    assert groups[0.0, "a"].array("v").to_pylist() == [10, 15]
    assert groups[0.0, "a"].row_ids().tolist() == [0, 5]
    assert groups[None, None].row_ids().tolist() == [2, 3]
    assert batch.groups(("f", "s")) is batch.groups(("f", "s"))  # computed once


def test_more_groups_than_a_radix_sort_takes_are_keyed_by_their_values() -> None:
    n = 70_000
    ids = np.arange(n)[::-1].copy()
    batch = _batch(pa.table({"id": ids, "half": ids // 2}))
    keys = batch.group_keys(("id", "half"))
    assert sorted(keys) == [(k, k // 2) for k in range(n)]
    assert len(_batch(pa.table({"k": pa.array([], pa.int64())})).group_keys(("k",))) == 0


def test_groups_keep_their_rows_in_order() -> None:
    keys = pa.array([k % 3 for k in range(30)])
    batch = _batch(pa.table({"k": keys, "v": pa.array(range(30))}))
    for (key,), rows in batch.groups(("k",)):
        assert rows.array("v").to_pylist() == list(range(key, 30, 3))
