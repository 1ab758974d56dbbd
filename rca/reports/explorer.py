"""Views of the explore notebook, and the interactive theme explorer for JupyterLab.

Fragments take what `rca.analysis.explore` computes and return ``IPython.display.HTML``
(data-derived text escaped, charts through `rca.reports.fragments.figure`). `Explorer` puts the
same views behind ipywidgets controls (month, market, queue, team, theme) with rename / merge / pin
buttons. Widgets need a live frontend: `interactive_explorer` builds one only when a notebook
frontend runs the cell (`frontend_shows_widgets`); papermill runs and their HTML carry none.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import HTML

import rca.analysis.explore as rx
import rca.reports.fragments as rr
from rca.analysis.curation_session import CurationSession
from rca.analysis.workspace import Workspace
from rca.core.errors import RcaError
from rca.reports.history import theme_history_fragment
from rca.stats.kpis import add_period

__all__ = [
    "Explorer",
    "curation_fragment",
    "frontend_shows_widgets",
    "interactive_explorer",
    "overview_table",
    "segment_heatmaps",
    "slice_cards",
    "slice_title",
    "theme_fragment",
    "trend_chart",
]


def _filters(values: Mapping[str, Any]) -> dict[str, str | None]:
    return {c: values.get(c) or None for c in rx.SEGMENTS}


def slice_title(month: str, filters: Mapping[str, Any]) -> str:
    """Return the title of a slice, e.g. ``Themes in audit comments · 2026-10 · PH · Team Lynx``."""
    chosen = [str(v) for v in _filters(filters).values() if v]
    return " · ".join(["Themes in audit comments", month, *(chosen or ["all audits"])])


def slice_cards(audits: pd.DataFrame) -> HTML:
    """Return KPI cards of a slice: audits, with a comment, themes, unassigned, pass rate."""
    themed = audits[audits["theme_id"].notna()]
    unassigned = (themed["theme_id"] == -1).mean() if len(themed) else 0.0
    passed = audits["passed"].dropna().astype(float)
    return rr.kpi_cards(
        [
            rr.Kpi("Audits", f"{len(audits):,}"),
            rr.Kpi("With a comment", f"{len(themed):,}"),
            rr.Kpi("Themes", f"{themed.loc[themed['theme_id'] != -1, 'theme_id'].nunique()}"),
            rr.Kpi("Fit no theme", f"{unassigned * 100:.1f} %"),
            rr.Kpi("Pass rate", f"{passed.mean() * 100:.1f} %" if len(passed) else "–"),
        ]
    )


def overview_table(overview: pd.DataFrame, month: str, top_n: int = 8) -> HTML:
    """Return the slice's largest themes (`rca.analysis.explore.theme_overview`) as a table.

    Without a previous month (the first of the data) its columns are left out, with the note.
    """
    if overview.empty:
        return rr.callout(f"No audit comments match these filters in {month}.", kind="warn")
    first = "previous_share" in overview and overview["previous_share"].isna().all()
    overview = overview.drop(columns=["previous_share", "change"]) if first else overview
    names = {"theme_id": "Id", "theme_label": "Theme", "n": "Comments", "share": "Share",
             "previous_share": "Previous month", "change": "Change", "cause_name": "Cause",
             "root_cause": "Root cause id", "pinned": "Pinned", "keywords": "Keywords"}  # fmt: skip
    view = overview.head(top_n).rename(columns=names)
    view["Pinned"] = view["Pinned"].map({True: "yes", False: ""})
    table = rr.table(view, formats={"Comments": "int", "Share": "pct", "Previous month": "pct",
                                    "Change": "pts"})  # fmt: skip
    return HTML(rr.first_month_note().data + table.data) if first else table


def trend_chart(trend: pd.DataFrame, freq: str = "week") -> HTML:
    """Return lines of each theme's share per ``freq`` (`rca.analysis.explore.theme_shares_by`)."""
    import plotly.graph_objects as go

    if trend.empty:
        return rr.callout("No audit comments to chart.", kind="warn")
    fig = go.Figure()
    for (_, label), rows in trend.groupby(["theme_id", "theme_label"], sort=False):
        fig.add_trace(
            go.Scatter(
                x=rr.escape_labels(rows[freq]), y=rows["share"] * 100, mode="lines+markers",
                name=html.escape(str(label)), customdata=rows[["n", "total"]].to_numpy(),
                hovertemplate="%{x}: %{y:.1f} % (%{customdata[0]} of %{customdata[1]})"
                "<extra></extra>",
            )
        )  # fmt: skip
    word = "Weekly" if freq == "week" else "Monthly"
    fig.update_layout(title=f"{word} share of commented audits per theme", yaxis_title="%",
                      xaxis_title="week starting" if freq == "week" else "month",
                      legend={"font": {"size": 10}}, height=420)  # fmt: skip
    return rr.figure(fig)


