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
import rca.reports.fragments as rr
import rca.reports.team as vt
from rca.batch.parameters import notebook_parameters

_before = set(globals())
rr.setup()

# %% tags=["parameters"]
workspace = ""
month = None
min_n = 30
top_n = 8
agent = None

# %% tags=["rca-validate"]
P = notebook_parameters("agent_feedback", globals(), _before)
_, month, previous, audits, agent = vt.load_member(
    P["workspace"], P["month"], "agent", P["agent"]
)

# %%
rr.heading(f"Your quality feedback · {month}", 1)

# %%
cards = vt.agent_cards(audits, agent, month, previous, min_n=P["min_n"])
rr.kpi_cards(cards)

# %%
rr.heading("What went well")

# %%
vt.strengths_fragment(vt.agent_strengths(audits, agent, month))

# %%
rr.heading("What to work on")

# %%
vt.focus_fragment(vt.agent_focus(audits, agent, month))

# %%
rr.heading("Your trend")

# %%
trend = vt.agent_trend(audits, agent, "week")
rr.figure(vt.agent_trend_figure(trend, "pass_rate", "Weekly pass rate: you and your team"))

# %%
rr.figure(vt.agent_trend_figure(trend, "mean_score", "Weekly average score: you and your team"))

# %%
vt.agent_closing(cards)
