"""The per-team and per-agent tables hold what the team-lead and agent reports showed before.

This is a plumbing test, not a test of the statistics: until issue 11 the views of
``rca.reports.team`` computed their figures from the audits themselves. Those computations are
kept below (`Reference`, as they were, in plain pandas and `rca.stats.kpis`), and on sample data
every team's and every agent's view output from the analysis tables must equal them. The
statistics themselves (`kpis_by`, `theme_shares`, `coaching_needs`) are tested in their own
modules' tests.
"""

from __future__ import annotations

import pandas as pd
import pytest

import rca.reports.agent as va
import rca.reports.team as vt
from rca.stats.kpis import add_period, kpis_by, theme_shares


def _examples(audits: pd.DataFrame, n: int) -> list[str]:
    comments = audits["comment"].dropna().astype(str).str.strip()
    return comments[comments != ""].drop_duplicates().head(n).tolist()


class Reference:
    """The views' old computations from the audits (``rca/reports/team.py`` before issue 11)."""

    @staticmethod
    def team_kpis(audits, team, month, previous, min_n):
        df = audits[audits["month"].isin([previous, month])]
        own = kpis_by(df[df["team"] == team], "month", min_n=min_n).assign(segment=team)
        ops = kpis_by(df, "month", min_n=min_n).assign(segment="Operation")
        out = pd.concat([own, ops], ignore_index=True)
        return out[["segment", *[c for c in out.columns if c != "segment"]]]

    @staticmethod
    def team_themes(audits, team, month, previous, top_n):
        own = theme_shares(audits[audits["team"] == team], month, previous, top_n=top_n)
        ops = theme_shares(audits, month, None, top_n=10_000).set_index("theme_id")["share"]
        return own.assign(operation_share=own["theme_id"].map(ops).fillna(0.0))

    @staticmethod
    def team_errors(audits, team, month):
        cur = audits[(audits["month"] == month) & audits["error_category"].notna()]
        own = cur[cur["team"] == team]["error_category"].value_counts()
        ops = cur["error_category"].value_counts(normalize=True)
        out = pd.DataFrame({"error_category": own.index.astype(str), "n": own.to_numpy()})
        out["share"] = out["n"] / max(int(own.sum()), 1)
        out["operation_share"] = out["error_category"].map(ops).fillna(0.0)
        return out.sort_values(["n", "error_category"], ascending=[False, True], ignore_index=True)

    @staticmethod
    def team_coaching(coaching, audits, team, month):
        cur = audits[(audits["month"] == month) & (audits["team"] == team)]
        members = set(cur["agent"].astype(str))
        keep = coaching[
            (coaching["team"] == team) & coaching["clear"] & (coaching["difference"] > 0)
        ]
        ok = keep["agents"].map(lambda a: len(a) > 0 and set(map(str, a)) <= members)
        keep = keep[ok.astype(bool)]
        examples = [
            _examples(cur[cur["agent"].isin(list(a)) & (cur["error_category"] == c)], 2)
            for a, c in zip(keep["agents"], keep["error_category"], strict=True)
        ]
        return pd.DataFrame(
            {"who": keep["group"].to_numpy(), "kind": keep["group_type"].to_numpy(),
             "focus": keep["error_category"].to_numpy(), "n": keep["n"].to_numpy(),
             "count": keep["count"].to_numpy(), "share": keep["share"].to_numpy(),
             "rest_share": keep["rest_share"].to_numpy(), "examples": examples}
        )  # fmt: skip

    @staticmethod
    def team_macros(audits, team, month, macros, top_n):
        cur = audits[(audits["month"] == month) & (audits["team"] == team)]
        cur = cur[cur["macro_id"].notna()]
        failing = cur["passed"].eq(False).fillna(False).astype(bool)
        g = cur.assign(_fail=failing.astype(int)).groupby("macro_id")["_fail"]
        out = pd.DataFrame({"failing": g.sum(), "audits": g.size()}).reset_index()
        out = out[out["failing"] > 0].copy()
        out["fail_rate"] = out["failing"] / out["audits"]
        ops = dict(zip(macros["macro_id"], macros["fail_rate"], strict=True))
        out["operation_fail_rate"] = out["macro_id"].map(ops)
        out["example"] = [
            next(iter(_examples(cur[failing & (cur["macro_id"] == m)], 1)), "")
            for m in out["macro_id"]
        ]
        out = out.sort_values(["failing", "macro_id"], ascending=[False, True], ignore_index=True)
        return out.head(top_n)

    @staticmethod
    def agent_kpis(audits, agent, month, previous, min_n):
        teams = audits.loc[(audits["agent"] == agent) & (audits["month"] == month), "team"]
        team = str(teams.mode().iloc[0])
        df = audits[audits["month"].isin([previous, month])]
        own = kpis_by(df[df["agent"] == agent], "month", min_n=min_n).assign(segment=agent)
        mates = kpis_by(df[df["team"] == team], "month", min_n=min_n).assign(segment="Operation")
        return pd.concat([own, mates])

    @staticmethod
    def agent_trend(audits, agent):
        own = audits[audits["agent"] == agent]
        team = str(own["team"].mode().iloc[0])
        parts = [
            kpis_by(df, "week").assign(who=who)
            for df, who in ((own, "You"), (audits[audits["team"] == team], "Your team"))
        ]
        out = pd.concat(parts, ignore_index=True).rename(columns={"week": "period"})
        return out[["period", "who", "n", "pass_rate", "mean_score"]]

    @staticmethod
    def agent_ranked(audits, agent, month, column, top, n_examples, name):
        own = audits[(audits["agent"] == agent) & (audits["month"] == month)]
        if column == "theme_label":
            own = own[own["passed"].eq(True).fillna(False).astype(bool)]
            own = own[own["theme_id"].notna() & (own["theme_id"] != -1)]
        else:
            own = own[own["error_category"].notna()]
        counts = own.groupby(column).size().sort_values(ascending=False, kind="stable")
        rows = [
            {name: v, "n": int(n), "examples": _examples(own[own[column] == v], n_examples)}
            for v, n in counts.head(top).items()
        ]
        return pd.DataFrame(rows, columns=[name, "n", "examples"])


