"""Views of the themes' history: size by month, first seen, splits and merges in words.

Every function reads the analysis tables ``theme_history``, ``theme_lineage`` and
``theme_registry`` (`rca.analysis.history_steps`) and returns an ``IPython.display.HTML``
fragment: a line chart (`rca.reports.charts.theme_months`), a table, sentences, or one sentence
saying why there is nothing to show. Every data-derived text is escaped. The policy and product
report shows the largest themes (`history_chart`, `history_table`, `splits_and_merges`); the
explore notebook one theme (`theme_history_fragment`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from IPython.display import HTML

import rca.reports.fragments as rr
from rca.analysis.history_steps import HISTORY_TABLES
from rca.reports.charts import theme_months

__all__ = [
    "HISTORY_TABLES",
    "KIND_TEXTS",
    "history_chart",
    "history_section",
    "history_table",
    "lineage_sentences",
    "splits_and_merges",
    "theme_history_fragment",
    "top_themes",
]

#: How the views name the texts of each kind.
KIND_TEXTS = {"audits": "audit comments", "feedback": "feedback texts"}


def _texts(kind: str) -> str:
    return KIND_TEXTS.get(kind, f"{kind} texts")


def _usable(df: pd.DataFrame, *columns: str) -> bool:
    """Whether ``df`` is a table the analysis filled (no reason to be empty) with ``columns``."""
    return (
        isinstance(df, pd.DataFrame)
        and not df.attrs.get("empty_reason")
        and {"kind", *columns} <= set(df.columns)
    )


def _of_kind(history: pd.DataFrame, kind: str, month: str | None) -> pd.DataFrame:
    """Return the kind's rows of ``theme_history`` up to ``month``."""
    if not _usable(history, "theme_id", "month", "n", "share"):
        return pd.DataFrame(columns=["kind", "theme_id", "theme_label", "month", "n", "share"])
    rows = history[history["kind"] == kind]
    return rows[rows["month"].astype(str) <= month] if month else rows


def top_themes(
    history: pd.DataFrame, kind: str, month: str | None = None, top_n: int = 8
) -> list[int]:
    """Return the ids of the kind's ``top_n`` largest themes in ``month`` (default: the latest).

    Largest by texts in the month, then by texts over every month, then by id; texts in no theme
    (``-1``) and themes without a text in the month are left out.
    """
    rows = _of_kind(history, kind, month)
    rows = rows[rows["theme_id"] != -1]
    if rows.empty:
        return []
    last = month or str(rows["month"].max())
    now = rows[rows["month"].astype(str) == last].set_index("theme_id")["n"]
    total = rows.groupby("theme_id")["n"].sum()
    ranked = pd.DataFrame({"now": now, "total": total}).fillna(0)
    ranked = ranked[ranked["now"] > 0].reset_index(names="theme_id")
    ranked = ranked.sort_values(["now", "total", "theme_id"], ascending=[False, False, True])
    return [int(t) for t in ranked["theme_id"].head(top_n)]


def _none(history: pd.DataFrame, kind: str, month: str | None) -> HTML:
    upto = f" up to {month}" if month else ""
    return rr.empty_note(history, f"No theme history of {_texts(kind)}{upto}.", kind="info")


def history_chart(
    history: pd.DataFrame, kind: str = "audits", month: str | None = None, top_n: int = 8
) -> HTML:
    """Chart the share of each month's texts in the ``top_n`` largest themes, every month held.

    Parameters
    ----------
    history
        ``theme_history``.
    kind
        ``"audits"`` (comments) or ``"feedback"`` (texts).
    month
        The report month: later months are not drawn, and the themes are its largest.
    top_n
        Themes drawn.
    """
    rows = _of_kind(history, kind, month)
    ids = top_themes(history, kind, month, top_n)
    if not ids:
        return _none(history, kind, month)
    d = rows[rows["theme_id"].isin(ids)]
    d = d.assign(_rank=d["theme_id"].map({t: i for i, t in enumerate(ids)}))
    d = d.sort_values(["_rank", "month"], kind="stable")
    n_months = d["month"].nunique()
    title = f"Share of each month's {_texts(kind)}: the largest themes over {n_months} months"
    return rr.figure(theme_months(d, title, _texts(kind)))


