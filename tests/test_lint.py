"""``dataguard lint``: every problem of a suite at its line, without data or against a schema."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dataguard.cli import main
from dataguard.examples import orders, orders_suite_path
from dataguard.lint import Problem, lint_suite

BROKEN = """\
name: broken
expectations:
  - type: between
    column: amount
    min_value: 5
    max_value: 1
  - type: matches_regex
    column: email
    regex: '(?<=a)b'
  - type: not_nul
    column: x
  - type: in_set
    column: status
    value_set: [a]
    where: "amount >"
  - type: not_null
    column: fine
"""

AGAINST_DATA = """\
name: typed
schema:
  columns:
    amount: {type: string}
    idd: {type: integer}
    note: {type: string, required: false}
expectations:
  - type: between
    column: amout
    min_value: 0
  - type: no_drift
    column: amount
    reference: absent.profile.json
  - type: matches_regex
    column: note
    regex: x
  - type: between
    column: id
    min_value: 0
"""


def run(argv: list[str]) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = main(argv, stdout=out)
    return code, out.getvalue().splitlines()


def test_every_problem_of_a_file_is_listed_at_its_line(tmp_path: Path) -> None:
    suite = tmp_path / "broken.yaml"
    suite.write_text(BROKEN)
    code, lines = run(["lint", str(suite)])
    assert code == 2
    assert [line.split(": ", 1)[0] for line in lines] == [f"{suite}:{n}" for n in (5, 9, 10, 15)]
    assert "min_value 5 is greater than max_value 1" in lines[0]
    assert "lookbehind" in lines[1]
    assert "did you mean 'not_null'" in lines[2]
    assert "expectations[3].where: row condition 'amount >'" in lines[3]


def test_a_clean_suite_exits_0_silently() -> None:
    assert run(["lint", str(orders_suite_path())]) == (0, [])


def test_unreadable_and_json_suites_are_problems_without_a_line(tmp_path: Path) -> None:
    listed = tmp_path / "s.json"
    listed.write_text('{"expectations": [{"type": "between", "column": "a"}]}')
    problems = lint_suite(listed) + lint_suite(tmp_path / "absent.yaml")
    assert [p.line for p in problems] == [None, None]
    assert str(problems[0]).startswith(f"{listed}: expectations[0]")
    assert str(problems[1]) == f"{tmp_path / 'absent.yaml'}: no such file"


# A CSV file's columns are read as the schema declares, as ``validate`` reads them: its amount
# is text, so only Parquet's float amount contradicts ``type: string``.
@pytest.mark.parametrize(("suffix", "lines"), [(".parquet", [4, 5, 8, 11]), (".csv", [5, 8, 11])])
def test_columns_and_types_are_checked_against_the_data_schema(
    tmp_path: Path, suffix: str, lines: list[int]
) -> None:
    frame = pd.DataFrame({"amount": [1.5, 2.0], "id": [1, 2]})
    data = tmp_path / f"data{suffix}"
    if suffix == ".csv":
        frame.to_csv(data, index=False)
    else:
        frame.to_parquet(data)
    suite = tmp_path / "typed.yaml"
    suite.write_text(AGAINST_DATA)
    problems = lint_suite(suite, data)
    at = {p.line: p.message for p in problems}
    assert sorted(at) == lines
    assert "expected string values" in at.get(4, "expected string values")
    assert at[5] == "column 'idd' not found; did you mean 'id'?"
    assert at[8] == "column 'amout' not found; did you mean 'amount'?"
    assert "absent.profile.json" in at[11]
    code, lines = run(["lint", str(suite), "--schema", str(data)])
    assert code == 2
    assert lines == [str(p) for p in problems]


def test_a_schema_that_fits_gives_no_problem(tmp_path: Path) -> None:
    data = tmp_path / "d.parquet"
    pd.DataFrame({"amount": [1.5], "id": [1]}).to_parquet(data)
    suite = tmp_path / "ok.yaml"
    suite.write_text("expectations:\n  - {type: between, column: amount, min_value: 0}\n")
    assert lint_suite(suite, data) == []


def test_unreadable_schema_data_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(["lint", str(orders_suite_path()), "--schema", str(tmp_path / "no.parquet")])
    assert code == 2
    assert "no.parquet" in capsys.readouterr().err


def test_problems_read_as_file_line_message() -> None:
    assert str(Problem("s.yaml", 3, "bad")) == "s.yaml:3: bad"
    assert str(Problem("s.json", None, "bad")) == "s.json: bad"


def test_the_pre_commit_hook_lints_suite_files() -> None:
    hooks = yaml.safe_load((Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "dataguard-lint"
    assert hook["entry"] == "dataguard lint"
    files = re.compile(hook["files"])
    for path in ("suite.yaml", "orders.suite.yml", "a/b.suite.json", "suites/orders.yaml"):
        assert files.search(path), path
    for path in (".github/workflows/ci.yaml", "mkdocs.yml", "pursuite.yaml"):
        assert not files.search(path), path


def test_a_drafted_suite_lints_clean_against_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    orders(1000, planted=False).to_parquet("orders.parquet")
    argv = ["infer", "orders.parquet", "-o", "suites/orders.yaml", "--profile", "ref.json.gz"]
    assert run(argv)[0] == 0
    # Linted from elsewhere than the suite's folder, from where its profile is read.
    assert run(["lint", "suites/orders.yaml", "--schema", "orders.parquet"]) == (0, [])


CROSS_TABLE = """\
tables:
  planes: planes.parquet
  gone: nowhere.parquet
