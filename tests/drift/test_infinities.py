"""±inf in drift: a value with its own share, never a crash, never a silent 0 (issue 14 item 3).

KS, chi-square and the binned distances count ±inf as values beyond every finite one. Welch t and
Wasserstein measure finite numbers: they run on the finite values, and the shares of -inf and
+inf are tested beside them like the missing share. A test that cannot be computed on a column
is reported on that column (a reason, no p-value, out of Benjamini-Hochberg).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataguard as dg


def with_infinities(values: np.ndarray, positive: int = 1, negative: int = 0) -> np.ndarray:
    out = values.copy()
    out[:positive] = np.inf
    out[positive : positive + negative] = -np.inf
    return out


@pytest.mark.parametrize("size", [2000, 20_000])  # exact tier and quantile grid
def test_welch_t_with_an_infinity_does_not_break_the_report(
    size: int, assert_schema_valid: Callable[[dg.DriftReport], None]
) -> None:
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=size), rng.normal(size=size)
    reference = pa.table({"a": with_infinities(x), "b": y})
    current = pa.table({"a": rng.normal(1, 1, size), "b": rng.normal(size=size)})
    report = dg.drift(current, reference=reference, tests="welch_t")
    a, b = report.columns["a"], report.columns["b"]
    assert a.method == b.method == "welch_t"
    assert a.drifted  # the 1-sigma shift of the finite values
    assert a.effect == pytest.approx(1.0, abs=0.1)
    assert a.details["infinite_share"]["reference"] == {"-inf": 0.0, "+inf": 1 / size}
    assert not a.details["infinite_share"]["drifted"]  # one value in `size` is no change
    assert not b.drifted
    assert b.pvalue is not None
    assert_schema_valid(report)


@pytest.mark.parametrize("size", [2000, 20_000])
@pytest.mark.parametrize("method", ["welch_t", "wasserstein"])
def test_a_jump_in_the_infinite_share_is_drift(
    size: int, method: str, assert_schema_valid: Callable[[dg.DriftReport], None]
) -> None:
    rng = np.random.default_rng(8)
    reference = with_infinities(rng.normal(size=size), positive=size // 100)
    same = with_infinities(rng.normal(size=size), positive=size // 100)
    more = with_infinities(rng.normal(size=size), positive=size // 100, negative=size // 10)
    column = dg.drift(pa.table({"a": same}), reference=pa.table({"a": reference}), tests=method)
    assert not column.columns["a"].drifted
    moved = dg.drift(pa.table({"a": more}), reference=pa.table({"a": reference}), tests=method)
    share = moved.columns["a"].details["infinite_share"]
    assert share["current"]["-inf"] == pytest.approx(0.1)
    assert share["drifted"]
    assert share["pvalue_adjusted"] < 0.05
    assert moved.columns["a"].drifted
    assert_schema_valid(moved)


@pytest.mark.parametrize("size", [2000, 20_000])
def test_wasserstein_sees_a_shift_beside_an_infinity(
    size: int, assert_schema_valid: Callable[[dg.DriftReport], None]
) -> None:
    rng = np.random.default_rng(9)
    reference = with_infinities(rng.normal(size=size))
    report = dg.drift(
        pa.table({"a": rng.normal(1, 1, size)}),
        reference=pa.table({"a": reference}),
        tests="wasserstein",
    )
    column = report.columns["a"]
    assert column.statistic == pytest.approx(1.0, abs=0.1)
    assert column.drifted
    assert_schema_valid(report)


@pytest.mark.parametrize("size", [2000, 20_000])
def test_wasserstein_on_a_constant_reference(
    size: int, assert_schema_valid: Callable[[dg.DriftReport], None]
) -> None:
    rng = np.random.default_rng(10)
    constant = pa.table({"a": np.full(size, 3.0)})
    moved = dg.drift(
        pa.table({"a": rng.normal(3, 1, size)}), reference=constant, tests="wasserstein"
    )
    assert moved.columns["a"].statistic == math.inf  # any move is infinitely many SDs of 0
    assert moved.columns["a"].drifted
    same = dg.drift(constant, reference=constant, tests="wasserstein")
    assert same.columns["a"].statistic == 0.0
    assert not same.columns["a"].drifted
    assert_schema_valid(moved)


def test_a_test_that_cannot_be_computed_is_reported_on_its_column(
    assert_schema_valid: Callable[[dg.DriftReport], None],
) -> None:
    rng = np.random.default_rng(11)
    # One reference value: no sample variance, so Welch's t is undefined.
    reference = pa.table({"a": [0.5], "b": [1.0]})
    current = pa.table({"a": rng.normal(size=50), "b": rng.normal(size=50)})
    report = dg.drift(current, reference=reference, tests={"a": "welch_t"})
    a = report.columns["a"]
    assert a.method == "none"
    assert a.pvalue is None
    assert a.pvalue_adjusted is None
    assert "welch_t" in a.reason
    assert "could not be computed" in a.reason
    assert not a.drifted
    assert report.columns["b"].pvalue is not None
    assert_schema_valid(report)


def test_an_all_infinite_reference_with_a_finite_only_test(
    assert_schema_valid: Callable[[dg.DriftReport], None],
) -> None:
    rng = np.random.default_rng(12)
    reference = pa.table({"a": np.full(100, np.inf), "b": rng.normal(size=100)})
    current = pa.table({"a": rng.normal(size=100), "b": rng.normal(size=100)})
    report = dg.drift(current, reference=reference, tests={"a": "welch_t"})
    a = report.columns["a"]
    assert "could not be computed" in a.reason
    assert a.details["infinite_share"]["drifted"]  # every value left +inf
    assert a.drifted
    assert_schema_valid(report)


METHODS = [None, "ks", "welch_t", "wasserstein", "psi", "anderson_darling", "cramer_von_mises"]
CELLS = st.sampled_from([0.0, 1.0, -2.5, 1e300, math.inf, -math.inf, math.nan])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    reference=st.lists(CELLS, min_size=1, max_size=30),
    current=st.lists(CELLS, min_size=1, max_size=30),
    method=st.sampled_from(METHODS),
)
def test_any_mix_of_values_gives_a_valid_report(
    reference: list[float],
    current: list[float],
    method: str | None,
    assert_schema_valid: Callable[[dg.DriftReport], None],
) -> None:
    rng = np.random.default_rng(13)
    ref = pa.table({"a": reference, "b": rng.normal(size=len(reference))})
    cur = pa.table({"a": current, "b": rng.normal(size=len(current))})
    report = dg.drift(cur, reference=ref, tests=None if method is None else {"a": method})
    for column in report.columns.values():
        for p in (column.pvalue, column.pvalue_adjusted):
            assert p is None or 0 <= p <= 1
    assert "b" in report.columns
    assert_schema_valid(report)


@pytest.mark.parametrize("size", [100, 6000])  # exact tier and beyond it
@pytest.mark.parametrize("method", [None, "ks", "chi_square"])
def test_an_all_infinite_reference_sees_finite_values(
    size: int, method: str | None, assert_schema_valid: Callable[[dg.DriftReport], None]
) -> None:
    rng = np.random.default_rng(14)
    reference = pa.table({"a": np.full(size, np.inf)})
    finite = dg.drift(pa.table({"a": rng.normal(size=size)}), reference=reference, tests=method)
    column = finite.columns["a"]
    assert column.drifted
    assert column.details["out_of_range_share"] == 1.0
    assert_schema_valid(finite)
    same = dg.drift(reference, reference=reference, tests=method).columns["a"]
    assert not same.drifted
    assert same.details["out_of_range_share"] == 0.0


def test_out_of_range_is_outside_the_finite_range_whatever_the_infinities() -> None:
    # A reference holding -inf still has a finite minimum: current values below it are out of
    # range, as the binned distances' "below" cell counts them (review A1).
    rng = np.random.default_rng(41)
    body = rng.uniform(1, 100, 5000)
    reference = pa.table({"a": np.concatenate([np.full(50, -np.inf), body])})
    moved = body.copy()
    moved[:1000] = rng.uniform(0, 0.9, 1000)
    current = pa.table({"a": np.concatenate([np.full(50, -np.inf), moved])})
    column = dg.drift(current, reference=reference).columns["a"]
    assert column.details["psi"] > 0.1
    assert column.details["out_of_range_share"] == pytest.approx(1000 / 5050)


def test_out_of_range_leaves_infinities_to_their_own_shares() -> None:
    reference = pa.table({"a": [-np.inf, 0.0, 1.0, 2.0, 3.0]})
    current = pa.table({"a": [-np.inf, -5.0, 0.5, 9.0, np.inf, np.inf]})
    column = dg.drift(current, reference=reference, tests="psi").columns["a"]
    # -5 lies below the finite range [0, 3] and 9 above it; the infinities are not in range
    # questions but shares of their own, reported whatever the method.
    assert column.details["out_of_range_share"] == pytest.approx(2 / 6)
    assert column.details["infinite_share"] == {
        "reference": {"-inf": 1 / 5, "+inf": 0.0},
        "current": {"-inf": 1 / 6, "+inf": 2 / 6},
    }
