"""What an analysis step sees and returns: the `Context`, and `EmptyTable` for "not enough data".

An analysis step (`rca.analysis.steps`) is a function ``Context -> {table name: Table}``. A
`Table` is a DataFrame, or an `EmptyTable` when there is not enough data for it: its input kind
or an optional column is absent, or a statistic raised `rca.core.errors.NotEnoughDataError`
(`enough` turns that error into an `EmptyTable`). Its ``reason`` is recorded in ``tables.json``
and shown in the reports; any other error fails the analysis. In a team's first month
(``Context.previous`` is None) every table that compares with the previous month is an
`EmptyTable` whose reason is `FIRST_MONTH`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from rca.analysis.prepare import DATE_COLUMNS, until_month_end
from rca.analysis.workspace import Workspace
from rca.core.errors import NotEnoughDataError
from rca.stats.kpis import add_period

__all__ = ["FIRST_MONTH", "Context", "EmptyTable", "Section", "Table", "enough", "lacking"]

#: Why a table that compares with the previous month is empty in a team's first month (the
#: reports show it where the comparison would be).
FIRST_MONTH = "no earlier month in the data to compare with: this is the first month"

#: How the reports name each input kind.
_KIND_NAMES = {"feedback": "feedback", "calibration": "calibration", "ai_labels": "AI-label"}


@dataclass(frozen=True)
class EmptyTable:
    """A table left empty because there is not enough data for it, and why.

    Parameters
    ----------
    reason
        One plain sentence for the report's reader (e.g. "no calibration export in the data").
    columns
        Columns of the empty table, if it has fixed ones.
    """

    reason: str
    columns: tuple[str, ...] = ()

    def frame(self) -> pd.DataFrame:
        """Return the empty table."""
        return pd.DataFrame(columns=list(self.columns))


@dataclass
class Context:
    """What every section sees: the workspace, the months compared and the settings.

    ``previous``: the latest earlier month with audits, None in the first month of the data
    (then a step that compares with it returns ``EmptyTable(FIRST_MONTH)`` or leaves its
    comparison columns empty, and computes the rest). ``ai_population``: items the AI model
    labels next month (finite-population correction of the audit sample size; None when
    unknown). ``baseline_weeks``: weeks before the report month whose audits set the
    p-charts' limits.
    """

    ws: Workspace
    month: str
    previous: str | None
    min_n: int = 30
    target_accuracy: float = 0.9
    margin: float = 0.03
    ai_population: int | None = None
    baseline_weeks: int = 8
    known_issues: Path | None = None
    macro_changes: dict[str, str] | None = None
    seed: int = 0
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict)

    def frame(self, kind: str) -> pd.DataFrame:
        """Return the workspace table of ``kind`` with ``month`` and ``week`` columns (cached).

        Rows dated after ``month`` are left out (`rca.analysis.prepare.until_month_end`; a
        workspace prepared for this month has none).
        """
        if kind not in self._cache:
            df = until_month_end(self.ws.table(kind), kind, self.month)
            date_col = DATE_COLUMNS.get(kind, "date")
            if len(df) and date_col in df and df[date_col].notna().any():
                df = add_period(df, date_col)
            self._cache[kind] = df
        return self._cache[kind]

    def themes(self) -> pd.DataFrame:
        """Return the workspace's audit themes, one row per theme (read once, cached)."""
        if "audit_themes" not in self._cache:
            self._cache["audit_themes"] = self.ws.themes()
        return self._cache["audit_themes"]

    def absent(self, kind: str) -> str | None:
        """Return why there is no ``kind`` data (no export, or no valid row), or None."""
        name = _KIND_NAMES.get(kind, kind)
        if not self.ws.has(kind):
            return f"no {name} export in the data"
        if self.frame(kind).empty:
            return f"the {name} export has no valid row (see the quarantine files)"
        return None


Table = pd.DataFrame | EmptyTable
#: An analysis step; a step may return plain ``dict[str, DataFrame]`` when it never lacks data.
Section = Callable[[Context], Mapping[str, Table]]


def enough(fn: Callable[[], pd.DataFrame], about: str | None = None) -> Table:
    """Run a statistic; `NotEnoughDataError` gives an `EmptyTable` with its message.

    ``about`` names the rows the statistic was given, to start the reason with (e.g.
    ``"commented audits"``).
    """
    try:
        return fn()
    except NotEnoughDataError as exc:
        return EmptyTable(f"{about}: {exc}" if about else str(exc))


def lacking(df: pd.DataFrame, what: str, *columns: str) -> str | None:
    """Return "the <what> have no <column> column" for the first of ``columns`` ``df`` lacks."""
    missing = [c for c in columns if c not in df.columns]
    return f"the {what} have no {missing[0]} column" if missing else None
