"""Planted theme lineage: a theme that splits in one month and two themes that merge in another.

Used to measure theme identity across months (``benchmarks/identity.py``). Off unless asked for
(``rca sample --split-month YYYY-MM --merge-month YYYY-MM``), so the demo's sample is unchanged.

- **Split**: from the split month on, the English audit comments of `SPLIT_THEME` findings come
  in two clearly different sub-variants, each still about tone: one about phone calls
  (`SPLIT_VARIANTS` ``"call"``), one about written replies (``"written"``), half and half.
- **Merge**: from the merge month on, the English audit comments of both `MERGE_THEMES`
  findings (incomplete notes, wrong macro) are written one shared way: a wrap-up finding that
  names the macro and the notes together (`MERGED_FINDINGS`).

Rows of a planted root cause, short findings before the change and comments in a market's
language keep their usual phrasing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rca.sample.compose import Row, tagged_ids
from rca.sample.text import Dice

__all__ = [
    "MERGED_FINDINGS",
    "MERGE_THEMES",
    "SPLIT_THEME",
    "SPLIT_VARIANTS",
    "Lineage",
    "lineage_findings",
    "lineage_truth",
]

#: The error category whose comments split.
SPLIT_THEME = "tone"
#: The two sub-variants of `SPLIT_THEME` comments from the split month on.
SPLIT_VARIANTS: dict[str, tuple[str, ...]] = {
    "call": (
        "tone on the [phone|voice] call [too|quite|very] [curt|cold|abrupt]: [talked over|"
        "interrupted|raised their voice at] the caller",
        "@[talked over|interrupted|kept cutting off] the caller [on the phone|during the call|"
        "on the voice call] [in a rude tone|and sounded impatient|with a dismissive tone]",
        "[rude|impatient|cold] tone on the [call|phone line|voice call], [sighed|raised voice|"
        "talked over the caller] [twice|several times|more than once]",
    ),
    "written": (
        "tone of the written [reply|chat message|email] [too|quite|very] [curt|cold|dismissive]"
        ": [sarcastic wording|typed in all caps|one-word answers] in [the chat|the email|writing]",
        "@[wrote|typed|sent] [sarcastic|passive aggressive|all-caps] [chat messages|emails|"
        "written replies] [to the user|in the thread|in the chat]",
        "[dismissive|rude|cold] tone in the written [chat|email|reply]: [sarcasm|all caps|"
        "one-word replies] [in every message|throughout the thread|in the text]",
    ),
}
_SPLIT_PHRASES = {"call": ("call", "caller", "phone"), "written": ("written", "chat", "caps")}
#: The error categories whose comments merge (the first is the merged theme's name in truth).
MERGE_THEMES: tuple[str, ...] = ("incomplete notes", "wrong macro")
#: The shared way of writing both `MERGE_THEMES` findings from the merge month on.
MERGED_FINDINGS: tuple[str, ...] = (
    "wrap-up [sloppy|careless|incomplete]: [generic|wrong|unedited] macro {macro} [sent|used] and "
    "[notes|case notes|the wrap-up note] [left empty|missing|too thin]",
    "@[sent|used|pasted] macro {macro} [unedited|as is|without checking it fits] and [left no "
    "notes|skipped the wrap-up notes|didn't document the case]",
    "[macro and notes|template and wrap-up|macro {macro} and case notes] [both|] [sloppy|wrong|"
    "incomplete]: wrap-up [needs work|not done properly|skipped]",
)


@dataclass(frozen=True)
class Lineage:
    """When the planted split and merge start (either may be absent).

    Attributes
    ----------
    split_from, merge_from
        First day of the split month and of the merge month, or None.
    """

    split_from: date | None = None
    merge_from: date | None = None


def lineage_findings(
    dice: Dice, lineage: Lineage | None, category: str | None, day: date
) -> tuple[tuple[str, ...], str] | None:
    """Return the finding templates and the lineage tag of an English error comment, or None.

    Parameters
    ----------
    dice
        Source of randomness (used only when a planted change applies to the row).
    lineage
        The planted changes of the sample, None for none.
    category
        The row's error category.
    day
        The row's audit date.

    Returns
    -------
    tuple or None
        (templates, tag) with tag ``split:call``, ``split:written`` or ``merge``; None when no
        planted change applies, so the usual phrasing is used.
    """
    if lineage is None or category is None:
        return None
    if category == SPLIT_THEME and lineage.split_from is not None and day >= lineage.split_from:
        variant = dice.pick(tuple(SPLIT_VARIANTS))
        return SPLIT_VARIANTS[variant], f"split:{variant}"
    if category in MERGE_THEMES and lineage.merge_from is not None and day >= lineage.merge_from:
        return MERGED_FINDINGS, "merge"
    return None


def lineage_truth(lineage: Lineage, audits: Sequence[Row]) -> dict[str, Any]:
    """Return the ground truth's ``lineage`` entry: what was planted, from when, in which rows.

    Parameters
    ----------
    lineage
        The planted changes.
    audits
        The audit rows, with their private ``_lineage`` tags.

    Returns
    -------
    dict
        ``kind`` (``audits``), and ``split`` / ``merge`` when planted (None otherwise): see
        `rca.sample.truth`.
    """
    split = merge = None
    if lineage.split_from is not None:
        split = {
            "month": lineage.split_from.strftime("%Y-%m"),
            "theme": SPLIT_THEME,
            "error_category": SPLIT_THEME,
            "children": [
                {"variant": v, "key_phrases": list(_SPLIT_PHRASES[v]),
                 "row_ids": tagged_ids(audits, "audit_id", "_lineage", f"split:{v}")}
                for v in SPLIT_VARIANTS
            ],
        }  # fmt: skip
    if lineage.merge_from is not None:
        merge = {
            "month": lineage.merge_from.strftime("%Y-%m"),
            "themes": list(MERGE_THEMES),
            "error_categories": list(MERGE_THEMES),
            "key_phrases": ["macro", "notes", "wrap-up"],
            "row_ids": tagged_ids(audits, "audit_id", "_lineage", "merge"),
        }
    return {"kind": "audits", "split": split, "merge": merge}
