"""Pandera's side of the validation benchmark: the suite as a ``DataFrameSchema``, validated lazily.

    python benchmarks/runners/pandera_validate.py --data DIR --suite SUITE.json --repeat R --out F

Each suite entry becomes the Pandera construct a user would write: ``not_null`` is
``nullable=False``, ``unique`` is ``unique=True``, ``column_type`` a dtype, ``between``
``Check.in_range``, ``in_set`` ``Check.isin``, ``matches_regex`` ``Check.str_contains`` (search,
like the suite), ``value_length_between`` ``Check.str_length``; Pandera has no built-in for
``increasing``, column means and deviations, the row count or ``mostly``, so those are custom
checks (see ``NOTES``). ``schema.validate(frame, lazy=True, inplace=True)`` collects every failure
case (no copy of the frame); a check passes when it has none, and a row check's unexpected count is
its number of failure cases. Runs in the ``pandera`` virtual environment.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import _validate
import numpy as np
import pandas as pd
import pandera
import pandera.pandas as pa
from pandera.errors import SchemaErrors

#: Pandera checks one exact dtype where the suite's logical types accept a family.
DTYPES = {"integer": "int64", "float": "float64", "boolean": "bool", "datetime": "datetime64[ns]"}
NOTES = {
    "column_type": "Pandera checks one exact dtype ({dtype}), not any integer type",
    "increasing": "no built-in: a custom vectorized Check comparing each value with the last",
    "mean_between": "no built-in: a custom Check returning one boolean (no unexpected count)",
    "stdev_between": "no built-in: a custom Check returning one boolean (no unexpected count)",
    "row_count_between": "no built-in: a custom DataFrame-level Check returning one boolean",
    "mostly": "Pandera has no `mostly`: a custom Check of the passing share, returning one "
    "boolean (so no unexpected count)",
}


@dataclass(frozen=True)
class Locator:
    """Where one suite entry's failure cases appear in ``SchemaErrors.failure_cases``: a column
    property (``check`` is its name, e.g. ``not_nullable``) or a check (``number`` in its list)."""

    column: str | None
    check: str | None = None
    number: int | None = None
    counts_rows: bool = True


@dataclass
class ColumnSpec:
    """The arguments of one ``pa.Column``, filled in entry by entry."""

    nullable: bool = True
    unique: bool = False
    dtype: str | None = None
    checks: list[pa.Check] = field(default_factory=list)


def _within(value: float, entry: dict[str, Any]) -> bool:
    """Whether an aggregate lies in the entry's bounds (NaN never does)."""
    low, high = entry.get("min_value"), entry.get("max_value")
    if math.isnan(value):
        return False
    above = low is None or (value > low if entry.get("strict_min") else value >= low)
    below = high is None or (value < high if entry.get("strict_max") else value <= high)
    return above and below


def _increasing(strictly: bool) -> Callable[[pd.Series], pd.Series]:
    """Each non-null value compared with the previous one (Pandera drops nulls first)."""

    def check(series: pd.Series) -> pd.Series:
        values = series.to_numpy()
        ok = np.ones(len(values), dtype=bool)
        ok[1:] = values[1:] > values[:-1] if strictly else values[1:] >= values[:-1]
        return pd.Series(ok, index=series.index)

    return check


def _predicate(entry: dict[str, Any]) -> Callable[[pd.Series], pd.Series]:
    """The row-level rule of an entry as a pandas expression (for the ``mostly`` share)."""
    kind = entry["type"]
    if kind == "in_set":
        return lambda s: s.isin(entry["value_set"])
    if kind == "matches_regex":
        return lambda s: s.str.contains(entry["regex"], regex=True)
    low, high = entry.get("min_value"), entry.get("max_value")
    strict_low, strict_high = entry.get("strict_min", False), entry.get("strict_max", False)

    def inside(s: pd.Series) -> pd.Series:
        values = s.str.len() if kind == "value_length_between" else s
        ok = pd.Series(True, index=s.index)
        if low is not None:
            ok &= values > low if strict_low else values >= low
        if high is not None:
            ok &= values < high if strict_high else values <= high
        return ok

    return inside


def _row_check(entry: dict[str, Any]) -> pa.Check:
    """The Pandera built-in for a row-level entry (every value must pass)."""
    kind = entry["type"]
    if kind == "in_set":
        return pa.Check.isin(entry["value_set"])
    if kind == "matches_regex":
        return pa.Check.str_contains(entry["regex"])
    low, high = entry.get("min_value"), entry.get("max_value")
    if kind == "value_length_between":
        return pa.Check.str_length(low, high)
    include_min, include_max = not entry.get("strict_min"), not entry.get("strict_max")
    if low is not None and high is not None:
        return pa.Check.in_range(low, high, include_min=include_min, include_max=include_max)
    if low is not None:
        return pa.Check.ge(low) if include_min else pa.Check.gt(low)
    return pa.Check.le(high) if include_max else pa.Check.lt(high)


def _mostly_check(entry: dict[str, Any]) -> pa.Check:
    """A share-of-passing-values check: what ``mostly`` means, as one boolean."""
    rule, mostly = _predicate(entry), float(entry["mostly"])
    return pa.Check(lambda s: bool(rule(s).mean() >= mostly), name=f"{entry['type']}_mostly")


def _aggregate_check(entry: dict[str, Any]) -> pa.Check:
    """A column mean or standard deviation (ddof=1, pandas' default) within bounds."""
    if entry["type"] == "mean_between":
        return pa.Check(lambda s: _within(float(s.mean()), entry), name="mean_between")
    return pa.Check(lambda s: _within(float(s.std(ddof=1)), entry), name="stdev_between")


