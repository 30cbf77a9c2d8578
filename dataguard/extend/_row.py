"""Row-level custom expectations: a function from Arrow arrays to a mask of passing rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from dataguard._frame import Batch, bools
from dataguard.expectations import RowExpectation
from dataguard.extend._declare import (
    Declared,
    F,
    registrar,
)
from dataguard.metrics import Values


@dataclass(frozen=True, slots=True, kw_only=True)
class _CustomRowCheck(Declared, RowExpectation):
    """A row-level expectation judged by a registered function (see ``row_check``)."""

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        declared = self.declaration
        arrays = {c: batch.array(getattr(self, c)) for c in declared.columns}
        mask = declared.function(**arrays, **self.parameter_values)
        return ~_passing(mask, batch.num_rows, declared.origin)


def _passing(mask: Any, rows: int, origin: str) -> np.ndarray:
    """The function's answer as numpy booleans; a null verdict does not pass."""
    if isinstance(mask, pa.ChunkedArray):
        mask = mask.combine_chunks()
    if isinstance(mask, pa.Array):
        if not pa.types.is_boolean(mask.type):
            raise TypeError(f"{origin} returned {mask.type} values; a row check returns booleans")
        values = bools(mask, null=False)
    else:
        values = np.asarray(mask)
        if values.dtype != np.bool_:
            raise TypeError(
                f"{origin} returned {values.dtype} values; a row check returns booleans"
            )
    if values.shape != (rows,):
        raise TypeError(
            f"{origin} returned {values.shape[0] if values.ndim else 1} values for {rows} rows"
        )
    passing: np.ndarray = values.astype(bool, copy=False)
    return passing


def row_check(
    name: str,
    *,
    columns: Iterable[str] = ("column",),
    accepts: str | Iterable[str] | None = None,
    example: Mapping[str, Any] | None = None,
) -> Callable[[F], F]:
    """Register the decorated function as the row-level expectation ``name``.

    The function receives, for each name in ``columns``, the Arrow array of the column the
    expectation names under that parameter, plus its other parameters (typed by their
    annotations, checked like a built-in's, defaults from the signature). It returns which rows
    pass: a boolean pyarrow array or numpy array, one entry per row; a null entry does not pass.
    Rows missing a value in any of the columns are not judged, as for every row check. The
    expectation then takes ``mostly``, ``severity`` and ``where``, and loads from YAML
    (``{type: name, column: n, ...}``). ``accepts`` names the logical kinds the columns must
    hold (``"numeric"``, ``"string"``, ...); ``example`` is a valid set of parameters, checked
    now and listed in generated documentation. The function is returned unchanged.
    """
    names = tuple(columns)
    return registrar(
        name,
        _CustomRowCheck,
        columns=names,
        inputs={c: c for c in names},
        accepts=accepts,
        example=example,
    )
