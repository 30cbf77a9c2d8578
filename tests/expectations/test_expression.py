"""The ``expression`` expectation: a row-level check written in the row expression language."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import dataguard as dg
from benchmarks.flights import fault_counts, flights
from dataguard.cli import main
from dataguard.expectations import Expression, NotNull

FRAME = pd.DataFrame(
    {
        "id": [10, 11, 12, 13, 14, 15],
        "dep": pd.array([517, 1275, None, 2300, 900, 1000], dtype="Int64"),
        "arr": pd.array([700, 1330, None, 2200, 1000, 1100], dtype="Int64"),
        "kind": ["a", "b", "a", "a", "b", None],
    }
)


def test_failing_rows_values_ids_and_mostly() -> None:
    expectation = Expression("arr > dep or arr is null", mostly=0.8)
    result = dg.validate(FRAME, [expectation], result_format="complete", id_columns=["id"])
    (only,) = result.results
    assert (only.element_count, only.missing_count, only.unexpected_count) == (6, 0, 1)
    assert only.passed  # 5 of 6 rows pass: mostly 0.8 allows one
    assert only.unexpected_index_list == ({"id": 13},)
    assert only.partial_unexpected_list == ([2200, 2300],)  # the columns it reads, in order
    assert only.expectation.columns == ("arr", "dep")


def test_a_missing_result_fails_the_row() -> None:
    # The comparison with a missing value is false, so the row fails unless the expression
    # lets it pass: every row is judged, none counts as missing.
    plain, allowed = dg.validate(
        FRAME, [Expression("dep % 100 < 60"), Expression("dep % 100 < 60 or dep is null")]
    ).results
    assert (plain.unexpected_count, plain.missing_count) == (2, 0)  # 1275 and the null
    assert allowed.unexpected_count == 1


def test_severity_where_and_split() -> None:
    warned = Expression("dep % 100 < 60", severity="warning", where="kind == 'b'")
    result = dg.validate(FRAME, [warned], result_format="complete")
    assert result.passed  # a warning does not fail the run
    assert result.results[0].element_count == 2
    assert result.results[0].unexpected_index_list == (1,)
    good, bad = dg.split(FRAME, [Expression("arr > dep"), NotNull("kind")], fail_on="error")
    assert bad["id"].tolist() == [12, 13, 15]
    assert good["id"].tolist() == [10, 11, 14]


def test_the_declaration_round_trips_and_reads_well() -> None:
    expectation = Expression.from_dict(dict(Expression.example))
    assert expectation.to_dict() == {"type": "expression", **Expression.example}
    suite = dg.Suite([expectation])
    assert dg.suite.loads_suite(suite.dumps()) == suite
    assert expectation.describe() == (
        "Every row satisfies arr_time > dep_time or arr_time is null."
    )
    with pytest.raises(dg.SuiteError, match=r"expr: expression 'x >': expected a column"):
        Expression("x >")


SUITE = """\
name: flights
expectations:
  - {type: not_null, column: dep}
  - type: expression
    mostly: 0.5
    expr: "arr > dep_tme or arr is null"
  - {type: expression, expr: "lowr(kind) == 'a'"}
"""


def test_schema_errors_name_the_suite_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "suite.yaml"
    path.write_text(SUITE.replace("  - {type: expression, expr: \"lowr(kind) == 'a'\"}\n", ""))
    suite = dg.load_suite(path)
    with pytest.raises(dg.SuiteError) as info:
        dg.validate(FRAME, suite)
    assert str(info.value) == (
        f"{path}:6: expectations[1].expr: expression 'arr > dep_tme or arr is null': "
        "unknown column 'dep_tme'; did you mean 'dep'?"
    )
    with pytest.raises(dg.SuiteError, match=r"suite.yaml:6: expectations\[1\]\.expr"):
        dg.split(FRAME, suite)
    # Where a suite came from is no part of what it is.
    built = dg.Suite(suite.expectations, "flights")
    assert built == suite
    assert built.fingerprint == suite.fingerprint
    assert hash(built) == hash(suite)
    with pytest.raises(dg.SuiteError, match=r"^expectations\[1\]\.expr: expression"):
        dg.validate(FRAME, built)


def test_the_cli_exits_two_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data.parquet"
    FRAME.to_parquet(data)
    path = tmp_path / "suite.yaml"
    for text, line, problem in (
        (SUITE, 7, "unknown function 'lowr'; did you mean 'lower'?"),  # at load
        (SUITE.replace("lowr", "lower"), 6, "unknown column 'dep_tme'"),  # against the schema
        (SUITE.replace("lowr", "lower").replace("dep_tme", "kind"), 6, "cannot compare arr"),
    ):
        path.write_text(text)
        assert main(["validate", str(data), "--suite", str(path)], io.StringIO()) == 2
        err = capsys.readouterr().err
        assert f"suite.yaml:{line}: expectations[" in err
        assert problem in err
        assert "Traceback" not in err


def test_flights_checks_count_as_pandas_does() -> None:
    table = flights(5_000, seed=3)
    frame = table.to_pandas()
    suite = dg.Suite(
        [
            Expression("dep_time % 100 < 60 or dep_time is null"),
            Expression("arr_time > dep_time or cancelled"),
            Expression("dep_time % 100 < 60"),
        ]
    )
    minutes, order, plain = dg.validate(table, suite).results
    dep, arr = frame["dep_time"], frame["arr_time"]
    assert minutes.unexpected_count == int(((dep % 100) >= 60).sum())
    assert order.unexpected_count == int((~((arr > dep) | frame["cancelled"])).sum())
    assert plain.unexpected_count == int((~(dep % 100 < 60)).sum())  # NaN compares false
    planted = fault_counts(5_000)
    assert minutes.unexpected_count == planted["minutes_over_59"]
    assert order.unexpected_count == planted["arrival_before_departure"]
    assert plain.unexpected_count == planted["minutes_over_59"] + int(frame["cancelled"].sum())
    streamed = dg.validate(iter(table.to_batches(max_chunksize=333)), suite)
    assert [r.to_dict() for r in streamed.results] == [
        r.to_dict() for r in dg.validate(table, suite).results
    ]


def test_results_are_errors_only_for_what_cannot_run() -> None:
    table = pa.table({"a": pa.array([2**62, 1], pa.int64())})
    result = dg.validate(table, [Expression("a * 4 > 0")]).results[0]
    assert result.reason is dg.Reason.UNEXPECTED_VALUES  # beyond 64 bits: missing, so failing
    assert result.unexpected_index_list == (0,)
    assert np.array_equal(
        dg.split(table, [Expression("a * 4 > 0")])[1].column("a").to_numpy(), [2**62]
    )
