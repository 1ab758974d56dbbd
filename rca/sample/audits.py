"""The audits table: QA audits of agents' cases, with the outdated macro and new-hire cohort.

Each audit draws an agent (QA samples a quota per agent), a market from the agent's team, a
queue from the agent's skills, then a finding from a logistic model of agent skill, tenure,
queue and auditor. Two root causes are planted on top (ids as in ground_truth.json):
``RC1`` the plan's stale macro after its change date, ``RC3`` new-hire cohort skipping
verification; the lenient auditor fails fewer audits. Their sizes come from ``plan.effects``;
with equal rates (``none``) nothing is planted and every queue has the same finding rate and mix
of error categories, so every agent, auditor, macro, queue and market fails equally often.
Most comments are in English; a share (`rca.sample.vocab.AUDIT_LOCAL_SHARE`) is written in the
market's language, planted causes included.
"""

from __future__ import annotations

from datetime import date, timedelta
from math import exp

from rca.sample.compose import Row, add_emoji, assign_ids, code_switch, insert_pii, roughen
from rca.sample.lineage import lineage_findings
from rca.sample.locales import LOCALES, Locale
from rca.sample.org import AUDITORS, Agent, Month, Plan, random_day
from rca.sample.phrases import (
    AGENT_OPENERS,
    AUDITOR_SNIPPETS,
    COHORT_EVIDENCE,
    CRITICAL_TAGS,
    EVIDENCE,
    FINDINGS,
    NOISE,
    OPENERS,
    PII_AUDIT,
    POSITIVE,
    POSITIVE_SHORT,
    RECOMMENDATIONS,
    SHORT_FINDINGS,
)
from rca.sample.stale import macro_ref_templates, stale_more_templates, stale_templates
from rca.sample.text import Dice, expand, join_clauses, shorthand
from rca.sample.vocab import (
    AUDIT_LOCAL_SHARE,
    ERROR_CATEGORIES,
    MACROS,
    MARKET_LANGUAGE,
    POLICIES,
    QUEUE_ERROR_WEIGHTS,
    QUEUE_WEIGHTS,
    QUEUES,
    TEAMS,
)

__all__ = [
    "AUDITS_PER_MONTH",
    "LENIENT_LOGIT",
    "PASS_MARK",
    "make_audits",
]

AUDITS_PER_MONTH = 2000
PASS_MARK = 85.0
#: Offset on the log-odds of a finding in the lenient auditor's audits, per point of
#: ``effects.auditor_bias`` (-0.45 at the demo's bias of 0.8).
LENIENT_LOGIT = -0.45 / 0.8
#: Log-odds of a finding for an average tenured agent (about one audit in five).
_BASE_LOGIT = -1.45
_QUEUE_LOGIT = {"safety reports": 0.25, "payments": 0.1, "privacy requests": 0.15}
_MINOR = ("tone", "incomplete notes")
_CRITICAL_P = {"missed verification": 0.3, "escalation missed": 0.3, "policy misapplication": 0.15}
_LANGUAGE = {
    "MY": "Malay",
    "ID": "Bahasa",
    "PH": "Taglish",
    "TH": "Thai",
    "VN": "Vietnamese",
    "BR": "Portuguese",
}
_NESTING = timedelta(days=14)
#: Error-category weights of every queue under equal rates: the mean over queues.
_EQUAL_ERROR_WEIGHTS = tuple(
    sum(w[k] for w in QUEUE_ERROR_WEIGHTS.values()) / len(QUEUE_ERROR_WEIGHTS)
    for k in range(len(ERROR_CATEGORIES))
)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + exp(-x))


def _finding(dice: Dice, plan: Plan, agent: Agent, auditor: str, queue: str) -> str | None:
    equal = plan.effects.equal_rates
    logit = _BASE_LOGIT + agent.skill + (0.0 if equal else _QUEUE_LOGIT.get(queue, 0.0))
    if auditor == plan.lenient_auditor:
        logit += LENIENT_LOGIT * plan.effects.auditor_bias
    if not dice.chance(_sigmoid(logit)):
        return None
    return dice.weighted(ERROR_CATEGORIES, _error_weights(plan, queue))


def _error_weights(plan: Plan, queue: str) -> tuple[float, ...]:
    return _EQUAL_ERROR_WEIGHTS if plan.effects.equal_rates else QUEUE_ERROR_WEIGHTS[queue]


def _score(dice: Dice, category: str | None, bump: float) -> float:
    """Return an audit score; a failing one is raised one step with probability ``bump``."""
    if category is None:
        return 100.0 - dice.pick((0, 0, 0, 0, 1, 1, 2, 3, 4)) * 2.5
    steps = dice.integer(3, 9) if category in _MINOR else dice.integer(7, 18)
    lift = 2.5 if bump >= 1.0 or (bump > 0.0 and dice.chance(bump)) else 0.0
    return min(100.0, 100.0 - steps * 2.5 + lift)


