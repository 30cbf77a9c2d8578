"""The public namespace: a complete, sorted ``__all__`` and nothing private leaking out."""

from __future__ import annotations

from types import ModuleType

import dataguard as dg
from dataguard import expectations


def test_all_is_sorted_and_complete() -> None:
    assert dg.__all__ == sorted(dg.__all__)
    public = {
        name
        for name, value in vars(dg).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert public <= set(dg.__all__)
    for name in dg.__all__:
        assert hasattr(dg, name), name


def test_expectation_catalogue_is_exported() -> None:
    assert expectations.__all__ == sorted(expectations.__all__)
    exported = {getattr(expectations, n) for n in expectations.__all__}
    for name, cls in expectations.registered().items():
        assert cls in exported, name
        assert cls.name == name
        assert cls.__doc__, name


def test_error_tree() -> None:
    assert issubclass(dg.SuiteError, (dg.DataguardError, ValueError))
    assert issubclass(dg.UnknownExpectationError, (dg.SuiteError, KeyError))
    assert issubclass(dg.InputError, (dg.DataguardError, TypeError))
    assert issubclass(dg.ProfileError, (dg.DataguardError, ValueError))
    assert issubclass(dg.ValidationFailedError, dg.DataguardError)
    assert issubclass(dg.HistoryError, (dg.DataguardError, ValueError))
    assert issubclass(dg.StorageError, (dg.DataguardError, OSError))
