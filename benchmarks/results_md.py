"""``benchmarks/RESULTS.md`` from one ``run.py`` invocation: environment, settings, agreement,
timing, the targets (judged from the measured numbers, never written in), the scaling curve and
the out-of-core run.

Standard library only (``run.py`` imports it).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agreement import AGREE, EXACT_STATS, NOT_REPORTED, ProfileExactness, ValidateAgreement
from harness import Outcome

if TYPE_CHECKING:
    from run import Run

#: The sizes the targets are stated for (other sizes are judged too, marked informational).
VALIDATE_TARGET_ROWS = (1_000_000, 5_000_000)
DRIFT_TARGET_ROWS = (1_000_000,)
OUT_OF_CORE_TARGET_ROWS = (20_000_000,)
#: "Under 1 GB" of peak process RSS, for each streamed out-of-core step.
OUT_OF_CORE_MB = 1024
#: The out-of-core runner's steps: streamed from the file, then both on the table read whole.
STREAMED_STEPS = ("validate", "profile")
OUT_OF_CORE_STEPS = (*STREAMED_STEPS, "memory")
#: "Well under 1 s", read as at most half a second.
STORED_PROFILE_SECONDS = 0.5
#: The dataguard variant each job's peers are compared with (same input as theirs).
REFERENCE_VARIANT = {"validate": "pandas", "drift": "raw", "profile": "pandas"}
#: The inputs on which dataguard's validation is held to the faster of DuckDB and polars (issue
#: 18), and the profile inputs on which it is held to polars' describe() + n_unique.
ANCHOR_INPUTS = ("pandas", "arrow", "parquet", "csv")
ANCHOR_PROFILE_INPUTS = ("arrow", "parquet")
PROFILE_TARGET_ROWS = (1_000_000,)
#: Where a run of some tools (``--tools``) puts its section of RESULTS.md.
TOOLS_BEGIN, TOOLS_END = "<!-- tools run: begin -->", "<!-- tools run: end -->"


# --- numbers -------------------------------------------------------------------------------------


def _s(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def _rate(rows: int, seconds: float | None) -> str:
    if not seconds:
        return "n/a"
    rate = rows / seconds
    return f"{rate / 1e6:.2f}M" if rate >= 1e6 else f"{rate / 1e3:.0f}k"


def _ratio(value: float | None, reference: float | None) -> str:
    return "n/a" if not value or not reference else f"{value / reference:.2f}x"


def _cpu(outcome: Outcome) -> float | None:
    """The median CPU time (user + system, every thread) of the timed runs, when recorded."""
    cpu = outcome.data.get("cpu_seconds") or []
    return statistics.median(cpu) if cpu else None


def _range(outcome: Outcome) -> str:
    seconds = outcome.seconds
    return f"{min(seconds):.3f}-{max(seconds):.3f}" if seconds else "n/a"


def _table(header: list[str], rows: Iterable[list[str]], align: str = "") -> list[str]:
    """A Markdown table; ``align`` gives one character per column (``l`` or ``r``)."""
    marks = [("---:" if a == "r" else "---") for a in align.ljust(len(header), "l")]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return [*lines, ""]


# --- finding runs --------------------------------------------------------------------------------


def find(run: Run, job: str, tool: str, variant: str, rows: int) -> Outcome | None:
    """The successful outcome of one task, if it ran."""
    for outcome in run.outcomes.values():
        t = outcome.task
        same = (t.job, t.tool, t.variant, t.rows) == (job, tool, variant, rows)
        if same and outcome.ok and t.expectations is None:
            return outcome
    return None


def _outcomes(run: Run, job: str, rows: int) -> list[Outcome]:
    return [o for o in run.outcomes.values() if o.task.job == job and o.task.rows == rows]


def _agreement_at(run: Run, rows: int) -> ValidateAgreement | None:
    return next((a for a in run.validate if a.rows == rows), None)


def _disagrees(run: Run, outcome: Outcome) -> bool:
    """Whether this run's answers disagree with the baseline or the planted truth."""
    t = outcome.task
    if t.job == "validate":
        check = _agreement_at(run, t.rows)
        return check is not None and t.label in check.cells and not check.agrees(t.label)
    if t.job == "drift":
        return any(d.label == t.label and d.rows == t.rows and not d.agrees for d in run.drift)
    if t.job == "profile":
        return any(p.label == t.label and p.rows == t.rows and not p.agrees for p in run.profile)
    if t.job == "out_of_core":
        return outcome.ok and not outcome.data.get("identical")
    return False


