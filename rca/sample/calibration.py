"""The calibration table: auditors and the expert rating the same cases on the rubric.

Each case has a latent quality per rubric item; the expert rates close to it, auditors add their
own small bias and noise. Planted: ``RC4``, the plan's lenient auditor rating
``effects.auditor_bias`` points above the truth on 1-5 items and passing failing cases on
pass/fail items, and ``RC6``, the plan's disputed rubric item (a 1-5 item) rated with noise
``effects.disputed_sd`` instead of 0.5. With equal rates (``none``) every auditor has bias 0 and
the same noise on every item.
"""

from __future__ import annotations

from datetime import date, timedelta

from rca.sample.compose import Row
from rca.sample.org import AUDITORS, EXPERT, Month, Plan
from rca.sample.text import Dice
from rca.sample.vocab import RUBRIC_ITEMS

__all__ = [
    "CASES_PER_SESSION",
    "SESSIONS_PER_MONTH",
    "make_calibration",
    "session_dates",
]

SESSIONS_PER_MONTH = 2
CASES_PER_SESSION = 10
_NOISE_SD = 0.5
_ABSENT = 0.06
#: Share of failing pass/fail cases the lenient auditor passes, per point of ``auditor_bias``
#: (0.7 at the demo's 0.8); capped at `_MAX_PASS`.
_PASS_PER_POINT = 0.7 / 0.8
_MAX_PASS = 0.7


def session_dates(month: Month) -> list[date]:
    """Return the session days of a month: the Wednesdays on or after the 8th and the 22nd."""
    out = []
    for day in (8, 22)[:SESSIONS_PER_MONTH]:
        d = month.first + timedelta(days=day - 1)
        out.append(d + timedelta(days=(2 - d.weekday()) % 7))
    return out


def _clip(x: float) -> float:
    return float(min(5, max(1, round(x))))


#: A rater: name, bias (points), noise sd (points), agreement on pass/fail items, and the share
#: of failing pass/fail cases passed regardless (the lenient auditor's).
Rater = tuple[str, float, float, float, float]


def _rate(dice: Dice, truth: float, item: str, rater: Rater) -> float:
    """Return one rating: 1-5 items get truth + bias + noise; pass/fail items a 0/1 verdict."""
    _, bias, sd, agree, lenient = rater
    if RUBRIC_ITEMS[item] == "1-5":
        return _clip(truth + bias + dice.normal(0.0, sd))
    passes = truth >= 3.0
    if lenient > 0.0 and not passes:
        return 1.0 if dice.chance(lenient) else 0.0
    return float(passes if dice.chance(agree) else not passes)


def _session(
    dice: Dice, plan: Plan, session: str, day: date, cases: list[str], bias: dict[str, float]
) -> list[Row]:
    lenient = min(_MAX_PASS, plan.effects.auditor_bias * _PASS_PER_POINT)
    disputed = plan.effects.disputed_sd if plan.effects.planted else _NOISE_SD
    present = [a for a in AUDITORS if not dice.chance(_ABSENT)]
    rows: list[Row] = []
    for case in cases:
        quality = dice.normal(3.2, 0.8)
        for item in RUBRIC_ITEMS:
            truth = quality + dice.normal(0.0, 0.5)
            sd = disputed if item == plan.disputed_item else _NOISE_SD
            raters: list[Rater] = [(EXPERT, 0.0, 0.25, 0.95, 0.0)]
            raters += [
                (a, bias[a], sd, 0.88, lenient if a == plan.lenient_auditor else 0.0)
                for a in present
            ]
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
    equal = plan.effects.equal_rates
    drawn = {a: dice.normal(0.0, 0.15) for a in AUDITORS}  # drawn always: same stream
    bias = {a: 0.0 if equal else b for a, b in drawn.items()}
    if plan.effects.planted:
        bias[plan.lenient_auditor] = plan.effects.auditor_bias
    n_cases = max(3, round(CASES_PER_SESSION * plan.volume))
    rows: list[Row] = []
    for month in plan.months:
        for k, day in enumerate(session_dates(month)):
            pool = [a["case_id"] for a in audits if month.first <= a["audit_date"] < day]
            cases = dice.sample(pool, n_cases)
            session = f"CAL-{month.label}-{'AB'[k]}"
            rows.extend(_session(dice, plan, session, day, cases, bias))
    return rows
