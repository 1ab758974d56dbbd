"""Helpers shared by the table generators: noise on finished texts, PII and XSS planting, ids.

Rows are plain dicts. Private keys starting with ``_`` carry what was planted in a row
(``_pii``: list of PII types, ``_xss``: payload, ``_cause``: root-cause id, ``_known``: known
issue id) until `tagged_ids` reads them for ground_truth.json; the CSV writer drops them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rca.sample.text import (
    EMOJI_NEGATIVE,
    EMOJI_POSITIVE,
    PII_TYPES,
    XSS_PAYLOADS,
    Dice,
    add_typos,
    expand,
    make_pii,
    restyle,
)
from rca.sample.vocab import MARKET_LANGUAGE

__all__ = [
    "Row",
    "add_emoji",
    "assign_ids",
    "code_switch",
    "insert_pii",
    "plant_xss",
    "roughen",
    "tagged_ids",
]

Row = dict[str, Any]

#: Relative frequency of each PII type (same order as PII_TYPES).
_PII_WEIGHTS: tuple[float, ...] = (0.3, 0.3, 0.15, 0.15, 0.1)


def roughen(dice: Dice, text: str, typo_rate: float, lower: float, caps: float) -> str:
    """Apply typos, then maybe lower-case or upper-case the whole text."""
    return restyle(dice, add_typos(dice, text, typo_rate), lower, caps)


def add_emoji(dice: Dice, text: str, positive: bool, p: float) -> str:
    """Append (or rarely prepend) one to three emoji matching the sentiment, with chance ``p``."""
    if not dice.chance(p):
        return text
    bank = EMOJI_POSITIVE if positive else EMOJI_NEGATIVE
    marks = dice.pick(bank) * (dice.integer(1, 3) if dice.chance(0.3) else 1)
    return f"{marks} {text}" if dice.chance(0.15) else f"{text} {marks}"


def code_switch(
    dice: Dice,
    text: str,
    market: str,
    positive: bool,
    banks: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
    p: float,
) -> str:
    """Mix in a phrase of the market's language (positive or negative), with chance ``p``."""
    lang = MARKET_LANGUAGE.get(market)
    if lang is None or lang not in banks or not dice.chance(p):
        return text
    snippet = expand(dice, dice.pick(banks[lang][0 if positive else 1]))
    if dice.chance(0.35):
        return f"{snippet}, {text}" if text else snippet
    sep = dice.pick((". ", ", ", " - ", " "))
    return f"{text}{sep}{snippet}" if text else snippet


def insert_pii(
    dice: Dice, text: str, market: str, templates: dict[str, tuple[str, ...]]
) -> tuple[str, list[str]]:
    """Add a clause with a fake personal-data value; return the text and the PII types used.

    ``templates`` maps each PII type to clauses with a ``{pii}`` slot.
    """
    kind = dice.weighted(PII_TYPES, _PII_WEIGHTS)
    clause = expand(dice, dice.pick(templates[kind]), {"pii": make_pii(dice, kind, market)})
    kinds = [kind]
    if dice.chance(0.12):  # a second value in the same text, e.g. phone and email
        extra = dice.pick(("email", "phone"))
        if extra != kind:
            clause += f" / {make_pii(dice, extra, market)}"
            kinds.append(extra)
    if not text:
        return clause, kinds
    return (f"{clause}. {text}" if dice.chance(0.3) else f"{text}. {clause}"), kinds


def assign_ids(rows: list[Row], date_key: str, id_key: str, prefix: str) -> list[Row]:
    """Sort rows by date (stably) and number them ``{prefix}-{YYYYMM}-{n:05d}`` within a month."""
    rows.sort(key=lambda r: r[date_key])
    counters: dict[str, int] = {}
    for row in rows:
        ym = row[date_key].strftime("%Y%m")
        counters[ym] = counters.get(ym, 0) + 1
        row[id_key] = f"{prefix}-{ym}-{counters[ym]:05d}"
    return rows


def plant_xss(dice: Dice, rows: list[Row], column: str, rate: float) -> None:
    """Put an XSS payload into about ``rate`` of the rows (at least two), cycling payloads."""
    count = max(2, round(rate * len(rows)))
    for k, index in enumerate(sorted(dice.sample(range(len(rows)), count))):
        row = rows[index]
        payload = XSS_PAYLOADS[k % len(XSS_PAYLOADS)]
        text = row[column] or ""
        how = dice.integer(0, 2)
        if not text or (how == 0 and "_pii" not in row):
            row[column] = payload
        elif how == 1:
            row[column] = f"{text} {payload}"
        else:
            row[column] = f"{payload} {text}"
        row["_xss"] = payload


def tagged_ids(rows: Sequence[Row], id_key: str, tag: str, value: str | None = None) -> list[str]:
    """Return the ids of the rows whose private ``tag`` equals ``value`` (or is set, if None)."""
    if value is None:
        return [row[id_key] for row in rows if row.get(tag)]
    return [row[id_key] for row in rows if row.get(tag) == value]
