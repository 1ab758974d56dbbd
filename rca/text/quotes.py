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

    Method: each text goes through `rca.text.clean.clean_text` then `rca.text.redact.redact`;
    empty texts and repeats (case-insensitive) are skipped; quotes longer than ``max_chars`` are
    cut with "…".

    Notes
    -----
    In a month's analysis every text reaching this function is already cleaned and redacted by
    the workspace, and cleaning and redaction are idempotent on such text, so the quotes are the
    same. The guard stays because the public statistics that quote (`rca.stats.macros.macro_report`,
    `rca.stats.tech_issues.technical_issues`, `rca.stats.coaching.coaching_needs`,
    `rca.findings.build.build_findings`) promise redacted quotes for any table they are given, and
    library users and the tests call them on raw exports. It costs at most ``n`` short texts per
    call, and no text is embedded here.
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
