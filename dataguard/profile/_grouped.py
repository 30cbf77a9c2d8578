"""Profiles by group: one sub-profile per value of the ``group_by`` columns, and the one-pass
count of data by group on those sub-profiles' grids (what drift by group compares).

A reference profile by group is built group by group (each group's rows profiled as a profile
of those rows alone would be, so the bytes are as deterministic as a plain profile's); the data
compared with it is read once, every group's rows counted on its own reference grid in the same
pass (``GroupGrids``). Group values are kept as JSON scalars: text, numbers, booleans, null for
a missing value, dates and times as ISO text, so a key read back from the file equals the key
read from data.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dataguard._documents import read_json_file
from dataguard._engine import execute
from dataguard._frame import Batch, ReadPlan, Source, check_column_types, keep_rows
from dataguard._storage import write_bytes
from dataguard._version import __version__
from dataguard.cluster import as_source
from dataguard.errors import InputError, ProfileError, did_you_mean
from dataguard.metrics import (
    Metric,
    MetricUnavailable,
    MissingCount,
    RowCount,
    Values,
    state_type,
)
from dataguard.profile._build import (
    TypeChanged,
    column_kind,
    grid_metric,
    of_another_kind,
    on_grid,
)
from dataguard.profile._model import ColumnProfile, Profile, canonical_bytes

#: A group's key: each group column's value as a JSON scalar, None where it is missing.
GroupKey = tuple[Any, ...]

#: Most groups a profile or drift by group holds by default: each group is a whole profile
#: (about 15 KB per column) and a drift comparison, so a mistaken ``group_by`` (an id column)
#: must stop early rather than write a file per row.
MAX_GROUPS = 100

#: Version of the profile-by-group document; newer files are refused.
GROUPED_FORMAT_VERSION = 1


def key_value(value: Any) -> Any:
    """A group column's value as a JSON scalar (dates and times as ISO text, infinities,
    decimals and other values as text, bytes as hex), so that keys compare equal after a round
    trip."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        # JSON has no infinities: they are written as text, as a float column never holds text.
        return value if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)  # decimals and other values by their text


def key_order(key: GroupKey) -> tuple[Any, ...]:
    """A sort key for group keys: missing values first, then by type name, then by value."""
    return tuple((0, "", 0) if v is None else (1, type(v).__name__, v) for v in key)


def key_mapping(by: Sequence[str], key: GroupKey) -> dict[str, Any]:
    """A group's key as ``{column: value}``, as results write it."""
    return dict(zip(by, key, strict=True))


def groups_of(batch: Batch, by: tuple[str, ...]) -> list[tuple[GroupKey, Batch]]:
    """The batch's rows by group (``Batch.groups``, shared with every metric judged per group),
    keyed by JSON scalars (``key_value``)."""
    return [(tuple(key_value(v) for v in raw), rows) for raw, rows in batch.groups(by)]


@state_type("group_grid_states")
@dataclass(frozen=True, slots=True)
class GroupGridStates:
    """The states of each known group's metrics, the rows of every known group and of the
    ``cap`` least other groups (in ``key_order``), and the least group left out, if any."""

    states: dict[GroupKey, tuple[Any, ...]] = field(default_factory=dict)
    rows: dict[GroupKey, int] = field(default_factory=dict)
    least_dropped: GroupKey | None = None

    @property
    def more(self) -> bool:
        """Whether more groups were seen than counted."""
        return self.least_dropped is not None


def _least(*keys: GroupKey | None) -> GroupKey | None:
    present = [k for k in keys if k is not None]
    return min(present, key=key_order) if present else None


