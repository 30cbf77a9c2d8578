"""``dataguard diff``: what changed between two suites, in plain words."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from dataguard.cli import main
from dataguard.examples import orders_suite_path
from dataguard.expectations import Between, InSet, NotNull
from dataguard.suite import Suite, load_suite, loads_suite
from dataguard.suite_diff import diff_suites

OLD = """\
schema:
  strict: true
  columns:
    id: {type: integer, unique: true}
    amount: {type: integer}
    gone: {type: string}
expectations:
  - {type: between, column: amount, min_value: 0, max_value: 100, mostly: 0.95}
  - {type: in_set, column: status, value_set: [a, b, c]}
  - {type: not_in_set, column: status, value_set: [x]}
  - {type: not_null, column: email, severity: error}
  - {type: matches_regex, column: email, regex: '@'}
  - {type: row_count_between, min_value: 10}
"""

NEW = """\
schema:
  columns:
    id: {type: integer}
    amount: {type: float, nullable: true}
    fresh: {type: string}
expectations:
  - {type: unique, column: id}
  - {type: not_null, column: email, severity: warning}
  - {type: between, column: amount, min_value: 0, max_value: 200, mostly: 0.99}
  - {type: in_set, column: status, value_set: [a, b, d]}
  - {type: not_in_set, column: status, value_set: [x, y]}
  - {type: matches_regex, column: email, regex: '^\\S+@\\S+$'}
"""

SAID = """\
schema: strict true -> false (loosened)
schema column id: unique true -> false (loosened)
schema column amount: type integer -> float (changed)
schema column amount: nullable false -> true (loosened)
added schema column fresh (type string)
removed schema column gone (type string)
added unique on id
not_null on email: severity error -> warning (loosened)
between on amount: mostly 0.95 -> 0.99 (tightened)
between on amount: max_value 100 -> 200 (loosened)
in_set on status: value_set gained 'd'; lost 'c' (changed)
not_in_set on status: value_set gained 'y' (tightened)
matches_regex on email: regex '@' -> '^\\S+@\\S+$' (changed)
removed row_count_between (min_value 10)
"""


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(argv, stdout=out), out.getvalue()


@pytest.fixture
def suites(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(OLD)
    new.write_text(NEW)
    return old, new


def test_every_change_is_said_in_plain_words(suites: tuple[Path, Path]) -> None:
    assert run(["diff", *map(str, suites)]) == (0, SAID)


def test_json_lists_the_same_changes(suites: tuple[Path, Path]) -> None:
    code, text = run(["diff", *map(str, suites), "--format", "json"])
    assert code == 0
    changes = json.loads(text)["changes"]
    assert [c["text"] for c in changes] == SAID.splitlines()
    mostly = next(c for c in changes if c.get("parameter") == "mostly")
    assert mostly == {
        "kind": "tightened",
        "subject": "between on amount",
        "text": "between on amount: mostly 0.95 -> 0.99 (tightened)",
        "parameter": "mostly",
        "old": 0.95,
        "new": 0.99,
    }


def test_a_suite_has_no_changes_from_itself_or_its_reordering() -> None:
    suite = load_suite(orders_suite_path())
    assert diff_suites(suite, suite) == []
    reordered = Suite(tuple(reversed(suite.expectations)), suite.name, suite.schema)
    assert diff_suites(suite, reordered) == []
    assert run(["diff", str(orders_suite_path()), str(orders_suite_path())]) == (0, "no changes\n")


@pytest.mark.parametrize(
    ("before", "after", "said"),
    [
        (Between("a", max_value=5), Between("a", min_value=0, max_value=5), "tightened"),
        (Between("a", min_value=0, max_value=5), Between("a", max_value=5), "loosened"),
        (Between("a", min_value=0), Between("a", min_value=0, strict_min=True), "tightened"),
        (NotNull("a", severity="info"), NotNull("a"), "tightened"),
        (InSet("a", value_set=(1, 2)), InSet("a", value_set=(1,)), "tightened"),
    ],
)
def test_which_way_a_parameter_moves(before: Between, after: Between, said: str) -> None:
    (change,) = diff_suites(Suite((before,)), Suite((after,)))
    assert change.kind == said


def test_expectations_with_one_type_and_column_pair_in_order() -> None:
    old = loads_suite(
        "expectations:\n"
        "  - {type: between, column: a, min_value: 0}\n"
        "  - {type: between, column: a, max_value: 9}\n"
    )
    new = loads_suite("expectations:\n  - {type: between, column: a, max_value: 9}\n")
    assert [str(c) for c in diff_suites(old, new)] == ["removed between on a (min_value 0)"]


def test_a_bad_suite_exits_2(suites: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    old, _ = suites
    assert run(["diff", str(old), str(old.with_name("absent.yaml"))])[0] == 2
    assert "absent.yaml: no such file" in capsys.readouterr().err


def test_columns_matching_items_compare_by_pattern_and_template() -> None:
    old = loads_suite(
        "expectations:\n"
        "  - {type: not_null, columns_matching: '^a'}\n"
        "  - {type: between, columns_matching: '^x', min_value: 0}\n"
    )
    new = loads_suite(
        "expectations:\n"
        "  - {type: not_null, columns_matching: '^b', severity: warning}\n"
        "  - {type: between, columns_matching: '^x', min_value: 1}\n"
    )
    assert [str(c) for c in diff_suites(old, new)] == [
        "added not_null on columns matching '^b' (severity warning)",
        "between on columns matching '^x': min_value 0 -> 1 (tightened)",
        "removed not_null on columns matching '^a'",
    ]


def test_the_suite_wide_grouping_options_are_changes_too() -> None:
    old = Suite((NotNull("x"),), group_by=("carrier",))
    new = Suite((NotNull("x", group_by=("day",)),), max_groups=10)
    said = [str(c) for c in diff_suites(old, new)]
    assert said == [
        "suite: group_by ['carrier'] -> [] (changed)",
        "suite: max_groups none -> 10 (changed)",
        "not_null on x: group_by [] -> ['day'] (changed)",
    ]
