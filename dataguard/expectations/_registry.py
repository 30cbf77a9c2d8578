"""The registry of expectation types, by explicit name.

Most built-in expectations register when ``dataguard.expectations`` is imported. Those that
compare data with a stored profile (``no_drift`` and the fairness checks) need the profile and
drift packages, which a validation without them should not spend its start-up loading: their
modules are imported, registering their classes, when one of their names is first looked up or
the catalogue is listed.
"""

from __future__ import annotations

import importlib
from typing import TypeVar

from dataguard.errors import UnknownExpectationError
from dataguard.expectations._base import Expectation

E = TypeVar("E", bound=type[Expectation])

_REGISTRY: dict[str, type[Expectation]] = {}

#: The module defining each built-in expectation that registers on first use.
BUILT_IN_ON_FIRST_USE: dict[str, str] = {
    "group_share_between": "dataguard.expectations._fairness",
    "missingness_parity": "dataguard.expectations._fairness",
    "no_drift": "dataguard.expectations._drift",
    "rate_parity": "dataguard.expectations._fairness",
}


def _load(name: str) -> None:
    """Register the built-in expectation ``name`` if its module is not loaded yet."""
    if name not in _REGISTRY and name in BUILT_IN_ON_FIRST_USE:
        importlib.import_module(BUILT_IN_ON_FIRST_USE[name])


def register(cls: E) -> E:
    """Register an expectation class under its ``name`` (apply outside ``@dataclass``)."""
    name = cls.name
    if not name or not name.replace("_", "").isalnum() or name != name.lower():
        raise ValueError(f"{cls.__qualname__} needs a snake_case name, got {name!r}")
    _load(name)  # a built-in of that name keeps it, whether or not its module is loaded yet
    existing = _REGISTRY.get(name)
    if existing is not None and existing.__qualname__ != cls.__qualname__:
        raise ValueError(f"expectation name {name!r} is taken by {existing.__qualname__}")
    _REGISTRY[name] = cls
    return cls


def unregister(name: str) -> None:
    """Remove the class registered as ``name`` (for extensions; built-ins stay registered)."""
    _REGISTRY.pop(name, None)
    BUILT_IN_ON_FIRST_USE.pop(name, None)


def lookup(name: str) -> type[Expectation]:
    """The class registered as ``name``; UnknownExpectationError with a hint otherwise."""
    _load(name)
    try:
        return _REGISTRY[name]
    except KeyError:
        known = sorted(_REGISTRY.keys() | BUILT_IN_ON_FIRST_USE.keys())
        raise UnknownExpectationError.for_name(name, known) from None


def registered() -> dict[str, type[Expectation]]:
    """Every registered expectation class by name, sorted by name."""
    for name in list(BUILT_IN_ON_FIRST_USE):
        _load(name)
    return dict(sorted(_REGISTRY.items()))
