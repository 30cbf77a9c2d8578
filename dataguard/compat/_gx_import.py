"""Reading Great Expectations suites into dataguard expectations, without building a Suite.

GX suites come in two layouts. 0.x has ``expectation_suite_name`` and items with
``expectation_type`` and ``kwargs``. 1.x has ``name`` and items with ``type``, ``severity`` and
``kwargs``, which may also sit flattened beside ``type``. Each GX expectation with a dataguard
counterpart is one row of ``RULES`` (in ``_gx_rules``): our expectation, how each GX kwarg becomes
our parameters, parameters fixed to GX's behaviour, and the GX defaults that differ from ours.
``row_condition`` (pandas-query syntax) becomes ``where``; ``$PARAMETER`` values are evaluated at
import, with named values from the caller's ``parameters``. What we cannot honour exactly is
refused with every problem listed at once, because validating differently from GX without saying
so is worse than failing.

This module knows nothing of ``Suite``: ``Suite.from_gx`` builds one from ``read_gx_suite``, and
``compat.gx`` (which writes suites for GX) depends on ``Suite``, so the dependency points one way.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

from dataguard._documents import Document, read_document
from dataguard.compat._gx_parameters import is_parameter, substitute
from dataguard.compat._gx_rules import NOT_MAPPED, RULES, Rule
from dataguard.errors import SuiteError, did_you_mean
from dataguard.expectations import Expectation, lookup
from dataguard.expectations._params import field_hints

Problems = list[tuple[str, str]]


#: Keys of a GX expectation item that are not kwargs (anything else beside ``type`` is a kwarg).
_ENVELOPE = frozenset(
    {"type", "expectation_type", "kwargs", "meta", "id", "ge_cloud_id", "notes", "description"}
    | {"rendered_content", "severity", "expectation_context", "windows"}
)
#: kwargs that change how GX runs or reports, not what it checks.
_IGNORED = frozenset({"result_format", "catch_exceptions", "include_config", "batch_id"})
#: The only ``condition_parser`` whose ``row_condition`` syntax our ``where`` reads.
_PARSER = "pandas"
#: kwargs refused when set, because we would silently check something else.
_REFUSED = {
    "parse_strings_as_datetimes": "parse_strings_as_datetimes is not supported: dataguard never "
    "coerces data; give the column a datetime type",
    "allow_cross_type_comparisons": "allow_cross_type_comparisons is not supported",
    "auto": "auto (profiler-estimated bounds) is not supported",
    "profiler_config": "profiler_config is not supported",
}
_SEVERITIES = {"critical": "error", "warning": "warning", "info": "info"}


@dataclass(frozen=True)
class _Options:
    """How an import evaluates suite parameters: the caller's named values (none by default),
    and ``now()`` (the time the import started)."""

    parameters: Mapping[str, Any] = field(default_factory=dict)
    now: dt.datetime = field(default_factory=dt.datetime.now)


def _export_index() -> dict[str, tuple[str, Rule]]:
    """Our expectation name -> the GX name written for it and its rule (the first row wins)."""
    index: dict[str, tuple[str, Rule]] = {}
    for gx_name, rule in RULES.items():
        for target in rule.targets:
            index.setdefault(target, (gx_name, rule))
    return index


_EXPORTS = _export_index()


@dataclass(frozen=True)
class GxSuite:
    """What a GX suite holds for dataguard: its name, its notes and the expectations read."""

    name: str
    description: str
    expectations: tuple[Expectation, ...]


def read_gx_suite(
    suite: Mapping[str, Any] | str | os.PathLike[str],
    *,
    parameters: Mapping[str, Any] | None = None,
) -> GxSuite:
    """Read a GX expectation suite (0.x or 1.x layout) from a dict or a JSON file.

    GX suite parameters (``{"$PARAMETER": ...}``) are evaluated once, at import, as GX would at
    validation: ``now()`` is the current local time and names are looked up in ``parameters``
    (an expression naming a value not given there is refused). The suite holds the results.

    Raises SuiteError listing every expectation that cannot be imported exactly, with its
    position, such as ``expectations[4]: ... is not supported yet``.
    """
    options = _Options() if parameters is None else _Options(parameters)
    doc = _document(suite)
    data = doc.data
    if not isinstance(data, Mapping):
        raise SuiteError("a Great Expectations suite must be a mapping", source=doc.source)
    if "format_version" in data:
        raise SuiteError(
            "this is a dataguard suite, not a Great Expectations one; use dataguard.load_suite",
            source=doc.source,
        )
    raw = data.get("expectations")
    if not isinstance(raw, list):
        raise SuiteError(
            "a Great Expectations suite needs an 'expectations' list",
            source=doc.source,
            path="expectations",
        )
    name = data.get("name", data.get("expectation_suite_name")) or ""
    if not isinstance(name, str):
        raise SuiteError("the suite name must be a string", source=doc.source, path="name")
    notes = data.get("notes")  # GX 1.x: a string or a list of strings
    if isinstance(notes, list) and all(isinstance(note, str) for note in notes):
        notes = "\n".join(notes)
    problems: Problems = []
    imported = [
        _expectation(item, f"expectations[{i}]", problems, options) for i, item in enumerate(raw)
    ]
    if problems:
        raise _error(problems, doc.source)
    expectations = tuple(e for e in imported if e is not None)
    return GxSuite(name, notes if isinstance(notes, str) else "", expectations)


def _document(suite: Mapping[str, Any] | str | os.PathLike[str]) -> Document:
    """The GX suite as a document; files go through the safe reader (size-bounded, no dup keys)."""
    if isinstance(suite, Mapping):
        return Document(suite, None)
    if isinstance(suite, (str, os.PathLike)):
        return read_document(suite)
    raise TypeError(
        f"expected a GX suite dict or a path to its JSON file, got {type(suite).__name__}"
    )


def _error(
    problems: Problems, source: str | None, what: str = "the GX suite cannot be imported"
) -> SuiteError:
    """One error for every problem: a single one on one line, several listed one per line."""
    if len(problems) == 1:
        path, message = problems[0]
        return SuiteError(message, source=source, path=path)
    listed = "\n".join(f"  {path}: {message}" for path, message in problems)
    return SuiteError(f"{what} ({len(problems)} problems):\n{listed}", source=source)


def _unsupported(gx_type: str) -> str:
    """Why a GX type does not import: known without counterpart, a near miss, or unknown."""
    if gx_type in NOT_MAPPED:
        return f"{gx_type} is not supported ({NOT_MAPPED[gx_type]})"
    if gx_type in _EXPORTS:
        return f"{gx_type!r} is a dataguard name; GX suites say {_EXPORTS[gx_type][0]!r}"
    # GX names share long prefixes, so only near-identical names are worth suggesting.
    hint = did_you_mean([gx_type], RULES, most=1, cutoff=0.9)
    if hint:
        return f"unknown expectation type {gx_type!r}{hint}"
    return f"{gx_type} is not supported yet"


def _kind(value: Any) -> str:
    """A value's kind as a JSON reader would name it in a message."""
    return "null" if value is None else type(value).__name__


