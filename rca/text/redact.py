"""Redaction of personal data in free text, with typed placeholder tokens.

What counts as personal data here, and its placeholder:

========  ==============  ===============================================================
kind      placeholder     what is found
========  ==============  ===============================================================
EMAIL     ``[EMAIL]``     e-mail addresses (plus-tags, dots, subdomains)
URL       ``[URL]``       ``http(s)://`` and ``www.`` links (defanged ``hxxp://`` too);
                          ``javascript:`` pseudo-links are text, not links
PHONE     ``[PHONE]``     ``+CC`` numbers in any format; local numbers that `phonenumbers`
                          finds valid in one of the region hints and that are written as
                          phone numbers (trunk ``0``, ``(area)`` code or grouped digits)
HANDLE    ``[HANDLE]``    social ``@handles`` (not e-mails, not ``@here``/``@everyone``)
CARD      ``[CARD]``      13-19 digits, optionally grouped by spaces or dashes, passing Luhn
NUMBER    ``[NUMBER]``    card-shaped numbers failing Luhn; tokens holding 7+ digits in a
                          row; ids after order/account/ref/ticket/invoice/IC/# (``A1234567``);
                          CPF, Malaysian IC and SSN shapes (``123.456.789-09``)
========  ==============  ===============================================================

Not redacted: dates (``2026-03-04``, ``04/03/2026``, ``20260304``), times, amounts
(``$1,250.00``, ``Rp 1.500.000``), percentages, versions, ranges (``3-5 days``, ``24/7``),
short numbers (``step 2``, ``4 tickets``, ``#4521``) and macro ids (``MAC-ACC-004``).

When detections overlap, the longest span wins, then the more specific detection (URL, e-mail,
card or announced id, phone, handle, other numbers), then the earlier one, so the result does
not depend on detector order. IP addresses, postal addresses, names and obfuscated e-mails
("jane at gmail dot com") are not detected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pandas as pd
import phonenumbers

from rca.core.errors import ParameterError
from rca.text.clean import map_distinct

__all__ = [
    "DEFAULT_REGIONS",
    "KINDS",
    "PLACEHOLDERS",
    "Redactor",
    "Span",
    "find_pii",
    "redact",
    "redact_series",
]

#: Kinds of personal data, most specific first.
KINDS: tuple[str, ...] = ("URL", "EMAIL", "CARD", "PHONE", "HANDLE", "NUMBER")

#: Placeholder token of each kind; the topic model treats them as stop words.
PLACEHOLDERS: dict[str, str] = {kind: f"[{kind}]" for kind in KINDS}

#: Regions whose national phone formats are recognised (``+CC`` numbers are found anyway).
DEFAULT_REGIONS: tuple[str, ...] = ("MY", "ID", "PH", "US", "GB", "BR")


@dataclass(frozen=True)
class Span:
    """One piece of personal data found in a text: ``text[start:end]`` is of ``kind``."""

    start: int
    end: int
    kind: str
    text: str


# --- detectors: each yields (start, end, kind, rank); a lower rank wins a tie ----------------

_URL = re.compile(r"\b(?:h(?:tt|xx)ps?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'\")]}*"
_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+'-]*@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)
_HANDLE = re.compile(r"(?<![\w@.+\-/])@([A-Za-z_][A-Za-z0-9_.]*[A-Za-z0-9_])(?![\w@])")
_NOT_HANDLES = frozenset({"everyone", "here", "channel", "all", "team", "mention"})
_DOMAIN_END = re.compile(r"\.(?:com|net|org|gov|edu)$", re.IGNORECASE)

# Digits possibly grouped by single spaces or dashes: the shape of a card number.
_CARD = re.compile(r"(?<![\w+.,-])\d(?:[ -]?\d){12,18}(?![\w]|[.,]\d)")
# A word-like token holding a run of 7+ digits, e.g. 12345678, A1234567, INV20260304001.
_LONG_RUN = re.compile(r"(?<![\w.,$£€¥₱/-])[A-Za-z0-9_-]*\d{7,}[A-Za-z0-9_-]*(?![\w]|[.,]\d)")
# An id after a word that announces one: "order #A12345", "acct no. 99881", "ref: XK-29311".
_KEYWORD_ID = re.compile(
    r"(?:\b(?:order|orders|acct|account|a/c|ref|reference|ticket|invoice|inv|transaction|txn"
    r"|booking|tracking|receipt|awb|member|customer|user|case|id|ic|nric|mykad|ktp|nik|cpf"
    r"|ssn|passport)\b(?:[ ]?(?:no\.?|number|num|id|#|is))?[ ]?[:#.]?[ ]?|(?<![\w&])#)"
    r"(?P<id>(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?![\w]|[.,]\d)",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"(?<!\d)(?:(?:19|20)\d\d[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])[-./](?:0?[1-9]|[12]\d|3[01])[-./](?:19|20)?\d\d)(?!\d)"
)
_COMPACT_DATE = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")
# National ids with a distinctive shape: Brazilian CPF, Malaysian NRIC, US SSN.
_NATIONAL_ID = re.compile(
    r"(?<![\w.-])(?:\d{3}\.\d{3}\.\d{3}-\d{2}|\d{6}-\d{2}-\d{4}|\d{3}-\d{2}-\d{4})(?![\w-]|[.,]\d)"
)

# Phone candidates: an optional +CC or (area) code, then digit groups joined by one separator.
_PHONE = re.compile(
    r"(?<![\w+@.,/$£€¥₱-])(?<!\d:)(?:\(\+?\d{1,4}\)[ .-]?|\+[ ]?)?\d"
    r"(?:(?:[ ]?[.-][ ]?|[ ]|[ ]?\(|\)[ .-]?)?\d){6,16}(?![\w@]|[.,:]\d)"
)
_THOUSANDS = re.compile(r"\d{1,3}(?:([., ])\d{3})(?:\1\d{3})*")
_IP_LIKE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_CURRENCY = r"RM|Rp|PHP|USD|MYR|IDR|BRL|GBP|SGD|EUR"
_CURRENCY_BEFORE = re.compile(rf"(?:[$£€¥₱₹]|\b(?:{_CURRENCY}|R\$))\s?$", re.IGNORECASE)
_CURRENCY_AFTER = re.compile(
    rf"\s?(?:{_CURRENCY}|rupiah|ringgit|pesos?|reais|dollars?|pounds?|euros?)\b", re.IGNORECASE
)
_CURRENCY_GLUED = re.compile(rf"(?:{_CURRENCY})\d", re.IGNORECASE)
_PHONE_CUE = re.compile(
    r"\b(?:call(?:ed|ing)?|phone|tel|telp|mobile|cell|hp|no\.? hp|whats ?app|wa|sms|text"
    r"|viber|contact|number|nombor|nomor|número|numero|ligar|ligue)\b",
    re.IGNORECASE,
)


def _luhn_ok(digits: str) -> bool:
    """Return whether a string of digits passes the Luhn checksum."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


