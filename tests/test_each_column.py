"""``columns_matching``: one expectation applied to every column whose name matches a pattern."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import dataguard as dg
from dataguard.expectations import Between, EachColumn, NotNull, RowCountEqual, registered
from dataguard.suite import loads_suite
from tests.test_contract import DATA, EXAMPLES, NAMES, NOW, TABLES, example

FRAME = pd.DataFrame({"id": [1, 2], "amount_eur": [1.0, -2.0], "amount_usd": [3.0, 4.0]})
SUITE_YAML = """
expectations:
  - type: between
    columns_matching: "^amount_"
    min_value: 0
    severity: warning
"""


def test_the_suite_item_round_trips_through_yaml() -> None:
    suite = loads_suite(SUITE_YAML)
    (item,) = suite.expectations
    assert isinstance(item, EachColumn)
    assert item.severity == "warning"
    assert item.to_dict() == {
        "type": "between",
        "columns_matching": "^amount_",
        "min_value": 0,
        "severity": "warning",
    }
    assert loads_suite(suite.dumps()) == suite
    assert loads_suite(suite.dumps("json"), "json") == suite


def test_each_matching_column_gets_its_own_result() -> None:
    result = dg.validate(FRAME, loads_suite(SUITE_YAML), id_columns=["id"])
    eur, usd = result.results
    assert eur.expectation == Between("amount_eur", min_value=0, severity="warning")
    assert usd.expectation.columns == ("amount_usd",)
    assert eur.unexpected_index_list == ({"id": 2},)
    assert usd.passed
    assert result.passed  # warnings only


def test_no_matching_column_is_a_failure() -> None:
    each = EachColumn(columns_matching="^price_", template=NotNull("price_"))
    result = dg.validate(FRAME, [each, RowCountEqual(value=2)])
    missing, rows = result.results
    assert missing.reason is dg.Reason.COLUMN_MISSING
    assert missing.message == "no column matches '^price_'"
    assert rows.passed


def test_split_applies_every_expansion() -> None:
    _, bad = dg.split(FRAME, loads_suite(SUITE_YAML), fail_on="warning")
    assert bad["id"].tolist() == [2]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("type: between\ncolumns_matching: '('\nmin_value: 0", "invalid regular expression"),
        ("type: between\ncolumns_matching: a\ncolumn: b\nmin_value: 0", "not both"),
        ("type: row_count_equal\ncolumns_matching: a\nvalue: 1", "not about one column"),
        ("type: between\ncolumns_matching: 3\nmin_value: 0", "must be a regular expression"),
        ("type: between\ncolumns_matching: a", "give min_value, max_value or both"),
    ],
)
def test_bad_items_are_refused(text: str, message: str) -> None:
    document = "expectations:\n  - " + text.replace("\n", "\n    ")
    with pytest.raises(dg.SuiteError, match=message):
        loads_suite(document)


def test_describe() -> None:
    each = EachColumn(columns_matching="^amount_", template=Between("x", min_value=0))
    assert (
        each.describe()
        == "For every column matching '^amount_': Values of each column are at least 0."
    )


def test_column_names_are_matched_on_re2(monkeypatch: pytest.MonkeyPatch) -> None:
    # (a+)+$ backtracks exponentially in Python on a header of many a's and one b: names come
    # from the data, so they must be searched by RE2 (Arrow's regex kernel), never by re.
    searched: list[list[str]] = []
    kernel = pc.match_substring_regex

    def spy(strings: pa.Array, pattern: str) -> pa.Array:
        searched.append(strings.to_pylist())
        return kernel(strings, pattern)

    monkeypatch.setattr(pc, "match_substring_regex", spy)
    item = EachColumn(columns_matching="(a+)+$", template=NotNull("x"))
    names = ["id", "a" * 30 + "b", "aaa", "caña"]
    assert [e.column for e in item.expand(names)] == ["aaa", "caña"]  # type: ignore[attr-defined]
    assert searched[-1] == names
    unicode = EachColumn(columns_matching=r"^\w+$", template=NotNull("x"))
    assert [e.column for e in unicode.expand(["ééé", "a b"])] == ["ééé"]  # type: ignore[attr-defined]


def test_a_pattern_re2_cannot_run_is_refused_for_column_names() -> None:
    with pytest.raises(dg.SuiteError, match="backreference") as caught:
        loads_suite("expectations:\n  - {type: not_null, columns_matching: '(a)\\1'}\n")
    assert "columns_matching" in str(caught.value)


ONE_COLUMN = [n for n in NAMES if "column" in EXAMPLES[n] and n != EachColumn.name]


@pytest.mark.parametrize("name", ONE_COLUMN)
def test_a_pattern_gives_what_naming_the_column_gives(name: str) -> None:
    # Every expectation about one column, matched by pattern, judges exactly as when named,
    # including those that derive fields from the column when built (a foreign key's key).
    params = dict(EXAMPLES[name])
    column = params.pop("column")
    kind = registered()[name]
    matched = EachColumn.of(f"^{column}$", kind, params)
    run = {"tables": TABLES, "now": NOW}
    by_pattern = dg.validate(DATA, dg.Suite([matched]), **run).results
    named = dg.validate(DATA, dg.Suite([example(name)]), **run).results
    assert [r.to_dict() for r in by_pattern] == [r.to_dict() for r in named]
