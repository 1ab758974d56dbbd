"""Per-team and per-agent figures behind the team-lead and agent reports, computed once.

Pure functions: audits with ``month`` and ``week`` (`rca.stats.kpis.add_period`), and for two of
them an analysis table, in; one long DataFrame out, keyed by ``team`` or ``agent`` (as text) so
that a report selects its own rows. Each covers every team or agent with audits in ``month``.
KPIs and theme shares are `rca.stats.kpis.kpis_by` and `rca.stats.kpis.theme_shares`; the rest
are counts, shares of counts and the auditors' own comments quoted beside them.

An agent's rows hold only their own audits, and their team as a whole; a team's rows hold only
its own agents, and the whole operation as a whole.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from rca.stats.kpis import kpis_by, theme_shares

__all__ = [
    "AGENT_FOCUS_COLUMNS",
    "AGENT_STRENGTHS_COLUMNS",
    "TEAM_COACHING_COLUMNS",
    "TEAM_ERRORS_COLUMNS",
    "TEAM_MACROS_COLUMNS",
    "coaching_per_team",
    "error_shares_per_team",
    "focus_per_agent",
    "kpis_per_agent",
    "kpis_per_team",
    "macros_per_team",
    "strengths_per_agent",
    "theme_shares_per_team",
    "trend_per_agent",
]

#: Columns of `error_shares_per_team`.
TEAM_ERRORS_COLUMNS = ("team", "error_category", "n", "share", "operation_share")
#: Columns of `coaching_per_team`.
TEAM_COACHING_COLUMNS = (
    "team", "who", "kind", "focus", "n", "count", "share", "rest_share", "examples",
)  # fmt: skip
#: Columns of `macros_per_team`.
TEAM_MACROS_COLUMNS = (
    "team", "rank", "macro_id", "failing", "audits", "fail_rate", "operation_fail_rate", "example",
)  # fmt: skip
#: Columns of `strengths_per_agent`.
AGENT_STRENGTHS_COLUMNS = ("agent", "rank", "theme", "n", "examples")
#: Columns of `focus_per_agent`.
AGENT_FOCUS_COLUMNS = ("agent", "rank", "focus", "n", "examples")


def _members(audits: pd.DataFrame, column: str, month: str) -> list[object]:
    """Distinct non-empty values of ``column`` among the audits of ``month``, sorted as text."""
    values = audits.loc[audits["month"] == month, column].dropna().unique()
    return sorted(values, key=str)


def _mode(values: pd.Series) -> str:
    """Most frequent value (first in order on ties), as text; ``""`` when all are empty."""
    modes = values.mode()
    return str(modes.iloc[0]) if len(modes) else ""


def _examples(audits: pd.DataFrame, n: int) -> list[str]:
    """Return the first ``n`` distinct non-empty comments of ``audits``, in their order."""
    comments = audits["comment"].dropna().astype(str).str.strip()
    return comments[comments != ""].drop_duplicates().head(n).tolist()


def _months(month: str, previous: str | None) -> list[str]:
    return [m for m in (previous, month) if m is not None]


def _keyed(df: pd.DataFrame, key: str, first: Iterable[str]) -> pd.DataFrame:
    """``df`` with ``key`` as text and the columns ``first`` leading."""
    lead = list(first)
    out = df.assign(**{key: df[key].astype(str)})
    return out[[*lead, *[c for c in out.columns if c not in lead]]].reset_index(drop=True)


def kpis_per_team(
    audits: pd.DataFrame, *, month: str, previous: str | None, min_n: int = 30
) -> pd.DataFrame:
    """KPIs of each team and of the whole operation in ``month`` and ``previous``.

    Returns
    -------
    DataFrame
        ``team``, ``segment`` (``"team"``: the team's own audits, ``"operation"``: all audits),
        ``month`` and the `rca.stats.kpis.kpis_by` columns; per team its own rows, then the
        operation's, each by month.
    """
    df = audits[audits["month"].isin(_months(month, previous))]
    teams = _members(audits, "team", month)
    own = kpis_by(df[df["team"].isin(teams)], ["team", "month"], min_n=min_n)
    ops = kpis_by(df, "month", min_n=min_n)
    parts = [own.assign(segment="team")]
    parts += [ops.assign(team=str(t), segment="operation") for t in teams]
    out = _keyed(pd.concat(parts, ignore_index=True), "team", ["team", "segment", "month"])
    order = out["segment"].map({"team": 0, "operation": 1})
    out = out.assign(_o=order).sort_values(["team", "_o", "month"], ignore_index=True)
    return out.drop(columns="_o")


def _agents_and_teams(
    rows: pd.DataFrame, audits: pd.DataFrame, team_of: pd.Series, by: str, min_n: int
) -> pd.DataFrame:
    """KPIs per ``by`` of each agent (``rows``) and of their team (``team_of``, from ``audits``)."""
    own = kpis_by(rows, ["agent", by], min_n=min_n)
    own = own.assign(team=own["agent"].map(team_of), segment="agent")
    teams = kpis_by(audits[audits["team"].isin(list(team_of))], ["team", by], min_n=min_n)
    teams = teams.assign(team=teams["team"].astype(str))
    pairs = pd.DataFrame({"agent": team_of.index, "team": team_of.to_numpy()})
    mates = pairs.merge(teams, on="team").assign(segment="team")
    out = _keyed(
        pd.concat([own, mates], ignore_index=True), "agent", ["agent", "team", "segment", by]
    )
    return out.sort_values(["agent", "segment", by], ignore_index=True)


def kpis_per_agent(
    audits: pd.DataFrame, *, month: str, previous: str | None, min_n: int = 30
) -> pd.DataFrame:
    """KPIs of each agent, and of the team they worked in most in ``month``, in both months.

    Returns
    -------
    DataFrame
        ``agent``, ``team``, ``segment`` (``"agent"``: the agent's own audits, ``"team"``: all
        audits of their team), ``month`` and the `rca.stats.kpis.kpis_by` columns.
    """
    df = audits[audits["month"].isin(_months(month, previous))]
    agents = _members(audits, "agent", month)
    current = audits[(audits["month"] == month) & audits["agent"].isin(agents)]
    team_of = current.groupby("agent")["team"].agg(_mode)
    return _agents_and_teams(df[df["agent"].isin(agents)], df, team_of, "month", min_n)


def trend_per_agent(
    audits: pd.DataFrame, *, month: str, period: str = "week", min_n: int = 30
) -> pd.DataFrame:
    """KPIs of each agent with audits in ``month``, and of their team, per ``period`` (all audits).

    The team is the one the agent worked in most over all audits (as the agent report always
    drew it; the KPI cards use the team of ``month``, the same one unless the agent moved).

    Returns
    -------
    DataFrame
        ``agent``, ``team``, ``segment`` (``"agent"`` / ``"team"``), ``period`` and the
        `rca.stats.kpis.kpis_by` columns.
    """
    rows = audits[audits["agent"].isin(_members(audits, "agent", month))]
    team_of = rows.groupby("agent")["team"].agg(_mode)
    out = _agents_and_teams(rows, audits, team_of, period, min_n)
    return out.rename(columns={period: "period"})


def theme_shares_per_team(
    audits: pd.DataFrame, *, month: str, previous: str | None
) -> pd.DataFrame:
    """Each team's comment themes in ``month`` (all of them), with the operation's share.

    Returns
    -------
    DataFrame
        ``team``, ``rank`` (1: the team's largest theme) and the `rca.stats.kpis.theme_shares`
        columns for the team, plus ``operation_share`` (the theme's share of all audits).
    """
    every = max(len(audits), 1)
    ops = theme_shares(audits, month, None, top_n=every).set_index("theme_id")["share"]
    parts = []
    for team in _members(audits, "team", month):
        own = theme_shares(audits[audits["team"] == team], month, previous, top_n=every)
        parts.append(
            own.assign(
                team=str(team), rank=list(range(1, len(own) + 1)),
                operation_share=own["theme_id"].map(ops).fillna(0.0),
            )
        )  # fmt: skip
    if not parts:
        columns = theme_shares(audits.iloc[0:0], month, previous).columns
        return pd.DataFrame(columns=["team", "rank", *columns, "operation_share"])
    return _keyed(pd.concat(parts, ignore_index=True), "team", ["team", "rank"])


def error_shares_per_team(audits: pd.DataFrame, *, month: str) -> pd.DataFrame:
    """Error categories of ``month``: each team's count and share of its errors vs the operation.

    Returns
    -------
    DataFrame
        `TEAM_ERRORS_COLUMNS`, per team largest first.
    """
    cur = audits[(audits["month"] == month) & audits["error_category"].notna()]
    ops = cur["error_category"].value_counts(normalize=True)
    parts = []
    for team in _members(audits, "team", month):
        own = cur[cur["team"] == team]["error_category"].value_counts()
        out = pd.DataFrame({"error_category": own.index.astype(str), "n": own.to_numpy()})
        out["share"] = out["n"] / max(int(own.sum()), 1)
        out["operation_share"] = out["error_category"].map(ops).fillna(0.0)
        out = out.sort_values(["n", "error_category"], ascending=[False, True])
        parts.append(out.assign(team=str(team)))
    if not parts:
        return pd.DataFrame(columns=list(TEAM_ERRORS_COLUMNS))
    return pd.concat(parts, ignore_index=True)[list(TEAM_ERRORS_COLUMNS)]


def _needs(coaching: pd.DataFrame) -> pd.Series:
    """Rows that are coaching needs: clear for the month's family when known, else q < 0.05 up."""
    up = coaching["difference"] > 0 if "difference" in coaching else True
    if "clear" in coaching:
        return coaching["clear"].fillna(False).astype(bool) & up
    if "q_value" in coaching:
        return (coaching["q_value"] < 0.05) & up
    return pd.Series(True, index=coaching.index) & up  # a table of needs only (older analyses)


def coaching_per_team(
    coaching: pd.DataFrame, audits: pd.DataFrame, *, month: str, n_examples: int = 2
) -> pd.DataFrame:
    """Split the analysis' coaching needs per team, with examples from the team's own audits.

    Only needs are kept (a higher error share, clear for the month's family when the table has
    ``clear``, else q < 0.05); rows whose agents are not all in the team (with audits in
    ``month``) are dropped, so no other team's agent appears under a team.

    Parameters
    ----------
    coaching
        `rca.stats.coaching.coaching_needs` result.
    audits
        All audits.
    month
        Report month.
    n_examples
        Comments per row: the group's own audits of the month in that error category.

    Returns
    -------
    DataFrame
        `TEAM_COACHING_COLUMNS`: ``who`` (agent or cohort), ``kind`` (agent / cohort), ``focus``
        (error category), ``n``, ``count``, ``share``, ``rest_share``, ``examples``.
    """
    if coaching.empty or "agents" not in coaching:
        return pd.DataFrame(columns=list(TEAM_COACHING_COLUMNS))
    rows = []
    for team in _members(audits, "team", month):
        cur = audits[(audits["month"] == month) & (audits["team"] == team)]
        members = set(cur["agent"].astype(str))
        keep = coaching[(coaching["team"] == team) & _needs(coaching)]
        ok = [len(a) > 0 and set(map(str, a)) <= members for a in keep["agents"]]
        for r in keep[np.array(ok, dtype=bool)].to_dict("records"):
            mask = cur["agent"].isin([str(a) for a in r["agents"]])
            rows.append(
                {
                    "team": str(team), "who": str(r["group"]), "kind": str(r["group_type"]),
                    "focus": str(r["error_category"]), "n": r["n"], "count": r["count"],
                    "share": r["share"], "rest_share": r["rest_share"],
                    "examples": _examples(
                        cur[mask & (cur["error_category"] == r["error_category"])], n_examples
                    ),
                }
            )  # fmt: skip
    return pd.DataFrame(rows, columns=list(TEAM_COACHING_COLUMNS))


def macros_per_team(
    audits: pd.DataFrame, *, month: str, macros: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Macros / SOPs in each team's failing audits of ``month``, most failures first.

    Parameters
    ----------
    audits
        All audits (``macro_id``, ``passed``, ``comment``).
    month
        Report month.
    macros
        The analysis' ``macros`` table (`rca.stats.macros.macro_report`), for the operation's
        fail rate of each macro.

    Returns
    -------
    DataFrame
        `TEAM_MACROS_COLUMNS`: ``failing``, ``audits``, ``fail_rate`` (the team's),
        ``operation_fail_rate``, ``example`` (one of the team's comments on a failing audit).
    """
    ops = {}
    if macros is not None and {"macro_id", "fail_rate"} <= set(macros.columns):
        ops = dict(zip(macros["macro_id"], macros["fail_rate"], strict=True))
    parts = []
    for team in _members(audits, "team", month):
        cur = audits[
            (audits["month"] == month) & (audits["team"] == team) & audits["macro_id"].notna()
        ]
        failing = cur["passed"].eq(False).fillna(False).astype(bool)
        g = cur.assign(_fail=failing.astype(int)).groupby("macro_id")["_fail"]
        out = pd.DataFrame({"failing": g.sum(), "audits": g.size()}).reset_index()
        out = out[out["failing"] > 0].copy()
        out["fail_rate"] = out["failing"] / out["audits"]
        out["operation_fail_rate"] = out["macro_id"].map(ops)
        out["example"] = [
            next(iter(_examples(cur[failing & (cur["macro_id"] == m)], 1)), "")
            for m in out["macro_id"]
        ]
        out = out.sort_values(["failing", "macro_id"], ascending=[False, True])
        parts.append(out.assign(team=str(team), rank=list(range(1, len(out) + 1))))
    if not parts:
        return pd.DataFrame(columns=list(TEAM_MACROS_COLUMNS))
    return pd.concat(parts, ignore_index=True)[list(TEAM_MACROS_COLUMNS)]


def _ranked_per_agent(
    audits: pd.DataFrame, month: str, column: str, n_examples: int, names: tuple[str, ...]
) -> pd.DataFrame:
    """Per agent of ``month``: the values of ``column`` in ``audits``, most audits first.

    Ties are broken by value; examples are the first ``n_examples`` distinct non-empty comments
    of the agent's audits with that value (as `_examples`, for all agents at once).
    """
    cur = audits[(audits["month"] == month) & audits["agent"].notna() & audits[column].notna()]
    keys = ["agent", column]
    counts = cur.groupby(keys).size().rename("n").reset_index()
    counts = counts.sort_values(["agent", "n", column], ascending=[True, False, True])
    comments = cur["comment"].dropna().astype(str).str.strip()
    comments = comments[comments != ""]
    quoted = cur.loc[comments.index, keys].assign(_c=comments)
    quoted = quoted.drop_duplicates([*keys, "_c"]).groupby(keys, sort=False).head(n_examples)
    examples = quoted.groupby(keys)["_c"].agg(list)
    out = pd.DataFrame(
        {
            names[0]: counts["agent"].astype(str).to_numpy(),
            names[1]: counts.groupby("agent").cumcount().to_numpy() + 1,
            names[2]: counts[column].to_numpy(),
            names[3]: counts["n"].astype(int).to_numpy(),
            names[4]: [
                examples.get((a, v), [])
                for a, v in zip(counts["agent"], counts[column], strict=True)
            ],
        }
    )
    return out.sort_values([names[0], names[1]], ignore_index=True)


def strengths_per_agent(audits: pd.DataFrame, *, month: str, n_examples: int = 2) -> pd.DataFrame:
    """Themes of each agent's passed audits in ``month``, with their own comments as examples.

    Returns
    -------
    DataFrame
        `AGENT_STRENGTHS_COLUMNS`: ``theme`` (label), ``n`` passed audits, ``examples``; per
        agent most audits first (``rank`` 1), unassigned comments left out.
    """
    ok = audits[audits["passed"].eq(True).fillna(False).astype(bool)]
    ok = ok[ok["theme_id"].notna() & (ok["theme_id"] != -1)]
    return _ranked_per_agent(ok, month, "theme_label", n_examples, AGENT_STRENGTHS_COLUMNS)


def focus_per_agent(audits: pd.DataFrame, *, month: str, n_examples: int = 3) -> pd.DataFrame:
    """Error categories of each agent's audits in ``month``, with their own comments as examples.

    Returns
    -------
    DataFrame
        `AGENT_FOCUS_COLUMNS`: ``focus`` (error category), ``n`` audits, ``examples``; per agent
        most audits first (``rank`` 1).
    """
    errors = audits[audits["error_category"].notna()]
    return _ranked_per_agent(errors, month, "error_category", n_examples, AGENT_FOCUS_COLUMNS)
