"""Benchmark ``dataguard.validate`` against a hand-written pandas/numpy floor on the orders table.

    python benchmarks/bench_validate.py --rows 1000000 --repeat 5 [--parquet [PATH]]

Generates ``benchmarks/data.py``'s table once, then:

1. runs the suite (``benchmarks/suite.yaml``) with dataguard on the pandas frame and on an Arrow
   table, and the same checks written by hand in vectorized pandas (``isna``, comparisons,
   ``isin``, ``str.contains``, ``duplicated``, ...); it stops with exit code 1 unless every
   check's pass/fail, element, missing and unexpected counts (and aggregate values) agree;
2. times each implementation ``--repeat`` times and prints a Markdown table: median and range of
   the wall time, rows/s, ratio to the baseline, and the peak resident memory added by the call.

``--parquet`` also validates a Parquet file by path (dataguard streams it in batches), against
``pandas.read_parquet`` of the suite's columns followed by the baseline. ``--profile DIR`` writes a
pyinstrument profile of one single-threaded dataguard run per input (``pip install pyinstrument``);
``benchmarks/profile_metrics.py`` gives the same breakdown per metric, as a table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline import Outcome, baseline, check_agreement, disagreements, suite_columns
from data import orders, to_arrow, write_parquet  # sibling scripts, not a package
from runners._measure import time_runs  # the harness's runners measure the same way

import dataguard as dg

HERE = Path(__file__).resolve().parent
DEFAULT_SUITE = HERE / "suite.yaml"


# --- measuring -----------------------------------------------------------------------------------


@dataclass
class Timing:
    """Wall times of repeated runs of one implementation, with the peak memory they added."""

    implementation: str
    rows: int
    seconds: list[float]
    peak_added_mb: float | None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.median


def measure(implementation: str, rows: int, run: Callable[[], object], repeat: int) -> Timing:
    """Time ``run`` ``repeat`` times (no untimed run first) with the runners' ``time_runs``:
    memory is the largest peak added over the repeats."""
    print(f"  {implementation}:", end="", file=sys.stderr)
    timing = time_runs(run, repeat, warmup=0)
    return Timing(implementation, rows, timing["seconds"], timing["peak_added_mb"])


def markdown_table(timings: list[Timing], floors: list[tuple[str, float]]) -> str:
    """The timings as Markdown, with one ratio column per ``(name, median seconds)`` floor."""
    ratios = "".join(f" / {name} |" for name, _ in floors)
    lines = [
        f"| implementation | median s | min-max s | rows/s |{ratios} peak +RSS MB |",
        "|---|---:|---:|---:|" + "---:|" * len(floors) + "---:|",
    ]
    for t in timings:
        cells = "".join(f" {t.median / floor:.2f}x |" for _, floor in floors)
        memory = f"{t.peak_added_mb:,.0f}" if t.peak_added_mb is not None else "n/a"
        lines.append(
            f"| {t.implementation} | {t.median:.3f} | {min(t.seconds):.3f}-{max(t.seconds):.3f} "
            f"| {t.rows_per_second / 1e6:.2f}M |{cells} {memory} |"
        )
    return "\n".join(lines)


@contextmanager
def _profiled(path: Path | None) -> Iterator[None]:
    """Profile the block with pyinstrument into ``path`` (text), when a path is given."""
    if path is None:
        yield
        return
    try:
        from pyinstrument import Profiler
    except ImportError:
        raise SystemExit("--profile needs pyinstrument: pip install pyinstrument") from None
    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        path.write_text(profiler.output_text(unicode=True, show_all=False))
        path.with_suffix(".html").write_text(profiler.output_html())
        print(f"  profile written to {path} (and .html)", file=sys.stderr)


# --- the command ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--suite", type=Path, default=DEFAULT_SUITE)
    parser.add_argument(
        "--workers", type=int, default=None, help="dataguard threads (default: cores)"
    )
    parser.add_argument("--chunk-size", type=int, default=None, help="dataguard rows per batch")
    parser.add_argument(
        "--parquet",
        nargs="?",
        const="",
        metavar="PATH",
        help="also validate a Parquet file by path (written to PATH, or a temporary file)",
    )
    parser.add_argument("--profile", type=Path, metavar="DIR", help="write pyinstrument profiles")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the timings as JSON")
    args = parser.parse_args(argv)

    suite = dg.load_suite(args.suite)
    options = {"workers": args.workers, "chunk_size": args.chunk_size}
    # pyinstrument samples the calling thread only: profiled runs do all their work on it.
    single = {**options, "workers": 1}
    started = time.perf_counter()
    frame = orders(args.rows, args.seed)
    table = to_arrow(frame)
    print(
        f"data: {len(frame):,} rows x {frame.shape[1]} columns, generated in "
        f"{time.perf_counter() - started:.1f} s; suite: {len(suite.compiled)} expectations over "
        f"{len(suite_columns(suite))} columns; dataguard {dg.__version__} from "
        f"{Path(dg.__file__).parent}",
        file=sys.stderr,
    )

    # pandas' Arrow-backed strings: what a user gets from read_parquet(dtype_backend="pyarrow").
    arrow_strings = frame.astype(
        {c: "string[pyarrow]" for c in frame.columns if frame[c].dtype == object}
    )

    print("checking that dataguard agrees with the baseline...", file=sys.stderr)
    expected = baseline(frame, suite)
    check_agreement("pandas", expected, dg.validate(frame, suite, **options))
    check_agreement("pyarrow", expected, dg.validate(table, suite, **options))
    check_agreement(
        "pandas string[pyarrow]", expected, dg.validate(arrow_strings, suite, **options)
    )
    if disagreements(expected, baseline(arrow_strings, suite)):
        raise SystemExit("the baseline disagrees with itself on string[pyarrow] columns")
    failing = [f"{o.name}({o.unexpected_count})" for o in expected if not o.passed]
    print(f"  agree on all {len(expected)} checks; failing: {', '.join(failing)}", file=sys.stderr)

    rows = len(frame)
    columns = suite_columns(suite)
    repeat = args.repeat
    print(f"timing ({repeat} repeats)...", file=sys.stderr)
    floor = measure(
        "baseline: hand-written pandas, object strings",
        rows,
        lambda: baseline(frame, suite),
        repeat,
    )
    arrow_floor = measure(
        "baseline: hand-written pandas, string[pyarrow]",
        rows,
        lambda: baseline(arrow_strings, suite),
        repeat,
    )
    in_memory = [
        floor,
        arrow_floor,
        measure(
            "dataguard, pandas input, object strings",
            rows,
            lambda: dg.validate(frame, suite, **options),
            repeat,
        ),
        measure(
            "dataguard, pandas input, string[pyarrow]",
            rows,
            lambda: dg.validate(arrow_strings, suite, **options),
            repeat,
        ),
        measure(
            "dataguard, pyarrow Table input",
            rows,
            lambda: dg.validate(table, suite, **options),
            repeat,
        ),
        measure(
            "(reference: pandas to Arrow, suite's columns)",
            rows,
            lambda: pa.Table.from_pandas(frame[columns], preserve_index=False),
            repeat,
        ),
    ]
    tables = [
        (
            "In memory",
            markdown_table(
                in_memory,
                [
                    ("baseline object", floor.median),
                    ("baseline string[pyarrow]", arrow_floor.median),
                ],
            ),
        )
    ]
    timings = list(in_memory)

    if args.parquet is not None:
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(args.parquet or Path(scratch) / "orders.parquet")
            write_parquet(frame, path)
            print(f"parquet: {path} ({path.stat().st_size / 1e6:.0f} MB)", file=sys.stderr)
            check_agreement("parquet", expected, dg.validate(path, suite, **options))

            def read_then_baseline() -> list[Outcome]:
                return baseline(pd.read_parquet(path, columns=columns), suite)

            read_floor = measure(
                "baseline: pd.read_parquet(suite's columns) + pandas",
                rows,
                read_then_baseline,
                repeat,
            )
            streamed = measure(
                "dataguard, Parquet path (streamed)",
                rows,
                lambda: dg.validate(path, suite, **options),
                repeat,
            )
            on_disk = [read_floor, streamed]
            tables.append(
                (
                    f"Parquet file ({path.stat().st_size / 1e6:.0f} MB, zstd)",
                    markdown_table(on_disk, [("baseline", read_floor.median)]),
                )
            )
            timings += on_disk
            if args.profile:
                args.profile.mkdir(parents=True, exist_ok=True)
                with _profiled(args.profile / "dataguard_parquet.txt"):
                    dg.validate(path, suite, **single)

    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
        with _profiled(args.profile / "dataguard_pandas.txt"):
            dg.validate(frame, suite, **single)
        with _profiled(args.profile / "dataguard_arrow.txt"):
            dg.validate(table, suite, **single)
        with _profiled(args.profile / "baseline.txt"):
            baseline(frame, suite)

    peak_process = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"{rows:,} rows, {len(suite.compiled)} expectations over {len(columns)} columns, "
        f"{repeat} repeats, dataguard {dg.__version__} (workers={args.workers or 'cores'}, "
        f"{os.cpu_count()} cores); ratios are medians over the baseline's median; "
        f"process peak RSS {peak_process:,.0f} MB"
    )
    for title, text in tables:
        print(f"\n{title}\n\n{text}")
    if args.json:
        records = [asdict(t) | {"median": t.median} for t in timings]
        args.json.write_text(json.dumps(records, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
