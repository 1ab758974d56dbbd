"""One false-discovery family over everything a month's analysis calls clear."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from rca.findings.build import FAMILY_LEVEL, MIN_EFFECT, build_findings
from rca.findings.family import FAMILY_TABLES, FAMILY_TYPES, build_family, family_counts
from rca.stats.kpis import KPI_CHANGE_COLUMNS, kpi_changes


def themes(p, difference=0.05, n=1):
    """``n`` theme-change rows (one theme each), all with p-value ``p`` and ``difference``."""
    return pd.DataFrame(
        {"segment": "all", "segment_value": "all", "item": range(n),
         "label": [f"T{i}" for i in range(n)], "n_current": 500, "n_previous": 500,
         "count_current": 60, "count_previous": 35, "share_current": 0.12,
         "share_previous": 0.12 - difference, "difference": difference, "test": "z",
         "p_value": p, "q_value": p}
    )  # fmt: skip


def coaching(p, difference):
    return pd.DataFrame(
        {"group_type": ["agent"], "group": ["ag-1"], "n": [100], "error_category": ["tone"],
         "count": [30], "share": [0.1 + difference], "rest_share": [0.1],
         "difference": [difference], "p_value": [p], "q_value": [p]}
    )  # fmt: skip


def macros(p_excess, excess, *, p_after=np.nan, after=0.0):
    return pd.DataFrame(
        {"macro_id": ["M-1", "M-2"], "queue": ["q", "q"], "audits": [100, 300],
         "failing": [40, 60], "fail_rate": [0.4, 0.2], "rest_fail_rate": [0.4 - excess, 0.25],
         "excess_rate": [excess, -0.05], "excess_p": [p_excess, 0.5], "excess_q": [p_excess, 0.5],
         "previous_audits": [100, 300], "previous_fail_rate": [0.4, 0.2], "change": [0.0, 0.0],
         "change_p": [1.0, 1.0], "before_fail_rate": [0.4 - after, 0.2],
         "after_fail_rate": [0.4, 0.2], "after_p": [p_after, np.nan], "worse_after": False,
         "changed_after": ["2026-02-01", None]}
    )  # fmt: skip


def calibration(p, deviation, item="ALL"):
    return pd.DataFrame(
        {"auditor": ["a1"], "item": [item], "direction": ["lenient"],
         "mean_deviation": [deviation], "n": [40], "p_value": [p]}
    )  # fmt: skip


def ai_pairs(p, share):
    return pd.DataFrame(
        {"gold": ["scam"], "predicted": ["spam"], "n": [int(share * 400)], "share": [share],
         "support": [400], "tolerance": [0.05], "p_value": [p]}
    )  # fmt: skip


def accuracy(p, acc):
    return pd.DataFrame(
        {"n": [500], "correct": [int(acc * 500)], "accuracy": [acc], "ci_lo": [acc - 0.03],
         "ci_hi": [acc + 0.03], "target": [0.9], "p_below_target": [p]}
    )  # fmt: skip


def issues(p, ratio):
    return pd.DataFrame(
        {"theme_label": ["Login"], "status": ["new"], "known_issue_id": [None],
         "count_current": [30], "count_previous": [10], "rate_ratio": [ratio], "p_value": [p],
         "q_value": [p], "top_market": ["MY"], "top_market_share": [0.9]}
    )  # fmt: skip


#: Per type: build_findings keyword, table maker (p, effect), a clear harmful effect, one in the
#: harmless direction, one below MIN_EFFECT.
TYPES = [
    ("emerging_theme", "theme_changes", lambda p, e: themes(p, e), 0.05, -0.05, 0.005),
    ("macro", "macros", macros, 0.2, -0.2, 0.03),
    ("coaching_need", "coaching", coaching, 0.2, -0.2, 0.03),
    ("technical_issue", "tech_issues", issues, 3.0, 0.3, 1.2),
    ("calibration_gap", "calibration", calibration, 0.5, None, 0.1),  # both directions harm
    ("ai_label_confusion", "ai_confusions", ai_pairs, 0.3, 0.02, 0.08),
    ("label_accuracy", "ai_accuracy", accuracy, 0.8, 0.95, 0.89),
]


def only(kind, findings):
    return findings[findings["type"] == kind]


#: (p, which effect, clear?) per condition; a calibration gap has no harmless direction.
CONDITIONS = {
    "all three": (1e-6, 3, True),
    "q too high": (0.2, 3, False),
    "harmless direction": (1e-6, 4, False),
    "below min effect": (1e-6, 5, False),
}
CASES = [
    pytest.param(t[0], t[1], t[2], p, t[i], clear, id=f"{t[0]}-{name}")
    for t in TYPES for name, (p, i, clear) in CONDITIONS.items() if t[i] is not None
]  # fmt: skip


@pytest.mark.parametrize(("kind", "kw", "make", "p", "value", "clear"), CASES)
def test_clear_needs_all_three_conditions(kind, kw, make, p, value, clear):
    f = only(kind, build_findings(**{kw: make(p, value)}))
    assert len(f) <= 1  # the table's one candidate (a harmless macro is none)
    assert bool(len(f) and f["significant"].all()) is clear


def test_family_q_is_bh_over_the_concatenated_p_values():
    """Plumbing test of our bookkeeping: the family's q is statsmodels' fdr_bh over every
    tested p-value of every table (macros three times: excess, change, after), NaN left out.
    """
    tables = {
        "theme_changes": themes(np.linspace(0.001, 0.9, 5), n=5),
        "macros": macros(1e-4, 0.2, p_after=0.03, after=0.1),
        "coaching": coaching(0.01, 0.1), "auditor_deviation": calibration(0.02, 0.3),
        "ai_confused_pairs": ai_pairs(0.04, 0.2), "ai_accuracy": accuracy(0.3, 0.88),
        "tech_issues": issues(np.nan, 2.0),  # untested: not in the family
    }  # fmt: skip
    family = build_family(tables)
    m = tables["macros"]
    p = np.concatenate([
        tables["theme_changes"]["p_value"], m["excess_p"], m["change_p"], m["after_p"].dropna(),
        [0.01, 0.02, 0.04, 0.3],
    ])  # fmt: skip
    expected = multipletests(p, method="fdr_bh")[1]
    assert len(family.tests) == len(p)
    np.testing.assert_allclose(np.sort(family.tests["q"]), np.sort(expected))
    got = family.tables["theme_changes"]["family_q"].to_numpy()
    np.testing.assert_allclose(got, expected[:5])
    assert family.tables["macros"]["after_family_q"].iloc[0] == pytest.approx(expected[-5])
    assert family.tables["coaching"]["family_q"].iloc[0] == pytest.approx(expected[-4])


def test_a_big_effect_among_many_null_tests_is_still_clear():
    rng = np.random.default_rng(0)
    noise = themes(rng.uniform(0, 1, 200), difference=0.05, n=200)
    f = build_findings(theme_changes=noise, coaching=coaching(1e-12, 0.2))
    assert bool(only("coaching_need", f)["significant"].iloc[0])
    assert only("coaching_need", f)["q"].iloc[0] < 1e-9


def test_p_004_alone_among_200_tests_is_not_clear():
    rest = themes(np.full(199, 0.5), n=199)
    f = build_findings(theme_changes=rest, coaching=coaching(0.04, 0.2))
    row = only("coaching_need", f).iloc[0]
    assert row["p"] == 0.04 and row["q"] > FAMILY_LEVEL and not row["significant"]
    alone = only("coaching_need", build_findings(coaching=coaching(0.04, 0.2))).iloc[0]
    assert alone["q"] == pytest.approx(0.04) and alone["significant"]  # a family of one


def test_top_drivers_stay_outside_the_family():
    drivers = pd.DataFrame(
        {"kpi": ["pass_rate"], "theme_id": [3], "theme_label": ["Refunds"], "n": [50],
         "n_all": [500], "kpi_all": [0.8], "kpi_without": [0.85], "impact": [-0.05],
         "harm": [0.05], "p_value": [1e-5], "q_value": [1e-4], "driver": [True]}
    )  # fmt: skip
    alone = build_findings(coaching=coaching(0.03, 0.1))
    both = build_findings(coaching=coaching(0.03, 0.1), drivers=drivers)
    assert only("coaching_need", both)["q"].iloc[0] == only("coaching_need", alone)["q"].iloc[0]
    driver = only("top_driver", both).iloc[0]
    assert driver["q"] == 1e-4 and driver["significant"] and pd.isna(driver["min_effect"])


def test_finding_family_counts_tests_and_clear_ones_per_type():
    family = build_family({
        "theme_changes": themes([1e-8, 0.5, np.nan], n=3), "coaching": coaching(1e-8, 0.2),
        "kpi_changes": pd.DataFrame({"kpi": ["pass_rate", "mean_score"], "difference": [-0.05, 0.2],
                                     "p_value": [1e-9, 0.4]}),
    })  # fmt: skip
    counts = family_counts(family.tests).set_index("type")
    assert list(counts.index) == [*FAMILY_TYPES, "all"]
    assert counts.loc["emerging_theme", ["tested", "clear"]].tolist() == [2, 1]
    assert counts.loc["coaching_need", ["tested", "clear"]].tolist() == [1, 1]
    assert counts.loc["kpi_change", ["tested", "clear"]].tolist() == [2, 1]
    assert counts.loc["macro", ["tested", "clear"]].tolist() == [0, 0]
    assert counts.loc["all", ["tested", "clear"]].tolist() == [5, 3]
    assert (counts["level"] == FAMILY_LEVEL).all()
    kpis = family.tables["kpi_changes"]
    assert kpis["verdict"].tolist() == ["worse", "about the same"]
    assert kpis["clear"].tolist() == [True, False] and "q_value" in kpis


def test_tables_get_the_family_verdict_written_back():
    policy = pd.DataFrame({"policy": ["P1", "P1"], "theme_id": [1, 2], "difference": [0.2, -0.2],
                           "p_value": [1e-9, 1e-9], "q_value": [1e-9, 1e-9],
                           "stands_out": [True, False]})  # fmt: skip
    family = build_family({
        "macros": macros(0.5, 0.01, p_after=1e-8, after=0.2), "policy_themes": policy,
        "auditor_deviation": calibration(0.2, 0.25),
        "tech_issues": issues(1e-9, 3.0).assign(trend="rising"),
    })  # fmt: skip
    t = family.tables
    assert t["macros"][["after_clear", "worse_after", "clear"]].iloc[0].tolist() == [
        True, True, False,
    ]  # fmt: skip
    assert t["policy_themes"]["clear"].tolist() == [True, True]  # both directions are clear
    assert t["policy_themes"]["stands_out"].tolist() == [True, False]  # only the rise stands out
    assert t["auditor_deviation"]["direction"].iloc[0] == "in line"  # not clear: q >= 0.2
    assert t["tech_issues"]["trend"].iloc[0] == "rising"
    assert set(FAMILY_TABLES) >= set(t)


def test_a_macro_rests_on_its_after_test_when_only_that_is_clear():
    f = only("macro", build_findings(macros=macros(0.5, 0.01, p_after=1e-8, after=0.2)))
    row = f.set_index("macro_id").loc["M-1"]
    assert row["comparison"] == "before_change" and row["significant"]
    assert row["effect"] == pytest.approx(0.2) and row["p"] == 1e-8 and bool(row["worse_after"])
    excess = only("macro", build_findings(macros=macros(1e-9, 0.2))).set_index("macro_id")
    assert excess.loc["M-1", "comparison"] == "other_macros"
    # the other macros of the table: 60 failing of 300 audits
    assert excess.loc["M-1", ["baseline_count", "baseline_n"]].tolist() == [60, 300]


@pytest.mark.parametrize(
    ("all_p", "item_p", "items"),
    [(1e-9, 1e-9, {"ALL"}), (0.5, 1e-9, {"ALL", "tone"}), (0.5, 0.5, {"ALL"})],
    ids=["ALL clear stands for its items", "a clear item alone is a finding", "nothing clear"],
)
def test_calibration_items_become_findings_when_the_overall_gap_is_not_clear(all_p, item_p, items):
    table = pd.concat([calibration(all_p, 0.3), calibration(item_p, 0.6, item="tone")])
    f = only("calibration_gap", build_findings(calibration=table.reset_index(drop=True)))
    assert set(f["item"]) == items


def test_findings_from_tables_without_the_new_columns_still_build():
    """Today's tables: AI pairs without a test (tested here, exact binomial vs 5 %), accuracy
    without p_below_target (tested here), calibration without unit, policy themes without p."""
    pairs = pd.DataFrame({"gold": ["a", "b"], "predicted": ["b", "a"], "n": [60, 3],
                          "share": [0.3, 0.03]})  # fmt: skip
    acc = pd.DataFrame({"n": [400], "correct": [320], "accuracy": [0.8], "target": [0.9]})
    policy = pd.DataFrame({"policy": ["P"], "theme_id": [1], "difference": [0.3],
                           "q_value": [1e-9], "stands_out": [True]})  # fmt: skip
    f = build_findings(ai_confusions=pairs, ai_accuracy=acc, policy_themes=policy,
                       calibration=calibration(1e-9, 0.5).drop(columns="p_value"))  # fmt: skip
    ai = only("ai_label_confusion", f).set_index("gold_label")
    assert ai.loc["a", "p"] == pytest.approx(stats.binomtest(60, 200, 0.05, "greater").pvalue)
    assert ai["significant"].to_dict() == {"a": True, "b": False}
    la = only("label_accuracy", f).iloc[0]
    assert la["p"] == pytest.approx(stats.binomtest(320, 400, 0.9, "less").pvalue)
    assert (
        la["significant"] and la["effect"] == pytest.approx(-0.1) and la["comparison"] == "target"
    )
    cal = only("calibration_gap", f).iloc[0]  # untested: a finding, never clear
    assert pd.isna(cal["q"]) and not cal["significant"]
    assert MIN_EFFECT["label_accuracy"] == 0.02


# -- kpi_changes against independent implementations ---------------------------------------------


def kpi_frame():
    rng = np.random.default_rng(3)
    now = pd.DataFrame(
        {
            "month": "2026-02",
            "passed": np.r_[np.ones(56), np.zeros(14)] > 0,
            "score": rng.normal(88, 6, 70),
            "critical_error": np.arange(70) < 2,
        }
    )
    before = pd.DataFrame(
        {
            "month": "2026-01",
            "passed": np.r_[np.ones(48), np.zeros(32)] > 0,
            "score": rng.normal(86, 9, 80),
            "critical_error": np.arange(80) < 6,
        }
    )
    feedback = pd.DataFrame(
        {
            "month": ["2026-02"] * 30 + ["2026-01"] * 25,
            "rating": np.r_[rng.integers(1, 6, 30), rng.integers(2, 6, 25)],
        }
    )
    return pd.concat([now, before], ignore_index=True), feedback  # fmt: skip


def test_kpi_changes_match_statsmodels_scipy_and_newcombe():
    """Rates: pooled two-proportion z (statsmodels proportions_ztest, another implementation of
    the score test without correction), Fisher (scipy) when expected counts are small, and
    Newcombe (1998, Stat Med 17:873, Table II, method 10): 56/70 vs 48/80 gives 0.0524 to
    0.3339. Means: Welch t p and interval from statsmodels' CompareMeans."""
    audits, feedback = kpi_frame()
    out = kpi_changes(audits, current="2026-02", previous="2026-01", feedback=feedback)
    assert list(out.columns) == list(KPI_CHANGE_COLUMNS)
    k = out.set_index("kpi")
    _, p = proportions_ztest([56, 48], [70, 80])
    assert k.loc["pass_rate", "p_value"] == pytest.approx(p)
    assert k.loc["pass_rate", "test"] == "two-proportion z"
    assert k.loc["pass_rate", ["diff_lo", "diff_hi"]].tolist() == pytest.approx(
        [0.0524, 0.3339], abs=1e-4
    )
    assert k.loc["critical_rate", "test"] == "Fisher exact"
    assert k.loc["critical_rate", "p_value"] == pytest.approx(
        stats.fisher_exact([[2, 68], [6, 74]]).pvalue
    )
    for kpi, frame, col in (("mean_score", audits, "score"), ("mean_rating", feedback, "rating")):
        a = frame.loc[frame["month"] == "2026-02", col].astype(float)
        b = frame.loc[frame["month"] == "2026-01", col].astype(float)
        cm = CompareMeans(DescrStatsW(a), DescrStatsW(b))
        _, p, _ = cm.ttest_ind(usevar="unequal")
        assert k.loc[kpi, "p_value"] == pytest.approx(p) and k.loc[kpi, "test"] == "Welch t"
        assert [k.loc[kpi, "diff_lo"], k.loc[kpi, "diff_hi"]] == pytest.approx(
            list(cm.tconfint_diff(usevar="unequal"))
        )
        assert k.loc[kpi, "difference"] == pytest.approx(a.mean() - b.mean())


def test_kpi_changes_leave_missing_kpis_untested():
    audits, _ = kpi_frame()
    out = kpi_changes(audits.drop(columns="score"), current="2026-02", previous="2026-01")
    k = out.set_index("kpi")
    assert k.loc["mean_score", "test"] == "not tested" and pd.isna(k.loc["mean_score", "p_value"])
    assert k.loc["mean_rating", "n_current"] == 0
