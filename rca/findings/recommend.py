"""Recommendations: what to do about the month's significant findings, and who should do it.

`recommend` turns rows of the ``findings`` table (`rca.findings.build.build_findings`) into short,
plain-language actions, one per finding (agents or auditors with the same gap, and places where
the same theme grows, are merged into one action), each with an owner (`OWNERS`) and the
findings it comes from. The action depends on the finding's type and root cause
(``parameters/root_causes.yaml``): an outdated macro gives
"Update macro MAC-ACC-004 …" for policy owners, a new technical issue "Escalate to product: …",
a cohort's coaching need "Coach Team Heron's 2026Q3 starters on …". Only significant findings
lead to a recommendation. The result is deterministic (ordered by the findings' rank).
`rca.reports.recommendations.recommendation_list` renders it as escaped HTML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

__all__ = [
    "CAUSE_ACTIONS",
    "OWNERS",
    "RECOMMENDATION_COLUMNS",
    "describe",
    "merge_key",
    "recommend",
]

#: Who acts on a recommendation.
OWNERS: tuple[str, ...] = ("operations", "policy", "product", "QA")
#: Columns of `recommend`'s result, in order.
RECOMMENDATION_COLUMNS: tuple[str, ...] = (
    "rank", "owner", "action", "reason", "root_cause", "finding_type", "finding_ids",
)  # fmt: skip
#: Owner and action per root cause (or group), for findings without a more specific action.
CAUSE_ACTIONS: dict[str, tuple[str, str]] = {
    "people.knowledge_gap": ("operations", "Refresh agents' training"),
    "people.soft_skills": ("operations", "Coach agents on tone and empathy"),
    "people.documentation": ("operations", "Remind agents to write complete case notes"),
    "people.macro_misuse": ("operations", "Coach agents on choosing and editing macros"),
    "people.judgement": ("operations", "Review difficult cases with agents in team huddles"),
    "process.outdated_macro": ("policy", "Update the macros and SOPs involved"),
    "process.verification": ("operations", "Enforce the identity-verification step"),
    "process.escalation": ("operations", "Clarify when and how to escalate"),
    "process.backlog": ("operations", "Rebalance staffing to clear the backlog"),
    "process.qa_calibration": ("QA", "Re-train auditors on the rubric"),
    "policy.unclear_policy": ("policy", "Clarify the policy wording"),
    "policy.change_communication": ("policy", "Re-announce the recent policy change to agents"),
    "policy.local_fit": ("policy", "Check whether the policy fits the local market"),
    "policy.user_friction": ("policy", "Review the policy rule users find frustrating"),
    "product.bug": ("product", "Escalate to product"),
    "product.ux_confusion": ("product", "Ask product to simplify the confusing flow"),
    "product.feature_gap": ("product", "Pass the feature request to product"),
    "system.tooling": ("product", "Report the agent-tool problem to the tools team"),
    "system.routing": ("operations", "Fix the case-routing rules"),
    "system.automation": ("product", "Review the automation or AI model involved"),
    "people": ("operations", "Coach agents"),
    "process": ("operations", "Review the process"),
    "policy": ("policy", "Review the policy"),
    "product": ("product", "Raise it with product"),
    "system": ("product", "Raise it with the systems team"),
}
_UNKNOWN = ("QA", "Investigate and assign a root cause")
_MAX_NAMES = 6

_THEME = re.compile(r"^Theme '(?P<label>.*)' grew to (?P<cur>\S+) of rows \(from (?P<prev>\S+)\)$")
_ISSUE = re.compile(
    r"^(?:New issue|Known issue (?P<id>[^:]+)): (?P<label>.*) \((?P<n>\d+) recent reports"
    r"(?:, mostly (?P<market>[^)]+))?\)$"
)
_COACH = re.compile(r"^.*?: '(?P<error>.*)' in \S+ of audits")
_COHORT = re.compile(r"^(?P<team>.*), started (?P<quarter>\S+)$")
_AI = re.compile(r"of '(?P<gold>.*)' items as '(?P<pred>.*)'$")
_CALIBRATION = re.compile(r"rates more (?P<direction>\w+)ly than")
_WORSE = re.compile(r"; worse since (?P<date>\S+)$")
_REST = re.compile(r"vs other macros \((\d+%)\)")


def _cause_action(root_cause: str) -> tuple[str, str]:
    group = root_cause.split(".", 1)[0]
    return CAUSE_ACTIONS.get(root_cause) or CAUSE_ACTIONS.get(group) or _UNKNOWN


def _segment(segment: str, key: str) -> str | None:
    """Value of ``key=`` in a finding's segment (``"macro=MAC-1, queue=payments"``)."""
    match = re.search(rf"(?:^|, ){re.escape(key)}=(.*?)(?:, \w+=|$)", segment)
    return match.group(1) if match else None


