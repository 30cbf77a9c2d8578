"""``dataguard validate --table``: other tables for cross-table checks, from the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dataguard.cli import main

SUITE = """\
tables:
  planes: planes.parquet
expectations:
  - type: foreign_key
    column: tailnum
    table: planes
    table_column: tailnum
"""


@pytest.fixture
def files(tmp_path: Path) -> Path:
    pq.write_table(pa.table({"tailnum": ["A", "B", None, "Z", "A"]}), tmp_path / "flights.parquet")
    pq.write_table(pa.table({"tailnum": ["A", "B", "C"]}), tmp_path / "planes.parquet")
    pq.write_table(pa.table({"tailnum": ["A", "B", "Z"]}), tmp_path / "all.parquet")
    (tmp_path / "suite.yaml").write_text(SUITE)
    return tmp_path


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(argv, stdout=out), out.getvalue()


def test_the_suite_tables_are_read_beside_the_suite(files: Path) -> None:
    suite = str(files / "suite.yaml")
    code, text = run(["validate", str(files / "flights.parquet"), "-s", suite, "-f", "json"])
    assert code == 1
    assert json.loads(text)["results"][0]["unexpected_count"] == 1


def test_a_table_option_overrides_the_suite_table(files: Path) -> None:
    argv = ["validate", str(files / "flights.parquet"), "-s", str(files / "suite.yaml")]
    code, _ = run([*argv, "--table", f"planes={files / 'all.parquet'}"])
    assert code == 0


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("planes", "use NAME=PATH"),
        ("planes=nowhere.parquet", "table 'planes'"),
    ],
)
def test_bad_tables_exit_two_with_one_line(
    files: Path, option: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["validate", str(files / "flights.parquet"), "-s", str(files / "suite.yaml")]
    code, _ = run([*argv, "--table", option])
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_an_unknown_table_exits_two_naming_the_suite_line(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (files / "suite.yaml").write_text(SUITE.replace("table: planes", "table: plans"))
    code, _ = run(["validate", str(files / "flights.parquet"), "-s", str(files / "suite.yaml")])
    assert code == 2
    err = capsys.readouterr().err
    assert "suite.yaml:6: expectations[0].table: unknown table 'plans'" in err
