"""Atomic writes: whole files only, with the permissions an ordinary write would give."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dataguard._atomic import _umask, write_atomic


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_files_follow_the_umask(tmp_path: Path) -> None:
    path = write_atomic(tmp_path / "new.txt", "hello")
    assert path.read_text() == "hello"
    assert mode(path) == 0o666 & ~_umask()
    assert [p.name for p in tmp_path.iterdir()] == ["new.txt"]


def test_replaced_files_keep_their_permissions(tmp_path: Path) -> None:
    path = tmp_path / "kept.txt"
    path.write_text("old")
    os.chmod(path, 0o640)
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert mode(path) == 0o640


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_text("old")
    with pytest.raises(TypeError):
        write_atomic(path, 42)  # type: ignore[arg-type]
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["old.txt"]
