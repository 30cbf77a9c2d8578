"""Opening a history: created when absent, versioned, and refused with the file named when it is
not a history this dataguard can use."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

import dataguard as dg
from dataguard.history import SCHEMA_VERSION, History, append_run


def test_the_database_and_its_folder_are_created(
    tmp_path: Path, validation: Callable[[int], dg.ValidationResult]
) -> None:
    path = tmp_path / "new" / "folder" / "runs.db"
    append_run(path, validation(3), dataset="orders")
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"runs", "expectation_results", "drift_columns"}


def test_a_newer_format_is_refused_naming_the_file(
    tmp_path: Path, validation: Callable[[int], dg.ValidationResult]
) -> None:
    path = tmp_path / "runs.db"
    append_run(path, validation(3))
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(dg.HistoryError, match=r"runs\.db: history schema version 2 is newer"):
        History(path)
    with pytest.raises(dg.HistoryError, match="upgrade dataguard"):
        append_run(path, validation(4))
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone() == (1,)


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(
    tmp_path: Path, validation: Callable[[int], dg.ValidationResult]
) -> None:
    path = tmp_path / "notes.txt"
    text = "these are notes, not a database\n" * 10
    path.write_text(text)
    with pytest.raises(dg.HistoryError, match=r"notes\.txt: not a SQLite database"):
        append_run(path, validation(3))
    with pytest.raises(dg.HistoryError, match=r"notes\.txt: not a SQLite database"):
        History(path)
    assert path.read_text() == text


def test_another_applications_database_is_refused(
    tmp_path: Path, validation: Callable[[int], dg.ValidationResult]
) -> None:
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE users (name TEXT)")
    with pytest.raises(dg.HistoryError, match=r"app\.db: not a dataguard history"):
        append_run(path, validation(3))
    with pytest.raises(dg.HistoryError, match=r"app\.db: not a dataguard history"):
        History(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT name FROM sqlite_master").fetchall() == [("users",)]


def test_reading_a_missing_history_names_it_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "absent.db"
    with pytest.raises(dg.HistoryError, match=r"absent\.db: no history database there"):
        History(path)
    assert not path.exists()


def test_reading_leaves_the_file_unchanged_and_never_blocks_a_writer(
    tmp_path: Path, validation: Callable[[int], dg.ValidationResult]
) -> None:
    path = tmp_path / "runs.db"
    append_run(path, validation(3))
    before = path.read_bytes()
    with History(path) as history:
        assert len(history.runs()) == 1
        assert path.read_bytes() == before
        append_run(path, validation(4))  # while the reader is open
        assert len(history.runs()) == 2


def test_an_empty_file_becomes_a_history_when_written_not_when_read(
    tmp_path: Path, validation: Callable[[int], dg.ValidationResult]
) -> None:
    path = tmp_path / "runs.db"
    path.touch()
    with pytest.raises(dg.HistoryError, match=r"runs\.db: not a dataguard history"):
        History(path)
    assert path.read_bytes() == b""
    append_run(path, validation(3))
    with History(path) as history:
        assert len(history.runs()) == 1
