"""Quality KPIs by segment, with Wilson confidence intervals and small-n flags.

Pure functions: DataFrames in, DataFrames out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from rca.stats.primitives import compare_proportions, newcombe_interval, wilson_interval

__all__ = ["KPI_CHANGE_COLUMNS", "add_period", "kpi_changes", "kpis_by", "theme_shares"]

#: Columns of `kpi_changes` (the findings step adds ``q_value``, ``clear`` and ``verdict``).
KPI_CHANGE_COLUMNS: tuple[str, ...] = (
    "kpi", "current", "previous", "n_current", "n_previous", "difference", "diff_lo", "diff_hi",
    "p_value", "test",
)  # fmt: skip
#: Test names of `kpi_changes`, by what `compare_proportions` used.
_RATE_TESTS = {"z": "two-proportion z", "fisher": "Fisher exact", "not tested": "not tested"}


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


def kpi_changes(
    audits: pd.DataFrame,
    *,
    current: str,
    previous: str,
    feedback: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Test each headline KPI of ``current`` against ``previous`` (month vs month).

    Method: rates (``pass_rate``: ``passed``; ``critical_rate``: ``critical_error``) by the
    two-proportion score z-test without continuity correction, or Fisher's exact test when an
    expected cell count is below 5 (`rca.stats.primitives.compare_proportions`), with Newcombe's
    95 % interval of the difference; means (``mean_score``: audit ``score``; ``mean_rating``:
    feedback ``rating``) by Welch's t-test (scipy ``ttest_ind(equal_var=False)``) with its 95 %
    interval. Rows without a value are left out of each KPI; a KPI whose column is missing, or
    with fewer than two values in a month (means) or none (rates), is not tested (NaN p-value,
    ``test = "not tested"``).

    Parameters
    ----------
    audits
        Audits with ``month`` and ``passed``; ``score`` and ``critical_error`` when present.
    current, previous
        Months ``YYYY-MM``.
    feedback
        Feedback with ``month`` and ``rating`` (for ``mean_rating``), optional.

    Returns
    -------
    DataFrame
        `KPI_CHANGE_COLUMNS`, one row per KPI (pass_rate, mean_score, critical_rate,
        mean_rating): ``difference = current - previous`` with ``diff_lo``/``diff_hi``,
        two-sided ``p_value``, ``test``.
    """
    rows = []
    for kpi, frame, column in (("pass_rate", audits, "passed"), ("mean_score", audits, "score"),
                               ("critical_rate", audits, "critical_error"),
                               ("mean_rating", feedback, "rating")):  # fmt: skip
        if frame is None or column not in frame or "month" not in frame:
            now = before = pd.Series(dtype=float)
        else:
            values = frame[frame[column].notna()]
            now = values.loc[values["month"] == current, column].astype(float)
            before = values.loc[values["month"] == previous, column].astype(float)
        compare = _rate_change if kpi.endswith("_rate") else _mean_change
        rows.append({"kpi": kpi, **compare(now.to_numpy(), before.to_numpy())})
    return pd.DataFrame(rows, columns=list(KPI_CHANGE_COLUMNS))


def _rate_change(now: np.ndarray, before: np.ndarray) -> dict[str, object]:
    n1, n0 = np.array([len(now)], dtype=float), np.array([len(before)], dtype=float)
    c1, c0 = np.array([now.sum()], dtype=float), np.array([before.sum()], dtype=float)
    p, test = compare_proportions(c1, n1, c0, n0)
    lo, hi = newcombe_interval(c1, n1, c0, n0)
    return _row(now, before, float(p[0]), float(lo[0]), float(hi[0]), _RATE_TESTS[str(test[0])])


def _mean_change(now: np.ndarray, before: np.ndarray) -> dict[str, object]:
    if len(now) < 2 or len(before) < 2:
        return _row(now, before, np.nan, np.nan, np.nan, "not tested")
    res = stats.ttest_ind(now, before, equal_var=False)
    ci = res.confidence_interval(0.95)
    return _row(now, before, float(res.pvalue), float(ci.low), float(ci.high), "Welch t")


def _row(
    now: np.ndarray, before: np.ndarray, p: float, lo: float, hi: float, test: str
) -> dict[str, object]:
    cur = float(now.mean()) if len(now) else np.nan
    prev = float(before.mean()) if len(before) else np.nan
    return {"current": cur, "previous": prev, "n_current": len(now), "n_previous": len(before),
            "difference": cur - prev, "diff_lo": lo, "diff_hi": hi, "p_value": p,
            "test": test}  # fmt: skip
