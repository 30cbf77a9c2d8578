"""Building profiles with the validation engine, and merging them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pyarrow as pa

from dataguard._engine import execute
from dataguard._frame import (
    Batch,
    ColumnInfo,
    ReadPlan,
    Source,
    check_column_types,
    portable_type_name,
    rerun_on_wider_type,
)
from dataguard.cluster import as_source
from dataguard.errors import InputError, ProfileError
from dataguard.metrics import Metric, MissingCount, Ranks, RowCount, Values
from dataguard.profile._approximate import counts_on, known_values, merged_grid
from dataguard.profile._categories import (
    CategoryCounts,
    CategoryKeys,
    CategoryPrints,
    CategorySummary,
    key_prints,
)
from dataguard.profile._metrics import (
    CoMomentSums,
    KeyCounter,
    NumericProfiler,
    NumericState,
    examples,
    first_new,
)
from dataguard.profile._model import (
    CategoricalProfile,
    ColumnProfile,
    CoMoments,
    NumericProfile,
    Profile,
    Settings,
    sorted_keys,
)
from dataguard.profile._pool import PoolFilter
from dataguard.profile._refine import KeySpread, RangeScan, Spread, grid, grid_edges, grid_ranks

NUMERIC_KINDS = frozenset({"numeric", "datetime", "date"})
CATEGORICAL_KINDS = frozenset({"string", "boolean", "categorical"})


#: Bytes of a file a reference profile may hold in memory to read the file once, rather than
#: streaming it in a pass per column group and refining its quantiles in more: all the columns
#: profiled when they fit (a million rows of a couple dozen columns), else the numeric values.
HELD_BYTES = 256 << 20

#: The grid of a reference holding only infinities: bins for -inf, for finite values, for +inf.
INFINITY_EDGES = np.array([-np.finfo(np.float64).max, np.finfo(np.float64).max])


class TypeChanged(Exception):
    """A column's present values are of another kind than the reference column's (numbers then,
    text now): the message names both types. Drift reports it on the column, as a drift."""


def column_kind(info: ColumnInfo) -> str | None:
    """``numeric`` or ``categorical`` for a profilable column, None for nested or mixed ones."""
    kinds = info.logical_types()
    if "categorical" in kinds or kinds & {"string", "boolean"}:
        return "categorical"
    if kinds & NUMERIC_KINDS:
        return "numeric"
    return None


def unprofilable(info: ColumnInfo) -> str:
    """Why a column with no profile kind (``column_kind`` None) cannot be summarized."""
    if pa.types.is_null(info.arrow_type):
        return "every value is missing, so there is no type to compare with"
    if info.mixed:
        return f"its values mix types ({info.dtype} column of numbers, text or other values)"
    return f"values of type {info.arrow_type} (nested or binary) are not profiled"


def _described(kind: str | None, dtype: str) -> str:
    return f"{kind or 'not profilable'} ({dtype})"


def portable_dtype(info: ColumnInfo) -> str:
    """The Arrow type name: the same for the same data from pandas, polars, Arrow, a file or
    Spark (storage flavours made one: every string flavour is ``string``, every timestamp unit
    ``us``, the unit profiles hold timestamps in)."""
    return portable_type_name(str(info.arrow_type))


def sorted_unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values and their counts of an already sorted array, in linear time."""
    if values.size == 0:
        return values, np.zeros(0, dtype=np.int64)
    first = np.empty(values.size, dtype=bool)  # where each run of equal values starts
    first[0] = True
    np.not_equal(values[1:], values[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(starts, append=values.size)
    distinct = values if starts.size == values.size else values[starts]
    return distinct, counts.astype(np.int64, copy=False)


def reference_edges(values: np.ndarray, settings: Settings) -> np.ndarray:
    """Bin edges from sorted values: a bin per distinct value when there are few of them, else
    ``bins`` quantile bins, with every value holding at least 1/bins of the mass in a bin of its
    own (the edge pair ``nextafter(v, -inf), v``), so ties do not widen the KS bracket."""
    return counted_edges(*sorted_unique(values), settings)


def counted_edges(distinct: np.ndarray, counts: np.ndarray, settings: Settings) -> np.ndarray:
    """``reference_edges`` of the values ``distinct`` (sorted) repeated ``counts`` times."""
    finite = np.isfinite(distinct)
    values, weights = (distinct, counts) if finite.all() else (distinct[finite], counts[finite])
    if values.size == 0:
        # Only infinities (or nothing): edges at the float range's ends still give -inf, the
        # finite values and +inf a bin each, so a current finite value is not counted as an inf.
        return INFINITY_EDGES if distinct.size else np.zeros(0)
    # Infinities count among the distinct values, as in a streamed pass's tally of them, so
    # a file and the same data in memory take the same branch.
    infinities = distinct.size - values.size
    if values.size + infinities <= settings.discrete_cap:
        atoms = values
        quantiles = np.zeros(0)
    else:
        total = int(weights.sum())
        positions = (np.arange(1, settings.bins) * total) // settings.bins
        # The value at each position of the sorted finite values.
        quantiles = values[np.searchsorted(np.cumsum(weights), positions, side="right")]
        atoms = values[weights >= -(-total // settings.bins)]  # weight * bins >= total
    return grid_edges(quantiles, atoms, values[0], values[-1])


def _from_state(name: str, dtype: str, state: NumericState, **tiers: Any) -> NumericProfile:
    """A numeric profile: the counts, sums and extremes of ``state`` plus the given tiers."""
    return NumericProfile(
        name=name,
        dtype=dtype,
        rows=state.rows,
        missing=state.missing,
        count=state.count,
        positive_infinities=state.positive_infinities,
        negative_infinities=state.negative_infinities,
        total=state.total,
        squares=state.squares,
        minimum=state.low,
        maximum=state.high,
        **tiers,
    )


def _distinct_count(values: np.ndarray) -> int:
    """How many distinct values a sorted array holds (without listing them)."""
    return int(np.count_nonzero(values[1:] != values[:-1])) + 1 if values.size else 0


def _many_values_edges(values: np.ndarray, settings: Settings) -> np.ndarray | None:
    """``reference_edges`` of sorted values with more than ``discrete_cap`` distinct ones, read
    from the values themselves: the quantiles are values at positions, an atom is a value that
    ``values[i] == values[i + w - 1]`` shows to repeat at least w times. None when the cheaper
    reading does not apply (every distinct value an atom). The same edges, without the arrays of
    distinct values, counts and running counts, three copies of a column of unique values."""
    low = int(np.searchsorted(values, -np.inf, side="right"))
    high = int(np.searchsorted(values, np.inf, side="left"))
    finite = values[low:high]
    total = finite.size
    least = -(-total // settings.bins)  # weight * bins >= total
    if least < 2:
        return None
    positions = (np.arange(1, settings.bins) * total) // settings.bins
    repeating = np.flatnonzero(finite[: total - least + 1] == finite[least - 1 :])
    atoms = sorted_unique(finite[repeating])[0]
    return grid_edges(finite[positions], atoms, finite[0], finite[-1])


def _numeric_reference(
    name: str, dtype: str, state: NumericState, settings: Settings
) -> NumericProfile:
    values = state.values[0] if state.values else np.zeros(0)
    edges = None
    if values.size > settings.exact_cap and _distinct_count(values) > settings.discrete_cap:
        edges = _many_values_edges(values, settings)
    if edges is not None:  # neither the values nor their counts are kept: no need to list them
        positions = np.searchsorted(values, edges, side="right")
        counts = np.diff(np.concatenate([[0], positions, [values.size]]))
        return _from_state(
            name,
            dtype,
            state,
            distinct=None,
            exact=None,
            discrete_values=None,
            discrete_counts=None,
            edges=edges,
            counts=counts.astype(np.int64),
        )
    distinct_values, distinct_counts = sorted_unique(values)
    edges = counted_edges(distinct_values, distinct_counts, settings)  # reference_edges(values)
    # Values are sorted: each bin's count is the gap between the positions of its edges.
    positions = np.searchsorted(values, edges, side="right")
    counts = np.diff(np.concatenate([[0], positions, [values.size]]))
    discrete = distinct_values.size <= settings.discrete_cap
    exact = values.size <= settings.exact_cap
    return _from_state(
        name,
        dtype,
        state,
        # Exact while the values or the distinct values are few (a streamed profile knows no more).
        distinct=int(distinct_values.size) if discrete or exact else None,
        exact=values if exact else None,
        discrete_values=distinct_values if discrete else None,
        discrete_counts=distinct_counts.astype(np.int64) if discrete else None,
        edges=edges,
        counts=counts.astype(np.int64),
    )


@dataclass(frozen=True, slots=True)
class NumericReference(Metric[NumericState, NumericProfile]):
    """A numeric column's reference profile from its values held in memory: ``profiler``'s
    counts, sums and values, with the bins drawn from the values when finalized. The engine
    finalizes metrics on its worker threads, so the columns' bins are built side by side instead
    of one after the other on the calling thread (about 8 ms a column at 1M rows)."""

    profiler: NumericProfiler
    dtype: str
    settings: Settings

    @property
    def columns(self) -> tuple[str, ...]:
        return self.profiler.columns

    def empty(self) -> NumericState:
        return self.profiler.empty()

    def compute(self, batch: Batch, inputs: Values) -> NumericState:
        return self.profiler.compute(batch, inputs)

    def merge(self, left: NumericState, right: NumericState) -> NumericState:
        return self.profiler.merge(left, right)

    def compact(self, state: NumericState) -> NumericState:
        return self.profiler.compact(state)

    def finalize(self, state: NumericState) -> NumericProfile:
        finished = self.profiler.finalize(state)
        return _numeric_reference(self.profiler.column, self.dtype, finished, self.settings)


def _numeric_reference_from(
    name: str,
    dtype: str,
    state: NumericState,
    spread: Spread,
    *,
    ranks: Ranks | None,
    settings: Settings,
) -> NumericProfile:
    """A reference profile built without holding the column: from pass 1's bounded tiers, or from
    exact order statistics found by refinement. Equal to ``_numeric_reference``'s."""
    if spread.values is not None:
        return _numeric_reference(name, dtype, replace(state, values=spread.values), settings)
    if spread.distinct is not None:
        distinct, counts = spread.distinct
        edges = reference_edges(distinct, settings)
        cumulative = np.concatenate([[0], np.cumsum(counts)])
        at_or_below = cumulative[np.searchsorted(distinct, edges, side="right")]
        discrete = (distinct, counts)
    else:
        if ranks is None:
            raise AssertionError(f"column {name!r} was not refined")
        edges, finite_at_or_below = grid(ranks, settings.bins)
        at_or_below = state.negative_infinities + finite_at_or_below
        discrete = None
    counts = np.diff(np.concatenate([[0], at_or_below, [state.count]]))
    return _from_state(
        name,
        dtype,
        state,
        distinct=int(discrete[0].size) if discrete is not None else None,
        exact=None,
        discrete_values=discrete[0] if discrete is not None else None,
        discrete_counts=discrete[1] if discrete is not None else None,
        edges=edges,
        counts=counts.astype(np.int64),
    )


def grid_metric(reference: ColumnProfile) -> Metric[Any, Any]:
    """The metric that counts a column on a reference column's bins or categories."""
    if isinstance(reference, NumericProfile):
        edges = tuple(reference.edges.tolist()) if reference.edges is not None else ()
        return NumericProfiler(reference.name, edges, keep_values=reference.exact is not None)
    unknown = reference.other > 0 and reference.pool is None
    return KeyCounter(reference.name, reference.keys, reference.pool, pool_unknown=unknown)


def on_grid(info: ColumnInfo, state: Any, reference: ColumnProfile) -> ColumnProfile:
    """The column profile from ``grid_metric``'s final value."""
    if isinstance(reference, CategoricalProfile):
        return CategoricalProfile(
            reference.name,
            portable_dtype(info),
            state.rows,
            state.missing,
            reference.keys,
            state.counts[:-1].astype(np.int64),
            int(state.counts[-1]),
            None,
            state.new_examples,
            reference.grid_id(),
            new_counts=state.new_counts,
            pooled=state.pooled,
        )
    return _numeric_on_grid(reference.name, portable_dtype(info), state, reference)


def all_missing(name: str, dtype: str, rows: int, reference: ColumnProfile) -> ColumnProfile:
    """A column with no present value, on a reference column's grid: whatever its type, nothing
    but its missing share can be compared."""
    if isinstance(reference, CategoricalProfile):
        empty = np.zeros(len(reference.keys), dtype=np.int64)
        return CategoricalProfile(
            name, dtype, rows, rows, reference.keys, empty, 0, None, (), reference.grid_id()
        )
    bins = reference.counts.size if reference.counts is not None else 0
    state = NumericState(rows=rows, missing=rows, counts=np.zeros(bins, dtype=np.int64))
    return _numeric_on_grid(name, dtype, state, reference)


def _numeric_on_grid(
    name: str, dtype: str, state: NumericState, reference: NumericProfile
) -> NumericProfile:
    values = state.values[0] if state.values else None
    return _from_state(
        name,
        dtype,
        state,
        distinct=None,
        exact=values,
        discrete_values=None,
        discrete_counts=None,
        edges=reference.edges,
        counts=state.counts,
        grid=reference.grid_id(),
    )


def _categorical_reference(
    name: str,
    info: ColumnInfo,
    missing: tuple[int, int],
    summary: CategorySummary,
    tallied: CategoryCounts,
    *,
    settings: Settings,
) -> CategoricalProfile:
    rows, absent = missing
    counts = tallied.counts
    numbers = counts.counts
    # Values of colliding fingerprints could add a category or two: keep the most frequent.
    top = np.sort(np.argsort(-numbers, kind="stable")[: settings.categorical_cap])
    by_key = dict(zip(counts.values.take(top).to_pylist(), numbers[top].tolist(), strict=True))
    kept = sorted_keys(list(by_key))
    kept_counts = np.array([by_key[k] for k in kept], dtype=np.int64)
    lengths = None
    if summary.lengths is not None:
        lengths = dict(zip(("min", "max", "total"), summary.lengths, strict=True))
    return CategoricalProfile(
        name,
        portable_dtype(info),
        rows,
        absent,
        tuple(kept),
        kept_counts,
        summary.count - int(kept_counts.sum()),
        summary.distinct,
        lengths=lengths,
        pool=None if tallied.pool is None else tallied.pool.filter(),
    )


@rerun_on_wider_type
def profile(
    data: Any,
    *,
    columns: Sequence[str] | None = None,
    reference: Profile | None = None,
    bins: int = 1024,
    exact_cap: int = 4096,
    discrete_cap: int = 256,
    categorical_cap: int = 1000,
    comoments: bool = False,
    chunk_size: int | None = None,
    workers: int | None = None,
    column_types: Mapping[str, str] | None = None,
) -> Profile:
    """Summarize ``data`` column by column into a Profile.

    Without ``reference``, builds a reference profile: exact bin edges on the column's quantiles,
    exact category counts. With ``reference``, counts ``data`` on the reference's bins and
    categories instead (what ``drift`` compares), so profiles of partitions merge exactly.
    ``comoments`` adds exact co-moment sums of the numeric columns for multivariate drift.
    ``column_types`` (``{"zip": "string"}``, logical type names) pins how columns of a CSV or
    JSON-lines file are read, as ``validate`` does: a file profiles as its typed export would.
    """
    pins = check_column_types(column_types)
    source = as_source(data, lambda names: ReadPlan(pins))
    settings = (
        reference.settings
        if reference is not None
        else Settings(bins, exact_cap, discrete_cap, categorical_cap)
    )
    names = _column_names(source, columns, reference)
    if reference is None:  # a file small enough is read once, in parallel, and held
        source = source.held(names, HELD_BYTES) or source
    infos = {n: source.info(n) for n in names}
    kinds = {n: column_kind(infos[n]) for n in names}
    # A file is streamed: a reference's numeric columns are refined in passes, not held in
    # memory; unless they are few enough to hold, when one pass does (the bytes are the same).
    streamed = reference is None and source.on_disk and not _holdable(source, kinds)
    if streamed and not source.reiterable:
        # Column groups and refinement read the rows several times: all must see the same rows.
        source.remember()
    metrics, plan, changed, unprofiled = _plan(names, infos, reference, settings, streamed=streamed)
    # By name: the co-moments' bytes must not depend on the order of the columns.
    numeric = tuple(sorted(n for n in names if kinds[n] == "numeric" and n in plan))
    if reference is not None and reference.comoments is not None:
        # Co-moments on a reference's grid cover its columns, in its order, or none at all.
        wanted = reference.comoments.columns
        numeric = wanted if set(wanted) <= set(numeric) else ()
    if comoments and len(numeric) >= 2:
        metrics.append(CoMomentSums(numeric))
    values = Values()
    for group in _read_groups(metrics, kinds, source if streamed else None):
        values = values.merged(execute(group, source, chunk_size=chunk_size, workers=workers))
    spreads = {n: values[_spread(n, settings)] for n in plan if streamed and kinds[n] == "numeric"}
    finite = {n: _finite_count(values[plan[n]]) for n in spreads}
    ranks = _refine(source, spreads, finite, settings.bins, chunk_size=chunk_size, workers=workers)
    profiles: dict[str, ColumnProfile] = {}
    for name, metric in plan.items():
        ref = reference.columns.get(name) if reference is not None else None
        result = values[metric]
        if ref is not None:
            profiles[name] = on_grid(infos[name], result, ref)
        elif name in spreads:
            profiles[name] = _numeric_reference_from(
                name,
                portable_dtype(infos[name]),
                result,
                spreads[name],
                ranks=ranks.get(name),
                settings=settings,
            )
        elif isinstance(metric, NumericReference):
            profiles[name] = result
        else:
            summary = values[CategoryPrints(name, settings.categorical_cap)]
            counted = values[MissingCount(name)]
            profiles[name] = _categorical_reference(
                name, infos[name], counted, summary, result, settings=settings
            )
    if reference is not None:
        for name, missing_count in changed.items():
            try:
                profiles[name] = of_another_kind(
                    infos[name], values[missing_count], reference.columns[name]
                )
            except TypeChanged as change:
                unprofiled[name] = str(change)
    moments = None
    if comoments and len(numeric) >= 2:
        state = values[CoMomentSums(numeric)]
        moments = CoMoments(numeric, state.count, state.sums, state.products)
    ordered = {n: profiles[n] for n in names if n in profiles}
    return Profile(values[RowCount()], ordered, settings, moments, unprofiled)


def _plan(
    names: Sequence[str],
    infos: dict[str, ColumnInfo],
    reference: Profile | None,
    settings: Settings,
    *,
    streamed: bool,
) -> tuple[
    list[Metric[Any, Any]], dict[str, Metric[Any, Any]], dict[str, MissingCount], dict[str, str]
]:
    """The metrics to run; the metric giving each column's profile; the columns of another kind
    than the reference's (their missing counts tell all-missing from changed type); and the
    columns that cannot be profiled, with the reason."""
    metrics: list[Metric[Any, Any]] = [RowCount()]
    plan: dict[str, Metric[Any, Any]] = {}
    changed: dict[str, MissingCount] = {}
    unprofiled: dict[str, str] = {}
    for name in names:
        kind = column_kind(infos[name])
        ref = reference.columns.get(name) if reference is not None else None
        if reference is not None and ref is None:
            continue
        if ref is not None and ref.kind != kind:
            changed[name] = MissingCount(name)
            metrics.append(changed[name])
        elif ref is not None:
            plan[name] = grid_metric(ref)
        elif kind is None:
            unprofiled[name] = unprofilable(infos[name])
        elif kind == "numeric" and streamed:
            plan[name] = NumericProfiler(name, keep_values=False)
            metrics.append(_spread(name, settings))
        elif kind == "numeric":
            profiler = NumericProfiler(name, keep_values=True)
            plan[name] = NumericReference(profiler, portable_dtype(infos[name]), settings)
        else:
            plan[name] = CategoryKeys(name, settings.categorical_cap)
            metrics.append(MissingCount(name))
    metrics.extend(plan.values())
    return metrics, plan, changed, unprofiled


def of_another_kind(
    info: ColumnInfo, counted: tuple[int, int], reference: ColumnProfile
) -> ColumnProfile:
    """A column whose kind is not the reference column's, from its (rows, missing) counts: all
    missing, it is compared by its missing share (an empty profile on the reference's grid);
    else TypeChanged naming both types."""
    rows, absent = counted
    dtype = portable_dtype(info)
    if rows == absent:
        return all_missing(reference.name, dtype, rows, reference)
    raise TypeChanged(
        f"type changed: {_described(reference.kind, reference.dtype)} in the reference, "
        f"{_described(column_kind(info), dtype)} in this data"
    )


def _read_groups(
    metrics: list[Metric[Any, Any]], kinds: dict[str, str | None], streamed: Source | None
) -> list[list[Metric[Any, Any]]]:
    """The metrics in the groups that read the data together: one group, except that a streamed
    columnar file is read for its categorical columns apart from the others, so that a pass holds
    half the columns' pages next to the category counts."""
    if streamed is None or not streamed.columnar:
        return [metrics]
    text = [m for m in metrics if m.columns and kinds.get(m.columns[0]) == "categorical"]
    rest = [m for m in metrics if m not in text]
    return [group for group in (rest, text) if group]


def _column_names(
    source: Source, columns: Sequence[str] | None, reference: Profile | None
) -> list[str]:
    """The columns to profile: those asked for, else the reference's, else all; each must exist."""
    names = list(columns) if columns is not None else list(source.names)
    if reference is not None and columns is None:
        names = [n for n in reference.columns if n in set(source.names)]
    missing = [n for n in names if n not in set(source.names)]
    if missing:
        raise InputError(
            f"column{'s' if len(missing) > 1 else ''} {missing!r} not found in {source.description}"
        )
    return names


def _spread(name: str, settings: Settings) -> KeySpread:
    return KeySpread(name, settings.exact_cap, settings.discrete_cap)


def _holdable(source: Source, kinds: Mapping[str, str | None]) -> bool:
    """Whether a file's numeric columns fit ``HELD_BYTES`` held (8 bytes a value): its
    row count is known before reading, as a Parquet footer gives it."""
    rows = source.num_rows
    numeric = sum(1 for kind in kinds.values() if kind in NUMERIC_KINDS)
    return rows is not None and rows * numeric * 8 <= HELD_BYTES


def _finite_count(state: NumericState) -> int:
    return state.count - state.positive_infinities - state.negative_infinities


def _refine(
    source: Source,
    spreads: dict[str, Spread],
    finite: dict[str, int],
    bins: int,
    *,
    chunk_size: int | None,
    workers: int | None,
) -> dict[str, Ranks]:
    """Exact order statistics of the streamed numeric columns that hold many distinct values:
    refinement passes over those columns until every grid rank is resolved."""
    ranks = {
        name: grid_ranks(finite[name], bins, spread)
        for name, spread in spreads.items()
        if spread.values is None and spread.distinct is None
    }
    while pending := {n: r for n, r in ranks.items() if not r.done}:
        scans = {n: RangeScan(n, r.open) for n, r in pending.items()}
        found = execute(scans.values(), source, chunk_size=chunk_size, workers=workers)
        for name, scan in scans.items():
            ranks[name] = pending[name].advance(found[scan])
    return ranks


def merge_profiles(profiles: Iterable[Profile]) -> Profile:
    """Merge profiles of disjoint parts of the same data; exact where the parts allow it.

    Exact (the counts add, and the result does not depend on the order or the partition):

    - profiles counted on the same reference's grid (``profile(part, reference=ref)``);
    - reference profiles whose numeric columns all kept their values (exact tier) or their value
      counts (discrete tier): the grid is rebuilt as one pass over all the data would build it,
      to the same bytes.

    Otherwise (reference profiles built independently, on different grids) a numeric column is
    merged approximately onto a rebuilt grid, and its ``rank_error`` says how many rows each
    stored count at or below an edge may be off (``_approximate``); the drift tests widen their
    brackets by it. Approximate merges do not depend on the order of the parts either, but a
    merge of merges need not give the bytes of one merge of all the parts (each merge rebuilds
    the grid); its rank error still bounds its counts. Settings must match.

    Category counts add exactly. When parts pooled categories into OTHER, a category is listed
    only if every part pins its count down (lists it, pooled nothing, or surely did not pool
    it); the rest join the merged OTHER, whose filter of pooled values is the parts' joined
    when they share a shape, else unknown (as in a format 1 profile).
    """
    items = list(profiles)
    if not items:
        raise ProfileError("nothing to merge")
    first = items[0]
    for other in items[1:]:
        if other.settings != first.settings:
            raise ProfileError("profiles were built with different settings")
        if set(other.columns) != set(first.columns):
            raise ProfileError("profiles have different columns")
    columns: dict[str, ColumnProfile] = {}
    for name, column in first.columns.items():
        parts = [p.columns[name] for p in items]
        if isinstance(column, NumericProfile):
            columns[name] = _merge_numeric(name, parts, first.settings)
        else:
            columns[name] = _merge_categorical(name, parts, first.settings)
    moments = _merge_comoments([p.comoments for p in items])
    unprofiled: dict[str, str] = {}
    for item in items:
        for name, why in item.unprofiled.items():
            unprofiled.setdefault(name, why)
    unprofiled = dict(sorted(unprofiled.items()))
    return Profile(sum(p.rows for p in items), columns, first.settings, moments, unprofiled)


def _merge_numeric(name: str, parts: list[Any], settings: Settings) -> NumericProfile:
    if not all(isinstance(p, NumericProfile) for p in parts):
        raise ProfileError(f"column {name!r} is numeric in one profile and not in another")
    grids = {p.grid for p in parts}
    on_grid = None not in grids
    if on_grid and (len(grids) != 1 or len({p.grid_id() for p in parts}) != 1):
        raise ProfileError(f"column {name!r}: profiles were counted on different bins")
    if not on_grid and len(grids) != 1:
        raise ProfileError(
            f"column {name!r}: a profile counted on a reference's grid cannot be merged with a "
            "reference profile; merge profiles of one kind"
        )
    exact = None
    if all(p.exact is not None for p in parts):
        exact = np.sort(np.concatenate([p.exact for p in parts]))
    state = NumericState(
        rows=sum(p.rows for p in parts),
        missing=sum(p.missing for p in parts),
        count=sum(p.count for p in parts),
        positive_infinities=sum(p.positive_infinities for p in parts),
        negative_infinities=sum(p.negative_infinities for p in parts),
        total=sum(p.total for p in parts),
        squares=sum(p.squares for p in parts),
        low=min((p.minimum for p in parts if p.minimum is not None), default=None),
        high=max((p.maximum for p in parts if p.maximum is not None), default=None),
        values=() if exact is None else (exact,),
        counts=np.sum([p.counts for p in parts], axis=0) if on_grid else None,
    )
    # The dtype of the first part in name order, so the result does not depend on the order.
    dtype = min(p.dtype for p in parts)
    if on_grid:
        # Every part was counted on the same reference grid: the merged counts are on it too.
        merged = _numeric_on_grid(name, dtype, state, parts[0])
        return replace(merged, rank_error=sum(p.rank_error for p in parts))
    if exact is not None:
        # Every part kept all its values: rebuild the grid as one pass over all the data would.
        return _numeric_reference(name, dtype, state, settings)
    known = [known_values(p) for p in parts]
    if all(k is not None for k in known):
        # Every part kept its value counts: so does the whole, and its grid follows from them.
        distinct, inverse = np.unique(
            np.concatenate([k[0] for k in known if k]), return_inverse=True
        )
        counts = np.zeros(distinct.size, dtype=np.int64)
        np.add.at(counts, inverse, np.concatenate([k[1] for k in known if k]))
        return _numeric_reference_counted(
            name, dtype, state, distinct=distinct, counts=counts, settings=settings
        )
    return _numeric_merged_approximately(name, dtype, state, parts, settings)


def _numeric_reference_counted(
    name: str,
    dtype: str,
    state: NumericState,
    *,
    distinct: np.ndarray,
    counts: np.ndarray,
    settings: Settings,
) -> NumericProfile:
    """``_numeric_reference`` of more than ``exact_cap`` values given as distinct values and their
    counts: the same profile, without the exact tier."""
    edges = counted_edges(distinct, counts, settings)
    cumulative = np.concatenate([[0], np.cumsum(counts)])
    at_or_below = cumulative[np.searchsorted(distinct, edges, side="right")]
    discrete = distinct.size <= settings.discrete_cap
    return _from_state(
        name,
        dtype,
        state,
        distinct=int(distinct.size) if discrete else None,
        exact=None,
        discrete_values=distinct if discrete else None,
        discrete_counts=counts if discrete else None,
        edges=edges,
        counts=np.diff(np.concatenate([[0], at_or_below, [state.count]])).astype(np.int64),
    )


def _numeric_merged_approximately(
    name: str, dtype: str, state: NumericState, parts: list[NumericProfile], settings: Settings
) -> NumericProfile:
    """A numeric column of reference profiles on different grids, on a rebuilt grid with its
    rank error (``_approximate``); parts on one grid keep it, and their counts add."""
    first = parts[0].edges
    if first is not None and all(
        p.edges is not None and np.array_equal(p.edges, first) for p in parts
    ):
        edges = first
        counts = np.sum([p.counts for p in parts if p.counts is not None], axis=0)
        counts = counts.astype(np.int64)
        error = sum(p.rank_error for p in parts)
    else:
        finite = state.count - state.positive_infinities - state.negative_infinities
        if finite == 0 or state.low is None or state.high is None:
            edges = INFINITY_EDGES if state.count else np.zeros(0)
        else:
            edges = merged_grid(
                parts,
                bins=settings.bins,
                negative_infinities=state.negative_infinities,
                finite=finite,
                low=state.low,
                high=state.high,
            )
        counts, error = counts_on(parts, edges, state.count)
    merged = _from_state(
        name,
        dtype,
        state,
        distinct=None,
        exact=None,
        discrete_values=None,
        discrete_counts=None,
        edges=edges,
        counts=counts,
    )
    return replace(merged, rank_error=min(error, state.count))


def _merge_categorical(name: str, parts: list[Any], settings: Settings) -> CategoricalProfile:
    if not all(isinstance(p, CategoricalProfile) for p in parts):
        raise ProfileError(f"column {name!r} is categorical in one profile and not in another")
    rows = sum(p.rows for p in parts)
    missing = sum(p.missing for p in parts)
    if parts[0].grid is not None:
        if len({p.grid for p in parts}) != 1:
            raise ProfileError(f"column {name!r}: profiles were counted on different categories")
        unseen: dict[Any, int] = {}
        for part in parts:
            for key, count in part.new_counts:
                unseen[key] = unseen.get(key, 0) + count
        # Each part lists its first NEW_CAP new values in key order, so the union holds the
        # first NEW_CAP of the whole with their full counts.
        new_counts = first_new(unseen.items())
        pooled = [p.pooled for p in parts]
        return CategoricalProfile(
            name,
            parts[0].dtype,
            rows,
            missing,
            parts[0].keys,
            np.sum([p.counts for p in parts], axis=0),
            sum(p.other for p in parts),
            None,
            examples(new_counts),
            parts[0].grid,
            new_counts=new_counts,
            pooled=None if None in pooled else sum(pooled),
        )
    totals: dict[Any, int] = {}
    for part in parts:
        for key, count in zip(part.keys, part.counts.tolist(), strict=True):
            totals[key] = totals.get(key, 0) + count
    keys = sorted_keys(list(totals))
    prints = key_prints(keys)
    # A key's count is known in a part that lists it, that pooled nothing, or whose pool surely
    # does not hold it; otherwise it hides in that part's OTHER, and so goes to the merged one.
    exact = np.ones(len(keys), dtype=bool)
    where = {key: i for i, key in enumerate(keys)}
    for part in parts:
        if part.other:
            listed = np.zeros(len(keys), dtype=bool)
            listed[[where[k] for k in part.keys]] = True
            maybe_pooled = part.pool.holds(prints) if part.pool is not None else ~listed
            exact &= listed | ~maybe_pooled
    numbers = np.array([totals[k] for k in keys], dtype=np.int64)
    # The most frequent, ties broken by fingerprint: the categories one pass would keep.
    order = np.lexsort((prints, -numbers))
    order = order[exact[order]]
    chosen = order[: settings.categorical_cap]
    kept = sorted_keys([keys[i] for i in chosen.tolist()])
    kept_counts = np.array([totals[k] for k in kept], dtype=np.int64)
    beyond = np.sort(np.setdiff1d(prints, prints[chosen]))
    pool = _merged_pool([p for p in parts if p.other], beyond)
    lengths = None
    known = [p.lengths for p in parts if p.lengths is not None]
    if known and len(known) == len(parts):
        lengths = {
            "min": min(k["min"] for k in known),
            "max": max(k["max"] for k in known),
            "total": sum(k["total"] for k in known),
        }
    return CategoricalProfile(
        name,
        parts[0].dtype,
        rows,
        missing,
        tuple(kept),
        kept_counts,
        sum(p.count for p in parts) - int(kept_counts.sum()),
        len(totals) if not any(p.other for p in parts) else None,
        lengths=lengths,
        pool=pool,
    )


def _merged_pool(pooling: list[CategoricalProfile], beyond: np.ndarray) -> PoolFilter | None:
    """The filter of what the merged OTHER holds: the fingerprints ``beyond`` the kept keys and
    whatever the ``pooling`` parts' filters hold. Filters of one shape are joined bit by bit;
    parts whose filters differ in shape, or that did not record one (format 1), leave the merged
    OTHER's contents unknown (None), so drift does not tell NEW values from pooled ones there."""
    if not pooling:
        return PoolFilter.of([beyond], int(beyond.size)) if beyond.size else None
    filters = [p.pool for p in pooling if p.pool is not None]
    if len(filters) < len(pooling) or len({(f.size, f.probes) for f in filters}) != 1:
        return None
    merged = filters[0]
    for other in filters[1:]:
        merged = merged.joined(other)
    return merged.adding(beyond)


def _merge_comoments(parts: list[CoMoments | None]) -> CoMoments | None:
    if all(p is None for p in parts):
        return None
    present = [p.by_name() for p in parts if p is not None]
    if len(present) != len(parts) or len({p.columns for p in present}) != 1:
        raise ProfileError("only some profiles hold co-moments, or over different columns")
    return CoMoments(
        present[0].columns,
        sum(p.count for p in present),
        tuple(map(sum, zip(*(p.sums for p in present), strict=True))),
        tuple(map(sum, zip(*(p.products for p in present), strict=True))),
    )
