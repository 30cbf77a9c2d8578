"""Text files (CSV, JSON-lines) read as the suite declares, the same wherever a value sits."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

import dataguard as dg
from dataguard._frame import _files
from dataguard.cli import main
from dataguard.expectations import Between, ColumnType, MinBetween, NotNull
from dataguard.suite import loads_suite

Reason = dg.Reason
ROWS = 3000


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Readers infer types from their first block: 4 KiB puts most rows after it."""
    monkeypatch.setattr(_files, "BLOCK_SIZE", 1 << 12)


def _exports(table: pa.Table, tmp_path: Path) -> dict[str, Path]:
    """The same table as Parquet, CSV and JSON-lines files."""
    paths = {fmt: tmp_path / f"table.{fmt}" for fmt in ("parquet", "csv", "jsonl")}
    pq.write_table(table, paths["parquet"])
    pcsv.write_csv(table, paths["csv"])
    with paths["jsonl"].open("w") as handle:
        for row in table.to_pylist():
            handle.write(json.dumps(row, default=lambda value: value.isoformat()) + "\n")
    return paths


def _outcomes(result: dg.ValidationResult) -> list[tuple[Any, ...]]:
    return [
        (r.expectation.name, r.expectation.columns, r.passed, r.reason, r.unexpected_count)
        for r in result.results
    ]


SUITE = """
schema:
  columns:
    id: {type: integer, unique: true}
    amount: {type: float}
    zip: {type: string}
    day: {type: string}
    code: {type: string, nullable: true}
expectations:
  - {type: matches_strftime_format, column: day, strftime_format: "%Y-%m-%d %H:%M:%S"}
  - {type: matches_regex, column: stamp, regex: "^2024-"}
  - {type: value_length_equal, column: zip, value: 5}
  - {type: between, column: amount, min_value: 0}
  - {type: between, column: late, min_value: 0}
  - {type: in_set, column: code, value_set: ["7", "x"]}
"""


def test_same_suite_same_answer_on_csv_jsonl_and_parquet(tmp_path: Path) -> None:
    table = pa.table(
        {
            "id": list(range(ROWS)),
            "amount": [i / 3 for i in range(ROWS)],
            "zip": [f"{i % 1000:05d}" for i in range(ROWS)],  # leading zeros: text, not numbers
            "day": [f"2024-01-{i % 28 + 1:02d} 10:00:00" for i in range(ROWS)],
            "stamp": [f"2024-02-{i % 28 + 1:02d}" for i in range(ROWS)],
            # numbers until the last row, after the readers' first block
            "late": [str(i) for i in range(ROWS - 1)] + ["unknown"],
            "code": [None] * (ROWS - 1) + ["7"],
        }
    )
    suite = loads_suite(SUITE)
    results = {
        fmt: _outcomes(dg.validate(p, suite)) for fmt, p in _exports(table, tmp_path).items()
    }
    assert results["csv"] == results["parquet"]
    assert results["jsonl"] == results["parquet"]
    by_name = {(name, cols): (passed, reason) for name, cols, passed, reason, _ in results["csv"]}
    assert by_name[("matches_strftime_format", ("day",))] == (True, Reason.PASSED)
    assert by_name[("column_type", ("zip",))] == (True, Reason.PASSED)
    assert by_name[("value_length_equal", ("zip",))] == (True, Reason.PASSED)
    assert by_name[("between", ("late",))] == (False, Reason.TYPE_MISMATCH)


