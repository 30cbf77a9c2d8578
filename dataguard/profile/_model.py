"""Profiles: what a reference dataset looked like, per column, small enough to keep beside a model.

A numeric column keeps counts, exact sums, finite extremes and a grid of bin edges on the
reference's quantiles (repeated values get a bin of their own) with the reference's count in every
bin; small columns also keep their sorted values (the exact tier) or their value counts (the
discrete tier), so every test on them is exact. A categorical column keeps exact counts of its
categories (the most frequent ``categorical_cap`` of them, then one OTHER count).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dataguard._documents import json_from_bytes, read_json_file
from dataguard._storage import write_bytes
from dataguard._text import clip
from dataguard._version import __version__
from dataguard.errors import ProfileError
from dataguard.metrics import state_type
from dataguard.metrics._exact import SQUARE_SHIFT, SUM_SHIFT
from dataguard.metrics._moments import Moments, MomentsState, MomentsValue
from dataguard.profile._encoding import (
    decode_counts,
    decode_floats,
    decode_int,
    encode_counts,
    encode_floats,
    encode_int,
)
from dataguard.profile._pool import PoolFilter

#: Version of the profile document; files of a newer version are refused. Version 2 added a
#: categorical column's ``pool`` (what its OTHER holds) and ``pooled`` (on a reference's grid:
#: how many values fell in that OTHER); version 1 files load with both unknown (None). Version 3
#: added a numeric column's ``rank_error`` (a merge of profiles on different grids); older files
#: load with 0 (exact). A profile is written with the lowest version that holds it: version 3
#: only when a column has a rank error, so the bytes of exact profiles did not change, and an
#: older dataguard refuses an approximate profile instead of taking it for exact.
PROFILE_FORMAT_VERSION = 3
#: The version of a profile without any rank error.
EXACT_FORMAT_VERSION = 2


@dataclass(frozen=True)
class Settings:
    """How a reference profile was built (drift.md §2.7 defaults).

    ``bins``: fine bins on reference quantiles (1024 bounds the KS bracket by ~0.001);
    ``exact_cap``: columns with at most this many values keep them all (every test exact);
    ``discrete_cap``: columns with at most this many distinct values keep their value counts;
    ``categorical_cap``: categories kept exactly before the rest is pooled into OTHER.
    """

    bins: int = 1024
    exact_cap: int = 4096
    discrete_cap: int = 256
    categorical_cap: int = 1000

    def __post_init__(self) -> None:
        for name in ("bins", "exact_cap", "discrete_cap", "categorical_cap"):
            if getattr(self, name) < 2:
                raise ValueError(f"{name} must be at least 2")

    def to_doc(self) -> dict[str, int]:
        """The settings as a plain dict."""
        return {
            "bins": self.bins,
            "exact_cap": self.exact_cap,
            "discrete_cap": self.discrete_cap,
            "categorical_cap": self.categorical_cap,
        }


@state_type("numeric_column_profile")
@dataclass(frozen=True, eq=False)
class NumericProfile:
    """Summary of a numeric or temporal column (temporal values as microseconds or days)."""

    name: str
    dtype: str
    rows: int
    missing: int
    count: int
    positive_infinities: int
    negative_infinities: int
    total: int
    squares: int
    minimum: float | None
    maximum: float | None
    distinct: int | None
    exact: np.ndarray | None
    discrete_values: np.ndarray | None
    discrete_counts: np.ndarray | None
    edges: np.ndarray | None
    counts: np.ndarray | None
    grid: str | None = None
    #: How far, in rows, each stored count of values at or below an inner bin edge may be from
    #: the true count: 0 for a profile built from data, positive for a merge of profiles whose
    #: grids differ (``merge_profiles``). The drift tests widen their brackets by it.
    rank_error: int = 0
    kind: str = field(default="numeric", init=False)

    @property
    def moments(self) -> MomentsValue:
        """Count, sum, mean and sample variance of the present values."""
        state = MomentsState(
            self.count,
            self.total,
            self.squares,
            self.positive_infinities,
            self.negative_infinities,
        )
        return Moments(self.name).finalize(state)

    @property
    def finite_count(self) -> int:
        """Number of present values that are neither +inf nor -inf."""
        return self.count - self.positive_infinities - self.negative_infinities

    @property
    def finite_moments(self) -> MomentsValue:
        """Count, sum, mean and sample variance of the finite values (the sums hold only them)."""
        state = MomentsState(self.finite_count, self.total, self.squares)
        return Moments(self.name).finalize(state)

    def readable(self, value: float | None) -> Any:
        """A value of this column as people read it: temporal columns are stored as microseconds
        (timestamps) or days (dates) and come back as ISO text."""
        if value is None or not math.isfinite(value):
            return value
        if self.dtype.startswith("timestamp"):
            moment = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=value)
            return moment.isoformat()
        if self.dtype.startswith("date"):
            return (dt.date(1970, 1, 1) + dt.timedelta(days=value)).isoformat()
        return value

    def grid_id(self) -> str:
        """A fingerprint of the bin edges: profiles on the same grid can be compared and merged."""
        if self.edges is None:
            return ""
        return hashlib.sha256(encode_floats(self.edges).encode("ascii")).hexdigest()[:16]

    def to_doc(self) -> dict[str, Any]:
        """The column as a JSON-ready dict."""
        doc: dict[str, Any] = {
            "kind": self.kind,
            "dtype": self.dtype,
            "rows": self.rows,
            "missing": self.missing,
            "count": self.count,
            "positive_infinities": self.positive_infinities,
            "negative_infinities": self.negative_infinities,
            "sum": encode_int(self.total),
            "sum_squares": encode_int(self.squares),
            "minimum": self.minimum,
            "maximum": self.maximum,
            "distinct": self.distinct,
            "exact": None if self.exact is None else encode_floats(self.exact),
            "discrete": None,
            "edges": None if self.edges is None else encode_floats(self.edges),
            "counts": None if self.counts is None else encode_counts(self.counts),
            "grid": self.grid,
        }
        if self.rank_error:
            doc["rank_error"] = self.rank_error
        if self.discrete_values is not None and self.discrete_counts is not None:
            doc["discrete"] = {
                "values": encode_floats(self.discrete_values),
                "counts": encode_counts(self.discrete_counts),
            }
        return doc

    @classmethod
    def from_doc(cls, name: str, doc: Mapping[str, Any]) -> NumericProfile:
        """Rebuild from ``to_doc``; ProfileError on any malformed field."""
        where = f"column {name!r}"
        discrete = doc.get("discrete")
        values = counts = None
        if discrete is not None:
            values = decode_floats(_get(discrete, "values", where), f"{where} discrete values")
            counts = decode_counts(_get(discrete, "counts", where), f"{where} discrete counts")
        edges = doc.get("edges")
        bins = doc.get("counts")
        profile = cls(
            name=name,
            dtype=_typed(doc, "dtype", str, where),
            rows=_count(doc, "rows", where),
            missing=_count(doc, "missing", where),
            count=_count(doc, "count", where),
            positive_infinities=_count(doc, "positive_infinities", where),
            negative_infinities=_count(doc, "negative_infinities", where),
            total=decode_int(_get(doc, "sum", where), f"{where} sum"),
            squares=decode_int(_get(doc, "sum_squares", where), f"{where} sum_squares"),
            minimum=_optional_float(doc, "minimum", where),
            maximum=_optional_float(doc, "maximum", where),
            distinct=doc.get("distinct") if isinstance(doc.get("distinct"), int) else None,
            exact=None
            if doc.get("exact") is None
            else decode_floats(doc["exact"], f"{where} exact"),
            discrete_values=values,
            discrete_counts=counts,
            edges=None if edges is None else decode_floats(edges, f"{where} edges"),
            counts=None if bins is None else decode_counts(bins, f"{where} counts"),
            grid=doc.get("grid") if isinstance(doc.get("grid"), str) else None,
            rank_error=_count(doc, "rank_error", where) if "rank_error" in doc else 0,
        )
        profile.check(where)
        return profile

    def check(self, where: str) -> None:
        """ProfileError when the parts of the column contradict each other."""
        if self.count + self.missing != self.rows:
            raise ProfileError(f"{where}: rows do not add up")
        if self.edges is not None:
            if self.counts is None or self.counts.size != self.edges.size + 1:
                raise ProfileError(
                    f"{where}: {self.edges.size} edges need {self.edges.size + 1} counts"
                )
            if self.edges.size and not (np.diff(self.edges) > 0).all():
                raise ProfileError(f"{where}: bin edges are not increasing")
            if int(self.counts.sum()) != self.count:
                raise ProfileError(f"{where}: bin counts do not add up to the value count")
        if self.rank_error > self.count or (self.rank_error and self.edges is None):
            raise ProfileError(f"{where}: rank_error exceeds what the bins can be wrong by")
        if self.exact is not None and self.exact.size != self.count:
            raise ProfileError(
                f"{where}: exact tier holds {self.exact.size} of {self.count} values"
            )
        if (self.discrete_values is None) != (self.discrete_counts is None) or (
            self.discrete_values is not None
            and self.discrete_counts is not None
            and self.discrete_values.size != self.discrete_counts.size
        ):
            raise ProfileError(f"{where}: discrete values and counts do not match")


@dataclass(frozen=True, eq=False)
class CategoricalProfile:
    """Exact counts of a column's categories; ``other`` counts the values outside ``keys``.

    In a reference profile ``other`` holds the categories beyond the cap, and ``pool`` remembers
    which values those were. In a profile on a reference's categories ``other`` holds the values
    the reference did not list: ``pooled`` of them are in the reference's OTHER, the rest are NEW
    (never seen by the reference); ``new_counts`` lists NEW values with their counts (the first
    ``NEW_CAP`` in key order, so that merges are exact) and ``new_examples`` the most frequent.
    """

    name: str
    dtype: str
    rows: int
    missing: int
    keys: tuple[Any, ...]
    counts: np.ndarray
    other: int
    distinct: int | None
    new_examples: tuple[Any, ...] = ()
    grid: str | None = None
    #: String lengths in characters: ``min``, ``max`` and ``total`` (exact, so merges are exact).
    lengths: Mapping[str, int] | None = None
    #: On a reference's grid: NEW categories and their counts (in ``other``, not ``pooled``).
    new_counts: tuple[tuple[Any, int], ...] = ()
    #: In a reference that pooled categories: a filter of their fingerprints (None: all kept, or
    #: a version 1 profile, which did not record them).
    pool: PoolFilter | None = None
    #: On a reference's grid: how many of ``other`` the reference's OTHER holds (None: unknown).
    pooled: int | None = None
    kind: str = field(default="categorical", init=False)

    @property
    def count(self) -> int:
        """Number of present values."""
        return int(self.counts.sum()) + self.other

    @property
    def rank_error(self) -> int:
        """Category counts are always exact, merged or not."""
        return 0

    @property
    def new(self) -> int | None:
        """On a reference's grid: how many values the reference never saw (None: unknown)."""
        return None if self.pooled is None else self.other - self.pooled

    def grid_id(self) -> str:
        """A fingerprint of the category keys (and of the pooled ones' filter): profiles over the
        same keys can be compared."""
        text = json.dumps(list(self.keys), sort_keys=True, default=str, ensure_ascii=False)
        if self.pool is not None:
            text += self.pool.digest()
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def to_doc(self) -> dict[str, Any]:
        """The column as a JSON-ready dict."""
        return {
            "kind": self.kind,
            "dtype": self.dtype,
            "rows": self.rows,
            "missing": self.missing,
            "keys": list(self.keys),
            "counts": encode_counts(self.counts),
            "other": self.other,
            "distinct": self.distinct,
            "new_examples": list(self.new_examples),
            "grid": self.grid,
            "lengths": None if self.lengths is None else dict(self.lengths),
            "new_counts": [[k, c] for k, c in self.new_counts],
            "pool": None if self.pool is None else self.pool.to_doc(),
            "pooled": self.pooled,
        }

    @classmethod
    def from_doc(cls, name: str, doc: Mapping[str, Any]) -> CategoricalProfile:
        """Rebuild from ``to_doc``; ProfileError on any malformed field."""
        where = f"column {name!r}"
        keys = _get(doc, "keys", where)
        if not isinstance(keys, list) or not all(
            isinstance(k, (str, int, float, bool)) for k in keys
        ):
            raise ProfileError(f"{where}: keys must be a list of scalars")
        counts = decode_counts(_get(doc, "counts", where), f"{where} counts")
        if counts.size != len(keys):
            raise ProfileError(f"{where}: {len(keys)} keys but {counts.size} counts")
        profile = cls(
            name=name,
            dtype=_typed(doc, "dtype", str, where),
            rows=_count(doc, "rows", where),
            missing=_count(doc, "missing", where),
            keys=tuple(keys),
            counts=counts,
            other=_count(doc, "other", where),
            distinct=doc.get("distinct") if isinstance(doc.get("distinct"), int) else None,
            new_examples=tuple(doc.get("new_examples") or ()),
            grid=doc.get("grid") if isinstance(doc.get("grid"), str) else None,
            lengths=_lengths(doc.get("lengths"), where),
            new_counts=_new_counts(doc.get("new_counts"), where),
            pool=None if doc.get("pool") is None else PoolFilter.from_doc(doc["pool"], where),
            pooled=None if doc.get("pooled") is None else _count(doc, "pooled", where),
        )
        if profile.count + profile.missing != profile.rows:
            raise ProfileError(f"{where}: rows do not add up")
        if profile.pooled is not None and profile.pooled > profile.other:
            raise ProfileError(f"{where}: pooled exceeds other")
        return profile


