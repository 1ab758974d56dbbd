"""The ranked findings table a report leads with, and the coaching needs among agents.

`build_findings` turns the results of the analyses (emerging themes, macros, technical issues,
coaching needs, calibration gaps, AI label confusions) into one table: per finding its size,
change, significance, root cause, severity, 1-3 redacted quotes and a score that ranks them all.
`coaching_needs` finds agents, and new-hire cohorts, whose error categories stand out from the
rest of the operation. The small helpers the other analysis modules share live here too:
`group_vs_rest` (over-representation of an item in one group), `bh_qvalues`, `evidence_quotes`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rca.core.checks import require_columns
from rca.stats.primitives import wilson_interval
from rca.text.quotes import evidence_quotes
from rca.themes.causes import UNMAPPED, Taxonomy, load_taxonomy

__all__ = [
    "AI_MIN_SHARE",
    "CAP",
    "DEFAULT_SEVERITY",
    "FINDING_COLUMNS",
    "FINDING_TYPES",
    "NOT_SIGNIFICANT",
    "SCALES",
    "build_findings",
    "finding_score",
]

#: Finding types, in the order ties are broken.
FINDING_TYPES: tuple[str, ...] = (
    "emerging_theme", "macro", "technical_issue", "coaching_need", "calibration_gap",
    "ai_label_confusion",
)  # fmt: skip
#: Columns of `build_findings`' result, in order.
FINDING_COLUMNS: tuple[str, ...] = (
    "finding_id", "type", "title", "segment", "size", "change", "change_text", "p", "q",
    "significant", "root_cause", "severity", "evidence", "score", "rank", "rank_in_type",
)  # fmt: skip
#: Effect worth one unit of strength in the score, per type (see `finding_score`).
SCALES: dict[str, float] = {
    "emerging_theme": 0.05,  # share of comments, 5 points
    "macro": 0.10,  # fail rate above the other macros', 10 points
    "technical_issue": 1.0,  # log2 of the rate ratio: a doubling
    "coaching_need": 0.10,  # share of the group's audits above the rest's, 10 points
    "calibration_gap": 0.5,  # mean deviation from the reference, half a rating point
    "ai_label_confusion": 0.10,  # share of a gold label predicted as another, 10 %
}
#: Strength (|effect| / scale) is capped here so one extreme ratio cannot swamp volume.
CAP = 3.0
#: Weight of a finding that is not significant.
NOT_SIGNIFICANT = 0.25
#: Severity of a finding whose root cause is not in the taxonomy.
DEFAULT_SEVERITY = 2
#: Smallest share of a gold label predicted as another that makes an untested confusion count.
AI_MIN_SHARE = 0.10
_PREFIX = dict(zip(FINDING_TYPES, ("ET", "MAC", "TI", "CN", "CAL", "AI"), strict=True))


def finding_score(
    size: Any, effect: Any, severity: Any, significant: Any, *, scale: Any = 1.0
) -> np.ndarray:
    """Score findings: volume × strength of the change × severity, discounted when not significant.

    Method: ``score = log1p(size) · min(|effect| / scale, CAP) · severity · w`` with
    ``w = 1`` for a significant finding and ``NOT_SIGNIFICANT`` (0.25) otherwise, ``CAP = 3``.
    The logarithm keeps a very large finding from drowning a severe one; the cap keeps an
    extreme ratio (a brand-new issue) from drowning volume. Missing sizes or effects score 0.
    The score is non-decreasing in size, |effect| and severity, and higher when significant.

    Parameters
    ----------
    size, effect, severity, significant
        Arrays (or scalars) of equal length: count behind the finding, effect (difference,
        deviation, log ratio), severity 1-3 and significance.
    scale
        Effect worth one unit of strength (see `SCALES`), scalar or per row.

    Returns
    -------
    ndarray
        One score per finding, >= 0.
    """
    size = np.clip(np.nan_to_num(np.asarray(size, dtype=float)), 0, None)
    strength = np.minimum(np.abs(np.asarray(effect, dtype=float)) / np.asarray(scale), CAP)
    weight = np.where(np.asarray(significant, dtype=bool), 1.0, NOT_SIGNIFICANT)
    return np.asarray(
        np.log1p(size) * np.nan_to_num(strength) * np.asarray(severity, dtype=float) * weight
    )


def build_findings(
    *,
    theme_changes: pd.DataFrame | None = None,
    macros: pd.DataFrame | None = None,
    tech_issues: pd.DataFrame | None = None,
    coaching: pd.DataFrame | None = None,
    calibration: pd.DataFrame | None = None,
    ai_confusions: pd.DataFrame | None = None,
    taxonomy: Taxonomy | str | Path | None = None,
    top_n: int | None = None,
) -> pd.DataFrame:
    """Gather the results of the analyses into one table of findings, ranked by score.

    Method: each input becomes findings of one type (`FINDING_TYPES`), with an effect on the
    type's scale (`SCALES`); ``severity`` is the root cause's severity in the taxonomy
    (`DEFAULT_SEVERITY` when unknown); ``score`` is `finding_score`. Ranked by score (ties: type
    order, then id). ``finding_id`` is a type prefix and a hash of the type and the finding's
    key (theme label and segment, macro id, known-issue id or theme label, group and error
    category, auditor and item, gold and predicted label), so it is stable across runs.

    Parameters
    ----------
    theme_changes
        `rca.stats.trends.share_changes` rows (or `rca.stats.trends.emerging_themes`): ``item``,
        ``count_current``, ``share_current``, ``share_previous``, ``difference``, ``p_value``,
        ``q_value``; optional ``label``, ``segment``/``segment_value``, ``direction``,
        ``root_cause``, ``examples``. Rows that grew (item -1 excluded) become findings.
    macros
        `rca.stats.macros.macro_report` result; macros with a fail rate above the other macros' or
        ``worse_after`` become findings (root cause ``process.outdated_macro`` unless the table
        has a ``root_cause`` column). Significant: ``excess_q < 0.05`` or ``worse_after``.
    tech_issues
        `rca.stats.tech_issues.technical_issues` result. Effect: log2 of the rate ratio, floored at
        0 (a falling issue is not a finding; a new one is capped).
    coaching
        `coaching_needs` result (root cause ``people.knowledge_gap`` unless given).
    calibration
        ``auditor``, ``direction`` (``lenient``/``strict``/``in line``), ``mean_deviation``,
        ``n``, and ``p_value``/``p`` or ``q_value``/``q``
        (`rca.stats.calibration.auditor_deviation`); rows "in line" are skipped; with an ``item``
        column holding "ALL", only those rows are used. Root cause ``process.qa_calibration``.
    ai_confusions
        ``gold``, ``predicted``, ``n``, ``share`` (e.g. `rca.stats.label_audits.confused_pairs`).
        Without ``significant``/``q``/``p``, a confusion is significant when the Wilson lower bound
        of ``share`` (n out of n / share) is at least `AI_MIN_SHARE`. Root cause
        ``system.automation``.
    taxonomy
        Taxonomy or its YAML path for severities (default: the packaged taxonomy).
    top_n
        Keep the best ``top_n`` findings.

    Returns
    -------
    DataFrame
        `FINDING_COLUMNS`. Any input may carry ``significant`` (overrides the q < 0.05 rule),
        ``root_cause`` and ``examples`` (quotes, redacted again here).
    """
    builders = (
        (theme_changes, _from_themes), (macros, _from_macros), (tech_issues, _from_issues),
        (coaching, _from_coaching), (calibration, _from_calibration), (ai_confusions, _from_ai),
    )  # fmt: skip
    parts = [build(frame) for frame, build in builders if frame is not None and len(frame)]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=list(FINDING_COLUMNS))
    out = pd.concat(parts, ignore_index=True)
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
    severity = {c.id: c.severity for c in tax}
    out["severity"] = out["root_cause"].map(severity).fillna(DEFAULT_SEVERITY).astype(int)
    out["score"] = finding_score(
        out["size"], out["_effect"], out["severity"], out["significant"],
        scale=out["type"].map(SCALES).to_numpy(),
    )  # fmt: skip
    out["finding_id"] = [
        f"{_PREFIX[t]}-{hashlib.sha1(f'{t}|{k}'.encode()).hexdigest()[:8]}"
        for t, k in zip(out["type"], out["_key"], strict=True)
    ]
    out["_order"] = out["type"].map({t: i for i, t in enumerate(FINDING_TYPES)})
    out = out.sort_values(["score", "_order", "finding_id"], ascending=[False, True, True])
    out["rank"] = np.arange(1, len(out) + 1)
    out["rank_in_type"] = out.groupby("type").cumcount() + 1
    out = out[list(FINDING_COLUMNS)].reset_index(drop=True)
    return out if top_n is None else out.head(top_n)


def _findings(
    kind: str, df: pd.DataFrame, *, key: Any, title: Any, segment: Any, size: Any, change: Any,
    change_text: Any, effect: Any, significant: Any, root_cause: str,
) -> pd.DataFrame:  # fmt: skip
    """Assemble one type's findings; p, q, root cause and evidence come from ``df`` if there."""
    p, q = _column(df, "p_value", "p"), _column(df, "q_value", "q")
    if "significant" in df:
        significant = df["significant"].fillna(False).astype(bool)
    causes = df["root_cause"] if "root_cause" in df else pd.Series(root_cause, index=df.index)
    examples = df["examples"] if "examples" in df else pd.Series([[]] * len(df), index=df.index)
    return pd.DataFrame(
        {
            "type": kind, "_key": key, "title": title, "segment": segment, "size": size,
            "change": change, "change_text": change_text, "p": p, "q": q,
            "significant": pd.Series(significant, index=df.index).fillna(False).astype(bool),
            "root_cause": causes.fillna(root_cause).astype(str), "_effect": effect,
            "evidence": [evidence_quotes(e if isinstance(e, list | tuple) else [e])
                         for e in examples],
        },
        index=df.index,
    )  # fmt: skip


