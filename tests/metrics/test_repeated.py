"""Fingerprints and repeated values: exact answers whatever the hash does."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dataguard as dg
from dataguard._frame import Batch
from dataguard.expectations import Unique
from dataguard.metrics import _repeated
from dataguard.metrics._repeated import fingerprints

texts = st.lists(st.text(max_size=90), min_size=1, max_size=60)


@given(texts)
def test_equal_strings_have_equal_fingerprints_in_any_slice(values: list[str]) -> None:
    for pad in ("pad", "a longer pad read in place"):
        sliced = pa.array([pad, *values, pad]).slice(1, len(values))
        assert np.array_equal(fingerprints(sliced), fingerprints(pa.array(values)))
    assert np.array_equal(fingerprints(sliced), fingerprints(pa.array(values, pa.large_string())))


def test_equally_long_strings_hash_as_they_do_among_others() -> None:
    ids = [f"ORD-{k:010d}" for k in range(50)]
    mixed = fingerprints(pa.array([*ids, "x"]))
    assert np.array_equal(fingerprints(pa.array(ids)), mixed[:-1])


@given(st.integers(0, 40), st.lists(st.binary(min_size=40, max_size=40), max_size=30), st.data())
def test_equally_long_values_of_any_length_hash_as_among_others(
    length: int, raw: list[bytes], data: st.DataObject
) -> None:
    """The strided path for equally long values, in any slice, against the general path."""
    values = [v[:length] for v in raw]
    start = data.draw(st.integers(0, 3))
    padded = pa.array([b"p" * 9] * start + values + [b"q" * (length + 1)], pa.binary())
    general = fingerprints(padded.slice(start))[:-1]  # lengths differ: the general path
    assert np.array_equal(fingerprints(padded.slice(start, len(values))), general)


def test_strings_differing_in_any_byte_or_length_get_different_fingerprints() -> None:
    base = "x" * 130
    variants = [base[:n] for n in range(131)] + [base[:n] + "y" + base[n + 1 :] for n in range(130)]
    assert len(set(fingerprints(pa.array(variants)).tolist())) == len(set(variants))


def test_numbers_are_fingerprinted_by_their_bits() -> None:
    floats = fingerprints(pa.array([0.0, -0.0, 1.5]))
    assert floats[0] == floats[1] != floats[2]
    assert fingerprints(pa.array([3, -3], pa.int8())).tolist() == [3, 2**64 - 3]


@given(st.lists(st.sampled_from(["a", "b", "c", "dd", "eee", "f" * 70]), max_size=40))
def test_repeated_values_are_exact_even_when_every_fingerprint_collides(
    values: list[str],
) -> None:
    expected = sorted(v for v, n in Counter(values).items() if n > 1)
    patch = pytest.MonkeyPatch()
    patch.setattr(_repeated, "fingerprints", lambda a: np.zeros(len(a), dtype=np.uint64))
    try:
        result = dg.validate({"s": pa.array(values, pa.string())}, dg.Suite([Unique("s")]))
    finally:
        patch.undo()
    unexpected = result.results[0].unexpected_count
    assert unexpected == sum(values.count(v) for v in expected)


def test_unique_over_batches_matches_counting() -> None:
    rng = np.random.default_rng(5)
    ids = rng.integers(0, 5000, 6_000).astype(str)
    counts = Counter(ids.tolist())
    expected = sum(n for n in counts.values() if n > 1)
    for chunk in (7, 999, 6_000):
        result = dg.validate({"id": ids}, dg.Suite([Unique("id")]), chunk_size=chunk)
        assert result.results[0].unexpected_count == expected


prints = st.lists(
    st.one_of(
        st.integers(0, 2**64 - 1),
        st.integers(0, 40),  # top bits all zero: every print shares its part and radix digits
        st.integers(0, 2**12 - 1).map(lambda low: (0xABCD_1234 << 32) | low),  # same top 32 bits
    ),
    max_size=300,
)


@given(prints, st.integers(1, 5))
def test_repeated_fingerprints_are_those_counted_twice_in_any_batching(
    values: list[int], batches: int
) -> None:
    metric = _repeated.Fingerprints("c")
    array = np.array(values, dtype=np.uint64)
    state = metric.empty()
    for piece in np.array_split(array, batches):
        state = metric.merge(state, _repeated.in_parts(piece))
    expected = sorted(v for v, n in Counter(values).items() if n > 1)
    assert metric.finalize(state).tolist() == expected
    # Finalized part by part (as the engine does, on its workers), joined in order.
    parts = metric.split(state)
    assert metric.join([metric.finalize(part) for part in parts]).tolist() == expected


@pytest.mark.parametrize("chosen_size", [1, 7, 4096, 5000])
def test_prints_among_chosen_ones_by_table_or_search(chosen_size: int) -> None:
    rng = np.random.default_rng(chosen_size)
    prints = rng.integers(0, 2**64, 50_000, dtype=np.uint64)
    prints[:100] = prints[100:200] & ~np.uint64(0xFFFF)  # share top bits, differ below
    picked = prints[rng.integers(0, prints.size, chosen_size // 2)]
    others = rng.integers(0, 2**64, chosen_size - picked.size, dtype=np.uint64)
    chosen = np.unique(np.concatenate([picked, others, prints[100:110]]))
    assert np.array_equal(_repeated._among(prints, chosen), np.isin(prints, chosen))


def test_rows_by_print_of_a_unique_column_are_none() -> None:
    batch = Batch({"x": pa.array(["a", "b"])}, 0, 2)
    assert not _repeated.rows_by_print(batch, "x", np.zeros(0, dtype=np.uint64)).any()


_MASK = (1 << 64) - 1


def _reference_hash(value: bytes) -> int:
    """The fingerprint of text, spelled out one word at a time: the length, then each 8-byte
    little-endian word (the last one zero-padded), each step times an odd constant and an
    xor-shift, then a final avalanche. Profiles store these values: they must never change."""

    def stir(h: int) -> int:
        h = (h * 0x9E3779B97F4A7C15) & _MASK
        return h ^ (h >> 31)

    h = stir((len(value) + 0x9E3779B97F4A7C15) & _MASK)
    for start in range(0, len(value), 8):
        h = stir(h ^ int.from_bytes(value[start : start + 8], "little"))
    h ^= h >> 29
    h = (h * 0xBF58476D1CE4E5B9) & _MASK
    return h ^ (h >> 32)


@given(
    st.lists(
        st.one_of(st.binary(max_size=40), st.binary(min_size=60, max_size=700)),
        min_size=1,
        max_size=80,
    ),
    st.integers(0, 3),
)
def test_fingerprints_of_text_are_the_documented_hash(values: list[bytes], start: int) -> None:
    padded = pa.array([b"p" * 9] * start + values, pa.binary()).slice(start)
    expected = np.array([_reference_hash(v) for v in values], dtype=np.uint64)
    assert np.array_equal(fingerprints(padded), expected)


def test_a_long_value_is_hashed_without_a_vector_step_per_word(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One 4 MB value used to take 500,000 numpy steps (9 s): the words of the few long values
    # left are chained in one tight loop instead.
    steps = 0
    stir = _repeated._stir

    def counted(h: np.ndarray) -> None:
        nonlocal steps
        steps += 1
        stir(h)

    monkeypatch.setattr(_repeated, "_stir", counted)
    long = bytes(range(256)) * 16_384 + b"tail"
    many = [b"x" * (k % 40) for k in range(100)]
    for values in ([long], [long, long[:-1], b"short"], [b"x" * 100] * 3 + [long], [*many, long]):
        steps = 0
        got = fingerprints(pa.array(values, pa.binary()))
        assert got.tolist() == [_reference_hash(v) for v in values]
        assert steps < 100
