"""Evidence quotes: short, distinct excerpts of already cleaned and redacted texts."""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from rca.text.clean import clean_text
from rca.text.redact import redact

__all__ = ["evidence_quotes"]


def evidence_quotes(texts: Iterable[object], n: int = 3, max_chars: int = 200) -> list[str]:
    """Return up to ``n`` distinct, cleaned and redacted quotes from ``texts``, in their order.

    Method: each text goes through `rca.text.clean.clean_text` then `rca.text.redact.redact`
    (again, in case the caller has not redacted it: both are idempotent on clean text); empty texts
    and repeats (case-insensitive) are skipped; quotes longer than ``max_chars`` are cut with "…".
    """
    out: list[str] = []
    seen: set[str] = set()
    for text in texts:
        if len(out) >= n:
            break
        if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
            continue
        quote = redact(clean_text(str(text))).strip()
        if quote and quote.lower() not in seen:
            seen.add(quote.lower())
            out.append(quote if len(quote) <= max_chars else quote[: max_chars - 1] + "…")
    return out
