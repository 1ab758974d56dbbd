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
import rca.reports.qa as qa
from rca.batch.parameters import notebook_parameters

_before = set(globals())
rr.setup()

# %% tags=["parameters"]
workspace = ""
month = None
min_n = 30
top_n = 8

# %% tags=["rca-validate"]
P = notebook_parameters("calibration", globals(), _before)
A = qa.load(P["workspace"], P["month"])
month = A.info["month"]
deviation = A.table("auditor_deviation")

# %%
rr.heading(f"Calibration of the QA team · {month}", 1)

# %%
rr.callout(
    "All calibration sessions up to this month. Agreement is Krippendorff's α: 1 is perfect, "
    f"below {qa.ALPHA_THRESHOLD:g} too low to rely on (highlighted rows)."
)

# %%
rr.heading("How well do auditors agree, per rubric item?")

# %%
qa.agreement_table(A.table("calibration_agreement"), month)

# %%
qa.alpha_chart(A.table("calibration_agreement"), month)

# %%
rr.heading("Who rates more leniently or strictly than the expert?")

# %%
qa.deviation_chart(deviation, month)

# %%
qa.deviation_summary(deviation, month)

# %%
rr.heading("Drift across sessions")

# %%
qa.drift_chart(A.table("calibration_drift"), month, flagged=qa.flagged_auditors(deviation))

# %%
rr.heading("Items to re-train on")

# %%
qa.retrain_recommendation(A.table("calibration_agreement"), month)

# %%
qa.disputed_table(A.table("disputed_items").head(P["top_n"]), month)

# %%
rr.heading("Agreement between pairs of raters")

# %%
qa.pairs_heatmap(A.table("calibration_pairs"), month)
