from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.stats import beta, fisher_exact, norm
from statsmodels.stats import rates
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

import rca.stats.trends
from rca.core.errors import NotEnoughDataError, ParameterError
from rca.sample import generate_sample
from rca.stats.kpis import add_period
from rca.stats.primitives import rate_change_poisson, wilson_interval
from rca.stats.trends import (
    CHANGE_COLUMNS,
    emerging_themes,
    fading_themes,
    share_changes,
)

# Any RuntimeWarning (division by zero, invalid value) is a bug here.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def frame(spec: dict[tuple[str, str, str | None], int], **extra: str) -> pd.DataFrame:
    """Rows from {(period, segment value, item): count}; ``None`` items are rows without one."""
    rows = [
        {"month": m, "queue": q, "item": i, **extra}
        for (m, q, i), k in spec.items()
        for _ in range(k)
    ]
    return pd.DataFrame(rows)


def bh(p: list[float] | np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg step-up q-values, written from the paper: q_(i) = min_{j>=i} p_(j) m/j."""
    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p)
    q_sorted = np.empty(m)
    running = 1.0
    for rank in range(m, 0, -1):
        running = min(running, p[order[rank - 1]] * m / rank)
        q_sorted[rank - 1] = running
    q = np.empty(m)
    q[order] = q_sorted
    return q


def pooled_z(c1: float, n1: float, c0: float, n0: float) -> float:
    pooled = (c1 + c0) / (n1 + n0)
    z = (c1 / n1 - c0 / n0) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    return 2 * norm.sf(abs(z))


@pytest.fixture(scope="module")
def mixed() -> pd.DataFrame:
    """Two queues, items with large counts (z-test), small counts (Fisher) and a small segment."""
    spec = {
        ("2026-09", "payments", "A"): 60, ("2026-09", "payments", "B"): 25,
        ("2026-09", "payments", "C"): 3, ("2026-09", "payments", None): 112,
        ("2026-08", "payments", "A"): 40, ("2026-08", "payments", "B"): 30,
        ("2026-08", "payments", "C"): 0, ("2026-08", "payments", None): 130,
        ("2026-09", "access", "A"): 30, ("2026-09", "access", "B"): 5,
        ("2026-09", "access", None): 65,
        ("2026-08", "access", "A"): 20, ("2026-08", "access", "B"): 15,
        ("2026-08", "access", None): 85,
        ("2026-09", "tiny", "A"): 5, ("2026-08", "tiny", "A"): 2, ("2026-08", "tiny", None): 10,
    }  # fmt: skip
    return frame(spec)


@pytest.fixture(scope="module")
def mixed_changes(mixed: pd.DataFrame) -> pd.DataFrame:
    return share_changes(
        mixed, item="item", current="2026-09", previous="2026-08", segments=("queue",)
    )


def test_public_names() -> None:
    assert rca.stats.trends.__all__ == [
        "ALL", "CHANGE_COLUMNS", "emerging_themes", "fading_themes", "group_vs_rest",
        "share_changes",
    ]  # fmt: skip


# --- statistics against independent references ----------------------------------------------------


def test_counts_shares_and_ratio(mixed_changes: pd.DataFrame) -> None:
    assert list(mixed_changes.columns) == list(CHANGE_COLUMNS)
    row = mixed_changes.set_index(["segment_value", "item"]).loc[("payments", "A")]
    assert (row.n_current, row.n_previous, row.count_current, row.count_previous) == (
        200, 200, 60, 40,
    )  # fmt: skip
    assert row.share_current == 0.3 and row.share_previous == 0.2
    assert row.difference == pytest.approx(0.1, abs=1e-12)
    assert row.risk_ratio == pytest.approx(1.5, abs=1e-12)
    assert row.direction == "up" and row.test == "z"
    all_a = mixed_changes.set_index(["segment", "item"]).loc[("all", "A")]
    assert (all_a.n_current, all_a.count_current) == (305, 95)


def test_z_test_matches_formula_and_statsmodels(mixed_changes: pd.DataFrame) -> None:
    z_rows = mixed_changes[mixed_changes["test"] == "z"]
    assert len(z_rows) >= 5
    for r in z_rows.itertuples():
        args = (r.count_current, r.n_current, r.count_previous, r.n_previous)
        assert r.p_value == pytest.approx(pooled_z(*args), abs=1e-9)
        _, p_sm = proportions_ztest(
            [r.count_current, r.count_previous], [r.n_current, r.n_previous]
        )
        assert r.p_value == pytest.approx(p_sm, abs=1e-9)


def test_fisher_where_an_expected_count_is_small(mixed_changes: pd.DataFrame) -> None:
    exact = mixed_changes[mixed_changes["test"] == "fisher"]
    assert set(exact["item"]) == {"C"}  # 3 vs 0 of 200: expected count 1.5
    for r in exact.itertuples():
        table = [
            [r.count_current, r.n_current - r.count_current],
            [r.count_previous, r.n_previous - r.count_previous],
        ]
        assert r.p_value == pytest.approx(fisher_exact(table).pvalue, abs=1e-12)
        assert r.risk_ratio == math.inf and r.share_previous == 0


def test_bh_reference_implementation_on_the_classic_example() -> None:
    p = [0.01, 0.04, 0.03, 0.005]
    np.testing.assert_allclose(bh(p), [0.02, 0.04, 0.04, 0.02], atol=1e-12)
    np.testing.assert_allclose(multipletests(p, method="fdr_bh")[1], bh(p), atol=1e-12)


def test_q_values_are_bh_over_all_tested_rows(mixed_changes: pd.DataFrame) -> None:
    tested = mixed_changes[~mixed_changes["small_n"]]
    np.testing.assert_allclose(tested["q_value"], bh(tested["p_value"].to_numpy()), atol=1e-12)
    sm = multipletests(tested["p_value"], method="fdr_bh")[1]
    np.testing.assert_allclose(tested["q_value"], sm, atol=1e-12)


def test_small_segments_are_reported_but_not_tested(mixed_changes: pd.DataFrame) -> None:
    tiny = mixed_changes[mixed_changes["segment_value"] == "tiny"]
    assert len(tiny) == 1 and tiny["small_n"].all()
    assert (tiny["test"] == "not tested").all()
    assert tiny["p_value"].isna().all() and tiny["q_value"].isna().all()
    assert tiny["diff_lo"].notna().all()  # the interval is still shown
    assert (
        mixed_changes.index[mixed_changes["small_n"]].min()
        > mixed_changes.index[~mixed_changes["small_n"]].max()
    )  # sorted last


def test_sorted_by_q_then_absolute_difference(mixed_changes: pd.DataFrame) -> None:
    tested = mixed_changes[~mixed_changes["small_n"]]
    keys = list(zip(tested["q_value"], -tested["difference"].abs(), strict=True))
    assert keys == sorted(keys)


def newcombe(c1: int, n1: int, c0: int, n0: int) -> tuple[float, float]:
    """Newcombe's method 10, built by hand from Wilson intervals
    (rca.stats.primitives.wilson_interval)."""
    (l1,), (u1,) = wilson_interval(c1, n1)
    (l0,), (u0,) = wilson_interval(c0, n0)
    p1, p0 = c1 / n1, c0 / n0
    d = p1 - p0
    return d - math.hypot(p1 - l1, u0 - p0), d + math.hypot(u1 - p1, p0 - l0)


def test_interval_matches_newcombe_by_hand(mixed_changes: pd.DataFrame) -> None:
    for r in mixed_changes.itertuples():
        lo, hi = newcombe(r.count_current, r.n_current, r.count_previous, r.n_previous)
        assert (r.diff_lo, r.diff_hi) == pytest.approx((lo, hi), abs=1e-9)


def test_interval_matches_newcombes_published_example() -> None:
    # Newcombe (1998), Stat Med 17:873, Table II example (a): 56/70 vs 48/80, method 10.
    df = frame(
        {("b", "q", "x"): 56, ("b", "q", None): 14, ("a", "q", "x"): 48, ("a", "q", None): 32}
    )
    out = share_changes(df, item="item", current="b", previous="a", segments=())
    assert out.loc[0, ["diff_lo", "diff_hi"]].tolist() == pytest.approx([0.0524, 0.3339], abs=5e-5)


def test_interval_coverage_on_simulated_data() -> None:
    rng = np.random.default_rng(1)
    sims, n = 3000, 120
    p_prev = rng.uniform(0.02, 0.5, sims)
    p_cur = np.clip(p_prev + rng.uniform(-0.1, 0.1, sims), 0.01, 0.99)
    seg = np.repeat(np.arange(sims), n)
    hit = rng.random(2 * sims * n) < np.concatenate([np.repeat(p_cur, n), np.repeat(p_prev, n)])
    df = pd.DataFrame(
        {
            "seg": np.concatenate([seg, seg]),
            "month": np.repeat(["cur", "prev"], sims * n),
            "item": np.where(hit, "hit", None),
        }
    )
    start = time.perf_counter()
    out = share_changes(df, item="item", current="cur", previous="prev", segments=("seg",))
    assert time.perf_counter() - start < 10
    rows = out[out["segment"] == "seg"].set_index("segment_value").sort_index()
    truth = (p_cur - p_prev)[rows.index.to_numpy(int)]
    covered = (rows["diff_lo"] <= truth) & (truth <= rows["diff_hi"])
    assert covered.mean() >= 0.93


# --- false discoveries on null data ---------------------------------------------------------------


def null_data(rng: np.random.Generator, items: int = 12, segments: int = 15, n: int = 150):
    shares = rng.dirichlet(np.ones(items) * 2)
    size = 2 * segments * n
    return pd.DataFrame(
        {
            "month": np.repeat(["cur", "prev"], segments * n),
            "seg": np.tile(np.repeat(np.arange(segments), n), 2),
            "item": rng.choice(items, size=size, p=shares),
        }
    )


def test_false_discoveries_on_null_data_are_rare() -> None:
    rng = np.random.default_rng(7)
    reps, any_discovery, discoveries, raw, tested = 20, 0, 0, 0, 0
    start = time.perf_counter()
    for _ in range(reps):
        out = share_changes(
            null_data(rng), item="item", current="cur", previous="prev", segments=("seg",)
        )
        t = out[~out["small_n"]]
        tested += len(t)
        discoveries += int((t["q_value"] < 0.05).sum())
        raw += int((t["p_value"] < 0.05).sum())
        any_discovery += bool((t["q_value"] < 0.05).any())
    assert time.perf_counter() - start < 10
    # Under the global null BH controls the family-wise error at 5 %: few replicates have any.
    assert any_discovery / reps <= 0.15
    assert discoveries / tested < 0.005
    assert raw / tested > 0.02  # uncorrected p < 0.05 would have flagged a few percent


def test_false_discovery_proportion_with_planted_effects() -> None:
    rng = np.random.default_rng(11)
    fdp = []
    for _ in range(30):
        df = null_data(rng, items=10, segments=12, n=300)
        planted = df["seg"].isin([0, 1, 2]) & (df["month"] == "cur")
        df.loc[planted & (rng.random(len(df)) < 0.3), "item"] = 99  # item 99 surges there
        out = share_changes(df, item="item", current="cur", previous="prev", segments=("seg",))
        hits = out[out["q_value"] < 0.05]
        assert ((hits["item"] == 99) & hits["segment_value"].isin([0, 1, 2])).sum() == 3
        # Shares are compositional: where item 99 surges every other share falls, so every row
        # of the planted segments (and of "all") is a true change; the other segments are null.
        true = hits["segment_value"].isin([0, 1, 2, "all"])
        fdp.append(float((~true).mean()))
    assert np.mean(fdp) <= 0.06  # BH: E[FDP] <= 0.05; observed 0.04 with this seed


# --- periods, weeks, emerging and fading ----------------------------------------------------------


def test_weekly_labels_just_work(mixed: pd.DataFrame) -> None:
    weekly = mixed.assign(
        week=mixed["month"].map({"2026-09": "2026-09-07", "2026-08": "2026-08-31"})
    )
    by_week = share_changes(
        weekly, item="item", period="week", current="2026-09-07", previous="2026-08-31",
        segments=("queue",),
    )  # fmt: skip
    by_month = share_changes(
        mixed, item="item", current="2026-09", previous="2026-08", segments=("queue",)
    )
    pd.testing.assert_frame_equal(by_week, by_month)


@pytest.fixture(scope="module")
def themes() -> pd.DataFrame:
    spec = {
        ("cur", "x", "old"): 300, ("prev", "x", "old"): 300,
        ("cur", "x", "new"): 40, ("prev", "x", "new"): 0,
        ("cur", "x", "gone"): 0, ("prev", "x", "gone"): 40,
        ("cur", "x", "wobble"): 12, ("prev", "x", "wobble"): 8,
        ("cur", "x", "-1"): 40, ("prev", "x", "-1"): 0,
    }  # fmt: skip
    df = frame(spec)
    df["theme_id"] = df["item"].map({"old": 0, "new": 1, "gone": 2, "wobble": 3, "-1": -1})
    df["theme_label"] = df["item"].map(lambda s: f"theme {s}")
    return df.astype({"theme_id": "Int64"})


def test_emerging_and_fading_themes(themes: pd.DataFrame) -> None:
    changes = share_changes(themes, current="cur", previous="prev", segments=("queue",))
    assert set(changes["label"]) == {"theme old", "theme new", "theme gone", "theme wobble",
                                     "theme -1"}  # fmt: skip
    up = emerging_themes(changes)
    assert set(up["item"]) == {1} and set(up["segment"]) == {"all", "queue"}
    down = fading_themes(changes)
    assert set(down["item"]) == {2} and list(down.columns) == list(CHANGE_COLUMNS)
    assert emerging_themes(changes, min_current=41).empty
    assert set(emerging_themes(changes, exclude=())["item"]) == {1, -1}


def test_emerging_needs_a_share_changes_table() -> None:
    with pytest.raises(ParameterError, match="share_changes"):
        emerging_themes(pd.DataFrame({"item": [1]}))


# --- degenerate inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"previous": "2026-09"}, "same period"),
        ({"item": "nope"}, "nope"),
        ({"segments": ("market",)}, "market"),
        ({"segments": "queue"}, "sequence of column names"),
        ({"min_n": 0}, "min_n"),
        ({"alpha": 1.5}, "alpha"),
        ({"label": "nope"}, "nope"),
    ],
)
def test_bad_parameters(mixed: pd.DataFrame, kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"item": "item", "current": "2026-09", "previous": "2026-08",
                            "segments": ("queue",), **kwargs}  # fmt: skip
    with pytest.raises(ParameterError, match=message):
        share_changes(mixed, **args)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"current": "2026-10"}, "current month '2026-10' has no rows"),
        ({"previous": "2026-07"}, "previous month '2026-07' has no rows"),
    ],
)
def test_a_period_without_rows_is_not_enough_data(
    mixed: pd.DataFrame, kwargs: dict[str, Any], message: str
) -> None:
    args: dict[str, Any] = {"item": "item", "current": "2026-09", "previous": "2026-08",
                            "segments": ("queue",), **kwargs}  # fmt: skip
    with pytest.raises(NotEnoughDataError, match=message):
        share_changes(mixed, **args)


def test_one_segment_only_all_and_zero_counts() -> None:
    df = frame({("b", "q", "x"): 0, ("b", "q", None): 50, ("a", "q", "x"): 4, ("a", "q", None): 46})
    out = share_changes(df, item="item", current="b", previous="a", segments=())
    assert out["segment"].tolist() == ["all"] and out["test"].tolist() == ["fisher"]
    r = out.iloc[0]
    assert (r.count_current, r.risk_ratio, r.direction) == (0, 0.0, "down")
    assert r.p_value == pytest.approx(fisher_exact([[0, 50], [4, 46]]).pvalue, abs=1e-12)
    one = share_changes(df, item="item", current="b", previous="a", segments=("queue",))
    assert set(one["segment"]) == {"all", "queue"} and len(one) == 2


def test_all_rows_identical() -> None:
    df = frame({("b", "q", "x"): 40, ("a", "q", "x"): 40})
    out = share_changes(df, item="item", current="b", previous="a", segments=("queue",))
    assert len(out) == 2
    assert (out["difference"] == 0).all() and (out["direction"] == "flat").all()
    assert (out["p_value"] == 1).all() and (out["q_value"] == 1).all()
    assert (out["risk_ratio"] == 1).all()


def test_no_items_gives_an_empty_table_with_the_columns() -> None:
    df = frame({("b", "q", None): 40, ("a", "q", None): 40})
    out = share_changes(df, item="item", current="b", previous="a", segments=("queue",))
    assert out.empty and list(out.columns) == list(CHANGE_COLUMNS)
    assert emerging_themes(out).empty and fading_themes(out).empty


def test_segment_missing_from_one_period() -> None:
    df = pd.concat(
        [
            frame({("b", "q", "x"): 40, ("a", "q", "x"): 40, ("a", "q", None): 40}),
            frame({("b", "new", "x"): 40}),
        ]
    )
    out = share_changes(df, item="item", current="b", previous="a", segments=("queue",))
    new = out[out["segment_value"] == "new"].iloc[0]
    assert new.n_previous == 0 and new.small_n and new.direction == "n/a"
    assert math.isnan(new.share_previous) and math.isnan(new.diff_lo)


# --- rare events: exact conditional Poisson test --------------------------------------------------


def test_rate_change_exact_conditional_by_hand() -> None:
    r = rate_change_poisson(10, 100.0, 3, 100.0)
    # Binomial(13, 1/2): P(X <= 3) + P(X >= 10) = 2 * (1 + 13 + 78 + 286) / 2**13
    assert r.p_value == pytest.approx(756 / 8192, abs=1e-15)
    assert (r.rate_current, r.rate_previous, r.rate_ratio) == pytest.approx((0.1, 0.03, 10 / 3))
    # Clopper-Pearson bounds of pi from beta quantiles, mapped to the rate ratio.
    lo_pi, hi_pi = beta.ppf(0.025, 10, 4), beta.ppf(0.975, 11, 3)
    assert r.ratio_lo == pytest.approx(lo_pi / (1 - lo_pi), abs=1e-9)
    assert r.ratio_hi == pytest.approx(hi_pi / (1 - hi_pi), abs=1e-9)


@pytest.mark.parametrize(
    "args", [(10, 100.0, 3, 100.0), (7, 250.0, 2, 90.0), (0, 30.0, 9, 40.0), (40, 1e4, 12, 2e4)]
)
def test_rate_change_matches_statsmodels(args: tuple[int, float, int, float]) -> None:
    ref = rates.test_poisson_2indep(*args, method="exact-cond")
    assert rate_change_poisson(*args).p_value == pytest.approx(ref.pvalue, abs=1e-12)


def test_rate_change_edge_cases() -> None:
    none = rate_change_poisson(0, 10.0, 0, 10.0)
    assert none.p_value == 1.0 and math.isnan(none.rate_ratio)
    new = rate_change_poisson(5, 10.0, 0, 10.0)
    assert new.rate_ratio == math.inf and new.ratio_hi == math.inf and new.ratio_lo > 0
    for bad in [(-1, 1.0, 0, 1.0), (1.5, 1.0, 0, 1.0), (1, 0.0, 1, 1.0), (1, 1.0, 1, math.inf)]:
        with pytest.raises(ParameterError):
            rate_change_poisson(*bad)  # type: ignore[arg-type]


# --- the planted root causes of the sample data ---------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, dict[str, Any]]:
    out: Path = tmp_path_factory.mktemp("trend_sample")
    summary = generate_sample(out, months=6, seed=0)
    truth = json.loads(summary.files["ground_truth"].read_text(encoding="utf-8"))
    return add_period(pd.read_csv(summary.files["audits"])), truth


def cause(truth: dict[str, Any], type_: str) -> dict[str, Any]:
    return next(c for c in truth["root_causes"] if c["type"] == type_)


def previous_month(months: list[str], month: str) -> str:
    return months[months.index(month) - 1]


def test_outdated_macro_surges_in_its_queue(sample: tuple[pd.DataFrame, dict[str, Any]]) -> None:
    audits, truth = sample
    rc = cause(truth, "outdated_macro")
    queue, first = rc["segment"]["queue"], rc["first_month"]
    prev = previous_month(truth["months"], first)
    # The first whole month with the stale macro (the macro changes in the first days of `first`).
    months = truth["months"]
    first = months[min(months.index(first) + 1, len(months) - 1)]
    out = share_changes(audits, item="error_category", current=first, previous=prev)
    mine = out[(out["segment_value"] == queue) & out["item"].isin(rc["error_categories"])]
    best = mine.sort_values("q_value").iloc[0]
    assert best.q_value < 0.01 and best.direction == "up" and best.diff_lo > 0
    # The macro itself: share of the queue's audits that failed with it.
    failed_macro = audits.assign(failed_macro=audits["macro_id"].where(~audits["passed"]))
    by_macro = share_changes(
        failed_macro, item="failed_macro", current=first, previous=prev, segments=("queue",)
    )
    row = by_macro[
        (by_macro["segment_value"] == queue) & (by_macro["item"] == rc["segment"]["macro"])
    ].iloc[0]
    # Weaker than the error categories (q ~ 0.02 in this family), but significant.
    assert row.q_value < 0.05 and row.direction == "up" and row.diff_lo > 0


def test_new_agent_cohort_is_over_represented_in_its_team(
    sample: tuple[pd.DataFrame, dict[str, Any]],
) -> None:
    audits, truth = sample
    rc = cause(truth, "new_agent_cohort")
    team, first, category = rc["segment"]["team"], rc["first_month"], rc["error_categories"][0]
    prev = previous_month(truth["months"], first)
    # Over time: the team's share of the category jumps when the cohort joins.
    out = share_changes(audits, item="error_category", current=first, previous=prev)
    row = out[(out["segment_value"] == team) & (out["item"] == category)].iloc[0]
    assert row.q_value < 0.05 and row.direction == "up"
    # Against the other teams, in the first full month after the cohort joined.
    month = truth["months"][truth["months"].index(first) + 1]
    in_month = audits[audits["month"] == month]
    split = in_month.assign(side=np.where(in_month["team"] == team, "team", "rest"))
    vs_rest = share_changes(
        split, item="error_category", period="side", current="team", previous="rest",
        segments=("queue",),
    )  # fmt: skip
    row = vs_rest[(vs_rest["segment"] == "all") & (vs_rest["item"] == category)].iloc[0]
    assert row.q_value < 0.01 and row.risk_ratio > 3
