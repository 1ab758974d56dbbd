"""Exploring audit themes: the slicing and describing behind ``notebooks/explore.py``.

Functions on a workspace's audits and themes (`rca.analysis.workspace.Workspace`): `filter_audits`
cuts a slice by month, market, queue and team; `theme_overview` and `theme_shares_by` (over time,
per segment) describe its themes; `theme_detail` drills into one, `theme_history` gives the
themes' months, splits and merges. Curating them (renames, merges,
pinned causes) is `rca.analysis.curation_session.CurationSession`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from numbers import Integral
from pathlib import Path
from typing import Any

import pandas as pd

from rca.analysis.history_steps import HISTORY_TABLES
from rca.analysis.workspace import Workspace
from rca.core.errors import ParameterError
from rca.stats.kpis import add_period, theme_shares
from rca.themes.curation_file import theme_key

__all__ = [
    "EXAMPLE_SQL",
    "HISTORY_TABLES",
    "SEGMENTS",
    "SQL_HINT",
    "ThemeDetail",
    "available",
    "curation_key",
    "did_you_mean",
    "filter_audits",
    "resolve_theme",
    "store_query",
    "theme_detail",
    "theme_history",
    "theme_overview",
    "theme_row",
    "theme_shares_by",
]

#: Audit columns a slice can be filtered and compared by.
SEGMENTS: tuple[str, ...] = ("market", "queue", "team")
_UNASSIGNED = -1


def available(audits: pd.DataFrame, column: str) -> list[str]:
    """Return the distinct values of ``column`` in ``audits``, sorted (``month`` is derived)."""
    values = audits[column] if column in audits else add_period(audits)[column]
    return sorted(values.dropna().astype(str).unique())


def did_you_mean(value: object, options: list[str]) -> str:
    """Return ``" (did you mean 'X'?)"`` for the option closest to ``value`` in any case, or ``""``.

    Parameters
    ----------
    value
        What the user gave.
    options
        The values there are.
    """
    lower = {o.lower(): o for o in options}
    close = difflib.get_close_matches(str(value).lower(), list(lower), n=1, cutoff=0.75)
    return f" (did you mean '{lower[close[0]]}'?)" if close else ""


def filter_audits(
    audits: pd.DataFrame, month: str | None = None, market: str | None = None,
    queue: str | None = None, team: str | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Return a copy of the audits of one slice, with ``month`` and ``week`` columns.

    ``None`` keeps every value of that column; valid values that no audit has together give an
    empty frame. Raises `ParameterError`, listing the values there are, for a value not in
    ``audits`` at all.
    """
    out = audits if {"month", "week"} <= set(audits.columns) else add_period(audits)
    for column, value in (("month", month), ("market", market), ("queue", queue), ("team", team)):
        if value is None:
            continue
        values = available(out if column == "month" else audits, column)
        if value not in values:
            hint = did_you_mean(value, values)
            raise ParameterError(
                f"{column} {value!r} has no audits{hint}; {column}s in the data: "
                f"{', '.join(values) or 'none'}"
            )
        out = out[out[column].astype(str) == value]
    return out.copy()


def _commented(audits: pd.DataFrame) -> pd.DataFrame:
    return audits[audits["theme_id"].notna()].astype({"theme_id": int})


def theme_row(topics: pd.DataFrame, theme_id: int) -> dict[str, Any]:
    """Return the row of ``theme_id`` in the theme table ``topics`` as a dict, ``{}`` if none."""
    rows = topics[topics["theme_id"] == theme_id]
    return {} if rows.empty else {str(k): v for k, v in rows.iloc[0].items()}


def _keywords(value: object, n: int | None = None) -> list[str]:
    words = [w.strip() for w in str(value or "").split(",") if w.strip()]
    return words[:n] if n else words


def curation_key(row: Mapping[str, Any]) -> str:
    """Return the curation key of a theme-table row (`rca.themes.curation.theme_key`).

    After curation the key is stored in the row's ``theme_key``; otherwise it is computed.
    """
    stored = row.get("theme_key")
    return stored if isinstance(stored, str) and stored else theme_key(row)


def theme_overview(
    audits: pd.DataFrame, topics: pd.DataFrame, month: str, previous: str | None = None
) -> pd.DataFrame:
    """Return the themes of a slice in ``month``: size, share, change, root cause, keywords.

    ``audits`` is the slice in every month (`filter_audits` without ``month``). Columns:
    ``theme_id``, ``theme_label``, ``n``, ``share`` (of the month's commented audits),
    ``previous_share``, ``change``, ``root_cause``, ``cause_name``, ``pinned``, ``keywords``.
    """
    df = audits if "month" in audits else add_period(audits)
    shares = theme_shares(df, month, previous, top_n=max(len(topics), 1))
    info = topics.reindex(columns=["theme_id", "cause_name", "pinned", "keywords"])
    info = info.assign(keywords=info["keywords"].map(lambda k: ", ".join(_keywords(k, 5))))
    out = shares.astype({"theme_id": int}).merge(info, on="theme_id", how="left")
    out["pinned"] = out["pinned"].astype("boolean").fillna(False).astype(bool)
    cols = ["theme_id", "theme_label", "n", "share", "previous_share", "change", "root_cause",
            "cause_name", "pinned", "keywords"]  # fmt: skip
    return out.reindex(columns=cols)


