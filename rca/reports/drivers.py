"""Views of the themes that cost the most: "Top drivers of failed audits" and of low ratings.

Each view reads an impact table of the analysis (``theme_impact`` for the audits' KPIs,
operation and teams; ``feedback_impact`` for the users' rating; see
`rca.analysis.impact_steps.impact_table`) and returns an ``IPython.display.HTML`` fragment:
the themes that drag a KPI the wrong way most, with their impact (KPI of all items minus the KPI
without the theme's items), its 95 % interval and its change since last month, as a table and as
bars with error bars. Every data-derived text is escaped; an empty table gives a plain callout.
The executive, operations and policy/product reports share these views.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from IPython.display import HTML

import rca.reports.charts as charts
import rca.reports.fragments as rr
from rca.stats.impact import KPIS

__all__ = ["DRIVER_TITLES", "driver_rows", "drivers_chart", "drivers_section", "drivers_table"]

#: Heading of each KPI's drivers.
DRIVER_TITLES: dict[str, str] = {
    "pass_rate": "Top drivers of failed audits",
    "critical_rate": "Top drivers of critical errors",
    "mean_score": "Top drivers of low audit scores",
    "mean_rating": "Top drivers of low ratings",
}
_NEEDED = ("segment", "segment_value", "kpi", "theme_label", "harm", "harm_lo", "harm_hi",
           "impact", "impact_lo", "impact_hi", "driver")  # fmt: skip


def driver_rows(
    table: pd.DataFrame, kpi: str, *, segment: str = "all", value: str = "all", top_n: int = 5
) -> pd.DataFrame:
    """Return the ``top_n`` themes that cost ``kpi`` the most in one place, most harmful first.

    Parameters
    ----------
    table
        ``theme_impact`` or ``feedback_impact``.
    kpi
        ``pass_rate``, ``mean_score``, ``critical_rate`` or ``mean_rating``.
    segment, value
        The place: ``("all", "all")`` for the whole operation, ``("team", <team>)`` for a team.
    top_n
        Themes kept.

    Returns
    -------
    DataFrame
        The table's rows with ``harm > 0`` (the theme drags the KPI the wrong way), clear
        drivers first, then by harm; empty when the table cannot be used.
    """
    if rr.unusable(table, _NEEDED):
        return pd.DataFrame(columns=list(table.columns))
    place = (table["segment"] == segment) & (table["segment_value"].astype(str) == str(value))
    rows = table[place & (table["kpi"] == kpi) & (table["harm"] > 0)]
    rows = rows.assign(_clear=~rows["driver"].astype(bool))
    rows = rows.sort_values(["_clear", "harm", "theme_label"], ascending=[True, False, True])
    return rows.drop(columns="_clear").head(top_n).reset_index(drop=True)


def _amount(kpi: str, value: float, signed: bool = True) -> str:
    if value is None or math.isnan(value):
        return "–"
    if kpi not in KPIS or KPIS[kpi].unit == "rate":
        return f"{value * 100:+.1f} pts" if signed else f"{value * 100:.1f} %"
    return f"{value:+.2f}" if signed else f"{value:.2f}"


def _change_words(r: Any, previous: str) -> str:
    if pd.isna(r.get("previous_impact")):
        return f"no data for {previous}"
    if int(r.get("previous_n", 0) or 0) == 0:
        return f"new: no such items in {previous}"
    lo, hi, harm_change = r.get("change_lo"), r.get("change_hi"), r.get("harm_change")
    if pd.notna(lo) and pd.notna(hi) and (lo > 0 or hi < 0):
        return f"{'more' if harm_change > 0 else 'less'} costly than in {previous}, beyond chance"
    return f"about the same as in {previous}"


def drivers_table(
    table: pd.DataFrame,
    kpi: str,
    month: str,
    previous: str | None,
    *,
    segment: str = "all",
    value: str = "all",
    top_n: int = 5,
) -> HTML:
    """Tabulate the themes that cost ``kpi`` the most (`driver_rows`), with interval and change.

    Columns: the theme, its items, the KPI over its items, its impact (KPI of all items minus
    without the theme's) with the 95 % interval, the impact last month and the change in words
    ("more costly than in ..., beyond chance" when the change's 95 % interval excludes 0;
    drivers are not findings of the month's false-discovery family, so the reports keep the word
    "clear" for those and say "beyond chance" here), one redacted example. In the first month
    of the data (``previous`` None) the two columns of last month are left out, without a note:
    every report already says at its top that the month is the first
    (`rca.reports.fragments.FIRST_MONTH_NOTE`), and a note per table repeated it.
    """
    since = previous or "last month"
    rows = driver_rows(table, kpi, segment=segment, value=value, top_n=top_n)
    name = KPIS[kpi].name if kpi in KPIS else kpi
    if rows.empty:
        return rr.empty_note(table, f"No theme lowers the {name} in {month}.", kind="info")
    view = pd.DataFrame(
        {
            "Theme": rows["theme_label"].astype(str).to_numpy(),
            "Items": rows["n"].to_numpy() if "n" in rows else [math.nan] * len(rows),
            f"{name.capitalize()} of these items": [
                _amount(kpi, v, signed=False) for v in rows.get("kpi_theme", [math.nan] * len(rows))
            ],
            f"Impact on the {name}": [_amount(kpi, v) for v in rows["impact"]],
            "95 % interval": [f"{_amount(kpi, lo)} to {_amount(kpi, hi)}"
                              for lo, hi in zip(rows["impact_lo"], rows["impact_hi"], strict=True)],
            f"Impact in {since}": [_amount(kpi, v) for v in rows.get("previous_impact",
                                                                      [math.nan] * len(rows))],
            "Change": [_change_words(r, since) for r in rows.to_dict("records")],
            "Beyond chance": ["yes" if d else "could be chance"
                              for d in rows["driver"].astype(bool)],
            "Example": [_first(e) for e in rows.get("examples", [None] * len(rows))],
        }
    )  # fmt: skip
    if not view["Example"].astype(bool).any():
        view = view.drop(columns="Example")
    if previous is None:  # the first month: nothing to compare with
        view = view.drop(columns=[f"Impact in {since}", "Change"])
    note = (
        f"<p><small>Impact: the {rr.esc(name)} of all items minus the {rr.esc(name)} without "
        f"the theme's items, in {month}; beyond chance when its 95 % interval excludes 0 after "
        "false-discovery-rate control over the month's drivers (a driver breaks the month's KPI "
        "down; it is not one of the findings called clear).</small></p>"
    )
    return HTML(str(rr.table(view, formats={"Items": "int"}).data) + note)


def _first(examples: Any) -> str:
    if examples is None or isinstance(examples, float | str):
        return "" if not isinstance(examples, str) else examples
    items = list(examples)
    return str(items[0]) if items else ""


def drivers_chart(
    table: pd.DataFrame, kpi: str, *, segment: str = "all", value: str = "all", top_n: int = 5
) -> HTML:
    """Bars of what each top driver costs ``kpi``, with 95 % error bars and last month's mark.

    The mark is left out where there is no change (the first month of the data).
    """
    rows = driver_rows(table, kpi, segment=segment, value=value, top_n=top_n)
    name = KPIS[kpi].name if kpi in KPIS else kpi
    if rows.empty:
        return rr.empty_note(table, f"No theme lowers the {name}.", kind="info")
    spec = KPIS.get(kpi)
    rate = spec is None or spec.unit == "rate"
    lost = "points" if rate else "units"
    worse = "lower" if spec is None or spec.higher_is_better else "higher"
    marks = "; marks: last month" if rows.get("harm_change", pd.Series()).notna().any() else ""
    title = f"{DRIVER_TITLES.get(kpi, name)} (bars: 95 % interval{marks})"
    axis = f"{name} {worse} because of the theme ({lost})"
    return rr.figure(charts.impact_bars(rows, title, axis, scale=100.0 if rate else 1.0))


def drivers_section(
    table: pd.DataFrame,
    kpi: str,
    month: str,
    previous: str | None,
    *,
    segment: str = "all",
    value: str = "all",
    top_n: int = 5,
    title: str | None = None,
) -> HTML:
    """Return a report section: heading, `drivers_chart` and `drivers_table` of one place.

    The heading is ``title``, else `DRIVER_TITLES` (with "in <value>" for a place other than
    the whole operation). When no theme lowers the KPI the section is the heading and one note.
    """
    where = f" in {value}" if segment != "all" else ""
    head = rr.heading(title or DRIVER_TITLES.get(kpi, kpi) + where).data
    rows = driver_rows(table, kpi, segment=segment, value=value, top_n=top_n)
    if rows.empty:
        return HTML(head + drivers_table(table, kpi, month, previous).data)
    chart = drivers_chart(table, kpi, segment=segment, value=value, top_n=top_n).data
    tab = drivers_table(table, kpi, month, previous, segment=segment, value=value, top_n=top_n)
    return HTML(head + chart + tab.data)