expectations:
  - type: foreign_key
    column: tailnum
    table: plane
    table_column: tailnum
  - type: foreign_key
    column: tailnum
    table: planes
    table_column: tail_num
  - type: foreign_key
    column: tailnum
    table: planes
    table_column: seats
  - type: row_count_equal_table
    table: weather
  - type: row_count_equal_table
    table: gone
  - type: foreign_key
    column: tailnum
    table: planes
    table_column: tailnum
"""


@pytest.fixture
def cross_table(tmp_path: Path) -> Path:
    """A suite in a folder of its own, naming planes.parquet beside it."""
    folder = tmp_path / "suites"
    folder.mkdir()
    pd.DataFrame({"tailnum": ["A"], "seats": [180]}).to_parquet(folder / "planes.parquet")
    pd.DataFrame({"tailnum": ["A", "B"]}).to_parquet(tmp_path / "flights.parquet")
    pd.DataFrame({"t": [1]}).to_parquet(tmp_path / "weather.parquet")
    suite = folder / "flights.yaml"
    suite.write_text(CROSS_TABLE)
    return suite


def test_unknown_tables_and_missing_table_files_are_problems_at_their_lines(
    cross_table: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # table paths are read from the suite's folder, not from here
    at = {p.line: p.message for p in lint_suite(cross_table)}
    assert sorted(at) == [3, 7, 18]
    assert at[3] == f"tables.gone: no such file {cross_table.parent / 'nowhere.parquet'}"
    assert at[7] == "expectations[0].table: unknown table 'plane'; did you mean 'planes'?"
    assert at[18].startswith("expectations[3].table: unknown table 'weather'")
    given = {p.line for p in lint_suite(cross_table, tables={"weather": "weather.parquet"})}
    assert given == {3, 7}


def test_with_the_data_schema_the_other_tables_columns_and_key_types_are_checked(
    cross_table: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tables = {"weather": "weather.parquet"}
    at = {p.line: p.message for p in lint_suite(cross_table, "flights.parquet", tables=tables)}
    assert sorted(at) == [3, 7, 12, 13]
    assert at[12] == (
        "expectations[1].table_column: table 'planes' has no column 'tail_num'; "
        "did you mean 'tailnum'?"
    )
    assert at[13].startswith("foreign_key on tailnum: column 'tailnum' (")
    assert "cannot be matched with column 'seats' (int64) of table 'planes'" in at[13]


def test_the_command_takes_tables_and_exits_2_on_their_problems(
    cross_table: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = ["lint", str(cross_table), "--schema", "flights.parquet"]
    code, lines = run([*argv, "--table", "weather=weather.parquet"])
    assert code == 2
    expected = lint_suite(cross_table, "flights.parquet", tables={"weather": "weather.parquet"})
    assert lines == [str(p) for p in expected]
    clean = tmp_path / "clean.yaml"
    clean.write_text("expectations:\n  - {type: row_count_equal_table, table: weather}\n")
    assert run(["lint", str(clean), "--table", "weather=weather.parquet"]) == (0, [])
    argv = ["lint", str(clean), "--schema", "flights.parquet", "--table", "weather=weather.parquet"]
    assert run(argv) == (0, [])


@pytest.mark.parametrize(
    ("option", "message"),
    [("weather", "use NAME=PATH"), ("weather=nowhere.parquet", "table 'weather'")],
)
def test_a_bad_table_option_exits_2_with_one_line(
    cross_table: Path, option: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run(["lint", str(cross_table), "--table", option])
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1


def test_an_unreadable_table_file_is_a_problem_at_its_entry(tmp_path: Path) -> None:
    (tmp_path / "planes.parquet").write_text("not parquet")
    pd.DataFrame({"tailnum": ["A"]}).to_parquet(tmp_path / "flights.parquet")
    suite = tmp_path / "s.yaml"
    suite.write_text(
        "tables:\n  planes: planes.parquet\nexpectations:\n"
        "  - {type: row_count_equal_table, table: planes}\n"
        "  - {type: distinct_values_equal_table, columns_matching: '^tail', table: plane,\n"
        "     table_column: t}\n"
    )
    problems = lint_suite(suite, tmp_path / "flights.parquet")
    assert [p.line for p in problems] == [2, 5]
    assert problems[0].message.startswith("tables.planes: ")
    assert "cannot read the file" in problems[0].message
    assert "unknown table 'plane'; did you mean 'planes'?" in problems[1].message
