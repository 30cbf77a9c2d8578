"""dataguard: fast, statistically sound data quality and drift validation.

>>> import dataguard as dg
>>> from dataguard.expectations import Between, NotNull
>>> suite = dg.Suite([NotNull("id"), Between("amount", min_value=0)])
>>> dg.validate({"id": [1, 2], "amount": [3.5, 0.0]}, suite).passed
True

The public names below are imported on first use (PEP 562), so that ``import dataguard`` and the
command line start without numpy, pyarrow and the expectation catalogue: ``dataguard --help``
would otherwise spend most of its second importing what it never runs. ``dg.validate`` and
``from dataguard import validate`` work as if imported here; type checkers see the imports.
"""

import importlib as _importlib
import sys as _sys
import types as _types
import typing as _typing

from dataguard._version import __version__
from dataguard.errors import (
    DataguardError,
    HistoryError,
    InputError,
    ProfileError,
    StorageError,
    SuiteError,
    UnknownExpectationError,
    ValidationFailedError,
)

if _typing.TYPE_CHECKING:
    from dataguard import expectations, extend, history
    from dataguard._frame import dataset
    from dataguard.drift import ColumnDrift, DriftReport, GroupedDriftReport, drift
    from dataguard.inference import infer_suite
    from dataguard.profile import GroupedProfile, Profile, load_profile, merge_profiles, profile
    from dataguard.report import render_html, write_report
    from dataguard.result import ExpectationResult, Reason, ResultFormat, ValidationResult
    from dataguard.site import build_site
    from dataguard.suite import ColumnSpec, Schema, Suite, load_suite
    from dataguard.validate import split, validate, validated

__all__ = [
    "ColumnDrift",
    "ColumnSpec",
    "DataguardError",
    "DriftReport",
    "ExpectationResult",
    "GroupedDriftReport",
    "GroupedProfile",
    "HistoryError",
    "InputError",
    "Profile",
    "ProfileError",
    "Reason",
    "ResultFormat",
    "Schema",
    "StorageError",
    "Suite",
    "SuiteError",
    "UnknownExpectationError",
    "ValidationFailedError",
    "ValidationResult",
    "__version__",
    "build_site",
    "dataset",
    "drift",
    "expectations",
    "extend",
    "history",
    "infer_suite",
    "load_profile",
    "load_suite",
    "merge_profiles",
    "profile",
    "render_html",
    "split",
    "validate",
    "validated",
    "write_report",
]

#: Subpackages exported as themselves.
_SUBPACKAGES = frozenset({"expectations", "extend", "history"})

#: The module defining each other public name imported on first use.
_HOMES = {
    "ColumnDrift": "dataguard.drift",
    "ColumnSpec": "dataguard.suite",
    "DriftReport": "dataguard.drift",
    "ExpectationResult": "dataguard.result",
    "GroupedDriftReport": "dataguard.drift",
    "GroupedProfile": "dataguard.profile",
    "Profile": "dataguard.profile",
    "Reason": "dataguard.result",
    "ResultFormat": "dataguard.result",
    "Schema": "dataguard.suite",
    "Suite": "dataguard.suite",
    "ValidationResult": "dataguard.result",
    "build_site": "dataguard.site",
    "dataset": "dataguard._frame",
    "drift": "dataguard.drift",
    "infer_suite": "dataguard.inference",
    "load_profile": "dataguard.profile",
    "load_suite": "dataguard.suite",
    "merge_profiles": "dataguard.profile",
    "profile": "dataguard.profile",
    "render_html": "dataguard.report",
    "split": "dataguard.validate",
    "validate": "dataguard.validate",
    "validated": "dataguard.validate",
    "write_report": "dataguard.report",
}


def __getattr__(name: str) -> object:
    """Import a public name on first use and keep it, so later reads are plain lookups."""
    if name in _SUBPACKAGES:
        value: object = _importlib.import_module(f"{__name__}.{name}")
    elif name in _HOMES:
        value = getattr(_importlib.import_module(_HOMES[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(_types.ModuleType):
    """The ``dataguard`` module, whose functions keep their names when a submodule loads.

    ``dataguard.validate``, ``.drift`` and ``.profile`` are both submodules and the functions
    exported from them. Importing a submodule binds it on its package; done at the top of this
    file, the function imported next took the name back, but a submodule imported after a
    deferred name would keep it (``dg.validate(...)`` would call a module). Refusing that one
    binding leaves the function in place; the submodule stays in ``sys.modules``.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name in _HOMES and isinstance(value, _types.ModuleType):
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package
