"""Views for the team-lead (``operations``) report: select a team's rows, format and draw them.

Every figure is computed once by the analysis (`rca.analysis.member_steps`, tables ``team_kpis``,
``team_themes``, ``team_errors``, ``team_coaching``, ``team_macros``, ``p_chart_team``); these
functions take such a table and a team, and return a DataFrame, KPI cards or a plotly figure.
A team's views show only the team's own agents, and the whole operation as an aggregate.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
from IPython.display import HTML

import rca.reports.fragments as rr
from rca.reports.finding_evidence import clear_meaning, finding_list
from rca.reports.fragments import Kpi
from rca.reports.member import flag_small, rows_of
from rca.stats.control_charts import RULES

__all__ = [
    "comparison_bars",
    "p_chart_figure",
    "p_chart_signals",
    "team_clear_findings",
    "team_coaching",
    "team_errors",
    "team_findings",
    "team_kpis",
    "team_macros",
    "team_themes",
    "team_vs_operation_cards",
]

_BLUE, _GREY, _RED = "#0969da", "#8c959f", "#cf222e"


def _top(table: pd.DataFrame, team: str, top_n: int) -> pd.DataFrame:
    """Return the team's first ``top_n`` rows, in rank order (the table's)."""
    return rows_of(table, "team", team, drop=("rank",)).head(top_n)


def team_kpis(table: pd.DataFrame, team: str, min_n: int | None = None) -> pd.DataFrame:
    """KPIs of ``team`` and of the whole operation, this month and the previous one.

    Parameters
    ----------
    table
        The analysis' ``team_kpis`` table.
    team
        The report's team.
    min_n
        Flag rows with fewer audits as ``small_n`` (the analysis' own flag when None).

    Returns
    -------
    DataFrame
        ``segment`` (``team`` or ``"Operation"``), ``month`` and the `rca.stats.kpis.kpis_by`
        columns: the team's rows, then the operation's.
    """
    rows = rows_of(table, "team", team)
    names = {"team": team, "operation": "Operation"}
    return flag_small(rows.assign(segment=rows["segment"].map(names)), min_n)


def _row(kpis: pd.DataFrame, segment: str, month: str | None) -> pd.Series | None:
    rows = kpis[(kpis["segment"] == segment) & (kpis["month"] == month)]
    return None if rows.empty else rows.iloc[0]


def _pts(cur: float, prev: float | None) -> str | None:
    return None if prev is None or pd.isna(prev) else f"{(cur - prev) * 100:+.1f} pts"


def team_vs_operation_cards(
    kpis: pd.DataFrame, team: str, month: str, previous: str | None
) -> list[Kpi]:
    """KPI cards of the team with the change vs last month and the operation's value.

    ``kpis`` is `team_kpis` output.
    """
    cur, prev, ops = (
        _row(kpis, team, month),
        _row(kpis, team, previous),
        _row(kpis, "Operation", month),
    )
    if cur is None or ops is None:
        return []
    small = " (small sample)" if bool(cur["small_n"]) else ""
    cards = [Kpi(f"Audits{small}", f"{int(cur['n']):,}")]
    for col, label, unit, higher_good in (
        ("pass_rate", "Pass rate", "pct", True),
        ("mean_score", "Average score", "num", True),
        ("critical_rate", "Critical errors", "pct", False),
    ):
        if pd.isna(cur[col]):
            continue
        p = None if prev is None else prev[col]
        if unit == "pct":
            value, other = f"{cur[col] * 100:.1f} %", f"{ops[col] * 100:.1f} %"
            delta = _pts(cur[col], p)
        else:
            value, other = f"{cur[col]:.1f}", f"{ops[col]:.1f}"
            delta = None if p is None or pd.isna(p) else f"{cur[col] - p:+.1f}"
        good = None if delta is None else bool((cur[col] >= p) == higher_good or cur[col] == p)
        cards.append(Kpi(f"{label} (operation {other})", value, delta, good))
    return cards


def team_themes(table: pd.DataFrame, team: str, top_n: int = 8) -> pd.DataFrame:
    """Return the team's ``top_n`` largest comment themes of the month, with the operation's share.

    Returns
    -------
    DataFrame
        ``theme_id``, ``theme_label``, ``root_cause``, ``n``, ``share``, ``previous_share``,
        ``change`` (as `rca.stats.kpis.theme_shares`, for the team) and ``operation_share``,
        from the analysis' ``team_themes`` table.
    """
    return _top(table, team, top_n)


def team_errors(table: pd.DataFrame, team: str) -> pd.DataFrame:
    """Error categories of the month: the team's count and share of its errors vs the operation.

    Returns
    -------
    DataFrame
        ``error_category``, ``n``, ``share``, ``operation_share``, largest first (the analysis'
        ``team_errors`` table).
    """
    return rows_of(table, "team", team)


def comparison_bars(
    df: pd.DataFrame, label: str, value: str, other: str, names: tuple[str, str], title: str
) -> Any:
    """Horizontal bars of ``value`` (e.g. a team) with ``other`` (e.g. the operation) beside it.

    Shares 0-1 are shown as %; labels from data are escaped.
    """
    import plotly.graph_objects as go

    d = df.iloc[::-1]
    labels = rr.escape_labels(d[label])
    fig = go.Figure()
    for col, name, color in ((other, names[1], _GREY), (value, names[0], _BLUE)):
        fig.add_trace(
            go.Bar(
                y=labels, x=d[col] * 100, orientation="h", marker_color=color,
                name=html.escape(name), hovertemplate="%{y}: %{x:.1f} %<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(
        title=html.escape(title), barmode="group", xaxis_title="%", height=160 + 44 * len(d)
    )
    return fig


def _clear(findings: pd.DataFrame | None, kind: str) -> pd.DataFrame | None:
    """Return the clear findings of ``kind``; None when ``findings`` cannot tell."""
    if findings is None or not {"type", "significant"} <= set(findings.columns):
        return None
    return findings[(findings["type"] == kind) & findings["significant"].fillna(False)
                    .astype(bool)]  # fmt: skip


def _coaching_keys(clear: pd.DataFrame) -> set[tuple[str, str]]:
    if not {"group", "error_category"} <= set(clear.columns):
        return set()
    return set(zip(clear["group"].astype(str), clear["error_category"].astype(str), strict=True))


def team_coaching(
    table: pd.DataFrame, team: str, findings: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Coaching needs of the team's agents and cohorts, with examples from the team's audits.

    Only rows whose agents are all in the team are in the analysis' ``team_coaching`` table.
    With ``findings``, only the needs whose finding is clear (its ``significant`` field) are
    kept: the analysis' one rule, not the coaching table's own.

    Returns
    -------
    DataFrame
        ``who``, ``kind`` (agent / cohort), ``focus`` (error category), ``n``, ``count``,
        ``share``, ``rest_share``, ``examples`` (the group's own comments in that category).
    """
    rows = rows_of(table, "team", team)
    clear = _clear(findings, "coaching_need")
    if clear is None or rows.empty:
        return rows
    keys = _coaching_keys(clear)
    keep = [(str(w), str(f)) in keys for w, f in zip(rows["who"], rows["focus"], strict=True)]
    return rows[keep].reset_index(drop=True)


def team_clear_findings(
    findings: pd.DataFrame, coaching: pd.DataFrame, team: str
) -> pd.DataFrame | None:
    """Return the team's clear findings, best rank first.

    Its agents' and cohorts' coaching needs (rows of ``team_coaching`` for ``team``) and themes
    growing in the team itself.

    None when ``findings`` cannot tell (no ``type`` or ``significant`` column).
    """
    needs, grown = _clear(findings, "coaching_need"), _clear(findings, "emerging_theme")
    if needs is None or grown is None:
        return None
    ours: set[tuple[str, str]] = set()
    if not rr.unusable(coaching, ["team", "who", "focus"]):
        mine = rows_of(coaching, "team", team)
        ours = set(zip(mine["who"].astype(str), mine["focus"].astype(str), strict=True))
    keys = _coaching_keys(needs) & ours
    needs = needs[
        [
            (str(g), str(e)) in keys
            for g, e in zip(needs.get("group", []), needs.get("error_category", []), strict=True)
        ]
    ]
    here = (grown["segment_type"].astype(str) == "team") & (
        grown["segment_value"].astype(str) == str(team)
    )
    rows = [frame for frame in (needs, grown[here]) if len(frame)]
    return pd.concat(rows).sort_values("rank") if rows else findings.iloc[:0]


def team_findings(
    findings: pd.DataFrame,
    coaching: pd.DataFrame,
    team: str,
    family: pd.DataFrame | None = None,
) -> HTML:
    """List the team's clear findings with their evidence: coaching needs, themes growing in it.

    Coaching needs are those of the team's own agents and cohorts (the rows of the analysis'
    ``team_coaching`` table for ``team``, whose agents are all in the team), so their example
    cases are the team's; growing themes are those found in the team itself. Each finding shows
    its counts, comparison group, interval and example cases
    (`rca.reports.finding_evidence.finding_list`), then what "clear" means (``family``: the
    ``finding_family`` table, for the number of possible findings tested).
    """
    mine = team_clear_findings(findings, coaching, team)
    if mine is None:
        return rr.callout(f"No finding for {team} this month.")
    if mine.empty:
        return rr.callout(f"No clear finding for {team} this month.")
    return HTML(finding_list(mine) + f"<p><small>{rr.esc(clear_meaning(family))}</small></p>")


def p_chart_figure(
    p_chart: pd.DataFrame, group: str, by: str = "team", period: str = "week"
) -> Any:
    """Plot one group's p-chart: pass rate, centre line, 3-sigma limits, signals in red."""
    import plotly.graph_objects as go

    d = p_chart[p_chart[by] == group].sort_values(period)
    xs = rr.escape_labels(d[period])
    fig = go.Figure()
    for col, name, dash in (("ucl", "Upper limit", "dot"), ("lcl", "Lower limit", "dot")):
        fig.add_trace(
            go.Scatter(x=xs, y=d[col] * 100, mode="lines", name=name,
                       line={"color": _GREY, "dash": dash, "shape": "hvh"})
        )  # fmt: skip
    fig.add_trace(
        go.Scatter(x=xs, y=d["centre"] * 100, mode="lines", name="Centre line",
                   line={"color": "#1f2328", "width": 1})
    )  # fmt: skip
    signal = d["signal"].astype(bool).tolist()
    fig.add_trace(
        go.Scatter(
            x=xs, y=d["p"] * 100, mode="lines+markers", name="Pass rate",
            line={"color": _BLUE, "width": 2},
            marker={"size": [12 if s else 8 for s in signal],
                    "color": [_RED if s else _BLUE for s in signal]},
            hovertemplate="%{x}: %{y:.1f} %<extra></extra>",
        )
    )  # fmt: skip
    title = f"Weekly pass rate of {group} with control limits (red: signal)"
    fig.update_layout(title=html.escape(title), yaxis_title="%", xaxis_title="Week")
    return fig


def p_chart_signals(p_chart: pd.DataFrame, group: str, by: str = "team") -> pd.DataFrame:
    """Weeks of ``group``'s p-chart that signal, with the run rules broken in words."""
    d = p_chart[(p_chart[by] == group) & p_chart["signal"].astype(bool)]
    return pd.DataFrame(
        {
            "week": d["week"].astype(str).to_numpy(),
            "n": d["n"].to_numpy(),
            "p": d["p"].to_numpy(),
            "centre": d["centre"].to_numpy(),
            "why": ["; ".join(RULES.get(int(r), str(r)) for r in rules) for rules in d["rules"]],
        }
    )


def team_macros(table: pd.DataFrame, team: str, top_n: int = 8) -> pd.DataFrame:
    """Macros / SOPs in the team's failing audits of the month, most failures first.

    Returns
    -------
    DataFrame
        ``macro_id``, ``failing``, ``audits``, ``fail_rate`` (team), ``operation_fail_rate``,
        ``example`` (one of the team's comments), from the analysis' ``team_macros`` table.
    """
    return _top(table, team, top_n)
