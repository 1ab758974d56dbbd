"""ground_truth.json: what was planted, where, and in which rows, so analyses can be scored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rca.sample.audits import COHORT_ERROR_RATE, OUTDATED_FAIL_RATE, PASS_MARK
from rca.sample.calibration import DISPUTED_ITEM, LENIENT_BIAS
from rca.sample.compose import Row, tagged_ids
from rca.sample.org import AUDITORS, EXPERT, OUTDATED_MACRO, Plan
from rca.sample.text import XSS_PAYLOADS
from rca.sample.vocab import AI_CONFUSION, KNOWN_ISSUES, MARKET_LANGUAGE, TEAMS

__all__ = ["FORMAT_VERSION", "build_truth"]

FORMAT_VERSION = 1
_ID_COLUMN = {"audits": "audit_id", "feedback": "feedback_id", "ai_labels": "item_id"}

_MACRO_PHRASES = [
    "still references the old verification steps",
    "tells the user to send their ID by email",
    "no longer allowed",
    "outdated macro",
    "policy update",
    "old link to the ID upload form",
    "macro needs an update",
    OUTDATED_MACRO,
    "ACC-004",
]
_BUG_PHRASES = [
    "never got the code",
    "sms code never arrives",
    "OTP not arriving",
    "tried resend many times",
    "can't log in because the code never comes",
    "code expires before it arrives",
]
_BUG_MARKERS = ["otp", "sms", "code", "resend", "send again", "verify your phone", "text message"]
_LOCAL_MARKERS = {
    "id": ["kode", "kirim ulang"],
    "ms": ["kod ", "pengesahan"],
    "tl": ["dumadating", "dumarating", "natanggap", "walang text", "nag-resend"],
    "pt": ["código", "codigo"],
    "th": ["รหัส"],
    "vi": ["mã xác"],
}
_COHORT_PHRASES = [
    "did not verify account ownership",
    "skipped the identity check",
    "no verification done",
    "changed the email without verification",
    "new hire / still in nesting",
]
_CONFUSION_PHRASES = [
    "harassment, not hate speech",
    "no protected characteristic",
    "model labels plain insults as hate speech",
    "personal attack is not hate speech",
]


def _month_of(day: Any) -> str:
    return str(day.strftime("%Y-%m"))


def _causes(plan: Plan, tables: dict[str, list[Row]]) -> list[dict[str, Any]]:
    audits, feedback, ai = tables["audits"], tables["feedback"], tables["ai_labels"]
    change = plan.months[plan.change_month]
    cohort = plan.cohort
    cohort_rows = [r for r in audits if r["_cause"] == "RC3"]
    lang = MARKET_LANGUAGE.get(plan.bug_market) or ""
    last = plan.months[-1]
    return [
        {
            "id": "RC1",
            "type": "outdated_macro",
            "kind": "audits",
            "title": f"Outdated macro {OUTDATED_MACRO} after the verification policy update",
            "description": (
                f"{OUTDATED_MACRO} still tells users to email a copy of their ID, which the "
                f"policy update of {plan.change_date.isoformat()} no longer allows. From then on "
                f"about {OUTDATED_FAIL_RATE:.0%} of account-access audits using the macro fail "
                "with 'wrong macro' or 'policy misapplication' and comments citing the macro."
            ),
            "segment": {"queue": "account access", "macro": OUTDATED_MACRO},
            "first_month": change.label,
            "start_date": plan.change_date.isoformat(),
            "error_categories": ["wrong macro", "policy misapplication"],
            "key_phrases": _MACRO_PHRASES,
            "row_ids": tagged_ids(audits, "audit_id", "_cause", "RC1"),
        },
        {
            "id": "RC2",
            "type": "product_bug",
            "kind": "feedback",
            "title": "SMS verification codes (OTP) not arriving",
            "description": (
                f"New bug in {plan.bug_market} in {last.label} only: users never receive the "
                "SMS login / verification code. Low ratings, labelled 'bug'; not a known issue."
            ),
            "segment": {"market": plan.bug_market, "queue": "account access"},
            "first_month": last.label,
            "start_date": plan.bug_start.isoformat(),
            "labels": ["bug"],
            "key_phrases": _BUG_PHRASES,
            "markers": _BUG_MARKERS + _LOCAL_MARKERS.get(lang, []),
            "row_ids": tagged_ids(feedback, "feedback_id", "_cause", "RC2"),
        },
        {
            "id": "RC3",
            "type": "new_agent_cohort",
            "kind": "audits",
            "title": f"New-hire cohort in {plan.cohort_team} skipping identity verification",
            "description": (
                f"{len(cohort)} agents who joined {plan.cohort_team} together skip identity "
                f"checks: about {COHORT_ERROR_RATE:.0%} of their audits find 'missed "
                "verification', against a few percent for everyone else."
            ),
            "segment": {"team": plan.cohort_team, "agents": [a.name for a in cohort]},
            "agent_start_dates": {a.name: a.start.isoformat() for a in cohort},
            "first_month": min(_month_of(r["audit_date"]) for r in cohort_rows),
            "error_categories": ["missed verification"],
            "key_phrases": _COHORT_PHRASES,
            "row_ids": [r["audit_id"] for r in cohort_rows],
        },
        {
            "id": "RC4",
            "type": "lenient_auditor",
            "kind": "calibration",
            "title": f"{plan.lenient_auditor} rates more leniently than the expert",
            "description": (
                f"{plan.lenient_auditor} rates about {LENIENT_BIAS} points above the truth on "
                "1-5 items and passes most pass/fail items the expert fails; the auditor's "
                "audits also fail less often and score slightly higher."
            ),
            "segment": {"auditor": plan.lenient_auditor},
            "first_month": plan.months[0].label,
            "bias": LENIENT_BIAS,
            "expert": EXPERT,
        },
        {
            "id": "RC5",
            "type": "ai_confusion",
            "kind": "ai_labels",
            "title": "AI model labels harassment as hate speech",
            "description": (
                "The model labels about a third of gold 'harassment' items as 'hate speech'; "
                "labellers' notes on those rows say so."
            ),
            "segment": {"gold_label": AI_CONFUSION[0], "model_label": AI_CONFUSION[1]},
            "first_month": plan.months[0].label,
            "key_phrases": _CONFUSION_PHRASES,
            "row_ids": tagged_ids(ai, "item_id", "_cause", "RC5"),
        },
        {
            "id": "RC6",
            "type": "disputed_rubric_item",
            "kind": "calibration",
            "title": f"Rubric item '{DISPUTED_ITEM}' is much more disputed than the others",
            "description": "Auditors' ratings of this item spread about 2.5 times wider.",
            "segment": {"item": DISPUTED_ITEM},
            "first_month": plan.months[0].label,
        },
    ]


def _pii(rows: Sequence[Row], kind: str) -> dict[str, list[str]]:
    return {r[_ID_COLUMN[kind]]: list(r["_pii"]) for r in rows if r.get("_pii")}


def build_truth(
    plan: Plan, seed: int, counts: dict[str, int], tables: dict[str, list[Row]]
) -> dict[str, Any]:
    """Assemble the ground truth of one generated sample.

    Parameters
    ----------
    plan
        The plan the tables were generated from.
    seed
        The seed (recorded for reference).
    counts
        Rows written per file kind.
    tables
        Rows per input kind, with their private ``_`` markers.

    Returns
    -------
    dict
        The JSON-ready ground truth (see the README of ``rca.sample``).
    """
    audits, feedback = tables["audits"], tables["feedback"]
    causes = _causes(plan, tables)
    for cause in causes:
        if "row_ids" in cause:
            cause["n_rows"] = len(cause["row_ids"])
    return {
        "generator": "rca.sample",
        "format_version": FORMAT_VERSION,
        "seed": seed,
        "months": [m.label for m in plan.months],
        "pass_mark": PASS_MARK,
        "counts": counts,
        "org": {
            "teams": [
                {
                    "name": t.name,
                    "lead": t.lead,
                    "markets": list(t.markets),
                    "agents": [a.name for a in plan.agents if a.team == t.name],
                }
                for t in TEAMS
            ],
            "auditors": list(AUDITORS),
            "expert": EXPERT,
        },
        "root_causes": causes,
        "known_issues": [
            {
                "id": k.id,
                "title": k.title,
                "keywords": list(k.keywords),
                "row_ids": tagged_ids(feedback, "feedback_id", "_known", k.id),
            }
            for k in KNOWN_ISSUES
        ],
        "xss_payloads": list(XSS_PAYLOADS),
        "xss_rows": {
            kind: tagged_ids(rows, _ID_COLUMN[kind], "_xss")
            for kind, rows in (("audits", audits), ("feedback", feedback))
        },
        "pii_rows": {kind: _pii(tables[kind], kind) for kind in _ID_COLUMN},
    }
