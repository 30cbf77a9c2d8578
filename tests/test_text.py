"""Plain-text tables: wrapping to a width loses nothing and fits; no width keeps rows whole.
Shortened text is cut one way everywhere."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dataguard as dg
import dataguard._text as text_module
from dataguard._expr import parse_condition
from dataguard._text import MIN_COLUMN, MIN_LAST, clip, table
from dataguard.compat._gx_parameters import MAX_EXPRESSION, evaluate
from dataguard.report._schema import schema_errors

WORDS = st.text(alphabet="abcdefghij_-.'0123456789", min_size=1, max_size=30)
CELLS = st.lists(WORDS, min_size=0, max_size=8).map(" ".join)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]], list[list[str]]]:
    columns = draw(st.integers(1, 6))
    header = [f"h{i}" for i in range(columns)]
    rows = draw(st.lists(st.lists(CELLS, min_size=columns, max_size=columns), max_size=5))
    notes = draw(st.lists(st.lists(CELLS, max_size=2), min_size=len(rows), max_size=len(rows)))
    return header, rows, notes


@given(tables(), st.integers(0, 200))
def test_wrapped_tables_fit_and_keep_every_character(
    drawn: tuple[list[str], list[list[str]], list[list[str]]], extra: int
) -> None:
    header, rows, notes = drawn
    width = MIN_COLUMN * (len(header) - 1) + 2 * (len(header) - 1) + MIN_LAST + extra
    text = table(header, rows, notes, width)
    assert all(len(line) <= width for line in text.splitlines())
    kept = "".join(text.split())
    for cell in [c for row in rows for c in row] + [n for ns in notes for n in ns]:
        for word in cell.split():
            # Characters survive in order, though a word may be broken across lines.
            position = 0
            for char in word:
                position = kept.find(char, position)
                assert position >= 0


@given(tables())
def test_without_a_width_each_row_stays_on_one_line(
    drawn: tuple[list[str], list[list[str]], list[list[str]]],
) -> None:
    header, rows, notes = drawn
    text = table(header, rows, notes)
    assert len(text.split("\n")) == 2 + len(rows) + sum(len(n) for n in notes)
    for row in rows:
        assert all(" ".join(cell.split()) in text for cell in row)


@given(st.text(max_size=300), st.integers(1, 200))
def test_clipped_text_keeps_a_prefix_and_ends_in_an_ellipsis(text: str, limit: int) -> None:
    for tally in (True, False):
        cut = clip(text, limit, tally=tally)
        if len(text) <= limit:
            assert cut == text
            continue
        kept = cut.split("…", 1)[0]
        assert text.startswith(kept)
        if tally:
            assert cut == f"{kept}… (+{len(text) - len(kept):,} characters)"
        else:
            assert len(cut) == limit


def test_every_shortened_message_uses_the_same_ellipsis() -> None:
    with pytest.raises(dg.SuiteError) as condition:
        parse_condition("(" * 100 + "a")
    with pytest.raises(dg.SuiteError) as parameter:
        evaluate("1 + " * MAX_EXPRESSION, {}, dt.datetime(2020, 1, 1))
    problems = list(schema_errors(["x" * 100], {"type": "string"}))
    shortened = [str(condition.value), str(parameter.value), *problems]
    assert all("…" in text and "..." not in text for text in shortened), shortened


def _imported(module: ModuleType, within: ast.AST | None = None) -> set[str]:
    """The modules ``from ... import`` names, in ``within`` or at the top of ``module`` (not
    under ``if TYPE_CHECKING``)."""
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    nodes = ast.walk(within) if within is not None else iter(tree.body)
    return {str(n.module) for n in nodes if isinstance(n, ast.ImportFrom)}


def test_results_import_the_text_rendering_at_the_top() -> None:
    # The rendering reads results only through the objects it is given, so the results module
    # imports it once, at the top, instead of inside the method that needs it.
    tree = ast.parse(Path(str(dg.result.__file__)).read_text(encoding="utf-8"))
    method = next(
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "failure_table"
    )
    assert "dataguard._text" in _imported(dg.result)
    assert not _imported(dg.result, method)
    assert "dataguard.result" not in _imported(text_module)
