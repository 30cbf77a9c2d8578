"""Comparing current data with a reference profile, column by column, under the default policy.

The policy (research/drift.md §6): pick the test by column type and size, adjust every p-value
with Benjamini-Hochberg across columns, and flag a column only when the adjusted p-value is below
``alpha`` *and* the effect (KS D, total variation, share difference) reaches ``min_effect``. The
second gate is what keeps a 0.005-sigma shift in a million rows from raising an alarm, while the
first keeps the false-positive rate at or below ``alpha`` at every sample size.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from dataguard.drift import _tests as t
from dataguard.errors import ProfileError
from dataguard.profile import CategoricalProfile, ColumnProfile, NumericProfile

#: Numeric columns with at most this many distinct reference values are compared as categories
#: (KS p-values are conservative on heavy ties; chi-square on the values is calibrated, §1.3c).
DISCRETE_LIMIT = 20
#: Groups of fine bins used for PSI and report histograms (reference deciles / ventiles; the
#: distances add the out-of-range cells, see ``distance_cells``).
PSI_BINS = 10
HISTOGRAM_BINS = 20
#: Thresholds of the distance methods a user can pick instead of the default test; a column is
#: flagged when the distance reaches them (no p-value exists).
DISTANCE_THRESHOLDS: Mapping[str, float] = {
    "psi": 0.1,
    "wasserstein": 0.1,
    "jensen_shannon": 0.1,
    "hellinger": 0.1,
    "total_variation": 0.03,
    "l_infinity": 0.03,
}
#: Standard deviations by which a category must clear a selection threshold to be compared on
#: its own when the reference pooled categories: a Poisson count falls that far below its mean
#: with probability under 1e-4, so its selection is near certain and its counts unbiased.
SURE_Z = 4.0
SAMPLE_TESTS = ("anderson_darling", "cramer_von_mises")
#: Methods that measure finite numbers (means, distances in standard deviations): they run on the
#: finite values, and the shares of -inf and +inf are tested beside them, like the missing share.
FINITE_TESTS = ("welch_t", "wasserstein")
#: The method and kind of a column whose values changed type (numbers then, text now): no test
#: runs, and the column always drifts.
TYPE_CHANGE = "type_change"
METHODS = ("ks", "chi_square", "welch_t", *SAMPLE_TESTS, *DISTANCE_THRESHOLDS)
#: The detail naming the method that could not be computed on a column (its method is "none").
NOT_COMPUTED = "not_computed"


@dataclass(frozen=True)
class Comparison:
    """One column's tests before the multiple-testing correction."""

    column: str
    kind: str
    reason: str
    primary: t.TestResult
    missing: t.TestResult | None
    extras: Mapping[str, Any] = field(default_factory=dict)
    #: Whether the shares of -inf and +inf changed, beside a test on the finite values only.
    infinite: t.TestResult | None = None


class DriftConfigError(ValueError):
    """A drift option that cannot be honoured for a column (e.g. a sample test on bins)."""


def _group_bins(reference: np.ndarray, groups: int) -> np.ndarray:
    """Start index of each group of consecutive fine bins holding ~1/groups of the reference."""
    cumulative = np.cumsum(reference)
    total = cumulative[-1] if cumulative.size else 0
    if total == 0:
        return np.array([0])
    targets = np.arange(1, groups) * total / groups
    cuts = np.searchsorted(cumulative, targets, side="left") + 1
    return np.unique(np.concatenate([[0], cuts[cuts < reference.size]]))


