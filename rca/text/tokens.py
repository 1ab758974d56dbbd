"""Words of a text in its own language: the tokenizer and stop words behind keywords and names.

`tokenize` splits a text into lower-cased (``str.casefold``) words of any script, Vietnamese and
Portuguese diacritics included, without digits, punctuation or redaction placeholders such as
``[EMAIL]``. Thai has no spaces between words: every run of Thai letters, alone or inside an
otherwise English text, is segmented with PyThaiNLP's dictionary-based ``newmm`` engine (its
dictionary ships inside the package; PyThaiNLP is put in offline, read-only mode, so nothing is
downloaded or written). With ``keep_stop_words=False`` the words of `stop_words` for the text's
language are removed, as scikit-learn does before forming n-grams.

Stop words per language (`stop_words`): scikit-learn's English list plus `DOMAIN_STOP_WORDS` for
English; the bundled ``stopwordsiso`` lists for Malay, Indonesian, Tagalog, Thai, Vietnamese,
Portuguese and Spanish, with PyThaiNLP's Thai list, and a few chat particles and spellings the
lists lack (`EXTRA_STOP_WORDS`). Support text mixes English into every language, so every list
also holds the English one; English holds the Tagalog particles (Taglish); Malay and Indonesian
share their lists, and so do Portuguese and Spanish (the detector confuses them on short texts).
The Malay list was built from news and holds content words ("bank", "wang", "pelanggan"), others
hold support words ("cuenta", "nhận", "ยืนยัน"): `KEPT_WORDS` lists what is taken back out.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache

__all__ = [
    "DOMAIN_STOP_WORDS",
    "EXTRA_STOP_WORDS",
    "KEPT_WORDS",
    "STOP_WORD_LANGUAGES",
    "ngrams",
    "stop_words",
    "tokenize",
    "tokenize_texts",
]


def _set(words: str) -> frozenset[str]:
    """Return the space-separated words of ``words``; ``_`` joins the words of a phrase."""
    return frozenset(words.split())


#: Languages with their own stop-word list; any other code (``"und"``) gets all lists at once.
STOP_WORD_LANGUAGES: tuple[str, ...] = ("en", "ms", "id", "tl", "th", "vi", "pt", "es")

#: Domain stop words on top of scikit-learn's English list: redaction placeholders, publishers'
#: ``XXXX`` masks and filler that support text is full of.
DOMAIN_STOP_WORDS: frozenset[str] = frozenset(
    {
        "xxxx", "xx", "xxx", "email", "phone", "url", "handle", "card", "number",
        "hi", "hello", "thanks", "thank", "pls", "please", "im", "ive", "dont", "didnt",
        "doesnt", "cant", "wont", "u", "ur", "ok", "okay", "just", "really", "also", "got",
        "get", "would", "could", "one", "still", "yet", "even",
    }
)  # fmt: skip

#: Particles, chat spellings and courtesy words the bundled lists lack (like "please" and
#: "thanks" in `DOMAIN_STOP_WORDS`). Malay and Indonesian share one entry (and their lists).
EXTRA_STOP_WORDS: dict[str, frozenset[str]] = {
    "ms": _set(
        "nak tak dah ni tu je la lah pun sy yg dgn utk dlm sdh udah gak ga nggak gk tk aja sih "
        "kok deh nih tuh ya tolong terima kasih mohon min kak gan bang bro encik cik puan sis "
        "masing"
    ),
    "tl": _set(
        "po opo naman lang lng yung ung nga ba kasi kc sana talaga rin nang yun yan iyan yon nasa "
        "wala meron pala tapos dyan diyan jan nung si kay mo niyo nyo kayo ikaw natin ninyo eh ha "
        "pag dun daw raw muna salamat paki sya mag nag naka tsaka saka baka parang medyo sir maam "
        "ma"
    ),
    "th": _set("ขอบคุณ รบกวน นะคะ นะครับ ค่า ไหม อีกครั้ง"),
    "vi": _set(
        "ạ ơi nhé nha dạ vâng ko hok khong dc đc mik mk anh chị shop ad xin vui_lòng cám_ơn "
        "giúp_mình"
    ),
    "pt": _set(
        "vc vcs voce pq tb tbm pra pro né ne ta tá oi olá ola obg ja so ate la ai sao tao aqui"
    ),
    "es": _set("hola gracias porfa xq pq tb tmb pa oye buenas favor ok"),
}

#: Content words of support text taken back out of the bundled lists (they stay keywords):
#: the Malay list comes from news (banks, money, customers); the others name what goes wrong
#: (arriving, receiving, confirming, opening, the account, the system, the amount).
KEPT_WORDS: dict[str, frozenset[str]] = {
    "ms": _set(
        "bank wang tunai pelanggan pengguna perkhidmatan maklumat masalah sistem kewangan pinjaman "
        "harga kos kadar faedah bayaran dana syarikat produk program proses keselamatan kemudahan "
        "laporan kenyataan keputusan permintaan sokongan tawaran teknologi tempoh tindakan kaunter "
        "pejabat pekerja pendapatan jualan barangan ringgit kereta penerbangan kerja operasi "
        "kontrak unit dibuka ditutup terbuka berubah naik turun"
    ),
    "id": _set(
        "masalah masalahnya jawaban pertanyaan kasus keluar kembali sampai tiba lama waktu kurang "
        "bekerja"
    ),
    "th": _set("ยืนยัน รับ ได้รับ ส่ง เปิด ปิด เปลี่ยน เปลี่ยนแปลง แก้ไข ผิด ช้า เข้า ออก เก็บ เสีย ขาด เพิ่ม ปรับ"),
    "vi": frozenset({"nhận", "thời gian"}),
    "pt": _set(
        "valor sistema nome tempo trabalho trabalhar viagem apoio conselho falta ligado desligado "
        "iniciar"
    ),
    "es": _set("cuenta llegó trabajo trabajar tiempo valor uso total"),
}

# Neighbours the detector confuses on short texts share their lists.
_SHARED_LISTS: dict[str, tuple[str, ...]] = {
    "ms": ("ms", "id"),
    "id": ("ms", "id"),
    "pt": ("pt", "es"),
    "es": ("pt", "es"),
}

_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")
# An apostrophe or hyphen between letters joins them: "don't" -> "dont", "top-up" -> "topup",
# "masing-masing" -> "masingmasing" (what BERTopic's own English preprocessing did).
_JOINER = re.compile(r"(?<=[^\W\d_])['\u2019-](?=[^\W\d_])")
# A run of Thai letters and marks (no Thai digits), or a run of letters of any other script
# (Vietnamese tone marks survive NFC as precomposed letters; stray combining marks are kept).
_WORD = re.compile(r"[\u0E01-\u0E4E]+|[^\W\d_\u0E00-\u0E7F][^\W\d_\u0E00-\u0E7F\u0300-\u036F]*")
_THAI = re.compile(r"[\u0E01-\u0E4E]")
_MIN_CHARS = 2


@lru_cache(maxsize=1)
def _thai_segmenter() -> Callable[..., list[str]]:
    """PyThaiNLP's ``word_tokenize``, imported offline and read-only (nothing downloaded)."""
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    from pythainlp.tokenize import word_tokenize

    return word_tokenize


