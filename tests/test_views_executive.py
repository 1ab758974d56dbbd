"""Views of the executive report on small tables, and a smoke run of the notebook."""

from __future__ import annotations

import pandas as pd
import pytest
from test_recommend import coach, frame, grew, issue, macro

import rca.reports.executive as ex
import rca.reports.fragments as rr

XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture(autouse=True)
def _fresh_report_state():
    rr.setup()


def kpis_frame(pass_now: float = 0.765, lo_now: float = 0.746, hi_now: float = 0.783,
               n_now: int = 2031) -> pd.DataFrame:  # fmt: skip
    return pd.DataFrame(
        {
            "month": ["2026-09", "2026-10"], "n": [2004, n_now], "pass_rate": [0.834, pass_now],
            "pass_lo": [0.817, lo_now], "pass_hi": [0.849, hi_now], "mean_score": [92.2, 90.4],
            "critical_rate": [0.017, 0.039], "critical_lo": [0.013, 0.031],
            "critical_hi": [0.024, 0.048], "small_n": [False, n_now < 30],
        }
    )  # fmt: skip


def findings_frame(macro_id: str = "MAC-ACC-004", quote: str = "macro asks for a selfie",
                   ) -> pd.DataFrame:  # fmt: skip
    """Findings as `build_findings` makes them: structured records, ranked."""
    return frame(
        macro(
            macro_id,
            "process.outdated_macro",
            "account access",
            fid="MAC-1",
            evidence=[quote],
            value=0.53,
            baseline=0.21,
            effect=0.32,
            count=64,
            n=120,
        ),
        issue("OTP", market="MY", fid="TI-1", evidence=["otp never comes"]),
        coach("agent_9", "missed verification", fid="CN-1"),
        coach("agent_2", "missed verification", fid="CN-2", value=0.28),
        grew("Noise", "all", value=0.03, effect=0.01, significant=False, fid="ET-1"),
    ).assign(rank=range(1, 6))


def changes_frame(label: str = "Refund rules", q: float = 0.01) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "segment": ["all", "team", "all", "all"],
            "segment_value": ["all", "Team Lynx", "all", "all"], "item": [3, 3, 5, -1],
            "label": [label, label, "Greeting", "Unassigned"],
            "share_current": [0.09, 0.12, 0.20, 0.05], "share_previous": [0.02, 0.03, 0.21, 0.04],
            "difference": [0.07, 0.09, -0.01, 0.01], "q_value": [q, q, 0.8, 0.001],
        }
    )  # fmt: skip


EMERGING = pd.DataFrame({"segment": ["all"], "segment_value": ["all"], "item": [3]})


@pytest.mark.parametrize(
    ("kpis", "expected"),
    [
        (kpis_frame(), "Pass rate: 76.5 %, 6.9 pts lower than in 2026-09 (83.4 %): clearly worse."),
        (kpis_frame(0.82, 0.80, 0.84), "not clearly different, a change this size can be chance"),
        (kpis_frame(0.90, 0.88, 0.92), "pts higher than in 2026-09 (83.4 %): clearly better."),
        (kpis_frame(0.834, 0.81, 0.85), "Pass rate: 83.4 %, the same as in 2026-09."),
        (kpis_frame(n_now=12), "Few audits this month"),
    ],
)  # fmt: skip
def test_kpi_changes_in_plain_words(kpis, expected):
    out = ex.kpi_changes(kpis, "2026-10", "2026-09").data
    assert expected in out
    assert "Critical errors: 3.9 %, 2.2 pts higher" in out and "clearly worse" in out


def test_headline_cards_read_the_monthly_table():
    out = ex.headline_cards(kpis_frame(), "2026-10", "2026-09").data
    assert out.count('class="rca-kpi"') == 4
    assert "76.5 %" in out and "-6.9 pts" in out


@pytest.mark.parametrize(
    ("difference", "clear", "words"),
    [(0.05, True, "clearly more than 2026-09"), (-0.05, True, "clearly less than 2026-09"),
     (0.05, False, "about the same as 2026-09"), (0.0, True, "about the same as 2026-09")],
)  # fmt: skip
def test_change_words_follow_the_clear_flag_given(difference, clear, words):
    assert ex.change_words(difference, clear, "2026-09").startswith(words)


