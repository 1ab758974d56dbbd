"""Views of the calibration report: how well the QA team's auditors agree, and who drifts.

`load` (re-exported from `rca.reports.load`) opens the analysis behind a notebook's ``workspace``
parameter. Every other public function takes one calibration table of
`rca.analysis.month.TABLES` (as `Analysis.table` returns it) and returns an
``IPython.display.HTML`` fragment: a readable table, a chart (plotly, offline, labels from data
escaped) or a callout. An empty table gives a callout saying why (the reason the analysis
recorded, see `rca.reports.fragments.empty_note`), never an error.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import pandas as pd
from IPython.display import HTML

import rca.reports.fragments as rr
from rca.reports.load import load
from rca.stats.ratings import ALL
from rca.stats.training_cases import ALPHA_THRESHOLD

__all__ = [
    "ALPHA_THRESHOLD",
    "agreement_table",
    "alpha_chart",
    "deviation_chart",
    "deviation_summary",
    "disputed_table",
    "drift_chart",
    "flagged_auditors",
    "load",
    "pairs_heatmap",
    "retrain_recommendation",
]


_BLUE, _RED, _AMBER, _GREY = "#0969da", "#cf222e", "#bf8700", "#8c959f"
_DIRECTION_COLOURS = {"lenient": _AMBER, "strict": _RED, "in line": _BLUE}
#: Header of the κ column: Fleiss' κ, generalised by Gwet to raters missing on some cases.
_KAPPA = "Fleiss' κ (Gwet's generalisation)"
_SHARE = "share of scale"


def _in_share(df: pd.DataFrame) -> bool:
    """Whether the deviations of ``df`` are in share of the scale (the case-level ``ALL``)."""
    return "unit" in df and bool((df["unit"] == _SHARE).any())


def _no_data(df: pd.DataFrame, month: str | None) -> HTML:
    """Return the callout shown instead of an empty calibration table."""
    where = f" in {month}" if month else ""
    return rr.empty_note(df, f"No calibration sessions{where}.")


def agreement_table(
    df: pd.DataFrame, month: str | None = None, threshold: float = ALPHA_THRESHOLD
) -> HTML:
    """Agreement per rubric item (``calibration_agreement``), items below ``threshold`` flagged."""
    if rr.unusable(df, ["item", "alpha", "alpha_lo", "alpha_hi"]):
        return _no_data(df, month)
    ci = [
        "–" if pd.isna(lo) else f"{lo:.2f} to {hi:.2f}"
        for lo, hi in zip(df["alpha_lo"], df["alpha_hi"], strict=True)
    ]
    view = pd.DataFrame(
        {
            "Rubric item": df["item"].replace({ALL: "All items"}),
            "Cases": df["n_cases"],
            "Raters": df["n_raters"],
            "Percent agreement": df["percent_agreement"],
            _KAPPA: df["fleiss_kappa"],
            "Krippendorff's α": df["alpha"],
            "α 95 % interval": ci,
            "Note": df["note"],
            "low": df["alpha"] < threshold,
        }
    )
    formats = {"Cases": "int", "Raters": "int", "Percent agreement": "pct"}
    return rr.table(view, formats={**formats, _KAPPA: ".2f", "Krippendorff's α": ".2f"},
                    flag="low")  # fmt: skip


def alpha_chart(
    df: pd.DataFrame, month: str | None = None, threshold: float = ALPHA_THRESHOLD
) -> HTML:
    """Krippendorff's α per rubric item with its interval; items below ``threshold`` in red."""
    import plotly.graph_objects as go

    if rr.unusable(df, ["item", "alpha", "alpha_lo", "alpha_hi"]):
        return _no_data(df, month)
    items = df[df["item"] != ALL].sort_values("alpha", na_position="first")
    fig = go.Figure(
        go.Scatter(
            x=items["alpha"], y=rr.escape_labels(items["item"]), mode="markers",
            marker={"size": 11, "color": [_RED if a < threshold else _BLUE
                                          for a in items["alpha"]]},
            error_x={"type": "data", "symmetric": False,
                     "array": items["alpha_hi"] - items["alpha"],
                     "arrayminus": items["alpha"] - items["alpha_lo"]},
            hovertemplate="%{y}: α = %{x:.2f}<extra></extra>",
        )
    )  # fmt: skip
    fig.add_vline(x=threshold, line_dash="dash", line_color=_GREY,
                  annotation_text=f"α = {threshold:g}")  # fmt: skip
    fig.update_layout(title="Agreement per rubric item (Krippendorff's α, 95 % interval)",
                      xaxis_title="α (1 = perfect agreement)", showlegend=False,
                      height=140 + 36 * len(items))  # fmt: skip
    return rr.figure(fig)


