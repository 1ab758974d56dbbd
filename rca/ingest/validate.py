"""Validate an input table against its kind's schema; quarantine bad rows, keep the good ones.

Steps: read (`rca.ingest.readers.read_table`, all strings), map
(`rca.ingest.columns.apply_mapping`), check the structure, then run the row checks of
`rca.ingest.row_checks`: parse each column explicitly, then run the pandera schema built from
`rca.ingest.schemas` with ``lazy=True`` so that every failure is collected at once. This module
gathers their issues into a `ValidationResult`, the quarantine and the refusal message.

Values are parsed explicitly by `rca.ingest.columns.parse_values` (ISO dates unless the mapping says
day-first or gives a format; decimal point unless it says ``decimal: ","``; yes/no words for
booleans; only empty or blank cells are missing). Audits need ``score`` or ``passed``; where
``passed`` is absent or empty it is derived as ``score >= pass_mark`` (85 unless the mapping sets
``pass_mark``), and a row with neither is invalid.

Structural problems raise `rca.core.errors.InputError`. Row problems (unparseable, empty required,
out of range, not allowed, duplicate id: the first occurrence is kept) send the row to the
quarantine with all its reasons, and the other rows go on. If more than ``max_invalid_share`` of
the rows are invalid, the file is refused instead: that is nearly always a wrong mapping.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from rca.core.errors import InputError
from rca.ingest.columns import Mapping, apply_mapping, load_mapping
from rca.ingest.readers import read_table
from rca.ingest.row_checks import (
    RowIssue,
    derive_passed,
    expected_text,
    outcome_issues,
    parse_columns,
    problem_text,
    schema_issues,
)
from rca.ingest.schemas import SCHEMAS

__all__ = ["ValidationResult", "validate_file", "validate_frame"]


@dataclass
class ValidationResult:
    """What `validate_frame` / `validate_file` found.

    Attributes
    ----------
    kind, source
        The input kind and the file (or ``"<frame>"``).
    data
        Valid rows: every canonical column in schema order, typed (see
        `rca.ingest.row_checks.DTYPES`); the index is the row number in the file.
    quarantined
        Invalid rows with their original values, after columns ``_row``, ``_column`` (the
        columns at fault, ``"; "``-joined) and ``_reason`` (every reason, ``"; "``-joined).
    quarantine_path
        Where the quarantined rows were written, or None.
    n_rows, n_valid, n_quarantined
        Row counts; ``n_valid + n_quarantined == n_rows``.
    problems
        One line per column and kind of problem, e.g.
        ``"column 'score': 3 rows out of range 0-100 (rows 4, 9, 17)"``.
    encoding
        Encoding of a text file, None for Excel and Parquet.
    notes
        Other facts worth telling (derived columns, columns not used, blank rows skipped).
    """

    kind: str
    source: str
    data: pd.DataFrame
    quarantined: pd.DataFrame
    quarantine_path: Path | None
    n_rows: int
    n_valid: int
    n_quarantined: int
    problems: list[str]
    encoding: str | None
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Return a few lines for the command line: counts, problems, quarantine, notes."""
        encoding = f", encoding {self.encoding}" if self.encoding else ""
        lines = [
            f"{self.source}: {self.n_rows} {self.kind} rows, {self.n_valid} valid, "
            f"{self.n_quarantined} quarantined{encoding}"
        ]
        lines += [f"  {p}" for p in self.problems]
        if self.quarantine_path is not None:
            lines.append(f"  quarantined rows written to {self.quarantine_path}")
        elif self.n_quarantined:
            lines.append("  quarantined rows not written (give a quarantine folder to keep them)")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def validate_file(
    path: str | Path,
    kind: str,
    *,
    mapping: Mapping | str | Path | None = None,
    quarantine_dir: str | Path | None = None,
    max_invalid_share: float = 0.5,
    encoding: str | None = None,
) -> ValidationResult:
    """Read, map and validate one input file; write its invalid rows to a quarantine CSV.

    Parameters
    ----------
    path
        The input file (CSV, Excel, Parquet, JSON Lines: see `rca.ingest.readers.read_table`).
    kind
        One of `rca.ingest.schemas.KINDS`.
    mapping
        A `Mapping`, or the path of a YAML mapping file; None when the file already uses the
        canonical column names.
    quarantine_dir
        Folder for ``<file stem>.<kind>.quarantine.csv`` (UTF-8 with BOM, for Excel), written
        only when some rows are quarantined. None writes nothing. The rows keep their original,
        unredacted values so the export can be fixed: give a private folder (``rca`` uses its
        working area, e.g. ``outputs/.work/``), never a shared one.
    max_invalid_share
        Largest share of invalid rows accepted before the whole file is refused.
    encoding
        Text encoding to use instead of detection (overrides the mapping's).

    Returns
    -------
    ValidationResult

    Raises
    ------
    InputError
        Unreadable file, missing required column, or too many invalid rows (one line naming the
        file, the worst column, its first rows and what was expected).
    """
    path = Path(path)
    if isinstance(mapping, str | Path):
        mapping = load_mapping(mapping)
    _check_kind(mapping, kind)
    read = mapping or Mapping(kind)
    df = read_table(
        path, sheet=read.sheet, encoding=encoding or read.encoding, delimiter=read.delimiter
    )
    result = validate_frame(
        df, kind, source=str(path), mapping=mapping, max_invalid_share=max_invalid_share
    )
    if quarantine_dir is not None and result.n_quarantined:
        folder = Path(quarantine_dir)
        folder.mkdir(parents=True, exist_ok=True)
        result.quarantine_path = folder / f"{path.stem}.{kind}.quarantine.csv"
        result.quarantined.to_csv(result.quarantine_path, index=False, encoding="utf-8-sig")
    return result


