"""Start-up time of ``import dataguard`` and of the command line, one checkout against another.

Each command runs in a fresh interpreter, the checkouts interleaved run by run (A B A B ...) so
that a change in the machine's load touches both alike; the median wall time and the median CPU
time of the child (user + system) are printed per command and checkout, with their ratio to the
first checkout. Standard library only; the small CSV file and suite are written to a temporary
folder.

    python benchmarks/startup.py --runs 10 --checkout before=/tmp/old --checkout after=.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SUITE = """\
format_version: 1
name: small
expectations:
  - {type: not_null, column: id}
  - {type: unique, column: id}
  - {type: between, column: amount, min_value: 0, max_value: 1000}
  - {type: matches_regex, column: email, regex: "^[^@]+@[^@]+$"}
  - {type: in_set, column: country, value_set: [FR, DE, US]}
  - {type: mean_between, column: amount, min_value: 0, max_value: 100}
"""


def write_inputs(folder: Path) -> None:
    """A 200-row CSV file and a six-check suite for it."""
    rng = random.Random(1)
    rows = [
        f"{i},{rng.uniform(0, 100):.2f},user{i}@example.com,{rng.choice(['FR', 'DE', 'US'])}"
        for i in range(200)
    ]
    (folder / "small.csv").write_text("id,amount,email,country\n" + "\n".join(rows) + "\n")
    (folder / "s.yaml").write_text(SUITE)


def commands(python: str) -> dict[str, list[str]]:
    """What is timed, by label: a bare interpreter for scale, then dataguard's start-ups."""
    cli = [python, "-m", "dataguard"]
    return {
        "python -c pass": [python, "-c", "pass"],
        "import dataguard": [python, "-c", "import dataguard"],
        "dataguard --help": [*cli, "--help"],
        "dataguard validate --help": [*cli, "validate", "--help"],
        "dataguard validate small.csv": [*cli, "validate", "small.csv", "--suite", "s.yaml"],
    }


def timed(command: list[str], checkout: Path, folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command`` with ``checkout`` first on the path."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=folder, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed in {checkout}: {done.stderr.decode()[-400:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per command and checkout")
    parser.add_argument(
        "--checkout",
        action="append",
        metavar="LABEL=PATH",
        help="a checkout to time (repeatable; default: this one)",
    )
    args = parser.parse_args()
    checkouts = {
        label: Path(path).resolve()
        for label, path in (c.split("=", 1) for c in args.checkout or ["this=."])
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_inputs(folder)
        timings: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(args.runs):
            for name, command in commands(sys.executable).items():
                for label, path in checkouts.items():
                    timings.setdefault((name, label), []).append(timed(command, path, folder))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {load}; median of {args.runs} runs, wall / CPU seconds")
    first = next(iter(checkouts))
    for name in commands(sys.executable):
        cells = []
        for label in checkouts:
            wall = statistics.median(w for w, _ in timings[(name, label)])
            cpu = statistics.median(c for _, c in timings[(name, label)])
            base_cpu = statistics.median(c for _, c in timings[(name, first)])
            cells.append(f"{label} {wall:.3f} / {cpu:.3f} (CPU x{cpu / base_cpu:.2f})")
        print(f"{name:30} " + "   ".join(cells))


if __name__ == "__main__":
    main()
