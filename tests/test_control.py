from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

import rca.stats.control_charts
from rca.core.errors import ParameterError
from rca.stats.control_charts import CHART_COLUMNS, RULES, p_chart

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

# Montgomery, Introduction to Statistical Quality Control (6th ed., 2009), Example 7.1 / Table 7.1:
# nonconforming orange-juice cans in 30 samples of n = 50. The NIST/SEMATECH e-Handbook's p-chart
# example (§6.3.3.2, misregistered chips on 30 wafers of 50) reports the same p̄ and limits.
ORANGE_JUICE = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22,
                8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]  # fmt: skip


def units(counts: Sequence[int], n: int | Sequence[int] = 50, group: str = "g") -> pd.DataFrame:
    """One row per unit: ``counts[i]`` true values out of ``n`` in period ``i + 1``."""
    sizes = [n] * len(counts) if isinstance(n, int) else list(n)
    rows = [
        {"team": group, "week": i + 1, "passed": j < k}
        for i, (k, m) in enumerate(zip(counts, sizes, strict=True))
        for j in range(m)
    ]
    return pd.DataFrame(rows, columns=["team", "week", "passed"])


def test_public_names() -> None:
    assert rca.stats.control_charts.__all__ == ["CHART_COLUMNS", "LIMITS", "RULES", "p_chart"]
    assert sorted(RULES) == [1, 2, 3, 4]


def test_orange_juice_trial_limits() -> None:
    chart = p_chart(units(ORANGE_JUICE))
    assert list(chart.columns) == ["team", "week", *CHART_COLUMNS]
    p_bar = 347 / 1500
    sigma = math.sqrt(p_bar * (1 - p_bar) / 50)
    assert chart["centre"].tolist() == pytest.approx([p_bar] * 30, abs=1e-12)
    assert chart["ucl"].tolist() == pytest.approx([p_bar + 3 * sigma] * 30, abs=1e-12)
    assert chart["lcl"].tolist() == pytest.approx([p_bar - 3 * sigma] * 30, abs=1e-12)
    # Published values: p̄ = 0.2313, UCL = 0.4102, LCL = 0.0524; samples 15 and 23 are out.
    row = chart.iloc[0]
    assert (row.centre, row.ucl, row.lcl) == pytest.approx((0.2313, 0.4102, 0.0524), abs=5e-5)
    assert chart.loc[chart["out_of_limits"], "week"].tolist() == [15, 23]
    assert chart["p"].tolist() == pytest.approx([k / 50 for k in ORANGE_JUICE], abs=1e-15)


def test_orange_juice_revised_limits_exclude_assignable_causes() -> None:
    # Montgomery drops samples 15 and 23 (assignable causes) and revises the limits:
    # p̄ = 0.2150, UCL = 0.3893, LCL = 0.0407; sample 21 then plots above the revised UCL.
    baseline = [w for w in range(1, 31) if w not in (15, 23)]
    chart = p_chart(units(ORANGE_JUICE), baseline=baseline)
    row = chart.iloc[0]
    assert row.centre == pytest.approx(301 / 1400, abs=1e-12)
    assert (row.centre, row.ucl, row.lcl) == pytest.approx((0.2150, 0.3893, 0.0407), abs=5e-5)
    assert chart.loc[chart["out_of_limits"], "week"].tolist() == [15, 21, 23]
    assert chart.loc[~chart["in_baseline"], "week"].tolist() == [15, 23]


def test_varying_sample_sizes_and_first_k_baseline() -> None:
    sizes = [40, 80, 120, 60, 100, 20]
    counts = [30, 64, 90, 30, 85, 19]
    chart = p_chart(units(counts, sizes), baseline=3)
    p_bar = (30 + 64 + 90) / (40 + 80 + 120)
    sigma = np.sqrt(p_bar * (1 - p_bar) / np.array(sizes))
    np.testing.assert_allclose(chart["centre"], p_bar, atol=1e-12)
    np.testing.assert_allclose(chart["ucl"], np.minimum(p_bar + 3 * sigma, 1), atol=1e-12)
    np.testing.assert_allclose(chart["lcl"], p_bar - 3 * sigma, atol=1e-12)
    np.testing.assert_allclose(chart["z"], (np.array(counts) / sizes - p_bar) / sigma, atol=1e-12)
    assert chart["ucl"].max() == 1.0  # clipped: n = 20 gives p̄ + 3σ > 1
    assert chart["in_baseline"].tolist() == [True] * 3 + [False] * 3
    assert chart.loc[chart["out_of_limits"], "week"].tolist() == [4]


def test_one_chart_per_group() -> None:
    df = pd.concat([units([40, 45, 50], 50, "a"), units([10, 12, 14], 50, "b")])
    chart = p_chart(df)
    assert chart["team"].tolist() == ["a"] * 3 + ["b"] * 3
    assert chart.groupby("team")["centre"].first().to_dict() == pytest.approx(
        {"a": 135 / 150, "b": 36 / 150}
    )


