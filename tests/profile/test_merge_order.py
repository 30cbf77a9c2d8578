"""Same data, same bytes: profiles merged from parts in any order and any partition give the
bytes of one profile of all the data (issue 14 item 6)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard.profile import CategoricalProfile, Profile
from dataguard.profile._metrics import NEW_CAP

# A reference whose categories leave most current values outside them: pooled ones and more than
# NEW_CAP (1000) distinct NEW ones, so that each part lists only some of them.
_RNG = np.random.default_rng(20)
REFERENCE = dg.profile(
    pd.DataFrame(
        {
            "word": [f"w{k}" for k in _RNG.zipf(1.3, size=4000) % 1500],
            "x": _RNG.normal(size=4000),
            "y": _RNG.normal(size=4000),
        }
    ),
    categorical_cap=200,
    comoments=True,
)


def current(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 2500
    words = np.where(
        rng.random(n) < 0.6,
        [f"w{k}" for k in rng.zipf(1.3, size=n) % 1500],
        [f"new{k}" for k in rng.integers(0, 5000, size=n)],
    )
    return pd.DataFrame({"word": words, "x": rng.normal(size=n), "y": rng.normal(size=n)})


@st.composite
def partitions(draw: st.DrawFn, n: int) -> list[tuple[int, int]]:
    cuts = draw(st.lists(st.integers(1, n - 1), max_size=6, unique=True))
    bounds = [0, *sorted(cuts), n]
    parts = list(itertools.pairwise(bounds))
    return draw(st.permutations(parts))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**16), data=st.data())
def test_parts_on_a_grid_merge_in_any_order_to_the_whole(seed: int, data: st.DataObject) -> None:
    frame = current(seed)
    whole = dg.profile(frame, reference=REFERENCE)
    pieces = [
        dg.profile(frame.iloc[a:b], reference=REFERENCE)
        for a, b in data.draw(partitions(len(frame)))
    ]
    assert dg.merge_profiles(pieces).to_bytes() == whole.to_bytes()
    column = whole["word"]
    assert isinstance(column, CategoricalProfile)
    assert column.pooled  # values the reference pooled, and more NEW ones than are listed
    assert len(column.new_counts) == NEW_CAP < (column.new or 0)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**16), data=st.data())
def test_small_references_merge_in_any_order_to_the_whole(seed: int, data: st.DataObject) -> None:
    # Sorted by word, so that a run of rows holds few categories: each part keeps all of its
    # own (a part over the cap is refused) while the whole pools some, with ties at the cap.
    rng = np.random.default_rng(seed)
    words = np.sort(rng.integers(0, 40, size=600))
    frame = pd.DataFrame({"word": [f"w{k}" for k in words], "x": rng.normal(size=600)})
    bounds = data.draw(partitions(len(frame)))
    assume(all(len(set(words[a:b])) <= 25 for a, b in bounds))
    pieces = [dg.profile(frame.iloc[a:b], categorical_cap=25) for a, b in bounds]
    whole = dg.profile(frame, categorical_cap=25).to_bytes()
    assert dg.merge_profiles(pieces).to_bytes() == whole


@settings(max_examples=5, deadline=None)
@given(order=st.permutations(["x", "y", "z", "w"]))
def test_comoments_do_not_depend_on_column_order(order: list[str]) -> None:
    rng = np.random.default_rng(3)
    table = pa.table({name: rng.normal(size=500) for name in ["x", "y", "z", "w"]})
    expected = dg.profile(table, comoments=True).to_bytes()
    assert dg.profile(table.select(order), comoments=True).to_bytes() == expected
    halves = [table.select(order).slice(0, 200), table.slice(200)]
    parts = [
        dg.profile(h, reference=dg.profile(table, comoments=True), comoments=True) for h in halves
    ]
    whole = dg.profile(table, reference=dg.profile(table, comoments=True), comoments=True)
    assert dg.merge_profiles(parts).to_bytes() == whole.to_bytes()


def test_comoments_of_older_files_in_another_column_order_load_in_name_order() -> None:
    rng = np.random.default_rng(4)
    table = pa.table({"x": rng.normal(size=300), "y": rng.normal(2, 3, size=300)})
    prof = dg.profile(table, comoments=True)
    doc = prof.to_doc()
    moments = doc["comoments"]
    assert moments["columns"] == ["x", "y"]
    # As an older dataguard wrote it for columns (y, x): sums and the (yy, yx, xx) products.
    moments["columns"].reverse()
    moments["sums"].reverse()
    moments["products"].reverse()
    assert Profile.from_doc(doc).to_bytes() == prof.to_bytes()
