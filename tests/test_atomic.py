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


def test_a_fifo_is_written_in_place_never_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so that opening for writing succeeds
    try:
        assert write_atomic(fifo, "through the pipe") == fifo
        assert os.read(reader, 100) == b"through the pipe"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_dev_null_is_written_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_rename(*args: object) -> None:
        raise AssertionError("renamed over a device")

    monkeypatch.setattr(os, "replace", no_rename)
    monkeypatch.setattr(os, "rename", no_rename)
    monkeypatch.setattr("tempfile.mkstemp", no_rename)
    assert write_atomic("/dev/null", "discarded") == Path("/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_read_only_file_is_refused_even_for_root(tmp_path: Path) -> None:
    # As root os.access says yes; a file without any write bit is still refused, as a non-root
    # user's ordinary write would be.
    path = tmp_path / "frozen.txt"
    path.write_text("keep me")
    os.chmod(path, 0o444)
    with pytest.raises(PermissionError, match=r"frozen\.txt") as caught:
        write_atomic(path, "new")
    assert caught.value.filename == str(path)
    assert path.read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["frozen.txt"]


def test_a_symlink_is_written_through_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write_atomic(link, "new")
    assert link.is_symlink()
    assert target.read_text() == "new"
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "created.txt")
    write_atomic(dangling, "made")
    assert dangling.is_symlink()
    assert (tmp_path / "created.txt").read_text() == "made"


def test_errors_name_the_path_given_not_the_temporary_file(tmp_path: Path) -> None:
    folder = tmp_path / "missing"
    with pytest.raises(FileNotFoundError) as caught:
        write_atomic(folder / "out.json", "x")
    assert caught.value.filename == str(folder / "out.json")
    assert ".tmp" not in str(caught.value)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError) as caught:
        write_atomic(tmp_path, "x")
    assert caught.value.filename == str(tmp_path)