def _overall(df: pd.DataFrame) -> pd.DataFrame:
    """One row per auditor: the pooled (``ALL``) deviation."""
    return df[df["item"] == ALL].sort_values("mean_deviation", ignore_index=True)


def deviation_chart(df: pd.DataFrame, month: str | None = None) -> HTML:
    """Diverging bars of each auditor's mean deviation from the reference, with 95 % intervals."""
    import plotly.graph_objects as go

    if rr.unusable(df, ["auditor", "item", "mean_deviation", "ci_lo", "ci_hi", "direction"]):
        return _no_data(df, month)
    rows = _overall(df)
    share = _in_share(rows)
    fig = go.Figure()
    for direction, colour in _DIRECTION_COLOURS.items():
        part = rows[rows["direction"] == direction]
        if part.empty:
            continue
        fig.add_trace(
            go.Bar(
                x=part["mean_deviation"], y=rr.escape_labels(part["auditor"]), orientation="h",
                marker_color=colour, name=direction,
                error_x={"type": "data", "symmetric": False,
                         "array": part["ci_hi"] - part["mean_deviation"],
                         "arrayminus": part["mean_deviation"] - part["ci_lo"]},
                hovertemplate="%{y}: %{x:+.2" + ("%" if share else "f") + "}"
                + (" of the scale" if share else " points") + "<extra>" + direction + "</extra>",
            )
        )  # fmt: skip
    fig.update_layout(
        title="Auditors vs the expert: mean deviation (+ lenient, − strict), 95 % interval",
        xaxis_title="share of the rating scale vs reference (each case once)" if share
        else "rating points vs reference", barmode="overlay",
        xaxis_tickformat="+.0%" if share else None,
        yaxis={"categoryorder": "array", "categoryarray": rr.escape_labels(rows["auditor"])},
        height=140 + 30 * len(rows),
    )  # fmt: skip
    fig.add_vline(x=0, line_color="#1f2328")
    return rr.figure(fig)


def flagged_auditors(df: pd.DataFrame) -> list[str]:
    """Return the auditors rating significantly more leniently or strictly overall."""
    if rr.unusable(df, ["auditor", "item", "direction"]):
        return []
    return [str(a) for a in df.loc[(df["item"] == ALL) & (df["direction"] != "in line"), "auditor"]]


def deviation_summary(df: pd.DataFrame, month: str | None = None) -> HTML:
    """Plain-language list of the auditors rating significantly more leniently or strictly."""
    if rr.unusable(df, ["auditor", "item", "mean_deviation", "direction"]):
        return _no_data(df, month)
    rows = _overall(df)
    off = rows[rows["direction"] != "in line"]
    if off.empty:
        return rr.callout("Every auditor rates in line with the expert overall.")
    items = df[(df["item"] != ALL) & (df["direction"] != "in line")]
    lines = []
    for _, r in off.iterrows():
        mine = items.loc[items["auditor"] == r["auditor"], "item"].tolist()
        where = f" (mostly on: {', '.join(map(str, mine))})" if mine else ""
        size = (
            f"{r['mean_deviation']:+.0%} of the rating scale"
            if r.get("unit") == _SHARE
            else f"{r['mean_deviation']:+.2f} points"
        )
        lines.append(
            f"<li><b>{rr.esc(r['auditor'])}</b> is {rr.esc(r['direction'])}: "
            f"{size} vs the reference{rr.esc(where)}</li>"
        )
    return HTML(f"<p>Auditors to talk to:</p><ul>{''.join(lines)}</ul>")


