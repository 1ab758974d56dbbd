"""Report fragments for the notebooks: KPI cards, readable tables, offline charts.

Every function returns a value (an ``IPython.display.HTML``) instead of printing, so fragments are
easy to test and a notebook shows one by leaving it as a cell's last expression. All data-derived
text is HTML-escaped here; notebooks never build HTML from data themselves.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from IPython.display import HTML

from rca.analysis.context import FIRST_MONTH

__all__ = [
    "CHART_CONFIG",
    "FIRST_MONTH_NOTE",
    "REPORT_CSS",
    "Kpi",
    "SafeHtml",
    "callout",
    "data_note",
    "empty_note",
    "esc",
    "figure",
    "first_month_note",
    "heading",
    "headline",
    "is_first_month",
    "kpi_cards",
    "setup",
    "table",
    "theme_examples",
    "theme_name",
]

_state: dict[str, Any] = {"plotlyjs_sent": False, "ids": itertools.count(1)}
#: What a report says where a comparison with the previous month would be, in the first month
#: of the data (the analysis' reason `rca.analysis.context.FIRST_MONTH`, as a sentence).
FIRST_MONTH_NOTE = (
    f"{FIRST_MONTH[0].upper()}{FIRST_MONTH[1:]}; comparisons with the previous month start next "
    "month."
)

#: Styles of the report fragments (embedded by the HTML template and by `setup` in Jupyter).
REPORT_CSS = """
<style>
.rca-kpis{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0 16px}
.rca-kpi{border:1px solid #d0d7de;border-radius:8px;padding:10px 14px;min-width:150px;
  background:#fff}
.rca-kpi .v{font-size:1.7em;font-weight:600;color:#1f2328}
.rca-kpi .l{font-size:.85em;color:#57606a}
.rca-kpi .d{font-size:.85em}
.rca-kpi .d.good{color:#1a7f37}.rca-kpi .d.bad{color:#cf222e}.rca-kpi .d.flat{color:#57606a}
.rca-callout{border-left:4px solid #0969da;background:#f6f8fa;padding:8px 12px;margin:8px 0}
.rca-callout.warn{border-color:#bf8700}
.rca-table-wrap{max-width:100%;overflow-x:auto;margin:6px 0 14px}
table.rca-table{border-collapse:collapse;font-size:.92em;margin:6px 0 14px}
.rca-table-wrap table.rca-table{margin:0}
table.rca-table th{background:#f6f8fa;text-align:left;padding:4px 8px;
  border-bottom:2px solid #d0d7de}
table.rca-table td{padding:4px 8px;border-bottom:1px solid #eaeef2;vertical-align:top;
  text-align:left}
table.rca-table th{text-align:left}
table.rca-table td.num{text-align:right;font-variant-numeric:tabular-nums}
table.rca-table tr.flag td{background:#fff8c5}
.rca-kw{font-size:.8em;font-weight:normal;color:#57606a}
</style>
"""


def setup() -> HTML:
    """Prepare a report kernel (styles, chart defaults); call once in the first cell.

    Returns
    -------
    HTML
        The report's stylesheet (display it so exported HTML carries it).
    """
    import matplotlib

    matplotlib.use("Agg")
    _state["plotlyjs_sent"] = False
    _state["ids"] = itertools.count(1)
    pd.set_option("display.max_colwidth", 200)
    return HTML(REPORT_CSS)


def esc(value: object) -> str:
    """Escape any value for safe inclusion in HTML (``None`` and NaN become an empty string)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


def escape_labels(values: Any) -> list[str]:
    """Escape each label from data for a plotly axis, legend or hover text."""
    return [html.escape(str(v)) for v in values]


def unusable(df: pd.DataFrame, columns: Sequence[str]) -> bool:
    """Whether a view cannot draw ``df``: no rows, or a column it needs is absent."""
    return df.empty or not set(columns) <= set(df.columns)


class SafeHtml(str):
    """Markup built by this module from escaped parts; `table` puts it in a cell as it is."""

    def __html__(self) -> str:
        return str(self)


def theme_name(
    label: object, keywords: object = None, note: str = "", n_keywords: int = 5
) -> SafeHtml:
    """Return a theme's name with its keywords as a smaller second line, both escaped.

    Parameters
    ----------
    label
        The theme's name (``theme_label``).
    keywords
        Its comma-separated keywords (``keywords``); the first ``n_keywords`` are shown.
    note
        Short text shown small after the name, e.g. its share.
    n_keywords
        Keywords shown at most.
    """
    words = [w.strip() for w in str(keywords or "").split(",") if w.strip()][:n_keywords]
    out = esc(label) + (f" <small>{esc(note)}</small>" if note else "")
    if words:
        out += f'<br><small class="rca-kw">{esc(", ".join(words))}</small>'
    return SafeHtml(out)


def heading(text: str, level: int = 2) -> HTML:
    """Return an escaped heading."""
    level = min(max(level, 1), 6)
    return HTML(f"<h{level}>{esc(text)}</h{level}>")


def callout(text: str, kind: str = "info") -> HTML:
    """Return a highlighted note; ``kind`` is ``info`` or ``warn``."""
    cls = "rca-callout warn" if kind == "warn" else "rca-callout"
    return HTML(f'<div class="{cls}">{esc(text)}</div>')


def empty_note(table: pd.DataFrame, fallback: str, kind: str = "warn") -> HTML:
    """Return the callout a view shows instead of an empty ``table``.

    It gives the reason the analysis recorded for leaving the table empty
    (`rca.analysis.month.Analysis.table` keeps it in ``table.attrs["empty_reason"]``), e.g.
    "Not enough data: no calibration export in the data."; ``fallback`` when there is none
    (a table with no rows is then the answer, e.g. "No coaching need stands out.").
    In the first month of the data a comparison's table says so instead (`FIRST_MONTH_NOTE`).
    """
    if is_first_month(table):
        return first_month_note()
    reason = table.attrs.get("empty_reason") if isinstance(table, pd.DataFrame) else None
    return callout(f"Not enough data: {reason}." if reason else fallback, kind=kind)


def is_first_month(table: pd.DataFrame) -> bool:
    """Return whether the analysis left ``table`` empty because the month is the first one."""
    attrs = table.attrs if isinstance(table, pd.DataFrame) else {}
    return bool(attrs.get("empty_reason") == FIRST_MONTH)


def first_month_note() -> HTML:
    """Return the callout shown where a comparison with the previous month would be."""
    return callout(FIRST_MONTH_NOTE)


@dataclass(frozen=True)
class Kpi:
    """One headline number with its change.

    Parameters
    ----------
    label
        What is measured.
    value
        The formatted value (e.g. ``"91.2 %"``).
    delta
        Formatted change vs the previous period, if any (e.g. ``"+1.3 pts"``).
    good
        Whether the change is good (green), bad (red) or neutral (``None``).
    """

    label: str
    value: str
    delta: str | None = None
    good: bool | None = None


def kpi_cards(kpis: Sequence[Kpi], *, first_month: bool = False) -> HTML:
    """Return a row of KPI cards; ``first_month`` adds `first_month_note` (no change to show)."""
    cards = []
    for k in kpis:
        delta = ""
        if k.delta:
            cls = "flat" if k.good is None else ("good" if k.good else "bad")
            delta = f'<div class="d {cls}">{esc(k.delta)} vs previous month</div>'
        cards.append(
            f'<div class="rca-kpi"><div class="l">{esc(k.label)}</div>'
            f'<div class="v">{esc(k.value)}</div>{delta}</div>'
        )
    note = first_month_note().data if first_month else ""
    return HTML(f'<div class="rca-kpis">{"".join(cards)}</div>{note}')


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):  # lists, arrays: not a missing scalar
        return False


def _fmt(value: object, fmt: str | None) -> str:
    if _missing(value):
        return "–"
    if fmt == "pct":
        return f"{float(value) * 100:.1f} %"  # type: ignore[arg-type]
    if fmt == "pts":
        return f"{float(value) * 100:+.1f} pts"  # type: ignore[arg-type]
    if fmt == "int":
        return f"{int(value):,}"  # type: ignore[call-overload]
    if fmt and fmt.startswith("."):
        return format(float(value), fmt)  # type: ignore[arg-type]
    if isinstance(value, list | tuple):
        return " · ".join(str(v) for v in value)
    return str(value)


#: Characters from which a table cell holds a sentence rather than a value (class ``long``).
_LONG_CELL = 40


def table(
    df: pd.DataFrame,
    formats: Mapping[str, str] | None = None,
    flag: str | None = None,
    max_rows: int = 50,
    hide: Sequence[str] = (),
) -> HTML:
    """Return a readable, escaped HTML table.

    Parameters
    ----------
    df
        Data to show; column names are shown as given.
    formats
        Per column: ``"pct"`` (0.123 -> 12.3 %), ``"pts"`` (0.012 -> +1.2 pts, a change in a
        share), ``"int"`` (thousands separators) or a format spec
        starting with ``"."`` such as ``".1f"``.
    flag
        Name of a boolean column marking rows to highlight (the column itself is not shown).
    max_rows
        Rows shown at most; a note says how many were left out.
    hide
        Columns not to show.

    An empty table that the analysis left empty for lack of data (its reason travels in
    ``df.attrs["empty_reason"]``, see `empty_note`) is shown as that reason instead.
    """
    if df.empty and df.attrs.get("empty_reason"):
        return empty_note(df, "")
    formats = dict(formats or {})
    shown = [c for c in df.columns if c != flag and c not in hide]
    head = "".join(f"<th>{esc(c)}</th>" for c in shown)
    body = []
    for _, row in df.head(max_rows).iterrows():
        cls = ' class="flag"' if flag and bool(row[flag]) else ""
        cells = []
        for c in shown:
            fmt = formats.get(str(c))
            num = fmt is not None and fmt != "text"
            value = row[c] if isinstance(row[c], SafeHtml) else esc(_fmt(row[c], fmt))
            # "long": a sentence or a quote, given more width on a phone (see the template)
            kind = " class=num" if num else (" class=long" if len(value) > _LONG_CELL else "")
            cells.append(f"<td{kind}>{value}</td>")
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    more = ""
    if len(df) > max_rows:
        more = f"<p><em>{len(df) - max_rows} more rows not shown.</em></p>"
    return HTML(
        f'<div class="rca-table-wrap"><table class="rca-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>{more}"
    )


def figure(fig: Any, height: int | None = None) -> HTML:
    """Return a plotly figure as self-contained HTML that renders offline.

    The first figure of a kernel carries plotly.js inline; later ones reuse it. Element ids are
    numbered, not random, so the same data gives the same HTML. The figure takes the width of
    the page (no fixed width, `CHART_CONFIG`); its height stays as built. On a narrow screen the
    report template's script re-lays it out (rca/reports/templates/rca_report/phone_charts.js).
    """
    if height is not None:
        fig.update_layout(height=height)
    fig.update_layout(
        margin={"l": 40, "r": 20, "t": 50, "b": 40}, template="plotly_white", autosize=True,
        width=None,
    )  # fmt: skip
    include = not _state["plotlyjs_sent"]
    _state["plotlyjs_sent"] = True
    div_id = f"rca-fig-{next(_state['ids'])}"
    out = fig.to_html(
        include_plotlyjs=include,
        full_html=False,
        div_id=div_id,
        config=CHART_CONFIG,
    )
    return HTML(f'<div class="rca-figure">{out}</div>')


#: Plotly config of every report chart: resizes with the page; toolbar shown on hover (hidden on
#: narrow screens by the report's stylesheet), without the plotly logo.
CHART_CONFIG: dict[str, Any] = {"displaylogo": False, "responsive": True, "displayModeBar": "hover"}


def _pct_delta(cur: Any, prev: Any) -> str | None:
    if prev is None or pd.isna(prev) or pd.isna(cur):
        return None
    return f"{(cur - prev) * 100:+.1f} pts"


def headline(monthly: pd.DataFrame, month: str, previous: str | None) -> list[Kpi]:
    """Headline KPIs of ``month`` with their change since ``previous``.

    ``monthly`` is `rca.stats.kpis.kpis_by` output grouped by ``month``.
    """
    rows = monthly.set_index("month")
    cur = rows.loc[month].to_dict()
    prev = rows.loc[previous].to_dict() if previous is not None and previous in rows.index else None

    def p(col: str) -> float | None:
        return None if prev is None else float(prev[col])

    kpis = [Kpi("Audits", f"{int(cur['n']):,}")]
    rate = f"{cur['pass_rate'] * 100:.1f} %"
    better = None if prev is None else bool(cur["pass_rate"] >= prev["pass_rate"])
    kpis.append(Kpi("Pass rate", rate, _pct_delta(cur["pass_rate"], p("pass_rate")), better))
    if pd.notna(cur["mean_score"]):
        d = None if prev is None else f"{cur['mean_score'] - prev['mean_score']:+.1f}"
        good = None if prev is None else bool(cur["mean_score"] >= prev["mean_score"])
        kpis.append(Kpi("Average score", f"{cur['mean_score']:.1f}", d, good))
    if pd.notna(cur["critical_rate"]):
        kpis.append(
            Kpi("Critical errors", f"{cur['critical_rate'] * 100:.1f} %",
                _pct_delta(cur["critical_rate"], p("critical_rate")),
                None if prev is None else bool(cur["critical_rate"] <= prev["critical_rate"]))
        )  # fmt: skip
    return kpis


def theme_examples(shares: pd.DataFrame, topics: pd.DataFrame, n_themes: int = 3) -> HTML:
    """Quote a few representative (redacted) comments for the largest themes."""
    examples = dict(zip(topics["theme_id"], topics["examples"], strict=True))
    keywords = dict(
        zip(topics["theme_id"], topics.get("keywords", [""] * len(topics)), strict=True)
    )
    parts = []
    for _, row in shares.head(n_themes).iterrows():
        quotes = list(examples.get(row["theme_id"], []))[:2]
        items = "".join(f"<li>“{esc(q)}”</li>" for q in quotes)
        note = f"({row['share'] * 100:.1f} % of comments)"
        name = theme_name(row["theme_label"], keywords.get(row["theme_id"]), note)
        parts.append(f"<h4>{name}</h4><ul>{items}</ul>")
    return HTML("".join(parts))


def data_note(info: Mapping[str, Any]) -> HTML:
    """Return a short note on the data behind the report: rows used and quarantined, model, seed."""
    counts = info.get("counts", {})
    bits = [
        f"{esc(kind)}: {c['valid']:,} rows used"
        + (f", {c['quarantined']:,} set aside for invalid values" if c.get("quarantined") else "")
        for kind, c in counts.items()
    ]
    return HTML(
        '<p class="rca-callout">About the data: '
        + "; ".join(bits)
        + f". Themes: {info.get('n_themes', '?')} found by model {esc(info.get('embedder'))}"
        + f" (seed {esc(info.get('seed'))}); {float(info.get('outlier_share', 0)) * 100:.1f} %"
        + " of comments fit no theme.</p>"
    )
