from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import test_macros

from rca.core.errors import ParameterError
from rca.findings.build import (
    FINDING_COLUMNS,
    FINDING_TYPES,
    build_findings,
    finding_score,
)
from rca.stats.coaching import COACHING_COLUMNS, coaching_needs
from rca.stats.macros import macro_report
from rca.stats.trends import share_changes
from rca.text.quotes import evidence_quotes

#: Sample data of seeds 0-2 (audits, ground truth), shared with test_macros.
sample = test_macros.sample

# -- score ---------------------------------------------------------------------------------------

BASE = {"size": 50, "effect": 0.1, "severity": 2, "significant": True}


@pytest.mark.parametrize(
    ("field", "more"),
    [("size", 500), ("effect", 0.2), ("effect", -0.2), ("severity", 3), ("significant", True)],
)
def test_score_grows_with_volume_strength_severity_and_significance(field, more):
    less = {**BASE, "significant": False} if field == "significant" else BASE
    assert finding_score(**{**less, field: more}) > finding_score(**less)


def test_score_formula_cap_and_missing_values():
    assert finding_score(**BASE, scale=0.1) == pytest.approx(np.log1p(50) * 1 * 2)
    capped = finding_score(50, np.inf, 2, True, scale=0.1)
    assert capped == finding_score(50, 10.0, 2, True, scale=0.1) == pytest.approx(np.log1p(50) * 6)
    assert finding_score(50, 0.1, 2, False, scale=0.1) == pytest.approx(np.log1p(50) * 2 / 4)
    assert finding_score([np.nan, 5], [0.1, np.nan], [2, 2], [True, True]).tolist() == [0, 0]


# -- findings from each input --------------------------------------------------------------------

MACROS = pd.DataFrame(
    {"macro_id": ["M-1", "M-2", "M-3"], "queue": ["payments"] * 3, "audits": [80, 80, 80],
     "failing": [40, 10, 12], "fail_rate": [0.5, 0.125, 0.15], "rest_fail_rate": [0.14, 0.3, 0.3],
     "excess_rate": [0.36, -0.175, -0.15], "excess_p": [1e-9, 0.01, 0.02],
     "excess_q": [1e-8, 0.02, 0.03], "worse_after": [True, False, False],
     "changed_after": ["2026-02-10"] * 3,
     "examples": [["uses the old form, mail jo@example.com"], [], []]}
)  # fmt: skip
ISSUES = pd.DataFrame(
    {"theme_label": ["Otp / sms", "Dark mode"], "status": ["new", "known"],
     "known_issue_id": [None, "KI-1"], "count_current": [60, 8], "count_previous": [0, 9],
     "rate_ratio": [np.inf, 0.9], "p_value": [1e-7, 0.8], "q_value": [1e-6, 0.9],
     "top_market": ["MY", "US"], "top_market_share": [0.95, 0.3],
     "root_cause": ["product.bug", "product.ux_confusion"]}
)  # fmt: skip
COACHING = pd.DataFrame(
    {"group_type": ["cohort"], "group": ["Team A, started 2026Q2"], "team": ["Team A"],
     "cohort_start": ["2026Q2"], "n": [133], "error_category": ["missed verification"],
     "count": [40], "share": [0.3], "rest_share": [0.03], "difference": [0.27],
     "diff_lo": [0.2], "diff_hi": [0.34], "p_value": [1e-20], "q_value": [1e-18]}
)  # fmt: skip
CALIBRATION = pd.DataFrame(
    {"auditor": ["a1", "a1", "a2", "a3"], "item": ["ALL", "tone", "ALL", "ALL"],
     "direction": ["lenient", "lenient", "in line", "strict"],
     "mean_deviation": [0.8, 1.0, 0.05, -0.4], "n": [300, 60, 280, 250],
     "p_value": [1e-9, 1e-5, 0.6, 0.01]}
)  # fmt: skip
AI = pd.DataFrame(
    {"gold": ["harassment", "spam", "scam"], "predicted": ["hate speech", "other", "spam"],
     "n": [80, 5, 1], "share": [0.33, 0.04, 0.5]}
)  # fmt: skip


def all_findings(**kw):
    return build_findings(macros=MACROS, tech_issues=ISSUES, coaching=COACHING,
                          calibration=CALIBRATION, ai_confusions=AI, **kw)  # fmt: skip


