"""Drift by group: each group's report is drift on that group's rows alone, in one pass over the
current data; groups on one side only are listed; every value is escaped in the report."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import dataguard as dg
from dataguard._drift_formats import grouped_drift_junit, grouped_drift_text
from dataguard.errors import InputError, ProfileError
from dataguard.notify import summary


def frame(
    seed: int, rows: int, shift: float, groups: tuple[Any, ...] = ("a", "b", "c")
) -> pd.DataFrame:
    """Three groups; the ``b`` group's ``amount`` moved by ``shift`` and its ``status`` mix
    changed when ``shift`` is not zero."""
    rng = np.random.default_rng(seed)
    group = rng.choice(np.array(groups, dtype=object), rows)
    moved = np.array([g == "b" for g in group])
    status = np.where(
        moved & (shift != 0),
        rng.choice(["new", "done", "lost"], rows),
        rng.choice(["new", "done"], rows),
    )
    return pd.DataFrame(
        {
            "carrier": group,
            "amount": rng.normal(size=rows) + np.where(moved, shift, 0.0),
            "status": status,
            "small": rng.integers(0, 5, rows),
        }
    )


REFERENCE = frame(1, 3000, 0.0)
CURRENT = frame(2, 3000, 0.4)


def without_run(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in ("run", "group")}


def rows_of(data: pd.DataFrame, value: Any) -> pd.DataFrame:
    keep = data["carrier"].isna() if value is None else data["carrier"] == value
    return data[keep].drop(columns="carrier").reset_index(drop=True)


@pytest.mark.parametrize("as_profile", [False, True])
@pytest.mark.parametrize("chunk_size", [None, 257])
def test_each_group_equals_drift_on_its_rows_alone(
    as_profile: bool, chunk_size: int | None
) -> None:
    reference: Any = dg.profile(REFERENCE, group_by=["carrier"]) if as_profile else REFERENCE
    report = dg.drift(CURRENT, reference=reference, group_by=["carrier"], chunk_size=chunk_size)
    assert list(report.groups) == [("a",), ("b",), ("c",)]
    for (value,), group in report.groups.items():
        alone = dg.drift(rows_of(CURRENT, value), reference=rows_of(REFERENCE, value))
        assert without_run(group.to_dict()) == without_run(alone.to_dict())
    assert report.drifted
    assert report.drifted_groups == (("b",),)
    assert report.worst_group == ("b",)
    assert set(report.groups[("b",)].drifted_columns) == {"amount", "status"}


def test_no_drift_in_any_group_is_no_drift() -> None:
    report = dg.drift(frame(3, 3000, 0.0), reference=REFERENCE, group_by=["carrier"])
    assert not report.drifted
    assert report.worst_group is None
    assert report.to_dict()["worst_group"] is None


def test_the_current_data_is_read_once() -> None:
    """A one-shot stream of batches can be read only once: every group is counted in it."""
    table = pa.Table.from_pandas(CURRENT, preserve_index=False)

    def batches() -> Iterator[pa.RecordBatch]:
        yield from table.to_batches(max_chunksize=500)

    once = dg.drift(batches(), reference=REFERENCE, group_by=["carrier"])
    whole = dg.drift(CURRENT, reference=REFERENCE, group_by=["carrier"])
    assert [without_run(r.to_dict()) for r in once.groups.values()] == [
        without_run(r.to_dict()) for r in whole.groups.values()
    ]


def test_groups_on_one_side_are_listed_not_compared() -> None:
    reference = frame(4, 2000, 0.0, groups=("a", "b", "gone"))
    current = frame(5, 2000, 0.0, groups=("a", "b", "new"))
    report = dg.drift(current, reference=reference, group_by=["carrier"])
    assert list(report.groups) == [("a",), ("b",)]
    assert list(report.only_reference) == [("gone",)]
    assert list(report.only_current) == [("new",)]
    assert report.only_current[("new",)] == int((current["carrier"] == "new").sum())
    document = report.to_dict()
    assert document["only_reference"][0]["group"] == {"carrier": "gone"}
    assert document["only_current"][0]["rows"] == report.only_current[("new",)]


def test_groups_sharing_nothing_are_an_error() -> None:
    with pytest.raises(InputError, match="no group of \\['carrier'\\] is in both"):
        dg.drift(
            frame(6, 500, 0.0, groups=("x",)),
            reference=frame(7, 500, 0.0, groups=("y",)),
            group_by=["carrier"],
        )


def test_a_missing_group_value_is_a_group_of_its_own() -> None:
    reference = REFERENCE.assign(carrier=REFERENCE["carrier"].where(REFERENCE["carrier"] != "c"))
    current = CURRENT.assign(carrier=CURRENT["carrier"].where(CURRENT["carrier"] != "c"))
    report = dg.drift(current, reference=reference, group_by=["carrier"])
    assert list(report.groups) == [(None,), ("a",), ("b",)]
    alone = dg.drift(rows_of(current, None), reference=rows_of(reference, None))
    assert without_run(report.groups[(None,)].to_dict()) == without_run(alone.to_dict())
    assert report.to_dict()["groups"][0]["group"] == {"carrier": None}
    assert "== carrier=null: " in grouped_drift_text(report)
    assert 'name="amount [carrier=null]"' in grouped_drift_junit(report)


def test_two_group_columns() -> None:
    reference = REFERENCE.assign(half=REFERENCE.index % 2)
    current = CURRENT.assign(half=CURRENT.index % 2)
    report = dg.drift(current, reference=reference, group_by=["carrier", "half"])
    assert len(report.groups) == 6
    assert {("b", 0), ("b", 1)} <= set(report.drifted_groups)
    for (carrier, half), group in report.groups.items():
        keep = (current["carrier"] == carrier) & (current["half"] == half)
        keep_ref = (reference["carrier"] == carrier) & (reference["half"] == half)
        alone = dg.drift(
            current[keep].drop(columns=["carrier", "half"]),
            reference=reference[keep_ref].drop(columns=["carrier", "half"]),
        )
        assert without_run(group.to_dict()) == without_run(alone.to_dict())


def test_json_carries_each_group() -> None:
    report = dg.drift(CURRENT, reference=REFERENCE, group_by=["carrier"])
    document = json.loads(report.to_json())
    assert document["kind"] == "drift_by_group"
    assert document["group_by"] == ["carrier"]
    assert [g["group"] for g in document["groups"]] == [
        {"carrier": "a"},
        {"carrier": "b"},
        {"carrier": "c"},
    ]
    assert document["drifted_groups"] == [{"carrier": "b"}]
    assert document["worst_group"] == {"carrier": "b"}
    assert all(g["kind"] == "drift" for g in document["groups"])


def test_groups_validate_against_the_drift_schema(
    assert_schema_valid: Callable[[dg.DriftReport], None],
) -> None:
    report = dg.drift(CURRENT, reference=REFERENCE, group_by=["carrier"])
    for group in report.groups.values():
        assert_schema_valid(group)


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"group_by": ["carier"]}, InputError, "did you mean 'carrier'"),
        ({"group_by": []}, ValueError, "non-empty"),
        ({"group_by": ["carrier"], "multivariate": True}, ValueError, "not computed by group"),
        ({"group_by": ["carrier"], "max_groups": 2}, ValueError, "more than 2 groups"),
        ({"group_by": ["carrier"], "max_groups": 0}, ValueError, "at least 1"),
    ],
)
def test_bad_grouping_is_a_clear_error(
    options: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        dg.drift(CURRENT, reference=REFERENCE, **options)


def test_the_reference_profile_must_be_grouped_the_same_way() -> None:
    with pytest.raises(ProfileError, match="not grouped"):
        dg.drift(CURRENT, reference=dg.profile(REFERENCE), group_by=["carrier"])
    by_status = dg.profile(REFERENCE, group_by=["status"])
    with pytest.raises(ProfileError, match="grouped by \\['status'\\], not \\['carrier'\\]"):
        dg.drift(CURRENT, reference=by_status, group_by=["carrier"])


def test_new_groups_in_the_current_data_are_counted_up_to_the_cap() -> None:
    current = CURRENT.assign(carrier=[f"n{i % 50}" for i in range(len(CURRENT))])
    current.loc[:100, "carrier"] = "a"
    report = dg.drift(current, reference=REFERENCE, group_by=["carrier"], max_groups=10)
    assert len(report.only_current) == 10
    assert report.more_only_current


def test_hostile_group_values_are_escaped_in_html() -> None:
    hostile = '<script>alert("x")</script>&'
    reference = REFERENCE.assign(carrier=REFERENCE["carrier"].replace("b", hostile))
    current = CURRENT.assign(carrier=CURRENT["carrier"].replace("b", hostile))
    current.loc[:50, "carrier"] = "<img src=x onerror=alert(1)>"
    report = dg.drift(current, reference=reference, group_by=["carrier"])
    assert report.worst_group == (hostile,)
    html = dg.render_html(report)
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count('id="group-') >= len(report.groups)


def test_the_notification_summary_names_the_drifted_groups() -> None:
    report = dg.drift(CURRENT, reference=REFERENCE, group_by=["carrier"])
    payload = summary(report, dataset="orders")
    assert payload["kind"] == "drift_by_group"
    assert payload["failed"] is True
    assert payload["drifted_groups"][0]["group"] == {"carrier": "b"}
    assert payload["text"].splitlines()[1].startswith("• carrier=b: ")
