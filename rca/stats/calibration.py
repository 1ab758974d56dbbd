"""Calibration statistics: how far each auditor rates from the reference, drift, disputed items.

Pure functions on the long ``calibration`` table (one row per session, case, rubric item and
rater), DataFrames out. The reference of a rating is the expert's rating of the same case and
item (rows where ``is_expert`` is true) or, where no expert rated it, the consensus: the median of
the other raters. Agreement among raters (`agreement`, `pairwise_kappa`) lives in
`rca.stats.agreement` and is re-exported here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from rca.core.argument_checks import check_choice, check_fraction
from rca.core.errors import ParameterError
from rca.stats.agreement import agreement, pairwise_kappa
from rca.stats.evidence import row_ids
from rca.stats.primitives import wilson_interval
from rca.stats.ratings import ALL, NOTE_IDENTICAL, UNIT, check_ratings, select_item

__all__ = [
    "REFERENCES",
    "TESTS",
    "agreement",
    "auditor_deviation",
    "deviations",
    "disputed_items",
    "drift",
    "pairwise_kappa",
]

#: Accepted ``reference`` values: the expert where one rated the case, else the consensus.
REFERENCES: tuple[str, ...] = ("auto", "expert", "consensus")
#: Accepted ``test`` values of `auditor_deviation`.
TESTS: tuple[str, ...] = ("wilcoxon", "t")


def _loo_median(ratings: pd.Series) -> pd.Series:
    """Median of the *other* ratings of a unit, per rating; NaN with fewer than two others."""
    v = ratings.to_numpy(dtype=float)
    if len(v) < 3:
        return pd.Series(np.nan, index=ratings.index)
    others = np.where(np.eye(len(v), dtype=bool), np.nan, v[np.newaxis, :])
    return pd.Series(np.nanmedian(others, axis=1), index=ratings.index)


def _deviations(df: pd.DataFrame, reference: str) -> pd.DataFrame:
    """`deviations` on a table already passed through `check_ratings`."""
    check_choice("reference", reference, REFERENCES)
    if reference == "expert" and not df["is_expert"].any():
        raise ParameterError(
            "reference='expert' but no row has is_expert true; use reference='consensus'"
        )
    expert = df[df["is_expert"]].groupby(UNIT)["rating"].median().rename("expert_rating")
    consensus = df.groupby(UNIT)["rating"].transform(_loo_median)
    out = df.assign(consensus_rating=consensus).join(expert, on=UNIT)
    out = out[~out["is_expert"]]
    use_expert = out["expert_rating"].notna() & (reference != "consensus")
    out = out.assign(
        reference_rating=out["expert_rating"].where(use_expert, out["consensus_rating"]),
        reference=np.where(use_expert, "expert", "consensus"),
    )
    if reference == "expert":
        out = out[use_expert]
    out = out[out["reference_rating"].notna()]
    out = out.assign(deviation=out["rating"] - out["reference_rating"])
    columns = ["session_id", "session_date", "case_id", "item", "auditor", "rating",
               "reference_rating", "reference", "deviation"]  # fmt: skip
    return out[columns].reset_index(drop=True)


def deviations(ratings: pd.DataFrame, *, reference: str = "auto") -> pd.DataFrame:
    """Each auditor's rating next to its reference rating, and the difference.

    Method: ``deviation = rating − reference_rating``. With ``reference="auto"`` the reference
    is the expert's rating of the same case, item and session (the median if several experts
    rated it) and, where no expert did, the consensus: the median of the other raters' ratings
    (leave-one-out, at least two others). ``"expert"`` keeps only expert-rated units;
    ``"consensus"`` always uses the consensus. Expert rows are references, not rated here.

    Parameters
    ----------
    ratings
        The ``calibration`` table.
    reference
        ``"auto"``, ``"expert"`` or ``"consensus"``.

    Returns
    -------
    DataFrame
        ``session_id``, ``session_date``, ``case_id``, ``item``, ``auditor``, ``rating``,
        ``reference_rating``, ``reference`` (which one was used), ``deviation``; ratings without
        a reference (no expert and fewer than two other raters) are left out.

    References
    ----------
    Standard calibration practice in QA: compare each auditor with the expert ("gold") score.
    """
    return _deviations(check_ratings(ratings), reference)


def _test(d: np.ndarray, test: str) -> float:
    """Two-sided p-value of "no deviation": 1 if none at all, NaN under two ratings."""
    if len(d) < 2:
        return np.nan
    if not np.any(d):
        return 1.0
    if test == "wilcoxon":
        return float(stats.wilcoxon(d, zero_method="pratt").pvalue)
    if np.ptp(d) == 0:
        return 0.0
    return float(stats.ttest_1samp(d, 0.0).pvalue)


SUMMARY_COLUMNS = ["auditor", "item", "reference", "n", "mean_rating", "mean_reference",
                   "mean_deviation", "ci_lo", "ci_hi", "p_value", "direction", "n_binary",
                   "disagreement_rate", "disagreement_lo", "disagreement_hi",
                   "example_ids"]  # fmt: skip


def _summary(dev: pd.DataFrame, test: str, alpha: float) -> dict[str, Any]:
    """Mean deviation with its t interval and test, and the binary items' disagreement."""
    d = dev["deviation"].to_numpy(dtype=float)
    n = len(d)
    mean = float(d.mean()) if n else np.nan
    half = np.nan
    if n >= 2:
        half = float(stats.t.ppf(1 - alpha / 2, n - 1) * d.std(ddof=1) / np.sqrt(n))
    disagree = dev["disagree"].dropna()
    k, m = int(disagree.sum()), len(disagree)
    lo, hi = wilson_interval(k, m, alpha)
    return {
        "reference": "+".join(sorted(dev["reference"].unique())),
        "n": n,
        "mean_rating": dev["rating"].mean() if n else np.nan,
        "mean_reference": dev["reference_rating"].mean() if n else np.nan,
        "mean_deviation": mean,
        "ci_lo": mean - half,
        "ci_hi": mean + half,
        "p_value": _test(d, test),
        "n_binary": m,
        "disagreement_rate": k / m if m else np.nan,
        "disagreement_lo": float(lo[0]),
        "disagreement_hi": float(hi[0]),
        "example_ids": _cases(dev, mean),
    }


