"""The shared "did you mean" hint of error messages."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import dataguard as dg
from dataguard.compat.gx import suite_from_gx
from dataguard.errors import MAX_SUGGESTED, did_you_mean, suggestion


def test_one_missing_name_gets_up_to_three_close_names() -> None:
    assert did_you_mean(["amout"], ["amount", "amounts", "id"]) == (
        "; did you mean 'amount' or 'amounts'?"
    )
    assert did_you_mean(["amout"], ["amount", "amounts"], most=1) == "; did you mean 'amount'?"
    assert did_you_mean(["zzz"], ["amount"]) == ""


def test_several_missing_names_get_the_closest_each() -> None:
    hint = did_you_mean(["amout", "custmer"], ["amount", "customer"])
    assert hint == "; did you mean 'amount' for 'amout', 'customer' for 'custmer'?"


def test_over_long_names_are_neither_matched_nor_suggested() -> None:
    long = "a" * MAX_SUGGESTED
    assert did_you_mean([long + "x"], [long + "y"]) == ""
    assert did_you_mean(["ab"], ["a" * (MAX_SUGGESTED + 1), "abc"]) == "; did you mean 'abc'?"


def test_a_suggestion_names_every_alternative() -> None:
    assert suggestion(["a", "b"]) == "did you mean 'a' or 'b'?"
    assert suggestion([]) == ""


@pytest.mark.parametrize(
    ("load", "words"),
    [
        (
            lambda: dg.Suite.from_dict({"expectations": [{"type": "not_nul", "column": "a"}]}),
            "unknown expectation type 'not_nul'; did you mean 'not_null'?",
        ),
        (
            lambda: dg.Suite.from_dict({"expectatons": []}),
            "unknown key 'expectatons'; did you mean 'expectations'?",
        ),
        (
            lambda: dg.Suite.from_dict(
                {"expectations": [{"type": "not_null", "column": "a", "severty": "info"}]}
            ),
            "unknown parameter 'severty' for not_null; did you mean 'severity'?",
        ),
        (
            lambda: suite_from_gx(
                {
                    "expectations": [
                        {"type": "expect_column_values_to_not_be_nul", "kwargs": {"column": "a"}}
                    ]
                }
            ),
            "did you mean 'expect_column_values_to_not_be_null'?",
        ),
        (
            lambda: suite_from_gx(
                {
                    "expectations": [
                        {
                            "type": "expect_column_values_to_not_be_null",
                            "kwargs": {"column": "a", "mostli": 0.5},
                        }
                    ]
                }
            ),
            "unknown kwarg 'mostli' for expect_column_values_to_not_be_null; "
            "did you mean 'mostly'?",
        ),
    ],
)
def test_every_place_words_the_hint_alike(load: Callable[[], object], words: str) -> None:
    with pytest.raises(dg.SuiteError) as info:
        load()
    assert words in str(info.value)


@pytest.mark.parametrize(
    "document",
    [
        {"expectations": [{"type": "not_null" + "l" * MAX_SUGGESTED, "column": "a"}]},
        {"expectations" + "s" * MAX_SUGGESTED: []},
        {
            "expectations": [
                {"type": "not_null", "column": "a", "severity" + "y" * MAX_SUGGESTED: 1}
            ]
        },
    ],
)
def test_no_place_compares_over_long_names(document: dict[str, object]) -> None:
    with pytest.raises(dg.SuiteError) as info:
        dg.Suite.from_dict(document)
    assert "did you mean" not in str(info.value)