class Redactor:
    """Find and replace personal data of chosen kinds.

    Parameters
    ----------
    kinds
        The kinds to redact, a subset of `KINDS`; None means all of them.
    regions
        ISO region codes whose national phone number formats are recognised, tried in order.

    Raises
    ------
    ParameterError
        If a kind or region is unknown.

    Examples
    --------
    >>> Redactor(kinds=["EMAIL"]).redact("mail jo@example.com or call +60 12-345 6789")
    'mail [EMAIL] or call +60 12-345 6789'
    """

    def __init__(
        self,
        kinds: Iterable[str] | None = None,
        regions: Iterable[str] = DEFAULT_REGIONS,
    ) -> None:
        self.kinds = tuple(KINDS if kinds is None else kinds)
        self.regions = tuple(regions)
        unknown = sorted(set(self.kinds) - set(KINDS))
        if unknown:
            raise ParameterError(f"unknown redaction kind(s) {unknown}; known: {list(KINDS)}")
        supported = phonenumbers.SUPPORTED_REGIONS
        bad = sorted(r for r in self.regions if r not in supported)
        if bad:
            raise ParameterError(f"unknown phone region(s) {bad}; use ISO codes such as 'MY'")

    def find(self, text: str) -> list[Span]:
        """Return the non-overlapping personal-data spans in ``text``, in reading order.

        Parameters
        ----------
        text
            The text to scan (ideally already cleaned with `rca.text.clean.clean_text`).

        Returns
        -------
        list of Span
            Sorted by ``start``; ``text[span.start:span.end] == span.text``.
        """
        found = sorted(self._candidates(text), key=lambda c: (c[0] - c[1], c[3], c[0]))
        taken: list[tuple[int, int, str]] = []
        for start, end, kind, _rank in found:
            if all(end <= s or start >= e for s, e, _ in taken):
                taken.append((start, end, kind))
        return [Span(s, e, k, text[s:e]) for s, e, k in sorted(taken) if k in self.kinds]

    def redact(self, text: str) -> str:
        """Return ``text`` with each personal-data span replaced by its placeholder.

        Parameters
        ----------
        text
            The text to redact.

        Returns
        -------
        str
            The redacted text; redacting it again changes nothing.
        """
        parts: list[str] = []
        last = 0
        for span in self.find(text):
            parts += [text[last : span.start], PLACEHOLDERS[span.kind]]
            last = span.end
        parts.append(text[last:])
        return "".join(parts)

    def redact_series(self, s: pd.Series) -> pd.Series:
        """Redact every cell of ``s`` (a `rca.text.clean.map_distinct` of `redact`).

        Missing cells (None, NaN, ``pd.NA``) give ``""``; each distinct text is redacted once;
        the result keeps the index and name of ``s``.
        """
        return map_distinct(s, self.redact)

    # Detection. Candidates may overlap; `find` resolves them. A detector for a kind that was
    # not asked for still runs, so that e.g. a card number is never half-redacted as a phone.
    def _candidates(self, text: str) -> Iterator[tuple[int, int, str, int]]:
        if "@" in text:
            yield from _emails_and_handles(text)
        if "://" in text or "www." in text.lower():
            yield from _urls(text)
        if sum(ch.isdigit() for ch in text) >= 7:
            yield from _numbers(text)
            yield from self._phones(text)
        elif "#" in text or any(ch.isdigit() for ch in text):
            yield from _keyword_ids(text)

    def _phones(self, text: str) -> Iterator[tuple[int, int, str, int]]:
        for m in _PHONE.finditer(text):
            if self._is_phone(text, m.start(), m.group()):
                yield m.start(), m.end(), "PHONE", 3

    def _is_phone(self, text: str, start: int, cand: str) -> bool:
        """Decide whether a phone-shaped candidate is a phone number."""
        groups = re.findall(r"\d+", cand)
        if (
            sum(map(len, groups)) > 15  # the most E.164 allows
            or sum(len(g) == 1 for g in groups) > 1
            or _DATE.search(cand)
            or _THOUSANDS.fullmatch(cand)
            or _IP_LIKE.fullmatch(cand)
            or _is_amount(text, start, start + len(cand))
        ):
            return False
        if cand.startswith("+"):
            return _parses(cand, None, possible=True)
        cue = _PHONE_CUE.search(text, max(0, start - 30), start) is not None
        if len(groups) == 1 and cand.startswith("00") and not cue:
            return False  # a run of digits with leading zeros is an account, not a call
        local_shape = cand[0] in "0(" or len(groups) > 1
        if local_shape and any(_parses(cand, region) for region in self.regions):
            return True
        if cue and len(groups) > 1 and _parses("+" + cand, None):
            return True  # "WA: 62 812 3456 7890", a country code without its plus
        if cue or cand[0] == "0":
            # Numbers valid nowhere (e.g. fictional ranges) but possible somewhere count when
            # written with a trunk prefix or right after a word such as "call" or "WhatsApp".
            return len(_digits(cand)) >= (7 if cue else 9) and any(
                _parses(cand, region, possible=True) for region in self.regions
            )
        return False