def _top_themes(commented: pd.DataFrame, top_n: int) -> pd.DataFrame:
    assigned = commented[commented["theme_id"] != _UNASSIGNED].groupby("theme_id")
    counts = assigned.agg(n=("theme_id", "size"), label=("theme_label", "first"))
    return counts.sort_values(["n"], ascending=False, kind="stable").head(top_n)


def theme_shares_by(audits: pd.DataFrame, by: str, top_n: int = 8, min_n: int = 30) -> pd.DataFrame:
    """Return the share of commented audits in the slice's ``top_n`` largest themes per group.

    ``by`` is ``week`` or ``month`` (themes over time) or one of `SEGMENTS`. Columns: ``by``,
    ``theme_id``, ``theme_label``, ``n``, ``total`` (commented audits of the group), ``share``,
    ``small_n`` (``total`` below ``min_n``); every group × theme, zero where a theme is absent.
    """
    if by not in ("week", "month", *SEGMENTS):
        raise ParameterError(f"by must be week, month or one of {', '.join(SEGMENTS)}; got {by!r}")
    commented = _commented(audits if by in audits else add_period(audits))
    top = _top_themes(commented, top_n)
    totals = commented.groupby(by).size().rename("total")
    counts = commented[commented["theme_id"].isin(top.index)].groupby([by, "theme_id"]).size()
    grid = pd.MultiIndex.from_product([totals.index, top.index], names=[by, "theme_id"])
    out = counts.reindex(grid, fill_value=0).rename("n").reset_index()
    out["theme_label"] = out["theme_id"].map(top["label"])
    out["total"] = out[by].map(totals)
    out["share"] = out["n"] / out["total"]
    return out.assign(small_n=out["total"] < min_n)


def resolve_theme(topics: pd.DataFrame, theme: int | str | None) -> int:
    """Return the id of ``theme`` (an id, a label in any case, or ``None`` for the largest).

    Raises `ParameterError` listing themes when no theme has that id or label.
    """
    themes = topics[topics["theme_id"] != _UNASSIGNED].sort_values("size", ascending=False)
    ids = [int(t) for t in topics["theme_id"]]
    if theme is None and not themes.empty:
        return int(themes["theme_id"].iloc[0])
    if isinstance(theme, str):
        by_label = {str(lab).strip().lower(): int(t) for t, lab in
                    zip(topics["theme_id"], topics["theme_label"], strict=True)}  # fmt: skip
        if theme.strip().lower() in by_label:
            return by_label[theme.strip().lower()]
        theme = int(theme) if theme.strip().lstrip("-").isdigit() else theme
    if isinstance(theme, Integral) and not isinstance(theme, bool) and int(theme) in ids:
        return int(theme)
    listed = [f"{int(t)} '{lab}'" for t, lab in themes[["theme_id", "theme_label"]].to_numpy()]
    more = f" (+{len(listed) - 10} more)" if len(listed) > 10 else ""
    raise ParameterError(
        f"theme {theme!r} not found; themes by id: {', '.join(listed[:10]) or 'none'}{more}"
    )


def _concentration(theme: pd.DataFrame, commented: pd.DataFrame, by: str) -> pd.DataFrame:
    """Where a theme's comments concentrate: count, share of the theme and lift per value."""
    totals = commented.groupby(by).size()
    counts = theme.groupby(by).size().rename("n").reset_index()
    counts["share_of_theme"] = counts["n"] / max(len(theme), 1)
    counts["rate"] = counts["n"] / counts[by].map(totals)
    counts["lift"] = counts["rate"] / (len(theme) / max(len(commented), 1))
    return counts.sort_values(["n", "lift"], ascending=False, kind="stable").reset_index(drop=True)


def _errors(theme: pd.DataFrame, slice_: pd.DataFrame) -> pd.DataFrame:
    out = theme["error_category"].fillna("(none)").value_counts().rename("n").reset_index()
    out["share"] = out["n"] / max(len(theme), 1)
    overall = slice_["error_category"].fillna("(none)").value_counts(normalize=True)
    out["slice_share"] = out["error_category"].map(overall).fillna(0.0)
    return out


@dataclass(frozen=True)
class ThemeDetail:
    """One theme of a slice (`theme_detail`): its id, name, curation key, keywords, root cause.

    ``n`` and ``share`` are its comments in the slice and their share of the slice's commented
    audits; ``examples`` redacted comments, most typical first; ``errors`` the error categories
    of its audits (``n``, ``share``, ``slice_share``); ``agents`` and ``queues`` where it
    concentrates (``n``, ``share_of_theme``, ``rate``, ``lift`` over the slice's rate).
    """

    theme_id: int
    label: str
    key: str
    keywords: list[str]
    root_cause: str
    cause_name: str
    cause_similarity: float | None
    pinned: bool
    merged_from: list[int]
    n: int
    share: float
    pass_rate: float | None
    slice_pass_rate: float | None
    examples: list[str]
    errors: pd.DataFrame = field(repr=False)
    agents: pd.DataFrame = field(repr=False)
    queues: pd.DataFrame = field(repr=False)


