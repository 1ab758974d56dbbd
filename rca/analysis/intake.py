"""From a folder of exports to validated, redacted rows: `read_exports`, and into the store.

`read_exports` is the one place where raw exports become rows the rest of ``rca`` may read:
load -> validate (bad rows to the quarantine file, never further) -> clean and redact the free
text -> language of each auditor's comment and feedback text (column ``language``).
`rca.analysis.prepare.prepare_workspace` themes its result; `ingest_exports` stores it as whole
months in the history store (`rca.store.Store`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from rca.core.argument_checks import check_month
from rca.core.errors import ParameterError
from rca.ingest.inputs import check_mappings, find_inputs
from rca.ingest.schemas import TEXT_COLUMNS
from rca.store import LANGUAGE_COLUMN, IngestSummary, Store
from rca.store.rows import row_months

__all__ = [
    "Exports",
    "add_languages",
    "file_sha256",
    "ingest_exports",
    "log_progress",
    "read_exports",
]


@dataclass(frozen=True)
class Exports:
    """A folder of exports, validated, cleaned and redacted.

    Attributes
    ----------
    tables
        ``{kind: valid rows}`` (audits and feedback with ``language``).
    counts
        ``{kind: {rows, valid, quarantined}}``.
    files
        ``{kind: sha256 of the file}``.
    source
        The folder, resolved.
    problems
        ``{kind: the validation's problem lines}`` (counts and row numbers, never values).
    mappings
        ``{kind: mapping file}`` used.
    """

    tables: dict[str, pd.DataFrame]
    counts: dict[str, dict[str, int]]
    files: dict[str, str]
    source: str
    problems: dict[str, list[str]] = field(default_factory=dict)
    mappings: dict[str, Path] = field(default_factory=dict)

    def months(self) -> list[str]:
        """Return the months the audits hold (sorted ``YYYY-MM``)."""
        months = row_months(self.tables["audits"], "audits").dropna().unique().tolist()
        return sorted(str(m) for m in months)


def file_sha256(path: str | Path) -> str:
    """Return the SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def log_progress(message: str) -> None:
    """Log one line of progress to stderr (rich, with the time)."""
    from rich.console import Console

    Console(stderr=True).log(message)


def _add_languages(df: pd.DataFrame, column: str) -> None:
    """Add `LANGUAGE_COLUMN`: the detected language of ``df[column]`` (NA where no text)."""
    from rca.text.language import detect_languages

    texts = df[column].fillna("").astype(str) if column in df else pd.Series("", index=df.index)
    has_text = texts.str.strip().str.len() > 0
    found = pd.Series(detect_languages(texts[has_text].tolist()), index=df.index[has_text])
    df[LANGUAGE_COLUMN] = found.reindex(df.index).astype("string")


def add_languages(tables: Mapping[str, pd.DataFrame]) -> None:
    """Add `LANGUAGE_COLUMN` to the audits (of ``comment``) and feedback (of ``text``) in place."""
    for kind, col in (("audits", "comment"), ("feedback", "text")):
        if kind in tables:
            _add_languages(tables[kind], col)


def read_exports(
    data_dir: str | Path,
    *,
    mappings: Mapping[str, str | Path] | None = None,
    quarantine_dir: Path,
    verbose: bool = True,
    log: Callable[[str], None] | None = None,
    languages: bool = True,
) -> Exports:
    """Validate, clean and redact a folder of exports; detect the language of the themed texts.

    Parameters
    ----------
    data_dir
        Folder with ``audits.*`` and optionally ``feedback.*``, ``calibration.*``,
        ``ai_labels.*`` (any format and column mapping ``rca validate`` accepts).
    mappings
        ``{kind: YAML column mapping}`` for exports in a vendor's format.
    quarantine_dir
        Private folder for the quarantined rows (original values: fix the export, never share).
    verbose
        Log progress to stderr.
    log
        Where progress goes instead of stderr.
    languages
        Detect the languages (False leaves it to the caller: `add_languages`).

    Returns
    -------
    Exports
    """
    from rca.ingest.validate import validate_file
    from rca.text.clean import clean_series
    from rca.text.redact import redact_series

    say = log or (log_progress if verbose else (lambda _m: None))
    counts: dict[str, dict[str, int]] = {}
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    problems: dict[str, list[str]] = {}
    mapping_files = check_mappings(mappings)
    for kind, path in find_inputs(data_dir).items():
        result = validate_file(
            path, kind, mapping=mapping_files.get(kind), quarantine_dir=quarantine_dir
        )
        df = result.data.copy()
        for col in TEXT_COLUMNS[kind]:
            if col in df.columns:
                df[col] = redact_series(clean_series(df[col]))
        tables[kind] = df
        counts[kind] = {"rows": result.n_rows, "valid": result.n_valid,
                        "quarantined": result.n_quarantined}  # fmt: skip
        files[kind] = file_sha256(path)
        problems[kind] = list(result.problems)
        say(f"{kind}: {result.n_valid:,} valid rows, {result.n_quarantined:,} quarantined")
    if languages:
        add_languages(tables)
    return Exports(tables, counts, files, str(Path(data_dir).resolve()), problems, mapping_files)


def ingest_exports(
    data_dir: str | Path,
    store: str | Path,
    *,
    month: str | None = None,
    mappings: Mapping[str, str | Path] | None = None,
    quarantine_dir: Path | None = None,
    verbose: bool = True,
    only_new: bool = False,
) -> IngestSummary:
    """Store a folder of exports in the history store, month by month.

    Parameters
    ----------
    data_dir
        The exports (see `read_exports`).
    store
        The store file (created when missing).
    month
        The one month to store (``YYYY-MM``); rows of other months are left out. Default:
        every month the audits hold. Each stored month replaces what the store held for it.
    mappings
        ``{kind: YAML column mapping}``.
    quarantine_dir
        Folder for quarantined rows (default: ``quarantine/`` next to the store).
    verbose
        Log progress to stderr.
    only_new
        Store only the months the store does not hold yet, and ``month`` (what a monthly batch
        does with a full-history folder: earlier months keep what was ingested; replace one on
        purpose with ``month``). Nothing is stored when there is nothing new.

    Returns
    -------
    IngestSummary

    Raises
    ------
    ParameterError
        When ``month`` is not ``YYYY-MM`` or the audits hold no rows in it.
    """
    if month is not None:
        check_month("--month", month)
    store_path = Path(store)
    exports = read_exports(
        data_dir, mappings=mappings, verbose=verbose,
        quarantine_dir=quarantine_dir or store_path.parent / "quarantine", languages=False,
    )  # fmt: skip
    held = exports.months()
    if month is not None and month not in held:
        raise ParameterError(
            f"month {month}: no audits in that month; months in the data: "
            f"{', '.join(held) or 'none'}"
        )
    with Store(store_path) as opened:
        chosen = [month] if month else held
        if only_new:
            stored = set(opened.months())
            chosen = sorted({m for m in held if m not in stored} | ({month} if month else set()))
            if not chosen:
                return IngestSummary([], [], {}, later_than_stored=False)
        tables = exports.tables
        if chosen == held:
            add_languages(tables)
        else:  # languages only of the rows stored: detection is the slow part
            months = {k: row_months(df, k) for k, df in tables.items()}
            kept = {k: df[(months[k].isin(chosen) | months[k].isna()).to_numpy()].copy()
                    for k, df in tables.items()}  # fmt: skip
            add_languages(kept)
            for kind, df in kept.items():
                if LANGUAGE_COLUMN in df:
                    tables[kind][LANGUAGE_COLUMN] = df[LANGUAGE_COLUMN].reindex(tables[kind].index)
        return opened.replace_months(
            tables, source=exports.source, files=exports.files, counts=exports.counts,
            months=chosen, reasons=exports.problems,
        )  # fmt: skip