def _is_amount(text: str, start: int, end: int) -> bool:
    """Return whether ``text[start:end]`` is a sum of money ("Rp 1500000", "1500000 IDR")."""
    return bool(
        _CURRENCY_GLUED.match(text, start)
        or _CURRENCY_BEFORE.search(text, max(0, start - 5), start)
        or _CURRENCY_AFTER.match(text, end)
    )


def _parses(cand: str, region: str | None, *, possible: bool = False) -> bool:
    try:
        number = phonenumbers.parse(cand, region)
    except phonenumbers.NumberParseException:
        return False
    if possible:
        return bool(phonenumbers.is_possible_number(number))
    return bool(phonenumbers.is_valid_number(number))


def _urls(text: str) -> Iterator[tuple[int, int, str, int]]:
    for m in _URL.finditer(text):
        url = m.group()
        while url and url[-1] in _URL_TRAILING:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        yield m.start(), m.start() + len(url), "URL", 0


def _emails_and_handles(text: str) -> Iterator[tuple[int, int, str, int]]:
    for m in _EMAIL.finditer(text):
        yield m.start(), m.end(), "EMAIL", 1
    for m in _HANDLE.finditer(text):
        name = m.group(1)
        if name.lower() not in _NOT_HANDLES and not _DOMAIN_END.search(name):
            yield m.start(), m.end(), "HANDLE", 4


