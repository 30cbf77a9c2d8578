"""Parquet text columns read as dictionary codes when every page is dictionary-encoded.

Which columns qualify is read from the footer's page encoding statistics; a column whose
dictionary overflowed to plain pages in any row group is read as text. Either way, validation
gives the results it gives on the same rows in memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dataguard as dg
from dataguard._frame import _parquet_pages, as_source
from dataguard._frame._encoded_batches import Dictionaries
from dataguard._frame._parquet_pages import (
    _dictionary_only,
    _Malformed,
    dictionary_columns,
    footer_bytes,
)
from dataguard.expectations import (
    InSet,
    MatchesRegex,
    NotNull,
    Unique,
    ValueLengthBetween,
)

ROWS = 3000
STATUSES = ["paid", "shipped", "cancelled", "pending"]


def _table() -> pa.Table:
    k = np.arange(ROWS)
    return pa.table(
        {
            # few distinct values, some missing, one value outside the set
            "status": pa.array(
                [None if i % 17 == 0 else ("lost" if i == 2500 else STATUSES[i % 4]) for i in k]
            ),
            # distinct in every row: its dictionary overflows a small page limit
            "id": pa.array([f"ID-{i:08d}" for i in k]),
            # distinct only late in the file: the last row group overflows, the first do not
            "late": pa.array([f"c{i % 5}" if i < 2000 else f"late-{i:06d}" for i in k]),
            "n": pa.array(k % 11, pa.int64()),
        }
    )


def _write(path: Path, **options: Any) -> Path:
    pq.write_table(
        _table(),
        path,
        row_group_size=1000,
        dictionary_pagesize_limit=4096,
        write_batch_size=100,
        **options,
    )
    return path


def test_only_text_columns_dictionary_encoded_throughout_are_chosen(tmp_path: Path) -> None:
    metadata = pq.read_metadata(_write(tmp_path / "d.parquet"))
    assert dictionary_columns(metadata, ["status", "id", "late", "n"]) == ["status"]
    assert dictionary_columns(metadata, ["id", "n"]) == []


def test_a_file_written_without_dictionaries_has_none(tmp_path: Path) -> None:
    metadata = pq.read_metadata(_write(tmp_path / "p.parquet", use_dictionary=False))
    assert dictionary_columns(metadata, ["status", "id", "late"]) == []


def test_a_footer_too_large_to_walk_reads_every_column_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    metadata = pq.read_metadata(_write(tmp_path / "d.parquet"))
    monkeypatch.setattr(_parquet_pages, "MAX_FOOTER", metadata.serialized_size - 1)
    assert dictionary_columns(metadata, ["status"]) == []


def test_a_truncated_footer_is_malformed(tmp_path: Path) -> None:
    footer = footer_bytes(pq.read_metadata(_write(tmp_path / "d.parquet")))
    assert _dictionary_only(footer)["status"] is True
    with pytest.raises(_Malformed):
        _dictionary_only(footer[: len(footer) // 2])


def test_missing_values_get_a_code_of_their_own() -> None:
    array = pa.array(["a", None, "b", "a", None]).dictionary_encode()
    found = Dictionaries().encoded("s", array)
    assert found is not None
    assert found.values.to_pylist() == ["a", "b", None]
    assert found.codes.null_count == 0
    assert found.values.take(found.codes).to_pylist() == ["a", None, "b", "a", None]


def test_an_equal_dictionary_shares_values_and_verdicts() -> None:
    dictionaries = Dictionaries()
    first = dictionaries.encoded("s", pa.array(["a", "b", "a"]).dictionary_encode())
    same = pa.array(["a", "b"])  # the same values, in another array, as a reader gives them
    again = dictionaries.encoded("s", pa.DictionaryArray.from_arrays([1, 1, 0], same))
    other = dictionaries.encoded("s", pa.array(["c", "a", "c"]).dictionary_encode())
    assert first is not None
    assert again is not None
    assert other is not None
    assert again.values is first.values
    assert again.results is first.results
    assert other.values.to_pylist() == ["c", "a", None]
    assert other.results is not first.results
    assert again.values.take(again.codes).to_pylist() == ["b", "b", "a"]


def test_a_dictionary_larger_than_its_batch_is_read_as_text() -> None:
    dictionary = pa.array([f"v{k}" for k in range(10)])
    few = pa.DictionaryArray.from_arrays(pa.array([3, None, 7], pa.int32()), dictionary)
    assert Dictionaries().encoded("s", few) is None


def test_batches_offer_chosen_columns_as_codes_and_as_text(tmp_path: Path) -> None:
    source = as_source(_write(tmp_path / "d.parquet"))
    batches = list(source.batches(["status", "id"], 700))
    assert sum(b.num_rows for b in batches) == ROWS
    assert all(b.encoded("id") is None for b in batches)
    for batch in batches:
        codes = batch.encoded("status")
        assert codes is not None
        rows = slice(batch.offset, batch.offset + batch.num_rows)
        expected = _table()["status"][rows].to_pylist()
        assert codes.values.take(codes.codes).to_pylist() == expected
        assert batch.array("status").to_pylist() == expected
        assert batch.array("status").type == pa.string()
        assert batch.encoded("status") is None  # the text is read now: the cheaper view


SUITE = [
    NotNull(column="status"),
    InSet(column="status", value_set=tuple(STATUSES)),
    ValueLengthBetween(column="status", min_value=4, max_value=7),
    MatchesRegex(column="status", regex="^[a-z]+d$"),
    InSet(column="late", value_set=("c0", "c1", "c2", "c3", "c4")),
    ValueLengthBetween(column="late", max_value=2),
    Unique(column="status"),
    Unique(column="id"),
]


def _answers(data: Any, chunk_size: int | None) -> list[dict[str, Any]]:
    result = dg.validate(
        data, dg.Suite(tuple(SUITE)), result_format="complete", chunk_size=chunk_size
    )
    return [r.to_dict() for r in result.results]


@pytest.mark.parametrize("chunk_size", [None, 700, 1000, 1500])
@pytest.mark.parametrize("options", [{}, {"use_dictionary": False}, {"data_page_version": "2.0"}])
def test_results_are_those_of_the_rows_in_memory(
    tmp_path: Path, chunk_size: int | None, options: dict[str, Any]
) -> None:
    path = _write(tmp_path / "d.parquet", **options)
    assert _answers(path, chunk_size) == _answers(_table(), chunk_size)


def test_a_dataset_of_such_files_offers_codes_beside_its_partition_keys(tmp_path: Path) -> None:
    for k in (1, 2):
        (tmp_path / f"k={k}").mkdir()
        _write(tmp_path / f"k={k}" / "part.parquet")
    source = as_source(dg.dataset(tmp_path))
    batches = list(source.batches(["status", "k"], 700))
    assert sum(b.num_rows for b in batches) == 2 * ROWS
    assert all(b.encoded("status") is not None and b.encoded("k") is None for b in batches)
    assert [v for b in batches for v in b.array("k").to_pylist()] == [1] * ROWS + [2] * ROWS
    expected = _table()["status"].to_pylist() * 2
    assert [v for b in batches for v in b.array("status").to_pylist()] == expected
    both = pa.concat_tables([_table(), _table()])
    assert _answers(dg.dataset(tmp_path), None) == _answers(both, None)
