"""Themes in short support and audit texts: a BERTopic pipeline with scikit-learn conventions.

`TopicModel` stores its settings in ``__init__``, does the work in `TopicModel.fit` and keeps
what it learned in attributes ending in ``_``. The same texts and ``random_state`` give the same
themes, and because texts are put in a canonical order before fitting, the same texts in another
order give the same partition too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rca.embed import Embedder, get_embedder
from rca.errors import ParameterError

__all__ = ["STOP_WORDS", "TopicModel"]

#: Domain stop words on top of scikit-learn's English list: redaction placeholders, publishers'
#: ``XXXX`` masks and filler that support text is full of.
STOP_WORDS: frozenset[str] = frozenset(
    {
        "xxxx", "xx", "xxx", "email", "phone", "url", "handle", "card", "number",
        "hi", "hello", "thanks", "thank", "pls", "please", "im", "ive", "dont", "didnt",
        "doesnt", "cant", "wont", "u", "ur", "ok", "okay", "just", "really", "also", "got",
        "get", "would", "could", "one", "still", "yet", "even",
    }
)  # fmt: skip

_SETTINGS_FILE = "rca_topic_settings.json"


def _canonical_order(texts: Sequence[str]) -> np.ndarray:
    keys = [hashlib.blake2b(t.encode("utf-8"), digest_size=8).hexdigest() + t for t in texts]
    return np.argsort(np.array(keys, dtype=object), kind="stable")


def _label(keywords: Sequence[str], n: int = 3) -> str:
    words = [w for w in keywords if w][:n]
    return " / ".join(words).capitalize() if words else "Unlabelled"


class TopicModel:
    """Cluster texts into themes with BERTopic (seeded UMAP + HDBSCAN, c-TF-IDF keywords).

    Parameters
    ----------
    embedder
        Backend name (``minilm``, ``static``, ``tfidf``, ``fake``), a model directory, or an
        `Embedder` instance.
    n_topics
        ``"auto"`` to keep the clusters HDBSCAN finds, or a number of themes to reduce to.
    min_topic_size
        Smallest theme; ``None`` picks one from the corpus size.
    reduce_outliers
        Reassign unassigned texts to their nearest theme when similar enough.
    outlier_threshold
        Minimum cosine similarity to a theme's centroid for a reassignment.
    n_neighbors, n_components
        UMAP settings.
    random_state
        Seed for UMAP and every other random step.
    verbose
        Show progress of the underlying fit.

    Attributes
    ----------
    topics_ : ndarray of int
        Theme of each fitted text, in input order; ``-1`` is unassigned.
    confidence_ : ndarray of float
        Cosine similarity of each text to its theme's centroid (0 for unassigned).
    topic_info_ : DataFrame
        One row per theme: ``topic_id``, ``topic_label``, ``size``, ``keywords``, ``examples``.
    outlier_share_raw_, outlier_share_ : float
        Share of unassigned texts before and after outlier reduction.
    """

    def __init__(
        self,
        embedder: str | Path | Embedder = "minilm",
        n_topics: int | str = "auto",
        min_topic_size: int | None = None,
        reduce_outliers: bool = True,
        outlier_threshold: float = 0.3,
        n_neighbors: int = 15,
        n_components: int = 5,
        random_state: int = 0,
        verbose: bool = False,
    ) -> None:
        self.embedder = embedder
        self.n_topics = n_topics
        self.min_topic_size = min_topic_size
        self.reduce_outliers = reduce_outliers
        self.outlier_threshold = outlier_threshold
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.random_state = random_state
        self.verbose = verbose

    # -- helpers ---------------------------------------------------------------------------
    def _get_embedder(self) -> Embedder:
        if isinstance(self.embedder, str | Path):
            return get_embedder(self.embedder)
        return self.embedder

    def _min_size(self, n: int) -> int:
        if self.min_topic_size is not None:
            return int(self.min_topic_size)
        return int(max(5, min(50, round(n / 400))))

    def _check_params(self) -> None:
        if not (self.n_topics == "auto" or (isinstance(self.n_topics, int) and self.n_topics > 1)):
            raise ParameterError(
                f"n_topics must be 'auto' or an integer > 1, got {self.n_topics!r}"
            )
        if self.min_topic_size is not None and self.min_topic_size < 2:
            raise ParameterError(f"min_topic_size must be >= 2, got {self.min_topic_size}")

    def _build(self, n: int) -> Any:
        from bertopic import BERTopic
        from bertopic.vectorizers import ClassTfidfTransformer
        from hdbscan import HDBSCAN
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer
        from umap import UMAP

        min_size = self._min_size(n)
        stop = sorted(ENGLISH_STOP_WORDS | STOP_WORDS)
        vectorizer = CountVectorizer(
            stop_words=stop, ngram_range=(1, 2), min_df=2 if n >= 50 else 1,
            token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b",
        )  # fmt: skip
        umap = UMAP(
            n_neighbors=min(self.n_neighbors, n - 1),
            n_components=self.n_components,
            min_dist=0.0,
            metric="cosine",
            random_state=self.random_state,
            low_memory=True,
        )
        hdbscan = HDBSCAN(
            min_cluster_size=min_size,
            min_samples=max(1, min_size // 2),
            metric="euclidean",
            cluster_selection_method="eom",
            prediction_data=True,
        )
        return BERTopic(
            embedding_model=None,
            umap_model=umap,
            hdbscan_model=hdbscan,
            vectorizer_model=vectorizer,
            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
            nr_topics=None if self.n_topics == "auto" else int(self.n_topics),
            calculate_probabilities=False,
            verbose=self.verbose,
        )

    # -- fitting ---------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> TopicModel:
        """Find themes in ``texts``.

        Parameters
        ----------
        texts
            Cleaned and redacted texts.
        embeddings
            Precomputed embeddings, one row per text; computed with ``embedder`` if omitted.

        Returns
        -------
        TopicModel
            ``self``, fitted.
        """
        self._check_params()
        texts = [str(t) for t in texts]
        n = len(texts)
        embedder = self._get_embedder()
        self.embedder_name_ = embedder.name
        if embeddings is None:
            embeddings = embedder.embed(texts) if n else np.zeros((0, 1), dtype=np.float32)
        if len(embeddings) != n:
            raise ParameterError(f"got {len(embeddings)} embeddings for {n} texts")
        order = _canonical_order(texts)
        sorted_texts = [texts[i] for i in order]
        sorted_emb = np.asarray(embeddings, dtype=np.float32)[order]

        min_size = self._min_size(n)
        topics_sorted = np.full(n, -1, dtype=int)
        self.bertopic_: Any = None
        if n >= max(3 * min_size, 15) and len(set(sorted_texts)) > 2:
            model = self._build(n)
            assigned, _ = model.fit_transform(sorted_texts, embeddings=sorted_emb)
            topics_sorted = np.asarray(assigned, dtype=int)
            self.bertopic_ = model
        self.outlier_share_raw_ = float(np.mean(topics_sorted == -1)) if n else 0.0

        centroids = self._centroids(topics_sorted, sorted_emb)
        conf_sorted = np.zeros(n, dtype=float)
        if centroids:
            ids = np.array(sorted(centroids))
            mat = np.vstack([centroids[i] for i in ids])
            sims = _unit(sorted_emb) @ mat.T
            own = topics_sorted >= 0
            col = {t: j for j, t in enumerate(ids)}
            conf_sorted[own] = sims[own, [col[t] for t in topics_sorted[own]]]
            if self.reduce_outliers:
                out = ~own
                best = sims[out].argmax(axis=1)
                ok = sims[out, best] >= self.outlier_threshold
                idx = np.flatnonzero(out)[ok]
                topics_sorted[idx] = ids[best[ok]]
                conf_sorted[idx] = sims[idx, best[ok]]
        if self.bertopic_ is not None and self.reduce_outliers:
            self.bertopic_.update_topics(sorted_texts, topics=topics_sorted.tolist())

        inverse = np.empty(n, dtype=int)
        inverse[order] = np.arange(n)
        self.topics_ = topics_sorted[inverse]
        self.confidence_ = conf_sorted[inverse]
        self.outlier_share_ = float(np.mean(self.topics_ == -1)) if n else 0.0
        self.centroids_ = centroids
        self.topic_info_ = self._topic_info(texts)
        return self

    @staticmethod
    def _centroids(topics: np.ndarray, emb: np.ndarray) -> dict[int, np.ndarray]:
        unit = _unit(emb)
        out: dict[int, np.ndarray] = {}
        for t in sorted(set(topics.tolist()) - {-1}):
            c = unit[topics == t].mean(axis=0)
            out[int(t)] = c / (np.linalg.norm(c) or 1.0)
        return out

    def _topic_info(self, texts: Sequence[str]) -> pd.DataFrame:
        rows = []
        sizes = pd.Series(self.topics_).value_counts()
        for t in sorted(sizes.index):
            if t == -1:
                keywords: list[str] = []
                label = "Unassigned"
            else:
                words = self.bertopic_.get_topic(int(t)) if self.bertopic_ is not None else []
                keywords = [w for w, _ in (words or [])][:10]
                label = _label(keywords)
            members = np.flatnonzero(self.topics_ == t)
            best = members[np.argsort(-self.confidence_[members], kind="stable")][:3]
            rows.append(
                {
                    "topic_id": int(t),
                    "topic_label": label,
                    "size": int(sizes[t]),
                    "keywords": ", ".join(keywords),
                    "examples": [texts[i] for i in best],
                }
            )
        info = pd.DataFrame(
            rows, columns=["topic_id", "topic_label", "size", "keywords", "examples"]
        )
        return info.sort_values(["size", "topic_id"], ascending=[False, True]).reset_index(
            drop=True
        )

    # -- use -------------------------------------------------------------------------------
    def transform(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Assign new texts to the fitted themes by similarity to their centroids.

        Returns
        -------
        topics, confidence
            Theme id (``-1`` below ``outlier_threshold``) and cosine similarity per text.
        """
        if not hasattr(self, "centroids_"):
            raise ParameterError("TopicModel is not fitted yet: call fit() first")
        texts = [str(t) for t in texts]
        if embeddings is None:
            embeddings = self._get_embedder().embed(texts)
        if not self.centroids_ or not texts:
            return np.full(len(texts), -1, dtype=int), np.zeros(len(texts))
        ids = np.array(sorted(self.centroids_))
        sims = _unit(np.asarray(embeddings)) @ np.vstack([self.centroids_[i] for i in ids]).T
        best = sims.argmax(axis=1)
        conf = sims[np.arange(len(texts)), best]
        topics = np.where(conf >= self.outlier_threshold, ids[best], -1)
        return topics.astype(int), np.where(topics >= 0, conf, 0.0)

    def labels(self) -> dict[int, str]:
        """Return ``{topic_id: topic_label}`` including ``-1``."""
        info = self.topic_info_
        out = dict(zip(info["topic_id"].astype(int), info["topic_label"], strict=True))
        out.setdefault(-1, "Unassigned")
        return out

    def get_params(self) -> dict[str, Any]:
        """Return the constructor parameters (scikit-learn style)."""
        keys = (
            "n_topics", "min_topic_size", "reduce_outliers", "outlier_threshold",
            "n_neighbors", "n_components", "random_state", "verbose",
        )  # fmt: skip
        params = {k: getattr(self, k) for k in keys}
        params["embedder"] = (
            self.embedder
            if isinstance(self.embedder, str)
            else str(getattr(self.embedder, "name", self.embedder))
        )
        return params

    # -- persistence -----------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Save the fitted model to a folder (settings, centroids, themes; JSON + npz)."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        ids = sorted(self.centroids_)
        np.savez(
            path / "centroids.npz",
            ids=np.array(ids, dtype=int),
            centroids=np.vstack([self.centroids_[i] for i in ids]) if ids else np.zeros((0, 1)),
        )
        info = self.topic_info_.copy()
        info["examples"] = info["examples"].map(json.dumps)
        info.to_csv(path / "topic_info.csv", index=False)
        settings = {
            "params": self.get_params(),
            "embedder_name": self.embedder_name_,
            "outlier_share_raw": self.outlier_share_raw_,
            "outlier_share": self.outlier_share_,
        }
        (path / _SETTINGS_FILE).write_text(json.dumps(settings, indent=2, sort_keys=True))
        return path

    @classmethod
    def load(cls, path: str | Path, embedder: str | Path | Embedder | None = None) -> TopicModel:
        """Load a model saved with `save`; ``transform`` works, offline, in a fresh process."""
        path = Path(path)
        settings = json.loads((path / _SETTINGS_FILE).read_text())
        params = dict(settings["params"])
        if embedder is not None:
            params["embedder"] = embedder
        model = cls(**params)
        with np.load(path / "centroids.npz") as data:
            model.centroids_ = {
                int(i): c for i, c in zip(data["ids"], data["centroids"], strict=True)
            }
        info = pd.read_csv(path / "topic_info.csv", keep_default_na=False)
        info["examples"] = info["examples"].map(json.loads)
        model.topic_info_ = info
        model.embedder_name_ = settings["embedder_name"]
        model.outlier_share_raw_ = settings["outlier_share_raw"]
        model.outlier_share_ = settings["outlier_share"]
        model.bertopic_ = None
        return model


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms
