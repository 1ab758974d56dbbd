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

from rca.analysis.workspace import Workspace
from rca.core.errors import ParameterError
from rca.ingest.inputs import check_mappings, find_inputs
from rca.ingest.schemas import TEXT_COLUMNS

if TYPE_CHECKING:
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

#: Column of the audits (language of ``comment``) and feedback (of ``text``) tables holding each
#: text's detected language (`rca.text.language.detect_languages`; NA where there is no text).
LANGUAGE_COLUMN = "language"

#: The date column of each input kind: where a row sits in time.
DATE_COLUMNS: dict[str, str] = {
    "audits": "audit_date", "feedback": "date", "calibration": "session_date", "ai_labels": "date",
}  # fmt: skip


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


def _add_languages(df: pd.DataFrame, column: str) -> None:
    """Add `LANGUAGE_COLUMN`: the detected language of ``df[column]`` (NA where no text)."""
    from rca.text.language import detect_languages

    texts = df[column].fillna("").astype(str) if column in df else pd.Series("", index=df.index)
    has_text = texts.str.strip().str.len() > 0
    found = pd.Series(detect_languages(texts[has_text].tolist()), index=df.index[has_text])
    df[LANGUAGE_COLUMN] = found.reindex(df.index).astype("string")


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


def _check_month(audits: pd.DataFrame, month: str) -> None:
    """Raise `ParameterError` unless ``month`` has audits.

    The first month of the data is accepted: its analysis says, where a comparison with the
    previous month would be, that there is none yet (`rca.analysis.context.FIRST_MONTH`).
    """
    months = _months(audits)
    if month not in months:
        raise ParameterError(
            f"month {month}: no audits in that month; months in the data: {', '.join(months)}"
        )


def _progress(message: str) -> None:
    from rich.console import Console

    Console(stderr=True).log(message)


def prepare_workspace(
    data_dir: str | Path,
    out_dir: str | Path,
    *,
    mappings: Mapping[str, str | Path] | None = None,
    embedder: str = "auto",
    seed: int = 0,
    n_themes: int | str = "auto",
    curation: str | Path | None = None,
    verbose: bool = True,
    month: str | None = None,
) -> Workspace:
    """Validate, redact and theme a folder of exports into a workspace.

    Parameters
    ----------
    data_dir
        Folder with ``audits.*`` and optionally ``feedback.*``, ``calibration.*``,
        ``ai_labels.*``.
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
        The month to be reported on (default: the latest month of the audits): checked right
        after validation (it must have audits; it may be the first month), before the
        minutes of theme fitting. A workspace is prepared for one month: rows of every kind
        dated after it are left out (`until_month_end`; their number per kind under
        ``"later_rows_left_out"`` of ``workspace.json``), so the themes and every table of the
        month are the same whatever later data the exports hold. Labellers' notes on this
        month's AI-label disagreements are themed (when there are at least `MIN_NOTES`);
        ``workspace.json`` records the month and the number of notes under
        ``"ai_label_notes"``.

    Returns
    -------
    Workspace
        The prepared workspace.

    Raises
    ------
    ParameterError
        If ``month`` has no audits.
    """
    from rca.ingest.validate import validate_file
    from rca.text.clean import clean_series
    from rca.text.redact import redact_series

    say = _progress if verbose else (lambda _m: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    counts: dict[str, dict[str, int]] = {}
    tables: dict[str, pd.DataFrame] = {}
    t0 = time.perf_counter()
    mapping_files = check_mappings(mappings)
    for kind, path in find_inputs(data_dir).items():
        result = validate_file(
            path, kind, mapping=mapping_files.get(kind), quarantine_dir=out / "quarantine"
        )
        df = result.data.copy()
        for col in TEXT_COLUMNS[kind]:
            if col in df.columns:
                df[col] = redact_series(clean_series(df[col]))
        tables[kind] = df
        counts[kind] = {"rows": result.n_rows, "valid": result.n_valid,
                        "quarantined": result.n_quarantined}  # fmt: skip
        say(f"{kind}: {result.n_valid:,} valid rows, {result.n_quarantined:,} quarantined")
    timings["validate_redact_s"] = time.perf_counter() - t0
    if month is not None:
        _check_month(tables["audits"], month)
    report_month = month or _months(tables["audits"])[-1]
    later: dict[str, int] = {}
    for kind, df in tables.items():  # nothing after the report month: not even in the themes
        tables[kind] = until_month_end(df, kind, report_month).copy()
        later[kind] = len(df) - len(tables[kind])

    t1 = time.perf_counter()
    curation_file = Path(curation) if curation else None
    themed: dict[str, Themes] = {}
    for kind, col in (("audits", "comment"), ("feedback", "text")):
        if kind not in tables:
            continue
        _add_languages(tables[kind], col)
        say(f"themes: {kind} ({embedder})")
        themed[kind] = _add_themes(
            tables[kind], col, embedder=embedder, n_themes=n_themes, seed=seed,
            curation=curation_file if kind == "audits" else None,
        )  # fmt: skip
        found = themed[kind]
        n_found = int((found.theme_info["theme_id"] >= 0).sum())
        say(f"themes: {kind}: {n_found} themes ({found.model.backend_}), "
            f"{found.model.outlier_share_:.1%} unassigned")  # fmt: skip
        for line in found.unmatched_curation:
            say(f"curation not applied: {line}")
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
        found.theme_info.to_parquet(out / f"{stem}_themes.parquet", index=False)
        if kind != "ai_labels":  # the notes' model is not reused: its theme table is enough
            found.model.save(out / f"{stem}_model")
    months = _months(audits)
    info = {
        "data_dir": str(Path(data_dir).resolve()),
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
        "timings": timings,
    }
    (out / "workspace.json").write_text(json.dumps(info, indent=2, sort_keys=True))
    return Workspace(out)
