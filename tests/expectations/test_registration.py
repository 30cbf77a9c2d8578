"""The registry finds every built-in expectation by name, each module loading on first use: its
table of built-in names (``BUILT_IN``) lists each with the module that registers it."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import dataguard.expectations
from dataguard.errors import UnknownExpectationError
from dataguard.expectations import lookup, register, registered
from dataguard.expectations._registry import BUILT_IN


def fresh(code: str) -> str:
    """The standard output of a fresh interpreter running ``code``."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_each_deferred_name_is_registered_by_the_module_listed_for_it(name: str) -> None:
    cls = registered()[name]
    assert cls.name == name
    assert cls.__module__ == BUILT_IN[name]


def test_every_built_in_is_listed_with_the_module_registering_it() -> None:
    # A maintainer adding an expectation lists its name in BUILT_IN (else a suite naming it
    # would not find it unless its module happened to be loaded).
    package = dataguard.expectations
    for module in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
        importlib.import_module(module.name)
    built_in = {
        name: cls.__module__
        for name, cls in registered().items()
        if cls.__module__.startswith(f"{package.__name__}.")
    }
    assert built_in == BUILT_IN, (
        "dataguard/expectations/_registry.py: BUILT_IN must list each built-in expectation's "
        "name with the module defining it"
    )


def test_a_name_looked_up_loads_its_module_alone() -> None:
    code = (
        "import sys\n"
        "from dataguard.expectations import lookup\n"
        "lookup('not_null')\n"
        "print(*sorted(m for m in sys.modules if m.startswith('dataguard.expectations._')))"
    )
    loaded = set(fresh(code).split())
    assert "dataguard.expectations._values" in loaded
    assert loaded.isdisjoint(
        f"dataguard.expectations._{name}" for name in ("aggregate", "multi", "patterns", "table")
    )


def test_a_deferred_name_is_found_by_lookup_in_a_fresh_interpreter() -> None:
    code = (
        "import sys\n"
        "from dataguard.expectations import lookup\n"
        "print('dataguard.drift' in sys.modules, lookup('no_drift').__name__,"
        " 'dataguard.drift' in sys.modules)"
    )
    assert fresh(code).split() == ["False", "NoDrift", "True"]


def test_deferred_classes_are_importable_by_name() -> None:
    code = (
        "from dataguard.expectations import NoDrift, RateParity\n"
        "print(NoDrift.name, RateParity.name)"
    )
    assert fresh(code).split() == ["no_drift", "rate_parity"]


def test_a_misspelt_deferred_name_is_suggested_before_its_module_loads() -> None:
    code = (
        "from dataguard.expectations import lookup\n"
        "try:\n    lookup('rate_parit')\nexcept Exception as error:\n    print(error)"
    )
    assert "did you mean 'rate_parity'" in fresh(code)


def test_a_deferred_built_in_keeps_its_name_against_an_extension() -> None:
    class Impostor(lookup("not_null")):  # type: ignore[misc]
        name = "no_drift"

    with pytest.raises(ValueError, match="taken by NoDrift"):
        register(Impostor)
    assert lookup("no_drift").__qualname__ == "NoDrift"


def test_an_unknown_name_is_still_refused() -> None:
    with pytest.raises(UnknownExpectationError):
        lookup("no_such_expectation")
