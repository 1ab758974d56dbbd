"""Per-agent report views: small frames, XSS, and never another agent's rows (on sample data)."""

from __future__ import annotations

import pandas as pd
import pytest
from test_views_team import XSS, small_audits

import rca.reports.agent as va
import rca.reports.fragments as rr
import rca.stats.segments as sg
from rca.stats.kpis import add_period

M, P = "2026-10", "2026-09"


def tables(audits: pd.DataFrame, min_n: int = 5) -> dict[str, pd.DataFrame]:
    """The analysis' agent tables of ``audits`` (as `rca.analysis.member_steps` builds them)."""
    return {
        "kpis": sg.kpis_per_agent(audits, month=M, previous=P, min_n=min_n),
        "trend": sg.trend_per_agent(audits, month=M),
        "strengths": sg.strengths_per_agent(audits, month=M),
        "focus": sg.focus_per_agent(audits, month=M),
    }


@pytest.fixture
def small() -> dict[str, pd.DataFrame]:
    return tables(small_audits())


def test_strengths_and_focus_quote_only_the_agents_own_comments(small):
    strengths = va.agent_strengths(small["strengths"], "a1")
    focus = va.agent_focus(small["focus"], "a1")
    assert strengths["theme"].tolist() == ["Empathy"] and strengths["n"].tolist() == [5]
    assert focus["focus"].tolist() == ["missed verification", XSS]
    for df in (strengths, focus):
        assert all(isinstance(ex, list) for ex in df["examples"])
        assert all("by a1" in c or c == XSS for ex in df["examples"] for c in ex)
    assert va.agent_focus(small["focus"], "a1", n_focus=1).shape[0] == 1
    text = va.strengths_fragment(strengths).data + va.focus_fragment(focus).data
    assert "One thing to focus on next month" in text
    assert XSS not in text and "&lt;script&gt;" in text
    assert "a2" not in text and "b1" not in text


def test_agent_views_on_empty_tables(small):
    empty = tables(small_audits().iloc[0:0])
    assert va.agent_strengths(empty["strengths"], "a1").empty
    assert va.agent_focus(empty["focus"], "a1").empty
    assert va.agent_trend(empty["trend"], "a1").empty
    assert va.agent_cards(empty["kpis"], "a1", M, P) == []
    assert "No errors" in va.focus_fragment(va.agent_focus(empty["focus"], "a1")).data
    assert "keep going" in va.strengths_fragment(va.agent_strengths(small["strengths"], "zz")).data


def test_agent_cards_trend_and_closing(small):
    cards = va.agent_cards(small["kpis"], "a1", M, P)
    assert all("operation" not in c.label for c in cards)
    assert any("your team" in c.label for c in cards)
    assert cards[0].label == "Audits" and cards[0].value == "8"  # a1's own audits in October
    assert va.agent_cards(small["kpis"], "a1", M, P, min_n=30)[0].label.endswith("(small sample)")
    trend = va.agent_trend(small["trend"], "a1")
    assert set(trend["who"]) == {"You", "Your team"}
    mine = trend[trend["who"] == "You"]
    assert mine["n"].sum() == (small_audits()["agent"] == "a1").sum()
    fig = va.agent_trend_figure(trend, "pass_rate", XSS)
    assert XSS not in rr.figure(fig).data
    assert {t.name for t in fig.data} == {"You", "Your team"}
    closing = va.agent_closing(cards).data
    assert "rank" not in closing.lower()


# --- on sample data: an agent's views hold only the agent's own cases --------------------------


def test_agent_views_never_return_another_agents_rows(sample_analysis):
    a = sample_analysis
    month, previous = a.info["month"], a.info["previous"]
    audits = add_period(a.workspace.audits())
    current = audits[audits["month"] == month]
    agents = sorted(current["agent"].unique())
    assert len(agents) >= 10
    kpis, trend = a.table("agent_kpis"), a.table("agent_trend")
    strengths, focus = a.table("agent_strengths"), a.table("agent_focus")
    for agent in agents:
        mine = current[current["agent"] == agent]
        own_comments = set(mine["comment"].dropna().astype(str).str.strip())
        cards = va.agent_cards(kpis, agent, month, previous)
        assert cards[0].value.split(" ")[0] == f"{len(mine):,}"
        weekly = va.agent_trend(trend, agent)
        assert weekly.loc[weekly["who"] == "You", "n"].sum() == (audits["agent"] == agent).sum()
        shown = [va.agent_strengths(strengths, agent), va.agent_focus(focus, agent)]
        for df in shown:
            assert {q for ex in df["examples"] for q in ex} <= own_comments
        page = "".join(
            [va.strengths_fragment(shown[0]).data, va.focus_fragment(shown[1]).data,
             rr.figure(va.agent_trend_figure(weekly)).data, *(c.label for c in cards)]
        )  # fmt: skip
        assert not [o for o in agents if o != agent and o in page], agent


def test_agent_findings_show_only_the_agents_own_clear_needs():
    from test_recommend import coach, frame

    rows = frame(
        coach("a1", "missed verification", fid="CN-1", evidence=["a1's own case"],
              evidence_ids=["AUD-A1"]),
        coach("T1 new", "missed verification", cohort="2026Q3", fid="CN-2",
              evidence_ids=["AUD-B1"]),  # a cohort: other agents' cases
        coach("b1", "tone", fid="CN-3", evidence_ids=["AUD-B2"]),
        coach("a1", "tone", fid="CN-4", significant=False),
    ).assign(rank=range(1, 5))  # fmt: skip
    out = va.agent_findings(rows, "a1").data
    assert "12 of 40 audits had this error" in out and "audit AUD-A1" in out
    assert "AUD-B1" not in out and "AUD-B2" not in out and "tone" not in out
    assert "Clear means:" in out
    assert va.agent_findings(rows, "nobody").data == ""
    assert va.agent_findings(pd.DataFrame(), "a1").data == ""
