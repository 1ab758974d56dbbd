"""Technical issues users report in feedback: new or known, since when, where, and trending how.

Pure functions: DataFrames in, DataFrames out. Input is feedback whose texts were grouped into
themes (`rca.themes.find.find_themes`: ``theme_id``, ``theme_label``, ``root_cause`` per row).
`technical_issues` keeps the bug-like themes and gives one row per issue; `issue_timeline` is
the weekly volume per issue; `load_known_issues` reads the list of issues already tracked so
each issue can be marked **known** (with the tracker id) or **new**.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rca.core.argument_checks import require_columns
from rca.ingest.known_issues import load_known_issues, normalise_words
from rca.stats.evidence import quotes_and_ids
from rca.stats.primitives import bh_qvalues, rate_change_poisson

__all__ = [
    "ISSUE_COLUMNS",
    "issue_timeline",
    "match_known_issue",
    "technical_issues",
]

#: Columns of `technical_issues`' result, in order.
ISSUE_COLUMNS: tuple[str, ...] = (
    "theme_id", "theme_label", "root_cause", "status", "known_issue_id", "known_issue_title",
    "matched_keywords", "n", "bug_share", "first_report", "first_seen", "last_seen",
    "count_current", "count_previous", "rate_ratio", "ratio_lo", "ratio_hi", "p_value",
    "q_value", "trend", "top_market", "top_market_share", "market_lift", "markets", "examples",
    "example_ids",
)  # fmt: skip


def match_known_issue(
    texts: Sequence[str], known: pd.DataFrame, *, min_keywords: int = 2, min_share: float = 0.5
) -> tuple[str | None, str | None, list[str]]:
    """Find the known issue that a theme's keywords and examples describe.

    Method: texts and keyword phrases are normalised (lower case, punctuation dropped: "99%"
    becomes "99"); a phrase is *found* when it occurs as whole words inside one of ``texts``.
    An issue matches when at least ``min_keywords`` of its phrases are found, or at least
    ``min_share`` of them (so a one-keyword issue matches on that keyword). Among matching
    issues the one with the highest share of phrases found wins, then the most phrases, then
    the first listed.

    Parameters
    ----------
    texts
        The theme's keywords (one phrase per item) and example texts.
    known
        `load_known_issues` result.
    min_keywords, min_share
        The matching rule above.

    Returns
    -------
    tuple
        ``(id, title, phrases found)``, or ``(None, None, [])`` without a match.
    """
    units = [f" {normalise_words(t)} " for t in texts]
    best: tuple[float, int, int] | None = None
    result: tuple[str | None, str | None, list[str]] = (None, None, [])
    issues = zip(known["id"], known["title"], known["keywords"], strict=True)
    for i, (issue_id, title, keywords) in enumerate(issues):
        phrases = [p for p in dict.fromkeys(normalise_words(k) for k in keywords) if p]
        found = [p for p in phrases if any(f" {p} " in u for u in units)]
        if not phrases or not (
            len(found) >= min_keywords or len(found) / len(phrases) >= min_share
        ):
            continue
        rank = (len(found) / len(phrases), len(found), -i)
        if best is None or rank > best:
            best, result = rank, (str(issue_id), str(title), found)
    return result


def _bug_like(
    feedback: pd.DataFrame, groups: Sequence[str], labels: Sequence[str], min_bug_share: float
) -> pd.DataFrame:
    """Per theme: rows, share labelled as a bug, cause; only the bug-like themes."""
    flagged = pd.Series(False, index=feedback.index)
    for column in ("agent_label", "auditor_label"):
        if column in feedback:
            flagged |= feedback[column].isin(list(labels)).fillna(False).astype(bool)
    themed = feedback.assign(_bug=flagged)
    themed = themed[themed["theme_id"].notna() & (themed["theme_id"] != -1)]
    cause = themed["root_cause"] if "root_cause" in themed else pd.Series("", index=themed.index)
    label = themed["theme_label"] if "theme_label" in themed else themed["theme_id"].astype(str)
    g = themed.assign(_cause=cause, _label=label).groupby("theme_id", observed=True)
    info = g.agg(n=("_bug", "size"), bug_share=("_bug", "mean"), theme_label=("_label", "first"),
                 root_cause=("_cause", "first"))  # fmt: skip
    group = info["root_cause"].fillna("").astype(str).str.split(".").str[0]
    return info[group.isin(list(groups)) | (info["bug_share"] >= min_bug_share)]


def issue_timeline(
    feedback: pd.DataFrame,
    *,
    groups: Sequence[str] = ("product", "system"),
    labels: Sequence[str] = ("bug",),
    min_bug_share: float = 0.5,
) -> pd.DataFrame:
    """Weekly number of reports of each bug-like theme (see `technical_issues`).

    Method: reports counted per ISO week (starting Monday), with a row for every week between
    the first and last week of the whole feedback table, zeros included.

    Parameters
    ----------
    feedback
        Feedback with ``date`` and ``theme_id`` (plus, as available, ``theme_label``,
        ``root_cause``, ``agent_label``, ``auditor_label``).
    groups, labels, min_bug_share
        Which themes are bug-like, as in `technical_issues`.

    Returns
    -------
    DataFrame
        ``theme_id``, ``theme_label``, ``week`` (Timestamp of the Monday), ``n``.
    """
    require_columns(feedback, ["date", "theme_id"], "feedback")
    info = _bug_like(feedback, groups, labels, min_bug_share)
    if info.empty:
        return pd.DataFrame(columns=["theme_id", "theme_label", "week", "n"])
    weeks = _weeks(feedback["date"])
    span = pd.date_range(weeks.min(), weeks.max(), freq="7D")
    rows = feedback[feedback["theme_id"].isin(info.index)]
    counts = rows.groupby(["theme_id", weeks[rows.index]]).size()
    full = pd.MultiIndex.from_product([info.index, span], names=["theme_id", "week"])
    out = counts.reindex(full, fill_value=0).rename("n").reset_index()
    out.insert(1, "theme_label", out["theme_id"].map(info["theme_label"]))
    return out


def _weeks(dates: pd.Series) -> pd.Series:
    d = pd.to_datetime(dates).dt.normalize()
    return d - pd.to_timedelta(d.dt.day_of_week, unit="D")


def technical_issues(
    feedback: pd.DataFrame,
    *,
    theme_info: pd.DataFrame | None = None,
    known_issues: pd.DataFrame | str | Path | None = None,
    as_of: Any = None,
    weeks: int = 4,
    groups: Sequence[str] = ("product", "system"),
    labels: Sequence[str] = ("bug",),
    min_bug_share: float = 0.5,
    min_weekly: int = 3,
    alpha: float = 0.05,
    n_examples: int = 3,
) -> pd.DataFrame:
    """One row per technical issue (bug-like theme) of user feedback.

    Method. *Bug-like*: a theme (``theme_id`` other than -1) whose root cause is in one of
    ``groups`` (the part of ``root_cause`` before the dot), or at least ``min_bug_share`` of
    whose reports an agent or auditor labelled as one of ``labels``. *Dates*: ``first_report``
    is the earliest report; ``first_seen`` the first report of the first ISO week with at least
    ``min_weekly`` reports (one stray, misassigned text does not date an issue; falls back to
    ``first_report``). *Trend*: reports in the last ``weeks`` weeks up to ``as_of`` vs the
    ``weeks`` weeks before, with all feedback of each window as exposure, by
    `rca.stats.primitives.rate_change_poisson` (exact conditional test); Benjamini-Hochberg q-values
    across issues; ``trend`` is ``"rising"``/``"falling"`` when ``q_value < alpha``, else
    ``"stable"`` (``"n/a"`` when a window has no feedback). *Markets*: shares of the issue's
    reports; ``market_lift`` = top market's share of the issue / its share of all feedback.
    *Status*: ``"known"`` when `match_known_issue` matches the theme's keywords and examples
    (from ``theme_info``) and its quotes to a known issue, else ``"new"``.

    Parameters
    ----------
    feedback
        Feedback with ``date``, ``market``, ``text`` and ``theme_id``; ``theme_label``,
        ``root_cause``, ``agent_label``, ``auditor_label`` and ``confidence`` when available.
    theme_info
        `rca.themes.find.Themes.theme_info` (``theme_id``, ``keywords``, ``examples``) for matching.
    known_issues
        `load_known_issues` result or its path; None marks every issue "new".
    as_of
        End of the current window (default: the latest feedback date).
    weeks
        Length of each trend window, in weeks.
    groups, labels, min_bug_share
        Which themes are bug-like (see Method).
    min_weekly
        Weekly reports that make an issue "seen".
    alpha
        Significance level of ``trend``.
    n_examples
        Redacted quotes per issue (most typical first when ``confidence`` is present).
        ``example_ids`` lists the ``feedback_id`` of the issue's reports (when the column
        exists), the quoted ones first, then the others in the same order, at most
        `rca.stats.evidence.MAX_EVIDENCE_IDS`.

    Returns
    -------
    DataFrame
        `ISSUE_COLUMNS`, most reports in the current window first.
    """
    require_columns(feedback, ["date", "market", "text", "theme_id"], "feedback")
    if isinstance(known_issues, str | Path):
        known_issues = load_known_issues(known_issues)
    info = _bug_like(feedback, groups, labels, min_bug_share)
    if info.empty or feedback.empty:
        return pd.DataFrame(columns=list(ISSUE_COLUMNS))
    dates = pd.to_datetime(feedback["date"]).dt.normalize()
    end = pd.Timestamp(as_of).normalize() if as_of is not None else dates.max()
    window = pd.Timedelta(days=7 * weeks)
    in_cur = (dates > end - window) & (dates <= end)
    in_prev = (dates > end - 2 * window) & (dates <= end - window)
    exposure = (int(in_cur.sum()), int(in_prev.sum()))
    market_share = feedback["market"].value_counts(normalize=True)
    details = _theme_texts(theme_info)
    order = (
        feedback.sort_values("confidence", ascending=False, kind="stable")
        if "confidence" in feedback
        else feedback
    )
    rows = []
    for topic, meta in info.iterrows():
        mine = (feedback["theme_id"] == topic).fillna(False).astype(bool)  # NA: no text
        quotes, ids = quotes_and_ids(
            order.loc[mine.loc[order.index].to_numpy()], "text", "feedback_id", n=n_examples
        )
        texts = [*details.get(topic, []), *quotes]
        ki_id, ki_title, found = (
            match_known_issue(texts, known_issues) if known_issues is not None else (None, None, [])
        )
        counts = (int((mine & in_cur).sum()), int((mine & in_prev).sum()))
        markets = feedback.loc[mine, "market"].value_counts(normalize=True)
        rows.append(
            {
                "theme_id": topic, "theme_label": meta["theme_label"],
                "root_cause": meta["root_cause"], "status": "known" if ki_id else "new",
                "known_issue_id": ki_id, "known_issue_title": ki_title, "matched_keywords": found,
                "n": int(meta["n"]), "bug_share": float(meta["bug_share"]),
                **_dates(dates[mine], min_weekly),
                "count_current": counts[0], "count_previous": counts[1],
                **_trend(counts, exposure),
                "top_market": markets.index[0], "top_market_share": float(markets.iloc[0]),
                "market_lift": float(markets.iloc[0] / market_share[markets.index[0]]),
                "markets": [f"{m} ({s:.0%})" for m, s in markets.head(3).items()],
                "examples": quotes, "example_ids": ids,
            }
        )  # fmt: skip
    out = pd.DataFrame(rows, columns=list(ISSUE_COLUMNS))
    out["q_value"] = bh_qvalues(out["p_value"])
    significant = out["q_value"] < alpha
    out["trend"] = np.select(
        [out["p_value"].isna(), significant & (out["rate_ratio"] > 1),
         significant & (out["rate_ratio"] < 1)],
        ["n/a", "rising", "falling"], "stable",
    )  # fmt: skip
    out = out.sort_values(["count_current", "n", "theme_id"], ascending=[False, False, True])
    return out.reset_index(drop=True)


def _theme_texts(theme_info: pd.DataFrame | None) -> dict[Any, list[str]]:
    """Keywords (one phrase each) and examples of each theme, for known-issue matching."""
    if theme_info is None:
        return {}
    out: dict[Any, list[str]] = {}
    for row in theme_info.itertuples(index=False):
        keywords = [k for k in str(getattr(row, "keywords", "") or "").split(",") if k.strip()]
        examples = getattr(row, "examples", None)
        if examples is None or (isinstance(examples, float) and pd.isna(examples)):
            examples = []
        examples = [examples] if isinstance(examples, str) else list(examples)
        out[row.theme_id] = keywords + [str(e) for e in examples]
    return out


def _dates(dates: pd.Series, min_weekly: int) -> dict[str, pd.Timestamp]:
    weeks = _weeks(dates)
    per_week = weeks.value_counts()
    busy = per_week[per_week >= min_weekly].index
    first_seen = dates[weeks.isin(busy)].min() if len(busy) else dates.min()
    return {"first_report": dates.min(), "first_seen": first_seen, "last_seen": dates.max()}


def _trend(counts: tuple[int, int], exposure: tuple[int, int]) -> dict[str, float]:
    if min(exposure) == 0:
        nan = float("nan")
        return dict.fromkeys(("rate_ratio", "ratio_lo", "ratio_hi", "p_value"), nan)
    r = rate_change_poisson(counts[0], exposure[0], counts[1], exposure[1])
    return {"rate_ratio": r.rate_ratio, "ratio_lo": r.ratio_lo, "ratio_hi": r.ratio_hi,
            "p_value": r.p_value}  # fmt: skip
