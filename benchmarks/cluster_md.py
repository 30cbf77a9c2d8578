"""The cluster job's section of ``RESULTS.md``: dataguard on the local core, Spark and Dask with
the same results, beside Pandera's PySpark backend and Great Expectations' Spark engine; the bytes
each partition ships per pass; and the plan for 10 billion rows on 100 executors, computed from
those measured bytes.

Standard library only (``run.py`` imports it). ``splice`` puts the section into an existing
``RESULTS.md`` between its markers (or before ``## Environment``), leaving the rest as it is.
``python3 benchmarks/cluster_md.py`` writes the section again from the saved results.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import harness
from agreement import ValidateAgreement, validate_agreement
from harness import Outcome
from results_md import _agreement_table, _table

BEGIN, END = "<!-- cluster job: begin -->", "<!-- cluster job: end -->"
ENGINES = ("local", "spark", "dask")

#: The 10-billion-row plan's assumptions (stated in the section with the arithmetic).
TARGET_ROWS = 10_000_000_000
EXECUTORS = 100
CORES_PER_EXECUTOR = 4
SPLIT_BYTES = 128 * 2**20  # spark.sql.files.maxPartitionBytes, Spark's default
SHARDS = 64  # Metric.shards of the uniqueness fingerprints and a profile's category counts


@dataclass
class ClusterRun:
    """Everything the cluster job measured at one size."""

    rows: int
    baseline: Outcome
    outcomes: list[Outcome]
    agreement: ValidateAgreement

    def dataguard(self) -> dict[str, Outcome]:
        """dataguard's completed runs by engine."""
        return {o.data["engine"]: o for o in self.outcomes if o.ok and o.task.tool == "dataguard"}

    @property
    def problems(self) -> list[str]:
        """dataguard on Spark or Dask not giving exactly the local core's results."""
        runs = self.dataguard()
        local = runs.get("local")
        if local is None:
            return [f"dataguard (local) at {self.rows:,} rows did not complete"]
        lines = []
        for engine, outcome in runs.items():
            for key, what in (("result_sha256", "results"), ("profile_sha256", "profile")):
                if outcome.data.get(key) != local.data.get(key):
                    lines.append(
                        f"dataguard ({engine}) at {self.rows:,} rows: its {what} differ from "
                        "the local core's"
                    )
        return lines

    @property
    def findings(self) -> list[str]:
        """Checks a peer could not run at all (it raised)."""
        lines = []
        for outcome in self.outcomes:
            for check in outcome.data.get("checks", []) if outcome.ok else []:
                if check.get("raised"):
                    lines.append(f"{outcome.task.label}, {check['id']}: raised: {check['raised']}")
        return lines


