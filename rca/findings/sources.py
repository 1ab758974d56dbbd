"""The findings of each type, as structured records, from the result of the analysis behind them.

One function per finding type turns the rows of one analysis' table into findings: the subject
(macro, market, agent, cohort, auditor, label pair, theme, theme driving a KPI), the place
(``segment_type``, ``segment_value``), the metric with its value and baseline, the effect with its
interval, the counts, p and q, the root cause, redacted quotes and the key its id is hashed from. No
sentence is written here: `rca.reports.finding_text` renders findings for readers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from rca.core.argument_checks import require_columns
from rca.stats.primitives import wilson_interval
from rca.text.quotes import evidence_quotes
from rca.themes.causes import UNMAPPED

__all__ = [
    "AI_MIN_SHARE",
    "BUILDERS",
    "SEGMENT_SUBJECTS",
    "from_ai",
    "from_calibration",
    "from_coaching",
    "from_drivers",
    "from_issues",
    "from_macros",
    "from_themes",
]

#: Smallest share of a gold label predicted as another that makes an untested confusion count.
AI_MIN_SHARE = 0.10
#: Segment kinds of theme changes that are also a subject column of the findings table.
SEGMENT_SUBJECTS: tuple[str, ...] = ("queue", "agent", "team", "market", "auditor")


def _findings(
    kind: str, df: pd.DataFrame, *, key: Any, fields: dict[str, Any], effect: Any,
    significant: Any, root_cause: str,
) -> pd.DataFrame:  # fmt: skip
    """Assemble one type's findings; p, q, root cause and evidence come from ``df`` if there.

    ``fields`` are the type's structured columns (subject, segment, metric, value, ...);
    ``effect`` the effect on the type's scale; ``_key`` is what the finding id is hashed from.
    """
    p, q = _column(df, "p_value", "p"), _column(df, "q_value", "q")
    if "significant" in df:
        significant = df["significant"].fillna(False).astype(bool)
    causes = df["root_cause"] if "root_cause" in df else pd.Series(root_cause, index=df.index)
    examples = df["examples"] if "examples" in df else pd.Series([[]] * len(df), index=df.index)
    ids = df["example_ids"] if "example_ids" in df else pd.Series([[]] * len(df), index=df.index)
    return pd.DataFrame(
        {
            "type": kind, "_key": key, **fields, "effect": effect, "p": p, "q": q,
            "significant": pd.Series(significant, index=df.index).fillna(False).astype(bool),
            "root_cause": causes.fillna(root_cause).astype(str),
            "evidence": [evidence_quotes(_listed(e)) for e in examples],
            "evidence_ids": [[str(i) for i in _listed(e)] for e in ids],
        },
        index=df.index,
    )  # fmt: skip


def _listed(values: Any) -> list[Any]:
    """Return a list cell as a list (Parquet gives arrays back; a missing cell is empty)."""
    if values is None or isinstance(values, float | str):
        return [] if values is None or isinstance(values, float) else [values]
    return list(values)


def _column(df: pd.DataFrame, *names: str) -> pd.Series:
    for name in names:
        if name in df:
            return df[name].astype(float)
    return pd.Series(np.nan, index=df.index)


def _text(values: Any, index: pd.Index) -> pd.Series:
    """Strings, missing values kept missing (None)."""
    s = values if isinstance(values, pd.Series) else pd.Series(values, index=index)
    return s.astype(object).where(s.notna(), None).map(lambda v: None if v is None else str(v))


def from_themes(df: pd.DataFrame) -> pd.DataFrame:
    """Growing themes (`rca.stats.trends.share_changes` rows that grew): metric ``share``."""
    require_columns(df, ["item", "count_current", "share_current", "share_previous",
                         "difference"], "theme_changes")  # fmt: skip
    up = (df["difference"] > 0) & (df["item"] != -1)
    df = df[up & (df["direction"] == "up") if "direction" in df else up]
    label = df["label"].astype(str) if "label" in df else df["item"].astype(str)
    kind = df["segment"].astype(str) if "segment" in df else pd.Series("all", index=df.index)
    value = df["segment_value"].astype(str) if "segment_value" in df else kind
    value = value.where(kind != "all", "all")
    segment = (kind + "=" + value).where(kind != "all", "all")  # the id's key, as ever
    subjects = {s: _text(value.where(kind == s), df.index) for s in SEGMENT_SUBJECTS}
    return _findings(
        "emerging_theme", df, key=segment + "|" + label,
        fields={
            "title": "Theme " + label + np.where(kind != "all", " (" + kind + " " + value + ")",
                                                 ""),
            "segment_type": kind, "segment_value": value, **subjects,
            "theme_id": df["item"], "theme_label": label, "metric": "share",
            "value": df["share_current"], "baseline": df["share_previous"],
            "effect_lo": _column(df, "diff_lo"), "effect_hi": _column(df, "diff_hi"),
            "count": df["count_current"], "n": _column(df, "n_current"),
        },
        effect=df["difference"], significant=_column(df, "q_value", "q") < 0.05,
        root_cause=UNMAPPED,
    )  # fmt: skip


def from_macros(df: pd.DataFrame) -> pd.DataFrame:
    """Macros failing more than the others (`rca.stats.macros.macro_report`): ``fail_rate``."""
    require_columns(df, ["macro_id", "audits", "failing", "fail_rate", "rest_fail_rate",
                         "excess_rate", "excess_q", "worse_after"], "macros")  # fmt: skip
    df = df[(df["excess_rate"] > 0) | df["worse_after"]].rename(
        columns={"excess_p": "p_value", "excess_q": "q_value"}
    )
    macro = df["macro_id"].astype(str)
    queue = _text(df.get("queue"), df.index)
    since = _text(df.get("changed_after"), df.index)
    return _findings(
        "macro", df, key=df["macro_id"],
        fields={
            "title": "Macro " + macro + (" (" + queue + ")").fillna(""),
            "segment_type": "macro", "segment_value": macro, "macro_id": macro, "queue": queue,
            "metric": "fail_rate", "value": df["fail_rate"], "baseline": df["rest_fail_rate"],
            "count": df["failing"], "n": df["audits"],
            "changed_after": since, "worse_after": df["worse_after"].astype(bool),
        },
        effect=df["excess_rate"], significant=(df["q_value"] < 0.05) | df["worse_after"],
        root_cause="process.outdated_macro",
    )  # fmt: skip


def from_issues(df: pd.DataFrame) -> pd.DataFrame:
    """Technical issues (`rca.stats.tech_issues.technical_issues`): reports now vs before.

    The effect is the rate ratio with its interval; the score uses its log2 (see `score_effect`).
    """
    require_columns(df, ["theme_label", "status", "known_issue_id", "count_current",
                         "count_previous", "rate_ratio", "q_value", "top_market",
                         "top_market_share"], "tech_issues")  # fmt: skip
    known = df["status"] == "known"
    ids = df["known_issue_id"].astype(str)
    label = df["theme_label"].astype(str)
    local = df["top_market_share"] >= 0.5
    market = df["top_market"].astype(str)
    return _findings(
        "technical_issue", df, key=ids.where(known, label),
        fields={
            "title": np.where(known, "Known issue " + ids + ": ", "New issue: ") + label,
            "segment_type": np.where(local, "market", "all"),
            "segment_value": market.where(local, "all"),
            "market": _text(market.where(local), df.index),
            "theme_id": _column(df, "theme_id"), "theme_label": label,
            "known_issue_id": _text(df["known_issue_id"].where(known), df.index),
            "issue_status": np.where(known, "known", "new"), "metric": "reports",
            "value": df["count_current"], "baseline": df["count_previous"],
            "effect_lo": _column(df, "ratio_lo"), "effect_hi": _column(df, "ratio_hi"),
            "count": df["count_current"],
        },
        effect=df["rate_ratio"].astype(float), significant=df["q_value"] < 0.05,
        root_cause="product.bug",
    )  # fmt: skip


def from_coaching(df: pd.DataFrame) -> pd.DataFrame:
    """Coaching needs (`rca.stats.coaching.coaching_needs`): the group's share of an error."""
    require_columns(df, ["group", "error_category", "count", "share", "rest_share",
                         "difference", "q_value"], "coaching")  # fmt: skip
    group = df["group"].astype(str)
    kind = df["group_type"].astype(str) if "group_type" in df else pd.Series("agent", df.index)
    error = df["error_category"].astype(str)
    cohort = kind == "cohort"
    return _findings(
        "coaching_need", df, key=group + "|" + error,
        fields={
            "title": group + ": " + error, "segment_type": kind, "segment_value": group,
            "group": group, "group_type": kind, "agent": _text(group.where(~cohort), df.index),
            "team": _text(df.get("team"), df.index),
            "cohort": _text(df.get("cohort_start"), df.index),
            "error_category": error, "metric": "share", "value": df["share"],
            "baseline": df["rest_share"], "effect_lo": _column(df, "diff_lo"),
            "effect_hi": _column(df, "diff_hi"), "count": df["count"], "n": _column(df, "n"),
        },
        effect=df["difference"], significant=df["q_value"] < 0.05,
        root_cause="people.knowledge_gap",
    )  # fmt: skip


