"""The calibration table as the statistics modules read it: checks, units and rating scales.

`check_ratings` is the one gate every function of `rca.stats.agreement` and `rca.stats.calibration`
passes its input through, so they all reject the same mistakes with the same messages.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from rca.core.argument_checks import require_columns
from rca.core.errors import ParameterError
from rca.ingest.columns import Mapping, parse_values

__all__ = [
    "ALL",
    "LEVELS",
    "MAX_ORDINAL_RANGE",
    "NOTE_IDENTICAL",
    "UNIT",
    "Level",
    "check_ratings",
    "choose_level",
    "select_item",
]

Level = Literal["nominal", "ordinal", "interval"]
#: Accepted values of ``level``: "auto" or a Krippendorff level of measurement.
LEVELS: tuple[str, ...] = ("auto", "nominal", "ordinal", "interval")
#: Name of the row that pools every rubric item.
ALL = "ALL"
#: Note given when κ and α are undefined because nobody ever disagreed.
NOTE_IDENTICAL = "all ratings identical: agreement undefined"
#: Widest range of integer ratings that "auto" treats as an ordinal scale (0-10).
MAX_ORDINAL_RANGE = 10
RATING_COLUMNS: tuple[str, ...] = ("session_id", "case_id", "item", "auditor", "rating")
UNIT: list[str] = ["session_id", "case_id", "item"]


def check_ratings(ratings: pd.DataFrame) -> pd.DataFrame:
    """Return a clean copy of a ``calibration`` table, or raise `ParameterError`.

    Ratings are made float and rows without a rating are dropped (a missing rating is a rater
    who did not rate the case, which every statistic here handles). ``is_expert`` is read as
    true/false (also yes/no, 1/0 as text), False when absent or empty; ``session_date`` becomes
    datetime.

    Raises
    ------
    ParameterError
        On a missing column, a non-numeric rating, an unreadable date, or a rater rating the
        same unit twice.
    """
    require_columns(ratings, RATING_COLUMNS, "ratings")
    df = ratings.copy()
    try:
        df["rating"] = pd.to_numeric(df["rating"]).astype(float)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"ratings: column 'rating' must be numeric ({exc})") from None
    df = df[df["rating"].notna()]
    df["is_expert"] = _flags(df.get("is_expert"), df.index)
    dates = df["session_date"] if "session_date" in df else pd.Series(pd.NaT, index=df.index)
    try:
        df["session_date"] = pd.to_datetime(dates, format="mixed")
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"ratings: column 'session_date' must hold dates ({exc})") from None
    dup = df.duplicated([*UNIT, "auditor"], keep=False)
    if dup.any():
        first = df[dup].iloc[0]
        raise ParameterError(
            f"ratings: {int(dup.sum())} rows repeat a rater's rating of the same case and item "
            f"(e.g. {first['auditor']} on {first['case_id']} / {first['item']} in session "
            f"{first['session_id']}); keep one rating per rater, case, item and session"
        )
    return df.reset_index(drop=True)


def _flags(column: pd.Series | None, index: pd.Index) -> pd.Series:
    """Read ``is_expert`` as bool: true/false, yes/no, 1/0 (`rca.ingest.columns`); empty: False."""
    if column is None:
        return pd.Series(False, index=index)
    if pd.api.types.is_bool_dtype(column):
        return column.fillna(False).astype(bool)
    text = column.astype("string").str.strip()
    text = text.mask(text == "")
    flags = parse_values(text, "bool", Mapping("calibration"))
    bad = flags.isna() & text.notna()
    if bad.any():
        raise ParameterError(
            f"ratings: column 'is_expert' must be true/false, got {text[bad].iloc[0]!r}"
        )
    return flags.fillna(False).astype(bool)


def choose_level(values: np.ndarray | pd.Series) -> Level:
    """Pick Krippendorff's level of measurement for ratings (the ``level="auto"`` rule).

    Two or fewer distinct values (pass/fail as 0/1) are ``nominal``; integer ratings spanning at
    most `MAX_ORDINAL_RANGE` points (1-5, 0-10) are ``ordinal``; anything else is ``interval``.
    """
    v = np.asarray(values, dtype=float)
    distinct = np.unique(v[~np.isnan(v)])
    if len(distinct) <= 2:
        return "nominal"
    if np.all(distinct == np.round(distinct)) and distinct[-1] - distinct[0] <= MAX_ORDINAL_RANGE:
        return "ordinal"
    return "interval"


def select_item(df: pd.DataFrame, item: str | None) -> pd.DataFrame:
    """Return the rows of rubric ``item`` (all rows when None); `ParameterError` if unknown."""
    if item is None:
        return df
    if item not in set(df["item"]):
        raise ParameterError(f"item {item!r} is not in the ratings")
    return df[df["item"] == item]