def _numbers(text: str) -> Iterator[tuple[int, int, str, int]]:
    for m in _CARD.finditer(text):
        if _luhn_ok(_digits(m.group())):
            yield m.start(), m.end(), "CARD", 2
        else:  # a phone reading of the same digits is the better guess
            yield m.start(), m.end(), "NUMBER", 5
    for m in _LONG_RUN.finditer(text):
        token = m.group()
        if not (
            _COMPACT_DATE.fullmatch(token)
            or token.lower().startswith("0x")
            or _is_amount(text, m.start(), m.end())
        ):
            yield m.start(), m.end(), "NUMBER", 5
    for m in _NATIONAL_ID.finditer(text):
        yield m.start(), m.end(), "NUMBER", 2
    yield from _keyword_ids(text)


def _keyword_ids(text: str) -> Iterator[tuple[int, int, str, int]]:
    for m in _KEYWORD_ID.finditer(text):
        ident = m.group("id")
        n_digits = sum(ch.isdigit() for ch in ident)
        n_letters = sum(ch.isalpha() for ch in ident)
        if (
            len(ident) >= 5
            and n_digits >= max(4, n_letters)
            and not _DATE.fullmatch(ident)
            and not _COMPACT_DATE.fullmatch(ident)
        ):
            # An announced id beats a phone reading of the same digits ("order 0123456789").
            yield m.start("id"), m.end("id"), "NUMBER", 2


_DEFAULT = Redactor()


def find_pii(text: str) -> list[Span]:
    """Return the personal-data spans in ``text`` (all kinds, default regions).

    See `Redactor.find`.
    """
    return _DEFAULT.find(text)


def redact(text: str) -> str:
    """Replace personal data in ``text`` with placeholders such as ``[EMAIL]``.

    All kinds, default regions; see `Redactor.redact`.

    Examples
    --------
    >>> redact("Call +1 (415) 555-0132 or mail jane.doe+qa@example.co.uk about order A1234567")
    'Call [PHONE] or mail [EMAIL] about order [NUMBER]'
    """
    return _DEFAULT.redact(text)


def redact_series(s: pd.Series) -> pd.Series:
    """Redact every cell of ``s`` (all kinds, default regions); missing values become ``""``.

    See `Redactor.redact_series`.
    """
    return _DEFAULT.redact_series(s)