@dataclass(frozen=True)
class GroupGrids(Metric[GroupGridStates, GroupGridStates]):
    """Each known group's own metrics over that group's rows, and the rows of every group, in
    one pass; of the groups not known, only the ``cap`` least are counted (``more`` says
    others were seen).

    Keeping the least groups, rather than the first seen, makes the counted groups and their
    counts the same however the rows are split: a group is kept only while it lies below every
    group some part dropped, so every part that held its rows counted them.

    The value holds the final values of each group's metrics, in the order of ``grids``.
    """

    by: tuple[str, ...]
    grids: tuple[tuple[GroupKey, tuple[Metric[Any, Any], ...]], ...]
    cap: int

    @property
    def columns(self) -> tuple[str, ...]:
        read = [c for _, metrics in self.grids for m in metrics for c in m.columns]
        return tuple(dict.fromkeys([*self.by, *read]))

    def _known(self) -> dict[GroupKey, tuple[Metric[Any, Any], ...]]:
        return dict(self.grids)

    def _capped(
        self, rows: dict[GroupKey, int], dropped: GroupKey | None
    ) -> tuple[dict[GroupKey, int], GroupKey | None]:
        """The rows of the known groups and of the ``cap`` least others below ``dropped``, and
        the least group now left out."""
        known = self._known()
        others = sorted((k for k in rows if k not in known), key=key_order)
        if dropped is not None:
            others = [k for k in others if key_order(k) < key_order(dropped)]
        if len(others) > self.cap:
            dropped = _least(others[self.cap], dropped)
            others = others[: self.cap]
        kept = set(others)
        return {k: n for k, n in rows.items() if k in known or k in kept}, dropped

    def empty(self) -> GroupGridStates:
        return GroupGridStates()

    def compute(self, batch: Batch, inputs: Values) -> GroupGridStates:
        known = self._known()
        states: dict[GroupKey, tuple[Any, ...]] = {}
        rows: dict[GroupKey, int] = {}
        for key, group in groups_of(batch, self.by):
            rows[key] = rows.get(key, 0) + group.num_rows
            metrics = known.get(key)
            if metrics is None:
                continue
            found = tuple(m.compute(group, inputs) for m in metrics)
            if key in states:  # two values of the batch with one JSON form
                found = tuple(
                    m.merge(a, b) for m, a, b in zip(metrics, states[key], found, strict=True)
                )
            states[key] = found
        return GroupGridStates(states, *self._capped(rows, None))

    def merge(self, left: GroupGridStates, right: GroupGridStates) -> GroupGridStates:
        known = self._known()
        states = dict(left.states)
        for key, theirs in right.states.items():
            mine = states.get(key)
            states[key] = (
                theirs
                if mine is None
                else tuple(m.merge(a, b) for m, a, b in zip(known[key], mine, theirs, strict=True))
            )
        rows = dict(left.rows)
        for key, count in right.rows.items():
            rows[key] = rows.get(key, 0) + count
        dropped = _least(left.least_dropped, right.least_dropped)
        return GroupGridStates(states, *self._capped(rows, dropped))

    def finalize(self, state: GroupGridStates) -> GroupGridStates:
        known = self._known()
        values = {
            key: tuple(m.finalize(s) for m, s in zip(known[key], states, strict=True))
            for key, states in state.states.items()
        }
        return GroupGridStates(values, dict(state.rows), state.least_dropped)


def check_group_by(
    group_by: Sequence[str], names: Sequence[str], description: str
) -> tuple[str, ...]:
    """``group_by`` as a tuple of column names that ``names`` holds; InputError naming the
    missing ones (with the closest existing names) otherwise."""
    if isinstance(group_by, str):
        group_by = [group_by]
    by = tuple(group_by)
    if not by or not all(isinstance(c, str) for c in by):
        raise ValueError(f"group_by must be a non-empty list of column names, got {group_by!r}")
    if len(set(by)) != len(by):
        raise ValueError(f"group_by names a column twice: {list(by)!r}")
    missing = [c for c in by if c not in set(names)]
    if missing:
        raise InputError(
            f"group_by column{'s' if len(missing) > 1 else ''} {missing!r} not found in "
            f"{description}{did_you_mean(missing, names)}"
        )
    return by


def check_max_groups(max_groups: int) -> None:
    """ValueError unless ``max_groups`` is a whole number of at least 1."""
    if isinstance(max_groups, bool) or not isinstance(max_groups, int) or max_groups < 1:
        raise ValueError(f"max_groups must be a whole number of at least 1, got {max_groups!r}")


def too_many_groups(by: Sequence[str], cap: int) -> str:
    """Why a grouping was refused: more groups than the cap."""
    return (
        f"group_by {list(by)!r} makes more than {cap} groups; group by columns with fewer "
        "values, or raise max_groups"
    )


