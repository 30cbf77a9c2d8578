"""Any metric computed per group of rows (``group_by``), in the same pass as every other metric.

``Grouped(metric, by, cap)`` wraps a metric: its state maps each group's key (a tuple of the
group columns' values, ``None`` for a missing one) to the wrapped metric's state over that
group's rows. ``compute`` partitions a batch by its group columns (``Batch.groups``, shared
by every grouped metric of the batch) and computes the wrapped metric on each group's rows, which
keep their global row numbers; ``merge``, ``shift``, ``compact`` and ``finalize`` act group by
group, and ``encode`` ships every group's state through the wrapped metric's own codec. Metrics
it requires are required per group too, except those of another table, read whole.

Past ``cap`` groups the states are dropped and only the keys are counted (up to
``_COUNTED_KEYS`` times the cap), so that a mistaken ``group_by`` (an id column) costs little;
``GroupValues.over_cap`` then says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dataguard._frame import Batch, GroupKey
from dataguard.metrics._base import Metric, MetricFailure, MetricUnavailable, Values
from dataguard.metrics._codec import StateCodecError, decode_state, encode_state, state_type

#: Over the cap, keys are counted up to this many times the cap, then the count stops.
_COUNTED_KEYS = 100


@state_type("group_states")
@dataclass(frozen=True, slots=True)
class GroupStates:
    """Each group's state, by key; over the cap, no states and ``keys`` holding the keys seen
    (as a dict: the codec's set), counted up to a bound."""

    states: dict[GroupKey, Any] = field(default_factory=dict)
    over_cap: bool = False
    keys: dict[GroupKey, None] = field(default_factory=dict)


@state_type("group_values")
@dataclass(frozen=True, slots=True)
class GroupValues:
    """The wrapped metric's value for each group, or why it has none: it failed (``failures``)
    or an earlier pass settled the group without one (``without``, see ``Metric.settled``).
    ``found`` groups in all (a lower bound once the count stopped); over the cap, ``values`` is
    empty."""

    values: dict[GroupKey, Any]
    failures: dict[GroupKey, str]
    found: int
    over_cap: bool = False
    counted_all: bool = True
    without: tuple[GroupKey, ...] = ()

    @property
    def keys(self) -> list[GroupKey]:
        """Every group's key, in no particular order."""
        return [*self.values, *self.failures, *self.without]


def group_values(found: Mapping[Metric[Any, Any], GroupValues], key: GroupKey | None) -> Values:
    """Each metric's value (or failure) for one group, from the metrics' values per group; a
    group a metric does not know (or ``None``, no group) holds no rows there."""
    values: dict[Metric[Any, Any], Any] = {}
    failures: dict[Metric[Any, Any], MetricFailure] = {}
    for metric, grouped in found.items():
        if key in grouped.failures:
            failures[metric] = MetricFailure(metric, grouped.failures[key])
        elif key in grouped.values:
            values[metric] = grouped.values[key]
        elif key not in grouped.without:
            try:
                values[metric] = metric.finalize(metric.empty())
            except Exception as exc:
                failures[metric] = MetricFailure(metric, f"{type(exc).__name__}: {exc}".strip())
    return Values(values, failures)


@dataclass(frozen=True, slots=True)
class Grouped(Metric[GroupStates, GroupValues]):
    """``metric`` computed on the rows of each group of the ``by`` columns' values, for at
    most ``cap`` groups."""

    metric: Metric[Any, Any]
    by: tuple[str, ...]
    cap: int

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.metric.columns + self.by))

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        return tuple(self._grouped(r) for r in self.metric.requires())

    def served_by(self) -> Metric[Any, Any] | None:
        server = self.metric.served_by()
        return None if server is None else Grouped(server, self.by, self.cap)

    def _grouped(self, metric: Metric[Any, Any]) -> Metric[Any, Any]:
        """A required metric as this one reads it: per group, unless it is another table's."""
        return metric if metric.on_table() is not None else Grouped(metric, self.by, self.cap)

    def _inputs(self, inputs: Values) -> tuple[Values, dict[Metric[Any, Any], GroupValues]]:
        """The required metrics' values read whole, and the grouped ones by wrapped metric."""
        whole = [r for r in self.metric.requires() if r.on_table() is not None]
        grouped = {
            r: inputs[Grouped(r, self.by, self.cap)]
            for r in self.metric.requires()
            if r.on_table() is None
        }
        return inputs.only(whole), grouped

    @staticmethod
    def _of_group(
        whole: Values, grouped: dict[Metric[Any, Any], GroupValues], key: GroupKey
    ) -> Values:
        """The values a group's computation reads: its own values of the grouped ones."""
        return whole.merged(group_values(grouped, key))

    def wanted(self, inputs: Values) -> bool:
        """Whether some group still needs the metric (the groups are those of the metrics it
        requires; with none of those, the groups are not known before the pass)."""
        whole, grouped = self._inputs(inputs)
        if not grouped:
            return True
        keys = _keys_of(grouped.values())
        return any(self.metric.wanted(self._of_group(whole, grouped, k)) for k in keys)

    def settled(self, inputs: Values) -> GroupValues:
        whole, grouped = self._inputs(inputs)
        keys = _keys_of(grouped.values())
        values = {}
        failures = {}
        without = []
        for key in keys:
            try:
                values[key] = self.metric.settled(self._of_group(whole, grouped, key))
            except KeyError:
                without.append(key)
            except MetricUnavailable as exc:
                failures[key] = exc.failure.message
        return GroupValues(values, failures, len(keys), without=tuple(without))

    def empty(self) -> GroupStates:
        return GroupStates()

    def compute(self, batch: Batch, inputs: Values) -> GroupStates:
        keys = batch.group_keys(self.by)
        if len(keys) > self.cap:
            return self._over(keys)
        needs = bool(self.metric.requires())
        whole, grouped = self._inputs(inputs) if needs else (inputs, {})
        states = {}
        for key, rows in batch.groups(self.by):
            group_inputs = self._of_group(whole, grouped, key) if needs else inputs
            states[key] = self.metric.compute(rows, group_inputs)
        return GroupStates(states)

    def _over(self, keys: Iterable[GroupKey]) -> GroupStates:
        """The state past the cap: the keys seen, as many as are counted."""
        counted = dict.fromkeys(keys)
        limit = self.cap * _COUNTED_KEYS
        if len(counted) > limit:
            counted = dict.fromkeys(list(counted)[:limit])
        return GroupStates({}, True, counted)

    def merge(self, left: GroupStates, right: GroupStates) -> GroupStates:
        if left.over_cap or right.over_cap:
            return self._over([*left.keys, *left.states, *right.keys, *right.states])
        if not left.states:
            return right
        if not right.states:
            return left
        states = dict(left.states)
        for key, state in right.states.items():
            before = states.get(key)
            states[key] = state if before is None else self.metric.merge(before, state)
        if len(states) > self.cap:
            return self._over(states)
        return GroupStates(states)

    def compact(self, state: GroupStates) -> GroupStates:
        compacted = {k: self.metric.compact(s) for k, s in state.states.items()}
        return GroupStates(compacted, state.over_cap, state.keys)

    def shift(self, state: GroupStates, rows: int) -> GroupStates:
        shifted = {k: self.metric.shift(s, rows) for k, s in state.states.items()}
        return GroupStates(shifted, state.over_cap, state.keys)

    def encode(self, state: GroupStates) -> bytes:
        """Every group's state in the wrapped metric's own byte form."""
        parts = {k: self.metric.encode(s) for k, s in state.states.items()}
        return encode_state(GroupStates(parts, state.over_cap, state.keys))

    def decode(self, data: bytes) -> GroupStates:
        shipped = decode_state(data)
        if not isinstance(shipped, GroupStates):
            raise StateCodecError(f"not the states of groups: a {type(shipped).__name__}")
        states = {k: self.metric.decode(s) for k, s in shipped.states.items()}
        return GroupStates(states, shipped.over_cap, shipped.keys)

    def finalize(self, state: GroupStates) -> GroupValues:
        if state.over_cap:
            found = len(state.keys)
            return GroupValues({}, {}, found, True, found < self.cap * _COUNTED_KEYS)
        values = {}
        failures = {}
        for key, inner in state.states.items():
            try:
                parts = self.metric.split(inner)
                values[key] = self.metric.join([self.metric.finalize(p) for p in parts])
            except Exception as exc:
                failures[key] = f"{type(exc).__name__}: {exc}".strip()
        return GroupValues(values, failures, len(state.states))


def _keys_of(found: Iterable[GroupValues]) -> list[GroupKey]:
    """Every group key the values hold, in first-seen order."""
    keys: dict[GroupKey, None] = {}
    for values in found:
        keys.update(dict.fromkeys(values.keys))
    return list(keys)
