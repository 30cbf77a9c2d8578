"""Duplicate rows: exact whatever the fingerprints do, in two passes unless two keys collide."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard.expectations import Expectation, Unique
from dataguard.metrics._repeated import fingerprints

_MASK = (1 << 64) - 1
_MULTIPLIER = 0x9E3779B97F4A7C15


def _stir(h: int) -> int:
    h = (h * _MULTIPLIER) & _MASK
    return h ^ (h >> 31)


def _colliding_texts() -> tuple[str, str]:
    """Two different 16-character texts with the same fingerprint.

    Text is hashed a word (8 bytes) at a time, ``h = stir(h ^ word)``, from a start that depends
    on the length only. After different first words the states differ by some ``d``; a second
    word of the other text differing from the first text's second word by that same ``d`` brings
    both to one state, and every later step is the same. Searched for a second word that is
    printable ASCII, so both are valid text.
    """
    start = _stir((16 + _MULTIPLIER) & _MASK)
    first = b"dup-key-"
    second_word = int.from_bytes(b"00000000", "little")
    state = _stir(start ^ int.from_bytes(first, "little"))
    for k in range(1_000_000):
        other = f"o{k:07d}".encode()
        other_state = _stir(start ^ int.from_bytes(other, "little"))
        tail = (state ^ second_word ^ other_state).to_bytes(8, "little")
        if all(0x20 <= b < 0x7F for b in tail):
            return (first + b"00000000").decode(), (other + tail).decode()
    raise AssertionError("no printable collision found")


A, B = _colliding_texts()


def test_the_constructed_texts_collide() -> None:
    assert A != B
    prints = fingerprints(pa.array([A, B]))
    assert prints[0] == prints[1]


def _passes(data: Any, expectation: Expectation, **options: Any) -> tuple[set[int], Any]:
    read: set[int] = set()
    result = dg.validate(
        data,
        [expectation],
        progress=lambda number, _, __: read.add(number),
        result_format="complete",
        **options,
    )
    return read, result.results[0]


def _expected(keys: list[Any]) -> list[int]:
    """The rows whose key (None: left out) occurs more than once."""
    counts = Counter(k for k in keys if k is not None)
    return [i for i, k in enumerate(keys) if k is not None and counts[k] > 1]


def test_a_fingerprint_collision_runs_the_confirming_pass_and_is_exact() -> None:
    # The colliding values come first, so counting rows by fingerprint would sample them.
    values = [A, "x", B, None, "y", "x", "z", "y", "x"]
    data = pd.DataFrame({"s": values, "id": range(100, 109)})
    read, result = _passes(data, Unique("s"), id_columns="id")
    expected = _expected(values)
    assert read == {1, 2, 3}
    assert result.unexpected_count == len(expected) == 5
    assert result.unexpected_list == tuple(values[i] for i in expected)
    assert result.unexpected_index_list == tuple({"id": 100 + i} for i in expected)
    assert result.missing_count == 1
    # Without the collision the rows counted by fingerprint are the answer: two passes.
    plain = ["a" if v == B else v for v in values]
    read, result = _passes({"s": plain}, Unique("s"))
    assert read == {1, 2}
    assert result.unexpected_index_list == tuple(_expected(plain))


def test_a_colliding_pair_of_values_both_repeated_needs_no_confirming_pass() -> None:
    values = [A, B, A, B, "x"]
    read, result = _passes({"s": values}, Unique("s"))
    assert read == {1, 2}
    assert result.unexpected_index_list == (0, 1, 2, 3)


def test_a_collision_under_a_row_condition_and_in_few_rows_per_batch() -> None:
    values = [A, "x", B, "x", A, "y"]
    flags = [1, 1, 1, 0, 1, 1]
    data = {"s": values, "keep": flags}
    read, result = _passes(data, Unique("s", where="keep == 1"), chunk_size=2)
    kept = [i for i, f in enumerate(flags) if f]
    assert read == {1, 2, 3}
    assert result.unexpected_index_list == (0, 4)
    assert result.element_count == len(kept)


def test_split_sets_apart_exactly_the_duplicated_rows_when_values_collide() -> None:
    table = pa.table({"s": [A, "x", B, "x"], "n": [0, 1, 2, 3]})
    good, bad = dg.split(table, [Unique("s")])
    assert bad.column("n").to_pylist() == [1, 3]
    assert good.column("n").to_pylist() == [0, 2]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([A, B, "x", "y", None]), max_size=30), st.integers(1, 7))
def test_duplicate_rows_are_those_counted_twice_whatever_collides(
    values: list[str | None], chunk: int
) -> None:
    expected = _expected(values)
    result = dg.validate(
        {"s": pa.array(values, pa.string())},
        [Unique("s")],
        chunk_size=chunk,
        result_format="complete",
    ).results[0]
    assert result.unexpected_count == len(expected)
    assert result.unexpected_index_list == tuple(expected)
    assert result.unexpected_list == tuple(values[i] for i in expected)
