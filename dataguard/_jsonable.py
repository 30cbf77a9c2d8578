"""Conversion of result values to plain JSON values."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import math
from collections.abc import Mapping
from typing import Any

import numpy as np


def jsonable(value: Any, *, infinities: bool = False) -> Any:
    """``value`` as JSON-ready Python: ISO text for temporal values, None for NaN and infinities.

    With ``infinities``, ±inf stay floats (as Great Expectations keeps them) and the JSON writer
    decides how to spell them; NaN is None either way.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        keep = math.isfinite(value) or (infinities and not math.isnan(value))
        return value if keep else None
    if isinstance(value, np.generic):
        return jsonable(value.item(), infinities=infinities)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return jsonable(float(value), infinities=infinities)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Mapping):
        return {str(k): jsonable(v, infinities=infinities) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        return [jsonable(v, infinities=infinities) for v in value]
    return str(value)