def _where(segment: str) -> str:
    """Return where a segment is: " in Team Lynx", " in market MY", "" for "all"."""
    kind, _, value = segment.partition("=")
    if not value:
        return ""
    return {"market": f" in market {value}", "queue": f" in the {value} queue"}.get(
        kind, f" in {value}"
    )


def _names(names: Sequence[str], sort: bool = True) -> str:
    names = sorted(names) if sort else list(names)
    shown = names[:_MAX_NAMES]
    if len(names) > _MAX_NAMES:
        return f"{', '.join(shown)} and {len(names) - _MAX_NAMES} more"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _macro(row: Mapping[Any, Any]) -> dict[str, Any]:
    macro = _segment(row["segment"], "macro") or "the macro"
    queue = _segment(row["segment"], "queue")
    where = f" ({queue} queue)" if queue else ""
    worse = _WORSE.search(row["title"])
    if row["root_cause"].startswith("people."):
        owner, action = "operations", f"Coach agents on when to use macro {macro}{where}"
    elif worse:
        owner = "policy"
        action = f"Review the change made to macro {macro}{where} on {worse.group('date')}"
    else:
        owner = "policy"
        action = f"Update macro {macro}{where}: rewrite it to match the current process"
    return {"owner": owner, "action": action}


def _issue(row: Mapping[Any, Any]) -> dict[str, Any]:
    match = _ISSUE.match(row["title"])
    label = match.group("label") if match else row["title"]
    if match and match.group("id"):
        action = f"Ask product to raise the priority of known issue {match.group('id')}: {label}"
    else:
        where = f", mostly in {match.group('market')}" if match and match.group("market") else ""
        action = f"Escalate to product: users report '{label}' (new{where})"
    return {"owner": "product", "action": action}


def _coaching(row: Mapping[Any, Any]) -> dict[str, Any]:
    match = _COACH.match(row["title"])
    error = match.group("error") if match else "the errors found"
    kind, _, group = row["segment"].partition("=")
    owner = _cause_action(row["root_cause"])[0]
    cohort = _COHORT.match(group)
    if kind == "cohort" and cohort:
        who = f"{cohort.group('team')}'s {cohort.group('quarter')} starters"
        return {"owner": owner, "action": f"Coach {who} on {error}"}
    # individual agents with the same gap are merged into one action (see `recommend`)
    return {"owner": owner, "merge": ("coach", error), "who": group or row["title"],
            "parts": ("Coach ", " on " + error)}  # fmt: skip


def _calibration(row: Mapping[Any, Any]) -> dict[str, Any]:
    auditor = _segment(row["segment"], "auditor") or "the auditors"
    match = _CALIBRATION.search(row["title"])
    direction = match.group("direction") if match else "differently"
    parts = ("Re-train ", f" on the rubric with the QA expert ({direction} scoring)")
    return {"owner": "QA", "merge": ("calibrate", direction), "who": auditor, "parts": parts}


def _ai(row: Mapping[Any, Any]) -> dict[str, Any]:
    match = _AI.search(row["title"])
    if not match:
        return {"owner": "product", "action": "Review the AI model's labels: " + row["title"]}
    gold, pred = match.group("gold"), match.group("pred")
    return {"owner": "product", "action": f"Review the AI model's {gold} vs {pred} labels"}


def _place(segment: str) -> str:
    """Readable place of a segment: "the whole operation", "Team Lynx", "market MY"."""
    where = _where(segment)
    return where.removeprefix(" in ") if where else "the whole operation"


def _theme(row: Mapping[Any, Any]) -> dict[str, Any]:
    match = _THEME.match(row["title"])
    label = match.group("label") if match else row["title"]
    owner, action = _cause_action(row["root_cause"])
    # the same theme growing in several places is one action (places in rank order)
    return {"owner": owner, "merge": ("theme", f"{label}|{row['root_cause']}"),
            "who": _place(row["segment"]), "sort": False,
            "parts": (f"{action} (growing theme '{label}' in ", ")")}  # fmt: skip


def describe(row: Mapping[Any, Any]) -> str:
    """One plain sentence saying what a finding (a row of ``findings``) found; not escaped."""
    match = _THEME.match(row["title"]) if row["type"] == "emerging_theme" else None
    if match:
        return (
            f"'{match.group('label')}' grew from {match.group('prev')} to {match.group('cur')} "
            f"of audit comments{_where(row['segment'])}"
        )
    rest = _REST.search(str(row.get("change_text", ""))) if row["type"] == "macro" else None
    if rest:
        return f"{row['title']}; other macros fail {rest.group(1)}"
    return str(row["title"])