ColumnProfile = NumericProfile | CategoricalProfile


def _new_counts(doc: Any, where: str) -> tuple[tuple[Any, int], ...]:
    if doc is None:
        return ()
    if not isinstance(doc, list) or not all(
        isinstance(p, list) and len(p) == 2 and isinstance(p[1], int) for p in doc
    ):
        raise ProfileError(f"{where}: new_counts must be a list of [value, count] pairs")
    return tuple((p[0], p[1]) for p in doc)


def _lengths(doc: Any, where: str) -> dict[str, int] | None:
    if doc is None:
        return None
    if not isinstance(doc, Mapping) or set(doc) != {"min", "max", "total"}:
        raise ProfileError(f"{where}: lengths must hold min, max and total")
    return {k: _count(doc, k, where) for k in ("min", "max", "total")}


def _get(doc: Any, key: str, where: str) -> Any:
    if not isinstance(doc, Mapping) or key not in doc:
        raise ProfileError(f"{where}: missing field {key!r}")
    return doc[key]


def _typed(doc: Any, key: str, kind: type, where: str) -> Any:
    value = _get(doc, key, where)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ProfileError(f"{where}: {key} must be {kind.__name__}")
    return value


def _count(doc: Any, key: str, where: str) -> int:
    value = _typed(doc, key, int, where)
    if value < 0:
        raise ProfileError(f"{where}: {key} cannot be negative")
    return int(value)