def _column(df: pd.DataFrame, *names: str) -> pd.Series:
    for name in names:
        if name in df:
            return df[name].astype(float)
    return pd.Series(np.nan, index=df.index)


def _pts(x: pd.Series) -> pd.Series:
    return (x * 100).map("{:+.1f} pts".format)


def _pct(x: pd.Series) -> pd.Series:
    return x.map("{:.0%}".format)


def _from_themes(df: pd.DataFrame) -> pd.DataFrame:
    require_columns(df, ["item", "count_current", "share_current", "share_previous",
                         "difference"], "theme_changes")  # fmt: skip
    up = (df["difference"] > 0) & (df["item"] != -1)
    df = df[up & (df["direction"] == "up") if "direction" in df else up]
    label = df["label"] if "label" in df else df["item"].astype(str)
    segment = (
        (df["segment"].astype(str) + "=" + df["segment_value"].astype(str)).where(
            df["segment"] != "all", "all")
        if "segment" in df else pd.Series("all", index=df.index)
    )  # fmt: skip
    cur, prev = df["share_current"].map("{:.1%}".format), df["share_previous"].map("{:.1%}".format)
    return _findings(
        "emerging_theme", df, key=segment + "|" + label, segment=segment,
        title="Theme '" + label + "' grew to " + cur + " of rows (from " + prev + ")",
        size=df["count_current"], change=df["difference"],
        change_text=_pts(df["difference"]) + " (" + prev + " → " + cur + ")",
        effect=df["difference"], significant=_column(df, "q_value", "q") < 0.05,
        root_cause=UNMAPPED,
    )  # fmt: skip


