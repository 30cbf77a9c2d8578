"""Several writers at once: each waits for the others' locks, and every run is stored."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
import textwrap
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dataguard as dg
from dataguard.history import History, append_run

#: A writer process: once every writer has started (the files ``ready*`` beside the database
#: say so), appends validations of its own dataset, racing the others, the first ones also to
#: create the database.
WRITER = textwrap.dedent(
    """
    import pathlib, sys, time
    import dataguard as dg

    path, name, runs, writers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    folder = pathlib.Path(path).parent
    (folder / f"ready-{name}").touch()
    while len(list(folder.glob("ready-*"))) < writers:
        time.sleep(0.005)
    suite = [dg.expectations.NotNull("id"), dg.expectations.Between("id", min_value=0)]
    for rows in range(1, runs + 1):
        dg.validate({"id": list(range(rows))}, suite, history=path, dataset=name)
    """
)


def test_threads_appending_at_once_store_every_run(
    tmp_path: Path, validation: Callable[[int], dg.ValidationResult]
) -> None:
    path = tmp_path / "runs.db"
    result = validation(4)
    # Distinct start times make distinct runs of one result.
    runs = [
        dataclasses.replace(
            result,
            run=dataclasses.replace(
                result.run, started_at=result.run.started_at + dt.timedelta(seconds=i)
            ),
        )
        for i in range(40)
    ]
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda run: append_run(path, run, dataset="orders"), runs))
    assert len(set(ids)) == 40
    with History(path) as history:
        assert {r.run_id for r in history.runs()} == set(ids)


def test_processes_appending_at_once_store_every_run(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), f"part{i}", "6", "2"])
        for i in range(2)
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]
    with History(path) as history:
        for i in range(2):
            rows = [r.row_count for r in history.runs(dataset=f"part{i}")]
            assert rows == [1, 2, 3, 4, 5, 6]
