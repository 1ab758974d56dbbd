"""The feedback table: users' ratings and free text, with known issues and the new product bug.

Every item has a true topic (one of the feedback labels) drawn per queue; its rating and text
follow the topic. Texts are written in the market's language, code-mixed or in English in the
shares of `rca.sample.vocab.FEEDBACK_LANGUAGE_MIX`. Agents label their own feedback carelessly
(complaints about themselves often become "other"); QA auditors re-label a ~20% sample more
accurately. Planted: the known issues of known_issues.csv throughout, and ``RC2``, the new
product bug (``plan.bug_kind``, one of `rca.sample.bugs.BUG_KINDS`), in ``plan.bug_market`` from
``plan.bug_start``: ``plan.effects.bug_share`` of the month's feedback. With
``plan.effects.equal_rates`` nothing is planted and every month and market has the same topic
mix, ratings and known-issue rates (feedback linked to an audited case keeps its own queue).
"""

from __future__ import annotations

from datetime import date

from rca.sample.bugs import BUG_KINDS, BugKind
from rca.sample.compose import Row, add_emoji, assign_ids, code_switch, insert_pii, roughen
from rca.sample.effects import DEFAULT_EFFECTS, EFFECT_SIZES
from rca.sample.locales import LOCALES, Locale
from rca.sample.locales.thai import THAI, thai_particles
from rca.sample.org import Agent, Month, Plan, random_day
from rca.sample.text import Dice, expand, join_clauses
from rca.sample.vocab import (
    CHANNELS,
    FEEDBACK_LABELS,
    FEEDBACK_LANGUAGE_MIX,
    KNOWN_ISSUES,
    MARKET_LANGUAGE,
    MARKET_WEIGHTS,
    MARKETS,
    QUEUE_WEIGHTS,
    QUEUES,
    TEAMS,
)
from rca.sample.voices import (
    AGENT_REFS,
    DURATIONS,
    KNOWN_ISSUE_PHRASES,
    PII_FEEDBACK,
    TOPIC_PHRASES,
    USER_EXTRAS,
    USER_SNIPPETS,
)

__all__ = ["BUG_SHARE", "FEEDBACK_PER_MONTH", "KNOWN_ISSUE_RATE", "make_feedback"]

FEEDBACK_PER_MONTH = 1500
#: Extra feedback the product bug causes at the default effect size, as a share of the month
#: (``plan.effects.bug_share`` decides; kept for callers of the constant).
BUG_SHARE = EFFECT_SIZES[DEFAULT_EFFECTS].bug_share
#: Share of feedback about one of the known issues.
KNOWN_ISSUE_RATE = 0.04
#: Per queue, weights of the true topic (same order as FEEDBACK_LABELS).
_TOPIC_WEIGHTS: dict[str, tuple[float, ...]] = {
    "account access": (0.06, 0.34, 0.03, 0.06, 0.25, 0.15, 0.11),
    "content appeals": (0.05, 0.05, 0.01, 0.38, 0.2, 0.18, 0.13),
    "safety reports": (0.04, 0.06, 0.01, 0.25, 0.28, 0.22, 0.14),
    "payments": (0.06, 0.04, 0.4, 0.05, 0.22, 0.13, 0.1),
    "creator support": (0.1, 0.05, 0.2, 0.2, 0.25, 0.1, 0.1),
    "privacy requests": (0.04, 0.25, 0.02, 0.2, 0.22, 0.12, 0.15),
}
#: Per topic, weights of the ratings 1..5.
_RATING_WEIGHTS: dict[str, tuple[float, ...]] = {
    "bug": (0.45, 0.28, 0.15, 0.07, 0.05),
    "account issue": (0.45, 0.25, 0.15, 0.08, 0.07),
    "payment issue": (0.5, 0.25, 0.13, 0.07, 0.05),
    "policy question": (0.25, 0.2, 0.3, 0.15, 0.1),
    "praise": (0.01, 0.01, 0.04, 0.2, 0.74),
    "complaint about agent": (0.62, 0.25, 0.08, 0.03, 0.02),
    "other": (0.15, 0.1, 0.3, 0.2, 0.25),
}
_BUG_RATINGS = (0.62, 0.26, 0.08, 0.03, 0.01)
_CHANNEL_WEIGHTS = (0.42, 0.18, 0.25, 0.1, 0.05)
_RATINGS = (1.0, 2.0, 3.0, 4.0, 5.0)
#: Chance of a local-language snippet in English and in code-mixed texts of local markets.
_SNIPPET_P = {"en": 0.18, "mixed": 0.5}
#: Share of the bug's reports that come through its main queue (the rest: its second queue).
_BUG_MAIN_QUEUE = 0.85
#: Share of all feedback that mentions the bug's symptom without being part of it, in any month
#: and market: ordinary feedback of the kind's noise topic in its main queue, at the chance
#: `_noise_chance` (0.015 for the SMS code's account issues).
_BUG_NOISE_SHARE = 0.0014


