"""How far each auditor rates from the reference, tested with the case as the unit.

`deviations` puts each auditor's rating next to its reference (the expert, else the consensus of
the other raters); `auditor_deviation` tests, per auditor and rubric item and over all items, if
the mean deviation is zero. Ratings of one case share the case and the expert's reading of it,
so they are not independent: every test here first averages an auditor's deviations within a
case and then tests the case means (one number per case). `rca.stats.calibration` re-exports
both functions; `scale_ranges` is shared with its `drift`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from pandas.core.groupby import SeriesGroupBy
from scipy import stats

from rca.core.argument_checks import check_choice, check_fraction
from rca.core.errors import ParameterError
from rca.stats.evidence import MAX_EVIDENCE_IDS
from rca.stats.primitives import bh_qvalues, wilson_interval
from rca.stats.ratings import ALL, UNIT, check_ratings

__all__ = [
    "CASE",
    "REFERENCES",
    "TESTS",
    "TEST_NAMES",
    "auditor_deviation",
    "case_test",
    "deviations",
    "reference_deviations",
    "scale_ranges",
]

#: Accepted ``reference`` values: the expert where one rated the case, else the consensus.
REFERENCES: tuple[str, ...] = ("auto", "expert", "consensus")
#: Accepted ``test`` values of `auditor_deviation`.
TESTS: tuple[str, ...] = ("t", "wilcoxon")
#: The ``test`` column's words for each accepted ``test``.
TEST_NAMES: dict[str, str] = {
    "t": "one-sample t on case means",
    "wilcoxon": "Wilcoxon signed-rank (Pratt) on case means",
}
#: The unit of every test: a case (all its ratings, in any session, count once).
CASE = "case_id"
_UNIT_POINTS, _UNIT_SHARE = "points", "share of scale"


def _loo_median(ratings: pd.Series) -> pd.Series:
    """Median of the *other* ratings of a unit, per rating; NaN with fewer than two others."""
    v = ratings.to_numpy(dtype=float)
    if len(v) < 3:
        return pd.Series(np.nan, index=ratings.index)
    others = np.where(np.eye(len(v), dtype=bool), np.nan, v[np.newaxis, :])
    return pd.Series(np.nanmedian(others, axis=1), index=ratings.index)


def reference_deviations(df: pd.DataFrame, reference: str) -> pd.DataFrame:
    """Return `deviations` of a table already passed through `check_ratings`."""
    check_choice("reference", reference, REFERENCES)
    if reference == "expert" and not df["is_expert"].any():
        raise ParameterError(
            "reference='expert' but no row has is_expert true; use reference='consensus'"
        )
    expert = df[df["is_expert"]].groupby(UNIT)["rating"].median().rename("expert_rating")
    consensus = pd.Series(np.nan, index=df.index)
    need = pd.Series(reference == "consensus", index=df.index)
    if reference == "auto":
        need = ~df.groupby(UNIT)["is_expert"].transform("any").astype(bool)
    if need.any():
        part = df[need]
        consensus[need] = part.groupby(UNIT)["rating"].transform(_loo_median)
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
    return reference_deviations(check_ratings(ratings), reference)


def scale_ranges(
    df: pd.DataFrame, scales: Mapping[str, tuple[float, float]] | None = None
) -> pd.DataFrame:
    """Lowest rating, highest rating and range of each item's scale.

    An item in ``scales`` (item -> (lowest, highest)) uses the given scale; any other item the
    lowest and highest rating anyone gave it in ``df`` (1-5 items rated 1 to 5 get range 4,
    pass/fail items rated 0/1 range 1). A range of 0 (one value only) is taken as 1: every
    deviation is then 0 anyway.

    Returns
    -------
    DataFrame
        Indexed by ``item``: ``low``, ``high``, ``range``.
    """
    out = df.groupby("item")["rating"].agg(low="min", high="max")
    for item, (low, high) in (scales or {}).items():
        if not high > low:
            raise ParameterError(f"scales: {item!r} needs lowest < highest, got {(low, high)}")
        if item in out.index:
            out.loc[item, ["low", "high"]] = [float(low), float(high)]
    width = out["high"] - out["low"]
    return out.assign(range=width.where(width > 0, 1.0))


def case_test(d: np.ndarray, test: str) -> float:
    """Two-sided p-value of "mean case deviation 0": 1 if all are 0, NaN under two cases."""
    if len(d) < 2:
        return np.nan
    if not np.any(d):
        return 1.0
    if test == "wilcoxon":
        return float(stats.wilcoxon(d, zero_method="pratt").pvalue)
    if np.ptp(d) == 0:
        return 0.0
    return float(stats.ttest_1samp(d, 0.0).pvalue)


def _t_table(d: SeriesGroupBy, alpha: float) -> pd.DataFrame:
    """Per group of ``d``: ``n``, ``mean``, t interval ``lo``/``hi`` and the t-test's ``p``.

    The same numbers as scipy's ``ttest_1samp`` and ``t.interval``, for every group at once;
    p is 1 when every value is 0, 0 when all are equal and not 0, NaN under two values.
    """
    out = d.agg(["size", "mean", "std", "min", "max"]).rename(columns={"size": "n"})
    se = out["std"] / np.sqrt(out["n"])
    df = (out["n"] - 1).where(out["n"] >= 2)
    half = stats.t.ppf(1 - alpha / 2, df) * se
    out["lo"], out["hi"] = out["mean"] - half, out["mean"] + half
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * stats.t.sf(np.abs(out["mean"] / se), df)
    constant = out["min"] == out["max"]
    out["p"] = np.where(constant, np.where(out["mean"] == 0, 1.0, 0.0), p)
    out.loc[out["n"] < 2, "p"] = np.nan
    return out


def _disagreement(cases: pd.DataFrame, keys: list[str], alpha: float) -> pd.DataFrame:
    """Binary ratings, share off the reference and its interval, each case counting once.

    ``cases`` holds per case ``k`` (binary ratings off the reference) and ``m`` (binary
    ratings). Where every case has one binary rating, the Wilson interval of k out of m; with
    several (the ``ALL`` row), the mean over cases of each case's share with a t interval,
    clipped to [0, 1].
    """
    rated = cases[cases["m"] > 0].assign(share=lambda x: x["k"] / x["m"])
    groups = rated.groupby(level=keys, sort=False)
    out = groups.agg(cases=("m", "size"), k=("k", "sum"), m=("m", "sum"), most=("m", "max"))
    shares = _t_table(groups["share"], alpha)
    lo, hi = wilson_interval(out["k"].to_numpy(), out["m"].to_numpy(), alpha)
    single = out["most"] == 1
    out["n_binary"] = out["m"].astype(int)
    out["disagreement_rate"] = shares["mean"]
    out["disagreement_lo"] = np.where(single, lo, shares["lo"].clip(lower=0.0))
    out["disagreement_hi"] = np.where(single, hi, shares["hi"].clip(upper=1.0))
    return out[["n_binary", "disagreement_rate", "disagreement_lo", "disagreement_hi"]]


SUMMARY_COLUMNS = ["auditor", "item", "reference", "n", "n_ratings", "mean_rating",
                   "mean_reference", "mean_deviation", "ci_lo", "ci_hi", "p_value", "q_value",
                   "direction", "test", "unit", "n_binary", "disagreement_rate",
                   "disagreement_lo", "disagreement_hi", "example_ids"]  # fmt: skip


def _summaries(frame: pd.DataFrame, unit: str, test: str, alpha: float) -> pd.DataFrame:
    """Return one row per auditor and ``item`` of ``frame``: its case means, tested.

    ``frame`` has the deviation ``d``, rating ``r`` and reference ``ref`` in the row's unit.
    """
    keys = ["auditor", "item"]
    frame = frame.assign(k=frame["disagree"], m=frame["disagree"].notna().astype(int))
    cases = frame.groupby([*keys, CASE], sort=False).agg(
        d=("d", "mean"), r=("r", "mean"), ref=("ref", "mean"), k=("k", "sum"), m=("m", "sum")
    )
    by = cases.groupby(level=keys, sort=True)
    t = _t_table(by["d"], alpha)
    out = pd.DataFrame({
        "n": t["n"], "mean_rating": by["r"].mean(), "mean_reference": by["ref"].mean(),
        "mean_deviation": t["mean"], "ci_lo": t["lo"], "ci_hi": t["hi"], "p_value": t["p"],
    })  # fmt: skip
    if test != "t":
        out["p_value"] = by["d"].agg(lambda d: case_test(d.to_numpy(dtype=float), test))
    per = frame.groupby(keys, sort=False)
    references = per["reference"].agg(["min", "max"])
    out["reference"] = references["min"].where(
        references["min"] == references["max"], references["min"] + "+" + references["max"]
    )
    out["n_ratings"] = per.size()
    out = out.join(_disagreement(cases, keys, alpha))
    out["n_binary"] = out["n_binary"].fillna(0).astype(int)
    out["example_ids"] = _examples(frame, out["mean_deviation"], keys)
    out["test"], out["unit"] = TEST_NAMES[test], unit
    return out.reset_index()


def _examples(frame: pd.DataFrame, mean: pd.Series, keys: list[str]) -> pd.Series:
    """Per group, the cases rated off the reference in the direction of its mean deviation.

    Farthest first (ties in table order), each case once, at most `MAX_EVIDENCE_IDS`.
    """
    sign = np.sign(frame.join(mean.rename("mean"), on=keys)["mean"].fillna(0.0))
    off = frame[np.where(sign != 0, frame["d"] * sign > 0, frame["d"] != 0)]
    off = off[off[CASE].notna()].assign(case=lambda x: x[CASE].astype(str))
    off = off.iloc[np.argsort(-off["d"].abs().to_numpy(), kind="stable")]
    off = off.drop_duplicates([*keys, "case"]).groupby(keys, sort=False).head(MAX_EVIDENCE_IDS)
    ids = off.groupby(keys, sort=False)["case"].agg(list)
    return pd.Series([ids.get(key, []) for key in mean.index], index=mean.index, dtype=object)


def _with_disagreement(df: pd.DataFrame, dev: pd.DataFrame) -> pd.DataFrame:
    """Add ``disagree`` (0/1 on pass/fail items, NaN elsewhere and on a tied consensus)."""
    scales = df.groupby("item")["rating"].unique()
    binary = {item for item, values in scales.items() if len(values) <= 2}
    untied = [
        i in binary and r in scales[i]
        for i, r in zip(dev["item"], dev["reference_rating"], strict=True)
    ]
    disagree = (dev["rating"] != dev["reference_rating"]).astype(float)
    return dev.assign(disagree=disagree.where(np.asarray(untied, dtype=bool)))


def _items_then_all(column: pd.Series) -> pd.Series:
    """Sort key: auditors by name, their items by name with ``ALL`` last."""
    if column.name != "item":
        return column.astype(str)
    return column.astype(str).where(column != ALL, "\uffff")


def auditor_deviation(
    ratings: pd.DataFrame,
    *,
    reference: str = "auto",
    test: str = "t",
    alpha: float = 0.05,
    min_effect: float = 0.2,
    min_share: float = 0.05,
    scales: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Each auditor's mean deviation from the reference, per rubric item and overall (``ALL``).

    Method: deviations as in `deviations`. **The case is the unit**: an auditor's ratings of one
    case share the case and the expert's reading of it, so they are not independent evidence. Per
    auditor and item, the auditor's deviations of a case are averaged (one per case unless the case
    was rated in several sessions), in the item's rating points. For ``ALL`` each deviation is
    first divided by its item's scale range (`scale_ranges`: 4 on a 1-5 item, 1 on a pass/fail
    item), so items on different scales weigh alike, then averaged within the case ("share of
    scale": +0.1 is a tenth of the scale above the reference). The case means are tested for a mean
    of 0 with a two-sided one-sample t-test (default), the interval is the t interval ``mean ± t(1
    − α/2, n − 1) · s / √n`` of the same case means, so the test and the interval always agree. Why
    t: it tests the mean, the effect reported; case means of ``ALL`` average several items and are
    close to continuous; and a simulation with no bias (tests/test_calibration_null.py) puts its
    false-positive rate at the nominal 5 % with 20 cases (5.2 %), where the old test of every
    rating as independent flagged 22 % of the unbiased auditors. ``test="wilcoxon"`` (Pratt's
    zeros) is offered for very skewed data; it tests the pseudo-median, not the mean, and its
    interval stays the t interval. A mixed model with a random case effect was not used: with one
    rating per case and item it estimates the same mean, and its Wald test with about 20 cases is
    anti-conservative.

    ``q_value`` is the Benjamini-Hochberg q over every row of the table (each auditor × item
    and ``ALL``; rows share the expert, a positive dependence under which BH keeps its level).
    ``direction`` is ``"lenient"`` when q < ``alpha`` and the mean deviation is at least
    ``min_effect`` points (``min_share`` of the scale on ``ALL``), ``"strict"`` for the mirror
    case, else ``"in line"``. For pass/fail items the disagreement rate is the share of ratings
    that differ from the reference (a tied consensus, median 0.5, left out), with a Wilson
    interval; on ``ALL`` it is averaged over cases first.

    Parameters
    ----------
    ratings
        The ``calibration`` table.
    reference
        ``"auto"``, ``"expert"`` or ``"consensus"`` (see `deviations`).
    test
        ``"t"`` or ``"wilcoxon"``.
    alpha
        Level of the q-values for ``direction``, also giving the (1 − alpha) intervals.
    min_effect
        Smallest mean deviation of an item, in rating points, that counts as lenient or strict.
    min_share
        The same for ``ALL``, in share of the scale (0.05 = 0.2 points on a 1-5 item).
    scales
        Item -> (lowest, highest) rating of its scale; other items use the ratings seen.

    Returns
    -------
    DataFrame
        ``auditor``, ``item``, ``reference``, ``n`` (cases, the unit of the test),
        ``n_ratings``, ``mean_rating``, ``mean_reference``, ``mean_deviation`` (mean of the case
        means; rating and reference averaged the same way and, on ``ALL``, placed on the scale
        from 0 = lowest to 1 = highest, so rating − reference = deviation), ``ci_lo``,
        ``ci_hi``, ``p_value`` (two-sided), ``q_value``, ``direction``, ``test``, ``unit``
        (``"points"``, or ``"share of scale"`` on ``ALL``), ``n_binary``,
        ``disagreement_rate``, ``disagreement_lo``, ``disagreement_hi``, ``example_ids`` (the
        ``case_id`` of the cases rated off the reference in the direction of the mean
        deviation, farthest first, at most `rca.stats.evidence.MAX_EVIDENCE_IDS`); per auditor
        the items sorted, then ``ALL``.

    References
    ----------
    Hurlbert, S. H. (1984). Pseudoreplication and the design of ecological field experiments.
    Ecological Monographs 54(2), 187-211. Benjamini, Y. & Hochberg, Y. (1995). Controlling the
    false discovery rate. JRSS B 57(1), 289-300. Pratt, J. W. (1959). Remarks on zeros and ties
    in the Wilcoxon signed rank procedures. JASA 54(287), 655-667.
    """
    check_choice("test", test, TESTS)
    alpha = check_fraction("alpha", alpha)
    for name, value in (("min_effect", min_effect), ("min_share", min_share)):
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ParameterError(f"{name} must be a number >= 0, got {value!r}")
    df = check_ratings(ratings)
    dev = _with_disagreement(df, reference_deviations(df, reference))
    if dev.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    scale = scale_ranges(df, scales)
    low, width = dev["item"].map(scale["low"]), dev["item"].map(scale["range"])
    points = dev.assign(d=dev["deviation"], r=dev["rating"], ref=dev["reference_rating"])
    share = dev.assign(
        d=dev["deviation"] / width,
        r=(dev["rating"] - low) / width,
        ref=(dev["reference_rating"] - low) / width,
    )
    parts = [_summaries(points, _UNIT_POINTS, test, alpha),
             _summaries(share.assign(item=ALL), _UNIT_SHARE, test, alpha)]  # fmt: skip
    out = pd.concat(parts, ignore_index=True).reindex(columns=SUMMARY_COLUMNS)
    out = out.sort_values(["auditor", "item"], key=_items_then_all, ignore_index=True)
    out["q_value"] = bh_qvalues(out["p_value"])
    clear = out["q_value"] < alpha
    floor = np.where(out["item"] == ALL, min_share, min_effect)
    out["direction"] = np.select(
        [clear & (out["mean_deviation"] >= floor), clear & (out["mean_deviation"] <= -floor)],
        ["lenient", "strict"],
        "in line",
    )
    return out
