"""Measure, on a generated sample, how large its planted causes came out (in the analysis' terms).

`measure_effects` reads a sample folder and returns one number per cause type, the realised
counterpart of each `rca.sample.effects.EffectSizes` field. The table of ``rca.sample.effects``
was measured with it, and the tests check that ``medium`` lands near its nominal sizes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from rca.sample.vocab import RUBRIC_ITEMS

__all__ = ["MEASURES", "measure_effects"]

#: What each measure is, in words (key -> description), in the order of `EffectSizes`.
MEASURES: dict[str, str] = {
    "macro_fail": "stale macro's fail rate minus its queue's other macros, last month (points)",
    "bug_share": "reports of the planted bug as a share of the last month's feedback",
    "cohort_error": "cohort's share of 'missed verification' audits minus everyone else's (points)",
    "auditor_bias": "lenient auditor's mean rating minus the expert's on the 1-5 items (points)",
    "ai_confusion": "share of the gold label's items the model gives the planted wrong label",
    "disputed_sd": "disputed item's mean spread of ratings per case / other 1-5 items' spread",
}


def _read(root: Path, kind: str) -> pd.DataFrame:
    return pd.read_csv(root / f"{kind}.csv", dtype=str, keep_default_na=False)


def _macro(audits: pd.DataFrame, segment: dict[str, Any], month: str) -> float:
    last = audits[(audits.audit_date.str[:7] == month) & (audits.queue == segment["queue"])]
    failed = last.passed == "false"
    used = last.macro_id != ""
    stale = last.macro_id == segment["macro"]
    return 100 * float(failed[stale].mean() - failed[used & ~stale].mean())


def _cohort(audits: pd.DataFrame, segment: dict[str, Any]) -> float:
    missed = audits.error_category == "missed verification"
    cohort = audits.agent.isin(segment["agents"])
    return 100 * float(missed[cohort].mean() - missed[~cohort].mean())


def _calibration(cal: pd.DataFrame) -> pd.DataFrame:
    cal = cal.assign(rating=pd.to_numeric(cal.rating))
    key = ["session_id", "case_id", "item"]
    expert = cal[cal.is_expert == "true"].set_index(key).rating.rename("ref")
    rated = cal[cal.is_expert == "false"].join(expert, on=key)
    return rated[rated.item.map(RUBRIC_ITEMS) == "1-5"]


def _auditor(rated: pd.DataFrame, segment: dict[str, Any]) -> float:
    own = rated[rated.auditor == segment["auditor"]]
    return float((own.rating - own.ref).mean())


def _disputed(rated: pd.DataFrame, segment: dict[str, Any]) -> float:
    spread = rated.groupby(["session_id", "case_id", "item"]).rating.std().groupby("item").mean()
    return float(spread[segment["item"]] / spread.drop(segment["item"]).mean())


def _confusion(ai: pd.DataFrame, segment: dict[str, Any]) -> float:
    gold = ai[ai.gold_label == segment["gold_label"]]
    return float((gold.model_label == segment["model_label"]).mean())


def _bug(feedback: pd.DataFrame, cause: dict[str, Any] | None, month: str) -> float:
    rows = len(cause["row_ids"]) if cause else 0
    return rows / max(1, int((feedback.date.str[:7] == month).sum()))


def measure_effects(
    sample_dir: str | Path, segments: dict[str, dict[str, Any]] | None = None
) -> dict[str, float]:
    """Return the realised size of each planted cause of a generated sample.

    Parameters
    ----------
    sample_dir
        A folder written by `rca.sample.generate_sample`.
    segments
        Entities to measure per cause type (``type -> segment`` as in ground_truth.json);
        default: the sample's own planted causes. Pass the segments of the same seed's planted
        sample to measure a ``none`` sample on the same entities (the seed draws the same plan).

    Returns
    -------
    dict
        One value per key of `MEASURES` (NaN when the type has no segment).
    """
    root = Path(sample_dir)
    truth = json.loads((root / "ground_truth.json").read_text(encoding="utf-8"))
    causes = {c["type"]: c for c in truth["root_causes"]}
    seg = segments if segments is not None else {t: c["segment"] for t, c in causes.items()}
    month = truth["months"][-1]
    audits = _read(root, "audits")
    rated = _calibration(_read(root, "calibration"))
    nan = float("nan")

    def get(kind: str) -> dict[str, Any] | None:
        return seg.get(kind)

    macro, cohort, auditor = get("outdated_macro"), get("new_agent_cohort"), get("lenient_auditor")
    pair, item = get("ai_confusion"), get("disputed_rubric_item")
    return {
        "macro_fail": _macro(audits, macro, month) if macro else nan,
        "bug_share": _bug(_read(root, "feedback"), causes.get("product_bug"), month),
        "cohort_error": _cohort(audits, cohort) if cohort else nan,
        "auditor_bias": _auditor(rated, auditor) if auditor else nan,
        "ai_confusion": _confusion(_read(root, "ai_labels"), pair) if pair else nan,
        "disputed_sd": _disputed(rated, item) if item else nan,
    }
