"""``drift(current, reference=...)``: per-column tests, correction, two gates, a DriftReport."""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dataguard._jsonable import jsonable
from dataguard._text import clip
from dataguard._version import __version__
from dataguard.drift import _tests as t
from dataguard.drift._compare import (
    DISTANCE_THRESHOLDS,
    METHODS,
    NOT_COMPUTED,
    TYPE_CHANGE,
    Comparison,
    DriftConfigError,
    compare,
    compare_type_change,
)
from dataguard.drift._multivariate import MultivariateDrift, pca_drift
from dataguard.errors import InputError, ProfileError
from dataguard.profile import NumericProfile, Profile, profile

#: Defaults of the two gates (drift.md §6): significance after BH, and the smallest effect
#: worth an alert (KS D or total variation of 0.03 is about a 0.075-sigma shift of a normal).
ALPHA = 0.05
MIN_EFFECT = 0.03

REPORT_FORMAT_VERSION = 1


@dataclass(frozen=True)
class MissingDrift:
    """Whether the share of missing values changed."""

    reference_share: float
    current_share: float
    pvalue: float | None
    pvalue_adjusted: float | None
    drifted: bool


@dataclass(frozen=True)
class ColumnDrift:
    """The verdict on one column, with the test used and why."""

    column: str
    kind: str
    method: str
    reason: str
    statistic: float
    pvalue: float | None
    pvalue_adjusted: float | None
    effect: float
    threshold: float
    drifted: bool
    missing: MissingDrift | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def computed(self) -> bool:
        """False when the chosen test could not be computed on the column's values: its method is
        ``none`` and the reason says why."""
        return NOT_COMPUTED not in self.details

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        out: dict[str, Any] = {
            "column": self.column,
            "kind": self.kind,
            "method": self.method,
            "reason": self.reason,
            "statistic": jsonable(self.statistic),
            "pvalue": jsonable(self.pvalue),
            "pvalue_adjusted": jsonable(self.pvalue_adjusted),
            "effect": jsonable(self.effect),
            "threshold": self.threshold,
            "drifted": self.drifted,
            "missing": None,
            "details": jsonable(dict(self.details)),
        }
        if self.missing is not None:
            out["missing"] = jsonable(self.missing.__dict__)
        return out


