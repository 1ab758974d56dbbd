"""The stored rows of each input kind: months from the date columns, keys of the themed texts.

A stored row is the validated, cleaned, redacted row as `rca.analysis.intake.read_exports`
gives it, plus ``month`` (from the kind's date column, `DATE_COLUMNS`), ``ingest_id``,
``ordinal`` (its position in the export, which keeps the order of rows on read stable) and, for
the themed text columns, ``language`` and ``text_key`` (`rca.text.keys.text_key`; NULL where
there is no text).
"""

from __future__ import annotations

from typing import Any, cast

import pandas as pd

from rca.ingest.row_checks import DTYPES
from rca.ingest.schemas import SCHEMAS
from rca.store.schema import THEMED_COLUMNS
from rca.text.keys import text_key

__all__ = ["DATE_COLUMNS", "LANGUAGE_COLUMN", "row_months", "stored_frame", "typed_frame"]

#: The date column of each input kind: where a row sits in time.
DATE_COLUMNS: dict[str, str] = {
    "audits": "audit_date", "feedback": "date", "calibration": "session_date", "ai_labels": "date",
}  # fmt: skip
#: Column holding the detected language of a themed text (audits' comment, feedback's text).
LANGUAGE_COLUMN = "language"


def row_months(df: pd.DataFrame, kind: str) -> pd.Series:
    """Return each row's ``YYYY-MM`` from the kind's date column (NA where undated)."""
    column = DATE_COLUMNS[kind]
    if column not in df or df.empty:
        return pd.Series(pd.NA, index=df.index, dtype="string")
    return pd.to_datetime(df[column]).dt.strftime("%Y-%m").astype("string")


def stored_frame(df: pd.DataFrame, kind: str, *, ingest_id: int, month: pd.Series) -> pd.DataFrame:
    """Return ``df`` as the columns of its ``rows_<kind>`` table, in table order.

    ``month`` gives each row's month (aligned on ``df``); the ordinal is the row's position.
    """
    out = pd.DataFrame(index=range(len(df)))
    out["month"] = month.to_numpy(dtype=object)
    out["ingest_id"] = ingest_id
    out["ordinal"] = range(len(df))
    for field in SCHEMAS[kind]:
        values = df[field.name] if field.name in df else pd.Series(pd.NA, index=df.index)
        out[field.name] = values.astype(cast(Any, DTYPES[field.type])).to_numpy()
    themed = THEMED_COLUMNS.get(kind)
    if themed is not None:
        language = df[LANGUAGE_COLUMN] if LANGUAGE_COLUMN in df else pd.Series(pd.NA, df.index)
        out[LANGUAGE_COLUMN] = language.astype("string").to_numpy()
        texts = out[themed]
        has_text = texts.notna() & (texts.astype("string").str.len() > 0)
        keys = pd.Series(pd.NA, index=out.index, dtype="string")
        keys[has_text] = [text_key(t) for t in texts[has_text]]
        out["text_key"] = keys
    return out


def typed_frame(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Give rows read back from the store the dtypes validation gives (`DTYPES`)."""
    for field in SCHEMAS[kind]:
        if field.name in df:
            df[field.name] = df[field.name].astype(cast(Any, DTYPES[field.type]))
    if LANGUAGE_COLUMN in df:
        df[LANGUAGE_COLUMN] = df[LANGUAGE_COLUMN].astype("string")
    return df.reset_index(drop=True)
