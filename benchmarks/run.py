"""One command for every benchmark: dataguard against its peers, each in its own environment.

    python3 benchmarks/run.py                                # 1M and 5M rows, 5 repeats, all jobs
    python3 benchmarks/run.py --rows 1000000 --repeat 3 --jobs validate,drift
    python3 benchmarks/run.py --quick                        # 100k rows, 1 repeat: a smoke run

It creates any missing virtual environment (``benchmarks/.venvs/<name>`` from
``benchmarks/peers/<lock>.lock.txt``; ``dataguard`` is the base lock plus this checkout), writes
the data once per size (``benchmarks/data/<rows>/``), then runs every runner of the chosen jobs as
a child process with its tool's interpreter:

- ``validate``: the 16-check suite (``suite.yaml``) with dataguard (pandas, string[pyarrow],
  Arrow and Parquet inputs), the hand-written pandas baseline, Pandera and Great Expectations.
  All of them first run once without timing at the smallest size, and their answers are compared
  check by check with the baseline's, before anything is timed;
- ``drift``: dataguard, Evidently and whylogs on current vs reference (and from a stored profile);
- ``profile``: dataguard and whylogs profiling the reference;
- ``scaling``: dataguard's rows/s against the row count and against the number of expectations;
- ``out_of_core``: dataguard validating and profiling a 20M-row Parquet file by streaming it, each
  step in its own process (peak RSS), against the same done on the table read whole;
- ``cluster``: a 10M-row Parquet file (microsecond timestamps) validated and profiled by dataguard
  with the local core, on Spark ``local[2]`` and on a 2-worker Dask cluster (same answers, time,
  process-tree memory, bytes shipped per partition per pass), beside Pandera's PySpark backend and
  Great Expectations' Spark engine on the same Spark DataFrame; answers against the hand-written
  baseline's. Run alone (``--jobs cluster``), it writes its own section of ``RESULTS.md`` and
  leaves the others as they are.

Every runner's JSON lands in ``benchmarks/results/`` (replaced on each run, with ``run.json``:
environment, problems, findings and targets), and ``benchmarks/RESULTS.md`` is written from them.
The exit code is 1 when a runner failed, a validation tool disagrees with the baseline,
dataguard's drift or profile answers differ from the planted truth, or its streamed out-of-core
results differ from the in-memory ones; a peer's differing drift or profile verdicts are findings
(printed, and marked in the tables), not failures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import agreement
import cluster_md
import harness
import results_md
import scaling
from harness import ROOT, Outcome, Task

JOBS = ("validate", "drift", "profile", "scaling", "out_of_core", "cluster")
#: Validation runs: (tool, runner, environment, input). The baseline comes first: the others are
#: judged against it.
VALIDATE = (
    ("pandas", "pandas_validate.py", "dataguard", "pandas"),
    ("pandas", "pandas_validate.py", "dataguard", "pandas-arrow-strings"),
    ("pandas", "pandas_validate.py", "dataguard", "parquet"),
    ("dataguard", "dataguard_validate.py", "dataguard", "pandas"),
    ("dataguard", "dataguard_validate.py", "dataguard", "pandas-arrow-strings"),
    ("dataguard", "dataguard_validate.py", "dataguard", "arrow"),
    ("dataguard", "dataguard_validate.py", "dataguard", "parquet"),
    ("dataguard", "dataguard_validate.py", "dataguard", "csv"),
    ("duckdb", "duckdb_validate.py", "anchors", "pandas"),
    ("duckdb", "duckdb_validate.py", "anchors", "arrow"),
    ("duckdb", "duckdb_validate.py", "anchors", "parquet"),
    ("duckdb", "duckdb_validate.py", "anchors", "csv"),
    ("polars", "polars_validate.py", "anchors", "pandas"),
    ("polars", "polars_validate.py", "anchors", "arrow"),
    ("polars", "polars_validate.py", "anchors", "parquet"),
    ("polars", "polars_validate.py", "anchors", "csv"),
    ("floor", "floor_validate.py", "anchors", "arrow"),
    ("floor", "floor_validate.py", "anchors", "parquet"),
    ("pandera", "pandera_validate.py", "pandera", "pandas"),
    ("great_expectations", "gx_validate.py", "great_expectations", "pandas"),
)
#: Drift and profiling runs: (tool, runner, environment, variant, runner options).
DRIFT = (
    ("dataguard", "dataguard_drift.py", "dataguard", "raw", ("--mode", "raw")),
    ("dataguard", "dataguard_drift.py", "dataguard", "profile", ("--mode", "profile")),
    ("evidently", "evidently_drift.py", "evidently", "inferred", ("--data-definition", "inferred")),
    ("evidently", "evidently_drift.py", "evidently", "explicit", ("--data-definition", "explicit")),
    ("whylogs", "whylogs_drift.py", "whylogs", "raw", ("--mode", "raw")),
    ("whylogs", "whylogs_drift.py", "whylogs", "profile", ("--mode", "profile")),
)
PROFILE = (
    ("dataguard", "dataguard_profile.py", "dataguard", "pandas", ("--input", "pandas")),
    ("dataguard", "dataguard_profile.py", "dataguard", "arrow", ("--input", "arrow")),
    ("dataguard", "dataguard_profile.py", "dataguard", "parquet", ("--input", "parquet")),
    ("polars", "polars_profile.py", "anchors", "arrow", ("--input", "arrow")),
    ("polars", "polars_profile.py", "anchors", "parquet", ("--input", "parquet")),
    ("duckdb", "duckdb_profile.py", "anchors", "arrow", ("--input", "arrow")),
    ("duckdb", "duckdb_profile.py", "anchors", "parquet", ("--input", "parquet")),
    ("whylogs", "whylogs_profile.py", "whylogs", "pandas", ()),
)
#: Tools whose answers are not the checks' (the physical floor): kept out of the agreement.
NOT_JUDGED = ("floor",)
#: ``--tools`` names: a tool's own name, and ``baseline`` for the hand-written pandas baseline.
TOOL_ALIASES = {"baseline": "pandas"}
#: Cluster runs: (tool, runner, environment, variant, runner options). The hand-written baseline
#: (answers only) comes first: the others are judged against it; dataguard's local core second:
#: its Spark and Dask results must be identical to it.
CLUSTER = (
    ("pandas", "pandas_validate.py", "dataguard", "parquet", ("--input", "parquet")),
    ("dataguard", "dataguard_cluster.py", "cluster", "local", ("--engine", "local")),
    ("dataguard", "dataguard_cluster.py", "cluster", "spark", ("--engine", "spark")),
    ("dataguard", "dataguard_cluster.py", "cluster", "dask", ("--engine", "dask")),
    ("pandera", "pandera_pyspark_validate.py", "pandera_pyspark", "pyspark", ()),
    ("great_expectations", "gx_spark_validate.py", "gx_spark", "spark", ()),
)
#: The cluster job's data size (issue 15 states it at 10M rows) and timed runs per step.
CLUSTER_ROWS = 10_000_000
CLUSTER_REPEAT = 1
#: The scaling curve validates pandas frames up to this size and the Parquet path above it (a
#: 20M-row frame with object strings would take ~10 GB before the validation starts).
PANDAS_UP_TO = 5_000_000
#: The out-of-core job's data size (its target is stated at 20M rows); ``--quick``: the quick size.
OUT_OF_CORE_ROWS = 20_000_000
QUICK_ROWS = 100_000


def _sizes(text: str) -> list[int]:
    return sorted({int(float(part)) for part in text.split(",") if part.strip()})


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line; ``--quick`` lowers every size and the repeats for a smoke run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=_sizes, default=None, help="sizes (default 1M,5M)")
    parser.add_argument(
        "--drift-rows",
        type=_sizes,
        default=None,
        help="drift, profiling sizes (1M)",
    )
    parser.add_argument("--repeat", type=int, default=None, help="timed runs (default 5)")
    parser.add_argument("--jobs", default=",".join(JOBS), help=f"any of {', '.join(JOBS)}")
    parser.add_argument("--scaling-rows", type=_sizes, default=None, help="default 100k,1M,5M,20M")
    parser.add_argument("--scaling-k", type=_sizes, default=None, help="default 1,5,20,50")
    parser.add_argument("--scaling-k-rows", type=int, default=None, help="default 1M")
    parser.add_argument(
        "--out-of-core-rows", type=int, default=None, help="out_of_core size (default 20M)"
    )
    parser.add_argument(
        "--cluster-rows", type=_sizes, default=None, help="cluster job sizes (default 10M)"
    )
    parser.add_argument(
        "--cluster-repeat", type=int, default=None, help="cluster job timed runs (default 1)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="100k rows (out of core too), 1 repeat, small scaling"
    )
    parser.add_argument(
        "--tools",
        default=None,
        help="run only these tools (e.g. dataguard,duckdb,polars,floor,baseline); the other "
        "tools' results and RESULTS.md sections are kept",
    )
    parser.add_argument(
        "--from-results",
        action="store_true",
        help="write RESULTS.md again from the JSON a previous run with the same options left "
        "(nothing runs; its environment, load and command are the previous run's)",
    )
    parser.add_argument(
        "--note", default=None, help="a paragraph printed under the results' introduction"
    )
    parser.add_argument("--results", type=Path, default=harness.RESULTS, help="raw JSON folder")
    parser.add_argument("--markdown", type=Path, default=harness.BENCH / "RESULTS.md")
    args = parser.parse_args(argv)
    quick = args.quick
    # Drift's and profiling's targets are stated at 1M rows, and Evidently's and whylogs' runs
    # grow long beyond that (whylogs profiles 1M rows in ~30 s), so both run at these sizes.
    args.drift_rows = args.drift_rows or args.rows or ([QUICK_ROWS] if quick else [1_000_000])
    args.rows = args.rows or ([QUICK_ROWS] if quick else [1_000_000, 5_000_000])
    args.repeat = args.repeat if args.repeat is not None else (1 if quick else 5)
    args.scaling_rows = args.scaling_rows or (
        [QUICK_ROWS, 1_000_000] if quick else [100_000, 1_000_000, 5_000_000, 20_000_000]
    )
    args.scaling_k = args.scaling_k or [1, 5, 20, 50]
    args.scaling_k_rows = args.scaling_k_rows or (QUICK_ROWS if quick else 1_000_000)
    args.out_of_core_rows = args.out_of_core_rows or (QUICK_ROWS if quick else OUT_OF_CORE_ROWS)
    args.cluster_rows = args.cluster_rows or ([QUICK_ROWS] if quick else [CLUSTER_ROWS])
    args.cluster_repeat = args.cluster_repeat if args.cluster_repeat is not None else CLUSTER_REPEAT
    args.jobs = [j.strip() for j in args.jobs.split(",") if j.strip()]
    unknown = sorted(set(args.jobs) - set(JOBS))
    if unknown:
        parser.error(f"unknown job(s) {', '.join(unknown)}; choose from {', '.join(JOBS)}")
    if args.tools is not None:
        names = [t.strip() for t in args.tools.split(",") if t.strip()]
        tools = {TOOL_ALIASES.get(t, t) for t in names}
        known = {row[0] for table in (VALIDATE, DRIFT, PROFILE, CLUSTER) for row in table}
        wrong = sorted(tools - known)
        if wrong:
            parser.error(
                f"unknown tool(s) {', '.join(wrong)}; choose from {', '.join(sorted(known))}"
            )
        if "validate" in args.jobs:
            tools.add("pandas")  # the baseline every validation answer is judged against
        args.tools = tools
    return args


def chosen(tool: str, args: argparse.Namespace) -> bool:
    """Whether ``--tools`` (when given) includes a tool."""
    return args.tools is None or tool in args.tools


# --- planning ------------------------------------------------------------------------------------


def validate_tasks(rows: int, suite: Path, tools: set[str] | None = None) -> list[Task]:
    """Every validation run at one size (of ``tools``, when given), baseline first."""
    return [
        Task("validate", tool, script, venv, rows, variant, ("--input", variant), suite)
        for tool, script, venv, variant in VALIDATE
        if tools is None or tool in tools
    ]


def judged(outcomes: list[Outcome]) -> list[Outcome]:
    """The runs whose answers are checks (the physical floor's are not)."""
    return [o for o in outcomes if o.task.tool not in NOT_JUDGED]


def job_tasks(
    job: str, table: Iterable[tuple[Any, ...]], rows: int, tools: set[str] | None = None
) -> list[Task]:
    """The drift or profiling runs at one size (of ``tools``, when given)."""
    return [
        Task(job, tool, script, venv, rows, variant, tuple(options))
        for tool, script, venv, variant, options in table
        if tools is None or tool in tools
    ]


def scaling_tasks(args: argparse.Namespace, suite: Path, suites: dict[int, Path]) -> list[Task]:
    """dataguard alone: the benchmark suite at each scaling size (the same tasks as the validate
    job's, so results are shared), then suites of k expectations at one size."""
    by_rows = [
        Task(
            "validate",
            "dataguard",
            "dataguard_validate.py",
            "dataguard",
            n,
            variant,
            ("--input", variant),
            suite,
        )
        for n in args.scaling_rows
        for variant in ["pandas" if n <= PANDAS_UP_TO else "parquet"]
    ]
    by_k = [
        Task(
            "scaling",
            "dataguard",
            "dataguard_validate.py",
            "dataguard",
            args.scaling_k_rows,
            "pandas",
            ("--input", "pandas"),
            suites[k],
            expectations=k,
        )
        for k in args.scaling_k
    ]
    return by_rows + by_k


def out_of_core_task(rows: int, suite: Path) -> Task:
    """dataguard streaming current.parquet for the suite and a profile, each step in a child
    process of the runner, against both done on the table read whole (no --repeat: once each)."""
    return Task(
        "out_of_core",
        "dataguard",
        "dataguard_out_of_core.py",
        "dataguard",
        rows,
        "parquet",
        suite=suite,
        repeats=False,
    )


def cluster_tasks(rows: int, suite: Path) -> list[Task]:
    """The cluster job's runs at one size, on the data with microsecond timestamps."""
    return [
        Task("cluster", tool, script, venv, rows, variant, tuple(options), suite, unit="us")
        for tool, script, venv, variant, options in CLUSTER
    ]


def needed_venvs(jobs: list[str], tools: set[str] | None = None) -> list[str]:
    """The environments the chosen jobs (and tools, when given) run in."""
    tables: dict[str, Iterable[tuple[Any, ...]]] = {
        "validate": VALIDATE,
        "drift": DRIFT,
        "profile": PROFILE,
        "scaling": (),
        "out_of_core": (),
        "cluster": CLUSTER,
    }
    venvs = {"dataguard"} | {
        row[2] for job in jobs for row in tables[job] if tools is None or row[0] in tools
    }
    return sorted(venvs, key=list(harness.VENV_LOCKS).index)


def needed_sizes(args: argparse.Namespace) -> list[int]:
    """Every data size the chosen jobs read."""
    sizes = set(args.rows) if "validate" in args.jobs else set()
    if {"drift", "profile"} & set(args.jobs):
        sizes |= set(args.drift_rows)
    if "scaling" in args.jobs:
        sizes |= set(args.scaling_rows) | {args.scaling_k_rows}
    if "out_of_core" in args.jobs:
        sizes.add(args.out_of_core_rows)  # current.parquet only, as the scaling job's 20M
    return sorted(sizes)


# --- running -------------------------------------------------------------------------------------


def run_task(args: argparse.Namespace, task: Task, repeat: int, folder: Path) -> Outcome:
    """Run one runner, or (``--from-results``) read what its previous run left in ``folder``."""
    if args.from_results:
        return harness.load_outcome(task, folder)
    return harness.run_task(task, repeat, folder)


@dataclass
class Run:
    """Everything one invocation measured, for run.json and RESULTS.md."""

    args: argparse.Namespace
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # by result file name
    preflight: agreement.ValidateAgreement | None = None
    validate: list[agreement.ValidateAgreement] = field(default_factory=list)
    planted: list[str] = field(default_factory=list)
    drift: list[agreement.DriftVerdict] = field(default_factory=list)
    profile: list[agreement.ProfileVerdict] = field(default_factory=list)
    exactness: list[agreement.ProfileExactness] = field(default_factory=list)
    scaling: list[Outcome] = field(default_factory=list)
    out_of_core: Outcome | None = None
    cluster: list[cluster_md.ClusterRun] = field(default_factory=list)

    def execute(self, task: Task) -> Outcome:
        """Run a task once per invocation (the scaling job reuses the validate job's runs)."""
        if task.out_name not in self.outcomes:
            print(f"\n== {task.label}, {task.rows:,} rows, {task.job}", file=sys.stderr)
            self.outcomes[task.out_name] = run_task(
                self.args, task, self.args.repeat, self.args.results
            )
        return self.outcomes[task.out_name]

    def problems(self) -> list[str]:
        """What makes the run fail, one line each: a runner that failed, any validation
        disagreement (every tool must agree there), the baseline missing a planted breach, and
        dataguard's own drift or profile answers disagreeing (missing runners: reported apart)."""
        lines = [
            f"{o.task.label} at {o.task.rows:,} rows: {o.status}"
            for o in self.outcomes.values()
            if not o.ok and o.status != "missing runner"
        ]
        for check in ([self.preflight] if self.preflight else []) + self.validate:
            lines += check.problems
        lines += [f"baseline vs planted breaches: {p}" for p in self.planted]
        lines += [line for label, line in self._verdicts() if label.startswith("dataguard")]
        lines += [
            f"{e.label} profile at {e.rows:,} rows, against {e.reference}: {p}"
            for e in self.exactness
            if e.label.startswith("dataguard")
            for p in e.problems
        ]
        for measured in self.cluster:
            lines += measured.agreement.problems + measured.problems
        streamed = self.out_of_core
        if streamed is not None and streamed.ok and not streamed.data.get("identical"):
            lines.append(
                f"{streamed.task.label} out of core at {streamed.task.rows:,} rows: the streamed "
                "results differ from the in-memory ones"
            )
        return list(dict.fromkeys(lines))

    def findings(self) -> list[str]:
        """Peers' drift and profile answers that differ from the planted truth: results to
        report, not failures of the run."""
        return [line for label, line in self._verdicts() if not label.startswith("dataguard")]

    def _verdicts(self) -> list[tuple[str, str]]:
        """(tool label, description) of every disagreeing drift or profile answer."""
        drift = [
            (d.label, f"{d.label} at {d.rows:,} rows: missed {d.missed or 'none'}, "
             f"false alarms {d.false_alarms or 'none'}")
            for d in self.drift
            if not d.agrees
        ]  # fmt: skip
        profile = [
            (p.label, f"{p.label} at {p.rows:,} rows: {'; '.join(p.problems)}")
            for p in self.profile
            if not p.agrees
        ]
        return drift + profile


def preflight(run: Run, suite: Path) -> None:
    """Every validation tool once, untimed, at the smallest size: answers compared first."""
    rows = min(run.args.rows)
    folder = run.args.results / "preflight"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\n== agreement first: every validation tool at {rows:,} rows, untimed", file=sys.stderr)
    outcomes = [
        run_task(run.args, t, 0, folder) for t in validate_tasks(rows, suite, run.args.tools)
    ]
    run.preflight = agreement.validate_agreement(outcomes[0], judged(outcomes[1:]))
    for line in run.preflight.problems or ["every tool agrees with the baseline on every check"]:
        print(f"  {line}", file=sys.stderr)


def run_validate(run: Run, suite: Path) -> None:
    """Agreement first, then the timed runs at every size (their answers are compared too)."""
    preflight(run, suite)
    for rows in run.args.rows:
        outcomes = [run.execute(t) for t in validate_tasks(rows, suite, run.args.tools)]
        run.validate.append(agreement.validate_agreement(outcomes[0], judged(outcomes[1:])))
        if outcomes[0].ok:
            breaches = harness.read_meta(rows)["breaches"]
            run.planted += agreement.planted_problems(outcomes[0].data["checks"], breaches)


def run_drift(run: Run) -> None:
    """Drift runs at every drift size; each tool's flagged columns against the planted drift."""
    for rows in run.args.drift_rows:
        drifted = set(harness.read_meta(rows)["drifted"])
        for task in job_tasks("drift", DRIFT, rows, run.args.tools):
            outcome = run.execute(task)
            if outcome.ok:
                run.drift.append(agreement.drift_verdict(outcome, drifted))


def run_profile(run: Run) -> None:
    """Profiling runs at the drift sizes; counts and means against pandas', and every tool's
    counts, extremes, means and distinct counts against polars' exact ones."""
    for rows in run.args.drift_rows:
        truth = harness.read_meta(rows).get("profile_truth", {})
        outcomes = []
        for task in job_tasks("profile", PROFILE, rows, run.args.tools):
            outcome = run.execute(task)
            if outcome.ok:
                run.profile.append(agreement.profile_verdict(outcome, truth))
                outcomes.append(outcome)
        run.exactness += agreement.profile_exactness(outcomes)


def run_scaling(run: Run, suite: Path) -> None:
    """dataguard's rows/s against rows and against the number of expectations."""
    suites = scaling.write_suites(run.args.scaling_k, harness.SUITES)
    run.scaling = [run.execute(t) for t in scaling_tasks(run.args, suite, suites)]


def run_out_of_core(run: Run, suite: Path) -> None:
    """dataguard streaming a large Parquet file: peak RSS per step, and the same answers."""
    outcome = run.execute(out_of_core_task(run.args.out_of_core_rows, suite))
    run.out_of_core = outcome
    if outcome.ok:
        steps = results_md.out_of_core_steps(outcome)
        peaks = ", ".join(f"{name} {step['peak_rss_mb']:,.0f} MB" for name, step in steps)
        same = "identical" if outcome.data.get("identical") else "DIFFERENT"
        print(f"  peak RSS: {peaks}; streamed results {same} to in-memory", file=sys.stderr)


def run_cluster(run: Run, suite: Path) -> None:
    """At each cluster size: the baseline's answers (untimed), then every tool, one at a time;
    answers against the baseline's, dataguard's Spark and Dask results against its local core's."""
    for rows in run.args.cluster_rows:
        baseline, *tasks = cluster_tasks(rows, suite)
        print(f"\n== cluster job at {rows:,} rows: the baseline's answers", file=sys.stderr)
        reference = harness.run_task(baseline, 0, run.args.results)
        run.outcomes[baseline.out_name] = reference
        outcomes = []
        for task in tasks:
            print(f"\n== {task.label}, {rows:,} rows, cluster", file=sys.stderr)
            outcome = harness.run_task(task, run.args.cluster_repeat, run.args.results)
            run.outcomes[task.out_name] = outcome
            outcomes.append(outcome)
        measured = cluster_md.ClusterRun(
            rows, reference, outcomes, agreement.validate_agreement(reference, outcomes)
        )
        run.cluster.append(measured)
        for line in measured.agreement.problems + measured.problems or ["every tool agrees"]:
            print(f"  {line}", file=sys.stderr)


# --- environment and output ----------------------------------------------------------------------


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return None


PACKAGES = {
    "dataguard": ["dataguard", "numpy", "pandas", "pyarrow", "scipy"],
    "pandera": ["pandera", "numpy", "pandas", "pyarrow"],
    "great_expectations": ["great_expectations", "numpy", "pandas", "pyarrow"],
    "evidently": ["evidently", "numpy", "pandas", "pyarrow", "scipy"],
    "whylogs": ["whylogs", "numpy", "pandas", "pyarrow"],
    "cluster": ["dataguard", "numpy", "pandas", "pyarrow", "pyspark", "dask", "distributed"],
    "pandera_pyspark": ["pandera", "numpy", "pandas", "pyarrow", "pyspark"],
    "gx_spark": ["great_expectations", "numpy", "pandas", "pyarrow", "pyspark"],
    "anchors": ["duckdb", "polars", "polars-runtime-32", "numpy", "pandas", "pyarrow"],
}


def load_average() -> str:
    """The machine's load (1, 5 and 15 minutes), or empty where /proc has none."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return ""


def environment(venvs: list[str], load_at_start: str = "") -> dict[str, Any]:
    """The machine, its load, the commit and every environment's key package versions."""
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
    load = load_average()
    return {
        "load": f"{load_at_start} at the start, {load} at the end" if load_at_start else load,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": _git("rev-parse", "--short", "HEAD")
        + (" + uncommitted changes" if dirty else ""),
        "cpu_count": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gb": _memory_gb(),
        "platform": platform.platform(),
        "venvs": {v: harness.venv_versions(v, PACKAGES[v]) for v in venvs},
    }


def write_outputs(run: Run, env: dict[str, Any], command: str | None = None) -> None:
    """run.json beside the runners' JSON, and RESULTS.md."""
    targets = results_md.targets(run)
    command = command or " ".join(["python3 benchmarks/run.py", *sys.argv[1:]])
    summary = {
        "command": command,
        "environment": env,
        "problems": run.problems(),
        "findings": run.findings(),
        "targets": [asdict(t) for t in targets],
        "outcomes": [
            {"file": name, "label": o.task.label, "rows": o.task.rows, "status": o.status}
            for name, o in run.outcomes.items()
        ],
    }
    partial = run.args.tools is not None
    name = "run-tools.json" if partial else "run.json"
    (run.args.results / name).write_text(json.dumps(summary, indent=1) + "\n")
    section = cluster_md.section(run.cluster, env, command) if run.cluster else []
    if partial:  # its own section; everything else in RESULTS.md stays as it is
        text = run.args.markdown.read_text() if run.args.markdown.exists() else ""
        tools = results_md.tools_section(run, env, targets, command)
        run.args.markdown.write_text(results_md.splice_tools(text, tools))
    elif run.args.jobs == ["cluster"]:  # its own section; the other jobs' stay as they are
        text = run.args.markdown.read_text() if run.args.markdown.exists() else ""
        run.args.markdown.write_text(cluster_md.splice(text, section))
    else:
        run.args.markdown.write_text(
            cluster_md.splice(results_md.render(run, env, targets), section)
        )
    print(f"\nwrote {run.args.markdown} and {run.args.results}/", file=sys.stderr)


def clear(folder: Path) -> None:
    """Remove the previous run's JSON files (only those: the folder holds nothing else)."""
    for path in [*folder.glob("*.json"), *folder.glob("preflight/*.json")]:
        path.unlink()
    folder.mkdir(parents=True, exist_ok=True)


def rewrite(args: argparse.Namespace) -> int:
    """``--from-results``: judge and write the report again from a previous run's JSON (its
    summary gives the environment, the load and the command it ran with)."""
    summary_file = args.results / ("run-tools.json" if args.tools is not None else "run.json")
    if not summary_file.exists():
        raise SystemExit(f"{summary_file} does not exist: nothing to write the report from")
    previous = json.loads(summary_file.read_text())
    run = Run(args)
    suite = harness.SUITES / "orders.json"
    steps: dict[str, Callable[[], None]] = {
        "validate": lambda: run_validate(run, suite),
        "drift": lambda: run_drift(run),
        "profile": lambda: run_profile(run),
    }
    for job in args.jobs:
        if job not in steps:
            raise SystemExit(
                f"--from-results writes the validate, drift and profile jobs, not {job}"
            )
        steps[job]()
    write_outputs(run, previous["environment"], previous["command"])
    return 1 if run.problems() else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load_at_start = load_average()
    if args.jobs == ["cluster"]:  # the other jobs' results stay where they are
        args.results = args.results / "cluster"
    args.results = args.results.resolve()
    args.markdown = args.markdown.resolve()
    venvs = needed_venvs(args.jobs, args.tools)
    if args.from_results:
        return rewrite(args)
    for venv in venvs:
        harness.ensure_venv(venv)
    for rows in needed_sizes(args):
        profiled = "profile" in args.jobs and rows in args.rows
        drifted = "drift" in args.jobs and rows in args.drift_rows
        csv = "validate" in args.jobs and rows in args.rows
        harness.prepare_data(rows, reference=profiled or drifted, profile_truth=profiled, csv=csv)
    for rows in args.cluster_rows if "cluster" in args.jobs else []:
        harness.prepare_data(rows, reference=False, unit="us")  # Spark reads no nanoseconds
    suite = harness.SUITES / "orders.json"
    prepare, yaml = harness.BENCH / "prepare.py", harness.BENCH / "suite.yaml"
    harness.run_in("dataguard", str(prepare), "--suite", str(yaml), "--suite-json", str(suite))
    if args.tools is None:  # a run of some tools replaces only their own files
        clear(args.results)
    args.results.mkdir(parents=True, exist_ok=True)
    run = Run(args)
    steps: dict[str, Callable[[], None]] = {
        "validate": lambda: run_validate(run, suite),
        "drift": lambda: run_drift(run),
        "profile": lambda: run_profile(run),
        "scaling": lambda: run_scaling(run, suite),
        "out_of_core": lambda: run_out_of_core(run, suite),
        "cluster": lambda: run_cluster(run, suite),
    }
    for job in args.jobs:
        steps[job]()
    write_outputs(run, environment(venvs, load_at_start))
    missing = sorted({o.task.script for o in run.outcomes.values() if o.status == "missing runner"})
    for script in missing:
        print(f"MISSING runner: benchmarks/runners/{script}", file=sys.stderr)
    for line in run.findings():
        print(f"FINDING (a peer's answers differ from the planted truth): {line}", file=sys.stderr)
    problems = run.problems()
    for line in problems:
        print(f"PROBLEM: {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