# --- run rules: each triggered by a constructed series, and not by a near miss --------------------

# Baseline: eleven periods of n = 100, alternating 49 / 51 passes and ending on the centre line,
# so p̄ = 0.5 and σ = 0.05 exactly; a count of 50 + 5z then plots at z. No run spans the baseline.
BASE = [49, 51] * 5 + [50]


def signals(tail: Sequence[int]) -> dict[int, tuple[int, ...]]:
    chart = p_chart(units(BASE + list(tail), 100), baseline=len(BASE))
    assert chart["centre"].iloc[0] == 0.5
    flagged = chart[chart["signal"]]
    return {int(w) - len(BASE): r for w, r in zip(flagged["week"], flagged["rules"], strict=True)}


@pytest.mark.parametrize(
    ("name", "tail", "expected"),
    [
        ("rule 1 above", [66], {1: (1,)}),
        ("rule 1 below", [34], {1: (1,)}),
        ("rule 1 near miss", [64], {}),
        ("rule 2", [52] * 9, {9: (2,)}),
        ("rule 2 continues", [52] * 10, {9: (2,), 10: (2,)}),
        ("rule 2 below", [48] * 9, {9: (2,)}),
        ("rule 2 near miss", [52] * 8 + [48], {}),
        ("rule 2 broken by the centre line", [52] * 4 + [50] + [52] * 4, {}),
        ("rule 3 up", [45, 46, 47, 48, 49, 51], {6: (3,)}),
        ("rule 3 down", [55, 54, 53, 52, 51, 49], {6: (3,)}),
        ("rule 3 near miss", [45, 46, 47, 48, 49, 49], {}),
        ("rule 4 consecutive", [61, 61], {1: (), 2: (4,)}),
        ("rule 4 with a gap", [61, 50, 61], {3: (4,)}),
        ("rule 4 below", [39, 50, 39], {3: (4,)}),
        ("rule 4 opposite sides", [61, 50, 39], {}),
        ("rule 4 too far apart", [61, 50, 50, 61], {}),
        ("rules 1 and 4 together", [61, 66], {2: (1, 4)}),
    ],
)
def test_run_rules(name: str, tail: list[int], expected: dict[int, tuple[int, ...]]) -> None:
    expected = {k: v for k, v in expected.items() if v}
    assert signals(tail) == expected, name


def test_stable_process_raises_few_false_alarms() -> None:
    rng = np.random.default_rng(3)
    teams, weeks, n = 20, 26, 80
    df = pd.DataFrame(
        {
            "team": np.repeat(np.arange(teams), weeks * n),
            "week": np.tile(np.repeat(np.arange(weeks), n), teams),
            "passed": rng.random(teams * weeks * n) < 0.85,
        }
    )
    chart = p_chart(df)
    assert chart["out_of_limits"].mean() < 0.02
    assert chart["signal"].mean() < 0.05


# --- degenerate inputs ----------------------------------------------------------------------------


def test_empty_input_gives_an_empty_chart() -> None:
    chart = p_chart(units([]))
    assert chart.empty and list(chart.columns) == ["team", "week", *CHART_COLUMNS]
    empty = pd.DataFrame({"team": [], "week": [], "passed": []})
    assert p_chart(empty).empty


def test_all_rows_identical() -> None:
    chart = p_chart(units([50, 50, 50, 50], 50))
    assert (chart["centre"] == 1).all() and (chart["ucl"] == 1).all() and (chart["lcl"] == 1).all()
    assert not chart["signal"].any() and (chart["z"] == 0).all()


def test_deviation_from_a_zero_centre_line_is_out_of_limits() -> None:
    chart = p_chart(units([0, 0, 0, 3], 50), baseline=3)
    assert chart["out_of_limits"].tolist() == [False, False, False, True]
    assert chart["z"].iloc[-1] == math.inf and chart["rules"].iloc[-1] == (1,)


def test_group_without_baseline_data_gets_no_limits() -> None:
    df = pd.concat([units([40, 41, 42], 50, "a"), units([10], 50, "b").assign(week=3)])
    chart = p_chart(df, baseline=2)
    late = chart[chart["team"] == "b"].iloc[0]
    assert math.isnan(late.centre) and math.isnan(late.ucl) and not late.signal


def test_missing_values_are_left_out() -> None:
    df = units([30, 30], 50)
    df["passed"] = df["passed"].astype("boolean")
    df.loc[df.index[:10], "passed"] = pd.NA
    chart = p_chart(df)
    assert chart["n"].tolist() == [40, 50]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"group": "queue"}, "queue"),
        ({"value": "score"}, "boolean or 0/1"),
        ({"baseline": 0}, "between 1 and 3"),
        ({"baseline": 4}, "between 1 and 3"),
        ({"baseline": True}, "int or a list"),
        ({"baseline": "1"}, "int or a list"),
        ({"baseline": [9]}, "names no period"),
        ({"period": "team"}, "three different columns"),
    ],
)
def test_bad_parameters(kwargs: dict[str, Any], message: str) -> None:
    df = units([30, 31, 32]).assign(score=[87.5] * 150)
    with pytest.raises(ParameterError, match=message):
        p_chart(df, **kwargs)


