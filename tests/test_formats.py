"""Text, JSON, JUnit and Markdown renderings keep hostile values inert and structure intact."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import numpy as np
import pandas as pd

import dataguard as dg
from dataguard._formats import to_json, to_junit, to_markdown, to_text
from dataguard._text import observed_text, sample_lines
from dataguard.expectations import (
    Between,
    ColumnDtype,
    ColumnExists,
    ColumnType,
    CompoundColumnsUnique,
    InSet,
    MaxBetween,
    MeanBetween,
    NoExtraColumns,
    NotNull,
    QuantilesBetween,
)

HOSTILE = '"><img src=x onerror=alert(1)> | \x00\x07 </failure>'


def hostile_result() -> dg.ValidationResult:
    data = pd.DataFrame({"<script>alert(1)</script>": [HOSTILE, "ok", None]})
    column = "<script>alert(1)</script>"
    suite = dg.Suite([InSet(column, value_set=["ok"]), NotNull(column)], name="x|y")
    return dg.validate(data, suite)


def test_junit_is_well_formed_with_hostile_values() -> None:
    root = ET.fromstring(to_junit(hostile_result()))
    cases = root.findall(".//testcase")
    assert len(cases) == 2
    assert all(c.find("failure") is not None for c in cases)
    assert "<script>" in (cases[0].get("name") or "")  # stored as text, escaped in the XML


def test_markdown_neutralises_markup_and_pipes() -> None:
    text = to_markdown(hostile_result())
    assert "<script>" not in text
    assert "<img" not in text
    table_rows = [line for line in text.splitlines() if line.startswith("| FAILED")]
    assert len(table_rows) == 2
    # Cell separators are the pipes after an even number of backslashes (none escaped).
    assert all(len(re.findall(r"(?<!\\)(?:\\\\)*\|", row)) == 8 for row in table_rows)


def test_text_and_json() -> None:
    result = hostile_result()
    text = to_text(result)
    assert text.startswith("FAILED: suite 'x|y'")
    assert len(text.splitlines()) == 2 + 2 + 2 * (1 + 2)  # each failure: values and rows
    assert "unexpected values: null" in text
    doc = json.loads(to_json(result))
    assert doc["results"][0]["partial_unexpected_list"] == [HOSTILE]


def test_empty_suite_passes() -> None:
    result = dg.validate(pd.DataFrame({"a": [1]}), dg.Suite())
    assert result.passed
    assert "no expectations" in to_text(result)
    assert "Every expectation passed" in to_markdown(result)
    assert ET.fromstring(to_junit(result)).get("tests") == "0"


def failing_amounts(result_format: str = "summary", rows: int = 5) -> dg.ValidationResult:
    """Ids from 10,001; amounts -2.0 at the second and fourth row, and at every row from the
    sixth on."""
    amount = [1.5, -2.0, 3.0, -2.0, 7.0] + [-float(i) for i in range(1, rows - 4)]
    data = pd.DataFrame({"id": range(10_001, 10_001 + len(amount)), "amount": amount})
    suite = dg.Suite([Between("amount", min_value=0), NotNull("id")], name="orders")
    return dg.validate(data, suite, id_columns=["id"], result_format=result_format)


def test_every_format_shows_the_failing_values_and_row_ids() -> None:
    result = failing_amounts()
    try:
        result.raise_for_failures()
    except dg.ValidationFailedError as exc:
        raised = str(exc)
    junit = ET.fromstring(to_junit(result)).findall(".//failure")[0].text or ""
    for text in (to_text(result), to_markdown(result), junit, raised):
        assert "unexpected values: -2.0 ×2" in text
        assert "rows (id): 10002, 10004" in text  # ids as written, no thousands separators


def test_samples_are_bounded_and_follow_the_result_format() -> None:
    summary = to_text(failing_amounts("summary", rows=1000))
    assert "unexpected values (a sample of 20 of 997): -2.0 ×3, -1.0, -3.0" in summary
    assert "(showing 20 of 997 rows)" in summary
    complete = failing_amounts("complete", rows=1000)
    assert len(complete.results[0].unexpected_index_list) == 997
    text = to_text(complete)
    assert "(showing 20 of 997 rows)" in text
    assert "10999" not in text
    basic = to_text(failing_amounts("basic"))
    assert "unexpected values: -2.0 ×2" in basic
    assert "rows" not in basic.split("\n\n")[1]  # basic keeps values, not rows
    quiet = to_text(failing_amounts("boolean_only"))
    assert "unexpected values" not in quiet
    assert "rows (id)" not in quiet


def test_text_only_failures_under_a_summary_line() -> None:
    result = failing_amounts()
    text = to_text(result, only_failures=True)
    first, _, rest = text.partition("\n")
    assert first.startswith("FAILED: suite 'orders' on pandas.DataFrame (5 rows, 2 columns): ")
    assert "1 of 2 expectations passed, 1 failed (1 error) in " in first
    assert "not_null" not in rest
    assert "(1 passed or skipped expectation not shown)" in rest
    assert "not_null" in to_text(result)


def test_text_keeps_long_messages_and_wraps_them_to_a_width() -> None:
    name = "a_rather_long_column_name_" * 4
    data = pd.DataFrame({"amount": [1.0]})
    result = dg.validate(data, dg.Suite([NotNull(name)]))
    whole = to_text(result)
    assert f"column {name!r} not found" in whole  # no 60-character cut
    wrapped = to_text(result, width=100)
    assert max(len(line) for line in wrapped.splitlines()[2:]) <= 100
    assert "…" not in wrapped
    assert len(wrapped) > len(whole)  # wrapped onto more lines, nothing dropped


def test_text_rounds_floats_and_says_what_schema_checks_saw() -> None:
    data = pd.DataFrame({"amount": [1.5, 1e9 / 3], "id": [1, 2]})
    suite = dg.Suite(
        [
            MeanBetween("amount", max_value=1.0),
            ColumnExists(column="id"),
            ColumnExists(column="amout"),
            ColumnType(column="amount", logical_type="string"),
            ColumnDtype(column="id", dtype="string"),
        ]
    )
    result = dg.validate(data, suite)
    rows = {line.split()[2]: line for line in to_text(result).splitlines()[4:]}
    assert "166,666,667 " in rows["mean_between"]
    assert "166666667.41666666" in rows["mean_between"]  # the message keeps it exact
    by_name = {(r.expectation.name, r.passed): r for r in result.results}
    assert "column_exists  id      at index 1" in to_text(result)
    assert by_name["column_exists", False].message == (
        "column 'amout' not found; did you mean 'amount'?"
    )
    assert by_name["column_type", False].message.startswith(
        "expected string values; column 'amount' has dtype float64"
    )
    assert by_name["column_dtype", False].message == (
        "expected dtype string; column 'id' has dtype int64"
    )


def test_missing_columns_suggest_the_nearest_names() -> None:
    data = pd.DataFrame({"customer_id": [1], "amount": [1.0]})
    suite = dg.Suite(
        [
            NotNull("custmer_id"),
            NotNull("amount", where="ammount > 0"),
            NotNull("zzz"),
            NotNull("x" * 300 + "amount"),
            CompoundColumnsUnique(column_list=["customer_ID", "amont", "zzz"]),
        ]
    )
    messages = [r.message for r in dg.validate(data, suite).results]
    assert messages[:3] == [
        "column 'custmer_id' not found; did you mean 'customer_id'?",
        "column 'ammount' of the row condition not found; did you mean 'amount'?",
        "column 'zzz' not found",
    ]
    assert not messages[3].endswith("?")  # names too long to be typos are not compared
    assert messages[4] == (
        "columns 'customer_ID', 'amont', 'zzz' not found; "
        "did you mean 'customer_id' for 'customer_ID', 'amount' for 'amont'?"
    )


def test_observed_lists_mappings_and_moments_read_plainly() -> None:
    data = pd.DataFrame(
        {"x": np.arange(1.0, 4.0) / 3, "t": pd.to_datetime(["2024-01-02", "2024-01-03", None])}
    )
    suite = dg.Suite(
        [
            QuantilesBetween(
                column="x", quantiles=[0.0, 1.0], value_ranges=[[None, 0.0], [None, None]]
            ),
            MaxBetween("t", max_value="2024-01-02"),
        ]
    )
    text = to_text(dg.validate(data, suite))
    assert "{quantiles: [0, 1], values: [0.333333, 1]}" in text
    assert "2024-01-03 00:00:00" in text
    assert "Timestamp(" not in text
    assert "datetime.datetime(" not in text


def test_long_observed_values_are_cut_saying_how_much() -> None:
    data = pd.DataFrame({f"column_{i}": [1] for i in range(30)})
    result = dg.validate(data, dg.Suite([NoExtraColumns(column_set=("column_0",))]))
    observed = observed_text(result.results[0])
    assert observed.startswith("[column_0, column_1, ")
    assert len(observed) <= 60 + len("… (+1,000 characters)")
    assert observed.endswith(" characters)")


def test_text_and_json_count_a_sample_alike() -> None:
    # Decimal("1") and 1.0 are written alike in JSON, while 1, True, inf and -inf are not: the
    # text once counted by type and repr and the JSON by JSON form (inf and -inf as one null).
    sample = (Decimal("1"), 1.0, 1, True, math.inf, -math.inf, Decimal("1"))
    result = dg.ExpectationResult(
        InSet("a", value_set=[0]),
        passed=False,
        reason=dg.Reason.UNEXPECTED_VALUES,
        message="7 unexpected",
        element_count=7,
        missing_count=0,
        unexpected_count=7,
        partial_unexpected_list=sample,
    )
    counts = [c["count"] for c in result.to_dict()["partial_unexpected_counts"]]
    assert counts == [3, 1, 1, 1, 1]
    assert [count for _, count in result.sample_counts] == counts
    (line,) = sample_lines(result)
    assert line == "unexpected values: 1 ×3, 1, true, inf, -inf"


def test_json_writes_date_and_time_parameters_as_iso_text() -> None:
    """An expectation declared with a date-time bound is written as the suite's JSON writes it."""
    import datetime as dt

    bound = dt.datetime(2020, 1, 10, 12, 30)
    frame = pd.DataFrame({"t": pd.to_datetime(["2020-01-01", "2020-01-11"])})
    suite = dg.Suite(
        [dg.expectations.registered()["max_between"].from_dict({"column": "t", "max_value": bound})]
    )
    document = json.loads(to_json(dg.validate(frame, suite), "error"))
    assert document["results"][0]["expectation"]["max_value"] == bound.isoformat()
    assert (
        document["results"][0]["expectation"] == json.loads(suite.dumps("json"))["expectations"][0]
    )