def segment_heatmaps(
    audits: pd.DataFrame, filters: Mapping[str, Any], top_n: int = 8, min_n: int = 30
) -> HTML:
    """Heat maps of theme shares per market, queue and team (those not filtered to one value).

    Segments with fewer than ``min_n`` commented audits are named but their cells left empty.
    """
    import plotly.graph_objects as go

    open_ = [c for c in rx.SEGMENTS if not _filters(filters)[c]]
    if audits["theme_id"].notna().sum() == 0 or not open_:
        why = "every segment is filtered to one value" if not open_ else "no audit comments"
        return rr.callout(f"No segments to compare: {why}.")
    parts = []
    for by in open_:
        shares = rx.theme_shares_by(audits, by, top_n=top_n, min_n=min_n)
        small = shares.groupby(by)["small_n"].first()
        names = {s: f"{s} (n<{min_n}, hidden)" if small[s] else str(s) for s in small.index}
        grid = shares.pivot_table(index="theme_label", columns=by, values="share", sort=False)
        # segments with fewer than min_n commented audits are suppressed, not just flagged: a
        # share of 1 in 3 can point at one person's case
        grid.loc[:, [c for c in grid.columns if small[c]]] = float("nan")
        fig = go.Figure(
            go.Heatmap(
                z=grid.to_numpy() * 100, x=rr.escape_labels(names[s] for s in grid.columns),
                y=rr.escape_labels(grid.index), colorscale="Blues", texttemplate="%{z:.0f}",
                hovertemplate="%{y} in %{x}: %{z:.1f} % of comments<extra></extra>",
            )
        )  # fmt: skip
        fig.update_layout(title=f"Share of each {by}'s commented audits (%)",
                          yaxis={"autorange": "reversed"}, height=200 + 30 * len(grid))  # fmt: skip
        parts.append(rr.figure(fig).data)
    return HTML("".join(parts))


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def theme_fragment(detail: rx.ThemeDetail) -> HTML:
    """Return a theme's drill-down: size, cause, keywords, examples, where it concentrates."""
    d = detail
    cause = f"{d.cause_name} ({d.root_cause})" if d.cause_name else d.root_cause or "–"
    similarity = f", similarity {d.cause_similarity:.2f}" if d.cause_similarity is not None else ""
    facts = [
        f"{d.n:,} comments in this slice ({_pct(d.share)} of commented audits); pass rate "
        f"{_pct(d.pass_rate)} against {_pct(d.slice_pass_rate)} for the whole slice",
        f"Root cause: {cause}{' · pinned by an analyst' if d.pinned else similarity}",
        f"Keywords: {', '.join(d.keywords) or '–'}",
        f"Curation key: {d.key or '–'}",
        *([f"Merged from themes {', '.join(map(str, d.merged_from))}"] if d.merged_from else []),
    ]
    quotes = "".join(f"<li>“{rr.esc(q)}”</li>" for q in d.examples) or "<li>none</li>"
    errors = d.errors.rename(columns={"error_category": "Error category", "n": "Audits",
                                      "share": "Share", "slice_share": "In the slice"})  # fmt: skip
    where = {"n": "Comments", "share_of_theme": "Share of the theme", "rate": "Rate",
             "lift": "× slice rate"}  # fmt: skip
    fmt = {"Comments": "int", "Share of the theme": "pct", "Rate": "pct", "× slice rate": ".1f"}
    return HTML(
        "<ul>" + "".join(f"<li>{rr.esc(f)}</li>" for f in facts) + "</ul>"
        f"<h4>Example comments (redacted)</h4><ul>{quotes}</ul>"
        "<h4>Error categories of its audits</h4>"
        + rr.table(errors, formats={"Audits": "int", "Share": "pct", "In the slice": "pct"}).data
        + "<h4>Agents it concentrates in</h4>"
        + rr.table(d.agents.rename(columns={"agent": "Agent", **where}), formats=fmt).data
        + "<h4>Queues</h4>"
        + rr.table(d.queues.rename(columns={"queue": "Queue", **where}), formats=fmt).data
    )


