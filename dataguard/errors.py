"""The exception tree of dataguard.

```
DataguardError
├── SuiteError (ValueError)          a suite that cannot be used: unknown key, bad parameter,
│   │                                unknown expectation, malformed or future-version file
│   └── UnknownExpectationError (SuiteError, KeyError)
├── InputError (TypeError)           data dataguard cannot read: unsupported object, unreadable file
├── ProfileError (ValueError)        corrupt, truncated, incompatible or future-version profile
└── ValidationFailedError            raised only by ``ValidationResult.raise_for_failures()``
```

A data outcome is never an exception: a missing column or a failed range check is a failed
``ExpectationResult``. Each error subclasses the builtin it means, so ``except ValueError`` still
works for callers who do not know dataguard.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataguard.result import ValidationResult

__all__ = [
    "DataguardError",
    "InputError",
    "ProfileError",
    "SuiteError",
    "UnknownExpectationError",
    "ValidationFailedError",
]


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
        close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        return cls(f"unknown expectation type {name!r}{hint}")

    def __str__(self) -> str:
        # KeyError would wrap the message in quotes.
        return SuiteError._format(self)


class InputError(DataguardError, TypeError):
    """The data cannot be read: an unsupported object, a missing or malformed file."""


class ProfileError(DataguardError, ValueError):
    """A reference profile is corrupt, truncated, incompatible or from a future version."""


class ValidationFailedError(DataguardError):
    """Raised by ``ValidationResult.raise_for_failures()``; carries the result."""

    def __init__(self, message: str, result: ValidationResult) -> None:
        super().__init__(message)
        self.result = result
