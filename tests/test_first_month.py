"""A team's first month: analysed and reported, with one sentence where a comparison would be.

The analysis steps run on a hand-built one-month workspace (fast); the views are given the
tables a first month leaves; a `notebook`-marked test runs the monthly plan on one month of
sample data and reads every report.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import run_cli

import rca.reports.drivers as drivers
import rca.reports.executive as ex
import rca.reports.explorer as ve
import rca.reports.fragments as rr
import rca.reports.policy as pv
from rca.analysis.context import FIRST_MONTH, Context, EmptyTable
from rca.analysis.steps import SECTIONS
from rca.analysis.workspace import Workspace
from rca.sample import generate_sample

MONTH = "2026-10"
#: Tables that compare with the previous month: what the first month leaves empty, and why.
COMPARISONS = {"theme_changes", "emerging_themes", "fading_themes", "kpi_changes"}


def _audits(n: int = 120) -> pd.DataFrame:
    """``n`` audits of `MONTH` alone, spread over its weeks, two teams, three themes."""
    rows = [
        {"audit_id": f"A{i}", "audit_date": pd.Timestamp(f"{MONTH}-{1 + i % 28:02d}"),
         "agent": f"agent_{i % 6}", "auditor": "auditor_1", "queue": f"q{i % 2}", "market": "MY",
         "team": f"Team {i % 2}", "passed": i % 3 != 0, "score": 70.0 + i % 30,
         "critical_error": i % 10 == 0, "error_category": "" if i % 3 else "tone",
         "policy": f"p{i % 2}", "macro_id": f"MAC-{i % 3}", "comment": f"comment {i}",
         "theme_id": i % 3, "theme_label": f"theme {i % 3}"}
        for i in range(n)
    ]  # fmt: skip
    return pd.DataFrame(rows).astype({"theme_id": "Int64"})


def _first_month_tables(path: Path) -> dict[str, pd.DataFrame | EmptyTable]:
    """Run every step, as `analyze_month` does, on a workspace holding one month of audits."""
    path.mkdir(parents=True)
    _audits().to_parquet(path / "audits.parquet", index=False)
    info = {"months": [MONTH], "counts": {"audits": {"rows": 120}}, "month": MONTH}
    (path / "workspace.json").write_text(json.dumps(info))
    ws = Workspace(path)
    month, previous = ws.resolve_month(None)
    ctx = Context(ws=ws, month=month, previous=previous, min_n=5)
    results: dict[str, pd.DataFrame | EmptyTable] = {}
    for section in SECTIONS:
        for name, table in section(ctx).items():
            results[name] = table
            ctx.tables[name] = table.frame() if isinstance(table, EmptyTable) else table
    return results


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame | EmptyTable]:
    return _first_month_tables(tmp_path_factory.mktemp("first") / "ws")


def test_the_comparisons_and_only_they_say_it_is_the_first_month(first) -> None:
    said = {n for n, t in first.items() if isinstance(t, EmptyTable) and t.reason == FIRST_MONTH}
    assert said == COMPARISONS


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("kpis_monthly", lambda t: t["month"].tolist() == [MONTH] and t["n"].tolist() == [120]),
        ("error_pareto", lambda t: t["n"].sum() == 40),
        ("theme_changes_weekly", lambda t: len(t) > 0),  # within the month: no previous needed
        ("p_chart_team", lambda t: set(t["limits"]) == {"trial"}),  # nothing before: trial
        ("macros", lambda t: t["change"].isna().all() and t["excess_p"].notna().any()),
        ("coaching", lambda t: len(t) > 0),
        ("policy_themes", lambda t: len(t) > 0),
        ("theme_impact", lambda t: t["previous_impact"].isna().all() and t["impact"].notna().all()),
        ("team_kpis", lambda t: set(t["month"]) == {MONTH}),
        ("agent_kpis", lambda t: set(t["month"]) == {MONTH}),
        ("team_themes", lambda t: t["previous_share"].isna().all() and t["share"].gt(0).all()),
    ],
)  # fmt: skip
def test_what_needs_no_previous_month_is_computed(first, name, check) -> None:
    table = first[name]
    assert isinstance(table, pd.DataFrame), getattr(table, "reason", "")
    assert check(table)


def test_the_family_holds_the_months_other_tests(first) -> None:
    counts = first["finding_family"].set_index("type")
    assert counts.loc["kpi_change", "tested"] == 0 and counts.loc["emerging_theme", "tested"] == 0
    assert counts.loc["coaching_need", "tested"] > 0 and counts.loc["macro", "tested"] > 0
    assert counts.loc["all", "tested"] == counts.drop(index="all")["tested"].sum()
    findings = first["findings"]
    assert len(findings) and "emerging_theme" not in set(findings["type"])
    assert "kpi_changes" in first and first["kpi_changes"].frame().columns[-1] == "verdict"


# --- the views, given what a first month leaves --------------------------------------------------


def _first_month_table(columns: list[str]) -> pd.DataFrame:
    """An empty table as `rca.analysis.month.Analysis.table` gives it in a first month."""
    table = pd.DataFrame(columns=columns)
    table.attrs["empty_reason"] = FIRST_MONTH
    return table


KPIS = pd.DataFrame({"month": [MONTH], "n": [120], "pass_rate": [0.7], "pass_lo": [0.6],
                     "pass_hi": [0.8], "mean_score": [85.0], "critical_rate": [0.1],
                     "critical_lo": [0.05], "critical_hi": [0.15], "small_n": [False]})  # fmt: skip
IMPACT = pd.DataFrame(
    {"segment": "all", "segment_value": "all", "kpi": "pass_rate", "theme_id": [0, 1],
     "theme_label": ["Wrong macro", "Late reply"], "n": [30, 20], "kpi_theme": [0.4, 0.5],
     "impact": [-0.05, -0.02], "impact_lo": [-0.08, -0.04], "impact_hi": [-0.02, 0.0],
     "harm": [0.05, 0.02], "harm_lo": [0.02, 0.0], "harm_hi": [0.08, 0.04], "driver": True,
     "previous_n": 0, "previous_impact": np.nan, "impact_change": np.nan, "change_lo": np.nan,
     "change_hi": np.nan, "harm_change": np.nan, "examples": [["slow"], ["late"]]}
)  # fmt: skip
MACROS = pd.DataFrame(
    {"rank": [1], "macro_id": ["MAC-1"], "queue": ["payments"], "audits": [40],
     "fail_rate": [0.5], "rest_fail_rate": [0.2], "change": [np.nan], "excess_q": [0.01],
     "excess_rate": [0.3], "worse_after": [False], "changed_after": [None],
     "top_themes": [["Wrong macro"]], "examples": [["old steps"]]}
)  # fmt: skip
TOPICS = pd.DataFrame({"theme_id": [-1, 0, 1], "theme_label": ["Unassigned", "App crash", "Tone"],
                       "root_cause": ["unassigned", "product.bug", "people.soft_skills"],
                       "size": [5, 30, 20]})  # fmt: skip
OVERVIEW = pd.DataFrame(
    {"theme_id": [0], "theme_label": ["App crash"], "n": [30], "share": [0.3],
     "previous_share": [np.nan], "change": [np.nan], "root_cause": ["product.bug"],
     "cause_name": ["Product bug"], "pinned": [False], "keywords": ["crash"]}
)  # fmt: skip
TEAM_THEMES = pd.DataFrame({"team": ["Team 0", "Team 1"], "theme_id": [0, 0],
                            "theme_label": ["App crash"] * 2, "share": [0.3, 0.2],
                            "previous_share": np.nan, "operation_share": [0.25, 0.25]})  # fmt: skip
CHANGES = _first_month_table(["segment", "segment_value", "item", "label", "q_value"])
EMPTY_TOPICS = TOPICS.iloc[0:0]


@pytest.mark.parametrize(
    ("view", "gone"),
    [
        (lambda: ex.kpi_changes(KPIS, MONTH, None, _first_month_table(["kpi"])), None),
        (lambda: pv.macros_table(MACROS, MONTH, first_month=True), "Change since last month"),
        (lambda: ve.overview_table(OVERVIEW, MONTH), "Previous month"),
        (lambda: rr.kpi_cards([rr.Kpi("Audits", "120")], first_month=True), "vs previous"),
        (lambda: rr.empty_note(_first_month_table([]), "fallback"), "Not enough data"),
    ],
)  # fmt: skip
def test_views_say_it_is_the_first_month_where_the_comparison_would_be(view, gone) -> None:
    page = view().data
    assert rr.FIRST_MONTH_NOTE in html.unescape(page)
    assert gone is None or gone not in html.unescape(page)
    assert not re.search(r">\s*(nan|None)\s*<", page)


@pytest.mark.parametrize(
    "view",
    [lambda: drivers.drivers_table(IMPACT, "pass_rate", MONTH, None),
     lambda: drivers.drivers_section(IMPACT, "pass_rate", MONTH, None)],
)  # fmt: skip
def test_driver_tables_drop_last_months_columns_without_repeating_the_note(view) -> None:
    page = html.unescape(view().data)
    assert "Impact in" not in page and "marks: last month" not in page
    assert rr.FIRST_MONTH_NOTE not in page  # the report's top says it once
    assert not re.search(r">\s*(nan|None)\s*<", page)


def test_the_executive_summary_says_comparisons_start_next_month() -> None:
    guide = html.unescape(ex.reading_guide(MONTH, None).data)
    assert "the first month in the data" in guide and "start next month" in guide
    assert "first month" not in ex.reading_guide(MONTH, "2026-09").data
    assert ex.what_changed(CHANGES, CHANGES, MONTH, None).data == ""  # kpi_changes said it


def test_the_theme_chart_shows_the_months_shares_without_marks() -> None:
    chart = ex.theme_chart(CHANGES, team_themes=TEAM_THEMES).data
    assert "Top themes in audit comments this month" in chart and "marks" not in chart
    assert "Plotly.newPlot" in chart and chart.count('"App crash"') <= 1
    assert rr.FIRST_MONTH_NOTE in html.unescape(ex.theme_chart(CHANGES).data)


def test_product_causes_list_the_months_audit_themes_without_a_trend() -> None:
    page = html.unescape(pv.product_causes(CHANGES, TOPICS, EMPTY_TOPICS, pd.DataFrame(),
                                           MONTH, None).data)  # fmt: skip
    assert "App crash" in page and "30 comments in 2026-10" in page
    assert "first month: nothing to compare with yet" in page and "Tone" not in page


# --- one month of sample data, every report ----------------------------------------------------


def _visible_text(page: str) -> str:
    """The text a reader sees: no scripts, styles or tags."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.notebook
