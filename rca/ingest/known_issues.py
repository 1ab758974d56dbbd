"""The list of technical issues a team already tracks (``known_issues.csv``)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from rca.core.errors import InputError
from rca.ingest.readers import read_table

__all__ = ["KNOWN_ISSUE_COLUMNS", "load_known_issues", "normalise_words"]

_WORD = re.compile(r"[^\W_]+")


#: Columns of `load_known_issues`' result.
KNOWN_ISSUE_COLUMNS: tuple[str, ...] = ("id", "title", "keywords")


def normalise_words(text: str) -> str:
    """Lower-case words and numbers separated by single spaces ("Stuck at 99%" -> "stuck at 99")."""
    return " ".join(_WORD.findall(str(text).lower()))


def load_known_issues(path: str | Path) -> pd.DataFrame:
    """Read the known-issues list: one issue per row with ``id``, ``title`` and ``keywords``.

    Method: `rca.ingest.readers.read_table` (CSV, Excel, Parquet or JSON Lines); ``keywords`` holds
    phrases separated by ``;`` (e.g. ``dark mode;payout button``), trimmed and lower-cased.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    DataFrame
        `KNOWN_ISSUE_COLUMNS`; ``keywords`` is a list of phrases per issue.

    Raises
    ------
    InputError
        One line: unreadable file, a missing column, an empty or repeated id, or a row without
        keywords (naming the rows).
    """
    table = read_table(path)
    table.columns = [str(c).strip().lower() for c in table.columns]
    missing = [c for c in KNOWN_ISSUE_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(
            path, f"missing column(s) {', '.join(missing)}; expected id, title, keywords"
        )
    ids = table["id"].fillna("").astype(str).str.strip()
    keywords = [
        [k.strip().lower() for k in str(v).split(";") if k.strip()] if pd.notna(v) else []
        for v in table["keywords"]
    ]
    problems = (
        ("id", ids == "", "empty id"),
        ("id", ids.duplicated(keep=False) & (ids != ""), "repeated id"),
        ("keywords", pd.Series([not k for k in keywords], index=table.index),
         "no keywords; expected phrases separated by ';'"),
    )  # fmt: skip
    for column, bad, what in problems:
        if bad.any():
            rows = [int(r) for r in table.index[bad.to_numpy()]]
            raise InputError(path, what, column=column, rows=rows)
    titles = table["title"].fillna("").astype(str).str.strip()
    return pd.DataFrame({"id": ids.to_list(), "title": titles.to_list(), "keywords": keywords})
