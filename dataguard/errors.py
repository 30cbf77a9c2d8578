"""The exception tree of dataguard.

```
DataguardError
├── SuiteError (ValueError)          a suite that cannot be used: unknown key, bad parameter,
│   │                                unknown expectation, malformed or future-version file
│   └── UnknownExpectationError (SuiteError, KeyError)
├── InputError (TypeError)           data dataguard cannot read: unsupported object, unreadable file
├── ProfileError (ValueError)        corrupt, truncated, incompatible or future-version profile
├── HistoryError (ValueError)        a run history that cannot be opened, read or written
├── StorageError (OSError)           an object store refusing or failing: unknown scheme or
│                                    option, missing bucket, bad credentials, time-out
└── ValidationFailedError            raised only by ``ValidationResult.raise_for_failures()``
```

A data outcome is never an exception: a missing column or a failed range check is a failed
``ExpectationResult``. Each error subclasses the builtin it means, so ``except ValueError`` still
works for callers who do not know dataguard.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataguard.result import ValidationResult

__all__ = [
    "DataguardError",
    "HistoryError",
    "InputError",
    "ProfileError",
    "StorageError",
    "SuiteError",
    "UnknownExpectationError",
    "ValidationFailedError",
]


#: Longest name "did you mean" compares (similarity is quadratic in the length).
MAX_SUGGESTED = 200


def suggestion(names: Iterable[str]) -> str:
    """``did you mean 'a' or 'b'?`` naming ``names``; ``""`` when there are none."""
    listed = " or ".join(repr(n) for n in names)
    return f"did you mean {listed}?" if listed else ""


def did_you_mean(
    missing: Sequence[str], known: Iterable[str], *, most: int = 3, cutoff: float = 0.6
) -> str:
    """A hint for an error message naming the known names closest to the missing ones (``""``
    when none is close): up to ``most`` for one missing name, the closest for each of several.

    Names longer than ``MAX_SUGGESTED`` characters are neither matched nor suggested: string
    similarity takes time quadratic in their length, and a name that long is not mistyped.
    """
    candidates = [k for k in known if len(k) <= MAX_SUGGESTED]
    wanted = [m for m in missing if len(m) <= MAX_SUGGESTED]
    if len(missing) == 1 and wanted:
        close = difflib.get_close_matches(wanted[0], candidates, n=most, cutoff=cutoff)
        return f"; {suggestion(close)}" if close else ""
    pairs = [(m, difflib.get_close_matches(m, candidates, n=1, cutoff=cutoff)) for m in wanted]
    hints = [f"{close[0]!r} for {name!r}" for name, close in pairs if close]
    return f"; did you mean {', '.join(hints)}?" if hints else ""


class DataguardError(Exception):
    """Base class of every error raised by dataguard."""


class SuiteError(DataguardError, ValueError):
    """A suite, or one of its expectations, is malformed.

    ``source`` names the file (when there is one), ``path`` the place in the document such as
    ``expectations[3].min_value`` and ``line`` the 1-based line where the YAML parser saw it.
    """

    def __init__(
        self,
        problem: str,
        *,
        source: str | None = None,
        path: str | None = None,
        line: int | None = None,
    ) -> None:
        self.problem = problem
        self.source = source
        self.path = path
        self.line = line
        super().__init__(self._format())

    def _format(self) -> str:
        where = self.source or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        if self.path:
            where = f"{where}: {self.path}" if where else self.path
        return f"{where}: {self.problem}" if where else self.problem

    def located(
        self, *, source: str | None = None, path: str | None = None, line: int | None = None
    ) -> SuiteError:
        """Return a copy that also names where the problem is, keeping what is already known."""
        prefix = path or ""
        inner = self.path or ""
        joined = f"{prefix}.{inner}" if prefix and inner else prefix or inner
        error = type(self).__new__(type(self))
        SuiteError.__init__(
            error,
            self.problem,
            source=self.source or source,
            path=joined or None,
            line=self.line if self.line is not None else line,
        )
        return error

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_suite_error, (type(self), self.problem, self.source, self.path, self.line))


def _rebuild_suite_error(
    cls: type[SuiteError], problem: str, source: str | None, path: str | None, line: int | None
) -> SuiteError:
    error = cls.__new__(cls)
    SuiteError.__init__(error, problem, source=source, path=path, line=line)
    return error


class UnknownExpectationError(SuiteError, KeyError):
    """A suite names an expectation type that is not registered."""

    @classmethod
    def for_name(cls, name: str, known: Iterable[str]) -> UnknownExpectationError:
        """Build the error with a 'did you mean' hint drawn from the registered names."""
        return cls(f"unknown expectation type {name!r}{did_you_mean([name], known)}")

    def __str__(self) -> str:
        # KeyError would wrap the message in quotes.
        return SuiteError._format(self)


class InputError(DataguardError, TypeError):
    """The data cannot be read: an unsupported object, a missing or malformed file."""


class ProfileError(DataguardError, ValueError):
    """A reference profile is corrupt, truncated, incompatible or from a future version."""


class HistoryError(DataguardError, ValueError):
    """A run history database cannot be used: not SQLite, not a dataguard history, written by a
    newer dataguard, or a run could not be appended. The message names the file."""


class StorageError(DataguardError, OSError):
    """A file's location cannot be used: an unknown scheme or storage option, or an object store
    that refuses or fails (missing bucket, bad credentials, time-out)."""


class ValidationFailedError(DataguardError):
    """Raised by ``ValidationResult.raise_for_failures()``; carries the result."""

    def __init__(self, message: str, result: ValidationResult) -> None:
        super().__init__(message)
        self.result = result
