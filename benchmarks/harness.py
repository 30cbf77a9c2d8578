"""The machinery under ``benchmarks/run.py``: virtual environments, data, and running one runner.

Standard library only: ``run.py`` runs under any ``python3`` and reaches every library through the
virtual environments' own interpreters. Each runner runs as a child process with its tool's
environment; the child's peak resident memory comes from ``os.wait4`` (the kernel's ``ru_maxrss``
for that process alone: interpreter, libraries, data and the job, all included).
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
VENVS = BENCH / ".venvs"
PEERS = BENCH / "peers"
RUNNERS = BENCH / "runners"
DATA = BENCH / "data"
SUITES = DATA / "suites"
RESULTS = BENCH / "results"

#: Virtual environment -> the pinned package set it is installed from (benchmarks/peers/).
#: ``dataguard`` is the base set (the peers' numpy, pandas, pyarrow, scipy) plus this checkout.
VENV_LOCKS = {
    "dataguard": "base",
    "pandera": "pandera",
    "great_expectations": "great_expectations",
    "evidently": "evidently",
    "whylogs": "whylogs",
    "cluster": "cluster",
    "pandera_pyspark": "pandera_pyspark",
    "gx_spark": "gx_spark",
    "anchors": "anchors",
}
#: The environments that hold this checkout (installed editable, constrained to their lock):
#: ``cluster`` is the base set plus PySpark, Dask and distributed.
WITH_CHECKOUT = ("dataguard", "cluster")
_MARKER = ".benchmark-lock.sha256"


def python_of(venv: str) -> Path:
    """The interpreter of a benchmark virtual environment."""
    return VENVS / venv / "bin" / "python"


def _lock_digest(venv: str) -> str:
    """What the environment was installed from: its lock (and, for dataguard, the checkout's
    dependencies: the editable install follows code changes by itself, not new dependencies)."""
    text = (PEERS / f"{VENV_LOCKS[venv]}.lock.txt").read_bytes()
    if venv in WITH_CHECKOUT:
        text += (ROOT / "pyproject.toml").read_bytes()
    return hashlib.sha256(text).hexdigest()


def _pip(venv: str, *args: str) -> None:
    command = [str(python_of(venv)), "-m", "pip", "install", "--quiet", *args]
    print(f"  $ {' '.join(command)}", file=sys.stderr)
    subprocess.run(command, check=True)


def ensure_venv(venv: str) -> Path:
    """Create the environment from its lock file if it is missing or was installed from another
    lock (a marker file keeps the lock's digest); return its interpreter."""
    folder = VENVS / venv
    marker = folder / _MARKER
    digest = _lock_digest(venv)
    if python_of(venv).exists() and marker.exists() and marker.read_text().strip() == digest:
        return python_of(venv)
    print(f"setting up virtual environment {folder}...", file=sys.stderr)
    if not python_of(venv).exists():
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    lock = PEERS / f"{VENV_LOCKS[venv]}.lock.txt"
    _pip(venv, "-r", str(lock))
    if venv in WITH_CHECKOUT:
        # The checkout on the peers' exact numpy/pandas/pyarrow; the lock pins them (-c).
        _pip(venv, "-c", str(lock), "-e", str(ROOT))
    marker.write_text(digest + "\n")
    return python_of(venv)


def run_in(venv: str, *args: str) -> None:
    """Run a benchmark script with an environment's interpreter, failing loudly."""
    subprocess.run([str(python_of(venv)), *args], check=True, cwd=ROOT)


def data_dir(rows: int, unit: str = "ns") -> Path:
    """Where the data of one size lives (written once, kept and reused); data with microsecond
    timestamps (what Spark reads) in a folder of its own."""
    return DATA / (str(rows) if unit == "ns" else f"{rows}-{unit}")


def prepare_data(
    rows: int,
    *,
    reference: bool = True,
    profile_truth: bool = False,
    unit: str = "ns",
    csv: bool = False,
) -> Path:
    """Have current.parquet, reference.parquet (when asked), current.csv (when ``csv``) and
    meta.json for ``rows`` (prepare.py keeps files the current data.py wrote), and the profile
    truth when asked; timestamps in ``unit``."""
    folder = data_dir(rows, unit)
    print(f"data at {rows:,} rows: {folder.relative_to(ROOT)}", file=sys.stderr)
    tables = "reference,current" if reference or profile_truth else "current"
    options = ["--rows", str(rows), "--dir", str(folder), "--tables", tables]
    options += ["--timestamp-unit", unit]
    if profile_truth:
        options.append("--profile-truth")
    if csv:
        options.append("--csv")
    run_in("dataguard", str(BENCH / "prepare.py"), *options)
    return folder


def read_meta(rows: int) -> dict[str, Any]:
    """What the generator planted at this size (prepare.py's meta.json)."""
    return dict(json.loads((data_dir(rows) / "meta.json").read_text()))


def venv_versions(venv: str, packages: list[str]) -> dict[str, str]:
    """Python and package versions installed in an environment."""
    code = (
        "import json, sys, importlib.metadata as m\n"
        "out = {'python': sys.version.split()[0]}\n"
        f"for p in {packages!r}:\n"
        "    try: out[p] = m.version(p)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [str(python_of(venv)), "-c", code], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout))


# --- one runner, one child process ---------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One runner invocation: a tool's job on the data of one size, in one variant."""

    job: str  # validate, drift, profile, scaling or out_of_core (a JSON may say drift_profile)
    tool: str  # dataguard, pandas, pandera, great_expectations, evidently, whylogs
    script: str  # runner file in benchmarks/runners/
    venv: str
    rows: int
    variant: str  # the input or mode, e.g. "pandas", "parquet", "raw", "profile"
    args: tuple[str, ...] = ()  # runner options beyond the protocol's
    suite: Path | None = None
    expectations: int | None = None  # for the scaling job's suites of k expectations
    repeats: bool = True  # whether the runner takes --repeat (the out-of-core one runs once)
    unit: str = "ns"  # the data's timestamp unit (the cluster job's data: microseconds)

    @property
    def label(self) -> str:
        """How tables name it."""
        return f"{DISPLAY.get(self.tool, self.tool)} ({self.variant})"

    @property
    def out_name(self) -> str:
        """The result file's name in benchmarks/results/ (unique per task)."""
        k = f"-k{self.expectations}" if self.expectations is not None else ""
        return f"{self.job}-{self.tool}-{self.variant}-{self.rows}{k}.json"


DISPLAY = {
    "dataguard": "dataguard",
    "pandas": "hand-written pandas",
    "pandera": "Pandera",
    "great_expectations": "Great Expectations",
    "evidently": "Evidently",
    "whylogs": "whylogs",
}


@dataclass
class Outcome:
    """What one runner invocation gave: its JSON, or why there is none."""

    task: Task
    status: str  # "ok", "missing runner" or "failed (exit N): the last line of its stderr"
    result: dict[str, Any] | None = None
    process_peak_mb: float | None = None
    wall_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok" and self.result is not None

    @property
    def data(self) -> dict[str, Any]:
        """The runner's JSON (empty when there is none)."""
        return self.result or {}

    @property
    def seconds(self) -> list[float]:
        return list(self.result.get("seconds") or []) if self.result else []

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def rows(self) -> int:
        return int(self.result.get("rows", self.task.rows)) if self.result else self.task.rows

    @property
    def peak_added_mb(self) -> float | None:
        value = self.result.get("peak_added_mb") if self.result else None
        return None if value is None else float(value)


def command(task: Task, repeat: int, out: Path) -> list[str]:
    """The runner's command line, per the protocol."""
    line = [
        str(python_of(task.venv)),
        str(RUNNERS / task.script),
        "--data",
        str(data_dir(task.rows, task.unit)),
    ]
    if task.repeats:
        line += ["--repeat", str(repeat)]
    line += ["--out", str(out)]
    if task.suite is not None:
        line += ["--suite", str(task.suite)]
    return line + list(task.args)


def run_task(task: Task, repeat: int, out_dir: Path) -> Outcome:
    """Run one runner as a child process and collect its JSON and peak process memory."""
    script = RUNNERS / task.script
    if not script.exists():
        print(f"MISSING runner {script.relative_to(ROOT)}: {task.label} skipped", file=sys.stderr)
        return Outcome(task, "missing runner")
    out = out_dir / task.out_name
    out.unlink(missing_ok=True)
    started = time.perf_counter()
    line = command(task, repeat, out)
    child = subprocess.Popen(line, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    last = ""
    for text in child.stderr or ():  # passed on as it comes; the last line says why a run failed
        sys.stderr.write(text)
        last = text.strip() or last
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    wall = time.perf_counter() - started
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    if child.returncode != 0 or not out.exists():
        print(
            f"FAILED {task.label} at {task.rows:,} rows: exit {child.returncode}", file=sys.stderr
        )
        why = f"failed (exit {child.returncode}): {last[:200]}"
        return Outcome(task, why, None, peak, wall)
    result = dict(json.loads(out.read_text()))
    result["process_peak_rss_mb"] = round(peak, 1)
    out.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    return Outcome(task, "ok", result, peak, wall)


def load_outcome(task: Task, out_dir: Path) -> Outcome:
    """The outcome a previous run of ``task`` left in ``out_dir`` (its JSON), without running
    anything: how ``run.py --from-results`` writes the report again."""
    out = out_dir / task.out_name
    if not out.exists():
        return Outcome(task, "no result file")
    result = dict(json.loads(out.read_text()))
    peak = result.get("process_peak_rss_mb")
    return Outcome(task, "ok", result, None if peak is None else float(peak))
