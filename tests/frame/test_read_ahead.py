"""Reading ahead on a thread: the same items in order, a bounded lead, clean stops and errors."""

from __future__ import annotations

import threading
from collections.abc import Generator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard._frame._read_ahead import read_ahead


class Recorded:
    """A source of items that records how far it was read and whether it was closed."""

    def __init__(self, items: list[int], fail_at: int | None = None) -> None:
        self.items = items
        self.fail_at = fail_at
        self.produced = 0
        self.closed = False
        self.thread: threading.Thread | None = None

    def __call__(self) -> Generator[int, None, None]:
        self.thread = threading.current_thread()
        try:
            for position, item in enumerate(self.items):
                if position == self.fail_at:
                    raise OSError(f"bad block at {position}")
                self.produced += 1
                yield item
        finally:
            self.closed = True


def _readers_alive() -> int:
    return sum(t.name == "dataguard-reader" and t.is_alive() for t in threading.enumerate())


@settings(max_examples=50, deadline=None)
@given(items=st.lists(st.integers(), max_size=40), depth=st.integers(1, 4))
def test_items_arrive_all_and_in_order(items: list[int], depth: int) -> None:
    source = Recorded(items)
    assert list(read_ahead(source, depth)) == items
    assert source.closed
    assert source.thread is not threading.current_thread()  # read on a thread of its own


@pytest.mark.parametrize("depth", [1, 3])
def test_the_reader_stays_at_most_depth_items_ahead(depth: int) -> None:
    source = Recorded(list(range(50)))
    leads = []
    for consumed, _ in enumerate(read_ahead(source, depth), start=1):
        threading.Event().wait(0.002)  # a slow consumer: the reader runs ahead as far as it may
        leads.append(source.produced - consumed)
    # At most ``depth`` items are read and not yet taken, the one being read included.
    assert max(leads) <= depth
    assert max(leads) >= 1  # it did read ahead


def test_a_consumer_stopping_early_stops_and_closes_the_reader() -> None:
    source = Recorded(list(range(1000)))
    batches = read_ahead(source, 2)
    assert [next(batches) for _ in range(3)] == [0, 1, 2]
    batches.close()
    assert source.closed  # closed before close() returned
    assert source.produced <= 3 + 2
    assert _readers_alive() == 0


def test_a_consumer_raising_stops_and_closes_the_reader() -> None:
    source = Recorded(list(range(1000)))

    def consume() -> None:
        for item in read_ahead(source):
            if item == 5:
                raise KeyError(item)

    with pytest.raises(KeyError):
        consume()
    assert source.closed
    assert _readers_alive() == 0


def test_a_reading_error_is_raised_to_the_consumer_after_the_items_before_it() -> None:
    source = Recorded(list(range(10)), fail_at=6)
    seen: list[int] = []

    def consume() -> None:
        for item in read_ahead(source, 2):
            seen.append(item)

    with pytest.raises(OSError, match="bad block at 6"):
        consume()
    assert seen == [0, 1, 2, 3, 4, 5]
    assert source.closed
    assert _readers_alive() == 0


def test_an_error_opening_the_items_is_raised_to_the_consumer() -> None:
    def unopenable() -> Generator[int, None, None]:
        raise FileNotFoundError("no such file: x.parquet")

    with pytest.raises(FileNotFoundError, match=r"x\.parquet"):
        list(read_ahead(unopenable))
    assert _readers_alive() == 0


def test_a_reader_never_started_starts_no_thread() -> None:
    source = Recorded([1, 2, 3])
    read_ahead(source)  # a generator: nothing runs until it is iterated
    assert source.thread is None
    assert _readers_alive() == 0


def test_depth_must_be_positive() -> None:
    with pytest.raises(ValueError, match="depth"):
        next(read_ahead(Recorded([1]), 0))
