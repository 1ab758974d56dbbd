"""Views of the executive report: headline KPIs, top findings, what changed, what to do.

Every function reads tables of `rca.analysis.month.TABLES` (``kpis_monthly``, ``findings``,
``theme_changes``, ``emerging_themes``) and returns an ``IPython.display.HTML`` fragment in plain
language: changes are "clearly more than last month" (significant after false-discovery-rate
control, or 95 % intervals that do not overlap), never raw p-values. Every data-derived text is
escaped. An empty table gives a plain callout, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from IPython.display import HTML

import rca.findings.recommend as rec
import rca.reports.charts as charts
import rca.reports.fragments as rr
from rca.reports.finding_text import change_text, describe
from rca.reports.load import load
from rca.reports.recommendations import recommendation_list
from rca.themes.causes import GROUPS, UNMAPPED, load_taxonomy

__all__ = [
    "FINDING_KINDS",
    "GROUP_NAMES",
    "cause_name",
    "change_words",
    "headline_cards",
    "kpi_changes",
    "kpi_trend",
    "load",
    "reading_guide",
    "recommendations",
    "theme_chart",
    "top_findings",
    "what_changed",
    "where",
]

#: Readable names of the finding types.
FINDING_KINDS: dict[str, str] = {
    "emerging_theme": "Growing theme", "macro": "Macro / SOP", "technical_issue": "Technical issue",
    "coaching_need": "Coaching need", "calibration_gap": "Auditor calibration",
    "ai_label_confusion": "AI model labels", "top_driver": "Top driver",
}  # fmt: skip
#: Root-cause groups in plain words.
GROUP_NAMES: dict[str, str] = {
    "people": "People: agents' knowledge and skills",
    "process": "Process: how the work is done",
    "policy": "Policy: the rules themselves",
    "product": "Product: the app and its features",
    "system": "Systems: tools, routing and automation",
    UNMAPPED: "Cause not yet known",
}
_Q = 0.05


def reading_guide(month: str, previous: str | None) -> HTML:
    """Return a short note on how to read the report (percentage points, "clearly")."""
    since = f" than in {previous}" if previous else ""
    return rr.callout(
        f"This report covers {month}. “pts” are percentage points, the plain difference between "
        "two percentages: a pass rate going from 80 % to 83 % is +3 pts. “Clearly more” or "
        f"“clearly less”{since} means the change is too large to be chance; smaller movements "
        "are left out or marked “about the same”."
    )


def change_words(difference: float, q_value: float | None, previous: str = "last month") -> str:
    """Plain words for a change in a share: clearly more / clearly less / about the same."""
    if q_value is not None and not pd.isna(q_value) and q_value < _Q and difference != 0:
        return f"clearly {'more' if difference > 0 else 'less'} than {previous}"
    return f"about the same as {previous} (the difference could be chance)"


def where(segment: str, value: object) -> str:
    """Readable place of a theme change: "Whole operation", "Team Lynx", "market MY"."""
    if segment == "all":
        return "Whole operation"
    return str(value) if segment == "team" else f"{segment} {value}"


def _months(kpis: pd.DataFrame, month: str, previous: str | None) -> tuple[Any, Any]:
    rows = kpis.set_index("month")
    cur = rows.loc[month] if month in rows.index else None
    prev = rows.loc[previous] if previous is not None and previous in rows.index else None
    return cur, prev


def headline_cards(kpis: pd.DataFrame, month: str, previous: str | None) -> HTML:
    """KPI cards of ``month`` (``kpis_monthly``) with the change since ``previous``."""
    if kpis.empty or month not in set(kpis.get("month", [])):
        return rr.callout(f"No audits in {month}.", kind="warn")
    return rr.kpi_cards(rr.headline(kpis, month, previous))


def _rate_sentence(label: str, col: str, cur: Any, prev: Any, previous: str, up_good: bool) -> str:
    value = f"{cur[col] * 100:.1f} %"
    if prev is None or pd.isna(prev[col]):
        return f"{label}: {value}."
    diff = (cur[col] - prev[col]) * 100
    if round(diff, 1) == 0:
        return f"{label}: {value}, the same as in {previous}."
    text = (
        f"{label}: {value}, {abs(diff):.1f} pts {'higher' if diff > 0 else 'lower'} than in "
        f"{previous} ({prev[col] * 100:.1f} %)"
    )
    lo, hi = col.replace("_rate", "_lo"), col.replace("_rate", "_hi")
    if {lo, hi} <= set(cur.index) and (cur[lo] > prev[hi] or cur[hi] < prev[lo]):
        better = (diff > 0) == up_good
        return f"{text}: clearly {'better' if better else 'worse'}."
    return f"{text}: not clearly different, a change this size can be chance."


def kpi_changes(kpis: pd.DataFrame, month: str, previous: str | None) -> HTML:
    """Plain sentences on the headline KPIs vs last month (``kpis_monthly``).

    A rate is "clearly better / worse" when its 95 % intervals of the two months do not overlap.
    """
    cur, prev = _months(kpis, month, previous) if len(kpis) else (None, None)
    if cur is None:
        return rr.callout(f"No audits in {month}.", kind="warn")
    prev_month = previous or "last month"
    before = f" ({int(prev['n']):,} in {prev_month})" if prev is not None else ""
    lines = [f"{int(cur['n']):,} audits{before}."]
    lines.append(_rate_sentence("Pass rate", "pass_rate", cur, prev, prev_month, True))
    if pd.notna(cur.get("mean_score")):
        score = f"Average audit score: {cur['mean_score']:.1f}"
        if prev is not None and pd.notna(prev["mean_score"]):
            score += f" ({prev['mean_score']:.1f} in {prev_month})"
        lines.append(score + ".")
    if pd.notna(cur.get("critical_rate")):
        lines.append(_rate_sentence("Critical errors", "critical_rate", cur, prev, prev_month,
                                    False))  # fmt: skip
    if bool(cur.get("small_n", False)):
        lines.append("Few audits this month: read these numbers with care.")
    return HTML("<ul>" + "".join(f"<li>{rr.esc(line)}</li>" for line in lines) + "</ul>")


def kpi_trend(kpis: pd.DataFrame) -> HTML:
    """Pass rate per month with its 95 % interval (``kpis_monthly``); few audits drawn hollow."""
    if kpis.empty:
        return rr.callout("No audits to chart.", kind="warn")
    fig = charts.rate_trend(kpis.sort_values("month"), "month", "pass_rate", "pass_lo",
                            "pass_hi", "Pass rate by month (shaded: 95 % interval)",
                            flag="small_n")  # fmt: skip
    fig.update_xaxes(type="category", title="month")  # "2026-09" is a month, not a date axis
    return rr.figure(fig)


def cause_name(root_cause: str, names: Mapping[str, str] | None = None) -> str:
    """Readable name of a root-cause id (``process.outdated_macro`` -> "Outdated macro …")."""
    if names is None:
        names = {c.id: c.name for c in load_taxonomy()}
    if root_cause in names:
        return names[root_cause]
    return "not yet known" if root_cause in (UNMAPPED, "unassigned", "") else root_cause


def top_findings(findings: pd.DataFrame, top_n: int = 8) -> HTML:
    """List the ``top_n`` best-ranked significant findings, grouped by root-cause group.

    Each finding: what was found (plainly), its change, its root cause and one redacted quote,
    rendered from the finding's fields by `rca.reports.finding_text`.
    """
    needed = {"finding_id", "type", "segment_type", "segment_value", "significant", "root_cause",
              "rank", "evidence"}  # fmt: skip
    if findings.empty or not needed <= set(findings.columns):
        return rr.callout("No findings this month.")
    clear = findings[findings["significant"].fillna(False).astype(bool)].sort_values("rank")
    if clear.empty:
        return rr.callout(
            "No finding is clear enough to report this month: every change seen could be chance."
        )
    top, alike = _collapse(clear, top_n)
    top["_cause_group"] = top["root_cause"].astype(str).str.split(".").str[0]
    top["_cause_group"] = top["_cause_group"].where(top["_cause_group"].isin(GROUPS), UNMAPPED)
    names = {c.id: c.name for c in load_taxonomy()}
    parts = []
    for group in dict.fromkeys(top["_cause_group"]):
        items = [_finding_item(r, names, alike.get(str(r["finding_id"]), []))
                 for r in top[top["_cause_group"] == group].to_dict("records")]  # fmt: skip
        parts.append(f"<h4>{rr.esc(GROUP_NAMES[group])}</h4><ul>{''.join(items)}</ul>")
    shown = len(top) + sum(map(len, alike.values()))
    note = (
        f"<p><small>{shown} of the {len(clear)} clear findings, most important first; "
        f"{len(findings) - len(clear)} possible findings that could be chance are left out."
        "</small></p>"
    )
    return HTML("".join(parts) + note)


def _collapse(clear: pd.DataFrame, top_n: int) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Keep the ``top_n`` best findings; alike ones join the best of them (no place taken).

    Alike: same `rca.findings.recommend.merge_key`. Returns the rows kept and, per kept finding id,
    who else has the same gap.
    """
    kept: list[int] = []
    first: dict[tuple[str, str], str] = {}
    alike: dict[str, list[str]] = {}
    for i, r in zip(clear.index, clear.to_dict("records"), strict=True):
        key = rec.merge_key(r)
        if key is not None and key in first:
            kind, value = str(r["segment_type"]), str(r["segment_value"])
            alike[first[key]].append(value if kind in ("agent", "auditor") else where(kind, value))
        elif len(kept) < top_n:
            kept.append(i)
            if key is not None:
                first[key] = str(r["finding_id"])
                alike[str(r["finding_id"])] = []
    return clear.loc[kept].copy(), alike


