"""The command line: exit codes, output formats, and one-line errors for bad input."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dataguard.cli import main

SUITE = """\
name: acceptance
expectations:
  - {type: not_null, column: id}
  - {type: between, column: amount, min_value: 0, max_value: 100, mostly: 0.95}
  - {type: between, column: missing_column, min_value: 0}
  - {type: in_set, column: status, value_set: [new, done], severity: warning}
"""


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    code = main(argv, stdout=out)
    return code, out.getvalue()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """100 rows: 10 amounts out of range (mostly 0.95 fails), 3 statuses outside the set."""
    amount = np.arange(100, dtype=float)
    amount[:10] = -1.0
    status = ["new"] * 97 + ["lost"] * 3
    path = tmp_path / "data.parquet"
    pd.DataFrame({"id": range(100), "amount": amount, "status": status}).to_parquet(path)
    return path


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    path = tmp_path / "suite.yaml"
    path.write_text(SUITE)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_acceptance_counts_in_every_format(data: Path, suite: Path, tmp_path: Path) -> None:
    before = digest(data), digest(suite)
    code, text = run(["validate", str(data), "--suite", str(suite)])
    assert code == 1
    assert text.startswith("FAILED: suite 'acceptance'")
    assert "column_missing" not in text  # the text shows messages, not codes
    assert "column 'missing_column' not found" in text
    assert "10 unexpected (10%)" in text
    assert "3 unexpected (3%)" in text

    code, raw = run(["validate", str(data), "--suite", str(suite), "--format", "json"])
    assert code == 1
    doc = json.loads(raw)
    assert doc["passed"] is False
    assert doc["statistics"]["failed_by_severity"] == {"error": 2, "warning": 1, "info": 0}
    by_column = {r["expectation"].get("column"): r for r in doc["results"]}
    assert by_column["amount"]["unexpected_count"] == 10
    assert by_column["amount"]["unexpected_index_list"] == list(range(10))
    assert by_column["missing_column"]["reason"] == "column_missing"
    assert by_column["status"]["severity"] == "warning"
    assert by_column["status"]["unexpected_count"] == 3
    assert doc["run"]["data"]["rows"] == 100

    out = tmp_path / "junit.xml"
    code, printed = run(
        ["validate", str(data), "--suite", str(suite), "-f", "junit", "-o", str(out)]
    )
    assert code == 1
    assert printed == ""
    root = ET.fromstring(out.read_text())
    assert root.get("tests") == "4"
    assert root.get("failures") == "2"
    cases = root.findall(".//testcase")
    assert len(cases) == 4
    assert [c.find("failure") is not None for c in cases] == [False, True, True, False]
    assert "WARNING" in (cases[3].findtext("system-out") or "")

    code, markdown = run(["validate", str(data), "--suite", str(suite), "-f", "markdown"])
    assert code == 1
    assert markdown.startswith("## ❌")
    assert "| 4 | 1 | 2 | 1 | 0 |" in markdown

    assert (digest(data), digest(suite)) == before  # inputs are never modified


def test_fail_on_warning(data: Path, tmp_path: Path) -> None:
    suite = tmp_path / "warn.yaml"
    suite.write_text(
        "expectations:\n  - {type: in_set, column: status, value_set: [new], severity: warning}\n"
    )
    assert run(["validate", str(data), "--suite", str(suite)])[0] == 0
    assert run(["validate", str(data), "--suite", str(suite), "--fail-on", "warning"])[0] == 1


def test_passing_data_exits_zero(data: Path, tmp_path: Path) -> None:
    suite = tmp_path / "ok.yaml"
    suite.write_text("expectations:\n  - {type: not_null, column: id}\n")
    code, text = run(["validate", str(data), "--suite", str(suite)])
    assert code == 0
    assert text.startswith("PASSED")


def test_id_columns_and_complete_format(data: Path, suite: Path) -> None:
    code, raw = run(
        [
            "validate",
            str(data),
            "--suite",
            str(suite),
            "-f",
            "json",
            "--id-column",
            "id",
            "--result-format",
            "complete",
            "--chunk-size",
            "7",
        ]
    )
    assert code == 1
    amount = next(
        r for r in json.loads(raw)["results"] if r["expectation"].get("column") == "amount"
    )
    assert amount["unexpected_index_list"] == [{"id": i} for i in range(10)]
    assert amount["unexpected_list"] == [-1.0] * 10


@pytest.mark.parametrize(
    ("suite_text", "words"),
    [
        ("expectations: [\n", "invalid YAML"),
        ("expectations:\n  - {type: not_nul, column: id}\n", "did you mean 'not_null'"),
        ("a: !!python/object/apply:os.system ['true']\n", "invalid YAML"),
    ],
)
def test_bad_suites_exit_two_with_one_line(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], suite_text: str, words: str
) -> None:
    suite = tmp_path / "bad.yaml"
    suite.write_text(suite_text)
    code, out = run(["validate", str(data), "--suite", str(suite)])
    err = capsys.readouterr().err
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert words in err
    assert str(suite) in err


def _hostile_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "missing.parquet": None,
        "garbage.parquet": bytes(range(256)) * 40,
        "garbage.csv": bytes(range(256)) * 40,
        "empty.csv": b"",
        "empty.parquet": b"",
        "latin1.csv": "name\ncaf\xe9\n".encode("latin-1"),
        "huge-line.csv": b"a\n" + b"x" * (40 * 1024 * 1024) + b"\n",
        "not-json.jsonl": b"{this is not json\n",
        "unknown.xlsx": b"PK\x03\x04",
    }
    paths = {}
    for name, content in files.items():
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        paths[name] = path
    zero = tmp_path / "zero-columns.parquet"
    pq.write_table(pa.table({}), zero)
    paths["zero-columns.parquet"] = zero
    return paths


def test_hostile_data_files_exit_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = tmp_path / "suite.yaml"
    suite.write_text(
        "expectations:\n"
        "  - {type: not_null, column: name}\n"
        "  - {type: row_count_between, min_value: 1}\n"
    )
    for name, path in _hostile_files(tmp_path).items():
        before = digest(path) if path.exists() else None
        code, _ = run(["validate", str(path), "--suite", str(suite)])
        err = capsys.readouterr().err
        assert code in (1, 2), name
        if code == 2:
            assert err.count("\n") == 1, (name, err)
            assert str(path) in err, (name, err)
            assert "Traceback" not in err
        if before is not None:
            assert digest(path) == before, name


def test_latin1_csv_is_rejected_with_the_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = _hostile_files(tmp_path)
    suite = tmp_path / "suite.yaml"
    suite.write_text("expectations:\n  - {type: not_null, column: name}\n")
    code, _ = run(["validate", str(paths["latin1.csv"]), "--suite", str(suite)])
    err = capsys.readouterr().err
    assert code == 2
    assert "UTF-8" in err
    assert str(paths["latin1.csv"]) in err


def test_zero_column_table_is_data_not_an_error(tmp_path: Path) -> None:
    paths = _hostile_files(tmp_path)
    suite = tmp_path / "suite.yaml"
    suite.write_text("expectations:\n  - {type: column_count_equal, value: 0}\n")
    code, text = run(["validate", str(paths["zero-columns.parquet"]), "--suite", str(suite)])
    assert code == 0, text


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["validate"],
        ["validate", "x.parquet"],
        ["frobnicate"],
        ["validate", "x.parquet", "--suite", "s.yaml", "--format", "pdf"],
        ["validate", "x.parquet", "--suite", "s.yaml", "--chunk-size", "0"],
    ],
)
def test_bad_invocations_exit_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    suite = tmp_path / "s.yaml"
    suite.write_text("expectations: []\n")
    data = tmp_path / "x.parquet"
    pd.DataFrame({"a": [1]}).to_parquet(data)
    argv = [str(suite) if a == "s.yaml" else str(data) if a == "x.parquet" else a for a in argv]
    code, _ = run(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("dataguard: error:")


def test_demo_runs_and_writes_files(tmp_path: Path) -> None:
    code, text = run(["demo", "--output", str(tmp_path / "demo")])
    assert code == 0
    assert "planted problems" in text
    assert "FAILED" in text
    written = {p.name for p in (tmp_path / "demo").iterdir()}
    assert written == {
        "orders.parquet",
        "orders.suite.yaml",
        "result.json",
        "orders.profile.json",
        "orders_later.parquet",
        "drift.json",
        "validation.html",
        "drift.html",
    }
    assert "DRIFT: 3 of 4 columns drifted" in text
    code, _ = run(
        [
            "validate",
            str(tmp_path / "demo" / "orders.parquet"),
            "--suite",
            str(tmp_path / "demo" / "orders.suite.yaml"),
        ]
    )
    assert code == 1


def test_subprocess_smoke(data: Path, suite: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dataguard",
            "validate",
            str(data),
            "--suite",
            str(suite),
            "-f",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["passed"] is False
    version = subprocess.run(
        [sys.executable, "-m", "dataguard", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert version.returncode == 0
    assert version.stdout.startswith("dataguard ")


def test_max_groups_caps_the_groups_of_a_grouped_suite(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = tmp_path / "grouped.yaml"
    suite.write_text("group_by: [id]\nexpectations:\n  - {type: not_null, column: amount}\n")
    code, out = run(["validate", str(data), "--suite", str(suite), "--max-groups", "50"])
    assert code == 1
    assert "group_by 'id' found 100 groups, more than max_groups 50" in out
    code, out = run(["validate", str(data), "--suite", str(suite), "--format", "json"])
    assert code == 0
    assert len(json.loads(out)["results"]) == 100
    assert run(["validate", str(data), "--suite", str(suite), "--max-groups", "0"])[0] == 2
    assert "--max-groups must be a positive number" in capsys.readouterr().err
