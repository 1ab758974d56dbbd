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
import rca.reports.training as tr
from rca.batch.parameters import notebook_parameters

_before = set(globals())
rr.setup()

# %% tags=["parameters"]
workspace = ""
month = None
min_n = 30
top_n = 8
mode = "quiz"
pack = None

# %% tags=["rca-validate"]
P = notebook_parameters("training", globals(), _before)
A = tr.load(P["workspace"], P["month"])
month = A.info["month"]
packs, cases = tr.select_packs(
    tr.optional_table(A, "training_packs"), tr.optional_table(A, "training_cases"), P["pack"]
)

# %%
rr.heading(f"Training {'quiz' if P['mode'] == 'quiz' else 'answer key'} · {month}", 1)

# %%
rr.callout(
    "Write your answers on the score sheet; the answer key is a separate report for the trainer."
    if P["mode"] == "quiz"
    else "For the trainer only: do not hand this page to trainees before the quiz."
)

# %%
rr.heading("Packs this month")

# %%
tr.packs_table(packs, month)

# %%
tr.balance_chart(packs, cases, month)

# %%
tr.rules_note()

# %%
tr.quiz(packs, cases, month) if P["mode"] == "quiz" else tr.answer_key(packs, cases, month)
