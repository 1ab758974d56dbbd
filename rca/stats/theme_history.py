"""A theme's size month by month: how many of each month's texts it holds, and their share.

`theme_history` counts, for every theme and every month, the texts of one kind (auditors'
comments, feedback texts) the theme holds and their share of the month's texts (those in no theme,
``theme_id == -1``, included in the whole, so a month's shares sum to 1). The result is a full
grid: a theme absent from a month has ``n == 0`` there, so a chart of it has no gaps and its first
month with texts is where it was first seen (`first_seen`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

__all__ = ["HISTORY_COLUMNS", "UNASSIGNED_LABEL", "first_seen", "theme_history"]

#: Columns of `theme_history`'s result, in order.
HISTORY_COLUMNS: tuple[str, ...] = ("kind", "theme_id", "theme_label", "month", "n", "share")
#: Label of the texts in no theme (``theme_id == -1``) when none is given.
UNASSIGNED_LABEL = "Unassigned"


def theme_history(
    texts: pd.DataFrame,
    kind: str,
    *,
    months: Sequence[str] | None = None,
    labels: Mapping[int, str] | None = None,
) -> pd.DataFrame:
    """Count each theme's texts per month, with their share of the month's texts.

    Parameters
    ----------
    texts
        One row per text (audit or feedback row) with ``month`` (``YYYY-MM``) and ``theme_id``
        (``-1`` for a text in no theme; NA for a row without text, which is not counted), and
        optionally ``theme_label``.
    kind
        The texts' kind (``"audits"`` or ``"feedback"``), written in column ``kind``.
    months
        The months of the grid (default: every month with a text). A month without texts gets
        ``n == 0`` and a NaN share.
    labels
        Theme id -> label (e.g. the theme table's names); a theme not in it takes the label of its
        latest text, and ``-1`` without any is `UNASSIGNED_LABEL`.

    Returns
    -------
    DataFrame
        `HISTORY_COLUMNS`, one row per theme × month (themes by id, months in order): ``n`` the
        theme's texts in the month, ``share`` ``n`` over the month's texts.
    """
    rows = texts[texts["theme_id"].notna()] if "theme_id" in texts else texts.iloc[0:0]
    rows = rows.assign(theme_id=rows["theme_id"].astype("int64"), month=rows["month"].astype(str))
    grid_months = sorted(set(months) if months is not None else set(rows["month"]))
    rows = rows[rows["month"].isin(grid_months)]
    themes = sorted(int(t) for t in rows["theme_id"].unique())
    if not themes or not grid_months:
        return pd.DataFrame(columns=list(HISTORY_COLUMNS))
    counts = rows.groupby(["theme_id", "month"]).size()
    grid = pd.MultiIndex.from_product([themes, grid_months], names=["theme_id", "month"])
    out = counts.reindex(grid, fill_value=0).rename("n").reset_index()
    totals = rows.groupby("month").size().reindex(grid_months, fill_value=0)
    month_totals = out["month"].map(totals).astype(float)
    out["share"] = out["n"] / month_totals.where(month_totals > 0)
    out["theme_label"] = out["theme_id"].map(_labels(rows, themes, labels or {}))
    out["kind"] = kind
    return out[list(HISTORY_COLUMNS)].astype({"n": "int64", "share": "float64"})


def _labels(rows: pd.DataFrame, themes: list[int], given: Mapping[int, str]) -> dict[int, str]:
    """Each theme's label: ``given``, else its latest text's, else `UNASSIGNED_LABEL` for -1."""
    latest: dict[int, str] = {}
    if "theme_label" in rows:
        named = rows[rows["theme_label"].notna()].sort_values("month", kind="stable")
        latest = {int(t): str(lab) for t, lab in zip(named["theme_id"], named["theme_label"],
                                                      strict=True)}  # fmt: skip
    out = {}
    for t in themes:
        label = given.get(t, latest.get(t))
        out[t] = str(label) if label is not None else (UNASSIGNED_LABEL if t == -1 else str(t))
    return out


def first_seen(history: pd.DataFrame) -> pd.DataFrame:
    """Return each theme's first and last month with texts in a `theme_history` table.

    Parameters
    ----------
    history
        `theme_history`'s result (one or several kinds).

    Returns
    -------
    DataFrame
        ``kind``, ``theme_id``, ``first_month``, ``last_month``, ``total`` (its texts over the
        months); themes that never have a text are left out.
    """
    cols = ["kind", "theme_id", "first_month", "last_month", "total"]
    held = history[history["n"] > 0]
    if held.empty:
        return pd.DataFrame(columns=cols)
    out = held.groupby(["kind", "theme_id"]).agg(
        first_month=("month", "min"), last_month=("month", "max"), total=("n", "sum")
    )
    return out.reset_index()[cols]
