"""``--report`` on validate, profile and drift; ``dataguard report``; the demo's reports."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dataguard.cli import main

SUITE = """\
name: cli reports
expectations:
  - {type: not_null, column: id}
  - {type: between, column: amount, min_value: 0, max_value: 100}
  - {type: in_set, column: status, value_set: [new, done], severity: warning}
"""


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(argv, stdout=out), out.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    rng = np.random.default_rng(9)
    n = 2000
    amount = rng.uniform(0, 100, n)
    reference = pd.DataFrame(
        {"id": np.arange(n), "amount": amount, "status": rng.choice(["new", "done"], n)}
    )
    current = reference.assign(
        amount=amount * 1.3, status=rng.choice(["new", "done", "lost"], n, p=[0.45, 0.45, 0.1])
    )
    paths = {
        "reference": tmp_path / "reference.parquet",
        "current": tmp_path / "current.parquet",
        "suite": tmp_path / "suite.yaml",
    }
    reference.to_parquet(paths["reference"])
    current.to_parquet(paths["current"])
    paths["suite"].write_text(SUITE)
    return paths


def html_of(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    return text


def test_validate_writes_a_report_and_keeps_its_exit_codes(
    files: dict[str, Path], tmp_path: Path
) -> None:
    report = tmp_path / "out" / "validation.html"
    report.parent.mkdir()
    code, text = run(
        ["validate", str(files["current"]), "-s", str(files["suite"]), "--report", str(report)]
    )
    assert code == 1  # amounts above 100 fail an error-severity expectation
    assert text.startswith("FAILED")  # the text output is unchanged
    html = html_of(report)
    assert "FAILED" in html
    assert "cli reports" in html
    code, _ = run(
        ["validate", str(files["reference"]), "-s", str(files["suite"]), "--report", str(report)]
    )
    assert code == 0
    assert ">PASSED<" in html_of(report)


def test_validate_report_follows_fail_on(files: dict[str, Path], tmp_path: Path) -> None:
    suite = tmp_path / "warn.yaml"
    suite.write_text(
        "expectations:\n  - {type: in_set, column: status, value_set: [new], severity: warning}\n"
    )
    report = tmp_path / "r.html"
    argv = ["validate", str(files["current"]), "-s", str(suite), "--report", str(report)]
    assert run(argv)[0] == 0
    assert ">PASSED<" in html_of(report)
    assert run([*argv, "--fail-on", "warning"])[0] == 1
    assert ">FAILED<" in html_of(report)


def test_profile_and_drift_write_reports(files: dict[str, Path], tmp_path: Path) -> None:
    profile = tmp_path / "ref.profile.json"
    profile_html = tmp_path / "profile.html"
    code, text = run(
        ["profile", str(files["reference"]), "-o", str(profile), "--report", str(profile_html)]
    )
    assert code == 0
    assert f"report: {profile_html}" in text
    assert "Data profile" in html_of(profile_html)
    drift_html = tmp_path / "drift.html"
    argv = ["drift", str(files["current"]), "-r", str(profile), "--report", str(drift_html)]
    code, text = run(argv)
    assert code == 0
    assert text.startswith("DRIFT")
    assert ">DRIFT<" in html_of(drift_html)
    assert run([*argv, "--fail-on-drift", "--format", "json"])[0] == 1


def test_report_renders_saved_documents(files: dict[str, Path], tmp_path: Path) -> None:
    result = tmp_path / "result.json"
    run(
        [
            "validate",
            str(files["current"]),
            "-s",
            str(files["suite"]),
            "-f",
            "json",
            "-o",
            str(result),
        ]
    )
    drift = tmp_path / "drift.json"
    run(
        [
            "drift",
            str(files["current"]),
            "-r",
            str(files["reference"]),
            "-f",
            "json",
            "-o",
            str(drift),
        ]
    )
    profile = tmp_path / "p.json.gz"
    run(["profile", str(files["reference"]), "-o", str(profile)])
    for source, marker in ((result, ">FAILED<"), (drift, ">DRIFT<"), (profile, ">PROFILE<")):
        target = tmp_path / f"{source.stem}.html"
        code, text = run(["report", str(source), "--output", str(target)])
        assert code == 0
        assert text == f"wrote {target}\n"
        assert marker in html_of(target)
    code, text = run(["report", str(result)])
    assert code == 0
    assert text.startswith("<!DOCTYPE html>")
    code, _ = run(["report", str(result), "--fail-on", "warning", "-o", str(tmp_path / "w.html")])
    assert code == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"hello": "world"}', "not a dataguard validation result, drift report or profile"),
        ("[1, 2]", "expected a JSON object"),
        ("{oops", "invalid JSON at line 1"),
        ('{"format_version": 9, "kind": "drift"}', "newer than this dataguard renders"),
    ],
)
def test_report_refuses_other_files_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "doc.json"
    path.write_text(content)
    code, out = run(["report", str(path), "-o", str(tmp_path / "x.html")])
    assert code == 2
    assert out == ""
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err
    assert str(path) in err or "format_version" in err
    assert not (tmp_path / "x.html").exists()


def test_report_of_a_missing_file_exits_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["report", str(tmp_path / "nope.json")])[0] == 2
    assert "no such file" in capsys.readouterr().err


def test_demo_writes_both_reports(demo_dir: Path) -> None:
    validation = html_of(demo_dir / "validation.html")
    drift = html_of(demo_dir / "drift.html")
    assert ">FAILED<" in validation
    assert ">DRIFT<" in drift
    doc = json.loads((demo_dir / "drift.json").read_text())
    assert doc["drifted_columns"] == ["amount", "status", "country"]


def test_drift_tells_json_profiles_from_json_lines_data(
    files: dict[str, Path], tmp_path: Path
) -> None:
    """A saved profile is one JSON line with its keys sorted, so ``format_version`` comes late;
    it (and a pretty-printed copy) must still be read as a profile, and JSON-lines as data."""
    compact = tmp_path / "ref.profile.json"
    run(["profile", str(files["reference"]), "-o", str(compact)])
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(json.loads(compact.read_text()), indent=2))
    lines = tmp_path / "reference.jsonl"
    pd.read_parquet(files["reference"]).to_json(lines, orient="records", lines=True)
    for reference in (compact, pretty, lines):
        code, text = run(["drift", str(files["current"]), "-r", str(reference)])
        assert code == 0
        assert text.startswith("DRIFT: 2 of 3 columns drifted"), (reference, text)
