"""Team-lead report views on tables built from small frames: XSS, privacy; notebook smoke runs.

The per-agent views are tested in test_views_agent.py, on the same `small_audits`.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from test_recommend import coach, frame, grew

import rca.reports.fragments as rr
import rca.reports.member as vm
import rca.reports.team as vt
import rca.stats.segments as sg
from rca.core.errors import ParameterError

XSS = "<script>alert(1)</script>"


def _audit(i: int, agent: str, team: str, month: str, passed: bool, **kw: object) -> dict:
    row = {
        "audit_id": f"AUD-{i:03d}", "agent": agent, "team": team, "month": month,
        "week": f"{month}-0{1 + i % 4}", "passed": passed, "score": 100.0 if passed else 70.0,
        "critical_error": not passed and i % 2 == 0,
        "error_category": None if passed else "missed verification",
        "macro_id": None if passed else "MAC-1", "theme_id": 1 if passed else 2,
        "theme_label": "Empathy" if passed else "Verification", "root_cause": "people",
        "comment": f"comment {i} by {agent}",
    }  # fmt: skip
    row.update(kw)
    return row


def small_audits() -> pd.DataFrame:
    """Two months of 20 audits: agents a1, a2 (team T1) and b1 (T2); a script in one comment."""
    rows = []
    for i in range(40):
        agent, team = [("a1", "T1"), ("a2", "T1"), ("b1", "T2")][i % 3]
        rows.append(_audit(i, agent, team, "2026-10" if i >= 20 else "2026-09", i % 4 != 0))
    rows.append(_audit(99, "a1", "T1", "2026-10", False, comment=XSS, error_category=XSS))
    df = pd.DataFrame(rows)
    df["passed"] = df["passed"].astype("boolean")
    return df


@pytest.fixture
def audits() -> pd.DataFrame:
    return small_audits()


M, P = "2026-10", "2026-09"


def _empty(audits: pd.DataFrame) -> pd.DataFrame:
    return audits.iloc[0:0]


@pytest.mark.parametrize(
    ("column", "value", "match"),
    [("team", None, "required.*T1, T2"), ("team", "T9", "T9.*no audits.*T1, T2"),
     ("agent", None, "required.*a1, a2, b1"), ("agent", "zz", "no audits in 2026-10")],
)  # fmt: skip
def test_check_member_lists_available_values(audits, column, value, match):
    per = {"team": sg.kpis_per_team, "agent": sg.kpis_per_agent}[column]
    available = vm.members(per(audits, month=M, previous=P), column, M)
    with pytest.raises(ParameterError, match=match):
        vm.check_member(available, column, value, M)


def test_check_member_accepts_a_known_value(audits):
    available = vm.members(sg.kpis_per_team(audits, month=M, previous=P), "team", M)
    assert vm.check_member(available, "team", "T1", M) == "T1"
    assert vm.members(sg.kpis_per_team(audits, month="2026-11", previous=M), "team", M) == []
    with pytest.raises(ParameterError, match="none"):
        vm.check_member([], "team", "T1", M)


def test_team_kpis_and_cards(audits):
    table = sg.kpis_per_team(audits, month=M, previous=P, min_n=5)
    kpis = vt.team_kpis(table, "T1")
    assert kpis["segment"].tolist() == ["T1", "T1", "Operation", "Operation"]
    assert kpis["month"].tolist() == [P, M, P, M] and kpis["small_n"].dtype == bool
    assert not kpis["small_n"].any() and vt.team_kpis(table, "T1", min_n=1000)["small_n"].all()
    cards = vt.team_vs_operation_cards(kpis, "T1", M, P)
    assert [c.label.split(" (")[0] for c in cards] == [
        "Audits", "Pass rate", "Average score", "Critical errors"]  # fmt: skip
    assert "operation" in cards[1].label and cards[1].delta.endswith("pts")
    assert vt.team_vs_operation_cards(kpis.iloc[0:0], "T1", M, None) == []
    assert vt.team_kpis(table, "T9").empty


def test_team_themes_and_errors_compare_with_the_operation(audits):
    table = sg.theme_shares_per_team(audits, month=M, previous=P)
    themes = vt.team_themes(table, "T1")
    assert {"share", "operation_share"} <= set(themes.columns) and "team" not in themes
    assert themes["theme_label"].tolist() == ["Empathy", "Verification"]  # largest first
    assert vt.team_themes(table, "T1", 1)["theme_label"].tolist() == ["Empathy"]
    errors = vt.team_errors(sg.error_shares_per_team(audits, month=M), "T1")
    assert errors["share"].sum() == pytest.approx(1.0)
    assert errors["error_category"].tolist() == ["missed verification", XSS]  # largest first
    assert vt.team_errors(sg.error_shares_per_team(_empty(audits), month=M), "T1").empty
    assert vt.team_themes(sg.theme_shares_per_team(_empty(audits), month=M, previous=P), "T1").empty


def test_comparison_bars_escape_labels(audits):
    errors = vt.team_errors(sg.error_shares_per_team(audits, month=M), "T1")
    fig = vt.comparison_bars(errors, "error_category", "share", "operation_share",
                             ("T1", "Operation"), "Errors")  # fmt: skip
    html = rr.figure(fig).data
    assert XSS not in html and "&lt;script&gt;" in html


def test_team_coaching_keeps_only_the_teams_agents(audits):
    coaching = pd.DataFrame(
        {
            "group_type": ["agent", "agent", "cohort"], "group": ["a1", "b1", "T1 mixed"],
            "team": ["T1", "T2", "T1"], "agents": [["a1"], ["b1"], ["a1", "b1"]],
            "n": [10, 10, 20], "error_category": ["missed verification"] * 3,
            "count": [5, 5, 8], "share": [0.5, 0.5, 0.4], "rest_share": [0.1, 0.1, 0.1],
        }
    )  # fmt: skip
    table = sg.coaching_per_team(coaching, audits, month=M)
    out = vt.team_coaching(table, "T1")
    assert out["who"].tolist() == ["a1"] and vt.team_coaching(table, "T2")["who"].tolist() == ["b1"]
    assert out["examples"][0] and all("a1" in c for c in out["examples"][0])
    assert vt.team_coaching(sg.coaching_per_team(coaching.iloc[0:0], audits, month=M), "T1").empty


def _coaching_table() -> pd.DataFrame:
    """``team_coaching`` as the analysis makes it: T1 has a1 and a cohort; T2 has b1."""
    return pd.DataFrame(
        {"team": ["T1", "T1", "T2"], "who": ["a1", "T1 new", "b1"],
         "kind": ["agent", "cohort", "agent"], "focus": ["missed verification"] * 3,
         "n": [10, 20, 10], "count": [5, 8, 5], "share": [0.5, 0.4, 0.5],
         "rest_share": [0.1, 0.1, 0.1], "examples": [["x"], ["y"], ["z"]]}
    )  # fmt: skip


def _findings() -> pd.DataFrame:
    """Findings with the contract's evidence columns: a1 clear, the T1 cohort not, b1 clear."""
    return frame(
        coach("a1", "missed verification", team="T1", fid="CN-1", evidence=["a1 skipped it"],
              evidence_ids=["AUD-A1"], effect_lo=0.1, effect_hi=0.6),
        coach("T1 new", "missed verification", cohort="2026Q3", team="T1", fid="CN-2",
              significant=False),
        coach("b1", "missed verification", team="T2", fid="CN-3", evidence_ids=["AUD-B1"]),
        grew("Refunds", "team=T1", fid="ET-1", evidence_ids=["AUD-A2"]),
        grew("Greeting", "team=T2", fid="ET-2"),
    ).assign(rank=range(1, 6), comparison=["rest"] * 3 + ["previous_month"] * 2,
             baseline_n=800)  # fmt: skip