def test_table_shape_types_and_ranks():
    f = all_findings()
    assert list(f.columns) == list(FINDING_COLUMNS)
    assert set(f["type"]) <= set(FINDING_TYPES)
    assert f["rank"].tolist() == list(range(1, len(f) + 1))
    assert f["score"].is_monotonic_decreasing
    for _, part in f.groupby("type"):
        assert part["rank_in_type"].tolist() == list(range(1, len(part) + 1))
    assert f.iloc[0]["type"] in {"macro", "technical_issue"}
    assert f["finding_id"].is_unique
    assert f["evidence"].map(lambda e: isinstance(e, list) and len(e) <= 3).all()


def test_ids_are_stable_and_top_n_keeps_the_best():
    f, again = all_findings(), all_findings()
    pd.testing.assert_frame_equal(f, again)
    assert all_findings(top_n=3)["finding_id"].tolist() == f["finding_id"].head(3).tolist()
    assert (
        f.set_index("title")
        .loc[f.iloc[0]["title"], "finding_id"]
        .startswith({"macro": "MAC-", "technical_issue": "TI-"}[f.iloc[0]["type"]])
    )


def test_per_type_rules():
    f = all_findings()
    macros = f[f["type"] == "macro"]
    assert len(macros) == 1 and bool(macros.iloc[0]["worse_after"])
    assert macros.iloc[0]["changed_after"] == "2026-02-10"
    assert (
        macros.iloc[0]["severity"] == 3 and macros.iloc[0]["root_cause"] == "process.outdated_macro"
    )
    assert macros.iloc[0]["evidence"] == ["uses the old form, mail [EMAIL]"]
    issues = f[f["type"] == "technical_issue"].set_index("segment_value")
    assert issues.loc["MY", "issue_status"] == "new" and issues.loc["MY", "market"] == "MY"
    assert bool(issues.loc["MY", "significant"])
    assert issues.loc["all", "score"] == 0  # a falling known issue is no finding
    assert issues.loc["all", "severity"] == 2  # product.ux_confusion
    assert issues.loc["all", "market"] is None  # most reports are not from one market
    cal = f[f["type"] == "calibration_gap"]
    assert sorted(cal["auditor"]) == ["a1", "a3"]  # ALL rows, not "in line"
    assert set(cal["direction"]) == {"lenient", "strict"} and set(cal["item"]) == {"ALL"}
    assert (cal["severity"] == 1).all()
    ai = f[f["type"] == "ai_label_confusion"].set_index("gold_label")["significant"]
    assert ai.to_dict() == {"harassment": True, "spam": False, "scam": False}


NAN = float("nan")
#: Per type, the structured fields of its best finding in `all_findings` (NaN: not given).
STRUCTURED = [
    ("macro", {"segment_type": "macro", "segment_value": "M-1", "macro_id": "M-1",
               "queue": "payments", "metric": "fail_rate", "value": 0.5, "baseline": 0.14,
               "effect": 0.36, "effect_lo": NAN, "count": 40, "n": 80, "p": 1e-9,
               "changed_after": "2026-02-10", "agent": None, "gold_label": None,
               "test": "two-proportion z / Fisher", "comparison": "other_macros",
               "min_effect": 0.05, "baseline_count": 22, "baseline_n": 160}),
    ("technical_issue", {"segment_type": "market", "segment_value": "MY", "market": "MY",
                         "theme_label": "Otp / sms", "issue_status": "new",
                         "known_issue_id": None, "metric": "reports", "value": 60,
                         "baseline": 0, "effect": float("inf"), "count": 60, "p": 1e-7,
                         "test": "exact Poisson rate ratio", "comparison": "earlier_weeks",
                         "min_effect": 1.5, "baseline_count": 0, "baseline_n": NAN}),
    ("coaching_need", {"segment_type": "cohort", "segment_value": "Team A, started 2026Q2",
                       "group_type": "cohort", "group": "Team A, started 2026Q2",
                       "team": "Team A", "cohort": "2026Q2", "agent": None,
                       "error_category": "missed verification", "metric": "share",
                       "value": 0.3, "baseline": 0.03, "effect": 0.27, "effect_lo": 0.2,
                       "effect_hi": 0.34, "count": 40, "n": 133, "comparison": "rest",
                       "min_effect": 0.05, "baseline_count": NAN}),
    ("calibration_gap", {"segment_type": "auditor", "segment_value": "a1", "auditor": "a1",
                         "item": "ALL", "direction": "lenient", "metric": "rating",
                         "effect": 0.8, "count": 300, "n": 300, "p": 1e-9,
                         "comparison": "expert", "min_effect": 0.2, "baseline_n": NAN}),
    ("ai_label_confusion", {"segment_type": "gold_label", "segment_value": "harassment",
                            "gold_label": "harassment", "predicted_label": "hate speech",
                            "metric": "label_share", "value": 0.33, "effect": 0.33,
                            "count": 80, "n": 242, "baseline": 0.05, "comparison": "tolerance",
                            "test": "exact binomial vs tolerance", "min_effect": 0.1}),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "fields"), STRUCTURED, ids=[k for k, _ in STRUCTURED])
