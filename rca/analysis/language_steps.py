"""Analysis step for the language mix: which languages comments and feedback are written in.

`section_languages` is a step like those of `rca.analysis.steps` (listed in its ``SECTIONS``): it
counts the month's audit comments and feedback texts per market and language
(`rca.stats.languages.language_mix`) from the ``language`` column `rca.analysis.prepare` adds to
the prepared audits and feedback. A source without that column (a workspace prepared before
languages were detected) or without texts that month is left out, and the table is empty, with
the reasons, only when neither source has any.
"""

from __future__ import annotations

import pandas as pd

from rca.analysis.context import Context, EmptyTable, Table, lacking
from rca.stats.languages import LANGUAGE_MIX_COLUMNS, language_mix

__all__ = ["LANGUAGE_TABLE_COLUMNS", "SOURCES", "section_languages"]

#: Input kind, its text column and how the reports name its texts.
SOURCES: dict[str, tuple[str, str]] = {
    "audits": ("comment", "audit comments"),
    "feedback": ("text", "feedback"),
}
#: Columns of the ``language_mix`` table.
LANGUAGE_TABLE_COLUMNS = ("source", "market", *LANGUAGE_MIX_COLUMNS)


def _mix(ctx: Context, kind: str) -> pd.DataFrame | str:
    """Return the language mix of ``kind``'s texts in the month, or why there is none."""
    _, name = SOURCES[kind]
    if kind != "audits" and (reason := ctx.absent(kind)):
        return reason
    df = ctx.frame(kind)
    if reason := lacking(df, "prepared " + kind, "language", "market"):
        return f"{reason} (prepared before languages were detected)"
    month = df[df["month"] == ctx.month] if "month" in df else df.iloc[:0]
    mix = language_mix(month, by="market", column="language")
    if mix.empty:
        return f"no {name} of {ctx.month} has a text whose language could be told"
    return mix.assign(source=name)


def section_languages(ctx: Context) -> dict[str, Table]:
    """Language mix of the month's audit comments and feedback per market (``language_mix``)."""
    parts, reasons = [], []
    for kind in SOURCES:
        mix = _mix(ctx, kind)
        if isinstance(mix, str):
            reasons.append(mix)
        else:
            parts.append(mix)
    if not parts:
        return {"language_mix": EmptyTable("; ".join(reasons), LANGUAGE_TABLE_COLUMNS)}
    table = pd.concat(parts, ignore_index=True).reindex(columns=list(LANGUAGE_TABLE_COLUMNS))
    return {"language_mix": table}
