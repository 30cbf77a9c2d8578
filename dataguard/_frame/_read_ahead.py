"""Reading ahead: a file's next batches are decoded on a thread of their own while the batches
before them are checked, so reading and checking overlap instead of taking turns.

Parquet decoding and CSV parsing run in Arrow's C++ code without the GIL, so the reading thread
and the engine's workers share the cores. The reading thread holds at most ``depth`` finished
batches beside the one it is decoding: memory stays that of a few batches, whatever the file's
size. Batches arrive in the order they were read, so results do not depend on timing.
"""

from __future__ import annotations

import functools
import queue
import threading
from collections.abc import Callable, Generator, Iterator
from typing import Generic, TypeVar

import pyarrow as pa

T = TypeVar("T")

#: Batches the reading thread may hold finished, waiting for the consumer: one is enough to keep
#: the reader busy while the consumer works on the batch before it.
READ_AHEAD = 1


class _Failed:
    """What the reading thread hands over when reading raised: the exception, raised again on
    the consumer's side."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


class _End:
    """What the reading thread hands over after the last item."""


_END = _End()


class _Handover(Generic[T]):
    """The bounded queue between the reading thread and the consumer, and the consumer's word
    to stop."""

    def __init__(self, depth: int) -> None:
        self._slots: queue.Queue[T | _Failed | _End] = queue.Queue(maxsize=depth)
        self._stopped = threading.Event()

    def put(self, item: T | _Failed | _End) -> bool:
        """Hand ``item`` over, waiting for room; False once the consumer has stopped (the
        reader then stops too)."""
        if self._stopped.is_set():
            return False
        self._slots.put(item)
        return not self._stopped.is_set()

    def get(self) -> T | _Failed | _End:
        return self._slots.get()

    def stop(self) -> None:
        """Tell the reader to stop, and empty the queue: a reader waiting for room hands over
        at most one more item, which fits, then sees the word and stops."""
        self._stopped.set()
        while True:
            try:
                self._slots.get_nowait()
            except queue.Empty:
                return


def read_ahead(
    open_items: Callable[[], Generator[T, None, None]], depth: int = READ_AHEAD
) -> Iterator[T]:
    """The items of ``open_items()``, in order, read on a thread of their own up to ``depth``
    items ahead of the consumer.

    ``open_items`` is called, iterated and closed on that thread only (a file it opens is read
    by one thread). When the consumer stops early (closing this generator, or raising through
    it), the reader stops after its current item and the items are closed before this generator
    returns. An exception raised while reading is raised here, as it was raised.
    """
    if depth < 1:
        raise ValueError(f"depth must be at least 1, got {depth}")
    handover: _Handover[T] = _Handover(depth)

    def read() -> None:
        try:
            items = open_items()
            try:
                for item in items:
                    if not handover.put(item):
                        return
            finally:
                items.close()
        except BaseException as exc:  # handed to the consumer, which raises it
            handover.put(_Failed(exc))
            return
        handover.put(_END)

    reader = threading.Thread(target=read, name="dataguard-reader", daemon=True)
    reader.start()
    try:
        while True:
            item = handover.get()
            if isinstance(item, _End):
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        handover.stop()
        reader.join()


def text_batches(open_reader: Callable[[], pa.RecordBatchReader]) -> Iterator[pa.RecordBatch]:
    """The batches of a CSV or JSON-lines reader, parsed ahead of the consumer (``read_ahead``):
    ``open_reader`` opens the file, which is read and closed on the reading thread."""
    return read_ahead(functools.partial(_parsed, open_reader))


def _parsed(
    open_reader: Callable[[], pa.RecordBatchReader],
) -> Generator[pa.RecordBatch, None, None]:
    with open_reader() as reader:
        yield from reader