def test_each_type_has_its_structured_fields(kind, fields):
    row = all_findings().query("type == @kind").iloc[0]
    for name, expected in fields.items():
        if isinstance(expected, float) and np.isnan(expected):
            assert pd.isna(row[name]), name
        elif isinstance(expected, float):
            assert row[name] == pytest.approx(expected), name
        else:
            assert row[name] == expected, name
    if kind == "ai_label_confusion":  # the Wilson interval of the share
        assert row["effect_lo"] < row["value"] < row["effect_hi"]


def test_ids_keep_their_keys():
    """Ids hash the same keys as before findings became records: stable across the change."""
    ids = dict(zip(all_findings()["title"], all_findings()["finding_id"], strict=True))
    assert ids["Macro M-1 (payments)"] == "MAC-d791d795"
    assert ids["New issue: Otp / sms"] == "TI-c151678f"
    assert ids["Team A, started 2026Q2: missed verification"] == "CN-a4a8e71e"
    assert ids["Auditor a1: lenient"] == "CAL-c1784767"
    assert ids["AI labels harassment as hate speech"] == "AI-602102d2"


def test_columns_are_documented_and_unused_fields_are_missing():
    assert all(isinstance(v, str) and len(v) > 10 for v in FINDING_COLUMNS.values())
    f = build_findings(macros=MACROS)
    assert f["gold_label"].isna().all() and f["evidence_ids"].map(list).tolist() == [[]]
    ids = build_findings(macros=MACROS.assign(example_ids=[["A-1", "A-2"], [], []]))
    assert ids.loc[0, "evidence_ids"] == ["A-1", "A-2"]


def test_input_flags_override_and_unknown_causes_default():
    coaching = COACHING.assign(significant=False, root_cause="people.nonexistent")
    f = build_findings(coaching=coaching)
    assert not f.loc[0, "significant"] and f.loc[0, "severity"] == 2


def test_theme_changes_from_share_changes():
    df = pd.DataFrame({"month": ["a"] * 200 + ["b"] * 200,
                       "theme_id": [1] * 5 + [2] * 195 + [1] * 60 + [2] * 140,
                       "theme_label": ["Otp"] * 5 + ["Other"] * 195 + ["Otp"] * 60
                       + ["Other"] * 140})  # fmt: skip
    changes = share_changes(df, current="b", previous="a", segments=())
    f = build_findings(theme_changes=changes)
    assert f["type"].unique().tolist() == ["emerging_theme"]
    assert len(f) == 1 and f.loc[0, "theme_label"] == "Otp" and f.loc[0, "theme_id"] == 1
    assert f.loc[0, "value"] == pytest.approx(0.3) and f.loc[0, "baseline"] == 0.025
    assert f.loc[0, "segment_type"] == "all" and bool(f.loc[0, "significant"])
    assert f.loc[0, "effect"] == pytest.approx(0.275) and f.loc[0, "metric"] == "share"
    assert f.loc[0, "effect_lo"] < 0.275 < f.loc[0, "effect_hi"] and f.loc[0, "n"] == 200
    assert f.loc[0, "finding_id"] == "ET-7d1cffa2"  # hash of "emerging_theme|all|Otp"


