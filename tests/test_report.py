from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

import rca.reports.fragments as rr
from rca.reports.charts import rate_trend, theme_bars
from rca.stats.kpis import kpis_by

XSS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "[click](javascript:alert(1))",
]


@pytest.mark.parametrize("payload", XSS)
def test_table_escapes_untrusted_text(payload):
    out = rr.table(pd.DataFrame({"comment": [payload], "n": [3]}), formats={"n": "int"}).data
    assert "<script>" not in out and "<img" not in out and "<svg" not in out
    assert rr.esc(payload) in out


@pytest.mark.parametrize("payload", XSS)
def test_fragments_escape_untrusted_text(payload):
    shares = pd.DataFrame({"theme_id": [0], "theme_label": [payload], "share": [0.5]})
    topics = pd.DataFrame({"theme_id": [0], "examples": [[payload, "fine"]]})
    for html in (
        rr.heading(payload).data,
        rr.callout(payload).data,
        rr.kpi_cards([rr.Kpi(payload, payload, payload, True)]).data,
        rr.theme_examples(shares, topics).data,
    ):
        assert "<script>" not in html and "<img" not in html and "<svg" not in html


def test_table_formats_flags_and_truncates():
    df = pd.DataFrame(
        {"team": ["a", "b", "c"], "rate": [0.1234, None, 1.0], "low": [True, False, False]}
    )
    html = rr.table(df, formats={"rate": "pct"}, flag="low", max_rows=2).data
    assert "12.3 %" in html and "–" in html
    assert html.count('class="flag"') == 1
    assert ">low<" not in html  # the flag column itself is hidden
    assert "1 more rows not shown" in html


def test_figures_are_offline_and_deterministic():
    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    rr.setup()
    first = rr.figure(fig).data
    second = rr.figure(fig).data
    assert "rca-fig-1" in first and "rca-fig-2" in second
    assert len(first) > 1_000_000  # plotly.js inline in the first figure
    assert len(second) < 50_000  # and only there
    assert "cdn" not in first.lower().split("plotly.min.js")[0][:2000]
    rr.setup()
    assert rr.figure(fig).data == first


def test_chart_labels_from_data_are_escaped():
    shares = pd.DataFrame({"theme_label": [XSS[0]], "share": [0.2], "previous_share": [0.1]})
    fig = theme_bars(shares, "t")
    assert "<script>" not in str(fig.data[0].y[0])


def test_headline_kpis_and_trend():
    audits = pd.DataFrame(
        {
            "month": ["2026-09"] * 4 + ["2026-10"] * 4,
            "passed": [True, True, False, False, True, True, True, False],
            "score": [90, 95, 60, 70, 90, 92, 88, 50],
            "critical_error": [False] * 7 + [True],
        }
    )
    monthly = kpis_by(audits, "month", min_n=1)
    kpis = rr.headline(monthly, "2026-10", "2026-09")
    by_label = {k.label: k for k in kpis}
    assert by_label["Pass rate"].value == "75.0 %"
    assert by_label["Pass rate"].delta == "+25.0 pts" and by_label["Pass rate"].good
    assert by_label["Critical errors"].good is False
    fig = rate_trend(monthly, "month", "pass_rate", "pass_lo", "pass_hi", "Pass rate")
    assert list(fig.data[1].y) == [50.0, 75.0]


def test_points_format_for_changes_in_share():
    html = rr.table(pd.DataFrame({"change": [0.012, -0.034]}), formats={"change": "pts"}).data
    assert "+1.2 pts" in html and "-3.4 pts" in html


def test_a_table_left_empty_for_lack_of_data_shows_its_reason_escaped():
    empty = pd.DataFrame(columns=["week", "n"])
    empty.attrs["empty_reason"] = "fewer than two weeks of <audits>"
    # the reason travels through what views do to a table before it is shown
    shown = empty.rename(columns={"week": "Week"}).head(8)
    html = rr.table(shown).data
    assert "Not enough data: fewer than two weeks of &lt;audits&gt;." in html
    assert "<table" not in html
    # an empty table without a recorded reason is an answer (no rows), shown as a table
    assert "<table" in rr.table(pd.DataFrame(columns=["week", "n"])).data
