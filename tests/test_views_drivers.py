"""Top drivers: the analysis' impact tables and the report views that show them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rca.analysis.impact_steps import IMPACT_TABLE_COLUMNS, impact_table
from rca.reports.drivers import (
    DRIVER_TITLES,
    driver_rows,
    drivers_chart,
    drivers_section,
    drivers_table,
)

XSS = "<script>alert(1)</script>"


def month_pair(seed: int = 5, n: int = 400) -> pd.DataFrame:
    """Two months of audits in two teams; theme 0 fails often, more so in the second month."""
    rng = np.random.default_rng(seed)
    month = np.repeat(["2026-09", "2026-10"], n)
    theme = rng.choice([0, 1, 2, -1], size=2 * n, p=[0.15, 0.25, 0.1, 0.5])
    fail = np.where(theme == 0, np.where(month == "2026-10", 0.7, 0.4), 0.1)
    passed = rng.random(2 * n) >= fail
    return pd.DataFrame(
        {
            "month": month, "team": rng.choice(["Team Lynx", "Team Heron"], size=2 * n),
            "passed": passed, "score": np.where(passed, 92.0, 70.0),
            "critical_error": rng.random(2 * n) < np.where(theme == 0, 0.2, 0.02),
            "theme_id": pd.array(np.where(rng.random(2 * n) < 0.1, -2, theme), dtype="Int64"),
            "theme_label": [XSS if t == 0 else f"Theme {t}" for t in theme],
            "root_cause": "unmapped", "comment": [f"comment {i} jo@example.com" for i in
                                                  range(2 * n)],
            "audit_id": [f"A-{i}" for i in range(2 * n)],
        }
    ).assign(theme_id=lambda d: d["theme_id"].mask(d["theme_id"] == -2))  # fmt: skip


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return impact_table(month_pair(), month="2026-10", previous="2026-09",
                        kpis=("pass_rate", "mean_score", "critical_rate", "mean_rating"),
                        text="comment", segments=("team",))  # fmt: skip


def test_impact_table_per_kpi_and_place_with_the_change(table):
    assert list(table.columns) == list(IMPACT_TABLE_COLUMNS)
    assert set(table["kpi"]) == {"pass_rate", "mean_score", "critical_rate"}  # no rating column
    assert set(zip(table["segment"], table["segment_value"], strict=True)) == {
        ("all", "all"), ("team", "Team Heron"), ("team", "Team Lynx")}  # fmt: skip
    top = table[(table["segment"] == "all") & (table["kpi"] == "pass_rate")].iloc[0]
    assert top["theme_id"] == 0 and bool(top["driver"]) and top["harm_change"] > 0
    assert top["previous_n"] > 0 and top["change_lo"] < top["impact_change"] < top["change_hi"]
    assert top["examples"][0].endswith("[EMAIL]")  # redacted again, failing audits first
    teams = table[table["segment"] == "team"]
    assert teams["examples"].map(len).eq(0).all() and teams["theme_id"].dtype == "int64"
    crit = table[(table["segment"] == "all") & (table["kpi"] == "critical_rate")].iloc[0]
    assert crit["theme_id"] == 0 and crit["impact"] > 0 and crit["harm"] == crit["impact"]


def test_driver_rows_keep_harmful_themes_of_one_place(table):
    rows = driver_rows(table, "pass_rate")
    assert (rows["harm"] > 0).all() and rows.iloc[0]["theme_id"] == 0
    lynx = driver_rows(table, "pass_rate", segment="team", value="Team Lynx", top_n=1)
    assert len(lynx) == 1 and lynx.iloc[0]["segment_value"] == "Team Lynx"
    assert driver_rows(pd.DataFrame(), "pass_rate").empty


def test_views_escape_labels_and_show_interval_and_change(table):
    page = drivers_table(table, "pass_rate", "2026-10", "2026-09").data
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Impact on the pass rate" in page and "95 % interval" in page
    assert "more costly than in 2026-09, beyond chance" in page
    top = driver_rows(table, "pass_rate").iloc[0]
    assert f"{top['impact'] * 100:+.1f} pts" in page
    chart = drivers_chart(table, "pass_rate").data
    assert "<script>alert(1)" not in chart and "Plotly.newPlot" in chart
    assert '"error_x"' in chart and DRIVER_TITLES["pass_rate"] in chart
    team = drivers_table(table, "critical_rate", "2026-10", None, segment="team",
                         value="Team Heron").data  # fmt: skip
    assert "critical-error rate" in team and "Example" not in team  # no quotes for teams


@pytest.mark.parametrize("view", [
    lambda t: drivers_table(t, "mean_rating", "2026-10", "2026-09"),
    lambda t: drivers_chart(t, "mean_rating"),
])  # fmt: skip
def test_an_empty_table_says_why(view):
    empty = pd.DataFrame(columns=list(IMPACT_TABLE_COLUMNS))
    assert "No theme lowers the average rating" in view(empty).data
    empty.attrs["empty_reason"] = "no feedback export in the data"
    assert "Not enough data: no feedback export in the data." in view(empty).data


# --- the month's analysis ----------------------------------------------------------------------


def test_the_month_analysis_records_impact_tables_and_driver_findings(sample_analysis):
    a = sample_analysis
    info = a.info["tables"]
    for name in ("theme_impact", "feedback_impact"):
        assert info[name]["rows"] > 0 and info[name]["empty_reason"] is None
        assert info[name]["columns"] == list(IMPACT_TABLE_COLUMNS)
    audits, feedback = a.table("theme_impact"), a.table("feedback_impact")
    assert set(audits["kpi"]) == {"pass_rate", "mean_score", "critical_rate"}
    assert set(feedback["kpi"]) == {"mean_rating"} and set(feedback["segment"]) == {"all"}
    assert {"all", "team"} == set(audits["segment"])
    every = audits[audits["segment"] == "all"]
    assert every.groupby("kpi")["n_all"].nunique().eq(1).all()
    assert audits["previous_impact"].notna().all()  # the sample has the previous month
    drivers = a.table("findings").query("type == 'top_driver'")
    assert len(drivers) and drivers["significant"].any()
    assert set(drivers["metric"]) <= {"pass_rate", "critical_rate", "mean_rating"}
    assert (drivers["harm"] > 0).all() and drivers["segment_type"].eq("all").all()


def test_a_section_is_heading_chart_and_table_or_one_note(table):
    page = drivers_section(table, "pass_rate", "2026-10", "2026-09", segment="team",
                           value="Team Lynx").data  # fmt: skip
    assert "<h2>Top drivers of failed audits in Team Lynx</h2>" in page
    assert page.count("Plotly.newPlot") == 1 and "Impact on the pass rate" in page
    none = drivers_section(table, "mean_rating", "2026-10", None, title="Ratings <b>").data
    assert "<h2>Ratings &lt;b&gt;</h2>" in none and "Plotly" not in none
    assert none.count("No theme lowers the average rating") == 1


class _Month:
    """What `section_impact` reads of a month's context: two months of audits, no feedback."""

    month, previous = "2026-10", "2026-09"

    def __init__(self, audits: pd.DataFrame) -> None:
        self.audits = audits

    def frame(self, kind: str) -> pd.DataFrame:
        return self.audits if kind == "audits" else pd.DataFrame()

    def absent(self, kind: str) -> str | None:
        return None if kind == "audits" else "no feedback export in the data"


def test_the_step_leaves_tables_empty_with_a_reason():
    from rca.analysis.context import EmptyTable
    from rca.analysis.impact_steps import section_impact

    out = section_impact(_Month(month_pair()))  # type: ignore[arg-type]
    assert isinstance(out["theme_impact"], pd.DataFrame) and len(out["theme_impact"])
    assert out["feedback_impact"] == EmptyTable("no feedback export in the data",
                                                IMPACT_TABLE_COLUMNS)  # fmt: skip
    unthemed = section_impact(_Month(month_pair().assign(theme_id=pd.NA)))  # type: ignore[arg-type]
    assert unthemed["theme_impact"].reason == (
        "no themed audits of 2026-10 with a pass rate, average score or critical-error rate"
    )
