"""The generated expectation reference: current, complete, and its examples valid."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

import dataguard as dg
from dataguard.expectations import Expectation
from dataguard.expectations import docs as docs_module
from dataguard.expectations.docs import (
    COMMAND,
    builtin,
    example_yaml,
    main,
    parameters,
    reference,
    type_text,
)
from dataguard.suite import loads_suite

DOCS = Path(__file__).parents[2] / "docs" / "expectations.md"
NAMES = sorted(builtin())


def test_the_checked_in_reference_is_current() -> None:
    assert DOCS.read_text(encoding="utf-8") == reference(), (
        f"docs/expectations.md is stale: run `{COMMAND}` from the repository's root"
    )


@pytest.mark.parametrize("name", NAMES)
def test_every_expectation_has_a_one_line_example_that_builds(name: str) -> None:
    cls = builtin()[name]
    assert "example" in vars(cls), f"{cls.__name__} declares no example"
    line = example_yaml(cls)
    assert "\n" not in line
    item = yaml.safe_load(line)
    assert item["type"] == name
    built = cls.from_dict({k: v for k, v in item.items() if k != "type"})
    assert loads_suite(f"expectations:\n  - {line}\n", "yaml") == dg.Suite([built])


@pytest.mark.parametrize("name", NAMES)
def test_every_parameter_has_a_type_and_a_meaning(name: str) -> None:
    cls = builtin()[name]
    described = parameters(cls)
    for parameter in described:
        assert parameter.meaning, (
            f"{name}.{parameter.name} has no meaning: add one to MEANINGS (or SPECIFIC) in "
            "dataguard/expectations/docs.py"
        )
        assert parameter.type, parameter
        assert "<" not in parameter.type, parameter  # no Python repr of a type
    # Each section lists every parameter a suite may give, and only those.
    wanted = {f.name for f in dataclasses.fields(cls) if f.init}
    if not cls.reads_rows:
        wanted -= {"where", "group_by", "max_groups"}
    assert {p.name for p in described} == wanted


def test_types_read_as_a_suite_author_says_them() -> None:
    fields = {p.name: p for p in parameters(dg.expectations.Between)}
    assert fields["column"].type == "text"
    assert fields["min_value"].type == "value"
    assert fields["mostly"].type == "number"
    assert fields["severity"].type == "one of `error`, `warning`, `info`"
    assert fields["where"].default == "not set"
    assert fields["column"].required
    assert not fields["mostly"].required
    assert type_text(tuple[str, ...]) == "list of text"
    assert type_text(int | float | None) == "number"
    assert [p.name for p in parameters(dg.expectations.MatchesRegex)][:4] == [
        "column",
        "regex",
        "regex_engine",
        "max_value_length",
    ]


def test_schema_expectations_do_not_offer_where() -> None:
    assert "where" not in {p.name for p in parameters(dg.expectations.ColumnCountEqual)}
    section = reference().split("### `column_count_equal`")[1].split("###")[0]
    assert "Also takes `severity` (see" in section


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class _Custom(Expectation):
    """A user's own expectation, of a module of its own."""

    name = "docs_test_custom"
    example: ClassVar[dict[str, Any]] = {"column": "amount"}

    column: str

    def evaluate(self, ctx: Any) -> dg.ExpectationResult:
        return self.result(True, dg.Reason.PASSED, "")

    def sentence(self) -> str:
        return "Custom."


def test_only_dataguards_own_expectations_are_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    # A user's registered class (not registered for real: the registry is the process's).
    with_custom = {**dg.expectations.registered(), "docs_test_custom": _Custom}
    monkeypatch.setattr(docs_module, "registered", lambda: with_custom)
    assert "docs_test_custom" not in builtin()
    assert builtin() == dg.expectations.registered()
    assert "docs_test_custom" not in reference()
    other = reference({"docs_test_custom": _Custom})
    assert "## Other" in other
    assert "- {type: docs_test_custom, column: amount}" in other


def test_the_command_writes_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "expectations.md"
    assert main([str(path), "--check"]) == 1
    assert "stale; run: python -m dataguard.expectations.docs" in capsys.readouterr().err
    assert main([str(path)]) == 0
    assert path.read_text(encoding="utf-8") == reference()
    assert main([str(path), "--check"]) == 0
