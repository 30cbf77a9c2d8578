"""The violations metric and the row rules it counts for."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from dataguard._engine import execute
from dataguard._frame import Batch, as_source
from dataguard.metrics import Values, Violations


@dataclass(frozen=True)
class _EveryRowFails:
    """A row rule failing every row."""

    columns: tuple[str, ...] = ("x",)
    sequential: bool = False

    def requires(self) -> tuple[()]:
        return ()

    def ignored(self, batch: Batch) -> np.ndarray:
        return np.zeros(batch.num_rows, dtype=bool)

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        return np.ones(batch.num_rows, dtype=bool)

    def breaks(self, previous: object, current: object) -> bool:
        return False


def test_violations_are_counted_and_sampled_up_to_the_limit() -> None:
    counted = Violations(_EveryRowFails(), 2)
    summary = execute([counted], as_source(pa.table({"x": [1, 2, 3]})))[counted]
    assert (summary.unexpected, summary.rows, summary.values) == (3, [0, 1], [1, 2])
