"""Text shapes proposed for inference: known ones first, then a pattern of the samples."""

from __future__ import annotations

import re

import pytest

from dataguard.inference._shapes import candidates, generalised


def test_codes_generalise_to_their_layout() -> None:
    shape = generalised(["ORD-0000001", "ORD-0000002", "ORD-0000310"])
    assert shape is not None
    assert shape.regex == r"^ORD-\d{7}$"
    assert shape.fixed_length
    varied = generalised(["ab.1", "cd.22"])
    assert varied is not None
    assert varied.regex == r"^[a-z]{2}\.\d{1,2}$"
    assert not varied.fixed_length
    single = generalised(["A1", "B2"])
    assert single is not None
    assert single.regex == r"^[A-Z]\d$"


@pytest.mark.parametrize(
    "samples", [["x"], ["same", "same"], ["a:1", "a;2"], ["ab", "a1"], ["", "a"], ["é1", "é2"]]
)
def test_samples_without_one_varying_layout_give_no_pattern(samples: list[str]) -> None:
    shape = generalised(samples)
    if shape is not None:  # only é1/é2: é stays literal
        assert all(re.search(shape.regex, s) for s in samples)
        assert samples == ["é1", "é2"]


def test_known_shapes_come_first() -> None:
    emails = ["a@b.io", "c.d@e.org"]
    assert [s.label for s in candidates(emails)] == ["an e-mail address"]
    # The generalised pattern of these dates is the date pattern itself: proposed once.
    assert [s.label for s in candidates(["2024-01-02", "2025-11-30"])] == ["an ISO 8601 date"]
    codes = [s.label for s in candidates(["AB-12", "CD-34"])]
    assert codes == ["the pattern of the observed codes"]
