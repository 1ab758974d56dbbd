"""The ranked findings table a report leads with: structured records, one per finding.

`build_findings` turns the results of the analyses (emerging themes, macros, technical issues,
coaching needs, calibration gaps, AI label confusions, themes driving a KPI down) into one table of
structured records (`FINDING_COLUMNS`): the subject's ids, the place, the metric with its value and
baseline, the effect with its interval, counts, p and q, root cause, severity, 1-3 redacted quotes,
and a score that ranks them all. The findings of each type come from `rca.findings.sources`. No
sentence is written here and none is ever parsed back: reports render findings with
`rca.reports.finding_text`, recommendations (`rca.findings.recommend`) read the fields.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rca.core.errors import ParameterError
from rca.findings.family import FAMILY_LEVEL, MIN_EFFECT, Family, build_family
from rca.findings.sources import BUILDERS
from rca.themes.causes import Taxonomy, load_taxonomy

__all__ = [
    "CAP",
    "DEFAULT_SEVERITY",
    "DRIVER_SCALES",
    "FAMILY_LEVEL",
    "FINDING_COLUMNS",
    "FINDING_TYPES",
    "MIN_EFFECT",
    "NOT_SIGNIFICANT",
    "RANK_BY",
    "SCALES",
    "build_findings",
    "finding_score",
    "score_effect",
]

#: Finding types, in the order ties are broken.
FINDING_TYPES: tuple[str, ...] = (
    "emerging_theme", "macro", "technical_issue", "coaching_need", "calibration_gap",
    "ai_label_confusion", "label_accuracy", "top_driver",
)  # fmt: skip
#: Columns of `build_findings`' result, in order, with their meaning. Subject columns a type
#: does not use are missing (None / NaN).
FINDING_COLUMNS: dict[str, str] = {
    "finding_id": "stable id: type prefix and a hash of the type and the finding's key",
    "type": "finding type, one of FINDING_TYPES",
    "title": "short neutral label of the subject (a name for lists; never parsed)",
    "segment_type": "kind of place found: all, macro, market, queue, team, agent, cohort, "
    "auditor, gold_label",
    "segment_value": "the place itself (agent id, market, ...); 'all' for the whole operation",
    "macro_id": "macro or SOP (macro)",
    "queue": "queue (a macro's queue; a theme growing in a queue)",
    "agent": "agent id (an agent's coaching need; a theme growing for an agent)",
    "team": "team (a coaching group's team; a theme growing in a team)",
    "cohort": "start quarter of a cohort of new agents, e.g. 2026Q3 (coaching need)",
    "group": "coaching group as the analysis names it: agent id or cohort label",
    "group_type": "agent or cohort (coaching need)",
    "market": "market (a technical issue reported mostly there; a theme growing there)",
    "auditor": "auditor id (calibration gap; a theme growing for an auditor)",
    "item": "rubric item of a calibration gap (ALL: every item)",
    "direction": "lenient or strict (calibration gap)",
    "error_category": "error category the group makes more often (coaching need)",
    "gold_label": "reference label of the confused items (AI label confusion)",
    "predicted_label": "label the AI model gave them instead (AI label confusion)",
    "theme_id": "theme id (growing theme, technical issue, top driver)",
    "theme_label": "theme label (growing theme, technical issue, top driver)",
    "known_issue_id": "known issue the theme matches (technical issue)",
    "issue_status": "new or known (technical issue)",
    "metric": "what value and baseline measure: share (of comments, of a group's audits), "
    "fail_rate, reports, rating, label_share, accuracy; for a top driver the KPI (pass_rate, "
    "mean_score, critical_rate, mean_rating)",
    "value": "the metric for the finding's subject this month",
    "baseline": "the metric compared with: last month, everyone else, the other macros, "
    "the reference, the KPI without the theme's items (top driver); NaN when none",
    "effect": "value - baseline; rate ratio for technical issues, mean deviation from the "
    "reference for calibration, the share itself for AI confusions, the impact for drivers",
    "effect_lo": "lower end of the effect's 95 % interval (NaN when the input has none)",
    "effect_hi": "upper end of the effect's 95 % interval (NaN when the input has none)",
    "count": "rows behind the finding: comments, failing audits, reports, audits with the "
    "error, ratings, confused items, the theme's items (top driver)",
    "n": "rows it is out of: comments, audits, ratings, gold items (NaN when none, e.g. "
    "technical issues)",
    "p": "p-value of the finding's own test (NaN when untested)",
    "q": "Benjamini-Hochberg q-value over the month's family of tests (rca.findings.family); "
    "top drivers: their impact table's own q (NaN when untested)",
    "significant": "clear: q < FAMILY_LEVEL, effect in the harmful direction and at least "
    "min_effect (top drivers: their table's driver flag; or the input's own flag)",
    "test": "name of the finding's test (e.g. two-proportion z / Fisher, exact binomial vs "
    "tolerance, Welch t)",
    "min_effect": "smallest effect worth reporting, on the effect's scale (MIN_EFFECT; NaN for "
    "top drivers)",
    "comparison": "what the baseline is: previous_month, other_macros, same_queue, "
    "before_change, rest, expert, tolerance, target, without_theme, earlier_weeks",
    "baseline_count": "rows with the outcome in the baseline (NaN when not counts)",
    "baseline_n": "rows of the baseline (NaN when not counts)",
    "root_cause": "root-cause id of the taxonomy (unmapped when not known)",
    "severity": "severity of the root cause, 1-3",
    "changed_after": "date the macro was changed, YYYY-MM-DD (macro)",
    "worse_after": "the macro fails more since changed_after (macro)",
    "impact": "the theme's impact on the KPI in metric: KPI of all items minus without the "
    "theme's, in the KPI's units (top driver; NaN for other types)",
    "harm": "the impact oriented so that larger is worse for the business: -impact where "
    "higher is better, impact for the critical-error rate (top driver; NaN otherwise)",
    "evidence": "1-3 redacted quotes",
    "evidence_ids": "ids of the rows behind the finding when the input table has them "
    "(its example_ids column), else empty",
    "score": "log1p(count) x strength of the effect x severity, discounted if not significant",
    "rank": "rank by score (or by harm, see build_findings' rank_by), 1 = most important",
    "rank_in_type": "rank among the findings of its type",
}
#: Effect worth one unit of strength in the score, per type (see `finding_score`).
SCALES: dict[str, float] = {
    "emerging_theme": 0.05,  # share of comments, 5 points
    "macro": 0.10,  # fail rate above the other macros', 10 points
    "technical_issue": 1.0,  # log2 of the rate ratio: a doubling
    "coaching_need": 0.10,  # share of the group's audits above the rest's, 10 points
    "calibration_gap": 0.5,  # mean deviation from the reference, half a rating point
    "ai_label_confusion": 0.10,  # share of a gold label predicted as another, 10 %
    "label_accuracy": 0.05,  # accuracy below target, 5 points
    "top_driver": 0.05,  # impact on a rate, 5 points (see DRIVER_SCALES for the other KPIs)
}
#: Impact worth one unit of strength for a top driver, per KPI (``metric``).
DRIVER_SCALES: dict[str, float] = {
    "pass_rate": 0.05,  # 5 points of pass rate
    "critical_rate": 0.02,  # 2 points of critical-error rate
    "mean_score": 2.0,  # 2 points of average score
    "mean_rating": 0.2,  # a fifth of a star
}
#: How `build_findings` can rank: by score, or drivers by harm first.
RANK_BY: tuple[str, ...] = ("score", "impact")
#: Strength (|effect| / scale) is capped here so one extreme ratio cannot swamp volume.
CAP = 3.0
#: Weight of a finding that is not significant.
NOT_SIGNIFICANT = 0.25
#: Severity of a finding whose root cause is not in the taxonomy.
DEFAULT_SEVERITY = 2
#: Columns holding text or flags (None when unused), whatever findings the month has.
_OBJECT: tuple[str, ...] = (
    "segment_type", "segment_value", "macro_id", "queue", "agent", "team", "cohort", "group",
    "group_type", "market", "auditor", "item", "direction", "error_category", "gold_label",
    "predicted_label", "theme_label", "known_issue_id", "issue_status", "metric", "changed_after",
    "worse_after", "test", "comparison",
)  # fmt: skip
_PREFIX = dict(zip(FINDING_TYPES, ("ET", "MAC", "TI", "CN", "CAL", "AI", "LA", "TD"), strict=True))


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
    ai_accuracy: pd.DataFrame | None = None,
    drivers: pd.DataFrame | None = None,
    policy_themes: pd.DataFrame | None = None,
    kpi_changes: pd.DataFrame | None = None,
    taxonomy: Taxonomy | str | Path | None = None,
    top_n: int | None = None,
    rank_by: str = "score",
    family: Family | None = None,
) -> pd.DataFrame:
    """Gather the results of the analyses into one table of findings, ranked by score.

    Method: every tested row of the inputs but the drivers is one hypothesis of the month's
    family (`rca.findings.family.build_family`: one Benjamini-Hochberg q over them all, policy
    themes and KPI changes included although they become no findings); a finding is
    ``significant`` (clear) when its family q < `FAMILY_LEVEL`, its effect points the harmful
    way and is at least ``MIN_EFFECT[type]``. Each input becomes findings of one type
    (`FINDING_TYPES`), with an effect on the type's scale (`SCALES`); ``severity`` is the root
    cause's severity in the taxonomy (`DEFAULT_SEVERITY` when unknown); ``score`` is
    `finding_score`. Ranked by score (ties: type order, then id). ``finding_id`` is a type
    prefix and a hash of the type and the finding's key (theme label and segment, macro id,
    known-issue id or theme label, group and error category, auditor and item, gold and
    predicted label), so it is stable across runs.

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
        has a ``root_cause`` column); each rests on its excess, change or after test
        (`rca.findings.sources.from_macros`).
    tech_issues
        `rca.stats.tech_issues.technical_issues` result. Effect: the rate ratio with its interval;
        the score uses its log2, floored at 0 (a falling issue is not a finding; a new one is
        capped), see `score_effect`.
    coaching
        `coaching_needs` result (root cause ``people.knowledge_gap`` unless given).
    calibration
        ``auditor``, ``direction``, ``mean_deviation``, ``n``, ``p_value``
        (`rca.stats.calibration.auditor_deviation`): ALL rows at least the minimum effect or
        clear, and clear per-item rows of auditors whose ALL row is not clear
        (`rca.findings.labels.from_calibration`). Root cause ``process.qa_calibration``.
    ai_confusions
        ``gold``, ``predicted``, ``n``, ``share`` (e.g. `rca.stats.label_audits.confused_pairs`),
        ``p_value`` (exact binomial vs ``tolerance``; computed here when absent). Root cause
        ``system.automation``.
    ai_accuracy
        `rca.stats.label_audits.label_accuracy` rows with ``target`` and ``p_below_target``
        (computed here when absent): accuracy below target (``label_accuracy``).
    drivers
        `rca.stats.impact.theme_impact` rows (the analysis' ``theme_impact`` and
        ``feedback_impact`` tables, optionally with ``segment``/``segment_value``): themes with
        harm > 0 become top drivers, significant when ``driver`` (q < 0.05); effect: the impact,
        scaled per KPI by `DRIVER_SCALES` in the score. Not in the family: they decompose the
        month's KPI and claim no change.
    policy_themes, kpi_changes
        The ``policy_themes`` and ``kpi_changes`` tables: in the family (their tests count in
        every q), no findings.
    taxonomy
        Taxonomy or its YAML path for severities (default: the packaged taxonomy).
    top_n
        Keep the best ``top_n`` findings.
    rank_by
        ``"score"`` (default): rank every finding by score. ``"impact"``: top drivers first,
        by harm in units of `DRIVER_SCALES` (significant ones first), then the other findings by
        score.
    family
        The month's family already tested (`rca.findings.family.build_family` on these
        tables); the table arguments but ``drivers`` are then not read.

    Returns
    -------
    DataFrame
        `FINDING_COLUMNS`, one structured record per finding (subject fields a type does not
        use are None or NaN). Any input may carry ``significant`` (overrides the q < 0.05 rule),
        ``root_cause``, ``examples`` (quotes, redacted again here) and ``example_ids`` (ids of
        the rows behind the finding, kept as ``evidence_ids``).
    """
    if rank_by not in RANK_BY:
        raise ParameterError(f"rank_by must be one of {', '.join(RANK_BY)}, got {rank_by!r}")
    if family is None:
        family = build_family(
            {"theme_changes": theme_changes, "macros": macros, "tech_issues": tech_issues,
             "coaching": coaching, "auditor_deviation": calibration,
             "ai_confused_pairs": ai_confusions, "ai_accuracy": ai_accuracy,
             "policy_themes": policy_themes, "kpi_changes": kpi_changes}
        )  # fmt: skip
    tested = family.tables
    inputs = (tested.get("theme_changes"), tested.get("macros"), tested.get("tech_issues"),
              tested.get("coaching"), tested.get("auditor_deviation"),
              tested.get("ai_confused_pairs"), tested.get("ai_accuracy"), drivers)  # fmt: skip
    parts = [
        BUILDERS[kind](frame)
        for kind, frame in zip(FINDING_TYPES, inputs, strict=True)
        if frame is not None and len(frame)
    ]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=list(FINDING_COLUMNS))
    out = pd.concat(parts, ignore_index=True)
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
    severity = {c.id: c.severity for c in tax}
    out["severity"] = out["root_cause"].map(severity).fillna(DEFAULT_SEVERITY).astype(int)
    scale = (
        out["type"]
        .map(SCALES)
        .where(out["type"] != "top_driver", out["metric"].map(DRIVER_SCALES))
        .fillna(SCALES["top_driver"])
    )
    out["score"] = finding_score(
        out["count"], score_effect(out["type"], out["effect"]), out["severity"],
        out["significant"], scale=scale.to_numpy(),
    )  # fmt: skip
    out["finding_id"] = [
        f"{_PREFIX[t]}-{hashlib.sha1(f'{t}|{k}'.encode()).hexdigest()[:8]}"
        for t, k in zip(out["type"], out["_key"], strict=True)
    ]
    out["_order"] = out["type"].map({t: i for i, t in enumerate(FINDING_TYPES)})
    keys, ascending = ["score", "_order", "finding_id"], [False, True, True]
    if rank_by == "impact":
        strength = out.reindex(columns=["harm"])["harm"].astype(float) / scale
        out["_driver"] = ~(out["type"] == "top_driver")
        out["_quiet"] = ~out["significant"].astype(bool)
        out["_strength"] = strength.fillna(-np.inf)
        keys = ["_driver", "_quiet", "_strength", *keys]
        ascending = [True, True, False, *ascending]
    out = out.sort_values(keys, ascending=ascending)
    out["rank"] = np.arange(1, len(out) + 1)
    out["rank_in_type"] = out.groupby("type").cumcount() + 1
    out = out.reindex(columns=list(FINDING_COLUMNS)).reset_index(drop=True)
    for name in _OBJECT:  # unused subject fields are None, whatever the types found
        out[name] = out[name].astype(object).where(out[name].notna(), None)
    return out if top_n is None else out.head(top_n)


def score_effect(kind: pd.Series, effect: pd.Series) -> pd.Series:
    """Effect on the scale the score uses: log2 of a technical issue's rate ratio, floored at 0.

    A falling issue is no finding (0), a new one (ratio inf) is capped by `finding_score`; the
    other types' effects are used as they are.
    """
    effect = effect.astype(float)
    ratio = np.log2(effect.clip(lower=1).where(effect.notna()))
    return effect.where(kind != "technical_issue", ratio)
