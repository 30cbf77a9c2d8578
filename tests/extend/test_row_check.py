"""Row-level custom expectations behave like built-in row checks."""

from __future__ import annotations

import pickle
from collections.abc import Iterator

import cloudpickle
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard import extend
from dataguard.expectations import registered
from tests.extend.custom import custom_suite
from tests.test_contract import DATA


@pytest.fixture
def clean() -> Iterator[None]:
    """Whatever a test registers is unregistered after it."""
    before = set(registered())
    yield
    for name in set(registered()) - before:
        extend.unregister(name)


def _dicts(result: dg.ValidationResult) -> list[dict[str, object]]:
    return [r.to_dict() for r in result.results]


def test_custom_checks_give_the_same_results_for_every_batch_size() -> None:
    with custom_suite() as suite:
        whole = dg.validate(DATA, suite, result_format="complete", id_columns=("id",))
        for chunk_size in (1, 3, 7):
            chunked = dg.validate(
                DATA, suite, result_format="complete", id_columns=("id",), chunk_size=chunk_size
            )
            assert _dicts(chunked) == _dicts(whole)
    even, odd_late, pair, summary, summary_where = whole.results
    # y is 1, 2, 3, 1, 2, 3, ...: 7 of the 20 values are even.
    assert even.unexpected_count == 13
    assert even.passed is False
    assert even.partial_unexpected_list[:3] == (1, 3, 1)
    assert odd_late.element_count == 15
    assert odd_late.unexpected_count == 5
    assert pair.missing_count == 4  # rows where x is null are not judged
    x = DATA.to_pandas()["x"]
    assert summary.passed
    assert summary.observed_value == pytest.approx(
        [20, 4, x.min(), x.max(), x.mean(), x.sum(), x.std(), x.nunique(), x.quantile(0.9)]
    )
    assert summary_where.observed_value[0] == 13


def test_a_row_check_matches_a_hand_computation() -> None:
    with custom_suite() as suite:
        pair = dg.validate(DATA, suite).results[2]
    frame = DATA.to_pandas()
    present = frame["x"].notna()
    expected = int(((frame["y"] + 0.5 > frame["x"]) & present).sum())
    assert pair.unexpected_count == expected


def test_split_and_yaml_round_trip() -> None:
    with custom_suite() as suite:
        text = suite.dumps()
        assert dg.Suite.from_dict(yaml.safe_load(text)) == suite
        good, bad = dg.split(DATA.to_pandas(), suite.expectations[1:2])
        assert set(bad["y"]) == {2}
        assert len(bad) == 5
        assert len(good) == 15


def test_parameters_are_checked_and_coerced_like_built_ins() -> None:
    with custom_suite():
        cls = registered()["test_ordered_pair"]
        coerced = cls.from_dict({"low": "a", "high": "b", "gap": 1}).to_dict()
        assert coerced["gap"] == 1.0
        assert type(coerced["gap"]) is float
        with pytest.raises(dg.SuiteError, match="gap") as bad:
            dg.Suite.from_dict(
                {
                    "expectations": [
                        {"type": "test_ordered_pair", "low": "a", "high": "b", "gap": "x"}
                    ]
                }
            )
        assert "expected float" in str(bad.value)
        with pytest.raises(dg.SuiteError, match="needs high"):
            cls.from_dict({"low": "a"})
        with pytest.raises(dg.SuiteError, match="unknown parameter 'gaps'"):
            cls.from_dict({"low": "a", "high": "b", "gaps": 1})
        with pytest.raises(dg.SuiteError, match="mostly"):
            cls.from_dict({"low": "a", "high": "b", "mostly": 2})


def test_a_column_of_the_wrong_kind_is_a_type_mismatch() -> None:
    with custom_suite() as suite:
        result = dg.validate(DATA, [dg.expectations.lookup("test_even").from_dict({"column": "s"})])
        assert suite
    assert result.results[0].reason == dg.Reason.TYPE_MISMATCH


@pytest.mark.usefixtures("clean")
def test_a_null_verdict_fails_and_a_bad_mask_is_an_error_result() -> None:
    @extend.row_check("maybe")
    def maybe(column: pa.Array) -> pa.Array:
        return pa.array([True, None, False])

    @extend.row_check("short")
    def short(column: pa.Array) -> np.ndarray:
        return np.ones(1, dtype=bool)

    @extend.row_check("numbers")
    def numbers(column: pa.Array) -> pa.Array:
        return column

    frame = pd.DataFrame({"n": [1, 2, 3]})
    suite = dg.Suite.from_dict(
        {"expectations": [{"type": t, "column": "n"} for t in ("maybe", "short", "numbers")]}
    )
    maybe_result, short_result, numbers_result = dg.validate(frame, suite).results
    assert maybe_result.unexpected_count == 2
    assert short_result.reason == numbers_result.reason == dg.Reason.ERROR
    assert "1 values for 3 rows" in short_result.message
    assert "int64 values" in numbers_result.message


