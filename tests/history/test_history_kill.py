"""A validation killed with SIGKILL while it writes to the history leaves a database that opens,
passes SQLite's integrity check, and holds every run committed before, and none of the killed one.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import dataguard as dg
from dataguard.history import History

#: Validates small data COMMITTED times with --history, saying after each run that it is
#: stored; then validates large data (every row failing, every failing value kept: a document
#: of megabytes, more than SQLite's page cache holds, so uncommitted pages reach the WAL file)
#: and stops inside the write, after the rows are inserted and before the commit, saying so.
CHILD = textwrap.dedent(
    """
    import sys, time
    import dataguard as dg
    import dataguard.history._write as write

    path, committed = sys.argv[1], int(sys.argv[2])
    suite = [dg.expectations.NotNull("id"), dg.expectations.Between("amount", min_value=0)]
    for rows in range(1, committed + 1):
        data = {"id": list(range(rows)), "amount": [1.0] * rows}
        result = dg.validate(data, suite, history=path, dataset="orders")
        print("committed", result.run.started_at.isoformat(), flush=True)

    insert = write._insert

    def insert_then_stop(*args):
        stored = insert(*args)
        print("writing", flush=True)
        time.sleep(120)  # killed here, inside the transaction
        return stored

    write._insert = insert_then_stop
    rows = 200_000
    data = {"id": list(range(rows)), "amount": [-1.0] * rows}
    dg.validate(data, suite, history=path, dataset="orders", result_format="complete")
    """
)


def test_sigkill_during_a_write_keeps_every_committed_run(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    committed = []
    argv = [sys.executable, "-c", CHILD, str(path), "5"]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("writing"):
                child.send_signal(signal.SIGKILL)
                break
            committed.append(line.split()[1])
    assert child.wait(timeout=60) == -signal.SIGKILL
    assert len(committed) == 5
    # Uncommitted pages of the killed write reached the WAL file (it was empty before).
    assert Path(f"{path}-wal").stat().st_size > 100_000

    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("SELECT count(*) FROM expectation_results").fetchone() == (10,)
    with History(path) as history:
        runs = history.runs()
        assert [r.started_at.isoformat() for r in runs] == committed
        assert [r.row_count for r in runs] == [1, 2, 3, 4, 5]
        assert all(history.document(r.run_id)["run"]["data"]["rows"] == r.row_count for r in runs)

    suite = [dg.expectations.NotNull("id")]
    dg.validate({"id": [1]}, suite, history=path, dataset="orders")  # still writable
    with History(path) as history:
        assert len(history.runs()) == 6
