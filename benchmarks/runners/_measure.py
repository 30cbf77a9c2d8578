"""Timing and memory measurement shared by every benchmark runner, whatever its virtual environment.

Standard library only (plus pyarrow's memory pool when it is importable), because each runner runs
in the peer's own virtual environment with that peer's pinned packages.

A runner measures with ``time_runs`` and writes its outcome with ``write_result``; the JSON it
writes is the protocol between runners and ``benchmarks/run.py`` (see ``benchmarks/README.md``).
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def rss_bytes() -> int:
    """Current resident set size of this process (Linux /proc; psutil elsewhere)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import psutil

        return int(psutil.Process().memory_info().rss)


class PeakRSS:
    """Samples RSS on a thread while a block runs; ``added`` is the peak above the starting RSS
    and ``peak`` the absolute peak, in bytes (``sample`` measures something else: a process
    tree's memory).

    numpy, pandas and Arrow kernels release the GIL, so the sampler sees their allocations;
    pure-Python stretches delay it by at most the interpreter's switch interval (5 ms).
    """

    def __init__(self, interval: float = 0.002, sample: Callable[[], int] = rss_bytes) -> None:
        self._interval = interval
        self._measure = sample
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.start = self.peak = 0
        self.added = 0

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._measure())
            self._stop.wait(self._interval)

    def __enter__(self) -> PeakRSS:
        self.start = self.peak = self._measure()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._measure())
        self.added = self.peak - self.start


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not glibc
        return None


_TRIM = _malloc_trim()


def settle() -> None:
    """Give freed memory back to the OS, so each measurement starts from the same footing.

    Without this, glibc keeps pages freed by an earlier run and the next run reuses them without
    raising RSS, which would flatter whichever implementation runs second.
    """
    gc.collect()
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except ImportError:
        pass
    if _TRIM is not None:
        _TRIM(0)


def cpu_seconds() -> float:
    """User plus system CPU time of this whole process so far (every thread), from getrusage."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def time_runs(run: Callable[[], object], repeat: int, warmup: int = 1) -> dict[str, Any]:
    """Wall time and CPU time (the process's user + system, all threads) of ``repeat`` calls of
    ``run`` after ``warmup`` untimed ones, and the largest memory peak any call added above the
    RSS it started from.

    The CPU time includes the memory sampler's (reading ``/proc/self/statm`` every 2 ms, well
    under 1% of a core), the same for every runner."""
    for _ in range(warmup):
        settle()
        run()
    seconds: list[float] = []
    cpu: list[float] = []
    added: list[int] = []
    for _ in range(repeat):
        settle()
        with PeakRSS() as memory:
            cpu_started = cpu_seconds()
            started = time.perf_counter()
            run()
            seconds.append(time.perf_counter() - started)
            cpu.append(cpu_seconds() - cpu_started)
        added.append(memory.added)
    print(
        f"  median {statistics.median(seconds):.3f} s (min {min(seconds):.3f}, "
        f"max {max(seconds):.3f}), CPU {statistics.median(cpu):.3f} s, "
        f"+{max(added) / 1e6:.0f} MB",
        file=sys.stderr,
    )
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_added_mb": max(added) / 1e6}


def write_result(path: str | Path, payload: dict[str, Any]) -> None:
    """Write a runner's outcome as JSON (atomically, so a crashed runner leaves no half file)."""
    target = Path(path)
    partial = target.with_suffix(target.suffix + ".part")
    partial.write_text(json.dumps(payload, indent=1, sort_keys=True, default=str))
    partial.replace(target)
