"""Python patterns run on RE2: the translation must keep Python's ``re.search`` meaning."""

from __future__ import annotations

import contextlib
import re
import warnings

import pyarrow as pa
import pytest

from dataguard import _regex
from dataguard._regex import (
    MAX_PYTHON_PATTERN,
    compile_regex,
    regex_for,
    to_re2,
    validate_pattern,
)
from dataguard.errors import SuiteError

TEXTS = [
    "abc",
    "ÄÖÜ",
    "naïve café",
    "١٢٣",  # Arabic-Indic digits: \d in Python
    "٣",
    "x\n",
    "x\ny",
    "\n",
    "",
    " ",
    "\u00a0",  # no-break space: \s in Python
    "\u2003",
    "\u3000",
    "\x1c",
    "\x85",
    "日本語",
    "a_b",
    "a-b",
    "Ⅻ",  # Roman numeral: \w (Nl)
    "²",  # superscript two: \w (No), not \d
    "½",
    "ﬁ",
    "ß",
    "\u017f",  # long s: folds to "s"
    "K",  # Kelvin sign
    "\u200b",
    "tab\tx",
    "foo123",
    "a\u0301",
    "ǅ",
    "$",
    "a$b",
    "[x]",
    "]",
    "^",
    "-",
    "a\\b",
    "x\r\n",
    "\v",
    "\f",
    ":alpha:",
]

PATTERNS = [
    r"\w",
    r"\w+$",
    r"^\w+$",
    r"\d",
    r"^\d+$",
    r"\s",
    r"^\s*$",
    r"\W",
    r"\D",
    r"\S",
    r"[\w-]",
    r"^[\w-]+$",
    r"[^\w]",
    r"[^\d\s]",
    r"[\d.]+",
    r"x$",
    r"^x$",
    r"y$",
    r"\Z",
    r"x\Z",
    r"[]a]",
    r"[^]a]",
    r"(?i)k",
    r"(?i)s",
    r"(?i)ß",
    r"(?i)[a-z]+",
    r"\$",
    r"a\$b",
    r"[$]",
    r"\\b",
    r"\bfoo",
    r"\Bb",
    r"(a)\1",
    r"(?=a)",
    r"(?<!x)y",
    r"(?P<n>a)(?P=n)",
    r".",
    r"^.$",
    r"^..$",
    r"\A\w",
    r"[[:alpha:]]",
    r"[\[\]]",
    r"(?s)x.",
    r"(?m)^y",
    r"(?m)x$",
    r"(?m:x$)",
    r"(?x) a b c ",
    r"\x41|\u00e9",
    r"a{,2}b",
    r"a{2,}",
    r"(?i:A)b",
    r"",
]


def _python(pattern: str) -> list[bool]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # "possible nested set" in [[:alpha:]]
        compiled = re.compile(pattern)
    return [compiled.search(text) is not None for text in TEXTS]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_both_engines_agree_with_python_re_search(pattern: str) -> None:
    if to_re2(pattern) is None:  # refused unless the Python engine is chosen
        compiled = regex_for(pattern, "python", max(map(len, TEXTS)))
    else:
        compiled = compile_regex(pattern)
    ours = compiled.search(pa.array(TEXTS)).to_pylist()
    assert ours == _python(pattern), to_re2(pattern)


@pytest.mark.parametrize(
    "pattern", [r"\w", r"\d", r"\s", r"\W", r"\D", r"\S", r"[\w-]", r"[^\d\s_]"]
)
def test_classes_match_python_on_every_bmp_character(pattern: str) -> None:
    # Outside the BMP, Python's and RE2's Unicode tables may be of different Unicode versions.
    chars = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    compiled = compile_regex(pattern)
    ours = compiled.search(pa.array(chars)).to_pylist()
    python = re.compile(pattern)
    wrong = [hex(ord(c)) for c, o in zip(chars, ours, strict=True) if o != bool(python.search(c))]
    assert wrong == []


@pytest.mark.parametrize(
    ("pattern", "re2"),
    [
        (r"\d", r"[\p{Nd}]"),
        (r"\w", r"[\p{L}\p{N}_]"),
        (r"[\w-]", r"[\p{L}\p{N}_-]"),
        (r"\D", r"[^\p{Nd}]"),
        (r"a$", r"a(?:\n?\z)"),
        (r"(?m)a$", r"(?m)a$"),
        (r"a\Z", r"a\z"),
        (r"[$]", r"[$]"),
        (r"[[:alpha:]]", r"[\[:alpha:]]"),
        (r"[]a]", r"[\]a]"),
        (r"abc", r"abc"),
    ],
)
def test_translations(pattern: str, re2: str) -> None:
    assert to_re2(pattern) == re2
    assert compile_regex(pattern).re2 == re2


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [
        (r"\bword\b", "word boundary"),
        (r"\Bx", "word boundary"),
        (r"(a)\1", "backreference"),
        (r"(?P<x>a)(?P=x)", "named backreference"),
        (r"(?=a)", "lookahead"),
        (r"(?!a)", "negative lookahead"),
        (r"(?<=a)b", "lookbehind"),
        (r"(?<!a)b", "negative lookbehind"),
        (r"(?x) a", "verbose mode"),
        (r"[\D]", "inside a character class"),
        (r"(?m:a$)", "multi-line flag"),
        (r"a{,2}", "without a lower bound"),
        (r"a*+", "RE2 rejects"),
        (r"x{1001}", "RE2 rejects"),
    ],
)
def test_patterns_re2_cannot_run_are_refused_unless_python_is_chosen(
    pattern: str, construct: str
) -> None:
    assert to_re2(pattern) is None
    with pytest.raises(SuiteError, match=construct) as caught:
        validate_pattern(pattern, "regex")
    assert caught.value.path == "regex"
    assert "regex_engine: python" in str(caught.value)
    # Nothing compiles it for RE2 without the same refusal, so every compiled form can search.
    with pytest.raises(SuiteError, match=construct):
        compile_regex(pattern)
    with pytest.raises(SuiteError, match=construct):
        regex_for(pattern, "python", None)
    validate_pattern(pattern, "regex", "python", max_value_length=100)
    ours = regex_for(pattern, "python", 100).search(pa.array(TEXTS)).to_pylist()
    assert ours == _python(pattern)


