"""Findings and recommendations in plain words: sentences rendered from their fields, last.

The findings table (`rca.findings.build.FINDING_COLUMNS`) and the recommendations
(`rca.findings.recommend.recommend`) are structured records; this module is the one place that
turns them into sentences for readers: `describe` (what a finding found), `change_text` (its
change in short), `action_text` and `reason_text` (what to do and why), `recommendation_texts`
(the recommendations as a table of sentences). Texts are not HTML-escaped: the views escape them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from rca.stats.impact import KPIS

__all__ = [
    "CAUSE_ACTION_TEXT",
    "TEXT_COLUMNS",
    "action_text",
    "change_text",
    "describe",
    "impact_words",
    "names",
    "number_field",
    "place",
    "reason_text",
    "recommendation_texts",
    "where_phrase",
]

#: Action per root cause (or group of causes), for growing themes; who acts is decided in
#: `rca.findings.recommend.cause_owner`.
CAUSE_ACTION_TEXT: dict[str, str] = {
    "people.knowledge_gap": "Refresh agents' training",
    "people.soft_skills": "Coach agents on tone and empathy",
    "people.documentation": "Remind agents to write complete case notes",
    "people.macro_misuse": "Coach agents on choosing and editing macros",
    "people.judgement": "Review difficult cases with agents in team huddles",
    "process.outdated_macro": "Update the macros and SOPs involved",
    "process.verification": "Enforce the identity-verification step",
    "process.escalation": "Clarify when and how to escalate",
    "process.backlog": "Rebalance staffing to clear the backlog",
    "process.qa_calibration": "Re-train auditors on the rubric",
    "policy.unclear_policy": "Clarify the policy wording",
    "policy.change_communication": "Re-announce the recent policy change to agents",
    "policy.local_fit": "Check whether the policy fits the local market",
    "policy.user_friction": "Review the policy rule users find frustrating",
    "product.bug": "Escalate to product",
    "product.ux_confusion": "Ask product to simplify the confusing flow",
    "product.feature_gap": "Pass the feature request to product",
    "system.tooling": "Report the agent-tool problem to the tools team",
    "system.routing": "Fix the case-routing rules",
    "system.automation": "Review the automation or AI model involved",
    "people": "Coach agents",
    "process": "Review the process",
    "policy": "Review the policy",
    "product": "Raise it with product",
    "system": "Raise it with the systems team",
}
#: Columns of `recommendation_texts`' result, in order.
TEXT_COLUMNS: tuple[str, ...] = (
    "rank", "owner", "action", "reason", "root_cause", "finding_type", "finding_ids",
)  # fmt: skip
_UNKNOWN = "Investigate and assign a root cause"
_MAX_NAMES = 6


def _get(row: Mapping[Any, Any], field: str, default: str = "") -> str:
    """Return a text field, ``default`` when missing (None, NaN)."""
    value = row.get(field)
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return default
    return str(value)


def number_field(row: Mapping[Any, Any], field: str) -> float:
    """Return ``row[field]`` as a float, NaN when it is missing or not a number."""
    try:
        return float(row.get(field))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _int(row: Mapping[Any, Any], field: str) -> str:
    value = number_field(row, field)
    return "?" if math.isnan(value) else str(int(value))


def where_phrase(segment_type: object, segment_value: object) -> str:
    """Where a place is, to end a sentence: " in Team Lynx", " in market MY", "" for "all"."""
    kind, value = str(segment_type), str(segment_value)
    if kind in ("all", "None", "nan", "") or value in ("None", "nan", ""):
        return ""
    return {"market": f" in market {value}", "queue": f" in the {value} queue"}.get(
        kind, f" in {value}"
    )


def place(segment_type: object, segment_value: object) -> str:
    """Readable place: "the whole operation", "Team Lynx", "market MY", "the payments queue"."""
    text = where_phrase(segment_type, segment_value)
    return text.removeprefix(" in ") if text else "the whole operation"


def names(items: Sequence[str]) -> str:
    """List names: "a", "a and b", "a, b and c", "a, …, f and 3 more" (first six)."""
    items = list(items)
    shown = items[:_MAX_NAMES]
    if len(items) > _MAX_NAMES:
        return f"{', '.join(shown)} and {len(items) - _MAX_NAMES} more"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _pct(value: float, digits: int = 0) -> str:
    return "?" if math.isnan(value) else f"{value:.{digits}%}"


def impact_words(kpi: str, impact: float) -> str:
    """Say an impact on a KPI in words: "lowers the pass rate by 1.6 pts", "raises … by 0.05".

    Rates are in percentage points, means (score, rating) in their own units; ``impact`` is
    KPI of all items minus without the theme's (`rca.stats.impact.theme_impact`).
    """
    spec = KPIS.get(kpi)
    name = spec.name if spec else kpi
    if math.isnan(impact):
        return f"changes the {name} by an unknown amount"
    verb = "raises" if impact > 0 else "lowers"
    size = f"{abs(impact) * 100:.1f} pts" if spec is None or spec.unit == "rate" else (
        f"{abs(impact):.2f}")  # fmt: skip
    return f"{verb} the {name} by {size}"


def _kpi_value(kpi: str, value: float) -> str:
    spec = KPIS.get(kpi)
    if math.isnan(value):
        return "?"
    return _pct(value, 1) if spec is None or spec.unit == "rate" else f"{value:.2f}"


def describe(row: Mapping[Any, Any]) -> str:
    """One plain sentence saying what a finding (a row of ``findings``) found; not escaped.

    Reads the structured fields (``type``, subject columns, ``value``, ``baseline``, ``effect``,
    ``count``, ``n``, ...); a recommendation row works too (its ``finding_type`` is the type).
    """
    kind = _get(row, "type") or _get(row, "finding_type")
    value, baseline = number_field(row, "value"), number_field(row, "baseline")
    if kind == "emerging_theme":
        return (
            f"'{_get(row, 'theme_label')}' grew from {_pct(baseline, 1)} to {_pct(value, 1)} of "
            f"audit comments{where_phrase(row.get('segment_type'), row.get('segment_value'))}"
        )
    if kind == "macro":
        since = _get(row, "changed_after")
        worse = f"; worse since {since}" if _get(row, "worse_after") == "True" and since else ""
        rest = "" if math.isnan(baseline) else f"; other macros fail {_pct(baseline)}"
        return (
            f"Macro {_get(row, 'macro_id')} fails {_pct(value)} of its audits "
            f"({_int(row, 'count')} of {_int(row, 'n')}){worse}{rest}"
        )
    if kind == "technical_issue":
        known = _get(row, "known_issue_id") if _get(row, "issue_status") == "known" else ""
        market = _get(row, "market")
        return (
            (f"Known issue {known}: " if known else "New issue: ") + _get(row, "theme_label")
            + f" ({_int(row, 'count')} recent reports"
            + (f", mostly {market}" if market else "") + ")"
        )  # fmt: skip
    if kind == "coaching_need":
        return (
            f"{_get(row, 'group')}: '{_get(row, 'error_category')}' in {_pct(value)} of audits "
            f"vs {_pct(baseline)} for everyone else"
        )
    if kind == "calibration_gap":
        return (
            f"{_get(row, 'auditor')} rates more {_get(row, 'direction')}ly than the reference "
            f"({number_field(row, 'effect'):+.2f} points)"
        )
    if kind == "ai_label_confusion":
        return (
            f"The AI model labels {_pct(value)} of '{_get(row, 'gold_label')}' items as "
            f"'{_get(row, 'predicted_label')}'"
        )
    if kind == "label_accuracy":
        gold = _get(row, "gold_label")
        of = f" of '{gold}' items" if gold else " of the items"
        target = "" if math.isnan(baseline) else f" (target {_pct(baseline)})"
        return f"The AI model labels {_pct(value)}{of} right{target}"
    if kind == "top_driver":
        kpi = _get(row, "metric")
        return (
            f"'{_get(row, 'theme_label')}' {impact_words(kpi, number_field(row, 'effect'))}"
            f"{where_phrase(row.get('segment_type'), row.get('segment_value'))} "
            f"({_kpi_value(kpi, value)} with its {_int(row, 'count')} items, "
            f"{_kpi_value(kpi, baseline)} without them)"
        )
    return _get(row, "title")


def change_text(row: Mapping[Any, Any]) -> str:
    """Say a finding's change in short: "+7.0 pts (2.0% → 9.0%)", "×2.5 (4 → 10 reports)"."""
    kind = _get(row, "type") or _get(row, "finding_type")
    value, baseline = number_field(row, "value"), number_field(row, "baseline")
    effect = number_field(row, "effect")
    if kind == "emerging_theme":
        return f"{effect * 100:+.1f} pts ({_pct(baseline, 1)} → {_pct(value, 1)})"
    if kind == "macro":
        return f"{effect * 100:+.1f} pts vs other macros ({_pct(baseline)})"
    if kind == "technical_issue":
        ratio = "new in the window" if math.isinf(effect) else f"×{effect:.1f}"
        return f"{ratio} ({_int(row, 'baseline')} → {_int(row, 'value')} reports)"
    if kind == "coaching_need":
        return f"{effect * 100:+.1f} pts"
    if kind == "calibration_gap":
        return f"{effect:+.2f} points"
    if kind == "ai_label_confusion":
        return f"{_pct(value, 1)} of '{_get(row, 'gold_label')}'"
    if kind == "label_accuracy":
        return f"{effect * 100:+.1f} pts vs the target ({_pct(baseline)})"
    if kind == "top_driver":
        spec = KPIS.get(_get(row, "metric"))
        lo, hi = number_field(row, "effect_lo"), number_field(row, "effect_hi")
        if spec is None or spec.unit == "rate":
            return f"impact {effect * 100:+.1f} pts ({lo * 100:+.1f} to {hi * 100:+.1f})"
        return f"impact {effect:+.2f} ({lo:+.2f} to {hi:+.2f})"
    return ""


