"""The run history as expectations see it (``Context.past``): their own values in earlier runs.

``validate(..., history=PATH, dataset=NAME)`` gives every expectation a ``PastRuns`` over the
history file, so a ``history`` option (``dataguard.expectations._history``) can bound a statistic
by the values the same expectation observed in the dataset's earlier runs. The file is read when
an expectation asks, before this run is appended; a history not written yet (no file, or an empty
one) has no earlier runs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dataguard.errors import SuiteError
from dataguard.expectations import Expectation
from dataguard.history import History, expectation_key


class PastRuns:
    """Earlier observed values of expectations in the runs of ``dataset`` stored at ``path``
    (of one ``group``'s results for an expectation judged per group)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        dataset: str,
        group: Mapping[str, Any] | None = None,
    ) -> None:
        self.path = Path(path)
        self.dataset = dataset
        self.group = group

    def for_group(self, group: Mapping[str, Any]) -> PastRuns:
        """The same history, read for one group's results."""
        return PastRuns(self.path, self.dataset, group)

    def observed(self, expectation: Expectation, last: int) -> list[Any]:
        """The expectation's observed values in the ``last`` most recent earlier runs of the
        dataset, oldest first (empty for a history not written yet or a new dataset)."""
        if not self.path.is_file() or self.path.stat().st_size == 0:
            return []
        with History(self.path) as history:
            if self.dataset not in history.datasets():
                return []
            key = expectation_key(expectation)
            return history.observed_values(self.dataset, key, last=last, group=self.group)


def past_runs(
    expectations: Sequence[Expectation], path: str | os.PathLike[str] | None, dataset: str
) -> PastRuns | None:
    """The earlier runs of ``dataset`` in the history at ``path`` (None without one); a
    SuiteError when an expectation compares with earlier runs but no history was given, since
    it could only pass without checking anything."""
    if path is not None:
        return PastRuns(path, dataset)
    for expectation in expectations:
        if expectation.reads_history():
            raise SuiteError(
                f"{expectation.name} compares with earlier runs (its 'history' option), but no "
                "run history was given: pass history=PATH to validate (CLI: --history PATH)",
                path="history",
            )
    return None