# --- targets -------------------------------------------------------------------------------------


@dataclass
class Target:
    """One target, judged from the measured numbers."""

    target: str
    rows: int
    measured: str
    verdict: str  # met, not met, not measured
    stated: bool  # whether this size is one the target is stated for


@dataclass(frozen=True)
class Speedup:
    """A target of the form "dataguard at least ``times`` faster than a peer" for one job; the
    peer's fastest variant counts (the comparison most favourable to the peer)."""

    name: str
    job: str
    peers: tuple[tuple[str, str], ...]  # (tool, variant)
    times: float


SPEEDUPS = {
    "validate": (
        Speedup("validation >= 5x faster than Pandera", "validate", (("pandera", "pandas"),), 5),
        Speedup(
            "validation >= 30x faster than Great Expectations",
            "validate",
            (("great_expectations", "pandas"),),
            30,
        ),
    ),
    "drift": (
        Speedup(
            "drift (raw reference) >= 30x faster than Evidently",
            "drift",
            (("evidently", "inferred"), ("evidently", "explicit")),
            30,
        ),
        Speedup(
            "drift (raw reference) >= 10x faster than whylogs", "drift", (("whylogs", "raw"),), 10
        ),
    ),
    "profile": (
        Speedup("profiling >= 10x faster than whylogs", "profile", (("whylogs", "pandas"),), 10),
    ),
}


def _speedup(run: Run, spec: Speedup, rows: int, stated: bool) -> Target:
    """dataguard's median against the fastest of the peer's variants."""
    mine = find(run, spec.job, "dataguard", REFERENCE_VARIANT[spec.job], rows)
    theirs = [o for tool, v in spec.peers if (o := find(run, spec.job, tool, v, rows)) is not None]
    if mine is None or not theirs or mine.median is None:
        return Target(spec.name, rows, "a run is missing", "not measured", stated)
    best = min(theirs, key=lambda o: o.median or float("inf"))
    if best.median is None:
        return Target(spec.name, rows, "no timing", "not measured", stated)
    speedup = best.median / mine.median
    flag = " (answers disagree)" if _disagrees(run, mine) or _disagrees(run, best) else ""
    measured = (
        f"{best.task.label} {best.median:.3f} s / dataguard {mine.median:.3f} s "
        f"= {speedup:.1f}x{flag}"
    )
    verdict = "met" if speedup >= spec.times else "not met"
    return Target(spec.name, rows, measured, verdict, stated)


FRAMES = {"pandas": "object strings", "pandas-arrow-strings": "string[pyarrow] strings"}


def _not_slower(run: Run, rows: int, stated: bool, variant: str) -> Target:
    name = f"validation no slower than the hand-written floor (pandas frame, {FRAMES[variant]})"
    mine = find(run, "validate", "dataguard", variant, rows)
    floor = find(run, "validate", "pandas", variant, rows)
    if mine is None or floor is None or mine.median is None or floor.median is None:
        return Target(name, rows, "a run is missing", "not measured", stated)
    measured = f"dataguard {mine.median:.3f} s, hand-written {floor.median:.3f} s"
    return Target(name, rows, measured, "met" if mine.median <= floor.median else "not met", stated)


def _memory(run: Run, rows: int, stated: bool) -> Target:
    name = "validation peak memory no higher than Pandera's"
    mine = find(run, "validate", "dataguard", "pandas", rows)
    theirs = find(run, "validate", "pandera", "pandas", rows)
    if mine is None or theirs is None or mine.peak_added_mb is None or theirs.peak_added_mb is None:
        return Target(name, rows, "a run is missing", "not measured", stated)
    measured = (
        f"added during the call: dataguard {mine.peak_added_mb:,.0f} MB, Pandera "
        f"{theirs.peak_added_mb:,.0f} MB (process peak {_mb(mine.process_peak_mb)} vs "
        f"{_mb(theirs.process_peak_mb)} MB)"
    )
    met = mine.peak_added_mb <= theirs.peak_added_mb
    return Target(name, rows, measured, "met" if met else "not met", stated)


