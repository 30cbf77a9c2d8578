"""Expectations on how a column's values are spread: z-scores, outliers, KL divergence.

Row-level ones need a statistic of the whole column before they can judge a row (the mean and
standard deviation, or the quartiles): they ask for it with ``requires`` and judge rows in a
second pass, vectorized. The mean and standard deviation come from the exact ``Moments`` metric,
so they are correctly rounded and independent of batching.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pyarrow as pa

from dataguard._deferred import stats
from dataguard._frame import Batch, Incomparable, as_numpy, to_column_value
from dataguard.errors import SuiteError
from dataguard.expectations._base import (
    NUMERIC,
    UNBOUNDED_HINT,
    ColumnRowExpectation,
    Context,
    Expectation,
    check_mostly,
)
from dataguard.expectations._params import Scalar
from dataguard.expectations._registry import register
from dataguard.metrics import (
    Histogram,
    Metric,
    Moments,
    OrderStatistics,
    ValueCounts,
    Values,
)
from dataguard.result import ExpectationResult, Reason


def _values(batch: Batch, column: str) -> np.ndarray:
    """The column as float64 (missing slots hold arbitrary values; they are ignored rows)."""
    return np.asarray(as_numpy(batch.array(column)), dtype=np.float64)


def _finite(value: float, path: str) -> None:
    if not math.isfinite(value):
        raise SuiteError(f"{path} must be a finite number, got {value}", path=path)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ZScoreBelow(ColumnRowExpectation):
    """Each value's z-score, ``(x - mean) / stdev`` over the present values (sample stdev,
    ddof=1), is below ``threshold``; in absolute value when ``double_sided`` (the default).

    When the z-score is undefined (fewer than two present values, or all of them equal), no value
    can be shown to be below the threshold, so every present value is unexpected, as in Great
    Expectations.
    """

    name = "z_score_below"
    example: ClassVar[dict[str, Any]] = {"column": "amount", "threshold": 4}
    accepts = NUMERIC

    threshold: float
    double_sided: bool = True

    def check(self) -> None:
        check_mostly(self.mostly)
        _finite(self.threshold, "threshold")
        if self.double_sided and self.threshold <= 0:
            raise SuiteError(
                "an absolute z-score is never below a threshold of 0 or less", path="threshold"
            )

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        return (Moments(self.column),)

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        moments = inputs[Moments(self.column)]
        mean, stdev = moments.mean, moments.stdev
        if mean is None or stdev is None or not stdev > 0 or not math.isfinite(stdev):
            return np.ones(batch.num_rows, dtype=bool)
        with np.errstate(invalid="ignore", over="ignore"):
            z = (_values(batch, self.column) - mean) / stdev
            below = np.abs(z) < self.threshold if self.double_sided else z < self.threshold
        return ~below

    def sentence(self) -> str:
        z = "|z-score|" if self.double_sided else "z-score"
        return f"The {z} of every value of {self.column!r} is below {self.threshold:g}."


OutlierMethod = Literal["iqr", "std"]
#: Default fence factors: Tukey's 1.5 IQR, and the three-sigma rule.
_FACTORS: dict[str, float] = {"iqr": 1.5, "std": 3.0}


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class NoOutliers(ColumnRowExpectation):
    """No value lies outside the fences of the present values.

    ``method: iqr`` (Tukey): the fences are ``Q1 - factor * IQR`` and ``Q3 + factor * IQR``
    (quartiles by linear interpolation, ``factor`` 1.5 by default). ``method: std``: the fences are
    ``mean -/+ factor * stdev`` (sample stdev, ``factor`` 3 by default). Values on a fence pass.
    With fewer than two present values the standard deviation is undefined and nothing is an
    outlier.
    """

    name = "no_outliers"
    example: ClassVar[dict[str, Any]] = {"column": "amount", "factor": 3}
    accepts = NUMERIC

    method: OutlierMethod = "iqr"
    factor: float | None = None

    def check(self) -> None:
        check_mostly(self.mostly)
        if self.factor is not None:
            _finite(self.factor, "factor")
            if self.factor < 0:
                raise SuiteError("factor cannot be negative", path="factor")

    @property
    def effective_factor(self) -> float:
        """``factor``, or the method's default."""
        return _FACTORS[self.method] if self.factor is None else self.factor

    @property
    def quartiles(self) -> OrderStatistics:
        """The values the quartiles of ``method: iqr`` are taken from."""
        return OrderStatistics(self.column, (0.25, 0.75))

    def requires(self) -> tuple[Metric[Any, Any], ...]:
        if self.method == "iqr":
            return (self.quartiles.metric,)
        return (Moments(self.column),)

    def fences(self, inputs: Values) -> tuple[float, float] | None:
        """The lowest and highest values that are not outliers (None: no fences)."""
        k = self.effective_factor
        if self.method == "iqr":
            ordered = self.quartiles.read(inputs)
            if ordered.count == 0:
                return None
            # Exact quartiles of the values as floats: numpy's are NaN beside an infinity
            # (0 * inf), letting every value through.
            q1, q3 = (float(q) for q in ordered.as_floats().quantiles((0.25, 0.75)))
            spread = 0.0 if k == 0 or q1 == q3 else k * (q3 - q1)  # never 0 * inf
            return q1 - spread, q3 + spread
        moments = inputs[Moments(self.column)]
        if moments.mean is None or moments.stdev is None:
            return None
        return moments.mean - k * moments.stdev, moments.mean + k * moments.stdev

    def failing(self, batch: Batch, inputs: Values) -> np.ndarray:
        fences = self.fences(inputs)
        if fences is None:
            return np.zeros(batch.num_rows, dtype=bool)
        low, high = fences
        values = _values(batch, self.column)
        return (values < low) | (values > high)

    def sentence(self) -> str:
        k = self.effective_factor
        if self.method == "iqr":
            return f"No value of {self.column!r} lies more than {k:g} IQR beyond its quartiles."
        return f"No value of {self.column!r} lies more than {k:g} stdev from its mean."


