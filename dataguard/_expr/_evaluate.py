"""Evaluating a checked expression over a batch, vectorized with Arrow compute (no per-row Python).

Conditions (comparisons, ``in``, ``is null``, ``and``/``or``/``not``) give numpy masks with two
values: a comparison involving a missing value (null, NaN, NaT) is false, except ``!=``, which is
true, and ``not`` inverts the mask, as in pandas. Other nodes give Arrow arrays, whose nulls flow
through arithmetic and functions, or ``Const`` for parts that read no column. A boolean value
used as a condition counts as false where it is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataguard._expr._compare import compare_arrays, compare_literal
from dataguard._expr._functions import FUNCTIONS
from dataguard._expr._kernels import (
    Operand,
    arithmetic,
    as_timestamp,
    duration_ratio,
    durations,
    negate,
    scalar,
    times,
)
from dataguard._expr._nodes import (
    PREDICATES,
    Arithmetic,
    Call,
    Column,
    Compare,
    IsNull,
    Literal,
    Logical,
    Member,
    Negative,
    Node,
    Not,
)
from dataguard._frame import Batch, bools, missing_mask, set_comparable, value_set
from dataguard._mixed import typed_in, typed_members


@dataclass(frozen=True)
class Const:
    """The value of a part of an expression that reads no column (a literal, ``-interval '1h'``)."""

    value: Any


Value: TypeAlias = "pa.Array | Const"
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


class Evaluator:
    """Evaluates nodes over one batch."""

    def __init__(self, batch: Batch) -> None:
        self.batch = batch
        self.rows = batch.num_rows

    def mask(self, node: Node) -> np.ndarray:
        """Where a condition holds, as numpy booleans."""
        if isinstance(node, Logical):
            combine = np.logical_and if node.op == "and" else np.logical_or
            return combine.reduce([self.mask(n) for n in node.operands])  # type: ignore[no-any-return]
        if isinstance(node, Not):
            return ~self.mask(node.operand)
        if isinstance(node, Compare):
            return self._compare(node)
        if isinstance(node, Member):
            return self._member(node)
        if isinstance(node, IsNull):
            missing = self._missing(node.operand, self.value(node.operand))
            return ~missing if node.negated else missing
        value = self.value(node)
        if isinstance(value, Const):
            return np.full(self.rows, value.value is True)
        return bools(value, null=False)

    def value(self, node: Node) -> Value:
        """The values of a node: an array over the batch's rows, or a constant."""
        if isinstance(node, Column):
            return self.batch.array(node.name)
        if isinstance(node, Literal):
            return Const(node.value)
        if isinstance(node, PREDICATES):
            return pa.array(self.mask(node))
        if isinstance(node, Negative):
            operand = self.value(node.operand)
            if isinstance(operand, Const):
                return Const(None if operand.value is None else -operand.value)
            return self._nulls() if pa.types.is_null(operand.type) else negate(operand)
        if isinstance(node, Arithmetic):
            result = self.value(node.first)
            for op, operand in node.rest:
                result = self._arithmetic(op, result, self.value(operand))
            return result
        return self._call(node)

    # -- values ---------------------------------------------------------------------------

    def _nulls(self) -> pa.Array:
        return pa.nulls(self.rows)

    def _repeated(self, constant: Const) -> pa.Array:
        """A constant as an array over the batch's rows."""
        if constant.value is None:
            return self._nulls()
        return pa.repeat(scalar(constant.value), self.rows)

    def _operands(self, *values: Value) -> list[Operand] | None:
        """Values as Arrow operands; None when one is entirely missing (the result is too)."""
        out: list[Operand] = []
        for value in values:
            if isinstance(value, Const):
                if value.value is None:
                    return None
                out.append(scalar(value.value))
            elif pa.types.is_null(value.type):
                return None
            else:
                out.append(value)
        return out

    def _arithmetic(self, op: str, left: Value, right: Value) -> Value:
        operands = self._operands(left, right)
        if operands is None:
            return _constant_or(self._nulls(), left, right)
        a, b = operands
        result = _temporal(op, a, b) if _is_time(a) or _is_time(b) else arithmetic(op, a, b)
        return _constant_or(result, left, right)

    def _call(self, node: Call) -> Value:
        function = FUNCTIONS[node.name]
        values = [self.value(arg) for arg in node.args]
        if node.name == "coalesce":
            present = [v for v in values if not _all_missing(v)]
            if not present:
                return _constant_or(self._nulls(), *values)
            arrays = [scalar(v.value) if isinstance(v, Const) else v for v in present]
            return _constant_or(function.kernel(arrays), *values)
        args: list[Any] = []
        for position, value in enumerate(values):
            if position in function.literal:
                args.append(value.value if isinstance(value, Const) else value)
                continue
            operands = self._operands(value)
            if operands is None:
                return _constant_or(self._nulls(), *values)
            args.append(operands[0])
        return _constant_or(function.kernel(args), *values)

    # -- conditions -----------------------------------------------------------------------

    def _missing(self, node: Node, value: Value) -> np.ndarray:
        if isinstance(node, Column):
            return self.batch.missing(node.name)
        if isinstance(value, Const):
            return np.full(self.rows, value.value is None)
        return missing_mask(value)

    def _compare(self, node: Compare) -> np.ndarray:
        op, left, right = node.op, node.left, node.right
        a, b = self.value(left), self.value(right)
        if isinstance(a, Const):  # a constant on the left: flip the comparison
            op, left, right, a, b = _FLIPPED.get(op, op), right, left, b, a
        if isinstance(a, Const):  # constant on both sides for these rows: coalesce(empty, 1)
            a = self._repeated(a)
        missing = self._missing(left, a)
        if isinstance(b, Const):
            mixed = self.batch.mixed_values(left.name) if isinstance(left, Column) else None
            if mixed is not None and op in ("==", "!="):  # by type: 1 is not "1"
                found = typed_in(mixed, _typed_literals((b.value,)))
                result = ~found if op == "!=" else found
            else:
                result = compare_literal(op, a, b.value, self.rows)
        else:
            missing = missing | self._missing(right, b)
            result = compare_arrays(op, a, b, self.rows)
        if op == "!=":
            return result | missing  # type: ignore[no-any-return]
        return result & ~missing  # type: ignore[no-any-return]

    def _member(self, node: Member) -> np.ndarray:
        value = self.value(node.operand)
        if isinstance(value, Const):
            value = self._repeated(value)
        literals = tuple(v.value for v in node.values)
        mixed = (
            self.batch.mixed_values(node.operand.name) if isinstance(node.operand, Column) else None
        )
        if mixed is not None:  # compared by type: 1 is not "1"
            found = typed_in(mixed, _typed_literals(literals))
        elif pa.types.is_null(value.type):
            found = np.zeros(self.rows, dtype=bool)
        else:
            found = _is_in(value, literals)
        inside: np.ndarray = found & ~self._missing(node.operand, value)
        return ~inside if node.negated else inside