def _stored_profile(run: Run, rows: int, stated: bool) -> Target:
    name = f"drift against a stored profile under {STORED_PROFILE_SECONDS} s ('well under 1 s')"
    mine = find(run, "drift", "dataguard", "profile", rows)
    if mine is None or mine.median is None:
        return Target(name, rows, "a run is missing", "not measured", stated)
    flag = " (answers disagree)" if _disagrees(run, mine) else ""
    verdict = "met" if mine.median < STORED_PROFILE_SECONDS else "not met"
    return Target(name, rows, f"dataguard {mine.median:.3f} s{flag}", verdict, stated)


def _out_of_core(run: Run, rows: int, stated: bool) -> Target:
    name = "20M-row Parquet validated and profiled with peak RSS under 1 GB, identical to in-memory"
    outcome = run.out_of_core
    if outcome is None or not outcome.ok or outcome.task.rows != rows:
        return Target(name, rows, "a run is missing", "not measured", stated)
    steps = outcome.data["steps"]
    peaks = [float(steps[s]["peak_rss_mb"]) for s in STREAMED_STEPS]
    identical = bool(outcome.data.get("identical"))
    measured = (
        f"peak RSS streamed: validate {peaks[0]:,.0f} MB, profile {peaks[1]:,.0f} MB (in memory "
        f"{_mb(steps['memory']['peak_rss_mb'])} MB); identical to in-memory: "
        f"{'yes' if identical else 'no'}"
    )
    met = identical and all(peak < OUT_OF_CORE_MB for peak in peaks)
    return Target(name, rows, measured, "met" if met else "not met", stated)


def _anchor(run: Run, rows: int, stated: bool, variant: str) -> Target:
    """dataguard's validation against the faster of DuckDB and polars on the same input."""
    name = f"validation at or ahead of the faster of DuckDB and polars ({variant} input)"
    mine = find(run, "validate", "dataguard", variant, rows)
    theirs = [o for t in ("duckdb", "polars") if (o := find(run, "validate", t, variant, rows))]
    timed = [o for o in theirs if o.median is not None]
    if mine is None or mine.median is None or not timed:
        return Target(name, rows, "a run is missing", "not measured", stated)
    best = min(timed, key=lambda o: o.median or float("inf"))
    assert best.median is not None
    flag = " (answers disagree)" if _disagrees(run, mine) or _disagrees(run, best) else ""
    measured = (
        f"dataguard {mine.median:.3f} s (CPU {_s(_cpu(mine))}), {best.task.label} "
        f"{best.median:.3f} s (CPU {_s(_cpu(best))}): {mine.median / best.median:.2f}x wall, "
        f"{_ratio(_cpu(mine), _cpu(best))} CPU{flag}"
    )
    met = mine.median <= best.median and not flag
    return Target(name, rows, measured, "met" if met else "not met", stated)


def _profile_anchor(run: Run, rows: int, stated: bool, variant: str) -> Target:
    """dataguard's profile exact (against polars') and at least as fast as polars' describe()
    plus n_unique on the same input."""
    name = f"profile exact and at least as fast as polars describe()+n_unique ({variant} input)"
    mine = find(run, "profile", "dataguard", variant, rows)
    theirs = find(run, "profile", "polars", variant, rows)
    if mine is None or theirs is None or mine.median is None or theirs.median is None:
        return Target(name, rows, "a run is missing", "not measured", stated)
    exact = next((e for e in run.exactness if e.label == mine.task.label and e.rows == rows), None)
    is_exact = exact is not None and exact.exact
    measured = (
        f"dataguard {mine.median:.3f} s (CPU {_s(_cpu(mine))}), polars {theirs.median:.3f} s "
        f"(CPU {_s(_cpu(theirs))}): {mine.median / theirs.median:.2f}x wall, "
        f"{_ratio(_cpu(mine), _cpu(theirs))} CPU; exact: "
        + ("yes" if is_exact else "no" if exact is not None else "not compared")
    )
    met = is_exact and mine.median <= theirs.median
    return Target(name, rows, measured, "met" if met else "not met", stated)