def _expectation(
    item: Any, at: str, problems: Problems, options: _Options | None = None
) -> Expectation | None:
    """Translate one GX expectation item; its problems go to ``problems``."""
    if not isinstance(item, Mapping):
        problems.append((at, f"an expectation must be a mapping, got {_kind(item)}"))
        return None
    gx_type = item.get("type", item.get("expectation_type"))
    if "type" in item and "expectation_type" in item and item["type"] != item["expectation_type"]:
        problems.append((at, "'type' and 'expectation_type' disagree"))
        return None
    if not isinstance(gx_type, str):
        problems.append((at, "an expectation needs 'type' (GX 1.x) or 'expectation_type' (0.x)"))
        return None
    rule = RULES.get(gx_type)
    if rule is None:
        problems.append((at, _unsupported(gx_type)))
        return None
    before = len(problems)
    if item.get("windows"):
        problems.append((f"{at}.windows", "windows (bounds from earlier runs) are not supported"))
    severity = item.get("severity")
    if severity is not None and severity not in _SEVERITIES:
        problems.append(
            (f"{at}.severity", f"expected 'critical', 'warning' or 'info', got {severity!r}")
        )
    kwargs = _kwargs(item, at, problems)
    if options is None:
        options = _Options()
    params, where = _params(rule, gx_type, kwargs, problems, options)
    if len(problems) > before:
        return None
    params["severity"] = _SEVERITIES[severity] if severity is not None else "error"
    return _build(rule, gx_type, params, where=where, at=at, problems=problems)


def _kwargs(item: Mapping[str, Any], at: str, problems: Problems) -> dict[str, tuple[Any, str]]:
    """Every kwarg of an item, nested or flattened, with the path it was found at."""
    nested = item.get("kwargs") or {}
    if not isinstance(nested, Mapping):
        problems.append((f"{at}.kwargs", f"kwargs must be a mapping, got {_kind(nested)}"))
        nested = {}
    out = {key: (value, f"{at}.kwargs.{key}") for key, value in nested.items()}
    for key, value in item.items():
        if key in _ENVELOPE:
            continue
        if key in out:
            problems.append((f"{at}.{key}", f"{key} is given both in kwargs and beside type"))
        out[key] = (value, f"{at}.{key}")
    return out


