"""Expectations judged per group (``group_by``): the same as validating each group's rows alone."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard.expectations import (
    Between,
    ColumnExists,
    Context,
    Expectation,
    Increasing,
    MeanBetween,
    MedianBetween,
    NotNull,
    Unique,
    registered,
)
from dataguard.metrics import (
    Grouped,
    Metric,
    RowCount,
    StateCodecError,
    ValueCounts,
    encode_state,
)
from dataguard.suite import loads_suite
from tests.extend.custom import custom_suite
from tests.test_contract import DATA, EXAMPLES, NAMES, NOW, TABLES, example

#: Three groups, one of them the rows whose key is missing, interleaved through the data.
GROUP = pa.array([("p", "q", None, "q")[k % 4] for k in range(DATA.num_rows)], pa.string())
GROUPED_DATA = DATA.append_column("g", GROUP)
KEYS = ("p", "q", None)

#: Every registered expectation that reads rows and is not itself about groups.
ROW_READERS = [
    name for name in NAMES if registered()[name].reads_rows and not registered()[name].groups_itself
]


def _rows_of(key: str | None) -> pa.Array:
    mask = pc.is_null(GROUP) if key is None else pc.fill_null(pc.equal(GROUP, key), False)
    return pc.indices_nonzero(mask)


def _fields(result: dg.ExpectationResult, rows: list[int] | None = None) -> dict[str, Any]:
    """What a result says about the data, its row numbers mapped through ``rows`` (a group's
    rows in the whole data)."""
    index = list(result.unexpected_index_list)
    if rows is not None:
        index = [rows[i] for i in index]
    return {
        "passed": result.passed,
        "reason": result.reason,
        "observed_value": result.observed_value,
        "element_count": result.element_count,
        "missing_count": result.missing_count,
        "unexpected_count": result.unexpected_count,
        "partial_unexpected_list": result.partial_unexpected_list,
        "unexpected_list": result.unexpected_list,
        "unexpected_index_list": index,
        "details": dict(result.details),
    }


@pytest.mark.parametrize("name", ROW_READERS)
def test_groups_equal_validating_each_group_alone(name: str) -> None:
    expectation = example(name)
    grouped = registered()[name].from_dict({**EXAMPLES[name], "group_by": ["g"]})
    whole = dg.validate(
        GROUPED_DATA, [grouped], result_format="complete", tables=TABLES, now=NOW
    ).results
    assert [r.group for r in whole] == [{"g": key} for key in KEYS]
    for key, result in zip(KEYS, whole, strict=True):
        rows = _rows_of(key)
        alone = dg.validate(
            DATA.take(rows), [expectation], result_format="complete", tables=TABLES, now=NOW
        ).results
        assert len(alone) == 1
        assert result.reason is not dg.Reason.ERROR, result.message
        assert _fields(result) == _fields(alone[0], rows.to_pylist()), key


@pytest.mark.parametrize("name", ROW_READERS)
def test_groups_do_not_depend_on_the_batch_size(name: str) -> None:
    grouped = registered()[name].from_dict({**EXAMPLES[name], "group_by": ["g", "y"]})
    runs = [
        dg.validate(
            GROUPED_DATA,
            [grouped],
            result_format="complete",
            id_columns=("id",),
            chunk_size=chunk_size,
            tables=TABLES,
            now=NOW,
        )
        for chunk_size in (None, 1, 6)
    ]
    documents = [[r.to_dict() for r in run.results] for run in runs]
    assert documents[1] == documents[0]
    assert documents[2] == documents[0]


FRAME = pa.table(
    {
        "carrier": ["AA", "UA", "AA", None, "UA", "AA", "DL", "AA"],
        "delay": [1.0, 2.0, None, 4.0, -5.0, 6.0, 7.0, None],
        "id": [1, 2, 3, 4, 5, 6, 7, 1],
    }
)


def test_groups_come_in_key_order_with_the_missing_key_last() -> None:
    result = dg.validate(FRAME, [NotNull("delay", group_by=["carrier"])])
    assert [r.group for r in result.results] == [
        {"carrier": "AA"},
        {"carrier": "DL"},
        {"carrier": "UA"},
        {"carrier": None},
    ]
    aa = result.results[0]
    assert (aa.element_count, aa.unexpected_count, aa.unexpected_index_list) == (4, 2, (2, 7))
    assert result.to_dict()["results"][0]["group"] == {"carrier": "AA"}
    assert result.statistics.evaluated == 4


def test_mostly_applies_to_each_group_and_the_worst_group_is_named() -> None:
    result = dg.validate(FRAME, [NotNull("delay", group_by=["carrier"], mostly=0.6)])
    passed = {r.group["carrier"]: r.passed for r in result.results if r.group is not None}
    assert passed == {"AA": False, "DL": True, "UA": True, None: True}
    (failed,) = result.failures
    assert failed.message.endswith("; worst group carrier='AA': 50% unexpected")
    assert "[carrier='AA']" in repr(failed)


def test_the_worst_group_is_the_one_with_most_unexpected_values() -> None:
    result = dg.validate(FRAME, [Between("delay", min_value=0, group_by="carrier")])
    worst = "; worst group carrier='UA': 50% unexpected"
    assert [r.message.endswith(worst) for r in result.failures] == [True]


def test_a_suite_groups_every_expectation_that_reads_rows() -> None:
    suite = dg.Suite(
        [NotNull("delay"), ColumnExists(column="delay"), MeanBetween("delay", max_value=100)],
        group_by=("carrier",),
    )
    result = dg.validate(FRAME, suite)
    names = [(r.expectation.name, (r.group or {}).get("carrier", "-")) for r in result.results]
    assert names == [
        ("not_null", "AA"),
        ("not_null", "DL"),
        ("not_null", "UA"),
        ("not_null", None),
        ("column_exists", "-"),
        ("mean_between", "AA"),
        ("mean_between", "DL"),
        ("mean_between", "UA"),
        ("mean_between", None),
    ]
    assert result.results[4].group is None


def test_an_expectation_groups_by_its_own_columns_over_the_suites() -> None:
    suite = dg.Suite([NotNull("delay", group_by=["id"])], group_by=("carrier",))
    result = dg.validate(FRAME, suite)
    assert [r.group for r in result.results][:2] == [{"id": 1}, {"id": 2}]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_suite_file_declares_group_by_and_max_groups(fmt: str, tmp_path: Path) -> None:
    suite = dg.Suite(
        [NotNull("delay", group_by=["carrier"], max_groups=10), Unique("id")],
        group_by=("carrier",),
        max_groups=50,
    )
    path = suite.dump(tmp_path / f"suite.{fmt}")
    again = dg.load_suite(path)
    assert again == suite
    document = again.to_dict()
    assert (document["group_by"], document["max_groups"]) == (["carrier"], 50)
    assert document["expectations"][0]["group_by"] == ["carrier"]


def test_one_group_column_may_be_named_alone() -> None:
    suite = loads_suite("group_by: carrier\nexpectations:\n  - {type: not_null, column: x}\n")
    assert suite.group_by == ("carrier",)
    assert NotNull("x", group_by="carrier").group_by == ("carrier",)  # type: ignore[arg-type]


def test_schema_expectations_take_no_group_by() -> None:
    text = "expectations:\n  - type: column_exists\n    column: x\n    group_by: [carrier]\n"
    with pytest.raises(dg.SuiteError, match=r"line 4.*column_exists reads no rows.*group_by"):
        loads_suite(text)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("group_by: [a, a]", r"line 1.*'a' is listed twice in group_by"),
        ("group_by: 3", r"line 1.*group_by must be a column name or a list"),
        ("max_groups: 0", r"line 1.*max_groups must be at least 1"),
        ("max_groups: many", r"line 1.*max_groups must be an integer"),
    ],
)
def test_bad_suite_grouping_options_are_located(text: str, problem: str) -> None:
    with pytest.raises(dg.SuiteError, match=problem):
        loads_suite(text + "\nexpectations: []\n")


def test_an_unknown_group_column_fails_like_a_missing_column() -> None:
    result = dg.validate(FRAME, [NotNull("delay", group_by=["carier"]), NotNull("id")])
    missing, other = result.results
    assert missing.reason is dg.Reason.COLUMN_MISSING
    assert missing.message == "group column 'carier' not found; did you mean 'carrier'?"
    assert missing.group is None
    assert other.passed


def test_too_many_groups_fail_the_expectation_naming_the_count() -> None:
    result = dg.validate(FRAME, [NotNull("delay", group_by=["id"], max_groups=3)])
    (failed,) = result.results
    assert failed.reason is dg.Reason.TOO_MANY_GROUPS
    assert failed.message.startswith("group_by 'id' found 7 groups, more than max_groups 3")
    assert failed.observed_value == 7


def test_the_cap_on_groups_comes_from_the_expectation_the_suite_or_the_call() -> None:
    by_id = NotNull("delay", group_by=["id"])
    capped = dg.validate(FRAME, [by_id], max_groups=5).results
    assert [r.reason for r in capped] == [dg.Reason.TOO_MANY_GROUPS]
    suite = dg.Suite([by_id], max_groups=10)
    assert len(dg.validate(FRAME, suite, max_groups=5).results) == 7
    own = dg.Suite([NotNull("delay", group_by=["id"], max_groups=2)], max_groups=10)
    assert [r.reason for r in dg.validate(FRAME, own).results] == [dg.Reason.TOO_MANY_GROUPS]
    with pytest.raises(ValueError, match="max_groups"):
        dg.validate(FRAME, [by_id], max_groups=0)


def test_no_rows_judge_the_expectation_once_without_a_group() -> None:
    result = dg.validate(FRAME.slice(0, 0), [NotNull("delay", group_by=["carrier"])])
    (only,) = result.results
    assert only.group is None
    assert only.passed
    assert "group" not in only.to_dict()


def test_a_row_condition_restricts_the_groups_rows() -> None:
    grouped = Between("delay", min_value=0, group_by=["carrier"], where="id > 2")
    result = dg.validate(FRAME, [grouped])
    assert [r.group for r in result.results] == [
        {"carrier": "AA"},
        {"carrier": "DL"},
        {"carrier": "UA"},
        {"carrier": None},
    ]
    assert result.results[2].unexpected_index_list == (4,)


def test_grouped_and_whole_judgements_of_one_metric_stay_apart() -> None:
    suite = [
        MedianBetween("delay", max_value=100),
        MedianBetween("delay", group_by=["carrier"], max_value=100),
    ]
    result = dg.validate(FRAME, suite)
    medians = [r.observed_value for r in result.results]
    assert medians == [3.0, 3.5, 7.0, -1.5, 4.0]


def test_expectations_that_group_themselves_are_left_alone() -> None:
    @dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
    class GroupCount(Expectation):
        name: ClassVar[str] = "group_count"
        groups_itself: ClassVar[bool] = True

        def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
            return (ValueCounts(self.group_by[0]),)

        def evaluate(self, ctx: Context) -> dg.ExpectationResult:
            counts = ctx.values[ValueCounts(self.group_by[0])]
            return self.result(True, dg.Reason.PASSED, "counted", observed_value=len(counts.values))

        def sentence(self) -> str:
            return "Groups are counted."

    result = dg.validate(FRAME, dg.Suite([GroupCount(group_by=("carrier",))], group_by=("id",)))
    (only,) = result.results
    assert only.group is None
    assert only.observed_value == 3


def test_groups_of_categorical_and_float_columns() -> None:
    frame = pd.DataFrame(
        {
            "carrier": pd.Categorical(["AA", "UA", None, "AA", "UA", "AA"]),
            "rate": [0.0, -0.0, np.nan, None, 1.5, 0.0],
            "delay": [1.0, None, 3.0, 4.0, None, 6.0],
        }
    )
    result = dg.validate(frame, [NotNull("delay", group_by=["carrier", "rate"])])
    groups = [(r.group or {}).values() for r in result.results]
    assert [tuple(g) for g in groups] == [
        ("AA", 0.0),
        ("AA", None),
        ("UA", 0.0),
        ("UA", 1.5),
        (None, None),
    ]
    assert [r.unexpected_index_list for r in result.results] == [(), (), (1,), (4,), ()]
    assert [r.element_count for r in result.results] == [2, 1, 1, 1, 1]


def test_split_judges_rows_alike_in_any_group() -> None:
    rules = [NotNull("delay", group_by=["carrier"]), Between("delay", min_value=0)]
    good, bad = dg.split(FRAME, dg.Suite(rules, group_by=("carrier",)))
    assert bad.column("id").to_pylist() == [3, 5, 1]
    assert good.num_rows == 5


def test_split_refuses_rules_whose_verdict_depends_on_the_group() -> None:
    text = "group_by: [carrier]\nexpectations:\n  - {type: not_null, column: id}\n"
    text += "  - type: unique\n    column: id\n"
    with pytest.raises(dg.SuiteError, match=r"line 4.*split cannot judge unique per group"):
        dg.split(FRAME, loads_suite(text))
    own = [Increasing("delay", group_by=["carrier"])]
    with pytest.raises(dg.SuiteError, match=r"expectations\[0\]\.group_by: split cannot"):
        dg.split(FRAME, own)


@st.composite
def grouped_frames(draw: st.DrawFn) -> pa.Table:
    n = draw(st.integers(min_value=0, max_value=30))
    keys = st.one_of(st.none(), st.sampled_from(["a", "b", "c"]))
    numbers = st.one_of(st.none(), st.integers(-5, 5), st.just(float("nan")))
    return pa.table(
        {
            "g": pa.array(draw(st.lists(keys, min_size=n, max_size=n)), pa.string()),
            "h": pa.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)), pa.int64()),
            "x": pa.array(draw(st.lists(numbers, min_size=n, max_size=n)), pa.float64()),
        }
    )


GROUPED_SUITE = dg.Suite(
    [
        NotNull("x", mostly=0.5),
        Unique("x"),
        Increasing("x"),
        MeanBetween("x", min_value=0),
        MedianBetween("x", max_value=1),
        Between("x", min_value=-2, group_by=["h"]),
    ],
    group_by=("g", "h"),
)


@settings(max_examples=30, deadline=None)
@given(table=grouped_frames(), chunk_size=st.integers(min_value=1, max_value=8))
def test_groups_are_the_same_for_any_batch_size(table: pa.Table, chunk_size: int) -> None:
    whole = dg.validate(table, GROUPED_SUITE, result_format="complete")
    chunked = dg.validate(table, GROUPED_SUITE, result_format="complete", chunk_size=chunk_size)
    assert [r.to_dict() for r in chunked.results] == [r.to_dict() for r in whole.results]


def test_the_worst_group_of_an_aggregate_is_the_first_failed_with_its_statistic() -> None:
    result = dg.validate(FRAME, [MeanBetween("delay", min_value=0, group_by=["carrier"])])
    (failed,) = result.failures
    assert failed.message == "mean -1.5 is not at least 0; worst group carrier='UA': observed -1.5"


def test_bytes_that_are_not_group_states_are_refused() -> None:
    grouped = Grouped(RowCount(), ("g",), 10)
    with pytest.raises(StateCodecError, match="not the states of groups"):
        grouped.decode(encode_state({"rows": 3}))


def test_custom_expectations_are_judged_per_group_too() -> None:
    with custom_suite() as suite:
        grouped = dg.Suite(suite.expectations, group_by=("g",))
        results = dg.validate(GROUPED_DATA, grouped, result_format="complete").results
        for key in KEYS:
            rows = _rows_of(key)
            alone = dg.validate(DATA.take(rows), suite, result_format="complete").results
            mine = [r for r in results if r.group == {"g": key}]
            assert [_fields(r) for r in mine] == [_fields(r, rows.to_pylist()) for r in alone]
