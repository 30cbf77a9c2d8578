"""The small pieces reports are made of: number formats, chart geometry, view details."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import dataguard as dg
from dataguard.report import _charts as charts
from dataguard.report import _format as fmt
from dataguard.report import view_model


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "–"),
        (1234567, "1,234,567"),
        (56.462494, "56.46"),
        (0.13640000000000002, "0.1364"),
        (5000.0, "5,000"),
        (3.97e-40, "3.970e-40"),
        (float("inf"), "∞"),
        (float("nan"), "NaN"),
        (True, "true"),
    ],
)
def test_number(value: object, text: str) -> None:
    assert fmt.number(value) == text


def test_axis_numbers_shares_and_pvalues() -> None:
    assert [fmt.axis_number(v) for v in (13.91, 138.8, 2115.0, 10600.0, 2.5e6, -3e9)] == [
        "13.9",
        "139",
        "2,115",
        "10.6k",
        "2.5M",
        "-3B",
    ]
    assert [fmt.share(v) for v in (0.0, 0.0006, 0.1364, 1.0, None)] == [
        "0%",
        "0.06%",
        "13.6%",
        "100.0%",
        "–",
    ]
    assert [fmt.pvalue(v) for v in (None, 0.0, 4.97e-41, 0.2036)] == ["–", "0", "4.97e-41", "0.204"]


def test_values_are_shown_plainly_and_cut_when_long() -> None:
    assert fmt.value("") == '""'
    assert fmt.value(None) == "null"
    assert fmt.value({"a": [1, 2]}) == '{"a": [1, 2]}'
    assert fmt.value("x" * 130) == "x" * 120 + "… (+10 characters)"
    listed = fmt.listing(list(range(25)), 1000, "rows")
    assert listed["items"] == [str(i) for i in range(20)]
    assert listed["more"] == "showing 20 of 1,000 rows"
    assert fmt.listing([1, 2], None, "rows")["more"] == ""


def test_temporal_text() -> None:
    day = 86_400 * 10**6
    assert fmt.temporal_unit("2026-01-01T00:08:12.484166") == "timestamp"
    assert fmt.temporal_unit("2026-01-01") == "date"
    assert fmt.temporal_unit("delivered") is None
    assert fmt.temporal_labels([20454.0, 20460.0], "date") == ["2026-01-01", "2026-01-07"]
    assert fmt.temporal_labels([20454.0 * day, 20454.0 * day + 3600e6], "timestamp") == [
        "01-01 00:00",
        "01-01 01:00",
    ]
    assert fmt.moment("2026-01-01T00:08:12.484166") == "2026-01-01 00:08:12"
    assert fmt.span(1.5 * day, "timestamp") == "1.5 days"
    assert fmt.span(90.0, "date") == "90 days"


def test_chart_geometry() -> None:
    chart = charts.columns(["1", "2", "3"], [[0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4]])
    assert [t["label"] for t in chart["y_ticks"]] == ["0%", "10%", "20%", "30%", "40%"]
    ref, cur = chart["paths"]
    assert ref["d"].startswith(f"M{chart['x0']} {chart['y1']}V")
    assert cur["d"].count("Z") == 4
    assert [t["label"] for t in chart["x_ticks"]] == ["1", "2", "3"]
    bars = charts.bars(["a" * 30, "b"], [[0.5, 0.0]], ["50%", "0%"], special=[False, True])
    assert bars["rows"][0]["label"] == "a" * 17 + "…"
    assert bars["rows"][0]["full"] == "a" * 30
    assert bars["rows"][1]["special"]
    assert bars["paths"][0]["d"].count("Z") == 1  # a zero share draws nothing
    assert charts.nice_top(0.0) == (1.0, 0.5)
    assert charts.nice_top(0.087) == pytest.approx((0.1, 0.025))
    assert fmt.tick_share(0.025) == "2.5%"


def test_temporal_drift_summaries_read_as_dates() -> None:
    rng = np.random.default_rng(0)
    start = pd.Timestamp("2026-01-01")
    moments = start + pd.to_timedelta(rng.uniform(0, 30 * 86_400, 2000), unit="s")
    report = dg.drift(
        pd.DataFrame({"when": moments + pd.Timedelta(days=3)}),
        reference=pd.DataFrame({"when": moments}),
    )
    (column,) = view_model(report)["columns"]
    summary = {row["label"]: row for row in column["summary"]}
    assert summary["mean"]["reference"].startswith("2026-01-1")
    assert summary["standard deviation"]["reference"].endswith(" days")
    assert summary["minimum"]["reference"].startswith("2026-01-01 ")
    svg = column["chart"]["svg"]
    assert all(t["label"].startswith("2026-") for t in svg["x_ticks"])


def test_whole_number_histograms_use_whole_number_bins() -> None:
    values = np.repeat(np.arange(60), 50)
    view = view_model(dg.profile(pd.DataFrame({"n": values})))
    (column,) = view["columns"]
    assert "in 20 equal-width bins" in column["chart"]["caption"]  # 3 values per bin, not 2.5
    heights = {p.split("V")[0] for p in column["chart"]["svg"]["paths"][0]["d"].split("M")[1:]}
    assert len({h.split(" ")[1] for h in heights}) == 1  # every bin holds the same share
