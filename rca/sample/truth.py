"""ground_truth.json: what was planted, where, and in which rows, so analyses can be scored.

Schema (``format_version`` 2), top level:

- ``generator``: ``"rca.sample"``.
- ``format_version``: 2.
- ``seed``: the seed the sample was generated from.
- ``effects``: the effect-size preset (``none``, ``small``, ``medium``, ``large``).
- ``effect_sizes``: `rca.sample.effects.EffectSizes.as_dict` of that preset.
- ``volume``: rows per month as a multiple of the usual volume.
- ``months``: the months covered, ``YYYY-MM``, oldest first.
- ``pass_mark``: the audit score needed to pass.
- ``counts``: rows written per file kind.
- ``org``: ``teams`` (name, lead, markets, agents), ``auditors``, ``expert``.
- ``root_causes``: the planted causes (``[]`` for ``none``), each a dict described below.
- ``known_issues``: per known issue ``id``, ``title``, ``keywords``, ``row_ids`` (feedback).
- ``xss_payloads``, ``xss_rows``: the XSS test strings and the rows carrying them, per kind.
- ``pii_rows``: per kind, row id -> the test PII types inserted in it.
- ``lineage`` (only when planted, `rca sample --split-month/--merge-month`; absent otherwise, so
  files without it are unchanged): ``kind`` (``audits``); ``split``: None or ``month`` (first
  month of the split), ``theme`` and ``error_category`` (the theme that splits), ``children``
  (per sub-variant: ``variant``, ``key_phrases``, ``row_ids``); ``merge``: None or ``month``,
  ``themes`` and ``error_categories`` (the two themes that merge), ``key_phrases``,
  ``row_ids``. See `rca.sample.lineage`.

Each root cause:

- ``id``: ``RC1`` to ``RC6`` (stable per type).
- ``type``: ``outdated_macro``, ``product_bug``, ``new_agent_cohort``, ``lenient_auditor``,
  ``ai_confusion`` or ``disputed_rubric_item``.
- ``kind``: the input kind it is planted in (``audits``, ``feedback``, ``calibration``,
  ``ai_labels``).
- ``title``, ``description``: in words.
- ``segment``: entity ids, per type: outdated_macro ``{macro, queue}``; product_bug
  ``{market, queue, bug}``; new_agent_cohort ``{team, agents}``; lenient_auditor ``{auditor}``;
  ai_confusion ``{gold_label, model_label}``; disputed_rubric_item ``{item}``.
- ``effect``: the planted size, in the unit of its `EffectSizes` field (``macro_fail``,
  ``bug_share``, ``cohort_error``, ``auditor_bias``, ``ai_confusion``, ``disputed_sd``).
- ``effect_name``: the preset.
- ``first_month``: first month with the cause; ``start_date`` when it starts on a day.
- ``row_ids``, ``n_rows``: the planted rows, when the cause has rows of its own.
- ``key_phrases``: English phrases typical of its comments or texts (when it has texts);
  type-specific extras: ``error_categories``, ``labels``, ``markers``, ``agent_start_dates``,
  ``bias``, ``expert``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rca.sample.audits import PASS_MARK
from rca.sample.bugs import BUG_KINDS
from rca.sample.compose import Row, tagged_ids
from rca.sample.lineage import lineage_truth
from rca.sample.org import AUDITORS, EXPERT, Plan
from rca.sample.text import XSS_PAYLOADS
from rca.sample.vocab import KNOWN_ISSUES, MACROS, MARKET_LANGUAGE, TEAMS

__all__ = ["FORMAT_VERSION", "build_truth"]

FORMAT_VERSION = 2
#: The `EffectSizes` field giving each cause type's planted size.
_EFFECT_FIELD = {
    "outdated_macro": "macro_fail",
    "product_bug": "bug_share",
    "new_agent_cohort": "cohort_error",
    "lenient_auditor": "auditor_bias",
    "ai_confusion": "ai_confusion",
    "disputed_rubric_item": "disputed_sd",
}
_ID_COLUMN = {"audits": "audit_id", "feedback": "feedback_id", "ai_labels": "item_id"}

#: Phrases of comments on a stale macro of any queue (the macro's id and short id are added).
_MACRO_PHRASES = ["no longer", "out of date", "needs an update", "template", "previous", "old"]
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
    sizes = plan.effects
    change = plan.months[plan.change_month]
    cohort = plan.cohort
    cohort_rows = [r for r in audits if r["_cause"] == "RC3"]
    bug_rows = [r for r in feedback if r["_cause"] == "RC2"]
    bug = BUG_KINDS[plan.bug_kind]
    last = plan.months[-1]
    macro = plan.stale_macro
    macro_title = next(m.title for m in MACROS if m.id == macro)
    gold, model = plan.ai_pair
    return [
        {
            "id": "RC1",
            "type": "outdated_macro",
            "kind": "audits",
            "title": f"Outdated macro {macro} ({macro_title}) after a policy update",
            "description": (
                f"{macro} ({plan.stale_queue}) no longer matches the policy updated on "
                f"{plan.change_date.isoformat()}. From then on about {sizes.macro_fail:.0%} of "
                "its audits fail on it (on top of the usual findings) with 'wrong macro' or "
                "'policy misapplication'; only some comments name the macro."
            ),
            "segment": {"macro": macro, "queue": plan.stale_queue},
            "first_month": change.label,
            "start_date": plan.change_date.isoformat(),
            "error_categories": ["wrong macro", "policy misapplication"],
            "key_phrases": [*_MACRO_PHRASES, macro, macro.removeprefix("MAC-")],
            "row_ids": tagged_ids(audits, "audit_id", "_cause", "RC1"),
        },
        {
            "id": "RC2",
            "type": "product_bug",
            "kind": "feedback",
            "title": bug.title,
            "description": (
                f"New bug in {plan.bug_market} from {plan.bug_start.isoformat()}, about "
                f"{sizes.bug_share:.1%} of the month's feedback: {bug.description}. Low "
                "ratings; not a known issue."
            ),
            "segment": {"market": plan.bug_market, "queue": bug.queues[0], "bug": bug.id},
            "first_month": last.label,
            "start_date": plan.bug_start.isoformat(),
            "labels": list(bug.labels),
            "key_phrases": list(bug.key_phrases),
            "markers": bug.marker_words(MARKET_LANGUAGE.get(plan.bug_market)),
            "row_ids": [r["feedback_id"] for r in bug_rows],
        },
        {
            "id": "RC3",
            "type": "new_agent_cohort",
            "kind": "audits",
            "title": f"New-hire cohort in {plan.cohort_team} skipping identity verification",
            "description": (
                f"{len(cohort)} agents who joined {plan.cohort_team} together skip identity "
                f"checks: about {sizes.cohort_error:.0%} of their audits find 'missed "
                "verification' on top of the usual findings."
            ),
            "segment": {"team": plan.cohort_team, "agents": [a.name for a in cohort]},
            "agent_start_dates": {a.name: a.start.isoformat() for a in cohort},
            "first_month": min(
                (_month_of(r["audit_date"]) for r in cohort_rows),
                default=plan.months[plan.cohort_month].label,
            ),
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
                f"{plan.lenient_auditor} rates about {sizes.auditor_bias} points above the truth "
                "on 1-5 items and passes failing cases on pass/fail items; the auditor's audits "
                "also fail less often and score slightly higher."
            ),
            "segment": {"auditor": plan.lenient_auditor},
            "first_month": plan.months[0].label,
            "bias": sizes.auditor_bias,
            "expert": EXPERT,
        },
        {
            "id": "RC5",
            "type": "ai_confusion",
            "kind": "ai_labels",
            "title": f"AI model labels {gold} as {model}",
            "description": (
                f"The model labels about {sizes.ai_confusion:.0%} of gold '{gold}' items as "
                f"'{model}'; labellers' notes on those rows often say so."
            ),
            "segment": {"gold_label": gold, "model_label": model},
            "first_month": plan.months[0].label,
            "key_phrases": _confusion_phrases(gold, model),
            "row_ids": tagged_ids(ai, "item_id", "_cause", "RC5"),
        },
        {
            "id": "RC6",
            "type": "disputed_rubric_item",
            "kind": "calibration",
            "title": f"Rubric item '{plan.disputed_item}' is more disputed than the others",
            "description": (
                f"Auditors' ratings of this item have noise sd {sizes.disputed_sd} points "
                "against 0.5 on the other items."
            ),
            "segment": {"item": plan.disputed_item},
            "first_month": plan.months[0].label,
        },
    ]


def _confusion_phrases(gold: str, model: str) -> list[str]:
    if (gold, model) == ("harassment", "hate speech"):
        return _CONFUSION_PHRASES
    return [f"{gold}, not {model}", f"this is {gold}", f"not {model}"]


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
    sizes = plan.effects
    causes = _causes(plan, tables) if sizes.planted else []
    for cause in causes:
        cause["effect"] = float(getattr(sizes, _EFFECT_FIELD[cause["type"]]))
        cause["effect_name"] = sizes.name
        if "row_ids" in cause:
            cause["n_rows"] = len(cause["row_ids"])
    truth = {
        "generator": "rca.sample",
        "format_version": FORMAT_VERSION,
        "seed": seed,
        "effects": sizes.name,
        "effect_sizes": sizes.as_dict(),
        "volume": plan.volume,
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
    if plan.lineage is not None:
        truth["lineage"] = lineage_truth(plan.lineage, audits)
    return truth
