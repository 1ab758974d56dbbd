"""Findings on who rates or labels: calibration gaps, AI-label confusions, label accuracy.

Structured records, as the other types' (`rca.findings.sources`): auditors off the expert, gold
labels the AI model confuses beyond a tolerance, the AI label accuracy below its target.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rca.core.argument_checks import require_columns
from rca.findings.family import AI_TOLERANCE, MIN_EFFECT
from rca.findings.records import column, findings_frame, flag, text_column
from rca.stats.primitives import wilson_interval

__all__ = ["from_accuracy", "from_ai", "from_calibration"]


def from_calibration(df: pd.DataFrame) -> pd.DataFrame:
    """Auditors scoring off the reference (`rca.stats.calibration.auditor_deviation`).

    Findings: each auditor's ALL row (every item) whose deviation is at least the minimum effect
    or clear, and the per-item rows that are clear when the auditor's ALL row is not: the
    auditor is the subject either way, and an item the auditor rates off the reference is worth
    knowing when the overall gap does not show it (when ALL is clear, it stands for the items).
    Without an ``item`` column every row is a finding candidate. Comparison: the expert.
    """
    require_columns(df, ["auditor", "direction", "mean_deviation", "n"], "calibration")
    dev = df["mean_deviation"].astype(float)
    share = (df["unit"] == "share of scale") if "unit" in df else pd.Series(False, df.index)
    low = pd.Series(np.where(share, 0.05, MIN_EFFECT["calibration_gap"]), index=df.index)
    clear = flag(df, "clear")
    item = df["item"].astype(str) if "item" in df else pd.Series("ALL", index=df.index)
    whole = item.str.upper() == "ALL"
    clear_all = df["auditor"][whole & clear]
    keep = whole & ((dev.abs() >= low) | clear) | ~whole & clear & ~df["auditor"].isin(clear_all)
    keep &= dev != 0
    df, dev, low, item = df[keep], dev[keep], low[keep], item[keep]
    auditor = df["auditor"].astype(str)
    direction = pd.Series(np.where(dev > 0, "lenient", "strict"), index=df.index, dtype=str)
    on_item = (" on " + item).where(item.str.upper() != "ALL", "")
    count = column(df, "n_ratings").fillna(df["n"].astype(float))
    return findings_frame(
        "calibration_gap", df, key=auditor + "|" + item,
        fields={
            "title": "Auditor " + auditor + ": " + direction + on_item,
            "segment_type": "auditor", "segment_value": auditor, "auditor": auditor,
            "item": item, "direction": direction, "metric": "rating",
            "value": column(df, "mean_rating"), "baseline": column(df, "mean_reference"),
            "effect_lo": column(df, "ci_lo"), "effect_hi": column(df, "ci_hi"),
            "count": count, "n": df["n"],
        },
        effect=dev, harmful=dev != 0, root_cause="process.qa_calibration",
        test=text_column(df, "test", "t-test"), comparison="expert", min_effect=low,
    )  # fmt: skip


def from_ai(df: pd.DataFrame) -> pd.DataFrame:
    """AI label confusions (`rca.stats.label_audits.confused_pairs`): share of a gold label.

    The interval is the Wilson interval of the share (n out of n / share items). Test: exact
    binomial vs the tolerance (``tolerance``, else `rca.findings.family.AI_TOLERANCE`); minimum
    effect: the tolerance + ``MIN_EFFECT["ai_label_confusion"]``. Untested pairs are never
    significant.
    """
    require_columns(df, ["gold", "predicted", "n", "share"], "ai_confusions")
    df = df[df["n"] > 0]  # the table may list every pair tested, never-confused ones included
    share = df["share"].astype(float)
    support = column(df, "support").fillna((df["n"] / share.where(share > 0)).round())
    lo, hi = wilson_interval(df["n"], support.fillna(0))
    tol = column(df, "tolerance").fillna(AI_TOLERANCE)
    gold, pred = df["gold"].astype(str), df["predicted"].astype(str)
    return findings_frame(
        "ai_label_confusion", df, key=gold + "|" + pred,
        fields={
            "title": "AI labels " + gold + " as " + pred, "segment_type": "gold_label",
            "segment_value": gold, "gold_label": gold, "predicted_label": pred,
            "metric": "label_share", "value": share, "baseline": tol,
            "effect_lo": np.where(support > 0, lo, np.nan),
            "effect_hi": np.where(support > 0, hi, np.nan), "count": df["n"], "n": support,
        },
        effect=share, harmful=share > tol, root_cause="system.automation",
        test=text_column(df, "test", "exact binomial vs tolerance"), comparison="tolerance",
        min_effect=tol + MIN_EFFECT["ai_label_confusion"],
    )  # fmt: skip


def from_accuracy(df: pd.DataFrame) -> pd.DataFrame:
    """AI-label accuracy below its target (`rca.stats.label_audits.label_accuracy` rows).

    Rows with a target become findings: value the accuracy, baseline the target, effect
    accuracy - target (harmful below), interval the Wilson interval minus the target; count the
    correct items out of n; p the one-sided exact binomial ``p_below_target``.
    """
    require_columns(df, ["n", "accuracy", "target"], "ai_accuracy")
    df = df[df["target"].notna()].rename(columns={"p_below_target": "p_value"})
    target = df["target"].astype(float)
    gap = df["accuracy"].astype(float) - target
    return findings_frame(
        "label_accuracy", df, key=pd.Series("all", index=df.index),
        fields={
            "title": pd.Series("AI label accuracy", index=df.index), "segment_type": "all",
            "segment_value": "all", "metric": "accuracy", "value": df["accuracy"],
            "baseline": target, "effect_lo": column(df, "ci_lo") - target,
            "effect_hi": column(df, "ci_hi") - target, "count": column(df, "correct"),
            "n": df["n"],
        },
        effect=gap, harmful=gap < 0, root_cause="system.automation",
        test=text_column(df, "test", "exact binomial vs target"), comparison="target",
    )  # fmt: skip