def test_declared_dates_times_categories_and_booleans_read_alike(tmp_path: Path) -> None:
    utc = dt.timezone.utc
    start = dt.datetime(2024, 1, 1, tzinfo=utc)
    table = pa.table(
        {
            "at": pa.array(
                [start + dt.timedelta(hours=i) for i in range(ROWS)], pa.timestamp("s", utc)
            ),
            "day": pa.array(
                [dt.date(2024, 1, 1) + dt.timedelta(days=i % 300) for i in range(ROWS)]
            ),
            "kind": pa.array(["a", "b", "c"] * (ROWS // 3)).dictionary_encode(),
            "flag": [i % 2 == 0 for i in range(ROWS)],
            "note": [None] * (ROWS - 1) + ["2024-05-01"],  # dates only after the first block
        }
    )
    suite = loads_suite(
        """
        schema:
          columns:
            at: {type: datetime}
            day: {type: date}
            kind: {type: categorical}
            flag: {type: boolean}
        expectations:
          - {type: matches_regex, column: note, regex: "^2024-"}
          - {type: between, column: day, min_value: 2024-01-01, max_value: 2024-06-01}
        """
    )
    paths = _exports(table, tmp_path)
    results = {fmt: _outcomes(dg.validate(p, suite)) for fmt, p in paths.items()}
    assert results["parquet"] == results["csv"] == results["jsonl"]
    assert [passed for _, _, passed, _, _ in results["csv"]] == [True] * 13 + [False]


@pytest.mark.parametrize("where", [0, ROWS // 2, ROWS - 1])
def test_a_word_in_a_numeric_column_is_a_type_mismatch_wherever_it_sits(
    tmp_path: Path, where: int
) -> None:
    values = [str(i) for i in range(ROWS)]
    values[where] = "unknown"
    path = tmp_path / "data.csv"
    path.write_text("amount\n" + "\n".join(values) + "\n")
    suite = tmp_path / "suite.yaml"
    suite.write_text("expectations:\n  - {type: between, column: amount, min_value: 0}\n")
    result = dg.validate(path, suite)
    assert [r.reason for r in result.results] == [Reason.TYPE_MISMATCH]
    assert main(["validate", str(path), "-s", str(suite)], stdout=io.StringIO()) == 1


@pytest.mark.parametrize(
    ("late", "kind"),
    [("7", "integer"), ("2.5", "float"), ("true", "boolean")],
)
def test_a_column_empty_in_the_first_block_takes_its_later_values_type(
    tmp_path: Path, late: str, kind: str
) -> None:
    path = tmp_path / "data.csv"
    path.write_text("id,x\n" + "".join(f"{i},\n" for i in range(ROWS)) + f"{ROWS},{late}\n")
    result = dg.validate(path, [ColumnType(column="x", logical_type=kind), NotNull("id")])
    assert [r.passed for r in result.results] == [True, True]
    assert result.results[1].element_count == ROWS + 1


@pytest.mark.parametrize("rows", [3, ROWS])
def test_a_declared_type_the_values_do_not_fit_fails_the_type_check(
    tmp_path: Path, rows: int
) -> None:
    path = tmp_path / "data.csv"
    path.write_text("x\n" + "".join(f"{i}\n" for i in range(rows)) + "unknown\n")
    suite = loads_suite("schema: {columns: {x: {type: integer, nullable: true}}}")
    reasons = [r.reason for r in dg.validate(path, suite).results]
    assert reasons == [Reason.PASSED, Reason.TYPE_MISMATCH]


def test_integers_then_a_decimal_make_a_float_column(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("x\n" + "".join(f"{i}\n" for i in range(ROWS)) + "0.5\n")
    result = dg.validate(
        path,
        [ColumnType(column="x", logical_type="float"), MinBetween("x", min_value=0, max_value=1)],
    )
    assert [r.passed for r in result.results] == [True, True]
    assert result.results[1].observed_value == 0


def test_a_json_lines_column_empty_in_the_first_block_takes_numbers(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    lines = [json.dumps({"id": i, "x": None}) for i in range(ROWS)] + ['{"id": -1, "x": 4}']
    path.write_text("\n".join(lines) + "\n")
    result = dg.validate(path, [Between("x", min_value=0), Between("id", min_value=0)])
    assert [(r.passed, r.unexpected_count) for r in result.results] == [(True, 0), (False, 1)]


@pytest.mark.parametrize("where", [0, ROWS - 1])
def test_a_decimal_among_json_integers_makes_floats_wherever_it_sits(
    tmp_path: Path, where: int
) -> None:
    path = tmp_path / "data.jsonl"
    rows = [{"a": i, "b": i, "t": "2024-01-01 10:00:00"} for i in range(ROWS)]
    rows[where] = {"a": where + 0.5, "b": where, "t": "soon"}
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = dg.validate(
        path,
        [
            ColumnType(column="a", logical_type="float"),
            ColumnType(column="b", logical_type="integer"),
            ColumnType(column="t", logical_type="string"),
        ],
    )
    assert [r.passed for r in result.results] == [True, True, True]


def test_profiles_of_a_late_word_match_an_early_one(tmp_path: Path) -> None:
    early, late = tmp_path / "early.csv", tmp_path / "late.csv"
    values = [str(i) for i in range(ROWS)]
    early.write_text("x\nword\n" + "\n".join(values) + "\n")
    late.write_text("x\n" + "\n".join(values) + "\nword\n")
    assert (
        dg.profile(early).columns["x"].kind == dg.profile(late).columns["x"].kind == "categorical"
    )


def test_column_types_pin_columns_beyond_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("zip\n1\n01\n001\n")  # three codes, one number
    suite = tmp_path / "suite.yaml"
    suite.write_text("expectations:\n  - {type: unique, column: zip}\n")
    assert dg.validate(path, suite).results[0].unexpected_count == 3
    assert dg.validate(path, suite, column_types={"zip": "string"}).results[0].passed
    argv = ["validate", str(path), "-s", str(suite), "-f", "json"]
    assert main(argv, stdout=io.StringIO()) == 1
    assert main([*argv, "--column-type", "zip=string"], stdout=io.StringIO()) == 0


def test_unknown_column_types_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a\n1\n")
    with pytest.raises(ValueError, match="unknown type 'text'"):
        dg.validate(path, [NotNull("a")], column_types={"a": "text"})
    suite = tmp_path / "suite.yaml"
    suite.write_text("expectations:\n  - {type: not_null, column: a}\n")
    for bad in ("a", "a=text", "=string"):
        assert main(["validate", str(path), "-s", str(suite), "--column-type", bad]) == 2


@pytest.mark.parametrize("text", ['[{"a": 1}, {"a": 2}]', '\n  [\n{"a": 1}\n]\n'])
def test_a_json_array_file_says_what_format_is_expected(tmp_path: Path, text: str) -> None:
    path = tmp_path / "data.json"
    path.write_text(text)
    with pytest.raises(dg.InputError, match="holds a JSON array; dataguard reads JSON Lines"):
        dg.validate(path, [NotNull("a")])


def _zip_codes(tmp_path: Path) -> tuple[Path, Path]:
    """One table of zip codes (text with leading zeros) and amounts, as CSV and as Parquet."""
    zips = [f"{(i * 7919) % 100000:05d}" for i in range(ROWS)]
    table = pa.table({"zip": zips, "amount": [i % 97 + 0.5 for i in range(ROWS)]})
    csv, parquet = tmp_path / "data.csv", tmp_path / "data.parquet"
    pcsv.write_csv(table, csv)
    pq.write_table(table, parquet)
    return csv, parquet


def test_pinned_column_types_profile_a_csv_as_its_parquet_export(tmp_path: Path) -> None:
    csv, parquet = _zip_codes(tmp_path)
    assert dg.profile(csv).columns["zip"].kind == "numeric"  # read as numbers by default
    pinned = dg.profile(csv, column_types={"zip": "string"})
    assert pinned.to_bytes() == dg.profile(parquet).to_bytes()
    saved = {name: tmp_path / f"{name}.json" for name in ("csv", "parquet")}
    argv = ["profile", str(csv), "-o", str(saved["csv"]), "--column-type", "zip=string"]
    assert main(argv, stdout=io.StringIO()) == 0
    assert main(["profile", str(parquet), "-o", str(saved["parquet"])], stdout=io.StringIO()) == 0
    assert saved["csv"].read_bytes() == saved["parquet"].read_bytes()


def test_pinned_column_types_drift_a_csv_as_its_parquet_export(tmp_path: Path) -> None:
    csv, parquet = _zip_codes(tmp_path)
    assert dg.drift(csv, reference=parquet).columns["zip"].method == "type_change"
    pins = {"zip": "string"}
    expected = dg.drift(parquet, reference=parquet).to_dict()
    for current, reference in ((csv, parquet), (parquet, csv), (csv, csv)):
        report = dg.drift(current, reference=reference, column_types=pins).to_dict()
        assert {k: report[k] for k in ("columns", "skipped")} == {
            k: expected[k] for k in ("columns", "skipped")
        }
    argv = ["drift", str(csv), "-r", str(parquet), "--fail-on-drift", "-f", "json"]
    assert main(argv, stdout=io.StringIO()) == 1
    assert main([*argv, "--column-type", "zip=string"], stdout=io.StringIO()) == 0
