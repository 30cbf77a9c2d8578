"""Pandera's PySpark backend in the cluster job: the suite as a ``pandera.pyspark`` schema,
validated on the Spark DataFrame of current.parquet.

    python benchmarks/runners/pandera_pyspark_validate.py --data DIR --suite SUITE.json \\
        --repeat R --out F

Each suite entry becomes what a Pandera user writes for Spark: ``not_null`` is
``nullable=False``, ``column_type`` a Spark type (``LongType``: one exact type), ``between``
``Check.in_range``, ``in_set`` ``Check.isin``, ``matches_regex`` ``Check.str_contains`` (``rlike``:
a search, like the suite), ``value_length_between`` ``Check.str_length``, ``unique`` the schema's
``unique=[column]`` (a group-by count). The PySpark backend has no built-in for ``increasing``,
column means and deviations, the row count or ``mostly``: those are custom ``Check``s written
in Spark SQL functions (``increasing``
compares each value with the previous one by ``lag`` over a window ordered by
``monotonically_increasing_id()``, which follows the file's order). Every built-in check of the
PySpark backend answers with one boolean (``filter(...).limit(1).count() == 0``), so Pandera
reports no unexpected count for any check. ``schema.validate(frame)`` collects every error
(``df.pandera.errors``); validation depth SCHEMA_AND_DATA, the default. Runs in the
``pandera_pyspark`` virtual environment.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import _cluster
import _validate
import pandera
import pandera.pyspark as pa
import pyspark.sql.functions as F
import pyspark.sql.types as T
from pyspark.sql import Window

SPARK_TYPES = {
    "integer": T.LongType(),
    "float": T.DoubleType(),
    "boolean": T.BooleanType(),
    "datetime": T.TimestampType(),
}
NOTES = {
    "column_type": "one exact Spark type (LongType), not any integer type",
    "increasing": "no built-in: a custom Check, lag over a window ordered by "
    "monotonically_increasing_id() (one task sorts every row)",
    "mean_between": "no built-in: a custom Check of F.mean, one boolean",
    "stdev_between": "no built-in: a custom Check of F.stddev_samp, one boolean",
    "row_count_between": "no built-in: a custom Check of DataFrame.count(), one boolean",
    "mostly": "no `mostly`: a custom Check of the passing share, one boolean",
}


def _within(value: float | None, low: Any, high: Any) -> bool:
    if value is None or math.isnan(value):
        return False
    return (low is None or value >= low) and (high is None or value <= high)


def increasing(data: Any, *, strictly: bool) -> bool:
    """Each non-null value not below (strictly: above) the previous non-null one."""
    column = F.col(data.column_name)
    order = Window.orderBy(F.monotonically_increasing_id())
    present = data.dataframe.select(column.alias("v")).where(F.col("v").isNotNull())
    previous = present.withColumn("before", F.lag("v").over(order))
    broken = F.col("v") <= F.col("before") if strictly else F.col("v") < F.col("before")
    return bool(previous.where(broken).limit(1).count() == 0)


def mean_in(data: Any, *, low: Any, high: Any) -> bool:
    row = data.dataframe.agg(F.mean(data.column_name)).first()
    return _within(row[0], low, high)


def stdev_in(data: Any, *, low: Any, high: Any) -> bool:
    row = data.dataframe.agg(F.stddev_samp(data.column_name)).first()
    return _within(row[0], low, high)


def row_count_in(data: Any, *, low: Any, high: Any) -> bool:
    return _within(float(data.dataframe.count()), low, high)


def mostly_between(data: Any, *, low: Any, high: Any, mostly: float) -> bool:
    """The share of present values inside [low, high] at least ``mostly``."""
    column = F.col(data.column_name)
    inside = ((column >= low) & (column <= high)).cast("double")
    row = data.dataframe.where(column.isNotNull()).agg(F.mean(inside)).first()
    return row[0] is None or row[0] >= mostly


def custom(check: Callable[..., bool], **statistics: Any) -> pa.Check:
    """A custom check: the PySpark backend calls ``check(data, **statistics)`` with the frame
    and the column's name (``data.dataframe``, ``data.column_name``)."""
    return pa.Check(check, name=check.__name__, **statistics)


def _row_check(entry: dict[str, Any]) -> pa.Check:
    kind, low, high = entry["type"], entry.get("min_value"), entry.get("max_value")
    if kind == "in_set":
        return pa.Check.isin(list(entry["value_set"]))
    if kind == "matches_regex":
        return pa.Check.str_contains(entry["regex"])
    if kind == "value_length_between":
        return pa.Check.str_length(low, high)
    if float(entry.get("mostly", 1.0)) < 1.0:
        return custom(mostly_between, low=low, high=high, mostly=float(entry["mostly"]))
    return pa.Check.in_range(low, high)


