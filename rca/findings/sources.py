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
from rca.findings.labels import from_accuracy, from_ai, from_calibration
from rca.findings.records import column, findings_frame, flag, text, text_column
from rca.themes.causes import UNMAPPED

__all__ = [
    "BUILDERS",
    "SEGMENT_SUBJECTS",
    "from_accuracy",
    "from_ai",
    "from_calibration",
    "from_coaching",
    "from_drivers",
    "from_issues",
    "from_macros",
    "from_themes",
]

#: Names of `rca.stats.trends.share_changes`' tests.
_TESTS = {"z": "two-proportion z", "fisher": "Fisher exact"}
#: Segment kinds of theme changes that are also a subject column of the findings table.
SEGMENT_SUBJECTS: tuple[str, ...] = ("queue", "agent", "team", "market", "auditor")


def from_themes(df: pd.DataFrame) -> pd.DataFrame:
    """Growing themes (`rca.stats.trends.share_changes` rows that grew): metric ``share``.

    Test: the row's (``test``: z or Fisher), vs the previous month; baseline counts: the
    previous month's comments in the theme and in the segment.
    """
    require_columns(df, ["item", "count_current", "share_current", "share_previous",
                         "difference"], "theme_changes")  # fmt: skip
    up = (df["difference"] > 0) & (df["item"] != -1)
    df = df[up & (df["direction"] == "up") if "direction" in df else up]
    label = df["label"].astype(str) if "label" in df else df["item"].astype(str)
    kind = df["segment"].astype(str) if "segment" in df else pd.Series("all", index=df.index)
    value = df["segment_value"].astype(str) if "segment_value" in df else kind
    value = value.where(kind != "all", "all")
    segment = (kind + "=" + value).where(kind != "all", "all")  # the id's key, as ever
    subjects = {s: text(value.where(kind == s), df.index) for s in SEGMENT_SUBJECTS}
    return findings_frame(
        "emerging_theme", df, key=segment + "|" + label,
        fields={
            "title": "Theme " + label + np.where(kind != "all", " (" + kind + " " + value + ")",
                                                 ""),
            "segment_type": kind, "segment_value": value, **subjects,
            "theme_id": df["item"], "theme_label": label, "metric": "share",
            "value": df["share_current"], "baseline": df["share_previous"],
            "effect_lo": column(df, "diff_lo"), "effect_hi": column(df, "diff_hi"),
            "count": df["count_current"], "n": column(df, "n_current"),
        },
        effect=df["difference"], harmful=df["difference"] > 0, root_cause=UNMAPPED,
        test=text_column(df, "test", "z").replace(_TESTS), comparison="previous_month",
        baseline=(column(df, "count_previous"), column(df, "n_previous")),
    )  # fmt: skip


def _macro_part(df: pd.DataFrame) -> pd.Series:
    """Return the test each macro finding rests on: the first clear one of excess, after, change.

    A macro no test makes clear rests on its excess over the comparison macros.
    """
    after = column(df, "after_fail_rate") - column(df, "before_fail_rate")
    clear = {
        "excess": flag(df, "clear") & (df["excess_rate"] > 0),
        "after": flag(df, "after_clear") & (after > 0),
        "change": flag(df, "change_clear") & (column(df, "change") > 0),
    }
    return pd.Series(
        np.select(list(clear.values()), list(clear), "excess"), index=df.index, dtype=object
    )


