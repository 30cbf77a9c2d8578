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


def test_the_readers_own_errors_keep_their_words_and_lines() -> None:
    with pytest.raises(dg.SuiteError, match="NaN is not valid JSON") as caught:
        parse_json('{"a": NaN}', "suite.json")
    assert "too long" not in str(caught.value)
    with pytest.raises(dg.SuiteError, match="duplicate key 'a'") as caught:
        parse_yaml("a: 1\na: 2\n", "suite.yaml")
    assert caught.value.line == 2