def test_top_findings_are_grouped_by_root_cause_and_merge_alike_agents():
    out = ex.top_findings(findings_frame(), top_n=3).data
    assert out.index("Process: how the work is done") < out.index("Product: the app")
    assert out.index("Product: the app") < out.index("People: agents")
    assert "Root cause: Outdated macro or template." in out
    assert "Macro MAC-ACC-004 fails 53% of its audits (64 of 120); other macros fail 21%" in out
    assert "(Macro / SOP, +32.0 pts vs other macros (21%))" in out
    assert "The same for 1 more: agent_2." in out  # agent_2 joins agent_9, takes no place
    assert "Noise" not in out  # not significant
    assert "4 of the 4 clear findings" in out and "1 possible findings" in out


def test_a_theme_growing_in_several_places_is_listed_once():
    rows = frame(*[grew("Refunds", place, "policy.unclear_policy", rank=i + 1, fid=f"ET-{i}")
                   for i, place in enumerate(["team=Team Lynx", "all", "market=MY"])])  # fmt: skip
    out = ex.top_findings(rows).data
    assert out.count("<li>") == 1 and "Also growing in: Whole operation, market MY." in out
    assert "Policy: the rules themselves" in out and "Unclear or conflicting policy" in out


def test_views_read_fields_not_titles():
    findings = findings_frame()
    renamed = findings.assign(title="Theme 'Refunds' grew to 9.0% of rows (from 2.0%)")
    for view in (ex.top_findings, ex.recommendations):
        assert view(findings).data == view(renamed).data


def test_top_findings_escape_fields_and_quotes():
    out = ex.top_findings(findings_frame(XSS, XSS)).data
    assert "<script>" not in out and out.count(ESCAPED) == 2


def test_what_changed_lists_clear_theme_changes_only():
    out = ex.what_changed(changes_frame(), EMERGING, "2026-10", "2026-09").data
    assert "new, clearly more than 2026-09" in out  # emerging in the whole operation
    assert "Team Lynx" in out and "Whole operation" in out
    assert "Greeting" not in out and "Unassigned" not in out
    assert "+7.0 pts" in out and "9.0 %" in out
    quiet = ex.what_changed(changes_frame(q=0.3), EMERGING, "2026-10", "2026-09").data
    assert "No theme of audit comments changed clearly since 2026-09" in quiet


def test_what_changed_and_theme_chart_escape_labels():
    table = ex.what_changed(changes_frame(XSS), EMERGING, "2026-10", "2026-09").data
    chart = ex.theme_chart(changes_frame(XSS)).data
    for out in (table, chart):
        # plotly serialises "<" as \u003c: an unescaped label would show up as \u003cscript
        assert "<script>alert" not in out and "\\u003cscript" not in out
        assert "&lt;script&gt;" in out


def test_recommendations_come_from_the_clear_findings():
    out = ex.recommendations(findings_frame()).data
    assert out.count("<li>") == 3  # macro, issue, the two agents together
    assert "Update macro MAC-ACC-004" in out and "Coach agent_2 and agent_9" in out


@pytest.mark.parametrize(
    "view",
    [
        lambda df: ex.headline_cards(df, "2026-10", "2026-09"),
        lambda df: ex.kpi_changes(df, "2026-10", "2026-09"),
        ex.kpi_trend,
        ex.top_findings,
        ex.theme_chart,
        lambda df: ex.what_changed(df, df, "2026-10", "2026-09"),
        ex.recommendations,
    ],
)
def test_empty_tables_give_a_callout(view):
    out = view(pd.DataFrame()).data
    assert "rca-callout" in out and "plotly" not in out


@pytest.mark.parametrize(
    "view",
    [ex.theme_chart, lambda changes: ex.what_changed(changes, pd.DataFrame(), "2026-10", None)],
)
def test_theme_views_say_why_the_analysis_left_the_changes_empty(view):
    changes = pd.DataFrame()
    changes.attrs["empty_reason"] = "commented audits: previous month '2026-09' has no rows"
    assert "Not enough data: commented audits: previous month" in view(changes).data


# --- the notebook, end to end ------------------------------------------------------------------


@pytest.fixture(scope="module")
def analysis(sample_analysis):
    return sample_analysis


@pytest.mark.notebook
def test_executive_notebook_runs_from_the_tables(analysis, planted_macro, tmp_path):
    from rca.batch.notebook_run import run_report

    params = {"workspace": str(analysis.path / "workspace"), "title": "Board pack <b>"}
    result = run_report("executive", params, tmp_path)
    assert result.status == "ok", result.reason
    page = result.html.read_text()
    for heading in ("Board pack &lt;b&gt;", "The most important findings and their root causes",
                    "What changed since 2026-09", "What we recommend",
                    f"Update macro {planted_macro}", "Top drivers of failed audits",
                    "Top drivers of low ratings", "Impact on the pass rate"):  # fmt: skip
        assert heading in page, heading
    assert page.count("Plotly.newPlot") >= 2 and page.count('class="rca-kpi"') >= 3
    assert "Traceback" not in page and "rca.reports.load" not in page


