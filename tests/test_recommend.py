"""Recommendations from findings: action and owner by type and root cause, merged, escaped."""

from __future__ import annotations

import pandas as pd
import pytest

from rca.findings.recommend import (
    OWNERS,
    RECOMMENDATION_COLUMNS,
    describe,
    recommend,
)
from rca.reports.recommendations import recommendation_list

XSS = "<script>alert(1)</script>"


def finding(
    kind: str, title: str, segment: str = "all", root_cause: str = "unmapped", *,
    rank: int = 1, significant: bool = True, fid: str | None = None, evidence=(),
) -> dict:  # fmt: skip
    return {
        "finding_id": fid or f"{kind[:3].upper()}-{rank:04d}", "type": kind, "title": title,
        "segment": segment, "size": 10, "change": 0.1, "change_text": "+10.0 pts", "p": 0.001,
        "q": 0.01, "significant": significant, "root_cause": root_cause, "severity": 2,
        "evidence": list(evidence), "score": 10.0 / rank, "rank": rank, "rank_in_type": 1,
    }  # fmt: skip


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


COHORT = (
    "Team Heron, started 2026Q3: 'missed verification' in 30% of audits vs 1% for everyone else"
)

# (finding, owner, words the action must contain)
CASES = [
    (finding("macro", "Macro MAC-ACC-004 fails 53% of its audits (64 of 120)",
             "macro=MAC-ACC-004, queue=account access", "process.outdated_macro"),
     "policy", "Update macro MAC-ACC-004 (account access queue)"),
    (finding("macro", "Macro MAC-PAY-002 fails 40% of its audits (8 of 20); worse since 2026-10-10",
             "macro=MAC-PAY-002, queue=payments", "process.outdated_macro"),
     "policy", "Review the change made to macro MAC-PAY-002 (payments queue) on 2026-10-10"),
    (finding("macro", "Macro MAC-1 fails 40% of its audits (8 of 20)", "macro=MAC-1",
             "people.macro_misuse"),
     "operations", "Coach agents on when to use macro MAC-1"),
    (finding("technical_issue", "New issue: OTP not arriving (63 recent reports, mostly MY)",
             "market=MY", "product.bug"),
     "product", "Escalate to product: users report 'OTP not arriving' (new, mostly in MY)"),
    (finding("technical_issue", "Known issue KI-2057: Video upload stuck (20 recent reports)",
             "all", "product.bug"),
     "product", "raise the priority of known issue KI-2057: Video upload stuck"),
    (finding("coaching_need", COHORT, "cohort=Team Heron, started 2026Q3", "people.knowledge_gap"),
     "operations", "Coach Team Heron's 2026Q3 starters on missed verification"),
    (finding("calibration_gap", "auditor_01 rates more leniently than the reference (+0.54 points)",
             "auditor=auditor_01", "process.qa_calibration"),
     "QA", "Re-train auditor_01 on the rubric with the QA expert (lenient scoring)"),
    (finding("ai_label_confusion",
             "The AI model labels 30% of 'harassment' items as 'hate speech'", "gold=harassment",
             "system.automation"),
     "product", "Review the AI model's harassment vs hate speech labels"),
    (finding("emerging_theme", "Theme 'Refund rules' grew to 9.0% of rows (from 2.0%)",
             "market=BR", "policy.unclear_policy"),
     "policy", "Clarify the policy wording (growing theme 'Refund rules' in market BR)"),
    (finding("emerging_theme", "Theme 'Wrong queue' grew to 9.0% of rows (from 2.0%)",
             "queue=payments", "system.routing"),
     "operations", "Fix the case-routing rules (growing theme 'Wrong queue' in the payments"),
    (finding("emerging_theme", "Theme 'App freezes' grew to 9.0% of rows (from 2.0%)",
             "team=Team Lynx", "product.bug"),
     "product", "Escalate to product (growing theme 'App freezes' in Team Lynx)"),
    (finding("emerging_theme", "Theme 'Odd thing' grew to 9.0% of rows (from 2.0%)"),
     "QA", "Investigate and assign a root cause (growing theme 'Odd thing' in the whole"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "owner", "action"), CASES, ids=[c[2][:40] for c in CASES])
def test_action_and_owner_follow_type_and_cause(row, owner, action):
    recs = recommend(frame(row))
    assert len(recs) == 1
    assert recs.loc[0, "owner"] == owner and owner in OWNERS
    assert action in recs.loc[0, "action"]
    assert recs.loc[0, "finding_ids"] == [row["finding_id"]]
    assert recs.loc[0, "finding_type"] == row["type"]


