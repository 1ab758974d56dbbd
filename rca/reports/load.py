"""Views: small functions that turn a month's analysis tables into report fragments.

Each view takes a table of `rca.analysis.month.Analysis` and returns a fragment of
`rca.reports.fragments` (HTML with every data-derived text escaped, or a plotly chart wrapped by
`rca.reports.fragments.figure`), so the notebooks in ``notebooks/`` stay a list of calls. An empty
table gives a plain callout instead. `load` opens the analysis behind a notebook's ``workspace``
parameter; `optional_table` reads a table an older analysis may not have.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rca.analysis.month import Analysis
from rca.analysis.workspace import Workspace
from rca.core.errors import InputError, ParameterError

__all__ = ["load", "optional_table"]


def load(workspace: str | Path, month: str | None = None) -> Analysis:
    """Open the analysis a report's ``workspace`` parameter belongs to.

    Parameters
    ----------
    workspace
        ``<analysis>/workspace``, as passed to the notebooks.
    month
        The report month asked for, or None for the analysed month.

    Returns
    -------
    Analysis
        The analysis; its month is ``analysis.info["month"]``.

    Raises
    ------
    InputError
        If ``workspace`` is not a workspace folder or has no analysis tables beside it.
    ParameterError
        If ``month`` is not the month that was analysed.
    """
    ws = Workspace(Path(workspace))
    analysis = Analysis(ws.path.parent)
    if not (analysis.path / "tables.json").exists():
        raise InputError(analysis.path, "no analysis tables (tables.json); run the analysis first")
    analysed = analysis.info["month"]
    if month is not None and month != analysed:
        raise ParameterError(
            f"month {month}: this analysis is of {analysed}; analyse {month} first"
        )
    return analysis


def optional_table(analysis: Analysis, name: str) -> pd.DataFrame:
    """Return table ``name`` of ``analysis``, or an empty table when this analysis has none.

    For tables added later (``kpi_changes``, ``finding_family``): a workspace analysed before
    them still gives its report.
    """
    try:
        return analysis.table(name)
    except (ParameterError, FileNotFoundError, KeyError):
        return pd.DataFrame()
