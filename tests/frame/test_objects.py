"""Pandas object columns of strings read as Arrow chunks: by shared object or converted whole, the
arrays equal pyarrow's own conversion."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard._frame import _objects, as_source
from dataguard._frame._objects import TextColumn
from dataguard.expectations import InSet, MatchesRegex, NotNull, Unique, ValueLengthBetween


def _expected(values: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.string(), from_pandas=True)


def _chunks(values: np.ndarray, step: int) -> list[pa.Array]:
    source = as_source(pd.DataFrame({"s": pd.Series(values, dtype=object)}))
    return [batch.array("s") for batch in source.batches(["s"], step)]


MISSING = [None, np.nan, pd.NA, float("nan")]
WORDS = ["", "a", "b", "é", "日本", "a\x00b", "long text " * 5]


@settings(max_examples=60)
@given(
    picks=st.lists(st.integers(0, len(WORDS) + len(MISSING) - 1), min_size=1, max_size=60),
    shared=st.booleans(),
    step=st.integers(1, 9),
)
def test_chunks_equal_pyarrow_conversion(picks: list[int], shared: bool, step: int) -> None:
    pool = WORDS + MISSING
    # Shared objects (as pd.read_parquet gives) take the encoded path; fresh copies are converted
    # whole.
    items = [pool[k] if shared or not isinstance(pool[k], str) else "".join(pool[k]) for k in picks]
    values = np.array(items, dtype=object)
    column = TextColumn.of(values)
    if not any(isinstance(v, str) for v in items):
        assert column is None  # Arrow types a column of missing values only as null
        return
    expected = _expected(values)
    assert pa.concat_arrays(_chunks(values, step)).equals(expected)
    if column is not None:
        assert column.read(0, len(values)).equals(expected)
        encoded = column.encoded(0, len(values))
        assert encoded.values.take(encoded.codes).equals(expected)


def test_shared_objects_are_encoded_and_distinct_ones_are_not() -> None:
    shared = np.array(["paid", "shipped", None] * 5000, dtype=object)
    column = TextColumn.of(shared)
    assert column is not None
    encoded = column.encoded(10, 20)
    assert encoded is not None
    assert len(encoded.values) == 3  # one entry per object, the missing one included
    assert encoded.values.take(encoded.codes).equals(_expected(shared[10:20]))
    words = np.array([f"w{k}" for k in range(300)] + [None], dtype=object)  # past one byte
    repeated = words[np.arange(20_000) % len(words)]
    wide = TextColumn.of(repeated)
    assert wide is not None
    assert wide.encoded(0, 1).codes.type == pa.uint16()
    assert wide.read(123, 19_999).equals(_expected(repeated[123:19_999]))
    distinct = np.array([f"id-{k}" for k in range(15000)], dtype=object)
    assert TextColumn.of(distinct) is None
    assert TextColumn.of(shared[::2]) is None  # not contiguous: no pointers to compare
    for values in (distinct, shared[::2]):
        assert pa.concat_arrays(_chunks(values, 4096)).equals(_expected(values))


@pytest.mark.parametrize(
    "items",
    [[], [None, None], [np.nan], ["a", 1], ["a", b"bytes"], [1.5, "x"], [{"k": 1}, "x"]],
)
def test_other_object_columns_are_not_text(items: list[Any]) -> None:
    assert TextColumn.of(np.array(items, dtype=object)) is None


def test_frames_with_encoded_text_validate_like_arrow_tables() -> None:
    n = 20_000
    words = np.array(["a@x.io", "b@y.org", "not-an-email", None, "a@x.io"], dtype=object)
    # Object dtype spelled out: pandas 3 would otherwise store the strings in Arrow itself.
    frame = pd.DataFrame(
        {
            "email": pd.Series(words[np.arange(n) % 5], dtype=object),
            "id": np.arange(n) % (n - 3),
            "code": pd.Series([f"c{k % (n - 3)}" for k in range(n)], dtype=object),
        }
    )
    suite = dg.Suite(
        [
            NotNull("email"),
            MatchesRegex("email", regex=r"^[^@]+@[^@]+\.[a-z]+$"),
            InSet("email", value_set=["a@x.io", "b@y.org"]),
            ValueLengthBetween("email", min_value=6, max_value=7),
            Unique("code"),
        ]
    )
    source = as_source(frame)
    assert source.info("email").arrow_type == pa.string()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    expected = [r.to_dict() for r in dg.validate(table, suite, result_format="complete").results]
    for chunk_size in (None, 999, 4096):
        got = dg.validate(frame, suite, result_format="complete", chunk_size=chunk_size)
        assert [r.to_dict() for r in got.results] == expected
    assert [r.unexpected_count for r in got.results] == [4000, 4000, 4000, 4000, 6]


def test_long_object_columns_convert_in_chunks_like_pyarrow_whole() -> None:
    n = 300_000  # past one batch, so the column is converted in chunks
    # Distinct objects throughout (a fresh NaN per missing row), so nothing is encoded by object.
    missing = [float("nan") for _ in range(140_000)]
    late = np.array(missing + [f"id-{k}" for k in range(n - 140_000)], dtype=object)
    mixed = np.array(list(range(140_000)) + ["text"] * (n - 140_000), dtype=object)
    frame = pd.DataFrame({"late": pd.Series(late), "mixed": pd.Series(mixed)}, dtype=object)
    assert TextColumn.of(late) is None
    source = as_source(frame)
    assert source.info("late").arrow_type == pa.string()  # the all-missing chunk is cast
    assert pa.concat_arrays(_chunks(late, 100_000)).equals(_expected(late))
    assert source.info("mixed").mixed  # chunks of ints and of strings: one column of text
    result = dg.validate(frame, dg.Suite([NotNull("late"), Unique("late")]))
    assert [r.unexpected_count for r in result.results] == [140_000, 0]


@given(st.lists(st.integers(0, 30), max_size=120), st.integers(1, 8))
def test_every_code_gets_a_row_holding_it(raw: list[int], step: int) -> None:
    """Whether few codes or many are left without a row after the first step."""
    codes = np.array(raw, dtype=np.uint8)
    distinct = 31
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_objects, "_SCATTER_STEP", step)
        positions = _objects._any_position(codes, distinct)
    present = np.isin(np.arange(distinct), codes)
    assert np.array_equal(positions >= 0, present)
    assert np.array_equal(codes[positions[present]], np.flatnonzero(present))
