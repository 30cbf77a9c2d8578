"""Monitoring over time, end to end through the command line: ten daily validations of a
Parquet file recorded in a run history, the row count jumping on the tenth. The check bounded
by its own history fails only then; ``dataguard history`` shows the trend, the tenth run's
report draws it and ``dataguard site`` renders the ten runs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dataguard.cli import main

SUITE = """\
expectations:
  - {type: not_null, column: id}
  - {type: between, column: amount, min_value: 0}
  - {type: row_count_between, history: {window: 14, max_mad: 3}}
"""
#: Rows of each day's batch: steady for nine days, then five times as many.
DAILY_ROWS = (1000, 1012, 990, 1005, 998, 1010, 995, 1003, 1001, 5000)


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(argv, stdout=out), out.getvalue()


def test_ten_days_of_history_catch_the_jump_on_the_tenth(tmp_path: Path) -> None:
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE)
    data, history, report = tmp_path / "orders.parquet", tmp_path / "runs.db", tmp_path / "r.html"
    codes, failed = [], []
    for rows in DAILY_ROWS:
        pq.write_table(pa.table({"id": range(rows), "amount": [i % 50 for i in range(rows)]}), data)
        options = ["--format", "json", "--history", str(history), "--report", str(report)]
        code, out = run(["validate", str(data), "-s", str(suite), *options])
        codes.append(code)
        failed.append(
            [r["expectation"]["type"] for r in json.loads(out)["results"] if not r["passed"]]
        )
    assert codes == [0] * 9 + [1]
    assert failed == [[]] * 9 + [["row_count_between"]]

    code, out = run(["history", str(history), "--metric", "row_count", "--format", "csv"])
    assert code == 0
    lines = out.splitlines()
    assert [float(line.rsplit(",", 1)[-1]) for line in lines[1:]] == list(DAILY_ROWS)

    # The tenth report draws every expectation's trend over the ten runs.
    assert report.read_text().count('<svg class="trend"') == 3

    code, out = run(["site", str(history), "--output", str(tmp_path / "site")])
    assert code == 0
    assert "(1 dataset, 10 runs; 10 run pages rendered)" in out
    index = (tmp_path / "site" / "index.html").read_text()
    assert "1 dataset, 10 runs" in index
    assert "9 of 10" in index
