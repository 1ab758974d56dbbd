"""The steps of a month's analysis: each turns the prepared workspace into named tables.

A step (``section_*``) is a function ``Context -> {table name: DataFrame or EmptyTable}`` (see
`rca.analysis.context`); `rca.analysis.month.analyze_month` runs `SECTIONS` in order (later steps
may read earlier tables from ``ctx.tables``) and writes the results. A table is left empty only
when there is not enough data for it, with its reason; any other error fails the analysis.
"""

from __future__ import annotations

import pandas as pd

from rca.analysis.context import (
    FIRST_MONTH,
    Context,
    EmptyTable,
    Section,
    Table,
    enough,
    lacking,
)
from rca.analysis.history_steps import section_themes_history
from rca.analysis.impact_steps import driver_rows, section_impact
from rca.analysis.label_steps import section_labels
from rca.analysis.language_steps import section_languages
from rca.analysis.member_steps import section_agents, section_teams
from rca.analysis.training_steps import section_training
from rca.stats.kpis import kpis_by

__all__ = ["POLICY_THEME_COLUMNS", "SECTIONS", "Context", "EmptyTable", "Section"]

SEGMENTS = ("market", "queue", "team")
#: Weeks in each window of a technical issue's trend (``window_weeks`` of ``tech_issues``).
ISSUE_WEEKS = 4
#: Fewest baseline weeks with audits a team or queue needs for baseline p-chart limits.
MIN_BASELINE_WEEKS = 4


def _error_pareto(current: pd.DataFrame) -> Table:
    columns = ("error_category", "n", "share", "cumulative_share")
    if reason := lacking(current, "audits", "error_category"):
        return EmptyTable(reason, columns)
    errors = current["error_category"].dropna()
    errors = errors[errors.astype(str).str.len() > 0]
    if not len(errors):  # a month without errors: an empty Pareto is the answer
        return pd.DataFrame(columns=list(columns))
    counts = errors.value_counts().rename_axis("error_category").rename("n")
    pareto = counts.reset_index()
    pareto["share"] = pareto["n"] / pareto["n"].sum()
    pareto["cumulative_share"] = pareto["share"].cumsum()
    return pareto


def _ratings(ctx: Context) -> Table:
    columns = ("month", "rating", "n", "share")
    feedback = ctx.frame("feedback")
    reason = ctx.absent("feedback") or lacking(feedback, "feedback", "rating")
    if reason is None and not feedback["rating"].notna().any():
        reason = "no feedback has a rating"
    if reason:
        return EmptyTable(reason, columns)
    r = feedback.dropna(subset=["rating"]).groupby(["month", "rating"]).size().rename("n")
    ratings = r.reset_index()
    ratings["share"] = ratings["n"] / ratings.groupby("month")["n"].transform("sum")
    return ratings


def section_kpis(ctx: Context) -> dict[str, Table]:
    """KPIs per month and per segment of the month, error Pareto, rating distribution."""
    audits = ctx.frame("audits")
    current = audits[audits["month"] == ctx.month]
    segments = []
    for seg in (*SEGMENTS, "agent", "auditor"):
        if seg in current and current[seg].notna().any():
            k = kpis_by(current, seg, min_n=ctx.min_n).rename(columns={seg: "value"})
            segments.append(k.assign(segment=seg))
    return {
        "kpis_monthly": kpis_by(audits, "month", min_n=ctx.min_n),
        "kpis_segments": pd.concat(segments, ignore_index=True),
        "error_pareto": _error_pareto(current),
        "ratings": _ratings(ctx),
    }


def _with_causes(changes: Table, causes: pd.Series | None) -> Table:
    """Add each theme's ``root_cause`` (``causes``: by theme id) to share changes."""
    if isinstance(changes, EmptyTable) or changes.empty or causes is None:
        return changes
    return changes.assign(root_cause=changes["item"].map(causes))


