"""``no_drift`` in a suite: schema changes are drift on the column, bad gates a SuiteError."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dataguard as dg
from dataguard.cli import main
from dataguard.expectations import NoDrift
from dataguard.suite import loads_suite


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    rng = np.random.default_rng(31)
    frame = pd.DataFrame({"a": rng.normal(size=200), "s": rng.choice(["x", "y", "z"], 200)})
    return dg.profile(frame).save(tmp_path / "ref.profile.json")


def suite(reference: Path, **options: object) -> dg.Suite:
    return dg.Suite.from_dict(
        {
            "expectations": [
                {"type": "no_drift", "column": c, "reference": str(reference), **options}
                for c in ("a", "s")
            ]
        }
    )


def test_a_changed_type_is_drift_with_both_types(reference: Path) -> None:
    current = pd.DataFrame({"a": ["t"] * 50, "s": np.arange(50.0)})
    results = dg.validate(current, suite(reference)).results
    kinds = zip(results, ("numeric", "categorical"), ("categorical", "numeric"), strict=True)
    for result, was, now in kinds:
        assert not result.passed
        assert result.reason == dg.Reason.DRIFTED
        assert f"{was} (" in result.message
        assert f"{now} (" in result.message


def test_an_all_missing_column_is_tested_by_its_missing_share(reference: Path) -> None:
    nothing = pd.Series([None] * 50, dtype=object)
    results = dg.validate(pd.DataFrame({"a": nothing, "s": nothing}), suite(reference)).results
    for result in results:
        assert not result.passed
        assert result.reason == dg.Reason.DRIFTED
        assert "missing" in result.details["reason"]


@pytest.mark.parametrize("value", [math.nan, -0.5, math.inf])
def test_a_gate_that_would_silence_drift_is_refused(reference: Path, value: float) -> None:
    with pytest.raises(dg.SuiteError, match="min_effect"):
        suite(reference, min_effect=value)


def test_a_test_that_cannot_be_computed_is_an_error_not_a_pass(reference: Path) -> None:
    # Welch t needs two finite values: drift reports the column with method none and the
    # reason; a suite must not count that as "no drift".
    current = pd.DataFrame({"a": [1.0]})
    check = dg.Suite.from_dict(
        {
            "expectations": [
                {
                    "type": "no_drift",
                    "column": "a",
                    "reference": str(reference),
                    "method": "welch_t",
                }
            ]
        }
    )
    (result,) = dg.validate(current, check).results
    assert not result.passed
    assert result.reason == dg.Reason.ERROR
    assert "welch_t could not be computed" in result.message
    assert result.observed_value["method"] == "none"


@pytest.mark.parametrize(
    ("options", "parameter"),
    [
        ({"alpha": 1.0}, "alpha"),
        ({"alpha": math.nan}, "alpha"),
        ({"min_effect": -0.5}, "min_effect"),
        ({"method": "kolmogorov"}, "method"),
    ],
)
def test_gates_are_checked_as_drift_checks_them(
    reference: Path, options: dict[str, object], parameter: str
) -> None:
    with pytest.raises(dg.SuiteError) as refused:
        suite(reference, **options)
    assert refused.value.path == f"expectations[0].{parameter}"
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    drift_option = {"tests" if parameter == "method" else parameter: options[parameter]}
    with pytest.raises(ValueError) as drift_refusal:
        dg.drift(frame, reference=frame, **drift_option)  # type: ignore[arg-type]
    assert refused.value.problem == str(drift_refusal.value)


SUITE_IN_A_FOLDER = """\
expectations:
  - type: no_drift
    column: a
    reference: {reference}
"""


def reference_data() -> pd.DataFrame:
    return pd.DataFrame({"a": np.random.default_rng(5).normal(size=200)})


@pytest.fixture
def suite_in_a_folder(tmp_path: Path) -> Path:
    """suites/orders.yaml naming ref.profile.json beside it, relatively."""
    folder = tmp_path / "suites"
    folder.mkdir()
    dg.profile(reference_data()).save(folder / "ref.profile.json")
    path = folder / "orders.yaml"
    path.write_text(SUITE_IN_A_FOLDER.format(reference="ref.profile.json"))
    return path


def test_a_relative_reference_is_read_from_the_suite_files_folder(
    suite_in_a_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    current = reference_data()
    suite = dg.load_suite(suite_in_a_folder)
    (result,) = dg.validate(current, suite).results
    assert result.passed, result.message
    assert suite.expectations[0].to_dict()["reference"] == "ref.profile.json"  # as written
    assert "reference: ref.profile.json\n" in suite.dumps()


def test_from_the_command_line_too(
    suite_in_a_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    reference_data().to_parquet("data.parquet")
    argv = ["validate", "data.parquet", "--suite", "suites/orders.yaml"]
    assert main(argv, stdout=io.StringIO()) == 0


def test_a_suite_built_in_python_or_from_text_reads_from_the_working_directory(
    suite_in_a_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(suite_in_a_folder.parent)
    current = reference_data()
    text = suite_in_a_folder.read_text()
    for suite in (dg.Suite([NoDrift(column="a", reference="ref.profile.json")]), loads_suite(text)):
        (result,) = dg.validate(current, suite).results
        assert result.passed, result.message


def test_a_reference_written_from_the_working_directory_is_an_error_that_says_how_to_write_it(
    suite_in_a_folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The old meaning of a relative reference: a file that exists from the working directory but
    # not from the suite's folder is not read in its place (the two could be different files).
    monkeypatch.chdir(tmp_path)
    suite_in_a_folder.write_text(SUITE_IN_A_FOLDER.format(reference="suites/ref.profile.json"))
    current = pd.DataFrame({"a": [1.0, 2.0]})
    with pytest.raises(dg.SuiteError) as refused:
        dg.validate(current, dg.load_suite(suite_in_a_folder))
    assert (refused.value.source, refused.value.line) == (str(suite_in_a_folder), 4)
    assert refused.value.path == "expectations[0].reference"
    message = str(refused.value)
    assert str(Path("suites/suites/ref.profile.json")) in message
    assert "relative to the suite file's folder" in message
    assert "reference: ref.profile.json" in message
    current.to_parquet("d.parquet")
    code = main(["validate", "d.parquet", "--suite", "suites/orders.yaml"], stdout=io.StringIO())
    assert code == 2
    assert "reference: ref.profile.json" in capsys.readouterr().err