def _optional_float(doc: Any, key: str, where: str) -> float | None:
    value = _get(doc, key, where)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ProfileError(f"{where}: {key} must be a finite number or null")
    return float(value)


@dataclass(frozen=True, eq=False)
class CoMoments:
    """Exact sums over complete rows of numeric columns, for multivariate drift (PCA, Hotelling).

    ``sums[i]`` is sum(x_i) in units of 2**-SUM_SHIFT; ``products[k]`` is sum(x_i * x_j) for the
    k-th pair i <= j (row-major upper triangle) in units of 2**-SQUARE_SHIFT.
    """

    columns: tuple[str, ...]
    count: int
    sums: tuple[int, ...]
    products: tuple[int, ...]

    def mean_and_covariance(self) -> tuple[np.ndarray, np.ndarray]:
        """The mean vector and the sample covariance matrix (ddof=1), each exactly rounded."""
        from fractions import Fraction

        d, n = len(self.columns), self.count
        if n == 0:  # no complete row: nothing is known
            return np.zeros(d), np.zeros((d, d))
        mean = np.array([float(Fraction(s, n << SUM_SHIFT)) for s in self.sums])
        covariance = np.zeros((d, d))
        k = 0
        for i in range(d):
            for j in range(i, d):
                spread = n * self.products[k] - self.sums[i] * self.sums[j]
                value = float(Fraction(spread, (n * (n - 1)) << SQUARE_SHIFT)) if n > 1 else 0.0
                covariance[i, j] = covariance[j, i] = value
                k += 1
        return mean, covariance

    def by_name(self) -> CoMoments:
        """The same sums with the columns in name order: the canonical form, whatever order the
        columns came in."""
        order = sorted(range(len(self.columns)), key=lambda i: self.columns[i])
        d = len(order)
        pair = {(i, j): k for k, (i, j) in enumerate((i, j) for i in range(d) for j in range(i, d))}
        products = tuple(
            self.products[pair[min(order[a], order[b]), max(order[a], order[b])]]
            for a in range(d)
            for b in range(a, d)
        )
        sums = tuple(self.sums[i] for i in order)
        return CoMoments(tuple(self.columns[i] for i in order), self.count, sums, products)

    def to_doc(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "columns": list(self.columns),
            "count": self.count,
            "sums": [encode_int(s) for s in self.sums],
            "products": [encode_int(p) for p in self.products],
        }

    @classmethod
    def from_doc(cls, doc: Any) -> CoMoments:
        """Rebuild from ``to_doc``."""
        columns = _get(doc, "columns", "comoments")
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise ProfileError("comoments: columns must be a list of names")
        d = len(columns)
        sums = tuple(decode_int(s, "comoments sums") for s in _get(doc, "sums", "comoments"))
        products = tuple(decode_int(p, "comoments") for p in _get(doc, "products", "comoments"))
        if len(sums) != d or len(products) != d * (d + 1) // 2:
            raise ProfileError("comoments: sizes do not match the columns")
        return cls(tuple(columns), _count(doc, "count", "comoments"), sums, products).by_name()