def _names(labels: list[str]) -> str:
    quoted = [f"'{label}'" for label in labels]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def _events(lineage: pd.DataFrame, kind: str, month: str | None) -> list[dict[str, Any]]:
    """Return the kind's splits (one per parent) and merges (one per child) up to ``month``."""
    if not _usable(lineage, "month", "relation", "parent_id", "child_id"):
        return []
    rows = lineage[lineage["kind"] == kind]
    if month:
        rows = rows[rows["month"].astype(str) <= month]
    events = []
    for relation, side in (("split", "parent_id"), ("merge", "child_id")):
        mine = rows[rows["relation"] == relation]
        for (m, _), g in mine.groupby(["month", side], sort=True):
            g = g.sort_values(["parent_id", "child_id"], kind="stable")
            events.append(
                {
                    "month": str(m), "relation": relation,
                    "parents": list(dict.fromkeys(zip(g["parent_id"], g["parent_label"],
                                                      strict=True))),
                    "children": list(dict.fromkeys(zip(g["child_id"], g["child_label"],
                                                       strict=True))),
                    "shared": int(pd.to_numeric(g["shared_texts"]).fillna(0).sum()),
                }
            )  # fmt: skip
    return sorted(events, key=lambda e: (e["month"], e["relation"]))


def _sentence(event: dict[str, Any]) -> str:
    parents = _names([str(label) for _, label in event["parents"]])
    children = _names([str(label) for _, label in event["children"]])
    shared = f", sharing {event['shared']:,} texts"
    if event["relation"] == "split":
        return f"{parents} split into {children} in {event['month']}{shared}"
    return f"{parents} merged into {children} in {event['month']}{shared}"


def lineage_sentences(
    lineage: pd.DataFrame, kind: str = "audits", theme_id: int | None = None,
    month: str | None = None,
) -> list[str]:  # fmt: skip
    """Say each split and merge of the kind's themes up to ``month`` in words, oldest first.

    E.g. "'Selfie' split into 'Selfie rejected' and 'Selfie blurry' in 2026-08, sharing 140
    texts" (shared texts summed over the links). ``theme_id``: only those the theme took part in
    (as parent or child). Plain text: escape it to show it.
    """
    out = []
    for event in _events(lineage, kind, month):
        ids = {int(t) for t, _ in event["parents"] + event["children"]}
        if theme_id is None or int(theme_id) in ids:
            out.append(_sentence(event))
    return out


def splits_and_merges(
    lineage: pd.DataFrame, kind: str = "audits", month: str | None = None
) -> HTML:
    """List every split and merge of the kind's themes up to ``month``, most recent first.

    One sentence instead when there is none, or when the analysis holds no lineage (its reason).
    """
    upto = f" up to {month}" if month else ""
    if not _usable(lineage, "month", "relation", "parent_id", "child_id"):
        return rr.empty_note(lineage, f"No split or merge of themes is recorded{upto}.", "info")
    sentences = lineage_sentences(lineage, kind, month=month)[::-1]
    if not sentences:
        return rr.callout(f"No theme of the {_texts(kind)} split or merged{upto}.")
    return HTML("<ul>" + "".join(f"<li>{rr.esc(s)}.</li>" for s in sentences) + "</ul>")


def _first_seen(history: pd.DataFrame, registry: pd.DataFrame, kind: str) -> dict[int, str]:
    """Return each theme's first month: the earlier of the registry's and its first with texts.

    The registry records the month a theme got its id; the texts of earlier stored months are
    assigned to it too, so a theme can be seen before its id existed. A theme present in the
    history's first month may be older than the data: "<month> or earlier".
    """
    held = history[history["n"] > 0]
    start = str(history["month"].min()) if len(history) else ""
    firsts = held.groupby("theme_id")["month"].min()
    seen = {int(t): str(m) for t, m in zip(firsts.index, firsts, strict=True)}
    if _usable(registry, "theme_id", "first_month"):
        mine = registry[registry["kind"] == kind]
        for t, m in zip(mine["theme_id"], mine["first_month"], strict=True):
            seen[int(t)] = min(str(m), seen.get(int(t), str(m)))
    return {t: f"{m} or earlier" if m == start else m for t, m in seen.items()}


