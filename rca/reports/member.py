"""Open the analysis behind a team-lead or agent report and check the team or agent asked for.

The validation cell of ``notebooks/operations.py`` and ``notebooks/agent_feedback.py``: the
report's team or agent must have audits in the analysed month (a row in ``team_kpis`` /
``agent_kpis``); otherwise the report stops with the values it could have been run for. Also
the helper of their views: `rows_of` selects a team's or agent's rows of an analysis
table.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rca.analysis.month import Analysis
from rca.core.errors import ParameterError
from rca.reports.load import load

__all__ = ["check_member", "flag_small", "load_member", "members", "rows_of"]

#: The analysis table listing each team / agent of the month.
_KPI_TABLES = {"team": "team_kpis", "agent": "agent_kpis"}


def members(kpis: pd.DataFrame, column: str, month: str) -> list[str]:
    """Return the teams (``column="team"``) or agents with audits in ``month``, sorted.

    Parameters
    ----------
    kpis
        The ``team_kpis`` or ``agent_kpis`` table.
    column
        ``"team"`` or ``"agent"``.
    month
        Report month.
    """
    if kpis.empty:
        return []
    rows = kpis[(kpis["segment"] == column) & (kpis["month"] == month)]
    return sorted(rows[column].dropna().astype(str).unique())


def check_member(available: Sequence[str], column: str, value: str | None, month: str) -> str:
    """Return ``value`` if it is ``available``; else raise listing the available values.

    Parameters
    ----------
    available
        Teams or agents with audits in ``month`` (`members`).
    column
        ``"team"`` or ``"agent"``.
    value
        The requested team / agent (``None`` when not given).
    month
        Report month.

    Raises
    ------
    ParameterError
        ``value`` is missing or has no audits in ``month``.
    """
    listed = ", ".join(available) or "none"
    if value is None:
        raise ParameterError(
            f"parameter '{column}' is required; {column}s with audits in {month}: {listed}"
        )
    if value not in available:
        raise ParameterError(
            f"{column} {value!r} has no audits in {month}; {column}s with audits in {month}: "
            f"{listed}"
        )
    return value


def load_member(
    workspace: str | Path, month: str | None, column: str, value: str | None
) -> tuple[Analysis, str, str | None, str]:
    """Open a report's analysis for one team or agent (the validation cell of both notebooks).

    Returns
    -------
    tuple
        ``(analysis, month, previous month (None in the first month of the data), value)``.

    Raises
    ------
    InputError
        ``workspace`` has no analysis beside it.
    ParameterError
        ``month`` is not the analysed month, or ``value`` is missing or without audits in it.
    """
    analysis = load(workspace, month)
    month, previous = str(analysis.info["month"]), analysis.info["previous"]
    available = members(analysis.table(_KPI_TABLES[column]), column, month)
    return analysis, month, previous, check_member(available, column, value, month)


def rows_of(
    table: pd.DataFrame, column: str, value: str, *, drop: Sequence[str] = ()
) -> pd.DataFrame:
    """Rows of ``table`` whose ``column`` is ``value``, in the table's order, without ``column``.

    Parameters
    ----------
    table
        An analysis table keyed by ``team`` or ``agent``.
    column, value
        The key and the report's team or agent.
    drop
        Further columns to leave out (e.g. ``rank``).

    Returns
    -------
    DataFrame
        The rows, index reset; list cells (examples, read back from Parquet as arrays) as lists.
    """
    gone = [c for c in (column, *drop) if c in table]
    if table.empty or column not in table:
        return table.iloc[0:0].drop(columns=gone)
    rows = table[table[column] == value].drop(columns=gone).reset_index(drop=True)
    for col in rows.columns:
        if rows[col].dtype == "object":
            rows[col] = rows[col].map(_as_list)
    return rows


def _as_list(value: Any) -> Any:
    return list(value) if isinstance(value, np.ndarray | tuple) else value


def flag_small(kpis: pd.DataFrame, min_n: int | None) -> pd.DataFrame:
    """Re-flag ``small_n`` against the report's ``min_n`` (keep the analysis' flag when None)."""
    return kpis if min_n is None else kpis.assign(small_n=kpis["n"] < min_n)
