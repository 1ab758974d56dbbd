"""Macros and SOPs: which canned responses lead to failing audits, and since when.

Pure functions: DataFrames in, DataFrames out. `macro_report` gives one row per macro for a
month (fail rate with its interval, its excess over the other macros, the change since the
previous month, whether it got worse after a policy or macro change), ranked by the failures it
causes beyond what an average macro would; `macro_trend` is the monthly fail rate per macro.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping

import numpy as np
import pandas as pd

from rca.core.argument_checks import require_columns
from rca.stats.evidence import quotes_and_ids
from rca.stats.kpis import add_period
from rca.stats.primitives import bh_qvalues, compare_proportions, wilson_interval
from rca.stats.trends import share_changes

__all__ = ["MACRO_COLUMNS", "TREND_COLUMNS", "macro_report", "macro_trend"]

#: Columns of `macro_report`'s result, in order.
MACRO_COLUMNS: tuple[str, ...] = (
    "rank", "macro_id", "queue", "audits", "failing", "share_of_failures", "fail_rate",
    "fail_lo", "fail_hi", "comparison", "rest_audits", "rest_fail_rate", "excess_rate",
    "excess_failures", "excess_p", "excess_q", "previous_audits", "previous_fail_rate", "change",
    "change_lo", "change_hi", "change_p", "change_q", "changed_after", "before_fail_rate",
    "after_fail_rate", "after_p", "after_q", "worse_after", "trend", "top_themes", "examples",
    "example_ids", "small_n", "score",
)  # fmt: skip
#: Columns of `macro_trend`'s result, in order.
TREND_COLUMNS: tuple[str, ...] = (
    "macro_id", "month", "audits", "failing", "fail_rate", "fail_lo", "fail_hi", "small_n",
)  # fmt: skip

DateLike = str | dt.date | pd.Timestamp


def _prepare(audits: pd.DataFrame) -> pd.DataFrame:
    """Audits with a known outcome, a ``month`` and a ``_fail`` item ("fail" or missing)."""
    require_columns(audits, ["audit_date", "passed", "macro_id"], "audits")
    df = audits if "month" in audits else add_period(audits)
    df = df[df["passed"].notna()]
    failed = ~df["passed"].astype(bool)
    return df.assign(_failed=failed, _fail=pd.Series("fail", index=df.index).where(failed))


def macro_trend(audits: pd.DataFrame, *, min_n: int = 20) -> pd.DataFrame:
    """Fail rate of each macro in each month, with its Wilson interval.

    Method: failing audits / audits with a known outcome that used the macro, per month; the
    95 % Wilson score interval (`rca.stats.primitives.wilson_interval`).

    Parameters
    ----------
    audits
        Validated audits with ``audit_date`` (or ``month``), ``passed`` and ``macro_id``.
    min_n
        Months with fewer audits of the macro get ``small_n = True``.

    Returns
    -------
    DataFrame
        `TREND_COLUMNS`, one row per macro and month in which it was used, sorted by both.
    """
    df = _prepare(audits)
    used = df[df["macro_id"].notna()]
    g = used.groupby(["macro_id", "month"], observed=True)["_failed"]
    out = g.agg(audits="size", failing="sum").reset_index()
    out["fail_rate"] = out["failing"] / out["audits"]
    out["fail_lo"], out["fail_hi"] = wilson_interval(out["failing"], out["audits"])
    out["small_n"] = out["audits"] < min_n
    return out[list(TREND_COLUMNS)].sort_values(["macro_id", "month"], ignore_index=True)


def macro_report(
    audits: pd.DataFrame,
    *,
    current: Hashable,
    previous: Hashable | None,
    changed_after: DateLike | Mapping[str, DateLike] | None = None,
    min_n: int = 20,
    alpha: float = 0.05,
    n_examples: int = 3,
) -> pd.DataFrame:
    """Rank the macros of a month by the failing audits they cause beyond an average macro.

    Method. Base: audits with a known outcome that used a macro; a failing audit is
    ``passed == False``. Per macro in the ``current`` month: fail rate with its 95 % Wilson
    interval; ``share_of_failures`` = its failing audits / all failing audits of the month
    (with or without a macro). Three comparisons, each a two-sided score z-test, or Fisher's
    exact test for small expected counts (`rca.stats.primitives.compare_proportions`), with
    Benjamini-Hochberg q-values across macros: (1) *excess*: the macro vs the other macros of
    its queue in the month (``comparison = "same_queue"``: a queue hard for every macro does
    not make its macros stale), or vs all other macros (``"other_macros"``) when the audits have
    no queue or the other macros of its queue have fewer than ``min_n`` audits together
    (``rest_audits`` and ``rest_fail_rate`` describe the group compared with); (2) *change*:
    the month vs ``previous``; (3) *after*: audits dated on or after
    ``changed_after`` vs before it (all months up to ``current``). ``worse_after`` is true when
    the after-rate is higher with ``after_q < alpha``.
    Score: ``excess_failures = audits × (fail_rate − rest_fail_rate)``, the failing audits
    beyond what the other macros' fail rate predicts for as many audits. Ranked by score,
    macros with ``small_n`` (fewer than ``min_n`` audits in the month, untested) last.

    Parameters
    ----------
    audits
        Validated audits with ``audit_date`` (or ``month``), ``passed`` and ``macro_id``;
        ``queue``, ``comment`` and ``theme_label`` are used when present.
    current, previous
        Months ``YYYY-MM`` to report and to compare with (None: no month-on-month change).
    changed_after
        Date of a policy or macro change, or a mapping macro id -> date; None skips the test.
    min_n
        Smallest number of audits of a macro, in a month or side of a comparison, to test it.
    alpha
        Significance level of ``worse_after``.
    n_examples
        Redacted comments of the month's failing audits per macro (most recent first).
        ``example_ids`` lists those audits' ``audit_id`` (when the column exists), the quoted
        ones first, then the macro's other failing audits of the month (most recent first), at
        most `rca.stats.evidence.MAX_EVIDENCE_IDS`.

    Returns
    -------
    DataFrame
        `MACRO_COLUMNS`; ``trend`` is the list of monthly fail rates up to ``current`` (see
        `macro_trend` for the long table), ``top_themes`` the three commonest themes of the
        failing audits (``"label (n)"``, when a ``theme_label`` column exists). Empty when the
        month has no audits with a macro.
    """
    df = _prepare(audits)
    df = df[df["month"] <= current]
    used = df[df["macro_id"].notna()]
    now = used[used["month"] == current]
    if now.empty:
        return pd.DataFrame(columns=list(MACRO_COLUMNS))
    g = now.groupby("macro_id", observed=True)["_failed"]
    out = pd.DataFrame({"audits": g.size(), "failing": g.sum().astype(int)})
    all_failing = int(df.loc[df["month"] == current, "_failed"].sum())
    out["share_of_failures"] = out["failing"] / max(all_failing, 1)
    out["fail_rate"] = out["failing"] / out["audits"]
    out["fail_lo"], out["fail_hi"] = wilson_interval(out["failing"], out["audits"])
    out["small_n"] = out["audits"] < min_n
    if "queue" in now:
        out["queue"] = now.groupby("macro_id", observed=True)["queue"].agg(_mode)
    _excess(out, now, min_n)
    _month_change(out, used, current, previous, min_n)
    _before_after(out, used, changed_after, min_n, alpha)
    trend = macro_trend(used, min_n=min_n).groupby("macro_id")["fail_rate"].agg(list)
    out["trend"] = trend.reindex(out.index)
    fails = now[now["_failed"]].sort_values("audit_date", ascending=False)
    out["top_themes"] = [_top_themes(fails[fails["macro_id"] == m]) for m in out.index]
    quoted = [
        quotes_and_ids(fails[fails["macro_id"] == m], "comment", "audit_id", n=n_examples)
        for m in out.index
    ]
    out["examples"] = [quotes for quotes, _ in quoted]
    out["example_ids"] = [ids for _, ids in quoted]
    out["score"] = out["excess_failures"]
    out = out.reset_index().sort_values(
        ["small_n", "score", "macro_id"], ascending=[True, False, True], kind="stable"
    )
    out["rank"] = np.arange(1, len(out) + 1)
    return out.reindex(columns=list(MACRO_COLUMNS)).reset_index(drop=True)


def _mode(values: pd.Series) -> object:
    modes = values.dropna().mode()
    return modes.iloc[0] if len(modes) else None


def _excess(out: pd.DataFrame, now: pd.DataFrame, min_n: int) -> None:
    """Each macro's fail rate vs its comparison group (see `macro_report`), in place."""
    comparison, rest_n, rest_failing = [], [], []
    for macro, queue in zip(out.index, out.get("queue", pd.Series(None, out.index)), strict=True):
        others = now[now["macro_id"] != macro]
        same = others[others["queue"] == queue] if queue is not None and "queue" in now else None
        use_queue = same is not None and len(same) >= min_n
        rest = same if use_queue and same is not None else others
        comparison.append("same_queue" if use_queue else "other_macros")
        rest_n.append(len(rest))
        rest_failing.append(int(rest["_failed"].sum()))
    n0, c0 = np.array(rest_n, float), np.array(rest_failing, float)
    n1, c1 = out["audits"].to_numpy(float), out["failing"].to_numpy(float)
    out["comparison"] = comparison
    out["rest_audits"] = np.array(rest_n, dtype="int64")
    out["rest_fail_rate"] = np.divide(c0, n0, out=np.full(n0.shape, np.nan), where=n0 > 0)
    out["excess_rate"] = out["fail_rate"] - out["rest_fail_rate"]
    out["excess_failures"] = out["audits"] * out["excess_rate"]
    p, _test = compare_proportions(c1, n1, c0, n0, tested=(n1 >= min_n) & (n0 >= min_n))
    out["excess_p"] = p
    out["excess_q"] = bh_qvalues(p)