def _same(new: pd.DataFrame, old: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        new.reset_index(drop=True), old.reset_index(drop=True), check_dtype=False
    )


@pytest.fixture(scope="module")
def sample(sample_analysis):
    a = sample_analysis
    audits = add_period(a.workspace.audits())
    month, previous = a.info["month"], a.info["previous"]
    current = audits[audits["month"] == month]
    teams, agents = (sorted(current[c].dropna().unique()) for c in ("team", "agent"))
    return a, audits, month, previous, teams, agents


@pytest.mark.parametrize("min_n", [30, 300])
def test_team_views_show_what_they_computed_before(sample, min_n):
    a, audits, month, previous, teams, _ = sample
    assert len(teams) >= 4
    coaching, macros = a.table("coaching"), a.table("macros")
    assert not a.table("team_coaching").empty
    for team in teams:
        old = Reference.team_kpis(audits, team, month, previous, min_n)
        new = vt.team_kpis(a.table("team_kpis"), team, min_n=min_n)
        _same(new, old)
        assert vt.team_vs_operation_cards(new, team, month, previous) == (
            vt.team_vs_operation_cards(old, team, month, previous)
        )
        _same(vt.team_themes(a.table("team_themes"), team, 8),
              Reference.team_themes(audits, team, month, previous, 8))  # fmt: skip
        _same(vt.team_errors(a.table("team_errors"), team),
              Reference.team_errors(audits, team, month))  # fmt: skip
        _same(vt.team_coaching(a.table("team_coaching"), team),
              Reference.team_coaching(coaching, audits, team, month))  # fmt: skip
        _same(vt.team_macros(a.table("team_macros"), team, 5),
              Reference.team_macros(audits, team, month, macros, 5))  # fmt: skip


def test_agent_views_show_what_they_computed_before(sample):
    a, audits, month, previous, _, agents = sample
    assert len(agents) >= 20
    kpis, trend = a.table("agent_kpis"), a.table("agent_trend")
    strengths, focus = a.table("agent_strengths"), a.table("agent_focus")
    for agent in agents:
        old = Reference.agent_kpis(audits, agent, month, previous, 30)
        cards = va.agent_cards(kpis, agent, month, previous, min_n=30)
        old_cards = vt.team_vs_operation_cards(old, agent, month, previous)
        assert cards[1].label.startswith("Pass rate (your team")
        assert [(c.label, c.value, c.delta, c.good) for c in cards] == [
            (c.label.replace("(operation", "(your team"), c.value, c.delta, c.good)
            for c in old_cards
        ]
        _same(va.agent_trend(trend, agent), Reference.agent_trend(audits, agent))
        _same(
            va.agent_strengths(strengths, agent),
            Reference.agent_ranked(audits, agent, month, "theme_label", 3, 2, "theme"),
        )
        old_focus = Reference.agent_ranked(audits, agent, month, "error_category", 2, 3, "focus")
        _same(va.agent_focus(focus, agent), old_focus)