def test_python_escapes_of_code_points_run_on_re2() -> None:
    assert to_re2(r"caf\u00e9|\U0001F600") == r"caf\x{00e9}|\x{0001F600}"
    assert compile_regex(r"[\u00e0-\u00ff]").search(pa.array(["é", "e"])).to_pylist() == [
        True,
        False,
    ]


def test_the_python_engine_needs_a_value_length_bound() -> None:
    for bound in (None, 0, -1, True, 1.5):
        with pytest.raises(SuiteError, match="max_value_length") as caught:
            validate_pattern(r"(a)\1", "regex", "python", bound)  # type: ignore[arg-type]
        assert caught.value.path == "max_value_length"
    with pytest.raises(SuiteError, match="regex_engine: python"):
        validate_pattern("a", "regex", "re2", 10)
    with pytest.raises(SuiteError, match="regex_engine"):
        validate_pattern("a", "regex", "perl", 10)  # type: ignore[arg-type]


def test_the_python_engine_never_searches_over_long_values() -> None:
    # ^(a|a)*\1$ backtracks exponentially: a 5,000-character value would never finish, so
    # it must not reach Python's re at all. Its verdict is the caller's ``too_long``.
    regex = regex_for(r"^(a|a)*\1$", "python", 10)
    values = pa.array(["aa", "a" * 5000, None, "ab"])
    assert regex.search(values, too_long=False).to_pylist() == [True, False, None, False]
    assert regex.search(values, too_long=True).to_pylist() == [True, True, None, False]


def test_python_engine_keeps_nulls_and_is_per_distinct_value() -> None:
    array = pa.array(["aa", None, "ab", "aa"])
    assert regex_for(r"(a)\1", "python", 5).search(array).to_pylist() == [True, None, False, True]
    assert compile_regex(r"a").search(array).to_pylist() == [True, None, True, True]


def test_pattern_limits() -> None:
    validate_pattern("a" * 5000, "regex")  # RE2 runs it in linear time
    with pytest.raises(SuiteError, match="limited to"):
        validate_pattern(r"\b" + "a" * MAX_PYTHON_PATTERN, "regex", "python", 10)
    with pytest.raises(SuiteError, match="invalid regular expression"):
        validate_pattern("a)", "regex")
    with pytest.raises(SuiteError) as caught:
        validate_pattern("*", "regex")
    assert caught.value.path == "regex"


def test_catastrophic_pattern_runs_in_linear_time_on_re2() -> None:
    # (a+)+$ backtracks exponentially in Python on "aaaa...b"; RE2 answers at once.
    compiled = compile_regex(r"^(a+)+$")
    assert compiled.re2 is not None
    assert compiled.search(pa.array(["a" * 5000 + "b", "a" * 10])).to_pylist() == [False, True]


@pytest.mark.parametrize("pattern", [r"^\d+ unique to the analysis test$", r"(x)\1 unique too"])
def test_each_pattern_is_analysed_for_re2_once(
    pattern: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Compiling, validating and explaining a refusal share one analysis: translating a pattern
    # and probing Arrow with it is done once, however often a suite uses the pattern.
    translated: list[str] = []
    translate = _regex._translate

    def spy(text: str) -> str:
        translated.append(text)
        return translate(text)

    monkeypatch.setattr(_regex, "_translate", spy)
    for _ in range(2):
        with contextlib.suppress(SuiteError):  # the refusal message reads the analysis too
            validate_pattern(pattern, "regex")
        if to_re2(pattern) is not None:
            compile_regex(pattern)
    assert translated == [pattern]


def test_a_long_refused_pattern_is_shown_cut_with_what_was_left_out() -> None:
    pattern = "(?=x)" + "a" * 995
    with pytest.raises(SuiteError, match="lookahead") as caught:
        validate_pattern(pattern, "regex")
    message = str(caught.value)
    assert "'(?=x)aaa" in message
    assert pattern not in message
    assert "characters)" in message
    with pytest.raises(SuiteError, match="characters\\)") as invalid:
        validate_pattern("(" + pattern, "regex")
    assert pattern not in str(invalid.value)
