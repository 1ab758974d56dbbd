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
import rca.reports.slides as slides
import rca.reports.team as vt
from rca.batch.parameters import notebook_parameters
from rca.reports.member import load_member

_before = set(globals())
rr.setup()

# %% tags=["parameters"]
workspace = ""
month = None
min_n = 30
top_n = 8
team = None

# %% tags=["rca-validate"]
P = notebook_parameters("operations", globals(), _before)
A, month, previous, team = load_member(P["workspace"], P["month"], "team", P["team"])
findings = A.table("findings")
mine = vt.team_clear_findings(findings, A.table("team_coaching"), team)

# %% slideshow={"slide_type": "slide"}
rr.heading(f"{team} · quality review · {month}", 1)

# %% tags=["deck-only"] slideshow={"slide_type": "-"}
slides.title_line(mine, month, previous, team)

# %% tags=["deck-only"] slideshow={"slide_type": "slide"}
rr.heading(f"Headline figures · {team} · {month}")

# %% slideshow={"slide_type": "-"}
kpis = vt.team_kpis(A.table("team_kpis"), team, min_n=P["min_n"])
rr.kpi_cards(vt.team_vs_operation_cards(kpis, team, month, previous), first_month=not previous)

# %% tags=["deck-only"] slideshow={"slide_type": "notes"}
slides.kpi_notes(kpis, month, segment=team)

# %%
rr.heading("Your team and the whole operation")

# %%
rr.table(
    kpis.rename(columns={"segment": "Segment", "month": "Month", "n": "Audits",
                         "pass_rate": "Pass rate", "mean_score": "Average score",
                         "critical_rate": "Critical errors"}),
    formats={"Audits": "int", "Pass rate": "pct", "Average score": ".1f", "Critical errors": "pct"},
    flag="small_n", hide=["pass_lo", "pass_hi", "critical_lo", "critical_hi"],
)  # fmt: skip

# %%
rr.heading(f"What auditors wrote about {team} in {month}")

# %% slideshow={"slide_type": "slide"}
themes = vt.team_themes(A.table("team_themes"), team, top_n=P["top_n"])
rr.figure(vt.comparison_bars(themes, "theme_label", "share", "operation_share",
                             (team, "Operation"), "Themes in audit comments"))  # fmt: skip

# %%
drivers.drivers_section(A.table("theme_impact"), "pass_rate", month, previous, segment="team",
                        value=team, top_n=P["top_n"])  # fmt: skip

# %%
rr.heading("Error categories")

# %%
errors = vt.team_errors(A.table("team_errors"), team)
rr.figure(vt.comparison_bars(errors, "error_category", "share", "operation_share",
                             (team, "Operation"), "Share of errors by category"))  # fmt: skip

# %%
rr.heading("Who needs coaching, and on what")

# %%
vt.team_findings(findings, A.table("team_coaching"), team)

# %% tags=["deck-only"] slideshow={"slide_type": "slide"}
slides.finding_slide(mine, 1)

# %% tags=["deck-only"] slideshow={"slide_type": "notes"}
slides.finding_notes(mine, 1)

# %% tags=["deck-only"] slideshow={"slide_type": "slide"}
slides.finding_slide(mine, 2)

# %% tags=["deck-only"] slideshow={"slide_type": "notes"}
slides.finding_notes(mine, 2)

# %% tags=["deck-only"] slideshow={"slide_type": "slide"}
slides.finding_slide(mine, 3)

# %% tags=["deck-only"] slideshow={"slide_type": "notes"}
slides.finding_notes(mine, 3)

# %% tags=["deck-only"] slideshow={"slide_type": "slide"}
slides.finding_slide(mine, 4)

# %% tags=["deck-only"] slideshow={"slide_type": "notes"}
slides.finding_notes(mine, 4)

# %%
rr.table(
    vt.team_coaching(A.table("team_coaching"), team, findings).rename(
        columns={"who": "Agent / cohort", "kind": "Kind", "focus": "Focus", "n": "Audits",
                 "count": "With this error", "share": "Share", "rest_share": "Everyone else",
                 "examples": "Example comments"}),
    formats={"Audits": "int", "With this error": "int", "Share": "pct", "Everyone else": "pct"},
)  # fmt: skip

# %%
rr.heading("Weekly pass rate: control chart")

# %% slideshow={"slide_type": "slide"}
p_chart = A.table("p_chart_team")
rr.figure(vt.p_chart_figure(p_chart, team))

# %%
rr.table(
    vt.p_chart_signals(p_chart, team).rename(
        columns={"week": "Week", "n": "Audits", "p": "Pass rate", "centre": "Centre line",
                 "why": "Signal"}),
    formats={"Audits": "int", "Pass rate": "pct", "Centre line": "pct"},
)  # fmt: skip

# %%
rr.heading("Macros and SOPs in the team's failing audits")

# %%
rr.table(
    vt.team_macros(A.table("team_macros"), team, top_n=P["top_n"]).rename(
        columns={"macro_id": "Macro / SOP", "failing": "Failing audits", "audits": "Audits",
                 "fail_rate": "Fail rate", "operation_fail_rate": "Operation fail rate",
                 "example": "Example comment"}),
    formats={"Failing audits": "int", "Audits": "int", "Fail rate": "pct",
             "Operation fail rate": "pct"},
)  # fmt: skip

# %%
rr.data_note(A.workspace.info)
