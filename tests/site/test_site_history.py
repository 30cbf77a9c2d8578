"""``dg.build_site`` and ``dataguard site``: the site of a real run history, rebuilt as runs are
appended, and clear errors (exit 2) for what cannot be built."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import dataguard as dg
from dataguard.cli import main
from dataguard.expectations import NotNull, RowCountBetween

SUITE = """\
expectations:
  - {type: not_null, column: id}
  - {type: row_count_between, max_value: 150}
"""


def _record(history: Path, rows: int, dataset: str = "orders.parquet") -> None:
    suite = dg.Suite([NotNull("id"), RowCountBetween(max_value=150)], name="orders")
    dg.validate({"id": list(range(rows))}, suite, history=history, dataset=dataset)


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(argv, stdout=out), out.getvalue()


def test_a_site_of_ten_runs_whose_row_count_jumps_on_the_tenth(tmp_path: Path) -> None:
    history = tmp_path / "runs.db"
    for day in range(10):
        _record(history, 400 if day == 9 else 100 + day)
    built = dg.build_site(history, tmp_path / "site")
    assert (built.datasets, built.runs, len(built.rendered)) == (1, 10, 10)
    index = built.index.read_text()
    assert "1 dataset, 10 runs in the history runs.db" in index
    assert "9 of 10" in index
    folder = next((tmp_path / "site").glob("orders-parquet-*"))
    latest = (folder / "run-10.html").read_text()
    assert "FAILED" in latest
    assert latest.count('<svg class="trend"') == 2  # one per expectation, over the ten runs

    _record(history, 120)
    again = dg.build_site(history, tmp_path / "site")
    assert again.rendered == (folder / "run-11.html",)
    assert "11 runs" in again.index.read_text()


def test_the_site_command_builds_and_rebuilds(tmp_path: Path) -> None:
    history = tmp_path / "runs.db"
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE)
    data = tmp_path / "orders.csv"
    for rows in (10, 200):
        data.write_text("id\n" + "".join(f"{i}\n" for i in range(rows)))
        run(["validate", str(data), "-s", str(suite), "--history", str(history)])
    site = tmp_path / "site"
    code, out = run(["site", str(history), "--output", str(site)])
    assert code == 0
    assert out == f"site: {site / 'index.html'} (1 dataset, 2 runs; 2 run pages rendered)\n"
    assert run(["site", str(history), "-o", str(site)])[1].endswith("; 0 run pages rendered)\n")
    assert (next(site.glob("orders-csv-*")) / "run-2.html").is_file()


@pytest.mark.parametrize(
    ("case", "names"),
    [
        ("missing history", "absent.db: "),
        ("not a site", "site: "),
        ("output is history", "--output"),
    ],
)
def test_the_site_command_refuses_what_it_cannot_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, names: str
) -> None:
    history = tmp_path / "runs.db"
    _record(history, 10)
    output = tmp_path / "site"
    if case == "missing history":
        history = tmp_path / "absent.db"
    elif case == "not a site":
        output.mkdir()
        (output / "notes.txt").write_text("mine")
    else:
        output = history
    code, out = run(["site", str(history), "--output", str(output)])
    assert code == 2
    assert out == ""
    error = capsys.readouterr().err
    assert error.startswith("dataguard: error: ")
    assert names in error
    assert len(error.strip().splitlines()) == 1
    assert "Traceback" not in error


def test_a_drift_by_group_is_charted_per_group_and_column(tmp_path: Path) -> None:
    import numpy as np

    history = tmp_path / "runs.db"
    rng = np.random.default_rng(5)
    reference = {"amount": rng.normal(size=300), "carrier": rng.choice(["AA", "<b>"], size=300)}
    for shift in (0.0, 0.6):
        current = {"amount": rng.normal(size=300) + shift, "carrier": reference["carrier"]}
        dg.drift(current, reference=reference, group_by=["carrier"], history=history, dataset="g")
    built = dg.build_site(history, tmp_path / "site")
    assert len(built.rendered) == 2
    page = (next((tmp_path / "site").glob("g-*")) / "index.html").read_text()
    assert "2 of 2 groups drifted" in page
    assert "(group carrier = AA)" in page
    assert "(group carrier = &lt;b&gt;)" in page
    assert page.count('<svg class="trend"') == 2  # amount in each of the two groups
