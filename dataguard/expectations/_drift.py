"""``no_drift``: a column's distribution matches a stored reference profile, inside a suite.

This lets one ``dataguard validate`` run cover rules and drift. The profile path is read when the
suite is planned (a relative path from the suite file's folder, as ``tables:`` are, see
``Suite.folder``); an unreadable profile is a ProfileError, so the CLI exits 2 rather than
reporting a data failure.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from dataguard._documents import MAX_JSON_BYTES
from dataguard._storage import Location, reaching, read_bytes, within
from dataguard.drift import (
    TYPE_CHANGE,
    Comparison,
    check_alpha,
    check_method,
    check_min_effect,
    compare,
    compare_type_change,
    decide,
)
from dataguard.errors import SuiteError
from dataguard.expectations._base import Context, Expectation
from dataguard.expectations._registry import register
from dataguard.metrics import Metric, MissingCount
from dataguard.profile import (
    ColumnProfile,
    Profile,
    TypeChanged,
    column_kind,
    grid_metric,
    load_profile,
    loads_profile,
    of_another_kind,
    on_grid,
)
from dataguard.result import ExpectationResult, Reason


@functools.lru_cache(maxsize=16)
def _load(path: str, modified: int, size: int) -> Profile:
    return load_profile(path)


def reference_profile(path: str | os.PathLike[str]) -> Profile:
    """The profile at ``path``, read once per file version."""
    location = Path(path)
    try:
        stat = location.stat()
    except OSError:
        return load_profile(location)  # raises the ProfileError that names the problem
    return _load(str(location.resolve()), stat.st_mtime_ns, stat.st_size)


#: Profiles read from object stores, by URI and version (modification time, size): a suite's
#: ``no_drift`` expectations read their reference once per version, as local ones do.
_FROM_STORES: dict[tuple[str, int, int], Profile] = {}
_STORED_MOST = 16


def stored_profile(location: Location) -> Profile:
    """The profile at ``location`` in an object store, read once per version of the object."""
    with reaching(location):
        info = location.filesystem.get_file_info(location.path)
    key = (location.shown, info.mtime_ns or 0, info.size or 0)
    found = _FROM_STORES.get(key)
    if found is None:
        found = loads_profile(read_bytes(location, MAX_JSON_BYTES), location.shown)
        while len(_FROM_STORES) >= _STORED_MOST:
            del _FROM_STORES[next(iter(_FROM_STORES))]
        _FROM_STORES[key] = found
    return found


def reference_column(
    folder: Path | Location, reference: str, column: str, parameter: str = "column"
) -> ColumnProfile:
    """The profile of ``column`` in the reference profile at ``reference``, a path relative to
    the suite's ``folder`` (in an object store for a suite read from one); a SuiteError says
    how to write a path meant relative to the working directory, or that the profile lacks the
    column (at ``parameter``, which names it)."""
    profile = (
        stored_profile(within(folder, reference))
        if isinstance(folder, Location)
        else _local_reference(folder, reference)
    )
    found = profile.columns.get(column)
    if found is None:
        raise SuiteError(
            f"column {column!r} is not in the reference profile {reference}", path=parameter
        )
    return found


def _local_reference(folder: Path, reference: str) -> Profile:
    """The reference profile at ``reference`` from a local suite's ``folder``."""
    location = folder / reference
    if not location.exists() and Path(reference).exists():
        # Most likely written relative to the working directory: say how to write it rather
        # than read that file, which may not be the one meant.
        written = Path(os.path.relpath(reference, folder)).as_posix()
        raise SuiteError(
            f"no reference profile at {location}: a relative reference is read relative to "
            f"the suite file's folder, not the working directory (write "
            f"reference: {written})",
            path="reference",
        )
    return reference_profile(location)


def _as_suite_error(check: Callable[[Any], object], value: Any, parameter: str) -> None:
    """Run one of drift's argument checks; its ValueError becomes a SuiteError at ``parameter``."""
    try:
        check(value)
    except ValueError as exc:
        raise SuiteError(str(exc), path=parameter) from None


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class NoDrift(Expectation):
    """The column has not drifted from the reference profile at ``reference``.

    Same test choice and gates as ``dataguard.drift`` for one column: drift is flagged when the
    p-value is below ``alpha`` and the effect reaches ``min_effect``; ``method`` forces a test.
    """

    name = "no_drift"
    example: ClassVar[dict[str, Any]] = {
        "column": "amount",
        "reference": "reference.profile.json.gz",
    }

    column: str
    reference: str
    alpha: float = 0.05
    min_effect: float = 0.03
    method: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def check(self) -> None:
        _as_suite_error(check_alpha, self.alpha, "alpha")
        _as_suite_error(lambda value: check_min_effect(value, ()), self.min_effect, "min_effect")
        _as_suite_error(check_method, self.method, "method")
        if not self.reference:
            raise SuiteError("give the path of a reference profile", path="reference")

    def _reference_column(self, ctx: Context) -> ColumnProfile:
        return reference_column(ctx.folder, self.reference, self.column)

    def precheck(self, ctx: Context) -> ExpectationResult | None:
        """As any expectation's, then the reference is read: a suite error in it (a column the
        profile lacks) is found before any row is, at the suite's line."""
        early = Expectation.precheck(self, ctx)
        if early is None:
            self._reference_column(ctx)
        return early

    def _kind_changed(self, ctx: Context, reference: ColumnProfile) -> bool:
        return column_kind(ctx.info(self.column)) != reference.kind

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        reference = self._reference_column(ctx)
        if self._kind_changed(ctx, reference):  # all missing, or a type change: count the gaps
            return (MissingCount(self.column),)
        return (grid_metric(reference),)

    def _comparison(self, ctx: Context, reference: ColumnProfile) -> Comparison:
        """The column's tests, as ``drift`` runs them: on the reference's grid, by the missing
        share when every value is missing, or a type change."""
        info = ctx.info(self.column)
        if not self._kind_changed(ctx, reference):
            current = on_grid(info, ctx.values[grid_metric(reference)], reference)
            return compare(reference, current, self.method)
        try:
            empty = of_another_kind(info, ctx.values[MissingCount(self.column)], reference)
        except TypeChanged as change:
            return compare_type_change(reference, str(change))
        return compare(reference, empty, self.method)

    def evaluate(self, ctx: Context) -> ExpectationResult:
        comparison = self._comparison(ctx, self._reference_column(ctx))
        verdict = decide([comparison], self.alpha, self.min_effect)[self.column]
        observed = {
            "method": verdict.method,
            "statistic": verdict.statistic,
            "pvalue": verdict.pvalue,
            "effect": verdict.effect,
        }
        details = {"reason": verdict.reason}
        if not verdict.drifted and not verdict.computed:  # untested is no evidence of no drift
            message = f"{self.column!r}: {verdict.reason}"
            return self.result(
                False, Reason.ERROR, message, observed_value=observed, details=details
            )
        if verdict.method == TYPE_CHANGE:
            message = f"{self.column!r} drifted: {verdict.reason}"
        elif verdict.drifted:
            message = (
                f"{self.column!r} drifted: {verdict.method} effect {verdict.effect:.4g} "
                f"(gate {verdict.threshold:g}), adjusted p {_p(verdict.pvalue_adjusted)}"
            )
        else:
            message = f"no drift: {verdict.method} effect {verdict.effect:.4g}"
        return self.result(
            not verdict.drifted,
            Reason.DRIFTED if verdict.drifted else Reason.PASSED,
            message,
            observed_value=observed,
            details=details,
        )

    def sentence(self) -> str:
        return f"The distribution of {self.column!r} has not drifted from {self.reference}."


def _p(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"
