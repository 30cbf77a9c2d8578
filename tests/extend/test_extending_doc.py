"""docs/extending.md runs as written: its Python blocks, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

import dataguard as dg
from dataguard.expectations import registered

DOC = Path(__file__).resolve().parents[2] / "docs" / "extending.md"
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def test_the_extending_guide_runs_and_cleans_up() -> None:
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 4
    before = set(registered())
    namespace: dict[str, object] = {"__name__": "extending_guide"}
    try:
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), namespace)
        assert set(registered()) == before  # the guide's last block unregisters its names
    finally:
        for name in set(registered()) - before:
            dg.extend.unregister(name)


def test_the_readme_links_the_guide() -> None:
    readme = DOC.parents[1] / "README.md"
    assert "docs/extending.md" in readme.read_text(encoding="utf-8")
