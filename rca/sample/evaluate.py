"""Score an analysis against the sample's ground truth: which planted causes were found.

Used by ``benchmarks/recovery.py`` and the tests to measure, on samples generated with
``effects=`` (`rca.sample.effects`), the recall of planted root causes and the false alarms.

*Found* means one thing here: a **clear** finding (the findings table's ``significant`` column,
the one rule the reports call "clear") of the cause's finding type (`EXPECTED_TYPE`) that names
the planted entity (`planted_entity`). Its rank among the findings of its type is reported, not
used to decide: a planted cause found in third place is found, and `score_recovery` says it was
third. The disputed rubric item has no finding type; `score_disputed` measures it separately from
the ``disputed_items`` table. On a sample without planted causes (``effects="none"``) every clear
finding is a false alarm: `null_metrics` counts them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "BUG_ROW_SHARE",
    "EXPECTED_TYPE",
    "NOT_CLAIMS",
    "clear_findings",
    "false_discoveries",
    "null_metrics",
    "planted_entity",
    "score_disputed",
    "score_recovery",
]

#: Planted cause type -> the finding type that should report it.
EXPECTED_TYPE: dict[str, str] = {
    "outdated_macro": "macro",
    "product_bug": "technical_issue",
    "new_agent_cohort": "coaching_need",
    "lenient_auditor": "calibration_gap",
    "ai_confusion": "ai_label_confusion",
}
#: Finding types that never count as a claim, found or false: a top driver says how much a theme
#: costs a KPI this month (some theme always costs the most), not that something changed or
#: has a cause; it has its own BH over the impact tables and is outside the month's family.
NOT_CLAIMS: tuple[str, ...] = ("top_driver",)
#: Least share of a technical issue's evidence rows that must be the planted bug's reports for
#: the issue to be that bug (when the finding lists its rows and the truth lists the bug's).
BUG_ROW_SHARE = 0.5


def _field(findings: pd.DataFrame, name: str) -> pd.Series:
    """Column ``name`` as strings ('' where missing or absent)."""
    if name not in findings:
        return pd.Series("", index=findings.index)
    return findings[name].map(lambda v: "" if v is None or v is pd.NA or v != v else str(v))


def _listed(value: Any) -> list[str]:
    if value is None or isinstance(value, float | str):
        return [] if value is None or isinstance(value, float) else [value]
    return [str(v) for v in value]


def _bug_rows(findings: pd.DataFrame, cause: Mapping[str, Any]) -> pd.Series:
    """Mark the findings whose evidence rows are mostly the planted bug's reports.

    A finding without evidence ids (or a truth without row ids) cannot be checked and passes.
    """
    planted = {str(r) for r in cause.get("row_ids") or []}
    if not planted or "evidence_ids" not in findings:
        return pd.Series(True, index=findings.index)

    def mostly_planted(ids: Any) -> bool:
        listed = _listed(ids)
        return not listed or bool(np.mean([i in planted for i in listed]) >= BUG_ROW_SHARE)

    return findings["evidence_ids"].map(mostly_planted).astype(bool)


def _subject(findings: pd.DataFrame, cause: Mapping[str, Any]) -> pd.Series:
    """Mark the findings whose subject fields name this cause's planted entity."""
    seg = cause["segment"]
    kind = cause["type"]

    def field(name: str) -> pd.Series:
        return _field(findings, name)

    if kind == "outdated_macro":
        return field("macro_id") == seg["macro"]
    if kind == "product_bug":  # a NEW issue of the market, made of the bug's reports
        local = (field("market") == seg["market"]) & (field("issue_status") == "new")
        return local & _bug_rows(findings, cause)
    if kind == "new_agent_cohort":
        cohort = (field("group_type") == "cohort") & (field("team") == seg["team"])
        return cohort | ((field("group_type") == "agent") & field("agent").isin(seg["agents"]))
    if kind == "lenient_auditor":  # lenient, not strict: the other direction is another claim
        direction = field("direction")
        return (field("auditor") == seg["auditor"]) & direction.isin(["lenient", ""])
    if kind == "ai_confusion":
        return (field("gold_label") == seg["gold_label"]) & (
            field("predicted_label") == seg["model_label"]
        )
    return pd.Series(False, index=findings.index)


def planted_entity(cause: Mapping[str, Any]) -> str:
    """Return the planted entity of a cause in words (macro id, market, team, auditor, pair)."""
    seg = cause.get("segment", {})
    kind = cause["type"]
    if kind == "outdated_macro":
        return str(seg["macro"])
    if kind == "product_bug":
        bug = seg.get("bug")
        return f"market {seg['market']}" + (f" ({bug})" if bug else "")
    if kind == "new_agent_cohort":
        return f"team {seg['team']} ({len(seg.get('agents', []))} agents)"
    if kind == "lenient_auditor":
        return str(seg["auditor"])
    if kind == "ai_confusion":
        return f"{seg['gold_label']} -> {seg['model_label']}"
    if kind == "disputed_rubric_item":
        return str(seg["item"])
    return ""


def _clear(findings: pd.DataFrame) -> pd.Series:
    return findings["significant"].fillna(False).astype(bool) & ~findings["type"].isin(NOT_CLAIMS)


