"""``dataguard diff``: what changed between two suites, in plain words.

Expectations are matched by type and columns (equal ones first, then the rest in order), and each
changed parameter is called loosened (more data passes), tightened (less passes) or changed (no
order, such as a new pattern). Which way loosens is declared once, per parameter, in ``LOOSER``,
with the few expectations that read a parameter the other way in ``REVERSED``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dataguard.expectations import Expectation, lookup
from dataguard.suite import ColumnSpec, Schema, Suite

__all__ = ["Change", "diff_suites"]

#: How a parameter's change loosens an expectation: ``up`` (a larger value lets more data pass;
#: for booleans True is larger, for severities ``error`` is the largest), ``down``, or ``more``
#: (a set that gains values lets more data pass). Unlisted parameters are only ``changed``.
LOOSER: Mapping[str, str] = {
    "min_value": "down",
    "max_value": "up",
    "strict_min": "down",
    "strict_max": "down",
    "mostly": "down",
    "severity": "down",
    "value_set": "more",
    "alpha": "down",
    "min_effect": "up",
    "threshold": "up",
    "max_age": "up",
    # schema columns and options
    "nullable": "up",
    "unique": "down",
    "required": "down",
    "strict": "down",
    "ordered": "down",
}
#: (expectation, parameter) pairs read the other way: a value that must not occur, or a set the
#: data must contain, tightens as it grows.
REVERSED = frozenset(
    {
        ("not_in_set", "value_set"),
        ("distinct_values_contain_set", "value_set"),
        ("most_common_value_in_set", "value_set"),
    }
)
#: Severities from the mildest: a failure matters more further along.
_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
#: Parameters whose text values are words from a fixed list, shown without quotes.
_VOCABULARY = frozenset({"severity", "type", "dtype", "logical_type", "regex_engine", "method"})
#: Fields that say what an expectation is about: part of its identity, not a parameter.
_IDENTITY = frozenset(
    {"column", "column_list", "column_a", "column_b", "columns_matching", "where"}
)


@dataclass(frozen=True)
class Change:
    """One difference between two suites.

    ``kind``: added, removed, loosened, tightened or changed. ``subject``: what changed, such as
    ``between on amount`` or ``schema column amount``. ``parameter`` with ``old`` and ``new`` for
    a changed parameter; ``detail`` says the rest in words.
    """

    kind: str
    subject: str
    detail: str = ""
    parameter: str | None = None
    old: Any = None
    new: Any = None

    def __str__(self) -> str:
        if self.kind in ("added", "removed"):
            return f"{self.kind} {self.subject}" + (f" ({self.detail})" if self.detail else "")
        return f"{self.subject}: {self.detail} ({self.kind})"

    def to_dict(self) -> dict[str, Any]:
        """The change as a JSON-ready dict (dates as ISO text)."""
        out = {"kind": self.kind, "subject": self.subject, "text": str(self)}
        if self.parameter is not None:
            out |= {"parameter": self.parameter, "old": _plain(self.old), "new": _plain(self.new)}
        return out


def diff_suites(old: Suite, new: Suite) -> list[Change]:
    """The changes from ``old`` to ``new``: the suite's grouping options first, then the
    schema's, then the expectations', in the new suite's order (removed ones after)."""
    return (
        _grouping_changes(old, new)
        + _schema_changes(old.schema, new.schema)
        + _expectation_changes(old.expectations, new.expectations)
    )


def _grouping_changes(old: Suite, new: Suite) -> list[Change]:
    """The suite-wide ``group_by`` and ``max_groups`` that changed (both change what every
    grouped expectation judges, with no way that loosens)."""
    pairs = {
        "group_by": (old.group_by, new.group_by),
        "max_groups": (old.max_groups, new.max_groups),
    }
    return [
        Change("changed", "suite", f"{key} {_shown(a, key)} -> {_shown(b, key)}", key, a, b)
        for key, (a, b) in pairs.items()
        if a != b
    ]


def to_json(changes: Sequence[Change]) -> str:
    """Changes as a JSON document ``{"changes": [...]}``."""
    return json.dumps({"changes": [c.to_dict() for c in changes]}, indent=2, ensure_ascii=False)


def to_text(changes: Sequence[Change]) -> str:
    """Changes one per line, or a line saying there are none."""
    return "".join(f"{c}\n" for c in changes) if changes else "no changes\n"


def _declared(expectation: Expectation) -> tuple[str, dict[str, Any]]:
    """The type name and every parameter, defaults included, as a suite document says them (so
    a ``columns_matching`` item compares by its template's parameters)."""
    document = expectation.to_dict()
    name = document.pop("type")
    defaults = {
        f.name: f.default
        for f in dataclasses.fields(lookup(name))
        if f.init and f.default is not dataclasses.MISSING
    }
    return name, {**defaults, **document}


def _key(expectation: Expectation) -> tuple[str, tuple[str, ...], str | None]:
    name, params = _declared(expectation)
    matching = params.get("columns_matching")
    columns = (f"matching {matching}",) if matching is not None else expectation.columns
    return name, columns, expectation.where


def _subject(expectation: Expectation) -> str:
    name, params = _declared(expectation)
    out = name
    if params.get("columns_matching") is not None:
        out += f" on columns matching {_shown(params['columns_matching'])}"
    elif expectation.columns:
        out += f" on {', '.join(expectation.columns)}"
    if expectation.where is not None:
        out += f" where {expectation.where}"
    return out


