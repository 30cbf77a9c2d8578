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
    """A row rule failing every row, whose violations earlier passes may have settled."""

    is_settled: bool
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

    def settled(self, inputs: Values) -> bool:
        return self.is_settled


def test_violations_are_counted_unless_the_rule_says_they_are_settled() -> None:
    counted = Violations(_EveryRowFails(is_settled=False), 2)
    assert counted.wanted(Values())
    assert execute([counted], as_source(pa.table({"x": [1, 2, 3]})))[counted].unexpected == 3
    assert not Violations(_EveryRowFails(is_settled=True), 2).wanted(Values())
