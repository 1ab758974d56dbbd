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
import rca.reports.ai_labels as ai
import rca.reports.fragments as rr
from rca.batch.parameters import notebook_parameters

_before = set(globals())
rr.setup()

# %% tags=["parameters"]
workspace = ""
month = None
min_n = 30
top_n = 8
target = 0.9

# %% tags=["rca-validate"]
P = notebook_parameters("ai_labels", globals(), _before)
A = ai.load(P["workspace"], P["month"])
month = A.info["month"]
accuracy = A.table("ai_accuracy")

# %%
rr.heading(f"AI-label accuracy · {month}", 1)

# %%
ai.accuracy_cards(accuracy, P["target"], month)

# %%
ai.verdict_callout(accuracy, P["target"], month)

# %%
rr.heading("Which labels does the model get wrong?")

# %%
ai.per_class_table(A.table("ai_per_class"), month)

# %%
ai.confusion_heatmap(A.table("ai_confused_pairs"), month)

# %%
ai.confused_pairs_table(A.table("ai_confused_pairs"), month, top_n=P["top_n"])

# %%
rr.heading("What labellers wrote where the model and the gold label disagree")

# %%
ai.themes_table(A.table("ai_disagreement_themes").head(P["top_n"]), month)

# %%
rr.heading("How many items to audit next month")

# %%
ai.sample_size_note(A.table("ai_sample_size"), month)
