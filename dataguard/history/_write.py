"""Appending a run to a history: one transaction per run, so a run is stored whole or not at all.

A run's id is a hash of its dataset's name and its JSON document: the same result appended twice
to one dataset is stored once, and any two runs differ at least in their start time, so they get
different ids.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from dataguard.errors import HistoryError
from dataguard.history._rows import RunRows, drift_rows, validation_rows
from dataguard.history._store import open_for_writing
from dataguard.result import ValidationResult

if TYPE_CHECKING:
    from dataguard.drift import DriftReport, GroupedDriftReport

#: The dataset name ``append_run`` records when given none.
DEFAULT_DATASET = "data"


def dataset_name(data: Any) -> str:
    """The dataset a run is recorded under by default: the file's name when ``data`` is a path
    (``orders.parquet``), else the kind of data, as results name it (``pandas.DataFrame``)."""
    if isinstance(data, (str, os.PathLike)):
        return PurePath(os.fspath(data)).name or os.fspath(data)
    kind = type(data)
    return f"{kind.__module__.partition('.')[0]}.{kind.__qualname__}"


def described_dataset(description: str) -> str:
    """The dataset a validation is recorded under by default, from how its result describes
    the data read: the file's name (``orders.parquet``), else the kind (``pandas.DataFrame``)."""
    return PurePath(description).name or description


#: The columns of each child table that ``RunRows`` fills, after ``run``.
EXPECTATION_COLUMNS = (
    "position",
    "expectation_key",
    "expectation_type",
    "label",
    "columns",
    "group_key",
    "passed",
    "severity",
    "reason",
    "observed",
    "observed_json",
    "element_count",
    "missing_count",
    "unexpected_count",
    "unexpected_percent",
)
DRIFT_COLUMNS = (
    "position",
    '"column"',
    "group_key",
    "kind",
    "test",
    "statistic",
    "p_value",
    "p_value_adjusted",
    "effect",
    "threshold",
    "drifted",
)


def _insert_sql(table: str, columns: Sequence[str], *, verb: str = "INSERT") -> str:
    marks = ", ".join("?" for _ in columns)
    return f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def _insert(connection: sqlite3.Connection, run_id: str, rows: RunRows, document: str) -> bool:
    """Insert one run in the open transaction; False when a run with that id is stored already."""
    fields = {"run_id": run_id, **rows.run, "document": document}
    cursor = connection.execute(
        _insert_sql("runs", list(fields), verb="INSERT OR IGNORE"), tuple(fields.values())
    )
    if not cursor.rowcount:
        return False
    run = cursor.lastrowid
    connection.executemany(
        _insert_sql("expectation_results", ["run", *EXPECTATION_COLUMNS]),
        [(run, *row) for row in rows.expectations],
    )
    connection.executemany(
        _insert_sql("drift_columns", ["run", *DRIFT_COLUMNS]),
        [(run, *row) for row in rows.drift_columns],
    )
    return True


def append_run(
    path: str | os.PathLike[str],
    result: ValidationResult | DriftReport | GroupedDriftReport,
    *,
    dataset: str | None = None,
) -> str:
    """Append ``result`` (a validation or a drift run) to the history at ``path`` under
    ``dataset``, creating the database when absent, and return the run's id.

    Without ``dataset``, a validation is recorded under the name of the data it read (the file
    name for a file, see ``dataset_name``), a drift run under ``DEFAULT_DATASET``.

    The run is written in one transaction that waits for other writers' locks: a process
    killed mid-write leaves every earlier run intact and none of this one. HistoryError names the
    file when it cannot be written.
    """
    doc = result.to_dict()
    document = json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    if isinstance(result, ValidationResult):
        columns = [r.expectation.columns for r in result.results]
        name = dataset or described_dataset(result.run.data.source)
        rows = validation_rows(doc, columns, name)
    else:
        name = dataset or DEFAULT_DATASET
        rows = drift_rows(doc, name)
    # The name ends at the first NUL, which JSON text never holds.
    run_id = hashlib.sha256(f"{name}\0{document}".encode()).hexdigest()[:32]
    connection = open_for_writing(path)
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            _insert(connection, run_id, rows, document)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        raise HistoryError(f"{os.fspath(path)}: cannot append the run: {exc}") from None
    finally:
        connection.close()
    return run_id
