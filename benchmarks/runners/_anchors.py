"""What the DuckDB, polars and physical-floor runners share: their thread count, their inputs,
the suite's columns, and turning counts into the protocol's verdicts exactly as
``benchmarks/baseline.py`` does.

The engines answer with counts (one query, one lazy ``select``); the verdict of a row check is
then the baseline's arithmetic on them: ``mostly`` over present rows only, aggregates within their
bounds (a NaN aggregate fails), the row count within its bounds, the column's logical type read
from the schema. Runs in the ``anchors`` virtual environment (the base set plus DuckDB and polars).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import _validate

#: Threads every anchor runs with: one per core of the benchmark machine (2), as dataguard's
#: default workers. polars reads ``POLARS_MAX_THREADS`` when it is imported, so the runners set it
#: before importing polars; DuckDB is told with ``SET threads``.
THREADS = 2
#: The inputs of the anchors' validation runners.
INPUTS = ("pandas", "arrow", "parquet", "csv")
DESCRIBED = {
    "pandas": "a pandas DataFrame from pd.read_parquet (object strings); converting it is timed",
    "arrow": "a pyarrow.Table from pq.read_table",
    "parquet": "the Parquet file's path (reading is timed)",
    "csv": "the CSV file's path, every column's type given (reading and parsing are timed)",
}
#: The suite's row checks: the ones with a present/missing split and an unexpected count.
ROW_CHECKS = frozenset(
    {"not_null", "between", "in_set", "matches_regex", "unique", "value_length_between",
     "increasing"}
)  # fmt: skip
#: Logical types of ``column_type`` and the Arrow type predicates that satisfy them (schemas are
#: compared as Arrow types, whatever the engine's own names).
LOGICAL_TYPES = {
    "integer": ("is_integer",),
    "float": ("is_floating",),
    "numeric": ("is_integer", "is_floating", "is_decimal"),
    "string": ("is_string", "is_large_string", "is_string_view"),
    "boolean": ("is_boolean",),
    "datetime": ("is_timestamp",),
}


def columns(entries: list[dict[str, Any]]) -> list[str]:
    """Every column the suite reads, in first-seen order."""
    return list(dict.fromkeys(e["column"] for e in entries if e.get("column")))


def load(args: Any) -> Any:
    """The data in the form ``--input`` asks for, prepared outside the timed region: a pandas
    frame, an Arrow table, or a file's path."""
    if args.input == "csv":
        return _validate.data_file(args, _validate.CURRENT_CSV)
    path = _validate.data_file(args)
    if args.input == "parquet":
        return path
    if args.input == "arrow":
        import pyarrow.parquet as pq

        return pq.read_table(path)
    return _validate.read_frame(args)


def arrow_schema(args: Any) -> Any:
    """The data's Arrow schema (the Parquet file's): the CSV input's declared column types."""
    import pyarrow.parquet as pq

    return pq.read_schema(_validate.data_file(args))


def row_count(args: Any) -> int:
    """Rows of the data, from the Parquet footer."""
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(_validate.data_file(args)).metadata.num_rows)


def type_matches(logical: str, arrow_type: Any) -> bool:
    """Whether an Arrow type is of the suite's logical type (``column_type``)."""
    import pyarrow.types as pt

    return any(getattr(pt, test)(arrow_type) for test in LOGICAL_TYPES[logical])


def _within(entry: dict[str, Any], value: float) -> bool:
    low, high = entry.get("min_value"), entry.get("max_value")
    ok = True
    if low is not None:
        ok = ok and (value > low if entry.get("strict_min") else value >= low)
    if high is not None:
        ok = ok and (value < high if entry.get("strict_max") else value <= high)
    return ok


def verdict(
    entry: dict[str, Any], rows: int, counts: dict[str, Any], type_ok: bool | None = None
) -> dict[str, Any]:
    """One check's answer from the engine's numbers: ``counts`` has ``missing`` and
    ``unexpected`` for row checks, ``value`` for aggregates."""
    kind = entry["type"]
    if kind in ROW_CHECKS:
        missing = 0 if kind == "not_null" else int(counts["missing"])
        unexpected = int(counts["unexpected"])
        present = rows - missing
        mostly = float(entry.get("mostly", 1.0))
        passed = present == 0 or (present - unexpected) / present >= mostly
        return _validate.answer(entry, passed, unexpected) | {"missing_count": missing}
    if kind in ("mean_between", "stdev_between"):
        value = counts["value"]
        observed = math.nan if value is None else float(value)
        passed = not math.isnan(observed) and _within(entry, observed)
        return _validate.answer(entry, passed, None) | {"observed": observed}
    if kind == "row_count_between":
        return _validate.answer(entry, _within(entry, rows), None) | {"observed": rows}
    if kind == "column_type":
        return _validate.answer(entry, bool(type_ok), None)
    raise SystemExit(f"the anchors have no version of the {kind!r} check")


def describe_path(path: Path) -> str:
    """A file's name and size, for the settings line."""
    return f"{path.name} ({path.stat().st_size / 1e6:,.0f} MB)"


# --- profiling -----------------------------------------------------------------------------------

#: The profiling runners' inputs: the reference as an Arrow table in memory, or the file's path.
PROFILE_INPUTS = ("arrow", "parquet")


def epoch_microseconds(text: str) -> int:
    """A printed timestamp (``2024-01-01 00:00:00.921276259``, UTC, any number of fractional
    digits) as whole microseconds since the epoch, rounded down like dataguard's profile."""
    import datetime as dt

    whole, _, fraction = text.strip().partition(".")
    seconds = dt.datetime.fromisoformat(whole).replace(tzinfo=dt.timezone.utc).timestamp()
    nanos = int((fraction + "000000000")[:9])
    return int(seconds) * 1_000_000 + nanos // 1000


def epoch_microseconds_float(text: str) -> float:
    """A printed timestamp as (fractional) microseconds since the epoch, for means."""
    whole, _, fraction = text.strip().partition(".")
    return epoch_microseconds(whole) + int((fraction + "000000000")[:9]) / 1000


def profile_payload(
    args: Any, tool: str, version: str, rows: int, settings: dict[str, Any]
) -> dict[str, Any]:
    """The profiling runners' shared fields."""
    return {
        "tool": tool,
        "version": version,
        "job": "profile",
        "rows": rows,
        "input": args.input,
        "threads": THREADS,
        "settings": settings,
    }