def _rate(passed: pd.Series) -> float | None:
    known = passed.dropna()
    return float(known.astype(float).mean()) if len(known) else None


def theme_detail(
    audits: pd.DataFrame, topics: pd.DataFrame, theme: int | str | None = None, *,
    n_examples: int = 5, top_n: int = 8,
) -> ThemeDetail:  # fmt: skip
    """Drill into ``theme`` (id, label, or ``None`` for the largest) of the slice ``audits``.

    Returns its examples, error categories, agents and queues (``top_n`` rows) and root cause.
    """
    commented = _commented(audits)
    if theme is None and not _top_themes(commented, 1).empty:
        theme = int(_top_themes(commented, 1).index[0])
    theme_id = resolve_theme(topics, theme)
    row = theme_row(topics, theme_id)
    own = commented[commented["theme_id"] == theme_id]
    ranked = own.sort_values("confidence", ascending=False, kind="stable")["comment"]
    examples = list(dict.fromkeys(str(c) for c in ranked.dropna() if str(c).strip()))
    similarity = row.get("cause_similarity")
    merged = row.get("merged_from")
    return ThemeDetail(
        theme_id=theme_id, label=str(row.get("theme_label", "Unassigned")),
        key=curation_key(row) if row else "", keywords=_keywords(row.get("keywords")),
        root_cause=str(row.get("root_cause") or ""), cause_name=str(row.get("cause_name") or ""),
        cause_similarity=None if similarity is None or pd.isna(similarity) else float(similarity),
        pinned=bool(row.get("pinned", False)),
        merged_from=[int(t) for t in merged] if isinstance(merged, Iterable) else [],
        n=len(own), share=len(own) / max(len(commented), 1),
        pass_rate=_rate(own["passed"]), slice_pass_rate=_rate(audits["passed"]),
        examples=(examples or [str(e) for e in row.get("examples", [])])[:n_examples],
        errors=_errors(own, audits),
        agents=_concentration(own, commented, "agent").head(top_n),
        queues=_concentration(own, commented, "queue").head(top_n),
    )  # fmt: skip


def theme_history(ws: Workspace, month: str) -> dict[str, pd.DataFrame]:
    """Return the themes' history up to ``month``: the three tables of `HISTORY_TABLES`.

    The analysis tables beside the workspace when it was analysed for ``month``; otherwise
    computed from the workspace (`rca.analysis.history_steps.workspace_history`). A table left
    empty carries its reason in ``attrs["empty_reason"]``, as `rca.analysis.month.Analysis.table`.
    """
    from rca.analysis.context import EmptyTable
    from rca.analysis.history_steps import workspace_history
    from rca.analysis.month import Analysis

    analysis = Analysis(ws.path.parent)
    if (analysis.path / "tables.json").exists():
        info = analysis.info
        if info.get("month") == month and set(HISTORY_TABLES) <= set(info.get("tables", {})):
            return {name: analysis.table(name) for name in HISTORY_TABLES}
    out = {}
    for name, table in workspace_history(ws, month).items():
        frame = table.frame() if isinstance(table, EmptyTable) else table
        if isinstance(table, EmptyTable):
            frame.attrs["empty_reason"] = table.reason
        out[name] = frame
    return out


#: The explore notebook's example query of the history store (``sql`` parameter).
EXAMPLE_SQL = (
    "SELECT month, market, count(*) AS audits, round(avg((NOT passed)::INT), 3) AS fail_rate "
    "FROM rows_audits GROUP BY month, market ORDER BY month, market"
)


#: What the explore notebook says when no query is given.
SQL_HINT = (
    "Every stored month can be queried with SQL (DuckDB): set the parameter sql, e.g. to "
    "rca.analysis.explore.EXAMPLE_SQL; `rca store tables` lists the tables."
)


def store_query(ws: Workspace, sql: str) -> pd.DataFrame:
    """Run a read-only SQL query on the history store the workspace was prepared from.

    The store (`rca.store.Store`) holds every stored month's validated, redacted rows
    (``rows_audits``, ``rows_feedback``, ...), every run's tables (``analysis_<name>``) and the
    theme registry; ``rca store tables`` lists them.

    Raises
    ------
    InputError
        When the workspace was prepared without a store.
    ParameterError
        When the query fails or would write, with DuckDB's message.
    """
    import duckdb

    from rca.core.errors import InputError
    from rca.store import Store

    path = ws.info.get("store")
    if not path or not Path(path).exists():
        raise InputError(ws.path, "this workspace was prepared without a history store")
    with Store(Path(path), read_only=True) as st:
        try:
            return st.sql(sql)
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0]
            raise ParameterError(f"sql: {first}; the tables: rca store tables") from None
