# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% tags=["rca-setup"]
import rca.analysis.explore as rx
from rca.analysis.curation_session import CurationSession
import rca.reports.fragments as rr
import rca.reports.explorer as ve
import rca.reports.history as vh
import rca.reports.languages as vl
from rca.batch.parameters import notebook_parameters
from rca.analysis.workspace import Workspace

_before = set(globals())
rr.setup()

# %% tags=["parameters"]
workspace = ""
month = None
min_n = 30
top_n = 8
market = None
queue = None
team = None
theme = None
curation = None
save_curation = False
sql = None

# %% tags=["rca-validate"]
P = notebook_parameters("explore", globals(), _before)
ws = Workspace(P["workspace"])
month, previous = ws.resolve_month(P["month"])
segments = {"market": P["market"], "queue": P["queue"], "team": P["team"]}
every_month = rx.filter_audits(ws.audits(), **segments)
audits = rx.filter_audits(ws.audits(), month=month, **segments)
topics = ws.themes()
detail = rx.theme_detail(audits, topics, P["theme"], top_n=P["top_n"])

# %%
rr.heading(ve.slice_title(month, segments), 1)

# %%
ve.slice_cards(audits)

# %%
rr.heading("Themes in this slice")

# %%
overview = rx.theme_overview(every_month, topics, month, previous)
ve.overview_table(vl.with_theme_languages(overview, audits), month, P["top_n"])

# %%
rr.heading("Themes over time")

# %%
ve.trend_chart(rx.theme_shares_by(every_month, "week", P["top_n"]), "week")

# %%
rr.heading("Themes per market, queue and team")

# %%
ve.segment_heatmaps(audits, segments, P["top_n"], P["min_n"])

# %%
rr.heading("Languages of the comments")

# %%
vl.slice_languages(audits)

# %%
rr.heading(f"Drill-down: {detail.label}")

# %%
ve.theme_fragment(detail)

# %%
rr.heading(f"History of the theme: {detail.label}")

# %%
vh.theme_history_fragment(rx.theme_history(ws, month), detail.theme_id, month=month)

# %%
rr.heading("The history store")

# %%
rr.table(rx.store_query(ws, P["sql"]), max_rows=200) if P["sql"] else rr.callout(rx.SQL_HINT)

# %%
rr.heading("Curation")

# %%
S = CurationSession(ws, P["curation"])
# Edit themes by id or label, then run with save_curation = True to write them, e.g.
# S.rename(3, "Outdated ID-verification macro").merge(1, 4).pin(3, "process.outdated_macro")

# %%
saved = S.save() if P["save_curation"] and S.pending else None
ve.curation_fragment(S, saved, allow_save=P["save_curation"])

# %%
rr.data_note(ws.info)

# %% [markdown] tags=["remove-cell"]
# The interactive explorer below appears only in JupyterLab (reports built by papermill leave it
# out): pick a month, market, queue, team and theme, then rename, merge or pin its cause.

# %%
ve.interactive_explorer(ws, S, allow_save=P["save_curation"], top_n=P["top_n"], min_n=P["min_n"])
