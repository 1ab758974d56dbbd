"""Themes in short support and audit texts: a BERTopic pipeline with scikit-learn conventions.

`ThemeModel` stores its settings in ``__init__``, does the work in `ThemeModel.fit` and keeps
what it learned in attributes ending in ``_``. The same texts and ``random_state`` give the same
themes, and because texts are put in a canonical order before fitting, the same texts in another
order give the same partition too. Each theme's keywords, label and examples come from
`rca.themes.keywords`.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rca.core.errors import ParameterError
from rca.themes.embedders import CachedEmbedder, Embedder, get_embedder
from rca.themes.keywords import fit_keywords, theme_info
from rca.themes.languages import center_languages, resolve_embedder
from rca.themes.naming import name_theme_info
from rca.themes.sampling import (
    SAMPLE_SIZE,
    SAMPLE_THRESHOLD,
    cluster_embeddings,
    similarity_to_own_centroid,
)
from rca.themes.vectors import unit_rows

__all__ = ["ThemeModel"]

_LOG = logging.getLogger(__name__)


def _canonical_order(texts: Sequence[str]) -> np.ndarray:
    keys = [hashlib.blake2b(t.encode("utf-8"), digest_size=8).hexdigest() + t for t in texts]
    return np.argsort(np.array(keys, dtype=object), kind="stable")


class ThemeModel:
    """Cluster texts into themes (`rca.themes.clustering`) described by c-TF-IDF keywords.

    Parameters
    ----------
    embedder
        ``auto`` (by the texts' languages, see `rca.themes.languages`), a backend name
        (``minilm``, ``e5``, ``static``, ``tfidf``, ``fake``), a model directory, or an
        `Embedder` instance.
    n_themes
        ``"auto"`` to let HDBSCAN count the themes, or the number of themes wanted.
    min_theme_size
        HDBSCAN's minimum cluster size when counting; ``None`` uses ``max(10, sqrt(n) / 3)``.
    reduce_outliers
        Keep texts HDBSCAN saw as noise in their nearest theme when similar enough to it;
        otherwise they are all left unassigned.
    outlier_threshold
        Minimum cosine similarity to the theme's centroid for such a text to keep its theme.
    n_neighbors, n_components, n_epochs
        UMAP settings (``n_epochs=None``: see `rca.themes.clustering.reduce_dimensions`).
    random_state
        Seed for UMAP and every other random step.
    verbose
        Show progress of the underlying fit.
    center_languages
        With a multilingual embedder, remove each language's mean vector before clustering
        (`rca.themes.vectors.center_by_language`).
    sample_threshold, sample_size
        Above ``sample_threshold`` texts (``None``: never) UMAP, HDBSCAN and KMeans are fitted
        on a deterministic sample of ``sample_size`` texts, keywords and names come from that
        sample, and every other text goes to its nearest theme centroid
        (`rca.themes.sampling`). At or below it, every text is fitted.
    progress
        Progress bars for the long steps (only on a terminal; see `rca.themes.progress`).

    Attributes
    ----------
    themes_ : ndarray of int
        Theme of each fitted text, in input order; ``-1`` is unassigned.
    confidence_ : ndarray of float
        Cosine similarity of each text to its theme's centroid (0 for unassigned).
    theme_info_ : DataFrame
        One row per theme: ``theme_id``, ``theme_label`` (a phrase of its texts,
        `rca.themes.naming`), ``size``, ``keywords``, ``keyword_label`` (the keywords joined),
        ``examples``.
    outlier_share_raw_, outlier_share_ : float
        Share of unassigned texts before and after outlier reduction.
    backend_ : str
        The backend used (what ``auto`` chose).
    language_means_ : dict
        Mean vector per language removed before clustering (empty when not centred).
    n_fitted_ : int
        Texts the clustering was fitted on (all of them unless sampled).
    timings_ : dict
        Seconds per step of the last fit (``embed``, ``neighbours``, ``layout``, ``clustering``,
        ``assignment``, ``keywords``, ``names``), also logged at INFO level.
    """

    def __init__(
        self,
        embedder: str | Path | Embedder = "auto",
        n_themes: int | str = "auto",
        min_theme_size: int | None = None,
        reduce_outliers: bool = True,
        outlier_threshold: float = 0.3,
        n_neighbors: int = 15,
        n_components: int = 5,
        n_epochs: int | None = None,
        random_state: int = 0,
        verbose: bool = False,
        center_languages: bool = True,
        sample_threshold: int | None = SAMPLE_THRESHOLD,
        sample_size: int = SAMPLE_SIZE,
        progress: bool = True,
    ) -> None:
        self.embedder = embedder
        self.n_themes = n_themes
        self.min_theme_size = min_theme_size
        self.reduce_outliers = reduce_outliers
        self.outlier_threshold = outlier_threshold
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.n_epochs = n_epochs
        self.random_state = random_state
        self.verbose = verbose
        self.center_languages = center_languages
        self.sample_threshold = sample_threshold
        self.sample_size = sample_size
        self.progress = progress

    # -- helpers ---------------------------------------------------------------------------
    def _get_embedder(self) -> Embedder:
        if hasattr(self, "embedder_"):
            return self.embedder_
        if isinstance(self.embedder, str | Path):
            return get_embedder(getattr(self, "backend_", None) or self.embedder)
        return self.embedder

    def _language_means(self) -> dict[str, np.ndarray]:
        return dict(getattr(self, "language_means_", {}))

    def _min_size(self, n: int) -> int:
        if self.min_theme_size is not None:
            return int(self.min_theme_size)
        return int(max(10, round(np.sqrt(n) / 3)))

    def _check_params(self) -> None:
        if not (self.n_themes == "auto" or (isinstance(self.n_themes, int) and self.n_themes > 1)):
            raise ParameterError(
                f"n_themes must be 'auto' or an integer > 1, got {self.n_themes!r}"
            )
        if self.min_theme_size is not None and self.min_theme_size < 2:
            raise ParameterError(f"min_theme_size must be >= 2, got {self.min_theme_size}")

    # -- fitting ---------------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray | None = None,
        languages: Sequence[str] | None = None,
    ) -> ThemeModel:
        """Find themes in ``texts``.

        Parameters
        ----------
        texts
            Cleaned and redacted texts.
        embeddings
            Precomputed embeddings, one row per text; computed with ``embedder`` if omitted.
        languages
            Language code per text (`rca.text.language.detect_languages`); detected here when
            ``auto`` or a multilingual embedder needs them and they are not given.

        Returns
        -------
        ThemeModel
            ``self``, fitted.
        """
        self._check_params()
        texts = [str(t) for t in texts]
        n = len(texts)
        embedder, self.backend_, langs = resolve_embedder(self.embedder, texts, languages)
        self.embedder_, self.embedder_name_ = embedder, embedder.name
        if isinstance(self.embedder, str | Path) and isinstance(embedder, CachedEmbedder):
            embedder.progress = self.progress  # one we built: it follows our switch
        clock = time.perf_counter()
        self.timings_: dict[str, float] = {}
        if embeddings is None:
            embeddings = embedder.embed(texts) if n else np.zeros((0, 1), dtype=np.float32)
            self.timings_["embed"] = time.perf_counter() - clock
        if len(embeddings) != n:
            raise ParameterError(f"got {len(embeddings)} embeddings for {n} texts")
        centre_by = langs if self.center_languages else None
        embeddings, self.language_means_ = center_languages(embedder, embeddings, texts, centre_by)
        order = _canonical_order(texts)
        sorted_texts = [texts[i] for i in order]
        sorted_emb = np.asarray(embeddings, dtype=np.float32)[order]

        labels = np.full(n, -1, dtype=int)
        noise = np.zeros(n, dtype=bool)
        self.bertopic_: Any = None
        self.n_clusters_ = 0
        self.n_fitted_ = n
        if n >= max(3 * self._min_size(n), 15) and len(set(sorted_texts)) > 2:
            clusters = cluster_embeddings(
                sorted_emb,
                n_clusters=None if self.n_themes == "auto" else int(self.n_themes),
                min_cluster_size=self.min_theme_size,
                n_neighbors=self.n_neighbors,
                n_components=self.n_components,
                n_epochs=self.n_epochs,
                random_state=self.random_state,
                sample_threshold=self.sample_threshold,
                sample_size=self.sample_size,
                progress=self.progress,
            )
            labels, noise = clusters.labels, clusters.noise
            self.n_clusters_, self.n_fitted_ = clusters.n_clusters, clusters.fitted
            self.timings_.update(clusters.timings)
        fit = slice(0, self.n_fitted_)  # keywords and names come from the fitted texts
        self.outlier_share_raw_ = float(noise[fit].mean()) if n else 0.0
        # Texts HDBSCAN saw as noise keep their KMeans theme only when close enough to it.
        conf = similarity_to_own_centroid(labels, sorted_emb)
        weak = noise & (conf < self.outlier_threshold) if self.reduce_outliers else noise
        labels[weak] = -1
        clock = time.perf_counter()
        if (labels[fit] >= 0).any():
            sorted_langs = None if langs is None else [langs[i] for i in order]
            before = labels[fit].copy()
            self.bertopic_, labels[fit] = fit_keywords(
                sorted_texts[fit], sorted_emb[fit], labels[fit], verbose=self.verbose,
                languages=None if sorted_langs is None else sorted_langs[fit],
            )  # fmt: skip
            if self.n_fitted_ < n:  # BERTopic renumbers themes: the assigned texts follow
                top = max(int(before.max()), int(labels[self.n_fitted_ :].max()))
                renumber = np.full(top + 2, -1, dtype=int)  # [-1] (the last) stays -1
                renumber[before] = labels[fit]
                labels[self.n_fitted_ :] = renumber[labels[self.n_fitted_ :]]
        self.timings_["keywords"] = time.perf_counter() - clock
        centroids = self._centroids(labels, sorted_emb)
        conf_sorted = np.where(labels >= 0, similarity_to_own_centroid(labels, sorted_emb), 0.0)
        topics_sorted = labels

        inverse = np.empty(n, dtype=int)
        inverse[order] = np.arange(n)
        self.themes_ = topics_sorted[inverse]
        self.confidence_ = conf_sorted[inverse]
        self.outlier_share_ = float(np.mean(self.themes_ == -1)) if n else 0.0
        self.centroids_ = centroids
        clock = time.perf_counter()
        info = theme_info(self.themes_, self.confidence_, texts, self.bertopic_)
        if self.n_fitted_ < n:  # names from the fitted sample, sizes and examples from all
            self.theme_info_ = name_theme_info(
                info, sorted_texts[fit], labels[fit], centroids, embedder,
                languages=None if langs is None else [langs[i] for i in order[fit]],
            )  # fmt: skip
        else:
            self.theme_info_ = name_theme_info(
                info, texts, self.themes_, centroids, embedder, languages=langs
            )
        self.timings_["names"] = time.perf_counter() - clock
        for step, seconds in self.timings_.items():
            _LOG.info("themes: %s %.1f s (%d texts)", step, seconds, n)
        return self

    @staticmethod
    def _centroids(topics: np.ndarray, emb: np.ndarray) -> dict[int, np.ndarray]:
        unit = unit_rows(emb)
        out: dict[int, np.ndarray] = {}
        for t in sorted(set(topics.tolist()) - {-1}):
            c = unit[topics == t].mean(axis=0)
            out[int(t)] = c / (np.linalg.norm(c) or 1.0)
        return out

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
            raise ParameterError("ThemeModel is not fitted yet: call fit() first")
        texts = [str(t) for t in texts]
        embedder = self._get_embedder()
        if embeddings is None:
            embeddings = embedder.embed(texts)
        embeddings = center_languages(embedder, embeddings, texts, means=self._language_means())[0]
        if not self.centroids_ or not texts:
            return np.full(len(texts), -1, dtype=int), np.zeros(len(texts))
        ids = np.array(sorted(self.centroids_))
        sims = unit_rows(np.asarray(embeddings)) @ np.vstack([self.centroids_[i] for i in ids]).T
        best = sims.argmax(axis=1)
        conf = sims[np.arange(len(texts)), best]
        topics = np.where(conf >= self.outlier_threshold, ids[best], -1)
        return topics.astype(int), np.where(topics >= 0, conf, 0.0)

    def _shares(self, key: pd.Series, name: str) -> pd.DataFrame:
        if len(key) != len(self.themes_):
            raise ParameterError(f"got {len(key)} {name} values for {len(self.themes_)} texts")
        df = pd.DataFrame({name: key.to_numpy(), "theme_id": self.themes_})
        counts = df.groupby([name, "theme_id"], observed=True).size().rename("n").reset_index()
        totals = counts.groupby(name, observed=True)["n"].transform("sum")
        counts["share"] = counts["n"] / totals
        counts["theme_label"] = counts["theme_id"].map(self.labels())
        return counts[[name, "theme_id", "theme_label", "n", "share"]]

    def topics_over_time(self, timestamps: Sequence[Any], freq: str = "month") -> pd.DataFrame:
        """Count fitted texts per theme and period.

        Parameters
        ----------
        timestamps
            One date per fitted text (input order).
        freq
            ``"month"`` (YYYY-MM) or ``"week"`` (date of the week's Monday).

        Returns
        -------
        DataFrame
            ``period``, ``theme_id``, ``theme_label``, ``n``, ``share`` (of the period's texts).
        """
        dates = pd.to_datetime(pd.Series(list(timestamps)))
        if freq == "month":
            period = dates.dt.strftime("%Y-%m")
        elif freq == "week":
            period = (dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.strftime(
                "%Y-%m-%d"
            )
        else:
            raise ParameterError(f"freq must be 'month' or 'week', got {freq!r}")
        return self._shares(period, "period")

    def topics_per_class(self, classes: Sequence[Any], name: str = "class") -> pd.DataFrame:
        """Count fitted texts per theme and class (market, queue, team...).

        Returns
        -------
        DataFrame
            ``<name>``, ``theme_id``, ``theme_label``, ``n``, ``share`` (of the class's texts).
        """
        return self._shares(pd.Series(list(classes)).astype(str), name)

    def labels(self) -> dict[int, str]:
        """Return ``{theme_id: theme_label}`` including ``-1``."""
        info = self.theme_info_
        out = dict(zip(info["theme_id"].astype(int), info["theme_label"], strict=True))
        out.setdefault(-1, "Unassigned")
        return out

    def get_params(self) -> dict[str, Any]:
        """Return the constructor parameters (scikit-learn style)."""
        keys = (
            "n_themes", "min_theme_size", "reduce_outliers", "outlier_threshold",
            "n_neighbors", "n_components", "n_epochs", "random_state", "verbose",
            "center_languages", "sample_threshold", "sample_size", "progress",
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
        """Save the fitted model to a folder.

        Our settings and themes go to JSON/CSV, theme centroids to ``.npz``, and the BERTopic
        representation (c-TF-IDF, keywords, topic embeddings) to BERTopic's safetensors format.
        Nothing of the embedding model is saved: it is named in the settings and comes from its
        package when loading.
        """
        from rca.themes.model_io import save_model

        return save_model(self, path)

    @classmethod
    def load(cls, path: str | Path, embedder: str | Path | Embedder | None = None) -> ThemeModel:
        """Load a model saved with `save`; ``transform`` works, offline, in a fresh process."""
        from rca.themes.model_io import load_model

        return load_model(cls, path, embedder)