def curation_fragment(
    session: CurationSession, saved: Path | None = None, allow_save: bool = False
) -> HTML:
    """Return the curation file, the pending edits and whether they were written."""
    c = session.saved
    n = len(c.renames) + len(c.merges) + len(c.pins)
    held = f"{n} {'entry' if n == 1 else 'entries'}"
    parts = [
        rr.callout(
            f"Curation file: {session.path} ({held if session.path.exists() else 'not created yet'}"
            "). The next batch applies it to the themes. To rename, merge or pin a cause, open "
            "this notebook in JupyterLab and use the explorer's controls, with save_curation on."
        ).data
    ]
    if saved is not None:
        parts.append(rr.callout(f"Saved to {saved}.").data)
    if session.pending:
        parts.append(rr.table(session.preview().rename(columns=str.capitalize)).data)
        if not allow_save:
            note = f"{session.pending} edits not written: set save_curation = True to save them."
            parts.append(rr.callout(note, kind="warn").data)
    elif saved is None:
        parts.append("<p>No pending edits.</p>")
    return HTML("".join(parts))


# -- interactive -----------------------------------------------------------------------------


def frontend_shows_widgets() -> bool:
    """Tell whether a notebook frontend (JupyterLab, Notebook 7, VS Code) is running this cell.

    Such frontends send the executing cell's id with each request (``cellId`` in its metadata);
    papermill and nbconvert do not. Widgets built without a frontend would only leave state in
    the executed notebook, which its HTML export would try to load from a CDN.
    """
    from IPython import get_ipython

    kernel = getattr(get_ipython(), "kernel", None)
    parent = kernel.get_parent() if kernel is not None else None
    return "cellId" in ((parent or {}).get("metadata") or {})


def _output(fragment: HTML) -> dict[str, Any]:
    data = {"text/html": fragment.data, "text/plain": "(report fragment)"}
    return {"output_type": "display_data", "data": data, "metadata": {}}


