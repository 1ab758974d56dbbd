"""Themes at scale: the memory-mapped embedding cache, the sample fit + assignment, determinism."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import normalized_mutual_info_score
from test_embed import Counting  # the counting embedder double of the cache tests

from rca.themes.clustering import AutoKMeans, reduce_dimensions
from rca.themes.embedders import CachedEmbedder, FakeEmbedder
from rca.themes.embedding_store import EmbeddingStore
from rca.themes.model import ThemeModel
from rca.themes.sampling import cluster_embeddings, nearest_centroid


def _batches(n_batches: int, size: int = 20) -> list[list[str]]:
    return [
        [f"batch {b} text number {i} about refunds" for i in range(size)] for b in range(n_batches)
    ]


def test_cache_reads_only_the_shards_holding_the_texts(tmp_path, monkeypatch):
    batches = _batches(6)
    writer = CachedEmbedder(Counting(), tmp_path)
    for batch in batches:  # six calls, six shards
        writer.embed(batch)
    assert len(list(tmp_path.glob("shard-*.npy"))) == 6
    opened: list[tuple[str, object]] = []
    real_load = np.load

    def spy(file, *args, **kwargs):
        opened.append((str(file), kwargs.get("mmap_mode")))
        return real_load(file, *args, **kwargs)

    monkeypatch.setattr(np, "load", spy)
    reader = CachedEmbedder(Counting(), tmp_path)  # a fresh process
    got = reader.embed(batches[3][:5] + batches[3][:2])
    assert reader.misses == 0
    shards = [f for f, _ in opened if "shard-" in f]
    assert len(shards) == 1 and shards[0].endswith("shard-000003.npy")
    assert all(mode == "r" for _, mode in opened)  # index and shard memory-mapped, not read
    assert reader.store.shards_opened == 1
    np.testing.assert_allclose(got, FakeEmbedder().embed(batches[3][:5] + batches[3][:2]))


def test_cache_mixes_hits_and_misses_in_input_order(tmp_path):
    inner = Counting()
    cached = CachedEmbedder(inner, tmp_path, chunk_size=3)
    texts = ["a b c", "d e f", "a b c", "g h i", "j k l", "m n o", "d e f"]
    cached.embed(texts[:2])
    out = cached.embed(texts)
    assert (cached.hits, cached.misses) == (4, 3)  # hits per text, misses per distinct new text
    assert sorted(inner.seen) == sorted(set(texts))
    np.testing.assert_allclose(out, FakeEmbedder().embed(texts), atol=1e-6)
    assert len(EmbeddingStore(tmp_path)) == 5


def test_cache_converts_the_previous_npz_format_once(tmp_path):
    texts = ["old one", "old two"]
    from rca.text.keys import text_key

    vectors = FakeEmbedder().embed(texts)
    np.savez(tmp_path / "abc.npz", keys=np.array([text_key(t) for t in texts]), vectors=vectors)
    inner = Counting()
    cached = CachedEmbedder(inner, tmp_path)
    np.testing.assert_allclose(cached.embed(texts), vectors)
    assert inner.seen == [] and not list(tmp_path.glob("*.npz"))


def _blobs(
    n: int, k: int = 6, dim: int = 24, seed: int = 0
) -> tuple[list[str], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((k, dim)) * 3
    truth = rng.integers(0, k, n)
    emb = (centres[truth] + rng.standard_normal((n, dim))).astype(np.float32)
    words = ["refund", "login", "delivery", "invoice", "password", "courier"]
    texts = [f"{words[t]} issue {words[t]} problem case {i}" for i, t in enumerate(truth)]
    return texts, emb, truth


def test_below_the_threshold_clustering_is_the_full_fit():
    _, emb, _ = _blobs(600)
    got = cluster_embeddings(emb, n_clusters=None, min_cluster_size=None, sample_threshold=600)
    reduced = reduce_dimensions(emb)
    want = AutoKMeans().fit(reduced)
    assert got.fitted == 600
    np.testing.assert_array_equal(got.labels, want.labels_)
    np.testing.assert_array_equal(got.noise, want.noise_)


def test_nearest_centroid_matches_brute_force():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((500, 8)).astype(np.float32)
    c = rng.standard_normal((7, 8)).astype(np.float32)
    c /= np.linalg.norm(c, axis=1, keepdims=True)
    best, sims = nearest_centroid(x, c, chunk=64)
    ref = (x / np.linalg.norm(x, axis=1, keepdims=True)) @ c.T
    np.testing.assert_array_equal(best, ref.argmax(axis=1))
    np.testing.assert_allclose(sims, ref.max(axis=1), rtol=1e-5)


def test_sample_fit_assigns_every_text_deterministically():
    texts, emb, truth = _blobs(1200, k=5, dim=16)
    common = dict(embedder=FakeEmbedder(), n_themes=5, n_epochs=100, progress=False)
    params = dict(common, sample_threshold=1000, sample_size=500)
    model = ThemeModel(**params).fit(texts, embeddings=emb)
    assert model.n_fitted_ == 500 and model.timings_["assignment"] >= 0
    assert model.theme_info_["size"].sum() == 1200
    assert (model.themes_ >= 0).mean() > 0.95  # the other 700 texts were assigned too
    sample_nmi = normalized_mutual_info_score(truth, model.themes_)
    assert sample_nmi > 0.95
    again = ThemeModel(**params).fit(texts, embeddings=emb)
    np.testing.assert_array_equal(again.themes_, model.themes_)
    order = np.random.default_rng(2).permutation(1200)  # another input order, same partition
    shuffled = ThemeModel(**params).fit([texts[i] for i in order], embeddings=emb[order])
    assert normalized_mutual_info_score(shuffled.themes_, model.themes_[order]) == 1.0
    full = ThemeModel(**common, sample_threshold=None).fit(texts, embeddings=emb)
    assert full.n_fitted_ == 1200
    assert sample_nmi >= normalized_mutual_info_score(truth, full.themes_) - 0.02
