"""What the validation runners share: their command line, the suite document, check ids, loading
the data and writing the protocol's JSON (see ``benchmarks/README.md``).

Standard library and pandas only: every peer's virtual environment has pandas, but not every one
has a YAML parser, so ``benchmarks/run.py`` hands the runners the suite as JSON (``suite.yaml``
converted once); YAML works where PyYAML or ruamel.yaml is installed.

Each runner runs the suite once, untimed, to get its answers (which also warms the caches), then
times ``--repeat`` more runs; ``--repeat 0`` gives the answers only, which is how ``run.py`` checks
that every tool agrees before it times anything.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import _measure

#: The file every validation runner checks: the later batch, with the planted breaches.
CURRENT = "current.parquet"
#: The same rows as CSV (``prepare.py --csv``), for the runners' ``csv`` input.
CURRENT_CSV = "current.csv"


def parse_args(description: str, inputs: Sequence[str] = ("pandas",)) -> argparse.Namespace:
    """The protocol's options (``--data --repeat --out --suite``), plus ``--input`` when a runner
    can take the data in more than one form (the first one is the default)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, required=True, help="folder with current.parquet")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (0: answers only)")
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    parser.add_argument("--suite", type=Path, required=True, help="suite, JSON (or YAML)")
    parser.add_argument("--input", choices=inputs, default=inputs[0], help="form of the data")
    return parser.parse_args()


def load_document(path: Path) -> dict[str, Any]:
    """The suite file as a plain mapping: JSON, or YAML when a YAML parser is importable."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return dict(json.loads(text))
    try:
        import yaml

        return dict(yaml.safe_load(text))
    except ImportError:
        pass
    try:
        from ruamel.yaml import YAML

        return dict(YAML(typ="safe").load(text))
    except ImportError:
        raise SystemExit(
            f"{path}: no YAML parser in this environment; pass the JSON suite run.py writes"
        ) from None


def entries(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The suite's expectations, in order; a schema block is refused (the peers' mappings cover
    the ``expectations`` list only)."""
    if document.get("schema"):
        raise SystemExit("the validation runners map the expectations list, not a schema block")
    return [dict(e) for e in document["expectations"]]


def check_id(entry: dict[str, Any]) -> str:
    """The protocol's id of a suite entry: ``<type>:<column>`` (column empty for table checks)."""
    return f"{entry['type']}:{entry.get('column') or ''}"


def answer(entry: dict[str, Any], success: bool, unexpected_count: int | None) -> dict[str, Any]:
    """One check's answer in the protocol's shape."""
    count = None if unexpected_count is None else int(unexpected_count)
    return {"id": check_id(entry), "success": bool(success), "unexpected_count": count}


def data_file(args: argparse.Namespace, name: str = CURRENT) -> Path:
    """The Parquet file the runner validates (or, with ``name=CURRENT_CSV``, the CSV one)."""
    path = Path(args.data) / name
    if not path.exists():
        raise SystemExit(f"{path} does not exist: run benchmarks/run.py to write the data")
    return path


def read_frame(args: argparse.Namespace) -> Any:
    """The data as pandas reads it by default (object strings), outside any timed region."""
    import pandas as pd

    return pd.read_parquet(data_file(args))


def measure_and_write(
    args: argparse.Namespace,
    *,
    run: Callable[[], Any],
    checks: Callable[[Any], list[dict[str, Any]]],
    rows: int,
    fields: dict[str, Any],
    late_fields: Callable[[], dict[str, Any]] | None = None,
) -> None:
    """Run once for the answers (``checks`` turns the run's outcome into them), time ``--repeat``
    runs (the answer run was the warm-up), and write the protocol's JSON to ``--out``.

    ``fields`` carries ``tool``, ``version``, ``settings`` and anything else the runner records;
    ``late_fields``, if given, is called after the timing for what the runs themselves recorded.
    """
    print(f"{fields['tool']} ({args.input}): {rows:,} rows, answers...", file=sys.stderr)
    answers = checks(run())
    timing: dict[str, Any] = {"seconds": [], "peak_added_mb": None}
    if args.repeat > 0:
        timing = _measure.time_runs(run, args.repeat, warmup=0)
    payload = {
        "job": "validate",
        "rows": rows,
        "input": args.input,
        "suite": str(args.suite),
        "checks": answers,
        **fields,
        **timing,
        **(late_fields() if late_fields is not None else {}),
    }
    _measure.write_result(args.out, payload)