def _from_macros(df: pd.DataFrame) -> pd.DataFrame:
    require_columns(df, ["macro_id", "audits", "failing", "fail_rate", "rest_fail_rate",
                         "excess_rate", "excess_q", "worse_after"], "macros")  # fmt: skip
    df = df[(df["excess_rate"] > 0) | df["worse_after"]].rename(
        columns={"excess_p": "p_value", "excess_q": "q_value"}
    )
    since = df["changed_after"].astype(str) if "changed_after" in df else ""
    worse = np.where(df["worse_after"], "; worse since " + since, "")
    queue = ", queue=" + df["queue"].astype(str) if "queue" in df else ""
    return _findings(
        "macro", df, key=df["macro_id"], segment="macro=" + df["macro_id"] + queue,
        title="Macro " + df["macro_id"] + " fails " + _pct(df["fail_rate"]) + " of its audits ("
        + df["failing"].astype(str) + " of " + df["audits"].astype(str) + ")" + worse,
        size=df["failing"], change=df["excess_rate"], effect=df["excess_rate"],
        change_text=_pts(df["excess_rate"]) + " vs other macros (" + _pct(df["rest_fail_rate"])
        + ")",
        significant=(df["q_value"] < 0.05) | df["worse_after"],
        root_cause="process.outdated_macro",
    )  # fmt: skip


