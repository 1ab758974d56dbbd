"""Period-over-period changes in shares, with honest significance, and emerging / fading themes.

Pure functions: DataFrames in, DataFrames out. `share_changes` compares how often each item (a
theme, an error category, a macro...) occurs among a segment's rows in two periods; every row of
its result carries a confidence interval, a p-value and a Benjamini-Hochberg q-value, so a table
of hundreds of comparisons can be read without mistaking noise for a trend.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from rca.core.errors import NotEnoughDataError, ParameterError
from rca.stats.primitives import bh_qvalues, compare_proportions, newcombe_interval

__all__ = [
    "ALL",
    "CHANGE_COLUMNS",
    "emerging_themes",
    "fading_themes",
    "group_vs_rest",
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
    item: str = "theme_id",
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
    (e.g. ``df[~df["passed"]]`` for "share of failures", ``df[df["theme_id"].notna()]`` for "share
    of commented audits"). ``period`` may be any column with two values to compare: ``"month"``,
    ``"week"`` (pass week labels from `rca.stats.kpis.add_period`), or a column splitting one group
    from the rest for an over-representation test.

    Parameters
    ----------
    df
        Rows to compare, with columns ``item``, ``period`` and each of ``segments``.
    item
        Categorical column whose values are compared (``theme_id``, ``error_category``...).
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
        Column naming each item (first value per item is used). Defaults to ``theme_label``
        when ``item`` is ``theme_id`` and that column exists; otherwise the item itself.

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
    NotEnoughDataError
        ``current`` or ``previous`` has no rows.
    ParameterError
        A column is missing, ``current == previous``, or a number is out of range.

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
            raise NotEnoughDataError(
                f"{name} {period} {value!r} has no rows; latest present: {shown}"
            )
    if min_n < 1:
        raise ParameterError(f"min_n must be >= 1, got {min_n}")
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha must be between 0 and 1, got {alpha}")
    if label is None and item == "theme_id" and "theme_label" in df.columns:
        return "theme_label"
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
    table["diff_lo"], table["diff_hi"] = newcombe_interval(c1, n1, c0, n0, alpha)
    small = (n1 < min_n) | (n0 < min_n)
    p, test = compare_proportions(c1, n1, c0, n0, tested=~small, exact_below=exact_below)
    table["test"] = test
    table["p_value"], table["q_value"], table["small_n"] = p, bh_qvalues(p), small
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
        A `share_changes` result (usually with ``item="theme_id"``).
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


def group_vs_rest(
    df: pd.DataFrame, groups: pd.Series, *, item: str, min_n: int = 10
) -> pd.DataFrame:
    """Compare each item's share of a group's rows with its share of all other rows.

    Method: `rca.stats.trends.share_changes` with the period column replaced by "this group" vs "the
    rest" (Newcombe interval, z- or Fisher test), all groups in one call (the table is stacked
    once per group, the group as segment); Benjamini-Hochberg q-values over every tested group ×
    item of this call (the pooled "all" rows of the stacked table are dropped).

    Parameters
    ----------
    df
        Rows to compare (e.g. one month's audits), with column ``item``.
    groups
        Group of each row (aligned on ``df``'s index); missing values belong to no group but
        count in the rest of every group.
    item
        Categorical column whose shares are compared; missing values count in denominators.
    min_n
        Groups with fewer rows are reported untested (``small_n``).

    Returns
    -------
    DataFrame
        ``group`` then `rca.stats.trends.CHANGE_COLUMNS` (``*_current`` = the group, ``*_previous``
        = the rest), sorted by q-value then by difference (largest first).
    """
    base = df[[item]]
    pieces = []
    for value in pd.unique(groups.dropna()):
        mine = (groups == value).fillna(False).to_numpy(dtype=bool)
        if not mine.all():
            pieces.append(base.assign(_vs=np.where(mine, "group", "rest"), _group=value))
    if not pieces:
        return pd.DataFrame(columns=["group", *CHANGE_COLUMNS])
    out = share_changes(
        pd.concat(pieces, ignore_index=True), item=item, period="_vs", current="group",
        previous="rest", segments=("_group",), min_n=min_n,
    )  # fmt: skip
    out = out[out["segment"] == "_group"].assign(group=lambda t: t["segment_value"])
    out["q_value"] = bh_qvalues(out["p_value"])
    out = out.sort_values(["q_value", "difference"], ascending=[True, False], kind="stable")
    return out[["group", *CHANGE_COLUMNS]].reset_index(drop=True)
