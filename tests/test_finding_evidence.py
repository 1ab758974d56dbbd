"""A finding's evidence in words a team lead can check, and the sentences on "clear"."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from rca.findings.build import FINDING_TYPES
from rca.reports.finding_evidence import (
    clear_meaning,
    comparison_text,
    counts_text,
    evidence_html,
    example_cases,
    family_sentence,
    interval_text,
)

XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
NAN = math.nan


def finding(kind: str, **fields: object) -> dict[str, object]:
    """A finding with the contract's evidence columns (C); three example cases."""
    return {
        "finding_id": f"{kind}-1", "type": kind, "segment_type": "all", "segment_value": "all",
        "significant": True, "evidence_ids": ["C-101", "C-102", "C-103"],
        "evidence": ["first quote", "second quote", "third quote"], "baseline_count": NAN,
        "baseline_n": NAN, **fields,
    }  # fmt: skip


#: Per finding type: its fields, then the counts, the comparison and the interval expected.
CASES: dict[str, tuple[dict[str, object], str, str, str]] = {
    "emerging_theme": (
        {"count": 30, "n": 333, "value": 0.09, "baseline": 0.02, "comparison": "previous_month",
         "baseline_count": 6, "baseline_n": 300, "effect_lo": 0.03, "effect_hi": 0.11},
        "30 of 333 audit comments mention it", "vs 2% of 300 audit comments last month",
        "95 % interval of the difference +3.0 to +11.0 pts",
    ),
    "macro": (
        {"count": 62, "n": 88, "value": 0.70, "baseline": 0.21, "comparison": "same_queue",
         "queue": "payments", "baseline_count": 260, "baseline_n": 1240, "effect_lo": 0.39,
         "effect_hi": 0.59},
        "62 of 88 audits failed",
        "vs 21% of 1,240 audits of the other macros in the payments queue",
        "95 % interval of the difference +39.0 to +59.0 pts",
    ),
    "technical_issue": (
        {"count": 45, "value": 45, "baseline": 3, "comparison": "earlier_weeks",
         "baseline_count": 3, "effect_lo": 4.2, "effect_hi": 40.0},
        "45 reports in the recent weeks", "vs 3 reports in the weeks before",
        "95 % interval of the rise ×4.2 to ×40",
    ),
    "coaching_need": (
        {"count": 12, "n": 40, "value": 0.30, "baseline": 0.05, "comparison": "rest",
         "baseline_count": 40, "baseline_n": 800, "effect_lo": 0.10, "effect_hi": 0.40},
        "12 of 40 audits had this error", "vs 5% of 800 audits of everyone else",
        "95 % interval of the difference +10.0 to +40.0 pts",
    ),
    "calibration_gap": (
        {"count": 40, "n": 40, "value": 3.5, "baseline": 3.1, "comparison": "expert",
         "effect_lo": 0.2, "effect_hi": 0.6},
        "rated on 40 cases the expert rated too",
        "vs the QA expert's 3.10 points on average on the same cases",
        "95 % interval of the gap +0.20 to +0.60 points",
    ),
    "ai_label_confusion": (
        {"count": 30, "n": 200, "value": 0.15, "baseline": 0.05, "comparison": "tolerance",
         "effect_lo": 0.107, "effect_hi": 0.207},
        "30 of 200 items with this reference label were given the other label",
        "vs the 5% a confusion may reach by chance", "95 % interval of the share 10.7% to 20.7%",
    ),
    "label_accuracy": (
        {"count": 170, "n": 200, "value": 0.85, "baseline": 0.90, "comparison": "target",
         "effect_lo": -0.10, "effect_hi": -0.002},
        "170 of 200 items labelled right", "vs the target of 90%",
        "95 % interval of the difference -10.0 to -0.2 pts",
    ),
    "top_driver": (
        {"count": 120, "n": 2000, "metric": "pass_rate", "value": 0.765, "baseline": 0.79,
         "comparison": "without_theme", "effect_lo": -0.04, "effect_hi": -0.01},
        "120 of 2,000 items carry the theme", "vs 79% without the theme's items",
        "95 % interval of the impact -4.0 to -1.0 pts",
    ),
}  # fmt: skip
TYPES = list(dict.fromkeys([*FINDING_TYPES, "label_accuracy"]))


def test_every_finding_type_has_a_case():
    assert set(TYPES) == set(CASES)


