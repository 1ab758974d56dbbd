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
import rca.reports.drivers as drivers
import rca.reports.executive as ex
import rca.reports.languages as vl
import rca.reports.slides as slides
from rca.batch.parameters import notebook_parameters

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
A = ex.load(P["workspace"], P["month"])
month, previous = A.info["month"], A.info["previous"]
kpis, findings = A.table("kpis_monthly"), A.table("findings")
family = ex.optional_table(A, "finding_family")

# %% slideshow={"slide_type": "slide"}
rr.heading(P["title"] or f"Quality at a glance · {month}", 1)

# %% tags=["deck-only"] slideshow={"slide_type": "-"}
slides.title_line(findings, month, previous)

# %%
ex.reading_guide(month, previous, family)

# %% tags=["deck-only"] slideshow={"slide_type": "slide"}
rr.heading(f"Headline figures · {month}")

# %% slideshow={"slide_type": "-"}
ex.headline_cards(kpis, month, previous)

# %% tags=["deck-only"] slideshow={"slide_type": "notes"}
slides.kpi_notes(kpis, month)

# %% slideshow={"slide_type": "slide"}
ex.kpi_trend(kpis)

# %%
rr.heading("The most important findings and their root causes")

# %%
ex.tested_summary(family)

# %%
ex.top_findings(findings, P["top_n"])

# %% tags=["deck-only"] slideshow={"slide_type": "slide"}
slides.finding_slide(findings, 1)

# %% tags=["deck-only"] slideshow={"slide_type": "notes"}
slides.finding_notes(findings, 1)

# %% tags=["deck-only"] slideshow={"slide_type": "slide"}
slides.finding_slide(findings, 2)

# %% tags=["deck-only"] slideshow={"slide_type": "notes"}
slides.finding_notes(findings, 2)

# %% tags=["deck-only"] slideshow={"slide_type": "slide"}
slides.finding_slide(findings, 3)

# %% tags=["deck-only"] slideshow={"slide_type": "notes"}
slides.finding_notes(findings, 3)

# %% tags=["deck-only"] slideshow={"slide_type": "slide"}
slides.finding_slide(findings, 4)

# %% tags=["deck-only"] slideshow={"slide_type": "notes"}
slides.finding_notes(findings, 4)

# %%
drivers.drivers_section(A.table("theme_impact"), "pass_rate", month, previous, top_n=P["top_n"])

# %%
drivers.drivers_section(A.table("feedback_impact"), "mean_rating", month, previous,
                        top_n=P["top_n"])  # fmt: skip

# %%
rr.heading(f"What changed since {previous or 'last month'}")

# %%
ex.kpi_changes(kpis, month, previous, ex.optional_table(A, "kpi_changes"), family)

# %%
ex.what_changed(
    A.table("theme_changes"), A.table("emerging_themes"), month, previous, P["top_n"], findings
)

# %%
rr.heading(f"What auditors wrote about most in {month}")

# %%
ex.theme_chart(A.table("theme_changes"), P["top_n"], team_themes=A.table("team_themes"))

# %%
rr.heading(f"Languages of comments and feedback in {month}")

# %%
vl.language_section(vl.load_language_mix(A))

# %%
rr.heading("What we recommend")

# %%
ex.recommendations(findings, P["top_n"])

# %%
rr.data_note(A.workspace.info)
