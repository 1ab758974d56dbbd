"""Inter-rater agreement of calibration ratings: percent agreement, Fleiss' κ, Krippendorff's α.

Pure functions on the long ``calibration`` table (one row per session, case, rubric item and
rater). A *unit*, in Krippendorff's sense, is one case rated on one rubric item in one session.
Statistics come from statsmodels, scikit-learn and the ``krippendorff`` package; only Fleiss' κ
for cases with unequal numbers of raters and the cluster bootstrap are written here.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Literal, cast

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as _sm_fleiss_kappa

from rca.core.argument_checks import check_choice, check_fraction
from rca.core.errors import ParameterError
from rca.stats.ratings import (
    ALL,
    LEVELS,
    NOTE_IDENTICAL,
    UNIT,
    Level,
    check_ratings,
    choose_level,
    select_item,
)

__all__ = ["KAPPA_ESTIMATOR", "agreement", "fleiss_kappa", "pairwise_kappa"]


def _unit_counts(
    df: pd.DataFrame, min_raters: int = 2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count the values given to each unit rated at least ``min_raters`` times.

    Returns
    -------
    counts, domain, cases
        ``counts[u, v]`` raters gave unit ``u`` the value ``domain[v]`` (sorted values that
        occur); ``cases[u]`` is the code of the unit's case (``_case`` column).
    """
    unit = df.groupby(UNIT, sort=False).ngroup().to_numpy()
    domain, value = np.unique(df["rating"].to_numpy(dtype=float), return_inverse=True)
    counts = np.zeros((len(np.unique(unit)), len(domain)), dtype=int)
    np.add.at(counts, (unit, value), 1)
    cases = np.zeros(len(counts), dtype=int)
    cases[unit] = df["_case"].to_numpy()
    keep = counts.sum(axis=1) >= min_raters
    counts, cases = counts[keep], cases[keep]
    present = counts.sum(axis=0) > 0
    return counts[:, present], domain[present], cases


def _pair_agreement(counts: np.ndarray) -> np.ndarray:
    """Share of agreeing rater pairs in each unit: Σ_j n_j(n_j - 1) / (n(n - 1))."""
    n = counts.sum(axis=1).astype(float)
    return (counts * (counts - 1)).sum(axis=1) / (n * (n - 1))


#: The estimator behind the ``fleiss_kappa`` column, as the agreement table names it.
KAPPA_ESTIMATOR = "Fleiss' generalised kappa (Gwet 2014), missing ratings allowed"


def fleiss_kappa(counts: np.ndarray) -> float:
    """Fleiss' generalised κ (Gwet, 2014), for units rated by different numbers of raters.

    κ = (p_a − p_e) / (1 − p_e). p_a is the mean, over the units rated at least twice, of the
    share of agreeing rater pairs, Σ_k r_ik (r_ik − 1) / (r_i (r_i − 1)); p_e = Σ_k π_k², with
    π_k the mean over *all* units (also those rated once) of the unit's share of ratings in
    category k, r_ik / r_i. This is Gwet's handling of missing ratings (irrCAC
    ``fleiss.kappa.raw``), checked against its published value on ``cac.raw4raters``. With the
    same number of raters on every unit it is Fleiss' (1971) κ, and statsmodels'
    ``fleiss_kappa`` is called. (Pooling all ratings into π_k instead, as Fleiss' formula read
    with per-unit n_i would, gives a slightly different p_e when raters are missing.)

    Parameters
    ----------
    counts
        Units × categories counts, every unit rated at least once.

    Returns
    -------
    float
        κ, or NaN when no unit is rated twice or every rating falls in one category (p_e = 1).

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
    Bulletin 76(5), 378-382. Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed.,
    Advanced Analytics, ch. 2 and 5 (missing ratings); R package irrCAC.
    """
    counts = np.asarray(counts)
    per_unit = counts.sum(axis=1)
    counts, per_unit = counts[per_unit >= 1], per_unit[per_unit >= 1]
    pi = (counts / per_unit[:, np.newaxis]).mean(axis=0)
    p_exp = float((pi**2).sum())
    paired = per_unit >= 2
    if not paired.any() or np.isclose(p_exp, 1.0):
        return float("nan")
    if np.all(per_unit == per_unit[0]):
        return float(_sm_fleiss_kappa(counts, method="fleiss"))
    p_agree = float(_pair_agreement(counts[paired]).mean())
    return (p_agree - p_exp) / (1.0 - p_exp)


