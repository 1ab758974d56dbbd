"""Views of the executive report: headline KPIs, top findings, what changed, what to do.

Every function reads tables of `rca.analysis.month.TABLES` (``kpis_monthly``, ``kpi_changes``,
``findings``, ``finding_family``, ``theme_changes``, ``emerging_themes``) and returns an
``IPython.display.HTML`` fragment in plain language, never raw p-values. The words "clear",
"better", "worse" and "about the same" come from the analysis' one rule (the findings'
``significant``, ``kpi_changes``' ``clear`` and ``verdict``), explained by
`rca.reports.finding_evidence.clear_meaning` where they appear; a report never decides them again.
Every data-derived text is escaped. An empty table gives a plain callout, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from IPython.display import HTML

import rca.findings.recommend as rec
import rca.reports.charts as charts
import rca.reports.fragments as rr
from rca.reports.finding_evidence import clear_meaning, evidence_html, family_sentence
from rca.reports.finding_text import change_text, describe
from rca.reports.kpi_words import KPI_WORDS, kpi_changes
from rca.reports.load import load, optional_table
from rca.reports.recommendations import recommendation_list
from rca.themes.causes import GROUPS, UNMAPPED, load_taxonomy

__all__ = [
    "FINDING_KINDS",
    "GROUP_NAMES",
    "KPI_WORDS",
    "cause_name",
    "change_words",
    "headline_cards",
    "kpi_changes",
    "kpi_trend",
    "load",
    "optional_table",
    "reading_guide",
    "recommendations",
    "tested_summary",
    "theme_chart",
    "theme_clear",
    "top_findings",
    "what_changed",
    "where",
]

#: Readable names of the finding types.
FINDING_KINDS: dict[str, str] = {
    "emerging_theme": "Growing theme", "macro": "Macro / SOP", "technical_issue": "Technical issue",
    "coaching_need": "Coaching need", "calibration_gap": "Auditor calibration",
    "ai_label_confusion": "AI model labels", "label_accuracy": "AI label accuracy",
    "top_driver": "Top driver",
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


def reading_guide(month: str, previous: str | None, family: pd.DataFrame | None = None) -> HTML:
    """Return a short note on how to read the report: "pts" and what "clear" means.

    In the first month of the data (``previous`` None) it says in one sentence that there is
    nothing to compare with yet and that comparisons start next month. ``family`` is the
    ``finding_family`` table (how many possible findings were tested), when the analysis has it.
    """
    since = f" than in {previous}" if previous else ""
    covers = f"This report covers {month}."
    if previous is None:
        covers = (
            f"This report covers {month}, the first month in the data: there is no earlier month "
            "to compare with, so comparisons with the previous month start next month."
        )
    return rr.callout(
        f"{covers} “pts” are percentage points, the plain difference between "
        "two percentages: a pass rate going from 80 % to 83 % is +3 pts. “Clearly more”, "
        f"“clearly less”, “better” or “worse”{since} are said only of clear changes. "
        + clear_meaning(family)
    )


def tested_summary(family: pd.DataFrame) -> HTML:
    """Say how many possible findings were tested this month and how many are clear.

    From ``finding_family``'s "all" row: "We tested 1,234 possible findings this month; 7 are
    clear.", with the sentence saying what clear means. Nothing when the table is absent.
    """
    sentence = family_sentence(family)
    if not sentence:
        return HTML("")
    return rr.callout(f"{sentence} {clear_meaning(family)}")


def change_words(difference: float, clear: bool, previous: str = "last month") -> str:
    """Plain words for a change in a share: clearly more / clearly less / about the same.

    ``clear`` comes from the analysis (a finding's ``significant``), never decided here.
    """
    if clear and difference != 0:
        return f"clearly {'more' if difference > 0 else 'less'} than {previous}"
    return f"about the same as {previous} (the difference could be chance)"


def where(segment: str, value: object) -> str:
    """Readable place of a theme change: "Whole operation", "Team Lynx", "market MY"."""
    if segment == "all":
        return "Whole operation"
    return str(value) if segment == "team" else f"{segment} {value}"


def headline_cards(kpis: pd.DataFrame, month: str, previous: str | None) -> HTML:
    """KPI cards of ``month`` (``kpis_monthly``) with the change since ``previous``."""
    if kpis.empty or month not in set(kpis.get("month", [])):
        return rr.callout(f"No audits in {month}.", kind="warn")
    return rr.kpi_cards(rr.headline(kpis, month, previous))


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

    Each finding: what was found (plainly), its change, its root cause, and its evidence a team
    lead can check (the counts, the comparison group, the interval, two or three example cases
    with ids and redacted quotes), rendered from the finding's fields by
    `rca.reports.finding_text` and `rca.reports.finding_evidence`. Clear: the finding's
    ``significant`` field.
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
        f"{len(findings) - len(clear)} possible findings that are not clear are left out."
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
    same = f" The same for {len(alike)} more: {', '.join(sorted(alike))}." if alike else ""
    if alike and r["type"] == "emerging_theme":
        same = f" Also growing in: {', '.join(alike)}."
    kind = FINDING_KINDS.get(str(r["type"]), str(r["type"]))
    return (
        f"<li><b>{rr.esc(describe(r))}</b> ({rr.esc(kind)}, {rr.esc(change_text(r))}). "
        f"Root cause: {rr.esc(cause_name(str(r['root_cause']), names))}.{rr.esc(same)} "
        f"{evidence_html(r)}</li>"
    )


def _month_shares(team_themes: pd.DataFrame | None) -> pd.DataFrame:
    """Return the month's theme shares of the whole operation, from ``team_themes``."""
    if team_themes is None or rr.unusable(team_themes, ["theme_id", "operation_share"]):
        return pd.DataFrame()
    rows = team_themes.drop_duplicates("theme_id")
    shares = {"item": rows["theme_id"], "label": rows["theme_label"],
              "share_current": rows["operation_share"]}  # fmt: skip
    return pd.DataFrame(shares).assign(segment="all")


def theme_chart(
    changes: pd.DataFrame, top_n: int = 8, team_themes: pd.DataFrame | None = None
) -> HTML:
    """Largest themes of audit comments this month, with last month's share as a mark.

    In the first month of the data ``theme_changes`` is empty (nothing to compare with): the
    bars are then the operation's shares of ``team_themes`` (``operation_share``), unmarked.
    """
    if rr.is_first_month(changes) and len(_month_shares(team_themes)):
        changes = _month_shares(team_themes)
    if changes.empty or "segment" not in changes:
        return rr.empty_note(changes, "No themes in audit comments this month.", kind="info")
    rows = changes[(changes["segment"] == "all") & (changes["item"] != -1)]
    rows = rows.sort_values(["share_current", "item"], ascending=[False, True]).head(top_n)
    if rows.empty:
        return rr.callout("No themes in audit comments this month.")
    shares = rows.rename(columns={"label": "theme_label", "share_current": "share",
                                  "share_previous": "previous_share"})  # fmt: skip
    marks = "previous_share" in shares and shares["previous_share"].notna().any()
    title = "Top themes in audit comments (bars: this month, marks: last month)" if marks else (
        "Top themes in audit comments this month")  # fmt: skip
    return rr.figure(charts.theme_bars(shares, title))


def _theme_key(value: object) -> str:
    """Return a theme id as text, 3 and 3.0 alike (findings keep theme ids as floats)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return str(int(number)) if number.is_integer() else str(value)


def theme_clear(changes: pd.DataFrame, findings: pd.DataFrame | None) -> pd.Series | None:
    """Which rows of ``theme_changes`` are clear, as the findings say (growing themes).

    A row is clear when a significant ``emerging_theme`` finding has its place and theme.
    Returns None when ``findings`` cannot tell (absent, or without the columns).
    """
    cols = {"type", "significant", "segment_type", "segment_value", "theme_id"}
    if findings is None or not cols <= set(findings.columns):
        return None
    grown = findings[(findings["type"] == "emerging_theme")
                     & findings["significant"].fillna(False).astype(bool)]  # fmt: skip
    keys = {
        (str(t), "all" if str(t) == "all" else str(v), _theme_key(i))
        for t, v, i in grown[["segment_type", "segment_value", "theme_id"]].itertuples(index=False)
    }
    value = changes["segment_value"] if "segment_value" in changes else changes["segment"]
    return pd.Series(
        [
            (str(s), "all" if str(s) == "all" else str(v), _theme_key(i)) in keys
            for s, v, i in zip(changes["segment"], value, changes["item"], strict=True)
        ],
        index=changes.index,
        dtype=bool,
    )


def what_changed(
    changes: pd.DataFrame,
    emerging: pd.DataFrame,
    month: str,
    previous: str | None,
    top_n: int = 8,
    findings: pd.DataFrame | None = None,
) -> HTML:
    """Themes of audit comments that clearly changed since ``previous``, per place.

    Reads ``theme_changes`` and marks rows of ``emerging_themes`` as new. Clear: a significant
    growing-theme finding of ``findings`` (`theme_clear`); only growth is judged then. Without
    ``findings`` (older callers), a row is clear when its ``q_value`` < 0.05, up or down.
    Nothing in the first month of the data (``previous`` None, ``changes`` left empty for it):
    `kpi_changes`, shown above it, says once that there is nothing to compare with yet.
    """
    if previous is None and rr.is_first_month(changes):
        return HTML("")
    since = previous or "last month"
    if changes.empty or "q_value" not in changes:
        return rr.empty_note(changes, f"No comparison with {since} is available.", kind="info")
    told = theme_clear(changes, findings)
    # Without findings to tell (older callers), the table's own q-value decides.
    is_clear = told if told is not None else changes["q_value"] < _Q
    clear = changes[is_clear & (changes["item"] != -1)]
    if clear.empty:
        return rr.callout(
            f"No theme of audit comments changed clearly since {since}: the differences seen "
            "could be chance."
        )
    keys = ["segment", "segment_value", "item"]
    new = set() if emerging.empty else set(map(tuple, emerging[keys].to_numpy().tolist()))
    clear = clear.assign(_all=clear["segment"] != "all", _size=-clear["difference"].abs())
    clear = clear.sort_values(["_all", "_size", "label"]).head(top_n)
    words = [
        ("new, " if (s, v, i) in new else "") + change_words(d, True, since)
        for s, v, i, d in clear[[*keys, "difference"]].itertuples(index=False)
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
