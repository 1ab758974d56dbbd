"""Recommendations: what to do about the month's significant findings, and who should do it.

`recommend` turns rows of the ``findings`` table (`rca.findings.build.build_findings`) into
structured recommendations, one per finding (agents or auditors with the same gap, and places
where the same theme grows, are merged into one), each with an owner (`OWNERS`), the kind of
action (`ACTIONS`), the fields of the finding it leads with, the subjects merged into it and the
findings it comes from. Everything is read from the findings' fields, never from their text: the
action depends on the finding's type and root cause (``parameters/root_causes.yaml``). Only
significant findings lead to a recommendation; the result is deterministic (ordered by the
findings' rank). `rca.reports.finding_text` renders the sentences ("Update macro MAC-ACC-004
…", "Coach Team Heron's 2026Q3 starters on …"), `rca.reports.recommendations` the HTML list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

__all__ = [
    "ACTIONS",
    "CAUSE_OWNERS",
    "OWNERS",
    "RECOMMENDATION_COLUMNS",
    "cause_owner",
    "merge_key",
    "recommend",
]

#: Who acts on a recommendation.
OWNERS: tuple[str, ...] = ("operations", "policy", "product", "QA")
#: Kinds of action, with what each one asks for.
ACTIONS: dict[str, str] = {
    "update_macro": "rewrite a macro to match the current process (policy)",
    "review_macro_change": "review the change made to a macro on changed_after (policy)",
    "coach_macro_use": "coach agents on when to use a macro (cause people.*)",
    "escalate_issue": "escalate a new technical issue to product",
    "prioritise_known_issue": "ask product to raise the priority of a known issue",
    "coach_cohort": "coach a cohort of new agents on an error category",
    "coach_agents": "coach agents on an error category (agents with the same gap merged)",
    "recalibrate_auditors": "re-train auditors on the rubric (auditors off the same way merged)",
    "review_ai_labels": "review the AI model's labels of a gold/predicted label pair",
    "act_on_cause": "the action of the root cause, for a growing theme (places merged) or a "
    "theme driving a KPI down (merged with the same theme growing)",
}
#: Owner per root cause (or group of causes); causes not listed go to QA to investigate.
CAUSE_OWNERS: dict[str, str] = {
    "people": "operations", "process": "operations", "policy": "policy", "product": "product",
    "system": "product", "process.outdated_macro": "policy", "process.qa_calibration": "QA",
    "system.routing": "operations",
}  # fmt: skip
#: Columns of `recommend`'s result, in order: the recommendation, then the fields of the
#: finding it leads with (see `rca.findings.build.FINDING_COLUMNS`).
RECOMMENDATION_COLUMNS: tuple[str, ...] = (
    "rank", "owner", "action_kind", "root_cause", "finding_type", "finding_ids", "subjects",
    "lead_id", "segment_type", "segment_value", "macro_id", "queue", "agent", "team", "cohort",
    "group", "group_type", "market", "auditor", "item", "direction", "error_category",
    "gold_label", "predicted_label", "theme_id", "theme_label", "known_issue_id",
    "issue_status", "metric", "value", "baseline", "effect", "count", "n", "changed_after",
    "worse_after",
)  # fmt: skip
_FIELDS = RECOMMENDATION_COLUMNS[RECOMMENDATION_COLUMNS.index("segment_type") :]
_UNMAPPED = "QA"


def cause_owner(root_cause: str) -> str:
    """Owner of a root cause's action: the cause's own, its group's, or QA (unknown cause)."""
    group = root_cause.split(".", 1)[0]
    return CAUSE_OWNERS.get(root_cause) or CAUSE_OWNERS.get(group) or _UNMAPPED


def _text(value: Any) -> str | None:
    """Return a field as text; None when missing (None, NaN, NA)."""
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return None
    return str(value)


def _place(row: Mapping[Any, Any]) -> dict[str, Any]:
    """Return the place of a finding as a subject (its segment type and value)."""
    return {"segment_type": _text(row.get("segment_type")) or "all",
            "segment_value": _text(row.get("segment_value")) or "all"}  # fmt: skip


def _action(row: Mapping[Any, Any]) -> tuple[str, str, tuple[str, str] | None, Any]:
    """Owner, action kind, merge key (or None) and the subject merged, of one finding."""
    kind, cause = row["type"], str(row["root_cause"])
    if kind == "macro":
        if cause.startswith("people."):
            return "operations", "coach_macro_use", None, None
        worse = _text(row.get("worse_after")) == "True" and _text(row.get("changed_after"))
        return "policy", "review_macro_change" if worse else "update_macro", None, None
    if kind == "technical_issue":
        known = row.get("issue_status") == "known" and _text(row.get("known_issue_id"))
        return "product", "prioritise_known_issue" if known else "escalate_issue", None, None
    if kind == "coaching_need":
        owner = cause_owner(cause)
        if row.get("group_type") == "cohort" and _text(row.get("cohort")):
            return owner, "coach_cohort", None, None
        error = _text(row.get("error_category")) or ""
        return owner, "coach_agents", ("coach", error), _text(row.get("segment_value"))
    if kind == "calibration_gap":
        direction = _text(row.get("direction")) or "differently"
        return "QA", "recalibrate_auditors", ("calibrate", direction), _text(row.get("auditor"))
    if kind == "ai_label_confusion":
        return "product", "review_ai_labels", None, None
    label = _text(row.get("theme_label")) or ""
    return cause_owner(cause), "act_on_cause", ("theme", f"{label}|{cause}"), _place(row)