class Explorer:
    """Interactive explorer: filters, a theme to drill into, and curation controls.

    Every control is an attribute (``month``, ``market``, ``queue``, ``team``, ``theme``,
    ``new_name``, ``merge_with``, ``cause`` and the ``*_button`` buttons), so it can be driven
    from code; ``output`` holds the rendered views and ``status`` the last curation message.
    Display the explorer itself (it shows its ``widget``).

    Parameters
    ----------
    workspace
        The workspace to explore.
    session
        Curation session the buttons edit; default a new one on the default curation file.
    allow_save
        Enable the Save button (the notebook's ``save_curation``).
    top_n, min_n
        Themes listed, and the segment size below which a segment is marked small.
    """

    def __init__(
        self,
        workspace: Workspace | str | Path,
        session: CurationSession | None = None,
        *,
        allow_save: bool = False,
        top_n: int = 8,
        min_n: int = 30,
    ) -> None:
        import ipywidgets as w

        ws = workspace if isinstance(workspace, Workspace) else Workspace(Path(workspace))
        self.session = session if session is not None else CurationSession(ws)
        self.audits, self.theme_table = add_period(ws.audits()), ws.themes()
        self.top_n, self.min_n, self.allow_save = top_n, min_n, allow_save
        self.months = rx.available(self.audits, "month")
        self.history = rx.theme_history(ws, self.months[-1])  # each month shows its part
        self.month = w.Dropdown(options=self.months, value=self.months[-1], description="Month")
        self.market, self.queue, self.team = (
            w.Dropdown(options=[("All", ""), *((v, v) for v in rx.available(self.audits, c))],
                       value="", description=c.capitalize())
            for c in rx.SEGMENTS
        )  # fmt: skip
        self.theme = w.Dropdown(description="Theme", layout={"width": "480px"})
        self.output = w.Output()
        self.new_name = w.Text(placeholder="new name of the theme", description="Rename to")
        self.merge_with = w.SelectMultiple(description="Merge in", rows=5)
        causes = [(f"{c.id} · {c.name}", c.id) for c in self.session.taxonomy]
        self.cause = w.Dropdown(options=causes, description="Cause")
        self.rename_button, self.merge_button, self.pin_button, self.undo_button = (
            w.Button(description=d) for d in ("Rename", "Merge into theme", "Pin cause", "Undo")
        )
        self.save_button = w.Button(description="Save curation", button_style="primary",
                                    disabled=not allow_save)  # fmt: skip
        self.edits, self.status = w.HTML(), w.HTML()
        self._quiet = False
        for control in (self.month, self.market, self.queue, self.team):
            control.observe(lambda _change: self.refresh(), names="value")
        self.theme.observe(lambda _change: None if self._quiet else self.render(), names="value")
        for button, action in ((self.rename_button, "rename"), (self.merge_button, "merge"),
                               (self.pin_button, "pin"), (self.undo_button, "undo"),
                               (self.save_button, "save")):  # fmt: skip
            button.on_click(lambda _b, a=action: self.edit(a))
        curate = w.VBox([
            w.HTML("<b>Curate the selected theme</b> (saved for the next batch)"),
            w.HBox([self.new_name, self.rename_button]),
            w.HBox([self.merge_with, self.merge_button]),
            w.HBox([self.cause, self.pin_button]), self.edits,
            w.HBox([self.undo_button, self.save_button]), self.status,
        ])  # fmt: skip
        self.widget = w.VBox([w.HBox([self.month, self.market]), w.HBox([self.queue, self.team]),
                              self.theme, curate, self.output])  # fmt: skip
        self.refresh()
        self._show_edits()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def filters(self) -> dict[str, str | None]:
        """The chosen market, queue and team (``None``: all)."""
        return {"market": self.market.value or None, "queue": self.queue.value or None,
                "team": self.team.value or None}  # fmt: skip

    def refresh(self) -> None:
        """List the themes of the chosen slice, then `render`."""
        month = self.month.value
        slice_ = rx.filter_audits(self.audits, month=month, **self.filters)
        themes = rx.theme_overview(slice_, self.theme_table, month)
        rows = zip(themes["theme_id"], themes["theme_label"], themes["n"], strict=True)
        options = [(f"{label} ({n}) · id {t}", int(t)) for t, label, n in rows]
        self._quiet = True
        try:
            keep = self.theme.value
            self.theme.options = options
            self.theme.value = keep if keep in dict(options).values() else (
                options[0][1] if options else None
            )  # fmt: skip
            self.merge_with.options = options
        finally:
            self._quiet = False
        self.render()

    def render(self) -> None:
        """Re-draw the overview and the drill-down of the chosen slice and theme."""
        month, filters = self.month.value, self.filters
        i = self.months.index(month)
        previous = self.months[i - 1] if i > 0 else None
        try:
            segment = rx.filter_audits(self.audits, **filters)
            slice_ = segment[segment["month"] == month]
            parts = [
                rr.heading(slice_title(month, filters), 2), slice_cards(slice_),
                overview_table(rx.theme_overview(segment, self.theme_table, month, previous), month,
                               self.top_n),
                trend_chart(rx.theme_shares_by(segment, "week", self.top_n)),
                segment_heatmaps(slice_, filters, self.top_n, self.min_n),
            ]  # fmt: skip
            if self.theme.value is not None:
                detail = rx.theme_detail(slice_, self.theme_table, self.theme.value)
                history = theme_history_fragment(self.history, detail.theme_id, month=month)
                parts += [rr.heading(f"Theme: {detail.label}", 3), theme_fragment(detail), history]
        except RcaError as exc:
            parts = [rr.callout(str(exc), kind="warn")]
        self.output.outputs = tuple(_output(p) for p in parts)

    def edit(self, action: str) -> None:
        """Apply a button's action (rename, merge, pin, undo, save) to the selected theme."""
        s, theme = self.session, self.theme.value
        try:
            if action == "save" and not self.allow_save:
                message = "Saving is off: set save_curation = True in the parameters and re-run."
            elif action == "save":
                self.status.value = rr.callout("Saving (loads the theme model)…").data
                message = f"Saved to {s.save()}; the next batch applies it."
            elif action == "undo":
                s.undo()
                message = "Last edit undone."
            elif theme is None:
                message = "Choose a theme first."
            elif action == "rename":
                s.rename(theme, self.new_name.value)
                message = "Renamed (not saved yet)."
            elif action == "merge":
                s.merge(theme, *self.merge_with.value)
                message = "Merged (not saved yet)."
            else:
                s.pin(theme, self.cause.value)
                message = "Cause pinned (not saved yet)."
            self.status.value = rr.callout(message).data
        except RcaError as exc:
            self.status.value = rr.callout(str(exc), kind="warn").data
        self._show_edits()

    def _show_edits(self) -> None:
        self.edits.value = curation_fragment(self.session, allow_save=self.allow_save).data


def interactive_explorer(
    workspace: Workspace | str | Path,
    session: CurationSession | None = None,
    *,
    allow_save: bool = False,
    top_n: int = 8,
    min_n: int = 30,
) -> Explorer | None:
    """Return an `Explorer` when a notebook frontend runs this cell, else ``None``.

    ``None`` shows nothing, so a papermill run's HTML export has no broken widget in it.
    """
    if not frontend_shows_widgets():
        return None
    return Explorer(workspace, session, allow_save=allow_save, top_n=top_n, min_n=min_n)
