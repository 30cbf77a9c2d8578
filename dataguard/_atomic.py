"""Atomic file writes: readers see the old file or the new one, never a half-written one."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path


def _umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    # Elsewhere the only way is to set it and set it back (briefly process-wide).
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def is_system_path(location: str) -> bool:
    """Whether ``location`` lies under ``/dev`` or ``/proc``: a device or a link to a process's
    descriptor (``/dev/stdout``, ``/dev/fd/3``), never a file to replace or to protect."""
    return os.path.abspath(location).startswith(("/dev/", "/proc/"))


def _in_place(location: str) -> bool:
    """Whether ``location`` must be written where it is, never replaced: a device, a FIFO or a
    socket (replacing ``/dev/null`` with a file breaks it for every process), or a system path
    (``/dev/stdout``: a link to a descriptor, not a file)."""
    if is_system_path(location):
        return True
    try:
        return not stat.S_ISREG(os.stat(location).st_mode)
    except FileNotFoundError:
        return False


def _check_writable(location: str, shown: str) -> int | None:
    """The mode of the existing file at ``location``, None if there is none; PermissionError
    if its owner could not write it with an ordinary write.

    As root ``os.access`` always says yes, so a file without any write bit is refused too: it
    was made read-only on purpose, and replacing it by rename would ignore that.
    """
    try:
        mode = stat.S_IMODE(os.stat(location).st_mode)
    except FileNotFoundError:
        return None
    if not os.access(location, os.W_OK) or not mode & 0o222:
        raise PermissionError(errno.EACCES, "file is read-only, not overwritten", shown)
    return mode


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``.

    The file gets the permissions an ordinary write would give it: those of the file it
    replaces, else 0666 less the umask (the temporary file starts private, at 0600). A
    read-only file is refused; a symbolic link is written through (its target is replaced, the
    link stays); a device, FIFO or socket, and paths under ``/dev`` and ``/proc``, are written
    in place, never replaced. Errors name ``path``, not the temporary file.
    """
    given = Path(path)
    shown = os.fspath(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if os.path.isdir(shown):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), shown)
        if _in_place(shown):
            with open(shown, "wb") as handle:
                handle.write(payload)
            return given
        _replace(Path(os.path.realpath(shown)), payload, shown)
    except OSError as exc:
        if exc.filename == shown and exc.filename2 is None:
            raise
        raise type(exc)(exc.errno, exc.strerror, shown) from None
    return given


def _replace(target: Path, payload: bytes, shown: str) -> None:
    """Write ``payload`` to a temporary file beside ``target`` and rename it over ``target``."""
    mode = _check_writable(str(target), shown)
    if mode is None:
        mode = 0o666 & ~_umask()
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