def from_calibration(df: pd.DataFrame) -> pd.DataFrame:
    """Auditors scoring off the reference (`rca.stats.calibration.auditor_deviation`)."""
    require_columns(df, ["auditor", "direction", "mean_deviation", "n"], "calibration")
    if "item" in df and df["item"].astype(str).str.upper().eq("ALL").any():
        df = df[df["item"].astype(str).str.upper() == "ALL"]
    df = df[df["direction"].isin(["lenient", "strict"])]
    q, p = _column(df, "q_value", "q"), _column(df, "p_value", "p")
    auditor = df["auditor"].astype(str)
    item = df["item"].astype(str) if "item" in df else pd.Series("ALL", index=df.index)
    return _findings(
        "calibration_gap", df, key=auditor + "|" + item,
        fields={
            "title": "Auditor " + auditor + ": " + df["direction"].astype(str)
            + np.where(item.str.upper() != "ALL", " on " + item, ""),
            "segment_type": "auditor", "segment_value": auditor, "auditor": auditor,
            "item": item, "direction": df["direction"].astype(str), "metric": "rating",
            "value": _column(df, "mean_rating"), "baseline": _column(df, "mean_reference"),
            "effect_lo": _column(df, "ci_lo"), "effect_hi": _column(df, "ci_hi"),
            "count": df["n"], "n": df["n"],
        },
        effect=df["mean_deviation"].astype(float), significant=q.where(q.notna(), p) < 0.05,
        root_cause="process.qa_calibration",
    )  # fmt: skip


