"""Drafting a suite from data: what the data was, written as rules it can be held to.

Two passes over the data, both through the engine: a profile (types, null counts, extremes,
category counts, text lengths) proposes the rules; one validation pass confirms the guesses a
profile cannot settle (a column whose values were too many to keep is unique, every value
matches a shape, a column only grows, a pair of columns is a key) and drops those that fail.
What is left passes on the data it came from, by construction.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataguard._comments import PathPart
from dataguard._frame import ColumnInfo, Source
from dataguard.cluster import as_source
from dataguard.expectations import (
    Between,
    CompoundColumnsUnique,
    Expectation,
    Increasing,
    InSet,
    MatchesRegex,
    NoDrift,
    RowCountBetween,
    Unique,
    ValueLengthBetween,
)
from dataguard.inference._bounds import (
    count_bounds,
    counted,
    float_bounds,
    number,
    share,
    whole_bounds,
)
from dataguard.inference._shapes import Shape, candidates
from dataguard.profile import CategoricalProfile, ColumnProfile, NumericProfile, Profile, profile
from dataguard.result import ResultFormat
from dataguard.suite import ColumnSpec, Schema, Suite
from dataguard.validate import validate

#: Text columns with at most this many distinct values (and each seen twice on average) get a
#: value set.
MAX_VALUE_SET = 20
#: Fewest values per category, on average, for a text column's distribution to be compared.
MIN_CATEGORY_COUNT = 5
#: Most column pairs tried as a compound key (in column order), so a wide table costs little.
MAX_KEY_PAIRS = 10
#: Logical types in the order a column's type is named by (a pandas category of text is text).
_TYPE_ORDER = ("integer", "float", "string", "boolean", "datetime", "date")
#: Types whose unique columns are keys (a float or a timestamp that happens to be unique is not).
_KEY_TYPES = frozenset({"integer", "string"})
#: Types a compound key may combine.
_PAIR_TYPES = frozenset({"integer", "string", "boolean", "date", "datetime"})


@dataclass(frozen=True)
class Inferred:
    """A drafted suite and the reference profile it was drafted from."""

    suite: Suite
    profile: Profile


def infer_suite(
    data: Any, margin: float = 0.1, *, name: str | None = None, reference: str | None = None
) -> Suite:
    """Draft a suite that ``data`` passes: its schema (types, nullability, unique columns, a
    compound key when no column is one), ranges widened by ``margin``, value sets of
    low-cardinality text, patterns of recognised text shapes, length and row-count bounds, each
    with a comment saying what was observed.

    ``reference``: the path of a saved ``dg.profile(data)``; adds a ``no_drift`` expectation
    bound to it for each column whose distribution can be compared. The same data gives the same
    suite, and ``suite.dump`` the same bytes. ``draft`` also returns the profile, and reads
    files in chunks or with pinned column types.
    """
    return draft(data, margin, name=name, reference=reference).suite


def draft(
    data: Any,
    margin: float = 0.1,
    *,
    name: str | None = None,
    reference: str | None = None,
    chunk_size: int | None = None,
    column_types: Mapping[str, str] | None = None,
) -> Inferred:
    """``infer_suite``, also returning the profile the suite was drafted from (what
    ``reference`` should hold). ``chunk_size`` bounds the rows per batch; ``column_types`` pins
    how a CSV or JSON-lines file's columns are read, as in ``validate``."""
    if not (isinstance(margin, (int, float)) and math.isfinite(margin) and 0 <= margin < 1):
        raise ValueError(f"margin must be a number from 0 to below 1, got {margin!r}")
    if name is None:
        name = Path(data).stem if isinstance(data, (str, Path)) else ""
    source = as_source(data)
    if not source.reiterable:
        source.remember()  # the confirming pass reads the same rows again
    observed = profile(source, chunk_size=chunk_size, column_types=column_types)
    columns = [_Column.of(n, source.info(n), observed.columns.get(n)) for n in source.names]
    drafting = _Draft(observed.rows, margin)
    for column in columns:
        drafting.propose(column)
    drafting.propose_key(columns)
    confirmed = drafting.confirm(source, chunk_size, column_types)
    suite = drafting.suite(name, columns, confirmed, reference)
    return Inferred(suite, observed)