def _cases(dev: pd.DataFrame, mean: float) -> list[str]:
    """Cases rated off the reference in the direction of ``mean``, farthest first."""
    sign = float(np.sign(mean)) if pd.notna(mean) else 0.0
    off = dev[dev["deviation"] * sign > 0] if sign else dev[dev["deviation"] != 0]
    off = off.iloc[np.argsort(-off["deviation"].abs().to_numpy(), kind="stable")]
    return row_ids(off, "case_id")


def auditor_deviation(
    ratings: pd.DataFrame,
    *,
    reference: str = "auto",
    test: str = "wilcoxon",
    alpha: float = 0.05,
    min_effect: float = 0.2,
) -> pd.DataFrame:
    """Each auditor's mean deviation from the reference, per rubric item and overall (``ALL``).

    Method: deviations as in `deviations`. The interval is the t interval
    ``mean ± t(1 − α/2, n − 1) · s / √n``; the p-value tests "no deviation" with scipy's
    Wilcoxon signed-rank test (Pratt's treatment of zero differences, suited to many ties) or a
    one-sample t-test. ``direction`` is ``"lenient"`` when the mean deviation is at least
    ``min_effect`` *and* p < ``alpha``, ``"strict"`` for the mirror case, else ``"in line"``.
    For pass/fail items (two distinct values) the disagreement rate is the share of ratings
    that differ from the reference, with a Wilson interval; ratings whose consensus is a tie
    (median 0.5) are left out of it. ``ALL`` pools the items' deviations as they are (points
    on 1-5 items, 0/1 on pass/fail items).

    Parameters
    ----------
    ratings
        The ``calibration`` table.
    reference
        ``"auto"``, ``"expert"`` or ``"consensus"`` (see `deviations`).
    test
        ``"wilcoxon"`` or ``"t"``.
    alpha
        Significance level, also giving the (1 − alpha) intervals.
    min_effect
        Smallest mean deviation, in rating points, that counts as lenient or strict.

    Returns
    -------
    DataFrame
        ``auditor``, ``item``, ``reference``, ``n``, ``mean_rating``, ``mean_reference``,
        ``mean_deviation``, ``ci_lo``, ``ci_hi``, ``p_value``, ``direction``, ``n_binary``,
        ``disagreement_rate``, ``disagreement_lo``, ``disagreement_hi``, ``example_ids`` (the
        ``case_id`` of the cases rated off the reference in the direction of the mean
        deviation, farthest first, each once, at most `rca.stats.evidence.MAX_EVIDENCE_IDS`);
        per auditor the items sorted, then ``ALL``.

    References
    ----------
    Wilcoxon, F. (1945). Individual comparisons by ranking methods. Biometrics Bulletin 1(6),
    80-83. Pratt, J. W. (1959). Remarks on zeros and ties in the Wilcoxon signed rank
    procedures. JASA 54(287), 655-667.
    """
    check_choice("test", test, TESTS)
    alpha = check_fraction("alpha", alpha)
    if not isinstance(min_effect, int | float) or min_effect < 0:
        raise ParameterError(f"min_effect must be a number >= 0, got {min_effect!r}")
    df = check_ratings(ratings)
    dev = _deviations(df, reference)
    scales = df.groupby("item")["rating"].unique()
    binary = {item for item, values in scales.items() if len(values) <= 2}
    untied = [
        i in binary and r in scales[i]
        for i, r in zip(dev["item"], dev["reference_rating"], strict=True)
    ]
    dev["disagree"] = (dev["rating"] != dev["reference_rating"]).astype(float)
    dev["disagree"] = dev["disagree"].where(np.asarray(untied, dtype=bool))
    rows = []
    for auditor, mine in dev.groupby("auditor", sort=True):
        parts = [*mine.groupby("item", sort=True), (ALL, mine)]
        rows += [
            {"auditor": auditor, "item": item, **_summary(part, test, alpha)}
            for item, part in parts
        ]
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    significant = out["p_value"] < alpha
    out["direction"] = np.select(
        [significant & (out["mean_deviation"] >= min_effect),
         significant & (out["mean_deviation"] <= -min_effect)],
        ["lenient", "strict"],
        "in line",
    )  # fmt: skip
    return out


