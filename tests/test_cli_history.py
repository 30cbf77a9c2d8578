"""``--history`` on ``validate`` and ``drift``, and ``dataguard history``: trends as a table, JSON
or CSV, and clear errors (exit 2) for a missing file, an unknown dataset or metric."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from dataguard.cli import main
from dataguard.history import History

SUITE = """\
expectations:
  - {type: not_null, column: id}
  - {type: between, column: amount, min_value: 0}
"""


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(argv, stdout=out), out.getvalue()


def _orders(path: Path, rows: int) -> Path:
    lines = [f"{i},{-1 if i == 0 else i}" for i in range(rows)]
    path.write_text("id,amount\n" + "\n".join(lines) + "\n")
    return path


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """Ten validations of orders.csv, 10 rows each but 100 on the tenth, then one drift run."""
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE)
    path = tmp_path / "runs.db"
    data = tmp_path / "orders.csv"
    for day in range(10):
        _orders(data, 100 if day == 9 else 10)
        code, _ = run(["validate", str(data), "-s", str(suite), "--history", str(path)])
        assert code == 1  # the planted negative amount
    code, _ = run(["drift", str(data), "-r", str(data), "--history", str(path)])
    assert code == 0
    return path


def test_validate_and_drift_record_runs_under_the_file_name(history: Path) -> None:
    with History(history) as stored:
        runs = stored.runs()
    assert [(r.dataset, r.kind) for r in runs] == [("orders.csv", "validation")] * 10 + [
        ("orders.csv", "drift")
    ]


def test_dataset_names_the_runs(tmp_path: Path) -> None:
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE)
    data = _orders(tmp_path / "part-0001.csv", 5)
    path = tmp_path / "runs.db"
    run(["validate", str(data), "-s", str(suite), "--history", str(path), "--dataset", "orders"])
    run(["drift", str(data), "-r", str(data), "--history", str(path), "--dataset", "orders"])
    with History(path) as stored:
        assert stored.datasets() == ["orders"]


def test_a_drift_by_group_is_recorded(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    data = tmp_path / "orders.csv"
    data.write_text("carrier,x\n" + "".join(f"{'AB'[i % 2]},{i % 7}\n" for i in range(60)))
    argv = ["drift", str(data), "-r", str(data), "--group-by", "carrier"]
    code, _ = run([*argv, "--history", str(path)])
    assert code == 0
    with History(path) as stored:
        (found,) = stored.runs(kind="drift")
        assert stored.document(found.run_id)["kind"] == "drift_by_group"


def test_the_default_table_shows_the_row_count_trend(history: Path) -> None:
    code, text = run(["history", str(history), "--kind", "validation"])
    assert code == 0
    lines = text.splitlines()
    assert lines[0].split() == [
        "time",
        "(UTC)",
        "dataset",
        "kind",
        "verdict",
        "row_count",
        "success_percent",
    ]
    assert [line.split()[-2] for line in lines[2:]] == ["10"] * 9 + ["100"]
    assert all(" orders.csv  validation  failed " in line for line in lines[2:])


def test_chosen_metrics_and_the_last_runs(history: Path) -> None:
    argv = ["history", str(history), "-d", "orders.csv", "--last", "3"]
    argv += ["-m", "between(amount).unexpected_percent", "-m", "drift.amount.p_value"]
    code, text = run(argv)
    assert code == 0
    lines = text.splitlines()
    assert lines[0].split()[-2:] == ["between(amount).unexpected_percent", "drift.amount.p_value"]
    none = "\N{EN DASH}"  # what the table shows where a run measured nothing
    assert [line.split()[-2:] for line in lines[2:]] == [["10", none], ["1", none], [none, "1"]]


def test_json_and_csv_are_machine_readable(history: Path) -> None:
    code, text = run(["history", str(history), "--last", "2", "-f", "json"])
    assert code == 0
    document = json.loads(text)
    assert document["metrics"] == ["row_count", "success_percent", "drift_share"]
    assert [r["metrics"]["row_count"] for r in document["runs"]] == [100, 100]
    assert [r["kind"] for r in document["runs"]] == ["validation", "drift"]
    code, text = run(["history", str(history), "-m", "row_count", "-f", "csv"])
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 11
    assert [r["row_count"] for r in rows[-3:]] == ["10", "100", "100"]
    assert rows[0]["verdict"] == "failed"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--dataset", "order.csv"], "no run of dataset 'order.csv'; did you mean 'orders.csv'?"),
        (["-m", "row_cont"], "no metric 'row_cont'; did you mean 'row_count'"),
        (["-m", "drift.amont.p_value"], "did you mean 'drift.amount.p_value'"),
        (["--last", "0"], "--last must be a positive number of runs, got 0"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(
    history: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = run(["history", str(history), *argv])
    assert (code, text) == (2, "")
    assert message in capsys.readouterr().err


def test_a_missing_or_foreign_history_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["history", str(tmp_path / "none.db")]) == (2, "")
    assert "none.db: no history database there" in capsys.readouterr().err
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    assert run(["history", str(notes)]) == (2, "")
    assert "notes.txt: not a SQLite database" in capsys.readouterr().err


def test_a_history_that_cannot_be_written_exits_2_after_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE)
    data = _orders(tmp_path / "orders.csv", 3)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    report = tmp_path / "report.html"
    argv = ["validate", str(data), "-s", str(suite), "--report", str(report), "--history"]
    code, text = run([*argv, str(notes)])
    assert code == 2
    assert text.startswith("FAILED")
    assert report.is_file()
    assert "notes.txt: not a SQLite database" in capsys.readouterr().err
    code, text = run(["drift", str(data), "-r", str(data), "--history", str(notes)])
    assert code == 2
    assert text.startswith("NO DRIFT")
    assert notes.read_text() == "not a database"


def test_the_output_never_replaces_the_history(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = history.read_bytes()
    assert run(["history", str(history), "-o", str(history)]) == (2, "")
    assert "is also an input" in capsys.readouterr().err
    assert history.read_bytes() == before
