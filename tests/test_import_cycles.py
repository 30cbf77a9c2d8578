"""dataguard's modules import each other at their top: a cycle between two modules is fixed by
moving code to where it belongs, not by importing inside a function (see STYLE.md).

The CLI is the one exception by design: it defers its imports so that ``dataguard --help``
starts fast (``test_import_time`` guards that).
"""

from __future__ import annotations

import ast
from pathlib import Path

import dataguard

PACKAGE = Path(dataguard.__file__).resolve().parent

#: Modules whose imports are deferred on purpose, for start-up time.
DEFERRING = frozenset({"cli.py", "__main__.py"})

#: Imports still made inside functions, by module: cycles not yet untangled. The list may only
#: shrink; a new entry needs the cycle fixed instead.
NOT_YET_AT_TOP: dict[str, frozenset[str]] = {
    "result.py": frozenset({"dataguard.report"}),
    "drift/_drift.py": frozenset({"dataguard.report"}),
    "profile/_model.py": frozenset({"dataguard.report"}),
}

#: Imports made inside functions on purpose, by module: modules resting on an optional extra
#: (data generation needs hypothesis), loaded by the call that uses them rather than by every
#: program that loads a suite.
OPTIONAL_EXTRAS: dict[str, frozenset[str]] = {"suite.py": frozenset({"dataguard.strategies"})}


def imports_inside_functions(source: str) -> set[str]:
    """The dataguard modules that ``source`` imports in a function body."""
    found: set[str] = set()
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return {name for name in found if name == "dataguard" or name.startswith("dataguard.")}


def test_the_finder_sees_an_import_inside_a_function() -> None:
    source = "import os\n\ndef f():\n    from dataguard.report import notebook_html\n"
    assert imports_inside_functions(source) == {"dataguard.report"}


def test_modules_import_dataguard_only_at_their_top() -> None:
    lazy, stale = {}, {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name in DEFERRING:
            continue
        allowed = NOT_YET_AT_TOP.get(name, frozenset()) | OPTIONAL_EXTRAS.get(name, frozenset())
        found = imports_inside_functions(path.read_text("utf-8"))
        if found - allowed:
            lazy[name] = sorted(found - allowed)
        if allowed - found:  # the list only shrinks: an entry goes once its import moved up
            stale[name] = sorted(allowed - found)
    assert lazy == {}
    assert stale == {}
