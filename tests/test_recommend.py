"""Recommendations from findings: built from fields only, merged, rendered, escaped."""

from __future__ import annotations

import pandas as pd
import pytest

from rca.findings.build import FINDING_COLUMNS
from rca.findings.recommend import (
    ACTIONS,
    OWNERS,
    RECOMMENDATION_COLUMNS,
    merge_key,
    recommend,
)
from rca.reports.finding_text import TEXT_COLUMNS, change_text, describe, recommendation_texts
from rca.reports.recommendations import recommendation_list

XSS = "<script>alert(1)</script>"


def finding(
    kind: str, root_cause: str = "unmapped", *, rank: int = 1, significant: bool = True,
    fid: str | None = None, evidence=(), **fields,
) -> dict:  # fmt: skip
    """A row of the findings table: the given fields, every other column missing."""
    row = dict.fromkeys(FINDING_COLUMNS)
    row.update(
        {
            "finding_id": fid or f"{kind[:3].upper()}-{rank:04d}", "type": kind,
            "title": f"a finding of type {kind}", "segment_type": "all", "segment_value": "all",
            "p": 0.001, "q": 0.01, "significant": significant, "root_cause": root_cause,
            "severity": 2, "evidence": list(evidence), "evidence_ids": [], "score": 10.0 / rank,
            "rank": rank, "rank_in_type": 1, **fields,
        }
    )  # fmt: skip
    return row


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(FINDING_COLUMNS))


def texts(findings: pd.DataFrame, **kw) -> pd.DataFrame:
    """The recommendations as readers see them: built from fields, rendered as sentences."""
    return recommendation_texts(recommend(findings, **kw))


def macro(macro_id: str, cause: str, queue: str | None = None, **kw) -> dict:
    fields = {"segment_type": "macro", "segment_value": macro_id, "macro_id": macro_id,
              "queue": queue, "metric": "fail_rate", "value": 0.4, "baseline": 0.2,
              "effect": 0.2, "count": 8, "n": 20}  # fmt: skip
    return finding("macro", cause, **{**fields, **kw})


def issue(label: str, known: str | None = None, market: str | None = None, **kw) -> dict:
    place = {"segment_type": "market", "segment_value": market} if market else {}
    fields = {"theme_label": label, "market": market, "known_issue_id": known,
              "issue_status": "known" if known else "new", "metric": "reports", "value": 63,
              "baseline": 0, "effect": float("inf"), "count": 63, **place}  # fmt: skip
    return finding("technical_issue", "product.bug", **{**fields, **kw})


def coach(group: str, error: str, *, cohort: str | None = None, team: str | None = None,
          **kw) -> dict:  # fmt: skip
    kind = "cohort" if cohort else "agent"
    fields = {"segment_type": kind, "segment_value": group, "group": group, "group_type": kind,
              "team": team, "cohort": cohort, "agent": None if cohort else group,
              "error_category": error, "metric": "share", "value": 0.3, "baseline": 0.05,
              "effect": 0.25, "count": 12, "n": 40}  # fmt: skip
    return finding("coaching_need", "people.knowledge_gap", **{**fields, **kw})


def grew(label: str, place: str = "all", cause: str = "unmapped", **kw) -> dict:
    kind, _, where = place.partition("=")
    fields = {"segment_type": kind, "segment_value": where or "all", "theme_label": label,
              "metric": "share", "value": 0.09, "baseline": 0.02, "effect": 0.07, "count": 30,
              "n": 333}  # fmt: skip
    return finding("emerging_theme", cause, **{**fields, **kw})


