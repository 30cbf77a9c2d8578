"""Compact, deterministic JSON encodings of arrays and exact integers for profile files."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

from dataguard.errors import ProfileError

_COUNT_DTYPES = ("<u1", "<u2", "<u4", "<u8")


def encode_floats(values: np.ndarray) -> str:
    """Little-endian float64 bytes in base64: exact and compact (1023 edges take 10.9 KB)."""
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f8").tobytes()).decode("ascii")


def decode_floats(text: Any, what: str) -> np.ndarray:
    """The inverse of ``encode_floats``; ProfileError if the text is not what it should be."""
    raw = decode_bytes(text, what)
    if len(raw) % 8:
        raise ProfileError(f"{what}: truncated array of floats")
    return np.frombuffer(raw, dtype="<f8").astype(np.float64)


def encode_counts(counts: np.ndarray) -> dict[str, str]:
    """Non-negative integers in the narrowest unsigned type that holds them, in base64."""
    values = np.asarray(counts, dtype=np.int64)
    peak = int(values.max()) if values.size else 0
    dtype = next(d for d in _COUNT_DTYPES if peak <= np.iinfo(np.dtype(d)).max)
    data = base64.b64encode(values.astype(dtype).tobytes()).decode("ascii")
    return {"dtype": dtype, "data": data}


def decode_counts(doc: Any, what: str) -> np.ndarray:
    """The inverse of ``encode_counts``."""
    if not isinstance(doc, dict) or doc.get("dtype") not in _COUNT_DTYPES:
        raise ProfileError(f"{what}: malformed count array")
    raw = decode_bytes(doc.get("data"), what)
    dtype = np.dtype(doc["dtype"])
    if len(raw) % dtype.itemsize:
        raise ProfileError(f"{what}: truncated count array")
    return np.frombuffer(raw, dtype=dtype).astype(np.int64)


def encode_bytes(raw: bytes) -> str:
    """Bytes as base64 text."""
    return base64.b64encode(raw).decode("ascii")


def decode_bytes(text: Any, what: str) -> bytes:
    """The inverse of ``encode_bytes``; ProfileError if the text is not base64."""
    if not isinstance(text, str):
        raise ProfileError(f"{what}: expected base64 text")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise ProfileError(f"{what}: corrupt base64 data") from exc


def encode_int(value: int) -> str:
    """An exact integer of any size as hexadecimal text (JSON numbers would lose precision)."""
    return hex(value)


def decode_int(text: Any, what: str) -> int:
    """The inverse of ``encode_int``."""
    if not isinstance(text, str):
        raise ProfileError(f"{what}: expected a hexadecimal integer")
    try:
        return int(text, 16)
    except ValueError as exc:
        raise ProfileError(f"{what}: {text!r:.40} is not a hexadecimal integer") from exc
