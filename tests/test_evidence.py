"""The rows behind each finding: ``example_ids`` of the statistics, ``evidence_ids`` of findings.

Each finding type is built from a small hand-made table with ids, and its ``evidence_ids`` are
checked row by row: the rows quoted first, in the quotes' order, then the other rows behind it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rca.findings.build import build_findings
from rca.stats.calibration import auditor_deviation
from rca.stats.coaching import coaching_needs
from rca.stats.evidence import MAX_EVIDENCE_IDS, id_column, quotes_and_ids, row_ids, theme_ids
from rca.stats.label_audits import confused_pairs
from rca.stats.macros import macro_report
from rca.stats.tech_issues import technical_issues
from rca.stats.trends import share_changes
from rca.text.quotes import evidence_quotes

# -- the helpers ---------------------------------------------------------------------------------

TEXTS = ["", "Uses the old form", "uses the old form", None, "Mail jo@example.com", "x", "y"]


def test_quotes_and_ids_quote_as_evidence_quotes_and_list_the_quoted_rows_first():
    rows = pd.DataFrame({"text": TEXTS, "id": [f"r{i}" for i in range(7)]}, index=[5] * 7)
    quotes, ids = quotes_and_ids(rows, "text", "id", n=3)
    assert quotes == evidence_quotes(TEXTS, n=3) == ["Uses the old form", "Mail [EMAIL]", "x"]
    assert ids == ["r1", "r4", "r5", "r0", "r2", "r3", "r6"]
    assert quotes_and_ids(rows, "text", "id", n=3, limit=4)[1] == ["r1", "r4", "r5", "r0"]


@pytest.mark.parametrize(
    ("frame", "column", "expected"),
    [(pd.DataFrame({"id": ["a", None, "a", 7]}), "id", ["a", "7"]),
     (pd.DataFrame({"id": ["a"]}), None, []), (pd.DataFrame({"id": ["a"]}), "audit_id", []),
     (pd.DataFrame({"id": [f"r{i}" for i in range(50)]}), "id",
      [f"r{i}" for i in range(MAX_EVIDENCE_IDS)])],
)  # fmt: skip
def test_row_ids_skip_missing_and_repeated_ids_and_stop_at_the_limit(frame, column, expected):
    assert row_ids(frame, column) == expected


def test_no_id_column_gives_quotes_and_empty_ids():
    rows = pd.DataFrame({"text": TEXTS})
    assert quotes_and_ids(rows, "text", id_column(rows)) == (evidence_quotes(TEXTS), [])
    assert quotes_and_ids(rows, "comment", None) == ([], [])


# -- one finding type at a time ------------------------------------------------------------------


def _evidence(findings: pd.DataFrame, **where: object) -> list[str]:
    mask = np.logical_and.reduce([findings[k] == v for k, v in where.items()])
    assert mask.sum() == 1, findings
    return list(findings.loc[mask, "evidence_ids"].iloc[0])


def macro_audits(with_ids: bool = True) -> pd.DataFrame:
    """M-1: 40 audits, the 25 first failing; M-2: 40 audits, 4 failing; hour i of March."""
    comments = {24: "", 23: "Uses the old form", 22: "uses the old form", 21: "Sent to a@b.com",
                20: "Customer not told"}  # fmt: skip
    rows = [{"audit_id": f"A{i:03d}", "macro_id": "M-1", "passed": i >= 25,
             "comment": comments.get(i, f"comment {i}")} for i in range(40)]  # fmt: skip
    rows += [{"audit_id": f"B{i:03d}", "macro_id": "M-2", "passed": i >= 4, "comment": "ok"}
             for i in range(40)]  # fmt: skip
    df = pd.DataFrame(rows)
    df["audit_date"] = pd.Timestamp("2026-03-01") + pd.to_timedelta(np.arange(80) % 40, "h")
    return df if with_ids else df.drop(columns="audit_id")


def test_macro_findings_list_the_failing_audits_most_recent_quoted_first():
    report = macro_report(macro_audits(), current="2026-03", previous=None)
    findings = build_findings(macros=report)
    expected = ["A023", "A021", "A020", "A024", "A022", *(f"A{i:03d}" for i in range(19, 4, -1))]
    assert _evidence(findings, macro_id="M-1") == expected and len(expected) == MAX_EVIDENCE_IDS
    m1 = report.set_index("macro_id").loc["M-1"]
    assert list(m1["examples"]) == ["Uses the old form", "Sent to [EMAIL]", "Customer not told"]
    assert list(findings.loc[findings["macro_id"] == "M-1", "evidence"].iloc[0]) == list(
        m1["examples"]
    )
    without = macro_report(macro_audits(with_ids=False), current="2026-03", previous=None)
    assert without["example_ids"].map(len).eq(0).all()
    assert build_findings(macros=without)["evidence_ids"].map(len).eq(0).all()


def test_coaching_findings_list_the_agents_audits_with_that_error_quoted_first():
    rows = [{"agent": f"old_{a}", "error_category": "tone" if i == 0 else None, "comment": "ok"}
            for a in range(8) for i in range(40)]  # fmt: skip
    notes = {0: "Rude tone", 1: "rude tone", 2: None, 3: "Sighed", 4: "Short answer"}
    rows += [{"agent": "new_1", "error_category": "tone" if i < 12 else None,
              "comment": notes.get(i, f"tone {i}")} for i in range(30)]  # fmt: skip
    df = pd.DataFrame(rows).assign(audit_date=pd.Timestamp("2026-03-10"))
    df["audit_id"] = [f"C{i:03d}" for i in range(len(df))]
    findings = build_findings(coaching=coaching_needs(df, current="2026-03"))
    first = 320  # new_1's first audit
    order = [0, 3, 4, 1, 2, *range(5, 12)]
    assert _evidence(findings, agent="new_1", error_category="tone") == [
        f"C{first + i:03d}" for i in order
    ]


def test_technical_issue_findings_list_the_reports_most_typical_quoted_first():
    n = 12
    fb = pd.DataFrame(
        {"feedback_id": [f"F{i:02d}" for i in range(2 * n)],
         "date": pd.Timestamp("2026-03-20") - pd.to_timedelta(np.arange(2 * n) % 20, "D"),
         "market": "MY", "theme_id": [1] * n + [2] * n,
         "theme_label": ["Otp / sms"] * n + ["Praise"] * n,
         "root_cause": ["product.bug"] * n + ["people.kind"] * n,
         "confidence": [0.5, 0.9, 0.8, 0.95, *np.linspace(0.1, 0.4, n - 4)] + [0.5] * n,
         "text": ["OTP late", "", "otp never came", "Otp never came", *[f"otp {i}" for i in
                  range(n - 4)]] + ["thanks"] * n}
    )  # fmt: skip
    issues = technical_issues(fb, as_of="2026-03-20")
    assert issues["theme_label"].tolist() == ["Otp / sms"]
    # by confidence: F03 (quoted), F01 (empty), F02 (repeat of F03), F00 (quoted), F11, ...
    expected = ["F03", "F00", "F11", "F01", "F02", *(f"F{i:02d}" for i in range(10, 3, -1))]
    assert list(issues["example_ids"].iloc[0]) == expected
    assert _evidence(build_findings(tech_issues=issues), theme_label="Otp / sms") == expected


def test_calibration_findings_list_the_cases_rated_off_the_reference_farthest_first():
    deviation = [2, 1, 2, 0, 2, 1, 2, 2, -1, 2, 1, 2]
    cases = [f"c{i:02d}" for i in range(len(deviation))]
    expert = pd.DataFrame({"case_id": cases, "auditor": "expert", "rating": 3, "is_expert": True})
    lenient = expert.assign(auditor="lenient", rating=[3 + d for d in deviation], is_expert=False)
    ratings = pd.concat([expert, lenient], ignore_index=True).assign(session_id="s1", item="tone")
    dev = auditor_deviation(ratings).set_index(["auditor", "item"])
    assert dev.loc[("lenient", "ALL"), "direction"] == "lenient"
    expected = ["c00", "c02", "c04", "c06", "c07", "c09", "c11", "c01", "c05", "c10"]
    assert list(dev.loc[("lenient", "tone"), "example_ids"]) == expected
    findings = build_findings(calibration=dev.reset_index())
    assert _evidence(findings, auditor="lenient") == expected


def test_ai_confusion_findings_list_the_items_so_labelled():
    predicted = ["billing"] * 12 + ["refund"] * 6 + ["other"] * 2
    order = np.random.default_rng(0).permutation(20)
    ai = pd.DataFrame({"item_id": [f"I{i:02d}" for i in range(20)], "gold_label": "billing",
                       "model_label": np.array(predicted)[order]})  # fmt: skip
    pairs = confused_pairs(ai)
    findings = build_findings(ai_confusions=pairs)
    expected = ai.loc[ai["model_label"] == "refund", "item_id"].tolist()
    assert _evidence(findings, predicted_label="refund") == expected and len(expected) == 6
    no_ids = confused_pairs(ai.drop(columns="item_id"))
    assert no_ids["example_ids"].map(len).eq(0).all()


def test_theme_findings_list_the_months_rows_of_the_theme_in_its_segment():
    b_themes = [1] * 60 + [2] * 140
    b = pd.DataFrame({"month": "b", "theme_id": b_themes, "market": ["MY", "US", "MY", "MY"] * 50})
    a = pd.DataFrame({"month": "a", "theme_id": [1] * 5 + [2] * 195, "market": ["MY", "US"] * 100})
    df = pd.concat([a, b], ignore_index=True)
    df["audit_id"] = [f"T{i:03d}" for i in range(len(df))]
    changes = share_changes(df, item="theme_id", current="b", previous="a", segments=("market",))
    now = df[df["month"] == "b"]
    changes["example_ids"] = theme_ids(now, changes, id_column(now))
    findings = build_findings(theme_changes=changes)
    ones = now[now["theme_id"] == 1]
    assert _evidence(findings, segment_type="all") == ones["audit_id"].head(20).tolist()
    my = ones[ones["market"] == "MY"]["audit_id"].head(20).tolist()
    assert _evidence(findings, market="MY") == my and my[:3] == ["T200", "T202", "T203"]
    assert theme_ids(now.drop(columns="audit_id"), changes, None) == [[]] * len(changes)
