"""Drafting suites from data: a drafted suite passes its own data, reads back equal, is written
the same byte for byte, and catches the demo's planted problems."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard.cli import main
from dataguard.examples import PLANTED_PROBLEMS, orders
from dataguard.expectations import (
    Between,
    CompoundColumnsUnique,
    Increasing,
    InSet,
    MatchesRegex,
    NoDrift,
    NotNull,
    Unique,
)
from dataguard.suite import load_suite, loads_suite


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    """Small frames mixing integers, floats, text (codes, free text, few categories),
    timestamps and booleans, each column with or without nulls."""
    rows = draw(st.integers(0, 30))
    columns: dict[str, object] = {}
    kinds = draw(
        st.lists(
            st.sampled_from(
                ["int", "float", "code", "text", "category", "time", "zoned", "day", "flag"]
            ),
            min_size=1,
            max_size=5,
        )
    )
    for i, kind in enumerate(kinds):
        nulls = draw(st.booleans())
        if kind == "int":
            values: list[object] = draw(
                st.lists(st.integers(-(2**40), 2**40), min_size=rows, max_size=rows)
            )
        elif kind == "float":
            values = draw(
                st.lists(
                    st.floats(-1e9, 1e9, allow_nan=False, allow_subnormal=False),
                    min_size=rows,
                    max_size=rows,
                )
            )
        elif kind == "code":
            numbers = draw(st.lists(st.integers(0, 99_999), min_size=rows, max_size=rows))
            values = [f"AB-{n:05d}" for n in numbers]
        elif kind == "text":
            values = draw(st.lists(st.text(max_size=8), min_size=rows, max_size=rows))
        elif kind == "category":
            values = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=rows, max_size=rows))
        elif kind in ("time", "zoned"):
            start = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc if kind == "zoned" else None)
            seconds = draw(st.lists(st.integers(0, 10**8), min_size=rows, max_size=rows))
            values = [start + dt.timedelta(seconds=s, microseconds=s % 7) for s in seconds]
        elif kind == "day":
            days = draw(st.lists(st.integers(-1000, 1000), min_size=rows, max_size=rows))
            values = [dt.date(2000, 1, 1) + dt.timedelta(days=d) for d in days]
        else:
            values = draw(st.lists(st.booleans(), min_size=rows, max_size=rows))
        if nulls and rows:
            gaps = draw(st.lists(st.integers(0, rows - 1), max_size=rows))
            values = [None if j in set(gaps) else v for j, v in enumerate(values)]
        series = pd.Series(values, dtype=None if kind in ("int", "float", "flag") else object)
        if kind in ("time", "zoned"):
            series = pd.to_datetime(series, utc=kind == "zoned")
        columns[f"{kind}{i}"] = series
    return pd.DataFrame(columns, index=range(rows))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=frames(), margin=st.sampled_from([0.0, 0.1, 0.5]))
def test_a_drafted_suite_passes_its_own_data(frame: pd.DataFrame, margin: float) -> None:
    suite = dg.infer_suite(frame, margin=margin)
    result = dg.validate(frame, suite)
    assert result.passed, [r.message for r in result.results if not r.passed]
    assert loads_suite(suite.dumps()) == suite


def test_the_same_data_gives_the_same_bytes(tmp_path: Path) -> None:
    frame = orders(1000, planted=False)
    first = dg.infer_suite(frame).dump(tmp_path / "first.yaml").read_bytes()
    second = dg.infer_suite(frame.copy()).dump(tmp_path / "second.yaml").read_bytes()
    assert first == second
    assert b"# observed 1 to 5 over 1,000 rows, 0% null" in first


#: The expectation of the drafted suite that each planted problem of the demo breaks.
CAUGHT_BY = {
    "duplicated order ids (every copy counts)": Unique("order_id"),
    "malformed e-mail addresses": MatchesRegex(
        "customer_email", regex=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
    ),
    "missing e-mail addresses": NotNull("customer_email"),
    "negative amounts (refunds booked as orders)": Between(
        "amount", min_value=0.0, max_value=685.0
    ),
    "zero quantities": Between("quantity", min_value=1, max_value=5),
    "status 'unknown' outside the allowed set": InSet(
        "status", value_set=("cancelled", "delivered", "paid", "placed", "returned", "shipped")
    ),
    "country code 'XX'": InSet(
        "country", value_set=("CA", "DE", "ES", "FR", "GB", "IT", "NL", "PL", "SE", "US")
    ),
    "timestamps out of order": Increasing("created_at"),
}


def test_the_demo_reference_batch_gives_a_suite_catching_the_planted_problems() -> None:
    suite = dg.infer_suite(orders(planted=False))
    assert dg.validate(orders(planted=False), suite).passed
    assert {p for _, p, _ in PLANTED_PROBLEMS} == set(CAUGHT_BY)
    result = dg.validate(orders(), suite)
    failed = {r.expectation: r.unexpected_count for r in result.results if not r.passed}
    for (_, problem, rows), rule in zip(PLANTED_PROBLEMS, CAUGHT_BY.values(), strict=True):
        assert failed.get(rule) == rows, problem
    assert set(failed) == set(CAUGHT_BY.values())


def test_a_pair_of_columns_is_found_as_a_key_when_no_column_is_one() -> None:
    frame = pd.DataFrame({"day": [1, 1, 2, 2, 3, 3], "shop": ["a", "b"] * 3, "sold": [1.0] * 6})
    suite = dg.infer_suite(frame)
    assert CompoundColumnsUnique(column_list=["day", "shop"]) in suite.expectations
    assert suite.schema is not None
    assert not any(c.unique for c in suite.schema.columns)


def test_known_text_shapes_are_recognised() -> None:
    frame = pd.DataFrame(
        {
            "id": [f"12345678-1234-1234-1234-1234567890a{i}" for i in range(6)],
            "day": [f"2024-01-0{i + 1}" for i in range(6)],
            "at": [f"2024-01-0{i + 1}T10:00:0{i}Z" for i in range(6)],
        }
    )
    regexes = {
        e.column: e.regex for e in dg.infer_suite(frame).expectations if isinstance(e, MatchesRegex)
    }
    assert regexes["id"].startswith("^[0-9a-fA-F]{8}-")
    assert regexes["day"] == r"^\d{4}-\d{2}-\d{2}$"
    assert regexes["at"].startswith(r"^\d{4}-\d{2}-\d{2}[T ]")


def test_the_command_writes_the_suite_and_its_reference_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    orders(1000, planted=False).to_parquet("ref.parquet")
    out = io.StringIO()
    argv = [
        "infer",
        "ref.parquet",
        "--output",
        "suites/orders.yaml",
        "--profile",
        "ref.profile.json.gz",
    ]
    assert main(argv, stdout=out) == 0
    suite = load_suite("suites/orders.yaml")
    drift = [e for e in suite.expectations if isinstance(e, NoDrift)]
    assert {e.column for e in drift} == {"amount", "quantity", "status", "country"}
    assert {e.reference for e in drift} == {"ref.profile.json.gz"}  # beside the suite
    assert dg.load_profile("suites/ref.profile.json.gz").rows == 1000
    assert main(["validate", "ref.parquet", "--suite", "suites/orders.yaml"], stdout=out) == 0


def test_the_suite_and_its_profile_keep_working_when_moved_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    orders(1000, planted=False).to_parquet("ref.parquet")
    argv = ["infer", "ref.parquet", "-o", "suites/orders.yaml", "--profile", "ref.json.gz"]
    assert main(argv, stdout=io.StringIO()) == 0
    Path("suites").rename("moved")
    monkeypatch.chdir(Path("moved"))
    argv = ["validate", "../ref.parquet", "--suite", "orders.yaml"]
    assert main(argv, stdout=io.StringIO()) == 0
    result = dg.validate(tmp_path / "ref.parquet", tmp_path / "moved" / "orders.yaml")
    assert any(isinstance(r.expectation, NoDrift) for r in result.results)
    assert result.passed


@pytest.mark.parametrize("margin", ["-0.1", "1", "nan"])
def test_a_bad_margin_exits_2(
    tmp_path: Path, margin: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pd.DataFrame({"x": [1, 2]}).to_parquet(tmp_path / "d.parquet")
    argv = [
        "infer",
        str(tmp_path / "d.parquet"),
        "-o",
        str(tmp_path / "s.yaml"),
        "--margin",
        margin,
    ]
    assert main(argv, stdout=io.StringIO()) == 2
    assert "margin" in capsys.readouterr().err


def test_ranges_widen_by_the_margin_without_crossing_zero() -> None:
    frame = pd.DataFrame({"minute": np.arange(60), "price": np.linspace(10.0, 20.0, 60)})
    rules = {
        e.column: e
        for e in dg.infer_suite(frame, margin=0.1).expectations
        if isinstance(e, Between)
    }
    assert (rules["minute"].min_value, rules["minute"].max_value) == (0, 64)
    assert (rules["price"].min_value, rules["price"].max_value) == (9.0, 21.0)


def test_a_profile_path_with_folders_is_written_under_the_suites_folder(tmp_path: Path) -> None:
    data = tmp_path / "ref.parquet"
    pq.write_table(pa.table({"x": [1.0, 2.0, 3.0]}), data)
    suite = tmp_path / "out" / "orders.yaml"
    argv = ["infer", str(data), "-o", str(suite), "--profile", "profiles/ref.json.gz"]
    assert main(argv, io.StringIO()) == 0
    assert (tmp_path / "out" / "profiles" / "ref.json.gz").is_file()
    assert dg.validate(pa.table({"x": [1.5, 2.5]}), load_suite(suite)).results
