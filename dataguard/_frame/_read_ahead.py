"""Reading ahead: a file's next batches are decoded on a thread of their own while the batches
before them are checked, so reading and checking overlap instead of taking turns.

Parquet decoding and CSV parsing run in Arrow's C++ code without the GIL, so the reading thread
and the engine's workers share the cores. The reading thread reads a batch only while fewer than
``depth`` batches it read wait for the consumer, counting the one it reads: with one, the next
batch is decoded while the consumer checks this one, and memory holds those two batches whatever
the file's size. Batches arrive in the order they were read, so results do not depend on
timing.
"""

from __future__ import annotations

import functools
import queue
import threading
from collections.abc import Callable, Generator, Iterator
from typing import Generic, TypeVar

import pyarrow as pa

T = TypeVar("T")

#: Batches read and not yet taken by the consumer, the one being read included: one keeps the
#: reader busy while the consumer works on the batch before it.
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
    """What passes between the reading thread and the consumer: the items read, room to read
    the next, and the consumer's word to stop."""

    def __init__(self, depth: int) -> None:
        self._items: queue.SimpleQueue[T | _Failed | _End] = queue.SimpleQueue()
        self._room = threading.Semaphore(depth)
        self._stopped = threading.Event()

    def wait_for_room(self) -> bool:
        """Wait until fewer than ``depth`` items wait for the consumer; False once the consumer
        has stopped (the reader then stops too)."""
        self._room.acquire()
        return not self._stopped.is_set()

    def put(self, item: T | _Failed | _End) -> None:
        self._items.put(item)

    def get(self) -> T | _Failed | _End:
        item = self._items.get()
        self._room.release()
        return item

    def stop(self) -> None:
        """Tell the reader to stop, waking it if it waits for room."""
        self._stopped.set()
        self._room.release()


def read_ahead(
    open_items: Callable[[], Generator[T, None, None]], depth: int = READ_AHEAD
) -> Generator[T, None, None]:
    """The items of ``open_items()``, in order, read on a thread of their own up to ``depth``
    items ahead of the consumer.

    ``open_items`` is called, iterated and closed on that thread only (a file it opens is read
    by one thread), and the next item is read only while fewer than ``depth`` items read wait
    for the consumer, counting that one. When the consumer stops early (closing this generator,
    or raising through it), the reader stops after its current item and the items are closed
    before this generator returns. An exception raised while reading is raised here, as it was
    raised.
    """
    if depth < 1:
        raise ValueError(f"depth must be at least 1, got {depth}")
    handover: _Handover[T] = _Handover(depth)

    def read() -> None:
        try:
            items = open_items()
            try:
                while handover.wait_for_room():
                    item = next(items, _END)
                    handover.put(item)
                    if item is _END:
                        return
            finally:
                items.close()
        except BaseException as exc:  # handed to the consumer, which raises it
            handover.put(_Failed(exc))

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
