"""Preparing a month's workspace: validated, redacted inputs plus their themes, written once.

`prepare_workspace` is the one place where raw exports become report-ready tables:
load -> validate (quarantine bad rows) -> clean and redact free text -> language of each
auditor's comment and feedback text (column ``language``) -> themes (auditors' comments, feedback
texts, and labellers' notes where the AI model and the gold label disagree). Each text is cleaned,
redacted, language-detected and embedded here, once; the analysis steps and the reports only read
the result (`rca.analysis.workspace.Workspace`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from rca.analysis.intake import log_progress
from rca.analysis.registry_themes import WINDOW_MONTHS
from rca.analysis.workspace import Workspace
from rca.core.errors import ParameterError
from rca.ingest.inputs import check_mappings
from rca.store import DATE_COLUMNS, LANGUAGE_COLUMN
from rca.themes.curation_file import registry_key

if TYPE_CHECKING:
    from rca.store import Store
    from rca.themes.find import Themes

__all__ = [
    "DATE_COLUMNS",
    "LANGUAGE_COLUMN",
    "MIN_NOTES",
    "ai_disagreements",
    "prepare_workspace",
    "until_month_end",
]

#: Fewest labellers' notes on the month's AI-label disagreements worth grouping into themes.
MIN_NOTES = 20


def until_month_end(df: pd.DataFrame, kind: str, month: str) -> pd.DataFrame:
    """Return the rows of ``df`` (a table of input ``kind``) dated up to the end of ``month``.

    Rows dated after the month are left out, so a month's analysis is the same whatever later
    data the exports hold; rows without a date (a column optional for the kind) are kept.
    """
    column = DATE_COLUMNS.get(kind)
    if column is None or column not in df or df.empty:
        return df
    end = pd.Period(month, freq="M").end_time
    return df[~(pd.to_datetime(df[column]) > end)]


def _add_themes(
    df: pd.DataFrame,
    column: str,
    *,
    embedder: str,
    n_themes: int | str,
    seed: int,
    curation: Path | None,
) -> Themes:
    """Find themes in ``df[column]`` and add their columns to ``df`` in place.

    The columns are ``theme_id``, ``theme_label``, ``root_cause`` and ``confidence``; they are NA
    where a row has no text. A `LANGUAGE_COLUMN` already in ``df`` gives the texts' languages.
    """
    from rca.themes.find import find_themes

    texts = df[column].fillna("").astype(str) if column in df else pd.Series("", index=df.index)
    has_text = (texts.str.strip().str.len() > 0).to_numpy()
    languages = None
    if LANGUAGE_COLUMN in df:
        languages = df.loc[has_text, LANGUAGE_COLUMN].astype(str).tolist()
    themes = find_themes(
        texts[has_text].tolist(), embedder=embedder, n_themes=n_themes, seed=seed,
        curation=curation if curation and curation.exists() else None, languages=languages,
    )  # fmt: skip
    assigned = themes.assignments()
    assigned.index = df.index[has_text]
    df["theme_id"] = assigned["theme_id"].astype("Int64").reindex(df.index)
    for col in ("theme_label", "root_cause", "confidence"):
        df[col] = assigned[col].reindex(df.index)
    return themes


def ai_disagreements(ai_labels: pd.DataFrame, month: str) -> pd.Series:
    """Return which AI-label rows of ``month`` the model got wrong and carry a labeller's note.

    A row disagrees when it has a gold label and the model's label differs from it (a missing
    model label counts as wrong, as in `rca.stats.label_audits.label_audit`).

    Parameters
    ----------
    ai_labels
        The workspace's ``ai_labels`` table (``date``, ``model_label``, ``gold_label``, ``note``).
    month
        ``YYYY-MM``.

    Returns
    -------
    Series
        Boolean, aligned on ``ai_labels``' index.
    """
    if ai_labels.empty or "note" not in ai_labels:
        return pd.Series(False, index=ai_labels.index)
    in_month = pd.to_datetime(ai_labels["date"]).dt.strftime("%Y-%m") == month
    gold, model = ai_labels["gold_label"], ai_labels["model_label"]
    wrong = gold.notna() & (model.isna() | (model.astype(str) != gold.astype(str)))
    noted = ai_labels["note"].fillna("").astype(str).str.strip().str.len() > 0
    return in_month & wrong & noted


def _theme_notes(
    ai_labels: pd.DataFrame, month: str, *, embedder: str, seed: int
) -> tuple[Themes | None, int]:
    """Theme the notes of ``month``'s disagreements (`ai_disagreements`) into ``ai_labels``.

    Adds ``theme_id``, ``theme_label``, ``root_cause`` and ``confidence`` (NA on every other row)
    when there are at least `MIN_NOTES` such notes. Returns the themes (None when too few) and
    the number of notes.
    """
    chosen = ai_disagreements(ai_labels, month)
    n_notes = int(chosen.sum())
    if n_notes < MIN_NOTES:
        return None, n_notes
    notes = ai_labels[chosen].copy()
    themes = _add_themes(notes, "note", embedder=embedder, n_themes="auto", seed=seed,
                         curation=None)  # fmt: skip
    for col in ("theme_id", "theme_label", "root_cause", "confidence"):
        ai_labels[col] = notes[col].reindex(ai_labels.index)
    return themes, n_notes


def _months(audits: pd.DataFrame) -> list[str]:
    return sorted(audits["audit_date"].dt.strftime("%Y-%m").dropna().unique().tolist())


def prepare_workspace(
    data_dir: str | Path | None,
    out_dir: str | Path,
    *,
    mappings: Mapping[str, str | Path] | None = None,
    embedder: str = "auto",
    seed: int = 0,
    n_themes: int | str = "auto",
    curation: str | Path | None = None,
    verbose: bool = True,
    month: str | None = None,
    store: str | Path | None = None,
    window: int = WINDOW_MONTHS,
) -> Workspace:
    """Store a folder of exports in the history store, then theme a month into a workspace.

    Parameters
    ----------
    data_dir
        Folder with ``audits.*`` and optionally ``feedback.*``, ``calibration.*``,
        ``ai_labels.*``: validated, cleaned, redacted and stored (`rca.analysis.intake`); the
        report month and every month the store does not hold yet are stored, earlier stored
        months are kept as they were ingested. None: use what the store holds.
    out_dir
        Workspace folder to write (created; quarantine files go to ``out_dir/quarantine``).
    mappings
        ``{kind: YAML column mapping}`` for exports that use a vendor's column names (see
        `rca.ingest.columns`); kinds without one must use the canonical names.
    embedder
        Embedding backend for the theme models: ``auto`` chooses per text column by the
        detected language mix (`rca.themes.languages`); ``workspace.json`` records the choice
        under ``"embedder_choice"``.
    seed
        Random seed of the theme model.
    n_themes
        ``"auto"`` or a number of themes.
    curation
        Analysts' curation YAML (renames, merges, pinned causes); applied when it exists.
    verbose
        Log progress to stderr.
    month
        The month to be reported on (default: the latest month of the audits; the first month
        of the data is analysed too, its comparisons left for next month). A workspace is
        prepared for one month from the months up to it in the store: later months are left out
        (their rows per kind under ``"later_rows_left_out"`` of ``workspace.json``), so the themes
        and every table of the month are the same whatever later data exists. Labellers' notes
        on this month's AI-label disagreements are themed (when there are at least
        `MIN_NOTES`); ``workspace.json`` records their number under ``"ai_label_notes"``.
    store
        The history store (`rca.store.Store`); default ``out_dir/history.duckdb``, a store of
        this workspace alone.
    window
        Months of texts the themes are fitted on, up to the report month
        (`rca.analysis.registry_themes`); texts of earlier stored months are assigned to them.

    Returns
    -------
    Workspace
        The prepared workspace; ``theme_id`` is each theme's registry id.

    Raises
    ------
    ParameterError
        If ``month`` has no audits.
    """
    from rca.analysis.intake import ingest_exports
    from rca.analysis.registry_themes import registry_themes
    from rca.store import Store
    from rca.store.rows import row_months

    say = log_progress if verbose else (lambda _m: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    store_path = Path(store) if store is not None else out / "history.duckdb"
    if store is None:  # the workspace's own store starts afresh: nothing of an earlier run
        store_path.unlink(missing_ok=True)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    mapping_files = check_mappings(mappings)
    if data_dir is not None:
        summary = ingest_exports(
            data_dir, store_path, month=month, mappings=mappings, verbose=verbose,
            quarantine_dir=out / "quarantine", only_new=True,
        )  # fmt: skip
        if summary.months:
            say(f"store: {summary.message()}")
    timings["validate_redact_s"] = time.perf_counter() - t0
    with Store(store_path) as st:
        stored = st.months("audits")
        report_month = month or (stored[-1] if stored else "")
        if report_month not in stored:
            raise ParameterError(
                f"month {report_month or '(none)'}: no audits in that month; months in the "
                f"data: {', '.join(stored) or 'none'}"
            )
        counts = st.kinds(until=report_month)
        everything = st.kinds()
        tables = {kind: st.read(kind, until=report_month) for kind in counts}
        later = {kind: everything[kind]["valid"] - counts[kind]["valid"] for kind in counts}

        t1 = time.perf_counter()
        curation_file = Path(curation) if curation else None
        themed: dict[str, Themes] = {}
        windows: dict[str, list[str]] = {}
        for kind, col in (("audits", "comment"), ("feedback", "text")):
            if kind not in tables:
                continue
            df = tables[kind]
            say(f"themes: {kind} ({embedder})")
            fit = registry_themes(
                st, kind, df, col, row_months(df, kind), report_month, window=window,
                embedder=embedder, n_themes=n_themes, seed=seed,
                curation=curation_file if kind == "audits" else None,
                languages=df.get(LANGUAGE_COLUMN),
            )  # fmt: skip
            themed[kind], windows[kind] = fit.themes, fit.window
            n_found = int((fit.themes.theme_info["theme_id"] >= 0).sum())
            model = fit.themes.model
            say(f"themes: {kind}: {n_found} themes ({model.backend_}) on {', '.join(fit.window)}"
                f", {model.outlier_share_:.1%} unassigned; {fit.n_earlier:,} earlier texts "
                "assigned")  # fmt: skip
            for line in fit.themes.unmatched_curation:
                say(f"curation not applied: {line}")
        lineage, registry = _registry_tables(st, list(themed), report_month)
    audits = tables["audits"]
    themes = themed["audits"]
    model = themes.model
    n_notes = 0
    if "ai_labels" in tables:
        notes, n_notes = _theme_notes(tables["ai_labels"], report_month, embedder=embedder,
                                      seed=seed)  # fmt: skip
        say(f"themes: ai_labels: {n_notes:,} notes on {report_month}'s disagreements")
        if notes is not None:
            themed["ai_labels"] = notes
    timings["topics_s"] = time.perf_counter() - t1

    for kind, df in tables.items():
        df.to_parquet(out / f"{kind}.parquet", index=False)
    for kind, found in themed.items():
        stem = kind.rstrip("s")
        info_table = found.theme_info
        if kind == "audits":  # the explorer's curation names a theme by its registry id
            info_table = info_table.assign(theme_key=[
                registry_key(t) if t >= 0 else "" for t in info_table["theme_id"]
            ])  # fmt: skip
        info_table.to_parquet(out / f"{stem}_themes.parquet", index=False)
        if kind != "ai_labels":  # the notes' model is not reused: its theme table is enough
            found.model.save(out / f"{stem}_model")
    lineage.to_parquet(out / "theme_lineage.parquet", index=False)
    registry.to_parquet(out / "theme_registry.parquet", index=False)
    months = _months(audits)
    info = {
        "data_dir": str(Path(data_dir).resolve()) if data_dir is not None else None,
        "store": str(store_path.resolve()),
        "months": months,
        "counts": counts,
        "embedder": model.embedder_name_,
        "embedder_backend": str(embedder),
        "embedder_choice": {kind: found.model.backend_ for kind, found in themed.items()},
        "seed": seed,
        "n_themes": int((themes.theme_info["theme_id"] >= 0).sum()),
        "outlier_share": model.outlier_share_,
        "curation": str(curation_file.resolve()) if curation_file else None,
        "mappings": {kind: str(path.resolve()) for kind, path in mapping_files.items()},
        "ai_label_notes": {"month": report_month, "n_notes": n_notes},
        "month": report_month,
        "later_rows_left_out": later,
        "registry": True,
        "theme_window": windows,
        "timings": timings,
    }
    (out / "workspace.json").write_text(json.dumps(info, indent=2, sort_keys=True))
    return Workspace(out)


def _registry_tables(st: Store, kinds: list[str], month: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the splits and merges up to ``month`` and the registry as of ``month``.

    Columns as `rca.analysis.month.TABLES` describes ``theme_lineage`` and ``theme_registry``.
    """
    names = "'" + "', '".join(kinds) + "'"
    lineage = st.sql(
        f"""SELECT l.kind, l.month, l.parent_id, p.label AS parent_label, l.child_id,
               c.label AS child_label, l.relation, l.shared_texts, l.share_of_parent,
               l.share_of_child, l.centroid_cosine
        FROM theme_lineage l
        LEFT JOIN theme_registry p ON p.kind = l.kind AND p.month = l.month
             AND p.registry_id = l.parent_id
        LEFT JOIN theme_registry c ON c.kind = l.kind AND c.month = l.month
             AND c.registry_id = l.child_id
        WHERE l.kind IN ({names}) AND l.month <= '{month}' AND l.relation <> 'continues'
        ORDER BY l.kind, l.month, l.parent_id, l.child_id"""
    )
    registry = st.sql(
        f"""SELECT kind, registry_id AS theme_id, label AS theme_label, first_month,
               last_month, status, size
        FROM theme_registry WHERE kind IN ({names}) AND month = '{month}'
        ORDER BY kind, registry_id"""
    )
    return lineage, registry
