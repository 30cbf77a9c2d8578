"""Type expectations, decided from the data's schema without reading rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from dataguard.expectations._base import Context, Expectation
from dataguard.expectations._registry import register
from dataguard.result import ExpectationResult, Reason

LogicalType = Literal[
    "integer", "float", "numeric", "string", "boolean", "datetime", "date", "categorical"
]


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnType(Expectation):
    """The column holds values of a logical type, whatever the backend's own dtype name.

    ``integer`` and ``float`` both count as ``numeric``; ``categorical`` is a pandas category,
    polars Categorical/Enum or Arrow dictionary column. A pandas object column holding values of
    several Python types has no logical type.
    """

    name = "column_type"
    example: ClassVar[dict[str, Any]] = {"column": "created_at", "logical_type": "datetime"}
    reads_rows = False
    accepts_nested = True

    column: str
    logical_type: LogicalType

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def evaluate(self, ctx: Context) -> ExpectationResult:
        info = ctx.info(self.column)
        kinds = info.logical_types()
        passed = self.logical_type in kinds
        shown = ", ".join(sorted(kinds)) or ("mixed values" if info.mixed else "no logical type")
        message = f"column {self.column!r} has dtype {info.dtype} ({shown})"
        if not passed:
            message = f"expected {self.logical_type} values; {message}"
        return self.result(
            passed,
            Reason.PASSED if passed else Reason.TYPE_MISMATCH,
            message,
            observed_value=info.dtype,
            details={"logical_types": sorted(kinds), "arrow_type": str(info.arrow_type)},
        )

    def sentence(self) -> str:
        return f"Column {self.column!r} holds {self.logical_type} values."


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnDtype(Expectation):
    """The column has exactly this dtype: the backend's own name (pandas ``Int64``, polars
    ``String``) or the Arrow type name (``int64``, ``large_string``, ``timestamp[us, tz=UTC]``)."""

    name = "column_dtype"
    example: ClassVar[dict[str, Any]] = {"column": "amount", "dtype": "float64"}
    reads_rows = False
    accepts_nested = True

    column: str
    dtype: str

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def evaluate(self, ctx: Context) -> ExpectationResult:
        info = ctx.info(self.column)
        passed = self.dtype in (info.dtype, str(info.arrow_type))
        message = f"dtype {info.dtype} is {self.dtype}"
        if not passed:
            message = f"expected dtype {self.dtype}; column {self.column!r} has dtype {info.dtype}"
        return self.result(
            passed,
            Reason.PASSED if passed else Reason.TYPE_MISMATCH,
            message,
            observed_value=info.dtype,
            details={"arrow_type": str(info.arrow_type)},
        )

    def sentence(self) -> str:
        return f"Column {self.column!r} has dtype {self.dtype}."
