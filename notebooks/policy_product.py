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
import rca.reports.drivers as drivers
import rca.reports.fragments as rr
import rca.reports.executive as ex
import rca.reports.policy as pv
import rca.reports.history as vh
import rca.reports.slides as slides
from rca.batch.parameters import notebook_parameters

_before = set(globals())
rr.setup()

# %% tags=["parameters"]
workspace = ""
month = None
min_n = 30
top_n = 8

# %% tags=["rca-validate"]
P = notebook_parameters("policy_product", globals(), _before)
A = pv.load(P["workspace"], P["month"])
month, previous = A.info["month"], A.info["previous"]
findings, issues, topics = A.table("findings"), A.table("tech_issues"), A.workspace.themes()
family = ex.optional_table(A, "finding_family")

# %% slideshow={"slide_type": "slide"}
rr.heading(f"Policies, macros and the product · {month}", 1)

# %% tags=["deck-only"] slideshow={"slide_type": "-"}
slides.title_line(findings, month, previous)

# %%
ex.reading_guide(month, previous, family)

# %%
drivers.drivers_section(A.table("theme_impact"), "pass_rate", month, previous, top_n=P["top_n"])

# %%
rr.heading("Which themes dominate failing audits under each policy?")

# %% slideshow={"slide_type": "slide"}
pv.policy_themes_chart(A.table("policy_themes"), month, P["top_n"], P["min_n"])

# %%
pv.policy_themes_table(A.table("policy_themes"), month, P["top_n"], P["min_n"])

# %%
rr.heading("Macros and SOPs behind failing audits")

# %%
pv.macros_table(A.table("macros"), month, P["top_n"], findings=findings,
                first_month=previous is None)  # fmt: skip

# %%
rr.heading("Root causes in the product and systems")

# %%
pv.product_causes(A.table("theme_changes"), topics, A.workspace.themes("feedback"), issues,
                  month, previous, findings=findings)  # fmt: skip

# %%
drivers.drivers_section(A.table("feedback_impact"), "mean_rating", month, previous,
                        top_n=P["top_n"])  # fmt: skip

# %%
rr.heading("Technical issues users report: new and known")

# %%
pv.issue_timeline_chart(A.table("issue_timeline"), issues, month, P["top_n"])

# %%
pv.issues_table(issues, month, P["top_n"], findings=findings)

# %%
rr.heading("Theme history: how the largest themes grew, split and merged")

# %%
history = {name: ex.optional_table(A, name) for name in vh.HISTORY_TABLES}
vh.history_section(history, "audits", month, P["top_n"])

# %%
vh.history_section(history, "feedback", month, P["top_n"])

# %%
rr.heading("The evidence, case by case")

# %%
pv.evidence(findings, P["top_n"])

# %% tags=["deck-only"] slideshow={"slide_type": "slide"}
slides.finding_slide(findings, 1, pv.OWNERS)

# %% tags=["deck-only"] slideshow={"slide_type": "notes"}
slides.finding_notes(findings, 1, pv.OWNERS)

# %% tags=["deck-only"] slideshow={"slide_type": "slide"}
slides.finding_slide(findings, 2, pv.OWNERS)

# %% tags=["deck-only"] slideshow={"slide_type": "notes"}
slides.finding_notes(findings, 2, pv.OWNERS)

# %% tags=["deck-only"] slideshow={"slide_type": "slide"}
slides.finding_slide(findings, 3, pv.OWNERS)

# %% tags=["deck-only"] slideshow={"slide_type": "notes"}
slides.finding_notes(findings, 3, pv.OWNERS)

# %% tags=["deck-only"] slideshow={"slide_type": "slide"}
slides.finding_slide(findings, 4, pv.OWNERS)

# %% tags=["deck-only"] slideshow={"slide_type": "notes"}
slides.finding_notes(findings, 4, pv.OWNERS)

# %%
rr.heading("Recommended changes")

# %%
pv.recommended_changes(findings, P["top_n"])

# %%
rr.data_note(A.workspace.info)