def _sums_to_one(total: float) -> bool:
    # numpy.allclose's default tolerances, as Great Expectations checks partition weights.
    return abs(total - 1.0) <= 1e-8 + 1e-5


def _holdout(value: float, path: str) -> None:
    if not 0.0 <= value <= 1.0:
        raise SuiteError(f"{path} must be between 0 and 1 (less than or equal to 1)", path=path)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class KlDivergenceBelow(Expectation):
    """The KL divergence of the column's distribution from a stored partition is at most
    ``threshold`` (Great Expectations' ``partition_object`` semantics).

    The partition is either continuous, ``bins`` (n + 1 increasing edges, the outer ones possibly
    infinite) with ``weights`` (n, plus optional ``tail_weights`` below and above the edges), or
    categorical, ``values`` with ``weights``; weights sum to 1. The divergence is
    ``sum(p * log(p / q))`` of the observed shares ``p`` against the expected ``q`` (natural log).
    Where the data has values the partition gives no weight, the divergence is infinite
    (reported as ``observed_value: null``) unless holdouts make room: ``tail_weight_holdout`` is
    weight kept for values beyond finite outer edges (or, categorical, for unlisted values), and
    ``internal_weight_holdout`` is shared among the bins of weight 0. With ``allow_unbounded``
    the threshold may be left out: the divergence is then reported and the expectation passes.
    """

    name = "kl_divergence_below"
    example: ClassVar[dict[str, Any]] = {
        "column": "amount",
        "bins": [0, 10, 100, 1000],
        "weights": [0.5, 0.3, 0.2],
        "threshold": 0.1,
    }

    column: str
    bins: tuple[float, ...] | None = None
    values: tuple[Scalar, ...] | None = None
    weights: tuple[float, ...]
    tail_weights: tuple[float, float] | None = None
    threshold: float | None = None
    tail_weight_holdout: float = 0.0
    internal_weight_holdout: float = 0.0
    allow_unbounded: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    @property
    def continuous(self) -> bool:
        """Whether the partition is of bins (else of values)."""
        return self.bins is not None

    def check(self) -> None:
        if self.threshold is None:
            if not self.allow_unbounded:
                raise SuiteError(f"give threshold, or {UNBOUNDED_HINT}", path="threshold")
        elif not self.threshold >= 0:
            raise SuiteError("threshold must be a number of at least 0", path="threshold")
        _holdout(self.tail_weight_holdout, "tail_weight_holdout")
        _holdout(self.internal_weight_holdout, "internal_weight_holdout")
        if self.tail_weight_holdout + self.internal_weight_holdout > 1:
            raise SuiteError("the holdouts add up to more than 1", path="tail_weight_holdout")
        if (self.bins is None) == (self.values is None):
            raise SuiteError("give the partition's bins or its values (not both)", path="bins")
        if any(not (math.isfinite(w) and w >= 0) for w in self.weights):
            raise SuiteError("weights must be finite and not negative", path="weights")
        if self.values is not None:
            self._check_categorical(self.values)
        else:
            assert self.bins is not None
            self._check_bins(self.bins)

    def _check_categorical(self, values: tuple[Scalar, ...]) -> None:
        if len(values) != len(self.weights):
            raise SuiteError(
                f"{len(values)} values but {len(self.weights)} weights", path="weights"
            )
        if len(set(values)) != len(values):
            raise SuiteError("a value is listed twice", path="values")
        if self.tail_weights is not None:
            raise SuiteError("tail_weights belong to partitions of bins", path="tail_weights")
        if self.internal_weight_holdout > 0:
            raise SuiteError(
                "internal_weight_holdout is for partitions of bins, not of values",
                path="internal_weight_holdout",
            )
        if not _sums_to_one(math.fsum(self.weights)):
            raise SuiteError("weights must add up to 1", path="weights")

    def _check_bins(self, bins: tuple[float, ...]) -> None:
        if len(bins) != len(self.weights) + 1:
            raise SuiteError(
                f"{len(bins)} bin edges need {len(bins) - 1} weights, got {len(self.weights)}",
                path="weights",
            )
        if any(math.isnan(b) for b in bins) or any(b >= c for b, c in itertools.pairwise(bins)):
            raise SuiteError("bin edges must increase", path="bins")
        infinite = math.isinf(bins[0]) or math.isinf(bins[-1])
        if math.isinf(bins[0]) and math.isinf(bins[-1]) and self.tail_weight_holdout > 0:
            raise SuiteError(
                "tail_weight_holdout cannot be used when both outer edges are infinite",
                path="tail_weight_holdout",
            )
        if infinite and self.tail_weights is not None:
            raise SuiteError(
                "there can be no tail_weights with an infinite outer edge", path="tail_weights"
            )
        if self.tail_weights is not None and self.tail_weight_holdout > 0:
            raise SuiteError(
                "tail_weight_holdout must be 0 when the partition has tail_weights",
                path="tail_weight_holdout",
            )
        tails = math.fsum(self.tail_weights) if self.tail_weights is not None else 0.0
        if self.tail_weights is not None and any(not (w >= 0) for w in self.tail_weights):
            raise SuiteError("tail_weights must not be negative", path="tail_weights")
        if not _sums_to_one(math.fsum(self.weights) + tails):
            raise SuiteError("weights (with tail_weights) must add up to 1", path="weights")

    def metrics(self, ctx: Context) -> tuple[Metric[Any, Any], ...]:
        if self.bins is not None:
            return (Histogram(self.column, self.bins),)
        return (ValueCounts(self.column),)

    def precheck(self, ctx: Context) -> ExpectationResult | None:
        early = Expectation.precheck(self, ctx)
        if early is not None or not self.continuous:
            return early
        info = ctx.info(self.column)
        if not info.logical_types() & NUMERIC and not pa.types.is_null(info.arrow_type):
            return self.result(
                False,
                Reason.TYPE_MISMATCH,
                f"column {self.column!r} has type {ctx.info(self.column).dtype}; a partition of "
                "bins needs numeric values",
            )
        return None

    def evaluate(self, ctx: Context) -> ExpectationResult:
        if self.bins is not None:
            counts = ctx.values[Histogram(self.column, self.bins)]
            divergence, details = self._continuous(self.bins, counts)
        else:
            divergence, details = self._categorical(ctx)
        if divergence is None:
            return self.result(
                False, Reason.NO_DATA, f"column {self.column!r} has no present values"
            )
        defined = math.isfinite(divergence)
        shown = f"{divergence:.4g}" if defined else "infinite (values the partition excludes)"
        if self.threshold is None:
            passed, message = True, f"KL divergence {shown} (no threshold: reported only)"
        else:
            passed = defined and divergence <= self.threshold
            verb = "is" if passed else "is not"
            message = f"KL divergence {shown} {verb} at most {self.threshold:g}"
        return self.result(
            passed,
            Reason.PASSED if passed else Reason.OUT_OF_RANGE,
            message,
            observed_value=divergence if defined else None,
            details=details,
        )

    def _categorical(self, ctx: Context) -> tuple[float | None, dict[str, Any]]:
        assert self.values is not None
        counts = ctx.values[ValueCounts(self.column)]
        if counts.total == 0:
            return None, {}
        observed = dict(zip(counts.values.to_pylist(), counts.counts.tolist(), strict=True))
        keys = _keys(self.values, ctx.info(self.column).arrow_type)
        # Listed values first (in the partition's order), then unlisted ones, most frequent first.
        listed = set(keys)
        unlisted = sorted((v for v in observed if v not in listed), key=lambda v: -observed[v])
        p = np.array([observed.get(k, 0) for k in [*keys, *unlisted]], dtype=np.float64)
        p /= counts.total
        q = np.asarray(self.weights, dtype=np.float64)
        if unlisted:
            spare = self.tail_weight_holdout / len(unlisted)
            q = np.concatenate([q * (1 - self.tail_weight_holdout), np.full(len(unlisted), spare)])
        labels = [*self.values, *unlisted]
        details = {
            "observed_partition": {"values": labels, "weights": p.tolist()},
            "expected_partition": {"values": labels, "weights": q.tolist()},
        }
        return _entropy(p, q), details

    def _continuous(
        self, bins: tuple[float, ...], counts: np.ndarray
    ) -> tuple[float | None, dict[str, Any]]:
        total = int(counts.sum())
        if total == 0:
            return None, {}
        below, inside, above = counts[0] / total, counts[1:-1] / total, counts[-1] / total
        holdout = self.tail_weight_holdout
        expected = np.asarray(self.weights, dtype=np.float64) * (
            1 - holdout - self.internal_weight_holdout
        )
        empty = expected == 0
        if self.internal_weight_holdout > 0 and empty.any():
            expected[empty] = self.internal_weight_holdout / int(empty.sum())
        low_open, high_open = math.isinf(bins[0]), math.isinf(bins[-1])
        edges = list(bins[1 if low_open else 0 : len(bins) - 1 if high_open else len(bins)])
        # The outer bins of an infinite edge are tails; a finite edge gets a tail from the
        # stored tail_weights, or else from the holdout, split evenly when both edges are finite.
        if low_open:
            expected_low, observed_low = expected[0], inside[0]
            expected, inside = expected[1:], inside[1:]
        else:
            expected_low = self._tail(0, holdout / 2 if not high_open else holdout)
            observed_low = below
        if high_open:
            expected_high, observed_high = expected[-1], inside[-1]
            expected, inside = expected[:-1], inside[:-1]
        else:
            expected_high = self._tail(1, holdout / 2 if not low_open else holdout)
            observed_high = above
        p = np.concatenate([[observed_low], inside, [observed_high]])
        q = np.concatenate([[expected_low], expected, [expected_high]])
        details = {
            "observed_partition": {
                "bins": edges,
                "weights": inside.tolist(),
                "tail_weights": [float(observed_low), float(observed_high)],
            },
            "expected_partition": {
                "bins": edges,
                "weights": expected.tolist(),
                "tail_weights": [float(expected_low), float(expected_high)],
            },
        }
        return _entropy(p, q), details

    def _tail(self, side: int, holdout: float) -> float:
        return self.tail_weights[side] if self.tail_weights is not None else holdout

    def sentence(self) -> str:
        kind = "bins" if self.continuous else "values"
        bound = "is reported" if self.threshold is None else f"is at most {self.threshold:g}"
        return (
            f"The KL divergence of {self.column!r} from a stored partition of "
            f"{len(self.weights)} {kind} {bound}."
        )


class _Never:
    """A partition value of another kind than the column's: it never matches a value."""


def _keys(values: tuple[Scalar, ...], t: Any) -> list[Any]:
    """The partition's values as values of the column's type (``_Never`` when they cannot be)."""
    keys: list[Any] = []
    for value in values:
        try:
            keys.append(to_column_value(value, t))
        except Incomparable:
            keys.append(_Never())
    return keys


def _entropy(p: np.ndarray, q: np.ndarray) -> float:
    """``sum(p * log(p / q))`` after normalizing both (scipy.stats.entropy), inf where q is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(stats.entropy(p, q))
