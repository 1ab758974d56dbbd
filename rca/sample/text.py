"""Random draws and text composition: phrase expansion, typos, casing, emoji, PII and XSS.

Phrase templates use a tiny grammar: ``[a|b|c]`` picks one alternative (alternatives may be
empty and brackets may nest) and ``{slot}`` is replaced by a value given by the caller. All
randomness comes from one `Dice`, which draws from a ``numpy.random.Generator`` in blocks, so
the same seed always produces the same text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from math import cos, log, pi, sqrt
from typing import TypeVar

import numpy as np

__all__ = [
    "EMOJI_NEGATIVE",
    "EMOJI_POSITIVE",
    "PII_TYPES",
    "XSS_PAYLOADS",
    "Dice",
    "add_typos",
    "expand",
    "join_clauses",
    "make_pii",
    "restyle",
    "shorthand",
]

T = TypeVar("T")

XSS_PAYLOADS: tuple[str, ...] = (
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "javascript:alert(document.cookie)",
)
PII_TYPES: tuple[str, ...] = ("email", "phone", "handle", "account_number", "card_number")
EMOJI_POSITIVE: tuple[str, ...] = ("👍", "🙏", "❤️", "😊", "👏", "✨", "💯", "🥰")
EMOJI_NEGATIVE: tuple[str, ...] = ("😡", "😤", "🙄", "😭", "🤬", "😞", "👎", "💀")

_ALT = re.compile(r"\[([^\[\]]*)\]")
_SPACE_PUNCT = re.compile(r"\s+([,.;:!?])")


class Dice:
    """Deterministic random draws from a numpy generator (uniforms drawn in blocks).

    Parameters
    ----------
    rng
        The generator; a `Dice` is its only consumer.
    block
        How many uniforms to draw at a time.
    """

    def __init__(self, rng: np.random.Generator, block: int = 16384) -> None:
        self._rng = rng
        self._block = block
        self._buf: list[float] = []
        self._i = 0

    def u(self) -> float:
        """Return a uniform number in [0, 1)."""
        if self._i >= len(self._buf):
            self._buf = self._rng.random(self._block).tolist()
            self._i = 0
        self._i += 1
        return self._buf[self._i - 1]

    def chance(self, p: float) -> bool:
        """Return True with probability ``p``."""
        return self.u() < p

    def pick(self, seq: Sequence[T]) -> T:
        """Return one element of ``seq``, uniformly."""
        return seq[int(self.u() * len(seq))]

    def weighted(self, seq: Sequence[T], weights: Sequence[float]) -> T:
        """Return one element of ``seq`` with probability proportional to ``weights``."""
        cum = list(accumulate(weights))
        return seq[min(bisect_right(cum, self.u() * cum[-1]), len(seq) - 1)]

    def integer(self, lo: int, hi: int) -> int:
        """Return an integer in [lo, hi], uniformly."""
        return lo + int(self.u() * (hi - lo + 1))

    def normal(self, mean: float = 0.0, sd: float = 1.0) -> float:
        """Return a normal draw (Box-Muller)."""
        u1 = 1.0 - self.u()
        return mean + sd * sqrt(-2.0 * log(u1)) * cos(2.0 * pi * self.u())

    def sample(self, seq: Sequence[T], k: int) -> list[T]:
        """Return ``k`` distinct elements of ``seq`` in random order."""
        pool = list(seq)
        out = []
        for _ in range(min(k, len(pool))):
            out.append(pool.pop(int(self.u() * len(pool))))
        return out

    def digits(self, n: int) -> str:
        """Return ``n`` random decimal digits."""
        return "".join(str(int(self.u() * 10)) for _ in range(n))


def expand(dice: Dice, template: str, slots: dict[str, str] | None = None) -> str:
    """Expand a phrase template: pick alternatives, fill slots, tidy whitespace.

    Parameters
    ----------
    dice
        Source of randomness.
    template
        Text with ``[a|b]`` alternatives (nesting allowed) and ``{name}`` slots.
    slots
        Values of the slots.

    Returns
    -------
    str
        The expanded phrase.
    """
    text = template
    while "[" in text:
        text = _ALT.sub(lambda m: dice.pick(m.group(1).split("|")), text)
    for key, value in (slots or {}).items():
        text = text.replace("{" + key + "}", value)
    return _SPACE_PUNCT.sub(r"\1", " ".join(text.split()))


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def join_clauses(dice: Dice, clauses: Sequence[str]) -> str:
    """Join clauses into one note in a randomly chosen house style.

    Styles: sentences, dash-separated fragments, semicolons, or a run-on with commas.
    """
    parts = [c.strip() for c in clauses if c.strip()]
    if not parts:
        return ""
    style = dice.weighted(("sentences", "dashes", "semicolons", "commas"), (0.55, 0.15, 0.1, 0.2))
    if style == "sentences":
        text = " ".join(_capitalise(p) + ("" if p[-1] in ".!?" else ".") for p in parts)
        return text if dice.chance(0.85) else text.rstrip(".")
    sep = {"dashes": " - ", "semicolons": "; ", "commas": ", "}[style]
    text = sep.join(p.rstrip(".") for p in parts)
    return _capitalise(text) if dice.chance(0.6) else text


_SHORTHAND: tuple[tuple[str, str], ...] = (
    ("customer", "cust"),
    ("please", "pls"),
    ("verification", "verif"),
    ("because", "bc"),
    ("without", "w/o"),
    ("with", "w/"),
    ("information", "info"),
    ("account", "acct"),
    ("message", "msg"),
)


def shorthand(dice: Dice, text: str) -> str:
    """Replace some words by the abbreviations auditors type in a hurry."""
    for long, short in _SHORTHAND:
        if long in text and dice.chance(0.6):
            text = re.sub(rf"\b{long}\b", short, text)
    return text


_NEIGHBOURS = {
    "a": "sq",
    "e": "wr",
    "i": "uo",
    "o": "ip",
    "n": "bm",
    "s": "ad",
    "t": "ry",
    "r": "et",
    "l": "k",
    "c": "xv",
}


def _mistype(dice: Dice, word: str) -> str:
    i = dice.integer(1, len(word) - 2)
    op = dice.pick(("swap", "drop", "double", "neighbour"))
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "drop":
        return word[:i] + word[i + 1 :]
    if op == "double":
        return word[:i] + word[i] + word[i:]
    near = _NEIGHBOURS.get(word[i].lower())
    return word[:i] + dice.pick(near) + word[i + 1 :] if near else word[:i] + word[i + 1 :]


def add_typos(dice: Dice, text: str, rate: float) -> str:
    """Mistype alphabetic words of four letters or more with probability ``rate`` each.

    Words with digits or symbols (ids, macro codes, handles) are left alone.
    """
    words = text.split(" ")
    for k, word in enumerate(words):
        if len(word) >= 4 and word.isalpha() and dice.chance(rate):
            words[k] = _mistype(dice, word)
    return " ".join(words)


def restyle(dice: Dice, text: str, lower: float, caps: float) -> str:
    """Turn the text to lower case or ALL CAPS with the given probabilities."""
    roll = dice.u()
    if roll < caps:
        return text.upper()
    if roll < caps + lower:
        return text.lower()
    return text


# Phone formats per market: international and local, with digits drawn at random. US numbers
# use the fictional 555-01xx range; GB numbers the Ofcom drama range 020 7946 0xxx.
_PHONES: dict[str, tuple[str, ...]] = {
    "MY": ("+60 1#-### ####", "01#-### ####", "+6012 ### ####"),
    "ID": ("+62 81# #### ####", "0812-####-####", "+62812########"),
    "PH": ("+63 917 555 ####", "0917 555 ####", "+639175550###"),
    "TH": ("+66 8# ### ####", "08#-###-####", "+668########"),
    "VN": ("+84 9# ### ## ##", "09# ### ####", "+849########"),
    "US": ("+1 (415) 555-01##", "(415) 555-01##", "415-555-01##"),
    "GB": ("+44 20 7946 0###", "020 7946 0###", "+44 7700 900###"),
    "BR": ("+55 11 9####-####", "(11) 9####-####", "+55 21 9####-####"),
}
_EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.org", "example.net", "mail.example")
_NAME_BITS: tuple[str, ...] = (
    "sunny",
    "mika",
    "rizky",
    "bela",
    "jojo",
    "kai",
    "lina",
    "dan",
    "putri",
    "marco",
    "ana",
    "jay",
    "nurul",
    "tess",
    "leo",
    "gabi",
)


def _fill_digits(dice: Dice, pattern: str) -> str:
    return "".join(str(dice.integer(0, 9)) if ch == "#" else ch for ch in pattern)


def _luhn_complete(body: str) -> str:
    total = 0
    for k, ch in enumerate(reversed(body)):
        d = int(ch)
        if k % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def make_pii(dice: Dice, kind: str, market: str) -> str:
    """Return an obviously fake personal-data value of type ``kind``.

    Parameters
    ----------
    dice
        Source of randomness.
    kind
        One of `PII_TYPES`.
    market
        Market code; phone numbers use that market's formats.
    """
    name = dice.pick(_NAME_BITS)
    if kind == "email":
        sep = dice.pick((".", "_", ""))
        return (
            f"{name}{sep}{dice.pick(_NAME_BITS)}{dice.integer(1, 99)}@{dice.pick(_EMAIL_DOMAINS)}"
        )
    if kind == "phone":
        return _fill_digits(dice, dice.pick(_PHONES.get(market, _PHONES["US"])))
    if kind == "handle":
        return "@" + name + dice.pick(("_", ".", "")) + dice.pick(_NAME_BITS) + dice.digits(2)
    if kind == "account_number":
        if dice.chance(0.5):
            return (
                dice.pick(("order #", "order no. ", "Order ID "))
                + "AB"[dice.integer(0, 1)]
                + dice.digits(7)
            )
        return dice.pick(("acct ", "account no. ", "account #")) + "9" + dice.digits(7)
    body = dice.pick(("4000", "4242", "5555", "4111")) + dice.digits(11)
    number = _luhn_complete(body) if dice.chance(0.6) else body + dice.digits(1)
    sep = dice.pick((" ", "-", ""))
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))