def _is_one(value: Any) -> bool:
    """Whether ``mostly`` is GX's no-op default (absent or 1), which needs no tolerance from us."""
    return value is None or (
        isinstance(value, (int, float)) and not isinstance(value, bool) and value == 1
    )


def _parameter(value: Any, path: str, options: _Options, problems: Problems) -> Any:
    """A kwarg holding suite parameters, evaluated; ``None`` (with a problem) if it cannot be."""
    try:
        return substitute(value, options.parameters, options.now)
    except SuiteError as exc:
        problems.append((path, exc.problem))
        return None


def _condition(
    kwargs: dict[str, tuple[Any, str]], params: dict[str, Any], where: dict[str, str]
) -> str | None:
    """``row_condition`` as our ``where``; the problem when it cannot be honoured."""
    condition, path = kwargs.get("row_condition", (None, ""))
    parser = kwargs.get("condition_parser", (None, ""))[0]
    if parser not in (None, _PARSER):
        return (
            f"condition_parser {parser!r} is not supported (not a valid enumeration member): "
            "dataguard reads row conditions in pandas-query syntax, condition_parser: 'pandas'"
        )
    if condition in (None, ""):
        return None
    if not isinstance(condition, str):
        return "row_condition must be a string"
    if parser is None:
        return "row_condition needs condition_parser: 'pandas'"
    params["where"] = condition
    where["where"] = path
    return None


def _params(
    rule: Rule,
    gx_type: str,
    kwargs: dict[str, tuple[Any, str]],
    problems: Problems,
    options: _Options,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Our parameters from the GX kwargs, and for each of ours the GX path it came from."""
    accepted = rule.accepted()
    params: dict[str, Any] = {}
    where: dict[str, str] = {}

    def apply(key: str, value: Any, path: str) -> None:
        spec = accepted[key]
        if isinstance(spec, str):
            params[spec] = value
            where[spec] = path
            return
        try:
            translated = spec.to_ours(value)
        except SuiteError as exc:
            problems.append((path, exc.problem))
            return
        params.update(translated)
        nested = len(spec.params) > 1  # a GX mapping split into several of our parameters
        where.update({p: f"{path}.{p}" if nested and path else path for p in translated})

    for key, (given, path) in kwargs.items():
        value = given
        if is_parameter(given):
            value = _parameter(given, path, options, problems)
            if value is None:
                continue
        if key in ("row_condition", "condition_parser"):
            continue
        if key in _REFUSED:
            if value not in (None, False, "", {}):
                problems.append((path, _REFUSED[key]))
        elif key in _IGNORED or key in rule.ignored:
            continue
        elif key == "mostly" and key not in accepted:
            if not _is_one(value):
                problems.append((path, f"mostly cannot be honoured: {gx_type} has no tolerance"))
        elif key not in accepted:
            hint = did_you_mean([key], accepted, most=1)
            problems.append((path, f"unknown kwarg {key!r} for {gx_type}{hint}"))
        elif value is not None:  # GX writes null for an option left at its default
            apply(key, value, path)
    for key, value in rule.gx_defaults.items():
        if kwargs.get(key, (None,))[0] is None:
            apply(key, value, "")
    if rule.unbounded and all(params.get(p) is None for p in rule.unbounded):
        params["allow_unbounded"] = True
    problem = _condition(kwargs, params, where)
    if problem is not None:
        at = kwargs.get("condition_parser", kwargs.get("row_condition", (None, "")))[1]
        problems.append((at, problem))
    params.update(rule.fixed)
    return params, where


def _build(
    rule: Rule,
    gx_type: str,
    params: dict[str, Any],
    *,
    where: dict[str, str],
    at: str,
    problems: Problems,
) -> Expectation | None:
    """Our expectation from translated parameters; constructor errors located in GX terms."""
    classes = [lookup(t) for t in rule.targets]
    cls = next((c for c in classes if set(params) <= set(field_hints(c))), classes[0])
    required = [
        f.name
        for f in fields(cls)
        if f.init and f.default is MISSING and f.default_factory is MISSING and f.name not in params
    ]
    if required:
        names = {ours: gx for gx, ours in rule.kwargs.items() if isinstance(ours, str)}
        missing = ", ".join(names.get(name, name) for name in required)
        problems.append((at, f"{gx_type} needs {missing}"))
        return None
    try:
        return cls.from_dict(params)
    except SuiteError as exc:
        inner = exc.path or ""
        key = inner.split("[", 1)[0].split(".", 1)[0]
        path = f"{where[key]}{inner[len(key) :]}" if where.get(key) else at
        problems.append((path, exc.problem))
        return None
