"""Views of the QA-team reports: rater calibration and AI-label accuracy.

`load` (re-exported from `rca.reports.load`) opens the analysis behind a notebook's ``workspace``
parameter. Every other public function takes one table of `rca.analysis.month.TABLES` (as
`Analysis.table` returns it) and returns an ``IPython.display.HTML`` fragment: a readable table,
a chart (plotly, offline, labels from data escaped) or a callout. An empty table gives a callout
saying what is missing in the month, never an error.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import HTML

import rca.reports.fragments as rr
from rca.reports.load import load
from rca.stats.ratings import ALL

__all__ = [
    "ALPHA_THRESHOLD",
    "WEAK_F1",
    "accuracy_cards",
    "agreement_table",
    "alpha_chart",
    "confused_pairs_table",
    "confusion_heatmap",
    "deviation_chart",
    "deviation_summary",
    "disputed_table",
    "drift_chart",
    "flagged_auditors",
    "load",
    "no_data",
    "pairs_heatmap",
    "per_class_table",
    "retrain_recommendation",
    "sample_size_note",
    "themes_table",
    "verdict_callout",
]

#: Krippendorff's α below which agreement on an item is too low to draw conclusions from.
ALPHA_THRESHOLD = 0.667
#: F1 below which a label class is flagged as weak.
WEAK_F1 = 0.8

_BLUE, _RED, _AMBER, _GREY = "#0969da", "#cf222e", "#bf8700", "#8c959f"
_DIRECTION_COLOURS = {"lenient": _AMBER, "strict": _RED, "in line": _BLUE}
_CALIBRATION = "calibration sessions"
_AI = "AI-label audits"


def _safe(values: Any) -> list[str]:
    return [html.escape(str(v)) for v in values]


def no_data(what: str, month: str | None) -> HTML:
    """Return the callout shown instead of an empty table, e.g. "No calibration sessions in …"."""
    return rr.callout(f"No {what} in {month}." if month else f"No {what}.", kind="warn")


def _empty(df: pd.DataFrame, columns: Sequence[str]) -> bool:
    return df.empty or not set(columns) <= set(df.columns)


# --- calibration -------------------------------------------------------------------------------


def agreement_table(
    df: pd.DataFrame, month: str | None = None, threshold: float = ALPHA_THRESHOLD
) -> HTML:
    """Agreement per rubric item (``calibration_agreement``), items below ``threshold`` flagged."""
    if _empty(df, ["item", "alpha", "alpha_lo", "alpha_hi"]):
        return no_data(_CALIBRATION, month)
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
            "Fleiss' κ": df["fleiss_kappa"],
            "Krippendorff's α": df["alpha"],
            "α 95 % interval": ci,
            "Note": df["note"],
            "low": df["alpha"] < threshold,
        }
    )
    formats = {"Cases": "int", "Raters": "int", "Percent agreement": "pct"}
    return rr.table(view, formats={**formats, "Fleiss' κ": ".2f", "Krippendorff's α": ".2f"},
                    flag="low")  # fmt: skip


def alpha_chart(
    df: pd.DataFrame, month: str | None = None, threshold: float = ALPHA_THRESHOLD
) -> HTML:
    """Krippendorff's α per rubric item with its interval; items below ``threshold`` in red."""
    import plotly.graph_objects as go

    if _empty(df, ["item", "alpha", "alpha_lo", "alpha_hi"]):
        return no_data(_CALIBRATION, month)
    items = df[df["item"] != ALL].sort_values("alpha", na_position="first")
    fig = go.Figure(
        go.Scatter(
            x=items["alpha"], y=_safe(items["item"]), mode="markers",
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

    if _empty(df, ["auditor", "item", "mean_deviation", "ci_lo", "ci_hi", "direction"]):
        return no_data(_CALIBRATION, month)
    rows = _overall(df)
    fig = go.Figure()
    for direction, colour in _DIRECTION_COLOURS.items():
        part = rows[rows["direction"] == direction]
        if part.empty:
            continue
        fig.add_trace(
            go.Bar(
                x=part["mean_deviation"], y=_safe(part["auditor"]), orientation="h",
                marker_color=colour, name=direction,
                error_x={"type": "data", "symmetric": False,
                         "array": part["ci_hi"] - part["mean_deviation"],
                         "arrayminus": part["mean_deviation"] - part["ci_lo"]},
                hovertemplate="%{y}: %{x:+.2f} points<extra>" + direction + "</extra>",
            )
        )  # fmt: skip
    fig.update_layout(
        title="Auditors vs the expert: mean deviation (+ lenient, − strict), 95 % interval",
        xaxis_title="rating points vs reference", barmode="overlay",
        yaxis={"categoryorder": "array", "categoryarray": _safe(rows["auditor"])},
        height=140 + 30 * len(rows),
    )  # fmt: skip
    fig.add_vline(x=0, line_color="#1f2328")
    return rr.figure(fig)


def flagged_auditors(df: pd.DataFrame) -> list[str]:
    """Return the auditors rating significantly more leniently or strictly overall."""
    if _empty(df, ["auditor", "item", "direction"]):
        return []
    return [str(a) for a in df.loc[(df["item"] == ALL) & (df["direction"] != "in line"), "auditor"]]


def deviation_summary(df: pd.DataFrame, month: str | None = None) -> HTML:
    """Plain-language list of the auditors rating significantly more leniently or strictly."""
    if _empty(df, ["auditor", "item", "mean_deviation", "direction"]):
        return no_data(_CALIBRATION, month)
    rows = _overall(df)
    off = rows[rows["direction"] != "in line"]
    if off.empty:
        return rr.callout("Every auditor rates in line with the expert overall.")
    items = df[(df["item"] != ALL) & (df["direction"] != "in line")]
    lines = []
    for _, r in off.iterrows():
        mine = items.loc[items["auditor"] == r["auditor"], "item"].tolist()
        where = f" (mostly on: {', '.join(map(str, mine))})" if mine else ""
        lines.append(
            f"<li><b>{rr.esc(r['auditor'])}</b> is {rr.esc(r['direction'])}: "
            f"{r['mean_deviation']:+.2f} points vs the reference{rr.esc(where)}</li>"
        )
    return HTML(f"<p>Auditors to talk to:</p><ul>{''.join(lines)}</ul>")


def drift_chart(df: pd.DataFrame, month: str | None = None, flagged: Sequence[str] = ()) -> HTML:
    """One line per auditor of mean deviation per session; ``flagged`` auditors emphasised.

    Auditors whose trend over sessions is significant (``slope_p`` < 0.05) are flagged too.
    """
    import plotly.graph_objects as go

    if _empty(df, ["auditor", "session_id", "session_index", "mean_deviation"]):
        return no_data(_CALIBRATION, month)
    trending = df.loc[df["slope_p"] < 0.05, "auditor"] if "slope_p" in df else pd.Series()
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
                hovertemplate=html.escape(str(auditor)) + ": %{y:+.2f}<extra></extra>",
            )
        )  # fmt: skip
    fig.add_hline(y=0, line_color="#1f2328")
    fig.update_layout(
        title="Deviation from the reference per calibration session",
        yaxis_title="mean rating points vs reference",
        xaxis={"tickvals": sessions["session_index"].tolist(),
               "ticktext": _safe(sessions["session_id"]), "title": "session"},
    )  # fmt: skip
    return rr.figure(fig)


