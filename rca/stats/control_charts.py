"""Statistical process control: p-charts of a rate per group over periods, with run rules.

Pure functions: DataFrames in, DataFrames out. `p_chart` gives, per group × period, the rate, its
centre line and varying 3-sigma limits, and the run rules each point violates, so a report can show
which teams' pass rates moved beyond ordinary week-to-week noise. Two phases (Montgomery 2009,
§5.3.7): Phase I computes trial limits from given periods (``baseline``) and judges every point;
Phase II (``judged``) judges the given periods against limits computed from earlier periods
only, so a shift in the judged periods cannot dilute the limits it is judged by.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rca.core.errors import ParameterError

__all__ = ["CHART_COLUMNS", "LIMITS", "RULES", "p_chart"]

#: The run rules `p_chart` checks, by the number used in its ``rules`` column.
RULES: dict[int, str] = {
    1: "one point beyond the 3-sigma limits",
    2: "nine points in a row on the same side of the centre line",
    3: "six points in a row steadily increasing or decreasing",
    4: "two of three points in a row beyond 2 sigma on the same side",
}
#: Columns of `p_chart`'s result after the group and period columns.
CHART_COLUMNS: tuple[str, ...] = (
    "n", "count", "p", "centre", "ucl", "lcl", "z", "in_baseline", "judged", "limits",
    "baseline_periods", "out_of_limits", "rules", "signal",
)  # fmt: skip
#: Values of `p_chart`'s ``limits`` column: from baseline periods before the judged ones
#: (Phase II), or trial limits estimated from periods that are themselves judged (Phase I, or the
#: fallback when a group has fewer than ``min_baseline`` baseline periods).
LIMITS = ("baseline", "trial")


def p_chart(
    df: pd.DataFrame,
    *,
    group: str = "team",
    period: str = "week",
    value: str = "passed",
    baseline: int | Sequence[Hashable] | None = None,
    judged: Sequence[Hashable] | None = None,
    min_baseline: int = 1,
) -> pd.DataFrame:
    """Build a p-chart of the rate of ``value`` per ``group`` over ``period``, with run rules.

    Parameters
    ----------
    df
        One row per unit (an audit), with columns ``group``, ``period`` and ``value``.
    group
        Column giving one chart per value (``team``, ``queue``...).
    period
        Column of period labels; sorted labels give the time order (``month``/``week`` of
        `rca.stats.kpis.add_period` sort correctly).
    value
        Boolean (or 0/1) column whose rate is charted; missing values are left out.
    baseline
        Periods the centre line is estimated from: None for all (with ``judged``: every period
        before the first judged one), an int k for the first k periods of the table, or a
        sequence of period labels (e.g. all but points with a known assignable cause, as in a
        revised Phase I chart).
    judged
        None: Phase I, every point is judged against the (trial) limits of ``baseline``. A
        sequence of period labels: Phase II, only these periods are judged (signals), against
        limits from the ``baseline`` periods, which must all come before them; the chart keeps
        the baseline and judged periods. A group with fewer than ``min_baseline`` baseline
        periods with data falls back to trial limits pooled over its baseline and judged
        periods (``limits == "trial"``: the estimate includes the points it judges).
    min_baseline
        Fewest baseline periods with data a group needs for baseline limits (Phase II).

    Returns
    -------
    DataFrame
        One row per group × period with data: ``group``, ``period``, then `CHART_COLUMNS`: ``n``
        units, ``count`` of true values, rate ``p``, ``centre`` p̄ (per group, pooled over the
        periods its limits come from), limits ``ucl``/``lcl``, standardized
        ``z = (p - p̄) / σ``, ``in_baseline`` (the limits are estimated from this point),
        ``judged`` (the point is judged: its rules and signal are reported), ``limits`` (one of
        `LIMITS`), ``baseline_periods`` (periods with data the group's limits come from),
        ``out_of_limits``, ``rules`` (tuple of the `RULES` numbers violated at that point; empty
        where not judged) and ``signal`` (any rule). A group without baseline data gets NaN
        limits and no signals.

    Raises
    ------
    ParameterError
        A column is missing, ``value`` is not boolean / 0-1, ``baseline`` names no period, or
        ``judged`` names no period or overlaps or precedes the baseline.

    Notes
    -----
    Method: the p-chart with variable limits (Montgomery 2009, §7.2.2):
    ``p̄ = Σ count / Σ n`` over the baseline periods, ``σᵢ = sqrt(p̄(1 - p̄)/nᵢ)``,
    ``UCL/LCL = p̄ ± 3σᵢ`` clipped to [0, 1]; a point is out of limits strictly beyond them.
    Because the limits vary with nᵢ, the run rules are applied to the standardized values
    ``zᵢ`` (Montgomery's standardized control chart), with a point on the centre line breaking
    a run. Rules, flagged at the point that completes the pattern and at each later point
    that extends it:

    1. one point beyond 3σ (Western Electric rule 1; Nelson test 1);
    2. nine points in a row on the same side of the centre line (Nelson test 2);
    3. six points in a row steadily increasing or decreasing (Nelson test 3);
    4. two of three points in a row beyond 2σ on the same side, the flagged point being one of
       them (Western Electric rule 2; Nelson test 5).

    Points are consecutive periods *with data* for the group; a gap does not break a run. In
    Phase II the rules run over the baseline and judged points in time order (a run may begin
    in the baseline) and are reported at judged points only.

    References
    ----------
    Montgomery, D. C. (2009). *Introduction to Statistical Quality Control*, 6th ed., Wiley:
    §5.3.6 (sensitizing rules), §5.3.7 (Phase I and Phase II), §7.2 (control charts for
    fraction nonconforming).
    Western Electric Company (1956). *Statistical Quality Control Handbook*. Indianapolis.
    Nelson, L. S. (1984). The Shewhart control chart: tests for special causes. *Journal of
    Quality Technology* 16(4), 237-239.
    NIST/SEMATECH e-Handbook of Statistical Methods, §6.3.3.2 Proportions control charts.
    """
    missing = [c for c in (group, period, value) if c not in df.columns]
    if missing:
        raise ParameterError(f"column(s) {missing} not in the table; it has {list(df.columns)}")
    if len({group, period, value}) < 3:
        raise ParameterError("group, period and value must be three different columns")
    units = df[[group, period, value]].dropna()
    units = units.assign(_flag=_as_binary(units[value], value))
    chart = (
        units.groupby([group, period], observed=True)["_flag"]
        .agg(n="size", count="sum")
        .reset_index()
        .sort_values([group, period], kind="stable", ignore_index=True)
    )
    chart["count"] = chart["count"].astype("int64")
    if judged is None:
        chart["in_baseline"] = chart[period].isin(_baseline_periods(chart[period], baseline))
        chart["judged"], chart["limits"] = True, "trial"
    else:
        chart = _phase_two(chart, group, period, baseline, judged, min_baseline)
    base = chart[chart["in_baseline"]].groupby(group, observed=True)[["n", "count"]].sum()
    centre = (base["count"] / base["n"]).rename("centre")
    chart = chart.join(centre, on=group)
    used = chart[chart["in_baseline"]].groupby(group, observed=True).size()
    chart["baseline_periods"] = chart[group].map(used).fillna(0).astype("int64")
    n = chart["n"].to_numpy(float)
    p = chart["count"].to_numpy(float) / n
    c = chart["centre"].to_numpy(float)
    sigma = np.sqrt(c * (1 - c) / n)
    chart["p"] = p
    chart["ucl"] = np.clip(c + 3 * sigma, 0, 1)
    chart["lcl"] = np.clip(c - 3 * sigma, 0, 1)
    chart["z"] = _standardize(p - c, sigma)
    chart["out_of_limits"] = (p > chart["ucl"]) | (p < chart["lcl"])
    rules = [
        _run_rules(part["z"].to_numpy(), part["out_of_limits"].to_numpy())
        for _, part in chart.groupby(group, observed=True, sort=False)
    ]
    flat = [r for part in rules for r in part]
    chart["rules"] = pd.Series(
        [r if j else () for r, j in zip(flat, chart["judged"], strict=True)],
        index=chart.index, dtype=object,
    )  # fmt: skip
    chart["signal"] = chart["rules"].map(bool).astype(bool)
    return chart[[group, period, *CHART_COLUMNS]]


def _phase_two(
    chart: pd.DataFrame,
    group: str,
    period: str,
    baseline: int | Sequence[Hashable] | None,
    judged: Sequence[Hashable],
    min_baseline: int,
) -> pd.DataFrame:
    """Mark the judged periods and each group's baseline (or trial fallback) for Phase II."""
    if isinstance(judged, str) or not isinstance(judged, Sequence | pd.Index | np.ndarray):
        raise ParameterError(f"judged must be a list of periods, got {judged!r}")
    if isinstance(min_baseline, bool) or not isinstance(min_baseline, int) or min_baseline < 1:
        raise ParameterError(f"min_baseline must be a whole number >= 1, got {min_baseline!r}")
    present = set(chart[period])
    judge: list[Any] = sorted(j for j in set(judged) if j in present)
    if len(chart) and not judge:
        raise ParameterError(f"judged names no period of the table: {list(judged)[:5]}")
    named: list[Any] = (
        [] if baseline is None or isinstance(baseline, int | np.integer) else list(baseline)
    )
    if judge and any(b >= judge[0] for b in named if b in present):
        raise ParameterError("the baseline periods must all come before the judged periods")
    earlier = chart.loc[chart[period] < judge[0], period] if judge else chart[period]
    base = set(_baseline_periods(earlier, baseline)) if len(earlier) else set()
    chart = chart[chart[period].isin(base | set(judge))].reset_index(drop=True)
    chart["judged"] = chart[period].isin(judge)
    chart["in_baseline"] = chart[period].isin(base)
    enough = chart.groupby(group, observed=True)["in_baseline"].transform("sum") >= min_baseline
    chart["limits"] = np.where(enough, "baseline", "trial")
    chart.loc[~enough, "in_baseline"] = True  # trial limits: pooled over all the group's points
    return chart


def _as_binary(values: pd.Series, name: str) -> pd.Series:
    if values.empty:
        return values.astype(float)
    numeric = pd.to_numeric(values.astype(object).replace({True: 1, False: 0}), errors="coerce")
    if numeric.isna().any() or not numeric.isin([0, 1]).all():
        bad = values[numeric.isna() | ~numeric.isin([0, 1])].unique()[:3]
        raise ParameterError(f"column {name!r} must be boolean or 0/1; found {list(bad)}")
    return numeric.astype(float)


def _baseline_periods(
    periods: pd.Series, baseline: int | Sequence[Hashable] | None
) -> list[Hashable]:
    ordered = sorted(periods.unique())
    if baseline is None:
        return ordered
    if isinstance(baseline, bool | str):
        raise ParameterError(f"baseline must be an int or a list of periods, got {baseline!r}")
    if isinstance(baseline, int | np.integer):
        if not 1 <= baseline <= len(ordered):
            raise ParameterError(f"baseline must be between 1 and {len(ordered)}, got {baseline}")
        return ordered[: int(baseline)]
    chosen = [b for b in baseline if b in set(ordered)]
    if not chosen:
        raise ParameterError(f"baseline names no period of the table: {list(baseline)[:5]}")
    return chosen


def _standardize(deviation: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """``deviation / sigma``; ±inf for a deviation from a centre of 0 or 1, 0 on it."""
    z = np.full(deviation.shape, np.nan)
    ok = sigma > 0
    np.divide(deviation, sigma, out=z, where=ok)
    flat = (sigma == 0) & ~np.isnan(deviation)
    z[flat] = np.select([deviation[flat] > 0, deviation[flat] < 0], [np.inf, -np.inf], 0.0)
    return z


def _run_rules(z: np.ndarray, beyond: np.ndarray) -> list[tuple[int, ...]]:
    """Rule numbers violated at each point of one group's series of standardized values."""
    side = np.nan_to_num(np.sign(z))
    step = np.zeros_like(side)
    step[1:] = (z[1:] > z[:-1]).astype(float) - (z[1:] < z[:-1])
    hits = {
        1: beyond,
        2: _run_length(side) >= 9,
        3: _run_length(step) >= 5,
        4: _two_of_three(z, 2.0) | _two_of_three(-z, 2.0),
    }
    return [tuple(r for r, flag in hits.items() if flag[i]) for i in range(len(z))]


def _run_length(keys: np.ndarray) -> np.ndarray:
    """Length of the run of equal non-zero keys ending at each position (0 where the key is 0)."""
    key = pd.Series(keys)
    runs = key.ne(key.shift()).cumsum()
    length = key.groupby(runs).cumcount().to_numpy() + 1
    return np.where(keys != 0, length, 0)


def _two_of_three(z: np.ndarray, limit: float) -> np.ndarray:
    above = np.nan_to_num(z) > limit
    window = pd.Series(above.astype(int)).rolling(3, min_periods=1).sum().to_numpy()
    return above & (window >= 2)
