"""A quoted empty CSV field: the empty string in a text column, missing in any other column; a
bare empty field is missing everywhere. So a writer's empty string and its missing value read back
apart, as DuckDB and polars read them, and a file quoting every field (``csv.QUOTE_ALL``) still
has missing numbers, dates and booleans."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pytest

import dataguard as dg
from dataguard._frame import _csv, _files
from dataguard._frame._source import Source
from dataguard.cluster import as_source
from dataguard.expectations import Expectation, MatchesRegex, NotNull
from dataguard.suite import loads_suite

EMAIL = r"^[^@\s]+@[^@\s]+$"


def _columns(data: Path | Source, names: list[str] | None = None) -> dict[str, list[object]]:
    """The columns (``names``, default all) of a file or a source as read for validation."""
    source = as_source(data)
    names = list(source.names) if names is None else names
    values: dict[str, list[object]] = {n: [] for n in names}
    for batch in source.batches(names, None):
        for n in names:
            values[n].extend(batch.array(n).to_pylist())
    return values


def _counts(path: Path, suite: dg.Suite | Sequence[Expectation]) -> list[tuple[bool, int | None]]:
    result = dg.validate(path, suite)
    return [(r.passed, r.unexpected_count) for r in result.results]


def test_a_quoted_empty_text_is_the_empty_string_and_a_bare_one_is_missing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "people.csv"
    path.write_text('id,email\n1,a@b.c\n2,""\n3,\n4,"NA"\n5,NA\n')
    assert _columns(path) == {"id": [1, 2, 3, 4, 5], "email": ["a@b.c", "", None, "NA", None]}
    # not_null counts the bare empty field and the bare NA; the pattern sees "" and "NA".
    suite = [NotNull("email"), MatchesRegex("email", regex=EMAIL)]
    assert _counts(path, suite) == [(False, 2), (False, 2)]


def test_a_quoted_empty_is_missing_in_number_date_and_boolean_columns(tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    rows: list[list[object]] = [
        [1, 1.5, "2024-01-02", "true", "x"],
        [None, None, None, None, ""],
        [3, 0.25, "2024-01-03", "false", None],
    ]
    with path.open("w", newline="") as handle:  # None is written "" as well as the empty text
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows([["i", "f", "d", "b", "s"], *rows])
    assert _columns(path) == {
        "i": [1, None, 3],
        "f": [1.5, None, 0.25],
        "d": [dt.date(2024, 1, 2), None, dt.date(2024, 1, 3)],
        "b": [True, None, False],
        "s": ["x", "", ""],
    }
    suite = [NotNull(c) for c in ("i", "f", "d", "b", "s")]
    assert _counts(path, suite) == [(False, 1)] * 4 + [(True, 0)]


def test_quoted_null_spellings_in_a_float_column_stay_missing(tmp_path: Path) -> None:
    path = tmp_path / "floats.csv"
    path.write_text('f,s\n1.5,"a"\n"NaN",""\nNaN,"b"\n"",\n"nan","c"\n')
    assert _columns(path) == {
        "f": [1.5, None, None, None, None],
        "s": ["a", "", "b", None, "c"],
    }


def test_a_file_of_text_columns_only(tmp_path: Path) -> None:
    path = tmp_path / "text.csv"
    path.write_text('a,b\n"x",""\n"",\n,"y"\n')
    assert _columns(path) == {"a": ["x", "", None], "b": ["", None, "y"]}
    assert _columns(path, ["b"]) == {"b": ["", None, "y"]}


def test_a_declared_text_or_categorical_column_keeps_the_empty_string(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text('zip,kind,n\n"01234","a",1\n"","",""\n,,3\n')
    suite = loads_suite(
        """
        schema:
          columns:
            zip: {type: string, nullable: true}
            kind: {type: categorical, nullable: true}
            n: {type: integer, nullable: true}
        expectations:
          - {type: not_null, column: zip}
          - {type: not_null, column: kind}
          - {type: not_null, column: n}
        """
    )
    counts = _counts(path, suite)
    assert counts[-3:] == [(False, 1)] * 3  # zip and kind: the bare empty only


def test_numbers_and_quoted_empties_are_inferred_as_numbers(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text('n,x\n1,""\n"",2.5\n3,\n')
    source = as_source(path)
    assert [source.info(n).arrow_type for n in source.names] == [pa.int64(), pa.float64()]
    assert _columns(path) == {"n": [1, None, 3], "x": [None, 2.5, None]}


def test_a_column_of_quoted_empties_only_is_missing(tmp_path: Path) -> None:
    # Inferred with quoted empties missing, it has no values: no type, not text.
    path = tmp_path / "empty.csv"
    path.write_text('id,x\n1,""\n2,""\n')
    assert _columns(path) == {"id": [1, 2], "x": [None, None]}


@pytest.mark.parametrize("quoted_number_block", [0, 7])
def test_every_block_reads_as_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quoted_number_block: int
) -> None:
    """Blocks of a few lines, parsed in parts of fewer: a quoted missing number first appears in
    block ``quoted_number_block``, after which blocks are parsed in two."""
    lines = ["n,s,x"]
    quoted = [k % 50 == 0 and k // 50 >= quoted_number_block for k in range(400)]
    for k in range(400):
        number = '""' if quoted[k] else ("" if k % 9 == 0 else k)
        text = '""' if k % 3 == 0 else ("" if k % 5 == 0 else f'"v{k}"')
        lines.append(f"{number},{text},{'' if k % 4 == 0 else k / 4}")
    path = tmp_path / "blocks.csv"
    path.write_text("\n".join(lines) + "\n")
    whole = _columns(path)
    monkeypatch.setattr(_csv, "TEXT_BLOCK", 256)
    monkeypatch.setattr(_csv, "_PARSE_BLOCK", 64)
    assert _columns(path) == whole
    for k, (n, s) in enumerate(zip(whole["n"], whole["s"], strict=True)):
        assert n == (None if quoted[k] or k % 9 == 0 else k)
        assert s == ("" if k % 3 == 0 else None if k % 5 == 0 else f"v{k}")


def test_a_column_widened_to_text_keeps_its_quoted_empties(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Numbers and ``""`` in the first block, a word later: the column reads as text from the
    start, where a quoted empty field is the empty string and a bare one missing."""
    monkeypatch.setattr(_files, "BLOCK_SIZE", 1 << 10)
    monkeypatch.setattr(_csv, "TEXT_BLOCK", 1 << 10)
    lines = ["id,x", '0,""', "1,"] + [f"{k},{k}" for k in range(2, 1000)] + ["1000,word"]
    path = tmp_path / "late.csv"
    path.write_text("\n".join(lines) + "\n")
    source = as_source(path)
    assert source.info("x").arrow_type == pa.int64()
    result = dg.validate(source, [NotNull("x")])
    assert source.info("x").arrow_type == pa.string()
    assert (result.results[0].unexpected_count, result.results[0].element_count) == (1, 1001)
    assert _columns(source, ["x"])["x"][:3] == ["", None, "2"]


def test_a_column_widened_to_floats_keeps_quoted_empties_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_files, "BLOCK_SIZE", 1 << 10)
    monkeypatch.setattr(_csv, "TEXT_BLOCK", 1 << 10)
    lines = ["x,s", '"",""'] + [f'{k},"t"' for k in range(1, 1000)] + ['0.5,""']
    path = tmp_path / "late.csv"
    path.write_text("\n".join(lines) + "\n")
    source = as_source(path)
    result = dg.validate(source, [NotNull("x"), NotNull("s")])
    assert source.info("x").arrow_type == pa.float64()
    assert [(r.passed, r.unexpected_count) for r in result.results] == [(False, 1), (True, 0)]
