"""The calibration table: auditors and the expert rating the same cases on the rubric.

Each case has a latent quality per rubric item; the expert rates close to it, auditors add their
own small bias and noise. Planted: ``RC4``, one auditor rating about 0.8 points above the expert
and passing cases others fail, and ``RC6``, one rubric item that auditors dispute much more.
"""

from __future__ import annotations

from datetime import date, timedelta

from rca.sample.compose import Row
from rca.sample.org import AUDITORS, EXPERT, Month, Plan
from rca.sample.text import Dice
from rca.sample.vocab import RUBRIC_ITEMS

__all__ = [
    "CASES_PER_SESSION",
    "DISPUTED_ITEM",
    "LENIENT_BIAS",
    "SESSIONS_PER_MONTH",
    "make_calibration",
    "session_dates",
]

SESSIONS_PER_MONTH = 2
CASES_PER_SESSION = 10
DISPUTED_ITEM = "policy accuracy"
#: How far above the truth the lenient auditor rates on the 1-5 items.
LENIENT_BIAS = 0.8
_NOISE_SD = 0.5
_DISPUTED_SD = 1.25
_ABSENT = 0.06


def session_dates(month: Month) -> list[date]:
    """Return the session days of a month: the Wednesdays on or after the 8th and the 22nd."""
    out = []
    for day in (8, 22)[:SESSIONS_PER_MONTH]:
        d = month.first + timedelta(days=day - 1)
        out.append(d + timedelta(days=(2 - d.weekday()) % 7))
    return out


def _clip(x: float) -> float:
    return float(min(5, max(1, round(x))))


def _rate(dice: Dice, truth: float, item: str, rater: tuple[str, float, float, float]) -> float:
    """Return one rating: 1-5 items get truth + bias + noise; pass/fail items a 0/1 verdict."""
    _, bias, sd, agree = rater
    if RUBRIC_ITEMS[item] == "1-5":
        return _clip(truth + bias + dice.normal(0.0, sd))
    passes = truth >= 3.0
    if bias >= LENIENT_BIAS and not passes:
        return 1.0 if dice.chance(0.7) else 0.0
    return float(passes if dice.chance(agree) else not passes)


def _session(
    dice: Dice, session: str, day: date, cases: list[str], bias: dict[str, float]
) -> list[Row]:
    present = [a for a in AUDITORS if not dice.chance(_ABSENT)]
    rows: list[Row] = []
    for case in cases:
        quality = dice.normal(3.2, 0.8)
        for item in RUBRIC_ITEMS:
            truth = quality + dice.normal(0.0, 0.5)
            sd = _DISPUTED_SD if item == DISPUTED_ITEM else _NOISE_SD
            raters = [(EXPERT, 0.0, 0.25, 0.95)] + [(a, bias[a], sd, 0.88) for a in present]
            for rater in raters:
                rows.append(
                    {
                        "session_id": session,
                        "session_date": day,
                        "case_id": case,
                        "item": item,
                        "auditor": rater[0],
                        "rating": _rate(dice, truth, item, rater),
                        "is_expert": rater[0] == EXPERT,
                    }
                )
    return rows


def make_calibration(dice: Dice, plan: Plan, audits: list[Row]) -> list[Row]:
    """Generate the calibration ratings of every month of the plan.

    Parameters
    ----------
    dice
        Source of randomness for this table.
    plan
        Calendar, roster and planted segments (the lenient auditor).
    audits
        The audit rows; sessions rate cases audited earlier in the month.

    Returns
    -------
    list of dict
        One row per session, case, rubric item and rater (the expert first).
    """
    bias = {a: dice.normal(0.0, 0.15) for a in AUDITORS}
    bias[plan.lenient_auditor] = LENIENT_BIAS
    rows: list[Row] = []
    for month in plan.months:
        for k, day in enumerate(session_dates(month)):
            pool = [a["case_id"] for a in audits if month.first <= a["audit_date"] < day]
            cases = dice.sample(pool, CASES_PER_SESSION)
            session = f"CAL-{month.label}-{'AB'[k]}"
            rows.extend(_session(dice, session, day, cases, bias))
    return rows
