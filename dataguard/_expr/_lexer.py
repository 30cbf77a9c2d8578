"""Splitting expression text into tokens, each remembering where it starts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dataguard._expr._literals import number, unescape

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)
    | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<quoted>`[^`]+`)
    | (?P<op>==|!=|<=|>=|//|<|>|&|\||~|\(|\)|\[|\]|,|\+|-|\*|/|%)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
#: Words that are operators wherever they appear (a column of that name is written in backquotes).
OPERATOR_WORDS = frozenset({"and", "or", "not", "in"})
_BOOLEANS = {"true": True, "True": True, "false": False, "False": False}


@dataclass(frozen=True)
class Token:
    """One token: ``kind`` is number, string, column (a backquoted name), boolean, op or word."""

    kind: str
    text: str
    value: Any
    start: int


class LexError(ValueError):
    """Text that is not a token, at ``start``."""

    def __init__(self, start: int) -> None:
        super().__init__(start)
        self.start = start


def tokens(text: str) -> list[Token]:
    """The tokens of ``text``; LexError where something cannot be read."""
    out: list[Token] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None or match.end() == position:
            raise LexError(len(stripped) - len(stripped[position:].lstrip()))
        kind = match.lastgroup or ""
        spelled = match.group(kind)
        start = match.start(kind)
        position = match.end()
        if kind == "number":
            out.append(Token("number", spelled, number(spelled), start))
        elif kind == "string":
            out.append(Token("string", spelled, unescape(spelled), start))
        elif kind == "quoted":
            out.append(Token("column", spelled, spelled[1:-1], start))
        elif kind == "word" and spelled in _BOOLEANS:
            out.append(Token("boolean", spelled, _BOOLEANS[spelled], start))
        elif kind == "word" and spelled in OPERATOR_WORDS:
            out.append(Token("op", spelled, spelled, start))
        else:
            out.append(Token(kind, spelled, spelled, start))
    return out