class SchemaBuilder:
    """The ``pandera.pyspark`` schema, and where each suite entry's errors show up."""

    def __init__(self, frame: Any) -> None:
        self.types = {f.name: f.dataType for f in frame.schema.fields}
        self.columns: dict[str, dict[str, Any]] = {}
        self.unique: list[str] = []
        self.where: list[tuple[str | None, str]] = []  # (column, check name) per entry
        self.notes: list[dict[str, str]] = []

    def _column(self, name: str) -> dict[str, Any]:
        return self.columns.setdefault(
            name, {"dtype": self.types[name], "nullable": True, "checks": []}
        )

    def add(self, entry: dict[str, Any]) -> None:
        kind, name = entry["type"], entry.get("column")
        low, high = entry.get("min_value"), entry.get("max_value")
        if kind == "row_count_between":  # a table check, carried by the first column
            name = next(iter(self.types))
            self._check(entry, name, custom(row_count_in, low=low, high=high), "row_count_in")
        elif kind == "not_null":
            self._column(name)["nullable"] = False
            self.where.append((name, "not_nullable"))
        elif kind == "unique":
            self.unique.append(name)
            self.where.append((None, "unique"))
        elif kind == "column_type":
            self._column(name)["dtype"] = SPARK_TYPES[entry["logical_type"]]
            self.where.append((name, "dtype"))
            self._note(entry, "column_type")
        elif kind == "increasing":
            check = custom(increasing, strictly=bool(entry.get("strictly", False)))
            self._check(entry, name, check, "increasing")
        elif kind == "mean_between":
            self._check(entry, name, custom(mean_in, low=low, high=high), "mean_in")
        elif kind == "stdev_between":
            self._check(entry, name, custom(stdev_in, low=low, high=high), "stdev_in")
        else:
            check = _row_check(entry)
            self._check(entry, name, check, check.name)
            if float(entry.get("mostly", 1.0)) < 1.0:
                self._note(entry, "mostly")

    def _check(self, entry: dict[str, Any], name: str, check: pa.Check, label: str) -> None:
        self._column(name)["checks"].append(check)
        self.where.append((name, label))
        if entry["type"] in NOTES:
            self._note(entry, entry["type"])

    def _note(self, entry: dict[str, Any], key: str) -> None:
        self.notes.append({"id": _validate.check_id(entry), "note": NOTES[key]})

    def schema(self) -> pa.DataFrameSchema:
        columns = {name: pa.Column(**spec) for name, spec in self.columns.items()}
        return pa.DataFrameSchema(columns, unique=self.unique or None, strict=False)


def _failed(errors: dict[str, Any]) -> dict[tuple[str | None, str], str]:
    """(column, check) of every error in ``df.pandera.errors`` -> its kind (a check that raised
    is ``CHECK_ERROR``: no answer, the run fails)."""
    failed = {}
    for by_kind in errors.values():
        for kind, cases in by_kind.items():
            for case in cases:
                failed[(case.get("column"), str(case.get("check", "")))] = kind
    return failed


def checks_of(entries: list[dict[str, Any]], where: list[tuple[str | None, str]]) -> Any:
    """A function turning ``df.pandera.errors`` into the protocol's answers, in suite order."""

    def checks(errors: dict[str, Any]) -> list[dict[str, Any]]:
        failed = _failed(errors)
        raised = [f"{c}: {check}" for (c, check), kind in failed.items() if kind == "CHECK_ERROR"]
        if raised:
            raise SystemExit(f"pandera checks raised: {raised}")
        out = []
        for entry, (column, label) in zip(entries, where, strict=True):
            hit = any(c == column and check.startswith(label) for c, check in failed)
            out.append(_validate.answer(entry, not hit, None))
        return out

    return checks


def main() -> None:
    args = _validate.parse_args(__doc__.splitlines()[0])
    entries = _validate.entries(_validate.load_document(args.suite))
    with _cluster.spark_data(args) as (frame, info):
        builder = SchemaBuilder(frame)
        for entry in entries:
            builder.add(entry)
        schema = builder.schema()

        def run() -> dict[str, Any]:
            return dict(schema.validate(frame).pandera.errors)

        _cluster.measure_and_write(
            args,
            run=run,
            checks=checks_of(entries, builder.where),
            info=info,
            fields={
                "tool": "pandera",
                "version": pandera.__version__,
                "settings": "pandera.pyspark DataFrameSchema(strict=False, unique=[order_id])"
                ".validate(spark_df), errors from df.pandera.errors; " + _cluster.SPARK_SETTINGS,
                "notes": builder.notes,
            },
        )


if __name__ == "__main__":
    main()