def test_team_coaching_keeps_the_clear_needs_when_given_findings():
    kept = vt.team_coaching(_coaching_table(), "T1", _findings())
    assert kept["who"].tolist() == ["a1"]  # the cohort's need is not clear
    assert vt.team_coaching(_coaching_table(), "T1")["who"].tolist() == ["a1", "T1 new"]


def test_team_findings_show_the_teams_own_findings_with_evidence():
    out = vt.team_findings(_findings(), _coaching_table(), "T1").data
    assert "12 of 40 audits had this error, vs 5% of 800 audits of everyone else" in out
    assert "95 % interval of the difference +10.0 to +60.0 pts" in out
    assert "audit AUD-A1: <i>“a1 skipped it”</i>" in out and "Refunds" in out
    assert "b1" not in out and "AUD-B1" not in out and "Greeting" not in out
    assert "T1 new" not in out and "Clear means:" in out
    assert "No clear finding for T2" not in vt.team_findings(_findings(), _coaching_table(),
                                                             "T2").data  # fmt: skip
    assert "No clear finding for T3" in vt.team_findings(_findings(), _coaching_table(),
                                                         "T3").data  # fmt: skip


def test_team_findings_escape_untrusted_text():
    rows = _findings().assign(evidence_ids=[[XSS], [], [], [], []])
    rows.at[0, "evidence"] = [XSS]
    out = vt.team_findings(rows, _coaching_table(), "T1").data
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_p_chart_figure_and_signals():
    chart = pd.DataFrame(
        {"team": ["T1"] * 3 + ["T2"], "week": ["w1", "w2", "w3", "w1"], "n": [10] * 4,
         "p": [0.8, 0.9, 0.2, 0.5], "centre": [0.7] * 4, "ucl": [1.0] * 4, "lcl": [0.3] * 4,
         "signal": [False, False, True, True], "rules": [[], [], [1], [1]]}
    )  # fmt: skip
    fig = vt.p_chart_figure(chart, "T1")
    assert len(fig.data) == 4 and list(fig.data[-1].x) == ["w1", "w2", "w3"]
    signals = vt.p_chart_signals(chart, "T1")
    assert signals["week"].tolist() == ["w3"] and "3-sigma" in signals["why"][0]
    assert vt.p_chart_signals(chart, "T9").empty