def _cause_text(root_cause: str) -> str:
    group = root_cause.split(".", 1)[0]
    return CAUSE_ACTION_TEXT.get(root_cause) or CAUSE_ACTION_TEXT.get(group) or _UNKNOWN


def _subjects(rec: Mapping[Any, Any]) -> list[Any]:
    subjects = rec.get("subjects")
    return [] if subjects is None or isinstance(subjects, float) else list(subjects)


def action_text(rec: Mapping[Any, Any]) -> str:
    """Say what to do, in words, for one row of `rca.findings.recommend.recommend`; not escaped."""
    kind = _get(rec, "action_kind")
    macro, queue = _get(rec, "macro_id", "the macro"), _get(rec, "queue")
    at = f" ({queue} queue)" if queue else ""
    label = _get(rec, "theme_label")
    if kind == "coach_macro_use":
        return f"Coach agents on when to use macro {macro}{at}"
    if kind == "review_macro_change":
        return f"Review the change made to macro {macro}{at} on {_get(rec, 'changed_after')}"
    if kind == "update_macro":
        return f"Update macro {macro}{at}: rewrite it to match the current process"
    if kind == "prioritise_known_issue":
        return (
            f"Ask product to raise the priority of known issue {_get(rec, 'known_issue_id')}: "
            f"{label}"
        )
    if kind == "escalate_issue":
        market = _get(rec, "market")
        mostly = f", mostly in {market}" if market else ""
        return f"Escalate to product: users report '{label}' (new{mostly})"
    error = _get(rec, "error_category", "the errors found")
    if kind == "coach_cohort":
        return f"Coach {_get(rec, 'team')}'s {_get(rec, 'cohort')} starters on {error}"
    if kind == "coach_agents":
        who = [str(s) for s in _subjects(rec) if s is not None] or [_get(rec, "group")]
        return f"Coach {names(who)} on {error}"
    if kind == "recalibrate_auditors":
        who = [str(s) for s in _subjects(rec) if s is not None] or ["the auditors"]
        return (
            f"Re-train {names(who)} on the rubric with the QA expert "
            f"({_get(rec, 'direction', 'differently')} scoring)"
        )
    if kind == "review_ai_labels":
        gold, pred = _get(rec, "gold_label"), _get(rec, "predicted_label")
        return f"Review the AI model's {gold} vs {pred} labels"
    places = [place(s.get("segment_type"), s.get("segment_value")) for s in _subjects(rec)]
    places = places or [place(rec.get("segment_type"), rec.get("segment_value"))]
    if _get(rec, "finding_type") == "top_driver":
        cost = impact_words(_get(rec, "metric"), number_field(rec, "effect"))
        return f"{_cause_text(_get(rec, 'root_cause'))} (theme '{label}' {cost})"
    return f"{_cause_text(_get(rec, 'root_cause'))} (growing theme '{label}' in {names(places)})"


