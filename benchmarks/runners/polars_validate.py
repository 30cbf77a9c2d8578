"""polars' side of the validation benchmark: the 16-check suite as ONE lazy ``select``.

    python benchmarks/runners/polars_validate.py --data DIR --suite SUITE --repeat R --out F
        [--input pandas|arrow|parquet|csv]

What a polars expert would write for the suite: one ``LazyFrame.select`` of an aggregate
expression per check, collected once, so polars reads every column once and evaluates the
expressions in parallel: ``is_null``/``is_nan`` sums, comparisons, ``is_in`` against a Series of
the set (a hash lookup, not a chain of literals), ``str.contains`` (Rust's ``regex`` crate: search
semantics, ``^``/``$`` anchor at the ends of the text as in RE2; the suite's patterns are ASCII
classes, so Unicode-aware matching does not change them), ``str.len_chars`` (characters),
``is_duplicated`` on the present values (every occurrence of a repeated value, as the baseline),
``shift`` on the present values in row order for ``increasing``, ``mean`` and ``std(ddof=1)`` of
the present values. Semantics matched to ``benchmarks/baseline.py``: missing is null or NaN for
floating columns (polars orders NaN above +inf, so a NaN would otherwise fail ``between``).

Inputs: ``pandas`` (``pl.from_pandas``, timed: polars must convert the object strings), ``arrow``
(``pl.from_arrow``, zero-copy), ``parquet`` (``pl.scan_parquet``) and ``csv`` (``pl.scan_csv``
with the full ``schema`` given, so nothing is inferred). Threads: ``POLARS_MAX_THREADS=2``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import _anchors
import _validate

os.environ["POLARS_MAX_THREADS"] = str(_anchors.THREADS)  # read when polars is imported

import polars as pl  # after the thread count is set


def missing(column: str, dtype: Any) -> pl.Expr:
    """Null, or NaN in a floating column: what pandas' ``isna`` counts."""
    c = pl.col(column)
    return (c.is_null() | c.is_nan()) if dtype.is_float() else c.is_null()


def outside(expr: pl.Expr, e: dict[str, Any]) -> pl.Expr:
    """Beyond the bounds of a ``between``-like check."""
    parts = []
    if e.get("min_value") is not None:
        low = e["min_value"]
        parts.append(expr <= low if e.get("strict_min") else expr < low)
    if e.get("max_value") is not None:
        high = e["max_value"]
        parts.append(expr >= high if e.get("strict_max") else expr > high)
    return pl.any_horizontal(parts)


def expressions(entries: list[dict[str, Any]], schema: pl.Schema) -> list[pl.Expr]:
    """One aggregate per check and count: ``m{i}`` missing, ``u{i}`` unexpected, ``v{i}``
    aggregate; ``n_rows`` the rows."""
    out = [pl.len().alias("n_rows")]
    for i, e in enumerate(entries):
        kind, column = e["type"], e.get("column")
        if not column or kind == "column_type":
            continue
        c, gone = pl.col(column), missing(column, schema[column])
        present = c.filter(~gone)
        if kind in _anchors.ROW_CHECKS:
            out.append(gone.sum().alias(f"m{i}"))
        if kind == "not_null":
            out.append(gone.sum().alias(f"u{i}"))
        elif kind == "between":
            out.append((~gone & outside(c, e)).sum().alias(f"u{i}"))
        elif kind == "in_set":
            allowed = pl.Series(e["value_set"], dtype=schema[column])
            out.append((~gone & ~c.is_in(pl.lit(allowed).implode())).sum().alias(f"u{i}"))
        elif kind == "matches_regex":
            out.append((~gone & ~c.str.contains(e["regex"])).sum().alias(f"u{i}"))
        elif kind == "value_length_between":
            out.append((~gone & outside(c.str.len_chars(), e)).sum().alias(f"u{i}"))
        elif kind == "unique":
            out.append(present.is_duplicated().sum().alias(f"u{i}"))
        elif kind == "increasing":
            previous = present.shift(1)
            broken = present <= previous if e.get("strictly") else present < previous
            out.append(broken.sum().alias(f"u{i}"))
        elif kind == "mean_between":
            out.append(present.mean().alias(f"v{i}"))
        elif kind == "stdev_between":
            out.append(present.std(ddof=1).alias(f"v{i}"))
    return out


def frame(args: Any, data: Any, schema: pl.Schema) -> pl.LazyFrame:
    """The lazy frame of the input (inside the timed call: reading or converting is polars'
    work)."""
    if args.input == "parquet":
        return pl.scan_parquet(data)
    if args.input == "csv":
        return pl.scan_csv(data, schema=schema, has_header=True)
    if args.input == "arrow":
        return pl.from_arrow(data).lazy()  # type: ignore[union-attr]
    return pl.from_pandas(data).lazy()


def main() -> None:
    args = _validate.parse_args(__doc__.splitlines()[0], _anchors.INPUTS)
    entries = _validate.entries(_validate.load_document(args.suite))
    data = _anchors.load(args)
    arrow_schema = _anchors.arrow_schema(args)
    schema = pl.from_arrow(arrow_schema.empty_table()).schema  # type: ignore[union-attr]
    query = expressions(entries, schema)

    def run() -> tuple[dict[str, Any], pl.Schema]:
        lazy = frame(args, data, schema)
        values = lazy.select(query).collect().row(0, named=True)
        return values, lazy.collect_schema()

    def checks(outcome: tuple[dict[str, Any], pl.Schema]) -> list[dict[str, Any]]:
        values, resolved = outcome
        rows = int(values["n_rows"])
        out = []
        for i, e in enumerate(entries):
            counts = {"missing": values.get(f"m{i}"), "unexpected": values.get(f"u{i}"),
                      "value": values.get(f"v{i}")}  # fmt: skip
            type_ok = None
            if e["type"] == "column_type":
                arrow_type = pl.Series([], dtype=resolved[e["column"]]).to_arrow().type
                type_ok = _anchors.type_matches(e["logical_type"], arrow_type)
            out.append(_anchors.verdict(e, rows, counts, type_ok))
        return out

    shown = _anchors.describe_path(data) if isinstance(data, Path) else args.input
    _validate.measure_and_write(
        args,
        run=run,
        checks=checks,
        rows=_anchors.row_count(args),
        fields={
            "tool": "polars",
            "version": pl.__version__,
            "threads": pl.thread_pool_size(),
            "settings": f"one lazy select of an aggregate per check, collected once, "
            f"POLARS_MAX_THREADS={pl.thread_pool_size()}; input: "
            f"{_anchors.DESCRIBED[args.input]} ({shown})",
        },
    )


if __name__ == "__main__":
    main()
