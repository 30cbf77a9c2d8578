"""Literal values of row expressions: numbers, text, and typed timestamp, date and interval text."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from dataguard._duration import Duration
from dataguard._expr._nodes import Kind, Literal

#: Decimal literals with exponents up to this size are kept exact (floats reach 10**308).
_DECIMAL_EXPONENTS = 330
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"'}

#: The words that turn the text literal after them into a typed one.
TYPED_WORDS = ("timestamp", "date", "interval")


class LiteralError(ValueError):
    """A literal that cannot be read (turned into a SuiteError by the parser)."""


def number(text: str) -> int | Decimal | float:
    """A number literal, exactly: integers as ints, others as decimals (``d == 1.0000000000000001``
    on a decimal column means that number, not the float 1.0; float columns compare with its
    nearest float). A literal too large or small for a float is a float (an infinity or 0)."""
    if re.fullmatch(r"\d+", text):
        return int(text)
    value = Decimal(text)
    return value if value.is_zero() or abs(value.adjusted()) <= _DECIMAL_EXPONENTS else float(text)


def unescape(quoted: str) -> str:
    """The text of a quoted string token with its escapes resolved as Python resolves them
    (pandas reads query strings as Python): ``\\n``, ``\\t``, ``\\r``, ``\\\\`` and escaped quotes;
    any other backslash stays, so a pattern such as ``'^\\w+$'`` reads as written."""
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), quoted[1:-1])


def typed(word: str, text: str) -> Literal:
    """``timestamp '...'``, ``date '...'`` or ``interval '...'`` as a literal; LiteralError
    saying what is expected when the text is not one."""
    if word == "timestamp":
        return Literal(_timestamp(text), Kind.TIMESTAMP)
    if word == "date":
        try:
            return Literal(dt.date.fromisoformat(text.strip()), Kind.DATE)
        except ValueError:
            raise LiteralError(f"date {text!r}: expected an ISO date such as 2024-01-31") from None
    return Literal(interval(text), Kind.DURATION)


def _timestamp(text: str) -> dt.datetime:
    spelled = text.strip()
    if spelled.endswith(("Z", "z")):
        spelled = spelled[:-1] + "+00:00"
    try:
        return dt.datetime.fromisoformat(spelled)
    except ValueError:
        raise LiteralError(
            f"timestamp {text!r}: expected an ISO date-time such as 2024-01-31 06:00 "
            "(a time zone offset or Z is allowed)"
        ) from None


def interval(text: str) -> dt.timedelta:
    """A duration spelled as suites spell them (``24h``, ``1d12h``, ``1.5h``, ``P1DT2H``: see
    ``dataguard._duration``), with an optional leading minus."""
    spelled = text.strip()
    negative = spelled.startswith("-")
    try:
        length = Duration(spelled[1:] if negative else spelled).delta
    except (ValueError, OverflowError) as exc:
        raise LiteralError(f"interval {text!r}: {exc}") from None
    return -length if negative else length