def test_team_macros(audits):
    macros = pd.DataFrame({"macro_id": ["MAC-1"], "fail_rate": [0.3]})
    out = vt.team_macros(sg.macros_per_team(audits, month=M, macros=macros), "T1")
    assert out["macro_id"].tolist() == ["MAC-1"] and out["operation_fail_rate"][0] == 0.3
    assert out["failing"][0] == out["audits"][0] > 0 and "rank" not in out
    no_ops = vt.team_macros(sg.macros_per_team(audits, month=M, macros=pd.DataFrame()), "T1")
    assert no_ops["operation_fail_rate"].isna().all()
    assert vt.team_macros(sg.macros_per_team(_empty(audits), month=M), "T1").empty


# --- notebook smoke runs ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def analysis(sample_analysis):
    return sample_analysis


def _run(analysis, name, extra, out_dir):
    from rca.batch.notebook_run import run_report

    result = run_report(name, {"workspace": str(analysis.path / "workspace"), **extra}, out_dir)
    assert result.status == "ok", result.reason
    return result.html.read_text()


@pytest.mark.notebook
def test_operations_report_shows_only_its_team(analysis, tmp_path):
    audits = analysis.workspace.audits()
    team = "Team Heron"
    html = _run(analysis, "operations", {"team": team}, tmp_path)
    for heading in ("Who needs coaching", "control chart", "Macros and SOPs", "Error categories",
                    f"Top drivers of failed audits in {team}"):  # fmt: skip
        assert heading in html
    assert "js-plotly-plot" in html or "Plotly.newPlot" in html
    own = set(audits.loc[audits["team"] == team, "agent"])
    shown = set(re.findall(r"agent_\d+", html))
    assert shown and shown <= own


@pytest.mark.notebook
def test_agent_feedback_shows_no_other_agent(analysis, tmp_path):
    audits = analysis.workspace.audits()
    agent = "agent_035"
    html = _run(analysis, "agent_feedback", {"agent": agent}, tmp_path)
    for heading in ("What went well", "What to work on", "Your trend"):
        assert heading in html
    assert "One thing to focus on next month" in html
    assert "Plotly.newPlot" in html
    others = audits[audits["agent"] != agent]
    assert not [a for a in others["agent"].unique() if a in html]
    assert not [a for a in others["audit_id"] if a in html]


@pytest.mark.notebook
@pytest.mark.parametrize(
    ("name", "extra"), [("operations", {}), ("agent_feedback", {"agent": "x"})]
)
def test_missing_or_unknown_member_stops_with_the_available_values(analysis, tmp_path, name, extra):
    from rca.batch.notebook_run import run_report

    result = run_report(name, {"workspace": str(analysis.path / "workspace"), **extra}, tmp_path)
    assert result.status == "failed"
    assert result.reason.startswith("ParameterError:") and "with audits in" in result.reason
