"""Turning a user's function into a registered expectation class, and back from bytes.

A custom expectation is a frozen dataclass built from the function's signature: the column
parameters are text fields naming columns, every other parameter is a typed field checked and
coerced like a built-in's (lists become tuples, ints are accepted as floats). The class carries
its ``Declaration`` (the function and what it reads); an instance pickles as that declaration
and its parameters, so a cluster's workers rebuild it without the driver's registry, whether the
function travels by reference (an importable module) or by value (cloudpickle, ``__main__``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, dataclass, field
from typing import Any, ClassVar, Literal, TypeVar, Union, get_args, get_origin

from dataguard.expectations import Expectation, lookup, register, registered, unregister

#: Parameter names every expectation already has.
RESERVED = frozenset({"severity", "where", "mostly"})
#: Logical kinds a column may be required to hold (``ColumnInfo.logical_types``).
KINDS = frozenset(
    {"integer", "float", "numeric", "string", "boolean", "datetime", "date", "categorical"}
)
_PLAIN = (str, int, float, bool, dt.date, dt.datetime, type(None))


@dataclass(frozen=True, eq=False)
class Declaration:
    """What a registered function declares: its name, what it reads, its typed parameters.

    ``inputs`` maps the function's value parameters to what feeds them (a column parameter's
    name for a row check, a statistic for an aggregate one); ``parameters`` are the other
    parameters, with their type hints and defaults.
    """

    name: str
    function: Callable[..., Any]
    columns: tuple[str, ...]
    parameters: tuple[tuple[str, Any, Any], ...]
    accepts: frozenset[str] | None
    example: Mapping[str, Any] | None
    inputs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        """Where the function is defined, as ``module.qualname``."""
        return f"{self.function.__module__}.{self.function.__qualname__}"

    @property
    def summary(self) -> str:
        """The first line of the function's docstring, or empty."""
        doc = inspect.getdoc(self.function) or ""
        return doc.strip().splitlines()[0] if doc.strip() else ""


def parameters(
    function: Callable[..., Any], columns: tuple[str, ...], inputs: tuple[str, ...]
) -> tuple[tuple[str, Any, Any], ...]:
    """The typed parameters of ``function`` beyond its ``inputs``, checked: ValueError when the
    signature cannot be an expectation's."""
    where = function.__qualname__
    signature = inspect.signature(function)
    hints = typing.get_type_hints(function)
    names = list(signature.parameters)
    missing = [n for n in inputs if n not in names]
    if missing:
        raise ValueError(f"{where} has no parameter {missing[0]!r} to receive its values")
    out = []
    for param in signature.parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise ValueError(f"{where} cannot take *args or **kwargs: declare each parameter")
        if param.name in inputs:
            continue
        if param.name in RESERVED or param.name in columns:
            raise ValueError(f"{where}: parameter {param.name!r} is reserved")
        if param.name not in hints:
            raise ValueError(f"{where}: parameter {param.name!r} needs a type annotation")
        check_hint(hints[param.name], f"{where}: parameter {param.name!r}")
        default = MISSING if param.default is param.empty else param.default
        out.append((param.name, hints[param.name], default))
    return tuple(out)


def check_hint(hint: Any, where: str) -> None:
    """Accept the parameter types a suite can spell (YAML scalars, lists of them, literals)."""
    origin = get_origin(hint)
    if hint in _PLAIN or hint is Any or origin is Literal:
        return
    if origin in (Union, types.UnionType):
        for option in get_args(hint):
            check_hint(option, where)
        return
    if origin is tuple:
        for arg in get_args(hint):
            if arg is not Ellipsis:
                check_hint(arg, where)
        return
    raise ValueError(
        f"{where} has type {hint!r}; use str, int, float, bool, date, datetime, None, "
        "a Literal, tuple[T, ...] or a union of those"
    )


def check_accepts(accepts: str | Iterable[str] | None) -> frozenset[str] | None:
    """The logical kinds a custom expectation's columns must hold; ValueError on unknown ones."""
    if accepts is None:
        return None
    kinds = frozenset([accepts] if isinstance(accepts, str) else accepts)
    unknown = sorted(kinds - KINDS)
    if unknown:
        raise ValueError(f"unknown column kind {unknown[0]!r}; use one of {sorted(KINDS)}")
    return kinds


