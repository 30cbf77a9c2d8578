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
    argv = ["infer", "orders.parquet", "-o", "orders.suite.yaml", "--profile", "ref.json.gz"]
    assert run(argv)[0] == 0
    assert run(["lint", "orders.suite.yaml", "--schema", "orders.parquet"]) == (0, [])
