"""How much each theme costs: its impact on a KPI, with an interval, and its change.

Feedback-analytics tools define a theme's *impact* on a KPI as the KPI of all items minus the
KPI recomputed without the theme's items: how much better (or worse) the month would look if the
theme's items had never happened. `theme_impact` computes it for every theme at once, with a
delta-method interval, a test and Benjamini-Hochberg q-values; `impact_change` compares it with
the previous month. Pure functions: DataFrames in, DataFrames out.

Sign convention: ``impact = KPI(all) - KPI(without the theme)``, in the KPI's own units (a share
0-1 for rates, points for scores and ratings). A theme whose items are worse than the rest has a
*negative* impact on a KPI where higher is better (pass rate, average score, average rating) and
a *positive* one on the critical-error rate, where lower is better. ``harm`` orients every KPI
the same way: ``harm = -impact`` where higher is better, ``harm = impact`` where lower is better,
so "largest harm" is always "worst for the business" and ``harm > 0`` means the theme drags the
KPI the wrong way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from rca.core.argument_checks import require_columns
from rca.core.errors import ParameterError
from rca.stats.primitives import bh_qvalues

__all__ = [
    "CHANGE_COLUMNS",
    "IMPACT_COLUMNS",
    "KPIS",
    "UNASSIGNED",
    "Kpi",
    "impact_change",
    "theme_impact",
]

#: Theme id of items no theme took (BERTopic's outliers).
UNASSIGNED = -1


@dataclass(frozen=True)
class Kpi:
    """A KPI `theme_impact` knows: the column it averages and which way is good."""

    column: str
    higher_is_better: bool
    name: str
    #: ``"rate"`` (a 0/1 column, shown in % and points) or ``"mean"`` (shown in its own units).
    unit: str


#: KPIs by name: the mean of ``column`` over the items where it is known.
KPIS: dict[str, Kpi] = {
    "pass_rate": Kpi("passed", True, "pass rate", "rate"),
    "mean_score": Kpi("score", True, "average score", "mean"),
    "critical_rate": Kpi("critical_error", False, "critical-error rate", "rate"),
    "mean_rating": Kpi("rating", True, "average rating", "mean"),
}
#: Columns of `theme_impact`'s result, in order (``root_cause`` NaN when the input lacks it).
IMPACT_COLUMNS: tuple[str, ...] = (
    "kpi", "theme_id", "theme_label", "root_cause", "n", "n_all", "share", "kpi_theme",
    "kpi_all", "kpi_without", "impact", "impact_se", "impact_lo", "impact_hi", "harm",
    "harm_lo", "harm_hi", "p_value", "q_value", "small_n", "driver",
)  # fmt: skip
#: Columns `impact_change` adds.
CHANGE_COLUMNS: tuple[str, ...] = (
    "previous_n", "previous_impact", "impact_change", "change_lo", "change_hi", "harm_change",
)  # fmt: skip


def theme_impact(
    df: pd.DataFrame,
    kpi: str,
    *,
    theme_col: str = "theme_id",
    label_col: str | None = "theme_label",
    min_n: int = 10,
    alpha: float = 0.05,
    include_unassigned: bool = False,
) -> pd.DataFrame:
    """Impact of each theme on a KPI: KPI of all items minus the KPI without the theme's items.

    Parameters
    ----------
    df
        The period's items (e.g. one month's audits), with the KPI's column (`KPIS`) and
        ``theme_col``. Items whose KPI value is missing are left out everywhere. Items without
        a theme (NA: no text) and unassigned items (`UNASSIGNED`) count in "all items" and in
        every "without the theme", but are no theme themselves.
    kpi
        A name of `KPIS`: ``pass_rate``, ``mean_score``, ``critical_rate``, ``mean_rating``.
    theme_col
        Column holding each item's theme (``theme_id``; ``root_cause`` groups by cause).
    label_col
        Column naming each theme (first value per theme); ``root_cause`` is carried along too
        when present. None: the theme itself.
    min_n
        Themes with fewer items get ``small_n = True``: reported with their interval, but not
        tested (no p- or q-value) and never a ``driver``.
    alpha
        1 - confidence level of the interval, and the q-value threshold of ``driver``.
    include_unassigned
        Also report unassigned items (`UNASSIGNED`) as a row of their own.

    Returns
    -------
    DataFrame
        `IMPACT_COLUMNS`, one row per theme, most harmful first: ``n`` items of the theme and
        ``n_all`` of the period (value known), ``share`` = n / n_all, the KPI over the theme's
        items (``kpi_theme``), all items (``kpi_all``) and the others (``kpi_without``),
        ``impact`` = kpi_all - kpi_without with its standard error and interval, ``harm`` (the
        impact oriented so that larger is worse, see the module docstring) with its interval,
        ``p_value`` (impact = 0), ``q_value`` (Benjamini-Hochberg over the tested themes of this
        call), ``small_n`` and ``driver`` (harm > 0 and q < alpha: the theme clearly drags the
        KPI the wrong way). A theme covering every item has no "without" and NaN impact. Empty,
        with these columns, when no item has both a value and a theme.

    Raises
    ------
    ParameterError
        Unknown ``kpi``, a column missing, or a number out of range.

    Notes
    -----
    Method. With ``N`` items, a theme's ``n`` items with mean ``m_t`` and the other ``N - n``
    with mean ``m_r``, the share ``p = n / N`` and ``m_all = p·m_t + (1-p)·m_r``::

        impact = m_all - m_r = p·(m_t - m_r) = p / (1 - p) · (m_t - m_all)

    so every theme's impact comes from three sums per theme (count, sum, sum of squares) at
    once. Interval: delta method, treating the items as a sample of the period's process
    (rows i.i.d., the theme's share random). The influence function of ``p·(m_t - m_r)`` is
    ``(y - m_all)`` on a theme item and ``(y - m_all) - (y - m_r) / (1 - p)`` on any other, so
    ``se² = Σ IF² / N²`` (the plug-in variance, as a nonparametric bootstrap estimates it;
    `tests/test_impact.py` checks it against scipy's bootstrap). The interval is
    ``impact ± z·se``, the test the Wald z-test of impact = 0; both need a moderately large
    theme, hence ``min_n``. For a 0/1 KPI the impact is a difference of proportions with the
    share of the theme as a weight.

    References
    ----------
    Oehlert, G. W. (1992). A note on the delta method. *The American Statistician* 46(1), 27-29.
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*, Chapman & Hall,
    §21 (influence functions and the nonparametric delta method).
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B* 57(1).
    """
    spec = _check(df, kpi, theme_col, label_col, min_n, alpha)
    rows = df[df[spec.column].notna()]
    y = rows[spec.column].astype(float).to_numpy()
    theme = rows[theme_col]
    has_theme = theme.notna().to_numpy(dtype=bool, copy=True)
    if not include_unassigned:
        has_theme &= (theme != UNASSIGNED).fillna(False).to_numpy(dtype=bool)
    if not has_theme.any():
        return pd.DataFrame(columns=list(IMPACT_COLUMNS))
    n_all, total, total_sq = len(y), y.sum(), (y**2).sum()
    frame = pd.DataFrame({"t": theme.array[has_theme], "y": y[has_theme]})
    frame["y2"] = frame["y"] ** 2
    sums = frame.groupby("t", sort=True).agg(n=("y", "size"), s=("y", "sum"), s2=("y2", "sum"))
    out = _impacts(sums, n_all, total, total_sq)
    out = out.assign(kpi=kpi, theme_id=sums.index.array)
    out["theme_label"] = _names(rows, theme_col, label_col, sums.index)
    if "root_cause" in rows and theme_col != "root_cause":
        out["root_cause"] = _names(rows, theme_col, "root_cause", sums.index)
    elif theme_col == "root_cause":
        out["root_cause"] = out["theme_id"].astype(str)
    z = norm.ppf(1 - alpha / 2)
    out["impact_lo"] = out["impact"] - z * out["impact_se"]
    out["impact_hi"] = out["impact"] + z * out["impact_se"]
    sign = -1.0 if spec.higher_is_better else 1.0
    out["harm"] = sign * out["impact"]
    bounds = (sign * out["impact_lo"], sign * out["impact_hi"])
    out["harm_lo"], out["harm_hi"] = np.minimum(*bounds), np.maximum(*bounds)
    out["small_n"] = out["n"] < min_n
    tested = ~out["small_n"] & out["impact_se"].notna() & (out["theme_id"] != UNASSIGNED)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.abs((out["impact"] / out["impact_se"]).to_numpy(float))
    p = np.where(tested, 2 * norm.sf(stat), np.nan)
    p[tested.to_numpy() & (out["impact_se"] == 0).to_numpy()] = 1.0  # no variation at all
    out["p_value"], out["q_value"] = p, bh_qvalues(p)
    out["driver"] = (out["harm"] > 0) & (out["q_value"] < alpha)
    out = out.sort_values(["harm", "theme_id"], ascending=[False, True], na_position="last")
    return out.reindex(columns=list(IMPACT_COLUMNS)).reset_index(drop=True)


def _check(
    df: pd.DataFrame, kpi: str, theme_col: str, label_col: str | None, min_n: int, alpha: float
) -> Kpi:
    if kpi not in KPIS:
        raise ParameterError(f"unknown kpi {kpi!r}; expected one of {', '.join(KPIS)}")
    spec = KPIS[kpi]
    require_columns(df, [spec.column, theme_col, *([label_col] if label_col else [])], "items")
    if min_n < 1:
        raise ParameterError(f"min_n must be >= 1, got {min_n}")
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha must be between 0 and 1, got {alpha}")
    return spec


def _impacts(sums: pd.DataFrame, n_all: int, total: float, total_sq: float) -> pd.DataFrame:
    """Impact and its delta-method standard error per theme, from the theme's sums (vectorised).

    ``sums`` has the theme's ``n``, ``s`` (sum of values) and ``s2`` (sum of squares).
    """
    n, s, s2 = (sums[c].to_numpy(float) for c in ("n", "s", "s2"))
    big_n = float(n_all)
    m_all = total / big_n
    rest_n, rest_s, rest_s2 = big_n - n, total - s, total_sq - s2
    with np.errstate(divide="ignore", invalid="ignore"):
        m_t = s / n
        m_r = np.where(rest_n > 0, rest_s / rest_n, np.nan)
        p = n / big_n
        impact = m_all - m_r
        # Σ IF² over the theme's items: Σ (y - m_all)²
        inside = s2 - 2 * m_all * s + n * m_all**2
        # over the others: IF = c1·y + c0, c1 = 1 - 1/(1-p), c0 = m_r/(1-p) - m_all
        c1 = 1 - 1 / (1 - p)
        c0 = m_r / (1 - p) - m_all
        outside = c1**2 * rest_s2 + 2 * c1 * c0 * rest_s + rest_n * c0**2
        se = np.sqrt(np.clip(inside + outside, 0, None)) / big_n
    se = np.where(rest_n > 0, se, np.nan)
    return pd.DataFrame(
        {"n": n.astype("int64"), "n_all": n_all, "share": p, "kpi_theme": m_t, "kpi_all": m_all,
         "kpi_without": m_r, "impact": impact, "impact_se": se}
    )  # fmt: skip


def _names(rows: pd.DataFrame, col: str, label: str | None, themes: pd.Index) -> np.ndarray:
    if label is None or label == col:
        return themes.astype(str).to_numpy()
    first = rows.dropna(subset=[col]).groupby(col, sort=True)[label].first()
    named = pd.Series(themes, index=themes).map(first)
    fallback = pd.Series(themes.astype(str), index=themes)
    if col == "theme_id":
        fallback = fallback.where(themes != UNASSIGNED, "Unassigned")
    return named.where(named.notna(), fallback).astype(str).to_numpy()


def impact_change(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    *,
    on: str = "theme_id",
    keys: tuple[str, ...] = (),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Add each theme's change in impact since the previous period to ``current``.

    Parameters
    ----------
    current, previous
        `theme_impact` results of the two periods (``previous`` may be empty: no earlier data).
        Compute ``previous`` with ``include_unassigned`` and ``min_n`` as ``current``.
    on
        Column matching a theme across the periods. ``theme_id`` when both periods come from one
        theme model (a workspace fits its themes once over every month, as the month-over-month
        share changes of `rca.stats.trends.share_changes` assume); ``theme_label`` or
        ``root_cause`` when each period was themed separately.
    keys
        Columns besides the KPI that both rows must share (e.g. a segment).
    alpha
        1 - confidence level of the change's interval.

    Returns
    -------
    DataFrame
        ``current`` with `CHANGE_COLUMNS`: the theme's items last period (``previous_n``, 0 when
        it had none), its impact then (``previous_impact``: 0 for a theme without items, which
        removes nothing; NaN when the previous period has no data for the KPI),
        ``impact_change`` = impact - previous_impact with its interval, and ``harm_change``
        (larger = got worse for the business).

    Notes
    -----
    The periods are independent samples, so ``se(change)² = se(now)² + se(before)²``
    (delta-method standard errors of `theme_impact`; 0 for a theme absent last period) and the
    interval is ``change ± z·se``. When ``on`` is not unique in ``previous`` (two themes with one
    label), their impacts are not additive, so the change is NaN for that theme.
    """
    need = [on, *keys, "kpi", "n", "impact", "impact_se"]
    require_columns(current, need, "current impacts")
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha must be between 0 and 1, got {alpha}")
    out = current.drop(columns=[c for c in CHANGE_COLUMNS if c in current])
    if out.empty:
        return out.reindex(columns=[*out.columns, *CHANGE_COLUMNS])
    period_keys = list(dict.fromkeys(["kpi", *keys]))
    match = list(dict.fromkeys([*period_keys, on]))
    before = previous.reindex(columns=[*match, "n", "impact", "impact_se"])
    before = before.astype({"n": float, "impact": float, "impact_se": float})
    dup = before.duplicated(match, keep=False)
    before = before.assign(impact=before["impact"].where(~dup),
                           impact_se=before["impact_se"].where(~dup))  # fmt: skip
    before = before.drop_duplicates(match).rename(
        columns={"n": "previous_n", "impact": "previous_impact", "impact_se": "_se0"}
    )
    merged = out.merge(before, on=match, how="left", validate="many_to_one")
    # a theme without items last period removes nothing: impact 0, when the period has data
    periods = previous.reindex(columns=period_keys).drop_duplicates().assign(_known=True)
    known = merged[period_keys].merge(periods, on=period_keys, how="left")["_known"]
    absent = merged["previous_n"].isna().to_numpy() & known.notna().to_numpy()
    merged["previous_n"] = merged["previous_n"].fillna(0).astype("int64")
    merged.loc[absent, ["previous_impact", "_se0"]] = 0.0
    merged["impact_change"] = merged["impact"] - merged["previous_impact"]
    se = np.sqrt(merged["impact_se"] ** 2 + merged["_se0"] ** 2)
    z = norm.ppf(1 - alpha / 2)
    merged["change_lo"] = merged["impact_change"] - z * se
    merged["change_hi"] = merged["impact_change"] + z * se
    sign = merged["kpi"].map(lambda k: -1.0 if KPIS[str(k)].higher_is_better else 1.0)
    merged["harm_change"] = sign * merged["impact_change"]
    return merged.drop(columns="_se0").set_axis(out.index)