def disputed_table(df: pd.DataFrame, month: str | None = None) -> HTML:
    """Return the rubric items raters disagree on most (``disputed_items``)."""
    if _empty(df, ["rank", "item", "disagreement", "alpha"]):
        return no_data(_CALIBRATION, month)
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
    if _empty(df, ["item", "alpha"]):
        return no_data(_CALIBRATION, month)
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

    if _empty(df, ["rater_a", "rater_b", "kappa"]):
        return no_data(_CALIBRATION, month)
    mean = df.groupby(["rater_a", "rater_b"])["kappa"].mean().reset_index()
    both = pd.concat([mean, mean.rename(columns={"rater_a": "rater_b", "rater_b": "rater_a"})])
    grid = both.pivot_table(index="rater_a", columns="rater_b", values="kappa")
    names = sorted(set(grid.index) | set(grid.columns))
    grid = grid.reindex(index=names, columns=names)
    labels = _safe(names)
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


# --- AI labels ---------------------------------------------------------------------------------

_VERDICTS = {"yes": "Meets target", "no": "Does not meet target", "inconclusive": "Inconclusive"}


def accuracy_cards(df: pd.DataFrame, target: float, month: str | None = None) -> HTML:
    """KPI cards: accuracy with its 95 % interval, the target, the verdict and items audited."""
    if _empty(df, ["n", "accuracy", "ci_lo", "ci_hi"]):
        return no_data(_AI, month)
    r = df.iloc[0]
    verdict = _verdict(r, target)
    return rr.kpi_cards(
        [
            rr.Kpi("Accuracy", f"{r['accuracy'] * 100:.1f} %"),
            rr.Kpi("95 % interval", f"{r['ci_lo'] * 100:.1f} – {r['ci_hi'] * 100:.1f} %"),
            rr.Kpi("Target", f"{target * 100:.1f} %"),
            rr.Kpi("Verdict", _VERDICTS[verdict]),
            rr.Kpi("Items audited", f"{int(r['n']):,}"),
        ]
    )


def _verdict(row: pd.Series, target: float) -> str:
    """``yes`` / ``no`` / ``inconclusive`` of the interval against ``target``."""
    if row["ci_lo"] >= target:
        return "yes"
    if row["ci_hi"] < target:
        return "no"
    return "inconclusive"


