"""Rows whose key occurs more than once: the one metric of the uniqueness checks.

``DuplicateRows`` reads the data twice, and a third time only when it must:

1. ``Fingerprints``: the fingerprints of keys that occur more than once. Their state is cut in
   parts reduced where they are finalized, so on a cluster only repeated fingerprints travel.
2. ``RepeatedValues``, the keys holding those fingerprints counted exactly, and beside them the
   rows counted by fingerprint alone.
3. Its own confirming pass: the rows holding a repeated key, confirmed on their keys. Unless two
   different keys share a fingerprint (``Repeated.by_print``), the rows counted by fingerprint are
   those very rows: the metric is then not ``wanted`` and its value is theirs (``settled``), so
   the third pass is not read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from dataguard._frame import Batch
from dataguard.metrics._base import Metric, Values
from dataguard.metrics._repeated import (
    Fingerprints,
    Key,
    RepeatedValues,
    rows_by_print,
    rows_holding,
)
from dataguard.metrics._violations import Violations, ViolationState, ViolationSummary


@dataclass(frozen=True, slots=True)
class _KeyRule:
    """A row rule about rows' keys: rows holding no key are left out, and no row is judged
    against the previous one."""

    key: Key
    sequential: ClassVar[bool] = False

    @property
    def columns(self) -> tuple[str, ...]:
        return self.key.columns

    def ignored(self, batch: Batch) -> np.ndarray:
        return self.key.ignored(batch)

    def breaks(self, previous: Any, current: Any) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class Duplicated(_KeyRule):
    """The row rule "holds a key that occurs more than once", confirmed on the keys (the rule of
    ``DuplicateRows``' own pass, and of the uniqueness expectations when rows are split)."""

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        return (Fingerprints.of(self.key), RepeatedValues.of(self.key))

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        repeated = inputs[RepeatedValues.of(self.key)].values
        return rows_holding(batch, self.key, inputs[Fingerprints.of(self.key)], repeated)


@dataclass(frozen=True, slots=True)
class _ByPrint(_KeyRule):
    """The rows whose key's fingerprint occurs more than once: ``Duplicated``'s rows unless two
    keys share a fingerprint, found a pass earlier."""

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        return (Fingerprints.of(self.key),)

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        return rows_by_print(batch, self.key, inputs[Fingerprints.of(self.key)])


@dataclass(frozen=True, slots=True)
class DuplicateRows(Metric[ViolationState, ViolationSummary]):
    """Rows holding a key that occurs more than once, counted, with at most ``limit`` of them
    sampled (``None``: all) and their ``id_columns``: what the uniqueness checks report.

    Its state is that of the confirming pass's ``Violations``, and so is all work on it."""

    key: Key
    limit: int | None = 20
    id_columns: tuple[str, ...] = ()
    #: The rows counted by fingerprint, beside ``RepeatedValues``.
    _by_print: Violations = field(init=False, repr=False, compare=False)
    #: The confirming pass: its state is this metric's.
    _confirmed: Violations = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_print = Violations(_ByPrint(self.key), self.limit, self.id_columns)
        object.__setattr__(self, "_by_print", by_print)
        confirmed = Violations(Duplicated(self.key), self.limit, self.id_columns)
        object.__setattr__(self, "_confirmed", confirmed)

    @property
    def columns(self) -> tuple[str, ...]:
        return self._confirmed.columns

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        return (*self._confirmed.requires(), self._by_print)

    def wanted(self, inputs: Values) -> bool:
        return not inputs[RepeatedValues.of(self.key)].by_print

    def settled(self, inputs: Values) -> ViolationSummary:
        return inputs[self._by_print]

    def empty(self) -> ViolationState:
        return self._confirmed.empty()

    def compute(self, batch: Batch, inputs: Values) -> ViolationState:
        return self._confirmed.compute(batch, inputs)

    def merge(self, left: ViolationState, right: ViolationState) -> ViolationState:
        return self._confirmed.merge(left, right)

    def compact(self, state: ViolationState) -> ViolationState:
        return self._confirmed.compact(state)

    def shift(self, state: ViolationState, rows: int) -> ViolationState:
        return self._confirmed.shift(state, rows)

    def finalize(self, state: ViolationState) -> ViolationSummary:
        return self._confirmed.finalize(state)
