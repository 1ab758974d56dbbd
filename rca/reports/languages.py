"""Views of the language mix: which languages comments and feedback are written in, per market.

The executive report shows the analysis table ``language_mix`` (`load_language_mix`,
`language_section`); the explore notebook shows the mix of its slice's audit comments
(`slice_languages`) and each theme's mix in its theme table (`with_theme_languages`). Every
function returns an ``IPython.display.HTML`` fragment (or a table for one); data-derived text is
escaped. Data without languages (an analysis or workspace made before languages were detected)
gives a polite note, never an error.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from IPython.display import HTML

import rca.reports.charts as charts
import rca.reports.fragments as rr
from rca.stats.languages import language_mix, language_mix_by, mix_text

__all__ = [
    "NO_LANGUAGES",
    "language_section",
    "language_summary",
    "load_language_mix",
    "slice_languages",
    "with_theme_languages",
]

#: Note shown when the data was prepared before languages were detected.
NO_LANGUAGES = (
    "Languages are not shown: this analysis was made before the language of each text was "
    "detected. Run the analysis again to see the language mix."
)


def load_language_mix(analysis: Any) -> pd.DataFrame | None:
    """Return the analysis table ``language_mix``, or None for an analysis made without it.

    Parameters
    ----------
    analysis
        A `rca.analysis.month.Analysis` (anything with ``info`` and ``table``).
    """
    if "language_mix" not in analysis.info.get("tables", {}):
        return None
    table: pd.DataFrame = analysis.table("language_mix")
    return table


def language_summary(mix: pd.DataFrame, top: int = 4) -> pd.DataFrame:
    """Return one row per source and market: texts counted and the mix in one line.

    ``mix`` has ``market``, ``language``, ``n`` and optionally ``source`` (the analysis table
    ``language_mix``); the mix reads like ``"ms 52% · en 31% · id 17%"``.
    """
    keys = [c for c in ("source", "market") if c in mix.columns]
    rows = []
    for key, group in mix.groupby(keys, sort=True):
        values = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(keys, values, strict=True)), "n": int(group["n"].sum()),
                     "mix": mix_text(group, top)})  # fmt: skip
    names = {"source": "Texts", "market": "Market", "n": "Counted", "mix": "Languages"}
    return pd.DataFrame(rows, columns=[*keys, "n", "mix"]).rename(columns=names)


def _section(mix: pd.DataFrame, what: str) -> str:
    parts = []
    sources = mix["source"].unique() if "source" in mix.columns else [None]
    for source in sources:
        rows = mix if source is None else mix[mix["source"] == source]
        label = str(source or what)
        title = f"{label[:1].upper()}{label[1:]}: languages per market"
        parts.append(rr.figure(charts.language_bars(rows, title)).data)
    parts.append(rr.table(language_summary(mix), formats={"Counted": "int"}).data)
    return "".join(parts)


def language_section(mix: pd.DataFrame | None) -> HTML:
    """Stacked bars of the language mix per market for each source, and a compact table.

    ``mix`` is the analysis table ``language_mix`` (`load_language_mix`); None for an analysis
    made before languages were detected.
    """
    if mix is None:
        return rr.callout(NO_LANGUAGES)
    if mix.empty:
        return rr.empty_note(mix, "No comment or feedback text has a language that could be told.")
    note = rr.callout(
        "Shares of the month's texts whose language could be told (very short texts such as "
        "“ok” are not counted). Detected automatically per text: mixed texts (Taglish, English "
        "with a local word) count once, under the language that dominates."
    )
    return HTML(note.data + _section(mix, "texts"))


def slice_languages(audits: pd.DataFrame) -> HTML:
    """Language mix of a slice's audit comments per market (explore notebook)."""
    if "language" not in audits.columns:
        return rr.callout(NO_LANGUAGES.replace("analysis was made", "workspace was prepared"))
    mix = language_mix(audits, by="market")
    if mix.empty:
        return rr.callout("No audit comment in this slice has a language that could be told.")
    return HTML(_section(mix, "audit comments"))


def with_theme_languages(
    overview: pd.DataFrame, audits: pd.DataFrame, top: int = 3
) -> pd.DataFrame:
    """Add a ``Languages`` column (e.g. "ms 40% · id 35% · en 25%") to a theme table.

    Parameters
    ----------
    overview
        One row per theme with ``theme_id`` (`rca.analysis.explore.theme_overview`).
    audits
        The audits the shares are of (the slice's month), with ``theme_id`` and ``language``.
    top
        Languages named per theme.

    Returns
    -------
    pandas.DataFrame
        ``overview`` with ``Languages`` last; unchanged when the audits have no ``language``.
    """
    if "theme_id" not in audits.columns or "theme_id" not in overview.columns:
        return overview
    themed = audits[audits["theme_id"].notna()].astype({"theme_id": int})
    mixes = language_mix_by(themed, "theme_id", top=top)
    if not mixes:
        return overview
    by_id = {int(str(k)): v for k, v in mixes.items()}
    return overview.assign(Languages=overview["theme_id"].map(lambda t: by_id.get(int(t), "")))