def _coarse(counts: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return np.add.reduceat(counts, starts) if counts.size else counts


def distance_cells(reference: np.ndarray, current: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Reference and current counts on the cells the binned distances (PSI, Jensen-Shannon,
    Hellinger, total variation, L-infinity) compare: groups of fine bins holding about a tenth of
    the reference each, and the values below the reference's smallest finite value and above its
    largest (the grid's two end bins, which also hold ±inf) as cells of their own whenever either
    side has any there. Apart, they show mass leaving the range even when the neighbouring group
    holds the mass it left (a constant reference shifted down); empty on both sides, they would
    only add smoothing noise."""
    if reference.size < 3:
        return reference, current
    starts = np.concatenate([[0], _group_bins(reference[1:-1], PSI_BINS) + 1, [reference.size - 1]])
    ref, cur = _coarse(reference, starts), _coarse(current, starts)
    keep = np.ones(ref.size, dtype=bool)
    keep[[0, -1]] = ref[[0, -1]] + cur[[0, -1]] > 0
    return ref[keep], cur[keep]


def _numeric_kind(reference: NumericProfile) -> str:
    distinct = reference.distinct if reference.distinct is not None else DISCRETE_LIMIT + 1
    if distinct <= 2:
        return "binary"
    return "discrete" if distinct <= DISCRETE_LIMIT else "continuous"


def _atom_counts(
    reference: NumericProfile, current: NumericProfile
) -> tuple[np.ndarray, np.ndarray]:
    """Counts per reference value (atom bins), with every other bin pooled into a NEW slot."""
    assert reference.edges is not None
    assert reference.counts is not None
    assert current.counts is not None
    values = reference.discrete_values if reference.discrete_values is not None else np.zeros(0)
    atom_bins = np.searchsorted(reference.edges, values, side="left")
    others = np.ones(reference.counts.size, dtype=bool)
    others[atom_bins] = False
    ref = np.append(reference.counts[atom_bins], reference.counts[others].sum())
    cur = np.append(current.counts[atom_bins], current.counts[others].sum())
    return ref, cur


def _histogram(reference: NumericProfile, current: NumericProfile) -> dict[str, Any]:
    assert reference.edges is not None
    assert reference.counts is not None
    assert current.counts is not None
    starts = _group_bins(reference.counts, HISTOGRAM_BINS)
    ref, cur = _coarse(reference.counts, starts), _coarse(current.counts, starts)
    inner = [float(reference.edges[s - 1]) for s in starts[1:]]
    return {
        "edges": inner,
        "reference": (ref / max(ref.sum(), 1)).tolist(),
        "current": (cur / max(cur.sum(), 1)).tolist(),
    }


def _out_of_range(reference: NumericProfile, current: NumericProfile) -> float:
    """Share of current values outside the reference's finite range (below its smallest finite
    value or above its largest): the finite values in the grid's end bins, which are the binned
    distances' below and above cells. The end bins also hold ±inf; their shares are reported
    apart (``_infinite_shares``). A reference with no finite value has an empty range, so every
    finite current value lies outside it."""
    if current.counts is None or not current.count:
        return 0.0
    if not reference.finite_count:
        return float(current.finite_count / current.count)
    below = int(current.counts[0]) - current.negative_infinities
    above = int(current.counts[-1]) - current.positive_infinities
    return float((below + above) / current.count)


def _summary(profile: NumericProfile) -> dict[str, Any]:
    moments = profile.moments
    return {
        "count": profile.count,
        "missing": profile.missing,
        "mean": moments.mean,
        "std": moments.stdev,
        "min": profile.readable(profile.minimum),
        "max": profile.readable(profile.maximum),
    }


def _numeric_extras(reference: NumericProfile, current: NumericProfile) -> dict[str, Any]:
    """What the report shows beside the test: summaries, out-of-range share, PSI, W1, histogram."""
    ref_std = reference.finite_moments.stdev or 0.0
    extras: dict[str, Any] = {
        "reference": _summary(reference),
        "current": _summary(current),
        "out_of_range_share": _out_of_range(reference, current),
        "histogram": _histogram(reference, current),
    }
    shares = _infinite_shares(reference, current)
    if shares is not None:
        extras["infinite_share"] = shares
    if reference.rank_error:
        # A merged reference: its binned figures (PSI, histogram, binned distances) rest on
        # counts known to this share of its values.
        extras["reference_rank_error"] = reference.rank_error / reference.count
    if reference.counts is not None and current.counts is not None:
        extras["psi"] = t.psi(*distance_cells(reference.counts, current.counts)).statistic
    if reference.exact is not None and current.exact is not None:
        finite_r = reference.exact[np.isfinite(reference.exact)]
        finite_c = current.exact[np.isfinite(current.exact)]
        if finite_r.size and finite_c.size:
            extras["wasserstein"] = t.wasserstein_samples(finite_r, finite_c, ref_std).statistic
    elif reference.minimum is not None and current.minimum is not None:
        low = min(reference.minimum, current.minimum)
        high = max(reference.maximum or low, current.maximum or low)
        binned = t.wasserstein_counts(
            reference.edges,
            _finite_counts(reference),
            _finite_counts(current),
            low=low,
            high=high,
            scale=ref_std,
            rank_error=reference.rank_error,
        )
        extras["wasserstein"] = binned.statistic
        extras["wasserstein_error_bound"] = binned.details["error_bound"]
    return extras


def _finite_counts(profile: NumericProfile) -> np.ndarray:
    """Bin counts without the infinities: -inf lies in the first bin, +inf in the last."""
    assert profile.counts is not None
    counts: np.ndarray = profile.counts.copy()
    counts[0] -= profile.negative_infinities
    counts[-1] -= profile.positive_infinities
    return counts


def _infinities(profile: NumericProfile) -> np.ndarray:
    """Counts of -inf, finite and +inf values."""
    return np.array(
        [profile.negative_infinities, profile.finite_count, profile.positive_infinities]
    )


def _infinite_shares(reference: NumericProfile, current: NumericProfile) -> dict[str, Any] | None:
    """The shares of -inf and +inf among each side's present values, when any side holds an
    infinity (None otherwise)."""
    ref, cur = _infinities(reference), _infinities(current)
    if not (ref[0] or ref[2] or cur[0] or cur[2]) or not (ref.sum() and cur.sum()):
        return None
    return {
        side: {"-inf": float(counts[0] / counts.sum()), "+inf": float(counts[2] / counts.sum())}
        for side, counts in (("reference", ref), ("current", cur))
    }


def _infinite_test(reference: NumericProfile, current: NumericProfile) -> t.TestResult | None:
    """Chi-square homogeneity on the counts of -inf, finite and +inf values, when any side holds
    an infinity (None otherwise: a p-value of 1 would only dilute the other tests)."""
    shares = _infinite_shares(reference, current)
    if shares is None:
        return None
    outcome = t.chi_square(_infinities(reference), _infinities(current))
    return t.TestResult("infinite_share", outcome.statistic, outcome.pvalue, outcome.effect, shares)


def _untested(
    column: str,
    kind: str,
    method: str,
    beside: tuple[t.TestResult | None, t.TestResult | None],
    extras: Mapping[str, Any],
) -> Comparison:
    """The comparison of a column whose test ``method`` cannot be computed: no p-value, so out of
    the correction, with the tests ``beside`` it (missing share, infinite shares) and whatever
    ``extras`` were measured (the reason is filled in by ``_guarded``)."""
    nothing = t.TestResult("none", math.nan, None, 0.0, {NOT_COMPUTED: method})
    missing, infinite = beside
    return Comparison(column, kind, "", nothing, missing, extras, infinite)


def _guarded(untested: Comparison, run: Callable[[], Comparison]) -> Comparison:
    """``run()``, or ``untested`` with the reason why its test could not be computed on the
    column's values. A column must never break the report's other columns, whether its test or
    a statistic reported beside it fails; a bad option (DriftConfigError) is still the caller's
    mistake.

    scipy signals samples too small for a test in several ways: ValueError, IndexError (k-sample
    Anderson-Darling on one value per side), or a warning and a NaN p-value (Cramer-von Mises).
    Its warnings are kept for the reason, not printed: the report carries the outcome."""
    method = untested.primary.details[NOT_COMPUTED]

    def because(why: str) -> Comparison:
        reason = f"{method} could not be computed: {why}; the values were not tested"
        return replace(untested, reason=reason)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            comparison = run()
        except DriftConfigError:
            raise
        except (ValueError, ArithmeticError, IndexError) as exc:
            return because(str(exc) or type(exc).__name__)
    pvalue = comparison.primary.pvalue
    if pvalue is not None and not 0 <= pvalue <= 1:
        undefined = f"its p-value is undefined ({pvalue}) on these values"
        return because(str(caught[-1].message) if caught else undefined)
    return comparison


def compare(reference: ColumnProfile, current: ColumnProfile, method: str | None) -> Comparison:
    """The tests of one column, counted on the reference column's grid (``method`` overrides
    the default choice)."""
    if isinstance(reference, NumericProfile) and isinstance(current, NumericProfile):
        return compare_numeric(reference, current, method)
    if isinstance(reference, CategoricalProfile) and isinstance(current, CategoricalProfile):
        return compare_categorical(reference, current, method)
    raise ProfileError(
        f"column {reference.name!r}: the current profile was not counted on the reference's grid"
    )


def compare_numeric(
    reference: NumericProfile, current: NumericProfile, method: str | None
) -> Comparison:
    """Tests for a numeric column (``method`` overrides the default choice)."""
    missing = _missing_test(reference.missing, reference.rows, current.missing, current.rows)
    if reference.count == 0 or current.count == 0:
        return _without_values(reference.name, reference.count, missing)
    kind = _numeric_kind(reference)
    chosen = method or ("chi_square" if kind in ("binary", "discrete") else "ks")
    infinite = _infinite_test(reference, current) if chosen in FINITE_TESTS else None
    extras: dict[str, Any] = {}  # kept when only the test fails

    def run() -> Comparison:
        extras.update(_numeric_extras(reference, current))
        primary, reason = _numeric_test(
            chosen, kind, reference, current, extras, forced=method is not None
        )
        return Comparison(reference.name, kind, reason, primary, missing, extras, infinite)

    return _guarded(_untested(reference.name, kind, chosen, (missing, infinite), extras), run)


def _numeric_test(
    chosen: str,
    kind: str,
    reference: NumericProfile,
    current: NumericProfile,
    extras: dict[str, Any],
    *,
    forced: bool,
) -> tuple[t.TestResult, str]:
    """The primary test of a numeric column and why it was chosen."""
    if reference.exact is not None and current.exact is not None:
        samples: tuple[np.ndarray, np.ndarray] | None = (reference.exact, current.exact)
    else:
        samples = None
    if chosen == "ks":
        if samples is not None:
            reason = (
                f"continuous column; the reference kept all {reference.count:,} values, so KS is "
                "exact (scipy ks_2samp)"
            )
            return t.ks_samples(*samples), reason
        bins = reference.counts.size if reference.counts is not None else 0
        reason = (
            f"continuous column with {reference.count:,} reference values: KS on the reference's "
            f"{bins} quantile bins; D is bracketed and the p-value uses its lower end "
            "(conservative)"
        )
        if reference.rank_error:
            reason += (
                f"; the reference merges profiles on different grids, so its counts are known "
                f"to {reference.rank_error:,} rows (its rank error), which widens the bracket"
            )
        result = t.ks_counts(
            reference.counts, current.counts, reference.edges, rank_error=reference.rank_error
        )
        return result, reason
    if chosen == "chi_square":
        ref_counts, cur_counts = _atom_counts(reference, current)
        extras["new_share"] = float(cur_counts[-1] / current.count) if current.count else 0.0
        if kind == "binary" and cur_counts[-1] == 0 and not forced:
            primary = t.two_proportions(
                int(ref_counts[0]), int(ref_counts.sum()), int(cur_counts[0]), int(cur_counts.sum())
            )
            return primary, f"binary numeric column: two-proportion {primary.method}"
        reason = (
            f"{kind} numeric column ({reference.distinct} distinct values): chi-square "
            "homogeneity on value counts, values unseen in the reference in a NEW cell"
        )
        return t.chi_square(ref_counts, cur_counts), reason
    if chosen == "welch_t":
        sides = []
        for side, profile in (("reference", reference), ("current data", current)):
            moments = profile.finite_moments
            if moments.mean is None or moments.variance is None:
                raise ValueError(f"the {side} has fewer than two finite values (no variance)")
            sides.append((moments.count, moments.mean, moments.variance))
        primary = t.welch_t(sides[0], sides[1])
        return primary, (
            "Welch t-test on the means of the finite values, from exact moments (chosen by the "
            "caller)"
        )
    if chosen in SAMPLE_TESTS:
        if samples is None:
            raise DriftConfigError(
                f"{chosen} needs every reference value: give raw reference data or a reference "
                "of at most the profile's exact_cap values"
            )
        run = t.anderson_darling if chosen == "anderson_darling" else t.cramer_von_mises
        return run(*samples), f"{chosen.replace('_', ' ')} on all values (chosen by the caller)"
    if chosen in DISTANCE_THRESHOLDS:
        primary = _distance(chosen, reference, current, extras)
        return primary, f"{chosen.replace('_', ' ')} distance (chosen by the caller)"
    raise DriftConfigError(f"unknown drift method {chosen!r}; use one of {', '.join(METHODS)}")


def _distance(
    method: str,
    reference: NumericProfile,
    current: NumericProfile,
    extras: Mapping[str, Any],
) -> t.TestResult:
    if method == "wasserstein":
        if "wasserstein" not in extras:
            raise ValueError("a side has no finite values")
        value = float(extras["wasserstein"])
        return t.TestResult("wasserstein", value, None, value)
    assert reference.counts is not None
    assert current.counts is not None
    ref, cur = distance_cells(reference.counts, current.counts)
    functions = {
        "psi": t.psi,
        "jensen_shannon": t.jensen_shannon,
        "hellinger": t.hellinger,
        "total_variation": t.total_variation,
        "l_infinity": t.l_infinity,
    }
    result = functions[method](ref, cur)
    return t.TestResult(result.method, result.statistic, None, result.statistic)


def _frequent_enough(expected: np.ndarray, threshold: float) -> np.ndarray:
    """Which categories, expected ``expected`` times in the reference (from both sides' counts),
    are that frequent beyond doubt: ``SURE_Z`` Poisson standard deviations above ``threshold``."""
    sure: np.ndarray = expected - SURE_Z * np.sqrt(expected) >= threshold
    return sure


def _pooled_cells(
    reference: CategoricalProfile, current: CategoricalProfile
) -> tuple[np.ndarray, np.ndarray, int]:
    """The table a chi-square can trust when the reference pooled categories into OTHER, and how
    many of the reference's categories are cells of their own.

    The reference kept its most frequent categories by its own counts, so near the cap the kept
    ones are those that happened to be counted high, and OTHER those counted low: comparing them
    one by one with the current counts would flag unchanged data. A kept category is a cell of its
    own only when it is frequent enough on both sides together that it would have been kept in any
    draw (above the smallest kept count by ``SURE_Z`` standard deviations); a NEW value only when
    it is frequent enough that the reference would surely have seen it. Everything else is one
    cell: OTHER, with the NEW values too rare to tell from the categories the reference missed.
    """
    n, m = reference.count, current.count
    share = n / (n + m)
    own = _frequent_enough((reference.counts + current.counts) * share, reference.counts.min())
    new = np.array([c for _, c in current.new_counts], dtype=np.int64)
    new = new[_frequent_enough(new * share, 0.0)] if current.pooled is not None else new[:0]
    ref_own, cur_own = reference.counts[own], current.counts[own]
    ref = np.concatenate([ref_own, np.zeros(new.size, np.int64), [n - ref_own.sum()]])
    cur = np.concatenate([cur_own, new, [m - cur_own.sum() - new.sum()]])
    return ref, cur, int(own.sum())


def compare_categorical(
    reference: CategoricalProfile, current: CategoricalProfile, method: str | None
) -> Comparison:
    """Tests for a categorical column: counts of the reference's categories plus OTHER/NEW."""
    missing = _missing_test(reference.missing, reference.rows, current.missing, current.rows)
    if reference.count == 0 or current.count == 0:
        return _without_values(reference.name, reference.count, missing)
    binary = len(reference.keys) == 2 and not reference.other and not current.other
    kind = "binary" if binary and method in (None, "chi_square") else "categorical"
    chosen = method or ("two_proportions" if kind == "binary" else "chi_square")
    extras: dict[str, Any] = {}  # kept when only the test fails
    return _guarded(
        _untested(reference.name, kind, chosen, (missing, None), extras),
        lambda: _categorical_comparison(
            reference, current, method, kind=kind, missing=missing, extras=extras
        ),
    )


def _categorical_comparison(
    reference: CategoricalProfile,
    current: CategoricalProfile,
    method: str | None,
    *,
    kind: str,
    missing: t.TestResult | None,
    extras: dict[str, Any],
) -> Comparison:
    """The comparison of a categorical column with values on both sides (filling ``extras``)."""
    new = current.other if not reference.other else current.new
    listed = current.new_counts if new is not None else ()  # else NEW and OTHER are not told apart
    unseen = np.array([c for _, c in listed], dtype=np.int64)
    pooled = current.other - (new if new is not None else 0)
    shown_ref = np.concatenate(
        [reference.counts, np.zeros(unseen.size, np.int64), [reference.other, 0]]
    )
    shown_cur = np.concatenate([current.counts, unseen, [pooled, (new or 0) - unseen.sum()]])
    labels = [
        *map(str, reference.keys),
        *(f"NEW {k}" for k, _ in listed),
        "OTHER",
        "NEW (rest)",
    ]
    if reference.other:
        ref, cur, own = _pooled_cells(reference, current)
    else:
        # Every category kept, so OTHER is empty; each NEW category is a cell of its own
        # (reference count 0), so Cochran pooling treats rare new categories like rare old ones
        # instead of stacking them all in one NEW cell.
        ref, cur = np.delete(shown_ref, -2), np.delete(shown_cur, -2)
    order = np.argsort(
        -(shown_ref / max(shown_ref.sum(), 1) + shown_cur / max(shown_cur.sum(), 1)), kind="stable"
    )[:HISTOGRAM_BINS]
    extras.update(
        {
            "new_share": None if new is None else float(new / current.count),
            "new_examples": list(current.new_examples),
            "l_infinity": t.l_infinity(ref, cur).statistic,
            "jensen_shannon": t.jensen_shannon(ref, cur).statistic,
            "psi": t.psi(ref, cur).statistic,
            "histogram": {
                "labels": [labels[i] for i in order],
                "reference": (shown_ref[order] / max(shown_ref.sum(), 1)).tolist(),
                "current": (shown_cur[order] / max(shown_cur.sum(), 1)).tolist(),
            },
            "reference": {"count": reference.count, "missing": reference.missing},
            "current": {"count": current.count, "missing": current.missing},
        }
    )
    if method in (None, "chi_square"):
        if kind == "binary" and method is None:
            primary = t.two_proportions(int(ref[0]), int(ref.sum()), int(cur[0]), int(cur.sum()))
            reason = f"binary column: two-proportion {primary.method}"
        elif reference.other:
            primary = t.chi_square(ref, cur)
            reason = (
                f"categorical column ({len(reference.keys)} reference categories, its rarer ones "
                f"pooled into OTHER): chi-square homogeneity on the {own} categories frequent "
                "enough to compare one by one, the rest with OTHER"
            )
        else:
            primary = t.chi_square(ref, cur)
            reason = (
                f"categorical column ({len(reference.keys)} reference categories): chi-square "
                "homogeneity, each category the reference never saw a cell of its own, sparse "
                "categories pooled"
            )
    elif method in DISTANCE_THRESHOLDS and method != "wasserstein":
        functions = {
            "psi": t.psi,
            "jensen_shannon": t.jensen_shannon,
            "hellinger": t.hellinger,
            "total_variation": t.total_variation,
            "l_infinity": t.l_infinity,
        }
        result = functions[method](ref, cur)
        primary = t.TestResult(result.method, result.statistic, None, result.statistic)
        reason = f"{method.replace('_', ' ')} distance (chosen by the caller)"
    else:
        raise DriftConfigError(f"{method} does not apply to a categorical column")
    return Comparison(reference.name, kind, reason, primary, missing, extras)


def compare_type_change(reference: ColumnProfile, why: str) -> Comparison:
    """A column whose present values all changed type: every one of them moved (effect 1)."""
    changed = t.TestResult(TYPE_CHANGE, 1.0, None, 1.0)
    return Comparison(reference.name, TYPE_CHANGE, why, changed, None)


def _without_values(name: str, reference_count: int, missing: t.TestResult | None) -> Comparison:
    """No values to compare on one side: only the missing share can have changed."""
    side = "reference" if reference_count == 0 else "current data"
    nothing = t.TestResult("none", 0.0, None, 0.0)
    reason = f"the {side} has no present values; only the share of missing values is tested"
    return Comparison(name, "empty", reason, nothing, missing)


def _missing_test(
    ref_missing: int, ref_rows: int, cur_missing: int, cur_rows: int
) -> t.TestResult | None:
    # With no missing value on either side there is nothing to test, and a p-value of 1 in the
    # BH family would only dilute the other tests.
    if not ref_rows or not cur_rows or not (ref_missing or cur_missing):
        return None
    return t.null_share(ref_missing, ref_rows, cur_missing, cur_rows)