def _sessions(df: pd.DataFrame) -> pd.DataFrame:
    """Sessions in time order (by date, undated last, then id) with their position."""
    first = df.groupby("session_id")["session_date"].min().reset_index()
    first = first.sort_values(["session_date", "session_id"], na_position="last")
    return first.assign(session_index=np.arange(len(first)))


def drift(
    ratings: pd.DataFrame, *, item: str | None = None, reference: str = "auto"
) -> pd.DataFrame:
    """Each auditor's mean deviation per calibration session, and its trend over sessions.

    Method: deviations as in `deviations` (over every item, or ``item`` only), averaged per
    auditor and session. Sessions are numbered 0, 1, 2... in date order; the trend is the
    ordinary least-squares slope of the session means on that number (scipy ``linregress``),
    in rating points per session, with the two-sided p-value of "slope = 0". It needs at least
    three sessions; with fewer, or when the means never change, slope or p-value is NaN.

    Parameters
    ----------
    ratings
        The ``calibration`` table.
    item
        One rubric item, or None for all items pooled.
    reference
        ``"auto"``, ``"expert"`` or ``"consensus"`` (see `deviations`).

    Returns
    -------
    DataFrame
        ``auditor``, ``session_id``, ``session_date``, ``session_index``, ``n``,
        ``mean_deviation``, ``slope``, ``slope_p`` (the last two repeated on each row of an
        auditor), ordered by auditor and session.

    References
    ----------
    Montgomery, D. C., Peck, E. A. & Vining, G. G. (2012). Introduction to Linear Regression
    Analysis, 5th ed., Wiley, ch. 2 (test of the slope).
    """
    df = select_item(check_ratings(ratings), item)
    dev = _deviations(df, reference)
    per = (
        dev.groupby(["auditor", "session_id"], sort=False)["deviation"]
        .agg(n="size", mean_deviation="mean")
        .reset_index()
    )
    per = per.merge(_sessions(df), on="session_id", how="left")
    per = per.sort_values(["auditor", "session_index"], ignore_index=True)
    per["slope"] = np.nan
    per["slope_p"] = np.nan
    for _, rows in per.groupby("auditor"):
        if len(rows) >= 3:
            fit = stats.linregress(rows["session_index"], rows["mean_deviation"])
            per.loc[rows.index, ["slope", "slope_p"]] = [fit.slope, fit.pvalue]
    columns = ["auditor", "session_id", "session_date", "session_index", "n", "mean_deviation",
               "slope", "slope_p"]  # fmt: skip
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
