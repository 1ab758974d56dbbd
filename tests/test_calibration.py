"""Calibration statistics checked against published examples and the field's libraries.

Tests named ``..._published_...`` or citing a source compare with an independent reference (a
published worked example or another implementation); tests whose docstring says "plumbing"
only check that our code hands the right numbers to the library it wraps.
"""

from __future__ import annotations

import json
from typing import Any

import krippendorff
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa
from statsmodels.stats.multitest import multipletests

import rca.stats.agreement
import rca.stats.calibration
import rca.stats.ratings
from rca.core.errors import ParameterError
from rca.sample import generate_sample
from rca.stats.agreement import fleiss_kappa
from rca.stats.calibration import (
    agreement,
    auditor_deviation,
    deviations,
    disputed_items,
    drift,
    pairwise_kappa,
)
from rca.stats.ratings import NOTE_IDENTICAL, choose_level

# Any warning (RuntimeWarning from a 0/0, sklearn's UndefinedMetricWarning...) fails a test.
pytestmark = pytest.mark.filterwarnings("error")

COLUMNS = ["session_id", "session_date", "case_id", "item", "auditor", "rating", "is_expert"]

# Fleiss (1971) as tabulated on Wikipedia ("Fleiss' kappa", worked example): 10 subjects,
# 14 raters, 5 categories; P-bar = 0.378, P_e = 0.213, kappa = 0.210.
FLEISS_TABLE = np.array(
    [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: 4 coders (rows)
# x 12 units with missing values; alpha = 0.743 nominal, 0.815 ordinal, 0.849 interval.
N = np.nan
KRIPPENDORFF_C = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
        [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
    ]
)


def long_from_matrix(matrix: np.ndarray, item: str = "tone") -> pd.DataFrame:
    """Coders x units matrix (NaN = not rated) -> long calibration table."""
    rows = [
        ("S1", "2026-01-07", f"C{u:02d}", item, f"coder_{c}", matrix[c, u], False)
        for c in range(matrix.shape[0])
        for u in range(matrix.shape[1])
        if not np.isnan(matrix[c, u])
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def long_from_counts(table: np.ndarray) -> pd.DataFrame:
    """Subjects x categories counts -> long table; rater ids are arbitrary within a subject."""
    rows = []
    for s, counts in enumerate(table):
        ratings = np.repeat(np.arange(1, table.shape[1] + 1), counts)
        rows += [
            ("S1", None, f"C{s}", "x", f"r{k}", float(v), False) for k, v in enumerate(ratings)
        ]
    return pd.DataFrame(rows, columns=COLUMNS)


def simulated(
    rng: np.random.Generator,
    n_cases: int = 40,
    biases: dict[str, float] | None = None,
    sessions: int = 1,
    item: str = "tone",
    noise: float = 0.5,
) -> pd.DataFrame:
    """1-5 ratings: latent truth per case, the expert close to it, auditors with a bias."""
    biases = biases or {"a1": 0.0, "a2": 0.0, "a3": 0.0}
    rows = []
    for s in range(sessions):
        date = pd.Timestamp("2026-01-07") + pd.Timedelta(days=14 * s)
        for c in range(n_cases):
            truth = rng.normal(3, 1)
            raters = {"expert": 0.0, **biases}
            for rater, bias in raters.items():
                sd = 0.2 if rater == "expert" else noise
                value = float(np.clip(np.round(truth + bias + rng.normal(0, sd)), 1, 5))
                rows.append((f"S{s:02d}", date, f"C{c}", item, rater, value, rater == "expert"))
    return pd.DataFrame(rows, columns=COLUMNS)


# --- public names ------------------------------------------------------------------------------


def test_public_names() -> None:
    assert set(rca.stats.calibration.__all__) >= {
        "agreement",
        "pairwise_kappa",
        "auditor_deviation",
        "drift",
        "disputed_items",
        "deviations",
    }
    assert set(rca.stats.agreement.__all__) == {
        "KAPPA_ESTIMATOR",
        "agreement",
        "pairwise_kappa",
        "fleiss_kappa",
    }
    assert {"check_ratings", "choose_level", "select_item"} <= set(rca.stats.ratings.__all__)


# --- Fleiss' kappa -----------------------------------------------------------------------------


def test_fleiss_kappa_matches_published_example_and_statsmodels() -> None:
    """Independent: Fleiss' (1971) worked example, κ = 0.210 and P̄ = 0.378 as published (the
    statsmodels comparison on top is plumbing: statsmodels is what we call here)."""
    row = agreement(long_from_counts(FLEISS_TABLE), level="nominal", n_boot=0).iloc[0]
    assert row["fleiss_kappa"] == pytest.approx(sm_fleiss_kappa(FLEISS_TABLE), abs=1e-9)
    assert round(row["fleiss_kappa"], 3) == 0.210
    assert round(row["percent_agreement"], 3) == 0.378  # P-bar of the worked example
    assert (row["n_cases"], row["n_raters"]) == (10, 14)


def test_fleiss_kappa_with_unequal_raters_matches_published_irrcac() -> None:
    """Gwet's generalised Fleiss' κ on irrCAC's ``cac.raw4raters`` (12 units, 4 raters, missing).

    Source: Gwet, K. L., R package irrCAC, README "Computing agreement coefficients from raw
    ratings", https://github.com/kgwet/irrCAC/blob/master/README.md (also the CRAN vignette,
    https://cran.r-project.org/web/packages/irrCAC/vignettes/overview.html):
    ``fleiss.kappa.raw(cac.raw4raters)`` gives pa = 0.8181818, pe = 0.2387153,
    coeff = 0.76117; ``krippen.alpha.raw`` 0.74342; ``pa.coeff.raw`` 0.8181818. The data set
    is Krippendorff's (2011) example C (`KRIPPENDORFF_C`, raters x units). Pooling every rating
    into the category shares instead (Fleiss' formula read with per-unit n_i, our estimator
    before issue 13) gives pe = 0.24 and κ = 0.7608, not the published value.
    """
    table = agreement(long_from_matrix(KRIPPENDORFF_C), level="nominal", n_boot=0).iloc[0]
    assert round(table["fleiss_kappa"], 5) == 0.76117
    assert round(table["percent_agreement"], 7) == 0.8181818
    assert round(table["alpha"], 5) == 0.74342
    assert "Gwet" in table["kappa_estimator"]
    counts = np.array([[np.sum(u == k) for k in range(1, 6)] for u in KRIPPENDORFF_C.T])
    assert round(fleiss_kappa(counts), 5) == 0.76117
    assert round(fleiss_kappa(counts[counts.sum(axis=1) >= 2]), 5) != 0.76117  # needs unit 12


def test_fleiss_kappa_with_equal_raters_is_statsmodels() -> None:
    """Plumbing: with every unit rated by the same raters, statsmodels' ``fleiss_kappa``."""
    table = FLEISS_TABLE[:6]
    assert fleiss_kappa(table) == pytest.approx(sm_fleiss_kappa(table), abs=1e-12)


# --- Krippendorff's alpha ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)]
)
def test_alpha_matches_krippendorff_2011_and_the_package(level: str, published: float) -> None:
    """Independent: Krippendorff's (2011) published α; the package comparison is plumbing."""
    row = agreement(long_from_matrix(KRIPPENDORFF_C), level=level, n_boot=0).iloc[0]
    package = krippendorff.alpha(reliability_data=KRIPPENDORFF_C, level_of_measurement=level)
    assert row["alpha"] == pytest.approx(package, abs=1e-9)
    assert round(row["alpha"], 3) == published
    assert row["n_cases"] == 11  # unit 12 has a single rating: not pairable


def test_alpha_plumbing_matches_the_package_on_the_sample(calibration: pd.DataFrame) -> None:
    """Plumbing: our α is the ``krippendorff`` package's, on the sample's items."""
    table = agreement(calibration, n_boot=0).set_index("item")
    for item, part in calibration.groupby("item"):
        wide = part.pivot(index=["session_id", "case_id"], columns="auditor", values="rating")
        level = table.loc[item, "level"]
        expected = krippendorff.alpha(wide.to_numpy().T, level_of_measurement=level)
        assert table.loc[item, "alpha"] == pytest.approx(expected, abs=1e-9)
    assert table.loc["ALL", "alpha"] == pytest.approx(table["alpha"].drop("ALL").mean())


@pytest.mark.parametrize(
    ("values", "level"),
    [
        ([0, 1, 1, 0], "nominal"),
        ([1, 2, 3, 4, 5], "ordinal"),
        ([0, 5, 10], "ordinal"),
        ([0, 20, 40, 100], "interval"),
        ([1.5, 2.0, 2.5], "interval"),
    ],
)
def test_auto_level(values: list[float], level: str) -> None:
    assert choose_level(np.array(values, dtype=float)) == level


# --- bootstrap CI ------------------------------------------------------------------------------


def test_bootstrap_is_seeded_and_brackets_alpha() -> None:
    df = simulated(np.random.default_rng(1), n_cases=30)
    a = agreement(df, n_boot=200, seed=7)
    b = agreement(df, n_boot=200, seed=7)
    c = agreement(df, n_boot=200, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["alpha_lo"], c["alpha_lo"])
    assert (a["alpha_lo"] <= a["alpha"]).all() and (a["alpha"] <= a["alpha_hi"]).all()
    assert agreement(df, n_boot=0)["alpha_lo"].isna().all()


def test_bootstrap_ci_coverage() -> None:
    """Simulation (independent of the formula): the percentile CI of alpha over 200 simulated
    studies covers the true alpha ~95 % of the time.

    Two classes with prevalence 1/2, four raters each right with probability q: two raters
    agree with probability q^2 + (1 - q)^2 against 1/2 by chance, so alpha = 2 P_o - 1 (0.49).
    The Monte Carlo standard error of the coverage is about 0.015.
    """
    rng = np.random.default_rng(2026)
    q, n_units, raters = 0.85, 100, 4
    true_alpha = 2 * (q**2 + (1 - q) ** 2) - 1
    hits = 0
    for _ in range(200):
        truth = rng.integers(0, 2, n_units)
        right = rng.random((raters, n_units)) < q
        ratings = np.where(right, truth, 1 - truth).astype(float)
        row = agreement(long_from_matrix(ratings), n_boot=100, seed=0).iloc[0]
        hits += row["alpha_lo"] <= true_alpha <= row["alpha_hi"]
    assert 0.90 <= hits / 200 <= 0.99


# --- Cohen's kappa -----------------------------------------------------------------------------


def test_pairwise_kappa_plumbing_matches_sklearn(calibration: pd.DataFrame) -> None:
    """Plumbing: our κ is scikit-learn's ``cohen_kappa_score`` on the shared cases."""
    table = pairwise_kappa(calibration)
    for item, weights in [("tone", "quadratic"), ("greeting", None)]:
        part = calibration[calibration["item"] == item]
        wide = part.pivot(index=["session_id", "case_id"], columns="auditor", values="rating")
        pair = wide[["auditor_02", "auditor_05"]].dropna()
        expected = cohen_kappa_score(
            pair["auditor_02"], pair["auditor_05"], labels=sorted(part["rating"].unique()),
            weights=weights,
        )  # fmt: skip
        got = table.query("item == @item and rater_a == 'auditor_02' and rater_b == 'auditor_05'")
        assert got["kappa"].item() == pytest.approx(expected, abs=1e-9)
        assert got["n_shared"].item() == len(pair)
        assert got["weights"].item() == (weights or "none")
    n_raters = calibration["auditor"].nunique()
    assert len(pairwise_kappa(calibration, "tone")) == n_raters * (n_raters - 1) // 2


# --- deviation from the expert / consensus -----------------------------------------------------


def test_auditor_deviation_flags_lenient_and_strict() -> None:
    df = simulated(np.random.default_rng(3), 60, {"fair": 0.0, "easy": 1.0, "hard": -1.0})
    out = auditor_deviation(df).set_index(["auditor", "item"])
    assert out.loc[("easy", "ALL"), "direction"] == "lenient"
    assert out.loc[("hard", "ALL"), "direction"] == "strict"
    assert out.loc[("fair", "ALL"), "direction"] == "in line"
    assert set(out["reference"]) == {"expert"}
    assert "expert" not in out.index.get_level_values("auditor")


def test_auditor_deviation_statistics_plumbing_match_scipy() -> None:
    """Plumbing: the interval and p-values are scipy's on the case means."""
    df = simulated(np.random.default_rng(4), 25, {"a1": 0.3, "a2": 0.0})
    dev = deviations(df)
    d = dev.loc[dev["auditor"] == "a1", "deviation"].to_numpy()  # one rating per case
    t_row = auditor_deviation(df, alpha=0.1).set_index(["auditor", "item"])
    lo, hi = stats.t.interval(0.9, len(d) - 1, loc=d.mean(), scale=stats.sem(d))
    assert t_row.loc[("a1", "tone"), "ci_lo"] == pytest.approx(lo, abs=1e-9)
    assert t_row.loc[("a1", "tone"), "ci_hi"] == pytest.approx(hi, abs=1e-9)
    assert t_row.loc[("a1", "tone"), "p_value"] == pytest.approx(
        stats.ttest_1samp(d, 0).pvalue, abs=1e-12
    )
    assert t_row.loc[("a1", "tone"), "test"] == "one-sample t on case means"
    w_row = auditor_deviation(df, test="wilcoxon").set_index(["auditor", "item"])
    expected = stats.wilcoxon(d, zero_method="pratt").pvalue
    assert w_row.loc[("a1", "tone"), "p_value"] == pytest.approx(expected, abs=1e-12)
    assert w_row.loc[("a1", "tone"), "test"].startswith("Wilcoxon")


def test_auditor_deviation_uses_the_case_as_the_unit() -> None:
    """Worked by hand: three cases, a 1-5 item and a pass/fail item, one case in two sessions.

    Auditor ``a`` vs the expert: case K1 tone +2 (points), verdict +1 (pass for a fail);
    K2 tone 0, verdict 0; K3 rated in two sessions, tone +1 and +1, verdict 0 and 0. Per item
    the case means are tone [2, 0, 1], verdict [1, 0, 0]; on ALL each deviation is divided by
    the item's range (tone 4, verdict 1) and averaged within the case:
    K1 (2/4 + 1) / 2 = 0.75, K2 0, K3 (1/4 + 0 + 1/4 + 0) / 4 = 0.125.
    """
    rows = []
    ratings = {  # (session, case): (expert tone, a tone, expert verdict, a verdict)
        ("S1", "K1"): (1, 3, 0, 1), ("S1", "K2"): (5, 5, 1, 1), ("S1", "K3"): (3, 4, 1, 1),
        ("S2", "K3"): (2, 3, 0, 0), ("S2", "K4"): (5, 5, 1, 1),
    }  # fmt: skip
    for (session, case), (et, at, ev, av) in ratings.items():
        rows += [
            (session, None, case, "tone", "expert", et, True),
            (session, None, case, "tone", "a", at, False),
            (session, None, case, "verdict", "expert", ev, True),
            (session, None, case, "verdict", "a", av, False),
        ]
    rows = [r for r in rows if r[2] != "K4" or r[4] == "expert"]  # K4 fixes the tone scale 2-5
    rows.append(("S2", None, "K4", "tone", "b", 1.0, False))  # ...and b stretches it to 1-5
    out = auditor_deviation(pd.DataFrame(rows, columns=COLUMNS)).set_index(["auditor", "item"])
    assert list(out.loc["a"].index) == ["tone", "verdict", "ALL"]
    tone, verdict, overall = (out.loc[("a", i)] for i in ("tone", "verdict", "ALL"))
    assert (tone["n"], tone["n_ratings"], tone["unit"]) == (3, 4, "points")
    assert tone["mean_deviation"] == pytest.approx(1.0)
    assert tone["p_value"] == pytest.approx(stats.ttest_1samp([2, 0, 1], 0).pvalue)
    assert verdict["mean_deviation"] == pytest.approx(1 / 3)
    assert (overall["n"], overall["n_ratings"], overall["unit"]) == (3, 8, "share of scale")
    case_means = [0.75, 0.0, 0.125]
    assert overall["mean_deviation"] == pytest.approx(np.mean(case_means))
    assert overall["p_value"] == pytest.approx(stats.ttest_1samp(case_means, 0).pvalue)
    assert overall["mean_rating"] - overall["mean_reference"] == pytest.approx(
        overall["mean_deviation"]
    )
    assert overall["example_ids"] == ["K1", "K3"]
    # q: Benjamini-Hochberg over every row of the table
    table = out.reset_index()
    expected_q = multipletests(table["p_value"].dropna(), method="fdr_bh")[1]
    assert table["q_value"].dropna().to_numpy() == pytest.approx(expected_q)


def test_consensus_is_the_median_of_the_other_raters() -> None:
    rows = [("S1", None, "C1", "tone", r, v, False) for r, v in [("a", 1), ("b", 2), ("c", 4)]]
    dev = deviations(pd.DataFrame(rows, columns=COLUMNS)).set_index("auditor")
    assert dev["reference_rating"].to_dict() == {"a": 3.0, "b": 2.5, "c": 1.5}
    assert set(dev["reference"]) == {"consensus"}
    with pytest.raises(ParameterError, match="is_expert"):
        deviations(pd.DataFrame(rows, columns=COLUMNS), reference="expert")


def test_pass_fail_disagreement_rate() -> None:
    verdicts = {"expert": [1, 1, 0, 0, 1, 0], "lax": [1, 1, 1, 1, 1, 0], "ok": [1, 1, 0, 0, 1, 0]}
    rows = [
        ("S1", None, f"C{c}", "verification", r, float(v), r == "expert")
        for r, vs in verdicts.items()
        for c, v in enumerate(vs)
    ]
    out = auditor_deviation(pd.DataFrame(rows, columns=COLUMNS)).set_index(["auditor", "item"])
    assert out.loc[("lax", "verification"), "disagreement_rate"] == pytest.approx(2 / 6)
    assert out.loc[("ok", "verification"), "disagreement_rate"] == 0
    assert out.loc[("ok", "verification"), "p_value"] == 1.0


# --- drift -------------------------------------------------------------------------------------


def test_drift_slope_plumbing_matches_linregress_and_orders_sessions_by_date() -> None:
    """Plumbing: the slope and p are scipy's ``linregress`` on the session means."""
    rng = np.random.default_rng(5)
    parts = []
    for s, bias in enumerate([0.0, 0.5, 1.0, 1.5, 2.0]):
        part = simulated(rng, 20, {"drifter": bias, "steady": 0.0}, noise=0.3)
        parts.append(part.assign(
            session_id=f"Z{9 - s}",  # ids sort against time: the date must decide
            session_date=pd.Timestamp("2026-01-05") + pd.Timedelta(weeks=2 * s),
        ))  # fmt: skip
    out = drift(pd.concat(parts, ignore_index=True), item="tone")
    mine = out[out["auditor"] == "drifter"]
    assert list(mine["session_id"]) == ["Z9", "Z8", "Z7", "Z6", "Z5"]
    fit = stats.linregress(mine["session_index"], mine["mean_deviation"])
    assert mine["slope"].iloc[0] == pytest.approx(fit.slope, abs=1e-12)
    assert mine["slope_p"].iloc[0] == pytest.approx(fit.pvalue, abs=1e-12)
    assert 0.3 < fit.slope < 0.7 and fit.pvalue < 0.01
    assert out.loc[out["auditor"] == "steady", "slope"].abs().max() < 0.1
    assert (out["unit"] == "points").all() and (out["n"] == 20).all()
    slopes = out.drop_duplicates("auditor")
    assert slopes["slope_q"].to_numpy() == pytest.approx(
        multipletests(slopes["slope_p"], method="fdr_bh")[1]
    )
    overall = drift(pd.concat(parts, ignore_index=True)).query("auditor == 'drifter'")
    assert (overall["unit"] == "share of scale").all()  # all items: divided by the range (4)
    assert overall["slope"].iloc[0] == pytest.approx(fit.slope / 4, abs=1e-12)


# --- disputed items ----------------------------------------------------------------------------


def test_disputed_items_ranks_the_noisy_item_first() -> None:
    rng = np.random.default_rng(6)
    df = pd.concat([simulated(rng, 40, item="tone"), simulated(rng, 40, item="policy", noise=1.5)])
    out = disputed_items(df, n_boot=50)
    assert list(out["item"]) == ["policy", "tone"]
    assert list(out["rank"]) == [1, 2]
    assert disputed_items(df, top_n=1, n_boot=0)["item"].tolist() == ["policy"]


# --- degenerate inputs -------------------------------------------------------------------------


def test_all_identical_ratings_give_nan_with_a_note() -> None:
    df = long_from_matrix(np.full((3, 5), 4.0))
    row = agreement(df).iloc[0]
    assert row["percent_agreement"] == 1.0
    assert np.isnan(row["fleiss_kappa"]) and np.isnan(row["alpha"]) and np.isnan(row["alpha_lo"])
    assert row["note"] == NOTE_IDENTICAL
    assert (pairwise_kappa(df)["note"] == NOTE_IDENTICAL).all()
    assert disputed_items(df)["disagreement"].tolist() == [0.0]


def test_single_auditor() -> None:
    df = long_from_matrix(np.array([[1.0, 2, 3, 4, 5]]))
    row = agreement(df).iloc[0]
    assert row["n_raters"] == 1 and np.isnan(row["alpha"])
    assert "fewer than two raters" in row["note"]
    assert pairwise_kappa(df).empty
    assert auditor_deviation(df).empty  # no expert, no other rater: no reference


def test_one_case() -> None:
    df = long_from_matrix(np.array([[1.0], [2.0], [4.0]]))
    row = agreement(df).iloc[0]
    assert row["n_cases"] == 1 and np.isnan(row["alpha"]) and np.isnan(row["fleiss_kappa"])
    assert "one case only" in row["note"]
    out = auditor_deviation(df)
    assert out["ci_lo"].isna().all() and out["p_value"].isna().all()
    assert drift(df)["slope"].isna().all()


def test_some_resamples_without_disagreement_are_reported() -> None:
    matrix = np.full((3, 12), 2.0)
    matrix[0, 0] = 3.0  # one disagreement in twelve cases
    row = agreement(long_from_matrix(matrix), n_boot=100, seed=0).iloc[0]
    assert "CI from" in row["note"] and "of 100 resamples" in row["note"]


@pytest.mark.parametrize(
    "function", [agreement, pairwise_kappa, auditor_deviation, drift, disputed_items]
)
def test_empty_table_gives_empty_result(function: Any) -> None:
    out = function(pd.DataFrame(columns=COLUMNS))
    assert isinstance(out, pd.DataFrame) and out.empty and len(out.columns) > 0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda df: agreement(df.drop(columns="rating")), "lack column.*'rating'"),
        (lambda df: agreement(df, level="ratio"), "level must be one of"),
        (lambda df: agreement(df, n_boot=-1), "n_boot"),
        (lambda df: agreement(df, ci=95), "ci must be"),
        (lambda df: agreement(pd.concat([df, df.iloc[:1]])), "repeat a rater's rating"),
        (lambda df: agreement(df.assign(rating="good")), "must be numeric"),
        (lambda df: drift(df.assign(session_date="someday")), "'session_date' must hold dates"),
        (lambda df: deviations(df.assign(is_expert="maybe")), "'is_expert' must be true/false"),
        (lambda df: pairwise_kappa(df, "nope"), "item 'nope'"),
        (lambda df: drift(df, item="nope"), "item 'nope'"),
        (lambda df: auditor_deviation(df, test="anova"), "test must be one of"),
        (lambda df: auditor_deviation(df, reference="boss"), "reference must be one of"),
        (lambda df: disputed_items(df, top_n=0), "top_n"),
        (lambda df: agreement(df.to_dict()), "must be a pandas DataFrame"),
    ],
)
def test_invalid_input_raises_parameter_error(call: Any, message: str) -> None:
    df = simulated(np.random.default_rng(0), 5)
    with pytest.raises(ParameterError, match=message):
        call(df)