@dataclass(frozen=True)
class DriftReport:
    """Every column's verdict and the dataset's.

    ``drifted`` is true when any column is flagged (with BH this is Simes' global test: at most
    ``alpha`` false alarms under no drift); ``drift_share`` is the flagged share of tested columns.
    """

    columns: Mapping[str, ColumnDrift]
    skipped: Mapping[str, str]
    alpha: float
    min_effect: float
    reference_rows: int
    current_rows: int
    multivariate: MultivariateDrift | None = None
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    duration_seconds: float = 0.0

    @property
    def drifted(self) -> bool:
        """True when a column (or, if checked, the joint distribution) drifted."""
        joint = self.multivariate is not None and self.multivariate.drifted
        return joint or any(c.drifted for c in self.columns.values())

    @property
    def drift_share(self) -> float:
        """Share of tested columns flagged as drifted."""
        return (
            sum(c.drifted for c in self.columns.values()) / len(self.columns)
            if self.columns
            else 0.0
        )

    @property
    def drifted_columns(self) -> tuple[str, ...]:
        """Names of the flagged columns, most drifted first."""
        flagged = [c for c in self.columns.values() if c.drifted]
        return tuple(c.column for c in sorted(flagged, key=lambda c: -c.effect))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        ordered = sorted(self.columns.values(), key=lambda c: (not c.drifted, -_finite(c.effect)))
        return {
            "format_version": REPORT_FORMAT_VERSION,
            "kind": "drift",
            "drifted": self.drifted,
            "drift_share": self.drift_share,
            "drifted_columns": list(self.drifted_columns),
            "alpha": self.alpha,
            "min_effect": self.min_effect,
            "reference_rows": self.reference_rows,
            "current_rows": self.current_rows,
            "columns": [c.to_dict() for c in ordered],
            "skipped": dict(self.skipped),
            "multivariate": None if self.multivariate is None else self.multivariate.to_dict(),
            "run": run_info(self.started_at, self.duration_seconds),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    def __repr__(self) -> str:
        """One line: verdict, drifted columns (the first five) and sizes."""
        flagged = self.drifted_columns
        names = ", ".join(repr(clip(c, 40, tally=False)) for c in flagged[:5])
        more = f" and {len(flagged) - 5} more" if len(flagged) > 5 else ""
        return (
            f"<DriftReport {'DRIFT' if self.drifted else 'NO DRIFT'}: {len(flagged)} of "
            f"{len(self.columns)} columns drifted"
            + (f" ({names}{more})" if names else "")
            + f"; reference {self.reference_rows:,} rows, current {self.current_rows:,} rows>"
        )

    def _repr_html_(self) -> str:
        """A compact drift report for notebooks (see ``dataguard.report.notebook_html``)."""
        # Deferred: the report package renders drift reports, so it imports this module.
        from dataguard.report import notebook_html

        return notebook_html(self)


def run_info(started_at: dt.datetime, duration_seconds: float) -> dict[str, Any]:
    """The ``run`` part of a drift document: which dataguard ran, when, for how long."""
    return {
        "dataguard_version": __version__,
        "started_at": started_at.isoformat(),
        "duration_seconds": duration_seconds,
    }


def _finite(value: float) -> float:
    """An effect as a sort key: infinite ones first, NaN (never measured) last."""
    return 0.0 if math.isnan(value) else min(value, 1e300)


def _as_reference(
    reference: Any,
    columns: Sequence[str] | None,
    multivariate: bool,
    column_types: Mapping[str, str] | None,
) -> Profile:
    if isinstance(reference, Profile):
        return reference
    if reference is None:
        raise InputError("drift needs a reference: a Profile or the reference data")
    return profile(reference, columns=columns, comoments=multivariate, column_types=column_types)


def _number(value: Any, name: str) -> float:
    """``value`` as a float, or ValueError naming the argument (a bool or text is no number)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    return float(value)


def check_alpha(alpha: Any) -> float:
    """``alpha`` as a float strictly between 0 and 1, else ValueError."""
    value = _number(alpha, "alpha")
    if not 0 < value < 1:  # also refuses NaN
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    return value


def check_min_effect(min_effect: Any, columns: Sequence[str]) -> float | dict[str, float]:
    """``min_effect`` (a number, or numbers per column among ``columns``), each from 0 to 1.

    A NaN gate compares false with every effect, a negative one flags every wobble, and one
    above 1 exceeds every effect it gates (KS D, total variation, differences of shares), so
    each would silently change the verdict."""

    def gate(value: Any, name: str) -> float:
        number = _number(value, name)
        if not 0 <= number <= 1:
            raise ValueError(
                f"{name} must be a number from 0 to 1 (the effects it gates, KS D, total "
                f"variation and differences of shares, are at most 1), got {value}"
            )
        return number

    if not isinstance(min_effect, Mapping):
        return gate(min_effect, "min_effect")
    unknown = [str(c) for c in min_effect if c not in columns]
    if unknown:
        raise ValueError(f"min_effect names columns not in the reference: {unknown!r}")
    return {str(c): gate(v, f"min_effect for column {c!r}") for c, v in min_effect.items()}


def check_method(method: str | None) -> str | None:
    """``method`` when it is None (the default choice) or a known method, else ValueError."""
    if method is not None and method not in METHODS:
        raise ValueError(f"unknown drift method {method!r}; use one of {', '.join(METHODS)}")
    return method


def _per_column(option: float | Mapping[str, float], column: str, default: float) -> float:
    if isinstance(option, Mapping):
        return float(option.get(column, default))
    return float(option)


def _check_tests(tests: object) -> None:
    """TypeError unless ``tests`` is None, a method name, or a mapping of column to method name
    (a list would be ambiguous: one method for all columns, or several per column?); ValueError
    for an unknown method."""
    if tests is None or isinstance(tests, str):
        check_method(tests)
        return
    if isinstance(tests, Mapping) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in tests.items()
    ):
        for method in tests.values():
            check_method(method)
        return
    raise TypeError(
        "tests must be a method name (tests='ks') or a mapping of column to method name "
        f"(tests={{'amount': 'ks'}}), not {type(tests).__name__} {tests!r:.80}"
    )


def drift(
    current: Any,
    *,
    reference: Any,
    columns: Sequence[str] | None = None,
    tests: str | Mapping[str, str] | None = None,
    alpha: float = ALPHA,
    min_effect: float | Mapping[str, float] = MIN_EFFECT,
    multivariate: bool = False,
    chunk_size: int | None = None,
    column_types: Mapping[str, str] | None = None,
) -> DriftReport:
    """Compare ``current`` data with a reference Profile (or raw reference data).

    Each column gets a test chosen by its type and size (KS for continuous values, chi-square for
    categories and low-cardinality numbers, a proportion test for binary ones, plus a test of its
    missing share); p-values are Benjamini-Hochberg adjusted across all tests, and a column drifts
    when the adjusted p-value is below ``alpha`` and the effect reaches ``min_effect`` (a float, or
    per column). ``tests`` forces a method for all or some columns (``"psi"``,
    ``"wasserstein"``, ``"anderson_darling"``, ...). ``multivariate`` adds PCA reconstruction-error
    drift from co-moments (the reference profile must hold them). ``column_types``
    (``{"zip": "string"}``) pins how columns of CSV or JSON-lines files are read, for the current
    data and a raw-data reference alike (see ``profile``).

    Every outcome is reported on its column: a column whose values changed type drifts (method
    ``type_change``); a test that cannot be computed on a column has method ``none`` and the
    reason; reference columns that could not be profiled are listed in ``skipped``. A reference
    with no rows or no comparable column is a ProfileError, and current data sharing no
    comparable column an InputError: drift never passes by comparing nothing.

    ``history`` names a SQLite run history (docs/history.md) the report is appended to, under
    ``dataset`` (default: the current data's file name, or its kind such as
    ``pandas.DataFrame``); HistoryError if it cannot be written.
    """
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.timezone.utc)
    alpha = check_alpha(alpha)
    _check_tests(tests)
    ref = _as_reference(reference, columns, multivariate, column_types)
    _check_comparable(ref)
    min_effect = check_min_effect(min_effect, list(ref.columns))
    if multivariate and ref.comoments is None:
        raise ProfileError(_without_comoments(ref))
    names = [n for n in (columns or list(ref.columns)) if n in ref.columns]
    unknown = [n for n in (columns or []) if n not in ref.columns and n not in ref.unprofiled]
    if unknown:
        raise InputError(
            f"column{'s' if len(unknown) > 1 else ''} {unknown!r} not in the reference profile"
        )
    if isinstance(current, Profile):
        cur = current
    else:
        cur = profile(
            current,
            columns=columns,
            reference=ref,
            comoments=multivariate,
            chunk_size=chunk_size,
            column_types=column_types,
        )
    skipped = {
        name: f"not profiled in the reference: {why}"
        for name, why in ref.unprofiled.items()
        if columns is None or name in columns
    }
    comparisons: list[Comparison] = []
    for name in names:
        ref_col, cur_col = ref.columns[name], cur.columns.get(name)
        if cur_col is None and name in cur.unprofiled:
            comparisons.append(compare_type_change(ref_col, cur.unprofiled[name]))
            continue
        if cur_col is None:
            skipped[name] = "column missing from the current data"
            continue
        if cur_col.grid != ref_col.grid_id():
            raise ProfileError(
                f"column {name!r}: the current profile was not counted on this reference's grid"
            )
        method = tests if isinstance(tests, str) else (tests or {}).get(name)
        try:
            comparisons.append(compare(ref_col, cur_col, method))
        except DriftConfigError as exc:  # only a forced method can be wrong for a column
            raise ValueError(f"column {name!r}: {exc}") from None
    if not comparisons:
        raise InputError(f"no column could be compared with the reference ({_listed(skipped)})")
    columns_out = decide(comparisons, alpha, min_effect)
    joint = None
    if multivariate and ref.comoments is not None:
        if cur.comoments is None:
            raise InputError(_without_current_comoments(ref.comoments.columns, cur))
        joint = pca_drift(ref.comoments, cur.comoments)
    report = DriftReport(
        columns_out,
        skipped,
        alpha,
        float(min_effect) if not isinstance(min_effect, Mapping) else MIN_EFFECT,
        ref.rows,
        cur.rows,
        joint,
        started_at,
        time.perf_counter() - started,
    )
    return report


def _listed(reasons: Mapping[str, str], most: int = 5) -> str:
    """Columns and their reasons on one line, the first ``most`` of them."""
    shown = [f"{name!r}: {why}" for name, why in list(reasons.items())[:most]]
    more = len(reasons) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def _check_comparable(reference: Profile) -> None:
    """ProfileError for a reference that leaves nothing to compare: no rows or no column."""
    if not reference.rows:
        raise ProfileError("the reference has no rows: there is nothing to compare with")
    if not reference.columns:
        why = f" ({_listed(reference.unprofiled)})" if reference.unprofiled else ""
        raise ProfileError(f"the reference has no column that can be compared{why}")


def _without_current_comoments(columns: Sequence[str], current: Profile) -> str:
    lost = [c for c in columns if not isinstance(current.columns.get(c), NumericProfile)]
    if lost:
        return (
            f"multivariate drift needs the reference's numeric columns {list(columns)!r} as "
            f"numbers in the current data; {lost!r} are not"
        )
    return "multivariate drift needs a current profile with co-moments over the same columns"


def _without_comoments(reference: Profile) -> str:
    """Why a reference has no co-moments: too few numeric columns, or built without them."""
    numeric = [n for n, c in reference.columns.items() if isinstance(c, NumericProfile)]
    if len(numeric) < 2:
        held = f"only {numeric[0]!r}" if numeric else "none"
        return f"multivariate drift needs at least two numeric columns; the reference has {held}"
    return "multivariate drift needs a reference profile built with comoments=True"


def decide(
    comparisons: Sequence[Comparison], alpha: float, min_effect: float | Mapping[str, float]
) -> dict[str, ColumnDrift]:
    """Apply BH across every p-value (values, missing shares, infinite shares), then both gates
    per column. A test without a p-value (a distance, or one that could not be computed) stays
    out of the correction."""
    tests = [(c.primary, c.missing, c.infinite) for c in comparisons]
    pvalues = [r.pvalue for trio in tests for r in trio if r is not None and r.pvalue is not None]
    adjusted = iter(t.benjamini_hochberg(np.array(pvalues, dtype=np.float64)).tolist())

    def adjust(result: t.TestResult | None) -> float | None:
        return next(adjusted) if result is not None and result.pvalue is not None else None

    out: dict[str, ColumnDrift] = {}
    for c in comparisons:
        gate = _per_column(min_effect, c.column, MIN_EFFECT)
        primary = c.primary
        p_adj = adjust(primary)
        if primary.method == TYPE_CHANGE:  # every value changed type: drift whatever the gates
            threshold, flagged = 0.0, True
        elif primary.pvalue is None:
            threshold = DISTANCE_THRESHOLDS.get(primary.method, gate)
            flagged = primary.method != "none" and primary.statistic >= threshold
        else:
            threshold = gate
            flagged = p_adj is not None and p_adj < alpha and primary.effect >= gate
        missing = None
        m_adj = adjust(c.missing)
        if c.missing is not None:
            missing = MissingDrift(
                c.missing.details["reference_share"],
                c.missing.details["current_share"],
                c.missing.pvalue,
                m_adj,
                m_adj is not None and m_adj < alpha and c.missing.effect >= gate,
            )
        details = {**c.extras, **primary.details}
        i_adj = adjust(c.infinite)
        infinite_drifted = False
        if c.infinite is not None:
            infinite_drifted = i_adj is not None and i_adj < alpha and c.infinite.effect >= gate
            details["infinite_share"] = {
                **c.infinite.details,
                "pvalue": c.infinite.pvalue,
                "pvalue_adjusted": i_adj,
                "effect": c.infinite.effect,
                "drifted": infinite_drifted,
            }
        out[c.column] = ColumnDrift(
            c.column,
            c.kind,
            primary.method,
            c.reason,
            primary.statistic,
            primary.pvalue,
            p_adj,
            primary.effect,
            threshold,
            flagged or infinite_drifted or (missing is not None and missing.drifted),
            missing,
            details,
        )
    return out
