"""``columns_matching``: one declaration applied to every column whose name matches a pattern.

In a suite document it is an ordinary expectation item whose ``column`` is replaced by
``columns_matching`` (a Python regular expression, ``re.search`` semantics, run on RE2 like every
pattern that meets names or values from the data: it must be one RE2 can express)::

    - type: between
      columns_matching: "^amount_"
      min_value: 0

When a suite is validated, the item becomes one expectation per matching column, in the data's
column order, each reported as its own result. If no column matches, the item fails with reason
``column_missing``: a pattern that matches nothing is more often a typo than an intention.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import pyarrow as pa

from dataguard._regex import compile_regex, validate_pattern
from dataguard.errors import SuiteError
from dataguard.expectations._base import Context, Expectation
from dataguard.result import ExpectationResult, Reason


@dataclass(frozen=True, slots=True, kw_only=True)
class EachColumn(Expectation):
    """``template`` applied to every column whose name matches ``columns_matching``.

    ``template`` is any expectation on one ``column``; its own column name is ignored (by
    convention it is the pattern). Severity and ``where`` are the template's.
    """

    name: ClassVar[str] = "columns_matching"

    columns_matching: str
    template: Expectation

    def __post_init__(self) -> None:
        if not isinstance(self.template, Expectation) or isinstance(self.template, EachColumn):
            raise SuiteError("columns_matching needs an expectation to apply", path="template")
        if not isinstance(self.columns_matching, str):
            raise SuiteError(
                "columns_matching must be a regular expression", path="columns_matching"
            )
        if "column" not in {f.name for f in dataclasses.fields(self.template)}:
            raise SuiteError(
                f"{self.template.name} is not about one column, so it takes no columns_matching",
                path="columns_matching",
            )
        validate_pattern(self.columns_matching, "columns_matching")
        object.__setattr__(self, "severity", self.template.severity)
        object.__setattr__(self, "where", self.template.where)

    @classmethod
    def of(
        cls, columns_matching: str, kind: type[Expectation], params: dict[str, Any]
    ) -> EachColumn:
        """Build from a suite item's parameters (without ``type`` and ``columns_matching``)."""
        if not isinstance(columns_matching, str):
            raise SuiteError(
                "columns_matching must be a regular expression", path="columns_matching"
            )
        if "column" in params:
            raise SuiteError("give column or columns_matching, not both", path="column")
        if "column" not in {f.name for f in dataclasses.fields(kind)}:
            raise SuiteError(
                f"{kind.name} is not about one column, so it takes no columns_matching",
                path="columns_matching",
            )
        template = kind.from_dict({**params, "column": columns_matching})
        return cls(columns_matching=columns_matching, template=template)

    def expand(self, names: Sequence[str]) -> tuple[Expectation, ...]:
        """The template on every matching column, in the order of ``names``."""
        # On RE2: the names come from the data, so a backtracking engine could be made to hang.
        found = compile_regex(self.columns_matching).search(pa.array(list(names), pa.string()))
        # Rebuilt from the declaration rather than replaced field by field: an expectation may
        # derive fields from ``column`` when built (a foreign key's ``columns``).
        declared = self.template.to_dict()
        del declared["type"]
        kind = type(self.template)
        return tuple(
            kind.from_dict({**declared, "column": name})
            for name, hit in zip(names, found.to_pylist(), strict=True)
            if hit
        )

    def other_tables(self) -> dict[str, tuple[str, ...]]:
        return self.template.other_tables()

    def evaluate(self, ctx: Context) -> ExpectationResult:
        # Reached only when no column matched: a matching column replaces the item.
        return self.result(
            False, Reason.COLUMN_MISSING, f"no column matches {self.columns_matching!r}"
        )

    def sentence(self) -> str:
        column = repr(self.template.column)  # type: ignore[attr-defined]
        inner = self.template.sentence().replace(column, "each column")
        return f"For every column matching {self.columns_matching!r}: {inner}"

    def to_dict(self) -> dict[str, Any]:
        out = self.template.to_dict()
        del out["column"]
        return {"type": out.pop("type"), "columns_matching": self.columns_matching, **out}