def out_of_core_steps(outcome: Outcome) -> list[tuple[str, dict[str, Any]]]:
    """The out-of-core runner's steps in the order they run (its JSON has the keys sorted)."""
    steps: dict[str, dict[str, Any]] = outcome.data["steps"]
    order = [s for s in OUT_OF_CORE_STEPS if s in steps] + sorted(set(steps) - {*OUT_OF_CORE_STEPS})
    return [(name, steps[name]) for name in order]


def _sizes(measured: list[int], stated: tuple[int, ...]) -> list[tuple[int, bool]]:
    """The stated sizes that were measured, or else every measured size (informational)."""
    hits = [(n, True) for n in stated if n in measured]
    return hits or [(n, False) for n in measured]


def targets(run: Run) -> list[Target]:
    """Every target, at the sizes it is stated for (or, failing those, at the measured ones)."""
    out: list[Target] = []
    jobs = run.args.jobs
    tools = run.args.tools
    peers = tools is None or bool({"pandera", "great_expectations"} & tools)
    anchors = tools is None or bool({"duckdb", "polars"} & tools)
    if "validate" in jobs:
        for rows, stated in _sizes(run.args.rows, VALIDATE_TARGET_ROWS):
            if peers:
                out += [_speedup(run, spec, rows, stated) for spec in SPEEDUPS["validate"]]
            out += [
                _not_slower(run, rows, stated, "pandas"),
                _not_slower(run, rows, stated, "pandas-arrow-strings"),
            ]
            if peers:
                out.append(_memory(run, rows, stated))
            if anchors:
                out += [_anchor(run, rows, stated, variant) for variant in ANCHOR_INPUTS]
    if "drift" in jobs:
        for rows, stated in _sizes(run.args.drift_rows, DRIFT_TARGET_ROWS):
            out += [_speedup(run, spec, rows, stated) for spec in SPEEDUPS["drift"]]
            out.append(_stored_profile(run, rows, stated))
    if "profile" in jobs:  # stated at 1M rows (whylogs: ~24 s for 1M x 18 columns)
        for rows, stated in _sizes(run.args.drift_rows, PROFILE_TARGET_ROWS):
            if tools is None or "whylogs" in tools:
                out += [_speedup(run, spec, rows, stated) for spec in SPEEDUPS["profile"]]
            if tools is None or "polars" in tools:
                out += [_profile_anchor(run, rows, stated, v) for v in ANCHOR_PROFILE_INPUTS]
    if "out_of_core" in jobs:
        for rows, stated in _sizes([run.args.out_of_core_rows], OUT_OF_CORE_TARGET_ROWS):
            out.append(_out_of_core(run, rows, stated))
    return out


# --- sections ------------------------------------------------------------------------------------


def _sizes_text(sizes: list[int]) -> str:
    return ",".join(map(str, sizes))


def command_line(run: Run) -> str:
    """The effective command: every option this invocation ran with, defaults included."""
    args = run.args
    parts = ["python3 benchmarks/run.py", f"--rows {_sizes_text(args.rows)}"]
    parts += [f"--repeat {args.repeat}", f"--jobs {','.join(args.jobs)}"]
    if "drift" in args.jobs:
        parts.append(f"--drift-rows {_sizes_text(args.drift_rows)}")
    if "scaling" in args.jobs:
        parts += [
            f"--scaling-rows {_sizes_text(args.scaling_rows)}",
            f"--scaling-k {_sizes_text(args.scaling_k)}",
            f"--scaling-k-rows {args.scaling_k_rows}",
        ]
    if "out_of_core" in args.jobs:
        parts.append(f"--out-of-core-rows {args.out_of_core_rows}")
    return " ".join(parts)


def _header(run: Run, env: dict[str, Any]) -> list[str]:
    return [
        "# Benchmark results",
        "",
        f"Written by `{command_line(run)}`",
        f"on {env['date']}, commit {env['commit']}. The raw JSON of every run is in",
        "`benchmarks/results/`; `benchmarks/README.md` describes the harness. Times are medians",
        "over the repeats, after one untimed run. Timings on a shared "
        f"{env['cpu_count']}-core machine vary by",
        "10-30% between runs: compare ratios, not digits.",
        *(
            [f"Machine load (`/proc/loadavg`, 1/5/15 min): {env['load']}.", ""]
            if env.get("load")
            else [""]
        ),
        *([run.args.note, ""] if run.args.note else []),
    ]