def section_trends(ctx: Context) -> dict[str, Table]:
    """Theme share changes month over month per segment, with emerging and fading themes.

    The monthly changes list the ids of the month's audits behind each (``example_ids``). In
    the first month (no previous month) they are ``EmptyTable(FIRST_MONTH)``; the weekly
    changes, within the month, are computed as always.
    """
    from rca.stats.evidence import id_column, theme_ids
    from rca.stats.trends import emerging_themes, fading_themes, share_changes

    audits = ctx.frame("audits")
    themed = audits[audits["theme_id"].notna()]
    segments = [s for s in SEGMENTS if s in themed]
    themes = ctx.themes()
    causes = themes.set_index("theme_id")["root_cause"] if "root_cause" in themes else None

    def changes_fn() -> pd.DataFrame:
        return share_changes(
            themed, item="theme_id", current=ctx.month, previous=ctx.previous,
            segments=segments, min_n=ctx.min_n,
        )  # fmt: skip

    changes: Table = EmptyTable(FIRST_MONTH)
    if ctx.previous is not None:
        changes = _with_causes(enough(changes_fn, "commented audits"), causes)
    if not isinstance(changes, EmptyTable):  # the month's audits behind each change
        now = themed[themed["month"] == ctx.month]
        ids = pd.Series(theme_ids(now, changes, id_column(now)), changes.index, dtype=object)
        changes = changes.assign(example_ids=ids)
    weeks = sorted(themed.loc[themed["month"] == ctx.month, "week"].unique())
    weekly: Table = EmptyTable(f"{ctx.month} has fewer than two weeks of commented audits")
    if len(weeks) >= 2:
        last, before = weeks[-1], weeks[-2]

        def weekly_fn() -> pd.DataFrame:
            return share_changes(
                themed, item="theme_id", period="week", current=last, previous=before,
                segments=segments, min_n=ctx.min_n,
            )  # fmt: skip

        weekly = _with_causes(enough(weekly_fn, "commented audits"), causes)
    if isinstance(changes, EmptyTable):
        return {"theme_changes": changes, "theme_changes_weekly": weekly,
                "emerging_themes": changes, "fading_themes": changes}  # fmt: skip
    return {
        "theme_changes": changes,
        "theme_changes_weekly": weekly,
        "emerging_themes": emerging_themes(changes),
        "fading_themes": fading_themes(changes),
    }


def section_control(ctx: Context) -> dict[str, Table]:
    """Weekly pass-rate p-charts per team and per queue: the month's weeks vs a baseline.

    The weeks of the report month are judged (Phase II, `rca.stats.control_charts.p_chart`)
    against limits from the ``ctx.baseline_weeks`` weeks with audits before them; a team or
    queue with fewer than `MIN_BASELINE_WEEKS` of them gets trial limits pooled over its
    baseline and judged weeks (``limits == "trial"``).
    """
    from rca.stats.control_charts import p_chart

    audits = ctx.frame("audits").dropna(subset=["passed"])
    judged = (
        sorted(audits.loc[audits["month"] == ctx.month, "week"].unique()) if len(audits) else []
    )
    before = (
        sorted(w for w in audits["week"].unique() if judged and w < judged[0]) if judged else []
    )
    baseline = before[-ctx.baseline_weeks :] if ctx.baseline_weeks > 0 else []
    out: dict[str, Table] = {}
    for group in ("team", "queue"):
        reason = lacking(audits, "audits", group)
        if reason is None and not audits[group].notna().any():
            reason = f"no audit with a pass/fail outcome names a {group}"
        if reason is None and not judged:
            reason = f"no audit of {ctx.month} has a pass/fail outcome"
        name = f"p_chart_{group}"
        out[name] = EmptyTable(reason) if reason else p_chart(
            audits, group=group, period="week", baseline=baseline or None, judged=judged,
            min_baseline=MIN_BASELINE_WEEKS,
        )  # fmt: skip
    return out


def section_calibration(ctx: Context) -> dict[str, Table]:
    """Agreement, auditor deviation and drift, disputed rubric items (sessions up to the month)."""
    from rca.stats.agreement import agreement, pairwise_kappa
    from rca.stats.calibration import auditor_deviation, disputed_items, drift

    names = ("calibration_agreement", "calibration_pairs", "auditor_deviation",
             "calibration_drift", "disputed_items")  # fmt: skip
    if reason := ctx.absent("calibration"):
        return {name: EmptyTable(reason) for name in names}
    ratings = ctx.frame("calibration").drop(columns=["month", "week"], errors="ignore")
    tables = (agreement(ratings), pairwise_kappa(ratings), auditor_deviation(ratings),
              drift(ratings), disputed_items(ratings))  # fmt: skip
    return dict(zip(names, tables, strict=True))


