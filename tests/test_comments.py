"""Comments written into a suite's YAML: above their entries, and invisible to loading."""

from __future__ import annotations

from dataguard.expectations import Between, NotNull
from dataguard.suite import ColumnSpec, Schema, Suite, loads_suite


def test_comments_sit_above_their_entries_and_do_not_change_the_suite() -> None:
    suite = Suite(
        (NotNull("a.b"), Between("x: y", min_value=0)),
        "s",
        Schema((ColumnSpec(name="a.b"), ColumnSpec(name="x: y", nullable=True))),
        comments={
            (): "top\nsecond line",
            ("schema", "columns", "x: y"): "a column # with a hash",
            ("expectations", 1): "the range",
            ("expectations", 9): "no such entry: left out",
        },
    )
    text = suite.dumps()
    lines = text.splitlines()
    assert lines[:2] == ["# top", "# second line"]
    assert lines[lines.index("    # a column # with a hash") + 1] == "    'x: y':"
    assert lines[lines.index("# the range") + 1] == "- type: between"
    assert "no such entry" not in text
    assert loads_suite(text) == suite
    assert suite.dumps("json") == Suite(suite.expectations, "s", suite.schema).dumps("json")
