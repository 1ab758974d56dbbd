"""Statistical primitives every analysis uses: one place, one implementation each.

- `wilson_interval`: Wilson score interval of a proportion (statsmodels).
- `newcombe_interval`: Newcombe's hybrid score interval of a difference of two proportions.
- `compare_proportions`: two-sided test of two independent proportions, the score z-test or,
  where an expected count is small, Fisher's exact test.
- `bh_qvalues`: Benjamini-Hochberg q-values of a family of p-values.
- `rate_change_poisson`: exact conditional test of two Poisson rates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import binomtest, fisher_exact
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    test_proportions_2indep,
)

from rca.core.errors import ParameterError

__all__ = [
    "RateChange",
    "bh_qvalues",
    "compare_proportions",
    "newcombe_interval",
    "rate_change_poisson",
    "wilson_interval",
]


def wilson_interval(
    successes: np.ndarray | pd.Series | int, n: np.ndarray | pd.Series | int, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Return the Wilson score interval (lower, upper) for ``successes`` out of ``n``.

    Where ``n`` is 0 both bounds are NaN.
    """
    s = np.atleast_1d(np.asarray(successes, dtype=float))
    m = np.atleast_1d(np.asarray(n, dtype=float))
    lo = np.full(s.shape, np.nan)
    hi = np.full(s.shape, np.nan)
    ok = m > 0
    if ok.any():
        lo[ok], hi[ok] = proportion_confint(s[ok], m[ok], alpha=alpha, method="wilson")
    return lo, hi


