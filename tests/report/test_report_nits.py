"""Report details people read: ids as written, long names that wrap between words, and the
missing-share verdict in words."""

from __future__ import annotations

import numpy as np
import pandas as pd

import dataguard as dg
from dataguard.expectations import Between, ColumnExists
from dataguard.report import _format as fmt
from tests.report.test_report_html import Page

LONG_NAME = "departureDelayMinutes_averaged_over.the-whole_day"


def test_ids_and_values_are_shown_without_thousands_separators() -> None:
    n = 2_000
    data = pd.DataFrame(
        {"flight": np.arange(1_000_001, 1_000_001 + n), "year": [2013] * (n - 1) + [12_345]}
    )
    suite = dg.Suite([Between("year", max_value=2020), Between("flight", max_value=1_000_000)])
    html = dg.render_html(dg.validate(data, suite, id_columns=["flight"]))
    text = " ".join(Page(html).text.split())
    assert "rows (flight): 1002000" in text
    assert "12345" in text
    assert "1,002,000" not in text
    assert "12,345" not in text
    by_row = dg.render_html(dg.validate(data, suite))
    assert "rows: 1999" in " ".join(Page(by_row).text.split())
    assert "2,000 unexpected" in " ".join(Page(by_row).text.split())  # counts keep separators


def test_long_column_names_wrap_between_their_words() -> None:
    assert fmt.breakable_name(LONG_NAME) == (
        "departure<wbr>Delay<wbr>Minutes_<wbr>averaged_<wbr>over.<wbr>the-<wbr>whole_<wbr>day"
    )
    assert fmt.breakable_name("<a_b>") == "&lt;a_<wbr>b&gt;"
    frame = pd.DataFrame({LONG_NAME: np.arange(50.0)})
    pages = [
        dg.render_html(dg.validate(frame, dg.Suite([Between(LONG_NAME, min_value=10)]))),
        dg.render_html(dg.drift(frame + 5, reference=frame)),
        dg.render_html(dg.profile(frame)),
    ]
    for html in pages:
        assert "departure<wbr>Delay<wbr>Minutes_<wbr>averaged" in html
        assert LONG_NAME in Page(html).text


def test_a_small_significant_missing_change_is_worded_as_such() -> None:
    rng = np.random.default_rng(17)
    n = 400_000
    values = rng.normal(size=n)
    reference = pd.DataFrame({"x": np.where(rng.random(n) < 0.10, np.nan, values)})
    current = pd.DataFrame({"x": np.where(rng.random(n) < 0.11, np.nan, values)})
    report = dg.drift(current, reference=reference)
    missing = report.columns["x"].missing
    assert missing is not None
    assert missing.pvalue_adjusted is not None
    assert missing.pvalue_adjusted < report.alpha
    assert not missing.drifted
    text = " ".join(Page(dg.render_html(report)).text.split())
    assert "significant, below the minimum effect" in text
    assert "no real change" not in text


def test_schema_checks_say_what_they_observed() -> None:
    data = pd.DataFrame({"amount": [1.0], "id": [1]})
    suite = dg.Suite([ColumnExists(column="id"), ColumnExists(column="amout")])
    text = " ".join(Page(dg.render_html(dg.validate(data, suite))).text.split())
    assert "at index 1" in text
    assert "column 'amout' not found; did you mean 'amount'?" in text
    assert "column missing" in text
