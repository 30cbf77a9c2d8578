"""Duplicate rows: exact whatever the fingerprints do, in two passes unless two keys collide."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard._engine import with_requirements
from dataguard._frame import as_source
from dataguard.expectations import CompoundColumnsUnique, Context, Expectation, Unique
from dataguard.metrics import Fingerprints
from dataguard.metrics._repeated import fingerprints
from tests.cluster.test_partitions import _Partitioned

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


def test_compound_keys_that_collide_are_confirmed() -> None:
    # (A, 1) and (B, 1) have the same fingerprint; missing values are equal to each other.
    a = [A, "x", B, None, "x", None, None, None]
    b = [1, 2, 1, 3, 2, 3, None, None]
    read, result = _passes({"a": a, "b": b}, CompoundColumnsUnique(column_list=["a", "b"]))
    assert read == {1, 2, 3}
    # Rows 6 and 7 are left out (every value missing): never duplicates.
    assert result.unexpected_index_list == (1, 3, 4, 5)
    assert result.unexpected_list == (["x", 2], [None, 3], ["x", 2], [None, 3])
    assert result.missing_count == 2
    read, never = _passes(
        {"a": a, "b": b}, CompoundColumnsUnique(column_list=["a", "b"], ignore_row_if="never")
    )
    assert never.unexpected_index_list == (1, 3, 4, 5, 6, 7)


def test_compound_keys_are_reduced_by_fingerprint_part() -> None:
    # On a cluster each part of the fingerprints is finalized where it is gathered, so only the
    # repeated fingerprints of a compound key travel on, not 8 bytes per row.
    table = pa.table({"a": ["x", "y"], "b": [1, 2]})
    expectation = CompoundColumnsUnique(column_list=["a", "b"])
    planned = with_requirements(expectation.metrics(Context(as_source(table))))
    assert [m.shards for m in planned if m.shards > 1] == [64]
    assert Fingerprints("a", ("b",), "all_values_are_missing") in planned


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


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([A, B, "x", None]),
            st.sampled_from([0.0, -0.0, 1.5, float("nan"), None]),
        ),
        max_size=30,
    ),
    st.sampled_from(["any_value_is_missing", "all_values_are_missing", "never"]),
    st.integers(1, 7),
)
def test_compound_duplicates_are_the_combinations_counted_twice(
    rows: list[tuple[str | None, float | None]], ignore_row_if: Any, chunk: int
) -> None:
    def missing(value: Any) -> bool:
        return value is None or (isinstance(value, float) and math.isnan(value))

    # Every row's combination is counted (missing values equal, -0.0 equal to 0.0); a row left
    # out by ignore_row_if is never unexpected.
    keys = [
        tuple(None if missing(v) else v + 0.0 if isinstance(v, float) else v for v in r)
        for r in rows
    ]
    counts = Counter(keys)
    gaps = [sum(missing(v) for v in r) for r in rows]
    left_out = {
        "any_value_is_missing": [g > 0 for g in gaps],
        "all_values_are_missing": [g == 2 for g in gaps],
        "never": [False] * len(rows),
    }[ignore_row_if]
    expected = [i for i, k in enumerate(keys) if counts[k] > 1 and not left_out[i]]
    data = pa.table(
        {
            "a": pa.array([r[0] for r in rows], pa.string()),
            "b": pa.array([r[1] for r in rows], pa.float64()),
        }
    )
    expectation = CompoundColumnsUnique(column_list=["a", "b"], ignore_row_if=ignore_row_if)
    result = dg.validate(data, [expectation], chunk_size=chunk, result_format="complete")
    assert result.results[0].unexpected_index_list == tuple(expected)
    assert result.results[0].missing_count == sum(left_out)


@pytest.mark.parametrize("ids", [(), ("id",)])
@pytest.mark.parametrize("bounds", [((0, 3), (3, 3), (3, 8), (8, 9)), ((0, 9),)])
def test_partitions_confirm_a_collision_as_one_table(
    bounds: tuple[tuple[int, int], ...], ids: tuple[str, ...]
) -> None:
    # The copies of "x" and the colliding values sit in different partitions; the confirming
    # pass's sampled rows are moved into place by the rows before each partition.
    table = pa.table(
        {
            "s": [A, "x", B, None, "y", "x", "z", "y", "x"],
            "n": [1, 2, 1, 3, 4, 2, 5, 4, 2],
            "id": range(100, 109),
        }
    )
    suite = [Unique("s"), CompoundColumnsUnique(column_list=["s", "n"])]
    source = _Partitioned(table, bounds)
    there = dg.validate(source, suite, result_format="complete", id_columns=ids)
    here = dg.validate(table, suite, result_format="complete", id_columns=ids)
    assert [r.to_dict() for r in there.results] == [r.to_dict() for r in here.results]
    assert len(source.runner.to_driver) == 3  # the confirming pass ran there too
    rows = (1, 4, 5, 7, 8)
    assert there.results[0].unexpected_index_list == (
        tuple({"id": 100 + i} for i in rows) if ids else rows
    )


def test_what_compound_uniqueness_ships_to_the_driver_does_not_grow_with_the_rows() -> None:
    shipped = {}
    for rows in (20_000, 200_000):
        ids = pa.array(range(rows * 4), pa.int64())
        table = pa.table(
            {"a": pc.if_else(pc.equal(ids, 7), 8, ids), "b": pc.cast(ids, pa.string())}
        )
        table = table.set_column(1, "b", pc.if_else(pc.equal(ids, 7), "8", table["b"]))
        source = _Partitioned(table, tuple((k * rows, (k + 1) * rows) for k in range(4)))
        result = dg.validate(source, [CompoundColumnsUnique(column_list=["a", "b"])])
        assert result.results[0].unexpected_index_list == (7, 8)
        shipped[rows] = max(source.runner.to_driver) / 4
    assert shipped[200_000] < 1.2 * shipped[20_000], shipped
