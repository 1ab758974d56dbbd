"""Slide fragments for the meeting decks: one finding per slide, and the presenter's notes.

The notebooks mark which cells make slides (``slideshow`` cell metadata, see
`rca.batch.deck_export`); cells only the deck shows are tagged ``deck-only`` (kept out of the HTML
report) and call these functions. A finding slide shows what was found, its change and root
cause, its evidence (counts, comparison, interval, example cases, redacted) and what to do about
it (`rca.findings.recommend.recommend`, one slide per recommendation, led by its best finding).
Speaker notes hold the exact counts, intervals and finding ids a presenter may be asked about.
Every text from data is escaped. A slot past the last finding shows nothing and the deck drops
that slide.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from IPython.display import HTML

import rca.findings.recommend as rec
from rca.reports.finding_evidence import (
    comparison_text,
    counts_text,
    evidence_html,
    interval_text,
)
from rca.reports.finding_text import change_text, describe, recommendation_texts
from rca.reports.fragments import esc
from rca.reports.recommendations import OWNER_NAMES

__all__ = [
    "deck_recommendations",
    "finding_notes",
    "finding_slide",
    "kpi_notes",
    "title_line",
]

_EMPTY = HTML("")


def deck_recommendations(
    findings: pd.DataFrame | None, owners: Sequence[str] | None = None
) -> pd.DataFrame:
    """Recommendations of the clear findings, best first, each with its sentences.

    `rca.findings.recommend.recommend` (kept to ``owners`` when given) with ``action`` and
    ``reason`` from `rca.reports.finding_text.recommendation_texts`; empty when ``findings``
    cannot tell.
    """
    needed = {"finding_id", "type", "significant", "root_cause", "rank"}
    if findings is None or findings.empty or not needed <= set(findings.columns):
        return pd.DataFrame()
    recs = rec.recommend(findings, owners=owners).reset_index(drop=True)
    if recs.empty:
        return recs
    texts = recommendation_texts(recs)
    return recs.assign(action=texts["action"].to_numpy(), reason=texts["reason"].to_numpy())


def title_line(
    findings: pd.DataFrame | None, month: str, previous: str | None, what: str = ""
) -> HTML:
    """Say on the title slide: the month, what it is compared with, the clear findings.

    ``what`` names the subject (e.g. a team) before the month.
    """
    clear = 0
    if findings is not None and "significant" in findings:
        clear = int(findings["significant"].fillna(False).astype(bool).sum())
    since = f", compared with {previous}" if previous else " (the first month of the data)"
    words = f"{what} · " if what else ""
    return HTML(
        f'<p class="rca-deck-sub">{esc(words)}QA review of {esc(month)}{esc(since)}<br>'
        f"{clear} clear finding{'s' if clear != 1 else ''} · the numbers behind each slide are "
        "in the speaker notes (press S)</p>"
    )


def _lead(findings: pd.DataFrame | None, r: Mapping[Any, Any]) -> dict[Any, Any]:
    """Return the finding a recommendation leads with (its own fields when not found)."""
    rows = pd.DataFrame() if findings is None else findings
    rows = rows[rows["finding_id"].astype(str) == str(r["lead_id"])] if len(rows) else rows
    return {str(k): v for k, v in rows.iloc[0].items()} if len(rows) else dict(r)


def finding_slide(
    findings: pd.DataFrame | None,
    number: int,
    owners: Sequence[str] | None = None,
    n_examples: int = 2,
) -> HTML:
    """Show the ``number``-th (1-based) recommendation: its lead finding and what to do.

    Empty (the deck drops the slide) when there are fewer recommendations.
    """
    recs = deck_recommendations(findings, owners)
    if number > len(recs):
        return _EMPTY
    r = recs.iloc[number - 1].to_dict()
    lead = _lead(findings, r)
    owner = OWNER_NAMES.get(str(r["owner"]), str(r["owner"]))
    more = len(r["finding_ids"]) - 1
    also = f" (and {more} alike finding{'s' if more != 1 else ''})" if more > 0 else ""
    return HTML(
        f'<p class="rca-deck-tag">Finding {number} of {len(recs)}{esc(also)}</p>'
        f"<h2>{esc(describe(lead))}</h2>"
        f'<p class="rca-deck-sub">{esc(change_text(lead))}</p>'
        f"{evidence_html(lead, n_examples)}"
        f'<div class="rca-deck-action"><b>What to do:</b> {esc(r["action"])}<br>'
        f"<small>Who: {esc(owner)}. Why: {esc(r['reason'])}.</small></div>"
    )


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def finding_notes(findings: pd.DataFrame, number: int, owners: Sequence[str] | None = None) -> HTML:
    """Speaker notes of `finding_slide`: counts, comparison, interval, q-value, finding ids."""
    recs = deck_recommendations(findings, owners)
    if number > len(recs):
        return _EMPTY
    r = recs.iloc[number - 1].to_dict()
    lead = _lead(findings, r)
    facts = [counts_text(lead), comparison_text(lead), interval_text(lead)]
    q = _number(lead.get("q_value"))
    if not math.isnan(q):
        facts.append(f"q-value {q:.3g} (false discovery rate adjusted)")
    facts.append("finding ids: " + ", ".join(map(str, r["finding_ids"])))
    subjects = [s if isinstance(s, str) else " ".join(map(str, s.values())) for s in r["subjects"]]
    if subjects:
        facts.append("also for: " + ", ".join(subjects))
    return HTML("<ul>" + "".join(f"<li>{esc(f)}</li>" for f in facts if f) + "</ul>")


def kpi_notes(kpis: pd.DataFrame, month: str, segment: str | None = None) -> HTML:
    """Speaker notes of the headline KPIs: audits, passes and each rate's 95 % interval.

    ``kpis`` has a row per ``month`` (``kpis_monthly``) or, with ``segment``, per ``segment``
    and month (``team_kpis``): the row of that segment is told.
    """
    if segment is not None and "segment" in kpis:
        kpis = kpis[kpis["segment"].astype(str) == str(segment)]
    if kpis.empty or "month" not in kpis or month not in set(kpis["month"].astype(str)):
        return _EMPTY
    row = kpis[kpis["month"].astype(str) == month].iloc[0]
    facts = []
    n = _number(row.get("n"))
    for name, col in (("pass rate", "pass"), ("critical error rate", "critical")):
        rate, lo, hi = (_number(row.get(f"{col}{s}")) for s in ("_rate", "_lo", "_hi"))
        if math.isnan(rate):
            continue
        count = f" ({round(rate * n):,} of {int(n):,} audits)" if not math.isnan(n) else ""
        interval = f", 95 % interval {lo:.1%} to {hi:.1%}" if not math.isnan(lo + hi) else ""
        facts.append(f"{name} {rate:.1%}{count}{interval}")
    score = _number(row.get("mean_score"))
    if not math.isnan(score):
        facts.append(f"average score {score:.1f}")
    return HTML("<ul>" + "".join(f"<li>{esc(f)}</li>" for f in facts) + "</ul>")
