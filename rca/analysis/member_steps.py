"""Analysis steps for the team-lead and agent reports: every team's and every agent's tables.

Each step is a function ``Context -> {table name: DataFrame}`` like those of
`rca.analysis.steps` (which lists them in ``SECTIONS``, after the operations step whose ``macros``
and ``coaching`` tables they read). The statistics are `rca.stats.segments`; the reports
(`rca.reports.team`, `rca.reports.agent`) only select a team's or an agent's rows.
"""

from __future__ import annotations

from typing import Protocol

import pandas as pd

from rca.stats.segments import (
    coaching_per_team,
    error_shares_per_team,
    focus_per_agent,
    kpis_per_agent,
    kpis_per_team,
    macros_per_team,
    strengths_per_agent,
    theme_shares_per_team,
    trend_per_agent,
)

__all__ = ["MonthContext", "section_agents", "section_teams"]


class MonthContext(Protocol):
    """What these steps read from `rca.analysis.steps.Context` (named here, not imported)."""

    month: str
    previous: str | None  # None in the first month: the tables then hold the month alone
    min_n: int
    tables: dict[str, pd.DataFrame]

    def frame(self, kind: str) -> pd.DataFrame:
        """Workspace table of ``kind`` with ``month`` and ``week`` columns."""
        ...


def section_teams(ctx: MonthContext) -> dict[str, pd.DataFrame]:
    """Each team vs the operation: KPIs, themes, errors, coaching needs and macros."""
    audits = ctx.frame("audits")
    month, previous = ctx.month, ctx.previous
    return {
        "team_kpis": kpis_per_team(audits, month=month, previous=previous, min_n=ctx.min_n),
        "team_themes": theme_shares_per_team(audits, month=month, previous=previous),
        "team_errors": error_shares_per_team(audits, month=month),
        "team_coaching": coaching_per_team(
            ctx.tables.get("coaching", pd.DataFrame()), audits, month=month
        ),
        "team_macros": macros_per_team(audits, month=month, macros=ctx.tables.get("macros")),
    }


def section_agents(ctx: MonthContext) -> dict[str, pd.DataFrame]:
    """Each agent's own KPIs with their team's, weekly trend, strengths and focus areas."""
    audits = ctx.frame("audits")
    month = ctx.month
    return {
        "agent_kpis": kpis_per_agent(audits, month=month, previous=ctx.previous, min_n=ctx.min_n),
        "agent_trend": trend_per_agent(audits, month=month, period="week", min_n=ctx.min_n),
        "agent_strengths": strengths_per_agent(audits, month=month),
        "agent_focus": focus_per_agent(audits, month=month),
    }