def drift_chart(df: pd.DataFrame, month: str | None = None, flagged: Sequence[str] = ()) -> HTML:
    """One line per auditor of mean deviation per session; ``flagged`` auditors emphasised.

    Auditors whose trend over sessions is clear (``slope_q`` < 0.05: Benjamini-Hochberg over
    the auditors; ``slope_p`` in tables from before it existed) are flagged too.
    """
    import plotly.graph_objects as go

    if rr.unusable(df, ["auditor", "session_id", "session_index", "mean_deviation"]):
        return _no_data(df, month)
    trend = next((c for c in ("slope_q", "slope_p") if c in df), None)
    trending = df.loc[df[trend] < 0.05, "auditor"] if trend else pd.Series()
    share = _in_share(df)
    emphasised = {str(a) for a in (*flagged, *trending)}
    sessions = df.drop_duplicates("session_index").sort_values("session_index")
    fig = go.Figure()
    for auditor, rows in df.sort_values("session_index").groupby("auditor", sort=True):
        strong = str(auditor) in emphasised
        fig.add_trace(
            go.Scatter(
                x=rows["session_index"], y=rows["mean_deviation"], mode="lines+markers",
                name=html.escape(str(auditor)), opacity=1.0 if strong else 0.45,
                line={"width": 3 if strong else 1, "color": None if strong else _GREY},
                hovertemplate=html.escape(str(auditor))
                + (": %{y:+.1%}" if share else ": %{y:+.2f}") + "<extra></extra>",
            )
        )  # fmt: skip
    fig.add_hline(y=0, line_color="#1f2328")
    fig.update_layout(
        title="Deviation from the reference per calibration session",
        yaxis_title="mean share of the rating scale vs reference" if share
        else "mean rating points vs reference",
        yaxis_tickformat="+.0%" if share else None,
        xaxis={"tickvals": sessions["session_index"].tolist(),
               "ticktext": rr.escape_labels(sessions["session_id"]), "title": "session"},
    )  # fmt: skip
    return rr.figure(fig)


def disputed_table(df: pd.DataFrame, month: str | None = None) -> HTML:
    """Return the rubric items raters disagree on most (``disputed_items``)."""
    if rr.unusable(df, ["rank", "item", "disagreement", "alpha"]):
        return _no_data(df, month)
    view = df[["rank", "item", "disagreement", "alpha", "percent_agreement", "n_cases"]].rename(
        columns={"rank": "Rank", "item": "Rubric item", "disagreement": "Disagreement (1 − α)",
                 "alpha": "α", "percent_agreement": "Percent agreement", "n_cases": "Cases"}
    )  # fmt: skip
    return rr.table(view, formats={"Rank": "int", "Disagreement (1 − α)": ".2f", "α": ".2f",
                                   "Percent agreement": "pct", "Cases": "int"})  # fmt: skip


def retrain_recommendation(
    df: pd.DataFrame, month: str | None = None, threshold: float = ALPHA_THRESHOLD
) -> HTML:
    """Plain-language advice: which rubric items to re-train auditors on, if any."""
    if rr.unusable(df, ["item", "alpha"]):
        return _no_data(df, month)
    low = df[(df["item"] != ALL) & (df["alpha"] < threshold)]
    if low.empty:
        return rr.callout(
            f"No rubric item is below α = {threshold:g}: no item needs re-training this month."
        )
    names = ", ".join(f"“{v}”" for v in low["item"])
    return rr.callout(
        f"Re-train on {names}: auditors disagree too much on "
        f"{'this item' if len(low) == 1 else 'these items'} (α below {threshold:g}). Review the "
        "rubric wording with the expert, then re-rate a few disputed cases together.",
        kind="warn",
    )


def pairs_heatmap(df: pd.DataFrame, month: str | None = None) -> HTML:
    """Heat map of Cohen's κ between every two raters, averaged over the rubric items."""
    import plotly.graph_objects as go

    if rr.unusable(df, ["rater_a", "rater_b", "kappa"]):
        return _no_data(df, month)
    mean = df.groupby(["rater_a", "rater_b"])["kappa"].mean().reset_index()
    both = pd.concat([mean, mean.rename(columns={"rater_a": "rater_b", "rater_b": "rater_a"})])
    grid = both.pivot_table(index="rater_a", columns="rater_b", values="kappa")
    names = sorted(set(grid.index) | set(grid.columns))
    grid = grid.reindex(index=names, columns=names)
    labels = rr.escape_labels(names)
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(), x=labels, y=labels, zmin=0, zmax=1, colorscale="Blues",
            text=np.vectorize(lambda v: "" if pd.isna(v) else f"{v:.2f}")(grid.to_numpy()),
            texttemplate="%{text}", hovertemplate="%{y} × %{x}: κ = %{z:.2f}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_layout(title="Pairwise agreement (Cohen's κ, mean over items)",
                      yaxis={"autorange": "reversed"}, height=200 + 28 * len(names))  # fmt: skip
    return rr.figure(fig)