@pytest.mark.usefixtures("clean")
def test_names_cannot_shadow_built_ins_or_other_functions() -> None:
    def even(column: pa.Array) -> pa.Array:
        return pc.equal(pc.bit_wise_and(column, 1), 0)

    with pytest.raises(ValueError, match="built-in"):
        extend.row_check("between")(even)
    extend.row_check("even_values")(even)

    def other(column: pa.Array) -> pa.Array:
        return pc.equal(column, 0)

    with pytest.raises(ValueError, match=r"already registered by .*even"):
        extend.row_check("even_values")(other)
    # The same function again (a re-import) replaces the definition.
    extend.row_check("even_values", accepts="integer")(even)
    assert registered()["even_values"].accepts == {"integer"}
    with pytest.raises(ValueError, match="built-in"):
        extend.unregister("between")
    with pytest.raises(dg.UnknownExpectationError):
        extend.unregister("no_such_check")


@pytest.mark.usefixtures("clean")
def test_bad_declarations_are_refused_at_registration() -> None:
    def star(column: pa.Array, *rest: int) -> pa.Array:
        return column

    def untyped(column, factor):  # type: ignore[no-untyped-def]
        return column

    def frame_param(column: pa.Array, data: pd.DataFrame) -> pa.Array:
        return column

    def reserved(column: pa.Array, mostly: float) -> pa.Array:
        return column

    def no_column(values: pa.Array) -> pa.Array:
        return values

    cases = [
        (star, "args"),
        (untyped, "needs a type annotation"),
        (frame_param, "has type"),
        (reserved, "reserved"),
        (no_column, "no parameter 'column'"),
    ]
    for function, message in cases:
        with pytest.raises(ValueError, match=message):
            extend.row_check("bad_check")(function)
    with pytest.raises(ValueError, match="column kind"):
        extend.row_check("bad_check", accepts="text")
    with pytest.raises(ValueError, match="snake_case"):
        extend.row_check("Bad-Check")(_factor)
    with pytest.raises(dg.SuiteError, match="factor"):
        extend.row_check("bad_check", example={"column": "n", "factor": "x"})(_factor)
    assert "bad_check" not in registered()


def _factor(column: pa.Array, factor: int = 2) -> pa.Array:
    return column


@pytest.mark.usefixtures("clean")
def test_an_example_is_kept_for_the_docs() -> None:
    extend.row_check("factor_check", example={"column": "n", "factor": 3})(_factor)
    kept = registered()["factor_check"].example  # type: ignore[attr-defined]
    assert kept == {"column": "n", "factor": 3}


def test_an_expectation_pickles_by_reference_and_by_value() -> None:
    with custom_suite() as suite:
        here = dg.validate(DATA, suite, result_format="complete")
        # The functions are local: cloudpickle sends them by value, and a new class is built.
        travelled = cloudpickle.loads(cloudpickle.dumps(suite))
        assert type(travelled.expectations[0]) is not type(suite.expectations[0])
        assert travelled.expectations[0].to_dict() == suite.expectations[0].to_dict()
        there = dg.validate(DATA, travelled, result_format="complete")
        assert _dicts(there) == _dicts(here)


@pytest.mark.usefixtures("clean")
def test_a_module_level_function_pickles_by_reference() -> None:
    extend.row_check("factor_check")(_factor)
    expectation = registered()["factor_check"].from_dict({"column": "n"})
    copy = pickle.loads(pickle.dumps(expectation))
    assert type(copy) is type(expectation)
    assert copy == expectation


@pytest.mark.usefixtures("clean")
def test_a_custom_check_counts_as_the_built_in_it_restates() -> None:
    """A custom range check finds the rows ``between`` finds, for any values and batch size."""

    @extend.row_check("within", accepts="numeric")
    def within(column: pa.Array, low: float, high: float) -> pa.Array:
        return pc.and_(pc.greater_equal(column, low), pc.less_equal(column, high))

    custom = registered()["within"].from_dict({"column": "x", "low": -1, "high": 1})
    builtin = dg.expectations.Between("x", min_value=-1.0, max_value=1.0)
    values = st.lists(st.one_of(st.none(), st.floats(-3, 3)), max_size=40)

    @settings(max_examples=30, deadline=None)
    @given(values, st.integers(1, 8))
    def check(xs: list[float | None], chunk_size: int) -> None:
        table = pa.table({"x": pa.array(xs, pa.float64())})
        mine, theirs = dg.validate(
            table, [custom, builtin], result_format="complete", chunk_size=chunk_size
        ).results
        assert mine.unexpected_index_list == theirs.unexpected_index_list
        assert (mine.element_count, mine.missing_count) == (
            theirs.element_count,
            theirs.missing_count,
        )
        assert mine.passed == theirs.passed

    check()