@lru_cache(maxsize=65536)
def _thai_words(run: str) -> tuple[str, ...]:
    """Segment one run of Thai letters into words (``newmm``, the bundled dictionary)."""
    words = _thai_segmenter()(run, engine="newmm", keep_whitespace=False)
    return tuple(w for w in words if _THAI.search(w))


def _words(text: str) -> list[str]:
    """All words of ``text``, stop words included (see `tokenize`)."""
    flat = _PLACEHOLDER.sub(" ", text).casefold()
    flat = _JOINER.sub("", unicodedata.normalize("NFC", flat))
    out: list[str] = []
    for run in _WORD.findall(flat):
        if _THAI.match(run):
            out.extend(w for w in _thai_words(run) if len(w) >= _MIN_CHARS)
        elif len(run) >= _MIN_CHARS:
            out.append(run)
    return out


def _split_entries(entries: Iterable[str]) -> set[str]:
    """Return stop-list entries as our tokens.

    Hyphenated ones ("masing-masing") joined and as their parts, multi-word ones ("cảm ơn",
    ``cảm_ơn`` in `EXTRA_STOP_WORDS`) as phrases.
    """
    out: set[str] = set()
    for entry in entries:
        entry = unicodedata.normalize("NFC", entry.replace("_", " ").casefold()).strip()
        if "-" in entry:
            out.update(part for part in entry.split("-") if part)
            out.add(entry.replace("-", ""))
        elif entry:
            out.add(entry)
    return out