def _expectation_changes(old: Sequence[Expectation], new: Sequence[Expectation]) -> list[Change]:
    unmatched = list(old)
    pairs: list[tuple[Expectation | None, Expectation]] = []
    for item in new:  # equal ones first: an unchanged rule never pairs with a changed one
        if item in unmatched:
            unmatched.remove(item)
            pairs.append((item, item))
        else:
            pairs.append((None, item))
    out: list[Change] = []
    for same, after in pairs:
        before = same or next((e for e in unmatched if _key(e) == _key(after)), None)
        if before is None:
            out.append(Change("added", _subject(after), _parameters(after)))
            continue
        if same is None:
            unmatched.remove(before)
        name, old_params = _declared(before)
        changed = _parameter_changes(old_params, _declared(after)[1], _subject(before), name)
        out.extend(changed)
    out.extend(Change("removed", _subject(e), _parameters(e)) for e in unmatched)
    return out


def _fields(item: Any) -> dict[str, Any]:
    return {f.name: getattr(item, f.name) for f in dataclasses.fields(item) if f.init}


def _parameters(expectation: Expectation) -> str:
    shown = {k: v for k, v in expectation.to_dict().items() if k != "type" and k not in _IDENTITY}
    return ", ".join(f"{k} {_shown(v, k)}" for k, v in shown.items())


def _parameter_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], subject: str, kind: str
) -> list[Change]:
    """The changed parameters of two declarations of one kind (an expectation's type name, or
    ``schema`` for column declarations)."""
    out = []
    for parameter in old:
        if parameter in _IDENTITY or parameter == "name" or old[parameter] == new.get(parameter):
            continue
        out.append(_change(subject, kind, parameter, old[parameter], new.get(parameter)))
    return out


def _change(subject: str, name: str, parameter: str, old: Any, new: Any) -> Change:
    way = LOOSER.get(parameter)
    if way == "more" and isinstance(old, (tuple, list)) and isinstance(new, (tuple, list)):
        gained = [v for v in new if v not in old]
        lost = [v for v in old if v not in new]
        words = []
        if gained:
            words.append(f"gained {', '.join(_shown(v) for v in gained)}")
        if lost:
            words.append(f"lost {', '.join(_shown(v) for v in lost)}")
        kind = "changed" if (gained and lost) or not (gained or lost) else _kind(bool(gained))
        if (name, parameter) in REVERSED and kind != "changed":
            kind = _kind(kind == "tightened")
        return Change(kind, subject, f"{parameter} {'; '.join(words)}", parameter, old, new)
    detail = f"{parameter} {_shown(old, parameter)} -> {_shown(new, parameter)}"
    grew = _grew(parameter, way, old, new)
    if grew is None:
        return Change("changed", subject, detail, parameter, old, new)
    looser = grew == (way == "up")
    if (name, parameter) in REVERSED:
        looser = not looser
    return Change(_kind(looser), subject, detail, parameter, old, new)


def _kind(looser: bool) -> str:
    return "loosened" if looser else "tightened"


def _grew(parameter: str, way: str | None, old: Any, new: Any) -> bool | None:
    """Whether the parameter went up (None: no order between the values, or no known way)."""
    if way not in ("up", "down"):
        return None
    if parameter == "severity":
        old, new = _SEVERITY_RANK.get(old), _SEVERITY_RANK.get(new)
    # A missing bound is the loosest: the far end of the range.
    unbounded = float("inf") if way == "up" else float("-inf")
    old = unbounded if old is None else old
    new = unbounded if new is None else new
    try:
        return bool(new > old)
    except TypeError:
        return None


def _schema_changes(old: Schema | None, new: Schema | None) -> list[Change]:
    before = {c.name: c for c in (old.columns if old else ())}
    after = {c.name: c for c in (new.columns if new else ())}
    out: list[Change] = []
    options = {
        "strict": (old is not None and old.strict, new is not None and new.strict),
        "ordered": (old is not None and old.ordered, new is not None and new.ordered),
    }
    for option, (was, now) in options.items():
        if was != now:
            out.append(_change("schema", "schema", option, was, now))
    for name, spec in after.items():
        if name not in before:
            out.append(Change("added", f"schema column {name}", _column_parameters(spec)))
        else:
            subject = f"schema column {name}"
            changes = _parameter_changes(_fields(before[name]), _fields(spec), subject, "schema")
            out.extend(changes)
    out.extend(
        Change("removed", f"schema column {name}", _column_parameters(spec))
        for name, spec in before.items()
        if name not in after
    )
    return out


def _column_parameters(spec: ColumnSpec) -> str:
    defaults = ColumnSpec(name=spec.name)
    changed = {k: v for k, v in _fields(spec).items() if k != "name" and v != _fields(defaults)[k]}
    return ", ".join(f"{k} {_shown(v, k)}" for k, v in changed.items())


def _shown(value: Any, parameter: str = "") -> str:
    """A value as the text says it: names from a fixed vocabulary bare (``severity error``),
    other text quoted, without doubling its backslashes (``regex '^\\S+$'``)."""
    if isinstance(value, str):
        if parameter in _VOCABULARY:
            return value
        return f"'{value}'" if "'" not in value else repr(value)
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else "none"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value