@dataclass(frozen=True)
class _Column:
    """What the profile says about one column."""

    name: str
    type: str | None
    rows: int
    missing: int | None
    distinct: int | None
    summary: ColumnProfile | None

    @classmethod
    def of(cls, name: str, info: ColumnInfo, summary: ColumnProfile | None) -> _Column:
        kinds = info.logical_types()
        logical = next((t for t in _TYPE_ORDER if t in kinds), None)
        if summary is None:
            return cls(name, logical, 0, None, None, None)
        return cls(name, logical, summary.rows, summary.missing, summary.distinct, summary)

    @property
    def count(self) -> int:
        return self.rows - (self.missing or 0)

    @property
    def certainly_unique(self) -> bool:
        """Every present value differs, as the profile knows (fingerprints can only merge
        distinct values, never split equal ones)."""
        return self.type in _KEY_TYPES and self.count >= 2 and self.distinct == self.count

    @property
    def maybe_unique(self) -> bool:
        """Too many values for the profile to tell: a validation pass must."""
        return self.type == "integer" and self.count >= 2 and self.distinct is None


@dataclass
class _Draft:
    """The expectations proposed so far: certain ones (from the profile alone) and candidates
    (kept only if the data passes them), with their comments."""

    rows: int
    margin: float
    certain: dict[str, list[Expectation]] = field(default_factory=dict)
    candidates: dict[str, list[Expectation]] = field(default_factory=dict)
    shapes: dict[Expectation, Shape] = field(default_factory=dict)
    keys: list[CompoundColumnsUnique] = field(default_factory=list)
    notes: dict[Expectation, str] = field(default_factory=dict)

    def _add(self, column: str, expectation: Expectation, note: str, *, certain: bool) -> None:
        (self.certain if certain else self.candidates).setdefault(column, []).append(expectation)
        self.notes[expectation] = note

    def propose(self, column: _Column) -> None:
        """The rules the profile suggests for one column."""
        summary = column.summary
        if column.maybe_unique:
            self._add(column.name, Unique(column.name), "", certain=False)
        if isinstance(summary, NumericProfile):
            self._numeric(column, summary)
        elif isinstance(summary, CategoricalProfile) and column.type == "string":
            self._text(column, summary)

    def _numeric(self, column: _Column, summary: NumericProfile) -> None:
        low = None if summary.negative_infinities else summary.minimum
        high = None if summary.positive_infinities else summary.maximum
        if low is None and high is None:
            return
        known_low = low if low is not None else high
        known_high = high if high is not None else low
        assert known_low is not None
        assert known_high is not None
        bounds = _range(column.type, known_low, known_high, self.margin)
        lo = bounds[0] if low is not None else None
        hi = bounds[1] if high is not None else None
        seen = f"{_shown(summary, low)} to {_shown(summary, high)}"
        note = f"observed {seen} over {counted(column.rows, 'row')}, {_nulls(column)} null"
        self._add(column.name, Between(column.name, min_value=lo, max_value=hi), note, certain=True)
        if column.type in ("integer", "datetime", "date") and (column.distinct or 2) > 1:
            self._add(
                column.name,
                Increasing(column.name),
                "observed in increasing order",
                certain=False,
            )

    def _text(self, column: _Column, summary: CategoricalProfile) -> None:
        distinct = column.distinct or 0
        if summary.other == 0 and distinct <= MAX_VALUE_SET and 2 * distinct <= column.count:
            counts = dict(zip(summary.keys, summary.counts.tolist(), strict=True))
            common = max(summary.keys, key=lambda k: (counts[k], -summary.keys.index(k)))
            note = (
                f"observed {counted(distinct, 'distinct value')} over "
                f"{counted(column.count, 'present value')}; most common {common!r} "
                f"({share(counts[common], column.count)})"
            )
            value_set = InSet(column.name, value_set=summary.keys)
            self._add(column.name, value_set, note, certain=True)
            return
        samples = [k for k in summary.keys if isinstance(k, str)]
        for shape in candidates(samples):
            rule = MatchesRegex(column.name, regex=shape.regex)
            example = min(samples)
            note = f"every value looks like {shape.label}, such as {example!r}"
            self._add(column.name, rule, note, certain=False)
            self.shapes[rule] = shape
        if summary.lengths is not None:
            low, high = summary.lengths["min"], summary.lengths["max"]
            lo, hi = whole_bounds(low, high, self.margin)
            lengths = ValueLengthBetween(column.name, min_value=lo, max_value=hi)
            self._add(column.name, lengths, f"observed lengths {low} to {high}", certain=True)

    def propose_key(self, columns: list[_Column]) -> None:
        """Pairs of columns that may be a compound key, when no column is a key alone."""
        if self.rows < 2 or any(c.certainly_unique or c.maybe_unique for c in columns):
            return
        # Both columns repeat their values (a near-unique column pairs with anything).
        eligible = [
            c
            for c in columns
            if c.type in _PAIR_TYPES and c.distinct is not None and 2 * c.distinct <= self.rows
        ]
        for i, first in enumerate(eligible):
            for second in eligible[i + 1 :]:
                if len(self.keys) == MAX_KEY_PAIRS:
                    return
                if (first.distinct or 0) * (second.distinct or 0) >= self.rows:
                    self.keys.append(CompoundColumnsUnique(column_list=(first.name, second.name)))

    def confirm(
        self, source: Source, chunk_size: int | None, column_types: Mapping[str, str] | None
    ) -> frozenset[Expectation]:
        """The candidates the data passes, from one validation pass."""
        wanted = [e for rules in self.candidates.values() for e in rules] + list(self.keys)
        if not wanted:
            return frozenset()
        result = validate(
            source,
            Suite(tuple(wanted)),
            result_format=ResultFormat.BOOLEAN_ONLY,
            chunk_size=chunk_size,
            column_types=column_types,
        )
        return frozenset(r.expectation for r in result.results if r.passed)

    def suite(
        self,
        name: str,
        columns: list[_Column],
        confirmed: frozenset[Expectation],
        reference: str | None,
    ) -> Suite:
        """The drafted suite: the schema, then per column its kept rules, then the key pair and
        the drift checks."""
        low, high = count_bounds(self.rows, self.margin)
        rules: list[Expectation] = [RowCountBetween(min_value=low, max_value=high)]
        comments: dict[tuple[PathPart, ...], str] = {
            (): _header(self.rows, len(columns), self.margin),
            ("expectations", 0): f"observed {counted(self.rows, 'row')}",
        }
        specs = []
        uniques = {c.name for c in columns if c.certainly_unique or Unique(c.name) in confirmed}
        for column in columns:
            unique = column.name in uniques
            specs.append(
                ColumnSpec(
                    name=column.name,
                    type=column.type,  # type: ignore[arg-type]  # a logical type name, checked
                    nullable=column.missing != 0,
                    unique=unique,
                )
            )
            comments[("schema", "columns", column.name)] = _column_note(column, unique)
            for rule in self._kept(column.name, confirmed):
                comments[("expectations", len(rules))] = self.notes[rule]
                rules.append(rule)
        key = next((k for k in self.keys if k in confirmed), None)
        if key is not None:
            comments[("expectations", len(rules))] = (
                f"no two rows share a ({', '.join(key.column_list)}) pair; "
                "no column is unique alone"
            )
            rules.append(key)
        if reference is not None:
            for column in columns:
                if _comparable(column, unique=column.name in uniques):
                    comments[("expectations", len(rules))] = (
                        f"distribution compared with the reference profile {reference}"
                    )
                    rules.append(NoDrift(column=column.name, reference=reference))
        return Suite(tuple(rules), name, Schema(tuple(specs)), comments=comments)

    def _kept(self, column: str, confirmed: frozenset[Expectation]) -> list[Expectation]:
        """The column's certain rules and confirmed candidates, in proposal order: the first
        confirmed shape only, and no length bounds where that shape fixes the length."""
        proposed = self.candidates.get(column, [])
        shape = next(
            (self.shapes[e] for e in proposed if e in self.shapes and e in confirmed), None
        )
        out: list[Expectation] = []
        for rule in self.certain.get(column, []) + self.candidates.get(column, []):
            if isinstance(rule, Unique):
                continue  # said by the schema
            if rule in self.shapes and (shape is None or self.shapes[rule] != shape):
                continue
            if isinstance(rule, ValueLengthBetween) and shape is not None and shape.fixed_length:
                continue
            if rule in proposed and rule not in confirmed:
                continue
            out.append(rule)
        return sorted(out, key=_rank)