def _agent_label(dice: Dice, topic: str) -> str:
    if topic == "complaint about agent" and dice.chance(0.35):
        return dice.pick(("other", "other", "policy question"))
    if dice.chance(0.8):
        return topic
    return dice.pick(FEEDBACK_LABELS)


_MODES = ("local", "mixed", "en")


def _bank(row: Row, loc: Locale | None) -> tuple[str, ...]:
    """Return the templates of the row's topic or planted cause in one language (None: English)."""
    if row["_bug"]:
        return BUG_KINDS[row["_bug"]].texts[loc.code if loc else "en"]
    key = row["_known"] or row["_topic"]
    if loc is not None:
        return loc.feedback[key]
    return KNOWN_ISSUE_PHRASES[key] if row["_known"] else TOPIC_PHRASES[key]


def _main_clause(dice: Dice, row: Row, loc: Locale | None) -> str:
    refs, days = (loc.agent_refs, loc.durations) if loc else (AGENT_REFS, DURATIONS)
    slots = {"agent_ref": dice.pick(refs), "days": dice.pick(days)}
    return expand(dice, dice.pick(_bank(row, loc)), slots)


def _clauses(dice: Dice, row: Row, local: Locale | None, mode: str, positive: bool) -> list[str]:
    """Compose the clauses of one text; in ``mixed`` mode each clause picks its language."""

    def voice(first: bool) -> Locale | None:
        if mode != "mixed":
            return local if mode == "local" else None
        return local if dice.chance(0.6 if first else 0.4) else None

    clauses = [_main_clause(dice, row, voice(True))]
    for _ in range(dice.weighted((0, 1, 2, 3), (0.45, 0.35, 0.15, 0.05))):
        loc = voice(False)
        if dice.chance(0.5):
            clauses.append(_main_clause(dice, row, loc))
        else:
            extras = loc.extras if loc else USER_EXTRAS
            clauses.append(expand(dice, dice.pick(extras[0 if positive else 1])))
    return list(dict.fromkeys(clauses))  # nobody writes the same clause twice


def _text(dice: Dice, row: Row) -> str | None:
    if dice.chance(0.03):
        return None  # rating only
    positive = (row["rating"] or 3.0) >= 4.0
    local = LOCALES.get(MARKET_LANGUAGE.get(row["market"]) or "")
    mode = dice.weighted(_MODES, FEEDBACK_LANGUAGE_MIX[row["market"]]) if local else "en"
    clauses = _clauses(dice, row, local, mode, positive)
    unspaced = local is not None and not local.spaced and mode != "en"
    if dice.chance(0.01):
        text = "\n".join(clauses)
    elif unspaced or dice.chance(0.35):
        text = dice.pick((" ", "!! ", "... ", ", ")).join(clauses)
    else:
        text = join_clauses(dice, clauses)
    if mode != "local":
        text = code_switch(dice, text, row["market"], positive, USER_SNIPPETS, _SNIPPET_P[mode])
    text = roughen(dice, text, typo_rate=0.0 if unspaced else 0.025, lower=0.3, caps=0.04)
    if not positive and dice.chance(0.12):
        text += dice.pick(("!!!", "??", "?!", "!!"))
    text = add_emoji(dice, text, positive, 0.14)
    if dice.chance(0.08):
        pii = {**PII_FEEDBACK, **local.pii} if local and mode == "local" else PII_FEEDBACK
        text, row["_pii"] = insert_pii(dice, text, row["market"], pii)
    if local is THAI and mode != "en":
        text = thai_particles(text, male=dice.chance(0.45))
    return text


def _link(
    dice: Dice,
    row: Row,
    audited: dict[tuple[str, str | None], list[Row]],
    staff: dict[str, list[Agent]],
    same_queue: bool = False,
) -> None:
    """Fill case_id and agent: an audited case of the month, a new case, or none.

    ``audited`` maps (market, queue) to the month's audits, queue None unless ``same_queue``.
    """
    if not dice.chance(0.86):
        row["case_id"], row["agent"] = None, None
        return
    key = (row["market"], row["queue"] if same_queue else None)
    same = audited.get(key, []) if dice.chance(0.2) else []
    if same:
        case = dice.pick(same)
        row["case_id"], row["agent"], row["queue"] = case["case_id"], case["agent"], case["queue"]
    else:
        row["case_id"] = f"CS-{dice.integer(10_000_000, 99_999_999)}"
        row["agent"] = dice.pick(staff[row["market"]]).name
    if dice.chance(0.03):
        row["agent"] = None


def _item(dice: Dice, month: Month, earliest: date | None, market: str, queue: str) -> Row:
    return {
        "date": random_day(dice, month, earliest),
        "market": market,
        "queue": queue,
        "channel": None if dice.chance(0.02) else dice.weighted(CHANNELS, _CHANNEL_WEIGHTS),
        "_cause": None,
        "_known": None,
        "_bug": None,
    }