def _slots(dice: Dice, plan: Plan, row: Row) -> dict[str, str]:
    slots = {
        "macro": row["macro_id"] or "the macro",
        "policy": row["policy"],
        "market": row["market"],
        "language": _LANGUAGE.get(row["market"], "English"),
        "cohort_month": plan.months[plan.cohort_month].first.strftime("%B"),
        "cohort_month_no": str(plan.months[plan.cohort_month].first.month),
    }
    if row["_cause"] == "RC1":
        refs = macro_ref_templates(plan.stale_macro)
        slots["macro_ref"] = expand(dice, dice.pick(refs), {"macro": plan.stale_macro})
        slots["update_month"] = plan.change_date.strftime("%B")
        slots["update_month_no"] = str(plan.change_date.month)
        slots["update_date"] = plan.change_date.strftime(dice.pick(("%d %b", "%Y-%m-%d", "%b %d")))
    return slots


def _error_note(dice: Dice, plan: Plan, row: Row, slots: dict[str, str]) -> str:
    category, cause = row["error_category"], row["_cause"]
    planted = None if cause else lineage_findings(dice, plan.lineage, category, row["audit_date"])
    if planted is not None:  # a planted split or merge (off unless asked for)
        row["_lineage"] = planted[1]
    elif cause is None and dice.chance(0.1):
        return expand(dice, dice.pick(SHORT_FINDINGS[category]), slots)
    stale = cause == "RC1"
    usual = FINDINGS[category] if planted is None else planted[0]
    findings = stale_templates(plan.stale_queue) if stale else usual
    clauses = [_finding_text(dice, dice.pick(findings), slots, opener=True)]
    if stale and dice.chance(0.6):  # the queue's evidence or advice about the stale macro
        clauses.append(expand(dice, dice.pick(stale_more_templates(plan.stale_queue)), slots))
    elif cause == "RC3" and dice.chance(0.45):
        clauses.append(expand(dice, dice.pick(COHORT_EVIDENCE), slots))
    elif dice.chance(0.4):
        clauses.append(expand(dice, dice.pick(EVIDENCE), slots))
    if dice.chance(0.3 if stale else 0.45):
        clauses.append(expand(dice, dice.pick(RECOMMENDATIONS), slots))
    if dice.chance(0.12):
        extra = _finding_text(dice, dice.pick(usual), slots, opener=False)
        clauses.insert(dice.integer(0, len(clauses)), extra)
    note = join_clauses(dice, clauses)
    if row["critical_error"] and dice.chance(0.7):
        note = expand(dice, dice.pick(CRITICAL_TAGS)) + " " + note
    return note


def _finding_text(dice: Dice, template: str, slots: dict[str, str], opener: bool) -> str:
    """Expand a finding; verb-led ones (marked "@") may take "Agent ..." as subject."""
    verb_led = template.startswith("@")
    head = ""
    if opener:
        head = dice.pick(OPENERS + AGENT_OPENERS if verb_led else OPENERS)
    return expand(dice, head + template.removeprefix("@"), slots)


def _local_note(dice: Dice, plan: Plan, row: Row, slots: dict[str, str], loc: Locale) -> str:
    """Write an auditor's comment in the market's language (shorter than the English ones)."""
    category, cause = row["error_category"], row["_cause"]
    bank = loc.audit
    if category is None:
        clauses = [expand(dice, dice.pick(bank["positive"]), slots)]
        if dice.chance(0.3):
            clauses.append(expand(dice, dice.pick(bank["positive"]), slots))
    else:
        stale = cause == "RC1"
        first = stale_templates(plan.stale_queue, loc) if stale else bank[category]
        clauses = [expand(dice, dice.pick(first), slots)]
        if stale and dice.chance(0.55):
            more = stale_more_templates(plan.stale_queue, loc)
            clauses.append(expand(dice, dice.pick(more), slots))
        elif cause == "RC3" and dice.chance(0.5):
            clauses.append(expand(dice, dice.pick(bank["cohort"]), slots))
        if dice.chance(0.4):
            clauses.append(expand(dice, dice.pick(bank["reco"]), slots))
    note = " ".join(clauses) if not loc.spaced else join_clauses(dice, clauses)
    if row["critical_error"] and dice.chance(0.7):
        note = expand(dice, dice.pick(CRITICAL_TAGS)) + " " + note
    return note


