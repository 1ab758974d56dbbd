"""Exploring audit themes and curating them: the library behind ``notebooks/explore.py``.

Functions on a workspace's audits and themes (`rca.analysis.workspace.Workspace`): `filter_audits`
cuts a slice by month, market, queue and team; `theme_overview` and `theme_shares_by` (over time,
per segment) describe its themes; `theme_detail` drills into one. `CurationSession` collects
renames, merges and pinned causes and saves them with `rca.themes.curation_file`, so the next ``rca
batch`` uses them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from numbers import Integral
from pathlib import Path
from typing import Any

import pandas as pd

from rca.analysis.workspace import Workspace
from rca.core.errors import ParameterError
from rca.stats.kpis import add_period, theme_shares
from rca.themes.causes import Taxonomy, load_taxonomy
from rca.themes.curation_file import (
    Curation,
    load_curation,
    merge,
    pin,
    rename,
    save_curation,
    theme_key,
)

__all__ = [
    "SEGMENTS",
    "CurationSession",
    "Edit",
    "ThemeDetail",
    "available",
    "default_curation_path",
    "filter_audits",
    "resolve_theme",
    "theme_detail",
    "theme_overview",
    "theme_shares_by",
]

#: Audit columns a slice can be filtered and compared by.
SEGMENTS: tuple[str, ...] = ("market", "queue", "team")
_UNASSIGNED = -1


def available(audits: pd.DataFrame, column: str) -> list[str]:
    """Return the distinct values of ``column`` in ``audits``, sorted (``month`` is derived)."""
    values = audits[column] if column in audits else add_period(audits)[column]
    return sorted(values.dropna().astype(str).unique())


def _hint(value: object, options: list[str]) -> str:
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
            raise ParameterError(
                f"{column} {value!r} has no audits{_hint(value, values)}; {column}s in the data: "
                f"{', '.join(values) or 'none'}"
            )
        out = out[out[column].astype(str) == value]
    return out.copy()


def _commented(audits: pd.DataFrame) -> pd.DataFrame:
    return audits[audits["theme_id"].notna()].astype({"theme_id": int})


def _theme_row(topics: pd.DataFrame, theme_id: int) -> dict[str, Any]:
    rows = topics[topics["theme_id"] == theme_id]
    return {} if rows.empty else {str(k): v for k, v in rows.iloc[0].items()}


def _keywords(value: object, n: int | None = None) -> list[str]:
    words = [w.strip() for w in str(value or "").split(",") if w.strip()]
    return words[:n] if n else words


def _key(row: Mapping[str, Any]) -> str:  # after curation the key is stored as ``theme_key``
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
    row = _theme_row(topics, theme_id)
    own = commented[commented["theme_id"] == theme_id]
    ranked = own.sort_values("confidence", ascending=False, kind="stable")["comment"]
    examples = list(dict.fromkeys(str(c) for c in ranked.dropna() if str(c).strip()))
    similarity = row.get("cause_similarity")
    merged = row.get("merged_from")
    return ThemeDetail(
        theme_id=theme_id, label=str(row.get("theme_label", "Unassigned")),
        key=_key(row) if row else "", keywords=_keywords(row.get("keywords")),
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


# -- curation --------------------------------------------------------------------------------


def default_curation_path(workspace: Workspace) -> Path:
    """Return the curation file the workspace was themed with, else ``parameters/curation.yaml``.

    A batch records the plan's curation file in the workspace, so a month built by ``rca batch``
    is curated in the file its next run reads.
    """
    from rca.core.paths import parameters_dir

    used = workspace.info.get("curation")
    return Path(used) if used else parameters_dir() / "curation.yaml"


@dataclass(frozen=True)
class Edit:
    """One pending curation edit: ``action`` (rename, merge, pin), its themes and new value."""

    action: str
    theme_ids: tuple[int, ...]
    labels: tuple[str, ...]
    keys: tuple[str, ...]
    value: str


class CurationSession:
    """An analyst's pending renames, merges and pins of a workspace's audit themes.

    Themes are named by id or label; edits are kept by theme key (`curation_file.theme_key`)
    on top of the file's curation and written only by `save`, with each theme's centroid so that
    the next run matches it even when its keywords drift.

    Parameters
    ----------
    workspace
        The workspace (or its folder) whose themes are curated.
    path
        Curation YAML to extend and write; default `default_curation_path`.
    taxonomy
        Root causes that pins must name; default ``parameters/root_causes.yaml``.
    """

    def __init__(
        self, workspace: Workspace | str | Path, path: str | Path | None = None, *,
        taxonomy: Taxonomy | None = None,
    ) -> None:  # fmt: skip
        ws = workspace
        self.workspace = ws if isinstance(ws, Workspace) else Workspace(Path(ws))
        self.path = Path(path) if path else default_curation_path(self.workspace)
        self.taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
        self.saved = load_curation(self.path)
        self.edits: list[Edit] = []
        self.theme_table = self.workspace.themes()

    @property
    def curation(self) -> Curation:
        """The file's curation with the pending edits applied."""
        out = self.saved
        for e in self.edits:
            if e.action == "rename":
                out = rename(out, e.keys[0], e.value)
            elif e.action == "merge":
                out = merge(out, e.keys)
            else:
                out = pin(out, e.keys[0], e.value)
        return out

    @property
    def pending(self) -> int:
        """Number of edits not saved yet."""
        return len(self.edits)

    def _theme(self, theme: int | str) -> tuple[int, str, str]:
        theme_id = resolve_theme(self.theme_table, theme)
        if theme_id == _UNASSIGNED:
            raise ParameterError("the unassigned comments are not a theme; they cannot be curated")
        row = _theme_row(self.theme_table, theme_id)
        return theme_id, str(row["theme_label"]), _key(row)

    def _add(self, action: str, themes: list[int | str], value: str) -> CurationSession:
        found = [self._theme(t) for t in themes]
        ids, labels, keys = (tuple(f[0] for f in found), tuple(f[1] for f in found),
                             tuple(f[2] for f in found))  # fmt: skip
        self.edits.append(Edit(action, ids, labels, keys, value))
        try:
            _ = self.curation  # rca.themes.curation_file's checks (empty name, same key twice...)
        except ParameterError:
            self.edits.pop()
            raise
        return self

    def rename(self, theme: int | str, name: str) -> CurationSession:
        """Show ``theme`` (id or label) as ``name`` from the next run on; returns ``self``."""
        return self._add("rename", [theme], name.strip())

    def merge(self, *themes: int | str) -> CurationSession:
        """Merge ``themes`` (ids or labels) into the first one; returns ``self``."""
        ids = {resolve_theme(self.theme_table, t) for t in themes}
        if len(ids) < 2:
            raise ParameterError("merge: give two or more different themes")
        return self._add("merge", list(themes), "")

    def pin(self, theme: int | str, cause_id: str) -> CurationSession:
        """Force root cause ``cause_id`` (an id of the taxonomy) on ``theme``; returns ``self``."""
        if cause_id not in self.taxonomy:
            ids = list(self.taxonomy.ids)
            raise ParameterError(
                f"pin: unknown cause {cause_id!r}{_hint(cause_id, ids)}; causes: {', '.join(ids)}"
            )
        return self._add("pin", [theme], cause_id)

    def undo(self) -> CurationSession:
        """Drop the last pending edit; returns ``self``."""
        if self.edits:
            self.edits.pop()
        return self

    def preview(self) -> pd.DataFrame:
        """Return the pending edits: ``action``, ``themes``, ``theme_keys`` and ``change``."""
        rows = []
        for e in self.edits:
            named = [f"{t} · {lab}" for t, lab in zip(e.theme_ids, e.labels, strict=True)]
            cause = self.taxonomy[e.value].name if e.action == "pin" else ""
            change = {"rename": f"renamed to '{e.value}'", "merge": f"merged into {named[0]}",
                      "pin": f"root cause pinned to {e.value} ({cause})"}[e.action]  # fmt: skip
            rows.append({"action": e.action, "themes": " + ".join(named),
                         "theme_keys": " | ".join(e.keys), "change": change})  # fmt: skip
        return pd.DataFrame(rows, columns=["action", "themes", "theme_keys", "change"])

    def save(self) -> Path:
        """Write the curation, pending edits and theme signatures to `path`; return it.

        The next ``rca batch`` whose plan names this file as its ``curation`` applies it.
        """
        from rca.themes.curation import record_signatures
        from rca.themes.model import ThemeModel

        model = ThemeModel.load(self.workspace.path / "audit_model")
        curation = record_signatures(self.curation, model.theme_info_, model.centroids_)
        save_curation(curation, self.path)
        self.saved, self.edits = curation, []
        return self.path
