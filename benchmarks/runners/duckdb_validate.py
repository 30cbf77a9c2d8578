"""DuckDB's side of the validation benchmark: the 16-check suite as ONE SQL query.

    python benchmarks/runners/duckdb_validate.py --data DIR --suite SUITE --repeat R --out F
        [--input pandas|arrow|parquet|csv]

The query is what a DuckDB expert would write for the suite: one aggregate over the data with a
``count(*) FILTER (WHERE ...)`` per row check, the value sets as joins against a ``VALUES`` table
of the set (not a literal ``IN`` list), ``regexp_matches`` (RE2, search semantics: the suite's
patterns carry their own ``^``/``$`` anchors, and RE2's ``$`` is the end of the text, like Rust's),
``length`` in characters; uniqueness as the baseline defines it (every row whose value appears more
than once) by a ``GROUP BY ... HAVING count(*) > 1``; ``increasing`` by ``lag`` in the data's row
order (a streaming window, so it runs in its own scalar subquery and keeps the main aggregate
parallel); the mean of the present values (``avg``), the sample standard deviation
(``stddev_samp``, pandas' ``std(ddof=1)``). Semantics matched to ``benchmarks/baseline.py``:
missing is NULL or NaN for floating columns (DuckDB sorts NaN above +inf, so a NaN would
otherwise fail ``between``; +inf is a present value beyond the bounds, as in pandas).

Inputs: ``pandas`` (the frame DuckDB scans in place; its object strings are read through Python),
``arrow`` (a ``pyarrow.Table``, scanned zero-copy), ``parquet`` (``read_parquet(path)``) and
``csv`` (``read_csv(path, columns={...})`` with every column's type given, so nothing is sniffed).
Threads: ``SET threads = 2`` (the machine's cores).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import _anchors
import _validate
import duckdb

FLOATS = ("DOUBLE", "FLOAT", "REAL")


def quote(name: str) -> str:
    """An SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: Any) -> str:
    """An SQL literal of a number or a string."""
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def source(args: argparse.Namespace, data: Any, types: dict[str, str]) -> str:
    """The FROM item the query reads: the registered frame or table, or a file reader."""
    if isinstance(data, Path) and args.input == "parquet":
        return f"read_parquet({literal(str(data))})"
    if isinstance(data, Path):
        declared = ", ".join(f"{literal(c)}: {literal(t)}" for c, t in types.items())
        return (
            f"read_csv({literal(str(data))}, header = true, delim = ',', quote = '\"', "
            f"escape = '\"', auto_detect = false, allow_quoted_nulls = false, "
            f"columns = {{{declared}}})"
        )
    return "data"


