from __future__ import annotations

import numpy as np
import pytest

from rca.core.errors import ParameterError
from rca.themes.embedders import CachedEmbedder, FakeEmbedder, TfidfEmbedder, get_embedder

TEXTS = [
    "verification code never arrived",
    "the code did not arrive by sms",
    "refund not processed after two weeks",
    "still waiting for my refund",
    "agent was rude and unhelpful",
]


@pytest.mark.parametrize("embedder", [FakeEmbedder(), TfidfEmbedder(n_components=3)])
def test_model_free_backends_are_deterministic_and_normalised(embedder):
    a = embedder.embed(TEXTS)
    b = embedder.embed(TEXTS)
    assert a.shape[0] == len(TEXTS)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-5)


def test_fake_embedder_puts_similar_texts_closer():
    e = FakeEmbedder(dim=128).embed(TEXTS)
    sims = e @ e.T
    assert sims[0, 1] > sims[0, 4]
    assert sims[2, 3] > sims[2, 4]


class Counting:
    name = "counting"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts):
        self.seen.extend(texts)
        return FakeEmbedder().embed(texts)


def test_cache_embeds_each_text_once(tmp_path):
    inner = Counting()
    cached = CachedEmbedder(inner, tmp_path)
    first = cached.embed(TEXTS[:3])
    second = cached.embed(TEXTS)  # 3 hits, 2 misses
    assert sorted(inner.seen[:3]) == sorted(TEXTS[:3])
    assert sorted(inner.seen[3:]) == sorted(TEXTS[3:])  # only the new texts were embedded
    assert (cached.hits, cached.misses) == (3, 2)
    np.testing.assert_allclose(second[:3], first)
    again = CachedEmbedder(Counting(), tmp_path)  # a fresh process reads the shards
    np.testing.assert_allclose(again.embed(TEXTS), second)
    assert again.misses == 0


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(ParameterError, match="unknown backend 'bert'"):
        get_embedder("bert")


def test_model_dir_without_config_is_a_clear_error(tmp_path):
    emb = get_embedder(tmp_path, cache=False)
    with pytest.raises(ParameterError, match="not a sentence-transformers model"):
        emb.embed(["x"])


@pytest.mark.real
def test_minilm_runs_offline_and_groups_paraphrases(no_network, tmp_path):
    emb = get_embedder("minilm", cache=False, show_progress=False)
    vecs = emb.embed(TEXTS)
    assert vecs.shape == (5, 384)
    sims = vecs @ vecs.T
    assert sims[0, 1] > 0.5 > sims[0, 4]
    assert sims[2, 3] > sims[2, 4]


@pytest.mark.real
def test_static_backend_is_distilled_once_then_loaded_offline(no_network):
    """First use distils from the packaged MiniLM into the user cache; later uses load it."""
    from rca.themes.static_embedder import StaticEmbedder, distilled_model_dir

    emb = get_embedder("static", cache=False)
    assert isinstance(emb, StaticEmbedder)
    vecs = emb.embed(TEXTS)
    assert vecs.shape == (5, 256)
    assert (distilled_model_dir() / "config.json").exists()
    sims = vecs @ vecs.T
    assert sims[2, 3] > sims[2, 4]
    np.testing.assert_allclose(StaticEmbedder().embed(TEXTS), vecs, rtol=1e-6)