# (finding, owner, words the action must contain)
CASES = [
    (macro("MAC-ACC-004", "process.outdated_macro", "account access"),
     "policy", "Update macro MAC-ACC-004 (account access queue)"),
    (macro("MAC-PAY-002", "process.outdated_macro", "payments", worse_after=True,
           changed_after="2026-10-10"),
     "policy", "Review the change made to macro MAC-PAY-002 (payments queue) on 2026-10-10"),
    (macro("MAC-1", "people.macro_misuse"),
     "operations", "Coach agents on when to use macro MAC-1"),
    (issue("OTP not arriving", market="MY"),
     "product", "Escalate to product: users report 'OTP not arriving' (new, mostly in MY)"),
    (issue("Video upload stuck", known="KI-2057"),
     "product", "raise the priority of known issue KI-2057: Video upload stuck"),
    (coach("Team Heron, started 2026Q3", "missed verification", cohort="2026Q3",
           team="Team Heron"),
     "operations", "Coach Team Heron's 2026Q3 starters on missed verification"),
    (finding("calibration_gap", "process.qa_calibration", segment_type="auditor",
             segment_value="auditor_01", auditor="auditor_01", item="ALL", direction="lenient",
             metric="rating", effect=0.54, count=300, n=300),
     "QA", "Re-train auditor_01 on the rubric with the QA expert (lenient scoring)"),
    (finding("ai_label_confusion", "system.automation", segment_type="gold_label",
             segment_value="harassment", gold_label="harassment",
             predicted_label="hate speech", metric="label_share", value=0.3, effect=0.3),
     "product", "Review the AI model's harassment vs hate speech labels"),
    (grew("Refund rules", "market=BR", "policy.unclear_policy"),
     "policy", "Clarify the policy wording (growing theme 'Refund rules' in market BR)"),
    (grew("Wrong queue", "queue=payments", "system.routing"),
     "operations", "Fix the case-routing rules (growing theme 'Wrong queue' in the payments"),
    (grew("App freezes", "team=Team Lynx", "product.bug"),
     "product", "Escalate to product (growing theme 'App freezes' in Team Lynx)"),
    (grew("Odd thing"),
     "QA", "Investigate and assign a root cause (growing theme 'Odd thing' in the whole"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "owner", "action"), CASES, ids=[c[2][:40] for c in CASES])
def test_action_and_owner_follow_type_and_cause(row, owner, action):
    recs = texts(frame(row))
    assert len(recs) == 1
    assert recs.loc[0, "owner"] == owner and owner in OWNERS
    assert action in recs.loc[0, "action"]
    assert recs.loc[0, "finding_ids"] == [row["finding_id"]]
    assert recs.loc[0, "finding_type"] == row["type"]


def test_only_significant_findings_lead_to_an_action():
    rows = frame(CASES[0][0], {**CASES[3][0], "significant": False, "rank": 2})
    recs = texts(rows)
    assert recs["finding_type"].tolist() == ["macro"]
    assert recommend(rows.assign(significant=False)).empty


def test_agents_with_the_same_gap_share_one_action():
    recs = texts(frame(coach("agent_9", "missed verification", rank=1, fid="CN-1"),
                       coach("agent_2", "missed verification", rank=2, fid="CN-2"),
                       coach("agent_5", "rude tone", rank=3, fid="CN-3")))  # fmt: skip
    assert recs["action"].tolist() == [
        "Coach agent_2 and agent_9 on missed verification",
        "Coach agent_5 on rude tone",
    ]
    assert recs.loc[0, "finding_ids"] == ["CN-1", "CN-2"] and recs.loc[0, "rank"] == 1
    assert recs.loc[0, "reason"].endswith("everyone else (and 1 similar finding)")


def test_a_theme_growing_in_several_places_is_one_action():
    def grown(label: str, place: str, rank: int) -> dict:
        return grew(label, place, "people.knowledge_gap", rank=rank, fid=f"ET-{rank}")

    recs = texts(frame(grown("Refunds", "team=Team Lynx", 1), grown("Refunds", "all", 2),
                       grown("Refunds", "market=MY", 3), grown("{who}", "all", 4)))  # fmt: skip
    assert recs["action"].tolist() == [
        "Refresh agents' training (growing theme 'Refunds' in Team Lynx, the whole operation "
        "and market MY)",
        "Refresh agents' training (growing theme '{who}' in the whole operation)",
    ]
    assert recs.loc[0, "finding_ids"] == ["ET-1", "ET-2", "ET-3"]