def test_a_theme_growing_in_one_place_names_it():
    changes = pd.DataFrame(
        {"segment": ["market", "team"], "segment_value": ["MY", "Team Lynx"], "item": [1, 2],
         "label": ["Otp", "Refunds"], "count_current": [30, 12], "share_current": [0.33, 0.3],
         "share_previous": [0.05, 0.1], "difference": [0.28, 0.2], "q_value": [1e-3, 0.02]}
    )  # fmt: skip
    f = build_findings(theme_changes=changes).set_index("theme_label")
    assert f.loc["Otp", "market"] == "MY" and f.loc["Otp", "team"] is None
    assert f.loc["Refunds", "team"] == "Team Lynx" and f.loc["Refunds", "segment_type"] == "team"
    assert f.loc["Otp", "finding_id"] == "ET-ff4fe038"  # hash of "...|market=MY|Otp"


def test_no_inputs_and_bad_inputs():
    assert build_findings().empty and list(build_findings().columns) == list(FINDING_COLUMNS)
    with pytest.raises(ParameterError, match="mean_deviation"):
        build_findings(calibration=pd.DataFrame({"auditor": ["a"], "direction": ["lenient"]}))


def test_evidence_quotes_are_redacted_deduplicated_and_short():
    quotes = evidence_quotes([None, "", "Call +1 415 555 0132", "call +1 415 555 0132", "x" * 300,
                              "fourth"], n=3, max_chars=50)  # fmt: skip
    assert quotes[0] == "Call [PHONE]" and len(quotes) == 2 + 0 + 1
    assert len(quotes[1]) == 50 and quotes[1].endswith("…")


# -- coaching needs -------------------------------------------------------------------------------


def audits(groups: list[tuple[str, str, str, int, int]], month: str = "2026-03") -> pd.DataFrame:
    """Audits from (agent, team, start date, n, with 'tone' error); others 10 % 'notes'."""
    rows = []
    for agent, team, start, n, tone in groups:
        for i in range(n):
            error = "tone" if i < tone else ("notes" if i % 10 == 0 else None)
            rows.append({"audit_date": pd.Timestamp(f"{month}-10"), "agent": agent,
                         "team": team, "agent_start_date": pd.Timestamp(start),
                         "error_category": error,
                         "comment": f"{agent} {error} case {i}"})  # fmt: skip
    return pd.DataFrame(rows)


STAFF = [(f"old_{i}", "Team B", "2022-01-10", 40, 1) for i in range(8)]


def test_agent_and_cohort_needs():
    df = audits([*STAFF, ("new_1", "Team A", "2026-01-05", 30, 12),
                 ("new_2", "Team A", "2026-02-20", 30, 10)])  # fmt: skip
    c = coaching_needs(df, current="2026-03")
    assert list(c.columns) == list(COACHING_COLUMNS)
    assert (c["error_category"] == "tone").all() and (c["q_value"] < 0.05).all()
    cohort = c[c["group_type"] == "cohort"].iloc[0]
    assert cohort["group"] == "Team A, started 2026Q1" and cohort["agents"] == ["new_1", "new_2"]
    assert cohort["count"] == 22 and cohort["n"] == 60 and cohort["team"] == "Team A"
    assert cohort["cohort_start"] == "2026Q1"
    assert set(c.loc[c["group_type"] == "agent", "group"]) == {"new_1", "new_2"}
    assert all(q.startswith("new_") for q in cohort["examples"])


@pytest.mark.parametrize(
    ("groups", "kw"),
    [
        ([*STAFF, ("new_1", "Team A", "2026-01-05", 8, 6)], {"min_n": 10}),  # too few audits
        (STAFF, {}),  # nobody stands out
        ([*STAFF, ("new_1", "Team A", "2026-01-05", 30, 12)], {"current": "2026-04"}),  # no rows
    ],
    ids=["small-n", "none", "empty-month"],
)
def test_no_coaching_need(groups, kw):
    c = coaching_needs(audits(groups), **{"current": "2026-03", **kw})
    assert c.empty and list(c.columns) == list(COACHING_COLUMNS)


def test_single_agent_cohorts_are_not_cohorts():
    df = audits([*STAFF, ("new_1", "Team A", "2026-01-05", 30, 12)])
    c = coaching_needs(df, current="2026-03")
    assert c["group_type"].tolist() == ["agent"]


# -- sample data ----------------------------------------------------------------------------------


