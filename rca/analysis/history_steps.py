"""The themes' history: each theme's size month by month, its splits and merges, the registry.

`section_themes_history` gives three tables (contract of issue 14, `rca.analysis.month.TABLES`):

- ``theme_history``: per text kind (``"audits"`` comments, ``"feedback"`` texts), every theme ×
  every month up to the report month with its texts (``n``) and their ``share`` of the month's
  texts (`rca.stats.theme_history.theme_history`). The theme ids are the workspace's; in a
  workspace prepared from the history store they are the registry ids.
- ``theme_lineage``: the splits and merges (`LINEAGE_COLUMNS`), from the workspace file
  ``theme_lineage.parquet`` when it exists (rows of later months and ``continues`` rows left out).
- ``theme_registry``: every registry theme (`REGISTRY_COLUMNS`), from ``theme_registry.parquet``.

A workspace without those files (prepared without the history store) gives an `EmptyTable` with its
reason for them. `workspace_history` computes the same tables outside an analysis (the explore
notebook).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rca.analysis.context import Context, EmptyTable, Table
from rca.analysis.workspace import Workspace
from rca.core.errors import InputError
from rca.stats.theme_history import HISTORY_COLUMNS, theme_history

__all__ = [
    "HISTORY_KINDS",
    "HISTORY_TABLES",
    "LINEAGE_COLUMNS",
    "REGISTRY_COLUMNS",
    "lineage_table",
    "registry_table",
    "section_themes_history",
    "workspace_history",
]

#: The text kinds whose themes have a history: kind -> its themed text column.
HISTORY_KINDS: dict[str, str] = {"audits": "comment", "feedback": "text"}
#: The tables `section_themes_history` gives, in order.
HISTORY_TABLES: tuple[str, ...] = ("theme_history", "theme_lineage", "theme_registry")
#: Columns of the ``theme_lineage`` table.
LINEAGE_COLUMNS: tuple[str, ...] = (
    "kind", "month", "parent_id", "parent_label", "child_id", "child_label", "relation",
    "shared_texts", "share_of_parent", "share_of_child", "centroid_cosine",
)  # fmt: skip
#: Columns of the ``theme_registry`` table.
REGISTRY_COLUMNS: tuple[str, ...] = (
    "kind", "theme_id", "theme_label", "first_month", "last_month", "status", "size",
)  # fmt: skip
#: Why lineage and registry are empty for a workspace prepared without the history store.
NO_STORE = "the workspace was prepared without the history store, which keeps them"


def _history(ws: Workspace, month: str, frames: dict[str, pd.DataFrame]) -> Table:
    """``theme_history`` of every kind in ``frames`` (tables with ``month``, up to ``month``)."""
    parts = []
    for kind, df in frames.items():
        if df.empty or "theme_id" not in df or "month" not in df:
            continue
        df = df[df["month"].astype(str) <= month]
        info = ws.themes(kind)
        labels = {}
        if {"theme_id", "theme_label"} <= set(info.columns):
            labels = {int(t): str(lab) for t, lab in zip(info["theme_id"], info["theme_label"],
                                                         strict=True)}  # fmt: skip
        parts.append(theme_history(df, kind, labels=labels))
    parts = [p for p in parts if len(p)]
    if not parts:
        return EmptyTable(f"no themed audit comment or feedback text up to {month}",
                          HISTORY_COLUMNS)  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def _read(ws: Workspace, name: str, columns: tuple[str, ...]) -> pd.DataFrame | None:
    """Read ``<workspace>/<name>.parquet`` (None when absent); refuse a file lacking columns."""
    file = Path(ws.path) / f"{name}.parquet"
    if not file.exists():
        return None
    df = pd.read_parquet(file)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(file, f"{name} lacks the column(s) {', '.join(missing)}")
    return df[list(columns)]


def lineage_table(ws: Workspace, month: str) -> Table:
    """Return the splits and merges up to ``month`` (``theme_lineage``), or why there are none.

    Parameters
    ----------
    ws
        The workspace; its ``theme_lineage.parquet`` (`LINEAGE_COLUMNS`) is read when it exists.
    month
        The report month (``YYYY-MM``): links of later months are left out.

    Raises
    ------
    InputError
        If the file lacks a column of `LINEAGE_COLUMNS`.
    """
    df = _read(ws, "theme_lineage", LINEAGE_COLUMNS)
    if df is None:
        return EmptyTable(f"no theme lineage: {NO_STORE}", LINEAGE_COLUMNS)
    keep = df["relation"].isin(["split", "merge"]) & (df["month"].astype(str) <= month)
    return df[keep].sort_values(["kind", "month", "relation", "parent_id", "child_id"],
                                kind="stable").reset_index(drop=True)  # fmt: skip


def registry_table(ws: Workspace, month: str) -> Table:
    """Return the registry themes first seen up to ``month`` (``theme_registry``), or why none.

    Parameters
    ----------
    ws
        The workspace; its ``theme_registry.parquet`` (`REGISTRY_COLUMNS`) is read when it exists.
    month
        The report month (``YYYY-MM``): themes first seen later are left out.

    Raises
    ------
    InputError
        If the file lacks a column of `REGISTRY_COLUMNS`.
    """
    df = _read(ws, "theme_registry", REGISTRY_COLUMNS)
    if df is None:
        return EmptyTable(f"no theme registry: {NO_STORE}", REGISTRY_COLUMNS)
    keep = df["first_month"].astype(str) <= month
    return df[keep].sort_values(["kind", "theme_id"], kind="stable").reset_index(drop=True)


def workspace_history(
    ws: Workspace, month: str, frames: dict[str, pd.DataFrame] | None = None
) -> dict[str, Table]:
    """Return ``theme_history``, ``theme_lineage`` and ``theme_registry`` of a workspace.

    Parameters
    ----------
    ws
        The prepared workspace.
    month
        The report month (``YYYY-MM``): later months are left out.
    frames
        ``{kind: table with a month column}`` of the kinds in `HISTORY_KINDS` (default: read from
        the workspace, months from their dates).
    """
    if frames is None:
        from rca.analysis.prepare import DATE_COLUMNS
        from rca.stats.kpis import add_period

        frames = {}
        for kind in HISTORY_KINDS:
            df = ws.table(kind)
            if len(df) and DATE_COLUMNS[kind] in df:
                frames[kind] = add_period(df, DATE_COLUMNS[kind])
    return {
        "theme_history": _history(ws, month, frames),
        "theme_lineage": lineage_table(ws, month),
        "theme_registry": registry_table(ws, month),
    }


def section_themes_history(ctx: Context) -> dict[str, Table]:
    """Each theme's size month by month up to the month, its splits and merges, the registry.

    Reads only the report month and the months before it (never ``ctx.previous``), so a first
    month has a history of one month.
    """
    frames = {kind: ctx.frame(kind) for kind in HISTORY_KINDS if not ctx.absent(kind)}
    return workspace_history(ctx.ws, ctx.month, frames)