def test_recommendations_are_fields_until_rendered():
    recs = recommend(
        frame(
            coach("agent_9", "missed verification", rank=1, fid="CN-1"),
            coach("agent_2", "missed verification", rank=2, fid="CN-2"),
        )
    )
    assert list(recs.columns) == list(RECOMMENDATION_COLUMNS)
    assert set(recs["action_kind"]) <= set(ACTIONS)
    row = recs.iloc[0]
    assert row["action_kind"] == "coach_agents" and row["subjects"] == ["agent_2", "agent_9"]
    assert row["error_category"] == "missed verification" and row["lead_id"] == "CN-1"
    assert merge_key(frame(CASES[5][0]).iloc[0]) is None  # a cohort is coached on its own
    assert merge_key(coach("agent_9", "missed verification")) == ("coach", "missed verification")


def test_changing_a_title_changes_no_recommendation():
    rows = frame(*[dict(case[0], rank=i + 1, finding_id=f"F-{i}") for i, case in enumerate(CASES)])
    renamed = rows.assign(title=["Theme 'X' grew to 1% of rows (from 0%)", *["?"] * 11])
    pd.testing.assert_frame_equal(recommend(rows), recommend(renamed))
    pd.testing.assert_frame_equal(texts(rows), texts(renamed))
    assert [describe(r) for r in rows.to_dict("records")] == [
        describe(r) for r in renamed.to_dict("records")
    ]


def test_result_is_deterministic_whatever_the_row_order():
    rows = frame(*[dict(case[0], rank=i + 1, finding_id=f"F-{i}") for i, case in enumerate(CASES)])
    first = texts(rows)
    again = texts(rows.sample(frac=1, random_state=3))
    pd.testing.assert_frame_equal(first, again)
    assert first["rank"].is_monotonic_increasing
    assert list(first.columns) == list(TEXT_COLUMNS)


def test_owners_and_top_n_filter():
    rows = frame(*[dict(case[0], rank=i + 1, finding_id=f"F-{i}") for i, case in enumerate(CASES)])
    mine = recommend(rows, owners=("policy", "product"))
    assert set(mine["owner"]) == {"policy", "product"}
    assert len(texts(rows, top_n=3)) == 3


@pytest.mark.parametrize("findings", [pd.DataFrame(), pd.DataFrame(columns=["type", "title"])])
def test_no_findings_give_an_empty_table(findings):
    recs = recommend(findings)
    assert recs.empty and list(recs.columns) == list(RECOMMENDATION_COLUMNS)
    assert recommendation_texts(recs).empty
    assert "Nothing to do" in recommendation_list(recs, empty="Nothing to do").data


def test_missing_fields_still_give_an_action():
    recs = texts(
        frame(
            finding("technical_issue", "product.bug", theme_label="Checkout broken"),
            finding("calibration_gap", "process.qa_calibration", rank=2),
        )
    )
    assert recs["action"].tolist() == [
        "Escalate to product: users report 'Checkout broken' (new)",
        "Re-train the auditors on the rubric with the QA expert (differently scoring)",
    ]


def test_rendered_text_is_escaped():
    rows = frame(issue(XSS, count=5), grew(XSS, rank=2))
    out = recommendation_list(recommend(rows)).data
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert out.count("<li>") == 2 and "Product and engineering" in out


