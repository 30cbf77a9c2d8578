"""Arrow arrays made from numpy and Python values without pyarrow's conversion, which loads pandas.

The first time pyarrow converts a Python or numpy value (``pa.array``, ``pa.scalar``, a Python
operand of a compute function, ``Array.to_numpy``) it imports pandas, to recognise pandas'
missing values: a quarter of a second that validating a small file otherwise never spends. The
conversions made on every validation build their arrays from buffers here instead: numbers and
booleans from numpy's memory, text from its UTF-8 bytes. Values of any other type, or not all of
the type's own Python kind, go through ``pa.array`` as before, with the same result.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["array_of", "from_numpy", "scalar_of"]


def from_numpy(values: np.ndarray) -> pa.Array:
    """A one-dimensional numpy array of booleans or numbers as an Arrow array with no nulls."""
    if values.ndim != 1 or not values.dtype.isnative:
        return pa.array(values)
    if values.dtype == np.bool_:
        bits = np.packbits(values, bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])
    if values.dtype.kind in "iuf":
        contiguous = np.ascontiguousarray(values)
        buffers = [None, pa.py_buffer(contiguous)]
        return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values), buffers)
    return pa.array(values)


def array_of(values: Sequence[Any], t: pa.DataType) -> pa.Array:
    """``pa.array(values, type=t)``: from buffers when ``t`` is an integer, 64-bit float, boolean
    or string type and every value is a Python ``int``, ``float``, ``bool`` or ``str`` to match
    (no None; an integer for a float column goes through Arrow, which refuses one it would
    round)."""
    kinds = [type(value) for value in values]
    if pa.types.is_string(t) and all(kind is str for kind in kinds):
        return _strings(values)
    if pa.types.is_boolean(t) and all(kind is bool for kind in kinds):
        return from_numpy(np.array(values, dtype=np.bool_))
    if (pa.types.is_integer(t) and all(kind is int for kind in kinds)) or (
        t == pa.float64() and all(kind is float for kind in kinds)
    ):
        dtype = np.dtype(t.to_pandas_dtype())
        # Out of the type's range: Arrow's own error below says so.
        with contextlib.suppress(OverflowError):
            return from_numpy(np.array(values, dtype=dtype))
    return pa.array(values, type=t)


def scalar_of(value: Any, t: pa.DataType) -> pa.Scalar[Any]:
    """``pa.scalar(value, type=t)``, made like ``array_of``."""
    return array_of([value], t)[0]


def _strings(values: Sequence[str]) -> pa.Array:
    encoded = [value.encode("utf-8") for value in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(part) for part in encoded], out=offsets[1:])
    if offsets[-1] > np.iinfo(np.int32).max:  # beyond a string array's 32-bit offsets
        return pa.array(values, type=pa.string())
    buffers = [None, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(b"".join(encoded))]
    return pa.Array.from_buffers(pa.string(), len(values), buffers)
