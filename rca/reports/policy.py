"""Views of the policy and product report: themes per policy, macros, product causes, issues.

Every function reads tables of `rca.analysis.month.TABLES` (``policy_themes``, ``macros``,
``theme_changes``, ``tech_issues``, ``issue_timeline``, ``findings``) or the workspace's theme
tables, and returns an ``IPython.display.HTML`` fragment: a readable table, an offline plotly
chart (labels from data escaped) or a callout. Every data-derived text is escaped; an empty
table gives a plain callout, never an error.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
from IPython.display import HTML

import rca.findings.recommend as rec
import rca.reports.fragments as rr
from rca.reports.finding_evidence import evidence_html
from rca.reports.finding_text import describe
from rca.reports.load import load
from rca.reports.product import product_causes, trend_words, window_weeks
from rca.reports.recommendations import recommendation_list

__all__ = [
    "OWNERS",
    "evidence",
    "issue_timeline_chart",
    "issues_table",
    "load",
    "macros_table",
    "policy_themes_chart",
    "policy_themes_table",
    "product_causes",
    "recommended_changes",
]

#: Owners this report's recommendations are for.
OWNERS: tuple[str, ...] = ("policy", "product")

_Q = 0.05


def _first(values: Any, n: int) -> list[str]:
    """Return the first ``n`` items of a list cell (Parquet gives arrays back, or None)."""
    if values is None or isinstance(values, float | str):
        return [] if values is None or isinstance(values, float) else [values]
    return [str(v) for v in list(values)[:n]]


def _none(table: pd.DataFrame, what: str, month: str | None) -> HTML:
    """Say why ``table`` shows nothing: the analysis' recorded reason, else "No <what> in …"."""
    return rr.empty_note(table, f"No {what} in {month}." if month else f"No {what}.", kind="info")


def _top_policies(df: pd.DataFrame, top_n: int) -> list[str]:
    per = df.drop_duplicates("policy").sort_values(["policy_failing", "policy"],
                                                   ascending=[False, True])  # fmt: skip
    return per["policy"].head(top_n).astype(str).tolist()


def policy_themes_table(
    df: pd.DataFrame, month: str | None = None, top_n: int = 8, min_n: int = 30
) -> HTML:
    """Tabulate the themes of each policy's failing audits (``policy_themes``).

    Per policy (most failing audits first): fail rate, the main themes of its failures, and the
    themes that stand out against the other policies' failures. Policies with fewer than
    ``min_n`` audits are highlighted and their failure figures and themes suppressed.
    """
    if df.empty or "policy" not in df:
        return _none(df, "failing audits with a policy", month)
    rows = []
    for policy in _top_policies(df, top_n):
        mine = df[(df["policy"] == policy) & (df["theme_id"] != -1)].sort_values("rank_in_policy")
        first = df[df["policy"] == policy].iloc[0]
        main = [
            f"{r['theme_label']} ({r['share'] * 100:.0f} %)"
            for r in mine.head(3).to_dict("records")
        ]
        out = mine[mine["stands_out"].astype(bool)]
        small = bool(first["policy_audits"] < min_n)
        hidden = f"hidden: fewer than {min_n} audits"
        rows.append(
            {
                "Policy": policy, "Audits": first["policy_audits"],
                "Failing audits": None if small else first["policy_failing"],
                "Fail rate": None if small else first["policy_fail_rate"],
                "Main themes of the failures": hidden if small else main,
                "Clearly more common than under other policies":
                    "–" if small else (list(out["theme_label"]) or "–"),
                "small": small,
            }
        )  # fmt: skip
    return rr.table(pd.DataFrame(rows), formats={"Audits": "int", "Failing audits": "int",
                                                 "Fail rate": "pct"}, flag="small")  # fmt: skip


def policy_themes_chart(
    df: pd.DataFrame, month: str | None = None, top_n: int = 8, min_n: int = 30
) -> HTML:
    """Heat map: share of each policy's failing audits per theme (top policies × top themes).

    Policies with fewer than ``min_n`` audits keep their row, with its cells left empty.
    """
    import plotly.graph_objects as go

    if df.empty or "policy" not in df:
        return _none(df, "failing audits with a policy", month)
    policies = _top_policies(df, top_n)
    d = df[df["policy"].isin(policies) & (df["theme_id"] != -1)]
    themes = (d.groupby("theme_label")["failing"].sum().reset_index()
              .sort_values(["failing", "theme_label"], ascending=[False, True])
              .head(top_n)["theme_label"].tolist())  # fmt: skip
    if not themes:
        return _none(df, "themed failing audits", month)
    grid = (d.pivot_table(index="policy", columns="theme_label", values="share", aggfunc="sum")
            .reindex(index=policies, columns=themes).fillna(0.0) * 100)  # fmt: skip
    audits = df.drop_duplicates("policy").set_index("policy")["policy_audits"]
    small = [p for p in policies if audits[p] < min_n]
    grid.loc[small] = float("nan")
    names = [f"{p} (n<{min_n}, hidden)" if p in small else p for p in policies]
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(), x=rr.escape_labels(themes), y=rr.escape_labels(names),
            colorscale="Reds", zmin=0,
            text=[[f"{v:.0f} %" if v == v and v else "" for v in row] for row in grid.to_numpy()],
            texttemplate="%{text}",
            hovertemplate="%{y}: %{x} in %{z:.1f} % of failing audits<extra></extra>",
        )
    )  # fmt: skip
    fig.update_layout(title="Themes of failing audits per policy (% of the policy's failures)",
                      yaxis={"autorange": "reversed"}, height=220 + 34 * len(policies),
                      xaxis={"tickangle": -30})  # fmt: skip
    return rr.figure(fig)