def test_growing_themes_are_findings_with_their_themes_root_cause(analysis):
    findings, topics = analysis.table("findings"), analysis.workspace.themes()
    causes = dict(zip(topics["theme_label"], topics["root_cause"], strict=True))
    grown = findings[findings["type"] == "emerging_theme"]
    assert grown["root_cause"].tolist() == [causes[label] for label in grown["theme_label"]]
    assert (grown["root_cause"] != "unmapped").any()  # the sample's themes map to causes


# --- words from the analysis' tests: kpi_changes, finding_family, the findings' significant ---


def kpi_table(clear: bool, verdict: str, lo: float = -0.09, hi: float = -0.048) -> pd.DataFrame:
    """``kpi_changes`` as the contract (C) has it: one KPI, the test's ``clear`` and verdict."""
    return pd.DataFrame(
        {
            "kpi": ["pass_rate"], "current": [0.765], "previous": [0.834], "n_current": [2031],
            "n_previous": [2004], "difference": [-0.069], "diff_lo": [lo], "diff_hi": [hi],
            "p_value": [0.001], "test": ["two-proportion z"], "q_value": [0.01],
            "clear": [clear], "verdict": [verdict],
        }
    )  # fmt: skip


FAMILY = pd.DataFrame({"type": ["macro", "all"], "tested": [40, 1234], "clear": [3, 7],
                       "level": [0.05, 0.05]})  # fmt: skip
OVERLAPPING = kpis_frame(0.82, 0.80, 0.84)  # the intervals of the two months overlap
APART = kpis_frame()  # they do not


@pytest.mark.parametrize(
    ("kpis", "changes", "said", "not_said"),
    [
        (OVERLAPPING, kpi_table(True, "worse"), "clearly worse.", "about the same"),
        (APART, kpi_table(False, "about the same", -0.2, 0.01), "about the same, a change this "
         "size can be chance.", "clearly"),
        (APART, kpi_table(True, "better"), "clearly better.", "about the same"),
    ],
)  # fmt: skip
def test_kpi_changes_follow_the_tests_verdict_not_the_intervals(kpis, changes, said, not_said):
    out = ex.kpi_changes(kpis, "2026-10", "2026-09", changes, FAMILY).data
    assert "Pass rate: 76.5 %, -6.9 pts vs 2026-09 (83.4 %" in out and said in out
    assert not_said not in out.split("Clear means")[0]
    assert "checking all 1,234 possible findings" in out  # the one sentence explaining "clear"


def test_kpi_changes_fall_back_to_the_intervals_and_say_so():
    out = ex.kpi_changes(APART, "2026-10", "2026-09", pd.DataFrame()).data
    assert "clearly worse" in out and "intervals do not overlap" in out


def test_tested_summary_says_how_many_were_tested_and_clear():
    out = ex.tested_summary(FAMILY).data
    assert "We tested 1,234 possible findings this month; 7 are clear." in out
    assert "Clear means:" in out
    assert ex.tested_summary(pd.DataFrame()).data == ""
    assert "all 1,234 possible findings" in ex.reading_guide("2026-10", "2026-09", FAMILY).data


def test_top_findings_show_their_evidence():
    rows = findings_frame().assign(evidence_ids=[["AUD-1", "AUD-2"], [], [], [], []])
    rows.loc[0, "evidence"] = ["asks for a selfie", "selfie step is gone"]
    out = ex.top_findings(rows).data
    assert "64 of 120 audits failed, vs 21% for the other macros" in out
    assert "audit AUD-2: <i>“selfie step is gone”</i>" in out


def test_what_changed_takes_clear_from_the_findings():
    changes = changes_frame(q=0.3)  # the table's own q says chance; the finding says clear
    rows = frame(grew("Refund rules", "team=Team Lynx", theme_id=3.0),  # float, as in Parquet
                 macro("M1", "process.outdated_macro"))  # fmt: skip
    out = ex.what_changed(changes, EMERGING, "2026-10", "2026-09", findings=rows).data
    assert "Team Lynx" in out and "Whole operation" not in out
    rows = frame(grew("Refund rules", "all", theme_id=3, significant=False))
    quiet = ex.what_changed(changes_frame(), EMERGING, "2026-10", "2026-09", findings=rows).data
    assert "No theme of audit comments changed clearly" in quiet