def section_operations(ctx: Context) -> dict[str, Table]:
    """Macros / SOPs behind failing audits, technical issues in feedback, coaching needs.

    In the first month the macros' change vs the previous month is left untested (NaN); their
    excess over the other macros and the after-vs-before test of a known change are computed.
    """
    from rca.stats.coaching import coaching_needs
    from rca.stats.macros import macro_report
    from rca.stats.tech_issues import issue_timeline, technical_issues

    audits = ctx.frame("audits")  # up to the end of the month, as every table
    out: dict[str, Table] = {}
    reason = lacking(audits, "audits", "macro_id")
    if reason is None and not audits["macro_id"].notna().any():
        reason = "no audit names a macro or SOP"
    out["macros"] = EmptyTable(reason) if reason else macro_report(
        audits, current=ctx.month, previous=ctx.previous, changed_after=ctx.macro_changes
    )  # fmt: skip
    feedback = ctx.frame("feedback")
    reason = ctx.absent("feedback")
    if reason is None and feedback.empty:
        reason = f"no feedback up to the end of {ctx.month}"
    if reason:
        out["tech_issues"] = out["issue_timeline"] = EmptyTable(reason)
    else:
        as_of = pd.Period(ctx.month, freq="M").end_time.normalize()
        out["tech_issues"] = technical_issues(
            feedback, theme_info=ctx.ws.themes("feedback"), known_issues=ctx.known_issues,
            as_of=as_of, weeks=ISSUE_WEEKS,
        ).assign(window_weeks=ISSUE_WEEKS)  # fmt: skip
        out["issue_timeline"] = issue_timeline(feedback)
    reason = lacking(audits, "audits", "error_category")
    out["coaching"] = (
        EmptyTable(reason) if reason else coaching_needs(audits, current=ctx.month, q_max=None)
    )
    return out


#: Columns of the ``policy_themes`` table.
POLICY_THEME_COLUMNS: tuple[str, ...] = (
    "policy", "policy_audits", "policy_failing", "policy_fail_rate", "theme_id", "theme_label",
    "root_cause", "failing", "share", "rest_share", "difference", "p_value", "q_value",
    "stands_out",
    "rank_in_policy", "examples",
)  # fmt: skip


