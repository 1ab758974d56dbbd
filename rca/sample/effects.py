"""How strong the planted root causes are: the ``--effects`` presets of `rca sample`.

``large`` is the size the demo has always planted (blatant, for showing the tool); ``medium`` and
``small`` are what a real operation would want found; ``none`` plants nothing and gives every
agent, auditor, macro, market and label the same underlying rates, so any clear finding on it is a
false alarm. The recovery benchmark (``benchmarks/recovery.py``) measures, per preset, which
planted causes the analysis finds.
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
        Noise (sd, rating points) of auditors on the disputed rubric item; the other items have
        0.5, so 0.5 means not disputed.
    equal_rates
        True for ``none``: every agent, auditor, macro, queue, market and label has the same
        underlying rates (no skill spread, no queue or auditor offsets, no new hires).
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
