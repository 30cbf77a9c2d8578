"""One pass as a cluster runs it: the engine's own loop on every partition, states shipped back as
bytes, merged in partition order on the driver.

A Spark or Dask runner moves bytes and calls three methods of a ``PartitionPass``, which travels
to the executors in the task closure with the values of earlier passes:

1. ``run`` on each partition: its states, compacted and encoded, and its row count; plus, for a
   metric whose state finalizes in parts (``Metric.shards``), one blob per part.
2. ``finalize_shard`` where part ``k`` of every partition was gathered (a shuffle by key): those
   parts merged in partition order and finalized, so only the part's value leaves the cluster
   (the repeated fingerprints of a column, not one fingerprint per row).
3. ``combine`` on the driver: partitions ordered, their row positions shifted to global ones,
   merged in order and finalized, exactly as batches are merged on one machine.

A pass that is ``measured`` (an observer is listening, ``observe_shipped``) also returns, from
``run``, the bytes of each partition's parts; ``shipped`` tells the observer what moved.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from dataguard._engine import AnyMetric, PassStates, accumulate, described, finalize
from dataguard._frame import DEFAULT_FILE_CHUNK, Source, from_batches
from dataguard.cluster._shipped import Shipped
from dataguard.metrics import MetricFailure, Values, decode_state, encode_state

#: The key of a partition's own blob: every state that is not finalized in parts.
STATES = -1
#: The key of a measured partition's count of the bytes of its parts (for an observer; no part
#: gathers it).
SIZES = -2
#: Keys of parts are ``metric position * _STRIDE + part``.
_STRIDE = 1024


@dataclass(frozen=True)
class PartitionPass:
    """What every partition computes in one pass, and how the driver puts the answers together.

    ``view`` (with the columns it ``reads``) is applied to each partition's rows before the
    metrics see them (a row condition); ``inputs`` are the values of earlier passes. A
    ``measured`` pass also counts the bytes of each partition's parts (see ``measures_parts``).
    """

    metrics: tuple[AnyMetric, ...]
    inputs: Values
    view: Callable[[Source], Source] | None = None
    reads: tuple[str, ...] = ()
    chunk_size: int | None = None
    measured: bool = False

    def __post_init__(self) -> None:
        if any(m.shards > _STRIDE for m in self.metrics):
            raise ValueError(f"a metric may finalize in at most {_STRIDE} parts")

    @property
    def columns(self) -> list[str]:
        """The columns each partition must hold, in a fixed order."""
        return list(dict.fromkeys([*(c for m in self.metrics for c in m.columns), *self.reads]))

    @functools.cached_property
    def _sharded(self) -> tuple[int, ...]:
        return tuple(i for i, m in enumerate(self.metrics) if m.shards > 1)

    def blob_keys(self) -> list[int]:
        """Every key ``run`` returns blobs under, ``STATES`` first."""
        parts = [i * _STRIDE + k for i in self._sharded for k in range(self.metrics[i].shards)]
        return [STATES, *parts]

    @property
    def measures_parts(self) -> bool:
        """Whether ``run`` also returns, under ``SIZES``, the bytes of the partition's parts: in
        a measured pass that has parts (what it sends to the shuffle)."""
        return self.measured and bool(self._sharded)

    def run(self, batches: Iterable[pa.RecordBatch], schema: pa.Schema) -> list[tuple[int, bytes]]:
        """On an executor: the partition's states as ``(key, blob)`` pairs, one per key of
        ``blob_keys()``, even when the partition holds no rows (and ``SIZES`` last when
        ``measures_parts``)."""
        counted = _Counted(batches, self.chunk_size or DEFAULT_FILE_CHUNK)
        source: Source = from_batches(counted, schema, "a partition")
        if self.view is not None:
            source = self.view(source)
        metrics = list(self.metrics)
        part = accumulate(metrics, source.batches(self.columns, self.chunk_size), self.inputs)
        shipped = {
            "rows": counted.rows,
            "states": {
                i: m.encode(part.states[m])
                for i, m in enumerate(metrics)
                if m not in part.failures and i not in self._sharded
            },
            "failures": {
                i: part.failures[m].message for i, m in enumerate(metrics) if m in part.failures
            },
        }
        out = [(STATES, encode_state(shipped))]
        for i in self._sharded:
            metric = metrics[i]
            pieces = metric.split(part.states[metric]) if metric not in part.failures else []
            for k in range(metric.shards):
                piece = pieces[k] if pieces else metric.empty()
                out.append((i * _STRIDE + k, metric.encode(piece)))
        if self.measures_parts:
            out.append((SIZES, encode_state(sum(len(blob) for key, blob in out if key >= 0))))
        return out

    def finalize_shard(self, key: int, blobs: Iterable[tuple[int, bytes]]) -> bytes:
        """Where part ``key`` of every partition was gathered, as ``(partition, blob)`` pairs in
        any order: the part merged in partition order and finalized, as a blob for
        ``combine``."""
        metric = self.metrics[key // _STRIDE]
        try:
            state = metric.empty()
            for _, blob in sorted(blobs, key=lambda pair: pair[0]):
                state = metric.merge(state, metric.decode(blob))
            return encode_state({"value": metric.finalize(state)})
        except Exception as exc:
            return encode_state({"error": described(exc)})

    def combine(
        self,
        parts: Iterable[tuple[int, bytes]],
        shards: Mapping[int, bytes],
        progress: Callable[[int], None] | None = None,
    ) -> Values:
        """On the driver: the values of the pass, added to ``inputs``, from every partition's
        ``STATES`` blob as ``(partition, blob)`` pairs in any order, and ``finalize_shard``'s
        blob of every part key. ``progress`` hears the rows read, partition by partition."""
        plain = [m for i, m in enumerate(self.metrics) if i not in self._sharded]
        merged = PassStates.empty(plain)
        failures: dict[AnyMetric, MetricFailure] = {}
        for _, blob in sorted(parts, key=lambda pair: pair[0]):
            shipped = decode_state(blob)
            part = PassStates({}, {}, int(shipped["rows"]))
            for i, message in shipped["failures"].items():
                metric = self.metrics[i]
                failures.setdefault(metric, MetricFailure(metric, message))
            for i, data in shipped["states"].items():
                metric = self.metrics[i]
                part.states[metric] = metric.shift(metric.decode(data), merged.rows)
            merged.then(part)
            if progress is not None:
                progress(merged.rows)
        merged.failures.update({m: f for m, f in failures.items() if m in set(plain)})
        values = finalize(plain, merged, self.inputs, None)
        joined: dict[AnyMetric, Any] = {}
        for i in self._sharded:
            metric = self.metrics[i]
            if metric in failures:
                continue
            outcomes = [decode_state(shards[i * _STRIDE + k]) for k in range(metric.shards)]
            error = next((o["error"] for o in outcomes if "error" in o), None)
            if error is None:
                try:
                    joined[metric] = metric.join([o["value"] for o in outcomes])
                except Exception as exc:
                    error = described(exc)
            if error is not None:
                failures[metric] = MetricFailure(metric, error)
        sharded_failures = {m: f for m, f in failures.items() if m not in set(plain)}
        return values.with_values(joined, sharded_failures)

    def shipped(
        self,
        parts: Iterable[tuple[int, bytes]],
        shards: Mapping[int, bytes],
        sizes: Iterable[tuple[int, bytes]],
    ) -> Shipped:
        """What the pass shipped, for an observer: from the blobs ``combine`` gets, and every
        partition's ``SIZES`` blob as ``(partition, blob)`` pairs (none unless
        ``measures_parts``)."""
        return Shipped(
            columns=tuple(self.columns),
            to_driver={pid: len(blob) for pid, blob in sorted(parts)},
            to_shuffle={pid: int(decode_state(blob)) for pid, blob in sorted(sizes)},
            finalized={key: len(blob) for key, blob in sorted(shards.items())},
        )


class _Counted:
    """The record batches of a partition in runs of at least ``at_least`` rows, counting the
    rows as they are read. Engines hand a partition over in small batches (Spark's Arrow batches
    hold 10,000 rows by default), and every batch costs each metric a fixed overhead: joined,
    they are read in batches as large as a file's on one machine."""

    def __init__(self, batches: Iterable[pa.RecordBatch], at_least: int) -> None:
        self._batches = batches
        self._at_least = at_least
        self.rows = 0

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        held: list[pa.RecordBatch] = []
        for batch in self._batches:
            self.rows += batch.num_rows
            if held and batch.schema != held[0].schema:
                yield _joined(held)
                held = []
            held.append(batch)
            if sum(b.num_rows for b in held) >= self._at_least:
                yield _joined(held)
                held = []
        if held:
            yield _joined(held)


def _joined(batches: list[pa.RecordBatch]) -> pa.RecordBatch:
    """One record batch of these rows, in order."""
    if len(batches) == 1:
        return batches[0]
    return pa.Table.from_batches(batches).combine_chunks().to_batches()[0]