# --- the sample data's planted problems --------------------------------------------------------


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return generate_sample(tmp_path_factory.mktemp("sample"), months=3, seed=0).out_dir


@pytest.fixture(scope="module")
def calibration(sample_dir: Any) -> pd.DataFrame:
    return pd.read_csv(sample_dir / "calibration.csv")


@pytest.fixture(scope="module")
def causes(sample_dir: Any) -> dict[str, dict[str, Any]]:
    truth = json.loads((sample_dir / "ground_truth.json").read_text(encoding="utf-8"))
    return {c["type"]: c for c in truth["root_causes"]}


def test_text_columns_read_like_typed_ones(sample_dir: Any, calibration: pd.DataFrame) -> None:
    text = pd.read_csv(sample_dir / "calibration.csv", dtype=str, keep_default_na=False)
    assert text["is_expert"].isin(["true", "false"]).all()
    pd.testing.assert_frame_equal(auditor_deviation(text), auditor_deviation(calibration))


def test_sample_lenient_auditor_is_flagged(
    calibration: pd.DataFrame, causes: dict[str, dict[str, Any]]
) -> None:
    lenient = causes["lenient_auditor"]["segment"]["auditor"]
    overall = auditor_deviation(calibration).query("item == 'ALL'").set_index("auditor")
    assert overall.loc[lenient, "direction"] == "lenient"
    assert overall.loc[lenient, "ci_lo"] > 0.1  # share of scale: 0.8 points of 4 on 1-5 items
    assert (overall.drop(lenient)["direction"] == "in line").all()


def test_sample_disputed_item_ranks_first(
    calibration: pd.DataFrame, causes: dict[str, dict[str, Any]]
) -> None:
    out = disputed_items(calibration, n_boot=100)
    assert out["item"].iloc[0] == causes["disputed_rubric_item"]["segment"]["item"]
