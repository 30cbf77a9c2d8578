"""Suite documents: values Python cannot hold are suite errors naming the file."""

from __future__ import annotations

import pytest

import dataguard as dg
from dataguard._documents import parse_json, parse_yaml


@pytest.mark.parametrize(
    ("parse", "text", "words"),
    [
        (parse_json, '{"a": ' + "9" * 5000 + "}", "a number is too long to read"),
        (parse_yaml, "a: " + "9" * 5000, "invalid YAML value: Exceeds the limit"),
        (parse_yaml, "a: 2001-13-45", "invalid YAML value: month must be in 1..12"),
    ],
)
def test_values_python_cannot_hold_are_suite_errors(parse: object, text: str, words: str) -> None:
    with pytest.raises(dg.SuiteError, match=words) as caught:
        parse(text, "suite.yaml")  # type: ignore[operator]
    assert caught.value.source == "suite.yaml"
