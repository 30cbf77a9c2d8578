"""A progress line for long validations on a terminal; silent when piped or in CI."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

#: Seconds between redraws, so the terminal is not flooded on small batches.
_REDRAW_EVERY = 0.2


class ProgressLine:
    """Draws ``pass 1/2: 1,234,567 / 5,000,000 rows (24%)`` on one self-overwriting line."""

    def __init__(self, total: int | None, stream: TextIO | None = None) -> None:
        self._total = total
        self._stream = stream or sys.stderr
        self._last = 0.0
        self._drawn = False

    @staticmethod
    def wanted(stream: TextIO | None = None) -> bool:
        """Only on an interactive terminal, and never in CI."""
        target = stream or sys.stderr
        return target.isatty() and not os.environ.get("CI")

    def __call__(self, number: int, passes: int, rows: int) -> None:
        now = time.monotonic()
        if now - self._last < _REDRAW_EVERY:
            return
        self._last = now
        share = (
            f" / {self._total:,} rows ({100 * rows / self._total:.0f}%)" if self._total else " rows"
        )
        stage = f"pass {number}/{passes}: " if passes > 1 else ""
        self._stream.write(f"\r{stage}{rows:,}{share}\033[K")
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Erase the line, leaving the terminal as it was."""
        if self._drawn:
            self._stream.write("\r\033[K")
            self._stream.flush()