def _compare(rows: pd.DataFrame, when: pd.Series, min_n: int) -> pd.DataFrame:
    """Fail rates "current" vs "previous" per macro, with interval, p and BH q across macros."""
    frame = rows.assign(_when=when)[when.notna()]
    g = frame.groupby(["macro_id", "_when"], observed=True)["_failed"]
    rates = g.mean().unstack("_when").reindex(columns=["current", "previous"])
    n = g.size().unstack("_when").reindex(columns=["current", "previous"]).fillna(0)
    out = pd.DataFrame({"rate_current": rates["current"], "rate_previous": rates["previous"]})
    out["n_previous"] = n["previous"].astype(int)
    stats = pd.DataFrame(columns=["diff_lo", "diff_hi", "p_value"])
    if set(frame["_when"]) == {"current", "previous"}:
        changes = share_changes(
            frame, item="_fail", period="_when", current="current", previous="previous",
            segments=("macro_id",), min_n=min_n,
        )  # fmt: skip
        stats = changes[changes["segment"] == "macro_id"].set_index("segment_value")
    out[["diff_lo", "diff_hi", "p_value"]] = stats[["diff_lo", "diff_hi", "p_value"]].reindex(
        out.index
    )
    out["q_value"] = bh_qvalues(out["p_value"])
    return out


