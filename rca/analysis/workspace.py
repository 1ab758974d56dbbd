"""A month's workspace: validated, redacted inputs plus their themes, written once, read by reports.

`prepare_workspace` is the one place where raw exports become report-ready tables:
load -> validate (quarantine bad rows) -> clean and redact free text -> themes. Reports only read
the workspace (`Workspace`), so every report of a month shows the same numbers.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from rca.core.errors import InputError, ParameterError
from rca.ingest.inputs import find_inputs
from rca.ingest.schemas import KINDS, TEXT_COLUMNS

if TYPE_CHECKING:
    from rca.themes.find import Themes

__all__ = ["Workspace", "check_mappings", "parse_mappings", "prepare_workspace"]


@dataclass(frozen=True)
class Workspace:
    """Read access to a prepared month (see `prepare_workspace`)."""

    path: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))
        if not (self.path / "workspace.json").exists():
            raise InputError(
                self.path, "not a workspace folder (no workspace.json); run the analysis first"
            )

    def table(self, kind: str) -> pd.DataFrame:
        """Return the validated, redacted table of ``kind`` (empty if the input was absent)."""
        file = self.path / f"{kind}.parquet"
        return pd.read_parquet(file) if file.exists() else pd.DataFrame()

    def audits(self) -> pd.DataFrame:
        """Return audits with their theme columns ``theme_id``, ``theme_label``, ``confidence``."""
        return self.table("audits")

    def themes(self, kind: str = "audits") -> pd.DataFrame:
        """Return one row per theme of audit comments (or ``kind="feedback"`` texts)."""
        file = self.path / f"{kind.rstrip('s')}_themes.parquet"
        if not file.exists():
            return pd.DataFrame()
        info = pd.read_parquet(file)
        if "examples" in info:  # Parquet gives arrays back; callers expect lists of str
            info["examples"] = info["examples"].map(lambda ex: [str(e) for e in ex])
        return info

    @property
    def info(self) -> dict[str, Any]:
        """Return what was prepared: months, counts, quarantine, embedder, seed, timings."""
        return json.loads((self.path / "workspace.json").read_text())

    @property
    def latest_month(self) -> str:
        """Return the latest month present in the audits (YYYY-MM)."""
        return str(self.info["months"][-1])

    def resolve_month(self, month: str | None) -> tuple[str, str | None]:
        """Return ``(month, previous month with data or None)``; ``None`` means the latest.

        Raises
        ------
        ParameterError
            If there are no audits in ``month``.
        """
        months = list(self.info["months"])
        month = month or months[-1]
        if month not in months:
            raise ParameterError(
                f"month {month}: no audits in that month; months in the data: {', '.join(months)}"
            )
        i = months.index(month)
        return month, (months[i - 1] if i > 0 else None)


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
    where a row has no text.
    """
    from rca.themes.find import find_themes

    texts = df[column].fillna("").astype(str) if column in df else pd.Series("", index=df.index)
    has_text = (texts.str.strip().str.len() > 0).to_numpy()
    themes = find_themes(
        texts[has_text].tolist(), embedder=embedder, n_themes=n_themes, seed=seed,
        curation=curation if curation and curation.exists() else None,
    )  # fmt: skip
    assigned = themes.assignments()
    assigned.index = df.index[has_text]
    df["theme_id"] = assigned["theme_id"].astype("Int64").reindex(df.index)
    for col in ("theme_label", "root_cause", "confidence"):
        df[col] = assigned[col].reindex(df.index)
    return themes


def _months(audits: pd.DataFrame) -> list[str]:
    return sorted(audits["audit_date"].dt.strftime("%Y-%m").dropna().unique().tolist())


def _check_month(audits: pd.DataFrame, month: str) -> None:
    """Raise `ParameterError` unless ``month`` has audits and an earlier month to compare with."""
    months = _months(audits)
    if month not in months:
        raise ParameterError(
            f"month {month}: no audits in that month; months in the data: {', '.join(months)}"
        )
    if months.index(month) == 0:
        raise ParameterError(f"month {month}: no earlier month in the data to compare with")


