"""Cleaning of free text (auditors' comments, users' feedback, labellers' notes).

`clean_text` turns what comes out of ticketing and survey exports into plain, readable text:
HTML entities decoded, rich-text formatting remnants removed, e-mail boilerplate cut, whitespace
collapsed. It does **not** strip markup in general: text such as ``<script>alert(1)</script>``
is kept literally, because an analyst must see what a user actually wrote and the reports
escape text when they render it. Case and emoji are kept as well (lower-casing is the topic
model's business). Personal data is removed afterwards by `rca.text.redact`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable

import pandas as pd

__all__ = ["clean_series", "clean_text", "map_distinct"]

# Invisible characters that exports scatter through text. The zero-width joiner is kept when an
# emoji follows it, since it glues emoji sequences such as family or flag emoji together.
_INVISIBLE = re.compile(
    "[\u200b\u200c\u200e\u200f\u2060\u2061\u2062\u2063\ufeff\u00ad\u180e]"
    "|\u200d(?![\u2600-\u27bf\U0001f000-\U0001faff])"
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Rich-text formatting tags. Block tags become a space, inline tags disappear. A tag carrying an
# event handler or a javascript: link is not formatting: it is kept literally (see _format_tag).
_BLOCK_TAG = re.compile(r"</?(?:br|p|div|li|ul|ol|tr|td|table|h[1-6])\b([^<>]*)>", re.IGNORECASE)
_INLINE_TAG = re.compile(r"</?(?:span|font|b|i|u|strong|em|small|big)\b([^<>]*)>", re.IGNORECASE)
_SUSPICIOUS_ATTR = re.compile(r"\bon\w+\s*=|javascript\s*:", re.IGNORECASE)

# Everything from a quoted earlier message on is another text, not the comment itself.
_QUOTED_TAIL = re.compile(
    r"-{2,}\s*Original Message\s*-{2,}.*"
    r"|_{5,}\s*From:.*",
    re.IGNORECASE | re.DOTALL,
)
_SIGNATURE = re.compile(
    r"(?:^|(?<=\s))(?:"
    r"Sent from my (?:iPhone|iPad|iPod|Android(?: phone| device)?|Samsung(?: Galaxy)?"
    r"(?: smartphone)?|Galaxy|BlackBerry|Huawei(?: phone)?|mobile(?: device)?)"
    r"|Sent from (?:Outlook|Mail|Yahoo Mail|Gmail)(?: for (?:iOS|Android|Windows(?: 1[01])?))?"
    r"|Get Outlook for (?:iOS|Android)"
    r")[ \t.!]*(?=\n|$)",
    re.IGNORECASE,
)
_LEADING_LABEL = re.compile(
    r"^(?:(?:(?:QA |Auditor(?:'s)? |Labell?er(?:'s)? |Agent )?(?:comment|note|remarks?)|Feedback)"
    r"\s*:\s*)+",
    re.IGNORECASE,
)
_MAX_UNESCAPE = 3  # exports sometimes encode twice ("&amp;nbsp;")
_WHITESPACE = re.compile(r"\s+")


def _format_tag(match: re.Match[str], replacement: str) -> str:
    """Replace a formatting tag unless its attributes could run code."""
    if _SUSPICIOUS_ATTR.search(match.group(1)):
        return match.group(0)
    return replacement


def clean_text(text: str | None) -> str:
    """Return ``text`` as plain, single-line, trimmed text.

    Steps, in order: decode HTML entities (``&amp;``, ``&nbsp;``, ``&#39;``, also when encoded
    twice); normalise Unicode
    to NFKC; drop zero-width and control characters; turn rich-text formatting tags (``<br>``,
    ``<p>``, ``<div>``, ``<li>``, ``<span ...>``, ``<b>``, ``<font ...>``...) into a space
    (block tags) or nothing (inline tags); cut a quoted earlier message
    (``-----Original Message-----`` and all after it); drop mobile mail signatures ("Sent from
    my iPhone"); collapse whitespace; drop a leading label such as ``Auditor comment:``.

    Any other angle-bracket text (``<script>``, ``<img onerror=...>``, ``<3``) is kept as
    literal text, and so is a formatting tag that carries an event handler or a
    ``javascript:`` link. Case and emoji are kept.

    Parameters
    ----------
    text
        The raw text; None (or a missing value) gives ``""``. Other non-string values are
        converted with `str`.

    Returns
    -------
    str
        The cleaned text, possibly empty.

    Examples
    --------
    >>> clean_text("Auditor comment: <b>Wrong</b> macro&nbsp;used<br>see SOP")
    'Wrong macro used see SOP'
    >>> clean_text("<script>alert(1)</script>")
    '<script>alert(1)</script>'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    out = str(text)
    for _ in range(_MAX_UNESCAPE):
        if "&" not in out or out == (decoded := html.unescape(out)):
            break
        out = decoded
    out = unicodedata.normalize("NFKC", out)
    out = _CONTROL.sub(" ", _INVISIBLE.sub("", out))
    out = _BLOCK_TAG.sub(lambda m: _format_tag(m, " "), out)
    out = _INLINE_TAG.sub(lambda m: _format_tag(m, ""), out)
    out = _QUOTED_TAIL.sub(" ", out)
    out = _SIGNATURE.sub(" ", out)
    out = _WHITESPACE.sub(" ", out).strip()
    return _LEADING_LABEL.sub("", out)


def clean_series(s: pd.Series) -> pd.Series:
    """Apply `clean_text` to every cell of ``s``; missing values become ``""``.

    Each distinct value is cleaned once (exports repeat short answers such as "ok" a lot), so
    the cost grows with the number of distinct texts, not rows.

    Parameters
    ----------
    s
        A column of free text; cells may be None, NaN or ``pd.NA``.

    Returns
    -------
    pandas.Series
        Strings, with the index and name of ``s``.
    """
    return map_distinct(s, clean_text)


def map_distinct(s: pd.Series, func: Callable[[str], str]) -> pd.Series:
    """Apply a text function to each distinct non-missing value of ``s``.

    Parameters
    ----------
    s
        A column of text; missing cells (None, NaN, ``pd.NA``) give ``""`` without calling
        ``func``. Non-string cells are converted with `str` first.
    func
        A function from one text to another, e.g. `clean_text` or `rca.text.redact.redact`.

    Returns
    -------
    pandas.Series
        Strings (dtype ``str``), with the index and name of ``s``.
    """
    present = s.notna().to_numpy()
    values = s[present].astype(str)
    mapping = {value: func(value) for value in pd.unique(values)}
    out = pd.Series("", index=s.index, name=s.name, dtype="str")
    out[present] = values.map(mapping).to_numpy()
    return out
