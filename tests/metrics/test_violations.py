"""The violations metric and the row rules it counts for."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from dataguard._engine import execute
from dataguard._frame import Batch, as_source
from dataguard.metrics import Values, Violations


@dataclass(frozen=True)
class _OldRule:
    """A row rule written before ``RowRule.settled`` existed: every row fails."""

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


def test_violations_of_a_rule_without_settled_are_wanted_and_counted() -> None:
    metric = Violations(_OldRule(), 2)  # type: ignore[arg-type]
    assert metric.wanted(Values())
    assert execute([metric], as_source(pa.table({"x": [1, 2, 3]})))[metric].unexpected == 3
