"""Observed values of any JSON shape come back from the history as the result document held
them, and numbers are also stored as numbers for trends."""

from __future__ import annotations

import dataclasses
import itertools
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard.expectations import NotNull
from dataguard.history import History, append_run, expectation_key

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)
BASE = dg.validate({"id": [1, 2]}, [NotNull("id")])


#: A fresh dataset name for each example, so that examples share one database.
NAMES = (f"data{i}" for i in itertools.count())


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("history") / "runs.db"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(float(value)) else None


@settings(max_examples=25)
@given(values=st.lists(JSON, min_size=1, max_size=3))
def test_observed_values_round_trip(path: Path, values: list[Any]) -> None:
    check = NotNull("id")
    dataset = next(NAMES)
    for i, value in enumerate(values):
        result = check.result(True, dg.Reason.PASSED, "ok", observed_value=value)
        run = dataclasses.replace(BASE.run, started_at=BASE.run.started_at.replace(microsecond=i))
        append_run(path, dataclasses.replace(BASE, results=(result,), run=run), dataset=dataset)
    with History(path) as history:
        assert history.observed_values(dataset, expectation_key(check)) == values
        points = history.series("not_null(id).observed", dataset=dataset)
    assert [p.value for p in points] == [_number(v) for v in values]