_NOT_CLEAR = "not clearly different from other macros"


def _macro_words(r: Any, clear: bool | None) -> str:
    """Words for a macro; ``clear`` from its finding (None: the table's own flags decide)."""
    if clear is None:  # no findings given (older callers): the macros table's own test
        clear = bool(r["worse_after"]) or bool(
            pd.notna(r["excess_q"]) and r["excess_q"] < _Q and r["excess_rate"] > 0
        )
    if not clear:
        return _NOT_CLEAR
    if bool(r["worse_after"]):
        return f"clearly worse since the change of {r['changed_after']}"
    group = "the other macros of its queue" if r.get("comparison") == "same_queue" else (
        "other macros")  # fmt: skip
    return f"fails clearly more often than {group}"


def _clear_macros(findings: pd.DataFrame | None) -> set[str] | None:
    """Macro ids with a clear (significant) finding; None when ``findings`` cannot tell."""
    if findings is None or not {"type", "macro_id", "significant"} <= set(findings.columns):
        return None
    rows = findings[(findings["type"] == "macro") & findings["significant"].fillna(False)
                    .astype(bool)]  # fmt: skip
    return set(rows["macro_id"].astype(str))


def macros_table(
    df: pd.DataFrame,
    month: str | None = None,
    top_n: int = 8,
    findings: pd.DataFrame | None = None,
    *,
    first_month: bool = False,
) -> HTML:
    """Macros and SOPs implicated by failing audits (``macros``), clear problems highlighted.

    Clear: the macro has a significant finding in ``findings`` (the analysis' one rule); without
    ``findings`` (older callers), the macros table's own q-value and change flag. In the
    ``first_month`` of the data the change since last month is left out and
    `rca.reports.fragments.first_month_note` says why.
    """
    if df.empty or "macro_id" not in df:
        return _none(df, "audits with a macro or SOP", month)
    d = df.sort_values("rank").head(top_n)
    known = _clear_macros(findings)
    words = [_macro_words(r, None if known is None else str(r["macro_id"]) in known)
             for r in d.to_dict("records")]  # fmt: skip
    view = pd.DataFrame(
        {
            "Macro / SOP": d["macro_id"], "Queue": d["queue"], "Audits": d["audits"],
            "Fail rate": d["fail_rate"], "Other macros' fail rate": d["rest_fail_rate"],
            "Change since last month": d["change"],
            "In plain words": words,
            "Themes of its failing audits": [_first(t, 3) for t in d["top_themes"]],
            "Example comment": [_first(e, 1) for e in d["examples"]],
            "clear": [w != _NOT_CLEAR for w in words],
        }
    )  # fmt: skip
    formats = {"Audits": "int", "Fail rate": "pct", "Other macros' fail rate": "pct",
               "Change since last month": "pts"}  # fmt: skip
    if first_month:
        view = view.drop(columns="Change since last month")
        return HTML(rr.table(view, flag="clear", formats=formats).data + rr.first_month_note().data)
    return rr.table(view, flag="clear", formats=formats)


def _status(r: Any) -> str:
    if r["status"] != "known":
        return "New"
    title = f": {r['known_issue_title']}" if pd.notna(r["known_issue_title"]) else ""
    return f"Known ({r['known_issue_id']}{title})"


def _by_status(issues: pd.DataFrame, top_n: int) -> pd.DataFrame:
    """Up to ``top_n`` new issues then up to ``top_n`` known ones, most recent reports first."""
    d = issues.assign(_new=issues["status"] != "known").sort_values(
        ["_new", "count_current", "theme_label"], ascending=[False, False, True]
    )
    return d.groupby("_new", sort=False).head(top_n)


def _day(value: Any) -> str:
    return "–" if pd.isna(value) else f"{pd.Timestamp(value):%d %b %Y}"