def reason_text(rec: Mapping[Any, Any]) -> str:
    """Why, in words: what the leading finding found, and how many similar ones joined it."""
    n = len(_subjects(rec)) - 1
    more = f" (and {n} similar finding{'s' if n > 1 else ''})" if n > 0 else ""
    return describe(rec) + more


def recommendation_texts(recs: pd.DataFrame) -> pd.DataFrame:
    """Render `rca.findings.recommend.recommend`'s result as sentences, one row each.

    Returns
    -------
    DataFrame
        `TEXT_COLUMNS`: ``rank``, ``owner``, ``action``, ``reason``, ``root_cause``,
        ``finding_type``, ``finding_ids`` (list). Not escaped.
    """
    if recs.empty:
        return pd.DataFrame(columns=list(TEXT_COLUMNS))
    rows = recs.to_dict("records")
    return pd.DataFrame(
        {
            "rank": recs["rank"].to_numpy(), "owner": recs["owner"].to_numpy(),
            "action": [action_text(r) for r in rows], "reason": [reason_text(r) for r in rows],
            "root_cause": recs["root_cause"].to_numpy(),
            "finding_type": recs["finding_type"].to_numpy(),
            "finding_ids": [list(r["finding_ids"]) for r in rows],
        },
        columns=list(TEXT_COLUMNS),
    )  # fmt: skip