def test_a_batch_on_one_month_gives_every_report(tmp_path: Path) -> None:
    from rca.batch.monthly import run_batch
    from rca.core.paths import parameter_file

    data = tmp_path / "data"
    summary = generate_sample(data, months=1, seed=0, volume=0.3)
    assert summary.months == [MONTH]
    plan = yaml.safe_load(parameter_file("monthly.yaml").read_text())
    plan.pop("curation", None)
    for entry in plan["reports"]:  # one team and one agent: the same pages, fewer of them
        if entry.get("each") == "team":
            entry["only"] = ["Team Orca"]
        if entry.get("each") == "agent":
            entry["only"] = ["agent_001"]
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(plan))
    result = run_batch(tmp_path / "plan.yaml", MONTH, data_dir=data, out_root=tmp_path / "out",
                       jobs=2, embedder="fake", log=lambda _m: None)  # fmt: skip
    assert [r.reason for r in result.failed] == []
    assert {r.notebook for r in result.reports} == {e["notebook"] for e in plan["reports"]}
    info = json.loads((result.work_dir / "analysis" / "tables.json").read_text())
    assert info["previous"] is None
    for report in result.reports:
        assert report.html is not None
        text = _visible_text(report.html.read_text())
        assert not re.search(r"\b(nan|None|NaN)\b", text), report.notebook
        if report.notebook not in ("calibration", "ai_labels", "training"):  # no month-on-month
            assert rr.FIRST_MONTH_NOTE in text, report.notebook


def test_rca_sample_writes_one_month(tmp_path: Path, monkeypatch, capsys) -> None:
    code, out, _ = run_cli(monkeypatch, capsys, "sample", "--out", str(tmp_path), "--months", "1",
                           "--volume", "0.1")  # fmt: skip
    assert code == 0 and "1 month (2026-10..2026-10)" in out
    audits = pd.read_csv(tmp_path / "audits.csv")
    assert set(audits["audit_date"].str[:7]) == {MONTH}
    assert run_cli(monkeypatch, capsys, "sample", "--out", str(tmp_path), "--months", "0")[0] != 0
