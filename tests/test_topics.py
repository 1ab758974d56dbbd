from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from rca.core.errors import ParameterError
from rca.themes.embedders import FakeEmbedder
from rca.themes.model import ThemeModel

THEMES = {
    "otp": "verification code otp sms never arrived received phone text message login",
    "refund": "refund money back waiting weeks processed paid bank transfer delayed payout",
    "macro": "agent macro outdated template old steps policy wrong reply copied script",
}


def corpus(per_theme: int = 40) -> tuple[list[str], list[str]]:
    """Texts drawn from three disjoint vocabularies, 4-7 words each."""
    rng = np.random.default_rng(0)
    texts, labels = [], []
    for label, vocab in THEMES.items():
        words = vocab.split()
        for _ in range(per_theme):
            k = int(rng.integers(4, 8))
            texts.append(" ".join(rng.choice(words, size=k, replace=False)))
            labels.append(label)
    return texts, labels


@pytest.fixture(scope="module")
def fitted():
    texts, labels = corpus()
    return ThemeModel(embedder=FakeEmbedder(dim=64), random_state=0).fit(texts), texts, labels


def test_fit_finds_the_planted_themes(fitted):
    model, texts, labels = fitted
    assert model.themes_.shape == (len(texts),)
    assert adjusted_rand_score(labels, model.themes_) > 0.8
    info = model.theme_info_
    assert {"theme_id", "theme_label", "size", "keywords", "examples"} <= set(info.columns)
    assert info["size"].sum() == len(texts)


def test_same_seed_same_assignments(fitted):
    model, texts, _ = fitted
    again = ThemeModel(embedder=FakeEmbedder(dim=64), random_state=0).fit(texts)
    np.testing.assert_array_equal(model.themes_, again.themes_)
    assert model.theme_info_.equals(again.theme_info_)


def test_shuffled_order_gives_same_partition(fitted):
    model, texts, _ = fitted
    perm = np.random.default_rng(7).permutation(len(texts))
    shuffled = ThemeModel(embedder=FakeEmbedder(dim=64), random_state=0).fit(
        [texts[i] for i in perm]
    )
    assert adjusted_rand_score(model.themes_[perm], shuffled.themes_) >= 0.95


def test_transform_assigns_new_texts(fitted):
    model, texts, _ = fitted
    topics, conf = model.transform(texts[:5])
    np.testing.assert_array_equal(topics, model.themes_[:5])
    assert ((conf > 0) & (conf <= 1.0 + 1e-6)).all()


def test_save_and_load_in_a_fresh_process(fitted, tmp_path):
    model, texts, _ = fitted
    model.save(tmp_path / "m")
    expected, _ = model.transform(texts)
    code = textwrap.dedent(
        f"""
        import json, sys
        from rca.themes.embedders import FakeEmbedder
        from rca.themes.model import ThemeModel
        texts = json.load(sys.stdin)
        m = ThemeModel.load({str(tmp_path / "m")!r}, embedder=FakeEmbedder(dim=64))
        print(json.dumps(m.transform(texts)[0].tolist()))
        """
    )
    import json

    out = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(texts), capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    assert json.loads(out.stdout) == expected.tolist()


@pytest.mark.parametrize(
    "texts",
    [[], ["only one text"], ["same text"] * 40, ["a b", "c d", "e f"]],
    ids=["empty", "single", "all-identical", "fewer-than-min-size"],
)
def test_degenerate_inputs_give_empty_but_valid_models(texts):
    model = ThemeModel(embedder=FakeEmbedder(), random_state=0).fit(texts)
    assert len(model.themes_) == len(texts)
    assert (model.themes_ == -1).all()
    assert model.theme_info_["size"].sum() == len(texts)


@pytest.mark.parametrize("bad", [{"n_themes": 1}, {"n_themes": "many"}, {"min_theme_size": 1}])
def test_invalid_parameters_are_clear_errors(bad):
    with pytest.raises(ParameterError):
        ThemeModel(embedder=FakeEmbedder(), **bad).fit(corpus(2)[0])


def test_transform_before_fit_is_a_clear_error():
    with pytest.raises(ParameterError, match="not fitted"):
        ThemeModel().transform(["x"])


@pytest.mark.real
def test_real_minilm_bertopic_fit_on_banking77_sample(banking77):
    df = banking77.groupby("category").head(12).head(600)
    model = ThemeModel(embedder="minilm", random_state=0).fit(df["text"].tolist())
    ari = adjusted_rand_score(df["category"], model.themes_)
    assert model.bertopic_ is not None
    assert len(model.theme_info_) >= 10
    assert ari > 0.2, ari


def test_topics_over_time_and_per_class(fitted):
    model, texts, labels = fitted
    n = len(texts)
    dates = ["2026-09-03"] * (n // 2) + ["2026-10-05"] * (n - n // 2)
    over = model.topics_over_time(dates)
    assert set(over["period"]) == {"2026-09", "2026-10"}
    assert over["n"].sum() == n
    assert over.groupby("period")["share"].sum().round(9).eq(1).all()
    weekly = model.topics_over_time(dates, freq="week")
    assert set(weekly["period"]) == {"2026-08-31", "2026-10-05"}
    per = model.topics_per_class(labels, name="market")
    assert per.groupby("market")["n"].sum().to_dict() == {k: labels.count(k) for k in set(labels)}
    with pytest.raises(ParameterError, match="freq"):
        model.topics_over_time(dates, freq="day")
    with pytest.raises(ParameterError, match="values for"):
        model.topics_per_class(labels[:3])
