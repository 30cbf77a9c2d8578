"""Profiles by group: one sub-profile per group, each the profile of that group's rows alone,
deterministic bytes whatever the batch size, a versioned document and a cap on groups."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard.errors import InputError, ProfileError
from dataguard.profile import load_grouped_profile


def orders(seed: int, rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "carrier": rng.choice(["AA", "DL", "UA"], rows),
            "amount": rng.normal(size=rows),
            "status": rng.choice(["new", "done"], rows),
        }
    )


def test_each_group_is_the_profile_of_its_rows_alone() -> None:
    data = orders(0, 2000)
    grouped = dg.profile(data, group_by=["carrier"])
    assert grouped.group_by == ("carrier",)
    assert list(grouped.groups) == [("AA",), ("DL",), ("UA",)]
    assert grouped.rows == 2000
    for (carrier,), part in grouped.groups.items():
        alone = data[data["carrier"] == carrier].drop(columns="carrier")
        assert part.to_bytes() == dg.profile(alone).to_bytes()


@settings(max_examples=10, deadline=None)
@given(
    rows=st.integers(min_value=1, max_value=300),
    chunk=st.integers(min_value=1, max_value=120),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_bytes_do_not_depend_on_the_batch_size(rows: int, chunk: int, seed: int) -> None:
    data = orders(seed, rows)
    data.loc[data.index % 7 == 0, "carrier"] = None
    whole = dg.profile(data, group_by=["carrier"]).to_bytes()
    assert dg.profile(data, group_by=["carrier"], chunk_size=chunk).to_bytes() == whole


def test_round_trip_and_versions(tmp_path: Path) -> None:
    grouped = dg.profile(orders(1, 500), group_by=["carrier", "status"])
    for name in ("ref.json", "ref.json.gz"):
        path = grouped.save(tmp_path / name)
        assert load_grouped_profile(path).to_bytes() == grouped.to_bytes()
    document = json.loads(grouped.to_bytes())
    assert document["kind"] == "grouped_profile"
    assert document["format_version"] == 1
    assert document["groups"][0]["key"] == ["AA", "done"]
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({**document, "format_version": 99}))
    with pytest.raises(ProfileError, match="newer than this dataguard"):
        load_grouped_profile(newer)
    with pytest.raises(ProfileError, match=r"a profile by group .*compare with it by group"):
        dg.load_profile(tmp_path / "ref.json")
    plain = dg.profile(orders(1, 50)).save(tmp_path / "plain.json")
    with pytest.raises(ProfileError, match="not a profile by group"):
        load_grouped_profile(plain)
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(gzip.compress(json.dumps({**document, "groups": [{"key": []}]}).encode()))
    with pytest.raises(ProfileError, match="groups\\[0\\] needs a key of 2 values"):
        load_grouped_profile(broken)
    nested = {**document, "groups": [{**document["groups"][0], "key": [["AA"], "done"]}]}
    broken.write_bytes(gzip.compress(json.dumps(nested).encode()))
    with pytest.raises(ProfileError, match="text, numbers, booleans or null"):
        load_grouped_profile(broken)


def test_dates_and_numbers_as_group_values_round_trip(tmp_path: Path) -> None:
    data = orders(2, 600).assign(
        day=[dt.date(2026, 12, 1 + i % 3) for i in range(600)],
        bucket=[float(i % 2) if i % 5 else -0.0 for i in range(599)] + [float("inf")],
    )
    grouped = dg.profile(data.drop(columns="carrier"), group_by=["day", "bucket"])
    assert list(grouped.groups) == [
        (day, bucket) for day in ("2026-12-01", "2026-12-02", "2026-12-03") for bucket in (0.0, 1.0)
    ] + [("2026-12-03", "inf")]
    loaded = load_grouped_profile(grouped.save(tmp_path / "days.json"))
    report = dg.drift(data.drop(columns="carrier"), reference=loaded, group_by=["day", "bucket"])
    assert list(report.groups) == list(grouped.groups)
    assert not report.only_current
    assert not report.only_reference


def test_too_many_groups_is_a_clear_error() -> None:
    data = orders(3, 300).assign(order_id=range(300))
    with pytest.raises(ValueError, match="\\['order_id'\\] makes more than 100 groups"):
        dg.profile(data, group_by=["order_id"])
    assert len(dg.profile(data, group_by=["carrier"], max_groups=3).groups) == 3
    with pytest.raises(ValueError, match="more than 2 groups"):
        dg.profile(data, group_by=["carrier"], max_groups=2)


def test_unknown_group_column_suggests_the_closest() -> None:
    with pytest.raises(InputError, match=r"\['carier'\] not found .*did you mean 'carrier'"):
        dg.profile(orders(4, 10), group_by=["carier"])


def test_group_by_and_reference_do_not_mix() -> None:
    data = orders(5, 100)
    with pytest.raises(ValueError, match="not both"):
        dg.profile(data, group_by=["carrier"], reference=dg.profile(data))
