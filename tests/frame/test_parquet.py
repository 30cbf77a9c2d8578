"""Parquet files read ahead: the reader's own batches, open files left open, errors named."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dataguard as dg
from dataguard._frame import from_path
from dataguard._frame._parquet import parquet_batches
from dataguard.expectations import Between, NotNull, RowCountEqual

TABLE = pa.table(
    {
        "x": pa.array([float(k) if k % 9 else None for k in range(1000)]),
        "s": pa.array([f"v{k % 7}" for k in range(1000)]),
        "n": pa.array(range(1000), pa.int64()),
    }
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    target = tmp_path / "data.parquet"
    pq.write_table(TABLE, target, row_group_size=300)
    return target


@pytest.mark.parametrize("batch_size", [1, 64, 300, 1000, 5000])
@pytest.mark.parametrize("columns", [["x"], ["s", "x"], ["n", "s", "x"]])
def test_batches_are_the_readers_own(path: Path, batch_size: int, columns: list[str]) -> None:
    expected = list(pq.ParquetFile(path).iter_batches(batch_size=batch_size, columns=columns))
    got = list(parquet_batches(path, columns, batch_size))
    assert [b.num_rows for b in got] == [b.num_rows for b in expected]
    assert all(g.equals(e) for g, e in zip(got, expected, strict=True))
    assert pa.Table.from_batches(got).equals(TABLE.select(columns))


def test_an_open_file_is_read_and_left_open(path: Path) -> None:
    with pa.OSFile(str(path)) as file:
        got = pa.Table.from_batches(list(parquet_batches(file, ["n"], 128)))
        assert not file.closed
    assert got.equals(TABLE.select(["n"]))


def _corrupt_second_row_group(path: Path) -> None:
    """Overwrite the first column chunk of the second row group: the file opens, and the first
    row group reads, but reading stops at the second."""
    chunk = pq.ParquetFile(path).metadata.row_group(1).column(0)
    start = chunk.dictionary_page_offset or chunk.data_page_offset
    raw = bytearray(path.read_bytes())
    raw[start : start + chunk.total_compressed_size] = b"\xff" * chunk.total_compressed_size
    path.write_bytes(bytes(raw))


def test_a_file_unreadable_midway_is_one_line_naming_it(path: Path) -> None:
    _corrupt_second_row_group(path)
    assert next(iter(parquet_batches(path, ["x"], 100))).num_rows == 100  # the start reads
    suite = dg.Suite([NotNull("x"), Between("n", min_value=0), RowCountEqual(value=1000)])
    for chunk_size in (None, 100):
        with pytest.raises(dg.InputError) as caught:
            dg.validate(path, suite, chunk_size=chunk_size)
        message = str(caught.value)
        assert message.startswith(f"{path}: cannot read the file:")
        assert "\n" not in message
    assert not any(t.name == "dataguard-reader" for t in threading.enumerate())


def test_a_held_file_holds_its_rows_as_a_table_does(path: Path) -> None:
    source = from_path(path)
    held = source.held(["s", "x"], 1 << 20)
    assert held is not None
    assert not held.on_disk
    assert held.num_rows == 1000
    assert held.description == source.description
    assert held.info("x") == source.info("x")
    assert held.info("s") == source.info("s")
    batches = list(held.batches(["x", "s"], 300))
    rows = pa.table({n: pa.concat_arrays([b.array(n) for b in batches]) for n in ["x", "s"]})
    assert rows.equals(TABLE.select(["x", "s"]))


def test_a_file_too_big_to_hold_is_not_read_when_its_widths_say_so(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = from_path(path)

    def unread(*args: object) -> Iterator[pa.RecordBatch]:
        raise AssertionError("read a file its column widths rule out")

    monkeypatch.setattr(source, "_record_batches", unread)
    # 1000 rows of a float (8 bytes) and a string (a 4-byte offset at least).
    assert source.held(["x", "s"], 12 * 1000 - 1) is None


def test_long_text_past_the_budget_is_not_held(tmp_path: Path) -> None:
    target = tmp_path / "long.parquet"
    pq.write_table(pa.table({"t": ["x" * 1000] * 1000}), target)
    source = from_path(target)
    assert source.held(["t"], 100_000) is None  # 1 MB of text; the widths said 4 kB
    assert source.held(["t"], 2_000_000) is not None


def test_a_text_file_is_never_held(tmp_path: Path) -> None:
    target = tmp_path / "data.csv"
    target.write_text("a,b\n1,x\n2,y\n")
    assert from_path(target).held(["a", "b"], 1 << 30) is None


def test_a_held_file_unreadable_midway_is_one_line_naming_it(path: Path) -> None:
    _corrupt_second_row_group(path)
    with pytest.raises(dg.InputError) as caught:
        from_path(path).held(["x", "s", "n"], 1 << 20)
    assert str(caught.value).startswith(f"{path}: cannot read the file:")
    assert not any(t.name == "dataguard-reader" for t in threading.enumerate())