def _targets(found: list[Target]) -> list[str]:
    if not found:
        return []
    rows = [
        [t.target, f"{t.rows:,}" + ("" if t.stated else " (informational)"), t.measured, t.verdict]
        for t in found
    ]
    return [
        "## Targets",
        "",
        "Judged from the numbers below at the sizes the targets are stated for (validation at 1M",
        "and 5M rows, drift at 1M vs 1M, profiling at 1M, out of core at 20M); when a run measured",
        "none of those sizes, at the sizes it did, marked informational.",
        "",
        *_table(["target", "rows", "measured", "verdict"], rows),
    ]


def _environment(env: dict[str, Any]) -> list[str]:
    memory = f", {env['memory_gb']:.0f} GB" if env.get("memory_gb") else ""
    rows = [
        [f"`{name}`", versions.get("python", "?"),
         ", ".join(f"{k} {v}" for k, v in versions.items() if k != "python")]
        for name, versions in env["venvs"].items()
    ]  # fmt: skip
    return [
        "## Environment",
        "",
        f"- {env['cpu_count']} CPUs ({env['cpu']}){memory}; {env['platform']}",
        f"- commit {env['commit']}, {env['date']}",
        "- each tool in its own virtual environment (`benchmarks/.venvs/`), installed from the",
        "  pinned lists in `benchmarks/peers/`; `dataguard` is the base list plus this checkout",
        "",
        *_table(["environment", "python", "packages"], rows),
    ]


def _settings_text(settings: Any) -> str:
    if isinstance(settings, dict):
        return "; ".join(f"{k}: {v}" for k, v in settings.items())
    return str(settings)


def _settings(run: Run) -> list[str]:
    seen: dict[str, str] = {}
    notes: dict[tuple[str, str], str] = {}
    for outcome in run.outcomes.values():
        if not outcome.ok or outcome.task.job == "scaling":
            continue
        key = f"{outcome.task.job}: {outcome.task.label}"
        seen.setdefault(key, _settings_text(outcome.data.get("settings", "")))
        for note in outcome.data.get("notes") or []:
            notes[(outcome.task.label, note["id"])] = note["note"]
    lines = ["## Settings", "", *_table(["job: tool (variant)", "settings"],
             [[k, v.replace("|", "\\|")] for k, v in seen.items()])]  # fmt: skip
    if notes:
        lines += [
            "Checks a peer cannot express exactly as the suite states them, and what runs instead:",
            "",
            *_table(["tool", "check", "how it is expressed"],
                    [[label, f"`{check}`", text] for (label, check), text in notes.items()]),
        ]  # fmt: skip
    return lines


def _cell(state: str, success: bool | None, count: int | None) -> str:
    if state == AGREE:
        return "same"
    if state == NOT_REPORTED:
        return f"same verdict, no count ({'pass' if success else 'fail'})"
    if success is None:
        return f"**{state}**"
    return f"**{state}: {'pass' if success else 'fail'} ({count})**"


def _agreement_table(check: ValidateAgreement) -> list[str]:
    labels = list(check.cells)
    header = ["check", "hand-written baseline", *labels]
    rows = []
    for i, want in enumerate(check.baseline):
        verdict = "pass" if want["success"] else "fail"
        count = want.get("unexpected_count")
        base = verdict + ("" if count is None else f" ({count})")
        cells = [
            _cell(c.state, c.success, c.unexpected_count)
            for c in (check.cells[x][i] for x in labels)
        ]
        rows.append([f"`{want['id']}`", base, *cells])
    return _table(header, rows)


def _validation_agreement(run: Run) -> list[str]:
    lines = ["## Validation", ""]
    if run.preflight is not None:
        lines += [
            f"### Agreement, before any timing ({run.preflight.rows:,} rows, current batch)",
            "",
            "Each tool's pass/fail and unexpected count per check, against the hand-written",
            'baseline\'s ("same": both equal; a bold cell differs). Counts are over present',
            "values.",
            "",
            *_agreement_table(run.preflight),
        ]
    for check in run.validate:
        state = (
            "every tool agrees on every check" if not check.problems else "; ".join(check.problems)
        )
        lines.append(f"- timed runs at {check.rows:,} rows: {state}")
    planted = "; ".join(run.planted) or "it finds exactly the planted breaches at every size"
    lines += [f"- the baseline against `data.BREACHES`: {planted}", ""]
    return lines


