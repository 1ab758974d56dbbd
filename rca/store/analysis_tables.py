"""Every analysis table of every run: ``analysis_<name>``, one DuckDB table per name.

Each table has ``run_id`` first and ``_ordinal`` (the row's position) second, then the union of
the columns its runs wrote (a run that adds a column adds it to the table). Object columns that
are not plain text (lists, dicts, mixed values) are stored as JSON text; ``analysis_columns``
records each run's columns with their pandas dtype and encoding, so `read_analysis` gives back
the frame that was written.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

import numpy as np
import pandas as pd

from rca.core.errors import ParameterError

__all__ = ["analysis_table", "read_analysis", "write_analysis"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def analysis_table(name: str) -> str:
    """Return the DuckDB table of analysis table ``name`` (``analysis_<name>``)."""
    if not _NAME.match(name):
        raise ParameterError(f"analysis table {name!r}: use letters, digits and underscores")
    return f"analysis_{name}"


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _is_text(values: pd.Series) -> bool:
    present = values.dropna()
    return bool(present.map(lambda v: isinstance(v, str)).all())


def _encode(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, tuple[str, str]]]:
    """Return ``df`` ready for DuckDB and ``{column: (dtype, encoding)}``."""
    out = pd.DataFrame(index=range(len(df)))
    kinds: dict[str, tuple[str, str]] = {}
    for col in df.columns:
        values = df[col].reset_index(drop=True)
        dtype = str(values.dtype)
        if values.dtype == object and not _is_text(values):
            out[str(col)] = [
                None
                if v is None or (np.ndim(v) == 0 and pd.isna(v))
                else json.dumps(_plain(v), default=str)
                for v in values
            ]
            kinds[str(col)] = (dtype, "json")
        elif values.dtype == object:
            out[str(col)] = values.astype("string")
            kinds[str(col)] = (dtype, "native")
        else:
            out[str(col)] = values
            kinds[str(col)] = (dtype, "native")
    return out.copy(deep=True), kinds  # a copy: DuckDB cannot scan reversed (strided) views


def _existing_columns(con: Any, table: str) -> dict[str, str]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
        "ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return {str(name): str(kind) for name, kind in rows}


def write_analysis(con: Any, run_id: int, name: str, df: pd.DataFrame) -> None:
    """Write ``df`` as run ``run_id``'s table ``name`` (replacing that run's earlier rows).

    Runs inside the caller's transaction.
    """
    table = analysis_table(name)
    if {"run_id", "_ordinal"} & {str(c) for c in df.columns}:
        raise ParameterError(
            f"analysis table {name!r}: columns 'run_id' and '_ordinal' are the store's own"
        )
    encoded, kinds = _encode(df)
    encoded.insert(0, "run_id", np.int64(run_id))
    encoded.insert(1, "_ordinal", np.arange(len(encoded), dtype=np.int64))
    con.register("_analysis_frame", encoded)
    try:
        existing = _existing_columns(con, table)
        if not existing:
            con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM _analysis_frame LIMIT 0')
            existing = _existing_columns(con, table)
        described = con.execute("DESCRIBE SELECT * FROM _analysis_frame").fetchall()
        for column, sql_type, *_ in described:
            if column not in existing:
                con.execute(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {sql_type}')
        con.execute(f'DELETE FROM "{table}" WHERE run_id = ?', [run_id])
        con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _analysis_frame')
    finally:
        con.unregister("_analysis_frame")
    con.execute("DELETE FROM analysis_columns WHERE table_name = ? AND run_id = ?", [table, run_id])
    if not kinds:  # a table without columns (an empty table with no reason to have any)
        return
    con.executemany(
        "INSERT INTO analysis_columns VALUES (?, ?, ?, ?, ?, ?)",
        [
            [table, run_id, i, col, dtype, enc]
            for i, (col, (dtype, enc)) in enumerate(kinds.items())
        ],
    )


def read_analysis(con: Any, name: str, run_id: int) -> pd.DataFrame:
    """Return run ``run_id``'s table ``name`` as written (empty frame if it wrote none).

    Rows come back in the order written (DuckDB keeps insertion order of a table scan).
    """
    table = analysis_table(name)
    kinds = {
        column: (dtype, encoding)
        for column, dtype, encoding in con.execute(
            "SELECT column_name, dtype, encoding FROM analysis_columns "
            "WHERE table_name = ? AND run_id = ? ORDER BY position",
            [table, run_id],
        ).fetchall()
    }
    if not kinds:
        return pd.DataFrame()
    columns = ", ".join(f'"{c}"' for c in kinds)
    df = con.execute(
        f'SELECT {columns} FROM "{table}" WHERE run_id = ? ORDER BY _ordinal', [run_id]
    ).df()
    for col in list(df.columns):
        dtype, encoding = kinds.get(col, ("", "native"))
        if encoding == "json":
            df[col] = pd.Series(
                [None if not isinstance(v, str) else json.loads(v) for v in df[col]],
                dtype=object,
            )
        elif dtype == "object":
            df[col] = df[col].astype(object).where(df[col].notna(), None)
        elif dtype:
            with contextlib.suppress(TypeError, ValueError):  # else keep what DuckDB gives
                df[col] = df[col].astype(dtype)
    return df
