"""Views of the policy and product report on small tables, and smoke runs of the notebook."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from test_recommend import frame, grew, issue, macro
from test_views_executive import findings_frame

import rca.reports.fragments as rr
import rca.reports.policy as pv

XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;"


@pytest.fixture(autouse=True)
def _fresh_report_state():
    rr.setup()


def policy_frame(policy: str = "refunds", label: str = "Refund window") -> pd.DataFrame:
    rows = [
        # policy, audits, failing, topic, label, failing with theme, share, stands out
        (policy, 200, 40, 1, label, 20, 0.50, True),
        (policy, 200, 40, 2, "Tone", 12, 0.30, False),
        (policy, 200, 40, -1, "Unassigned", 8, 0.20, False),
        ("payouts", 20, 10, 2, "Tone", 10, 1.0, False),
    ]  # fmt: skip
    df = pd.DataFrame(rows, columns=["policy", "policy_audits", "policy_failing", "theme_id",
                                     "theme_label", "failing", "share", "stands_out"])  # fmt: skip
    df["policy_fail_rate"] = df["policy_failing"] / df["policy_audits"]
    df["rank_in_policy"] = df.groupby("policy").cumcount() + 1
    return df


def macros_frame(example: str = "macro still asks for a selfie") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rank": [1, 2, 3], "macro_id": ["MAC-ACC-004", "MAC-PAY-002", "MAC-APL-001"],
            "queue": ["account access", "payments", "content appeals"], "audits": [120, 50, 80],
            "failing": [64, 20, 20], "fail_rate": [0.53, 0.40, 0.25],
            "rest_fail_rate": [0.24, 0.26, 0.27], "excess_rate": [0.29, 0.14, -0.02],
            "excess_q": [0.0001, 0.3, 0.9], "change": [0.33, 0.2, 0.0],
            "changed_after": [None, "2026-10-10", None], "worse_after": [False, True, False],
            "top_themes": [["Selfie (14)"], ["Payout (3)"], None],
            "examples": [[example], ["paid late"], []],
        }
    )  # fmt: skip


def issues_frame(label: str = "OTP never arrives") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme_id": [18, 31, 29], "theme_label": [label, "Upload stuck", "App crashes"],
            "root_cause": ["product.bug", "unmapped", "product.bug"],
            "status": ["new", "known", "new"], "known_issue_id": [None, "KI-2057", None],
            "known_issue_title": [None, "Video upload stuck at 99%", None],
            "first_seen": pd.to_datetime(["2026-10-10", "2026-09-01", "2026-09-09"]),
            "last_seen": pd.to_datetime(["2026-10-31", "2026-10-31", "2026-10-30"]),
            "count_current": [63, 20, 27], "count_previous": [1, 23, 21],
            "trend": ["rising", "stable", "stable"],
            "markets": [["MY (98%)"], ["ID (26%)"], ["US (22%)"]],
            "examples": [["otp tak masuk"], ["stuck at 99"], ["app keeps crashing"]],
            "window_weeks": [4, 4, 4],
        }
    )  # fmt: skip


def timeline_frame() -> pd.DataFrame:
    weeks = pd.to_datetime(["2026-10-05", "2026-10-12", "2026-10-19"])
    return pd.DataFrame(
        {"theme_id": [18] * 3 + [31] * 3 + [29] * 3, "week": list(weeks) * 3,
         "n": [1, 20, 42, 8, 6, 6, 7, 9, 11]}
    )  # fmt: skip


def changes_frame(label: str = "Wrong team") -> pd.DataFrame:
    return pd.DataFrame(
        {"segment": ["all", "all", "team"], "segment_value": ["all", "all", "Team Lynx"],
         "item": [16, 5, 16], "label": [label, "Greeting", label], "count_current": [38, 90, 9],
         "difference": [0.01, 0.0, 0.02], "q_value": [0.01, 0.9, 0.5]}
    )  # fmt: skip


TOPICS = pd.DataFrame({"theme_id": [16, 5], "theme_label": ["Wrong team", "Greeting"],
                       "root_cause": ["system.routing", "people.soft_skills"]})  # fmt: skip
FEEDBACK_TOPICS = pd.DataFrame(
    {"theme_id": [18, 7, 16], "theme_label": ["OTP never arrives", "Kind agent", "Confusing form"],
     "size": [64, 84, 65], "root_cause": ["product.bug", "people.soft_skills",
                                          "product.ux_confusion"]}
)  # fmt: skip


def test_policy_table_lists_policies_and_their_main_themes():
    out = pv.policy_themes_table(policy_frame(), "2026-10", min_n=30).data
    assert out.index("refunds") < out.index("payouts")  # most failing audits first
    assert "Refund window (50 %) · Tone (30 %)" in out and "Unassigned" not in out
    assert out.count('class="flag"') == 1  # payouts: 20 audits, fewer than min_n
    assert "20.0 %" in out  # refunds' fail rate
    assert "hidden: fewer than 30 audits" in out and "50.0 %" not in out  # payouts suppressed
    shown = pv.policy_themes_table(policy_frame(), "2026-10", min_n=10).data
    assert "50.0 %" in shown and "hidden" not in shown


def test_policy_chart_is_a_heat_map_of_theme_shares_with_small_policies_hidden(heatmap_z):
    out = pv.policy_themes_chart(policy_frame(), "2026-10").data
    assert '"type":"heatmap"' in out.replace(" ", "") and "50 %" in out
    assert "payouts (n&lt;30, hidden)" in out
    assert heatmap_z(out).tolist()[1] == [None, None]  # payouts' cells empty, refunds' shown
    shown = pv.policy_themes_chart(policy_frame(), "2026-10", min_n=10).data
    assert "hidden" not in shown and None not in heatmap_z(shown).tolist()[1]


def test_macros_table_says_which_macros_are_clearly_worse():
    out = pv.macros_table(macros_frame(), "2026-10").data
    assert "fails clearly more often than other macros" in out
    assert "clearly worse since the change of 2026-10-10" in out
    assert "not clearly different from other macros" in out
    assert out.count('class="flag"') == 2 and "+33.0 pts" in out


def test_product_causes_keep_product_and_system_themes_only():
    out = pv.product_causes(changes_frame(), TOPICS, FEEDBACK_TOPICS, issues_frame(),
                            "2026-10", "2026-09").data  # fmt: skip
    assert "Wrong team" in out and "Case routing" in out and "38 comments in 2026-10" in out
    assert "clearly more than 2026-09" in out
    assert "OTP never arrives" in out and "clearly rising" in out
    assert "Confusing form" in out and "Confusing product flow" in out
    assert "Greeting" not in out and "Kind agent" not in out and "Team Lynx" not in out


def test_issues_table_shows_new_then_known_with_dates():
    out = pv.issues_table(issues_frame(), "2026-10").data
    assert out.index("OTP never arrives") < out.index("App crashes") < out.index("Upload stuck")
    assert "Known (KI-2057: Video upload stuck at 99%)" in out and "10 Oct 2026" in out
    assert out.count('class="flag"') == 1  # only the clearly rising issue


def test_issue_trend_windows_are_the_analysis_windows():
    out = pv.issues_table(issues_frame().assign(window_weeks=6), "2026-10").data
    assert "Reports, last 6 weeks" in out and "last 6 weeks vs the 6 before" in out
    assert "4 weeks" not in out


def test_timeline_chart_draws_known_issues_dashed():
    out = pv.issue_timeline_chart(timeline_frame(), issues_frame(), "2026-10").data
    assert out.count('"dash":"dash"') == 1 and out.count('"dash":"solid"') == 2
    assert "Known KI-2057: Upload stuck" in out and "05 Oct 2026" in out


def test_evidence_and_recommendations_are_for_policy_and_product_owners():
    quotes = pv.evidence(findings_frame()).data
    assert "macro asks for a selfie" in quotes and "otp never comes" in quotes
    assert "agent_9" not in quotes  # coaching is for operations
    recs = pv.recommended_changes(findings_frame()).data
    assert "Update macro MAC-ACC-004" in recs and "Escalate to product" in recs
    assert "Coach" not in recs
    renamed = findings_frame().assign(title="New issue: Something else (9 recent reports)")
    assert pv.evidence(renamed).data == quotes and pv.recommended_changes(renamed).data == recs


@pytest.mark.parametrize(
    ("view", "args"),
    [
        (pv.policy_themes_table, lambda: (policy_frame(XSS, XSS),)),
        (pv.policy_themes_chart, lambda: (policy_frame(XSS, XSS),)),
        (pv.macros_table, lambda: (macros_frame(XSS),)),
        (pv.product_causes, lambda: (changes_frame(XSS), TOPICS.assign(theme_label=XSS),
                                     FEEDBACK_TOPICS.assign(theme_label=XSS), issues_frame())),
        (pv.issues_table, lambda: (issues_frame(XSS),)),
        (pv.issue_timeline_chart, lambda: (timeline_frame(), issues_frame(XSS))),
        (pv.evidence, lambda: (findings_frame(XSS, XSS),)),
        (pv.recommended_changes, lambda: (findings_frame(XSS),)),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)  # fmt: skip
def test_data_text_stays_escaped(view, args):
    out = view(*args()).data
    assert "<script>alert" not in out and "\\u003cscript" not in out
    assert ESCAPED in out


@pytest.mark.parametrize(
    "view",
    [
        pv.policy_themes_table, pv.policy_themes_chart, pv.macros_table, pv.issues_table,
        lambda df, month: pv.issue_timeline_chart(df, df, month),
        lambda df, month: pv.product_causes(df, df, df, df, month),
        lambda df, month: pv.evidence(df), lambda df, month: pv.recommended_changes(df),
    ],
)  # fmt: skip
def test_empty_tables_give_a_plain_callout(view):
    out = view(pd.DataFrame(), "2026-10").data
    assert "rca-callout" in out and "plotly" not in out


@pytest.mark.parametrize(
    "view",
    [pv.policy_themes_table, pv.policy_themes_chart, pv.macros_table, pv.issues_table,
     lambda df, month: pv.issue_timeline_chart(df, df, month)],
)  # fmt: skip
def test_empty_tables_say_why_the_analysis_left_them_empty(view):
    empty = pd.DataFrame()
    empty.attrs["empty_reason"] = "no feedback export in the data"
    assert "Not enough data: no feedback export in the data." in view(empty, "2026-10").data


# --- the notebook, end to end ------------------------------------------------------------------


@pytest.fixture(scope="module")
def analysis(sample_analysis):
    return sample_analysis


HEADINGS = (
    "Policies, macros and the product · 2026-10",
    "Which themes dominate failing audits under each policy?",
    "Macros and SOPs behind failing audits", "Root causes in the product and systems",
    "Technical issues users report: new and known", "The evidence, case by case",
    "Recommended changes",
    "Top drivers of failed audits", "Top drivers of low ratings",
)  # fmt: skip


@pytest.mark.notebook
def test_policy_product_notebook_runs_from_the_tables(analysis, planted_macro, tmp_path):
    from rca.batch.notebook_run import run_report

    result = run_report("policy_product", {"workspace": str(analysis.path / "workspace")}, tmp_path)
    assert result.status == "ok", result.reason
    page = result.html.read_text()
    for heading in HEADINGS:
        assert heading in page, heading
    assert f"Update macro {planted_macro}" in page and "Known (KI-" in page
    # themes per policy, issue timeline, drivers of failed audits and of low ratings, the
    # history of the comment themes and of the feedback themes
    assert page.count("Plotly.newPlot") == 6
    assert "Theme history: how the largest themes grew, split and merged" in page
    assert "the largest themes over 2 months" in page
    assert "Traceback" not in page


@pytest.mark.notebook
def test_policy_product_notebook_with_empty_tables_says_so(analysis, tmp_path):
    copy = tmp_path / "analysis"
    shutil.copytree(analysis.path, copy)
    for name in ("policy_themes", "macros", "tech_issues", "issue_timeline", "findings",
                 "theme_impact", "feedback_impact", "theme_history", "theme_lineage"):  # fmt: skip
        pd.DataFrame().to_parquet(copy / "tables" / f"{name}.parquet")
    from rca.batch.notebook_run import run_report

    result = run_report("policy_product", {"workspace": str(copy / "workspace")}, tmp_path / "o")
    assert result.status == "ok", result.reason
    page = result.html.read_text()
    assert "No failing audits with a policy in 2026-10." in page
    assert "No audits with a macro or SOP in 2026-10." in page
    assert "No technical issues in user feedback in 2026-10." in page
    assert "No change to policies, macros or the product is needed" in page
    assert "No theme lowers the pass rate" in page and "No theme lowers the average rating" in page
    assert "No theme history of audit comments up to 2026-10." in page
    assert "No split or merge of themes is recorded up to 2026-10." in page
    assert "Plotly.newPlot" not in page and "Traceback" not in page


# --- "clear" from the findings' significant field, never decided again here ---------------------


def test_macros_table_takes_clear_from_the_findings():
    """MAC-ACC-004's own q is tiny but its finding is not clear; MAC-APL-001's is."""
    rows = frame(macro("MAC-ACC-004", "process.outdated_macro", significant=False),
                 macro("MAC-APL-001", "process.outdated_macro", fid="MAC-2"))  # fmt: skip
    table = macros_frame().assign(comparison="same_queue")  # contract B's column
    out = pv.macros_table(table, "2026-10", findings=rows).data
    assert "fails clearly more often than the other macros of its queue" in out
    assert out.count("not clearly different from other macros") == 2
    assert out.count('class="flag"') == 1


def test_issues_table_takes_clear_from_the_findings():
    rows = frame(issue("App crashes"), issue("OTP never arrives", significant=False, fid="T2"))
    out = pv.issues_table(issues_frame(), "2026-10", findings=rows).data
    assert out.count("clearly rising") == 1 and out.count('class="flag"') == 1
    assert out.index("App crashes") < out.index("clearly rising")


def test_product_causes_take_clear_from_the_findings():
    clear = frame(grew("Wrong team", theme_id=16))
    out = pv.product_causes(
        changes_frame().assign(q_value=0.9),
        TOPICS,
        FEEDBACK_TOPICS,
        issues_frame(),
        "2026-10",
        "2026-09",
        findings=clear,
    ).data
    assert "clearly more than 2026-09" in out
    quiet = pv.product_causes(
        changes_frame(),
        TOPICS,
        FEEDBACK_TOPICS,
        issues_frame(),
        "2026-10",
        "2026-09",
        findings=frame(),
    ).data
    assert "clearly more than 2026-09" not in quiet and "about the same as 2026-09" in quiet


def test_evidence_shows_counts_comparison_and_cases():
    rows = findings_frame().assign(evidence_ids=[["AUD-7"], [], [], [], []])
    out = pv.evidence(rows).data
    assert "64 of 120 audits failed, vs 21% for the other macros" in out
    assert "audit AUD-7: <i>“macro asks for a selfie”</i>" in out
    assert "63 reports in the recent weeks" in out