def _month_change(
    out: pd.DataFrame, used: pd.DataFrame, current: Hashable, previous: Hashable | None, min_n: int
) -> None:
    when = used["month"].map({current: "current", previous: "previous"})
    c = _compare(used, when, min_n).reindex(out.index)
    out["previous_audits"] = c["n_previous"].fillna(0).astype(int)
    out["previous_fail_rate"] = c["rate_previous"]
    out["change"] = out["fail_rate"] - out["previous_fail_rate"]
    out["change_lo"], out["change_hi"] = c["diff_lo"], c["diff_hi"]
    out["change_p"], out["change_q"] = c["p_value"], c["q_value"]


def _before_after(
    out: pd.DataFrame,
    used: pd.DataFrame,
    changed_after: DateLike | Mapping[str, DateLike] | None,
    min_n: int,
    alpha: float,
) -> None:
    if changed_after is None:
        dates = pd.Series(pd.NaT, index=used.index, dtype="datetime64[ns]")
    elif isinstance(changed_after, Mapping):
        dates = pd.to_datetime(used["macro_id"].map(dict(changed_after)))
    else:
        dates = pd.Series(pd.Timestamp(changed_after), index=used.index)
    after = pd.to_datetime(used["audit_date"]) >= dates
    when = pd.Series(np.where(after, "current", "previous"), index=used.index)
    c = _compare(used, when.where(dates.notna()), min_n).reindex(out.index)
    change = dates.groupby(used["macro_id"]).first().reindex(out.index)
    out["changed_after"] = [d.date() if pd.notna(d) else None for d in change]
    out["before_fail_rate"], out["after_fail_rate"] = c["rate_previous"], c["rate_current"]
    out["after_p"], out["after_q"] = c["p_value"], c["q_value"]
    worse = (c["q_value"] < alpha) & (c["rate_current"] > c["rate_previous"])
    out["worse_after"] = worse.fillna(False).astype(bool)


def _top_themes(fails: pd.DataFrame, n: int = 3) -> list[str]:
    if "theme_label" not in fails:
        return []
    themed = fails if "theme_id" not in fails else fails[fails["theme_id"] != -1]
    counts = themed["theme_label"].dropna().value_counts().head(n)
    return [f"{label} ({count})" for label, count in counts.items()]
