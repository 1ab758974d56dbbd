"""Period-over-period changes in shares, with honest significance, and emerging / fading themes.

Pure functions: DataFrames in, DataFrames out. `share_changes` compares how often each item (a
theme, an error category, a macro...) occurs among a segment's rows in two periods; every row of
its result carries a confidence interval, a p-value and a Benjamini-Hochberg q-value, so a table
of hundreds of comparisons can be read without mistaking noise for a trend.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy.stats import binomtest, fisher_exact
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

from rca.errors import ParameterError

__all__ = [
    "ALL",
    "CHANGE_COLUMNS",
    "RateChange",
    "emerging_themes",
    "fading_themes",
    "rate_change_poisson",
    "share_changes",
]

#: ``segment`` and ``segment_value`` of the rows that compare all rows of the period.
ALL = "all"
#: Columns of `share_changes`' result, in order.
CHANGE_COLUMNS: tuple[str, ...] = (
    "segment", "segment_value", "item", "label", "n_current", "n_previous", "count_current",
    "count_previous", "share_current", "share_previous", "difference", "diff_lo", "diff_hi",
    "risk_ratio", "test", "p_value", "q_value", "small_n", "direction",
)  # fmt: skip


def share_changes(
    df: pd.DataFrame,
    *,
    item: str = "topic_id",
    period: str = "month",
    current: Hashable,
    previous: Hashable,
    segments: Sequence[str] = ("market", "queue", "team"),
    min_n: int = 30,
    exact_below: float = 5,
    alpha: float = 0.05,
    label: str | None = None,
) -> pd.DataFrame:
    """Compare each item's share of a segment's rows in the ``current`` vs ``previous`` period.

    For every item value × segment value (plus the whole table as segment ``"all"``), the share
    is ``count of rows with that item / all rows of the segment in the period``. Rows whose item is
    missing count in the denominator but are no item: filter ``df`` first to choose another base
    (e.g. ``df[~df["passed"]]`` for "share of failures", ``df[df["topic_id"].notna()]`` for "share
    of commented audits"). ``period`` may be any column with two values to compare: ``"month"``,
    ``"week"`` (pass week labels from `rca.kpis.add_period`), or a column splitting one group from
    the rest for an over-representation test.

    Parameters
    ----------
    df
        Rows to compare, with columns ``item``, ``period`` and each of ``segments``.
    item
        Categorical column whose values are compared (``topic_id``, ``error_category``...).
    period
        Column holding the period label.
    current, previous
        The two period labels to compare; both must have rows.
    segments
        Columns to break the comparison down by; rows with a missing segment value are left out
        of that breakdown only. ``()`` compares the whole table only.
    min_n
        Segments with fewer rows than this in either period get ``small_n = True``: they are
        reported (shares and interval) but not tested (``test = "not tested"``, no p- or q-value)
        and left out of the FDR family.
    exact_below
        Use Fisher's exact test instead of the z-test where any expected count of the 2×2 table
        is below this (Cochran's rule of thumb: 5).
    alpha
        1 - confidence level of the interval of the difference.
    label
        Column naming each item (first value per item is used). Defaults to ``topic_label``
        when ``item`` is ``topic_id`` and that column exists; otherwise the item itself.

    Returns
    -------
    DataFrame
        Columns `CHANGE_COLUMNS`: ``n_*`` rows of the segment and ``count_*`` rows with the item
        per period, ``share_*``, ``difference`` = share_current - share_previous with its
        interval ``diff_lo``/``diff_hi``, ``risk_ratio`` = share_current / share_previous (inf
        for an item absent before), ``test`` (``"z"``, ``"fisher"`` or ``"not tested"``),
        ``p_value``, ``q_value``, ``small_n`` and ``direction`` (``"up"``, ``"down"``, ``"flat"``,
        or ``"n/a"`` when a period has no rows in the segment). Sorted by q-value, then by
        absolute difference (largest first). Empty, with these columns, when no row has an item.

    Raises
    ------
    ParameterError
        A column is missing, ``current == previous``, a period has no rows, or a number is out
        of range.

    Notes
    -----
    Method. Interval: Newcombe's hybrid score interval for a difference of independent
    proportions (his method 10, built from two Wilson intervals), via statsmodels'
    ``confint_proportions_2indep(method="newcomb")``. Test: the two-sided pooled two-proportion
    z-test (statsmodels' ``test_proportions_2indep(method="score", correction=False)``, which
    equals ``proportions_ztest`` at a difference of 0), or Fisher's exact test (scipy) when an
    expected count is below ``exact_below``. Multiplicity: Benjamini-Hochberg q-values
    (``multipletests(method="fdr_bh")``); the family is *all tested items × segments in this
    call*, so q-values from two calls are not comparable and a narrower call has more power.
    Shares are compositional: when one item surges, the shares of the others in the same
    segment fall, so read "down" rows next to the "up" rows of their segment.

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. *Statistics in Medicine* 17(8), 873-890.
    Agresti, A. (2013). *Categorical Data Analysis*, 3rd ed., Wiley: §2.1 (z-test), §3.5 (Fisher).
    Cochran, W. G. (1954). Some methods for strengthening the common χ² tests. *Biometrics* 10.
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B* 57(1).
    """
    label = _check_share_args(df, item, period, current, previous, segments, min_n, alpha, label)
    rows = df[df[period].isin([current, previous])]
    when = rows[period].map({current: "current", previous: "previous"})
    pieces = [c for c in (_counts(rows, s, item, when) for s in (None, *segments)) if len(c)]
    if not pieces:
        return pd.DataFrame(columns=list(CHANGE_COLUMNS))
    table = pd.concat(pieces, ignore_index=True)
    table["label"] = _labels(rows, item, label, table["item"])
    _statistics(table, min_n=min_n, exact_below=exact_below, alpha=alpha)
    order = table.assign(_abs=table["difference"].abs()).sort_values(
        ["q_value", "_abs", "segment", "segment_value"],
        ascending=[True, False, True, True],
        na_position="last",
        kind="stable",
    )
    return table.loc[order.index, list(CHANGE_COLUMNS)].reset_index(drop=True)


def _check_share_args(
    df: pd.DataFrame,
    item: str,
    period: str,
    current: Hashable,
    previous: Hashable,
    segments: Sequence[str],
    min_n: int,
    alpha: float,
    label: str | None,
) -> str | None:
    if isinstance(segments, str):
        raise ParameterError(f"segments must be a sequence of column names, got {segments!r}")
    missing = [c for c in (item, period, *segments, label) if c and c not in df.columns]
    if missing:
        raise ParameterError(f"column(s) {missing} not in the table; it has {list(df.columns)}")
    if current == previous:
        raise ParameterError(f"current and previous are the same period ({current!r})")
    present = set(df[period].dropna().unique())
    for name, value in (("current", current), ("previous", previous)):
        if value not in present:
            shown = ", ".join(map(str, sorted(present, key=str)[-6:])) or "none"
            raise ParameterError(f"{name} {period} {value!r} has no rows; latest present: {shown}")
    if min_n < 1:
        raise ParameterError(f"min_n must be >= 1, got {min_n}")
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha must be between 0 and 1, got {alpha}")
    if label is None and item == "topic_id" and "topic_label" in df.columns:
        return "topic_label"
    return label


def _counts(rows: pd.DataFrame, segment: str | None, item: str, when: pd.Series) -> pd.DataFrame:
    """Segment totals and item counts per period, one row per segment value × item."""
    value = pd.Series(ALL, index=rows.index) if segment is None else rows[segment]
    frame = pd.DataFrame({"value": value, "item": rows[item], "period": when})
    frame = frame[frame["value"].notna()]
    totals = _by_period(frame.groupby(["value", "period"], observed=True).size())
    labelled = frame[frame["item"].notna()]
    counts = _by_period(labelled.groupby(["value", "item", "period"], observed=True).size())
    if counts.empty:
        return counts
    out = counts.reset_index().rename(columns={"value": "segment_value"})
    out[["n_current", "n_previous"]] = totals.loc[out["segment_value"]].to_numpy()
    out.insert(0, "segment", ALL if segment is None else segment)
    return out.rename(columns={"current": "count_current", "previous": "count_previous"})


def _by_period(sizes: pd.Series) -> pd.DataFrame:
    wide = sizes.unstack("period", fill_value=0).rename_axis(columns=None)
    return wide.reindex(columns=["current", "previous"], fill_value=0).astype("int64")


def _labels(rows: pd.DataFrame, item: str, label: str | None, items: pd.Series) -> pd.Series:
    if label is None:
        return items.astype(str)
    names = rows.dropna(subset=[item]).groupby(item, observed=True)[label].first()
    return items.map(names).fillna(items.astype(str)).astype(str)


def _statistics(table: pd.DataFrame, *, min_n: int, exact_below: float, alpha: float) -> None:
    """Add shares, interval, test, p/q-values and direction to ``table`` in place."""
    c1, n1 = table["count_current"].to_numpy(float), table["n_current"].to_numpy(float)
    c0, n0 = table["count_previous"].to_numpy(float), table["n_previous"].to_numpy(float)
    s1, s0 = _ratio(c1, n1), _ratio(c0, n0)
    table["share_current"], table["share_previous"] = s1, s0
    table["difference"] = s1 - s0
    table["risk_ratio"] = _ratio(s1, s0)
    both = (n1 > 0) & (n0 > 0)
    lo, hi = np.full(len(table), np.nan), np.full(len(table), np.nan)
    if both.any():
        ci = confint_proportions_2indep(
            c1[both], n1[both], c0[both], n0[both], method="newcomb", compare="diff", alpha=alpha
        )
        lo[both], hi[both] = ci
    table["diff_lo"], table["diff_hi"] = lo, hi
    small = (n1 < min_n) | (n0 < min_n)
    cols = np.minimum(c1 + c0, n1 + n0 - c1 - c0)
    expected = np.minimum(n1, n0) * cols / np.where(both, n1 + n0, 1.0)
    exact = ~small & ((expected < exact_below) | (expected == 0))
    ztest = ~small & ~exact
    p = np.full(len(table), np.nan)
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
    q = np.full(len(table), np.nan)
    if (~small).any():
        q[~small] = multipletests(p[~small], method="fdr_bh")[1]
    table["test"] = np.select([small, exact], ["not tested", "fisher"], "z")
    table["p_value"], table["q_value"], table["small_n"] = p, q, small
    diff = table["difference"].to_numpy()
    table["direction"] = np.select(
        [np.isnan(diff), diff > 0, diff < 0], ["n/a", "up", "down"], "flat"
    )


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` without warnings: NaN where either is NaN or both are 0, inf for x / 0."""
    out = np.full(num.shape, np.nan)
    ok = den > 0
    np.divide(num, den, out=out, where=ok)
    out[(den == 0) & (num > 0)] = np.inf
    return out


def emerging_themes(
    changes: pd.DataFrame,
    *,
    q_max: float = 0.05,
    min_current: int = 10,
    max_previous_share: float = 0.01,
    exclude: Sequence[Hashable] = (-1,),
) -> pd.DataFrame:
    """Themes that are new or were tiny in the previous period and grew significantly.

    Parameters
    ----------
    changes
        A `share_changes` result (usually with ``item="topic_id"``).
    q_max
        Keep rows with ``q_value < q_max``.
    min_current
        Keep rows with at least this many rows of the theme in the current period.
    max_previous_share
        Keep rows whose previous share was at most this (0 = the theme is new).
    exclude
        Items never reported (``-1``: comments no theme took).

    Returns
    -------
    DataFrame
        The matching rows of ``changes``, in its order (most significant first).

    Notes
    -----
    Method: a filter on `share_changes`' Benjamini-Hochberg q-values (Benjamini & Hochberg,
    1995, *JRSS B* 57(1)); the false discovery rate is controlled over the family of that call.
    """
    return _select(changes, "up", q_max, min_current, max_previous_share, exclude)


def fading_themes(
    changes: pd.DataFrame,
    *,
    q_max: float = 0.05,
    min_previous: int = 10,
    max_current_share: float = 0.01,
    exclude: Sequence[Hashable] = (-1,),
) -> pd.DataFrame:
    """Themes that were present in the previous period and shrank significantly to (almost) none.

    The mirror of `emerging_themes`: ``q_value < q_max``, at least ``min_previous`` rows of the
    theme in the previous period and a current share of at most ``max_current_share``.

    Parameters
    ----------
    changes
        A `share_changes` result.
    q_max, min_previous, max_current_share, exclude
        As in `emerging_themes`, with the periods swapped.

    Returns
    -------
    DataFrame
        The matching rows of ``changes``, in its order.

    Notes
    -----
    Method: a filter on Benjamini-Hochberg q-values (Benjamini & Hochberg, 1995, *JRSS B* 57(1)).
    """
    return _select(changes, "down", q_max, min_previous, max_current_share, exclude)


def _select(
    changes: pd.DataFrame,
    direction: Literal["up", "down"],
    q_max: float,
    min_count: int,
    max_other_share: float,
    exclude: Sequence[Hashable],
) -> pd.DataFrame:
    missing = [c for c in CHANGE_COLUMNS if c not in changes.columns]
    if missing:
        raise ParameterError(f"not a share_changes() table: column(s) {missing} missing")
    new, old = ("current", "previous") if direction == "up" else ("previous", "current")
    keep = (
        (changes["direction"] == direction)
        & (changes["q_value"] < q_max)
        & (changes[f"count_{new}"] >= min_count)
        & (changes[f"share_{old}"] <= max_other_share)
        & ~changes["item"].isin(list(exclude))
    )
    return changes[keep.fillna(False).astype(bool)].reset_index(drop=True)


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