def validate_frame(
    df: pd.DataFrame,
    kind: str,
    *,
    source: str = "<frame>",
    mapping: Mapping | None = None,
    max_invalid_share: float = 0.5,
) -> ValidationResult:
    """Validate a frame of strings (as `rca.ingest.readers.read_table` returns) against ``kind``.

    Parameters
    ----------
    df
        String cells. A unique integer index is taken as the row numbers shown in messages;
        any other index is replaced by 2, 3, ... (the header being row 1).
    kind
        One of `rca.ingest.schemas.KINDS`.
    source
        Name used in messages (the file).
    mapping
        Column mapping to apply first; None keeps the canonically named columns.
    max_invalid_share
        Largest share of invalid rows accepted before the whole frame is refused.

    Returns
    -------
    ValidationResult
        With ``quarantine_path`` None: `validate_file` writes the quarantine.

    Raises
    ------
    InputError
        No rows, a required column missing, or more than ``max_invalid_share`` rows invalid.
    """
    _check_kind(mapping, kind)
    mapping = mapping or Mapping(kind)
    if df.empty:
        raise InputError(source, "no data rows")
    if not (df.index.is_unique and pd.api.types.is_integer_dtype(df.index)):
        df = df.set_axis(pd.RangeIndex(2, len(df) + 2, name="row"))  # as a spreadsheet numbers
    canon = apply_mapping(df, mapping, source=source)
    typed, issues = parse_columns(canon, kind, mapping)
    notes = derive_passed(typed, canon, mapping)
    issues += schema_issues(typed, kind, {(i.row, i.column) for i in issues})
    issues += outcome_issues(typed, kind, {i.row for i in issues})
    specs = {f.name: f for f in SCHEMAS[kind]}
    order = list(specs)
    issues.sort(key=lambda i: (i.row, order.index(i.column)))
    groups = dict(sorted(_group(issues).items(), key=lambda kv: order.index(kv[0][0])))
    n_bad = len({i.row for i in issues})
    if n_bad > max_invalid_share * len(df):
        worst = max(groups, key=lambda key: len(groups[key]))
        values = [str(v).strip() for v in canon.loc[groups[worst][:50], worst[0]]]
        vendor = canon.attrs.get("vendor_columns", {}).get(worst[0], worst[0])
        raise InputError(
            source,
            f"{n_bad} of {len(df)} rows invalid (more than {max_invalid_share:.0%}); worst: "
            f"{len(groups[worst])} rows {problem_text(worst[1], specs[worst[0]])}"
            + (f" (file column '{vendor}')" if vendor != worst[0] else "")
            + f"; {expected_text(worst[1], specs[worst[0]], mapping, values)}",
            column=worst[0],
            rows=groups[worst],
        )
    return ValidationResult(
        kind=kind,
        source=source,
        data=typed.drop(index=list({i.row: None for i in issues})),
        quarantined=_quarantine(df, issues),
        quarantine_path=None,
        n_rows=len(df),
        n_valid=len(df) - n_bad,
        n_quarantined=n_bad,
        problems=[
            f"column '{col}': {len(rows)} row{'s' if len(rows) > 1 else ''} "
            f"{problem_text(check, specs[col])} ({_rows_text(rows)})"
            for (col, check), rows in groups.items()
        ],
        encoding=df.attrs.get("encoding"),
        notes=notes + _file_notes(canon, kind),
    )


def _check_kind(mapping: Mapping | None, kind: str) -> None:
    Mapping(kind)  # refuses an unknown kind
    if mapping is not None and mapping.kind != kind:
        raise InputError(mapping.source, f"mapping is for kind '{mapping.kind}', not '{kind}'")


def _quarantine(df: pd.DataFrame, issues: list[RowIssue]) -> pd.DataFrame:
    """Invalid rows with their original values, after ``_row``, ``_column`` and ``_reason``."""
    by_row: dict[int, list[RowIssue]] = defaultdict(list)
    for issue in issues:
        by_row[issue.row].append(issue)
    rows = df.loc[list(by_row)].drop(columns=_QUARANTINE_COLUMNS, errors="ignore")
    front = pd.DataFrame(
        {
            "_row": list(by_row),
            "_column": ["; ".join(dict.fromkeys(i.column for i in v)) for v in by_row.values()],
            "_reason": ["; ".join(f"{i.column}: {i.reason}" for i in v) for v in by_row.values()],
        },
        index=rows.index,
    )
    return pd.concat([front, rows], axis=1)


def _group(issues: list[RowIssue]) -> dict[tuple[str, str], list[int]]:
    """Rows per (column, check), each list in row order."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for issue in issues:
        groups[(issue.column, issue.check)].append(issue.row)
    return dict(groups)


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


def _file_notes(canon: pd.DataFrame, kind: str) -> list[str]:
    """List columns not used, optional columns absent and blank rows skipped."""
    notes = []
    ignored = canon.attrs.get("ignored_columns") or []
    if ignored:
        notes.append("columns not used: " + ", ".join(map(str, ignored)))
    derived = {"passed"} if kind == "audits" and "score" in canon.columns else set()
    absent = [f.name for f in SCHEMAS[kind] if f.name not in {*canon.columns, *derived}]
    if absent:
        notes.append("optional columns not in the file (left empty): " + ", ".join(absent))
    if canon.attrs.get("blank_rows"):
        notes.append(f"{canon.attrs['blank_rows']} blank rows skipped")
    return notes


_QUARANTINE_COLUMNS = ["_row", "_column", "_reason"]