#: A column's rules in a fixed order, whatever the order they were proposed in.
_RULE_ORDER: tuple[type[Expectation], ...] = (
    Between,
    Increasing,
    InSet,
    MatchesRegex,
    ValueLengthBetween,
)


def _rank(rule: Expectation) -> int:
    return next(i for i, kind in enumerate(_RULE_ORDER) if isinstance(rule, kind))


def _range(logical: str | None, low: float, high: float, margin: float) -> tuple[Any, Any]:
    """Widened bounds in the column's own terms: whole numbers, floats, whole seconds or days."""
    if logical == "integer":
        return whole_bounds(low, high, margin)
    if logical in ("datetime", "date"):
        lo, hi = whole_bounds(low, high, margin)
        return _temporal(logical, lo, floor=True), _temporal(logical, hi, floor=False)
    lo_f, hi_f = float_bounds(low, high, margin)
    return lo_f if math.isfinite(lo_f) else None, hi_f if math.isfinite(hi_f) else None


_EPOCH = dt.datetime(1970, 1, 1)
_SECOND = 1_000_000


def _temporal(logical: str, value: int, *, floor: bool) -> dt.date | dt.datetime:
    """A profile's microseconds (timestamps) or days (dates) as a bound, timestamps rounded
    outward to a whole second."""
    if logical == "date":
        return dt.date(1970, 1, 1) + dt.timedelta(days=value)
    seconds = value // _SECOND if floor else -(-value // _SECOND)
    return _EPOCH + dt.timedelta(seconds=seconds)