def _s(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _mb(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _bytes(value: float | None) -> str:
    """A byte count in the unit that keeps it readable."""
    if value is None:
        return ""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if value >= size:
            return f"{value / size:,.1f} {unit}"
    return f"{value:,.0f} B"


def _median(step: dict[str, Any]) -> float | None:
    seconds = step.get("seconds") or []
    return statistics.median(seconds) if seconds else None


def _steps(outcome: Outcome) -> dict[str, dict[str, Any]]:
    return dict(outcome.data.get("steps", {})) if outcome.ok else {}


def _same(run: ClusterRun) -> list[str]:
    runs, local = run.dataguard(), run.dataguard().get("local")
    rows = []
    for engine in ENGINES:
        outcome = runs.get(engine)
        if outcome is None:
            status = [o.status for o in run.outcomes if o.task.variant == engine]
            rows.append([engine, "", status[0] if status else "missing", "", ""])
            continue
        agrees = run.agreement.agrees(outcome.task.label)
        same = {
            key: "identical"
            if local is not None and outcome.data.get(key) == local.data.get(key)
            else "**DIFFERENT**"
            for key in ("result_sha256", "profile_sha256")
        }
        rows.append([
            engine,
            str(outcome.data.get("partitions") or 1),
            "same as the baseline" if agrees else "**differ from the baseline**",
            same["result_sha256"],
            same["profile_sha256"] + f" (`{str(outcome.data.get('profile_sha256'))[:12]}`)",
        ])  # fmt: skip
    header = ["dataguard engine", "partitions", "checks (pass/fail, unexpected counts)",
              "result without run metadata", "profile bytes (SHA-256)"]  # fmt: skip
    return _table(header, rows, "llll")


def _timing(run: ClusterRun) -> list[str]:
    rows = []
    for outcome in run.outcomes:
        steps = _steps(outcome)
        if not steps:
            rows.append([outcome.task.label, "", outcome.status, "", "", "", "", "", ""])
            continue
        validate, profile = steps.get("validate", {}), steps.get("profile", {})
        rows.append([
            outcome.task.label,
            str(outcome.data.get("partitions") or ""),
            _s(_median(validate)),
            _s(_median(profile)) if profile else "n/a",
            _s(validate.get("first_seconds")),
            _mb(validate.get("tree_peak_mb")),
            _mb(profile.get("tree_peak_mb")) if profile else "n/a",
            "/".join(
                "" if s.get("spark_jobs") is None else f"{s['spark_jobs']:g}"
                for s in (validate, profile) if s
            ),
            _s(outcome.data.get("setup_seconds")),
        ])  # fmt: skip
    header = ["tool (engine)", "partitions", "validate s", "profile s",
              "first validate s (untimed, observed)", "validate peak MB (process tree PSS)",
              "profile peak MB", "Spark jobs (validate/profile)", "session start s"]  # fmt: skip
    return _table(header, rows, "lrrrrrrrr")


@dataclass(frozen=True)
class PassBytes:
    """One pass's measured traffic, summed and per partition."""

    step: str
    number: int
    columns: list[str]
    partitions: int
    driver_max: int  # the largest partition's bytes to the driver
    driver_sum: int
    shuffle_max: int
    shuffle_sum: int
    finalized: int  # the finalized parts' bytes to the driver

    @classmethod
    def of(cls, step: str, number: int, doc: dict[str, Any]) -> PassBytes:
        driver = [int(v) for v in doc["to_driver"].values()]
        shuffle = [int(v) for v in doc["to_shuffle"].values()] or [0]
        finalized = sum(int(v) for v in doc["finalized"].values())
        return cls(step, number, list(doc["columns"]), len(driver), max(driver), sum(driver),
                   max(shuffle), sum(shuffle), finalized)  # fmt: skip


def passes(outcome: Outcome) -> list[PassBytes]:
    """Every observed pass of a dataguard cluster run, validate's then profile's."""
    steps = _steps(outcome)
    return [
        PassBytes.of(name, i, doc)
        for name in ("validate", "profile")
        for i, doc in enumerate(steps.get(name, {}).get("shipped") or [], 1)
    ]


def _columns(names: list[str]) -> str:
    return ", ".join(names) if len(names) <= 3 else f"{len(names)} columns"


def _shipped(run: ClusterRun) -> list[str]:
    lines: list[str] = []
    for engine in ("spark", "dask"):
        outcome = run.dataguard().get(engine)
        if outcome is None:
            continue
        found = passes(outcome)
        if not found:
            lines += [f"dataguard ({engine}): not observed (this dataguard has no "
                      "`dataguard.cluster.observe_shipped`).", ""]  # fmt: skip
            continue
        rows = [
            [f"{p.step} {p.number}", _columns(p.columns), str(p.partitions),
             _bytes(p.driver_max), _bytes(p.driver_sum), _bytes(p.shuffle_max),
             f"{p.shuffle_sum / run.rows:.2f}", _bytes(p.finalized),
             _bytes(p.driver_sum + p.finalized)]
            for p in found
        ]  # fmt: skip
        header = ["pass", "columns read", "partitions", "to driver, largest partition",
                  "to driver, all partitions", "to shuffle, largest partition",
                  "shuffle bytes per row", "finalized parts to driver",
                  "total to driver"]  # fmt: skip
        lines += [f"dataguard ({engine}), {run.rows:,} rows:", ""]
        lines += [*_table(header, rows, "llrrrrrrr"), ""]
    return lines


def _plan(run: ClusterRun) -> list[str]:
    """The 10-billion-row plan, from the Spark run's measured bytes (Dask's when Spark's are
    missing)."""
    runs = run.dataguard()
    source = next((runs[e] for e in ("spark", "dask") if e in runs and passes(runs[e])), None)
    if source is None:
        return ["No observed cluster run: the plan needs the measured bytes per partition.", ""]
    found = passes(source)
    engine, partitions = source.data["engine"], int(source.data.get("partitions") or 1)
    data = harness.data_dir(run.rows, "us") / "current.parquet"
    file_bytes = data.stat().st_size if data.exists() else None
    per_row = file_bytes / run.rows if file_bytes else None
    part_rows = SPLIT_BYTES / per_row if per_row else run.rows / partitions
    parts = math.ceil(TARGET_ROWS / part_rows)
    slots = EXECUTORS * CORES_PER_EXECUTOR
    scale = TARGET_ROWS / run.rows
    jobs = {
        name: _steps(source).get(name, {}).get("spark_jobs") for name in ("validate", "profile")
    }
    counts = {name: sum(1 for p in found if p.step == name) for name in ("validate", "profile")}
    measured_rows = run.rows / partitions
    lines = [
        f"From the {engine} run above ({run.rows:,} rows in {partitions} partitions, "
        f"{measured_rows:,.0f} rows each). Assumptions: the same table at "
        f"{TARGET_ROWS:,} rows in Parquet"
        + (
            f" ({per_row:.1f} bytes per row, as this file: {file_bytes / 1e6:,.0f} MB for "
            f"{run.rows:,} rows)"
            if per_row and file_bytes
            else ""
        )
        + f"; Spark's default input split of {SPLIT_BYTES // 2**20} MiB; {EXECUTORS} executors "
        f"of {CORES_PER_EXECUTOR} cores ({slots} tasks at a time).",
        "",
        f"- **Partitions**: {SPLIT_BYTES // 2**20} MiB / {per_row or 0:.1f} B = "
        f"{part_rows:,.0f} rows each, so {TARGET_ROWS:,} / {part_rows:,.0f} = **{parts:,} "
        f"partitions**, {math.ceil(parts / slots)} waves of {slots} tasks. The measured "
        f"partitions held {measured_rows:,.0f} rows ({measured_rows / part_rows:.2f} of that), "
        "and a partition's states are taken as they were measured: bounded states do not "
        "grow with the rows, and those that do grow (distinct values up to a cap) were "
        "measured at "
        + (
            "about this size."
            if 0.5 <= measured_rows / part_rows <= 2
            else "another size: measure at a size whose partitions hold as many rows."
        )
        + "",
        "- **What each executor computes**: for each of its partitions and each pass, the "
        "partition's Arrow batches through the same metric code as the local core (one thread, "
        "no pool); the compact encoded states of every non-sharded metric, the failures and the "
        "row count go to the driver; a metric that finalizes in parts writes part k to the "
        "shuffle, and the task that gathers part k merges it in partition order and finalizes "
        f"it there: the uniqueness fingerprints and a profile's category counts in {SHARDS} "
        "parts by fingerprint, the histograms of exact order statistics and a profile's "
        "filter of pooled categories in 16 slices.",
        "",
    ]
    rows, drivers, total_shuffle = [], [], 0.0
    for p in found:
        driver = parts * p.driver_max
        shuffle = p.shuffle_sum * scale
        # Validation's finalized parts are the repeated fingerprints, as many as the repeated
        # values; a profile's are bounded (top candidates per part, one filter, histograms and
        # the refinement's collected values, at most 2**21 per column).
        grows = p.step == "validate"
        finalized = p.finalized * (scale if grows else 1)
        drivers.append((driver + finalized, p))
        total_shuffle += shuffle
        rows.append([
            f"{p.step} {p.number}",
            f"{parts:,} x {_bytes(p.driver_max)} = {_bytes(driver)}",
            f"{p.shuffle_sum / run.rows:.2f} B x {TARGET_ROWS:.0e} = {_bytes(shuffle)}"
            + (f" ({_bytes(shuffle / SHARDS)} per part task)" if shuffle else ""),
            (f"{_bytes(p.finalized)} x {scale:,.0f} = {_bytes(finalized)}" if grows
             else f"{_bytes(p.finalized)} (bounded)") if p.finalized else "0",
        ])  # fmt: skip
    header = [
        "pass",
        "to driver: partitions x largest partition's states",
        "shuffled: bytes per row x rows",
        "finalized parts to driver (validation's scale with the repeated values: here the "
        "planted duplicates, 5 per million rows)",
    ]
    lines += [*_table(header, rows, "llll"), ""]
    total_driver = sum(d for d, _ in drivers)
    by_step = {
        name: sum(d for d, p in drivers if p.step == name) for name in ("validate", "profile")
    }
    largest, worst = max(drivers, key=lambda item: item[0])
    per_pass = "; ".join(
        f"{name}: {counts[name]} passes, "
        + ("jobs not counted" if jobs[name] is None else f"{jobs[name]:g} Spark jobs")
        for name in ("validate", "profile")
    )
    lines += [
        f"- **What is shuffled**: the parts of sharded states, {_bytes(total_shuffle)} at "
        f"{TARGET_ROWS:,} rows, most of it the fingerprints of `unique` (8 B per row) and a "
        "profile's category counts (9-16 B per distinct value of a partition); spread over "
        f"{SHARDS} part tasks per metric, {_bytes(total_shuffle / SHARDS)} per task if one "
        "metric shuffled it all.",
        f"- **What reaches the driver**: validation {_bytes(by_step['validate'])}, profile "
        f"{_bytes(by_step['profile'])} ({_bytes(total_driver)} in all). The largest share is "
        f"{worst.step} pass {worst.number} ({_columns(worst.columns)}): "
        f"{_bytes(worst.driver_max)} per partition, {_bytes(largest)} at {parts:,} "
        "partitions. No fingerprint reaches the driver: only the repeated ones, finalized "
        "where their part was gathered; a profile's text columns send their parts' top "
        "candidates and one filter, its numeric columns their summed histograms and at most "
        "2**21 collected values per refinement pass.",
        f"- **Jobs**: {per_pass} (counted in the timed Spark runs).",
        "",
    ]
    return lines


def section(runs: list[ClusterRun], env: dict[str, Any], command: str, note: str = "") -> list[str]:
    """The cluster job's section, between its markers; ``note`` (run.json's) says what a run
    left out."""
    versions = env.get("venvs", {})
    spark = ", ".join(f"{k} {v['pyspark']}" for k, v in versions.items() if "pyspark" in v)
    lines = [
        BEGIN,
        "## Cluster: the same core on Spark and Dask (issue 15)",
        "",
        f"Written by `{command}` on {env.get('date')}, commit {env.get('commit')}. Data: "
        "`current.parquet` written by `prepare.py --timestamp-unit us` (Spark reads no "
        "nanosecond timestamps). dataguard validates the benchmark suite "
        '(`result_format="basic"`) and profiles the file with the local core (the file '
        "streamed by path), on Spark `local[2]` and on a 2-worker Dask `LocalCluster`; Pandera's "
        "PySpark backend and Great Expectations' Spark execution engine validate the same "
        "suite on the same Spark DataFrame (same session settings). PySpark: "
        f"{spark}; Great Expectations 1.24 requires pyspark<4.2, so its environment has the "
        "newest it supports. Times are "
        "medians of the timed runs after one untimed, observed run; memory is the peak "
        "proportional set size of the runner's whole process tree (driver, JVM, Python "
        "workers, Dask workers). Session start-up is apart.",
        "",
        *([f"**Note.** {note}", ""] if note else []),
    ]
    for run in runs:
        lines += [f"### Same results, {run.rows:,} rows", ""]
        lines += [*_same(run), ""]
        lines += [f"### Checks against the hand-written baseline, {run.rows:,} rows", ""]
        lines += [*_agreement_table(run.agreement), ""]
        for finding in run.findings:
            lines.append(f"- Finding: {finding}")
        lines += ["", f"### Time and memory, {run.rows:,} rows", ""]
        lines += [*_timing(run), ""]
        lines += [f"### Bytes shipped per partition per pass, {run.rows:,} rows", ""]
        lines += _shipped(run)
    if runs:
        lines += [f"### Plan: {TARGET_ROWS:,} rows on {EXECUTORS} executors", ""]
        observed = [r for r in runs if any(passes(o) for o in r.dataguard().values())]
        lines += _plan(observed[-1] if observed else runs[-1])
    return [*lines, END]


def splice(text: str, section: Iterable[str]) -> str:
    """``text`` with the cluster section replaced (or put before ``## Environment``, or at the
    end); an empty section leaves the text as it is."""
    block = "\n".join(section)
    if not block:
        return text
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        return head + block + rest.split(END, 1)[1]
    marker = "\n## Environment"
    if marker in text:
        head, tail = text.split(marker, 1)
        return f"{head}\n{block}\n{marker}{tail}"
    return f"{text.rstrip()}\n\n{block}\n"


def from_results(folder: Path) -> tuple[list[ClusterRun], dict[str, Any], str, str]:
    """The cluster runs a previous ``run.py --jobs cluster`` saved in ``folder`` (its JSON and
    run.json), to write the section again without running anything."""
    import run  # run.py imports this module: only when called from the command line

    summary = json.loads((folder / "run.json").read_text())
    status = {o["file"]: o["status"] for o in summary["outcomes"]}
    runs = []
    for rows in sorted({int(o["rows"]) for o in summary["outcomes"]}):
        loaded = []
        for task in run.cluster_tasks(rows, harness.SUITES / "orders.json"):
            path = folder / task.out_name
            found = json.loads(path.read_text()) if path.exists() else None
            loaded.append(Outcome(task, status.get(task.out_name, "missing"), found))
        baseline, *outcomes = loaded
        runs.append(ClusterRun(rows, baseline, outcomes, validate_agreement(baseline, outcomes)))
    return runs, summary["environment"], summary["command"], summary.get("note", "")


def main() -> int:
    """Write the cluster section of RESULTS.md again from saved results."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--results", type=Path, default=harness.RESULTS / "cluster")
    parser.add_argument("--markdown", type=Path, default=harness.BENCH / "RESULTS.md")
    args = parser.parse_args()
    runs, env, command, note = from_results(args.results)
    text = args.markdown.read_text() if args.markdown.exists() else ""
    args.markdown.write_text(splice(text, section(runs, env, command, note)))
    print(f"wrote the cluster section of {args.markdown}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
