"""Views of the policy and product report: the themes whose root cause is the product or systems.

Split from `rca.reports.policy` (which re-exports `product_causes`). `product_causes` reads
``theme_changes``, the workspace's theme tables and ``tech_issues`` and returns an
``IPython.display.HTML`` table; `trend_words` and `window_weeks` say a technical issue's trend
as the analysis computed it (the issues table uses them too). Every data-derived text is escaped.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from IPython.display import HTML

import rca.reports.fragments as rr
from rca.reports.executive import cause_name, change_words, theme_clear

__all__ = ["FIRST_MONTH_TREND", "product_causes", "trend_words", "window_weeks"]

_Q = 0.05
#: The trend of an audit-comment theme in the first month of the data.
FIRST_MONTH_TREND = "first month: nothing to compare with yet"


def _is_product(causes: pd.Series) -> pd.Series:
    return causes.astype(str).str.startswith(("product.", "system."))


def _first_month_changes(topics: pd.DataFrame) -> pd.DataFrame:
    """Return the workspace's audit themes (all of the first month) shaped as ``theme_changes``."""
    names = {"theme_id": "item", "theme_label": "label", "size": "count_current"}
    rows = topics.rename(columns=names)
    return rows.assign(segment="all", difference=np.nan, q_value=np.nan)


def product_causes(
    changes: pd.DataFrame,
    topics: pd.DataFrame,
    feedback_themes: pd.DataFrame,
    issues: pd.DataFrame,
    month: str | None = None,
    previous: str | None = None,
    findings: pd.DataFrame | None = None,
) -> HTML:
    """Themes whose root cause is in the product or systems (``product.*``, ``system.*``).

    Audit-comment themes come with this month's count and change (``theme_changes``; clearly
    more when a significant growing-theme finding of ``findings`` says so, see
    `rca.reports.executive.theme_clear`); user feedback themes with their volume over all months
    and, for technical issues, their trend. In the first month of the data (``theme_changes``
    left empty for it) the audit-comment themes come with their size in the workspace, which
    holds that month alone, and `FIRST_MONTH_TREND`.
    """
    since = previous or "last month"
    rows: list[dict[str, Any]] = []
    if rr.is_first_month(changes) and {"theme_id", "size"} <= set(topics.columns):
        changes = _first_month_changes(topics)
    if len(topics) and "root_cause" in topics and len(changes) and "segment" in changes:
        causes = topics.set_index("theme_id")["root_cause"]
        mine = changes[changes["segment"] == "all"].assign(cause=lambda d: d["item"].map(causes))
        told = theme_clear(mine, findings)
        # Without findings to tell (older callers), the table's own q-value decides.
        mine = mine.assign(_clear=told if told is not None else mine["q_value"] < _Q)
        for r in mine[_is_product(mine["cause"]) & (mine["item"] != -1)].to_dict("records"):
            words = FIRST_MONTH_TREND if pd.isna(r["difference"]) else change_words(
                r["difference"], bool(r["_clear"]), since)  # fmt: skip
            rows.append(
                {
                    "Theme": r["label"], "Heard in": "Audit comments", "cause": r["cause"],
                    "Volume": f"{int(r['count_current']):,} comments in {month}",
                    "Trend": words, "_n": r["count_current"],
                }
            )  # fmt: skip
    if len(feedback_themes) and "root_cause" in feedback_themes:
        trend = issues.set_index("theme_id")["trend"] if "trend" in issues else pd.Series()
        for r in feedback_themes[_is_product(feedback_themes["root_cause"])].to_dict("records"):
            t = trend.get(r["theme_id"])
            rows.append(
                {
                    "Theme": r["theme_label"], "Heard in": "User feedback",
                    "cause": r["root_cause"],
                    "Volume": f"{int(r['size']):,} messages, all months",
                    "Trend": "–" if t is None else trend_words(str(t), window_weeks(issues)),
                    "_n": r["size"],
                }
            )  # fmt: skip
    if not rows:
        return rr.callout("No theme is traced to the product or systems this month.")
    view = pd.DataFrame(rows).sort_values(["Heard in", "_n", "Theme"],
                                          ascending=[True, False, True])  # fmt: skip
    view.insert(2, "Root cause", [cause_name(c) for c in view.pop("cause")])
    return rr.table(view, hide=["_n"])


def window_weeks(issues: pd.DataFrame) -> int:
    """Weeks in each window of the issues' trend, as the analysis computed it (``tech_issues``)."""
    return int(issues["window_weeks"].iloc[0])


def trend_words(trend: str, weeks: int) -> str:
    """Return a technical issue's ``trend`` (rising, falling, stable) in plain words."""
    return {
        "rising": f"clearly rising (last {weeks} weeks vs the {weeks} before)",
        "falling": f"clearly falling (last {weeks} weeks vs the {weeks} before)",
        "stable": "about the same (any change could be chance)",
    }.get(trend, "not enough reports to tell")
