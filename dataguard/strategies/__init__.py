"""Data from suites: hypothesis strategies of frames that pass a suite, or fail chosen parts.

``Suite.strategy()`` and ``Suite.example(n)`` call these. hypothesis is an optional extra
(``pip install 'dataguard[strategies]'``): importing dataguard does not import it, and the
first call without it raises an ImportError saying what to install.

Expectations to break are named ``"type:column"`` (every expectation of that type on that
column: ``"unique:order_id"``), ``"type"`` (every expectation of that type, for table-level
ones: ``"row_count_between"``), or by their position among the suite's expectations, as
``validate`` lists its results (an ``int`` or a string of digits).

Like ``validate``, they take the other tables cross-table checks read (``tables=``, added to
the suite's own ``tables:``) and the clock freshness is measured against (``now=``, by default
read once, when the strategy is made); frames are drawn from and judged against both.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from dataguard._deferred import hypothesis, st
from dataguard.errors import SuiteError
from dataguard.expectations import Expectation, RowExpectation
from dataguard.strategies._frames import Request, draw_frame
from dataguard.strategies._plan import plan
from dataguard.strategies._setting import setting

if TYPE_CHECKING:
    from dataguard.suite import Suite

__all__ = ["example", "frames", "selected"]

Kind = Literal["pandas", "arrow"]


def frames(
    suite: Suite,
    *,
    violate: Iterable[str | int] = (),
    kind: Kind = "pandas",
    tables: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> st.SearchStrategy[Any]:
    """A strategy of pandas DataFrames (``kind="arrow"``: pyarrow Tables) that pass every
    expectation of ``suite``, or, with ``violate``, fail exactly the named ones and pass the
    others (see the module docstring for names, ``tables`` and ``now``)."""
    _require_hypothesis()
    if kind not in ("pandas", "arrow"):
        raise ValueError(f"kind must be 'pandas' or 'arrow', got {kind!r}")
    expectations = suite.expand(_columns(suite))
    broken = selected(expectations, violate)
    for i in broken:
        expectation = expectations[i]
        if isinstance(expectation, RowExpectation) and expectation.mostly == 0:
            raise SuiteError(f"{_label(expectation)} has mostly 0: no data can fail it")
    around = setting(suite, expectations, tables, now)
    table = plan(expectations, around, tuple(expectations[i] for i in broken))
    return st.composite(draw_frame)(Request(expectations, table, frozenset(broken), kind))


def example(
    suite: Suite,
    rows: int,
    *,
    kind: Kind = "pandas",
    tables: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Any:
    """One frame of ``rows`` rows passing ``suite`` (drawn with a fixed seed: the same suite,
    tables and clock give the same frame)."""
    if rows < 0:
        raise ValueError(f"rows must be at least 0, got {rows}")
    _require_hypothesis()
    expectations = suite.expand(_columns(suite))
    table = plan(expectations, setting(suite, expectations, tables, now))
    low, high = table.rows
    if not low <= rows <= high:
        raise SuiteError(f"the suite allows between {low} and {high} rows, not {rows}")
    table.rows = (rows, rows)
    strategy = st.composite(draw_frame)(Request(expectations, table, frozenset(), kind))
    # find, not given: it runs inside a test that is itself a hypothesis test.
    return hypothesis.find(
        strategy,
        lambda _: True,
        settings=hypothesis.settings(
            database=None,
            max_examples=50,
            phases=[hypothesis.Phase.generate],
            suppress_health_check=list(hypothesis.HealthCheck),
            deadline=None,
        ),
        random=random.Random(0),
    )


def selected(expectations: Sequence[Expectation], names: Iterable[str | int]) -> list[int]:
    """The positions of the named expectations; SuiteError for a name that matches none."""
    chosen: list[int] = []
    for name in names:
        text = str(name)
        if text.isdigit():
            if int(text) >= len(expectations):
                raise SuiteError(
                    f"no expectation at position {text}: the suite has {len(expectations)}"
                )
            found = [int(text)]
        else:
            kind, _, column = text.partition(":")
            found = [
                i
                for i, e in enumerate(expectations)
                if e.name == kind and (not column or column in e.columns)
            ]
        if not found:
            listed = ", ".join(_label(e) for e in expectations)
            raise SuiteError(f"no expectation {text!r} in the suite (it has {listed})")
        chosen.extend(i for i in found if i not in chosen)
    return chosen


def _label(expectation: Expectation) -> str:
    return ":".join([expectation.name, *expectation.columns[:1]])


def _columns(suite: Suite) -> list[str]:
    """The columns the suite names, to expand ``columns_matching`` over."""
    return list(dict.fromkeys(c for e in suite.compiled for c in e.columns))


def _require_hypothesis() -> None:
    if importlib.util.find_spec("hypothesis") is None:
        raise ImportError(
            "generating data from a suite needs hypothesis: pip install 'dataguard[strategies]'"
        )
