"""Views for the team-lead (``operations``) and per-agent (``agent_feedback``) reports.

Small functions: audits (with ``month``/``week`` from `rca.stats.kpis.add_period`) and analysis
tables in, DataFrames, report fragments or plotly figures out. Agent views only ever read the
agent's own audits, plus their team as an aggregate; team views only show the team's own agents.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import HTML

from rca.analysis.workspace import Workspace
from rca.core.errors import ParameterError
from rca.reports.fragments import Kpi, esc
from rca.stats.control_charts import RULES
from rca.stats.kpis import add_period, kpis_by, theme_shares

__all__ = [
    "agent_cards",
    "agent_closing",
    "agent_focus",
    "agent_strengths",
    "agent_team",
    "agent_trend",
    "agent_trend_figure",
    "check_member",
    "comparison_bars",
    "focus_fragment",
    "load_member",
    "p_chart_figure",
    "p_chart_signals",
    "strengths_fragment",
    "team_coaching",
    "team_errors",
    "team_kpis",
    "team_macros",
    "team_themes",
    "team_vs_operation_cards",
]

_BLUE, _GREY, _RED = "#0969da", "#8c959f", "#cf222e"


def _safe(values: Any) -> list[str]:
    return [html.escape(str(v)) for v in values]


def load_member(
    workspace: str | Path, month: str | None, column: str, value: str | None
) -> tuple[Workspace, str, str | None, pd.DataFrame, str]:
    """Open a report's workspace for one team or agent (the validation cell of both notebooks).

    Returns
    -------
    tuple
        ``(workspace, month, previous month or None, audits with period columns, value)``.

    Raises
    ------
    ParameterError
        Unknown month, or ``value`` missing or without audits in the month (`check_member`).
    """
    ws = Workspace(Path(workspace))
    month, previous = ws.resolve_month(month)
    audits = add_period(ws.audits())
    return ws, month, previous, audits, check_member(audits, column, value, month)


def check_member(audits: pd.DataFrame, column: str, value: str | None, month: str) -> str:
    """Return ``value`` if it has audits in ``month``; else raise listing the available values.

    Parameters
    ----------
    audits
        Audits with a ``month`` column.
    column
        ``"team"`` or ``"agent"``.
    value
        The requested team / agent (``None`` when not given).
    month
        Report month.

    Raises
    ------
    ParameterError
        ``value`` is missing or has no audits in ``month``.
    """
    available = sorted(audits.loc[audits["month"] == month, column].dropna().astype(str).unique())
    if value is None:
        raise ParameterError(
            f"parameter '{column}' is required; {column}s with audits in {month}: "
            f"{', '.join(available) or 'none'}"
        )
    if value not in available:
        raise ParameterError(
            f"{column} {value!r} has no audits in {month}; "
            f"{column}s with audits in {month}: {', '.join(available) or 'none'}"
        )
    return value


def team_kpis(
    audits: pd.DataFrame, team: str, month: str, previous: str | None, min_n: int = 30
) -> pd.DataFrame:
    """KPIs of ``team`` and of the whole operation in ``month`` (and ``previous``).

    Returns
    -------
    DataFrame
        `rca.stats.kpis.kpis_by` columns with ``segment`` (``team`` name or ``"Operation"``) and
        ``month``, one row per segment × month present.
    """
    months = [m for m in (previous, month) if m is not None]
    df = audits[audits["month"].isin(months)]
    own = kpis_by(df[df["team"] == team], "month", min_n=min_n).assign(segment=team)
    ops = kpis_by(df, "month", min_n=min_n).assign(segment="Operation")
    out = pd.concat([own, ops], ignore_index=True)
    return out[["segment", *[c for c in out.columns if c != "segment"]]]


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


def team_themes(
    audits: pd.DataFrame, team: str, month: str, previous: str | None, top_n: int = 8
) -> pd.DataFrame:
    """Return the team's largest comment themes in ``month`` with the operation's share.

    Returns
    -------
    DataFrame
        ``theme_id``, ``theme_label``, ``root_cause``, ``n``, ``share``, ``previous_share``,
        ``change`` (as `rca.stats.kpis.theme_shares`, for the team) and ``operation_share``.
    """
    own = theme_shares(audits[audits["team"] == team], month, previous, top_n=top_n)
    ops = theme_shares(audits, month, None, top_n=10_000)
    return own.assign(
        operation_share=own["theme_id"].map(ops.set_index("theme_id")["share"]).fillna(0.0)
    )


def team_errors(audits: pd.DataFrame, team: str, month: str) -> pd.DataFrame:
    """Error categories of the month: the team's count and share of its errors vs the operation.

    Returns
    -------
    DataFrame
        ``error_category``, ``n``, ``share``, ``operation_share``, largest first.
    """
    cur = audits[(audits["month"] == month) & audits["error_category"].notna()]
    own = cur[cur["team"] == team]["error_category"].value_counts()
    ops = cur["error_category"].value_counts(normalize=True)
    out = pd.DataFrame({"error_category": own.index.astype(str), "n": own.to_numpy()})
    out["share"] = out["n"] / max(int(own.sum()), 1)
    out["operation_share"] = out["error_category"].map(ops).fillna(0.0)
    return out.sort_values(["n", "error_category"], ascending=[False, True], ignore_index=True)


def comparison_bars(
    df: pd.DataFrame, label: str, value: str, other: str, names: tuple[str, str], title: str
) -> Any:
    """Horizontal bars of ``value`` (e.g. a team) with ``other`` (e.g. the operation) beside it.

    Shares 0-1 are shown as %; labels from data are escaped.
    """
    import plotly.graph_objects as go

    d = df.iloc[::-1]
    labels = _safe(d[label])
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


def _examples(audits: pd.DataFrame, n: int) -> list[str]:
    comments = audits["comment"].dropna().astype(str).str.strip()
    return comments[comments != ""].drop_duplicates().head(n).tolist()


def team_coaching(
    coaching: pd.DataFrame, audits: pd.DataFrame, team: str, month: str, n_examples: int = 2
) -> pd.DataFrame:
    """Coaching needs of the team's agents and cohorts, with examples from the team's audits.

    Rows whose agents are not all in ``team`` are dropped, so no other team's agent appears.

    Returns
    -------
    DataFrame
        ``who``, ``kind`` (agent / cohort), ``focus`` (error category), ``n``, ``count``,
        ``share``, ``rest_share``, ``examples`` (the group's own comments in that category).
    """
    cur = audits[(audits["month"] == month) & (audits["team"] == team)]
    members = set(cur["agent"].astype(str))
    keep = coaching[coaching["team"] == team]
    ok = keep["agents"].map(lambda a: len(a) > 0 and set(map(str, a)) <= members)
    keep = keep[ok.astype(bool)]
    examples = []
    for agents, category in zip(keep["agents"], keep["error_category"], strict=True):
        mask = cur["agent"].isin([str(a) for a in agents]) & (cur["error_category"] == category)
        examples.append(_examples(cur[mask], n_examples))
    out = pd.DataFrame(
        {
            "who": keep["group"].astype(str).to_numpy(),
            "kind": keep["group_type"].astype(str).to_numpy(),
            "focus": keep["error_category"].astype(str).to_numpy(),
            "n": keep["n"].to_numpy(),
            "count": keep["count"].to_numpy(),
            "share": keep["share"].to_numpy(),
            "rest_share": keep["rest_share"].to_numpy(),
        }
    )
    out["examples"] = examples
    return out


def p_chart_figure(
    p_chart: pd.DataFrame, group: str, by: str = "team", period: str = "week"
) -> Any:
    """Plot one group's p-chart: pass rate, centre line, 3-sigma limits, signals in red."""
    import plotly.graph_objects as go

    d = p_chart[p_chart[by] == group].sort_values(period)
    xs = _safe(d[period])
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


def team_macros(
    audits: pd.DataFrame, team: str, month: str, macros: pd.DataFrame | None = None, top_n: int = 8
) -> pd.DataFrame:
    """Macros / SOPs in the team's failing audits of ``month``, most failures first.

    Returns
    -------
    DataFrame
        ``macro_id``, ``failing``, ``audits``, ``fail_rate`` (team), ``operation_fail_rate`` (from
        the analysis ``macros`` table when given), ``example`` (one of the team's comments).
    """
    cur = audits[(audits["month"] == month) & (audits["team"] == team) & audits["macro_id"].notna()]
    failing = cur["passed"].eq(False).fillna(False).astype(bool)
    g = cur.assign(_fail=failing.astype(int)).groupby("macro_id")["_fail"]
    out = pd.DataFrame({"failing": g.sum(), "audits": g.size()}).reset_index()
    out = out[out["failing"] > 0].copy()
    out["fail_rate"] = out["failing"] / out["audits"]
    ops = {} if macros is None else dict(zip(macros["macro_id"], macros["fail_rate"], strict=False))
    out["operation_fail_rate"] = out["macro_id"].map(ops)
    out["example"] = [
        next(iter(_examples(cur[failing & (cur["macro_id"] == m)], 1)), "") for m in out["macro_id"]
    ]
    out = out.sort_values(["failing", "macro_id"], ascending=[False, True], ignore_index=True)
    return out.head(top_n)


def agent_team(audits: pd.DataFrame, agent: str, month: str) -> str:
    """Return the team ``agent`` worked in during ``month`` (the most frequent one)."""
    teams = audits.loc[(audits["agent"] == agent) & (audits["month"] == month), "team"]
    return str(teams.mode().iloc[0]) if not teams.dropna().empty else ""


def agent_cards(
    audits: pd.DataFrame, agent: str, month: str, previous: str | None, min_n: int = 30
) -> list[Kpi]:
    """Return the agent's own KPI cards, with their team's value for context."""
    team = agent_team(audits, agent, month)
    months = [m for m in (previous, month) if m is not None]
    df = audits[audits["month"].isin(months)]
    own = kpis_by(df[df["agent"] == agent], "month", min_n=min_n).assign(segment=agent)
    mates = kpis_by(df[df["team"] == team], "month", min_n=min_n).assign(segment=team)
    cards = team_vs_operation_cards(
        pd.concat([own, mates.assign(segment="Operation")]), agent, month, previous
    )
    return [
        Kpi(k.label.replace("(operation", "(your team"), k.value, k.delta, k.good) for k in cards
    ]


def agent_trend(audits: pd.DataFrame, agent: str, period: str = "week") -> pd.DataFrame:
    """Pass rate and score of the agent and of their team (as a whole) per ``period``.

    Returns
    -------
    DataFrame
        ``period``, ``who`` (``"You"`` / ``"Your team"``), ``n``, ``pass_rate``, ``mean_score``.
    """
    own = audits[audits["agent"] == agent]
    if own.empty:
        return pd.DataFrame(columns=["period", "who", "n", "pass_rate", "mean_score"])
    team = str(own["team"].mode().iloc[0])
    parts = [
        kpis_by(df, period).assign(who=who)
        for df, who in ((own, "You"), (audits[audits["team"] == team], "Your team"))
    ]
    out = pd.concat(parts, ignore_index=True).rename(columns={period: "period"})
    return out[["period", "who", "n", "pass_rate", "mean_score"]]


def agent_trend_figure(trend: pd.DataFrame, value: str = "pass_rate", title: str = "") -> Any:
    """Line chart of the agent vs their team (``value`` 0-1 rates shown as %)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    scale = 100 if value == "pass_rate" else 1
    for who, color in (("Your team", _GREY), ("You", _BLUE)):
        d = trend[trend["who"] == who].sort_values("period")
        fig.add_trace(
            go.Scatter(x=_safe(d["period"]), y=d[value] * scale, mode="lines+markers",
                       name=who, line={"color": color, "width": 2})
        )  # fmt: skip
    fig.update_layout(title=html.escape(title), yaxis_title="%" if scale == 100 else "score")
    return fig


def _own(audits: pd.DataFrame, agent: str, month: str) -> pd.DataFrame:
    return audits[(audits["agent"] == agent) & (audits["month"] == month)]


def agent_strengths(
    audits: pd.DataFrame, agent: str, month: str, n_themes: int = 3, n_examples: int = 2
) -> pd.DataFrame:
    """Themes of the agent's passed audits in ``month``, with their own comments as examples.

    Returns
    -------
    DataFrame
        ``theme``, ``n`` (passed audits), ``examples``.
    """
    own = _own(audits, agent, month)
    ok = own[own["passed"].eq(True).fillna(False).astype(bool)]
    ok = ok[ok["theme_id"].notna() & (ok["theme_id"] != -1)]
    counts = ok.groupby("theme_label").size().sort_values(ascending=False, kind="stable")
    rows = [
        {"theme": t, "n": int(n), "examples": _examples(ok[ok["theme_label"] == t], n_examples)}
        for t, n in counts.head(n_themes).items()
    ]
    return pd.DataFrame(rows, columns=["theme", "n", "examples"])


def agent_focus(
    audits: pd.DataFrame, agent: str, month: str, n_focus: int = 2, n_examples: int = 3
) -> pd.DataFrame:
    """Return the one or two error categories to work on, with the agent's own examples.

    Returns
    -------
    DataFrame
        ``focus`` (error category), ``n`` (audits), ``examples``.
    """
    own = _own(audits, agent, month)
    errs = own[own["error_category"].notna()]
    counts = errs.groupby("error_category").size().sort_values(ascending=False, kind="stable")
    rows = [
        {
            "focus": c,
            "n": int(n),
            "examples": _examples(errs[errs["error_category"] == c], n_examples),
        }
        for c, n in counts.head(n_focus).items()
    ]
    return pd.DataFrame(rows, columns=["focus", "n", "examples"])


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


def agent_closing(cards: list[Kpi]) -> HTML:
    """Return a short, encouraging closing line (noting a rising pass rate)."""
    up = any(k.label.startswith("Pass rate") and k.good and k.delta for k in cards)
    text = (
        "Your pass rate went up this month: great progress, keep it going!"
        if up
        else "Thank you for your work this month: every audit is a chance to grow."
    )
    return HTML(f'<div class="rca-callout">{esc(text)}</div>')
