"""The metric contract: hashable declarations with mergeable states.

A metric is a frozen dataclass, so two expectations that need the null count of the same column ask
for equal metrics and the plan computes it once. Its state follows three steps:
``compute(batch)`` summarizes one batch, ``merge(left, right)`` combines the states of two
consecutive runs of rows (``left`` first), and ``finalize(state)`` turns the merged state into the
value expectations read. ``merge`` is associative with ``empty()`` as its identity, which is what
makes results independent of batch size, threads and partitions.

States also travel: a partition computed on another machine ships ``encode(state)`` (its
``compact`` form, as pickle-free bytes, see ``_codec``); the driver decodes it, ``shift``s its
row positions by the rows before the partition, and merges the states in partition order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from dataguard._frame import Batch
from dataguard.metrics._codec import decode_state, encode_state

S = TypeVar("S")
V = TypeVar("V")


class Metric(ABC, Generic[S, V]):
    """A quantity computed from the data in one pass, from mergeable per-batch states."""

    __slots__ = ()

    @property
    @abstractmethod
    def columns(self) -> tuple[str, ...]:
        """The columns this metric reads."""

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        """Metrics whose final values ``compute`` needs; they run in an earlier pass."""
        return ()

    def on_table(self) -> tuple[str, Metric[Any, Any]] | None:
        """Where the metric is computed when not over the data: the name of another table given
        to ``validate`` and the metric computed over that table's rows, whose value is this
        one's. None for every metric of the data itself."""
        return None

    def served_by(self) -> Metric[Any, Any] | None:
        """A metric whose final value also answers this one, computed instead when both are
        planned (the full moments of a column answer its mean); it must need no more passes."""
        return None

    @abstractmethod
    def empty(self) -> S:
        """The state of zero rows: the identity of ``merge``."""

    @abstractmethod
    def compute(self, batch: Batch, inputs: Values) -> S:
        """Summarize one batch."""

    @abstractmethod
    def merge(self, left: S, right: S) -> S:
        """Combine the states of two consecutive runs of rows, ``left`` first."""

    @abstractmethod
    def finalize(self, state: S) -> V:
        """Turn the merged state into the value expectations read."""

    def compact(self, state: S) -> S:
        """The state in its smallest equivalent form, applied before it is shipped: per-batch
        parts joined, tables summed, samples beyond the limit dropped. Merging and finalizing
        the compact form gives what the state itself gives. By default the state is compact
        already (the codec itself stores integer counters narrow, and sparse when mostly zero).
        """
        return state

    def shift(self, state: S, rows: int) -> S:
        """The state of a partition that starts ``rows`` rows into the data, from its state
        computed as if it started at row 0: row positions it holds (sampled failing rows, the
        row of a run's first value) move by ``rows``. By default the state holds none."""
        return state

    def encode(self, state: S) -> bytes:
        """The state's compact form as bytes another process can ``decode``, whatever its
        platform; decoding never runs code."""
        return encode_state(self.compact(state))

    def decode(self, data: bytes) -> S:
        """The state ``encode`` wrote; ``StateCodecError`` on bytes that are not one."""
        state: S = decode_state(data)
        return state

    def wanted(self, inputs: Values) -> bool:
        """Whether the metric is still needed, given the values of the metrics it requires; one
        that is not is skipped, and its value is ``settled(inputs)``."""
        return True

    def settled(self, inputs: Values) -> V:
        """The value of a metric ``wanted`` declined: what the metrics it requires show already
        (a skipped metric's pass, when nothing else needs it, is not read). ``KeyError`` when
        it has none: the metric then has no value."""
        raise KeyError(self)

    #: How many parts ``split`` cuts a state into, each finalized alone. A metric with more than
    #: one keeps part ``k`` of every partition's state together by position, so a cluster can
    #: gather each part where it is finalized (by a shuffle) instead of on the driver.
    shards: int = 1

    def split(self, state: S) -> list[S]:
        """The ``shards`` parts of the merged state, in order, that finalize independently (on
        different workers), their values then combined by ``join``; by default the state is one
        part."""
        return [state]

    def join(self, values: list[V]) -> V:
        """The value of a state from the finalized values of its ``split`` parts, in order."""
        return values[0]


@dataclass(frozen=True, slots=True)
class MetricFailure:
    """Why a metric has no value: the error its computation raised."""

    metric: Metric[Any, Any]
    message: str


class MetricUnavailable(Exception):  # raised and caught inside evaluation only
    """Raised when an expectation reads a metric whose computation failed."""

    def __init__(self, failure: MetricFailure) -> None:
        super().__init__(failure.message)
        self.failure = failure


class Values:
    """Final metric values by metric, with the failures of those that could not be computed."""

    __slots__ = ("_failures", "_values")

    def __init__(
        self,
        values: Mapping[Metric[Any, Any], object] | None = None,
        failures: Mapping[Metric[Any, Any], MetricFailure] | None = None,
    ) -> None:
        self._values: dict[Metric[Any, Any], object] = dict(values or {})
        self._failures: dict[Metric[Any, Any], MetricFailure] = dict(failures or {})

    def __getitem__(self, metric: Metric[Any, V]) -> V:
        failure = self._failures.get(metric)
        if failure is not None:
            raise MetricUnavailable(failure)
        return self._values[metric]  # type: ignore[return-value]

    def __contains__(self, metric: object) -> bool:
        return metric in self._values or metric in self._failures

    def with_values(
        self,
        values: Mapping[Metric[Any, Any], object],
        failures: Mapping[Metric[Any, Any], MetricFailure],
    ) -> Values:
        """A copy that also holds the given values and failures."""
        return Values({**self._values, **values}, {**self._failures, **failures})

    def aliased(self, servers: Mapping[Metric[Any, Any], Metric[Any, Any]]) -> Values:
        """A copy in which each key of ``servers`` has its server's value or failure."""
        values = {m: self._values[s] for m, s in servers.items() if s in self._values}
        failures = {m: self._failures[s] for m, s in servers.items() if s in self._failures}
        return self.with_values(values, failures)

    def renamed(self, names: Mapping[Metric[Any, Any], Metric[Any, Any]]) -> Values:
        """The values and failures of the metrics ``names`` maps to, each under its key there
        (a metric of another table under the metric that stands for it)."""
        return Values(
            {m: self._values[v] for m, v in names.items() if v in self._values},
            {m: self._failures[v] for m, v in names.items() if v in self._failures},
        )

    def only(self, metrics: Iterable[Metric[Any, Any]]) -> Values:
        """A copy holding only the values and failures of ``metrics``."""
        keep = set(metrics)
        return Values(
            {m: v for m, v in self._values.items() if m in keep},
            {m: f for m, f in self._failures.items() if m in keep},
        )

    def without(self, metrics: Iterable[Metric[Any, Any]]) -> Values:
        """A copy holding no value or failure of ``metrics``."""
        drop = set(metrics)
        return Values(
            {m: v for m, v in self._values.items() if m not in drop},
            {m: f for m, f in self._failures.items() if m not in drop},
        )

    def merged(self, other: Values) -> Values:
        """A copy that also holds ``other``'s values and failures."""
        return self.with_values(other._values, other._failures)
