"""Calibration statistics: how far each auditor rates from the reference, drift, disputed items.

Pure functions on the long ``calibration`` table (one row per session, case, rubric item and
rater), DataFrames out. The reference of a rating is the expert's rating of the same case and
item (rows where ``is_expert`` is true) or, where no expert rated it, the consensus: the median of
the other raters. Agreement among raters (`agreement`, `pairwise_kappa`) lives in
`rca.stats.agreement` and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from rca.core.errors import ParameterError
from rca.stats.agreement import agreement, pairwise_kappa
from rca.stats.deviation import (
    CASE,
    REFERENCES,
    TEST_NAMES,
    TESTS,
    auditor_deviation,
    deviations,
    reference_deviations,
    scale_ranges,
)
from rca.stats.primitives import bh_qvalues
from rca.stats.ratings import ALL, NOTE_IDENTICAL, UNIT, check_ratings, select_item

__all__ = [
    "REFERENCES",
    "TESTS",
    "TEST_NAMES",
    "agreement",
    "auditor_deviation",
    "deviations",
    "disputed_items",
    "drift",
    "pairwise_kappa",
]


def _sessions(df: pd.DataFrame) -> pd.DataFrame:
    """Sessions in time order (by date, undated last, then id) with their position."""
    first = df.groupby("session_id")["session_date"].min().reset_index()
    first = first.sort_values(["session_date", "session_id"], na_position="last")
    return first.assign(session_index=np.arange(len(first)))


def drift(
    ratings: pd.DataFrame,
    *,
    item: str | None = None,
    reference: str = "auto",
    scales: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Each auditor's mean deviation per calibration session, and its trend over sessions.

    Method: deviations as in `deviations`, averaged within each case first (the case is the
    unit, as in `auditor_deviation`), then over the session's cases. With ``item`` the
    deviations are in that item's rating points; over all items (``item=None``) each is first
    divided by its item's scale range (`scale_ranges`), so 1-5 and pass/fail items weigh alike
    ("share of scale"). Sessions are numbered 0, 1, 2... in date order; the trend is the
    ordinary least-squares slope of the session means on that number (scipy ``linregress``),
    per session, with the two-sided p-value of "slope = 0" (the session is the unit of this
    test) and ``slope_q``, the Benjamini-Hochberg q over the auditors' slopes (one test per
    auditor: report a trend when q < 0.05). It needs at least three sessions; with fewer, or
    when the means never change, slope, p- or q-value is NaN.

    Parameters
    ----------
    ratings
        The ``calibration`` table.
    item
        One rubric item, or None for all items.
    reference
        ``"auto"``, ``"expert"`` or ``"consensus"`` (see `deviations`).
    scales
        As in `auditor_deviation`.

    Returns
    -------
    DataFrame
        ``auditor``, ``session_id``, ``session_date``, ``session_index``, ``n`` (cases),
        ``n_ratings``, ``mean_deviation``, ``unit`` (``"points"`` or ``"share of scale"``),
        ``slope``, ``slope_p``, ``slope_q`` (the last three repeated on each row of an
        auditor), ordered by auditor and session.

    References
    ----------
    Montgomery, D. C., Peck, E. A. & Vining, G. G. (2012). Introduction to Linear Regression
    Analysis, 5th ed., Wiley, ch. 2 (test of the slope). Benjamini, Y. & Hochberg, Y. (1995),
    JRSS B 57(1), 289-300.
    """
    whole = check_ratings(ratings)
    df = select_item(whole, item)
    dev = reference_deviations(df, reference)
    width = dev["item"].map(scale_ranges(whole, scales)["range"]).astype(float)
    dev["d"] = dev["deviation"] if item is not None else dev["deviation"] / width
    cases = (
        dev.groupby(["auditor", "session_id", CASE], sort=False)["d"]
        .agg(n_ratings="size", d="mean")
        .reset_index()
    )
    per = (
        cases.groupby(["auditor", "session_id"], sort=False)
        .agg(n=("d", "size"), n_ratings=("n_ratings", "sum"), mean_deviation=("d", "mean"))
        .reset_index()
    )
    per["unit"] = "points" if item is not None else "share of scale"
    per = per.merge(_sessions(df), on="session_id", how="left")
    per = per.sort_values(["auditor", "session_index"], ignore_index=True)
    per["slope"] = np.nan
    per["slope_p"] = np.nan
    for _, rows in per.groupby("auditor"):
        if len(rows) >= 3:
            fit = stats.linregress(rows["session_index"], rows["mean_deviation"])
            per.loc[rows.index, ["slope", "slope_p"]] = [fit.slope, fit.pvalue]
    slopes = per.drop_duplicates("auditor").set_index("auditor")["slope_p"]
    per["slope_q"] = per["auditor"].map(pd.Series(bh_qvalues(slopes), index=slopes.index))
    columns = ["auditor", "session_id", "session_date", "session_index", "n", "n_ratings",
               "mean_deviation", "unit", "slope", "slope_p", "slope_q"]  # fmt: skip
    return per[columns]


def disputed_items(
    ratings: pd.DataFrame,
    top_n: int = 5,
    *,
    level: str = "auto",
    n_boot: int = 500,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Rubric items ranked by how much raters disagree on them, most disputed first.

    Method: ``disagreement = 1 − α`` (Krippendorff's α from `agreement`, so items on different
    scales compare fairly); an item nobody ever disagreed on gets 0. Ties are broken by
    ``spread``, the mean over cases of the standard deviation of the ratings of a case (in the
    item's rating points, so only comparable between items on the same scale).

    Parameters
    ----------
    ratings
        The ``calibration`` table.
    top_n
        How many items to return.
    level, n_boot, seed
        Passed to `agreement`.

    Returns
    -------
    DataFrame
        ``rank``, ``item``, ``disagreement``, ``alpha``, ``alpha_lo``, ``alpha_hi``,
        ``percent_agreement``, ``fleiss_kappa``, ``spread``, ``level``, ``n_cases``,
        ``n_raters``, ``note``.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability.
    """
    if isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1:
        raise ParameterError(f"top_n must be a whole number >= 1, got {top_n!r}")
    table = agreement(ratings, level=level, n_boot=n_boot, seed=seed)
    table = table[table["item"] != ALL].copy()
    df = check_ratings(ratings)
    spread = df.groupby(UNIT)["rating"].std(ddof=1).groupby(level="item").mean()
    table["spread"] = table["item"].map(spread)
    identical = table["note"] == NOTE_IDENTICAL
    table["disagreement"] = (1 - table["alpha"]).mask(identical, 0.0)
    table = table.sort_values(
        ["disagreement", "spread", "item"], ascending=[False, False, True], na_position="last"
    ).head(top_n)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    columns = ["rank", "item", "disagreement", "alpha", "alpha_lo", "alpha_hi",
               "percent_agreement", "fleiss_kappa", "spread", "level", "n_cases", "n_raters",
               "note"]  # fmt: skip
    return table[columns].reset_index(drop=True)
