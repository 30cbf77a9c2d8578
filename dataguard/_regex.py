"""Python-semantics regular expressions, run by Arrow's RE2 engine in linear time.

Users write Python patterns and expect ``re.search`` semantics (match anywhere unless anchored,
Unicode-aware classes). RE2 runs in linear time, so a hostile pattern or value cannot hang a
validation, but its ``\\d``, ``\\w``, ``\\s`` are ASCII-only and its ``$`` ignores a trailing
newline. We translate those to RE2 spellings with Python's meaning.

A pattern RE2 cannot express (backreferences, lookaround, ``\\b``, verbose mode) is refused with
a SuiteError naming the construct, unless its expectation opts in to Python's backtracking ``re``
with ``regex_engine: python`` and a ``max_value_length``: Python then runs once per distinct value
of the batch, only on values of at most that many characters; longer values are not searched and
count as unexpected. Backtracking can still take exponential time within that length: the opt-in
is the user's statement that the pattern is safe on such values.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from dataguard._frame import array_of, per_distinct
from dataguard._text import clip
from dataguard.errors import SuiteError

#: Longest pattern a suite may give: bounds what translating and compiling one costs.
MAX_PATTERN = 10_000
#: Longest pattern for Python's backtracking engine (the opt-in for what RE2 cannot run).
MAX_PYTHON_PATTERN = 1_000

#: Which engine runs a pattern: RE2 (linear time, the default) or Python's ``re`` (opt-in).
RegexEngine = Literal["re2", "python"]
ENGINES: tuple[RegexEngine, ...] = ("re2", "python")

# Python's \d, \w and \s in RE2 spelling, as the body of a character class.
_DIGIT = r"\p{Nd}"
_WORD = r"\p{L}\p{N}_"
_SPACE = r"\t\n\x0b\f\r\x1c-\x1f\x85\p{Z}"
_CLASSES = {"d": _DIGIT, "w": _WORD, "s": _SPACE}
#: Constructs RE2 lacks, by how they start, with the name a user knows them by.
_OBSTACLES = {
    "(?=": "a lookahead (?=...)",
    "(?!": "a negative lookahead (?!...)",
    "(?<=": "a lookbehind (?<=...)",
    "(?<!": "a negative lookbehind (?<!...)",
    "(?P=": "a named backreference (?P=...)",
    "(?>": "an atomic group (?>...)",
    "(?#": "a comment (?#...)",
    "{,": "a repetition without a lower bound {,n}",
    "(?x": "verbose mode (?x)",
}


class _NotRE2(Exception):
    """An internal signal: the pattern holds a construct RE2 cannot express."""


@dataclass(frozen=True)
class Re2Regex:
    """A pattern and its RE2 spelling with the same meaning: searches in linear time."""

    pattern: str
    re2: str

    def search(self, array: pa.Array, too_long: bool = False) -> pa.Array:
        """Boolean array: whether each string contains a match (null for null). RE2 searches
        values of any length, so ``too_long`` is never given."""
        return pc.match_substring_regex(array, self.re2)


@dataclass(frozen=True)
class PythonRegex:
    """A pattern run by Python's backtracking ``re`` (an expectation's explicit opt-in), once
    per distinct value, only on values of at most ``max_value_length`` characters."""

    pattern: str
    max_value_length: int

    def search(self, array: pa.Array, too_long: bool = False) -> pa.Array:
        """Boolean array: whether each string contains a match (null for null). A value longer
        than ``max_value_length`` is not searched and gets ``too_long``: the caller picks the
        verdict that makes it fail."""
        compiled = re.compile(self.pattern)
        longest = self.max_value_length

        def verdict(value: str) -> bool:
            return too_long if len(value) > longest else compiled.search(value) is not None

        return per_distinct(array, verdict)


#: A pattern ready to search: only patterns one of the engines can run are compiled.
CompiledRegex = Re2Regex | PythonRegex


def _shown(pattern: str) -> str:
    """The pattern for a message: a suite may give 10,000 characters, a message shows 60."""
    return clip(repr(pattern), 60)


def _refusal(obstacle: str | None) -> str:
    return (
        f"it uses {obstacle}, which RE2 cannot run (RE2 guarantees linear time); "
        "rewrite it, or opt in to Python's backtracking engine with regex_engine: python and "
        "a max_value_length"
    )


def validate_pattern(
    pattern: str,
    path: str,
    engine: RegexEngine = "re2",
    max_value_length: int | None = None,
) -> None:
    """SuiteError unless ``pattern`` is a usable Python regular expression for ``engine``: RE2
    must express it, or the Python engine must come with a positive ``max_value_length``."""
    if len(pattern) > MAX_PATTERN:
        raise SuiteError(f"pattern is longer than {MAX_PATTERN} characters", path=path)
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        raise SuiteError(f"invalid regular expression {_shown(pattern)}: {exc}", path=path) from exc
    if engine == "re2":
        if max_value_length is not None:
            raise SuiteError(
                "max_value_length bounds the Python engine: give regex_engine: python too",
                path="max_value_length",
            )
        compile_regex(pattern, path)
        return
    if engine != "python":
        raise SuiteError(
            f"regex_engine must be one of {ENGINES}, got {engine!r}", path="regex_engine"
        )
    if (
        not isinstance(max_value_length, int)
        or isinstance(max_value_length, bool)
        or max_value_length < 1
    ):
        raise SuiteError(
            "regex_engine: python needs max_value_length, a positive number of characters: "
            "longer values are not searched (and count as unexpected)",
            path="max_value_length",
        )
    if len(pattern) > MAX_PYTHON_PATTERN:
        raise SuiteError(
            f"a pattern for the Python engine is limited to {MAX_PYTHON_PATTERN} characters",
            path=path,
        )


def regex_for(
    pattern: str, engine: RegexEngine = "re2", max_value_length: int | None = None
) -> CompiledRegex:
    """The compiled form of a pattern for the engine an expectation declares. Python's engine
    runs only with a bound on the values it searches; without one, RE2 must run the pattern."""
    if engine == "python" and max_value_length is not None:
        return PythonRegex(pattern, max_value_length)
    return compile_regex(pattern)


def compile_regex(pattern: str, path: str | None = None) -> Re2Regex:
    """``pattern`` translated for RE2; SuiteError (at ``path``) naming what RE2 cannot run."""
    re2, obstacle = _analysis(pattern)
    if re2 is None:
        raise SuiteError(f"pattern {_shown(pattern)}: {_refusal(obstacle)}", path=path)
    return Re2Regex(pattern, re2)


def to_re2(pattern: str) -> str | None:
    """The RE2 spelling of a Python pattern with the same meaning, or None if there is none."""
    return _analysis(pattern)[0]


def re2_obstacle(pattern: str) -> str | None:
    """What keeps RE2 from running a Python pattern (``a lookahead (?=...)``), or None."""
    return _analysis(pattern)[1]


@functools.lru_cache(maxsize=256)
def _analysis(pattern: str) -> tuple[str | None, str | None]:
    """``pattern``'s RE2 spelling and None, or None and the obstacle to one. Translating and
    probing Arrow with the translation is done once per pattern: compiling, validating and
    explaining a refusal all read this."""
    try:
        translated = _translate(pattern)
    except _NotRE2 as exc:
        return None, str(exc)
    try:
        pc.match_substring_regex(array_of([""], pa.string()), translated)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        rejected = str(exc).removeprefix("Invalid regular expression: ")
        return None, f"a construct RE2 rejects ({rejected})"
    return translated, None


# Inline flag groups: global "(?im)" or scoped "(?m:...)" / "(?-m:...)".
_FLAGS = re.compile(r"\(\?([aiLmsux-]+)([:)])")


def _multiline(pattern: str) -> bool | None:
    """Whether ``$`` means end of line (global ``(?m)``); None when only a part is multi-line."""
    multiline = False
    for match in _FLAGS.finditer(pattern):
        if "m" in match.group(1):
            if match.group(2) == ":" or match.start() != 0:
                return None
            multiline = True
    return multiline


def _translate(pattern: str) -> str:
    """The RE2 spelling of a Python pattern; _NotRE2 naming the construct it cannot spell."""
    for marker, construct in _OBSTACLES.items():
        if marker in pattern:
            raise _NotRE2(construct)
    multiline = _multiline(pattern)
    if multiline is None:
        raise _NotRE2("a multi-line flag on part of the pattern")
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            text, i = _escape(pattern, i, in_class)
            out.append(text)
            continue
        if in_class:
            if char == "]" and not _class_just_opened(out):
                in_class = False
            # A "[" in a class is a literal for Python, but RE2 reads "[:alpha:]" as a POSIX class.
            out.append(r"\[" if char == "[" else char)
        elif char == "[":
            in_class = True
            out.append(char)
            if pattern[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                out.append(r"\]")
                i += 1
        elif char == "$" and not multiline:
            # Python's $ also matches before a final newline; for a yes/no search this is it.
            out.append(r"(?:\n?\z)")
        else:
            out.append(char)
        i += 1
    return "".join(out)


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """The RE2 spelling of the escape at ``pattern[i]`` and the index after it."""
    nxt = pattern[i + 1]
    i += 2
    if nxt in _CLASSES:
        body = _CLASSES[nxt]
        return (body if in_class else f"[{body}]"), i
    if nxt in "DWS":
        if in_class:
            raise _NotRE2(f"\\{nxt} inside a character class")
        return f"[^{_CLASSES[nxt.lower()]}]", i
    if nxt in "bB" and not in_class:
        raise _NotRE2(f"a word boundary \\{nxt} (Python's is Unicode-aware, RE2's is not)")
    if nxt.isdigit() and nxt != "0" and not in_class:
        raise _NotRE2(f"a backreference \\{nxt}")
    if nxt in "uU":  # Python's \uXXXX and \UXXXXXXXX, validated by re.compile
        digits = 4 if nxt == "u" else 8
        return f"\\x{{{pattern[i : i + digits]}}}", i + digits
    if nxt == "Z":
        return r"\z", i
    return "\\" + nxt, i


def _class_just_opened(out: list[str]) -> bool:
    return bool(out) and (out[-1] == "[" or (out[-1] == "^" and len(out) > 1 and out[-2] == "["))
