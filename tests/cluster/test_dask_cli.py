"""``--engine dask`` on the command line: the same outcome as on this machine, and one line
naming the fix when the extra is missing."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

import dataguard as dg
from dataguard._frame import ReadPlan, _files
from dataguard.cli import main
from dataguard.cluster import open_dask_file
from dataguard.suite import loads_suite
from tests.cluster.test_dask import rows

# All Spark modules run on one test worker, all Dask modules on one: two clusters of a kind at
# once would compete for the cores; each module's cluster fixtures still start once.
pytestmark = pytest.mark.xdist_group("dask")

SUITE = """\
name: on dask
schema:
  columns:
    x: {type: float}
    y: {type: integer}
    s: {type: string}
    t: {type: datetime}
    id: {type: integer, unique: true}
expectations:
  - {type: not_null, column: x, mostly: 0.9}
  - {type: increasing, column: x}
  - {type: between, column: y, min_value: 1, max_value: 2}
  - {type: in_set, column: s, value_set: [a, b], severity: warning}
  - {type: max_between, column: t, max_value: "2020-01-10"}
  - {type: median_between, column: x, min_value: 1}
  - {type: no_outliers, column: x, method: std, factor: 1.5, where: "y >= 2"}
"""


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    code = main(argv, stdout=out)
    return code, out.getvalue()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The test rows as Parquet (in several row groups) and CSV, and a suite declaring types."""
    folder = tmp_path_factory.mktemp("dask-cli")
    table = pa.Table.from_pandas(rows(), preserve_index=False)
    pq.write_table(table, folder / "data.parquet", row_group_size=16)
    pcsv.write_csv(table, folder / "data.csv")
    (folder / "suite.yaml").write_text(SUITE)
    return {
        "parquet": folder / "data.parquet",
        "csv": folder / "data.csv",
        "suite": folder / "suite.yaml",
    }


