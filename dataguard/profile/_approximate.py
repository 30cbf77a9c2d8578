"""Merging numeric columns of profiles whose grids differ: a common grid and a rank-error bound.

A part's count of values at or below a point is known exactly at its own bin edges, below its
smallest and from its largest value on, and everywhere when it kept its values (exact or discrete
tier). Elsewhere the point lies inside one of its bins, and the count is only known to lie between
the counts at that bin's ends; a part that is itself such a merge widens that by its own
``rank_error``. Summed over the parts, these brackets hold the merged count. The merge stores the
middle of the summed bracket and, as the column's ``rank_error``, the largest half-width (rounded
up) over the merged grid's edges: every stored count at or below an edge is within ``rank_error``
rows of the true count of the concatenated data.

The merged grid is rebuilt as a reference grid is (``grid_edges``), on the merged middle counts:
``bins`` quantiles chosen among the parts' edges (where at least one part is exact, so the bracket
there is narrowest), a bin of its own for every value whose estimated mass reaches 1/bins and that
a part already holds in a bin of its own, and end bins holding exactly the values outside the
merged range. Only integers are summed, so the result does not depend on the order of the parts.

With B bins per part the bracket at an edge of one part is at most the other parts' bin masses,
so ``rank_error`` is about ``(1 - 1/k) * rows / (2 B)`` for k parts of similar size (~0.0004 of
the rows at B = 1024): far below the KS critical values the drift tests compare with.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dataguard.profile._model import NumericProfile
from dataguard.profile._refine import grid_edges, just_below


def known_values(part: NumericProfile) -> tuple[np.ndarray, np.ndarray] | None:
    """The part's distinct present values (infinities included) and their counts, when it kept
    them (exact or discrete tier), else None."""
    if part.exact is not None:
        values = part.exact
        if values.size == 0:
            return values, np.zeros(0, dtype=np.int64)
        starts = np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))
        return values[starts], np.diff(np.append(starts, values.size)).astype(np.int64)
    if part.discrete_values is not None and part.discrete_counts is not None:
        return part.discrete_values, part.discrete_counts.astype(np.int64)
    return None


def at_or_below(part: NumericProfile, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of the number of the part's present values (``-inf`` included) at
    or below each finite point, as int64 arrays."""
    points = np.asarray(points, dtype=np.float64)
    known = known_values(part)
    if known is not None:
        values, counts = known
        cumulative = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        exact = cumulative[np.searchsorted(values, points, side="right")]
        return exact, exact.copy()
    edges = part.edges if part.edges is not None else np.zeros(0)
    bins = part.counts if part.counts is not None else np.array([part.count], dtype=np.int64)
    lowest, highest = part.negative_infinities, part.count - part.positive_infinities
    # ends[j] and ends[j + 1] are the counts at the lower and upper end of bin j: all the -inf
    # values below bin 0, every value but +inf above the last bin.
    inner = np.cumsum(bins)[:-1].astype(np.int64)
    ends = np.concatenate([[lowest], inner, [highest]]).astype(np.int64)
    index = np.searchsorted(edges, points, side="left")
    on_edge = np.zeros(points.size, dtype=bool)
    if edges.size:
        on_edge = (index < edges.size) & (edges[np.minimum(index, edges.size - 1)] == points)
    low = np.where(on_edge, ends[index + 1], ends[index]) - part.rank_error
    high = ends[index + 1] + part.rank_error
    if part.minimum is not None and part.maximum is not None:
        # Outside its finite range a part's count is known whatever its bins.
        low = np.where(
            points < part.minimum, lowest, np.where(points >= part.maximum, highest, low)
        )
        high = np.where(
            points < part.minimum, lowest, np.where(points >= part.maximum, highest, high)
        )
    return np.clip(low, lowest, highest), np.clip(high, lowest, highest)


def bracket(parts: Sequence[NumericProfile], points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of the merged count at or below each point: the parts' summed."""
    low = np.zeros(len(points), dtype=np.int64)
    high = np.zeros(len(points), dtype=np.int64)
    for part in parts:
        part_low, part_high = at_or_below(part, points)
        low += part_low
        high += part_high
    return low, high


def merged_grid(
    parts: Sequence[NumericProfile],
    *,
    bins: int,
    negative_infinities: int,
    finite: int,
    low: float,
    high: float,
) -> np.ndarray:
    """The merged reference grid's edges (see the module docstring); ``finite`` > 0 values lie
    in ``[low, high]``."""
    candidates = np.unique(np.concatenate([p.edges for p in parts if p.edges is not None]))
    candidates = candidates[(candidates >= low) & (candidates <= high)]
    if candidates.size == 0:
        return grid_edges(np.zeros(0), np.zeros(0), low, high)
    at_most, at_least = bracket(parts, candidates)
    rank = (at_most + at_least) // 2 - negative_infinities  # finite values at or below
    # As a reference takes the values at positions k * n // bins of its sorted finite values:
    # the first point with more than that many values at or below it.
    positions = (np.arange(1, bins, dtype=np.int64) * finite) // bins
    chosen = np.searchsorted(rank, positions, side="right")
    quantiles = np.where(
        chosen < candidates.size, candidates[np.minimum(chosen, rank.size - 1)], high
    )
    below = just_below(candidates)
    paired = np.isin(below, candidates)  # some part holds the value in a bin of its own
    under_low, under_high = bracket(parts, below[paired])
    mass = rank[paired] - ((under_low + under_high) // 2 - negative_infinities)
    atoms = candidates[paired][mass * bins >= finite]
    return grid_edges(quantiles, atoms, low, high)


def counts_on(
    parts: Sequence[NumericProfile], edges: np.ndarray, count: int
) -> tuple[np.ndarray, int]:
    """The merged bin counts on ``edges`` (middles of the brackets) and the rank error: the
    largest half-width of the brackets at the edges, rounded up."""
    if edges.size == 0:
        return np.array([count], dtype=np.int64), 0
    low, high = bracket(parts, edges)
    middle = (low + high) // 2
    counts = np.diff(np.concatenate([[0], middle, [count]])).astype(np.int64)
    return counts, int(np.max((high - low + 1) // 2))