@pytest.mark.parametrize("kind", TYPES)
def test_evidence_renders_counts_comparison_interval_and_cases(kind):
    fields, counts, comparison, interval = CASES[kind]
    row = finding(kind, **fields)
    assert counts_text(row) == counts
    assert comparison_text(row) == comparison
    assert interval_text(row) == interval
    out = evidence_html(row)
    for text in (counts, comparison, interval, "C-101", "C-102", "C-103", "“second quote”"):
        assert text.replace("'", "&#x27;") in out, text
    assert out.count("<li>") == 3


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"comparison": None, "baseline_n": NAN}, "vs 21% for the other macros"),
        ({"comparison": "other_macros", "baseline_n": 900}, "vs 21% of 900 audits of the other "
                                                            "macros"),
        ({"comparison": "same_queue", "queue": None, "baseline_n": 50},
         "vs 21% of 50 audits of the other macros in the same queue"),
        ({"baseline": NAN}, ""),
    ],
)  # fmt: skip
def test_comparison_reads_what_the_row_has(fields, expected):
    """Rows without the new columns (today's findings) still say their usual group."""
    row = finding("macro", **{"count": 8, "n": 20, "value": 0.4, "baseline": 0.21, **fields})
    assert comparison_text(row) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"baseline": 1, "baseline_count": 1}, "vs 1 report in the weeks before"),
        ({"baseline": 0, "baseline_count": NAN}, "vs 0 reports in the weeks before"),
        ({"baseline": NAN, "baseline_count": NAN}, ""),
    ],
)  # fmt: skip
def test_reports_before_are_counted_in_words(fields, expected):
    row = finding("technical_issue", count=52, comparison="earlier_weeks", **fields)
    assert comparison_text(row) == expected


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [(8.5, 1981.0, "×8.5 to ×1,981"), (2.0, math.inf, "×2.0 to no upper limit")],
)
def test_large_ratios_are_rounded(lo, hi, expected):
    row = finding("technical_issue", effect_lo=lo, effect_hi=hi)
    assert interval_text(row) == f"95 % interval of the rise {expected}"


@pytest.mark.parametrize(
    ("ids", "quotes", "expected"),
    [
        (["A1", "A2", "A3", "A4"], ["q1", "q2", "q3", "q4"], [("A1", "q1"), ("A2", "q2"),
                                                             ("A3", "q3")]),
        ([], ["q1"], [("", "q1")]),
        (["A1", "A2"], None, [("A1", ""), ("A2", "")]),
        (["A1", "A2"], ["q1"], [("A1", ""), ("A2", ""), ("", "q1")]),  # never mis-paired
        (None, float("nan"), []),
    ],
)  # fmt: skip
def test_example_cases_pair_ids_and_quotes_only_when_aligned(ids, quotes, expected):
    assert example_cases({"evidence_ids": ids, "evidence": quotes}) == expected


def test_missing_fields_give_no_evidence_not_an_error():
    assert evidence_html({"type": "macro"}) == ""
    assert interval_text(finding("macro", effect_lo=NAN, effect_hi=0.2)) == ""


@pytest.mark.parametrize("kind", TYPES)
def test_untrusted_ids_quotes_and_names_stay_escaped(kind):
    fields = {**CASES[kind][0], "queue": XSS, "team": XSS}
    out = evidence_html(finding(kind, **fields, evidence_ids=[XSS], evidence=[XSS]))
    assert "<script>" not in out and out.count(ESCAPED) >= 2


FAMILY = pd.DataFrame(
    {"type": ["macro", "coaching_need", "all"], "tested": [40, 1194, 1234],
     "clear": [3, 4, 7], "level": [0.05, 0.05, 0.05]}
)  # fmt: skip


@pytest.mark.parametrize(
    ("family", "expected"),
    [
        (FAMILY, "We tested 1,234 possible findings this month; 7 are clear."),
        (FAMILY.assign(clear=[1, 0, 1]), "We tested 1,234 possible findings this month; 1 is "
                                         "clear."),
        (FAMILY[FAMILY["type"] != "all"], ""),
        (pd.DataFrame(), ""),
    ],
)  # fmt: skip
def test_family_sentence_counts_the_tested_and_the_clear(family, expected):
    assert family_sentence(family) == expected


def test_clear_meaning_names_the_rule_and_the_number_tested():
    text = clear_meaning(FAMILY)
    assert "checking all 1,234 possible findings of the month together" in text
    assert "false-discovery rate 5%" in text and "smallest change worth acting on" in text
    assert "all the possible findings" in clear_meaning(None)
    assert "false-discovery rate 10%" in clear_meaning(FAMILY.assign(level=0.10))
