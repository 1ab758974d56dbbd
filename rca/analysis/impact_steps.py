"""Analysis step: how much each theme costs the month's KPIs, and how that changed.

`section_impact` is a step like those of `rca.analysis.steps` (which lists it in ``SECTIONS``,
before the findings that read its tables). It computes `impact_table` for the audits (pass rate,
average score, critical-error rate; themes of the auditors' comments) for the whole operation
and each team, and for the feedback (average rating; themes of the users' texts). The statistics
are `rca.stats.impact`; the reports (`rca.reports.drivers`) only select and draw rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pandas as pd

from rca.analysis.context import Context, EmptyTable, Table
from rca.stats.evidence import id_column, quotes_and_ids
from rca.stats.impact import CHANGE_COLUMNS, IMPACT_COLUMNS, KPIS, impact_change, theme_impact

__all__ = [
    "AUDIT_KPIS",
    "FEEDBACK_KPIS",
    "FINDING_KPIS",
    "IMPACT_TABLE_COLUMNS",
    "MIN_THEME_N",
    "driver_rows",
    "impact_table",
    "section_impact",
]

#: KPIs of the audits whose themes' impact is computed.
AUDIT_KPIS: tuple[str, ...] = ("pass_rate", "mean_score", "critical_rate")
#: KPIs of the feedback.
FEEDBACK_KPIS: tuple[str, ...] = ("mean_rating",)
#: KPIs whose drivers (whole operation) become findings: the average score mostly repeats the
#: pass rate, and teams' drivers are shown in the team reports.
FINDING_KPIS: tuple[str, ...] = ("pass_rate", "critical_rate", "mean_rating")
#: Themes with fewer items in a segment are shown but not tested (``small_n``).
MIN_THEME_N = 10
#: Columns of `impact_table`'s result (the ``theme_impact`` and ``feedback_impact`` tables).
IMPACT_TABLE_COLUMNS: tuple[str, ...] = (
    "segment", "segment_value", *IMPACT_COLUMNS, *CHANGE_COLUMNS, "examples", "example_ids",
)  # fmt: skip


def _segments(df: pd.DataFrame, segments: Sequence[str]) -> Iterator[tuple[str, str, pd.DataFrame]]:
    yield "all", "all", df
    for segment in segments:
        if segment in df:
            for value, rows in df.groupby(segment, sort=True, observed=True):
                yield segment, str(value), rows


def _evidence(
    rows: pd.DataFrame, kpi: str, theme: object, text: str
) -> tuple[list[str], list[str]]:
    """Quotes and ids of a theme's items, those that hurt the KPI most first."""
    spec = KPIS[kpi]
    mine = rows[(rows["theme_id"] == theme).fillna(False).astype(bool)]
    mine = mine[mine[spec.column].notna()]
    worst_first = mine[spec.column].astype(float) * (1 if spec.higher_is_better else -1)
    order = mine.assign(_w=worst_first.to_numpy()).sort_values("_w", kind="stable")
    return quotes_and_ids(order, text, id_column(order), n=2)


