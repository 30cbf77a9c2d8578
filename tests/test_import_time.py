"""``import dataguard`` stays fast: heavy modules load when first used, not at import.

A regression guard by module list rather than by wall clock (which depends on the machine):
scipy.stats alone once made ``import dataguard`` take over a second beyond numpy, pandas and
pyarrow. ``dataguard._deferred`` holds the modules imported on first use.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import dataguard

#: Modules that ``import dataguard`` (and ``dataguard --help``) must not load.
DEFERRED = (
    "scipy",
    "jinja2",
    "hypothesis",
    "yaml",
    "jsonschema",
    "polars",
    "pyarrow.parquet",
    "pyarrow.csv",
    "pyarrow.json",
    "pyarrow.dataset",
)
ROOT = Path(dataguard.__file__).resolve().parents[1]


def loaded_after(code: str) -> set[str]:
    """The modules loaded by a fresh interpreter running ``code``, from this checkout."""
    listing = "import sys; print('--- modules ---', *sorted(sys.modules))"
    output = subprocess.run(
        [sys.executable, "-c", f"{code}\n{listing}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(output.split("--- modules ---")[-1].split())


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == d or m.startswith(f"{d}.") for d in DEFERRED))


@pytest.mark.parametrize(
    "code",
    [
        "import dataguard",
        "import contextlib, dataguard.cli\n"
        "with contextlib.suppress(SystemExit):\n    dataguard.cli.main(['--help'])",
    ],
    ids=["import", "cli-help"],
)
def test_heavy_modules_are_not_loaded_up_front(code: str) -> None:
    modules = loaded_after(code)
    assert "dataguard.validate" in modules
    assert heavy(modules) == []


def test_deferred_modules_load_when_used() -> None:
    code = (
        "import dataguard as dg\n"
        "report = dg.drift({'x': [1.0, 2.0, 3.0] * 50}, reference={'x': [1.5, 2.5] * 60})\n"
        "dg.Suite.dumps(dg.Suite(), 'yaml')"
    )
    modules = loaded_after(code)
    assert {"scipy.stats", "yaml"} <= modules
