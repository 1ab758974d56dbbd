"""The sections of a month's analysis: each turns the prepared workspace into named tables.

A section is a function ``Context -> {table name: DataFrame}``; `rca.analysis.month.analyze_month`
runs them in order (later sections may read earlier tables from ``ctx.tables``) and writes the
results. A section whose input is absent returns empty tables, never fails the month.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from rca.analysis.member_steps import section_agents, section_teams
from rca.analysis.workspace import Workspace
from rca.core.errors import ParameterError
from rca.stats.kpis import add_period, kpis_by

__all__ = ["POLICY_THEME_COLUMNS", "SECTIONS", "Context"]

SEGMENTS = ("market", "queue", "team")
#: Weeks in each window of a technical issue's trend (``window_weeks`` of ``tech_issues``).
ISSUE_WEEKS = 4


@dataclass
class Context:
    """What every section sees: the workspace, the months compared and the settings."""

    ws: Workspace
    month: str
    previous: str
    min_n: int = 30
    target_accuracy: float = 0.9
    margin: float = 0.03
    known_issues: Path | None = None
    macro_changes: dict[str, str] | None = None
    seed: int = 0
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict)

    def frame(self, kind: str) -> pd.DataFrame:
        """Return the workspace table of ``kind`` with ``month`` and ``week`` columns (cached)."""
        if kind not in self._cache:
            df = self.ws.table(kind)
            date_col = {"audits": "audit_date", "calibration": "session_date"}.get(kind, "date")
            if len(df) and date_col in df and df[date_col].notna().any():
                df = add_period(df, date_col)
            self._cache[kind] = df
        return self._cache[kind]

    def themes(self) -> pd.DataFrame:
        """Return the workspace's audit themes, one row per theme (read once, cached)."""
        if "audit_themes" not in self._cache:
            self._cache["audit_themes"] = self.ws.themes()
        return self._cache["audit_themes"]


Section = Callable[[Context], dict[str, pd.DataFrame]]


