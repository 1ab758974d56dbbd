"""One month's analysis, computed once: every table the reports read.

`analyze_month` prepares the workspace (validated, redacted, themed inputs) and computes KPIs,
trends with FDR control, control charts, calibration agreement, label audits, macros, technical
issues, coaching needs, the themes of each policy's failing audits and the ranked findings. Each
table is written as Parquet and CSV under ``<out>/tables/`` and described in
``<out>/tables.json``; reports never recompute them. A table is empty only when there is not
enough data for it, and then ``tables.json`` records why (``empty_reason``, one plain sentence
the reports show in its place); any other problem fails the analysis with an `RcaError`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from rca.analysis.prepare import prepare_workspace
from rca.analysis.registry_themes import WINDOW_MONTHS
from rca.analysis.workspace import Workspace
from rca.core.errors import ParameterError

__all__ = ["TABLES", "Analysis", "analyze_month"]


def _log_run(
    store: Path, month: str, tables: Mapping[str, pd.DataFrame], info: Mapping[str, Any],
    ws: Workspace,
) -> None:  # fmt: skip
    """Log the run in the history store: its parameters, input hashes, timings and tables."""
    from rca.store import Store

    parameters = {k: ws.info.get(k) for k in ("embedder", "embedder_backend", "seed",
                                               "curation", "theme_window")}  # fmt: skip
    with Store(store) as st:
        ingests = st.sql(  # the run's inputs: the ingest (its files' hashes) behind each month
            "SELECT month, max(ingest_id) AS ingest_id FROM month_kinds "
            f"WHERE month <= '{month}' GROUP BY month ORDER BY month"
        )
        inputs = {"data_dir": str(ws.info.get("data_dir")),
                  **{str(m): f"ingest {i}" for m, i in zip(ingests["month"], ingests["ingest_id"],
                                                           strict=True)}}  # fmt: skip
        run_id = st.start_run(month, parameters=parameters, inputs=inputs)
        st.write_tables(run_id, tables)
        timings = {**ws.info.get("timings", {}), **info["timings_s"], "total_s": info["total_s"]}
        st.finish_run(run_id, status="ok", timings=timings)


#: Every table `analyze_month` writes, with what it holds.
TABLES: dict[str, str] = {
    "kpis_monthly": "Audit KPIs per month with Wilson intervals",
    "kpis_segments": "Audit KPIs of the month per market, queue, team, agent and auditor",
    "error_pareto": "Error categories of the month, largest first, with cumulative share",
    "ratings": "User rating distribution per month",
    "theme_changes": "Audit-comment theme shares, month vs previous, per segment (BH q)",
    "theme_changes_weekly": "Theme shares, last week of the month vs the week before (BH q)",
    "emerging_themes": "Themes new or tiny last month that grew significantly",
    "fading_themes": "Themes that shrank significantly",
    "theme_history": "Each theme's texts per month up to the month, audit comments and feedback "
    "(n, share of the month's texts), one row per theme and month",
    "theme_lineage": "Theme splits and merges up to the month: parent and child registry themes, "
    "shared texts, shares, centroid cosine",
    "theme_registry": "Registry themes: stable id, name, first and last month, status this "
    "month, size",
    "p_chart_team": "Weekly pass-rate p-chart per team with run rules",
    "p_chart_queue": "Weekly pass-rate p-chart per queue with run rules",
    "calibration_agreement": "Agreement per rubric item: percent, Fleiss kappa, Krippendorff alpha",
    "calibration_pairs": "Cohen's kappa for every pair of auditors",
    "auditor_deviation": "Each auditor's deviation from the expert / consensus",
    "calibration_drift": "Auditors' deviation across sessions, with trend",
    "disputed_items": "Rubric items ranked by disagreement",
    "ai_accuracy": "AI-model label accuracy vs target",
    "ai_per_class": "AI-model precision, recall, F1 per class",
    "ai_confused_pairs": "Gold -> predicted label pairs the AI model confuses most",
    "ai_sample_size": "Items to audit next month for the chosen margin (conservative accuracy, "
    "floor, finite-population correction)",
    "ai_disagreement_themes": "Themes in labellers' notes where the AI model and gold disagree",
    "feedback_label_accuracy": "Agent's feedback label vs auditor's label",
    "feedback_confused_pairs": "Feedback label pairs agents and auditors disagree on most",
    "macros": "Macros / SOPs implicated by failing audits, ranked",
    "tech_issues": "Bug-like feedback themes: new or known, first/last seen, trend",
    "issue_timeline": "Weekly volume of each technical issue",
    "coaching": "Every agent and cohort tested for an error share above the rest (clear: a need)",
    "policy_themes": "Themes of each policy's failing audits vs other policies' failures (BH q)",
    "team_kpis": "Each team's audit KPIs and the operation's, this month and the previous one",
    "team_themes": "Each team's comment theme shares this month vs previous, with the operation's",
    "team_errors": "Each team's error categories: count, share of its errors, operation's share",
    "team_coaching": "Coaching needs per team (its own agents only) with the team's examples",
    "team_macros": "Macros / SOPs in each team's failing audits, with the operation's fail rate",
    "agent_kpis": "Each agent's audit KPIs and their team's, this month and the previous one",
    "agent_trend": "Each agent's weekly audit KPIs and their team's",
    "agent_strengths": "Themes of each agent's passed audits, with their own comments",
    "agent_focus": "Error categories of each agent's audits, with their own comments",
    "language_mix": "Languages of the month's audit comments and feedback per market: n, share",
    "theme_impact": "Each comment theme's impact on pass rate, average score and critical-error "
    "rate (KPI of all audits minus without the theme's), operation and teams, with the change "
    "vs previous month",
    "feedback_impact": "Each feedback theme's impact on the average rating, with the change vs "
    "previous month",
    "kpi_changes": "Headline KPIs, month vs previous month: difference with its interval, test, "
    "q over the month's family, clear, verdict (better / worse / about the same)",
    "finding_family": "Hypotheses the month's analysis tested and how many are clear, per "
    "finding type and in all (one Benjamini-Hochberg family, level 0.05)",
    "training_packs": "Training packs: one per rubric item below the agreement threshold and per "
    "clear coaching need (team or cohort, error category): subject, audience, alpha or shares",
    "training_cases": "Each training pack's cases (redacted) with the answer key: the expert's "
    "rating or the audit's verdict (rca.stats.training_cases.CASE_COLUMNS)",
    "findings": "Ranked findings as structured records: subject, place, metric, value vs "
    "baseline, effect and interval, p, q, root cause, quotes (rca.findings.build.FINDING_COLUMNS)",
}


@dataclass(frozen=True)
class Analysis:
    """A month's analysis on disk (see `analyze_month`)."""

    path: Path

    def table(self, name: str) -> pd.DataFrame:
        """Return table ``name`` (see `TABLES`).

        An empty table left empty for lack of data carries its reason in
        ``table.attrs["empty_reason"]`` (see `empty_reason`), so a view given only the table can
        say why it is empty.
        """
        if name not in TABLES:
            raise ParameterError(f"unknown table {name!r}; expected one of {', '.join(TABLES)}")
        table = pd.read_parquet(self.path / "tables" / f"{name}.parquet")
        reason = self.empty_reason(name)
        if reason is not None:
            table.attrs["empty_reason"] = reason
        return table

    def empty_reason(self, name: str) -> str | None:
        """Return why table ``name`` was left empty (one plain sentence), or None.

        None means the table is not empty for lack of data (it may still have no rows: e.g. no
        coaching need stands out this month).
        """
        if name not in TABLES:
            raise ParameterError(f"unknown table {name!r}; expected one of {', '.join(TABLES)}")
        reason = self.info["tables"][name].get("empty_reason")
        return None if reason is None else str(reason)

    @property
    def workspace(self) -> Workspace:
        """The prepared inputs the tables were computed from."""
        return Workspace(self.path / "workspace")

    @property
    def info(self) -> dict[str, Any]:
        """``tables.json``: month, previous month, tables with rows and columns, timings."""
        return json.loads((self.path / "tables.json").read_text())


