"""What a cluster pass ships, for whoever observes it (benchmarks, capacity planning).

Within ``observe_shipped(callback)``, every pass a Spark or Dask runner runs calls ``callback``
once with a ``Shipped``: the bytes each partition sent to the driver (its own states) and to the
shuffle (its parts of the states that finalize in parts), and the bytes of each finalized part
sent to the driver. Without an observer the runners measure nothing and run nothing extra.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["Shipped", "observe_shipped", "shipped_observer"]


@dataclass(frozen=True)
class Shipped:
    """The bytes one pass moved: by partition id, and by part key for the finalized parts."""

    #: The columns the pass read.
    columns: tuple[str, ...]
    #: Partition id -> bytes of its own states, row count and failures (to the driver).
    to_driver: Mapping[int, int]
    #: Partition id -> bytes of its parts of the states that finalize in parts (to the
    #: shuffle); empty when the pass has no such state.
    to_shuffle: Mapping[int, int]
    #: Part key -> bytes of the part's finalized value (to the driver).
    finalized: Mapping[int, int]


_OBSERVER: ContextVar[Callable[[Shipped], None] | None] = ContextVar(
    "dataguard_shipped_observer", default=None
)


@contextmanager
def observe_shipped(callback: Callable[[Shipped], None]) -> Iterator[None]:
    """Within the block, every cluster pass calls ``callback`` once with what it shipped.

    Observing may cost a few small tasks per pass (each partition's parts are measured where
    they are); the results do not change."""
    token = _OBSERVER.set(callback)
    try:
        yield
    finally:
        _OBSERVER.reset(token)


def shipped_observer() -> Callable[[Shipped], None] | None:
    """The observer of the passes run now, if any."""
    return _OBSERVER.get()
