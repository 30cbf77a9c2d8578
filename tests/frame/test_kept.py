"""Columns of a file kept from one pass for the next: served from memory, bounded, exact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

import dataguard as dg
from dataguard._frame import Batch
from dataguard._frame._kept import KeptColumns
from dataguard.cluster import as_source
from dataguard.expectations import InSet, NotNull, Unique

TABLE = pa.table(
    {
        "k": pa.array([f"id{k % 400}" for k in range(500)]),
        "x": pa.array([float(k) if k % 11 else None for k in range(500)]),
    }
)


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "data.csv"
    pcsv.write_csv(TABLE, path)
    return path


def _parquet(tmp_path: Path) -> Path:
    path = tmp_path / "data.parquet"
    pq.write_table(TABLE, path, row_group_size=200)
    return path


WRITERS = [_csv, _parquet]


def _rows(batches: list[Batch], name: str) -> list[object]:
    return [v for b in batches for v in b.array(name).to_pylist()]


def _offsets(batches: list[Batch]) -> list[tuple[int, int]]:
    return [(b.offset, b.num_rows) for b in batches]


@pytest.mark.parametrize("write", WRITERS)
@pytest.mark.parametrize("chunk_size", [None, 7, 64, 1000])
def test_a_retained_column_is_served_from_memory_once(
    tmp_path: Path, chunk_size: int, write: Any
) -> None:
    path = write(tmp_path)
    source = as_source(path)
    source.retain(["k"])
    first = list(source.batches(["k", "x"], chunk_size))
    path.unlink()  # the next pass cannot read the file: it reads what was kept
    source.retain([])
    second = list(source.batches(["k"], chunk_size))
    assert _rows(second, "k") == TABLE.column("k").to_pylist()
    assert _offsets(second) == _offsets(first)
    with pytest.raises(dg.InputError):  # served once while not retained: let go
        list(source.batches(["k"], chunk_size))


@pytest.mark.parametrize("write", WRITERS)
def test_columns_not_retained_are_read_from_the_file(tmp_path: Path, write: Any) -> None:
    path = write(tmp_path)
    source = as_source(path)
    source.retain(["k"])
    list(source.batches(["k", "x"], 64))
    path.unlink()
    with pytest.raises(dg.InputError):
        list(source.batches(["k", "x"], 64))


def test_a_pass_stopped_midway_keeps_nothing(tmp_path: Path) -> None:
    path = _csv(tmp_path)
    source = as_source(path)
    source.retain(["k"])
    batches = source.batches(["k"], 10)
    next(batches)
    batches.close()
    path.unlink()
    with pytest.raises(dg.InputError):
        list(source.batches(["k"], 10))


def test_columns_past_the_budget_are_not_kept() -> None:
    kept = KeptColumns(budget=1000)
    kept.retain(["k"])
    keeping = kept.keeping(["k", "x"])
    for start in range(0, 500, 100):
        part = TABLE.slice(start, 100)
        keeping.add({n: part.column(n).chunk(0) for n in ("k", "x")})
    keeping.done()
    assert kept.served(["k"]) is None
    roomy = KeptColumns()
    roomy.retain(["k"])
    keeping = roomy.keeping(["k", "x"])
    keeping.add({n: TABLE.column(n).chunk(0) for n in ("k", "x")})
    keeping.done()
    assert roomy.served(["x"]) is None  # never retained
    served = roomy.served(["k"])
    assert served is not None
    assert [rows for _, rows in served] == [500]


def test_a_kept_parquet_column_is_the_same_arrays_in_the_next_pass(tmp_path: Path) -> None:
    # What is derived from an array and remembered by it (a key's fingerprints) is then reused.
    source = as_source(_parquet(tmp_path))
    source.retain(["x"])
    first = [b.array("x") for b in source.batches(["k", "x"], None)]
    source.retain([])
    second = [b.array("x") for b in source.batches(["x"], None)]
    assert len(first) == len(second) == 3
    assert all(a is b for a, b in zip(first, second, strict=True))


@pytest.mark.parametrize("write", WRITERS)
@pytest.mark.parametrize("chunk_size", [None, 3, 50, 499])
def test_a_uniqueness_check_over_a_file_gives_the_in_memory_result(
    tmp_path: Path, chunk_size: int | None, write: Any
) -> None:
    suite = dg.Suite(
        [Unique("k"), NotNull("x"), InSet("k", value_set=[f"id{k}" for k in range(300)])]
    )
    expected = dg.validate(TABLE, suite, result_format="complete").to_dict()["results"]
    got = dg.validate(write(tmp_path), suite, chunk_size=chunk_size, result_format="complete")
    assert got.to_dict()["results"] == expected
