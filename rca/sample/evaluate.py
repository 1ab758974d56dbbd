"""Score an analysis against the sample's ground truth: which planted causes were found.

Used by the tests and ``benchmarks/recovery.py`` to measure recovery of planted root causes and
the false discoveries among everything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["EXPECTED_TYPE", "false_discoveries", "flagged", "score_recovery"]

#: Planted cause type -> the finding type that should report it.
EXPECTED_TYPE: dict[str, str] = {
    "outdated_macro": "macro",
    "product_bug": "technical_issue",
    "new_agent_cohort": "coaching_need",
    "lenient_auditor": "calibration_gap",
    "ai_confusion": "ai_label_confusion",
}


def _subject(findings: pd.DataFrame, cause: Mapping[str, Any]) -> pd.Series:
    """Mark the findings whose subject fields name this cause's segment (macro, cohort, ...)."""
    seg = cause["segment"]
    kind = cause["type"]

    def field(name: str) -> pd.Series:
        return findings[name].astype(str) if name in findings else pd.Series("", findings.index)

    if kind == "outdated_macro":
        return field("macro_id") == seg["macro"]
    if kind == "product_bug":  # a new issue, not a known one
        return (field("market") == seg["market"]) & (field("issue_status") == "new")
    if kind == "new_agent_cohort":
        cohort = (field("group_type") == "cohort") & (field("team") == seg["team"])
        return cohort | ((field("group_type") == "agent") & field("agent").isin(seg["agents"]))
    if kind == "lenient_auditor":
        return field("auditor") == seg["auditor"]
    if kind == "ai_confusion":
        return (field("gold_label") == seg["gold_label"]) & (
            field("predicted_label") == seg["model_label"]
        )
    return pd.Series(False, index=findings.index)


def _matches(findings: pd.DataFrame, cause: Mapping[str, Any]) -> pd.Series:
    wanted = EXPECTED_TYPE.get(cause["type"])
    return (findings["type"] == wanted) & _subject(findings, cause)


def score_recovery(
    findings: pd.DataFrame, truth: Mapping[str, Any], *, top: int = 10
) -> pd.DataFrame:
    """One row per planted cause: whether a significant finding of the right type reports it.

    Returns
    -------
    DataFrame
        ``cause``, ``type``, ``finding_type``, ``found`` (significant and within the top ``top``
        of its type), ``rank_in_type`` (best matching finding), ``q``, ``title``.
    """
    rows = []
    for cause in truth["root_causes"]:
        if cause["type"] not in EXPECTED_TYPE:
            continue
        match = findings[_matches(findings, cause)].sort_values("rank_in_type")
        best = match.iloc[0] if len(match) else None
        rows.append(
            {
                "cause": cause["id"],
                "type": cause["type"],
                "finding_type": EXPECTED_TYPE[cause["type"]],
                "found": bool(
                    best is not None and best["significant"] and best["rank_in_type"] <= top
                ),
                "rank_in_type": None if best is None else int(best["rank_in_type"]),
                "q": None if best is None else best["q"],
                "title": None if best is None else best["title"],
            }
        )
    return pd.DataFrame(rows)


def flagged(findings: pd.DataFrame, *, q_max: float = 0.01) -> pd.Series:
    """Return which findings claim something at ``q < q_max`` (boolean, on ``findings``' index).

    Findings without a q-value (calibration, AI confusion) count when flagged significant. Top
    drivers (``top_driver``: how much a theme costs a KPI this month) describe the month rather
    than claim a change or a cause, so they never count.
    """
    q = pd.to_numeric(findings["q"], errors="coerce")
    claims = (q < q_max) | (q.isna() & findings["significant"].astype(bool))
    return claims & (findings["type"] != "top_driver")


def false_discoveries(
    findings: pd.DataFrame, truth: Mapping[str, Any], *, q_max: float = 0.01
) -> pd.DataFrame:
    """Return the findings `flagged` at ``q < q_max`` that report no planted cause."""
    planted = pd.Series(False, index=findings.index)
    for cause in truth["root_causes"]:
        if cause["type"] in EXPECTED_TYPE:
            planted |= _matches(findings, cause)
    return findings[flagged(findings, q_max=q_max) & ~planted]
