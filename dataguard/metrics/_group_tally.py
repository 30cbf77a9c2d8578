"""Counts per group of rows: how many rows, present outcomes and positive outcomes each group has.

The fairness expectations compare groups (a positive rate per gender, a missing share per
region), so one metric tallies every group in one pass: each batch is grouped by Arrow's hash
aggregation, and the per-batch tables are summed by the same aggregation when states merge.
Missing group values (null, NaN, NaT) form one group of their own, as ``pandas.groupby(...,
dropna=False)`` does, and -0.0 is 0.0, so the groups do not depend on how the rows were batched.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import Batch, bools, missing_mask
from dataguard.metrics._base import Metric, Values
from dataguard.metrics._codec import state_type
from dataguard.metrics._values import canonical

#: Most groups a tally keeps: fairness checks compare groups one by one, and beyond a thousand
#: the grouping is almost surely a mistake (an id column), whose tally would hold every row.
MAX_GROUPS = 1000
#: The counters summed per group, after the group columns.
COUNTERS = ("rows", "present", "positive", "other")

#: Per-batch tables of group keys (``k0``, ``k1``, ...) and counters, summed in ``compact``;
#: None once the rows seen hold more groups than the tally keeps (it then keeps nothing).
TallyState = tuple[pa.Table, ...] | None


@state_type("group_counts")
@dataclass(frozen=True, slots=True)
class GroupCounts:
    """The groups in key order (missing keys last), with their counters.

    ``keys`` holds one tuple of values per group, in the order of the group columns (``None`` for
    a missing value); ``present`` counts the rows whose outcome column holds a value,
    ``positive`` those whose value is the positive outcome, and ``other`` those whose value is
    neither outcome of a 0/1 column.
    """

    columns: tuple[str, ...]
    keys: tuple[tuple[Any, ...], ...]
    rows: tuple[int, ...]
    present: tuple[int, ...]
    positive: tuple[int, ...]
    other: tuple[int, ...]
    #: Whether the data held more groups than the tally keeps (the counters are then empty).
    overflowed: bool = False

    @property
    def total(self) -> int:
        """Rows in all groups."""
        return sum(self.rows)

    def key(self, index: int) -> dict[str, Any]:
        """The group at ``index`` as a dict of column to value."""
        return dict(zip(self.columns, self.keys[index], strict=True))


@dataclass(frozen=True, slots=True)
class GroupTally(Metric[TallyState, GroupCounts]):
    """Rows per group of ``group_by``, and, given a ``column``, its present values per group.

    With ``outcome`` the column is a binary outcome and its positive values are counted too: the
    positive value is ``positive`` when given (a value of the column's type), else true in a
    boolean column and 1 in a numeric one, where values other than 0 and 1 are counted in
    ``other``. Beyond ``limit`` groups it keeps none and says so (``overflowed``): the data
    holds more groups than any comparison of them can use, most likely by grouping by an id.
    """

    group_by: tuple[str, ...]
    column: str | None = None
    outcome: bool = False
    positive: Any = None
    limit: int = MAX_GROUPS

    @property
    def columns(self) -> tuple[str, ...]:
        extra = (self.column,) if self.column is not None else ()
        return tuple(dict.fromkeys(self.group_by + extra))

    def empty(self) -> TallyState:
        return ()

    def compute(self, batch: Batch, inputs: Values) -> TallyState:
        if batch.num_rows == 0:
            return ()
        keys = [_group_codes(batch, c) for c in self.group_by]
        group, combinations = _groups([codes for codes, _ in keys], [len(d) for _, d in keys])
        size = len(combinations[0])
        data: dict[str, Any] = {
            f"k{i}": dictionary.take(pa.array(combinations[i]))
            for i, (_, dictionary) in enumerate(keys)
        }
        for name, counter in zip(COUNTERS, self._counters(batch), strict=True):
            # The weights are 0/1 and the sums below 2**53, so the float sums are exact.
            data[name] = np.bincount(group, weights=counter, minlength=size).astype(np.int64)
        return self._checked(pa.table(data))

    def _counters(self, batch: Batch) -> tuple[np.ndarray, ...]:
        rows = np.ones(batch.num_rows, dtype=np.int64)
        none = np.zeros(batch.num_rows, dtype=np.int64)
        if self.column is None:
            return rows, none, none, none
        present = ~batch.missing(self.column)
        if not self.outcome:
            return rows, present.astype(np.int64), none, none
        array = batch.array(self.column)
        if pa.types.is_dictionary(array.type):
            array = array.dictionary_decode()
        if self.positive is not None:
            positive = bools(pc.equal(array, pa.scalar(self.positive, array.type)))
            other = np.zeros(batch.num_rows, dtype=bool)
        elif pa.types.is_boolean(array.type):
            positive = bools(array)
            other = np.zeros(batch.num_rows, dtype=bool)
        elif pa.types.is_null(array.type):
            positive = other = np.zeros(batch.num_rows, dtype=bool)
        else:
            positive = bools(pc.equal(array, 1))
            other = ~positive & ~bools(pc.equal(array, 0))
        return (
            rows,
            present.astype(np.int64),
            (positive & present).astype(np.int64),
            (other & present).astype(np.int64),
        )

    def _checked(self, table: pa.Table) -> TallyState:
        return None if table.num_rows > self.limit else (table,)

    def merge(self, left: TallyState, right: TallyState) -> TallyState:
        if left is None or right is None:
            return None
        return left + right

    def compact(self, state: TallyState) -> TallyState:
        if state is None or len(state) < 2:
            return state
        return self._combined(state)

    def _combined(self, state: tuple[pa.Table, ...]) -> TallyState:
        table = pa.concat_tables(state, promote_options="permissive")
        return self._checked(_sum(table, len(self.group_by)))

    def finalize(self, state: TallyState) -> GroupCounts:
        combined = state if state is None or len(state) < 2 else self._combined(state)
        if combined is None:
            return GroupCounts(self.group_by, (), (), (), (), (), overflowed=True)
        if not combined:
            return GroupCounts(self.group_by, (), (), (), (), ())
        table = combined[0]
        keys = [f"k{i}" for i in range(len(self.group_by))]
        order = pc.sort_indices(table, sort_keys=[(k, "ascending", "at_end") for k in keys])
        table = table.take(order)
        columns = [table.column(k).to_pylist() for k in keys]
        rows, present, positive, other = (
            tuple(int(n) for n in table.column(c).to_pylist()) for c in COUNTERS
        )
        keyed = tuple(zip(*columns, strict=True))
        return GroupCounts(self.group_by, keyed, rows, present, positive, other)


def _group_codes(batch: Batch, column: str) -> tuple[np.ndarray, pa.Array]:
    """Each row's position in a dictionary of the column's distinct values in this batch, and
    the dictionary (missing values are one null entry, -0.0 is 0.0). A column the source holds
    encoded is read by its codes: counting integers is cheaper than hashing every row's text."""
    encoded = batch.encoded(column)
    if encoded is None:
        keyed = _group_values(batch.array(column), batch.missing(column))
        unique = keyed.dictionary_encode(null_encoding="encode")
        return _integers(unique.indices), unique.dictionary
    codes = _integers(encoded.codes)
    # The encoding spans the column (and may hold equal values twice): keep the values this
    # batch uses, deduplicated by value.
    used = np.flatnonzero(np.bincount(codes, minlength=len(encoded.values)))
    values = encoded.values.take(pa.array(used))
    unique = _group_values(values, missing_mask(values)).dictionary_encode(null_encoding="encode")
    lookup = np.zeros(len(encoded.values), dtype=np.intp)
    lookup[used] = _integers(unique.indices)
    return lookup[codes], unique.dictionary


def _integers(array: pa.Array) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.intp)


