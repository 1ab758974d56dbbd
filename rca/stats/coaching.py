"""Coaching needs: agents and new-hire cohorts whose error categories stand out this month."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd

from rca.core.argument_checks import require_columns
from rca.stats.evidence import quotes_and_ids
from rca.stats.kpis import add_period
from rca.stats.primitives import bh_qvalues
from rca.stats.trends import group_vs_rest

__all__ = ["COACHING_COLUMNS", "coaching_needs"]

#: Columns of `coaching_needs`' result, in order.
COACHING_COLUMNS: tuple[str, ...] = (
    "group_type", "group", "team", "cohort_start", "agents", "n", "error_category", "count",
    "share", "rest_share", "difference", "diff_lo", "diff_hi", "risk_ratio", "p_value",
    "q_value", "examples", "example_ids",
)  # fmt: skip


def coaching_needs(
    audits: pd.DataFrame,
    *,
    current: Hashable,
    min_n: int = 10,
    q_max: float | None = 0.05,
    n_examples: int = 3,
) -> pd.DataFrame:
    """Agents and new-hire cohorts whose share of an error category stands out this month.

    Method: among the ``current`` month's audits, each agent's share of audits with each error
    category is compared with the share among all other audits (`group_vs_rest`: Newcombe
    interval, z-test or Fisher's exact test). The same is done for *cohorts*: agents of one team
    who started in the same calendar quarter (``agent_start_date``), when at least two agents
    share it. Benjamini-Hochberg q-values are computed over all agents' and cohorts' tests
    together; rows with ``q_value < q_max`` and a positive difference are returned (every
    tested row, both directions, with ``q_max=None``: what a false-discovery control over more
    tests than these needs, see `rca.findings.family`).

    Parameters
    ----------
    audits
        Validated audits with ``audit_date`` (or ``month``), ``agent`` and ``error_category``
        (empty when the audit found no error); ``team`` and ``agent_start_date`` enable
        cohorts, ``comment`` gives examples.
    current
        Month to analyse, ``YYYY-MM``.
    min_n
        Agents or cohorts with fewer audits in the month are not tested.
    q_max
        Largest q-value reported; None keeps every tested row.
    n_examples
        Quotes per row (auditors' comments on those audits, redacted). ``example_ids`` lists
        the ``audit_id`` of the group's audits with that error (when the column exists), the
        quoted ones first, at most `rca.stats.evidence.MAX_EVIDENCE_IDS`.

    Returns
    -------
    DataFrame
        `COACHING_COLUMNS`: ``group_type`` (``"agent"`` or ``"cohort"``), ``group`` (agent id
        or e.g. ``"Team Heron, started 2026Q2"``), ``team``, ``cohort_start`` (a cohort's start
        quarter, e.g. ``"2026Q2"``; None for agents), ``agents`` (list), ``n`` audits,
        ``error_category``, ``count``, ``share`` and ``rest_share``, ``difference`` with its
        interval, ``risk_ratio``, ``p_value``, ``q_value``, ``examples``, ``example_ids`` (empty
        where the group's share is not higher). Most
        significant first; empty when the month has no audits.
    """
    require_columns(audits, ["agent", "error_category"], "audits")
    df = audits if "month" in audits else add_period(audits)
    df = df[df["month"] == current]
    if df.empty:
        return pd.DataFrame(columns=list(COACHING_COLUMNS))
    kinds = {"agent": df["agent"], "cohort": _cohorts(df)}
    tests = [
        group_vs_rest(df, groups, item="error_category", min_n=min_n).assign(group_type=kind)
        for kind, groups in kinds.items()
    ]
    result = pd.concat([t for t in tests if len(t)], ignore_index=True)
    if result.empty:
        return pd.DataFrame(columns=list(COACHING_COLUMNS))
    result["q_value"] = bh_qvalues(result["p_value"])
    if q_max is not None:
        result = result[(result["q_value"] < q_max) & (result["difference"] > 0)]
    result = result.sort_values(["q_value", "difference"], ascending=[True, False])
    rows = []
    # quotes only where the group errs more: a lower share is never a coaching need
    higher = (result["difference"] > 0).to_numpy(dtype=bool)
    for r, up in zip(result.itertuples(index=False), higher, strict=True):
        mine = kinds[str(r.group_type)] == r.group
        hits = df[mine & (df["error_category"] == r.item)]
        team = df.loc[mine, "team"].mode() if "team" in df else pd.Series(dtype=str)
        start = _start_quarter(df.loc[mine]).mode().iloc[0] if r.group_type == "cohort" else None
        quotes, ids = quotes_and_ids(hits, "comment", "audit_id", n=n_examples) if up else ([], [])
        rows.append(
            {
                "group_type": r.group_type, "group": r.group,
                "team": team.iloc[0] if len(team) else None, "cohort_start": start,
                "agents": sorted(df.loc[mine, "agent"].unique()),
                "n": r.n_current, "error_category": r.item, "count": r.count_current,
                "share": r.share_current, "rest_share": r.share_previous,
                "difference": r.difference, "diff_lo": r.diff_lo, "diff_hi": r.diff_hi,
                "risk_ratio": r.risk_ratio, "p_value": r.p_value, "q_value": r.q_value,
                "examples": quotes, "example_ids": ids,
            }
        )  # fmt: skip
    return pd.DataFrame(rows, columns=list(COACHING_COLUMNS))


def _start_quarter(df: pd.DataFrame) -> pd.Series:
    """Calendar quarter each row's agent started in, e.g. ``"2026Q2"``."""
    return pd.to_datetime(df["agent_start_date"]).dt.to_period("Q").astype(str)


def _cohorts(df: pd.DataFrame) -> pd.Series:
    """Cohort label per row: team and start quarter, for cohorts of two or more agents."""
    if "team" not in df or "agent_start_date" not in df:
        return pd.Series(np.nan, index=df.index, dtype=object)
    start = _start_quarter(df)
    label = df["team"].astype(str) + ", started " + start
    label = label.where(df["team"].notna() & df["agent_start_date"].notna())
    size = df.groupby(label)["agent"].nunique()
    return label.where(label.map(size).fillna(0) >= 2)
