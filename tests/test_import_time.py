"""``import dataguard`` and the command line start fast: modules load when first used.

A regression guard by module list rather than by wall clock (which depends on the machine).
``import dataguard`` defers its public names (PEP 562), so it and ``dataguard --help`` load
neither numpy, pyarrow nor the expectation catalogue; ``dataguard._deferred`` holds the heavy
third-party modules that the commands import on first use. Because nothing is imported up front
any more, every module must also import on its own, whatever was imported before it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import dataguard

#: Modules that neither ``import dataguard`` nor the command line's help loads: the data stack
#: and dataguard's validation core.
CORE = ("numpy", "pyarrow", "pandas", "dataguard.expectations", "dataguard.validate")

#: Modules that only the work needing them loads: drift statistics, reports, data generation,
#: suites in YAML, JSON Schema checks, polars input and pyarrow's file readers.
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
PACKAGE = Path(dataguard.__file__).resolve().parent
ROOT = PACKAGE.parent


def run(code: str, cwd: Path = ROOT) -> str:
    """The standard output of a fresh interpreter running ``code`` on this checkout."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def loaded_after(code: str, cwd: Path = ROOT) -> set[str]:
    """The modules loaded by a fresh interpreter running ``code``."""
    listing = "import sys; print('--- modules ---', *sorted(sys.modules))"
    output = run(f"{code}\n{listing}", cwd)
    return set(output.split("--- modules ---")[-1].split())


