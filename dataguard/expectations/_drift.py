"""``no_drift``: a column's distribution matches a stored reference profile, inside a suite.

This lets one ``dataguard validate`` run cover rules and drift. The profile path is read when the
suite is planned (relative paths from the working directory); an unreadable profile is a
ProfileError, so the CLI exits 2 rather than reporting a data failure.
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dataguard.errors import SuiteError
from dataguard.expectations._base import Context, Expectation
from dataguard.expectations._registry import register
from dataguard.metrics import Metric, MissingCount
from dataguard.result import ExpectationResult, Reason


@functools.lru_cache(maxsize=16)
def _load(path: str, modified: int, size: int) -> Any:
    from dataguard.profile import load_profile

    return load_profile(path)


def reference_profile(path: str) -> Any:
    """The profile at ``path``, read once per file version."""
    location = Path(path)
    try:
        stat = location.stat()
    except OSError:
        from dataguard.profile import load_profile

        return load_profile(location)  # raises the ProfileError that names the problem
    return _load(str(location.resolve()), stat.st_mtime_ns, stat.st_size)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class NoDrift(Expectation):
    """The column has not drifted from the reference profile at ``reference``.

    Same test choice and gates as ``dataguard.drift`` for one column: drift is flagged when the
    p-value is below ``alpha`` and the effect reaches ``min_effect``; ``method`` forces a test.
    """

    name = "no_drift"

    column: str
    reference: str
    alpha: float = 0.05
    min_effect: float = 0.03
    method: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def check(self) -> None:
        from dataguard.drift._compare import METHODS

        if not 0 < self.alpha < 1:
            raise SuiteError(f"alpha must be between 0 and 1, got {self.alpha}", path="alpha")
        if not (math.isfinite(self.min_effect) and self.min_effect >= 0):
            # A NaN gate compares false with every effect and would silence drift.
            raise SuiteError(
                f"min_effect must be a finite number of at least 0, got {self.min_effect}",
                path="min_effect",
            )
        if self.method is not None and self.method not in METHODS:
            raise SuiteError(
                f"unknown drift method {self.method!r}; use one of {', '.join(METHODS)}",
                path="method",
            )
        if not self.reference:
            raise SuiteError("give the path of a reference profile", path="reference")

    def _reference_column(self) -> Any:
        profile = reference_profile(os.fspath(self.reference))
        column = profile.columns.get(self.column)
        if column is None:
            raise SuiteError(
                f"column {self.column!r} is not in the reference profile {self.reference}",
                path="column",
            )
        return column

    def _kind_changed(self, ctx: Context, reference: Any) -> bool:
        from dataguard.profile._build import column_kind

        kind: str = reference.kind
        return column_kind(ctx.info(self.column)) != kind

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        from dataguard.profile._build import grid_metric

        reference = self._reference_column()
        if self._kind_changed(ctx, reference):  # all missing, or a type change: count the gaps
            return (MissingCount(self.column),)
        return (grid_metric(reference),)

    def evaluate(self, ctx: Context) -> ExpectationResult:
        from dataguard.drift._compare import compare
        from dataguard.drift._drift import decide
        from dataguard.profile._build import grid_metric, of_another_kind, on_grid

        reference = self._reference_column()
        info = ctx.info(self.column)
        if self._kind_changed(ctx, reference):
            current = of_another_kind(info, ctx.values[MissingCount(self.column)], reference)
            if isinstance(current, str):
                return self.result(
                    False,
                    Reason.DRIFTED,
                    f"{self.column!r} drifted: {current}",
                    details={"reason": current},
                )
        else:
            current = on_grid(info, ctx.values[grid_metric(reference)], reference)
        verdict = decide([compare(reference, current, self.method)], self.alpha, self.min_effect)[
            self.column
        ]
        observed = {
            "method": verdict.method,
            "statistic": verdict.statistic,
            "pvalue": verdict.pvalue,
            "effect": verdict.effect,
        }
        if not verdict.drifted and not verdict.computed:  # untested is no evidence of no drift
            return self.result(
                False,
                Reason.ERROR,
                f"{self.column!r}: {verdict.reason}",
                observed_value=observed,
                details={"reason": verdict.reason},
            )
        if verdict.drifted:
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
            details={"reason": verdict.reason},
        )

    def sentence(self) -> str:
        return f"The distribution of {self.column!r} has not drifted from {self.reference}."


def _p(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"
