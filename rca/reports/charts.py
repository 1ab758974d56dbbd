"""Chart builders: data in, plotly figure out (shown with `rca.reports.fragments.figure`).

Labels that come from data are escaped, since plotly renders a subset of HTML in text.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

import rca.reports.fragments as rr

__all__ = ["impact_bars", "language_bars", "rate_trend", "theme_bars", "theme_months"]

_BLUE = "#0969da"


def rate_trend(
    df: pd.DataFrame, x: str, rate: str, lo: str, hi: str, title: str, flag: str | None = None
) -> Any:
    """Line chart of a rate with its confidence band (rates 0-1 shown as %).

    Parameters
    ----------
    df
        One row per period, sorted.
    x, rate, lo, hi
        Column names of the period, the rate and its interval bounds.
    title
        Chart title.
    flag
        Optional boolean column; flagged points (e.g. small n) are drawn hollow.
    """
    import plotly.graph_objects as go

    xs = rr.escape_labels(df[x])
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=xs + xs[::-1],
            y=list(df[hi] * 100) + list(df[lo] * 100)[::-1],
            fill="toself",
            mode="lines",
            fillcolor="rgba(9,105,218,0.12)",
            line={"width": 0},
            hoverinfo="skip",
            name="95 % interval",
        )
    )
    hollow = df[flag].astype(bool).tolist() if flag else [False] * len(df)
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=df[rate] * 100,
            mode="lines+markers",
            line={"color": _BLUE, "width": 2},
            marker={"symbol": ["circle-open" if h else "circle" for h in hollow], "size": 9},
            name=title,
            hovertemplate="%{x}: %{y:.1f} %<extra></extra>",
        )
    )
    fig.update_layout(title=title, yaxis_title="%", showlegend=False)
    return fig


def theme_bars(shares: pd.DataFrame, title: str) -> Any:
    """Horizontal bars of theme shares this period, with last period as markers.

    ``shares`` has ``theme_label``, ``share`` and ``previous_share`` (0-1).
    """
    import plotly.graph_objects as go

    df = shares.iloc[::-1]
    labels = rr.escape_labels(df["theme_label"])
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=labels, x=df["share"] * 100, orientation="h", marker_color=_BLUE,
            name="This month", hovertemplate="%{y}: %{x:.1f} %<extra></extra>",
        )
    )  # fmt: skip
    if "previous_share" in df and df["previous_share"].notna().any():
        fig.add_trace(
            go.Scatter(
                y=labels, x=df["previous_share"] * 100, mode="markers",
                marker={"symbol": "line-ns-open", "size": 18, "color": "#1f2328"},
                name="Previous month", hovertemplate="%{y}: %{x:.1f} % last month<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(title=title, xaxis_title="% of audit comments", height=120 + 32 * len(df))
    return fig


#: Colour of each language code in `language_bars` (others grey), the same in every chart.
LANGUAGE_COLOURS = {
    "en": "#0969da", "ms": "#1a7f37", "id": "#bf3989", "tl": "#bc4c00", "th": "#8250df",
    "vi": "#cf222e", "pt": "#4d2d00", "es": "#9a6700", "und": "#afb8c1",
}  # fmt: skip


def language_bars(mix: pd.DataFrame, title: str, by: str = "market") -> Any:
    """Stacked horizontal bars: each ``by`` value's texts split by language (shares as %).

    ``mix`` is `rca.stats.languages.language_mix` (``by``, ``language``, ``language_name``,
    ``n``, ``share``); languages are stacked largest overall first, one colour per language.
    """
    import plotly.graph_objects as go

    groups = sorted(mix[by].astype(str).unique(), reverse=True)  # first group on top
    order = mix.groupby("language")["n"].sum().sort_values(ascending=False, kind="stable").index
    fig = go.Figure()
    for code in order:
        own = mix[mix["language"] == code]
        rows = own.set_index(own[by].astype(str)).reindex(groups)
        name = str(rows["language_name"].dropna().iloc[0])
        fig.add_trace(
            go.Bar(
                y=rr.escape_labels(groups), x=rows["share"].fillna(0) * 100, orientation="h",
                name=rr.esc(name), marker_color=LANGUAGE_COLOURS.get(str(code), "#6e7781"),
                customdata=rows["n"].fillna(0).astype(int), texttemplate="%{x:.0f}%",
                textposition="inside", insidetextanchor="middle",
                hovertemplate=f"%{{y}}: {rr.esc(name)} %{{x:.1f}} % (%{{customdata}} texts)"
                "<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(
        title=title, barmode="stack", xaxis={"title": "% of texts", "range": [0, 100]},
        uniformtext={"minsize": 9, "mode": "hide"}, height=140 + 30 * len(groups),
        legend={"orientation": "h", "y": -0.25, "traceorder": "normal"},
    )  # fmt: skip
    return fig


def impact_bars(rows: pd.DataFrame, title: str, axis_title: str, scale: float = 100.0) -> Any:
    """Horizontal bars of what each theme costs a KPI, with 95 % error bars and last month's mark.

    Parameters
    ----------
    rows
        Impact rows (`rca.stats.impact.theme_impact`, most harmful first): ``theme_label``,
        ``harm``, ``harm_lo``, ``harm_hi`` and optionally ``harm_change``.
    title, axis_title
        Chart and x-axis titles.
    scale
        Multiplier of the values shown (100: a rate in points; 1: a score or rating).
    """
    import plotly.graph_objects as go

    df = rows.iloc[::-1]
    labels = rr.escape_labels(df["theme_label"])
    harm = df["harm"].to_numpy(float) * scale
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=labels, x=harm, orientation="h", marker_color=_BLUE, name="This month",
            error_x={"type": "data", "symmetric": False, "color": "#1f2328", "thickness": 1.2,
                     "array": df["harm_hi"].to_numpy(float) * scale - harm,
                     "arrayminus": harm - df["harm_lo"].to_numpy(float) * scale},
            hovertemplate="%{y}: %{x:.2f}<extra></extra>",
        )
    )  # fmt: skip
    if "harm_change" in df and df["harm_change"].notna().any():
        before = harm - df["harm_change"].to_numpy(float) * scale
        fig.add_trace(
            go.Scatter(
                y=labels, x=before, mode="markers", name="Previous month",
                marker={"symbol": "line-ns-open", "size": 18, "color": "#cf222e"},
                hovertemplate="%{y}: %{x:.2f} last month<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(
        title=rr.esc(title), xaxis_title=rr.esc(axis_title), height=140 + 34 * len(df),
        legend={"orientation": "h", "y": -0.2},
    )  # fmt: skip
    return fig


def theme_months(history: pd.DataFrame, title: str, texts: str = "texts") -> Any:
    """Lines of each theme's share of the month's texts, month by month (hover: its texts).

    Parameters
    ----------
    history
        Rows of ``theme_history`` (`rca.stats.theme_history.theme_history`) of the themes to draw:
        ``theme_id``, ``theme_label``, ``month``, ``n``, ``share`` (0-1); drawn in the order of
        their first row.
    title
        Chart title.
    texts
        What a text is called in the hover and axis (e.g. ``"audit comments"``).
    """
    import plotly.graph_objects as go

    months = sorted(history["month"].astype(str).unique())
    fig = go.Figure()
    for (_, label), rows in history.groupby(["theme_id", "theme_label"], sort=False):
        rows = rows.set_index(rows["month"].astype(str)).reindex(months)
        name = rr.esc(label)
        fig.add_trace(
            go.Scatter(
                x=rr.escape_labels(months), y=rows["share"] * 100, mode="lines+markers",
                name=name, customdata=rows["n"].fillna(0).astype(int),
                hovertemplate=f"{name}<br>%{{x}}: %{{y:.1f}} % (%{{customdata}} {rr.esc(texts)})"
                "<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(
        title=rr.esc(title), xaxis={"type": "category", "title": "month"},
        yaxis={"title": f"% of the month's {rr.esc(texts)}", "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.25, "font": {"size": 11}}, height=460,
    )  # fmt: skip
    return fig
