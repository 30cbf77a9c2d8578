"""The ``tests=`` option of ``drift``: what it accepts and how it refuses the rest."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import dataguard as dg


def tables() -> tuple[pa.Table, pa.Table]:
    rng = np.random.default_rng(7)
    return (
        pa.table({"x": rng.normal(size=500), "y": rng.normal(size=500)}),
        pa.table({"x": rng.normal(size=500), "y": rng.normal(size=500)}),
    )


@pytest.mark.parametrize("tests", [["ks"], ("ks",), ["ks", "psi"], {"ks"}, 3])
def test_tests_of_another_shape_are_refused_clearly(tests: object) -> None:
    current, reference = tables()
    with pytest.raises(TypeError, match=r"tests must be a method name .* or a mapping"):
        dg.drift(current, reference=reference, tests=tests)  # type: ignore[arg-type]


def test_tests_as_a_name_or_a_mapping() -> None:
    current, reference = tables()
    everywhere = dg.drift(current, reference=reference, tests="psi")
    assert {c.method for c in everywhere.columns.values()} == {"psi"}
    one = dg.drift(current, reference=reference, tests={"y": "welch_t"})
    assert one.columns["y"].method == "welch_t"
    assert one.columns["x"].method == "ks"


def test_unknown_method_names_the_choices() -> None:
    current, reference = tables()
    with pytest.raises(ValueError, match=r"unknown drift method 'kolmogorov'.*use one of"):
        dg.drift(current, reference=reference, tests={"x": "kolmogorov"})
