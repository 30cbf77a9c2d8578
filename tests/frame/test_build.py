"""Arrays built from buffers equal pyarrow's own conversion of the same values, type for type,
and values outside the buffer-built kinds get pyarrow's result or error unchanged."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataguard._frame import array_of, as_numpy, from_numpy, scalar_of

INTEGER_TYPES = [pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.uint8(), pa.uint64()]


def _same(built: pa.Array, expected: pa.Array) -> None:
    built.validate(full=True)
    assert built.type == expected.type
    assert built.equals(expected)


@given(st.lists(st.booleans(), max_size=70), st.integers(0, 9))
def test_booleans_from_numpy(values: list[bool], start: int) -> None:
    array = np.array(values, dtype=bool)[start:]  # a view at any bit offset
    _same(from_numpy(array), pa.array(array))


@given(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=40), st.integers(1, 3))
def test_integers_from_numpy_at_any_stride(values: list[int], step: int) -> None:
    array = np.array(values, dtype=np.int64)[::step]
    _same(from_numpy(array), pa.array(array))


@pytest.mark.parametrize("dtype", ["int8", "uint16", "int32", "uint64", "float32", "float64"])
def test_numbers_from_numpy_keep_their_dtype(dtype: str) -> None:
    array = np.arange(5).astype(dtype)
    _same(from_numpy(array), pa.array(array))


def test_other_numpy_arrays_go_through_pyarrow() -> None:
    for array in (np.array(["a", "b"]), np.array([1, 2], "M8[s]"), np.array([1, 2], "m8[s]")):
        _same(from_numpy(array), pa.array(array))


@given(st.lists(st.text(), max_size=20))
def test_strings(values: list[str]) -> None:
    _same(array_of(values, pa.string()), pa.array(values, type=pa.string()))


@pytest.mark.parametrize("t", INTEGER_TYPES)
@given(data=st.data())
def test_integers_in_range(t: pa.DataType, data: st.DataObject) -> None:
    info = np.iinfo(t.to_pandas_dtype())
    values = data.draw(st.lists(st.integers(int(info.min), int(info.max)), max_size=20))
    _same(array_of(values, t), pa.array(values, type=t))


@given(st.lists(st.floats(), max_size=20))
def test_floats(values: list[float]) -> None:
    built, expected = array_of(values, pa.float64()), pa.array(values, type=pa.float64())
    assert np.array_equal(as_numpy(built), as_numpy(expected), equal_nan=True)
    assert built.type == expected.type


def test_booleans() -> None:
    _same(array_of([True, False, True], pa.bool_()), pa.array([True, False, True]))


@pytest.mark.parametrize(
    ("values", "t"),
    [
        ([300], pa.int8()),  # out of range: Arrow's error
        ([-1], pa.uint64()),
        ([2**70], pa.int64()),
        ([2**53 + 1], pa.float64()),  # an integer a float cannot hold: Arrow's error
        (["1"], pa.int64()),
        ([1, None], pa.int64()),
        (["a", None], pa.string()),
        ([1.5], pa.float32()),
        ([True, 1], pa.bool_()),
    ],
)
def test_other_values_get_pyarrows_result_or_error(values: list[Any], t: pa.DataType) -> None:
    try:
        expected = pa.array(values, type=t)
    except (pa.ArrowException, OverflowError, TypeError) as exc:
        with pytest.raises(type(exc)):
            array_of(values, t)
    else:
        _same(array_of(values, t), expected)


def test_scalar() -> None:
    assert scalar_of(1.5, pa.float64()) == pa.scalar(1.5, type=pa.float64())
    assert scalar_of("x", pa.string()) == pa.scalar("x", type=pa.string())
