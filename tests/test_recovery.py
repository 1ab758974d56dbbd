"""Recovery scoring (`rca.sample.evaluate`) on hand-made findings, and a small real recovery run.

The fast tests build findings and ground truth by hand. The two ``real`` tests run the month's
analysis exactly as a user would (default embedder, nothing from the ground truth passed in) on
a small sample: with large planted causes each cause type is found; with nothing planted
(``effects="none"``) no finding is clear.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from rca.analysis.month import analyze_month
from rca.sample import generate_sample
from rca.sample.evaluate import (
    EXPECTED_TYPE,
    clear_findings,
    false_discoveries,
    null_metrics,
    planted_entity,
    score_disputed,
    score_recovery,
)

CAUSES: list[dict[str, Any]] = [
    {"id": "RC1", "type": "outdated_macro", "segment": {"macro": "MAC-X", "queue": "billing"}},
    {"id": "RC2", "type": "product_bug", "row_ids": ["F1", "F2", "F3", "F4"],
     "segment": {"market": "TH", "queue": "account access", "bug": "app_freeze"}},
    {"id": "RC3", "type": "new_agent_cohort",
     "segment": {"team": "Team Orca", "agents": ["agent_040", "agent_041"]}},
    {"id": "RC4", "type": "lenient_auditor", "segment": {"auditor": "auditor_05"}},
    {"id": "RC5", "type": "ai_confusion",
     "segment": {"gold_label": "spam", "model_label": "scam"}},
    {"id": "RC6", "type": "disputed_rubric_item", "segment": {"item": "empathy"}},
]  # fmt: skip
TRUTH = {"effects": "medium", "root_causes": CAUSES}


def finding(kind: str, title: str, *, clear: bool = True, rank: int = 1, **subject: Any) -> dict:
    """One row of a findings table: type, title, significance, rank in type, subject fields."""
    return {"type": kind, "title": title, "significant": clear, "rank_in_type": rank,
            "q": 0.001 if clear else 0.2, "effect": 0.1, **subject}  # fmt: skip


#: (cause id, findings, found, rank_in_type): each cause against findings that do or do not
#: report it.
CASES = [
    ("RC1", [finding("macro", "Macro MAC-X", macro_id="MAC-X")], True, 1),
    ("RC1", [finding("macro", "Macro MAC-Y", macro_id="MAC-Y")], False, None),
    ("RC1", [finding("macro", "Macro MAC-X", clear=False, macro_id="MAC-X")], False, 1),
    ("RC1", [finding("emerging_theme", "Theme MAC-X", macro_id="MAC-X")], False, None),
    ("RC1", [finding("macro", "Macro MAC-Y", macro_id="MAC-Y"),
             finding("macro", "Macro MAC-X", rank=2, macro_id="MAC-X")], True, 2),
    ("RC2", [finding("technical_issue", "New issue", market="TH", issue_status="new",
                     evidence_ids=["F1", "F2", "F9"])], True, 1),
    ("RC2", [finding("technical_issue", "Known issue", market="TH", issue_status="known",
                     evidence_ids=["F1", "F2"])], False, None),
    ("RC2", [finding("technical_issue", "New issue", market="VN", issue_status="new",
                     evidence_ids=["F1", "F2"])], False, None),
    # a new issue of the right market made of other reports is not the planted bug
    ("RC2", [finding("technical_issue", "New issue", market="TH", issue_status="new",
                     evidence_ids=["F7", "F8", "F1"])], False, None),
    ("RC3", [finding("coaching_need", "cohort", group_type="cohort", team="Team Orca")], True, 1),
    ("RC3", [finding("coaching_need", "agent", group_type="agent", agent="agent_041")], True, 1),
    ("RC3", [finding("coaching_need", "agent", group_type="agent", agent="agent_001")], False,
     None),
    ("RC4", [finding("calibration_gap", "lenient", auditor="auditor_05", direction="lenient")],
     True, 1),
    ("RC4", [finding("calibration_gap", "strict", auditor="auditor_05", direction="strict")],
     False, None),
    ("RC5", [finding("ai_label_confusion", "spam as scam", gold_label="spam",
                     predicted_label="scam")], True, 1),
    ("RC5", [finding("ai_label_confusion", "scam as spam", gold_label="scam",
                     predicted_label="spam")], False, None),
]  # fmt: skip


@pytest.mark.parametrize(("cause", "rows", "found", "rank"), CASES)
def test_found_means_a_clear_finding_of_the_type_naming_the_entity(cause, rows, found, rank):
    truth = {"root_causes": [c for c in CAUSES if c["id"] == cause]}
    scored = score_recovery(pd.DataFrame(rows), truth)
    assert len(scored) == 1
    row = scored.iloc[0]
    assert bool(row["found"]) is found
    assert bool(row["first"]) is (found and rank == 1)
    assert (None if pd.isna(row["rank_in_type"]) else row["rank_in_type"]) == rank


def test_every_cause_with_a_finding_type_gets_a_row():
    rows = [finding("macro", "Macro MAC-X", macro_id="MAC-X")]
    scored = score_recovery(pd.DataFrame(rows), TRUTH)
    assert scored["cause"].tolist() == ["RC1", "RC2", "RC3", "RC4", "RC5"]
    assert scored["found"].tolist() == [True, False, False, False, False]
    assert scored["finding_type"].tolist() == list(EXPECTED_TYPE.values())
    assert scored["entity"].tolist()[:2] == ["MAC-X", "market TH (app_freeze)"]
    assert set(scored["effect_name"]) == {None}  # the causes above carry no effect_name


def test_null_metrics_count_clear_claims_without_top_drivers():
    findings = pd.DataFrame([
        finding("emerging_theme", "Theme A"),
        finding("emerging_theme", "Theme B"),
        finding("macro", "Macro M", clear=False),
        finding("top_driver", "Theme A (pass_rate)"),
    ])  # fmt: skip
    metrics = null_metrics(findings)
    assert metrics["n_clear"] == 2
    assert metrics["any_clear"] is True
    assert metrics["by_type"] == {"emerging_theme": 2}
    assert len(clear_findings(findings)) == 2
    quiet = null_metrics(findings[findings["type"] != "emerging_theme"])
    assert (quiet["n_clear"], quiet["any_clear"], quiet["by_type"]) == (0, False, {})


def test_false_discoveries_are_clear_findings_naming_no_planted_cause():
    findings = pd.DataFrame([
        finding("macro", "Macro MAC-X", macro_id="MAC-X"),
        finding("macro", "Macro MAC-Y", rank=2, macro_id="MAC-Y"),
        finding("macro", "Macro MAC-Z", clear=False, rank=3, macro_id="MAC-Z"),
        finding("top_driver", "Theme A (pass_rate)"),
    ])  # fmt: skip
    assert false_discoveries(findings, TRUTH)["title"].tolist() == ["Macro MAC-Y"]
    assert len(false_discoveries(findings, {"root_causes": []})) == 2


@pytest.mark.parametrize(
    ("items", "rank", "first"),
    [
        (["empathy", "tone", "accuracy"], 1, True),
        (["tone", "empathy", "accuracy"], 2, False),
        (["tone", "accuracy"], None, False),
    ],
)
def test_disputed_item_is_scored_by_its_rank_in_disputed_items(items, rank, first):
    disputed = pd.DataFrame(
        {
            "rank": range(1, len(items) + 1),
            "item": items,
            "disagreement": [0.5, 0.3, 0.2][: len(items)],
        }
    )
    scored = score_disputed(disputed, TRUTH)
    assert scored["cause"].tolist() == ["RC6"]
    assert scored["rank"].iloc[0] == rank or (rank is None and pd.isna(scored["rank"].iloc[0]))
    assert bool(scored["first"].iloc[0]) is first
    assert planted_entity(CAUSES[5]) == "empathy"


# -- a small real run: the default embedder, as a user runs it --------------------------------

#: Rows per month x volume: small data keep the real embedder's run short. The planted test
#: needs enough audits of the stale macro (at least the analysis' min_n = 30 in the month) and of
#: the confused gold label for large effects to be clear: at 0.3 the AI confusion (7 of 41 items)
#: was not, at 0.4 about 47 stale-macro audits and 55 gold items are expected. The null test
#: needs no power: BH's guarantee does not depend on the size.
PLANTED_VOLUME, NULL_VOLUME = 0.4, 0.25


def analysed(tmp_path, volume: float, **sample: Any) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Generate a two-month sample and analyse its last month as a user would."""
    data = tmp_path / "data"
    generate_sample(data, months=2, seed=0, volume=volume, **sample)
    truth = json.loads((data / "ground_truth.json").read_text())
    analysis = analyze_month(data, tmp_path / "out", seed=0)  # default embedder, no answers
    return analysis.table("findings"), truth


@pytest.mark.real
def test_large_planted_causes_are_found_with_the_default_embedder(tmp_path):
    findings, truth = analysed(tmp_path, PLANTED_VOLUME, effects="large")
    scored = score_recovery(findings, truth)
    assert set(scored["type"]) == set(EXPECTED_TYPE), scored.to_string()
    assert scored["found"].all(), scored.to_string()


@pytest.mark.real
def test_nothing_planted_gives_no_clear_finding(tmp_path):
    """With nothing planted every clear finding is a false alarm.

    Bound: none. The month's clear findings are one Benjamini-Hochberg family at q < 0.05, and
    under the complete null BH keeps the chance of any rejection at most 5 %; the fixed seed
    either has none or shows a false alarm the analysis should not make.
    """
    findings, truth = analysed(tmp_path, NULL_VOLUME, effects="none")
    assert truth["root_causes"] == []
    metrics = null_metrics(findings)
    assert metrics["n_clear"] == 0, metrics["titles"]
