"""Label audits checked against scikit-learn, statsmodels and hand-worked examples."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from statsmodels.stats.proportion import proportion_confint

import rca.stats.label_audits
from rca.core.errors import ParameterError
from rca.sample import generate_sample
from rca.stats.label_audits import (
    AI_TOLERANCE,
    NO_LABEL,
    confused_pairs,
    confusion,
    disagreements,
    label_accuracy,
    label_audit,
    per_class,
    sample_size_for_margin,
)

pytestmark = pytest.mark.filterwarnings("error")

LABELS = ["harassment", "hate speech", "spam", "scam", "no violation"]


def labelled(n: int = 400, seed: int = 0, accuracy: float = 0.85) -> pd.DataFrame:
    """AI-label-like rows: the model is right with probability ``accuracy``."""
    rng = np.random.default_rng(seed)
    gold = rng.choice(LABELS, size=n, p=[0.3, 0.2, 0.2, 0.2, 0.1])
    wrong = rng.random(n) > accuracy
    model = np.where(wrong, rng.choice(LABELS, size=n), gold)
    return pd.DataFrame(
        {
            "item_id": [f"AI-{i:04d}" for i in range(n)],
            "market": rng.choice(["MY", "US", "BR"], size=n),
            "model_label": model,
            "gold_label": gold,
            "note": np.where(wrong, "model got it wrong", None),
        }
    )


def test_public_names() -> None:
    assert set(rca.stats.label_audits.__all__) >= {
        "label_accuracy", "per_class", "confusion", "confused_pairs", "sample_size_for_margin",
        "disagreements", "label_audit",
    }  # fmt: skip


# --- accuracy and its interval -----------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_accuracy_and_wilson_interval_match_statsmodels(alpha: float) -> None:
    df = labelled()
    row = label_accuracy(df, alpha=alpha).iloc[0]
    k = int((df.model_label == df.gold_label).sum())
    lo, hi = proportion_confint(k, len(df), alpha=alpha, method="wilson")
    assert (row["n"], row["correct"]) == (len(df), k)
    assert row["accuracy"] == pytest.approx(k / len(df), abs=1e-12)
    assert row["ci_lo"] == pytest.approx(lo, abs=1e-9)
    assert row["ci_hi"] == pytest.approx(hi, abs=1e-9)


@pytest.mark.parametrize(
    ("correct", "n", "target", "verdict"),
    [
        (970, 1000, 0.95, "yes"),  # Wilson 95 %: 0.957-0.979, all above 0.95
        (850, 1000, 0.90, "no"),  # 0.826-0.871, all below 0.90
        (90, 100, 0.90, "inconclusive"),  # 0.826-0.945 straddles 0.90
    ],
)
def test_meets_target(correct: int, n: int, target: float, verdict: str) -> None:
    df = pd.DataFrame(
        {"model_label": ["a"] * n, "gold_label": ["a"] * correct + ["b"] * (n - correct)}
    )
    row = label_accuracy(df, target=target).iloc[0]
    assert row["meets_target"] == verdict
    assert row["target"] == target
    assert label_accuracy(df).iloc[0]["meets_target"] is None


def test_accuracy_by_group() -> None:
    df = labelled()
    out = label_accuracy(df, by="market", target=0.8)
    assert list(out.columns[:3]) == ["market", "n", "correct"]
    assert out["n"].sum() == len(df)
    for _, row in out.iterrows():
        part = df[df.market == row["market"]]
        assert row["accuracy"] == pytest.approx((part.model_label == part.gold_label).mean())


def test_wilson_interval_coverage() -> None:
    """2000 simulated audits of 150 items at a true accuracy of 0.9: coverage near 95 %."""
    rng = np.random.default_rng(11)
    sims, n, p = 2000, 150, 0.9
    right = rng.random((sims, n)) < p
    df = pd.DataFrame(
        {
            "sim": np.repeat(np.arange(sims), n),
            "gold_label": "x",
            "model_label": np.where(right.ravel(), "x", "y"),
        }
    )
    out = label_accuracy(df, by="sim")
    coverage = ((out["ci_lo"] <= p) & (p <= out["ci_hi"])).mean()
    assert 0.93 <= coverage <= 0.97


# --- per class and confusions ------------------------------------------------------------------


def test_per_class_matches_sklearn() -> None:
    df = labelled()
    out = per_class(df).set_index("label")
    labels = sorted(LABELS)
    p, r, f, s = precision_recall_fscore_support(df.gold_label, df.model_label, labels=labels)
    for k, label in enumerate(labels):
        assert out.loc[label, "precision"] == pytest.approx(p[k], abs=1e-9)
        assert out.loc[label, "recall"] == pytest.approx(r[k], abs=1e-9)
        assert out.loc[label, "f1"] == pytest.approx(f[k], abs=1e-9)
        assert out.loc[label, "support"] == s[k]
        assert out.loc[label, "n_predicted"] == (df.model_label == label).sum()
    assert out["support"].is_monotonic_decreasing


def test_per_class_undefined_precision_is_nan() -> None:
    df = pd.DataFrame({"model_label": ["a", "a", "a"], "gold_label": ["a", "a", "b"]})
    out = per_class(df).set_index("label")
    assert np.isnan(out.loc["b", "precision"])  # never predicted
    assert out.loc["b", "recall"] == 0


def test_confusion_matches_sklearn() -> None:
    df = labelled()
    matrix = confusion(df)
    labels = sorted(LABELS)
    assert list(matrix.index) == labels and list(matrix.columns) == labels
    assert (matrix.index.name, matrix.columns.name) == ("gold", "predicted")
    expected = confusion_matrix(df.gold_label, df.model_label, labels=labels)
    np.testing.assert_array_equal(matrix.to_numpy(), expected)


def test_confused_pairs_ranking_and_shares() -> None:
    gold = ["h"] * 10 + ["s"] * 10 + ["x"] * 5
    pred = ["h"] * 6 + ["hs"] * 3 + ["s"] + ["s"] * 9 + ["h"] + ["x"] * 5
    out = confused_pairs(pd.DataFrame({"model_label": pred, "gold_label": gold}))
    assert out[["gold", "predicted", "n"]].values.tolist() == [
        ["h", "hs", 3], ["h", "s", 1], ["s", "h", 1],
    ]  # fmt: skip
    assert out["share"].tolist() == pytest.approx([0.3, 0.1, 0.1])
    assert out["share_of_errors"].tolist() == pytest.approx([0.6, 0.2, 0.2])
    assert (
        len(confused_pairs(pd.DataFrame({"model_label": pred, "gold_label": gold}), top_n=1)) == 1
    )


def test_confused_pairs_are_tested_against_the_tolerance() -> None:
    # Hand-worked reference (binomial tails from the pmf, not from scipy), same data as above:
    # gold h has 10 rows, 3 predicted hs: P(X >= 3 | 10, 0.05)
    #   = 1 - 0.95^10 - 10 * 0.05 * 0.95^9 - 45 * 0.05^2 * 0.95^8 = 0.0115036;
    # 1 of 10: P(X >= 1) = 1 - 0.95^10 = 0.4012631. The family is the 9 off-diagonal pairs of
    # gold labels present (h, s, x x 3 other labels), 6 of them never confused (p = 1), so the
    # BH q of the smallest p is 0.01150356 * 9 / 1 = 0.1035320, and of the 0.401 pair
    # min(0.401 * 9 / 3, 1) = 1.
    gold = ["h"] * 10 + ["s"] * 10 + ["x"] * 5
    pred = ["h"] * 6 + ["hs"] * 3 + ["s"] + ["s"] * 9 + ["h"] + ["x"] * 5
    out = confused_pairs(pd.DataFrame({"model_label": pred, "gold_label": gold}))
    assert AI_TOLERANCE == 0.05 and (out["tolerance"] == AI_TOLERANCE).all()
    assert out["support"].tolist() == [10, 10, 10]
    assert out["p_value"].tolist() == pytest.approx([0.0115036, 0.4012631, 0.4012631], abs=1e-7)
    assert out["q_value"].tolist() == pytest.approx([0.1035320, 1.0, 1.0], abs=1e-7)
    assert set(out["test"]) == {"exact binomial vs tolerance"}
    strict = confused_pairs(pd.DataFrame({"model_label": pred, "gold_label": gold}),
                            tolerance=0.01)  # fmt: skip
    assert strict["p_value"].iloc[0] < out["p_value"].iloc[0]


def test_a_clear_confusion_passes_and_noise_does_not() -> None:
    # 15 % of 200 "harassment" items read as "hate speech" is far above a 5 % tolerance; 2 %
    # of them read as "spam" is not.
    gold = ["harassment"] * 200 + ["spam"] * 200
    pred = ["hate speech"] * 30 + ["spam"] * 4 + ["harassment"] * 166 + ["spam"] * 200
    out = confused_pairs(pd.DataFrame({"model_label": pred, "gold_label": gold}))
    by_pair = out.set_index(["gold", "predicted"])
    assert by_pair.loc[("harassment", "hate speech"), "q_value"] < 1e-4
    assert by_pair.loc[("harassment", "spam"), "q_value"] > 0.5


@pytest.mark.parametrize(
    ("correct", "n", "target", "expected"),
    [
        # P(X <= 8 | 10, 0.9) = 1 - 10 * 0.9^9 * 0.1 - 0.9^10 = 0.2639011 (hand-worked)
        (8, 10, 0.9, 0.2639011),
        # P(X <= 0 | 5, 0.5) = 0.5^5 = 0.03125
        (0, 5, 0.5, 0.03125),
        # all correct: P(X <= n) = 1
        (20, 20, 0.9, 1.0),
    ],
)
def test_accuracy_below_target_exact_binomial(
    correct: int, n: int, target: float, expected: float
) -> None:
    df = pd.DataFrame({"model_label": ["a"] * correct + ["b"] * (n - correct),
                       "gold_label": ["a"] * n})  # fmt: skip
    row = label_accuracy(df, target=target).iloc[0]
    assert row["p_below_target"] == pytest.approx(expected, abs=1e-7)
    assert row["test"] == "exact binomial vs target"
    assert np.isnan(label_accuracy(df).iloc[0]["p_below_target"])


# --- sample size -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "margin", "confidence", "population", "expected"),
    [
        (0.5, 0.05, 0.95, None, 385),  # 1.96^2 * 0.25 / 0.05^2 = 384.15 -> 385
        (0.5, 0.03, 0.95, None, 1068),  # 1067.07 -> 1068
        (0.5, 0.05, 0.99, None, 664),  # 2.5758^2 * 0.25 / 0.0025 = 663.49 -> 664
        (0.9, 0.05, 0.95, None, 139),  # 3.8415 * 0.09 / 0.0025 = 138.29 -> 139
        (0.5, 0.05, 0.95, 1000, 278),  # 384.15 / (1 + 383.15 / 1000) = 277.7 -> 278
        (0.5, 0.05, 0.95, 100, 80),  # 384.15 / (1 + 383.15 / 100) = 79.5 -> 80
    ],
)
def test_sample_size_hand_worked(
    p: float, margin: float, confidence: float, population: int | None, expected: int
) -> None:
    assert sample_size_for_margin(p, margin, confidence, population) == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"p_expected": 1.5, "margin": 0.05},
        {"p_expected": 0.5, "margin": 0},
        {"p_expected": 0.5, "margin": 0.05, "confidence": 95},
        {"p_expected": 0.5, "margin": 0.05, "population": 0},
    ],
)
def test_sample_size_rejects_bad_arguments(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        sample_size_for_margin(**kwargs)


# --- disagreements and the wrapper -------------------------------------------------------------


def test_disagreements_keep_the_wrong_rows_with_notes_first() -> None:
    df = labelled()
    out = disagreements(df)
    assert list(out.columns[:3]) == ["gold_label", "model_label", "note"]
    assert set(out.columns) == set(df.columns)
    assert list(out.index) == list(df.index[df.model_label != df.gold_label])
    assert disagreements(df, text=None).columns[2] == "item_id"


def test_label_audit_drops_missing_gold_and_reports_it() -> None:
    feedback = pd.DataFrame(
        {
            "agent_label": ["bug", "bug", None, "praise", "bug", "praise"],
            "auditor_label": ["bug", None, "praise", "praise", None, "bug"],
            "text": ["a", "b", "c", "d", "e", "f"],
        }
    )
    audit = label_audit(feedback, "agent_label", "auditor_label", text="text", target=0.9)
    assert (audit.n_rows, audit.n_dropped, audit.n_no_prediction) == (6, 2, 1)
    assert audit.accuracy.iloc[0][["n", "correct"]].tolist() == [4, 2]
    assert NO_LABEL in audit.confusion.columns
    assert list(audit.disagreements["text"]) == ["c", "f"]
    assert "2 without a gold label dropped" in audit.summary()
    assert "1 without a prediction" in audit.summary()


# --- degenerate inputs -------------------------------------------------------------------------


def test_one_class_only() -> None:
    df = pd.DataFrame({"model_label": ["spam"] * 5, "gold_label": ["spam"] * 5})
    assert label_accuracy(df).iloc[0]["accuracy"] == 1.0
    assert per_class(df)[["precision", "recall", "f1"]].iloc[0].tolist() == [1.0, 1.0, 1.0]
    assert confusion(df).to_numpy().tolist() == [[5]]
    assert confused_pairs(df).empty


def test_empty_frame_gives_empty_but_valid_tables() -> None:
    df = pd.DataFrame(columns=["model_label", "gold_label", "note"])
    row = label_accuracy(df, target=0.9).iloc[0]
    assert row["n"] == 0 and np.isnan(row["accuracy"]) and row["meets_target"] == "inconclusive"
    assert per_class(df).empty and per_class(df).columns[0] == "label"
    assert confusion(df).empty
    assert confused_pairs(df).empty and "share" in confused_pairs(df).columns
    assert disagreements(df).empty
    assert label_accuracy(df, by="note").empty


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda df: label_accuracy(df, pred="label"), "lack column.*'label'"),
        (lambda df: label_accuracy(df.assign(gold_label=None)), "have no 'gold_label'"),
        (lambda df: label_accuracy(df, target=90), "target must be"),
        (lambda df: label_accuracy(df, alpha=0), "alpha must be"),
        (lambda df: label_accuracy(df, by="team"), "lack column.*'team'"),
        (lambda df: confused_pairs(df, top_n=0), "top_n"),
        (lambda df: disagreements(df, text="comment"), "'comment'"),
    ],
)
def test_invalid_input_raises_parameter_error(call: Any, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        call(labelled(20))


# --- the sample data's planted confusion -------------------------------------------------------


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return generate_sample(tmp_path_factory.mktemp("sample"), months=3, seed=0).out_dir


def test_sample_top_confused_pair_is_the_planted_one(sample_dir: Any) -> None:
    ai = pd.read_csv(sample_dir / "ai_labels.csv")
    truth = json.loads((sample_dir / "ground_truth.json").read_text(encoding="utf-8"))
    cause = next(c for c in truth["root_causes"] if c["type"] == "ai_confusion")
    planted = cause["segment"]
    top = confused_pairs(ai).iloc[0]
    assert (top["gold"], top["predicted"]) == (planted["gold_label"], planted["model_label"])
    assert top["share"] > 0.25
    per_label = label_accuracy(ai, target=0.9, by="gold_label").set_index("gold_label")
    assert per_label.loc[planted["gold_label"], "meets_target"] == "no"
    notes = disagreements(ai).query(
        "gold_label == @planted['gold_label'] and model_label == @planted['model_label']"
    )
    assert set(cause["row_ids"]) <= set(notes["item_id"])
