"""The command line never writes over one of its own inputs."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pandas as pd
import pytest

from dataguard.cli import main
from dataguard.profile import profile


def run(argv: list[str]) -> int:
    return main(argv, stdout=io.StringIO())


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    data = tmp_path / "d.csv"
    pd.DataFrame({"x": range(50)}).to_csv(data, index=False)
    suite = tmp_path / "s.yaml"
    suite.write_text("expectations:\n  - {type: not_null, column: x}\n")
    reference = tmp_path / "ref.profile.json"
    profile(pd.DataFrame({"x": range(50)})).save(reference)
    link = tmp_path / "link.csv"
    link.symlink_to(data)
    return {"data": data, "suite": suite, "reference": reference, "link": link}


@pytest.mark.parametrize(
    ("argv", "victim"),
    [
        (["validate", "{data}", "-s", "{suite}", "-o", "{data}"], "data"),
        (["validate", "{data}", "-s", "{suite}", "-o", "{suite}"], "suite"),
        (["validate", "{link}", "-s", "{suite}", "--report", "{data}"], "data"),
        (["profile", "{data}", "-o", "{data}"], "data"),
        (["profile", "{data}", "-o", "x.json", "--report", "{data}"], "data"),
        (["drift", "{data}", "-r", "{reference}", "-o", "{reference}"], "reference"),
        (["drift", "{data}", "-r", "{reference}", "--report", "{data}"], "data"),
        (["report", "{reference}", "-o", "{reference}"], "reference"),
    ],
)
def test_an_output_that_is_an_input_is_refused(
    argv: list[str],
    victim: str,
    files: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(files["data"].parent)
    before = {name: digest(path) for name, path in files.items()}
    code = run([part.format(**{k: str(v) for k, v in files.items()}) for part in argv])
    err = capsys.readouterr().err
    assert code == 2
    assert "is also an input" in err
    assert files[victim].name in err
    assert {name: digest(path) for name, path in files.items()} == before


def test_distinct_outputs_and_standard_streams_are_accepted(
    files: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out.json"
    argv = ["validate", str(files["data"]), "-s", str(files["suite"]), "-f", "json", "-o", str(out)]
    assert run(argv) == 0
    assert out.read_text().startswith("{")
    assert run([*argv[:-1], "/dev/null"]) == 0


def test_convert_refuses_to_overwrite_its_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "gx.json"
    source.write_text('{"expectations": []}')
    assert run(["convert", "--from", "gx", str(source), "-o", str(source)]) == 2
    assert "is also an input" in capsys.readouterr().err
    assert source.read_text() == '{"expectations": []}'


def test_output_and_report_may_not_name_one_file(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.txt"
    argv = ["validate", str(files["data"]), "-s", str(files["suite"]), "-o", str(out)]
    assert run([*argv, "--report", str(tmp_path / "." / "out.txt")]) == 2
    assert "both name" in capsys.readouterr().err
    assert not out.exists()
    assert run([*argv[:-1], "/dev/null", "--report", "/dev/null"]) == 0
