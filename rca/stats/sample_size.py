"""How many items to audit: the size of a sample that measures a proportion to a chosen margin.

`sample_size_for_margin` is Cochran's formula for a given proportion (with the finite-population
correction); `audit_sample_size` plans next month's audit of a labelling model from this month's
audit: a conservative proportion (never the point estimate alone), a floor so the plan is never
0 items, and the population of items the model labels when it is known.
"""

from __future__ import annotations

import math

import numpy as np
from statsmodels.stats.proportion import samplesize_confint_proportion

from rca.core.argument_checks import check_fraction
from rca.core.errors import ParameterError
from rca.stats.primitives import wilson_interval

__all__ = ["SAMPLE_PLAN_COLUMNS", "audit_sample_size", "sample_size_for_margin", "zero_error_floor"]

#: Keys of `audit_sample_size`'s result (the columns of the ``ai_sample_size`` table).
SAMPLE_PLAN_COLUMNS: tuple[str, ...] = (
    "expected_accuracy", "planning_accuracy", "margin", "confidence", "population", "n_formula",
    "n_floor", "n",
)  # fmt: skip


def _check_population(population: int | None) -> None:
    if population is None:
        return
    if isinstance(population, bool) or not isinstance(population, int | np.integer):
        raise ParameterError(f"population must be a whole number >= 1, got {population!r}")
    if population < 1:
        raise ParameterError(f"population must be a whole number >= 1, got {population!r}")


def sample_size_for_margin(
    p_expected: float, margin: float, confidence: float = 0.95, population: int | None = None
) -> int:
    """Rows to audit so the interval of a proportion is ± ``margin`` wide.

    Method: the normal approximation n₀ = z² p (1 − p) / e² (statsmodels
    ``samplesize_confint_proportion``), then, for a finite population N, Cochran's correction
    n = n₀ / (1 + (n₀ − 1) / N), rounded up. p = 0.5 is the safe choice when unsure; at p = 0
    or 1 the formula gives 0 (use `audit_sample_size` to plan from an observed accuracy).
    Example: p = 0.5, e = 0.05, 95 % gives n₀ = 1.96² · 0.25 / 0.0025 = 384.1, so 385; with
    N = 1000, 277.7, so 278.

    Parameters
    ----------
    p_expected
        Expected proportion (e.g. expected accuracy), 0 to 1.
    margin
        Half-width of the interval wanted, e.g. 0.05 for ± 5 points.
    confidence
        Confidence level.
    population
        Size of the population sampled from (e.g. items labelled this month); None for large.

    Returns
    -------
    int
        Sample size (never more than ``population``).

    References
    ----------
    Cochran, W. G. (1977). Sampling Techniques, 3rd ed., Wiley, §4.4 (eq. 4.2) and §4.5.
    """
    p = check_fraction("p_expected", p_expected, closed=True)
    margin = check_fraction("margin", margin)
    confidence = check_fraction("confidence", confidence)
    _check_population(population)
    n0 = float(samplesize_confint_proportion(p, margin, alpha=1 - confidence))
    if population is not None:
        n0 = n0 / (1 + (n0 - 1) / int(population))
    return math.ceil(round(n0, 9))


def zero_error_floor(margin: float, confidence: float = 0.95) -> int:
    """Fewest items whose audit, if it finds no error, bounds the error rate below ``margin``.

    Method: with no error among n items the exact one-sided upper confidence bound of the error
    rate is 1 − (1 − confidence)^(1/n) (Clopper-Pearson); it is at most ``margin`` when
    n ≥ ln(1 − confidence) / ln(1 − margin). At 95 % this is the "rule of three" (n ≈ 3 / e).

    Returns
    -------
    int
        The floor, e.g. 99 for ± 3 points at 95 %.

    References
    ----------
    Hanley, J. A. and Lippman-Hand, A. (1983). If nothing goes wrong, is everything all right?
    Interpreting zero numerators. JAMA 249(13), 1743-1745.
    """
    margin = check_fraction("margin", margin)
    confidence = check_fraction("confidence", confidence)
    return math.ceil(round(math.log(1 - confidence) / math.log(1 - margin), 9))


def audit_sample_size(
    correct: int,
    n: int,
    margin: float,
    confidence: float = 0.95,
    population: int | None = None,
) -> dict[str, float | int | None]:
    """Items to audit next month so the accuracy's interval is ± ``margin`` wide.

    Method. The observed accuracy (``correct`` / ``n``) is not used as it is: fed to the Wald
    formula, 100 % gives 0 items and 99 % gives 43, a plan that only holds if the estimate is
    exactly right. Instead the planning proportion is the end of the accuracy's Wilson interval
    (at ``confidence``) closest to 0.5, or 0.5 when the interval holds it (or when nothing was
    audited): p (1 − p), and so the sample size, grows towards p = 0.5, so this is the largest
    sample any accuracy the data leave plausible needs. Then `sample_size_for_margin` (Cochran's
    n₀ = z² p (1 − p) / e², with the finite-population correction n = n₀ / (1 + (n₀ − 1) / N)
    when ``population`` N is given), and at least `zero_error_floor` items (an audit of so many
    items that finds no error still bounds the error rate within the margin), never more than
    N.

    Parameters
    ----------
    correct, n
        This month's audit: items the model labelled correctly, items audited.
    margin
        Half-width of the interval wanted, e.g. 0.03 for ± 3 points.
    confidence
        Confidence level of the interval (and of the Wilson interval used to plan).
    population
        Items the model will label next month (the population the sample is drawn from); None
        when unknown or large.

    Returns
    -------
    dict
        `SAMPLE_PLAN_COLUMNS`: ``expected_accuracy`` (observed, NaN when n = 0),
        ``planning_accuracy``, ``margin``, ``confidence``, ``population``, ``n_formula``
        (Cochran's size, with the correction), ``n_floor`` and ``n`` (the plan).

    References
    ----------
    Cochran, W. G. (1977). Sampling Techniques, 3rd ed., Wiley, §4.4-4.5.
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    JASA 22(158), 209-212.
    """
    margin = check_fraction("margin", margin)
    confidence = check_fraction("confidence", confidence)
    _check_population(population)
    if min(correct, n) < 0 or correct > n:
        raise ParameterError(f"need 0 <= correct <= n, got correct={correct!r}, n={n!r}")
    observed, plan = math.nan, 0.5
    if n > 0:
        observed = correct / n
        lo, hi = (float(v[0]) for v in wilson_interval(np.array([correct]), np.array([n]),
                                                       1 - confidence))  # fmt: skip
        plan = 0.5 if lo <= 0.5 <= hi else (lo if lo > 0.5 else hi)
    n_formula = sample_size_for_margin(plan, margin, confidence, population)
    floor = zero_error_floor(margin, confidence)
    size = max(n_formula, floor)
    if population is not None:
        size = min(size, int(population))
    return {
        "expected_accuracy": observed, "planning_accuracy": plan, "margin": margin,
        "confidence": confidence, "population": population, "n_formula": n_formula,
        "n_floor": floor, "n": size,
    }  # fmt: skip