def _alpha(counts: np.ndarray, domain: np.ndarray, level: Level) -> float:
    """Krippendorff's α from value counts, NaN when fewer than two values occur."""
    if np.count_nonzero(counts.sum(axis=0)) < 2:
        return float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        value = krippendorff.alpha(
            value_counts=counts, value_domain=domain, level_of_measurement=level
        )
    return float(value)


@dataclass(frozen=True)
class _Units:
    """The units of one item rated at least twice: value counts, scale, case of each unit."""

    counts: np.ndarray
    domain: np.ndarray
    level: Level
    cases: np.ndarray


def _bootstrap(units: list[_Units], n_boot: int, seed: int | None) -> np.ndarray:
    """Return α of each item (columns) in ``n_boot`` resamples of the cases (rows).

    Cases are drawn with replacement by a seeded Generator; a case drawn k times brings each of
    its units k times, on every item.
    """
    cases, codes = np.unique(np.concatenate([u.cases for u in units]), return_inverse=True)
    bounds = np.cumsum([0, *(len(u.cases) for u in units)])
    rng = np.random.default_rng(seed)
    out = np.empty((n_boot, len(units)))
    for b in range(n_boot):
        times = np.bincount(rng.integers(0, len(cases), size=len(cases)), minlength=len(cases))
        for k, u in enumerate(units):
            rows = np.repeat(np.arange(len(u.counts)), times[codes[bounds[k] : bounds[k + 1]]])
            out[b, k] = _alpha(u.counts[rows], u.domain, u.level)
    return out


def _percentile(stats: np.ndarray, ci: float) -> tuple[float, float, str]:
    """Percentile interval of the defined bootstrap values, with a note when some were not."""
    ok = stats[np.isfinite(stats)]
    if len(ok) == 0:
        return np.nan, np.nan, "no resample had a defined α: no CI"
    tail = 100 * (1 - ci) / 2
    lo, hi = np.percentile(ok, [tail, 100 - tail])
    note = "" if len(ok) == len(stats) else f"CI from {len(ok)} of {len(stats)} resamples"
    return float(lo), float(hi), note


def _wide(df: pd.DataFrame) -> pd.DataFrame:
    """Units × raters matrix of ratings, keeping units rated at least twice (NaN = not rated)."""
    wide = df.pivot(index=UNIT, columns="auditor", values="rating")
    return wide[wide.notna().sum(axis=1) >= 2]


def _row(name: str, level: str, df: pd.DataFrame, cases: np.ndarray) -> dict[str, Any]:
    return {
        "item": name,
        "level": level,
        "n_cases": len(np.unique(cases)),
        "n_raters": df["auditor"].nunique(),
        "n_ratings": 0,
        "percent_agreement": np.nan,
        "fleiss_kappa": np.nan,
        "kappa_estimator": KAPPA_ESTIMATOR,
        "alpha": np.nan,
        "alpha_lo": np.nan,
        "alpha_hi": np.nan,
        "note": "",
    }


def _item_row(name: str, df: pd.DataFrame, level: str) -> tuple[dict[str, Any], _Units | None]:
    """Agreement row of one item, and its units when κ and α are defined."""
    counts, domain, cases = _unit_counts(df)
    lvl = choose_level(df["rating"]) if level == "auto" else cast(Level, level)
    row = _row(name, lvl, df, cases)
    row["n_ratings"] = int(counts.sum())
    if row["n_raters"] < 2:
        row["note"] = "fewer than two raters: agreement undefined"
        return row, None
    if len(counts) == 0:
        row["note"] = "no case rated by two or more raters: agreement undefined"
        return row, None
    row["percent_agreement"] = float(_pair_agreement(counts).mean())
    if len(domain) < 2:
        row["note"] = NOTE_IDENTICAL
        return row, None
    if len(counts) < 2:
        row["note"] = "one case only: chance agreement cannot be estimated"
        return row, None
    row["fleiss_kappa"] = fleiss_kappa(_unit_counts(df, min_raters=1)[0])
    row["alpha"] = _alpha(counts, domain, lvl)
    return row, _Units(counts, domain, lvl, cases)


