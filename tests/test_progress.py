"""The terminal progress line: shown on a terminal outside CI, fed by validate's callback."""

from __future__ import annotations

import io

import pandas as pd
import pytest

import dataguard as dg
from dataguard._progress import ProgressLine
from dataguard.expectations import NotNull, Unique


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_wanted_only_on_a_terminal_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert ProgressLine.wanted(Terminal())
    assert not ProgressLine.wanted(io.StringIO())
    monkeypatch.setenv("CI", "true")
    assert not ProgressLine.wanted(Terminal())


def test_validate_reports_every_batch_of_every_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int, int]] = []
    data = pd.DataFrame({"a": range(10)})
    dg.validate(
        data, [NotNull("a"), Unique("a")], chunk_size=4, progress=lambda *c: calls.append(c)
    )
    # Unique: fingerprints, then the repeated values among the candidates; the third pass, which
    # confirms failing rows when two values share a fingerprint, is skipped.
    assert calls == [(p, 3, rows) for p in (1, 2) for rows in (4, 8, 10)]


def test_line_is_drawn_and_erased(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dataguard._progress._REDRAW_EVERY", 0.0)
    stream = Terminal()
    line = ProgressLine(200, stream)
    line(1, 2, 50)
    assert "pass 1/2: 50 / 200 rows (25%)" in stream.getvalue()
    line.close()
    assert stream.getvalue().endswith("\r\x1b[K")