def section_policy(ctx: Context) -> dict[str, Table]:
    """Themes of the month's failing audits under each policy, vs the other policies' failures.

    Method: among the month's failing audits with a policy, each theme's share of one policy's
    failures is compared with its share of the other policies' failures
    (`rca.stats.trends.group_vs_rest`, Benjamini-Hochberg q over all policy × theme tests); a theme
    ``stands_out`` for a policy when it is significantly more frequent there (q < 0.05).
    Policies with fewer than 10 failing audits are listed but not tested (as coaching needs).
    """
    from rca.stats.trends import group_vs_rest
    from rca.text.quotes import evidence_quotes

    audits = ctx.frame("audits")
    if reason := lacking(audits, "audits", "policy"):
        return {"policy_themes": EmptyTable(reason, POLICY_THEME_COLUMNS)}
    month = audits[(audits["month"] == ctx.month) & audits["policy"].notna()]
    failing = month[month["passed"].notna() & ~month["passed"].fillna(True).astype(bool)]
    if failing.empty:
        reason = f"no failing audit of {ctx.month} names a policy"
        return {"policy_themes": EmptyTable(reason, POLICY_THEME_COLUMNS)}
    tests = group_vs_rest(failing, failing["policy"], item="theme_id", min_n=10)
    tests = tests[tests["count_current"] > 0]
    topics = ctx.themes()
    info = topics.set_index("theme_id") if len(topics) else pd.DataFrame()
    per_policy = month.groupby("policy").size()
    rows = []
    for r in tests.to_dict("records"):
        hits = failing[(failing["policy"] == r["group"]) & (failing["theme_id"] == r["item"])]
        known = r["item"] in info.index
        rows.append(
            {
                "policy": r["group"], "policy_audits": int(per_policy[r["group"]]),
                "policy_failing": int(r["n_current"]),
                "policy_fail_rate": r["n_current"] / per_policy[r["group"]],
                "theme_id": int(r["item"]),
                "theme_label": info.at[r["item"], "theme_label"] if known else "Unassigned",
                "root_cause": info.at[r["item"], "root_cause"] if known else "unassigned",
                "failing": int(r["count_current"]), "share": r["share_current"],
                "rest_share": r["share_previous"], "difference": r["difference"],
                "p_value": r["p_value"], "q_value": r["q_value"],
                "stands_out": bool(r["q_value"] < 0.05 and r["difference"] > 0),
                "examples": evidence_quotes(hits.get("comment", []), 2),
            }
        )  # fmt: skip
    if not rows:
        reason = f"no failing audit of {ctx.month} with a policy has a commented theme"
        return {"policy_themes": EmptyTable(reason, POLICY_THEME_COLUMNS)}
    out = pd.DataFrame(rows).sort_values(
        ["policy_failing", "policy", "failing", "theme_id"], ascending=[False, True, False, True]
    )
    out["rank_in_policy"] = out.groupby("policy").cumcount() + 1
    return {"policy_themes": out[list(POLICY_THEME_COLUMNS)].reset_index(drop=True)}


def section_findings(ctx: Context) -> dict[str, Table]:
    """Test the month's family, rank the findings, write the family's verdict back.

    Method: the headline KPIs' change vs the previous month (``kpi_changes``,
    `rca.stats.kpis.kpi_changes`) joins every tested row of the earlier tables in one
    Benjamini-Hochberg family (`rca.findings.family.build_family`); the findings are ranked from
    the same tables (`rca.findings.build.build_findings`). The family's tables are returned again
    with ``family_q`` and ``clear`` (and their verdict columns by the family rule), replacing the
    earlier versions, so reports read one verdict; ``finding_family`` counts the tests and the
    clear ones per type. In the first month ``kpi_changes`` is ``EmptyTable(FIRST_MONTH)`` and
    the family holds the month's other tests.
    """
    from rca.findings.build import build_findings
    from rca.findings.family import FAMILY_TABLES, build_family, family_counts
    from rca.stats.kpis import KPI_CHANGE_COLUMNS, kpi_changes

    def given(name: str) -> pd.DataFrame | None:
        table = ctx.tables.get(name)
        return None if table is None or table.empty else table

    audits = ctx.frame("audits")
    feedback = None if ctx.absent("feedback") else ctx.frame("feedback")
    kpis = None
    if ctx.previous is not None:
        kpis = kpi_changes(audits, current=ctx.month, previous=ctx.previous, feedback=feedback)
    tables = {name: given(name) for name in FAMILY_TABLES if name != "kpi_changes"}
    family = build_family({**tables, "kpi_changes": kpis})
    findings = build_findings(  # from the family just tested: it is not tested twice
        family=family, drivers=driver_rows(given("theme_impact"), given("feedback_impact"))
    )
    columns = (*KPI_CHANGE_COLUMNS, "q_value", "clear", "verdict")
    return {
        **family.tables,
        "kpi_changes": family.tables.get("kpi_changes", EmptyTable(FIRST_MONTH, columns)),
        "finding_family": family_counts(family.tests),
        "findings": findings,
    }


SECTIONS: tuple[Section, ...] = (
    section_kpis,
    section_trends,
    section_themes_history,  # each theme's months, splits and merges (reads no other table)
    section_control,
    section_calibration,
    section_labels,
    section_operations,
    section_policy,
    section_languages,
    section_impact,
    section_findings,  # writes the family's verdicts (clear) back into the tables above
    section_teams,  # after the findings: a team's coaching needs are the clear ones
    section_agents,
    section_training,  # after the findings: a coaching need gets a pack when it is clear
)
