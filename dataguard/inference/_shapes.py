"""Recognised shapes of text values, and a pattern generalised from sample values.

Inference proposes these patterns from a sample (a profile's kept categories) and keeps one only
when every value of the data matches it (checked by the validation engine, not here). The known
shapes come first, most specific first; then a pattern generalised from the sample itself, such
as ``^ORD-\\d{7}$`` for ``ORD-0000001``, ``ORD-0000002``, ...
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class Shape:
    """A pattern the values of a text column may all match, and what to call it in a comment.

    ``fixed_length``: every matching value has the same length, so length bounds add nothing.
    """

    label: str
    regex: str
    fixed_length: bool


#: Known shapes, most specific first. The patterns are ASCII, so Python's ``re`` (the suite's
#: semantics) and RE2 (the engine's fast path) agree on them.
KNOWN: tuple[Shape, ...] = (
    Shape(
        "a UUID",
        r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        True,
    ),
    Shape("an e-mail address", r"^[^@\s]+@[^@\s]+\.[^@\s]+$", False),
    Shape(
        "an ISO 8601 timestamp",
        r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$",
        False,
    ),
    Shape("an ISO 8601 date", r"^\d{4}-\d{2}-\d{2}$", True),
)

#: Character classes a generalised pattern uses (ASCII only: anything else stays literal).
_CLASSES = (("\\d", str.isdigit), ("[A-Z]", str.isupper), ("[a-z]", str.islower))
#: Samples longer than this are not generalised (free text, not codes).
MAX_CODE_LENGTH = 64


def _literal(text: str) -> str:
    """``text`` as a pattern matching it, escaping only what a pattern would read otherwise
    (``re.escape`` also escapes ``-``, which would make ``ORD-`` read ``ORD\\-``)."""
    return "".join(f"\\{c}" if c in _SPECIAL else c for c in text)


_SPECIAL = frozenset(".^$*+?{}[]\\|()")


def _class_of(char: str) -> str | None:
    if char.isascii():
        for name, test in _CLASSES:
            if test(char):
                return name
    return None


def _runs(value: str) -> list[tuple[str | None, str]]:
    """``value`` as runs of one character class (None: a literal character, one run each)."""
    out: list[tuple[str | None, str]] = []
    for kind, chars in groupby(value, _class_of):
        text = "".join(chars)
        if kind is None:
            out.extend((None, c) for c in text)
        else:
            out.append((kind, text))
    return out


def generalised(samples: Sequence[str]) -> Shape | None:
    """The pattern every sample follows when they share one layout of character-class runs:
    a run equal in every sample stays literal, others become their class with a count. None when
    the samples have different layouts, are long, or would give a pattern matching anything."""
    if not samples or any(not s or len(s) > MAX_CODE_LENGTH for s in samples):
        return None
    layouts = [_runs(s) for s in samples]
    first = layouts[0]
    if any([k for k, _ in runs] != [k for k, _ in first] for runs in layouts[1:]):
        return None
    parts: list[str] = []
    fixed = True
    varying = False
    for i, (kind, _) in enumerate(first):
        texts = {runs[i][1] for runs in layouts}
        if len(texts) == 1:
            parts.append(_literal(texts.pop()))
            continue
        if kind is None:
            return None  # different punctuation in one place: not one layout
        varying = True
        lengths = sorted({len(t) for t in texts})
        if lengths == [1]:
            parts.append(kind)
        elif len(lengths) == 1:
            parts.append(f"{kind}{{{lengths[0]}}}")
        else:
            fixed = False
            parts.append(f"{kind}{{{lengths[0]},{lengths[-1]}}}")
    if not varying or len(samples) < 2:
        return None  # one value repeated: a value set says it better
    return Shape("the pattern of the observed codes", "^" + "".join(parts) + "$", fixed)


def candidates(samples: Sequence[str]) -> list[Shape]:
    """The shapes every sample matches, in order of preference (known shapes, then the
    generalised pattern)."""
    if not samples:
        return []
    values = pa.array(samples, type=pa.string())
    out = [s for s in KNOWN if pc.all(pc.match_substring_regex(values, s.regex)).as_py()]
    code = generalised(samples)
    if code is not None and code.regex not in {s.regex for s in out}:
        out.append(code)
    return out
