"""Views for the per-agent (``agent_feedback``) report: select an agent's rows, word and draw them.

Every figure is computed once by the analysis (`rca.analysis.member_steps`, tables ``agent_kpis``,
``agent_trend``, ``agent_strengths``, ``agent_focus``); these functions take such a table and an
agent and return a DataFrame, KPI cards, an HTML fragment or a plotly figure. They only ever
select the agent's own rows: the agent's own audits, plus their team as an aggregate.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
from IPython.display import HTML

import rca.reports.fragments as rr
from rca.reports.finding_evidence import clear_meaning, finding_list
from rca.reports.fragments import Kpi, esc
from rca.reports.member import flag_small, rows_of
from rca.reports.team import team_vs_operation_cards

__all__ = [
    "agent_cards",
    "agent_closing",
    "agent_findings",
    "agent_focus",
    "agent_strengths",
    "agent_trend",
    "agent_trend_figure",
    "focus_fragment",
    "strengths_fragment",
]

_BLUE, _GREY = "#0969da", "#8c959f"


def agent_cards(
    table: pd.DataFrame, agent: str, month: str, previous: str | None, min_n: int | None = None
) -> list[Kpi]:
    """Return the agent's own KPI cards, with their team's value for context.

    Parameters
    ----------
    table
        The analysis' ``agent_kpis`` table.
    agent
        The report's agent.
    month, previous
        Report month and the one before (for the change).
    min_n
        Call the agent's sample small below this many audits (the analysis' flag when None).
    """
    rows = rows_of(table, "agent", agent)
    kpis = flag_small(
        rows.assign(segment=rows["segment"].map({"agent": agent, "team": "Operation"})), min_n
    )
    cards = team_vs_operation_cards(kpis, agent, month, previous)
    return [
        Kpi(k.label.replace("(operation", "(your team"), k.value, k.delta, k.good) for k in cards
    ]


def agent_trend(table: pd.DataFrame, agent: str) -> pd.DataFrame:
    """Weekly pass rate and score of the agent and of their team (as a whole).

    Returns
    -------
    DataFrame
        ``period`` (week), ``who`` (``"You"`` / ``"Your team"``), ``n``, ``pass_rate``,
        ``mean_score``, from the analysis' ``agent_trend`` table.
    """
    rows = rows_of(table, "agent", agent)
    columns = ["period", "who", "n", "pass_rate", "mean_score"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    who = rows["segment"].map({"agent": "You", "team": "Your team"})
    return rows.assign(who=who)[columns]


def agent_trend_figure(trend: pd.DataFrame, value: str = "pass_rate", title: str = "") -> Any:
    """Line chart of the agent vs their team (``value`` 0-1 rates shown as %)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    scale = 100 if value == "pass_rate" else 1
    for who, color in (("Your team", _GREY), ("You", _BLUE)):
        d = trend[trend["who"] == who].sort_values("period")
        fig.add_trace(
            go.Scatter(x=rr.escape_labels(d["period"]), y=d[value] * scale, mode="lines+markers",
                       name=who, line={"color": color, "width": 2})
        )  # fmt: skip
    fig.update_layout(title=html.escape(title), yaxis_title="%" if scale == 100 else "score")
    return fig


def agent_strengths(table: pd.DataFrame, agent: str, n_themes: int = 3) -> pd.DataFrame:
    """Themes of the agent's passed audits of the month, with their own comments as examples.

    Returns
    -------
    DataFrame
        ``theme``, ``n`` (passed audits), ``examples``: the ``n_themes`` largest, from the
        analysis' ``agent_strengths`` table.
    """
    return rows_of(table, "agent", agent, drop=("rank",)).head(n_themes)


def agent_focus(table: pd.DataFrame, agent: str, n_focus: int = 2) -> pd.DataFrame:
    """Return the one or two error categories to work on, with the agent's own examples.

    Returns
    -------
    DataFrame
        ``focus`` (error category), ``n`` (audits), ``examples``: the ``n_focus`` most frequent,
        from the analysis' ``agent_focus`` table.
    """
    return rows_of(table, "agent", agent, drop=("rank",)).head(n_focus)


def _quotes(examples: Any) -> str:
    return "".join(f"<li>“{esc(q)}”</li>" for q in examples)


def strengths_fragment(strengths: pd.DataFrame) -> HTML:
    """Say what went well, with quotes from the agent's passed audits."""
    if strengths.empty:
        return HTML("<p>No passed audits with comments this month yet: keep going!</p>")
    parts = [
        f"<h4>{esc(r.theme)} <small>({r.n} passed audits)</small></h4>"
        f"<ul>{_quotes(r.examples)}</ul>"
        for r in strengths.itertuples()
    ]
    return HTML("".join(parts))


def focus_fragment(focus: pd.DataFrame) -> HTML:
    """Word the focus areas kindly ("One thing to focus on next month"), with examples."""
    if focus.empty:
        return HTML(
            '<div class="rca-callout">No errors were noted in your audits this month.</div>'
        )
    parts = []
    for i, r in enumerate(focus.itertuples()):
        lead = "One thing to focus on next month" if i == 0 else "Also worth a look"
        parts.append(
            f'<div class="rca-callout"><strong>{lead}:</strong> {esc(r.focus)} '
            f"(noted in {r.n} of your audits).</div><ul>{_quotes(r.examples)}</ul>"
        )
    return HTML("".join(parts))


def agent_findings(findings: pd.DataFrame, agent: str, family: pd.DataFrame | None = None) -> HTML:
    """Show the agent's own clear coaching needs with their evidence (their own audits only).

    Only findings whose subject is this agent alone (``group_type`` agent): a cohort's finding
    would show other agents' cases. Each shows its counts, the comparison group, the interval
    and example cases (`rca.reports.finding_evidence.finding_list`), then what "clearly" means
    (``family``: the ``finding_family`` table, for the number of possible findings tested).
    """
    cols = {"type", "significant", "group_type", "agent"}
    if findings.empty or not cols <= set(findings.columns):
        return HTML("")
    mine = findings[(findings["type"] == "coaching_need")
                    & findings["significant"].fillna(False).astype(bool)
                    & (findings["group_type"].astype(str) == "agent")
                    & (findings["agent"].astype(str) == str(agent))]  # fmt: skip
    if mine.empty:
        return HTML("")
    return HTML(
        "<p>Compared with everyone else, the month's analysis clearly found:</p>"
        + finding_list(mine.sort_values("rank"))
        + f"<p><small>{esc(clear_meaning(family))}</small></p>"
    )


def agent_closing(cards: list[Kpi]) -> HTML:
    """Return a short, encouraging closing line (noting a rising pass rate)."""
    up = any(k.label.startswith("Pass rate") and k.good and k.delta for k in cards)
    text = (
        "Your pass rate went up this month: great progress, keep it going!"
        if up
        else "Thank you for your work this month: every audit is a chance to grow."
    )
    return HTML(f'<div class="rca-callout">{esc(text)}</div>')