@cache
def _bundled(language: str) -> frozenset[str]:
    """One language's own list: bundled lists plus extras, minus `KEPT_WORDS`."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    if language == "en":
        return frozenset(ENGLISH_STOP_WORDS | DOMAIN_STOP_WORDS)
    import stopwordsiso

    codes = _SHARED_LISTS.get(language, (language,))
    words: set[str] = set()
    for code in codes:
        words |= set(stopwordsiso.stopwords(code)) | EXTRA_STOP_WORDS.get(code, frozenset())
    if language == "th":
        os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
        os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
        from pythainlp.corpus import thai_stopwords

        words |= set(thai_stopwords())
    kept = set().union(*(KEPT_WORDS.get(code, frozenset()) for code in codes))
    return frozenset(_split_entries(words) - kept)


@cache
def stop_words(language: str) -> frozenset[str]:
    """Return the stop words removed from texts in ``language``.

    Parameters
    ----------
    language
        ISO 639-1 code from `rca.text.language.detect_languages`; a code outside
        `STOP_WORD_LANGUAGES` (``"und"``) gets every list.

    Returns
    -------
    frozenset of str
        The language's own list (minus `KEPT_WORDS`), plus English (texts mix it in), Thai
        (Thai words can only match Thai entries), Tagalog for English (Taglish); multi-word
        entries (Vietnamese "cảm ơn") are phrases of space-separated words.
    """
    if language not in STOP_WORD_LANGUAGES:
        return frozenset().union(*(_bundled(code) for code in STOP_WORD_LANGUAGES))
    words = _bundled(language) | _bundled("en") | _bundled("th")
    if language == "en":
        words |= _bundled("tl")
    return frozenset(words)


@cache
def _phrases(language: str) -> dict[int, frozenset[tuple[str, ...]]]:
    """Multi-word stop entries of ``language`` by length, longest first."""
    by_len: dict[int, set[tuple[str, ...]]] = {}
    for entry in stop_words(language):
        parts = tuple(entry.split())
        if len(parts) > 1:
            by_len.setdefault(len(parts), set()).add(parts)
    return {n: frozenset(by_len[n]) for n in sorted(by_len, reverse=True)}


def _drop_stop_words(words: list[str], language: str) -> list[str]:
    stops = stop_words(language)
    phrases = _phrases(language)
    if not phrases:
        return [w for w in words if w not in stops]
    out: list[str] = []
    i = 0
    while i < len(words):
        for n, entries in phrases.items():
            if tuple(words[i : i + n]) in entries:
                i += n
                break
        else:
            if words[i] not in stops:
                out.append(words[i])
            i += 1
    return out


def tokenize(text: str, language: str = "en", keep_stop_words: bool = False) -> list[str]:
    """Split ``text`` into words, in order, lower-cased, without the language's stop words.

    Parameters
    ----------
    text
        Any text; redaction placeholders (``[EMAIL]``), digits and punctuation are dropped, and
        so are one-letter words.
    language
        The text's ISO 639-1 code (`rca.text.language.detect_languages`), or ``"und"``.
    keep_stop_words
        Keep every word (e.g. to build readable phrases such as "card not arriving").

    Returns
    -------
    list of str
        Words; Thai runs segmented into words, Vietnamese syllables as written.

    Examples
    --------
    >>> tokenize("Kod pengesahan TIDAK sampai [PHONE]", "ms")
    ['kod', 'pengesahan', 'sampai']
    >>> tokenize("Não recebi o código", "pt")
    ['recebi', 'código']
    """
    words = _words(str(text))
    return words if keep_stop_words else _drop_stop_words(words, language)


def tokenize_texts(
    texts: Sequence[str], languages: Sequence[str] | None = None, keep_stop_words: bool = False
) -> list[list[str]]:
    """`tokenize` every text in its language (each distinct text and language once).

    Parameters
    ----------
    texts
        The texts.
    languages
        Code of each text; detected with `rca.text.language.detect_languages` when None.
    keep_stop_words
        As in `tokenize`.

    Returns
    -------
    list of list of str
        The words of each text, in order.
    """
    texts = [str(t) for t in texts]
    if languages is None:
        from rca.text.language import detect_languages

        languages = detect_languages(texts)
    if len(languages) != len(texts):
        raise ValueError(f"got {len(languages)} languages for {len(texts)} texts")
    seen: dict[tuple[str, str], list[str]] = {}
    out = []
    for text, lang in zip(texts, languages, strict=True):
        key = (text, str(lang))
        if key not in seen:
            seen[key] = tokenize(text, key[1], keep_stop_words)
        out.append(seen[key])
    return out


def ngrams(words: Sequence[str], n_max: int = 2) -> list[str]:
    """Return the words then every run of 2..``n_max`` adjacent words, space-joined.

    Examples
    --------
    >>> ngrams(["mã", "xác", "nhận"])
    ['mã', 'xác', 'nhận', 'mã xác', 'xác nhận']
    """
    out = list(words)
    for n in range(2, n_max + 1):
        out.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return out