def _is_in(array: pa.Array, literals: tuple[Any, ...]) -> np.ndarray:
    """Which values of ``array`` are among the literals (of its kind: others never match)."""
    if pa.types.is_duration(array.type):
        spans = [v for v in literals if isinstance(v, dt.timedelta)]
        if not spans:
            return np.zeros(len(array), dtype=bool)
        array, members = durations(array, pa.array(spans, pa.duration("us")))
        return bools(pc.is_in(array, value_set=members), False)
    if pa.types.is_date(array.type) and any(isinstance(v, dt.datetime) for v in literals):
        array = as_timestamp(array)  # a date equals a timestamp only at its midnight
    members = value_set(literals, array.type)
    return bools(pc.is_in(set_comparable(array, members), value_set=members), False)


def _temporal(op: str, a: Operand, b: Operand) -> Operand:
    """Arithmetic with times and durations (the checker admitted only meaningful pairs)."""
    if pa.types.is_duration(a.type) and pa.types.is_duration(b.type):
        if op == "/":
            return duration_ratio(a, b)
        x, y = durations(a, b)
        return pc.add(x, y) if op == "+" else pc.subtract(x, y)
    if pa.types.is_duration(a.type):  # a duration plus a time
        return pc.add(as_timestamp(b), a)
    if pa.types.is_duration(b.type):
        kernel = pc.add if op == "+" else pc.subtract
        return kernel(as_timestamp(a), b)
    x, y = times(a, b)
    return pc.subtract(x, y)


def _is_time(operand: Operand) -> bool:
    t = operand.type
    return bool(pa.types.is_timestamp(t) or pa.types.is_date(t) or pa.types.is_duration(t))


def _all_missing(value: Value) -> bool:
    if isinstance(value, Const):
        return value.value is None
    return bool(pa.types.is_null(value.type))


def _constant_or(result: Operand, *inputs: Value) -> Value:
    """A result computed from constants only is a constant too."""
    if all(isinstance(v, Const) for v in inputs):
        return Const(result.as_py() if isinstance(result, pa.Scalar) else None)
    if isinstance(result, pa.Scalar):  # a kernel fed scalars only for non-null arrays
        return Const(result.as_py())
    return result


def _typed_literals(values: tuple[Any, ...]) -> frozenset[tuple[str, Hashable]]:
    """Literals as members for a mixed column's objects, whose numbers are Python ints and
    floats (a decimal literal means its nearest float, as the float objects are)."""
    return typed_members(float(v) if isinstance(v, Decimal) else v for v in values)