def build_class(declaration: Declaration, base: type[Expectation]) -> type[Expectation]:
    """A frozen dataclass subclass of ``base`` whose fields are the declared columns and
    parameters, carrying ``declaration``."""
    fields: list[tuple[str, Any, Any]] = [
        (c, str, dataclasses.field()) for c in declaration.columns
    ]
    for name, hint, default in declaration.parameters:
        fields.append((name, hint, dataclasses.field(default=default)))
    namespace: dict[str, Any] = {
        "name": declaration.name,
        "declaration": declaration,
        "accepts": declaration.accepts,
        "base": base,
        "__doc__": declaration.summary or f"The custom expectation {declaration.name!r}.",
    }
    if declaration.example is not None:
        namespace["example"] = dict(declaration.example)
    cls = dataclasses.make_dataclass(
        declaration.name,
        fields,
        bases=(base,),
        namespace=namespace,
        frozen=True,
        slots=True,
        kw_only=True,
    )
    # Named after the function, so that messages and reprs point to the user's code.
    cls.__module__ = declaration.function.__module__
    cls.__qualname__ = declaration.function.__qualname__
    return cls


F = TypeVar("F", bound=Callable[..., Any])


def registrar(
    name: str,
    base: type[Expectation],
    *,
    columns: tuple[str, ...],
    inputs: Mapping[str, Any],
    accepts: str | Iterable[str] | None,
    example: Mapping[str, Any] | None,
) -> Callable[[F], F]:
    """The decorator registering a function as the expectation ``name``, a subclass of
    ``base``, whose values ``inputs`` feed (by parameter name); it returns the function."""
    kinds = check_accepts(accepts)

    def register_function(function: F) -> F:
        typed = parameters(function, columns, tuple(inputs))
        declaration = Declaration(name, function, columns, typed, kinds, example, dict(inputs))
        install(build_class(declaration, base), declaration)
        return function

    return register_function


#: The custom expectations registered here, by name.
_CUSTOM: dict[str, type[Expectation]] = {}


def install(cls: type[Expectation], declaration: Declaration) -> None:
    """Register ``cls``: a built-in name or another function's name is a ValueError; the same
    function registered again (a module imported or a notebook cell run twice) replaces the
    earlier definition."""
    name = declaration.name
    taken = registered().get(name)
    if taken is not None and name not in _CUSTOM:
        raise ValueError(f"{name!r} is a built-in expectation; choose another name")
    if taken is not None and declaration_of(taken).origin != declaration.origin:
        raise ValueError(
            f"{name!r} is already registered by {declaration_of(taken).origin}; "
            "call dataguard.extend.unregister first to replace it"
        )
    if declaration.example is not None:
        cls.from_dict(dict(declaration.example))  # a bad example fails here, with its error
    unregister(name)
    register(cls)
    _CUSTOM[name] = cls


def remove(name: str) -> None:
    """Unregister the custom expectation ``name``; ValueError for a built-in or unknown name."""
    if name not in _CUSTOM:
        lookup(name)  # unknown: the registry's error, with a suggestion
        raise ValueError(f"{name!r} is a built-in expectation and cannot be unregistered")
    del _CUSTOM[name]
    unregister(name)


def declaration_of(cls: type[Expectation]) -> Declaration:
    """The declaration a custom expectation class carries."""
    declaration: Declaration = cls.declaration  # type: ignore[attr-defined]
    return declaration


class Declared:
    """What every custom expectation class adds to its expectation base: its columns named by
    its column parameters, a sentence from the function's docstring, and pickling as its
    declaration and parameters. ``base`` is the class ``build_class`` derived it from."""

    __slots__ = ()
    declaration: ClassVar[Declaration]
    base: ClassVar[type[Expectation]]

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(getattr(self, c) for c in self.declaration.columns)

    @property
    def parameter_values(self) -> dict[str, Any]:
        """The declared parameters beyond the columns, by name, as the function receives them."""
        return {name: getattr(self, name) for name, _, _ in self.declaration.parameters}

    def sentence(self) -> str:
        name, summary = self.declaration.name, self.declaration.summary
        listed = ", ".join(repr(c) for c in self.columns) or "the table"
        return f"{name}({listed}): {summary}" if summary else f"{name} holds on {listed}."

    def __reduce__(self) -> tuple[Any, ...]:
        fields = dataclasses.fields(self)  # type: ignore[arg-type]  # a dataclass by build_class
        params = {f.name: getattr(self, f.name) for f in fields if f.init}
        return (_rebuild, (self.declaration, self.base, params))


def _rebuild(
    declaration: Declaration, base: type[Expectation], params: dict[str, Any]
) -> Expectation:
    """An expectation unpickled from its declaration and parameters: of the registered class
    when this process registered the same function, else of a class built for it here."""
    cls = _CUSTOM.get(declaration.name)
    if cls is None or declaration_of(cls).function is not declaration.function:
        cls = build_class(declaration, base)
    return cls(**params)
