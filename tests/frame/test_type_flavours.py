"""How values are stored (``string`` or ``large_string``, a timestamp's unit) is not what they are:
it changes neither the schema fingerprint of a validation nor a profile's column types or bytes.

Spark hands over text as ``string`` or ``large_string`` (a session setting) and timestamps in
microseconds; a file written by pandas holds nanoseconds: the same data must fingerprint alike.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

import dataguard as dg

ROWS = 30
TEXT = ["abc"[k % 3] if k % 7 else None for k in range(ROWS)]
TIMES = [dt.datetime(2021, 1, 1) + dt.timedelta(hours=k) for k in range(ROWS)]


def table(text: pa.DataType, unit: str, tz: str | None = None) -> pa.Table:
    return pa.table(
        {
            "s": pa.array(TEXT, text),
            "t": pa.array(TIMES, pa.timestamp("us")).cast(pa.timestamp(unit)),
            "z": pa.array(TIMES, pa.timestamp("us", tz="UTC")).cast(pa.timestamp(unit, tz=tz)),
            "l": pa.array([[v] for v in TEXT], pa.list_(text)),
        }
    )


FLAVOURS = [
    (pa.string(), "us", "UTC"),
    (pa.large_string(), "us", "UTC"),
    (pa.string(), "ns", "UTC"),
    (pa.large_string(), "ms", "UTC"),
    (pa.string_view(), "s", "UTC"),
]
SUITE = dg.Suite([dg.expectations.NotNull(column="s"), dg.expectations.RowCountEqual(value=ROWS)])


@pytest.mark.parametrize(("text", "unit", "tz"), FLAVOURS[1:], ids=str)
def test_schema_fingerprint_ignores_storage_flavours(text: pa.DataType, unit: str, tz: str) -> None:
    expected = dg.validate(table(*FLAVOURS[0]), SUITE).run.data.schema_hash
    assert dg.validate(table(text, unit, tz), SUITE).run.data.schema_hash == expected


def test_schema_fingerprint_still_tells_types_apart() -> None:
    text = dg.validate(table(pa.string(), "us", "UTC"), SUITE).run.data.schema_hash
    other_zone = dg.validate(table(pa.string(), "us", "Europe/Paris"), SUITE).run.data.schema_hash
    binary = table(pa.string(), "us", "UTC").set_column(0, "s", pa.array([b"a"] * ROWS))
    assert len({text, other_zone, dg.validate(binary, SUITE).run.data.schema_hash}) == 3


@pytest.mark.parametrize(("text", "unit", "tz"), FLAVOURS[1:], ids=str)
def test_profile_ignores_storage_flavours(
    tmp_path: Path, text: pa.DataType, unit: str, tz: str
) -> None:
    columns = ["s", "t", "z"]
    expected = dg.profile(table(*FLAVOURS[0]), columns=columns).save(tmp_path / "a.json")
    found = dg.profile(table(text, unit, tz), columns=columns).save(tmp_path / "b.json")
    assert found.read_bytes() == expected.read_bytes()
    assert dg.profile(table(text, unit, tz), columns=columns).columns["t"].dtype == "timestamp[us]"