def test_planted_cohort_is_a_coaching_need_and_findings_lead_with_planted_causes(sample):
    df, truth = sample
    rc = next(c for c in truth["root_causes"] if c["type"] == "new_agent_cohort")
    c = coaching_needs(df, current=truth["months"][-1])
    mine = c[c["error_category"].isin(rc["error_categories"])]
    cohort = mine[mine["group_type"] == "cohort"]
    assert len(cohort) == 1 and set(cohort.iloc[0]["agents"]) == set(rc["segment"]["agents"])
    assert cohort.iloc[0]["team"] == rc["segment"]["team"]
    assert set(mine.loc[mine["group_type"] == "agent", "group"]) <= set(rc["segment"]["agents"])
    macro = next(x for x in truth["root_causes"] if x["type"] == "outdated_macro")
    m = macro_report(df, current=truth["months"][-1], previous=truth["months"][-2],
                     changed_after=f"{macro['first_month']}-01")  # fmt: skip
    f = build_findings(macros=m, coaching=c, top_n=5)
    assert f.iloc[0]["macro_id"] == macro["segment"]["macro"] and f.iloc[0]["queue"]
    need = f[f["type"] == "coaching_need"].iloc[0]
    assert need["group_type"] == "cohort" and need["team"] == rc["segment"]["team"]
    quarter = pd.Timestamp(min(rc["agent_start_dates"].values())).to_period("Q")
    assert need["cohort"] == str(quarter)


# -- top drivers (themes' impact on a KPI) -------------------------------------------------------


def impacts() -> pd.DataFrame:
    """`theme_impact` of 600 audits: theme 0 fails half the time, the others as the rest."""
    from rca.stats.impact import theme_impact

    rng = np.random.default_rng(3)
    theme = rng.choice([0, 1, 2, -1], size=600, p=[0.15, 0.25, 0.1, 0.5])
    passed = np.where(theme == 0, rng.random(600) < 0.5, rng.random(600) < 0.9)
    cause = np.where(theme == 0, "process.outdated_macro", "unmapped")
    labels = [f"T{t}" for t in theme]
    df = pd.DataFrame({"passed": passed, "theme_id": theme, "theme_label": labels,
                       "root_cause": cause})  # fmt: skip
    return theme_impact(df, "pass_rate")


def test_top_drivers_from_theme_impacts():
    table = impacts()
    f = build_findings(drivers=table.assign(examples=[["a quote jo@example.com"]] * len(table)))
    assert set(f["type"]) == {"top_driver"} and f["finding_id"].str.startswith("TD-").all()
    assert (f["harm"] > 0).all() and len(f) == (table["harm"] > 0).sum()
    top = f.iloc[0]
    row = table.set_index("theme_id").loc[0]
    assert top["theme_label"] == "T0" and bool(top["significant"]) and top["rank"] == 1
    assert (top["metric"], top["value"], top["baseline"]) == ("pass_rate", row["kpi_all"],
                                                              row["kpi_without"])  # fmt: skip
    assert top["effect"] == top["impact"] == pytest.approx(row["impact"])
    assert top["effect_lo"] < top["effect"] < top["effect_hi"] < 0
    assert (top["count"], top["n"]) == (row["n"], 600)
    assert top["root_cause"] == "process.outdated_macro" and top["severity"] == 3
    assert top["evidence"] == ["a quote [EMAIL]"]
    assert f["significant"].tolist() == table.loc[table["harm"] > 0, "driver"].tolist()


def test_findings_rank_by_impact_puts_clear_drivers_first():
    drivers = impacts()
    by_score = all_findings(drivers=drivers)
    by_impact = all_findings(drivers=drivers, rank_by="impact")
    assert set(by_score["finding_id"]) == set(by_impact["finding_id"])
    n = int((by_impact["type"] == "top_driver").sum())
    head = by_impact.head(n)
    assert (head["type"] == "top_driver").all()
    clear = head[head["significant"]]
    assert head["significant"].tolist() == sorted(head["significant"], reverse=True)
    assert clear["harm"].is_monotonic_decreasing
    assert by_impact["rank"].tolist() == list(range(1, len(by_impact) + 1))
    with pytest.raises(ParameterError, match="rank_by"):
        all_findings(rank_by="size")
