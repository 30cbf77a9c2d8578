"""Heavy third-party modules, imported on first use so that ``import dataguard`` stays fast.

``scipy.stats`` alone takes over a second to import, pandas a quarter of one, PyYAML and
``pyarrow.parquet`` (which brings in pyarrow's file systems and ssl) tens of milliseconds; most
programs need only some of them, and ``dataguard --help`` none. Modules write
``from dataguard._deferred import stats`` and use ``stats.ks_2samp(...)`` as usual: the first
attribute read imports the real module (Python's import lock makes that thread-safe;
``sys.modules`` caches it). Type checkers see the real modules. ``tests/test_import_time.py``
guards that ``import dataguard`` loads none of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["hypothesis", "pafs", "pcsv", "pd", "pds", "pjson", "pq", "st", "stats", "yaml"]


class _Deferred:
    """Stands for a module until an attribute is read, then forwards to the imported module."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)

    def __repr__(self) -> str:
        return f"<module {self._name!r}, imported on first use>"


if TYPE_CHECKING:
    import hypothesis
    import hypothesis.strategies as st
    import pandas as pd
    import pyarrow.csv as pcsv
    import pyarrow.dataset as pds
    import pyarrow.fs as pafs
    import pyarrow.json as pjson
    import pyarrow.parquet as pq
    import yaml
    from scipy import stats
else:
    # An optional extra (dataguard[strategies]), for generating data from suites.
    hypothesis = _Deferred("hypothesis")
    st = _Deferred("hypothesis.strategies")
    pcsv = _Deferred("pyarrow.csv")
    pd = _Deferred("pandas")
    pds = _Deferred("pyarrow.dataset")
    pafs = _Deferred("pyarrow.fs")
    pjson = _Deferred("pyarrow.json")
    pq = _Deferred("pyarrow.parquet")
    stats = _Deferred("scipy.stats")
    yaml = _Deferred("yaml")