def _groups(codes: list[np.ndarray], sizes: list[int]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each row's group number, and for each group column the dictionary position of each
    group's value. When the columns' values make few combinations, each is numbered by its
    position in their product (counted, and the ones seen kept); else the rows' code tuples
    are sorted (``np.unique``), which needs no such product."""
    rows = len(codes[0])
    if math.prod(sizes) <= max(4 * rows, 1 << 16):
        flat = np.ravel_multi_index(codes, sizes)
        seen = np.flatnonzero(np.bincount(flat, minlength=math.prod(sizes)))
        number = np.zeros(math.prod(sizes), dtype=np.intp)
        number[seen] = np.arange(len(seen))
        return number[flat], list(np.unravel_index(seen, sizes))
    unique, group = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
    return group.reshape(-1), list(unique.T)


def _group_values(array: pa.Array, missing: np.ndarray) -> pa.Array:
    """Values as group keys: missing ones null, -0.0 as 0.0, plain (not dictionary-typed)."""
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    array = canonical(array)
    if missing.any() and not pa.types.is_null(array.type):
        array = pc.if_else(pa.array(missing), pa.scalar(None, array.type), array)
    return array


def _sum(table: pa.Table, width: int) -> pa.Table:
    """One row per distinct key (columns ``k0`` ... ``k{width-1}``), each counter summed."""
    keys = [f"k{i}" for i in range(width)]
    summed = table.group_by(keys, use_threads=False).aggregate([(c, "sum") for c in COUNTERS])
    names = [n if n in keys else n.removesuffix("_sum") for n in summed.column_names]
    return summed.rename_columns(names).select([*keys, *COUNTERS])