@dataclass(frozen=True, eq=False)
class GroupedProfile:
    """One sub-profile per group of the ``group_by`` columns' values, in key order.

    ``save`` writes canonical JSON (gzip-compressed for ``.gz`` paths) whose bytes depend only
    on the data, as a plain profile's do.
    """

    group_by: tuple[str, ...]
    groups: Mapping[GroupKey, Profile]

    @property
    def rows(self) -> int:
        """Rows in all groups."""
        return sum(p.rows for p in self.groups.values())

    def __repr__(self) -> str:
        """One line: the grouping, the number of groups and rows."""
        return (
            f"<GroupedProfile by {list(self.group_by)!r}: {len(self.groups)} groups, "
            f"{self.rows:,} rows>"
        )

    def to_doc(self) -> dict[str, Any]:
        """The document: the grouping and each group's key and profile document."""
        return {
            "format_version": GROUPED_FORMAT_VERSION,
            "kind": "grouped_profile",
            "dataguard_version": __version__,
            "group_by": list(self.group_by),
            "rows": self.rows,
            "groups": [
                {"key": list(key), "profile": self.groups[key].to_doc()}
                for key in sorted(self.groups, key=key_order)
            ],
        }

    def to_bytes(self, *, compress: bool = False) -> bytes:
        """Canonical JSON bytes (sorted keys, no whitespace), optionally gzip-compressed."""
        return canonical_bytes(self.to_doc(), compress=compress)

    def save(
        self, path: str | os.PathLike[str], *, storage_options: Mapping[str, str] | None = None
    ) -> Path | str:
        """Write atomically; ``.gz`` paths are compressed. ``path`` may be an object-store URI
        reached with ``storage_options`` (then it is returned; a local file's Path otherwise)."""
        return write_bytes(
            path, self.to_bytes(compress=os.fspath(path).endswith(".gz")), storage_options
        )

    @classmethod
    def from_doc(cls, doc: Any, source: str = "profile") -> GroupedProfile:
        """Rebuild from ``to_doc``; ProfileError names what is wrong."""
        if not isinstance(doc, Mapping) or doc.get("kind") != "grouped_profile":
            raise ProfileError(
                f"{source}: not a profile by group; build the reference with group_by "
                "(dataguard profile --group-by COLUMN)"
            )
        version = doc.get("format_version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise ProfileError(f"{source}: no format_version")
        if version > GROUPED_FORMAT_VERSION:
            raise ProfileError(
                f"{source}: format_version {version} is newer than this dataguard understands "
                f"({GROUPED_FORMAT_VERSION}); upgrade dataguard"
            )
        by = doc.get("group_by")
        groups = doc.get("groups")
        if (
            not isinstance(by, list)
            or not by
            or not all(isinstance(c, str) for c in by)
            or not isinstance(groups, list)
        ):
            raise ProfileError(f"{source}: group_by must list columns and groups the groups")
        out: dict[GroupKey, Profile] = {}
        for index, group in enumerate(groups):
            key = group.get("key") if isinstance(group, Mapping) else None
            if (
                not isinstance(key, list)
                or len(key) != len(by)
                or not all(v is None or isinstance(v, (str, int, float)) for v in key)
            ):
                raise ProfileError(
                    f"{source}: groups[{index}] needs a key of {len(by)} values (text, "
                    "numbers, booleans or null)"
                )
            out[tuple(key)] = Profile.from_doc(group.get("profile"), f"{source} groups[{index}]")
        return cls(tuple(by), out)


def load_grouped_profile(
    path: str | os.PathLike[str], *, storage_options: Mapping[str, str] | None = None
) -> GroupedProfile:
    """Read a profile by group (plain or gzip JSON); ProfileError for anything else. ``path``
    may be an object-store URI reached with ``storage_options``."""
    doc = read_json_file(path, ProfileError, "profile", storage_options)
    return GroupedProfile.from_doc(doc, str(path))


def is_grouped_document(doc: Any) -> bool:
    """Whether a parsed profile document is a profile by group."""
    return isinstance(doc, Mapping) and doc.get("kind") == "grouped_profile"


def group_rows(
    source: Source, by: tuple[str, ...], cap: int, chunk_size: int | None
) -> dict[GroupKey, int]:
    """The rows of every group in one pass; ValueError beyond ``cap`` groups."""
    metric = GroupGrids(by, (), cap)
    found = _value(execute([metric], source, chunk_size=chunk_size), metric)
    if found.more or len(found.rows) > cap:
        raise ValueError(too_many_groups(by, cap))
    return found.rows


def _value(values: Values, metric: GroupGrids) -> GroupGridStates:
    try:
        return values[metric]
    except MetricUnavailable as exc:
        raise InputError(f"cannot group by {list(metric.by)!r}: {exc}") from None


def _rows_of(by: tuple[str, ...], key: GroupKey) -> Callable[[Batch], np.ndarray]:
    """A row filter keeping one group's rows."""

    def keep(batch: Batch) -> np.ndarray:
        mask = np.zeros(batch.num_rows, dtype=bool)
        ids = batch.row_ids()
        for found, rows in groups_of(batch, by):
            if found == key:  # a group's rows keep their global numbers, ascending
                mask[np.searchsorted(ids, rows.row_ids())] = True
        return mask

    return keep


def profile_groups(
    data: Any,
    group_by: Sequence[str],
    *,
    build: Callable[[Source, list[str]], Profile],
    columns: Sequence[str] | None,
    max_groups: int,
    chunk_size: int | None,
    column_types: Mapping[str, str] | None,
) -> GroupedProfile:
    """A reference profile per group of ``data``'s rows: a pass finds the groups, then
    ``build`` (``profile`` with its settings) profiles each group's rows."""
    check_max_groups(max_groups)
    pins = check_column_types(column_types)
    source = as_source(data, lambda names: ReadPlan(pins))
    by = check_group_by(group_by, source.names, source.description)
    if not source.reiterable:
        source.remember()  # every group's profile reads the rows again
    keys = sorted(group_rows(source, by, max_groups, chunk_size), key=key_order)
    chosen = [c for c in (columns or source.names) if c not in by]
    return GroupedProfile(
        by,
        {key: build(keep_rows(source, _rows_of(by, key), by), chosen) for key in keys},
    )


def current_by_group(
    data: Any,
    reference: GroupedProfile,
    *,
    columns: Sequence[str] | None,
    max_groups: int,
    chunk_size: int | None,
    column_types: Mapping[str, str] | None,
) -> tuple[dict[GroupKey, Profile], dict[GroupKey, int], bool]:
    """``data`` counted in one pass, each group on its reference group's grid: the profiles of
    the groups the reference knows and the data holds, the rows of the groups only the data
    holds (at most ``max_groups`` of them), and whether there were more of those."""
    check_max_groups(max_groups)
    pins = check_column_types(column_types)
    source = as_source(data, lambda names: ReadPlan(pins))
    check_group_by(reference.group_by, source.names, source.description)
    present = set(source.names)
    infos = {}
    grids = []
    plans: dict[GroupKey, list[tuple[str, Metric[Any, Any], ColumnProfile]]] = {}
    for key, ref in reference.groups.items():
        plan = []
        for name, ref_col in ref.columns.items():
            if (columns is not None and name not in columns) or name not in present:
                continue
            if name not in infos:
                infos[name] = source.info(name)
            kind = column_kind(infos[name])
            metric = grid_metric(ref_col) if kind == ref_col.kind else MissingCount(name)
            plan.append((name, metric, ref_col))
        plans[key] = plan
        grids.append((key, (RowCount(), *(m for _, m, _ in plan))))
    metric = GroupGrids(reference.group_by, tuple(grids), max_groups)
    found = _value(execute([metric], source, chunk_size=chunk_size), metric)
    profiles: dict[GroupKey, Profile] = {}
    for key, values in found.states.items():
        ref = reference.groups[key]
        rows, *counted = values
        built: dict[str, ColumnProfile] = {}
        unprofiled: dict[str, str] = {}
        for (name, grid, ref_col), value in zip(plans[key], counted, strict=True):
            if isinstance(grid, MissingCount):
                try:
                    built[name] = of_another_kind(infos[name], value, ref_col)
                except TypeChanged as change:
                    unprofiled[name] = str(change)
            else:
                built[name] = on_grid(infos[name], value, ref_col)
        profiles[key] = Profile(rows, built, ref.settings, None, unprofiled)
    only_current = {k: n for k, n in found.rows.items() if k not in reference.groups}
    return profiles, only_current, found.more


__all__ = [
    "MAX_GROUPS",
    "GroupGrids",
    "GroupKey",
    "GroupedProfile",
    "check_group_by",
    "current_by_group",
    "groups_of",
    "is_grouped_document",
    "key_mapping",
    "key_order",
    "load_grouped_profile",
    "profile_groups",
]
