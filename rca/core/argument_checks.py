"""Argument checks shared by the statistics modules (agreement, calibration, labels).

Each check raises `ParameterError` with a one-line message that names the argument and says what
was expected, so a notebook stops at the first bad value instead of computing nonsense.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from rca.core.errors import ParameterError

__all__ = ["MONTH_PATTERN", "check_choice", "check_fraction", "check_month", "require_columns"]

#: A month as every command takes it: ``YYYY-MM``.
MONTH_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def require_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise `ParameterError` unless ``df`` is a DataFrame holding every one of ``columns``.

    Parameters
    ----------
    df
        The table to check.
    columns
        Column names that must be present.
    what
        What the table is, for the message (e.g. ``"ratings"``).
    """
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ParameterError(
            f"{what} lack column(s) {', '.join(map(repr, missing))}; "
            f"found {', '.join(map(repr, map(str, df.columns))) or 'none'}"
        )


def check_fraction(name: str, value: float, *, closed: bool = False) -> float:
    """Return ``value`` as a float if it lies in (0, 1), or in [0, 1] when ``closed``.

    Raises
    ------
    ParameterError
        If ``value`` is not a number in the range.
    """
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok and (0 <= value <= 1 if closed else 0 < value < 1):
        return float(value)
    bounds = "from 0 to 1" if closed else "strictly between 0 and 1"
    raise ParameterError(f"{name} must be a number {bounds}, got {value!r}")


def check_choice(name: str, value: object, choices: Iterable[str]) -> None:
    """Raise `ParameterError` unless ``value`` is one of ``choices``."""
    options = tuple(choices)
    if value not in options:
        raise ParameterError(f"{name} must be one of {', '.join(options)}; got {value!r}")


def check_month(name: str, value: str) -> str:
    """Return ``value`` if it is a month ``YYYY-MM`` (`MONTH_PATTERN`).

    Raises
    ------
    ParameterError
        Otherwise, naming ``name``.
    """
    if not MONTH_PATTERN.match(value):
        raise ParameterError(f"{name} {value!r}: expected YYYY-MM")
    return value