def _clean_note(dice: Dice, slots: dict[str, str]) -> str:
    roll = dice.u()
    if roll < 0.42:
        return ""
    if roll < 0.47:
        return expand(dice, dice.pick(POSITIVE_SHORT), slots)
    clauses = [expand(dice, dice.pick(POSITIVE), slots) for _ in range(dice.integer(1, 3))]
    if dice.chance(0.25):
        clauses.insert(0, expand(dice, dice.pick(POSITIVE_SHORT), slots))
    if roll > 0.9:
        clauses.append(expand(dice, dice.pick(NOISE), slots))
    if roll > 0.97:
        clauses = clauses[-1:]
    return join_clauses(dice, clauses)


def _comment(dice: Dice, plan: Plan, row: Row) -> str | None:
    slots = _slots(dice, plan, row)
    clean = row["error_category"] is None
    local = LOCALES.get(MARKET_LANGUAGE.get(row["market"]) or "")
    loc = local if local and dice.chance(AUDIT_LOCAL_SHARE[row["market"]]) else None
    if clean and loc is None:
        note = _clean_note(dice, slots)
    elif dice.chance(0.42 if clean else 0.0 if row["_cause"] else 0.04):
        note = ""  # as many blank comments as in English
    elif loc is not None:
        note = _local_note(dice, plan, row, slots, loc)
    else:
        note = _error_note(dice, plan, row, slots)
    if note:
        if loc is None and dice.chance(0.25):
            note = shorthand(dice, note)
        if loc is None:
            note = code_switch(dice, note, row["market"], clean, AUDITOR_SNIPPETS, 0.07)
        typos = 0.0 if loc is not None and not loc.spaced else 0.012
        note = roughen(dice, note, typo_rate=typos, lower=0.08, caps=0.015)
        note = add_emoji(dice, note, clean, 0.03)
    if dice.chance(0.05 if note else 0.01):
        note, row["_pii"] = insert_pii(dice, note, row["market"], PII_AUDIT)
    return note or None


def _macro_for(dice: Dice, queue: str) -> str:
    options = [m for m in MACROS if m.queue == queue]
    return dice.weighted([m.id for m in options], [m.weight for m in options])


def _audit(dice: Dice, plan: Plan, month: Month, agent: Agent) -> Row:
    team = next(t for t in TEAMS if t.name == agent.team)
    day: date = random_day(dice, month, agent.start + _NESTING)
    queue = dice.weighted(agent.queues, [QUEUE_WEIGHTS[QUEUES.index(q)] for q in agent.queues])
    auditor = dice.pick(AUDITORS)
    macro = _macro_for(dice, queue) if dice.chance(0.62) else None
    category, cause = None, None
    effects = plan.effects
    stale = macro == plan.stale_macro and day >= plan.change_date
    if effects.planted and stale and dice.chance(effects.macro_fail):
        category = "wrong macro" if dice.chance(0.6) else "policy misapplication"
        cause = "RC1"
    elif effects.planted and agent.cohort and dice.chance(effects.cohort_error):
        category, cause = "missed verification", "RC3"
    else:
        category = _finding(dice, plan, agent, auditor, queue)
    if category == "wrong macro" and macro is None:
        macro = _macro_for(dice, queue)
    critical = category is not None and dice.chance(_CRITICAL_P.get(category, 0.05))
    lenient = auditor == plan.lenient_auditor
    score = _score(dice, category, effects.auditor_bias / 0.8 if lenient else 0.0)
    row: Row = {
        "case_id": f"CS-{dice.integer(10_000_000, 99_999_999)}",
        "audit_date": day,
        "agent": agent.name,
        "auditor": auditor,
        "queue": queue,
        "market": dice.weighted(team.markets, (0.55, 0.35, 0.1)[: len(team.markets)]),
        "team": None if dice.chance(0.01) else team.name,
        "score": None if dice.chance(0.003) else score,
        "passed": score >= PASS_MARK and not critical,
        "critical_error": critical,
        "error_category": category,
        "macro_id": macro,
        "policy": dice.pick(POLICIES[queue]),
        "agent_start_date": agent.start if agent.start_known else None,
        "_cause": cause,
    }
    row["comment"] = _comment(dice, plan, row)
    return row


def make_audits(dice: Dice, plan: Plan) -> list[Row]:
    """Generate the audits of every month of the plan.

    Parameters
    ----------
    dice
        Source of randomness for this table.
    plan
        Calendar, roster and planted segments.

    Returns
    -------
    list of dict
        Rows sorted by date with ``audit_id`` assigned; private ``_`` keys mark planted rows.
    """
    rows: list[Row] = []
    for month in plan.months:
        active = [a for a in plan.agents if a.start + _NESTING <= month.last]
        share = [min(1.0, (month.last - a.start - _NESTING).days / 28) for a in active]
        volume = round(AUDITS_PER_MONTH * plan.volume * (1.0 + dice.normal(0.0, 0.03)))
        for _ in range(volume):
            rows.append(_audit(dice, plan, month, dice.weighted(active, share)))
    return assign_ids(rows, "audit_date", "audit_id", "AUD")