def history_table(
    history: pd.DataFrame,
    lineage: pd.DataFrame,
    registry: pd.DataFrame,
    kind: str = "audits",
    month: str | None = None,
    top_n: int = 8,
) -> HTML:
    """Tabulate the ``top_n`` largest themes: id, first seen, size now and at peak, lineage.

    "Splits and merges" says in words each split or merge the theme took part in
    (`lineage_sentences`). Without a registry the first month is the first with texts in the
    history.
    """
    rows = _of_kind(history, kind, month)
    ids = top_themes(history, kind, month, top_n)
    if not ids:
        return _none(history, kind, month)
    last = month or str(rows["month"].max())
    seen = _first_seen(rows, registry, kind)
    out = []
    for t in ids:
        mine = rows[rows["theme_id"] == t].sort_values("month")
        now = mine[mine["month"].astype(str) == last].iloc[0]
        peak = mine.sort_values(["n", "month"], ascending=[False, True]).iloc[0]
        events = lineage_sentences(lineage, kind, t, month)
        out.append(
            {
                "Theme": now["theme_label"], "Id": t, "First seen": seen.get(t, "–"),
                f"{_texts(kind).capitalize()} in {last}": now["n"], "Share": now["share"],
                "Largest month": f"{peak['month']} ({int(peak['n']):,})",
                "Splits and merges": events or "–",
            }
        )  # fmt: skip
    formats = {f"{_texts(kind).capitalize()} in {last}": "int", "Share": "pct", "Id": "int"}
    return rr.table(pd.DataFrame(out), formats=formats)


def history_section(
    tables: Mapping[str, pd.DataFrame], kind: str = "audits", month: str | None = None,
    top_n: int = 8,
) -> HTML:  # fmt: skip
    """Return the history of the kind's ``top_n`` largest themes under a heading.

    The chart (`history_chart`), the table (`history_table`) and every split and merge
    (`splits_and_merges`) of `HISTORY_TABLES` (by name; a missing one counts as empty).
    """
    history, lineage, registry = (tables.get(n, pd.DataFrame()) for n in HISTORY_TABLES)
    parts = [
        rr.heading(f"Themes of the {_texts(kind)}", 3), history_chart(history, kind, month, top_n),
        history_table(history, lineage, registry, kind, month, top_n),
        splits_and_merges(lineage, kind, month),
    ]  # fmt: skip
    return HTML("".join(p.data for p in parts))


def theme_history_fragment(
    tables: Mapping[str, pd.DataFrame],
    theme_id: int,
    kind: str = "audits",
    month: str | None = None,
) -> HTML:
    """Return one theme's history: first seen, size month by month (chart), splits and merges.

    Parameters
    ----------
    tables
        `HISTORY_TABLES` by name (`rca.analysis.explore.theme_history`); a missing one counts as
        empty.
    theme_id
        The theme (its registry id when the workspace comes from the history store).
    kind
        ``"audits"`` (comments) or ``"feedback"`` (texts).
    month
        The month shown: later months are left out.
    """
    history, lineage, registry = (tables.get(n, pd.DataFrame()) for n in HISTORY_TABLES)
    rows = _of_kind(history, kind, month)
    mine = rows[rows["theme_id"] == int(theme_id)].sort_values("month")
    if mine.empty or not (mine["n"] > 0).any():
        upto = f" up to {month}" if month else ""
        return rr.empty_note(history, f"No history of this theme in the {_texts(kind)}{upto}.",
                             kind="info")  # fmt: skip
    label = str(mine["theme_label"].iloc[-1])
    first = _first_seen(rows, registry, kind).get(int(theme_id), "–")
    if _usable(lineage, "month", "relation", "parent_id", "child_id"):
        events = lineage_sentences(lineage, kind, int(theme_id), month)
        words = events or ["No split or merge of this theme is recorded."]
    else:
        reason = lineage.attrs.get("empty_reason") if isinstance(lineage, pd.DataFrame) else None
        words = [f"Splits and merges are not known: {reason}." if reason else
                 "Splits and merges are not known for this analysis."]  # fmt: skip
    facts = [f"Theme id {int(theme_id)}; first seen {first}; {int(mine['n'].sum()):,} "
             f"{_texts(kind)} over {mine['month'].nunique()} months (the whole operation, not "
             "only this slice)", *words]  # fmt: skip
    title = f"'{label}': share of each month's {_texts(kind)}"
    return HTML(
        "<ul>"
        + "".join(f"<li>{rr.esc(f)}</li>" for f in facts)
        + "</ul>"
        + rr.figure(theme_months(mine, title, _texts(kind))).data
    )