# (finding, what it found, its change in short)
SENTENCES = [
    (grew("X", "team=Team Lynx", value=0.101, baseline=0.038, effect=0.063),
     "'X' grew from 3.8% to 10.1% of audit comments in Team Lynx", "+6.3 pts (3.8% → 10.1%)"),
    (macro("M", "process.outdated_macro", value=0.5, baseline=0.24, effect=0.26, count=5, n=10),
     "Macro M fails 50% of its audits (5 of 10); other macros fail 24%",
     "+26.0 pts vs other macros (24%)"),
    (macro("M", "process.outdated_macro", worse_after=True, changed_after="2026-02-10"),
     "Macro M fails 40% of its audits (8 of 20); worse since 2026-02-10; other macros fail 20%",
     "+20.0 pts vs other macros (20%)"),
    (issue("OTP", market="MY"), "New issue: OTP (63 recent reports, mostly MY)",
     "new in the window (0 → 63 reports)"),
    (issue("Upload", known="KI-1", value=10, baseline=4, effect=2.5, count=10),
     "Known issue KI-1: Upload (10 recent reports)", "×2.5 (4 → 10 reports)"),
    (coach("agent_9", "rude tone"), "agent_9: 'rude tone' in 30% of audits vs 5% for everyone "
     "else", "+25.0 pts"),
    (CASES[6][0], "auditor_01 rates more leniently than the reference (+0.54 points)",
     "+0.54 points"),
    (CASES[7][0], "The AI model labels 30% of 'harassment' items as 'hate speech'",
     "30.0% of 'harassment'"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "found", "change"), SENTENCES, ids=[s[1][:30] for s in SENTENCES])
def test_describe_and_change_text_render_the_fields(row, found, change):
    assert describe(row) == found
    assert change_text(row) == change


def driver(label: str, metric: str = "pass_rate", cause: str = "unmapped", **kw) -> dict:
    """A top-driver finding: ``label`` lowers ``metric`` (value: all items, baseline: without)."""
    fields = {"theme_label": label, "theme_id": 3, "metric": metric, "value": 0.765,
              "baseline": 0.781, "effect": -0.016, "effect_lo": -0.021, "effect_hi": -0.011,
              "count": 45, "n": 2031, "impact": -0.016, "harm": 0.016}  # fmt: skip
    return finding("top_driver", cause, **{**fields, **kw})


DRIVER_SENTENCES = [
    (driver("Old ID macro"),
     "'Old ID macro' lowers the pass rate by 1.6 pts (76.5% with its 45 items, 78.1% without "
     "them)", "impact -1.6 pts (-2.1 to -1.1)"),
    (driver("Rude tone", "critical_rate", value=0.039, baseline=0.033, effect=0.006,
            effect_lo=0.003, effect_hi=0.01, segment_type="team", segment_value="Team Lynx"),
     "'Rude tone' raises the critical-error rate by 0.6 pts in Team Lynx (3.9% with its 45 "
     "items, 3.3% without them)", "impact +0.6 pts (+0.3 to +1.0)"),
    (driver("OTP", "mean_rating", value=2.72, baseline=2.77, effect=-0.0475, effect_lo=-0.062,
            effect_hi=-0.033),
     "'OTP' lowers the average rating by 0.05 (2.72 with its 45 items, 2.77 without them)",
     "impact -0.05 (-0.06 to -0.03)"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "found", "change"), DRIVER_SENTENCES,
                         ids=[s[0]["metric"] for s in DRIVER_SENTENCES])  # fmt: skip
def test_top_drivers_render_their_impact(row, found, change):
    assert describe(row) == found
    assert change_text(row) == change


def test_a_top_driver_leads_to_its_causes_action_and_merges_with_the_theme_growing():
    rows = frame(driver("Old ID macro", cause="process.outdated_macro"),
                 grew("Old ID macro", cause="process.outdated_macro", rank=2))  # fmt: skip
    assert merge_key(rows.iloc[0].to_dict()) == merge_key(rows.iloc[1].to_dict())
    recs = texts(rows)
    assert len(recs) == 1 and recs.loc[0, "owner"] == "policy"
    assert recs.loc[0, "action"] == (
        "Update the macros and SOPs involved (theme 'Old ID macro' lowers the pass rate by 1.6 pts)"
    )
    assert len(recs.loc[0, "finding_ids"]) == 2
    out = recommendation_list(recommend(frame(driver(XSS)))).data
    assert "<script>" not in out and "&lt;script&gt;" in out