def _labels(dice: Dice, row: Row, weights: tuple[float, ...]) -> None:
    topic = row["_topic"]
    row["rating"] = None if dice.chance(0.02) else dice.weighted(_RATINGS, weights)
    row["agent_label"] = None if dice.chance(0.04) else _agent_label(dice, topic)
    audited = dice.chance(0.2)
    row["auditor_label"] = (
        (topic if dice.chance(0.93) else dice.pick(FEEDBACK_LABELS)) if audited else None
    )
    row["text"] = _text(dice, row)


def _month_rows(
    dice: Dice, plan: Plan, month: Month, audits: list[Row], per_month: float
) -> list[Row]:
    active = [a for a in plan.agents if a.start <= month.last]
    staff = {m: [a for a in active if m in _team_markets(a.team)] for m in MARKETS}
    audited: dict[tuple[str, str | None], list[Row]] = {}
    equal = plan.effects.equal_rates
    for audit in audits:  # equal rates: a linked case keeps the row's queue (same mix everywhere)
        audited.setdefault((audit["market"], audit["queue"] if equal else None), []).append(audit)
    kind = BUG_KINDS[plan.bug_kind]
    noise_p = _noise_chance(kind)
    rows = []
    for _ in range(round(per_month * (1.0 + dice.normal(0.0, 0.04)))):
        market = dice.weighted(MARKETS, MARKET_WEIGHTS)
        row = _item(dice, month, None, market, dice.weighted(QUEUES, QUEUE_WEIGHTS))
        _link(dice, row, audited, staff, equal)
        row["_topic"] = dice.weighted(FEEDBACK_LABELS, _TOPIC_WEIGHTS[row["queue"]])
        if dice.chance(KNOWN_ISSUE_RATE):
            issue = dice.weighted(KNOWN_ISSUES, [k.weight for k in KNOWN_ISSUES])
            row["_topic"], row["_known"] = "bug", issue.id
        elif row["queue"] == kind.queues[0] and row["_topic"] == kind.noise_topic:
            noise = dice.chance(noise_p)  # the odd report of the symptom
            row["_bug"] = kind.id if noise else None
        _labels(dice, row, _RATING_WEIGHTS[row["_topic"]])
        rows.append(row)
    if plan.effects.planted and month.last >= plan.bug_start:
        count = round(plan.effects.bug_share * per_month)
        rows.extend(_bug_rows(dice, plan, kind, month, staff, count))
    return rows


def _noise_chance(kind: BugKind) -> float:
    """Chance that feedback of ``kind``'s noise topic in its main queue mentions the symptom."""
    queue = kind.queues[0]
    topic = _TOPIC_WEIGHTS[queue][FEEDBACK_LABELS.index(kind.noise_topic)] / sum(
        _TOPIC_WEIGHTS[queue]
    )
    share = QUEUE_WEIGHTS[QUEUES.index(queue)] / sum(QUEUE_WEIGHTS) * topic
    return min(1.0, round(_BUG_NOISE_SHARE / share, 3))


def _bug_rows(
    dice: Dice, plan: Plan, kind: BugKind, month: Month, staff: dict[str, list[Agent]], count: int
) -> list[Row]:
    """Plant the product bug (RC2): ``count`` complaints of ``kind`` in the bug's market."""
    rows = []
    for _ in range(count):
        queue = kind.queues[0] if dice.chance(_BUG_MAIN_QUEUE) else kind.queues[1]
        row = _item(dice, month, plan.bug_start, plan.bug_market, queue)
        _link(dice, row, {}, staff)
        row["_topic"], row["_cause"], row["_bug"] = "bug", "RC2", kind.id
        _labels(dice, row, _BUG_RATINGS)
        if row["agent_label"] is not None:
            if dice.chance(0.6):
                row["agent_label"] = kind.labels[0]
            elif len(kind.labels) > 1 and dice.chance(0.3):
                row["agent_label"] = dice.pick(kind.labels[1:])
        rows.append(row)
    return rows


def _team_markets(team: str) -> tuple[str, ...]:
    return next(t.markets for t in TEAMS if t.name == team)


def make_feedback(
    dice: Dice, plan: Plan, audits: list[Row], *, volume: float | None = None
) -> list[Row]:
    """Generate the feedback of every month of the plan.

    Parameters
    ----------
    dice
        Source of randomness for this table.
    plan
        Calendar, roster and planted segments.
    audits
        The audit rows; about a fifth of linked feedback refers to an audited case.
    volume
        Multiplier of the rows per month (`FEEDBACK_PER_MONTH`; the bug's reports scale too);
        default ``plan.volume``.

    Returns
    -------
    list of dict
        Rows sorted by date with ``feedback_id`` assigned; private ``_`` keys mark planted rows.
    """
    scale = plan.volume if volume is None else volume
    rows: list[Row] = []
    for month in plan.months:
        audited = [a for a in audits if month.first <= a["audit_date"] <= month.last]
        rows.extend(_month_rows(dice, plan, month, audited, FEEDBACK_PER_MONTH * scale))
    return assign_ids(rows, "date", "feedback_id", "FB")
