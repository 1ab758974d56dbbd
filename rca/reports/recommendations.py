"""Recommendations as readers see them: a numbered, escaped list with owners and reasons."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from rca.reports.finding_text import recommendation_texts
from rca.reports.fragments import esc

__all__ = ["OWNER_NAMES", "recommendation_list"]

#: Readable owner names for reports.
OWNER_NAMES: dict[str, str] = {
    "operations": "Operations (team leads)",
    "policy": "Policy and content owners",
    "product": "Product and engineering",
    "QA": "QA team",
}


def recommendation_list(recs: pd.DataFrame, empty: str = "No recommendations this month.") -> HTML:
    """Render `recommend`'s result as a numbered list; every text is HTML-escaped.

    The sentences come from `rca.reports.finding_text.recommendation_texts`.

    Parameters
    ----------
    recs
        `rca.findings.recommend.recommend` result (structured).
    empty
        Sentence shown instead when there is nothing to recommend.
    """
    if recs.empty:
        return HTML(f'<div class="rca-callout">{esc(empty)}</div>')
    items = []
    for r in recommendation_texts(recs).to_dict("records"):
        owner = OWNER_NAMES.get(str(r["owner"]), str(r["owner"]))
        ids = ", ".join(map(str, r["finding_ids"]))
        items.append(
            f"<li><b>{esc(r['action'])}</b><br><small>Who: {esc(owner)}. Why: {esc(r['reason'])}. "
            f"Finding {esc(ids)}.</small></li>"
        )
    return HTML(f'<ol class="rca-recommendations">{"".join(items)}</ol>')