def bh_qvalues(p: pd.Series | np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg q-values of ``p``; NaN p-values stay NaN and are not in the family."""
    p = np.asarray(p, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        q[ok] = multipletests(p[ok], method="fdr_bh")[1]
    return q


def newcombe_interval(
    c1: np.ndarray, n1: np.ndarray, c0: np.ndarray, n0: np.ndarray, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's interval of ``c1 / n1 - c0 / n0`` per row; NaN where either ``n`` is 0.

    statsmodels' ``confint_proportions_2indep(method="newcomb", compare="diff")``.
    """
    c1, n1, c0, n0 = (np.atleast_1d(np.asarray(a, dtype=float)) for a in (c1, n1, c0, n0))
    lo, hi = np.full(c1.shape, np.nan), np.full(c1.shape, np.nan)
    both = (n1 > 0) & (n0 > 0)
    if both.any():
        ci = confint_proportions_2indep(
            c1[both], n1[both], c0[both], n0[both], method="newcomb", compare="diff", alpha=alpha
        )
        lo[both], hi[both] = ci
    return lo, hi


def compare_proportions(
    c1: np.ndarray,
    n1: np.ndarray,
    c0: np.ndarray,
    n0: np.ndarray,
    *,
    tested: np.ndarray | None = None,
    exact_below: float = 5.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided p-value of ``c1 / n1`` vs ``c0 / n0`` per row, and the test used.

    Method: the score z-test without continuity correction (statsmodels'
    ``test_proportions_2indep(method="score")``), or Fisher's exact test (scipy) where the
    smallest expected cell count is below ``exact_below`` or zero. Rows not ``tested`` get NaN
    and ``"not tested"``.

    Returns
    -------
    (p, test)
        Arrays of p-values and of ``"z"`` / ``"fisher"`` / ``"not tested"``.
    """
    c1, n1, c0, n0 = (np.atleast_1d(np.asarray(a, dtype=float)) for a in (c1, n1, c0, n0))
    todo = np.ones(c1.shape, bool) if tested is None else np.asarray(tested, bool).copy()
    both = (n1 > 0) & (n0 > 0)
    todo &= both
    cols = np.minimum(c1 + c0, n1 + n0 - c1 - c0)
    expected = np.minimum(n1, n0) * cols / np.where(both, n1 + n0, 1.0)
    exact = todo & ((expected < exact_below) | (expected == 0))
    ztest = todo & ~exact
    p = np.full(c1.shape, np.nan)
    if ztest.any():
        # statsmodels also computes the ratio and odds ratio, unused here, which divide by zero
        # for a share of 0 or 1; the score statistic itself is finite (expected counts > 0).
        with np.errstate(divide="ignore", invalid="ignore"):
            p[ztest] = test_proportions_2indep(
                c1[ztest], n1[ztest], c0[ztest], n0[ztest],
                method="score", compare="diff", correction=False, return_results=True,
            ).pvalue  # fmt: skip
    for i in np.flatnonzero(exact):
        table_2x2 = np.array([[c1[i], n1[i] - c1[i]], [c0[i], n0[i] - c0[i]]], dtype=np.int64)
        p[i] = fisher_exact(table_2x2).pvalue
    test = np.select([~todo, exact], ["not tested", "fisher"], "z")
    return p, test


@dataclass(frozen=True)
class RateChange:
    """Result of `rate_change_poisson`.

    Events per unit of exposure in each period, their ratio (inf without previous events, NaN
    without any) with its exact conditional interval, and the two-sided p-value for equal rates.
    """

    rate_current: float
    rate_previous: float
    rate_ratio: float
    ratio_lo: float
    ratio_hi: float
    p_value: float


def rate_change_poisson(
    count_current: int,
    exposure_current: float,
    count_previous: int,
    exposure_previous: float,
    *,
    alpha: float = 0.05,
) -> RateChange:
    """Test whether a rare event's rate changed, when a share of rows is not meaningful.

    For counts of events (escalations, complaints about a bug) over an exposure (cases
    handled, days, agent-hours) rather than a share of audited rows.

    Parameters
    ----------
    count_current, count_previous
        Number of events in each period (non-negative integers).
    exposure_current, exposure_previous
        Exposure in each period (positive, in the same unit).
    alpha
        1 - confidence level of the rate-ratio interval.

    Returns
    -------
    RateChange
        Rates, rate ratio with its interval, and the p-value (1.0 when there are no events).

    Raises
    ------
    ParameterError
        A count is negative or not whole, or an exposure is not positive and finite.

    Notes
    -----
    Method: the exact conditional test. Given the total ``k = count_current + count_previous``,
    under equal rates ``count_current ~ Binomial(k, π₀)`` with ``π₀ = exposure_current /
    (exposure_current + exposure_previous)``; the p-value is scipy's ``binomtest`` (two-sided,
    summing outcomes no more likely than the one observed, as statsmodels'
    ``test_poisson_2indep(method="exact-cond")``). The Clopper-Pearson interval of π maps to the
    rate ratio by ``π / (1 - π) · exposure_previous / exposure_current``.

    References
    ----------
    Przyborowski, J. & Wilenski, H. (1940). Homogeneity of results in testing samples from
    Poisson series. *Biometrika* 31, 313-323.
    Gu, K., Ng, H. K. T., Tang, M. L. & Schucany, W. R. (2008). Testing the ratio of two Poisson
    rates. *Biometrical Journal* 50(2), 283-298.
    """
    counts = (count_current, count_previous)
    if any(not float(c).is_integer() or c < 0 for c in counts):
        raise ParameterError(f"counts must be non-negative integers, got {counts}")
    exposures = (exposure_current, exposure_previous)
    if not all(math.isfinite(e) and e > 0 for e in exposures):
        raise ParameterError(f"exposures must be positive and finite, got {exposures}")
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha must be between 0 and 1, got {alpha}")
    c1, c0 = int(count_current), int(count_previous)
    e1, e0 = float(exposure_current), float(exposure_previous)
    rates = (c1 / e1, c0 / e0)
    if c1 + c0 == 0:
        return RateChange(*rates, math.nan, math.nan, math.nan, 1.0)
    test = binomtest(c1, c1 + c0, e1 / (e1 + e0))
    ci = test.proportion_ci(confidence_level=1 - alpha, method="exact")
    lo, hi = (_odds(p) * e0 / e1 for p in (ci.low, ci.high))
    ratio = rates[0] / rates[1] if c0 else math.inf
    return RateChange(*rates, ratio, lo, hi, float(test.pvalue))


def _odds(p: float) -> float:
    return math.inf if p >= 1 else p / (1 - p)