def _timing_table(run: Run, job: str, rows: int) -> list[str]:
    outcomes = [o for o in _outcomes(run, job, rows) if o.task.expectations is None]
    reference = find(run, job, "dataguard", REFERENCE_VARIANT[job], rows)
    ref_median = reference.median if reference else None
    body = []
    for o in outcomes:
        if not o.ok:
            body.append([o.task.label, o.status, "", "", "", "", "", "", ""])
            continue
        label = o.task.label + (" **(answers disagree)**" if _disagrees(run, o) else "")
        if o.task.tool == "floor":
            label += " (a floor: no checks)"
        threads = str(o.data.get("threads", "?"))
        numbers = [threads, _s(o.median), _range(o), _s(_cpu(o)), _rate(o.rows, o.median)]
        memory = [_mb(o.peak_added_mb), _mb(o.process_peak_mb)]
        body.append([label, *numbers, *memory, _ratio(o.median, ref_median)])
    header = ["tool (variant)", "threads", "median s", "min-max s", "median CPU s", "rows/s",
              "peak added MB", "process peak RSS MB",
              f"/ dataguard ({REFERENCE_VARIANT[job]})"]  # fmt: skip
    return [f"### {DISPLAY_JOB[job]} at {rows:,} rows", "", *_table(header, body, "lrrrrrrrr")]


DISPLAY_JOB = {"validate": "Validation", "drift": "Drift", "profile": "Profiling"}


def _gx_split(run: Run) -> list[str]:
    lines = []
    for o in run.outcomes.values():
        if o.ok and o.task.tool == "great_expectations" and o.data.get("batch_load_seconds"):
            load = statistics.median(o.data["batch_load_seconds"])
            check = statistics.median(o.data["validate_seconds"])
            lines.append(
                f"- Great Expectations at {o.task.rows:,} rows: get_batch (hashes the frame) "
                f"{load:.3f} s + validate {check:.3f} s (medians)"
            )
    return [*lines, ""] if lines else []


def _timings(run: Run, job: str) -> list[str]:
    lines: list[str] = []
    # Not every size with a run: the validate job's runs also serve the scaling curve's sizes.
    for rows in run.args.rows if job == "validate" else run.args.drift_rows:
        lines += _timing_table(run, job, rows)
    return lines


def _drift(run: Run) -> list[str]:
    if "drift" not in run.args.jobs:
        return []
    rows = [
        [d.label, f"{d.rows:,}", str(d.tested), ", ".join(d.flagged) or "none",
         ", ".join(d.missed) or "none", ", ".join(d.false_alarms) or "none",
         "yes" if d.agrees else "**no**"]
        for d in run.drift
    ]  # fmt: skip
    header = ["tool (variant)", "rows", "columns scored", "flagged", "missed", "false alarms",
              "agrees"]  # fmt: skip
    return [
        "## Drift",
        "",
        "Current batch against the reference; `data.DRIFTED` plants drift in "
        "`amount`, `score` and `status` only.",
        "",
        *_table(header, rows),
        *_timings(run, "drift"),
    ]


def _profile(run: Run) -> list[str]:
    if "profile" not in run.args.jobs:
        return []
    rows = [
        [p.label, f"{p.rows:,}", str(p.compared), "yes" if p.agrees else "**no**",
         "; ".join(p.problems[:5]) + (" ..." if len(p.problems) > 5 else "")]
        for p in run.profile
    ]  # fmt: skip
    return [
        "## Profiling",
        "",
        "Each profiler's row count and missing count per column of the reference, against pandas'",
        "(equal), and its means (within 1e-9 relative, where it gives one). DuckDB's `SUMMARIZE`",
        "gives the null share as a percentage with two decimals, so its null counts are",
        "approximate; polars averages a float32 column in float32: those are the differences",
        "marked here (see the exactness tables).",
        "",
        *_table(["tool (variant)", "rows", "columns compared", "agrees", "differences"], rows),
        *_exactness(run.exactness),
        *_timings(run, "profile"),
    ]


