"""The registry finds every built-in expectation by name, those registered on first use too."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dataguard.errors import UnknownExpectationError
from dataguard.expectations import lookup, register, registered
from dataguard.expectations._registry import BUILT_IN_ON_FIRST_USE


def fresh(code: str) -> str:
    """The standard output of a fresh interpreter running ``code``."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("name", sorted(BUILT_IN_ON_FIRST_USE))
def test_each_deferred_name_is_registered_by_the_module_listed_for_it(name: str) -> None:
    cls = registered()[name]
    assert cls.name == name
    assert cls.__module__ == BUILT_IN_ON_FIRST_USE[name]


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
