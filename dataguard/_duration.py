"""Lengths of time as suites spell them (``24h``, ``1d12h``, ``P1DT2H``, seconds) and as people
read them (``1 day 2 h``).

Only units of a fixed length are accepted: a month or a year has none, so ISO 8601 ``P1M`` or
``P1Y`` is refused rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

__all__ = ["FORMS", "Duration", "age_text"]

_UNITS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
_NUMBER = r"\d+(?:\.\d+)?"
# Each unit at most once, largest first: ``1d12h``, ``90m``, ``1.5h``; spaces between parts.
_COMPACT = re.compile(r"\s*".join(rf"(?:(?P<{u}>{_NUMBER}){u})?" for u in _UNITS))
_ISO = re.compile(
    rf"P(?:(?P<w>{_NUMBER})W)?(?:(?P<d>{_NUMBER})D)?"
    rf"(?:T(?:(?P<h>{_NUMBER})H)?(?:(?P<m>{_NUMBER})M)?(?:(?P<s>{_NUMBER})S)?)?",
    re.IGNORECASE,
)

#: The spellings a duration accepts, for messages and documentation.
FORMS = "30s, 15m, 24h, 7d, 1d12h, ISO 8601 such as P1DT2H, or a number of seconds"


def _seconds(written: str | int | float) -> float:
    """The length ``written`` stands for, in seconds; ValueError saying what is accepted."""
    if isinstance(written, bool):
        raise ValueError(f"a duration is not true or false; use {FORMS}")
    if isinstance(written, (int, float)):
        seconds = float(written)
    else:
        text = written.strip()
        iso = text.upper().startswith("P")
        calendar = text.upper().partition("T")[0]
        if iso and ("Y" in calendar or "M" in calendar):
            raise ValueError(
                f"duration {written!r} counts years or months, which have no fixed length; "
                "use days (P30D)"
            )
        match = (_ISO if iso else _COMPACT).fullmatch(text)
        if match is None or not any(match.groupdict().values()):
            raise ValueError(f"cannot read duration {written!r}; use {FORMS}")
        seconds = sum(float(v) * _UNITS[u] for u, v in match.groupdict().items() if v)
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"a duration must be a finite length of 0 or more, got {written!r}")
    return seconds


@dataclass(frozen=True)
class Duration:
    """A length of time, kept as written so that a suite reads back as it was spelled.

    ``Duration("1d12h")``, ``Duration("PT36H")`` and ``Duration(129600)`` last as long (see
    ``delta``) but are different declarations, as ``1`` and ``1.0`` are elsewhere.
    """

    written: str | int | float
    delta: dt.timedelta = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "delta", dt.timedelta(seconds=_seconds(self.written)))

    def __str__(self) -> str:
        return self.written if isinstance(self.written, str) else f"{self.written:g} s"

    def to_plain(self) -> str | int | float:
        """The duration as it was written, for YAML and JSON."""
        return self.written


def age_text(age: dt.timedelta) -> str:
    """An age as people say it, to the second, in its two largest units: ``1 day 2 h``,
    ``3 h 5 min``, ``45 s``."""
    seconds = round(abs(age.total_seconds()))
    parts: list[str] = []
    for size, unit in ((86_400, "day"), (3_600, "h"), (60, "min"), (1, "s")):
        count, seconds = divmod(seconds, size)
        if count and len(parts) < 2:
            plural = "s" if unit == "day" and count != 1 else ""
            parts.append(f"{count} {unit}{plural}")
        elif parts:
            break
    return " ".join(parts) or "0 s"