def test_every_format_names_the_group_a_result_judged() -> None:
    frame = pd.DataFrame({"carrier": ["AA", "UA", None, "A|<b>"], "delay": [None, 1.0, 2.0, None]})
    result = dg.validate(frame, [NotNull("delay", group_by=["carrier"]), NotNull("carrier")])
    text = to_text(result)
    header = next(line for line in text.splitlines() if line.startswith("status"))
    assert header.split()[:5] == ["status", "severity", "expectation", "column", "group"]
    assert re.search(r"not_null +delay +carrier=AA ", text)
    summary = "not_null(delay): 2 of 4 groups failed; worst group carrier='AA': 100% unexpected"
    assert text.splitlines()[1] == summary
    assert re.search(r"not_null +carrier +- ", text)
    names = [c.get("name") for c in ET.fromstring(to_junit(result)).iter("testcase")]
    assert names[:4] == [
        "000 not_null [delay][carrier=AA]",
        "001 not_null [delay][carrier=A|<b>]",
        "002 not_null [delay][carrier=UA]",
        "003 not_null [delay][carrier=null]",
    ]
    assert names[4] == "004 not_null [carrier]"
    markdown = to_markdown(result)
    assert "| column | group | observed |" in markdown
    assert "| delay | carrier=A\\|&lt;b&gt; |" in markdown
    failures = result.failure_table()
    assert "carrier=AA" in failures


def test_formats_leave_out_the_group_column_when_nothing_is_grouped() -> None:
    result = dg.validate(pd.DataFrame({"x": [None]}), [NotNull("x")])
    assert "group" not in to_text(result)
    assert "group" not in to_markdown(result)