def verdict_callout(df: pd.DataFrame, target: float, month: str | None = None) -> HTML:
    """One sentence saying what the accuracy interval means against the target."""
    if _empty(df, ["accuracy", "ci_lo", "ci_hi"]):
        return no_data(_AI, month)
    r = df.iloc[0]
    lo, hi, t = r["ci_lo"] * 100, r["ci_hi"] * 100, target * 100
    text = {
        "yes": f"The model meets the {t:.1f} % target: even the low end of the interval "
        f"({lo:.1f} %) is above it.",
        "no": f"The model does not meet the {t:.1f} % target: even the high end of the "
        f"interval ({hi:.1f} %) is below it.",
        "inconclusive": f"Inconclusive: the interval ({lo:.1f} – {hi:.1f} %) contains the "
        f"{t:.1f} % target; audit more items to decide (see below).",
    }[_verdict(r, target)]
    return rr.callout(text, kind="info" if _verdict(r, target) == "yes" else "warn")


def per_class_table(df: pd.DataFrame, month: str | None = None, weak: float = WEAK_F1) -> HTML:
    """Precision, recall and F1 per label; classes with F1 below ``weak`` flagged."""
    if _empty(df, ["label", "support", "precision", "recall", "f1"]):
        return no_data(_AI, month)
    view = df.rename(columns={"label": "Label", "support": "Gold items", "n_predicted":
                              "Predicted", "precision": "Precision", "recall": "Recall",
                              "f1": "F1"})  # fmt: skip
    view = view.assign(weak=view["F1"].isna() | (view["F1"] < weak))
    return rr.table(view, flag="weak", formats={"Gold items": "int", "Predicted": "int",
                    "Precision": "pct", "Recall": "pct", "F1": ".2f"})  # fmt: skip


def confusion_heatmap(df: pd.DataFrame, month: str | None = None) -> HTML:
    """Heat map of the most confused pairs (``ai_confused_pairs``): gold rows, predicted columns."""
    import plotly.graph_objects as go

    if _empty(df, ["gold", "predicted", "n"]):
        return no_data(_AI, month)
    grid = df.pivot_table(index="gold", columns="predicted", values="n", aggfunc="sum")
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(), x=_safe(grid.columns), y=_safe(grid.index), colorscale="Reds",
            text=np.vectorize(lambda v: "" if pd.isna(v) else f"{int(v)}")(grid.to_numpy()),
            texttemplate="%{text}",
            hovertemplate="gold %{y} labelled %{x}: %{z} items<extra></extra>",
        )
    )  # fmt: skip
    fig.update_layout(title="Where the model goes wrong (items, gold label → model label)",
                      xaxis_title="model label",
        yaxis={"autorange": "reversed"}, yaxis_title="gold label",
                      height=220 + 30 * len(grid))  # fmt: skip
    return rr.figure(fig)


def confused_pairs_table(df: pd.DataFrame, month: str | None = None, top_n: int = 8) -> HTML:
    """Return the gold → model label pairs the model confuses most."""
    if _empty(df, ["gold", "predicted", "n", "share"]):
        return no_data(_AI, month)
    view = df.head(top_n).rename(columns={"gold": "Gold label", "predicted": "Model said",
                                          "n": "Items", "share": "Share of the gold label",
                                          "share_of_errors": "Share of all errors"})  # fmt: skip
    return rr.table(view, formats={"Items": "int", "Share of the gold label": "pct",
                                   "Share of all errors": "pct"})  # fmt: skip


def themes_table(df: pd.DataFrame, month: str | None = None, n_examples: int = 2) -> HTML:
    """Themes in the labellers' notes on disagreements, with label pairs and example notes."""
    if _empty(df, ["theme_label", "size"]):
        return rr.callout(f"Too few labeller notes on disagreements in {month} to find themes.")
    examples = df["examples"] if "examples" in df else pd.Series([[]] * len(df), index=df.index)
    view = pd.DataFrame(
        {
            "Theme": df["theme_label"],
            "Notes": df["size"],
            "Label pairs (gold -> model)": df.get("top_pairs", ""),
            "Example notes": [
                list(dict.fromkeys(e))[:n_examples] if e is not None else [] for e in examples
            ],
        }
    )
    return rr.table(view, formats={"Notes": "int"})


def sample_size_note(df: pd.DataFrame, month: str | None = None) -> HTML:
    """How many items to audit next month for the chosen margin (``ai_sample_size``)."""
    if _empty(df, ["n", "margin", "confidence"]):
        return no_data(_AI, month)
    r = df.iloc[0]
    return rr.callout(
        f"Audit {int(r['n']):,} items next month to know the accuracy within "
        f"± {r['margin'] * 100:.1f} points ({r['confidence'] * 100:.0f} % confidence), "
        f"assuming it stays near {r['expected_accuracy'] * 100:.1f} %."
    )