def _safe(fn: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Run a statistic; input it cannot use (too little data) gives an empty table."""
    try:
        return fn()
    except ParameterError:
        return pd.DataFrame()


def section_kpis(ctx: Context) -> dict[str, pd.DataFrame]:
    """KPIs per month and per segment of the month, error Pareto, rating distribution."""
    audits = ctx.frame("audits")
    current = audits[audits["month"] == ctx.month]
    segments = []
    for seg in (*SEGMENTS, "agent", "auditor"):
        if seg in current and current[seg].notna().any():
            k = kpis_by(current, seg, min_n=ctx.min_n).rename(columns={seg: "value"})
            segments.append(k.assign(segment=seg))
    pareto = pd.DataFrame(columns=["error_category", "n", "share", "cumulative_share"])
    if "error_category" in current:
        errors = current["error_category"].dropna()
        errors = errors[errors.astype(str).str.len() > 0]
        if len(errors):
            counts = errors.value_counts().rename_axis("error_category").rename("n")
            pareto = counts.reset_index()
            pareto["share"] = pareto["n"] / pareto["n"].sum()
            pareto["cumulative_share"] = pareto["share"].cumsum()
    feedback = ctx.frame("feedback")
    ratings = pd.DataFrame(columns=["month", "rating", "n", "share"])
    if len(feedback) and "rating" in feedback and feedback["rating"].notna().any():
        r = feedback.dropna(subset=["rating"]).groupby(["month", "rating"]).size().rename("n")
        ratings = r.reset_index()
        ratings["share"] = ratings["n"] / ratings.groupby("month")["n"].transform("sum")
    return {
        "kpis_monthly": kpis_by(audits, "month", min_n=ctx.min_n),
        "kpis_segments": pd.concat(segments, ignore_index=True) if segments else pd.DataFrame(),
        "error_pareto": pareto,
        "ratings": ratings,
    }


def _with_causes(changes: pd.DataFrame, causes: pd.Series | None) -> pd.DataFrame:
    """Add each theme's ``root_cause`` (``causes``: by topic id) to share changes."""
    if changes.empty or causes is None:
        return changes
    return changes.assign(root_cause=changes["item"].map(causes))


def section_trends(ctx: Context) -> dict[str, pd.DataFrame]:
    """Theme share changes month over month per segment, with emerging and fading themes."""
    from rca.stats.trends import emerging_themes, fading_themes, share_changes

    audits = ctx.frame("audits")
    themed = audits[audits["theme_id"].notna()]
    segments = [s for s in SEGMENTS if s in themed]
    topics = ctx.themes()
    causes = topics.set_index("theme_id")["root_cause"] if "root_cause" in topics else None

    def changes_fn() -> pd.DataFrame:
        return share_changes(
            themed, item="theme_id", current=ctx.month, previous=ctx.previous,
            segments=segments, min_n=ctx.min_n,
        )  # fmt: skip

    changes = _with_causes(_safe(changes_fn), causes)
    empty = changes.empty
    weeks = sorted(themed.loc[themed["month"] == ctx.month, "week"].unique())
    weekly = pd.DataFrame()
    if len(weeks) >= 2:
        last, before = weeks[-1], weeks[-2]

        def weekly_fn() -> pd.DataFrame:
            return share_changes(
                themed, item="theme_id", period="week", current=last, previous=before,
                segments=segments, min_n=ctx.min_n,
            )  # fmt: skip

        weekly = _with_causes(_safe(weekly_fn), causes)
    return {
        "theme_changes": changes,
        "theme_changes_weekly": weekly,
        "emerging_themes": pd.DataFrame() if empty else emerging_themes(changes),
        "fading_themes": pd.DataFrame() if empty else fading_themes(changes),
    }


def section_control(ctx: Context) -> dict[str, pd.DataFrame]:
    """Weekly pass-rate p-charts per team and per queue."""
    from rca.stats.control_charts import p_chart

    audits = ctx.frame("audits").dropna(subset=["passed"])
    out = {}
    for group in ("team", "queue"):
        try:
            out[f"p_chart_{group}"] = p_chart(audits, group=group, period="week")
        except ParameterError:
            out[f"p_chart_{group}"] = pd.DataFrame()
    return out


def section_calibration(ctx: Context) -> dict[str, pd.DataFrame]:
    """Agreement, auditor deviation and drift, disputed rubric items (all sessions so far)."""
    from rca.stats.calibration import (
        agreement,
        auditor_deviation,
        disputed_items,
        drift,
        pairwise_kappa,
    )

    ratings = ctx.ws.table("calibration")
    if ratings.empty:
        names = ("calibration_agreement", "calibration_pairs", "auditor_deviation")
        rest = ("calibration_drift", "disputed_items")
        return {n: pd.DataFrame() for n in (*names, *rest)}
    return {
        "calibration_agreement": _safe(lambda: agreement(ratings)),
        "calibration_pairs": _safe(lambda: pairwise_kappa(ratings)),
        "auditor_deviation": _safe(lambda: auditor_deviation(ratings)),
        "calibration_drift": _safe(lambda: drift(ratings)),
        "disputed_items": _safe(lambda: disputed_items(ratings)),
    }


def _note_themes(disagreements: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """Themes in the labellers' notes on disagreements, with the label pairs behind each."""
    from rca.text.clean import clean_series
    from rca.text.redact import redact_series
    from rca.themes.find import find_themes

    if "note" not in disagreements:
        return pd.DataFrame()
    notes = redact_series(clean_series(disagreements["note"]))
    has = (notes.str.strip().str.len() > 0).to_numpy()
    if has.sum() < 20:  # too few notes to group
        return pd.DataFrame()
    embedder = str(ctx.ws.info.get("embedder_backend", "minilm"))
    themes = find_themes(notes[has].tolist(), embedder=embedder, seed=ctx.seed)
    rows = disagreements[has].assign(theme_id=themes.theme_ids)
    pairs = (
        rows.assign(pair=rows["gold_label"].astype(str) + " -> " + rows["model_label"].astype(str))
        .groupby("theme_id")["pair"]
        .agg(lambda s: ", ".join(s.value_counts().head(3).index))
        .rename("top_pairs")
    )
    info = themes.theme_info[["theme_id", "theme_label", "size", "keywords", "examples"]]
    return info.merge(pairs, on="theme_id", how="left")


def section_labels(ctx: Context) -> dict[str, pd.DataFrame]:
    """AI-model labels vs gold (this month) and feedback labels, agent vs auditor."""
    from rca.stats.label_audits import label_audit, sample_size_for_margin

    out: dict[str, pd.DataFrame] = {}
    ai = ctx.frame("ai_labels")
    ai = ai[ai["month"] == ctx.month] if "month" in ai else ai
    if len(ai):
        audit = label_audit(ai, "model_label", "gold_label", text="note",
                            target=ctx.target_accuracy)  # fmt: skip
        out["ai_accuracy"] = audit.accuracy
        out["ai_per_class"] = audit.per_class
        out["ai_confused_pairs"] = audit.confused_pairs
        p = float(audit.accuracy["accuracy"].iloc[0])
        n_next = sample_size_for_margin(p, ctx.margin, 0.95)
        out["ai_sample_size"] = pd.DataFrame(
            [{"expected_accuracy": p, "margin": ctx.margin, "confidence": 0.95, "n": n_next}]
        )
        out["ai_disagreement_themes"] = _note_themes(audit.disagreements, ctx)
    else:
        names = ("ai_accuracy", "ai_per_class", "ai_confused_pairs", "ai_sample_size")
        for name in (*names, "ai_disagreement_themes"):
            out[name] = pd.DataFrame()
    fb = ctx.frame("feedback")
    fb = fb[fb["month"] == ctx.month] if "month" in fb else fb
    if (
        len(fb)
        and {"agent_label", "auditor_label"} <= set(fb)
        and fb["auditor_label"].notna().any()
    ):
        audit = label_audit(fb, "agent_label", "auditor_label")
        out["feedback_label_accuracy"] = audit.accuracy.assign(n_without_auditor=audit.n_dropped)
        out["feedback_confused_pairs"] = audit.confused_pairs
    else:
        out["feedback_label_accuracy"] = pd.DataFrame()
        out["feedback_confused_pairs"] = pd.DataFrame()
    return out


def _until_month_end(df: pd.DataFrame, date_col: str, month: str) -> pd.DataFrame:
    end = pd.Period(month, freq="M").end_time
    return df[pd.to_datetime(df[date_col]) <= end] if len(df) else df


def section_operations(ctx: Context) -> dict[str, pd.DataFrame]:
    """Macros / SOPs behind failing audits, technical issues in feedback, coaching needs."""
    from rca.stats.coaching import coaching_needs
    from rca.stats.macros import macro_report
    from rca.stats.tech_issues import issue_timeline, technical_issues

    audits = _until_month_end(ctx.frame("audits"), "audit_date", ctx.month)
    macros = pd.DataFrame()
    if "macro_id" in audits and audits["macro_id"].notna().any():
        macros = macro_report(audits, current=ctx.month, previous=ctx.previous,
                              changed_after=ctx.macro_changes)  # fmt: skip
    feedback = _until_month_end(ctx.frame("feedback"), "date", ctx.month)
    issues = timeline = pd.DataFrame()
    if len(feedback) and "theme_id" in feedback:
        as_of = pd.Period(ctx.month, freq="M").end_time.normalize()
        issues = technical_issues(
            feedback, theme_info=ctx.ws.themes("feedback"), known_issues=ctx.known_issues,
            as_of=as_of, weeks=ISSUE_WEEKS,
        ).assign(window_weeks=ISSUE_WEEKS)  # fmt: skip
        timeline = issue_timeline(feedback)
    return {
        "macros": macros,
        "tech_issues": issues,
        "issue_timeline": timeline,
        "coaching": _safe(lambda: coaching_needs(audits, current=ctx.month)),
    }


#: Columns of the ``policy_themes`` table.
POLICY_THEME_COLUMNS: tuple[str, ...] = (
    "policy", "policy_audits", "policy_failing", "policy_fail_rate", "theme_id", "theme_label",
    "root_cause", "failing", "share", "rest_share", "difference", "q_value", "stands_out",
    "rank_in_policy", "examples",
)  # fmt: skip


def section_policy(ctx: Context) -> dict[str, pd.DataFrame]:
    """Themes of the month's failing audits under each policy, vs the other policies' failures.

    Method: among the month's failing audits with a policy, each theme's share of one policy's
    failures is compared with its share of the other policies' failures
    (`rca.stats.trends.group_vs_rest`, Benjamini-Hochberg q over all policy × theme tests); a theme
    ``stands_out`` for a policy when it is significantly more frequent there (q < 0.05).
    Policies with fewer than 10 failing audits are listed but not tested (as coaching needs).
    """
    from rca.stats.trends import group_vs_rest
    from rca.text.quotes import evidence_quotes

    empty = pd.DataFrame(columns=list(POLICY_THEME_COLUMNS))
    audits = ctx.frame("audits")
    if not {"policy", "passed", "theme_id"} <= set(audits.columns):
        return {"policy_themes": empty}
    month = audits[(audits["month"] == ctx.month) & audits["policy"].notna()]
    failing = month[month["passed"].notna() & ~month["passed"].fillna(True).astype(bool)]
    if failing.empty:
        return {"policy_themes": empty}
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
                "q_value": r["q_value"],
                "stands_out": bool(r["q_value"] < 0.05 and r["difference"] > 0),
                "examples": evidence_quotes(hits.get("comment", []), 2),
            }
        )  # fmt: skip
    if not rows:
        return {"policy_themes": empty}
    out = pd.DataFrame(rows).sort_values(
        ["policy_failing", "policy", "failing", "theme_id"], ascending=[False, True, False, True]
    )
    out["rank_in_policy"] = out.groupby("policy").cumcount() + 1
    return {"policy_themes": out[list(POLICY_THEME_COLUMNS)].reset_index(drop=True)}


def section_findings(ctx: Context) -> dict[str, pd.DataFrame]:
    """Rank the findings, from the tables of the earlier sections."""
    from rca.findings.build import build_findings

    def given(name: str) -> pd.DataFrame | None:
        table = ctx.tables.get(name)
        return None if table is None or table.empty else table

    findings = build_findings(
        theme_changes=given("theme_changes"), macros=given("macros"),
        tech_issues=given("tech_issues"), coaching=given("coaching"),
        calibration=given("auditor_deviation"), ai_confusions=given("ai_confused_pairs"),
    )  # fmt: skip
    return {"findings": findings}


SECTIONS: tuple[Section, ...] = (
    section_kpis,
    section_trends,
    section_control,
    section_calibration,
    section_labels,
    section_operations,
    section_policy,
    section_teams,
    section_agents,
    section_findings,
)
