"""Suite documents: values Python cannot hold are suite errors naming the file."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import dataguard as dg
from dataguard._documents import parse_json, parse_yaml
from dataguard.report import load_document


@pytest.mark.parametrize(
    ("parse", "text", "words"),
    [
        (parse_json, '{"a": ' + "9" * 5000 + "}", "not read: it holds a number too long to read"),
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


@pytest.mark.parametrize(
    "raw",
    [
        b"{oops",
        gzip.compress(b'{"a": 1}')[:-20],
        b"\xff\xfe garbage",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": ' + b"9" * 5000 + b"}",
    ],
    ids=["invalid", "truncated gzip", "not UTF-8", "deep", "long number"],
)
def test_json_files_are_refused_alike_by_every_reader(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "doc.json"
    path.write_bytes(raw)
    with pytest.raises(dg.ProfileError) as as_profile:
        dg.load_profile(path)
    with pytest.raises(dg.InputError) as as_document:
        load_document(path)
    words = [str(e.value).replace("profile", "JSON document") for e in (as_profile, as_document)]
    assert words[0] == words[1]
    assert str(path) in words[0]
