"""Writing the sample files deterministically: canonical CSVs, the known issues, JSON.

Cells are formatted here, not by pandas: ISO dates, ``true``/``false``, fixed decimals, empty
cells for missing values; so the bytes depend on the data alone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from rca.ingest.schemas import SCHEMAS
from rca.sample.compose import Row
from rca.sample.vocab import KNOWN_ISSUES

__all__ = ["FLOAT_FORMATS", "format_cell", "write_csv", "write_json", "write_known_issues"]

#: Float format per column name; others use one decimal.
FLOAT_FORMATS: dict[str, str] = {"rating": "{:.0f}", "score": "{:.1f}"}


def format_cell(value: Any, kind: str, column: str) -> str | None:
    """Format one value as its CSV text (None for an empty cell).

    Parameters
    ----------
    value
        The Python value (str, date, bool, float, int or None).
    kind
        Logical type from `rca.ingest.schemas.Field.type`.
    column
        Column name, to pick the float format.
    """
    if value is None or value == "":
        return None
    if kind == "date":
        return str(value.isoformat())
    if kind == "bool":
        return "true" if value else "false"
    if kind == "float":
        return FLOAT_FORMATS.get(column, "{:.1f}").format(float(value))
    if kind == "int":
        return str(int(value))
    return str(value)


def _write_frame(columns: dict[str, list[str | None]], path: Path) -> None:
    frame = pd.DataFrame(columns, dtype="object")
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8", na_rep="")


def write_csv(rows: Sequence[Row], kind: str, path: Path) -> int:
    """Write ``rows`` of input kind ``kind`` with all canonical columns, in schema order.

    Returns
    -------
    int
        Number of data rows written.
    """
    columns = {
        f.name: [format_cell(row.get(f.name), f.type, f.name) for row in rows]
        for f in SCHEMAS[kind]
    }
    _write_frame(columns, path)
    return len(rows)


def write_known_issues(path: Path) -> int:
    """Write known_issues.csv (``id,title,keywords``; keywords ``;``-separated)."""
    columns: dict[str, list[str | None]] = {
        "id": [k.id for k in KNOWN_ISSUES],
        "title": [k.title for k in KNOWN_ISSUES],
        "keywords": [";".join(k.keywords) for k in KNOWN_ISSUES],
    }
    _write_frame(columns, path)
    return len(KNOWN_ISSUES)


def write_json(data: dict[str, Any], path: Path) -> None:
    """Write ``data`` as indented UTF-8 JSON with a final newline (keys in insertion order)."""
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