ROW_TYPES = ("between", "in_set", "matches_regex", "value_length_between")


class SchemaBuilder:
    """Builds the ``DataFrameSchema`` and, per suite entry, where its failures show up."""

    def __init__(self) -> None:
        self.columns: dict[str, ColumnSpec] = {}
        self.table_checks: list[pa.Check] = []
        self.locators: list[Locator] = []
        self.notes: list[dict[str, str]] = []

    def add(self, entry: dict[str, Any]) -> None:
        """Map one suite entry onto the schema."""
        kind, column = entry["type"], entry.get("column")
        if kind == "row_count_between":
            self._table_check(entry)
            return
        if column is None:
            raise SystemExit(f"pandera runner: no mapping for table check {kind!r}")
        spec = self.columns.setdefault(column, ColumnSpec())
        if kind == "not_null":
            spec.nullable = False
            self.locators.append(Locator(column, check="not_nullable"))
        elif kind == "unique":
            spec.unique = True
            self.locators.append(Locator(column, check="field_uniqueness"))
        elif kind == "column_type":
            spec.dtype = DTYPES[entry["logical_type"]]
            self.locators.append(Locator(column, check="dtype(", counts_rows=False))
            self._note(entry, NOTES["column_type"].format(dtype=spec.dtype))
        elif kind in ROW_TYPES and float(entry.get("mostly", 1.0)) < 1.0:
            self._column_check(entry, spec, _mostly_check(entry), counts_rows=False)
            self._note(entry, NOTES["mostly"])
        elif kind in ROW_TYPES:
            self._column_check(entry, spec, _row_check(entry), counts_rows=True)
        elif kind == "increasing":
            check = pa.Check(_increasing(bool(entry.get("strictly"))), name="increasing")
            self._column_check(entry, spec, check, counts_rows=True)
            self._note(entry, NOTES["increasing"])
        elif kind in ("mean_between", "stdev_between"):
            self._column_check(entry, spec, _aggregate_check(entry), counts_rows=False)
            self._note(entry, NOTES[kind])
        else:
            raise SystemExit(f"pandera runner: no mapping for {kind!r}")

    def _column_check(
        self, entry: dict[str, Any], spec: ColumnSpec, check: pa.Check, *, counts_rows: bool
    ) -> None:
        self.locators.append(
            Locator(entry["column"], number=len(spec.checks), counts_rows=counts_rows)
        )
        spec.checks.append(check)

    def _table_check(self, entry: dict[str, Any]) -> None:
        rule = pa.Check(lambda df: _within(float(len(df)), entry), name="row_count_between")
        self.locators.append(Locator(None, number=len(self.table_checks), counts_rows=False))
        self.table_checks.append(rule)
        self._note(entry, NOTES["row_count_between"])

    def _note(self, entry: dict[str, Any], text: str) -> None:
        self.notes.append({"id": _validate.check_id(entry), "note": text})

    def schema(self) -> pa.DataFrameSchema:
        """The schema: only the suite's columns, no coercion, other columns left alone."""
        columns = {
            name: pa.Column(
                spec.dtype, nullable=spec.nullable, unique=spec.unique, checks=spec.checks
            )
            for name, spec in self.columns.items()
        }
        return pa.DataFrameSchema(columns, checks=self.table_checks, strict=False, coerce=False)


def validate(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame | None:
    """Pandera's lazy validation; the failure cases, or ``None`` when the frame is valid."""
    try:
        schema.validate(frame, lazy=True, inplace=True)
    except SchemaErrors as errors:
        return errors.failure_cases
    return None


def _failures(cases: pd.DataFrame | None, where: Locator) -> pd.DataFrame:
    """The failure cases that belong to one suite entry."""
    if cases is None:
        return pd.DataFrame()
    if where.column is None:
        mine = cases["schema_context"].eq("DataFrameSchema") & cases["column"].isna()
    else:
        mine = cases["schema_context"].eq("Column") & cases["column"].eq(where.column)
    if where.check is not None:
        return cases[mine & cases["check"].astype(str).str.startswith(where.check)]
    return cases[mine & cases["check_number"].eq(where.number)]


def checks_of(entries: list[dict[str, Any]], locators: list[Locator]) -> Any:
    """A function turning Pandera's failure cases into the protocol's answers, in suite order."""

    def checks(cases: pd.DataFrame | None) -> list[dict[str, Any]]:
        out = []
        for entry, where in zip(entries, locators, strict=True):
            failed = len(_failures(cases, where))
            count = failed if where.counts_rows else None
            out.append(_validate.answer(entry, failed == 0, count))
        return out

    return checks


def main() -> None:
    args = _validate.parse_args(__doc__.splitlines()[0])
    entries = _validate.entries(_validate.load_document(args.suite))
    builder = SchemaBuilder()
    for entry in entries:
        builder.add(entry)
    schema = builder.schema()
    frame = _validate.read_frame(args)
    settings = (
        "DataFrameSchema(strict=False, coerce=False).validate(frame, lazy=True, inplace=True), "
        "every failure case collected; input: a pandas DataFrame from pd.read_parquet "
        "(object strings)"
    )
    _validate.measure_and_write(
        args,
        run=lambda: validate(schema, frame),
        checks=checks_of(entries, builder.locators),
        rows=len(frame),
        fields={
            "tool": "pandera",
            "version": pandera.__version__,
            "settings": settings,
            "notes": builder.notes,
        },
    )


if __name__ == "__main__":
    main()