def _from_issues(df: pd.DataFrame) -> pd.DataFrame:
    require_columns(df, ["theme_label", "status", "known_issue_id", "count_current",
                         "count_previous", "rate_ratio", "q_value", "top_market",
                         "top_market_share"], "tech_issues")  # fmt: skip
    known = df["status"] == "known"
    ids = df["known_issue_id"].astype(str)
    local = df["top_market_share"] >= 0.5
    ratio = df["rate_ratio"].astype(float)
    counts = " (" + df["count_previous"].astype(str) + " → " + df["count_current"].astype(str)
    return _findings(
        "technical_issue", df, key=ids.where(known, df["theme_label"].astype(str)),
        title=np.where(known, "Known issue " + ids + ": ", "New issue: ") + df["theme_label"]
        + " (" + df["count_current"].astype(str) + " recent reports"
        + np.where(local, ", mostly " + df["top_market"].astype(str), "") + ")",
        segment=np.where(local, "market=" + df["top_market"].astype(str), "all"),
        size=df["count_current"], change=ratio,
        change_text=np.where(np.isinf(ratio), "new in the window", ratio.map("×{:.1f}".format))
        + counts + " reports)",
        effect=np.log2(ratio.clip(lower=1)), significant=df["q_value"] < 0.05,
        root_cause="product.bug",
    )  # fmt: skip


def _from_coaching(df: pd.DataFrame) -> pd.DataFrame:
    require_columns(df, ["group", "error_category", "count", "share", "rest_share",
                         "difference", "q_value"], "coaching")  # fmt: skip
    group = df["group"].astype(str)
    return _findings(
        "coaching_need", df, key=group + "|" + df["error_category"],
        title=group + ": '" + df["error_category"] + "' in " + _pct(df["share"])
        + " of audits vs " + _pct(df["rest_share"]) + " for everyone else",
        segment=df.get("group_type", pd.Series("agent", index=df.index)) + "=" + group,
        size=df["count"], change=df["difference"], change_text=_pts(df["difference"]),
        effect=df["difference"], significant=df["q_value"] < 0.05,
        root_cause="people.knowledge_gap",
    )  # fmt: skip


def _from_calibration(df: pd.DataFrame) -> pd.DataFrame:
    require_columns(df, ["auditor", "direction", "mean_deviation", "n"], "calibration")
    if "item" in df and df["item"].astype(str).str.upper().eq("ALL").any():
        df = df[df["item"].astype(str).str.upper() == "ALL"]
    df = df[df["direction"].isin(["lenient", "strict"])]
    q, p = _column(df, "q_value", "q"), _column(df, "p_value", "p")
    dev = df["mean_deviation"].astype(float)
    return _findings(
        "calibration_gap", df, key=df["auditor"].astype(str) + "|" + df.get("item", "ALL"),
        title=df["auditor"].astype(str) + " rates more " + df["direction"]
        + "ly than the reference (" + dev.map("{:+.2f}".format) + " points)",
        segment="auditor=" + df["auditor"].astype(str), size=df["n"], change=dev,
        change_text=dev.map("{:+.2f} points".format), effect=dev,
        significant=q.where(q.notna(), p) < 0.05, root_cause="process.qa_calibration",
    )  # fmt: skip


def _from_ai(df: pd.DataFrame) -> pd.DataFrame:
    require_columns(df, ["gold", "predicted", "n", "share"], "ai_confusions")
    share = df["share"].astype(float)
    support = (df["n"] / share.where(share > 0)).round()
    lo, _ = wilson_interval(df["n"], support.fillna(0))
    q, p = _column(df, "q_value", "q"), _column(df, "p_value", "p")
    tested = q.where(q.notna(), p)
    significant = np.where(tested.notna(), tested < 0.05, np.nan_to_num(lo) >= AI_MIN_SHARE)
    gold, pred = df["gold"].astype(str), df["predicted"].astype(str)
    return _findings(
        "ai_label_confusion", df, key=gold + "|" + pred,
        title="The AI model labels " + _pct(share) + " of '" + gold + "' items as '" + pred + "'",
        segment="gold=" + gold, size=df["n"], change=share,
        change_text=share.map("{:.1%}".format) + " of '" + gold + "'", effect=share,
        significant=significant, root_cause="system.automation",
    )  # fmt: skip
