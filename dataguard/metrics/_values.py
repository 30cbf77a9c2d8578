"""Metrics that keep values: exact value counts and the sorted present values of a column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import Batch, as_numpy
from dataguard.metrics._base import Metric, Values

_VALUE = "value"
_COUNT = "count"


def present(batch: Batch, column: str) -> pa.Array:
    """The column's values in this batch with missing ones (null, NaN, NaT) dropped."""
    array = batch.array(column)
    missing = batch.missing(column)
    if missing.any():
        array = array.filter(pa.array(~missing))
    return array


@dataclass(frozen=True, slots=True)
class Counts:
    """Distinct present values with their counts, sorted by value."""

    values: pa.Array
    counts: np.ndarray

    @property
    def distinct(self) -> int:
        """Number of distinct present values."""
        return len(self.values)

    @property
    def total(self) -> int:
        """Number of present values."""
        return int(self.counts.sum())

    def most_common(self) -> list[Any]:
        """Every value that reaches the highest count (more than one on ties), sorted."""
        if self.distinct == 0:
            return []
        top = self.counts.max()
        return pa.array(self.values).filter(pa.array(self.counts == top)).to_pylist()

    def repeated(self) -> pa.Array:
        """The values present more than once."""
        return self.values.filter(pa.array(self.counts > 1))


@dataclass(frozen=True, slots=True)
class ValueCounts(Metric[pa.Table | None, Counts]):
    """Exact count of every distinct present value of one column (hash-based, in Arrow)."""

    column: str

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def empty(self) -> pa.Table | None:
        return None

    def compute(self, batch: Batch, inputs: Values) -> pa.Table | None:
        values = present(batch, self.column)
        return _count_table(values) if len(values) else None

    def merge(self, left: pa.Table | None, right: pa.Table | None) -> pa.Table | None:
        return _merge_counts(left, right)

    def finalize(self, state: pa.Table | None) -> Counts:
        return _finalize_counts(state)


def _count_table(values: pa.Array) -> pa.Table:
    counted = pc.value_counts(values)
    return pa.table(
        {_VALUE: counted.field("values"), _COUNT: counted.field("counts").cast(pa.int64())}
    )


def _merge_counts(left: pa.Table | None, right: pa.Table | None) -> pa.Table | None:
    if left is None:
        return right
    if right is None:
        return left
    both = pa.concat_tables([left, right])
    summed = both.group_by(_VALUE, use_threads=False).aggregate([(_COUNT, "sum")])
    return summed.rename_columns([_VALUE, _COUNT])


def _finalize_counts(state: pa.Table | None) -> Counts:
    if state is None:
        return Counts(pa.array([]), np.zeros(0, dtype=np.int64))
    ordered = state.take(pc.sort_indices(state.column(_VALUE)))
    values = ordered.column(_VALUE).combine_chunks()
    return Counts(values, np.asarray(ordered.column(_COUNT).to_numpy(), dtype=np.int64))


@dataclass(frozen=True, slots=True)
class SortedValues(Metric[tuple[np.ndarray, ...], np.ndarray]):
    """Every present value of a numeric or temporal column, sorted (for medians and quantiles).

    Holds 8 bytes per row: exact quantiles need the values. Temporal columns are kept as their
    integer representation; the expectation converts back.
    """

    column: str

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def empty(self) -> tuple[np.ndarray, ...]:
        return ()

    def compute(self, batch: Batch, inputs: Values) -> tuple[np.ndarray, ...]:
        array = batch.array(self.column)
        values = as_numpy(array)[~batch.missing(self.column)]
        if values.dtype.kind in "mM":
            values = values.view(np.int64)
        elif values.dtype.kind == "b":
            values = values.astype(np.int64)
        return (values,)

    def merge(
        self, left: tuple[np.ndarray, ...], right: tuple[np.ndarray, ...]
    ) -> tuple[np.ndarray, ...]:
        return left + right

    def finalize(self, state: tuple[np.ndarray, ...]) -> np.ndarray:
        if not state:
            return np.zeros(0)
        return np.sort(np.concatenate(state))


def row_keys(batch: Batch, columns: tuple[str, ...]) -> pa.Array:
    """One string per row that is equal exactly when the rows' values in ``columns`` are equal.

    Each value is written as ``<length>:<text>`` (nulls as ``~``), so no separator can be forged
    by the data; missing values are equal to each other, as in ``pandas.DataFrame.duplicated``.
    """
    parts: list[pa.Array] = []
    for column in columns:
        array = batch.array(column)
        text = array if pa.types.is_large_string(array.type) else array.cast(pa.large_string())
        missing = pa.array(batch.missing(column))
        length = pc.cast(pc.utf8_length(text), pa.large_string())
        encoded = pc.binary_join_element_wise(length, text, _large(":"))
        parts.append(pc.if_else(missing, _large("~"), encoded))
    return pc.binary_join_element_wise(*parts, _large("|"))


def _large(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


@dataclass(frozen=True, slots=True)
class KeyCounts(Metric[pa.Table | None, Counts]):
    """Exact count of every distinct combination of values of several columns (nulls included)."""

    key_columns: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.key_columns

    def empty(self) -> pa.Table | None:
        return None

    def compute(self, batch: Batch, inputs: Values) -> pa.Table | None:
        return _count_table(row_keys(batch, self.key_columns)) if batch.num_rows else None

    def merge(self, left: pa.Table | None, right: pa.Table | None) -> pa.Table | None:
        return _merge_counts(left, right)

    def finalize(self, state: pa.Table | None) -> Counts:
        return _finalize_counts(state)
