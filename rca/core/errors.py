"""Exception hierarchy: everything ``rca`` raises for a user's mistake derives from `RcaError`.

The CLI catches `RcaError` and prints its one-line message instead of a traceback.
"""

from __future__ import annotations

__all__ = [
    "InputError",
    "MissingDependencyError",
    "NotEnoughDataError",
    "ParameterError",
    "RcaError",
]


class RcaError(Exception):
    """Base class of every error ``rca`` raises on purpose.

    ``str(error)`` is a single line meant for the person who made the mistake.
    """


class InputError(RcaError):
    """An input file cannot be used (unreadable, wrong type, missing column, too many bad rows).

    Parameters
    ----------
    file
        The file at fault.
    message
        What is wrong and what was expected, one line.
    column
        The offending column, if any.
    rows
        The first offending rows (spreadsheet numbering: the header is row 1).
    line
        The offending line of a text file such as a YAML file (1-based), if any.
    """

    def __init__(
        self,
        file: object,
        message: str,
        *,
        column: str | None = None,
        rows: list[int] | None = None,
        line: int | None = None,
    ) -> None:
        self.file = str(file)
        self.line = line
        self.column = column
        self.rows = list(rows or [])
        self.message = message
        parts = [self.file]
        if line is not None:
            parts.append(f"line {line}")
        if column is not None:
            parts.append(f"column '{column}'")
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:5])
            more = f" (+{len(self.rows) - 5} more)" if len(self.rows) > 5 else ""
            parts.append(f"row{'s' if len(self.rows) > 1 else ''} {shown}{more}")
        super().__init__(": ".join([", ".join(parts), message]))


class ParameterError(RcaError):
    """A notebook or command parameter is unknown or invalid."""


class NotEnoughDataError(RcaError):
    """The data are valid but too few for a statistic (no rows in a period, too few notes...).

    This is the one condition under which a month's analysis writes an empty table: the step
    catches it and records ``str(error)`` as the table's ``empty_reason`` in ``tables.json``,
    which the reports show where the table would have been. Any other error fails the analysis.
    ``str(error)`` is one plain sentence for the report's reader.
    """


class MissingDependencyError(RcaError):
    """An optional dependency is missing; the message says what to install."""