def check_mappings(mappings: Mapping[str, str | Path] | None) -> dict[str, Path]:
    """Return ``{kind: mapping file}`` after checking every kind and file.

    Raises
    ------
    ParameterError
        For a kind that is not an input kind (audits, feedback, calibration, ai_labels).
    InputError
        For a mapping file that does not exist.
    """
    checked: dict[str, Path] = {}
    for kind, file in (mappings or {}).items():
        if kind not in KINDS:
            raise ParameterError(f"mapping for {kind!r}: expected one of {', '.join(KINDS)}")
        path = Path(file)
        if not path.is_file():
            raise InputError(path, f"mapping file for {kind} not found")
        checked[kind] = path
    return checked


def parse_mappings(items: Iterable[str]) -> dict[str, Path]:
    """Parse and check ``KIND=FILE`` items (the CLI's ``--mapping``); see `check_mappings`.

    Raises
    ------
    ParameterError
        For an item that is not ``KIND=FILE`` or names an unknown kind.
    InputError
        For a mapping file that does not exist.
    """
    pairs: dict[str, str] = {}
    for item in items:
        kind, sep, file = item.partition("=")
        if not sep or not kind.strip() or not file.strip():
            raise ParameterError(f"--mapping {item!r}: expected KIND=FILE, e.g. audits=vendor.yaml")
        pairs[kind.strip()] = file.strip()
    return check_mappings(pairs)


def _progress(message: str) -> None:
    from rich.console import Console

    Console(stderr=True).log(message)


def prepare_workspace(
    data_dir: str | Path,
    out_dir: str | Path,
    *,
    mappings: Mapping[str, str | Path] | None = None,
    embedder: str = "minilm",
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
        Embedding backend for the theme model.
    seed
        Random seed of the theme model.
    n_themes
        ``"auto"`` or a number of themes.
    curation
        Analysts' curation YAML (renames, merges, pinned causes); applied when it exists.
    verbose
        Log progress to stderr.
    month
        The month to be reported on, if known: checked right after validation (it must have
        audits and an earlier month to compare with), before the minutes of theme fitting.

    Returns
    -------
    Workspace
        The prepared workspace.

    Raises
    ------
    ParameterError
        If ``month`` has no audits or no earlier month with audits, or a mapping's kind is
        unknown.
    InputError
        If a mapping file is missing or invalid, or an export is unusable.
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

    t1 = time.perf_counter()
    curation_file = Path(curation) if curation else None
    themed: dict[str, Themes] = {}
    for kind, col in (("audits", "comment"), ("feedback", "text")):
        if kind not in tables:
            continue
        say(f"themes: {kind} ({embedder})")
        themed[kind] = _add_themes(
            tables[kind], col, embedder=embedder, n_themes=n_themes, seed=seed,
            curation=curation_file if kind == "audits" else None,
        )  # fmt: skip
        found = themed[kind]
        n_themes = int((found.theme_info["theme_id"] >= 0).sum())
        say(f"themes: {kind}: {n_themes} themes, {found.model.outlier_share_:.1%} unassigned")
        for line in found.unmatched_curation:
            say(f"curation not applied: {line}")
    audits = tables["audits"]
    themes = themed["audits"]
    model = themes.model
    timings["topics_s"] = time.perf_counter() - t1

    for kind, df in tables.items():
        df.to_parquet(out / f"{kind}.parquet", index=False)
    for kind, found in themed.items():
        stem = kind.rstrip("s")
        found.theme_info.to_parquet(out / f"{stem}_themes.parquet", index=False)
        found.model.save(out / f"{stem}_model")
    months = _months(audits)
    info = {
        "data_dir": str(Path(data_dir).resolve()),
        "months": months,
        "counts": counts,
        "embedder": model.embedder_name_,
        "embedder_backend": str(embedder),
        "seed": seed,
        "n_themes": int((themes.theme_info["theme_id"] >= 0).sum()),
        "outlier_share": model.outlier_share_,
        "curation": str(curation_file.resolve()) if curation_file else None,
        "mappings": {kind: str(path.resolve()) for kind, path in mapping_files.items()},
        "timings": timings,
    }
    (out / "workspace.json").write_text(json.dumps(info, indent=2, sort_keys=True))
    return Workspace(out)
