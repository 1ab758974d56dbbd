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
import rca.reports.calibration as cal
import rca.reports.fragments as rr
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
A = cal.load(P["workspace"], P["month"])
month = A.info["month"]
deviation = A.table("auditor_deviation")

# %%
rr.heading(f"Calibration of the QA team · {month}", 1)

# %%
rr.callout(
    "All calibration sessions up to this month. Agreement is Krippendorff's α: 1 is perfect, "
    f"below {cal.ALPHA_THRESHOLD:g} too low to rely on (highlighted rows)."
)

# %%
rr.heading("How well do auditors agree, per rubric item?")

# %%
cal.agreement_table(A.table("calibration_agreement"), month)

# %%
cal.alpha_chart(A.table("calibration_agreement"), month)

# %%
rr.heading("Who rates more leniently or strictly than the expert?")

# %%
cal.deviation_chart(deviation, month)

# %%
cal.deviation_summary(deviation, month)

# %%
rr.heading("Drift across sessions")

# %%
cal.drift_chart(A.table("calibration_drift"), month, flagged=cal.flagged_auditors(deviation))

# %%
rr.heading("Items to re-train on")

# %%
cal.retrain_recommendation(A.table("calibration_agreement"), month)

# %%
cal.disputed_table(A.table("disputed_items").head(P["top_n"]), month)

# %%
rr.heading("Agreement between pairs of raters")

# %%
cal.pairs_heatmap(A.table("calibration_pairs"), month)
