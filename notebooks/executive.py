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
import rca.charts as charts
import rca.report as rr
from rca.kpis import add_period, kpis_by, theme_shares
from rca.params import notebook_parameters
from rca.workspace import Workspace

_before = set(globals())
rr.setup()

# %% tags=["parameters"]
workspace = ""
month = None
min_n = 30
top_n = 8
title = None

# %% tags=["rca-validate"]
P = notebook_parameters("executive", globals(), _before)
ws = Workspace(P["workspace"])
month, previous = ws.resolve_month(P["month"])
audits = add_period(ws.audits())
monthly = kpis_by(audits, "month", min_n=P["min_n"])

# %%
rr.heading(P["title"] or f"Quality at a glance · {month}", 1)

# %%
rr.kpi_cards(rr.headline(monthly, month, previous))

# %%
rr.figure(
    charts.rate_trend(
        monthly, "month", "pass_rate", "pass_lo", "pass_hi", "Pass rate by month", flag="small_n"
    )
)

# %%
shares = theme_shares(audits, month, previous, top_n=P["top_n"])
rr.heading(f"What auditors wrote about most in {month}")

# %%
rr.figure(charts.theme_bars(shares, "Top themes in audit comments"))

# %%
rr.table(
    shares.rename(
        columns={
            "topic_label": "Theme",
            "root_cause": "Root cause",
            "n": "Comments",
            "share": "Share",
            "change": "Change vs last month",
        }
    ),
    formats={"Comments": "int", "Share": "pct", "Change vs last month": "pts"},
    hide=["topic_id", "previous_share"],
)

# %%
rr.theme_examples(shares, ws.topics(), n_themes=3)

# %%
rr.data_note(ws.info)