def test_only_significant_findings_lead_to_an_action():
    rows = frame(CASES[0][0], {**CASES[3][0], "significant": False, "rank": 2})
    recs = recommend(rows)
    assert recs["finding_type"].tolist() == ["macro"]
    assert recommend(rows.assign(significant=False)).empty


def test_agents_with_the_same_gap_share_one_action():
    def coach(agent: str, error: str, rank: int) -> dict:
        title = f"{agent}: '{error}' in 30% of audits vs 5% for everyone else"
        return finding("coaching_need", title, f"agent={agent}", "people.knowledge_gap",
                       rank=rank, fid=f"CN-{rank}")  # fmt: skip

    recs = recommend(frame(coach("agent_9", "missed verification", 1),
                           coach("agent_2", "missed verification", 2),
                           coach("agent_5", "rude tone", 3)))  # fmt: skip
    assert recs["action"].tolist() == [
        "Coach agent_2 and agent_9 on missed verification",
        "Coach agent_5 on rude tone",
    ]
    assert recs.loc[0, "finding_ids"] == ["CN-1", "CN-2"] and recs.loc[0, "rank"] == 1
    assert recs.loc[0, "reason"].endswith("everyone else (and 1 similar finding)")


def test_a_theme_growing_in_several_places_is_one_action():
    def grew(label: str, segment: str, rank: int, cause: str = "people.knowledge_gap") -> dict:
        title = f"Theme '{label}' grew to 9.0% of rows (from 2.0%)"
        return finding("emerging_theme", title, segment, cause, rank=rank, fid=f"ET-{rank}")

    recs = recommend(frame(grew("Refunds", "team=Team Lynx", 1), grew("Refunds", "all", 2),
                           grew("Refunds", "market=MY", 3), grew("{who}", "all", 4)))  # fmt: skip
    assert recs["action"].tolist() == [
        "Refresh agents' training (growing theme 'Refunds' in Team Lynx, the whole operation "
        "and market MY)",
        "Refresh agents' training (growing theme '{who}' in the whole operation)",
    ]
    assert recs.loc[0, "finding_ids"] == ["ET-1", "ET-2", "ET-3"]


def test_result_is_deterministic_whatever_the_row_order():
    rows = frame(*[dict(case[0], rank=i + 1, finding_id=f"F-{i}") for i, case in enumerate(CASES)])
    first = recommend(rows)
    again = recommend(rows.sample(frac=1, random_state=3))
    pd.testing.assert_frame_equal(first, again)
    assert first["rank"].is_monotonic_increasing
    assert list(first.columns) == list(RECOMMENDATION_COLUMNS)


def test_owners_and_top_n_filter():
    rows = frame(*[dict(case[0], rank=i + 1, finding_id=f"F-{i}") for i, case in enumerate(CASES)])
    mine = recommend(rows, owners=("policy", "product"))
    assert set(mine["owner"]) == {"policy", "product"}
    assert len(recommend(rows, top_n=3)) == 3


@pytest.mark.parametrize("findings", [pd.DataFrame(), pd.DataFrame(columns=["type", "title"])])
def test_no_findings_give_an_empty_table(findings):
    recs = recommend(findings)
    assert recs.empty and list(recs.columns) == list(RECOMMENDATION_COLUMNS)
    assert "Nothing to do" in recommendation_list(recs, empty="Nothing to do").data


def test_unexpected_titles_still_give_an_action():
    recs = recommend(frame(finding("technical_issue", "Checkout broken", "all", "product.bug"),
                           finding("ai_label_confusion", "labels drift", rank=2)))  # fmt: skip
    assert recs["action"].tolist() == [
        "Escalate to product: users report 'Checkout broken' (new)",
        "Review the AI model's labels: labels drift",
    ]


def test_rendered_text_is_escaped():
    rows = frame(
        finding("technical_issue", f"New issue: {XSS} (5 recent reports)", "all", "product.bug"),
        finding("emerging_theme", f"Theme '{XSS}' grew to 9.0% of rows (from 2.0%)", rank=2),
    )
    out = recommendation_list(recommend(rows)).data
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert out.count("<li>") == 2 and "Product and engineering" in out


def test_describe_says_what_a_growing_theme_did():
    row = finding("emerging_theme", "Theme 'X' grew to 10.1% of rows (from 3.8%)", "team=Team Lynx")
    assert describe(row) == "'X' grew from 3.8% to 10.1% of audit comments in Team Lynx"
    macro = finding("macro", "Macro M fails 50% of its audits (5 of 10)", "macro=M")
    macro["change_text"] = "+26.0 pts vs other macros (24%)"
    assert describe(macro) == "Macro M fails 50% of its audits (5 of 10); other macros fail 24%"