def _write(out: Path, name: str, df: pd.DataFrame, empty_reason: str | None) -> dict[str, Any]:
    df = df.reset_index(drop=True)
    df.to_parquet(out / f"{name}.parquet", index=False)
    flat = df.copy()
    for col in flat.columns:
        if flat[col].map(lambda v: isinstance(v, list | tuple)).any():
            flat[col] = flat[col].map(
                lambda v: " | ".join(map(str, v)) if isinstance(v, list | tuple) else v
            )
    flat.to_csv(out / f"{name}.csv", index=False)
    return {"description": TABLES[name], "rows": len(df), "columns": [str(c) for c in df.columns],
            "empty_reason": empty_reason}  # fmt: skip


def analyze_month(
    data_dir: str | Path,
    out: str | Path,
    *,
    month: str | None = None,
    embedder: str = "auto",
    seed: int = 0,
    curation: str | Path | None = None,
    known_issues: str | Path | None = None,
    target_accuracy: float = 0.9,
    margin: float = 0.03,
    ai_population: int | None = None,
    min_n: int = 30,
    macro_changes: dict[str, str] | None = None,
    mappings: Mapping[str, str | Path] | None = None,
    log: Callable[[str], object] = lambda _m: None,
    verbose: bool = False,
    store: str | Path | None = None,
    window: int = WINDOW_MONTHS,
) -> Analysis:
    """Compute every table of ``month`` from the exports in ``data_dir``.

    Parameters
    ----------
    data_dir
        Folder with ``audits.*`` and optionally ``feedback.*``, ``calibration.*``,
        ``ai_labels.*`` and ``known_issues.csv``.
    out
        Folder for ``workspace/``, ``tables/`` and ``tables.json``.
    month
        ``YYYY-MM``; the latest month of the audits if omitted. The first month of the data is
        analysed too: the tables that compare with the previous month are then left empty with
        the reason `rca.analysis.context.FIRST_MONTH` (``previous`` is null in ``tables.json``).
    embedder, seed
        Theme model settings (``embedder="auto"``: by the texts' languages, see
        `rca.themes.languages`).
    curation
        Analysts' curation YAML for audit themes.
    known_issues
        CSV of known technical issues (id, title, keywords); defaults to
        ``data_dir/known_issues.csv`` when present.
    target_accuracy, margin
        AI-label accuracy target, and the margin for next month's audit sample size.
    ai_population
        Items the AI model will label next month, the population next month's audit sample is
        drawn from (finite-population correction of ``ai_sample_size``); None when unknown.
    min_n
        Segments with fewer rows are flagged as small.
    macro_changes
        ``{macro_id: date}`` of known macro / SOP / policy changes: each macro's fail rate after
        the date is tested against before it (``worse_after`` in the macros table).
    mappings
        ``{kind: YAML column mapping}`` for exports in a vendor's format (see
        `rca.analysis.workspace.prepare_workspace`).
    log
        Progress callback.
    verbose
        Also log the preparation steps (validation counts, themes) to stderr.
    store
        The history store the exports go to and the month is read from (months before the
        window and the theme registry included; see `rca.analysis.prepare.prepare_workspace`);
        default: a store of this analysis alone, in its workspace. The run, its parameters and
        every table are logged in it (``rca history``).
    window
        Months of texts the themes are fitted on.

    Returns
    -------
    Analysis

    Raises
    ------
    RcaError
        `InputError` for an unusable export, `ParameterError` for a month that cannot be
        analysed or data a statistic cannot use. A table with too little data
        (`NotEnoughDataError`) does not fail the month: it is left empty with its reason.
    """
    from rca.analysis.context import EmptyTable
    from rca.analysis.steps import SECTIONS, Context

    out = Path(out)
    start = time.perf_counter()
    ws = prepare_workspace(
        data_dir, out / "workspace", mappings=mappings, embedder=embedder, seed=seed,
        curation=curation, verbose=verbose, month=month, store=store, window=window,
    )  # fmt: skip
    month, previous = ws.resolve_month(month)
    known = Path(known_issues) if known_issues else Path(data_dir) / "known_issues.csv"
    ctx = Context(
        ws=ws, month=month, previous=previous, min_n=min_n, target_accuracy=target_accuracy,
        margin=margin, ai_population=ai_population, known_issues=known if known.exists() else None,
        macro_changes=macro_changes, seed=seed,
    )  # fmt: skip
    tables_dir = out / "tables"
    tables_dir.mkdir(parents=True, exist_ok=True)
    described: dict[str, Any] = {}
    timings: dict[str, float] = {}
    for section in SECTIONS:
        t = time.perf_counter()
        for name, result in section(ctx).items():
            reason = result.reason if isinstance(result, EmptyTable) else None
            table = result.frame() if isinstance(result, EmptyTable) else result
            ctx.tables[name] = table
            described[name] = _write(tables_dir, name, table, reason)
        timings[section.__name__] = round(time.perf_counter() - t, 3)
        log(f"analysis: {section.__name__.removeprefix('section_')}")
    info = {
        "month": month,
        "previous": previous,
        "seed": seed,
        "embedder": ws.info["embedder"],
        "tables": described,
        "timings_s": timings,
        "total_s": round(time.perf_counter() - start, 1),
    }
    (out / "tables.json").write_text(json.dumps(info, indent=2, sort_keys=True))
    _log_run(Path(ws.info["store"]), month, ctx.tables, info, ws)
    return Analysis(out)
