"""Command-line problems: the same exit code with and without ``--debug``, signals, bad files."""

from __future__ import annotations

import io
import os
import signal
import sys
from pathlib import Path

import pandas as pd
import pytest

from dataguard import _progress
from dataguard.cli import main


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data.parquet"
    pd.DataFrame({"id": range(100)}).to_parquet(path)
    return path


@pytest.mark.parametrize("debug", [[], ["--debug"]])
def test_a_missing_suite_exits_two_with_or_without_debug(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], debug: list[str]
) -> None:
    argv = [*debug, "validate", str(data), "--suite", str(tmp_path / "missing.yaml")]
    assert main(argv, stdout=io.StringIO()) == 2
    err = capsys.readouterr().err
    assert "missing.yaml" in err
    assert ("Traceback" in err) == bool(debug)


def test_debug_keeps_the_exit_code_of_an_internal_error(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(sys.modules["dataguard.validate"], "validate", broken)
    suite = tmp_path / "suite.yaml"
    suite.write_text("expectations:\n  - {type: not_null, column: id}\n")
    for debug in ([], ["--debug"]):
        assert main([*debug, "validate", str(data), "-s", str(suite)], io.StringIO()) == 2
        err = capsys.readouterr().err
        assert "internal error: RuntimeError: boom" in err
        assert ("Traceback" in err) == bool(debug)


@pytest.mark.parametrize(
    ("signum", "word"), [(signal.SIGTERM, "terminated"), (signal.SIGINT, "interrupted")]
)
def test_a_signal_erases_the_progress_line_and_exits_128_plus_its_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: int, word: str
) -> None:
    path = tmp_path / "data.parquet"
    pd.DataFrame({"id": range(1000)}).to_parquet(path)
    suite = tmp_path / "suite.yaml"
    suite.write_text("expectations:\n  - {type: not_null, column: id}\n")
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(_progress, "_REDRAW_EVERY", 0.0)
    draw = _progress.ProgressLine.__call__

    def draw_then_signal(line: _progress.ProgressLine, *args: int) -> None:
        draw(line, *args)
        os.kill(os.getpid(), signum)

    monkeypatch.setattr(_progress.ProgressLine, "__call__", draw_then_signal)
    handler = signal.getsignal(signal.SIGTERM)
    argv = ["validate", str(path), "-s", str(suite), "--chunk-size", "100"]
    assert main(argv, stdout=io.StringIO()) == 128 + signum
    shown = terminal.getvalue()
    assert "100 / 1,000 rows" in shown
    assert shown.endswith(f"\r\x1b[Kdataguard: {word}\n")
    assert signal.getsignal(signal.SIGTERM) is handler


def test_a_json_array_data_file_exits_two_saying_what_is_expected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "data.json"
    path.write_text('[{"id": 1}, {"id": 2}]\n')
    suite = tmp_path / "suite.yaml"
    suite.write_text("expectations:\n  - {type: not_null, column: id}\n")
    assert main(["validate", str(path), "-s", str(suite)], stdout=io.StringIO()) == 2
    err = capsys.readouterr().err
    assert "holds a JSON array; dataguard reads JSON Lines" in err
    assert "changed" not in err


@pytest.mark.parametrize("command", ["validate", "profile", "drift"])
def test_engine_spark_without_pyspark_is_one_line_naming_the_fix(
    data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark fails
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    extra = {
        "validate": ["--suite", str(tmp_path / "s.yaml")],
        "profile": ["-o", str(tmp_path / "p.json")],
        "drift": ["--reference", str(data)],
    }[command]
    (tmp_path / "s.yaml").write_text("expectations: []\n")
    assert main([command, str(data), *extra, "--engine", "spark"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "pip install 'dataguard[spark]'" in err[0]


def test_engine_spark_without_java_is_one_line_naming_the_fix(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on it
    monkeypatch.delenv("JAVA_HOME", raising=False)
    (tmp_path / "s.yaml").write_text("expectations: []\n")
    code = main(["validate", str(data), "--suite", str(tmp_path / "s.yaml"), "--engine", "spark"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1
    assert "Java" in err[0]
    assert "default-jre-headless" in err[0]