def _finding_item(r: Mapping[Any, Any], names: Mapping[str, str], alike: list[str]) -> str:
    quotes = [str(q) for q in list(r["evidence"])[:1]]
    quote = f" <i>“{rr.esc(quotes[0])}”</i>" if quotes else ""
    same = f" The same for {len(alike)} more: {', '.join(sorted(alike))}." if alike else ""
    if alike and r["type"] == "emerging_theme":
        same = f" Also growing in: {', '.join(alike)}."
    kind = FINDING_KINDS.get(str(r["type"]), str(r["type"]))
    return (
        f"<li><b>{rr.esc(describe(r))}</b> ({rr.esc(kind)}, {rr.esc(change_text(r))}). "
        f"Root cause: {rr.esc(cause_name(str(r['root_cause']), names))}.{rr.esc(same)}{quote}"
        "</li>"
    )


def theme_chart(changes: pd.DataFrame, top_n: int = 8) -> HTML:
    """Largest themes of audit comments this month, with last month's share as a mark."""
    if changes.empty or "segment" not in changes:
        return rr.empty_note(changes, "No themes in audit comments this month.", kind="info")
    rows = changes[(changes["segment"] == "all") & (changes["item"] != -1)]
    rows = rows.sort_values(["share_current", "item"], ascending=[False, True]).head(top_n)
    if rows.empty:
        return rr.callout("No themes in audit comments this month.")
    shares = rows.rename(columns={"label": "theme_label", "share_current": "share",
                                  "share_previous": "previous_share"})  # fmt: skip
    title = "Top themes in audit comments (bars: this month, marks: last month)"
    return rr.figure(charts.theme_bars(shares, title))


