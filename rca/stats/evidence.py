"""The rows behind a statistic: redacted quotes and the ids of the rows they come from.

A finding names the rows it rests on (`rca.findings.build.build_findings` keeps them as
``evidence_ids``). The statistics that quote rows (`rca.stats.macros.macro_report`,
`rca.stats.coaching.coaching_needs`, `rca.stats.tech_issues.technical_issues`) pick the quotes
with `quotes_and_ids`, so the first ids are those of the rows quoted, in the quotes' order;
the others (`rca.stats.label_audits.confused_pairs`, `rca.stats.calibration.auditor_deviation`,
the theme changes of `rca.analysis.steps.section_trends`) only list ids with `row_ids`.
A table without its id column gives empty id lists: the functions are public and may be called
on frames without ids.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from rca.text.quotes import evidence_quotes

__all__ = ["ID_COLUMNS", "MAX_EVIDENCE_IDS", "id_column", "quotes_and_ids", "row_ids", "theme_ids"]

#: Most row ids kept per row of a statistics table (``example_ids``), so tables stay small.
MAX_EVIDENCE_IDS = 20
#: Id column of each input table, in the order `id_column` looks for them: audits, feedback,
#: AI labels, calibration.
ID_COLUMNS: tuple[str, ...] = ("audit_id", "feedback_id", "item_id", "case_id")


def id_column(df: pd.DataFrame, names: Sequence[str] = ID_COLUMNS) -> str | None:
    """Return the first of ``names`` that is a column of ``df``, or None."""
    return next((name for name in names if name in df), None)


def row_ids(
    rows: pd.DataFrame,
    column: str | None,
    *,
    first: Sequence[int] = (),
    limit: int = MAX_EVIDENCE_IDS,
) -> list[str]:
    """Distinct ids of ``rows`` (as strings): those of the ``first`` rows, then the others.

    Parameters
    ----------
    rows
        The rows behind one statistic, in the order their ids should be listed.
    column
        Their id column; None (or a column ``rows`` lacks) gives an empty list.
    first
        Positions (0-based) of the rows to list first, in this order (e.g. the rows quoted).
    limit
        Most ids returned (`MAX_EVIDENCE_IDS`).

    Returns
    -------
    list of str
        Missing ids are skipped; a repeated id is listed once, where it first appears.
    """
    if column is None or column not in rows:
        return []
    ids = rows[column].tolist()
    leading = set(first)
    out: list[str] = []
    for value in [*(ids[i] for i in first), *(v for i, v in enumerate(ids) if i not in leading)]:
        if len(out) >= limit:
            break
        if pd.notna(value) and str(value) not in out:
            out.append(str(value))
    return out


def quotes_and_ids(
    rows: pd.DataFrame,
    text: str,
    column: str | None,
    *,
    n: int = 3,
    limit: int = MAX_EVIDENCE_IDS,
) -> tuple[list[str], list[str]]:
    """Quote up to ``n`` rows (`rca.text.quotes.evidence_quotes`) and list the ids behind them.

    Method: the texts of ``rows`` are quoted in their order, as `evidence_quotes` would (empty
    texts and repeats skipped); the ids are those of the rows quoted, in the same order, then
    the other rows' (see `row_ids`).

    Parameters
    ----------
    rows
        The rows behind one statistic, in the order to quote them.
    text
        Their text column (a missing column gives no quotes; ids are still listed).
    column
        Their id column, or None.
    n
        Most quotes.
    limit
        Most ids.

    Returns
    -------
    tuple of (list of str, list of str)
        The quotes and the ids.
    """
    quoted: list[int] = []  # positions of the rows quoted
    texts: list[object] = []  # and their texts, as given: quoting them again gives ``quotes``
    quotes: list[str] = []
    for position, value in enumerate(rows[text].tolist() if text in rows else []):
        if len(quotes) >= n:
            break
        more = evidence_quotes([*texts, value], n=len(quotes) + 1)
        if len(more) > len(quotes):
            quotes, quoted, texts = more, [*quoted, position], [*texts, value]
    return quotes, row_ids(rows, column, first=quoted, limit=limit)


def theme_ids(
    rows: pd.DataFrame,
    changes: pd.DataFrame,
    column: str | None,
    *,
    item: str = "theme_id",
    limit: int = MAX_EVIDENCE_IDS,
) -> list[list[str]]:
    """Ids of the ``rows`` behind each row of a `rca.stats.trends.share_changes` table.

    Parameters
    ----------
    rows
        The rows of the current period (e.g. the month's commented audits).
    changes
        Share changes with ``segment`` (a column of ``rows``, or ``"all"``), ``segment_value``
        and ``item``.
    column
        The id column of ``rows``, or None (every list empty).
    item
        The column of ``rows`` the changes are about.
    limit
        Most ids per change.

    Returns
    -------
    list of list of str
        One list per row of ``changes``, in its order: ids of the rows with that item in that
        segment, in the order of ``rows``.
    """
    if column is None or column not in rows or changes.empty:
        return [[] for _ in range(len(changes))]
    groups: dict[tuple[object, object, object], list[str]] = {}
    for segment in changes["segment"].unique():
        keys = [item] if segment == "all" or segment not in rows else [segment, item]
        for key, part in rows.groupby(keys, observed=True, sort=False):
            *value, theme = key
            groups[(segment, value[0] if value else "all", theme)] = row_ids(
                part, column, limit=limit
            )
    return [
        groups.get((r.segment, "all" if r.segment == "all" else r.segment_value, r.item), [])
        for r in changes[["segment", "segment_value", "item"]].itertuples(index=False)
    ]