def from_ai(df: pd.DataFrame) -> pd.DataFrame:
    """AI label confusions (`rca.stats.label_audits.confused_pairs`): share of a gold label.

    The interval is the Wilson interval of the share (n out of n / share items).
    """
    require_columns(df, ["gold", "predicted", "n", "share"], "ai_confusions")
    share = df["share"].astype(float)
    support = (df["n"] / share.where(share > 0)).round()
    lo, hi = wilson_interval(df["n"], support.fillna(0))
    q, p = _column(df, "q_value", "q"), _column(df, "p_value", "p")
    tested = q.where(q.notna(), p)
    significant = np.where(tested.notna(), tested < 0.05, np.nan_to_num(lo) >= AI_MIN_SHARE)
    gold, pred = df["gold"].astype(str), df["predicted"].astype(str)
    return _findings(
        "ai_label_confusion", df, key=gold + "|" + pred,
        fields={
            "title": "AI labels " + gold + " as " + pred, "segment_type": "gold_label",
            "segment_value": gold, "gold_label": gold, "predicted_label": pred,
            "metric": "label_share", "value": share,
            "effect_lo": np.where(support > 0, lo, np.nan),
            "effect_hi": np.where(support > 0, hi, np.nan), "count": df["n"], "n": support,
        },
        effect=share, significant=significant, root_cause="system.automation",
    )  # fmt: skip


def from_drivers(df: pd.DataFrame) -> pd.DataFrame:
    """Themes that drag a KPI the wrong way (`rca.stats.impact.theme_impact` rows, harm > 0).

    Metric: the KPI (``pass_rate``, ``mean_score``, ``critical_rate``, ``mean_rating``); value:
    the KPI of all items, baseline: the KPI without the theme's items, effect: the impact
    (value - baseline, KPI units) with its interval. Significant: the table's ``driver`` flag
    (harm > 0 and q < 0.05). Rows of the ``theme_impact`` / ``feedback_impact`` tables may carry
    ``segment`` / ``segment_value`` (a team), ``root_cause``, ``examples``, ``example_ids``.
    """
    require_columns(df, ["kpi", "theme_id", "n", "n_all", "kpi_all", "kpi_without", "impact",
                         "harm", "driver"], "theme impacts")  # fmt: skip
    df = df[(df["harm"] > 0) & (df["theme_id"] != -1)].rename(columns={"driver": "significant"})
    label = df["theme_label"].astype(str) if "theme_label" in df else df["theme_id"].astype(str)
    kind = df["segment"].astype(str) if "segment" in df else pd.Series("all", index=df.index)
    value = df["segment_value"].astype(str) if "segment_value" in df else kind
    value = value.where(kind != "all", "all")
    subjects = {s: _text(value.where(kind == s), df.index) for s in SEGMENT_SUBJECTS}
    kpi = df["kpi"].astype(str)
    return _findings(
        "top_driver", df, key=kind + "=" + value + "|" + kpi + "|" + label,
        fields={
            "title": "Theme " + label + " (" + kpi + np.where(kind != "all", ", " + kind + " "
                                                             + value, "") + ")",
            "segment_type": kind, "segment_value": value, **subjects,
            "theme_id": df["theme_id"], "theme_label": label, "metric": kpi,
            "value": df["kpi_all"], "baseline": df["kpi_without"],
            "effect_lo": _column(df, "impact_lo"), "effect_hi": _column(df, "impact_hi"),
            "count": df["n"], "n": df["n_all"], "impact": df["impact"].astype(float),
            "harm": df["harm"].astype(float),
        },
        effect=df["impact"].astype(float), significant=df["significant"], root_cause=UNMAPPED,
    )  # fmt: skip


#: Builder of each finding type, in `rca.findings.build.FINDING_TYPES` order.
BUILDERS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "emerging_theme": from_themes, "macro": from_macros, "technical_issue": from_issues,
    "coaching_need": from_coaching, "calibration_gap": from_calibration,
    "ai_label_confusion": from_ai, "top_driver": from_drivers,
}  # fmt: skip