def _exactness(found: list[ProfileExactness]) -> list[str]:
    """Each profiler's counts, extremes, means and distinct counts against polars' exact ones."""
    if not found:
        return []
    lines = [
        "### Exactness against polars",
        "",
        "Every column's row count, null count, min, max, mean and distinct count of the present",
        "values, against polars' `describe()` + `drop_nulls().n_unique()` (exact: it counts,",
        "sorts and hashes everything). `=`: equal (means within 1e-9 relative; a float32 column",
        "within 1e-6, polars averaging it in float32); `n/a`: the tool gives none (dataguard",
        "profiles strings and booleans as categories, with no min, max or mean, and keeps exact",
        "distinct counts of numbers only up to 4,096 values); `~`: an approximation the tool",
        "declares (DuckDB's HyperLogLog `approx_unique`, its null share printed to two decimals);",
        "dataguard's min and max of a column with infinities are its finite extremes, the",
        "infinities counted apart. A bold cell is a disagreement.",
        "",
    ]
    groups: dict[tuple[int, str], list[ProfileExactness]] = {}
    for verdict in found:  # variants with identical answers share one table
        key = (verdict.rows, repr(sorted(verdict.cells.items())))
        groups.setdefault(key, []).append(verdict)
    for same in groups.values():
        first = same[0]
        state = "exact" if first.exact else f"{len(first.problems)} disagreement(s)"
        labels = ", ".join(v.label for v in same)
        rows = [[f"`{name}`", *(cells[s] for s in EXACT_STATS)]
                for name, cells in first.cells.items()]  # fmt: skip
        lines += [
            f"{labels} at {first.rows:,} rows against {first.reference}: {state}",
            "",
            *_table(["column", *EXACT_STATS], rows),
        ]
    return lines


def _scaling(run: Run) -> list[str]:
    if not run.scaling:
        return []
    by_rows = [o for o in run.scaling if o.task.expectations is None]
    by_k = [o for o in run.scaling if o.task.expectations is not None]

    def row(o: Outcome, first: str) -> list[str]:
        if not o.ok:
            return [first, o.task.variant, o.status, "", "", ""]
        return [first, o.task.variant, _s(o.median), _rate(o.rows, o.median),
                _mb(o.peak_added_mb), _mb(o.process_peak_mb)]  # fmt: skip

    tail = ["median s", "rows/s", "peak added MB", "process peak RSS MB"]
    k_rows = by_k[0].task.rows if by_k else 0
    return [
        "## Scaling (dataguard alone)",
        "",
        "The 16-check suite at growing sizes: pandas frames (object strings) up to 5M rows; above",
        "that the Parquet file's path, streamed in batches, since the frame alone would take about",
        "10 GB (reading the file is then inside the timed call).",
        "",
        *_table(["rows", "input", *tail], [row(o, f"{o.task.rows:,}") for o in by_rows], "rlrrrr"),
        f"Suites of k distinct expectations (`benchmarks/scaling.py`) at {k_rows:,} rows, pandas "
        "input:",
        "",
        *_table(["expectations", "input", *tail],
                [row(o, str(o.task.expectations)) for o in by_k], "rlrrrr"),
    ]  # fmt: skip


def _out_of_core_section(run: Run) -> list[str]:
    outcome = run.out_of_core
    if outcome is None:
        return []
    title = ["## Out of core (dataguard alone)", ""]
    if not outcome.ok:
        return [*title, f"- at {outcome.task.rows:,} rows: {outcome.status}", ""]
    data, rows = outcome.data, outcome.rows
    steps = data["steps"]
    memory = steps["memory"]
    labels = {
        "validate": f"validate(path): {len(steps['validate']['checks'])} checks, streamed",
        "profile": "profile(path), streamed",
        "memory": f"in memory: pq.read_table ({_s(memory.get('read_seconds'))} s), validate, "
        "profile",
    }
    body = [
        [labels.get(name, name), _s(step["seconds"]), _mb(step["peak_rss_mb"]),
         _rate(rows, step["seconds"])]
        for name, step in out_of_core_steps(outcome)
    ]  # fmt: skip
    peaks = [float(steps[s]["peak_rss_mb"]) for s in STREAMED_STEPS]
    under = all(peak < OUT_OF_CORE_MB for peak in peaks)
    identical = bool(data.get("identical"))
    return [
        *title,
        f"`current.parquet` at {rows:,} rows ({data['file_mb']:,.0f} MB on disk): the suite",
        "validated and the table profiled by the file's path, dataguard streaming it in batches;",
        "then both on the table read whole with `pq.read_table`. Each step runs once, in its own",
        "process, and its peak RSS is that whole process's (interpreter, libraries and data),",
        "from `getrusage`.",
        "",
        *_table(["step", "seconds", "peak process RSS MB", "rows/s"], body, "lrrr"),
        f"- peak RSS of both streamed steps under 1 GB ({OUT_OF_CORE_MB:,} MB): "
        f"{'yes' if under else '**no**'}",
        "- results identical to in-memory (every check's answer, and the profile's bytes): "
        f"{'yes' if identical else '**no**'}",
        "",
    ]


