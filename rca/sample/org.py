"""The simulated organisation and the plan: calendar, agents, auditors and planted segments.

`make_plan` draws everything that the seed decides once (which team gets the new-hire cohort,
which auditor is lenient, which market gets which product bug, which macro goes stale and when,
which AI label pair is confused, which rubric item is disputed) and how strong each planted cause
is (`rca.sample.effects`), so the table generators only read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from rca.core.errors import ParameterError
from rca.sample.effects import DEFAULT_EFFECTS, EFFECT_SIZES, EffectSizes, effect_sizes
from rca.sample.lineage import Lineage
from rca.sample.text import Dice
from rca.sample.vocab import (
    AI_GOLD_WEIGHTS,
    AI_LABELS,
    BUG_KIND_IDS,
    MACROS,
    QUEUE_WEIGHTS,
    QUEUES,
    RUBRIC_ITEMS,
    TEAMS,
)

__all__ = [
    "AI_PAIR_MIN_WEIGHT",
    "AUDITORS",
    "BUG_MARKETS",
    "COHORT_SIZE",
    "EXPERT",
    "OUTDATED_MACRO",
    "REGULAR_AGENTS",
    "Agent",
    "Month",
    "Plan",
    "make_calendar",
    "make_plan",
    "random_day",
    "stale_macro_candidates",
]

#: Agents that are not part of the planted cohort (two of them are ordinary new hires).
REGULAR_AGENTS = 34
COHORT_SIZE = 6
AUDITORS: tuple[str, ...] = tuple(f"auditor_{i:02d}" for i in range(1, 9))
EXPERT = "qa_expert_01"
#: The macro the demo planted before seeds varied it (the `Plan` default).
OUTDATED_MACRO = "MAC-ACC-004"
#: Smallest share of AI items a gold label needs to be the planted confusion's gold label.
AI_PAIR_MIN_WEIGHT = 0.1
#: Markets with a local language, where the product bug may be planted.
BUG_MARKETS: tuple[str, ...] = ("ID", "MY", "PH", "BR", "TH", "VN")
_END = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Month:
    """One calendar month of the sample."""

    index: int
    label: str
    first: date
    last: date


@dataclass(frozen=True)
class Agent:
    """A support agent.

    ``skill`` is an offset on the log-odds of an audit finding (higher is worse);
    ``start_known`` is False for the few agents whose start date HR never recorded.
    """

    name: str
    team: str
    start: date
    queues: tuple[str, ...]
    skill: float
    start_known: bool
    cohort: bool


@dataclass(frozen=True)
class Plan:
    """Everything decided once per seed: calendar, roster and the planted segments."""

    months: tuple[Month, ...]
    agents: tuple[Agent, ...]
    change_month: int
    change_date: date
    cohort_team: str
    cohort_month: int
    lenient_auditor: str
    bug_market: str
    bug_start: date
    #: Effect sizes of the planted causes (``none``: nothing planted, equal rates everywhere).
    effects: EffectSizes = EFFECT_SIZES[DEFAULT_EFFECTS]
    #: The macro that goes stale at ``change_date`` and its queue.
    stale_macro: str = OUTDATED_MACRO
    stale_queue: str = "account access"
    #: Kind of the new product bug (an id of the sample's bug kinds).
    bug_kind: str = "sms_code"
    #: (gold label, label the AI model gives it instead).
    ai_pair: tuple[str, str] = ("harassment", "hate speech")
    #: Rubric item auditors dispute more than the others (a 1-5 item).
    disputed_item: str = "policy accuracy"
    #: Rows per month of every kind, as a multiple of the usual volume.
    volume: float = 1.0
    #: Planted theme split and merge (`rca.sample.lineage`); None plants neither.
    lineage: Lineage | None = None

    @property
    def cohort(self) -> tuple[Agent, ...]:
        """The planted new-hire cohort."""
        return tuple(a for a in self.agents if a.cohort)


def make_calendar(end: str, months: int) -> tuple[Month, ...]:
    """Return the ``months`` calendar months ending with ``end`` (``YYYY-MM``)."""
    match = _END.match(end)
    if not match:
        raise ParameterError(f"end must look like YYYY-MM (e.g. 2026-10), got {end!r}")
    year, month = int(match.group(1)), int(match.group(2))
    out: list[Month] = []
    for k in range(months):
        offset = year * 12 + (month - 1) - (months - 1 - k)
        y, m = divmod(offset, 12)
        first = date(y, m + 1, 1)
        nxt = date(y + (m + 1) // 12, (m + 1) % 12 + 1, 1)
        out.append(Month(k, f"{y:04d}-{m + 1:02d}", first, nxt - timedelta(days=1)))
    return tuple(out)


@lru_cache(maxsize=4096)
def _days(lo: date, hi: date) -> tuple[tuple[date, ...], tuple[float, ...]]:
    days = tuple(lo + timedelta(days=k) for k in range((hi - lo).days + 1))
    return days, tuple(0.5 if d.weekday() >= 5 else 1.0 for d in days)


def random_day(dice: Dice, month: Month, earliest: date | None = None) -> date:
    """Draw a day of ``month`` (weekends half as likely), not before ``earliest``."""
    lo = max(month.first, earliest) if earliest else month.first
    return dice.weighted(*_days(lo, month.last))


def _agent_queues(dice: Dice, team_queues: tuple[str, ...], must: str | None) -> tuple[str, ...]:
    chosen = dice.sample(team_queues, dice.integer(2, 3))
    if must and must not in chosen:
        chosen[-1] = must
    return tuple(q for q in team_queues if q in chosen)


def _roster(
    dice: Dice, months: tuple[Month, ...], cohort_team: str, cohort_month: int, equal: bool
) -> list[Agent]:
    """Draw the agents; with ``equal`` every skill is 0 (same draws, so the same roster)."""
    first = months[0].first
    drafts: list[tuple[date, float, str, tuple[str, ...], float, bool, bool]] = []
    hires = {REGULAR_AGENTS - 1: 1, REGULAR_AGENTS - 2: len(months) - 2}
    for k in range(REGULAR_AGENTS):
        team = TEAMS[k % len(TEAMS)]
        if k in hires:
            month = months[max(0, min(hires[k], len(months) - 1))]
            start = month.first + timedelta(days=dice.integer(0, 20))
            skill = dice.normal(0.3, 0.2)
        else:
            start = first - timedelta(days=dice.integer(120, 1600))
            skill = dice.normal(0.0, 0.35)
        queues = _agent_queues(dice, team.queues, None)
        drafts.append((start, dice.u(), team.name, queues, skill, k not in (5, 17), False))
    cohort = next(t for t in TEAMS if t.name == cohort_team)
    for _ in range(COHORT_SIZE):
        start = months[cohort_month].first - timedelta(days=dice.integer(8, 35))
        queues = _agent_queues(dice, cohort.queues, "account access")
        drafts.append((start, dice.u(), cohort.name, queues, dice.normal(0.2, 0.2), True, True))
    drafts.sort(key=lambda d: (d[0], d[1]))
    return [
        Agent(f"agent_{i:03d}", team, start, queues, 0.0 if equal else skill, known, is_cohort)
        for i, (start, _, team, queues, skill, known, is_cohort) in enumerate(drafts, 1)
    ]


def stale_macro_candidates() -> tuple[str, ...]:
    """Return the macros that may go stale: usage weight at least the median of all macros.

    A macro's usage weight is its queue's weight times its share of the queue's macros.
    """
    totals = {q: sum(m.weight for m in MACROS if m.queue == q) for q in QUEUES}
    usage = [QUEUE_WEIGHTS[QUEUES.index(m.queue)] * m.weight / totals[m.queue] for m in MACROS]
    median = sorted(usage)[len(usage) // 2]
    return tuple(m.id for m, u in zip(MACROS, usage, strict=True) if u >= median)


def _ai_pair(dice: Dice) -> tuple[str, str]:
    golds = [g for g, w in zip(AI_LABELS, AI_GOLD_WEIGHTS, strict=True) if w >= AI_PAIR_MIN_WEIGHT]
    gold = dice.pick(golds)
    return gold, dice.pick([label for label in AI_LABELS if label != gold])


def make_plan(
    dice: Dice, end: str, months: int, effects: str = DEFAULT_EFFECTS, volume: float = 1.0
) -> Plan:
    """Draw the calendar, the roster, the planted entities and their effect sizes.

    Parameters
    ----------
    dice
        Source of randomness (a stream of its own, so table changes do not move the plan).
    end
        Last month, ``YYYY-MM``.
    months
        Number of months, at least 1.
    effects
        Effect-size preset (`rca.sample.effects.EFFECTS`). With ``"none"`` the planted entities
        are still drawn (same plan as the other presets) but the generators plant nothing and
        every agent's skill is 0.
    volume
        Rows per month of every kind, as a multiple of the usual volume (> 0).

    Raises
    ------
    rca.core.errors.ParameterError
        If ``end``, ``effects`` or ``volume`` is invalid.
    """
    sizes = effect_sizes(effects)
    if isinstance(volume, bool) or not isinstance(volume, int | float) or not 0 < volume <= 10:
        raise ParameterError(f"volume must be a number above 0 and at most 10, got {volume!r}")
    calendar = make_calendar(end, months)
    # the stale macro changes at least a month before the last one when there is room, so the
    # report month shows the preset's documented size (a change on the 10th of the report month
    # leaves a third of its audits unaffected); two months: the last month, diluted; one month:
    # that month (the same draws whatever the number of months)
    change_month = min(months - 1, max(1, min(months - 2, months // 2 + dice.integer(0, 1))))
    cohort_month = min(months - 1, max(1, months // 3))
    cohort_team = dice.pick(TEAMS).name
    agents = _roster(dice, calendar, cohort_team, cohort_month, sizes.equal_rates)
    change_date = calendar[change_month].first + timedelta(days=dice.integer(2, 9))
    lenient_auditor = dice.pick(AUDITORS)
    bug_market = dice.pick(BUG_MARKETS)
    bug_start = calendar[-1].first + timedelta(days=dice.integer(2, 8))
    stale_macro = dice.pick(stale_macro_candidates())
    return Plan(
        months=calendar,
        agents=tuple(agents),
        change_month=change_month,
        change_date=change_date,
        cohort_team=cohort_team,
        cohort_month=cohort_month,
        lenient_auditor=lenient_auditor,
        bug_market=bug_market,
        bug_start=bug_start,
        effects=sizes,
        stale_macro=stale_macro,
        stale_queue=next(m.queue for m in MACROS if m.id == stale_macro),
        bug_kind=dice.pick(BUG_KIND_IDS),
        ai_pair=_ai_pair(dice),
        disputed_item=dice.pick([i for i, scale in RUBRIC_ITEMS.items() if scale == "1-5"]),
        volume=float(volume),
    )