def _macro_baseline(df: pd.DataFrame, comparison: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Failing audits and audits of the comparison macros (the table's own rows if not given)."""
    if {"rest_failing", "rest_audits"} <= set(df):
        return column(df, "rest_failing"), column(df, "rest_audits")
    audits, failing = df["audits"].astype(float), df["failing"].astype(float)
    queue = df["queue"] if "queue" in df else pd.Series("", index=df.index)
    by_queue = queue.astype(object).where(queue.notna(), "").astype(str)
    in_queue = comparison == "same_queue"
    n = pd.Series(audits.sum(), index=df.index).where(
        ~in_queue, audits.groupby(by_queue).transform("sum")
    )
    c = pd.Series(failing.sum(), index=df.index).where(
        ~in_queue, failing.groupby(by_queue).transform("sum")
    )
    return c - failing, n - audits


def from_macros(df: pd.DataFrame) -> pd.DataFrame:
    """Macros failing more than the others (`rca.stats.macros.macro_report`): ``fail_rate``.

    Candidates: macros failing more than their comparison macros, more than last month, or more
    since a known change date. Each rests on one test (the first clear one of excess, after,
    change; else excess) whose value, baseline, effect, interval, p and family q it shows:
    excess: fail rate vs the comparison macros (``comparison`` ``same_queue`` or
    ``other_macros``; baseline counts: their failing audits and audits); change: vs the
    previous month (``previous_month``); after: after vs before the change date
    (``before_change``, no baseline counts).
    """
    require_columns(df, ["macro_id", "audits", "failing", "fail_rate", "rest_fail_rate",
                         "excess_rate", "excess_q", "worse_after"], "macros")  # fmt: skip
    versus = text_column(df, "comparison", "other_macros")
    rest_c, rest_n = _macro_baseline(df, pd.Series(versus, index=df.index))
    after = column(df, "after_fail_rate") - column(df, "before_fail_rate")
    up = (
        (df["excess_rate"] > 0)
        | df["worse_after"].astype(bool)
        | (after > 0) & flag(df, "after_clear")
        | (column(df, "change") > 0) & flag(df, "change_clear")
    )
    df, versus = df[up], pd.Series(versus, index=df.index)[up]
    part = _macro_part(df)
    prev_n = column(df, "previous_audits")
    prev_c = (column(df, "previous_fail_rate") * prev_n).round()
    pick = {"excess": part == "excess", "change": part == "change", "after": part == "after"}

    def by_part(excess: Any, change: Any, later: Any) -> pd.Series:
        return pd.Series(
            np.select(list(pick.values()), [excess, change, later], np.nan), index=df.index
        )

    macro = df["macro_id"].astype(str)
    queue = text(df.get("queue"), df.index)
    since = text(df.get("changed_after"), df.index)
    found = findings_frame(
        "macro", df, key=df["macro_id"],
        fields={
            "title": "Macro " + macro + (" (" + queue + ")").fillna(""),
            "segment_type": "macro", "segment_value": macro, "macro_id": macro, "queue": queue,
            "metric": "fail_rate",
            "value": by_part(df["fail_rate"], df["fail_rate"], column(df, "after_fail_rate")),
            "baseline": by_part(df["rest_fail_rate"], column(df, "previous_fail_rate"),
                                column(df, "before_fail_rate")),
            "effect_lo": by_part(np.nan, column(df, "change_lo"), np.nan),
            "effect_hi": by_part(np.nan, column(df, "change_hi"), np.nan),
            "count": df["failing"], "n": df["audits"],
            "changed_after": since, "worse_after": df["worse_after"].astype(bool),
        },
        effect=by_part(df["excess_rate"], column(df, "change"), after[df.index]),
        harmful=True, root_cause="process.outdated_macro", test="two-proportion z / Fisher",
        comparison=versus.where(part == "excess", part.map({"change": "previous_month",
                                                           "after": "before_change"})),
        baseline=(by_part(rest_c[df.index], prev_c, np.nan),
                  by_part(rest_n[df.index], prev_n, np.nan)),
    )  # fmt: skip
    p = by_part(column(df, "excess_p"), column(df, "change_p"), column(df, "after_p"))
    q = by_part(column(df, "family_q"), column(df, "change_family_q"),
                column(df, "after_family_q"))  # fmt: skip
    clear = by_part(flag(df, "clear"), flag(df, "change_clear"), flag(df, "after_clear"))
    found["p"], found["q"] = p, q
    if "significant" not in df:
        found["significant"] = clear.astype(bool) & (found["effect"] > 0)
    return found


def from_issues(df: pd.DataFrame) -> pd.DataFrame:
    """Technical issues (`rca.stats.tech_issues.technical_issues`): reports now vs before.

    The effect is the rate ratio with its interval; the score uses its log2 (see `score_effect`).
    Test: exact Poisson rate ratio, the last weeks vs the weeks before (``earlier_weeks``).
    """
    require_columns(df, ["theme_label", "status", "known_issue_id", "count_current",
                         "count_previous", "rate_ratio", "q_value", "top_market",
                         "top_market_share"], "tech_issues")  # fmt: skip
    known = df["status"] == "known"
    ids = df["known_issue_id"].astype(str)
    label = df["theme_label"].astype(str)
    local = df["top_market_share"] >= 0.5
    market = df["top_market"].astype(str)
    ratio = df["rate_ratio"].astype(float)
    return findings_frame(
        "technical_issue", df, key=ids.where(known, label),
        fields={
            "title": np.where(known, "Known issue " + ids + ": ", "New issue: ") + label,
            "segment_type": np.where(local, "market", "all"),
            "segment_value": market.where(local, "all"),
            "market": text(market.where(local), df.index),
            "theme_id": column(df, "theme_id"), "theme_label": label,
            "known_issue_id": text(df["known_issue_id"].where(known), df.index),
            "issue_status": np.where(known, "known", "new"), "metric": "reports",
            "value": df["count_current"], "baseline": df["count_previous"],
            "effect_lo": column(df, "ratio_lo"), "effect_hi": column(df, "ratio_hi"),
            "count": df["count_current"],
        },
        effect=ratio, harmful=ratio > 1, root_cause="product.bug",
        test="exact Poisson rate ratio", comparison="earlier_weeks",
        baseline=(column(df, "count_previous"), np.nan),
    )  # fmt: skip


def from_coaching(df: pd.DataFrame) -> pd.DataFrame:
    """Coaching needs (`rca.stats.coaching.coaching_needs`): the group's share of an error.

    Test: two-proportion z or Fisher vs the rest (other agents or cohorts); baseline counts
    when the table has ``rest_count`` and ``rest_n``.
    """
    require_columns(df, ["group", "error_category", "count", "share", "rest_share",
                         "difference", "q_value"], "coaching")  # fmt: skip
    df = df[df["difference"] > 0]  # the table holds every tested row; needs are higher shares
    group = df["group"].astype(str)
    kind = df["group_type"].astype(str) if "group_type" in df else pd.Series("agent", df.index)
    error = df["error_category"].astype(str)
    cohort = kind == "cohort"
    return findings_frame(
        "coaching_need", df, key=group + "|" + error,
        fields={
            "title": group + ": " + error, "segment_type": kind, "segment_value": group,
            "group": group, "group_type": kind, "agent": text(group.where(~cohort), df.index),
            "team": text(df.get("team"), df.index),
            "cohort": text(df.get("cohort_start"), df.index),
            "error_category": error, "metric": "share", "value": df["share"],
            "baseline": df["rest_share"], "effect_lo": column(df, "diff_lo"),
            "effect_hi": column(df, "diff_hi"), "count": df["count"], "n": column(df, "n"),
        },
        effect=df["difference"], harmful=df["difference"] > 0,
        root_cause="people.knowledge_gap", test="two-proportion z / Fisher", comparison="rest",
        baseline=(column(df, "rest_count"), column(df, "rest_n")),
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
    subjects = {s: text(value.where(kind == s), df.index) for s in SEGMENT_SUBJECTS}
    kpi = df["kpi"].astype(str)
    return findings_frame(
        "top_driver", df, key=kind + "=" + value + "|" + kpi + "|" + label,
        fields={
            "title": "Theme " + label + " (" + kpi + np.where(kind != "all", ", " + kind + " "
                                                             + value, "") + ")",
            "segment_type": kind, "segment_value": value, **subjects,
            "theme_id": df["theme_id"], "theme_label": label, "metric": kpi,
            "value": df["kpi_all"], "baseline": df["kpi_without"],
            "effect_lo": column(df, "impact_lo"), "effect_hi": column(df, "impact_hi"),
            "count": df["n"], "n": df["n_all"], "impact": df["impact"].astype(float),
            "harm": df["harm"].astype(float),
        },
        effect=df["impact"].astype(float), harmful=True, root_cause=UNMAPPED,
        test="Wald z on the impact (own BH, not in the family)", comparison="without_theme",
    )  # fmt: skip


#: Builder of each finding type, in `rca.findings.build.FINDING_TYPES` order.
BUILDERS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "emerging_theme": from_themes, "macro": from_macros, "technical_issue": from_issues,
    "coaching_need": from_coaching, "calibration_gap": from_calibration,
    "ai_label_confusion": from_ai, "label_accuracy": from_accuracy, "top_driver": from_drivers,
}  # fmt: skip