def merge_key(row: Mapping[Any, Any]) -> tuple[str, str] | None:
    """Return the key that findings merged into one action share, or None.

    Agents with the same coaching need share a key, and so do auditors scoring off in the same
    direction, and the same theme (and cause) growing in several places or driving KPIs down. Read
    from the fields ``type``, ``group_type``, ``cohort``, ``error_category``, ``direction``,
    ``theme_label``, ``root_cause``.

    Returns
    -------
    tuple or None
        ``(kind, detail)``, e.g. ``("coach", "missed verification")``.
    """
    if str(row.get("type")) not in ("coaching_need", "calibration_gap", "emerging_theme",
                                    "top_driver"):  # fmt: skip
        return None
    return _action({**row, "root_cause": str(row.get("root_cause"))})[2]


def recommend(
    findings: pd.DataFrame,
    *,
    owners: Sequence[str] | None = None,
    top_n: int | None = None,
) -> pd.DataFrame:
    """Structured recommendations for the significant findings, with an owner each.

    Method: per significant finding (best rank first), an action chosen by type and root cause:
    macros → update the macro, or review its change when it fails more since it changed
    (policy owners; coach agents when the cause is wrong macro use); technical issues →
    escalate a new issue, re-prioritise a known one (product); coaching needs → coach the cohort
    or agents on the error (the cause's owner, operations); calibration gaps → re-train the
    auditors (QA); AI label confusions → review the two labels (product); growing themes and
    themes driving a KPI down (top drivers) → the action of the theme's root cause (QA
    investigates unmapped ones). Agents with the same
    coaching need, auditors scoring off in the same direction, and places where the same theme
    grows share one recommendation listing them in ``subjects``.

    Parameters
    ----------
    findings
        The ``findings`` table (`rca.findings.build.FINDING_COLUMNS`; at least ``finding_id``,
        ``type``, ``significant``, ``root_cause``, ``rank``).
    owners
        Keep only recommendations for these owners (`OWNERS`); all when None.
    top_n
        Keep the first ``top_n`` recommendations.

    Returns
    -------
    DataFrame
        `RECOMMENDATION_COLUMNS`: ``rank`` (best rank of its findings), ``owner``,
        ``action_kind`` (`ACTIONS`), ``root_cause``, ``finding_type``, ``finding_ids`` (list),
        ``subjects`` (list: agents or auditors, in name order, or places ``{"segment_type",
        "segment_value"}`` in rank order, of merged recommendations; empty otherwise),
        ``lead_id`` (the finding it leads with) and that finding's fields. Render with
        `rca.reports.finding_text.recommendation_texts`.
    """
    needed = {"finding_id", "type", "significant", "root_cause", "rank"}
    if findings.empty or not needed <= set(findings.columns):
        return pd.DataFrame(columns=list(RECOMMENDATION_COLUMNS))
    rows = findings[findings["significant"].fillna(False).astype(bool)]
    rows = rows.sort_values(["rank", "finding_id"], kind="stable")
    recs: list[dict[str, Any]] = []
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows.to_dict("records"):
        row = {**row, "root_cause": str(row["root_cause"])}
        owner, action, key, subject = _action(row)
        fid = str(row["finding_id"])
        if key is not None and key in merged:
            merged[key]["subjects"].append(subject)
            merged[key]["finding_ids"].append(fid)
            continue
        rec = {
            "rank": int(row["rank"]), "owner": owner, "action_kind": action,
            "root_cause": row["root_cause"], "finding_type": row["type"],
            "finding_ids": [fid], "subjects": [] if key is None else [subject], "lead_id": fid,
            **{f: row.get(f) for f in _FIELDS},
        }  # fmt: skip
        if key is not None:
            merged[key] = rec
        recs.append(rec)
    for rec in merged.values():
        if rec["action_kind"] != "act_on_cause":  # people in name order, places in rank order
            rec["subjects"] = sorted(rec["subjects"], key=str)
    out = pd.DataFrame(recs, columns=list(RECOMMENDATION_COLUMNS))
    if owners is not None:
        out = out[out["owner"].isin(list(owners))]
    out = out.sort_values(["rank", "lead_id"], kind="stable").reset_index(drop=True)
    return out if top_n is None else out.head(top_n)
