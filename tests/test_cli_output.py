"""The command line's text output for people: failures only, full messages, failing values."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from dataguard.cli import main

SUITE = """\
name: orders
expectations:
  - {type: not_null, column: id}
  - {type: between, column: amount, min_value: 0}
  - {type: column_exists, column: amout}
"""


class Terminal(io.StringIO):
    """Standard output that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    data = tmp_path / "data.parquet"
    pd.DataFrame({"id": [1_000_001, 1_000_002, 1_000_003], "amount": [1.0, -5.0, 2.0]}).to_parquet(
        data
    )
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE)
    return str(data), str(suite)


def run(argv: list[str], out: io.StringIO | None = None) -> tuple[int, str]:
    stdout = out if out is not None else io.StringIO()
    code = main(argv, stdout=stdout)
    return code, stdout.getvalue()


def test_only_failures_shows_failures_with_values_under_the_summary(
    files: tuple[str, str],
) -> None:
    data, suite = files
    code, text = run(["validate", data, "-s", suite, "--only-failures", "--id-column", "id"])
    assert code == 1
    first = text.splitlines()[0]
    assert first.startswith("FAILED: suite 'orders'")
    assert "1 of 3 expectations passed, 2 failed (2 error)" in first
    assert "not_null" not in text
    assert "unexpected values: -5.0" in text
    assert "rows (id): 1000002" in text
    assert "column 'amout' not found; did you mean 'amount'?" in text


def test_only_failures_is_refused_with_other_formats(
    files: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    data, suite = files
    code, _ = run(["validate", data, "-s", suite, "--only-failures", "--format", "json"])
    assert code == 2
    assert "--only-failures applies to the text format" in capsys.readouterr().err


def test_text_wraps_to_the_terminal_and_not_in_files(
    files: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, suite = files
    monkeypatch.setenv("COLUMNS", "80")
    _, on_terminal = run(["validate", data, "-s", suite], Terminal())
    assert max(len(line) for line in on_terminal.splitlines()) <= 80
    output = tmp_path / "out.txt"
    run(["validate", data, "-s", suite, "-o", str(output)], Terminal())
    in_file = output.read_text()
    assert "column 'amout' not found; did you mean 'amount'?" in in_file
    assert max(len(line) for line in in_file.splitlines()) > 80
