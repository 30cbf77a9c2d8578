"""Counts of a numeric column's present values in fixed bins, and below and above them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dataguard._frame import Batch, as_numpy
from dataguard.metrics._base import Metric, Values


@dataclass(frozen=True, slots=True)
class Histogram(Metric[np.ndarray, np.ndarray]):
    """Present values counted in the bins between ``edges``, as ``[below, bin 0, ..., above]``.

    Bins are half-open, ``[e0, e1), [e1, e2), ...``, except the last, which includes its upper
    edge (``numpy.histogram``'s convention). Edges may be infinite; NaN is missing, infinities are
    values.
    """

    column: str
    edges: tuple[float, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def empty(self) -> np.ndarray:
        return np.zeros(len(self.edges) + 1, dtype=np.int64)

    def compute(self, batch: Batch, inputs: Values) -> np.ndarray:
        values = as_numpy(batch.array(self.column))[~batch.missing(self.column)]
        values = values.astype(np.float64, copy=False)
        edges = np.asarray(self.edges, dtype=np.float64)
        bins = len(edges) - 1
        # Position 0 is "below the first edge"; bin i is position i + 1; bins + 1 is "above".
        position = np.searchsorted(edges, values, side="right")
        position[(position == bins + 1) & (values == edges[-1])] = bins
        counts: np.ndarray = np.bincount(position, minlength=bins + 2).astype(np.int64)
        return counts

    def merge(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        total: np.ndarray = left + right
        return total

    def finalize(self, state: np.ndarray) -> np.ndarray:
        return state
