"""Multivariate drift from co-moments: PCA reconstruction error (research/drift.md §4).

Every univariate test misses a broken correlation whose marginals are unchanged. Standardize with
the reference's means and deviations, keep the principal components explaining ``variance`` of the
reference's correlation matrix, and measure how much of the current data's variance falls in the
discarded directions. With Q the residual eigenvectors and C the reference correlation matrix, a
reference row's expected error is tr(QᵀCQ) with variance 2·tr((QᵀCQ)²) (Gaussian), and the current
batch's mean error is tr(Qᵀ(C_cur + ΔΔᵀ)Q), all computable from the stored sums.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dataguard.errors import ProfileError
from dataguard.profile import CoMoments

#: Share of the reference variance the kept components explain (NannyML's default).
EXPLAINED_VARIANCE = 0.65
#: Alert threshold on the z-score; 3 absorbs moderate non-Gaussianity (drift.md §4).
Z_THRESHOLD = 3.0


@dataclass(frozen=True)
class MultivariateDrift:
    """PCA reconstruction-error drift over the numeric columns."""

    columns: tuple[str, ...]
    components: int
    reference_error: float
    current_error: float
    z: float
    threshold: float
    drifted: bool

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "method": "pca_reconstruction",
            "columns": list(self.columns),
            "components": self.components,
            "reference_error": self.reference_error,
            "current_error": self.current_error,
            "z": self.z if math.isfinite(self.z) else None,
            "threshold": self.threshold,
            "drifted": self.drifted,
        }


def pca_drift(
    reference: CoMoments,
    current: CoMoments,
    *,
    variance: float = EXPLAINED_VARIANCE,
    threshold: float = Z_THRESHOLD,
) -> MultivariateDrift:
    """Compare the current co-moments with the reference's through PCA reconstruction error.

    ProfileError when fewer than two reference columns vary over its complete rows (no
    correlation to break). Current data without a complete row is no error: z is 0, and the
    columns' missing-share tests report the gaps."""
    if reference.columns != current.columns:
        raise ValueError("co-moments cover different columns")
    mean_r, cov_r = reference.mean_and_covariance()
    mean_c, cov_c = current.mean_and_covariance()
    scale = np.sqrt(np.diag(cov_r))
    usable = scale > 0
    if usable.sum() < 2:
        raise ProfileError(
            "multivariate drift needs at least two numeric columns that vary over the reference's "
            f"rows with every one of {list(reference.columns)!r} present; "
            f"{int(usable.sum())} do ({reference.count} such rows)"
        )
    columns = tuple(c for c, keep in zip(reference.columns, usable, strict=True) if keep)
    scale, mean_r, mean_c = scale[usable], mean_r[usable], mean_c[usable]
    cov_r, cov_c = cov_r[np.ix_(usable, usable)], cov_c[np.ix_(usable, usable)]
    correlation = cov_r / np.outer(scale, scale)
    eigenvalues, eigenvectors = np.linalg.eigh(correlation)  # ascending
    order = eigenvalues[::-1]
    explained = np.cumsum(order) / order.sum()
    kept = int(np.searchsorted(explained, variance) + 1)
    residual = eigenvectors[:, : len(eigenvalues) - kept]
    residual_values = eigenvalues[: len(eigenvalues) - kept]
    expected = float(residual_values.sum())
    spread = float(2 * np.sum(residual_values**2))
    m = current.count
    shift = (mean_c - mean_r) / scale
    # Population covariance of the current rows, in reference-standardized units.
    current_cov = cov_c * ((m - 1) / m if m > 0 else 0.0) / np.outer(scale, scale)
    moved = current_cov + np.outer(shift, shift)
    observed = float(np.trace(residual.T @ moved @ residual))
    n = reference.count
    # Both means carry sampling error: the reference's as well as the current batch's.
    noise = spread * (1 / m + 1 / n) if m > 0 and n > 0 else 0.0
    z = (observed - expected) / math.sqrt(noise) if noise > 0 else 0.0
    return MultivariateDrift(columns, kept, expected, observed, z, threshold, z > threshold)
