"""The history database file: its schema, its version, and opening it to write or to read.

The schema is versioned in ``PRAGMA user_version`` and the file is marked as a dataguard history
in ``PRAGMA application_id``. A file whose version is newer than ``SCHEMA_VERSION`` is refused
(its tables may mean something this dataguard does not know); an older one would be migrated
here. The database runs in WAL mode, so readers never block the one writer, and every connection
waits ``BUSY_SECONDS`` for a lock instead of failing, so several processes can append at once.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from dataguard._storage import is_remote
from dataguard.errors import HistoryError

#: Version of the schema below; ``docs/history.md`` describes it.
SCHEMA_VERSION = 1
#: ``PRAGMA application_id`` of a dataguard history: "dgHs" in ASCII.
APPLICATION_ID = 0x64674873
#: How long a connection waits for another writer's lock before giving up (appending a run
#: holds the lock for milliseconds; a long wait means a stuck writer).
BUSY_SECONDS = 60.0

TABLES = ("runs", "expectation_results", "drift_columns")

#: One statement each: ``executescript`` would commit the transaction they run in.
SCHEMA = (
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('validation', 'drift')),
        dataset TEXT NOT NULL,
        started_at TEXT NOT NULL,
        duration_seconds REAL,
        suite_fingerprint TEXT,
        data_fingerprint TEXT,
        passed INTEGER NOT NULL,
        verdict TEXT NOT NULL,
        row_count INTEGER,
        evaluated INTEGER,
        failed INTEGER,
        success_percent REAL,
        drift_share REAL,
        dataguard_version TEXT NOT NULL,
        document TEXT NOT NULL
    )""",
    "CREATE INDEX runs_by_dataset ON runs (dataset, started_at)",
    """CREATE TABLE expectation_results (
        run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        expectation_key TEXT NOT NULL,
        expectation_type TEXT NOT NULL,
        label TEXT NOT NULL,
        columns TEXT NOT NULL,
        group_key TEXT,
        passed INTEGER NOT NULL,
        severity TEXT NOT NULL,
        reason TEXT NOT NULL,
        observed REAL,
        observed_json TEXT,
        element_count INTEGER,
        missing_count INTEGER,
        unexpected_count INTEGER,
        unexpected_percent REAL,
        PRIMARY KEY (run, position)
    )""",
    "CREATE INDEX expectation_results_by_key ON expectation_results (expectation_key)",
    "CREATE INDEX expectation_results_by_label ON expectation_results (label)",
    """CREATE TABLE drift_columns (
        run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        "column" TEXT NOT NULL,
        group_key TEXT,
        kind TEXT NOT NULL,
        test TEXT NOT NULL,
        statistic REAL,
        p_value REAL,
        p_value_adjusted REAL,
        effect REAL,
        threshold REAL,
        drifted INTEGER NOT NULL,
        PRIMARY KEY (run, position)
    )""",
    'CREATE INDEX drift_columns_by_column ON drift_columns ("column")',
)


def _connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
    # isolation_level=None: transactions are begun and ended explicitly (BEGIN IMMEDIATE).
    connection = sqlite3.connect(target, timeout=BUSY_SECONDS, isolation_level=None, uri=uri)
    connection.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
    return connection


def _check_header(connection: sqlite3.Connection, shown: str, *, empty_ok: bool) -> int:
    """The schema version after checking the file is a history this dataguard can use
    (version 0: a new, empty file, allowed only when ``empty_ok``)."""
    # One statement reads all three from one snapshot, even while another writer creates the
    # tables (reading the header fails on a file that is not SQLite).
    application, version, tables = connection.execute(
        "SELECT (SELECT application_id FROM pragma_application_id()), "
        "(SELECT user_version FROM pragma_user_version()), "
        "(SELECT count(*) FROM sqlite_master)"
    ).fetchone()
    if application not in (0, APPLICATION_ID):
        raise HistoryError(f"{shown}: not a dataguard history (another application's database)")
    if version > SCHEMA_VERSION:
        raise HistoryError(
            f"{shown}: history schema version {version} is newer than this dataguard reads "
            f"({SCHEMA_VERSION}); upgrade dataguard"
        )
    if (application == 0 or version == 0) and (tables or not empty_ok):
        raise HistoryError(f"{shown}: not a dataguard history (no history tables)")
    return int(version)


def _create(connection: sqlite3.Connection, shown: str) -> None:
    """Create the tables in an empty file, once even when several writers race to do it."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Another writer may have created them between our check and our lock.
        if _check_header(connection, shown, empty_ok=True) == 0:
            for statement in SCHEMA:
                connection.execute(statement)
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _use_wal(connection: sqlite3.Connection) -> None:
    """Put the file in WAL mode, which is persistent: only the first writers of a new file
    switch it.

    Switching needs the file to itself, and SQLite answers "locked" at once, without waiting,
    when two connections try it together (waiting could deadlock them), so the switch is retried
    here for up to ``BUSY_SECONDS``.
    """
    deadline = time.monotonic() + BUSY_SECONDS
    while connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            connection.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def _prepare_for_writing(connection: sqlite3.Connection, shown: str) -> None:
    if _check_header(connection, shown, empty_ok=True) == 0:
        _create(connection, shown)
    _use_wal(connection)
    # NORMAL sync in WAL mode loses no committed run when a process dies (only a power cut can
    # lose the last ones), at a fraction of FULL's cost.
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")


def _prepared(
    connection: sqlite3.Connection, shown: str, prepare: Callable[[sqlite3.Connection, str], object]
) -> sqlite3.Connection:
    """``connection`` once ``prepare`` checked (and set up) the file; closed, and HistoryError
    naming the file, when it fails."""
    try:
        prepare(connection, shown)
    except sqlite3.Error as exc:
        connection.close()
        # A lock held too long or an unreadable file is an OperationalError; a plain
        # DatabaseError is SQLite finding no database in the file.
        problem = (
            "cannot open the history"
            if isinstance(exc, sqlite3.OperationalError)
            else "not a SQLite database"
        )
        raise HistoryError(f"{shown}: {problem} ({exc})") from None
    except BaseException:
        connection.close()
        raise
    return connection


def _refuse_object_store(path: str | os.PathLike[str]) -> None:
    """HistoryError for a history named by an object-store URI: SQLite needs a file it can lock
    and update in place, which an object store does not offer."""
    if is_remote(path):
        raise HistoryError(
            f"{os.fspath(path)}: a run history is a SQLite file and cannot be in an object "
            "store; give a local path"
        )


def open_for_writing(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """A connection that appends to the history at ``path``, creating the file and its folder
    when absent; HistoryError naming the file when it is not a history this dataguard writes."""
    _refuse_object_store(path)
    location = Path(path)
    shown = os.fspath(path)
    try:
        location.parent.mkdir(parents=True, exist_ok=True)
        connection = _connect(shown)
    except (OSError, sqlite3.Error) as exc:
        raise HistoryError(f"{shown}: cannot open the history: {exc}") from None
    return _prepared(connection, shown, _prepare_for_writing)


def open_for_reading(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """A read-only connection to the history at ``path``; HistoryError naming the file when it is
    absent or not a history this dataguard reads."""
    _refuse_object_store(path)
    location = Path(path)
    shown = os.fspath(path)
    if not location.is_file():
        raise HistoryError(f"{shown}: no history database there")
    try:
        connection = _connect(f"{location.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise HistoryError(f"{shown}: cannot open the history: {exc}") from None
    return _prepared(connection, shown, lambda db, name: _check_header(db, name, empty_ok=False))