def among(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """The ``modules`` that are one of ``names`` or inside one of them."""
    return sorted(m for m in modules if any(m == n or m.startswith(f"{n}.") for n in names))


def cli(*argv: str) -> str:
    """Code running the command line with ``argv`` in-process, its exit swallowed."""
    return (
        "import contextlib, dataguard.cli\n"
        f"with contextlib.suppress(SystemExit):\n    dataguard.cli.main({list(argv)!r})"
    )


def subcommands() -> list[str]:
    """The commands ``dataguard --help`` lists."""
    return re.findall(r"^    ([a-z]+)  ", run(cli("--help")), flags=re.MULTILINE)


def test_import_loads_nothing_heavy() -> None:
    modules = loaded_after("import dataguard")
    assert "dataguard" in modules
    assert among(modules, CORE + DEFERRED) == []


def test_every_command_help_loads_nothing_heavy() -> None:
    commands = subcommands()
    assert {"validate", "profile", "drift"} <= set(commands)
    code = "\n".join([cli("--help"), *(cli(command, "--help") for command in commands)])
    assert among(loaded_after(code), CORE + DEFERRED) == []


def test_public_names_load_on_first_use() -> None:
    code = (
        "import dataguard as dg, pandas as pd\n"
        "from dataguard.expectations import NotNull\n"
        "print(dg.validate(pd.DataFrame({'id': [1, None]}), dg.Suite([NotNull('id')])).passed)"
    )
    assert run(code).split()[0] == "False"


def test_validating_a_csv_file_loads_no_statistics_report_or_generation_module(
    tmp_path: Path,
) -> None:
    (tmp_path / "data.csv").write_text("id,amount\n1,2.5\n2,3.5\n")
    (tmp_path / "suite.yaml").write_text(
        "expectations:\n"
        "  - {type: not_null, column: id}\n"
        "  - {type: mean_between, column: amount, min_value: 0, max_value: 10}\n"
    )
    code = cli("validate", "data.csv", "--suite", "suite.yaml")
    modules = loaded_after(f"import sys; sys.path.insert(0, {str(ROOT)!r})\n{code}", tmp_path)
    assert {"dataguard.validate", "yaml", "pyarrow.csv"} <= modules
    assert among(modules, ("scipy", "jinja2", "hypothesis", "polars", "jsonschema")) == []
    # Nor dataguard's drift statistics, profiles or data generation, which the suite names none of.
    unused = ("dataguard.drift", "dataguard.profile", "dataguard.strategies")
    assert among(modules, unused) == []


def test_validating_a_small_csv_file_loads_no_pandas_nor_unused_expectations(
    tmp_path: Path,
) -> None:
    # pyarrow imports pandas (a quarter of a second) the first time it converts a Python or
    # numpy value; the common checks build their Arrow values from buffers instead.
    rows = [f"{i},{i % 90}.5,user{i}@example.com,{'FR' if i % 2 else 'DE'}" for i in range(50)]
    (tmp_path / "data.csv").write_text("id,amount,email,country\n" + "\n".join(rows) + "\n")
    (tmp_path / "suite.yaml").write_text(
        "expectations:\n"
        "  - {type: not_null, column: id}\n"
        "  - {type: unique, column: id}\n"
        "  - {type: between, column: amount, min_value: 0, max_value: 1000}\n"
        "  - {type: matches_regex, column: email, regex: '^[^@]+@[^@]+$'}\n"
        "  - {type: in_set, column: country, value_set: [FR, DE, US]}\n"
        "  - {type: mean_between, column: amount, min_value: 0, max_value: 100}\n"
    )
    code = cli("validate", "data.csv", "--suite", "suite.yaml")
    modules = loaded_after(f"import sys; sys.path.insert(0, {str(ROOT)!r})\n{code}", tmp_path)
    assert {"dataguard.validate", "dataguard.metrics"} <= modules
    assert among(modules, ("pandas",)) == []
    # Nor the modules of the expectation catalogue that the suite names none of.
    unused = ("_distribution", "_multi", "_patterns", "_tables", "_freshness", "_expression")
    assert among(modules, tuple(f"dataguard.expectations.{name}" for name in unused)) == []


def test_validating_in_memory_data_loads_no_drift_or_profile_module() -> None:
    code = (
        "import dataguard as dg\n"
        "from dataguard.expectations import Between, NotNull\n"
        "suite = dg.Suite([NotNull('id'), Between('amount', min_value=0)])\n"
        "assert dg.validate({'id': [1, 2], 'amount': [3.5, 0.0]}, suite).passed"
    )
    unused = ("dataguard.drift", "dataguard.profile", "dataguard.strategies", "scipy", "yaml")
    assert among(loaded_after(code), unused) == []


def test_a_suite_naming_no_drift_loads_the_drift_package(tmp_path: Path) -> None:
    (tmp_path / "suite.yaml").write_text(
        "expectations:\n  - {type: no_drift, column: id, reference: ref.profile.json}\n"
    )
    code = "import dataguard as dg\ndg.load_suite('suite.yaml')"
    modules = loaded_after(f"import sys; sys.path.insert(0, {str(ROOT)!r})\n{code}", tmp_path)
    assert {"dataguard.drift", "dataguard.profile"} <= modules


@pytest.mark.parametrize("name", ["validate", "drift", "profile"])
def test_a_submodule_loaded_first_leaves_the_function_its_name(name: str) -> None:
    code = (
        f"import dataguard.{name}, dataguard as dg\n"
        f"from dataguard import {name} as imported\n"
        f"print(callable(dg.{name}), imported is dg.{name}, dg.{name}.__module__)"
    )
    assert run(code).split()[:2] == ["True", "True"]


@pytest.mark.parametrize(
    "module",
    sorted(
        path.stem if path.is_file() else path.name
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" or (path / "__init__.py").is_file())
        and path.name not in {"__init__.py", "__main__.py"}
    ),
)
def test_each_module_imports_first(module: str) -> None:
    run(f"import dataguard.{module}")


def test_deferred_modules_load_when_used() -> None:
    code = (
        "import dataguard as dg\n"
        "report = dg.drift({'x': [1.0, 2.0, 3.0] * 50}, reference={'x': [1.5, 2.5] * 60})\n"
        "dg.Suite.dumps(dg.Suite(), 'yaml')"
    )
    modules = loaded_after(code)
    assert {"scipy.stats", "yaml"} <= modules
