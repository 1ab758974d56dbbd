"""Quality KPIs by segment, with Wilson confidence intervals and small-n flags.

Pure functions: DataFrames in, DataFrames out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from rca.stats.primitives import wilson_interval

__all__ = ["add_period", "kpis_by", "theme_shares"]


def add_period(df: pd.DataFrame, date_col: str = "audit_date") -> pd.DataFrame:
    """Return ``df`` with ``month`` (YYYY-MM) and ``week`` (ISO week start date) columns."""
    out = df.copy()
    dates = pd.to_datetime(out[date_col])
    out["month"] = dates.dt.strftime("%Y-%m")
    out["week"] = (dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.strftime("%Y-%m-%d")
    return out


def kpis_by(audits: pd.DataFrame, by: str | Sequence[str], min_n: int = 30) -> pd.DataFrame:
    """Compute audit KPIs per segment.

    Parameters
    ----------
    audits
        Validated audits (``passed``, optional ``score`` and ``critical_error``).
    by
        Column(s) to group by (e.g. ``"month"``, ``["team", "month"]``).
    min_n
        Segments with fewer audits get ``small_n = True`` (show them flagged, never as solid).

    Returns
    -------
    DataFrame
        One row per segment: ``n``, ``pass_rate`` with ``pass_lo``/``pass_hi`` (Wilson 95 %),
        ``mean_score``, ``critical_rate`` with its interval, ``small_n``.
    """
    keys = [by] if isinstance(by, str) else list(by)
    df = audits.copy()
    df["_pass"] = df["passed"].astype("float")
    df["_crit"] = df["critical_error"].astype("float") if "critical_error" in df else np.nan
    df["_score"] = df["score"].astype("float") if "score" in df else np.nan
    g = df.groupby(keys, dropna=False, observed=True)
    out = g.agg(
        n=("_pass", "size"),
        passes=("_pass", "sum"),
        n_pass_known=("_pass", "count"),
        mean_score=("_score", "mean"),
        crit=("_crit", "sum"),
        n_crit_known=("_crit", "count"),
    ).reset_index()
    out["pass_rate"] = out["passes"] / out["n_pass_known"].replace(0, np.nan)
    out["pass_lo"], out["pass_hi"] = wilson_interval(out["passes"], out["n_pass_known"])
    out["critical_rate"] = out["crit"] / out["n_crit_known"].replace(0, np.nan)
    out["critical_lo"], out["critical_hi"] = wilson_interval(out["crit"], out["n_crit_known"])
    out["small_n"] = out["n"] < min_n
    cols = [*keys, "n", "pass_rate", "pass_lo", "pass_hi", "mean_score", "critical_rate",
            "critical_lo", "critical_hi", "small_n"]  # fmt: skip
    return out[cols]


def theme_shares(
    audits: pd.DataFrame, month: str, previous: str | None = None, top_n: int = 10
) -> pd.DataFrame:
    """Share of audit comments in each theme in ``month`` vs ``previous`` month.

    Returns
    -------
    DataFrame
        ``theme_id``, ``theme_label``, (``root_cause``), ``n``, ``share``, ``previous_share``,
        ``change`` (points),
        largest themes first; unassigned comments are excluded from the list but count in shares.
    """
    df = audits[audits["theme_id"].notna()]
    cur = df[df["month"] == month]
    total = max(len(cur), 1)
    keys = ["theme_id", "theme_label"] + (["root_cause"] if "root_cause" in cur else [])
    counts = cur.groupby(keys).size().rename("n").reset_index()
    counts["share"] = counts["n"] / total
    if previous is not None:
        prev = df[df["month"] == previous]
        prev_share = prev.groupby("theme_id").size() / max(len(prev), 1)
        counts["previous_share"] = counts["theme_id"].map(prev_share).fillna(0.0)
    else:
        counts["previous_share"] = np.nan
    counts["change"] = counts["share"] - counts["previous_share"]
    counts = counts[counts["theme_id"] != -1]
    return (
        counts.sort_values(["n", "theme_id"], ascending=[False, True])
        .head(top_n)
        .reset_index(drop=True)
    )