@pytest.mark.parametrize("labels", [["2026-05", "2026-06", "2026-07"], ["w1", "w2", "w3"]])
def test_period_labels_sort_in_time_order(labels: list[Hashable]) -> None:
    df = units([10, 20, 30])
    df["week"] = df["week"].map(dict(zip([3, 1, 2], labels, strict=True)))
    chart = p_chart(df)
    assert chart["week"].tolist() == labels
    assert chart["count"].tolist() == [30, 10, 20]


# --- Phase II: limits from baseline periods before the judged ones ------------------------------

# Eight baseline weeks at 90 % of n = 100 (σ = 0.03, LCL = 0.81), then four judged weeks at 80 %:
# a planted shift of -10 points.
SHIFT_BASE, SHIFT = [90] * 8, [80] * 4


def test_baseline_limits_exclude_the_judged_weeks_and_catch_the_shift() -> None:
    chart = p_chart(units(SHIFT_BASE + SHIFT, 100), judged=[9, 10, 11, 12])
    assert chart["centre"].tolist() == pytest.approx([0.9] * 12, abs=1e-12)
    assert chart["lcl"].iloc[0] == pytest.approx(0.9 - 3 * math.sqrt(0.09 / 100), abs=1e-12)
    assert chart.loc[chart["in_baseline"], "week"].tolist() == list(range(1, 9))
    assert chart.loc[chart["judged"], "week"].tolist() == [9, 10, 11, 12]
    assert set(chart["limits"]) == {"baseline"} and set(chart["baseline_periods"]) == {8}
    assert chart.loc[chart["signal"], "week"].tolist() == [9, 10, 11, 12]
    assert all(1 in r for r in chart.loc[chart["judged"], "rules"])
    # The old computation pooled the judged weeks into the centre line (p̄ = 0.8667, LCL =
    # 0.7648): the shift dilutes its own limits and no judged week signals.
    pooled = p_chart(units(SHIFT_BASE + SHIFT, 100))
    assert pooled["centre"].iloc[0] == pytest.approx((8 * 90 + 4 * 80) / 1200, abs=1e-12)
    assert not pooled.loc[pooled["week"] > 8, "signal"].any()


def test_only_judged_points_signal_and_runs_may_start_in_the_baseline() -> None:
    # Baseline: 7 weeks at 49 then 7 at 51 of n = 100 (p̄ = 0.5, σ = 0.05); two judged weeks at
    # 51: nine in a row above the centre (rule 2) completes at the second judged week, a run
    # that began in the baseline; the baseline's own points are never flagged.
    counts = [49] * 7 + [51] * 9
    chart = p_chart(units(counts, 100), judged=[15, 16])
    assert chart["centre"].iloc[0] == 0.5
    assert chart.loc[chart["signal"], "week"].tolist() == [16]
    assert chart.loc[chart["signal"], "rules"].tolist() == [(2,)]
    assert not chart.loc[~chart["judged"], "signal"].any()
    assert (chart.loc[~chart["judged"], "rules"] == ()).all()
    # Weeks between the baseline and the judged weeks are neither, and left out of the chart.
    gap = p_chart(units(counts, 100), baseline=list(range(1, 13)), judged=[16])
    assert gap["week"].tolist() == [*range(1, 13), 16]


def test_too_few_baseline_periods_fall_back_to_trial_limits() -> None:
    b = units([90, 80, 80, 80, 80], 100, "b")
    b["week"] += 7  # one baseline week (8) before the judged weeks 9-12
    df = pd.concat([units(SHIFT_BASE + SHIFT, 100, "a"), b])
    chart = p_chart(df, judged=[9, 10, 11, 12], min_baseline=4)
    a, b = chart[chart["team"] == "a"], chart[chart["team"] == "b"]
    assert set(a["limits"]) == {"baseline"} and set(a["baseline_periods"]) == {8}
    assert set(b["limits"]) == {"trial"} and set(b["baseline_periods"]) == {5}
    assert b["in_baseline"].all()
    assert b["centre"].iloc[0] == pytest.approx((90 + 4 * 80) / 500, abs=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"judged": [9], "baseline": [8, 9]}, "before the judged"),
        ({"judged": [99]}, "judged names no period"),
        ({"judged": 9}, "list of periods"),
        ({"judged": [9], "min_baseline": 0}, "min_baseline"),
    ],
)
def test_bad_phase_two_parameters(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        p_chart(units(SHIFT_BASE + SHIFT, 100), **kwargs)
