"""Suites: an ordered collection of expectations plus an optional schema block, and their files."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from dataguard._comments import Comments, with_comments
from dataguard._deferred import yaml
from dataguard._documents import (
    Document,
    PathPart,
    format_path,
    parse_json,
    parse_yaml,
    read_document,
)
from dataguard._storage import Location, beside, folder_of, is_remote, resolve, write_bytes
from dataguard.compat import read_gx_suite
from dataguard.compat.gx_vocabulary import (
    GX_COUNTERPART_MISSING,
    native_parameters,
    native_types,
)
from dataguard.errors import SuiteError, did_you_mean, suggestion
from dataguard.expectations import (
    ColumnDtype,
    ColumnExists,
    ColumnsMatchOrderedList,
    ColumnType,
    EachColumn,
    Expectation,
    NoExtraColumns,
    NotNull,
    Unique,
    check_grouping,
    lookup,
)
from dataguard.expectations._params import coerce, field_hints
from dataguard.expectations._types import LogicalType

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["ColumnSpec", "Schema", "Suite", "load_suite"]

#: Version of the suite document format; files of a newer major version are refused.
SUITE_FORMAT_VERSION = 1
#: What expectations that read only text accept.
_TEXT = frozenset({"string"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnSpec:
    """What a schema declares about one column; compiled into expectations.

    As in Pandera, a declared column is required and not nullable unless it says otherwise.
    """

    name: str
    type: LogicalType | None = None
    dtype: str | None = None
    nullable: bool = False
    unique: bool = False
    required: bool = True

    def __post_init__(self) -> None:
        for key, hint in field_hints(ColumnSpec).items():
            value = coerce(getattr(self, key), hint, key)
            object.__setattr__(self, key, value)

    def expectations(self) -> tuple[Expectation, ...]:
        """The expectations this declaration stands for, in a fixed order."""
        out: list[Expectation] = []
        if self.required:
            out.append(ColumnExists(column=self.name))
        if self.type is not None:
            out.append(ColumnType(column=self.name, logical_type=self.type))
        if self.dtype is not None:
            out.append(ColumnDtype(column=self.name, dtype=self.dtype))
        if not self.nullable:
            out.append(NotNull(self.name))
        if self.unique:
            out.append(Unique(self.name))
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Schema:
    """Column declarations plus table options.

    ``strict``: no columns beyond the declared ones. ``ordered``: declared columns appear in the
    declared order.
    """

    columns: tuple[ColumnSpec, ...] = ()
    strict: bool = False
    ordered: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise SuiteError("a column is declared twice", path="schema.columns")

    def expectations(self) -> tuple[Expectation, ...]:
        """The expectations of every column, then the table options."""
        out = [e for spec in self.columns for e in spec.expectations()]
        names = tuple(c.name for c in self.columns)
        if self.strict:
            out.append(NoExtraColumns(column_set=names))
        if self.ordered:
            out.append(ColumnsMatchOrderedList(column_list=names, exact_match=False))
        return tuple(out)

    @property
    def optional_columns(self) -> frozenset[str]:
        """Declared columns that may be absent."""
        return frozenset(c.name for c in self.columns if not c.required)

    @property
    def column_types(self) -> dict[str, str]:
        """The declared logical type of each column that declares one."""
        return {c.name: c.type for c in self.columns if c.type is not None}

    def to_dict(self) -> dict[str, Any]:
        """The schema block of a suite document."""
        out: dict[str, Any] = {}
        if self.strict:
            out["strict"] = True
        if self.ordered:
            out["ordered"] = True
        columns: dict[str, Any] = {}
        for spec in self.columns:
            declared = {}
            for f in fields(spec):
                value = getattr(spec, f.name)
                if f.name != "name" and value != f.default:
                    declared[f.name] = value
            columns[spec.name] = declared
        out["columns"] = columns
        return out


@dataclass(frozen=True)
class Suite:
    """Expectations to check together, in order, with an optional schema block.

    Build one in Python (``Suite([NotNull("id"), Between("amount", min_value=0)])``) or load it
    from YAML or JSON with ``load_suite``. Suites are frozen and hashable: declarations, not code.
    ``comments`` (by document path, such as ``("expectations", 2)``) are written into YAML above
    their entries; like ``meta`` they take no part in equality, and loading does not read them.
    ``group_by`` judges every expectation that reads rows and names no ``group_by`` of its own
    per group of these columns' values; ``max_groups`` caps the groups of those that set none.
    """

    expectations: tuple[Expectation, ...] = ()
    name: str = ""
    schema: Schema | None = None
    description: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    #: Other tables the expectations may read, by name: paths as written (a relative one is
    #: resolved against the suite file's folder, see ``table_paths``).
    tables: Mapping[str, str] = field(default_factory=dict)
    #: The document the suite was read from, if any: where its errors are located.
    document: Document | None = field(default=None, compare=False, repr=False)
    comments: Comments = field(default_factory=dict, hash=False, compare=False, repr=False)
    group_by: tuple[str, ...] = ()
    max_groups: int | None = None

    def __post_init__(self) -> None:
        by: object = self.group_by
        by = (by,) if isinstance(by, str) else by
        if not isinstance(by, (list, tuple)) or not all(isinstance(c, str) for c in by):
            raise SuiteError("group_by must be a column name or a list of them", path="group_by")
        object.__setattr__(self, "group_by", tuple(by))
        cap = self.max_groups
        if cap is not None and (not isinstance(cap, int) or isinstance(cap, bool)):
            raise SuiteError(f"max_groups must be an integer, got {cap!r}", path="max_groups")
        check_grouping(self.group_by, cap)
        for name, path in self.tables.items():
            if not isinstance(name, str) or not isinstance(path, str) or not path:
                raise SuiteError("a table is a name and a file path", path="tables")
        items = tuple(self.expectations)
        for i, item in enumerate(items):
            if not isinstance(item, Expectation):
                raise SuiteError(
                    f"expected an Expectation, got {type(item).__name__}", path=f"expectations[{i}]"
                )
        object.__setattr__(self, "expectations", items)

    def __hash__(self) -> int:
        tables = tuple(sorted(self.tables.items()))
        return hash(
            (
                self.expectations,
                self.name,
                self.schema,
                self.description,
                tables,
                self.group_by,
                self.max_groups,
            )
        )

    @property
    def compiled(self) -> tuple[Expectation, ...]:
        """Every expectation to evaluate: the schema's first, then the listed ones."""
        declared = self.schema.expectations() if self.schema else ()
        return declared + self.expectations

    @property
    def folder(self) -> Path | Location:
        """Where relative file paths written in the suite (``tables:``, ``no_drift``'s
        ``reference``) are read from: the suite file's folder, so that a suite and its files
        move together and run from any directory; the working directory for a suite built in
        Python or from text. The folder of a suite read from an object store is there too,
        reached with the storage options the suite was read with."""
        source = self.document.source if self.document is not None else None
        if source is not None and is_remote(source):
            return resolve(folder_of(source), self.storage_options)
        return Path(source).parent if source is not None else Path()

    @property
    def storage_options(self) -> Mapping[str, str] | None:
        """The storage options the suite was read from an object store with (None otherwise)."""
        return self.document.storage_options if self.document is not None else None

    def table_paths(self) -> dict[str, Path | str]:
        """The ``tables`` as paths, relative ones resolved against ``folder`` (as URIs for a
        suite read from an object store)."""
        source = self.document.source if self.document is not None else None
        if source is not None and is_remote(source):
            return {name: beside(folder_of(source), p) for name, p in self.tables.items()}
        folder = Path(source).parent if source is not None else Path()
        return {name: folder / Path(p) for name, p in self.tables.items()}

    def error(self, problem: str, expectation: Expectation, key: str) -> SuiteError:
        """A SuiteError about ``expectation``'s parameter ``key``, naming the suite file and
        line it was read from (when it was read from one)."""
        index = next((i for i, e in enumerate(self.expectations) if e is expectation), None)
        if index is None:
            return SuiteError(problem, path=key or None)
        path: list[PathPart] = ["expectations", index, *([key] if key else [])]
        if self.document is None:
            return SuiteError(problem, path=format_path(path))
        return self.document.error(problem, path)

    @property
    def optional_columns(self) -> frozenset[str]:
        """Columns the schema allows to be absent; expectations on them are skipped then."""
        return self.schema.optional_columns if self.schema else frozenset()

    @property
    def column_types(self) -> dict[str, str]:
        """The logical type the schema declares for each column that declares one."""
        return self.schema.column_types if self.schema else {}

    def text_columns(self, names: Sequence[str]) -> frozenset[str]:
        """The columns that only text expectations (patterns, lengths, date formats) read, for
        data with these columns: a text file's reader must not parse them as dates."""
        wanted: set[str] = set()
        refused: set[str] = set()
        for expectation in self.expand(names):
            accepts = type(expectation).accepts
            if accepts is None:
                continue
            for column in expectation.columns:
                if accepts == _TEXT:
                    wanted.add(column)
                elif "string" not in accepts:
                    refused.add(column)
        return frozenset(wanted - refused)

    def expand(self, names: Sequence[str]) -> tuple[Expectation, ...]:
        """The compiled expectations for data with these columns: each ``columns_matching`` item
        becomes one expectation per matching column (and stays itself if none matches)."""
        out: list[Expectation] = []
        for expectation in self.compiled:
            if isinstance(expectation, EachColumn):
                out.extend(expectation.expand(names) or (expectation,))
            else:
                out.append(expectation)
        return tuple(out)

    @property
    def fingerprint(self) -> str:
        """A stable hash of the suite's content, to tell which suite produced a result."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, default=_iso, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """The suite as a plain document (what ``dump`` writes)."""
        out: dict[str, Any] = {"format_version": SUITE_FORMAT_VERSION}
        if self.name:
            out["name"] = self.name
        if self.description:
            out["description"] = self.description
        if self.meta:
            out["meta"] = dict(self.meta)
        if self.schema is not None:
            out["schema"] = self.schema.to_dict()
        if self.tables:
            out["tables"] = dict(self.tables)
        if self.group_by:
            out["group_by"] = list(self.group_by)
        if self.max_groups is not None:
            out["max_groups"] = self.max_groups
        out["expectations"] = [e.to_dict() for e in self.expectations]
        return out

    def dumps(self, fmt: str = "yaml") -> str:
        """The suite as YAML or JSON text."""
        document = self.to_dict()
        if fmt == "json":
            return json.dumps(document, indent=2, ensure_ascii=False, default=_iso) + "\n"
        if fmt == "yaml":
            text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
            return with_comments(text, self.comments) if self.comments else text
        raise ValueError(f"unknown suite format {fmt!r}; use 'yaml' or 'json'")

    def dump(
        self, path: str | os.PathLike[str], *, storage_options: Mapping[str, str] | None = None
    ) -> Path | str:
        """Write the suite atomically, as JSON for ``.json`` paths and YAML otherwise; ``path``
        may be an object-store URI reached with ``storage_options`` (then it is returned)."""
        fmt = "json" if os.fspath(path).lower().endswith(".json") else "yaml"
        return write_bytes(path, self.dumps(fmt), storage_options)

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None) -> Suite:
        """Build a suite from a parsed document; SuiteError names the place of any problem."""
        return _build(Document(data, source))

    @classmethod
    def from_gx(
        cls,
        suite: Mapping[str, Any] | str | os.PathLike[str],
        *,
        parameters: Mapping[str, Any] | None = None,
    ) -> Suite:
        """Import a Great Expectations suite (0.x ``expectation_type`` or 1.x ``type`` layout).

        Suite parameters (``{"$PARAMETER": "now() - timedelta(days=1)"}``) are evaluated at
        import, with named values from ``parameters``; see ``dataguard.compat.read_gx_suite``.
        """
        read = read_gx_suite(suite, parameters=parameters)
        return cls(read.expectations, read.name, description=read.description)

    def strategy(
        self,
        *,
        violate: Iterable[str | int] = (),
        kind: Literal["pandas", "arrow"] = "pandas",
        tables: Mapping[str, Any] | None = None,
        now: dt.datetime | None = None,
    ) -> SearchStrategy[Any]:
        """A hypothesis strategy of pandas DataFrames (``kind="arrow"``: pyarrow Tables) passing
        this suite, or failing exactly the expectations named in ``violate`` (``"type:column"``,
        ``"type"`` or a position), with ``tables`` and ``now`` as for ``validate``; see
        ``dataguard.strategies``. Needs hypothesis."""
        # Data generation rests on hypothesis, an optional extra: loaded by the call that needs it.
        from dataguard.strategies import frames

        return frames(self, violate=violate, kind=kind, tables=tables, now=now)

    def example(
        self,
        rows: int,
        *,
        kind: Literal["pandas", "arrow"] = "pandas",
        tables: Mapping[str, Any] | None = None,
        now: dt.datetime | None = None,
    ) -> Any:
        """One frame of ``rows`` rows passing this suite (``tables`` and ``now`` as for
        ``validate``), the same each time. Needs hypothesis."""
        from dataguard.strategies import example  # hypothesis-backed, as in ``strategy``

        return example(self, rows, kind=kind, tables=tables, now=now)

    def with_expectations(self, *more: Expectation) -> Suite:
        """A copy with more expectations appended."""
        return Suite(
            self.expectations + more,
            self.name,
            self.schema,
            self.description,
            self.meta,
            self.tables,
            self.document,
            self.comments,
            self.group_by,
            self.max_groups,
        )

    def locate(self, expectation: Expectation, error: SuiteError) -> SuiteError:
        """``error``, raised by one of this suite's expectations once the data's schema is
        known, naming where the expectation is declared (see ``error``)."""
        key = (error.path or "").split("[", 1)[0].split(".", 1)[0]
        return self.error(error.problem, expectation, key)


def _iso(value: Any) -> str:
    """JSON has no dates: temporal bounds are written as ISO 8601 text, which they compare as."""
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def load_suite(
    path: str | os.PathLike[str], *, storage_options: Mapping[str, str] | None = None
) -> Suite:
    """Load a suite from a YAML or JSON file, checking every key and parameter."""
    return _build(read_document(path, storage_options))


def loads_suite(text: str, fmt: str = "yaml") -> Suite:
    """Load a suite from YAML or JSON text."""
    document = parse_json(text) if fmt == "json" else parse_yaml(text)
    return _build(document)


_TOP_KEYS = (
    "format_version",
    "name",
    "description",
    "meta",
    "schema",
    "tables",
    "group_by",
    "max_groups",
    "expectations",
)
_SCHEMA_KEYS = ("columns", "strict", "ordered")


def _mapping(doc: Document, value: Any, path: list[PathPart], what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        kind = "nothing" if value is None else type(value).__name__
        raise doc.error(f"{what} must be a mapping, got {kind}", path)
    for key in value:
        if not isinstance(key, str):
            raise doc.error(f"keys must be strings, got {key!r}", path)
    return value


def _unknown_keys(
    doc: Document, data: dict[str, Any], allowed: Iterable[str], path: list[PathPart]
) -> None:
    allowed = list(allowed)
    for key in data:
        if key not in allowed:
            hint = did_you_mean([key], allowed, most=1) or f"; allowed: {', '.join(allowed)}"
            raise doc.error(f"unknown key {key!r}{hint}", [*path, key])


def _build(doc: Document) -> Suite:
    data = _mapping(doc, doc.data, [], "a suite document")
    _unknown_keys(doc, data, _TOP_KEYS, [])
    version = data.get("format_version", SUITE_FORMAT_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise doc.error(
            f"format_version must be a positive integer, got {version!r}", ["format_version"]
        )
    if version > SUITE_FORMAT_VERSION:
        raise doc.error(
            f"format_version {version} is newer than this dataguard understands "
            f"({SUITE_FORMAT_VERSION}); upgrade dataguard",
            ["format_version"],
        )
    for key in ("name", "description"):
        if not isinstance(data.get(key, ""), str):
            raise doc.error(f"{key} must be a string", [key])
    meta = _mapping(doc, data["meta"], ["meta"], "meta") if "meta" in data else {}
    schema = _build_schema(doc, data["schema"]) if "schema" in data else None
    raw = data.get("expectations", [])
    if not isinstance(raw, list):
        raise doc.error("expectations must be a list", ["expectations"])
    expectations = tuple(_build_expectation(doc, item, i) for i, item in enumerate(raw))
    tables = _build_tables(doc, data["tables"]) if "tables" in data else {}
    try:
        return Suite(
            expectations,
            data.get("name", ""),
            schema,
            data.get("description", ""),
            meta,
            tables,
            doc,
            group_by=data.get("group_by", ()),
            max_groups=data.get("max_groups"),
        )
    except SuiteError as exc:  # the suite-wide grouping options: name where they are written
        key = (exc.path or "").split("[", 1)[0]
        if key not in ("group_by", "max_groups"):
            raise
        raise doc.error(exc.problem, [key]) from None


def _build_tables(doc: Document, value: Any) -> dict[str, str]:
    tables = _mapping(doc, value, ["tables"], "tables")
    for name, path in tables.items():
        if not isinstance(path, str) or not path:
            raise doc.error(f"table {name!r} needs a file path", ["tables", name])
    return tables


def _build_expectation(doc: Document, item: Any, index: int) -> Expectation:
    path: list[PathPart] = ["expectations", index]
    params = dict(_mapping(doc, item, path, "an expectation"))
    name = params.pop("type", None)
    if not isinstance(name, str):
        raise doc.error("an expectation needs a 'type' naming it, such as 'not_null'", path)
    try:
        cls = lookup(name)
    except SuiteError as exc:
        problem = _gx_type_problem(name) or exc.problem
        raise doc.error(problem, [*path, "type"], type(exc)) from None
    known = field_hints(cls)
    for key in params:
        ours = native_parameters(key, known) if key not in known else ()
        if ours:
            raise doc.error(
                f"unknown parameter {key!r} for {cls.name}: a Great Expectations name; "
                + suggestion(ours),
                [*path, key],
            )
    try:
        if "columns_matching" in params:
            return EachColumn.of(params.pop("columns_matching"), cls, params)
        return cls.from_dict(params)
    except SuiteError as exc:
        inner = exc.path or ""
        key = inner.split("[", 1)[0].split(".", 1)[0]
        located = doc.error(exc.problem, [*path, key] if key else path)
        raise SuiteError(
            exc.problem,
            source=located.source,
            path=f"expectations[{index}]" + (f".{inner}" if inner else ""),
            line=located.line,
        ) from None


def _gx_type_problem(name: str) -> str | None:
    """For a GX type name in a native suite, the dataguard name(s) it stands for."""
    ours = native_types(name)
    if ours is None:
        return None
    if not ours:
        return f"unknown expectation type {name!r}: {GX_COUNTERPART_MISSING}"
    return f"unknown expectation type {name!r}: a Great Expectations name; {suggestion(ours)}"


def _build_schema(doc: Document, value: Any) -> Schema:
    data = _mapping(doc, value, ["schema"], "schema")
    _unknown_keys(doc, data, _SCHEMA_KEYS, ["schema"])
    for option in ("strict", "ordered"):
        if not isinstance(data.get(option, False), bool):
            raise doc.error(f"{option} must be true or false", ["schema", option])
    columns = _mapping(doc, data.get("columns", {}), ["schema", "columns"], "schema.columns")
    allowed = [f.name for f in fields(ColumnSpec) if f.name != "name"]
    specs = []
    for name, raw in columns.items():
        path: list[PathPart] = ["schema", "columns", name]
        declared = _mapping(doc, {} if raw is None else raw, path, f"column {name!r}")
        _unknown_keys(doc, declared, allowed, path)
        try:
            specs.append(ColumnSpec(name=name, **declared))
        except SuiteError as exc:
            raise doc.error(exc.problem, [*path, exc.path] if exc.path else path) from None
    return Schema(tuple(specs), data.get("strict", False), data.get("ordered", False))


def suite_problems(document: Document) -> list[SuiteError]:
    """Every problem loading ``document`` meets, not only the first one ``load_suite`` raises:
    that one, then those of the other listed expectations (each is built on its own), in line
    order. Empty when the document loads."""
    try:
        _build(document)
    except SuiteError as first:
        problems = {str(first): first}
    else:
        return []
    raw = document.data.get("expectations") if isinstance(document.data, dict) else None
    for index, item in enumerate(raw if isinstance(raw, list) else ()):
        try:
            _build_expectation(document, item, index)
        except SuiteError as exc:
            problems.setdefault(str(exc), exc)
    return sorted(problems.values(), key=lambda p: p.line or 0)
