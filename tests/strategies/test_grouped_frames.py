"""Frames drawn for a suite judged per group pass it as ``validate`` judges it, group by group."""

from __future__ import annotations

from hypothesis import given, settings

import dataguard as dg
from dataguard.expectations import Increasing, InSet, MeanBetween, NotNull, Unique

SUITE = dg.Suite(
    [
        InSet("g", value_set=["a", "b"]),
        NotNull("g"),
        MeanBetween("x", min_value=0, max_value=1),
        Unique("id"),
        Increasing("x"),
    ],
    group_by=("g",),
)


@settings(max_examples=10, deadline=None)
@given(frame=SUITE.strategy())
def test_frames_pass_every_group(frame: object) -> None:
    assert dg.validate(frame, SUITE).passed


def test_an_example_passes_every_group() -> None:
    result = dg.validate(SUITE.example(12), SUITE)
    assert result.passed
    assert all(r.group is not None for r in result.results)