def without_run(text: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(text)
    doc.pop("run")
    return doc


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_validate_as_without_engine(files: dict[str, Path], dask_client: Any, kind: str) -> None:
    argv = ["validate", str(files[kind]), "--suite", str(files["suite"]), "--format", "json"]
    scheduler = ["--engine", "dask", "--dask-scheduler", dask_client.scheduler.address]
    here_code, here = run(argv)
    code, on_dask = run([*argv, *scheduler])
    assert (code, without_run(on_dask)) == (here_code, without_run(here))
    assert code == 1  # the suite fails: the comparison is of failures, not of empty results


def test_profile_and_drift_as_without_engine(
    files: dict[str, Path], dask_client: Any, tmp_path: Path
) -> None:
    data = str(files["parquet"])
    scheduler = ["--engine", "dask", "--dask-scheduler", dask_client.scheduler.address]
    assert run(["profile", data, "-o", str(tmp_path / "here.json")])[0] == 0
    assert run(["profile", data, "-o", str(tmp_path / "dask.json"), *scheduler])[0] == 0
    assert (tmp_path / "dask.json").read_bytes() == (tmp_path / "here.json").read_bytes()
    argv = ["drift", data, "--reference", str(tmp_path / "here.json"), "--format", "json"]
    assert without_run(run([*argv, *scheduler])[1]) == without_run(run(argv)[1])


def test_a_local_cluster_is_started_for_the_run(files: dict[str, Path], dask_client: Any) -> None:
    argv = ["validate", str(files["parquet"]), "--suite", str(files["suite"]), "--format", "json"]
    code, on_dask = run([*argv, "--engine", "dask"])
    assert (code, without_run(on_dask)) == (1, without_run(run(argv)[1]))


def test_a_missing_extra_is_one_line_naming_the_fix(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    code, _ = run(["profile", str(files["parquet"]), "-o", "unused.json", "--engine", "dask"])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.splitlines()) == 1
    assert "pip install 'dataguard[dask]'" in err


def test_a_scheduler_without_the_engine_is_a_usage_error(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run(["profile", str(files["parquet"]), "-o", "unused.json", "--dask-scheduler", "x"])
    assert code == 2
    assert "--dask-scheduler applies to --engine dask" in capsys.readouterr().err


def test_a_parquet_file_with_a_named_index_reads_its_columns(
    dask_client: Any, tmp_path: Path
) -> None:
    import pandas as pd

    frame = pd.DataFrame({"a": [1, 2, 2]}, index=pd.Index([7, 8, 9], name="key"))
    path = tmp_path / "named.parquet"
    frame.to_parquet(path)  # pandas stores the named index as a column "key"
    suite = tmp_path / "suite.yaml"
    suite.write_text(
        "expectations:\n  - {type: unique, column: key}\n  - {type: unique, column: a}\n"
    )
    argv = ["validate", str(path), "--suite", str(suite), "--format", "json"]
    scheduler = ["--engine", "dask", "--dask-scheduler", dask_client.scheduler.address]
    here_code, here = run(argv)
    code, on_dask = run([*argv, *scheduler])
    assert (code, without_run(on_dask)) == (here_code, without_run(here))
    assert code == 1  # column a repeats a value


def test_a_header_only_csv_file_is_read_as_without_engine(dask_client: Any, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("a,b\n")  # no rows: both columns are typed null
    suite = tmp_path / "suite.yaml"
    suite.write_text("expectations:\n  - {type: not_null, column: a}\n")
    argv = ["validate", str(path), "--suite", str(suite), "--format", "json"]
    scheduler = ["--engine", "dask", "--dask-scheduler", dask_client.scheduler.address]
    here_code, here = run(argv)
    code, on_dask = run([*argv, *scheduler])
    assert (code, without_run(on_dask)) == (here_code, without_run(here))
    assert code == 0


#: A CSV file whose column ``n`` holds integers up to its last rows: the local reader infers
#: the types from its first block (lowered to 4 KiB here), so a later value widens the column.
WIDE_ROWS = 3000


def widening_csv(path: Path, late: str, where: int) -> Path:
    """Columns ``n`` (integers, ``late`` at row ``where``) and ``k`` (small integers)."""
    values = [str(i) for i in range(WIDE_ROWS)]
    values[where] = late
    path.write_text("n,k\n" + "".join(f"{v},{i % 7}\n" for i, v in enumerate(values)))
    return path


WIDE_SUITE = """\
schema:
  columns:
    n: {type: integer}
    k: {type: integer}
expectations:
  - {type: between, column: n, min_value: 0}
  - {type: unique, column: k}
"""


@pytest.mark.parametrize("late", ["1.5", "unknown"])
@pytest.mark.parametrize("where", [WIDE_ROWS // 2, WIDE_ROWS - 1])
def test_a_csv_column_widening_after_the_first_block_reads_as_without_engine(
    dask_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, late: str, where: int
) -> None:
    monkeypatch.setattr(_files, "BLOCK_SIZE", 1 << 12)
    path = widening_csv(tmp_path / "wide.csv", late, where)
    suite = tmp_path / "suite.yaml"
    suite.write_text(WIDE_SUITE)
    argv = ["validate", str(path), "--suite", str(suite), "--format", "json"]
    scheduler = ["--engine", "dask", "--dask-scheduler", dask_client.scheduler.address]
    here_code, here = run(argv)
    code, on_dask = run([*argv, *scheduler])
    assert (code, without_run(on_dask)) == (here_code, without_run(here))
    (n_type,) = [
        r for r in json.loads(on_dask)["results"] if r["expectation"]["type"] == "column_type"
    ][:1]
    assert (code, n_type["reason"]) == (1, "type_mismatch")  # n holds a float, or text


@pytest.mark.parametrize("late", ["1.5", "unknown", "2020-01-01"])
def test_a_csv_file_in_many_blocks_reads_its_widest_types(
    dask_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, late: str
) -> None:
    monkeypatch.setattr(_files, "BLOCK_SIZE", 1 << 12)
    path = widening_csv(tmp_path / "wide.csv", late, WIDE_ROWS // 2)
    suite = loads_suite(WIDE_SUITE)
    plan = ReadPlan(suite.column_types)
    on_dask = dg.validate(open_dask_file(str(path), lambda names: plan, blocksize=1 << 12), suite)
    here = dg.validate(path, suite)
    assert on_dask.to_dict()["results"] == here.to_dict()["results"]


def test_a_late_unreadable_csv_line_is_an_input_error_naming_the_file(
    dask_client: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(_files, "BLOCK_SIZE", 1 << 12)
    path = widening_csv(tmp_path / "wide.csv", "1,2", WIDE_ROWS // 2)  # three fields
    suite = tmp_path / "suite.yaml"
    suite.write_text(WIDE_SUITE)
    argv = ["validate", str(path), "--suite", str(suite), "--engine", "dask"]
    code, _ = run([*argv, "--dask-scheduler", dask_client.scheduler.address])
    err = capsys.readouterr().err
    assert (code, len(err.splitlines())) == (2, 1)
    assert f"{path}: cannot read the file" in err


def test_quoted_empty_csv_fields_read_as_without_engine(dask_client: Any, tmp_path: Path) -> None:
    """A quoted empty field is the empty string in a text column and missing in a number column,
    a bare one missing in both, in partitions of a few lines as in one read."""
    path = tmp_path / "quoted.csv"
    lines = [
        f"{k},{'' if k % 3 == 0 else chr(34) * 2 if k % 3 == 1 else f'u{k}@x.y'},"
        f"{chr(34) * 2 if k % 4 == 0 else '' if k % 4 == 1 else k / 2}"
        for k in range(300)
    ]
    path.write_text("id,email,amount\n" + "\n".join(lines) + "\n")
    suite = loads_suite(
        """
        expectations:
          - {type: not_null, column: email}
          - {type: matches_regex, column: email, regex: "@"}
          - {type: not_null, column: amount}
        """
    )
    plan = ReadPlan(suite.column_types)
    on_dask = dg.validate(open_dask_file(str(path), lambda names: plan, blocksize=256), suite)
    here = dg.validate(path, suite)
    assert on_dask.to_dict()["results"] == here.to_dict()["results"]
    assert [r.unexpected_count for r in here.results] == [100, 100, 150]
