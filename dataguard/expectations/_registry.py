"""The registry of expectation types, by explicit name."""

from __future__ import annotations

from typing import TypeVar

from dataguard.errors import UnknownExpectationError
from dataguard.expectations._base import Expectation

E = TypeVar("E", bound=type[Expectation])

_REGISTRY: dict[str, type[Expectation]] = {}


def register(cls: E) -> E:
    """Register an expectation class under its ``name`` (apply outside ``@dataclass``)."""
    name = cls.name
    if not name or not name.replace("_", "").isalnum() or name != name.lower():
        raise ValueError(f"{cls.__qualname__} needs a snake_case name, got {name!r}")
    existing = _REGISTRY.get(name)
    if existing is not None and existing.__qualname__ != cls.__qualname__:
        raise ValueError(f"expectation name {name!r} is taken by {existing.__qualname__}")
    _REGISTRY[name] = cls
    return cls


def unregister(name: str) -> None:
    """Remove the class registered as ``name`` (for extensions; built-ins stay registered)."""
    _REGISTRY.pop(name, None)


def lookup(name: str) -> type[Expectation]:
    """The class registered as ``name``; UnknownExpectationError with a hint otherwise."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownExpectationError.for_name(name, _REGISTRY) from None


def registered() -> dict[str, type[Expectation]]:
    """Every registered expectation class by name, sorted by name."""
    return dict(sorted(_REGISTRY.items()))
