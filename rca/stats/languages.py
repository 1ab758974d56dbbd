"""Which languages texts are written in, per market (or any group): counts and shares.

Pure functions on a table with one language code per row (the ``language`` column that
`rca.analysis.prepare` adds with `rca.text.language.detect_languages`: the language of an audit's
``comment`` or a feedback's ``text``; missing where the row has no text). Rows without a code are
not counted; rows whose language could not be told (`rca.text.language.UNKNOWN`, e.g. "ok") are
left out unless asked for, so the shares are of the texts whose language is known.
"""

from __future__ import annotations

import pandas as pd

from rca.text.language import LANGUAGE_NAMES, UNKNOWN

__all__ = [
    "LANGUAGE_MIX_COLUMNS",
    "compact_mix",
    "language_mix",
    "language_mix_by",
    "mix_text",
]

#: Columns of `language_mix` (``by`` first when grouped).
LANGUAGE_MIX_COLUMNS = ("language", "language_name", "n", "share")


def _labels(values: pd.Series, unknown: bool) -> pd.Series:
    codes = values.dropna().astype(str).str.strip()
    codes = codes[codes.str.len() > 0]
    return codes if unknown else codes[codes != UNKNOWN]


def language_mix(
    df: pd.DataFrame, by: str | None = "market", column: str = "language", *, unknown: bool = False
) -> pd.DataFrame:
    """Return how many texts of each group are in each language, and their share of the group.

    Parameters
    ----------
    df
        One row per text, with a language code in ``column`` (missing for rows without text).
    by
        Group column (e.g. ``"market"``); None for one mix over all rows. Rows with no group
        value are not counted.
    column
        Column of language codes.
    unknown
        Also count texts whose language could not be told (`UNKNOWN`, named "Unknown").

    Returns
    -------
    pandas.DataFrame
        ``by`` (when given), ``language``, ``language_name`` (`LANGUAGE_NAMES`, the code itself
        when not listed), ``n``, ``share`` (of the group's counted texts, 0-1). Groups sorted by
        name, languages by count (largest first) then code. Empty (same columns) when no row has
        a language.

    Examples
    --------
    >>> df = pd.DataFrame({"market": ["MY", "MY", "MY"], "language": ["ms", "en", "ms"]})
    >>> language_mix(df)[["market", "language", "n", "share"]].to_dict("records")[0]
    {'market': 'MY', 'language': 'ms', 'n': 2, 'share': 0.6666666666666666}
    """
    keys = [by] if by else []
    columns = [*keys, *LANGUAGE_MIX_COLUMNS]
    if column not in df.columns or df.empty:
        return pd.DataFrame(columns=columns)
    codes = _labels(df[column], unknown)
    if codes.empty:
        return pd.DataFrame(columns=columns)
    rows = pd.DataFrame({"language": codes})
    if by:
        groups = df.loc[codes.index, by]
        rows = rows[groups.notna().to_numpy()].assign(**{by: groups.dropna().astype(str)})
        if rows.empty:
            return pd.DataFrame(columns=columns)
    counts = rows.groupby([*keys, "language"]).size().rename("n").reset_index()
    total = counts.groupby(keys)["n"].transform("sum") if keys else counts["n"].sum()
    counts["share"] = counts["n"] / total
    counts["language_name"] = counts["language"].map(lambda c: LANGUAGE_NAMES.get(c, c))
    counts = counts.assign(_n=-counts["n"]).sort_values([*keys, "_n", "language"])
    return counts.reindex(columns=columns).reset_index(drop=True)


def compact_mix(languages: pd.Series, top: int = 3, *, unknown: bool = False) -> str:
    """Return a one-line language mix such as ``"ms 40% · id 35% · en 25%"`` ('' for none).

    Parameters
    ----------
    languages
        Language codes, one per text (missing ones are not counted).
    top
        Languages named; the rest are summed as ``"other"``.
    unknown
        Also count `UNKNOWN`.
    """
    mix = language_mix(pd.DataFrame({"language": languages}), by=None, unknown=unknown)
    return mix_text(mix, top)


def mix_text(mix: pd.DataFrame, top: int = 3) -> str:
    """Return one group's rows of `language_mix` as ``"ms 40% · id 35% · en 25%"`` ('' if none).

    Languages beyond the ``top`` largest are summed as ``"other"``; shares below 0.5 % read
    ``"<1%"``.
    """
    if mix.empty:
        return ""
    mix = mix.sort_values(["n", "language"], ascending=[False, True])
    parts = [f"{c} {_pct(s)}" for c, s in zip(mix["language"], mix["share"], strict=True)]
    rest = mix["share"].iloc[top:].sum()
    return " · ".join(parts[:top] + ([f"other {_pct(rest)}"] if len(parts) > top else []))


def _pct(share: float) -> str:
    """Whole percent, with "<1%" for a share that would round to 0."""
    return "<1%" if share * 100 < 0.5 else f"{share * 100:.0f}%"


def language_mix_by(
    df: pd.DataFrame, by: str, column: str = "language", top: int = 3
) -> dict[object, str]:
    """Return `compact_mix` of every group of ``df`` (e.g. per ``theme_id``), keyed by group.

    Groups without a known language get ``""``; ``{}`` when ``df`` lacks either column.
    """
    if column not in df.columns or by not in df.columns:
        return {}
    return {key: compact_mix(rows[column], top) for key, rows in df.groupby(by, sort=True)}