def canonical_bytes(doc: Any, *, compress: bool = False) -> bytes:
    """A profile document as canonical JSON bytes (sorted keys, no whitespace), optionally
    gzip-compressed: the same document always gives the same bytes."""
    text = json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")
    # mtime=0 keeps compressed bytes deterministic too.
    return gzip.compress(text, mtime=0) if compress else text


@dataclass(frozen=True, eq=False)
class Profile:
    """Per-column summaries of a dataset, deterministic and exactly mergeable.

    ``save`` writes JSON (gzip-compressed when the path ends in ``.gz``); the bytes depend only on
    the data, never on batch size, threads or partitioning. ``unprofiled`` names the columns that
    could not be summarized, with the reason (every value missing, nested or mixed values; in a
    profile on a reference's grid, a column whose type changed), so drift can report them.
    """

    rows: int
    columns: Mapping[str, ColumnProfile]
    settings: Settings = field(default_factory=Settings)
    comoments: CoMoments | None = None
    unprofiled: Mapping[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> ColumnProfile:
        return self.columns[name]

    def __repr__(self) -> str:
        """One line: rows and columns (the first five named)."""
        shown = list(self.columns)[:5]
        names = ", ".join(repr(clip(c, 40, tally=False)) for c in shown)
        more = f" and {len(self.columns) - 5} more" if len(self.columns) > 5 else ""
        return f"<Profile {self.rows:,} rows, {len(self.columns)} columns: {names}{more}>"

    def _repr_html_(self) -> str:
        """A compact profile report for notebooks (see ``dataguard.report.notebook_html``)."""
        # Deferred: the report package renders profiles, so it imports this module.
        from dataguard.report import notebook_html

        return notebook_html(self)

    @property
    def on_reference_grid(self) -> bool:
        """Whether this profile was counted on another profile's bins and categories."""
        return any(c.grid is not None for c in self.columns.values())

    def to_doc(self) -> dict[str, Any]:
        """The profile document (``unprofiled`` only when a column was left out, so the bytes of
        a profile of plain columns do not change)."""
        approximate = any(c.rank_error for c in self.columns.values())
        doc = {
            "format_version": PROFILE_FORMAT_VERSION if approximate else EXACT_FORMAT_VERSION,
            "dataguard_version": __version__,
            "rows": self.rows,
            "settings": self.settings.to_doc(),
            "columns": {name: column.to_doc() for name, column in self.columns.items()},
            "comoments": None if self.comoments is None else self.comoments.to_doc(),
        }
        if self.unprofiled:
            doc["unprofiled"] = dict(self.unprofiled)
        return doc

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
    def from_doc(cls, doc: Any, source: str = "profile") -> Profile:
        """Rebuild from ``to_doc``; ProfileError names what is wrong."""
        try:
            return _from_doc(doc)
        except ProfileError as exc:
            raise ProfileError(f"{source}: {exc}") from None


def _from_doc(doc: Any) -> Profile:
    if not isinstance(doc, Mapping):
        raise ProfileError("not a profile document")
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ProfileError("not a dataguard profile (no format_version)")
    if version > PROFILE_FORMAT_VERSION:
        raise ProfileError(
            f"format_version {version} is newer than this dataguard understands "
            f"({PROFILE_FORMAT_VERSION}); upgrade dataguard"
        )
    settings_doc = _get(doc, "settings", "profile")
    try:
        settings = Settings(**{k: settings_doc[k] for k in Settings().to_doc()})
    except (KeyError, TypeError, ValueError) as exc:
        raise ProfileError(f"malformed settings: {exc}") from None
    raw_columns = _get(doc, "columns", "profile")
    if not isinstance(raw_columns, Mapping):
        raise ProfileError("columns must be a mapping")
    columns: dict[str, ColumnProfile] = {}
    for name, column in raw_columns.items():
        kind = column.get("kind") if isinstance(column, Mapping) else None
        if kind == "numeric":
            columns[name] = NumericProfile.from_doc(name, column)
        elif kind == "categorical":
            columns[name] = CategoricalProfile.from_doc(name, column)
        else:
            raise ProfileError(f"column {name!r}: unknown kind {kind!r}")
    comoments = doc.get("comoments")
    unprofiled = doc.get("unprofiled", {})
    if not isinstance(unprofiled, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in unprofiled.items()
    ):
        raise ProfileError("unprofiled must map column names to reasons")
    return Profile(
        _count(doc, "rows", "profile"),
        columns,
        settings,
        None if comoments is None else CoMoments.from_doc(comoments),
        dict(unprofiled),
    )


def load_profile(
    path: str | os.PathLike[str], *, storage_options: Mapping[str, str] | None = None
) -> Profile:
    """Read a profile file (plain or gzip JSON); ProfileError for anything that is not one.
    ``path`` may be an object-store URI reached with ``storage_options``."""
    doc = read_json_file(path, ProfileError, "profile", storage_options)
    if isinstance(doc, Mapping) and doc.get("kind") == "grouped_profile":
        raise ProfileError(
            f"{path}: a profile by group (group_by {doc.get('group_by')!r}): compare with it "
            "by group (drift(..., group_by=...), --group-by), or read it with "
            "load_grouped_profile"
        )
    return Profile.from_doc(doc, str(path))


def loads_profile(raw: bytes, source: str = "profile") -> Profile:
    """Parse profile bytes (plain or gzip JSON)."""
    return Profile.from_doc(json_from_bytes(raw, source, ProfileError, "profile"), source)


def sorted_keys(keys: Sequence[Any]) -> list[Any]:
    """Category keys in their canonical order: by type name, then by value (UTF-8 for text)."""
    return sorted(
        keys, key=lambda k: (type(k).__name__, k.encode("utf-8") if isinstance(k, str) else k)
    )
