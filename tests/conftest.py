"""Shared fixtures: one behaviour test runs once per input backend (narwhals style).

``frame_factory`` turns a dict of columns into the object or file each backend reads. CSV cannot
carry every type (it has no types: the reader infers them), so tests that need exact types
restrict the backends with ``@pytest.mark.backends(...)`` or ``@pytest.mark.exclude_backends(...)``;
the restriction happens at collection, so no test is ever skipped.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from hypothesis import settings

import dataguard as dg
from dataguard.expectations import Expectation

# Property tests draw the same examples on every run: fixed seeds, no example database.
# `pytest --hypothesis-profile=explore` draws new examples each run, to hunt for bugs.
settings.register_profile("dataguard", derandomize=True, database=None, deadline=None)
settings.register_profile("explore", database=None, deadline=None)
settings.load_profile("dataguard")

BACKENDS = ("pandas", "pyarrow", "polars", "parquet", "csv")
#: Backends that keep the exact Arrow type of every column.
TYPED_BACKENDS = ("pandas", "pyarrow", "polars", "parquet")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "backends(*names): run frame_factory tests on these only")
    config.addinivalue_line("markers", "exclude_backends(*names): frame_factory skips these")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "frame_factory" not in metafunc.fixturenames:
        return
    chosen: Sequence[str] = BACKENDS
    only = metafunc.definition.get_closest_marker("backends")
    if only is not None:
        chosen = [b for b in BACKENDS if b in only.args]
    excluded = metafunc.definition.get_closest_marker("exclude_backends")
    if excluded is not None:
        chosen = [b for b in chosen if b not in excluded.args]
    metafunc.parametrize("frame_factory", chosen, indirect=True)


class FrameFactory:
    """Builds the same columns as one backend's data: an in-memory frame or a file path."""

    def __init__(self, backend: str, directory: Path) -> None:
        self.backend = backend
        self._directory = directory
        self._counter = itertools.count()

    def __repr__(self) -> str:
        return f"FrameFactory({self.backend!r})"

    @property
    def typed(self) -> bool:
        """Whether the backend keeps every column's exact type (CSV infers types from text)."""
        return self.backend in TYPED_BACKENDS

    def table(
        self, columns: Mapping[str, Any], types: Mapping[str, pa.DataType] | None = None
    ) -> pa.Table:
        """The columns as a pyarrow Table (what every backend is made from)."""
        types = types or {}
        arrays = {
            name: values if isinstance(values, pa.Array) else pa.array(values, type=types.get(name))
            for name, values in columns.items()
        }
        return pa.table(arrays) if arrays else pa.table({})

    def __call__(
        self, columns: Mapping[str, Any], types: Mapping[str, pa.DataType] | None = None
    ) -> Any:
        """The columns as this backend's data; ``types`` pins Arrow types (all-null floats...)."""
        table = self.table(columns, types)
        if self.backend == "pyarrow":
            return table
        if self.backend == "pandas":
            return table.to_pandas()
        if self.backend == "polars":
            return pl.from_arrow(table)
        path = self._directory / f"data{next(self._counter)}.{self.backend}"
        if self.backend == "parquet":
            pq.write_table(table, path)
        else:
            pcsv.write_csv(table, path)
            if table.num_columns == 1:
                # A null in a one-column file is an empty line, which CSV readers skip; a bare
                # NA is read as null instead (a quoted empty field is an empty text).
                lines = path.read_text().split("\n")
                body = [line or "NA" for line in lines[1:-1]]
                path.write_text("\n".join([lines[0], *body, ""]))
        return path


@pytest.fixture
def frame_factory(request: pytest.FixtureRequest, tmp_path: Path) -> FrameFactory:
    """A ``FrameFactory`` for one backend; see the module docstring for restricting backends."""
    return FrameFactory(request.param, tmp_path)


Run = Callable[..., dg.ValidationResult]
One = Callable[..., dg.ExpectationResult]


@pytest.fixture
def run() -> Run:
    """``run(data, *expectations, **options)``: validate and return the whole result."""

    def run_(data: Any, *expectations: Expectation, **options: Any) -> dg.ValidationResult:
        return dg.validate(data, dg.Suite(list(expectations)), **options)

    return run_


@pytest.fixture
def one() -> One:
    """``one(data, expectation, **options)``: validate one expectation and return its result."""

    def one_(data: Any, expectation: Expectation, **options: Any) -> dg.ExpectationResult:
        return dg.validate(data, dg.Suite([expectation]), **options).results[0]

    return one_
