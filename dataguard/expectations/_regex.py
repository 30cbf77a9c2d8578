"""Python-semantics regular expressions, run by Arrow's RE2 engine whenever possible.

Users write Python patterns and expect ``re.search`` semantics (match anywhere unless anchored,
Unicode-aware classes). RE2 runs in linear time, so a hostile pattern cannot hang a validation,
but its ``\\d``, ``\\w``, ``\\s`` are ASCII-only and its ``$`` ignores a trailing newline. We
translate those to RE2 spellings with Python's meaning. Patterns RE2 cannot express (backreferences,
lookaround, ``\\b``, verbose mode) fall back to Python's ``re``, run once per distinct value of the
batch; such patterns are limited to ``MAX_FALLBACK_PATTERN`` characters, and the docs warn that
backtracking patterns can be slow on hostile data.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from dataguard.errors import SuiteError
from dataguard.expectations._convert import per_distinct

MAX_PATTERN = 10_000
MAX_FALLBACK_PATTERN = 1_000

# Python's \d, \w and \s in RE2 spelling, as the body of a character class.
_DIGIT = r"\p{Nd}"
_WORD = r"\p{L}\p{N}_"
_SPACE = r"\t\n\x0b\f\r\x1c-\x1f\x85\p{Z}"
_CLASSES = {"d": _DIGIT, "w": _WORD, "s": _SPACE}
_FALLBACK_MARKERS = ("(?=", "(?!", "(?<=", "(?<!", "(?P=", "(?>", "(?#", "{,")


@dataclass(frozen=True)
class CompiledRegex:
    """A pattern with its RE2 translation, or ``None`` when it needs the Python fallback."""

    pattern: str
    re2: str | None

    def search(self, array: pa.Array) -> pa.Array:
        """Boolean array: whether each string contains a match (null for null)."""
        if self.re2 is not None:
            return pc.match_substring_regex(array, self.re2)
        return _python_search(array, self.pattern)


def validate_pattern(pattern: str, path: str) -> None:
    """SuiteError unless ``pattern`` is a usable Python regular expression."""
    if len(pattern) > MAX_PATTERN:
        raise SuiteError(f"pattern is longer than {MAX_PATTERN} characters", path=path)
    try:
        re.compile(pattern)
    except re.error as exc:
        raise SuiteError(f"invalid regular expression {pattern!r}: {exc}", path=path) from exc
    if compile_regex(pattern).re2 is None and len(pattern) > MAX_FALLBACK_PATTERN:
        raise SuiteError(
            f"pattern uses features RE2 lacks (backreferences, lookaround, \\b) and is longer "
            f"than {MAX_FALLBACK_PATTERN} characters",
            path=path,
        )


@functools.lru_cache(maxsize=256)
def compile_regex(pattern: str) -> CompiledRegex:
    """Translate ``pattern`` for RE2, checking that RE2 accepts the translation."""
    translated = to_re2(pattern)
    if translated is not None:
        try:
            pc.match_substring_regex(pa.array([""]), translated)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            translated = None
    return CompiledRegex(pattern, translated)


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


def to_re2(pattern: str) -> str | None:
    """The RE2 spelling of a Python pattern with the same meaning, or None if there is none."""
    if any(marker in pattern for marker in _FALLBACK_MARKERS) or "(?x" in pattern:
        return None
    multiline = _multiline(pattern)
    if multiline is None:
        return None
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            i += 2
            if nxt in _CLASSES:
                body = _CLASSES[nxt]
                out.append(body if in_class else f"[{body}]")
            elif nxt in "DWS":
                if in_class:
                    return None
                out.append(f"[^{_CLASSES[nxt.lower()]}]")
            elif nxt in "bB" and not in_class:
                return None
            elif nxt.isdigit() and nxt != "0" and not in_class:
                return None  # a backreference
            elif nxt == "Z":
                out.append(r"\z")
            else:
                out.append(char + nxt)
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


def _class_just_opened(out: list[str]) -> bool:
    return bool(out) and (out[-1] == "[" or (out[-1] == "^" and len(out) > 1 and out[-2] == "["))


def _python_search(array: pa.Array, pattern: str) -> pa.Array:
    """Fallback: Python ``re.search`` over the distinct values of the batch."""
    compiled = re.compile(pattern)
    return per_distinct(array, lambda value: compiled.search(value) is not None)
