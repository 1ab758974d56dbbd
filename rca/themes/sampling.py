"""Clustering that scales: the full fit up to a threshold, a sample fit plus assignment above it.

Up to `SAMPLE_THRESHOLD` texts the themes are fitted on every text exactly as before (seeded
UMAP on exact neighbours, HDBSCAN to count, KMeans to assign: `rca.themes.clustering`). Above
it, UMAP + HDBSCAN + KMeans are fitted on a deterministic sample of `SAMPLE_SIZE` texts -- the
first rows of the canonical (text-hash) order, which is a uniform random sample that does not
depend on the input order -- and every other text goes to the theme with the nearest centroid in
embedding space (the rule `rca.themes.model.ThemeModel.transform` uses for new texts): the fit
costs the same at any n, and assignment is one matrix product per chunk, linear in n.
``benchmarks/scale.py`` measures the quality cost of sampling (NMI of the sample fit vs the full
fit on labelled corpora) and the alternatives' speed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from rca.themes.clustering import AutoKMeans, reduce_dimensions
from rca.themes.vectors import unit_rows

__all__ = [
    "EXACT_KNN_LIMIT",
    "SAMPLE_SIZE",
    "SAMPLE_THRESHOLD",
    "Clusters",
    "cluster_embeddings",
    "nearest_centroid",
    "similarity_to_own_centroid",
]

#: Above this many texts the clustering is fitted on a sample (`SAMPLE_SIZE` texts).
SAMPLE_THRESHOLD = 50_000

#: Texts in the sample the clustering is fitted on above `SAMPLE_THRESHOLD`.
SAMPLE_SIZE = 50_000

#: Rows up to which the fit's neighbours are searched exactly (parallel matrix products, no
#: compilation); beyond, UMAP's NN-descent. At the 50,000-row sample exact search is the
#: faster: NN-descent's numba kernels are not cached and compile for ~50 s of CPU in every
#: new process (measured here), more than the exact search of the whole sample costs.
EXACT_KNN_LIMIT = 100_000


@dataclass
class Clusters:
    """Result of `cluster_embeddings`.

    Attributes
    ----------
    labels
        Cluster of every row (no ``-1``).
    noise
        Rows HDBSCAN saw as noise; rows assigned after a sample fit count as noise (they keep
        their theme only when similar enough to it, as new texts do).
    n_clusters
        Number of clusters.
    fitted
        Number of leading rows the clustering was fitted on (all rows without sampling).
    timings
        Seconds per step: ``neighbours``, ``layout``, ``clustering``, ``assignment``.
    """

    labels: np.ndarray
    noise: np.ndarray
    n_clusters: int
    fitted: int
    timings: dict[str, float] = field(default_factory=dict)


def nearest_centroid(
    x: np.ndarray, centroids: np.ndarray, chunk: int = 65_536, progress: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Index of the most cosine-similar centroid of every row, and that similarity.

    Parameters
    ----------
    x
        Rows to assign (any scale).
    centroids
        ``(k, d)`` unit vectors.
    chunk
        Rows per matrix product (bounds memory).
    progress
        Show a progress bar (on a terminal).

    Returns
    -------
    best, similarity
        ``(n,)`` int and float32 arrays.
    """
    from rca.themes.progress import progress_bar

    n = len(x)
    best = np.zeros(n, dtype=int)
    sims = np.zeros(n, dtype=np.float32)
    with progress_bar(n, "assign", enabled=progress) as bar:
        for start in range(0, n, chunk):
            block = unit_rows(np.asarray(x[start : start + chunk], dtype=np.float32))
            scores = block @ centroids.T
            best[start : start + chunk] = scores.argmax(axis=1)
            sims[start : start + chunk] = scores[np.arange(len(block)), best[start : start + chunk]]
            bar.update(len(block))
    return best, sims


def _centroid_matrix(labels: np.ndarray, emb: np.ndarray, k: int) -> np.ndarray:
    unit = unit_rows(np.asarray(emb, dtype=np.float32))
    sums = np.zeros((k, unit.shape[1]), dtype=np.float64)
    np.add.at(sums, labels, unit)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def cluster_embeddings(
    emb: np.ndarray,
    *,
    n_clusters: int | None,
    min_cluster_size: int | None,
    n_neighbors: int = 15,
    n_components: int = 5,
    n_epochs: int | None = None,
    random_state: int = 0,
    sample_threshold: int | None = SAMPLE_THRESHOLD,
    sample_size: int = SAMPLE_SIZE,
    progress: bool = False,
) -> Clusters:
    """Cluster rows already in canonical order; fit on the first ``sample_size`` when large.

    Parameters
    ----------
    emb
        Embeddings in the canonical order of `rca.themes.model` (so the leading rows are a
        deterministic random sample).
    n_clusters, min_cluster_size
        As in `rca.themes.clustering.AutoKMeans` (``min_cluster_size=None`` is computed from
        the number of rows fitted).
    n_neighbors, n_components, n_epochs, random_state
        As in `rca.themes.clustering.reduce_dimensions`.
    sample_threshold
        Fit on a sample above this many rows; ``None`` never samples.
    sample_size
        Rows in the sample.
    progress
        Progress bars (on a terminal).

    Returns
    -------
    Clusters
    """
    n = len(emb)
    sampled = sample_threshold is not None and n > sample_threshold and sample_size < n
    fitted = sample_size if sampled else n
    head = np.asarray(emb[:fitted], dtype=np.float32)
    timings: dict[str, float] = {}
    reduced = reduce_dimensions(
        head, n_neighbors, n_components, random_state, n_epochs,
        approximate=fitted > EXACT_KNN_LIMIT, progress=progress, timings=timings,
    )  # fmt: skip
    clock = time.perf_counter()
    if sampled and min_cluster_size is None:
        # the full fit's minimum size, max(10, sqrt(n) / 3), shrunk to the sample's share: a
        # theme the full fit would keep keeps about that share of its texts in the sample
        min_cluster_size = max(10, round(np.sqrt(n) / 3 * fitted / n))
    clusterer = AutoKMeans(
        n_clusters=n_clusters, min_cluster_size=min_cluster_size, random_state=random_state
    ).fit(reduced)
    labels, noise = clusterer.labels_.copy(), clusterer.noise_
    timings["clustering"] = time.perf_counter() - clock
    clock = time.perf_counter()
    if sampled:
        centroids = _centroid_matrix(labels, head, clusterer.n_clusters_)
        rest, _ = nearest_centroid(emb[fitted:], centroids, progress=progress)
        labels = np.concatenate([labels, rest])
        noise = np.concatenate([noise, np.ones(n - fitted, dtype=bool)])
    timings["assignment"] = time.perf_counter() - clock
    return Clusters(labels, noise, int(clusterer.n_clusters_), fitted, timings)


def similarity_to_own_centroid(labels: np.ndarray, emb: np.ndarray) -> np.ndarray:
    """Cosine similarity of each row to the mean direction of its cluster (0 for ``-1``)."""
    unit = unit_rows(emb)
    out = np.zeros(len(labels), dtype=float)
    for t in sorted(set(labels.tolist()) - {-1}):
        members = labels == t
        c = unit[members].mean(axis=0)
        out[members] = unit[members] @ (c / (np.linalg.norm(c) or 1.0))
    return out
