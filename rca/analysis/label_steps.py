"""The labelling steps of a month's analysis: AI-model labels vs gold, feedback labels.

Split from `rca.analysis.steps` (same contract: ``Context -> {table name: table}``).
"""

from __future__ import annotations

import pandas as pd

from rca.analysis.context import Context, EmptyTable, Table, lacking
from rca.analysis.prepare import MIN_NOTES
from rca.core.errors import ParameterError

__all__ = ["section_labels"]


def _note_themes(disagreements: pd.DataFrame, ctx: Context) -> Table:
    """Themes of the labellers' notes on disagreements, with the label pairs behind each.

    The notes were cleaned, redacted and themed once, by `rca.analysis.prepare`; this only
    aggregates the workspace's theme columns and theme table.
    """
    if reason := lacking(disagreements, "AI labels", "note"):
        return EmptyTable(reason)
    noted = disagreements["note"].fillna("").astype(str).str.strip().str.len() > 0
    if noted.sum() < MIN_NOTES:
        return EmptyTable(
            f"{int(noted.sum())} labeller notes on the model's mistakes in {ctx.month}: too few "
            f"to group into themes (at least {MIN_NOTES} are needed)"
        )
    themed = ctx.ws.info.get("ai_label_notes", {}).get("month")
    if themed != ctx.month or "theme_id" not in disagreements:
        raise ParameterError(
            f"the workspace was prepared for {themed or 'another month'}: its labellers' notes "
            f"of {ctx.month} are not themed; prepare it for {ctx.month}"
        )
    rows = disagreements[noted].astype({"theme_id": "int64"})
    pairs = (
        rows.assign(pair=rows["gold_label"].astype(str) + " -> " + rows["model_label"].astype(str))
        .groupby("theme_id")["pair"]
        .agg(lambda s: ", ".join(s.value_counts().head(3).index))
        .rename("top_pairs")
    )
    info = ctx.ws.themes("ai_labels")[["theme_id", "theme_label", "size", "keywords", "examples"]]
    return info.merge(pairs, on="theme_id", how="left")


def _ai_labels(ctx: Context) -> dict[str, Table]:
    """AI-model labels vs gold in the month (see `section_labels`)."""
    from rca.stats.label_audits import label_audit
    from rca.stats.sample_size import audit_sample_size

    names = ("ai_accuracy", "ai_per_class", "ai_confused_pairs", "ai_sample_size",
             "ai_disagreement_themes")  # fmt: skip
    ai = ctx.frame("ai_labels")
    reason = ctx.absent("ai_labels")
    if reason is None:
        ai = ai[ai["month"] == ctx.month]
        reason = None if len(ai) else f"the AI-label export has no item labelled in {ctx.month}"
    if reason:
        return {name: EmptyTable(reason) for name in names}
    audit = label_audit(ai, "model_label", "gold_label", text="note" if "note" in ai else None,
                        top_n=None, target=ctx.target_accuracy)  # fmt: skip
    row = audit.accuracy.iloc[0]
    sample = [audit_sample_size(int(row["correct"]), int(row["n"]), ctx.margin, 0.95,
                                population=ctx.ai_population)]  # fmt: skip
    tables = (audit.accuracy, audit.per_class, audit.confused_pairs, pd.DataFrame(sample),
              _note_themes(audit.disagreements, ctx))  # fmt: skip
    return dict(zip(names, tables, strict=True))


def _feedback_labels(ctx: Context) -> dict[str, Table]:
    """Feedback labels, agent vs auditor, in the month (see `section_labels`)."""
    from rca.stats.label_audits import label_audit

    fb = ctx.frame("feedback")
    reason = ctx.absent("feedback") or lacking(fb, "feedback", "agent_label", "auditor_label")
    if reason is None:
        fb = fb[fb["month"] == ctx.month]
        if not fb["auditor_label"].notna().any():
            reason = f"no feedback of {ctx.month} has an auditor's label"
    if reason:
        empty = EmptyTable(reason)
        return {"feedback_label_accuracy": empty, "feedback_confused_pairs": empty}
    audit = label_audit(fb, "agent_label", "auditor_label")
    return {
        "feedback_label_accuracy": audit.accuracy.assign(n_without_auditor=audit.n_dropped),
        "feedback_confused_pairs": audit.confused_pairs,
    }


def section_labels(ctx: Context) -> dict[str, Table]:
    """AI-model labels vs gold (this month) and feedback labels, agent vs auditor."""
    return {**_ai_labels(ctx), **_feedback_labels(ctx)}