def _shown(summary: NumericProfile, value: float | None) -> str:
    if value is None:
        return "infinity"
    readable = summary.readable(value)
    return readable if isinstance(readable, str) else number(readable)


def _nulls(column: _Column) -> str:
    return share(column.missing or 0, column.rows)


def _column_note(column: _Column, unique: bool) -> str:
    if column.summary is None:
        return "not profiled: its values could not be summarised"
    parts = [f"{_nulls(column)} null"]
    if unique:
        parts.append(f"all {counted(column.count, 'present value')} distinct")
    elif column.distinct is not None:
        parts.append(counted(column.distinct, "distinct value"))
    return "observed " + ", ".join(parts)


def _comparable(column: _Column, *, unique: bool) -> bool:
    """Whether a drift check on the column means something: not a key, not a clock (always
    newer), not text whose categories are too many or too rare to compare (a profile keeps
    ``categorical_cap`` of them; one seen a few times says nothing about its share)."""
    summary = column.summary
    if summary is None or unique or column.type in ("datetime", "date"):
        return False
    if isinstance(summary, CategoricalProfile):
        return summary.other == 0 and len(summary.keys) * MIN_CATEGORY_COUNT <= column.count
    return True


def _header(rows: int, columns: int, margin: float) -> str:
    return (
        f"Drafted by dataguard from {counted(rows, 'row')} and {counted(columns, 'column')}; "
        f"ranges widened by {margin * 100:g}%.\n"
        "Review each rule: it says what the data was, not yet what it must be."
    )