_BY_TYPE = {
    "macro": _macro, "technical_issue": _issue, "coaching_need": _coaching,
    "calibration_gap": _calibration, "ai_label_confusion": _ai, "emerging_theme": _theme,
}  # fmt: skip


def merge_key(row: Mapping[Any, Any]) -> tuple[str, str] | None:
    """Return the key that findings merged into one action share, or None.

    Agents with the same coaching need share a key, and so do auditors scoring off in the same
    direction, and the same theme growing in several places.

    Returns
    -------
    tuple or None
        ``(kind, detail)``, e.g. ``("coach", "missed verification")``.
    """
    kind = str(row.get("type"))
    if kind not in ("coaching_need", "calibration_gap", "emerging_theme"):
        return None
    row = {**row, "title": str(row["title"]), "segment": str(row["segment"]),
           "root_cause": str(row["root_cause"])}  # fmt: skip
    key = _BY_TYPE[kind](row).get("merge")
    return None if key is None else (str(key[0]), str(key[1]))


def recommend(
    findings: pd.DataFrame,
    *,
    owners: Sequence[str] | None = None,
    top_n: int | None = None,
) -> pd.DataFrame:
    """Plain-language actions for the significant findings, with an owner each.

    Method: per significant finding (best rank first), an action chosen by type and root cause:
    macros → update the macro (policy owners; coach agents when the cause is wrong macro use);
    technical issues → escalate a new issue, re-prioritise a known one (product); coaching needs
    → coach the cohort or agents on the error (operations); calibration gaps → re-train the
    auditors (QA); AI label confusions → review the two labels (product); growing themes → the
    action of the theme's root cause in `CAUSE_ACTIONS` (QA investigates unmapped ones). Agents
    with the same coaching need, auditors scoring off in the same direction, and places where
    the same theme grows share one action listing them.

    Parameters
    ----------
    findings
        The ``findings`` table (``type``, ``title``, ``segment``, ``significant``,
        ``root_cause``, ``rank``, ``finding_id``); see also `with_theme_causes`.
    owners
        Keep only recommendations for these owners (`OWNERS`); all when None.
    top_n
        Keep the first ``top_n`` recommendations.

    Returns
    -------
    DataFrame
        `RECOMMENDATION_COLUMNS`: ``rank`` (best rank of its findings), ``owner``, ``action``,
        ``reason`` (what was found, plainly), ``root_cause``, ``finding_type``, ``finding_ids``
        (list). Texts are not escaped: render them with
        `rca.reports.recommendations.recommendation_list`.
    """
    needed = {"finding_id", "type", "title", "segment", "significant", "root_cause", "rank"}
    if findings.empty or not needed <= set(findings.columns):
        return pd.DataFrame(columns=list(RECOMMENDATION_COLUMNS))
    rows = findings[findings["significant"].fillna(False).astype(bool)]
    rows = rows.sort_values(["rank", "finding_id"], kind="stable")
    recs: list[dict[str, Any]] = []
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows.to_dict("records"):
        row = {**row, "title": str(row["title"]), "segment": str(row["segment"]),
               "root_cause": str(row["root_cause"])}  # fmt: skip
        build = _BY_TYPE.get(row["type"], _theme)
        rec = build(row)
        base = {
            "rank": int(row["rank"]), "owner": rec["owner"], "reason": describe(row),
            "root_cause": row["root_cause"], "finding_type": row["type"],
            "finding_ids": [str(row["finding_id"])],
        }  # fmt: skip
        key = rec.get("merge")
        if key is None:
            recs.append({**base, "action": rec["action"]})
        elif key in merged:
            merged[key]["who"].append(rec["who"])
            merged[key]["finding_ids"].append(str(row["finding_id"]))
            merged[key]["reasons"].append(base["reason"])
        else:
            merged[key] = {**base, "who": [rec["who"]], "parts": rec["parts"],
                           "sort": rec.get("sort", True), "reasons": [base["reason"]]}  # fmt: skip
            recs.append(merged[key])
    for rec in merged.values():
        before, after = rec.pop("parts")
        rec["action"] = before + _names(rec.pop("who"), rec.pop("sort")) + after
        reasons = rec.pop("reasons")
        n = len(reasons) - 1
        more = f" (and {n} similar finding{'s' if n > 1 else ''})" if n else ""
        rec["reason"] = reasons[0] + more
    out = pd.DataFrame(recs, columns=list(RECOMMENDATION_COLUMNS))
    if owners is not None:
        out = out[out["owner"].isin(list(owners))]
    out = out.sort_values(["rank", "action"], kind="stable").reset_index(drop=True)
    return out if top_n is None else out.head(top_n)
