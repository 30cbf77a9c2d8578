"""Datasets: folders and globs of data files read as one table, hive partition keys as columns,
and the law that a dataset gives the results of one file holding its rows."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard._frame import _files
from dataguard.cli import main
from dataguard.expectations import (
    Between,
    Increasing,
    InSet,
    MatchesRegex,
    MeanBetween,
    NotNull,
    RowCountBetween,
    Unique,
)

SUITE = dg.Suite(
    [
        NotNull("x"),
        Between("x", min_value=0, max_value=50),
        InSet("s", value_set=["a", "b"]),
        MatchesRegex("s", regex="^[ab]$"),
        Unique("i"),
        Increasing("i"),
        MeanBetween("x", min_value=0, max_value=10),
        RowCountBetween(min_value=1),
        Between("k", min_value=0, max_value=2),
        Between("x", max_value=40, where="k == 1"),
        InSet("s", value_set=["a"], where="k >= 2"),
    ]
)


def table(n: int, seed: int = 0) -> pa.Table:
    """``n`` rows of numbers with nulls, text and a row number ``i``."""
    return pa.table(
        {
            "i": pa.array(range(n), pa.int64()),
            "x": pa.array(
                [
                    None if (j * 7 + seed) % 13 == 0 else float((j * 31 + seed) % 60)
                    for j in range(n)
                ]
            ),
            "s": pa.array([("a", "b", "c", None)[(j * 5 + seed) % 4] for j in range(n)]),
        }
    )


def write_parts(root: Path, parts: list[tuple[int, pa.Table]]) -> pa.Table:
    """Write each ``(key, rows)`` to ``root/k=KEY/part-NNN.parquet``; the one table holding the
    rows as the dataset reads them (sorted paths), with ``k`` as its last column."""
    paths = []
    for index, (key, rows) in enumerate(parts):
        path = root / f"k={key}" / f"part-{index:03d}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(rows, path)
        paths.append((str(path.relative_to(root)), key, rows))
    ordered = sorted(paths, key=lambda p: p[0])
    whole = pa.concat_tables([rows for _, _, rows in ordered])
    keys = [key for _, key, rows in ordered for _ in range(rows.num_rows)]
    return whole.append_column("k", pa.array(keys, pa.int64()))


def outcomes(data: Any, **options: Any) -> list[dict[str, Any]]:
    result = dg.validate(data, SUITE, result_format="complete", **options)
    return [r.to_dict() for r in result.results]


@settings(max_examples=25)
@given(
    rows=st.integers(0, 120),
    cuts=st.lists(st.integers(0, 120), max_size=6),
    keys=st.lists(st.integers(0, 2), min_size=7, max_size=7),
    chunk=st.sampled_from([None, 1, 7, 64]),
    seed=st.integers(0, 5),
)
def test_a_dataset_gives_the_results_and_profile_of_one_file_of_its_rows(
    tmp_path_factory: pytest.TempPathFactory,
    *,
    rows: int,
    cuts: list[int],
    keys: list[int],
    chunk: int | None,
    seed: int,
) -> None:
    root = tmp_path_factory.mktemp("data")
    whole = table(rows, seed)
    bounds = sorted({0, rows, *(c for c in cuts if c <= rows)})
    parts = [
        (keys[i], whole.slice(start, stop - start))
        for i, (start, stop) in enumerate(itertools.pairwise(bounds))
    ] or [(keys[0], whole)]
    single = write_parts(root / "dataset", parts)
    pq.write_table(single, root / "single.parquet")
    dataset = str(root / "dataset")

    assert outcomes(dataset, chunk_size=chunk, id_columns=["i"]) == outcomes(
        root / "single.parquet", chunk_size=chunk, id_columns=["i"]
    )
    assert outcomes(dataset, chunk_size=chunk) == outcomes(single, chunk_size=chunk)
    assert (
        dg.profile(dataset, chunk_size=chunk).to_bytes()
        == dg.profile(root / "single.parquet").to_bytes()
    )


def test_partition_keys_are_columns_after_the_files_own(tmp_path: Path) -> None:
    for year, month in [(2025, "12"), (2026, "01")]:
        folder = tmp_path / f"year={year}" / f"month={month}"
        folder.mkdir(parents=True)
        pq.write_table(table(3), folder / "part-0.parquet")
    data = dg.dataset(tmp_path)
    assert data.names == ("i", "x", "s", "year", "month")
    # A key whose every value is an integer is an int64 (as a file would hold it): "01" is 1.
    assert data.dtypes[3:] == ("int64", "int64")
    result = dg.validate(data, [InSet("year", value_set=[2026])])
    assert result.results[0].unexpected_count == 3


def test_a_suite_pins_the_type_of_a_partition_key(tmp_path: Path) -> None:
    for day in ("2026-01-01", "2026-01-02"):
        folder = tmp_path / f"day={day}"
        folder.mkdir()
        pq.write_table(table(2), folder / "part.parquet")
    suite = dg.Suite(
        (NotNull("day"),),
        schema=dg.Schema((dg.ColumnSpec(name="day", type="date"),)),
    )
    assert dg.validate(str(tmp_path), suite).passed
    assert dg.dataset(tmp_path).dtypes[-1] == "string"


def test_a_glob_reads_the_matching_files_in_path_order(tmp_path: Path) -> None:
    (tmp_path / "a" / "deep").mkdir(parents=True)
    pq.write_table(table(4, 1), tmp_path / "a" / "deep" / "two.parquet")
    pq.write_table(table(3, 2), tmp_path / "a" / "one.parquet")
    pq.write_table(table(5, 3), tmp_path / "a" / "skip.csv.parquet.bak")
    flat = dg.validate(str(tmp_path / "a" / "*.parquet"), [RowCountBetween(min_value=0)])
    assert flat.run.data.rows == 3
    deep = dg.validate(str(tmp_path / "a" / "**" / "*.parquet"), [RowCountBetween(min_value=0)])
    assert deep.run.data.rows == 7
    assert deep.run.data.files == (
        f"{tmp_path}/a/deep/two.parquet",
        f"{tmp_path}/a/one.parquet",
    )


def test_a_folder_of_csv_files_reads_as_one_table(tmp_path: Path) -> None:
    pcsv.write_csv(table(6, 0), tmp_path / "b.csv")
    pcsv.write_csv(table(4, 1), tmp_path / "a.csv")
    (tmp_path / "_SUCCESS").write_text("")
    (tmp_path / ".hidden.csv").write_text("junk")
    result = dg.validate(str(tmp_path), [NotNull("x")])
    assert result.run.data.rows == 10
    assert [Path(f).name for f in result.run.data.files] == ["a.csv", "b.csv"]


def test_format_reads_files_without_a_data_suffix(tmp_path: Path) -> None:
    pq.write_table(table(3), tmp_path / "part-0")
    pq.write_table(table(2), tmp_path / "part-1")
    with pytest.raises(dg.InputError, match="part-0: unknown data file type"):
        dg.validate(str(tmp_path), [NotNull("x")])
    assert dg.validate(dg.dataset(tmp_path, format="parquet"), [NotNull("x")]).run.data.rows == 5


def test_without_partitioning_folders_are_not_columns(tmp_path: Path) -> None:
    (tmp_path / "k=1").mkdir()
    pq.write_table(table(3), tmp_path / "k=1" / "p.parquet")
    assert dg.dataset(tmp_path, partitioning=None).names == ("i", "x", "s")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda root: None, "no data files in the folder"),
        (lambda root: pq.write_table(table(2), root / "a.parquet"), None),
    ],
)
def test_an_empty_folder_or_glob_is_an_error_naming_it(
    tmp_path: Path, make: Any, message: str | None
) -> None:
    make(tmp_path)
    if message is not None:
        with pytest.raises(dg.InputError, match=message):
            dg.validate(str(tmp_path), [NotNull("x")])
    with pytest.raises(dg.InputError, match=r"\*\.csv: no file matches the glob"):
        dg.validate(str(tmp_path / "*.csv"), [NotNull("x")])


def test_files_of_differing_schemas_are_an_error_naming_both(tmp_path: Path) -> None:
    pq.write_table(table(2), tmp_path / "a.parquet")
    pq.write_table(table(2).set_column(0, "i", pa.array([1.5, 2.5])), tmp_path / "b.parquet")
    with pytest.raises(dg.InputError) as raised:
        dg.validate(str(tmp_path), [NotNull("x")])
    assert str(raised.value) == (
        f"{tmp_path}/b.parquet: column 'i' is double here but int64 in {tmp_path}/a.parquet; "
        "declare its type in the suite's schema to read every file alike"
    )
    pq.write_table(table(2).drop_columns(["s"]), tmp_path / "b.parquet")
    with pytest.raises(dg.InputError, match=r"b.parquet: has no column 's', which .*a.parquet has"):
        dg.validate(str(tmp_path), [NotNull("x")])


def test_files_of_several_formats_are_an_error(tmp_path: Path) -> None:
    pq.write_table(table(2), tmp_path / "a.parquet")
    pcsv.write_csv(table(2), tmp_path / "b.csv")
    with pytest.raises(dg.InputError, match=r"several formats, csv \(b.csv\) and parquet"):
        dg.validate(str(tmp_path), [NotNull("x")])


def test_a_column_named_as_a_partition_key_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "s=a").mkdir()
    pq.write_table(table(2), tmp_path / "s=a" / "p.parquet")
    with pytest.raises(dg.InputError, match="column 's' is also a partition key"):
        dg.dataset(tmp_path)


def test_the_outputs_name_the_files_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for key in range(25):
        (tmp_path / f"k={key:02d}").mkdir()
        pq.write_table(table(2), tmp_path / f"k={key:02d}" / "p.parquet")
    suite = tmp_path.parent / f"{tmp_path.name}-suite.yaml"
    dg.Suite([NotNull("x")]).dump(suite)
    code = main(["validate", str(tmp_path), "--suite", str(suite), "--format", "json"])
    assert code == 1  # the first row of each file has no x
    document = json.loads(capsys.readouterr().out)
    assert len(document["run"]["data"]["files"]) == 25  # the JSON names every file
    main(["validate", str(tmp_path), "--suite", str(suite), "--format", "junit"])
    junit = capsys.readouterr().out
    assert "25 files: " in junit
    assert "and 5 more" in junit
    main(["validate", str(tmp_path), "--suite", str(suite)])
    text = capsys.readouterr().out
    assert "(50 rows, 4 columns, 25 files)" in text
    html = dg.render_html(dg.validate(str(tmp_path), [NotNull("x")]))
    assert "25 files: " in html


def test_an_empty_folder_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = tmp_path / "suite.yaml"
    dg.Suite([NotNull("x")]).dump(suite)
    (tmp_path / "data").mkdir()
    assert main(["validate", str(tmp_path / "data"), "--suite", str(suite)]) == 2
    assert capsys.readouterr().err == (
        f"dataguard: error: {tmp_path / 'data'}: no data files in the folder\n"
    )


def test_drift_compares_datasets(tmp_path: Path) -> None:
    for name, seed in (("reference", 0), ("current", 3)):
        for part in range(3):
            folder = tmp_path / name / f"p={part}"
            folder.mkdir(parents=True)
            pq.write_table(table(40, seed + part), folder / "f.parquet")
    by_data = dg.drift(str(tmp_path / "current"), reference=str(tmp_path / "reference"))
    by_profile = dg.drift(
        dg.dataset(tmp_path / "current"), reference=dg.profile(str(tmp_path / "reference"))
    )
    assert by_data.to_dict()["columns"] == by_profile.to_dict()["columns"]
    assert set(by_data.columns) == {"i", "x", "s", "p"}


def test_a_csv_value_past_the_first_block_asks_for_the_type_to_be_declared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_files, "BLOCK_SIZE", 1 << 12)
    numbers = "\n".join(str(i) for i in range(3000))
    (tmp_path / "a.csv").write_text(f"v\n{numbers}\n")
    (tmp_path / "b.csv").write_text(f"v\n{numbers}\n1.5\n")
    with pytest.raises(dg.InputError) as raised:
        dg.validate(str(tmp_path), [NotNull("v")])
    assert str(raised.value) == (
        f"{tmp_path}/b.csv: column 'v' is double here but int64 in {tmp_path}/a.csv; "
        "declare its type in the suite's schema to read every file alike"
    )
    declared = dg.validate(str(tmp_path), [NotNull("v")], column_types={"v": "float"})
    assert declared.run.data.rows == 6001
