"""Structured finding records: the frame every finding type's builder fills, and its helpers.

`findings_frame` assembles one type's findings (subject fields, effect, p, the family's q,
significance by the family rule, test, comparison, baseline counts, root cause, evidence); the
other functions read a table's columns defensively (a missing column gives NaN or a default).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from rca.findings.family import MIN_EFFECT
from rca.text.quotes import evidence_quotes

__all__ = ["column", "findings_frame", "flag", "listed", "text", "text_column"]


def findings_frame(
    kind: str, df: pd.DataFrame, *, key: Any, fields: dict[str, Any], effect: Any,
    harmful: Any, root_cause: str, test: Any, comparison: Any, min_effect: Any = None,
    baseline: tuple[Any, Any] = (np.nan, np.nan),
) -> pd.DataFrame:  # fmt: skip
    """Assemble one type's findings; p, q, root cause and evidence come from ``df`` if there.

    ``fields`` are the type's structured columns (subject, segment, metric, value, ...);
    ``effect`` the effect on the type's scale, ``harmful`` whether it points the harmful way;
    ``_key`` is what the finding id is hashed from. ``q`` is the family's (``family_q``, written
    by `rca.findings.family.build_family`) and a finding is significant when the family calls its
    row ``clear`` and the effect is harmful; an input ``significant`` column overrides that.
    """
    p, q = column(df, "p_value", "p"), column(df, "family_q", "q_value", "q")
    clear = df["clear"] if "clear" in df else pd.Series(False, index=df.index)
    significant = clear.fillna(False).astype(bool) & pd.Series(harmful, index=df.index).fillna(
        False
    ).astype(bool)
    if "significant" in df:
        significant = df["significant"].fillna(False).astype(bool)
    low = MIN_EFFECT.get(kind, np.nan) if min_effect is None else min_effect
    causes = df["root_cause"] if "root_cause" in df else pd.Series(root_cause, index=df.index)
    examples = df["examples"] if "examples" in df else pd.Series([[]] * len(df), index=df.index)
    ids = df["example_ids"] if "example_ids" in df else pd.Series([[]] * len(df), index=df.index)
    return pd.DataFrame(
        {
            "type": kind, "_key": key, **fields, "effect": effect, "p": p, "q": q,
            "significant": pd.Series(significant, index=df.index).fillna(False).astype(bool),
            "test": test, "min_effect": low, "comparison": comparison,
            "baseline_count": baseline[0], "baseline_n": baseline[1],
            "root_cause": causes.fillna(root_cause).astype(str),
            "evidence": [evidence_quotes(listed(e)) for e in examples],
            "evidence_ids": [[str(i) for i in listed(e)] for e in ids],
        },
        index=df.index,
    )  # fmt: skip


def listed(values: Any) -> list[Any]:
    """Return a list cell as a list (Parquet gives arrays back; a missing cell is empty)."""
    if values is None or isinstance(values, float | str):
        return [] if values is None or isinstance(values, float) else [values]
    return list(values)


def column(df: pd.DataFrame, *names: str) -> pd.Series:
    """Return the first of columns ``names`` that ``df`` has, as floats (NaN when none)."""
    for name in names:
        if name in df:
            return df[name].astype(float)
    return pd.Series(np.nan, index=df.index)


def text_column(df: pd.DataFrame, name: str, default: str) -> pd.Series:
    """Column ``name`` as text (``default`` where missing or when the column is absent)."""
    if name not in df:
        return pd.Series(default, index=df.index, dtype=object)
    return df[name].astype(object).where(df[name].notna(), default).astype(str)


def text(values: Any, index: pd.Index) -> pd.Series:
    """Strings, missing values kept missing (None)."""
    s = values if isinstance(values, pd.Series) else pd.Series(values, index=index)
    return s.astype(object).where(s.notna(), None).map(lambda v: None if v is None else str(v))


def flag(df: pd.DataFrame, name: str) -> pd.Series:
    """Boolean column ``name`` (False where missing or when the column is absent)."""
    return df[name].fillna(False).astype(bool) if name in df else pd.Series(False, df.index)