def _failures(run: Run) -> list[str]:
    bad = [o for o in run.outcomes.values() if not o.ok]
    if not bad:
        return []
    rows = [[o.task.label, f"{o.task.rows:,}", f"`benchmarks/runners/{o.task.script}`", o.status]
            for o in bad]  # fmt: skip
    return ["## Runs that did not complete", "",
            *_table(["tool (variant)", "rows", "runner", "status"], rows)]  # fmt: skip


def _demoted(lines: list[str]) -> list[str]:
    """Headings one level down, to sit inside a section."""
    return ["#" + line if line.startswith("#") else line for line in lines]


def tools_section(run: Run, env: dict[str, Any], found: list[Target], command: str) -> list[str]:
    """The section a run of some tools (``--tools``) writes: its own targets, agreement and
    timings, between markers, so that it replaces only its earlier self."""
    tools = ", ".join(sorted(run.args.tools or ()))
    body: list[str] = [*_targets(found)]
    if "validate" in run.args.jobs:
        body += [*_validation_agreement(run), *_timings(run, "validate")]
    body += [*_drift(run), *_profile(run), *_failures(run), *_environment(env), *_settings(run)]
    return [
        TOOLS_BEGIN,
        f"## A run of some tools: {tools}",
        "",
        f"Written by `{command}` on {env['date']}, commit {env['commit']}. Only these tools ran;",
        "the sections above and below this one, and the other tools' JSON in",
        "`benchmarks/results/`, are from earlier runs and were left as they were (this run's",
        "summary is `results/run-tools.json`). Threads: DuckDB `SET threads = 2`, polars",
        "`POLARS_MAX_THREADS=2`, the floor a pool of 2 threads, dataguard its default (one per",
        "core: 2), the hand-written baseline 1. CPU time is the runner process's user + system",
        "time over the timed call (`getrusage`, every thread), beside the wall time.",
        *([f"Machine load (`/proc/loadavg`, 1/5/15 min): {env['load']} (the run's own"
           " processes count in it); where it is above the cores, other work shared them: then"
           " compare ratios and CPU times, not wall-clock digits."]
          if env.get("load") else []),
        "",
        *([run.args.note, ""] if run.args.note else []),
        *_demoted(body),
        TOOLS_END,
    ]  # fmt: skip


def splice_tools(text: str, section: list[str]) -> str:
    """``text`` with the tools-run section replaced (or put first, after the file's header, or
    at the end): everything else stays as it was."""
    block = "\n".join(section)
    if TOOLS_BEGIN in text and TOOLS_END in text:
        head, rest = text.split(TOOLS_BEGIN, 1)
        return head + block + rest.split(TOOLS_END, 1)[1]
    marker = "\n## "
    if marker in text:
        head, tail = text.split(marker, 1)
        return f"{head}\n{block}\n{marker}{tail}"
    return f"{text.rstrip()}\n\n{block}\n"


def render(run: Run, env: dict[str, Any], found: list[Target]) -> str:
    """The whole RESULTS.md."""
    lines = [*_header(run, env), *_targets(found)]
    if "validate" in run.args.jobs:
        lines += [*_validation_agreement(run), *_timings(run, "validate"), *_gx_split(run)]
    lines += [*_drift(run), *_profile(run), *_scaling(run), *_out_of_core_section(run)]
    lines += _failures(run)
    lines += [*_environment(env), *_settings(run)]
    return "\n".join(lines).rstrip() + "\n"
