"""Views of the AI-label report: the model's accuracy against the gold labels, and its mistakes.

`load` (re-exported from `rca.reports.load`) opens the analysis behind a notebook's ``workspace``
parameter. Every other public function takes one AI-label table of
`rca.analysis.month.TABLES` (as `Analysis.table` returns it) and returns an
``IPython.display.HTML`` fragment: a readable table, a chart (plotly, offline, labels from data
escaped) or a callout. An empty table gives a callout saying why (the reason the analysis
recorded, see `rca.reports.fragments.empty_note`), never an error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from IPython.display import HTML

import rca.reports.fragments as rr
from rca.reports.load import load

__all__ = [
    "WEAK_F1",
    "accuracy_cards",
    "confused_pairs_table",
    "confusion_heatmap",
    "load",
    "per_class_table",
    "sample_size_note",
    "themes_table",
    "verdict_callout",
]

#: F1 below which a label class is flagged as weak.
WEAK_F1 = 0.8


def _no_data(df: pd.DataFrame, month: str | None) -> HTML:
    """Return the callout shown instead of an empty AI-label table."""
    where = f" in {month}" if month else ""
    return rr.empty_note(df, f"No AI-label audits{where}.")


_VERDICTS = {"yes": "Meets target", "no": "Does not meet target", "inconclusive": "Inconclusive"}


def accuracy_cards(df: pd.DataFrame, target: float, month: str | None = None) -> HTML:
    """KPI cards: accuracy with its 95 % interval, the target, the verdict and items audited."""
    if rr.unusable(df, ["n", "accuracy", "ci_lo", "ci_hi"]):
        return _no_data(df, month)
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
    if rr.unusable(df, ["accuracy", "ci_lo", "ci_hi"]):
        return _no_data(df, month)
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
    if rr.unusable(df, ["label", "support", "precision", "recall", "f1"]):
        return _no_data(df, month)
    view = df.rename(columns={"label": "Label", "support": "Gold items", "n_predicted":
                              "Predicted", "precision": "Precision", "recall": "Recall",
                              "f1": "F1"})  # fmt: skip
    view = view.assign(weak=view["F1"].isna() | (view["F1"] < weak))
    return rr.table(view, flag="weak", formats={"Gold items": "int", "Predicted": "int",
                    "Precision": "pct", "Recall": "pct", "F1": ".2f"})  # fmt: skip


def confusion_heatmap(df: pd.DataFrame, month: str | None = None) -> HTML:
    """Heat map of the most confused pairs (``ai_confused_pairs``): gold rows, predicted columns."""
    import plotly.graph_objects as go

    if rr.unusable(df, ["gold", "predicted", "n"]):
        return _no_data(df, month)
    df = df[df["n"] > 0].head(10)  # the table lists every pair tested, most frequent first
    if df.empty:
        return _no_data(df, month)
    grid = df.pivot_table(index="gold", columns="predicted", values="n", aggfunc="sum")
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(), x=rr.escape_labels(grid.columns), y=rr.escape_labels(grid.index),
            colorscale="Reds",
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
    if rr.unusable(df, ["gold", "predicted", "n", "share"]):
        return _no_data(df, month)
    view = df[df["n"] > 0].head(top_n)
    view = view.rename(columns={"gold": "Gold label", "predicted": "Model said",
                                          "n": "Items", "share": "Share of the gold label",
                                          "share_of_errors": "Share of all errors"})  # fmt: skip
    return rr.table(view, formats={"Items": "int", "Share of the gold label": "pct",
                                   "Share of all errors": "pct"})  # fmt: skip


def themes_table(df: pd.DataFrame, month: str | None = None, n_examples: int = 2) -> HTML:
    """Themes in the labellers' notes on disagreements, with label pairs and example notes."""
    if rr.unusable(df, ["theme_label", "size"]):
        fallback = f"Too few labeller notes on disagreements in {month} to find themes."
        return rr.empty_note(df, fallback, kind="info")
    examples = df["examples"] if "examples" in df else pd.Series([[]] * len(df), index=df.index)
    keywords = df["keywords"] if "keywords" in df else [""] * len(df)
    view = pd.DataFrame(
        {
            "Theme": pd.Series(  # object dtype keeps the markup type (str would drop it)
                [
                    rr.theme_name(lab, kw)
                    for lab, kw in zip(df["theme_label"], keywords, strict=True)
                ],
                index=df.index,
                dtype=object,
            ),
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
    if rr.unusable(df, ["n", "margin", "confidence"]):
        return _no_data(df, month)
    r = df.iloc[0]
    return rr.callout(
        f"Audit {int(r['n']):,} items next month to know the accuracy within "
        f"± {r['margin'] * 100:.1f} points ({r['confidence'] * 100:.0f} % confidence), "
        f"assuming it stays near {r['expected_accuracy'] * 100:.1f} %."
    )
