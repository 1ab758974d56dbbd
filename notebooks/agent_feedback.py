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
import rca.reports.agent as va
import rca.reports.fragments as rr
from rca.batch.parameters import notebook_parameters
from rca.reports.load import optional_table
from rca.reports.member import load_member

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
A, month, previous, agent = load_member(P["workspace"], P["month"], "agent", P["agent"])

# %%
rr.heading(f"Your quality feedback · {month}", 1)

# %%
cards = va.agent_cards(A.table("agent_kpis"), agent, month, previous, min_n=P["min_n"])
rr.kpi_cards(cards, first_month=previous is None)

# %%
rr.heading("What went well")

# %%
va.strengths_fragment(va.agent_strengths(A.table("agent_strengths"), agent))

# %%
rr.heading("What to work on")

# %%
va.focus_fragment(va.agent_focus(A.table("agent_focus"), agent))

# %%
va.agent_findings(A.table("findings"), agent, optional_table(A, "finding_family"))

# %%
rr.heading("Your trend")

# %%
trend = va.agent_trend(A.table("agent_trend"), agent)
rr.figure(va.agent_trend_figure(trend, "pass_rate", "Weekly pass rate: you and your team"))

# %%
rr.figure(va.agent_trend_figure(trend, "mean_score", "Weekly average score: you and your team"))

# %%
va.agent_closing(cards)
