"""Replacing whole months of rows in one transaction (`Store.replace_months`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from rca.core.errors import ParameterError
from rca.store.rows import row_months, stored_frame
from rca.store.schema import ROW_KINDS, row_table
from rca.store.summary import IngestSummary

__all__ = ["insert_rows", "replace_months"]


def insert_rows(con: Any, kind: str, frame: pd.DataFrame) -> None:
    """Insert ``frame`` (columns of ``rows_<kind>``) into its table: DuckDB reads the frame."""
    con.register("_rows_frame", frame)
    try:
        con.execute(f"INSERT INTO {row_table(kind)} BY NAME SELECT * FROM _rows_frame")
    finally:
        con.unregister("_rows_frame")


def _stored_months(con: Any) -> list[str]:
    rows = con.execute("SELECT DISTINCT month FROM month_kinds ORDER BY month").fetchall()
    return [str(r[0]) for r in rows]


def replace_months(
    con: Any,
    tables: Mapping[str, pd.DataFrame],
    *,
    source: str,
    files: Mapping[str, str],
    counts: Mapping[str, Mapping[str, int]],
    months: Sequence[str] | None = None,
    reasons: Mapping[str, Sequence[str]] | None = None,
) -> IngestSummary:
    """Replace ``months`` whole with the rows of ``tables`` (see `rca.store.Store.replace_months`).

    The caller opens and closes the transaction.
    """
    unknown = sorted(set(tables) - set(ROW_KINDS))
    if unknown:
        raise ParameterError(f"kinds {unknown}: expected {', '.join(ROW_KINDS)}")
    if "audits" not in tables:
        raise ParameterError("an ingest needs the audits: they say which months it holds")
    month_of = {kind: row_months(df, kind) for kind, df in tables.items()}
    held = sorted(month_of["audits"].dropna().unique().tolist())
    chosen = sorted(set(months)) if months is not None else held
    missing = [m for m in chosen if m not in held]
    if missing or not chosen:
        raise ParameterError(
            f"month {', '.join(missing) or '(none)'}: the audits hold no rows in it; months "
            f"in the audits: {', '.join(held) or 'none'}"
        )
    before = _stored_months(con)
    replaced = [m for m in chosen if m in before]
    ingest_id = int(con.execute("SELECT nextval('ingest_ids')").fetchone()[0])
    placeholders = ", ".join("?" for _ in chosen)
    for kind in ROW_KINDS:
        con.execute(f"DELETE FROM {row_table(kind)} WHERE month IN ({placeholders})", chosen)
    con.execute(f"DELETE FROM month_kinds WHERE month IN ({placeholders})", chosen)
    stored: dict[str, int] = {}
    left_out: dict[str, int] = {}
    for kind in ROW_KINDS:
        if kind not in tables:
            continue
        df = tables[kind]
        month = month_of[kind].fillna(chosen[-1])  # undated rows belong to the latest month
        keep = month.isin(chosen).to_numpy()
        frame = stored_frame(df[keep], kind, ingest_id=ingest_id, month=month[keep])
        insert_rows(con, kind, frame)
        stored[kind] = len(frame)
        left_out[kind] = int((~keep).sum())
        per_month = frame.groupby("month").size()
        quarantined = int(counts.get(kind, {}).get("quarantined", 0))
        for m in chosen:  # quarantined rows have no trusted date: counted in the latest month
            valid = int(per_month.get(m, 0))
            bad = quarantined if m == chosen[-1] else 0
            con.execute(
                "INSERT INTO month_kinds VALUES (?, ?, ?, ?, ?, ?)",
                [m, kind, ingest_id, valid + bad, valid, bad],
            )
        con.execute(
            "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?)",
            [ingest_id, kind, files.get(kind), quarantined,
             "; ".join((reasons or {}).get(kind, ()))],
        )  # fmt: skip
    con.execute(
        "INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?)",
        [ingest_id, datetime.now(UTC).replace(tzinfo=None), source, json.dumps(dict(files)),
         json.dumps(chosen), json.dumps(stored), json.dumps(left_out)],
    )  # fmt: skip
    runs = con.execute(
        "SELECT DISTINCT month FROM runs WHERE month >= ? ORDER BY month", [chosen[0]]
    ).fetchall()
    return IngestSummary(
        months=chosen,
        replaced=replaced,
        rows=stored,
        left_out=left_out,
        later_than_stored=not before or chosen[0] > before[-1],
        stale_runs=[str(r[0]) for r in runs],
    )