def _issue_trends(d: pd.DataFrame, findings: pd.DataFrame | None) -> pd.Series:
    """Each issue's trend as the findings say: "rising" when its finding is clear, else "stable".

    Without findings that can tell (older callers), the table's own ``trend``.
    """
    cols = {"type", "theme_label", "significant"}
    if findings is None or not cols <= set(findings.columns):
        return d["trend"].astype(str)
    rows = findings[(findings["type"] == "technical_issue")
                    & findings["significant"].fillna(False).astype(bool)]  # fmt: skip
    clear = d["theme_label"].astype(str).isin(set(rows["theme_label"].astype(str)))
    return pd.Series(["rising" if c else "stable" for c in clear], index=d.index)


def issues_table(
    df: pd.DataFrame,
    month: str | None = None,
    top_n: int = 8,
    findings: pd.DataFrame | None = None,
) -> HTML:
    """Tabulate the technical issues in user feedback (``tech_issues``), new ones first.

    Since when, reports in the last weeks and their trend; clearly rising issues highlighted.
    Clearly rising: the issue has a significant finding in ``findings`` (else about the same);
    without ``findings`` (older callers), the table's own ``trend``.
    """
    if df.empty or "status" not in df:
        return _none(df, "technical issues in user feedback", month)
    d = _by_status(df, top_n)
    d = d.assign(trend=_issue_trends(d, findings))
    weeks = window_weeks(df)
    view = pd.DataFrame(
        {
            "Issue": d["theme_label"], "Status": [_status(r) for r in d.to_dict("records")],
            "First seen": [_day(v) for v in d["first_seen"]],
            "Last seen": [_day(v) for v in d["last_seen"]],
            f"Reports, last {weeks} weeks": d["count_current"],
            f"Reports, {weeks} weeks before": d["count_previous"],
            "Trend": [trend_words(str(t), weeks) for t in d["trend"]],
            "Markets": [_first(m, 3) for m in d["markets"]],
            "Example report": [_first(e, 1) for e in d["examples"]],
            "rising": d["trend"] == "rising",
        }
    )  # fmt: skip
    return rr.table(view, flag="rising", formats={f"Reports, last {weeks} weeks": "int",
                    f"Reports, {weeks} weeks before": "int"})  # fmt: skip


def issue_timeline_chart(
    timeline: pd.DataFrame, issues: pd.DataFrame, month: str | None = None, top_n: int = 8
) -> HTML:
    """Chart weekly reports of the ``top_n`` most reported technical issues.

    From ``issue_timeline``; new issues drawn solid, known ones dashed (``tech_issues``).
    """
    import plotly.graph_objects as go

    if timeline.empty or issues.empty or "status" not in issues:
        return _none(issues, "technical issues in user feedback", month)
    top = issues.sort_values(["count_current", "theme_label"], ascending=[False, True])
    fig = go.Figure()
    for r in top.head(top_n).to_dict("records"):
        d = timeline[timeline["theme_id"] == r["theme_id"]].sort_values("week")
        new = r["status"] != "known"
        name = f"{'New' if new else 'Known ' + str(r['known_issue_id'])}: {r['theme_label']}"
        fig.add_trace(
            go.Scatter(
                x=[_day(w) for w in d["week"]], y=d["n"], mode="lines+markers",
                name=html.escape(name), line={"dash": "solid" if new else "dash",
                                              "width": 3 if r["trend"] == "rising" else 1.5},
                hovertemplate=html.escape(name) + "<br>week of %{x}: %{y} reports<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(title="Reports per week of each technical issue (solid: new, dashed: known)",
                      xaxis={"type": "category", "title": "week starting"}, yaxis_title="reports",
                      legend={"orientation": "h", "y": -0.3}, height=520)  # fmt: skip
    return rr.figure(fig)


def evidence(findings: pd.DataFrame, top_n: int = 8, n_quotes: int = 3) -> HTML:
    """Show the evidence of the clear findings that policy or product owners act on.

    Per finding: what was found, the counts, the comparison group, the interval and up to
    ``n_quotes`` example cases (ids and redacted quotes), `rca.reports.finding_evidence`.
    """
    recs = rec.recommend(findings, owners=OWNERS)
    ids = [i for group in recs["finding_ids"] for i in group]
    if not ids or "evidence" not in findings:
        return rr.callout("No clear finding for policy or product owners this month.")
    rows = findings.set_index("finding_id").loc[ids]
    rows = rows.head(top_n)
    parts = []
    for fid, r in rows.iterrows():
        row = {**r, "finding_id": fid}
        parts.append(f"<h4>{rr.esc(describe(row))}</h4>{evidence_html(row, n_quotes)}")
    return HTML("".join(parts))


def recommended_changes(findings: pd.DataFrame, top_n: int = 8) -> HTML:
    """Recommendations for policy and product owners (`rca.findings.recommend.recommend`)."""
    recs = rec.recommend(findings, owners=OWNERS)
    return recommendation_list(
        recs.head(top_n),
        empty="No change to policies, macros or the product is needed this month: no clear "
        "finding points to them.",
    )
