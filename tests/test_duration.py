"""Durations as suites spell them, and ages as people read them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard._duration import Duration, age_text

HOUR = 3600


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("30s", 30),
        ("15m", 15 * 60),
        ("24h", 24 * HOUR),
        ("7d", 7 * 24 * HOUR),
        ("2w", 14 * 24 * HOUR),
        ("1d12h", 36 * HOUR),
        ("1d 12h 30m", 36.5 * HOUR),
        ("1.5h", 1.5 * HOUR),
        (" 90m ", 90 * 60),
        ("P1DT2H", 26 * HOUR),
        ("PT36H", 36 * HOUR),
        ("pt15m", 15 * 60),
        ("P2W", 14 * 24 * HOUR),
        ("PT0.5S", 0.5),
        (3600, HOUR),
        (0.25, 0.25),
        (0, 0),
    ],
)
def test_the_accepted_forms(written: str | int | float, seconds: float) -> None:
    duration = Duration(written)
    assert duration.delta == dt.timedelta(seconds=seconds)
    assert duration.to_plain() == written  # kept as written


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("", "cannot read duration ''"),
        ("24", "cannot read duration '24'"),
        ("1x", "cannot read duration '1x'"),
        ("12h1d", "cannot read duration '12h1d'"),  # largest unit first
        ("1h1h", "cannot read duration '1h1h'"),
        ("24H", "cannot read duration '24H'"),  # M would read as month or minute: units are lower
        ("-1h", "cannot read duration '-1h'"),
        ("P", "cannot read duration 'P'"),
        ("PT", "cannot read duration 'PT'"),
        ("P1M", "years or months, which have no fixed length"),
        ("P1Y2D", "years or months"),
        (-5, "a finite length of 0 or more"),
        (float("inf"), "a finite length of 0 or more"),
        (float("nan"), "a finite length of 0 or more"),
        (True, "not true or false"),
    ],
)
def test_bad_durations_say_what_is_accepted(written: str | int | float, words: str) -> None:
    with pytest.raises(ValueError, match=re.escape(words)):
        Duration(written)


def test_equal_when_written_alike() -> None:
    assert Duration("24h") == Duration("24h")
    assert hash(Duration("24h")) == hash(Duration("24h"))
    assert Duration("24h") != Duration("1d")  # as long, but another declaration
    assert Duration("24h").delta == Duration("1d").delta


@settings(max_examples=50)
@given(
    st.lists(st.integers(0, 1000), min_size=5, max_size=5).filter(any),
)
def test_compact_and_iso_forms_agree(counts: list[int]) -> None:
    weeks, days, hours, minutes, seconds = counts
    compact = "".join(f"{n}{u}" for n, u in zip(counts, "wdhms", strict=True) if n)
    iso = f"P{weeks}W{days}DT{hours}H{minutes}M{seconds}S"
    expected = dt.timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    assert Duration(compact).delta == Duration(iso).delta == expected


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (0.4, "0 s"),
        (45, "45 s"),
        (3 * HOUR + 5 * 60 + 7, "3 h 5 min"),
        (26 * HOUR + 59, "1 day 2 h"),
        (24 * HOUR + 5 * 60, "1 day"),  # the two largest units, adjacent
        (3 * 24 * HOUR, "3 days"),
        (-2 * HOUR, "2 h"),
    ],
)
def test_ages_read_in_their_two_largest_units(seconds: float, text: str) -> None:
    assert age_text(dt.timedelta(seconds=seconds)) == text