def _overall_row(df: pd.DataFrame, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Build the ``ALL`` row: unweighted means of the items' statistics (see `agreement`)."""
    levels = {str(r["level"]) for r in rows}
    level = levels.pop() if len(levels) == 1 else "mixed"
    row = _row(ALL, level, df, _unit_counts(df)[2])
    row["n_ratings"] = sum(int(r["n_ratings"]) for r in rows)
    known = [r for r in rows if not pd.isna(r["percent_agreement"])]
    defined = [r for r in rows if not pd.isna(r["alpha"])]
    if known:
        row["percent_agreement"] = float(np.mean([r["percent_agreement"] for r in known]))
    if defined:
        row["fleiss_kappa"] = float(np.mean([r["fleiss_kappa"] for r in defined]))
        row["alpha"] = float(np.mean([r["alpha"] for r in defined]))
        row["note"] = f"mean over {len(defined)} of {len(rows)} items"
    else:
        row["note"] = "no item with a defined agreement"
    return row


def agreement(
    ratings: pd.DataFrame,
    *,
    level: str = "auto",
    n_boot: int = 500,
    ci: float = 0.95,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Agreement among raters per rubric item, and over all items (row ``"ALL"``).

    Method: a unit is a case rated on an item in a session; units rated by fewer than two raters
    are left out (but for the chance agreement of Fleiss' κ). *Percent agreement* is the share of
    rater pairs giving identical ratings, averaged over units. *Fleiss' κ* treats each distinct
    rating as a category; with raters missing on some units it is Gwet's generalisation
    (`fleiss_kappa`, ``kappa_estimator`` names it). *Krippendorff's α* = 1 − D_o / D_e at the
    item's level of measurement (``krippendorff`` package). Its CI is a percentile bootstrap over
    cases: ``n_boot`` times, the cases are drawn with replacement (seeded numpy Generator) and α
    recomputed (Zapf et al., 2016). The ``ALL`` row is the unweighted mean of the items' values
    (items on different scales, e.g. pass/fail and 1-5, cannot be pooled into one coefficient;
    pooling units of items with different means would also inflate α), its CI from the mean in each
    resample.

    Parameters
    ----------
    ratings
        The ``calibration`` table (``session_id``, ``case_id``, ``item``, ``auditor``,
        ``rating``; see `check_ratings`).
    level
        ``"nominal"``, ``"ordinal"``, ``"interval"`` or ``"auto"``, which decides per item:
        two distinct values are nominal (pass/fail), integer scales spanning up to 10 points
        ordinal (1-5, 0-10), anything else interval (`choose_level`).
    n_boot
        Bootstrap resamples for the CI of α (0 skips the CI).
    ci
        Confidence level of the interval.
    seed
        Seed of the numpy Generator; the same seed gives the same CI.

    Returns
    -------
    DataFrame
        ``item``, ``level``, ``n_cases``, ``n_raters``, ``n_ratings``, ``percent_agreement``,
        ``fleiss_kappa``, ``kappa_estimator``, ``alpha``, ``alpha_lo``, ``alpha_hi``, ``note``;
        items sorted, then ``ALL``. Where a statistic is undefined (one rater, one case, nobody
        ever disagreeing) it is NaN and ``note`` says why; an empty input gives an empty table.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
    Communication, University of Pennsylvania. Zapf, A. et al. (2016). Measuring inter-rater
    reliability for nominal data: which coefficients and confidence intervals are appropriate?
    BMC Medical Research Methodology 16, 93.
    """
    check_choice("level", level, LEVELS)
    check_fraction("ci", ci)
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 0:
        raise ParameterError(f"n_boot must be a whole number >= 0, got {n_boot!r}")
    df = check_ratings(ratings)
    df["_case"] = df.groupby(["session_id", "case_id"], sort=False).ngroup()
    rows: list[dict[str, Any]] = []
    rated: list[tuple[dict[str, Any], _Units]] = []
    for item, part in df.groupby("item", sort=True):
        row, units = _item_row(str(item), part, level)
        rows.append(row)
        if units is not None:
            rated.append((row, units))
    if rows:
        rows.append(_overall_row(df, rows))
    if rated and n_boot > 0:
        boot = _bootstrap([units for _, units in rated], n_boot, seed)
        targets = [row for row, _ in rated] + [rows[-1]]
        for row, stats in zip(targets, [*boot.T, boot.mean(axis=1)], strict=True):
            row["alpha_lo"], row["alpha_hi"], note = _percentile(stats, ci)
            row["note"] = "; ".join(n for n in (str(row["note"]), note) if n)
    columns = ["item", "level", "n_cases", "n_raters", "n_ratings", "percent_agreement",
               "fleiss_kappa", "kappa_estimator", "alpha", "alpha_lo", "alpha_hi",
               "note"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _pair_row(
    item: str,
    pair: tuple[str, str],
    x: np.ndarray,
    y: np.ndarray,
    domain: np.ndarray,
    weights: Literal["quadratic"] | None,
) -> dict[str, Any]:
    both = ~np.isnan(x) & ~np.isnan(y)
    x, y = x[both], y[both]
    row: dict[str, Any] = {
        "item": item,
        "rater_a": pair[0],
        "rater_b": pair[1],
        "n_shared": int(both.sum()),
        "percent_agreement": np.nan,
        "kappa": np.nan,
        "weights": weights or "none",
        "note": "",
    }
    if not both.any():
        row["note"] = "no shared cases"
        return row
    row["percent_agreement"] = float(np.mean(x == y))
    if len(np.union1d(x, y)) < 2:
        row["note"] = NOTE_IDENTICAL
        return row
    row["kappa"] = float(cohen_kappa_score(x, y, labels=domain, weights=weights))
    return row


def pairwise_kappa(
    ratings: pd.DataFrame, item: str | None = None, *, level: str = "auto"
) -> pd.DataFrame:
    """Cohen's κ for every pair of raters on each rubric item (or on ``item`` only).

    Method: scikit-learn's ``cohen_kappa_score`` on the cases both raters rated, with the item's
    full scale as labels. Ordinal and interval items use quadratic weights (the distance between
    two ratings is the squared difference of their ranks on the scale; for equally spaced
    scales such as 1-5 this is Cohen's 1968 weighted κ); nominal items are unweighted.

    Parameters
    ----------
    ratings
        The ``calibration`` table.
    item
        A single rubric item; None for every item.
    level
        As in `agreement`, deciding the weighting.

    Returns
    -------
    DataFrame
        ``item``, ``rater_a``, ``rater_b``, ``n_shared``, ``percent_agreement``, ``kappa``,
        ``weights``, ``note`` (why κ is NaN: no shared cases, or no disagreement possible).

    References
    ----------
    Cohen, J. (1968). Weighted kappa. Psychological Bulletin 70(4), 213-220.
    """
    check_choice("level", level, LEVELS)
    df = select_item(check_ratings(ratings), item)
    rows = []
    for name, part in df.groupby("item", sort=True):
        wide = _wide(part)
        domain = np.unique(part["rating"].to_numpy())
        lvl = choose_level(domain) if level == "auto" else level
        weights: Literal["quadratic"] | None = None if lvl == "nominal" else "quadratic"
        for a, b in itertools.combinations(sorted(wide.columns), 2):
            x, y = wide[a].to_numpy(dtype=float), wide[b].to_numpy(dtype=float)
            rows.append(_pair_row(str(name), (a, b), x, y, domain, weights))
    columns = ["item", "rater_a", "rater_b", "n_shared", "percent_agreement", "kappa",
               "weights", "note"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)
