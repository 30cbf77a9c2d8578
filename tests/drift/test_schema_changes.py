"""Columns whose type differs between reference and current, or that cannot be profiled, are
reported on the column, never as an exception or a silent omission (issue 14 items 4 and 24)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import dataguard as dg
from dataguard.cli import main
from dataguard.drift import TYPE_CHANGE


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    rng = np.random.default_rng(21)
    n = 300
    return pd.DataFrame(
        {
            "amount": rng.normal(size=n),
            "status": rng.choice(["a", "b", "c"], size=n),
            "stable": rng.normal(size=n),
        }
    )


@pytest.mark.parametrize("as_profile", [False, True], ids=["raw", "profile"])
def test_a_numeric_column_that_is_text_now_drifts_with_a_reason(
    reference: pd.DataFrame, as_profile: bool, assert_schema_valid: Callable[[dg.DriftReport], None]
) -> None:
    current = reference.assign(amount=["x"] * len(reference), status=list(range(len(reference))))
    ref = dg.profile(reference) if as_profile else reference
    report = dg.drift(current, reference=ref)
    for name, was, now in (
        ("amount", "numeric", "categorical"),
        ("status", "categorical", "numeric"),
    ):
        column = report.columns[name]
        assert column.drifted
        assert column.method == column.kind == TYPE_CHANGE == "type_change"
        assert column.pvalue is None
        assert f"{was} (" in column.reason
        assert f"{now} (" in column.reason
    assert not report.columns["stable"].drifted
    assert set(report.drifted_columns) == {"amount", "status"}
    assert_schema_valid(report)


def test_a_type_change_drifts_whatever_the_gate(reference: pd.DataFrame) -> None:
    current = reference.assign(amount=["x"] * len(reference))
    report = dg.drift(current, reference=reference, min_effect=1.0)
    assert report.columns["amount"].drifted


@pytest.mark.parametrize("column", ["amount", "status"])
def test_an_all_missing_current_column_gets_the_missing_share_test(
    reference: pd.DataFrame, column: str, assert_schema_valid: Callable[[dg.DriftReport], None]
) -> None:
    current = reference.assign(**{column: pd.Series([None] * len(reference), dtype=object)})
    report = dg.drift(current, reference=reference)
    verdict = report.columns[column]
    assert verdict.kind == "empty"
    assert verdict.missing is not None
    assert verdict.missing.current_share == 1.0
    assert verdict.missing.drifted
    assert verdict.drifted
    assert_schema_valid(report)


def test_an_all_missing_current_column_of_another_type(reference: pd.DataFrame) -> None:
    # Arrow string nulls against a numeric reference: no value changed type, all went missing.
    current = pa.Table.from_pandas(reference.drop(columns=["amount"])).append_column(
        "amount", pa.nulls(len(reference), pa.string())
    )
    verdict = dg.drift(current, reference=reference).columns["amount"]
    assert verdict.kind == "empty"
    assert verdict.missing is not None
    assert verdict.missing.drifted


def test_unprofilable_reference_columns_are_listed_in_skipped(
    reference: pd.DataFrame, assert_schema_valid: Callable[[dg.DriftReport], None]
) -> None:
    table = pa.Table.from_pandas(reference, preserve_index=False)
    table = table.append_column("nothing", pa.nulls(len(reference)))
    table = table.append_column("nested", pa.array([[1, 2]] * len(reference)))
    profile = dg.profile(table)
    assert set(profile.columns) == {"amount", "status", "stable"}
    assert set(profile.unprofiled) == {"nothing", "nested"}
    again = dg.Profile.from_doc(json.loads(profile.to_bytes()))
    assert again.unprofiled == profile.unprofiled
    assert again.to_bytes() == profile.to_bytes()
    for ref in (table, profile, again):
        report = dg.drift(table, reference=ref)
        assert set(report.skipped) == {"nothing", "nested"}
        assert "missing" in report.skipped["nothing"]
        assert "list" in report.skipped["nested"]
        assert_schema_valid(report)
    # Asking for such a column by name lists it too, instead of calling it unknown.
    report = dg.drift(table, reference=profile, columns=["amount", "nothing"])
    assert list(report.columns) == ["amount"]
    assert list(report.skipped) == ["nothing"]


def test_profiles_without_unprofiled_columns_keep_their_bytes(reference: pd.DataFrame) -> None:
    assert b"unprofiled" not in dg.profile(reference).to_bytes()


@pytest.mark.parametrize(
    "reference_data",
    [
        pd.DataFrame({"a": pd.Series([], dtype=float), "b": pd.Series([], dtype=object)}),
        pd.DataFrame({"a": pd.Series([None] * 5, dtype=object)}),
        pd.DataFrame(index=range(5)),
    ],
    ids=["no-rows", "no-profilable-column", "no-columns"],
)
def test_a_reference_with_nothing_to_compare_is_an_error(reference_data: pd.DataFrame) -> None:
    current = pd.DataFrame({"a": np.arange(5.0), "b": list("abcde")})
    with pytest.raises(dg.ProfileError, match="reference"):
        dg.drift(current, reference=reference_data)


def test_current_data_with_none_of_the_columns_is_an_error(reference: pd.DataFrame) -> None:
    with pytest.raises(dg.InputError, match="amount"):
        dg.drift(pd.DataFrame({"other": [1.0, 2.0]}), reference=reference)


def test_header_only_csv_reference_exits_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty, current = tmp_path / "empty.csv", tmp_path / "current.csv"
    empty.write_text("a,b\n")
    current.write_text("a,b\n1,x\n2,y\n")
    profile = tmp_path / "empty.profile.json"
    assert main(["profile", str(empty), "-o", str(profile)]) == 0
    for ref in (empty, profile):
        capsys.readouterr()
        assert main(["drift", str(current), "-r", str(ref)]) == 2
        assert "reference" in capsys.readouterr().err


def test_multivariate_with_a_type_changed_column_is_a_clear_error(
    reference: pd.DataFrame,
) -> None:
    profile = dg.profile(reference, comoments=True)
    current = reference.assign(stable=["x"] * len(reference))
    with pytest.raises(dg.InputError, match="stable"):
        dg.drift(current, reference=profile, multivariate=True)
    # Columns asked for in another order than the reference's co-moments still line up.
    report = dg.drift(reference, reference=profile, columns=["stable", "amount"], multivariate=True)
    assert report.multivariate is not None


def test_text_output_gives_the_reason_when_no_test_ran(reference: pd.DataFrame) -> None:
    from dataguard._drift_formats import drift_text

    current = reference.assign(amount=["x"] * len(reference))
    text = drift_text(dg.drift(current, reference=reference, tests={"stable": "welch_t"}))
    assert "amount: type changed: numeric (double) in the reference" in text
    one = dg.drift(current.head(1), reference=reference.head(1), tests={"stable": "welch_t"})
    assert "stable: welch_t could not be computed" in drift_text(one)