class Query:
    """The suite's SQL, built from the suite entries and the data's column types."""

    def __init__(self, entries: list[dict[str, Any]], types: dict[str, str], src: str) -> None:
        self.entries, self.types, self.src = entries, types, src
        self.outputs: list[str] = ["count(*) AS n_rows"]
        self.joins: list[str] = []
        self.scalars: list[str] = []

    def missing(self, column: str) -> str:
        """NULL, or NaN in a floating column: what pandas' ``isna`` counts."""
        c = f"t.{quote(column)}"
        if self.types[column].upper() in FLOATS:
            return f"({c} IS NULL OR isnan({c}))"
        return f"({c} IS NULL)"

    def outside(self, expr: str, e: dict[str, Any]) -> str:
        """Beyond the bounds of a ``between``-like check."""
        parts = []
        if e.get("min_value") is not None:
            op = "<=" if e.get("strict_min") else "<"
            parts.append(f"{expr} {op} {literal(e['min_value'])}")
        if e.get("max_value") is not None:
            op = ">=" if e.get("strict_max") else ">"
            parts.append(f"{expr} {op} {literal(e['max_value'])}")
        return "(" + " OR ".join(parts) + ")"

    def count(self, name: str, condition: str) -> None:
        self.outputs.append(f"count(*) FILTER (WHERE {condition}) AS {name}")

    def add(self, i: int, e: dict[str, Any]) -> None:
        """The output columns of suite entry ``i``: ``m{i}`` (missing), ``u{i}`` (unexpected) or
        ``v{i}`` (an aggregate)."""
        kind, column = e["type"], str(e.get("column") or "")
        c = f"t.{quote(column)}" if column else ""
        if kind in _anchors.ROW_CHECKS and kind not in ("unique", "increasing"):
            self.count(f"m{i}", self.missing(column))
        present = f"NOT {self.missing(column)}" if column else ""
        if kind == "not_null":
            self.count(f"u{i}", self.missing(column))
        elif kind == "between":
            self.count(f"u{i}", f"{present} AND {self.outside(c, e)}")
        elif kind == "in_set":
            values = ", ".join(f"({literal(v)})" for v in e["value_set"])
            self.joins.append(f"LEFT JOIN (VALUES {values}) AS s{i}(v) ON {c} = s{i}.v")
            self.count(f"u{i}", f"{present} AND s{i}.v IS NULL")
        elif kind == "matches_regex":
            self.count(f"u{i}", f"{present} AND NOT regexp_matches({c}, {literal(e['regex'])})")
        elif kind == "value_length_between":
            self.count(f"u{i}", f"{present} AND {self.outside(f'length({c})', e)}")
        elif kind == "unique":
            q = quote(column)
            self.scalars.append(
                f"(SELECT count(*) FILTER (WHERE {q} IS NULL) AS m{i}, coalesce(sum(n) FILTER "
                f"(WHERE {q} IS NOT NULL AND n > 1), 0) AS u{i} FROM (SELECT {q}, count(*) AS n "
                f"FROM {self.src} GROUP BY {q}))"
            )
        elif kind == "increasing":
            q, op = quote(column), "<=" if e.get("strictly") else "<"
            self.scalars.append(
                f"(SELECT count(*) FILTER (WHERE {q} IS NULL) AS m{i} FROM {self.src}), "
                f"(SELECT count(*) FILTER (WHERE {q} {op} previous) AS u{i} FROM (SELECT {q}, "
                f"lag({q}) OVER () AS previous FROM {self.src} WHERE {q} IS NOT NULL))"
            )
        elif kind == "mean_between":
            self.outputs.append(f"avg({c}) FILTER (WHERE {present}) AS v{i}")
        elif kind == "stdev_between":
            self.outputs.append(f"stddev_samp({c}) FILTER (WHERE {present}) AS v{i}")

    def sql(self) -> str:
        for i, e in enumerate(self.entries):
            self.add(i, e)
        main = f"(SELECT {', '.join(self.outputs)} FROM {self.src} AS t {' '.join(self.joins)})"
        return "SELECT * FROM " + ", ".join([main, *self.scalars])


def main() -> None:
    args = _validate.parse_args(__doc__.splitlines()[0], _anchors.INPUTS)
    entries = _validate.entries(_validate.load_document(args.suite))
    data = _anchors.load(args)
    con = duckdb.connect()
    con.execute(f"SET threads = {_anchors.THREADS}")
    schema = _anchors.arrow_schema(args)
    resolved = map(str, con.from_arrow(schema.empty_table()).types)
    types = dict(zip(schema.names, resolved, strict=True))
    if not isinstance(data, Path):
        con.register("data", data)
    src = source(args, data, types)
    query = Query(entries, types, src).sql()
    typed = [e for e in entries if e["type"] == "column_type"]

    def run() -> tuple[dict[str, Any], dict[str, Any]]:
        cursor = con.execute(query)
        names = [d[0] for d in cursor.description or ()]
        (row,) = cursor.fetchall()  # one row; fetched whole, so the result is complete
        values = dict(zip(names, row, strict=True))
        if not typed:
            return values, {}
        # column_type reads the schema as DuckDB resolves it (LIMIT 0: no data is read).
        typed_columns = ", ".join(quote(e["column"]) for e in typed)
        schema = con.sql(f"SELECT {typed_columns} FROM {src} LIMIT 0").to_arrow_table().schema
        return values, dict(zip(schema.names, schema.types, strict=True))

    def checks(outcome: tuple[dict[str, Any], dict[str, Any]]) -> list[dict[str, Any]]:
        values, arrow_types = outcome
        rows = int(values["n_rows"])
        out = []
        for i, e in enumerate(entries):
            counts = {"missing": values.get(f"m{i}"), "unexpected": values.get(f"u{i}"),
                      "value": values.get(f"v{i}")}  # fmt: skip
            type_ok = None
            if e["type"] == "column_type":
                type_ok = _anchors.type_matches(e["logical_type"], arrow_types[e["column"]])
            out.append(_anchors.verdict(e, rows, counts, type_ok))
        return out

    shown = _anchors.describe_path(data) if isinstance(data, Path) else args.input
    _validate.measure_and_write(
        args,
        run=run,
        checks=checks,
        rows=_anchors.row_count(args),
        fields={
            "tool": "duckdb",
            "version": duckdb.__version__,
            "threads": _anchors.THREADS,
            "settings": f"one SQL query (count(*) FILTER per check, value sets joined), SET "
            f"threads = {_anchors.THREADS}; input: {_anchors.DESCRIBED[args.input]} ({shown})",
            "query": query,
        },
    )


if __name__ == "__main__":
    main()