def impact_table(
    df: pd.DataFrame,
    *,
    month: str,
    previous: str | None,
    kpis: Sequence[str],
    text: str,
    segments: Sequence[str] = (),
    min_n: int = MIN_THEME_N,
) -> pd.DataFrame:
    """Each theme's impact on each KPI in ``month``, with its change since ``previous``.

    Parameters
    ----------
    df
        Items with ``month``, ``theme_id``, ``theme_label`` (and ``root_cause``), the KPIs'
        columns and ``text``.
    month, previous
        The month reported on and the one before (None in the first month: every theme's
        change columns are then NaN, `rca.stats.impact.impact_change` of an empty period).
    kpis
        Names of `rca.stats.impact.KPIS`; a KPI whose column is absent or empty is skipped.
    text
        Text column the themes come from (quoted in ``examples``).
    segments
        Columns to compute the impacts within too (e.g. ``("team",)``), besides the whole
        table (segment ``"all"``).
    min_n
        Themes with fewer items in a segment are not tested (`rca.stats.impact.theme_impact`).

    Returns
    -------
    DataFrame
        `IMPACT_TABLE_COLUMNS`: ``segment``, ``segment_value``, the columns of
        `rca.stats.impact.theme_impact` (q-values per KPI and segment) and of
        `rca.stats.impact.impact_change` (themes matched by ``theme_id``: the workspace fits its
        themes once over every month), ``examples`` (up to 2 redacted quotes, the items that
        hurt the KPI most first) and ``example_ids`` for the whole-operation rows.
    """
    pieces = []
    for kpi in kpis:
        column = KPIS[kpi].column
        if column not in df or not df[column].notna().any():
            continue
        for segment, value, rows in _segments(df, segments):
            now = rows[rows["month"] == month]
            before = rows[rows["month"] == previous]
            cur = theme_impact(now, kpi, min_n=min_n)
            if cur.empty:
                continue
            changed = impact_change(cur, theme_impact(before, kpi, min_n=min_n))
            evidence = [
                _evidence(now, kpi, t, text) if segment == "all" else ([], [])
                for t in changed["theme_id"]
            ]
            quotes = pd.Series([e[0] for e in evidence], changed.index, dtype=object)
            ids = pd.Series([e[1] for e in evidence], changed.index, dtype=object)
            pieces.append(changed.assign(segment=segment, segment_value=value, examples=quotes,
                                         example_ids=ids))  # fmt: skip
    if not pieces:
        return pd.DataFrame(columns=list(IMPACT_TABLE_COLUMNS))
    out = pd.concat(pieces, ignore_index=True).reindex(columns=list(IMPACT_TABLE_COLUMNS))
    out["theme_id"] = out["theme_id"].astype("int64")
    for col in ("small_n", "driver"):
        out[col] = out[col].astype(bool)
    out["root_cause"] = out["root_cause"].astype(object).where(out["root_cause"].notna(), None)
    return out


def section_impact(ctx: Context) -> dict[str, Table]:
    """Themes' impact on the audit KPIs (operation and teams) and on the feedback rating.

    A table is left empty (`rca.analysis.context.EmptyTable`) when its input is absent or has
    no themed item with a KPI value in the month.
    """
    out: dict[str, Table] = {}
    for name, kind, kpis, text, segments in (
        ("theme_impact", "audits", AUDIT_KPIS, "comment", ("team",)),
        ("feedback_impact", "feedback", FEEDBACK_KPIS, "text", ()),
    ):
        reason = ctx.absent(kind) if kind != "audits" else None
        df = pd.DataFrame() if reason else ctx.frame(kind)
        if reason is None and not {"month", "theme_id"} <= set(df.columns):
            reason = f"the {kind} have no dates or no themes"
        table = pd.DataFrame() if reason else impact_table(
            df, month=ctx.month, previous=ctx.previous, kpis=kpis, text=text, segments=segments
        )  # fmt: skip
        if reason is None and table.empty:
            reason = f"no themed {kind} of {ctx.month} with a {_kpi_words(kpis)}"
        out[name] = EmptyTable(reason, IMPACT_TABLE_COLUMNS) if reason else table
    return out


def _kpi_words(kpis: Sequence[str]) -> str:
    names = [KPIS[k].name for k in kpis]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def driver_rows(*tables: pd.DataFrame | None) -> pd.DataFrame | None:
    """Select the rows of impact tables that may become top-driver findings.

    Parameters
    ----------
    tables
        ``theme_impact`` / ``feedback_impact`` tables (None or empty ones are skipped).

    Returns
    -------
    DataFrame or None
        Their whole-operation (``segment == "all"``) rows of `FINDING_KPIS`; None when
        there are none.
    """
    rows = [
        t[(t["segment"] == "all") & t["kpi"].isin(FINDING_KPIS)]
        for t in tables
        if t is not None and len(t)
    ]
    rows = [r for r in rows if len(r)]
    return pd.concat(rows, ignore_index=True) if rows else None
