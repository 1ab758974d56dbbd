"""How strong the planted root causes are: the ``--effects`` presets of `rca sample`.

``large`` is the size the demo has always planted (blatant, for showing the tool); ``medium`` and
``small`` are what a real operation would want found (``small`` is about the power limit of one
month of data); ``none`` plants nothing and gives every agent, auditor, macro, queue, market and
label the same underlying rates, so any clear finding on it is a false alarm. Which entities are
affected is drawn by the seed (`rca.sample.org.make_plan`), not by the preset: the same seed gives
the same plan under every preset. The recovery benchmark (``benchmarks/recovery.py``) measures,
per preset, which planted causes the analysis finds.

Nominal sizes (the `EffectSizes` fields):

========  ==========  =========  ============  ============  ============  ===========
preset    macro_fail  bug_share  cohort_error  auditor_bias  ai_confusion  disputed_sd
========  ==========  =========  ============  ============  ============  ===========
none      0           0          0             0             0             0.5 (= rest)
small     0.10        0.01       0.075         0.15          0.075         0.7
medium    0.20        0.02       0.15          0.3           0.15          0.9
large     0.55        0.07       0.30          0.8           0.33          1.25
========  ==========  =========  ============  ============  ============  ===========

Measured on generated samples (`rca.sample.measure.measure_effects`; 6 months, volume 1, seeds
0-9; mean and (min, max) over the seeds; ``none`` measured on the entities the same seed plants
under the other presets):

======  ==============  ===============  ===============  ================  ================
preset  macro (points)  cohort (pts)     auditor (pts)    confusion         disputed (x)
======  ==============  ===============  ===============  ================  ================
none    +2.4 (-3, +12)  -0.1 (-.5, +.2)  0.00 (-.07,.04)  .007 (.002,.012)  0.97 (0.90,1.03)
small   +7.7 (-3, +14)  +8.2 (+7, +10)   0.13 (.07, .18)  .082 (.055,.116)  1.24 (1.21,1.31)
medium  +17.2 (+7,+32)  +15.3 (+13,+17)  0.26 (.21, .31)  .162 (.143,.186)  1.49 (1.44,1.57)
large   +43.5 (+33,+49) +29.4 (+27,+31)  0.68 (.62, .72)  .344 (.317,.362)  1.74 (1.68,1.81)
======  ==============  ===============  ===============  ================  ================

Bug (share of the last month's feedback): none 0 (none planted), small .010 (.009, .011),
medium .020 (.019, .022), large .066 (.063, .071).

- macro: the stale macro's fail rate minus that of the other macros of its queue, in the last
  month (about ``macro_fail x (1 - base fail rate)``; one month of a candidate macro is 70-100
  audits, hence the spread);
- cohort: the cohort's share of audits finding 'missed verification' minus everyone else's;
- auditor: the lenient auditor's mean rating minus the expert's on the 1-5 items (ratings are
  rounded and clipped to 1-5, so a little below ``auditor_bias``);
- confusion: share of the gold label's items the model gives the planted wrong label (the
  model's ordinary mistakes add about 0.01 under ``none``);
- disputed: mean spread (sd) of the auditors' ratings of a case on the disputed item divided by
  that of the other 1-5 items.
- bug: reports of the planted bug as a share of the last month's feedback (`rca.sample.feedback`
  adds ``bug_share`` x the month's ordinary feedback, so ``bug_share / (1 + bug_share)`` of all
  of it; ``none`` plants none, though ordinary feedback mentions each kind's symptom now and then
  in every market and month).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from rca.core.errors import ParameterError

__all__ = ["DEFAULT_EFFECTS", "EFFECTS", "EFFECT_SIZES", "EffectSizes", "effect_sizes"]


@dataclass(frozen=True)
class EffectSizes:
    """Sizes of the planted causes of one preset (0 everywhere for ``none``).

    Attributes
    ----------
    name
        Preset name (one of `EFFECTS`).
    macro_fail
        Probability that an audit of the stale macro, on or after its change date, fails on the
        stale macro (on top of the ordinary findings): about ``macro_fail x (1 - base fail rate)``
        points of fail rate, e.g. 0.2 -> about +15 points at a 25 % base.
    bug_share
        Reports of the new product bug in its month, as a share of the month's whole feedback
        (all markets), written from the bug's market.
    cohort_error
        Share of the new-hire cohort's audits that find skipped verification (on top of the
        ordinary findings): about that many points of the cohort's audits.
    auditor_bias
        How far above the expert the lenient auditor rates, in points of a 1-5 rubric item
        (pass/fail items: the share of failing cases the auditor passes is ``auditor_bias``
        / 0.8 x 0.7, capped at 0.7).
    ai_confusion
        Share of one gold label's items the AI model gives one other label.
    disputed_sd
        Noise (sd, rating points) of auditors on the disputed rubric item (one of the 1-5
        items: a noise sd has no pass/fail counterpart); the other items have 0.5, so 0.5
        means not disputed.
    equal_rates
        True for ``none``: every agent, auditor, macro, queue, market and label has the same
        underlying rates (every agent's skill 0, new hires included; no queue offsets and one
        mix of error categories for every queue; auditors' calibration bias 0; the AI model
        right 95 % of the time on every gold label, its mistakes spread evenly).
    """

    name: str
    macro_fail: float
    bug_share: float
    cohort_error: float
    auditor_bias: float
    ai_confusion: float
    disputed_sd: float
    equal_rates: bool = False

    @property
    def planted(self) -> bool:
        """True when the preset plants any cause."""
        return not self.equal_rates

    def as_dict(self) -> dict[str, Any]:
        """Return the sizes as a plain dict (for ground_truth.json)."""
        return asdict(self)


#: Presets, weakest first.
EFFECTS: tuple[str, ...] = ("none", "small", "medium", "large")
#: Preset used when none is given (the demo's, the size planted before presets existed).
DEFAULT_EFFECTS = "large"
EFFECT_SIZES: dict[str, EffectSizes] = {
    "none": EffectSizes("none", 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, equal_rates=True),
    "small": EffectSizes("small", 0.10, 0.01, 0.075, 0.15, 0.075, 0.7),
    "medium": EffectSizes("medium", 0.20, 0.02, 0.15, 0.3, 0.15, 0.9),
    "large": EffectSizes("large", 0.55, 0.07, 0.30, 0.8, 0.33, 1.25),
}


def effect_sizes(name: str) -> EffectSizes:
    """Return the preset ``name`` (one of `EFFECTS`).

    Raises
    ------
    ParameterError
        When ``name`` is not a preset.
    """
    if name not in EFFECT_SIZES:
        raise ParameterError(f"effects must be one of {', '.join(EFFECTS)}, got {name!r}")
    return EFFECT_SIZES[name]