def what_changed(
    changes: pd.DataFrame,
    emerging: pd.DataFrame,
    month: str,
    previous: str | None,
    top_n: int = 8,
) -> HTML:
    """Themes of audit comments that clearly grew or shrank since ``previous``, per place.

    Reads ``theme_changes`` (q < 0.05, themes only) and marks rows of ``emerging_themes`` as new.
    """
    since = previous or "last month"
    if changes.empty or "q_value" not in changes:
        return rr.empty_note(changes, f"No comparison with {since} is available.", kind="info")
    clear = changes[(changes["q_value"] < _Q) & (changes["item"] != -1)]
    if clear.empty:
        return rr.callout(
            f"No theme of audit comments changed clearly since {since}: the differences seen "
            "are small enough to be chance."
        )
    keys = ["segment", "segment_value", "item"]
    new = set() if emerging.empty else set(map(tuple, emerging[keys].to_numpy().tolist()))
    clear = clear.assign(_all=clear["segment"] != "all", _size=-clear["difference"].abs())
    clear = clear.sort_values(["_all", "_size", "label"]).head(top_n)
    words = [
        ("new, " if (s, v, i) in new else "") + change_words(d, q, since)
        for s, v, i, d, q in clear[[*keys, "difference", "q_value"]].itertuples(index=False)
    ]
    view = pd.DataFrame(
        {
            "Theme": clear["label"].to_numpy(),
            "Where": [where(s, v) for s, v in zip(clear["segment"], clear["segment_value"],
                                                   strict=True)],
            f"Share in {since}": clear["share_previous"].to_numpy(),
            f"Share in {month}": clear["share_current"].to_numpy(),
            "Change": clear["difference"].to_numpy(),
            "In plain words": words,
        }
    )  # fmt: skip
    return rr.table(view, formats={f"Share in {since}": "pct", f"Share in {month}": "pct",
                                   "Change": "pts"})  # fmt: skip


def recommendations(findings: pd.DataFrame, top_n: int = 8) -> HTML:
    """Say what to do: `rca.findings.recommend.recommend` for the clear findings, with owners."""
    return recommendation_list(
        rec.recommend(findings, top_n=top_n),
        empty="Nothing needs action this month: no finding is clear enough.",
    )
