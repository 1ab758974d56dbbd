"""The headline KPIs month on month in plain sentences, told as the analysis' tests decided.

`kpi_changes` reads ``kpi_changes`` (each KPI's change with its interval, ``clear`` and
``verdict``) and says "clearly better", "clearly worse" or "about the same" exactly as the table
does, with the sentence that explains "clear"
(`rca.reports.finding_evidence.clear_meaning`). Workspaces analysed before that table fall back
to the older rule (the two months' 95 % intervals do not overlap) and say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from IPython.display import HTML

import rca.reports.fragments as rr
from rca.reports.finding_evidence import clear_meaning

__all__ = ["KPI_WORDS", "kpi_changes"]


def _months(kpis: pd.DataFrame, month: str, previous: str | None) -> tuple[Any, Any]:
    rows = kpis.set_index("month")
    cur = rows.loc[month] if month in rows.index else None
    prev = rows.loc[previous] if previous is not None and previous in rows.index else None
    return cur, prev


#: Headline KPIs of ``kpi_changes`` in words: name, shown as a rate (%, pts) or a mean.
KPI_WORDS: dict[str, tuple[str, bool]] = {
    "pass_rate": ("Pass rate", True), "mean_score": ("Average audit score", False),
    "critical_rate": ("Critical errors", True), "mean_rating": ("Average user rating", False),
}  # fmt: skip


def _fmt(value: float, rate: bool) -> str:
    if rate:
        return f"{value * 100:.1f} %"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def _diff(value: float, rate: bool) -> str:
    return f"{value * 100:+.1f} pts" if rate else f"{value:+.2f}"


def _kpi_sentence(r: Mapping[Any, Any], previous: str) -> str:
    """One KPI of ``kpi_changes``: its value, the change with its interval, the table's verdict."""
    label, rate = KPI_WORDS.get(str(r["kpi"]), (str(r["kpi"]), False))
    text = f"{label}: {_fmt(float(r['current']), rate)}"
    if pd.isna(r.get("previous")):
        return text + "."
    diff = float(r["difference"])
    text += f", {_diff(diff, rate)} vs {previous} ({_fmt(float(r['previous']), rate)}"
    if pd.notna(r.get("diff_lo")) and pd.notna(r.get("diff_hi")):
        lo, hi = _diff(float(r["diff_lo"]), rate), _diff(float(r["diff_hi"]), rate)
        text += f"; 95 % interval of the change {lo} to {hi}"
    verdict = str(r.get("verdict") or "")
    if bool(r.get("clear")) and verdict in ("better", "worse"):
        return f"{text}): clearly {verdict}."
    return f"{text}): about the same, a change this size can be chance."


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
    # Older workspaces only (analysed before the kpi_changes table): "clearly" then means the
    # two months' 95 % intervals do not overlap, as the fallback's explaining sentence says.
    lo, hi = col.replace("_rate", "_lo"), col.replace("_rate", "_hi")
    if {lo, hi} <= set(cur.index) and (cur[lo] > prev[hi] or cur[hi] < prev[lo]):
        better = (diff > 0) == up_good
        return f"{text}: clearly {'better' if better else 'worse'}."
    return f"{text}: not clearly different, a change this size can be chance."


def _fallback_lines(cur: Any, prev: Any, prev_month: str) -> list[str]:
    """KPI sentences of a workspace without ``kpi_changes``: the intervals-overlap rule."""
    lines = [_rate_sentence("Pass rate", "pass_rate", cur, prev, prev_month, True)]
    if pd.notna(cur.get("mean_score")):
        score = f"Average audit score: {cur['mean_score']:.1f}"
        if prev is not None and pd.notna(prev["mean_score"]):
            score += f" ({prev['mean_score']:.1f} in {prev_month})"
        lines.append(score + ".")
    if pd.notna(cur.get("critical_rate")):
        lines.append(_rate_sentence("Critical errors", "critical_rate", cur, prev, prev_month,
                                    False))  # fmt: skip
    if prev is not None:
        lines.append(
            "“Clearly” here means the two months' 95 % intervals do not overlap (this analysis "
            "predates the month-on-month tests; analyse the month again for them)."
        )
    return lines


def kpi_changes(
    kpis: pd.DataFrame,
    month: str,
    previous: str | None,
    changes: pd.DataFrame | None = None,
    family: pd.DataFrame | None = None,
) -> HTML:
    """Plain sentences on the headline KPIs vs last month.

    Parameters
    ----------
    kpis
        ``kpis_monthly`` (audit counts, and the KPIs when ``changes`` is absent).
    month, previous
        The report month and the one before (None when there is none).
    changes
        ``kpi_changes``: each KPI's value, change with its interval, ``clear`` and ``verdict``
        ("better", "worse", "about the same"), told as they are. When it is absent or empty
        (workspaces analysed before it), a rate is "clearly better / worse" when the two
        months' 95 % intervals do not overlap, and the sentence says so.
    family
        ``finding_family``, for the number of possible findings in the sentence on "clear".

    In the first month of the data (``changes`` left empty for it) the one sentence
    `rca.reports.fragments.FIRST_MONTH_NOTE`: the month's values are in the headline cards.
    """
    cur, prev = _months(kpis, month, previous) if len(kpis) else (None, None)
    if cur is None:
        return rr.callout(f"No audits in {month}.", kind="warn")
    if changes is not None and rr.is_first_month(changes):
        return rr.first_month_note()
    prev_month = previous or "last month"
    before = f" ({int(prev['n']):,} in {prev_month})" if prev is not None else ""
    lines = [f"{int(cur['n']):,} audits{before}."]
    usable = changes is not None and not rr.unusable(changes, ["kpi", "current", "clear"])
    if usable and changes is not None:
        order = {k: i for i, k in enumerate(KPI_WORDS)}
        rows = changes.assign(_o=changes["kpi"].map(order).fillna(len(order))).sort_values("_o")
        lines += [_kpi_sentence(r, prev_month) for r in rows.to_dict("records")]
        if prev is not None or rows["previous"].notna().any():
            lines.append(clear_meaning(family))
    else:
        lines += _fallback_lines(cur, prev, prev_month)
    if bool(cur.get("small_n", False)):
        lines.append("Few audits this month: read these numbers with care.")
    return HTML("<ul>" + "".join(f"<li>{rr.esc(line)}</li>" for line in lines) + "</ul>")