def clear_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Return the clear findings that make a claim (`NOT_CLAIMS` types left out).

    Clear is the findings table's ``significant`` column: q below the family's level, effect in
    the harmful direction and at least the smallest effect worth acting on.
    """
    return findings[_clear(findings)]


def score_recovery(findings: pd.DataFrame, truth: Mapping[str, Any]) -> pd.DataFrame:
    """One row per planted cause that has a finding type: whether a clear finding reports it.

    Parameters
    ----------
    findings
        The analysis' ``findings`` table (`rca.findings.build.FINDING_COLUMNS`).
    truth
        The sample's ``ground_truth.json`` (its ``root_causes``).

    Returns
    -------
    DataFrame
        ``cause``, ``type``, ``finding_type``, ``entity`` (`planted_entity`), ``effect_name``
        (the preset, when the truth has it), ``found`` (a clear finding of ``finding_type``
        names the entity), ``first`` (found, and that finding is first of its type),
        ``named`` (any finding of the type names it, clear or not), ``rank_in_type`` (of the
        best-ranked clear finding naming it; when not found, of the best-ranked one naming it;
        None when none does), ``q``, ``effect``, ``title`` of that finding. No row for a cause
        type without a finding type (``disputed_rubric_item``: see `score_disputed`).
    """
    rows = []
    for cause in truth.get("root_causes", []):
        wanted = EXPECTED_TYPE.get(cause["type"])
        if wanted is None:
            continue
        match = findings[(findings["type"] == wanted) & _subject(findings, cause)]
        clear = match[_clear(match)]
        pool = (clear if len(clear) else match).sort_values("rank_in_type")
        best = pool.iloc[0] if len(pool) else None
        rank = None if best is None else int(best["rank_in_type"])
        rows.append(
            {
                "cause": cause["id"], "type": cause["type"], "finding_type": wanted,
                "entity": planted_entity(cause), "effect_name": cause.get("effect_name"),
                "found": bool(len(clear)), "first": bool(len(clear)) and rank == 1,
                "named": bool(len(match)), "rank_in_type": rank,
                "q": None if best is None else _number(best.get("q")),
                "effect": None if best is None else _number(best.get("effect")),
                "title": None if best is None else str(best["title"]),
            }
        )  # fmt: skip
    columns = ["cause", "type", "finding_type", "entity", "effect_name", "found", "first",
               "named", "rank_in_type", "q", "effect", "title"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _number(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(out) else out


def score_disputed(disputed: pd.DataFrame, truth: Mapping[str, Any]) -> pd.DataFrame:
    """Where the planted disputed rubric item ranks in the ``disputed_items`` table.

    The disputed item is no finding: the table ranks items by disagreement (1 - Krippendorff's
    alpha) without a test, so there is no "clear" to score and no false alarm to count. It is
    scored apart from `score_recovery`: ``first`` when the planted item is the most disputed.

    Returns
    -------
    DataFrame
        ``cause``, ``type``, ``entity``, ``effect_name``, ``rank`` (None when not listed),
        ``first``, ``disagreement``, ``runner_up`` (disagreement of the next item listed).
    """
    rows = []
    for cause in truth.get("root_causes", []):
        if cause["type"] != "disputed_rubric_item":
            continue
        item = str(cause["segment"]["item"])
        mine = disputed[disputed["item"].astype(str) == item] if len(disputed) else disputed
        rank = int(mine["rank"].iloc[0]) if len(mine) else None
        others = disputed[disputed["item"].astype(str) != item] if len(disputed) else disputed
        rows.append(
            {
                "cause": cause["id"], "type": cause["type"], "entity": item,
                "effect_name": cause.get("effect_name"), "rank": rank, "first": rank == 1,
                "disagreement": _number(mine["disagreement"].iloc[0]) if len(mine) else None,
                "runner_up": _number(others["disagreement"].max()) if len(others) else None,
            }
        )  # fmt: skip
    columns = ["cause", "type", "entity", "effect_name", "rank", "first", "disagreement",
               "runner_up"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def null_metrics(findings: pd.DataFrame) -> dict[str, Any]:
    """Count the month's clear findings (on a sample with nothing planted: its false alarms).

    Top drivers (`NOT_CLAIMS`) are left out: on any data some theme costs a KPI the most, and a
    top driver says so without claiming a change or a cause; they are not in the month's
    false-discovery family either, so they cannot be a false alarm of it.

    Returns
    -------
    dict
        ``n_clear`` (clear findings), ``any_clear`` (bool), ``by_type`` (``{finding type:
        n}`` for every type with at least one), ``titles`` (``type: title`` of each).
    """
    clear = clear_findings(findings)
    by_type = clear["type"].value_counts().sort_index()
    return {
        "n_clear": len(clear),
        "any_clear": bool(len(clear)),
        "by_type": {str(k): int(v) for k, v in by_type.items()},
        "titles": [f"{t}: {s}" for t, s in zip(clear["type"], clear["title"], strict=True)],
    }


def false_discoveries(findings: pd.DataFrame, truth: Mapping[str, Any]) -> pd.DataFrame:
    """Return the clear findings (`clear_findings`) that name no planted cause."""
    planted = pd.Series(False, index=findings.index)
    for cause in truth.get("root_causes", []):
        if cause["type"] in EXPECTED_TYPE:
            planted |= (findings["type"] == EXPECTED_TYPE[cause["type"]]) & _subject(
                findings, cause
            )
    return findings[_clear(findings) & ~planted]
