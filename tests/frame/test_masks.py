"""Boolean and missing-value masks unpacked from Arrow bitmaps equal Arrow's own conversion, for
slices at any bit offset (a batch is a slice of its column, whose bitmaps it shares)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given
from hypothesis import strategies as st

from dataguard._frame import as_numpy, bools, missing_mask
from dataguard._frame._batch import Encoded

flags = st.lists(st.one_of(st.none(), st.booleans()), max_size=80)
numbers = st.lists(st.one_of(st.none(), st.floats(width=32, allow_infinity=False)), max_size=80)


def _arrow_bools(array: pa.Array, null: bool) -> np.ndarray:
    return np.asarray(array.fill_null(null).to_numpy(zero_copy_only=False), dtype=bool)


@given(flags, st.integers(0, 20), st.integers(0, 80))
def test_bools_of_any_slice(values: list[bool | None], start: int, length: int) -> None:
    array = pa.array(values, type=pa.bool_()).slice(start, length)
    for null in (False, True):
        assert np.array_equal(bools(array, null=null), _arrow_bools(array, null))
    chunked = pa.chunked_array([array, array], type=pa.bool_())
    assert np.array_equal(bools(chunked), np.concatenate([_arrow_bools(array, False)] * 2))


@given(
    numbers, st.integers(0, 20), st.integers(0, 80), st.sampled_from([pa.float64(), pa.float32()])
)
def test_missing_mask_of_floats_counts_nulls_and_nans(
    values: list[float | None], start: int, length: int, arrow_type: pa.DataType
) -> None:
    array = pa.array(values, type=pa.float64()).cast(arrow_type).slice(start, length)
    expected = np.asarray(pc.is_null(array, nan_is_null=True).to_numpy(zero_copy_only=False))
    assert np.array_equal(missing_mask(array), expected.astype(bool))


def test_masks_of_empty_and_all_null_arrays() -> None:
    assert bools(pa.nulls(3)).tolist() == [False] * 3  # type null: every verdict unknown
    assert bools(pa.nulls(2), null=True).tolist() == [True, True]
    assert bools(pa.chunked_array([], type=pa.bool_())).tolist() == []
    empty = pa.Array.from_buffers(pa.float64(), 0, [None, None])  # no buffers at all
    assert missing_mask(empty).tolist() == []


def test_missing_mask_of_other_types() -> None:
    assert missing_mask(pa.array([None, None])).tolist() == [True, True]  # type null
    assert missing_mask(pa.array([1, None, 3]).slice(1)).tolist() == [True, False]
    assert missing_mask(pa.array(["a", "b"])).tolist() == [False, False]


@given(
    st.lists(st.booleans(), min_size=1, max_size=40),
    st.lists(st.integers(0, 39), max_size=200),
    st.sampled_from([pa.uint8(), pa.uint16(), pa.int32()]),
    st.integers(0, 50),
)
def test_per_row_spreads_values_by_code(
    per_value: list[bool], codes: list[int], code_type: pa.DataType, start: int
) -> None:
    """Whether few values are set (codes compared) or many (gathered), and on a slice."""
    verdicts = np.array(per_value)
    in_range = [c % len(per_value) for c in codes]
    codes_array = pa.array(in_range, type=code_type).slice(start)
    encoded = Encoded(pa.array(range(len(per_value))), codes_array, {})
    expected = verdicts[np.asarray(in_range[start:], dtype=np.intp)]
    assert np.array_equal(encoded.per_row(verdicts), expected)
    assert encoded.per_row(verdicts).dtype == bool


@given(
    st.lists(st.one_of(st.none(), st.integers(-(2**24), 2**24)), max_size=60),
    st.sampled_from([pa.int32(), pa.int64(), pa.uint16(), pa.float32(), pa.float64()]),
    st.integers(0, 20),
)
def test_numbers_read_in_place_agree_with_arrow_on_present_slots(
    values: list[int | None], arrow_type: pa.DataType, start: int
) -> None:
    if pa.types.is_unsigned_integer(arrow_type):
        values = [None if v is None else abs(v) % 2**16 for v in values]
    array = pa.array(values, type=arrow_type).slice(start)
    present = ~missing_mask(array)
    assert np.array_equal(as_numpy(array)[present], array.drop_null().to_numpy())
