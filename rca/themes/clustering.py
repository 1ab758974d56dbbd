"""Clustering for themes: seeded UMAP on exact neighbours, then HDBSCAN to count, KMeans to assign.

Chosen by measurement on Banking77 and CFPB (``benchmarks/topics.py``):

- Exact cosine k-nearest neighbours (chunked matrix products) are passed to UMAP, which skips its
  approximate NN-descent step: same result quality, and no cold-start compilation of it.
- 200 UMAP epochs from 4,096 rows up (UMAP's default keeps 500 up to 10,000 rows): a month of
  ~8,000 comments lays out in 5.7 s instead of 13.5 s, with the same planted causes found.
- HDBSCAN with ``leaf`` selection on the reduced space decides *how many* themes there are
  (minimum cluster size ``max(10, round(sqrt(n) / 3))``: under 10 texts is not a pattern an
  analyst can act on, and smaller floors over-split small inputs); KMeans with that many centres
  then assigns every text. Plain HDBSCAN left 7-12 % of texts unassigned and split intents into
  too many clusters; ``eom`` selection collapsed to a handful of clusters on long complaints.
- HDBSCAN's noise points are remembered: they are the texts a reader should see as weakly
  explained, and the topic model decides whether their KMeans theme is similar enough to keep.
"""

from __future__ import annotations

import functools
import os
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from rca.themes.vectors import unit_rows

__all__ = [
    "SMALL_DATA",
    "AutoKMeans",
    "approximate_knn",
    "exact_knn",
    "reduce_dimensions",
    "warm_up",
]


def exact_knn(
    x: np.ndarray, k: int, chunk: int = 2048, on_block: Callable[[int], object] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Exact cosine k-nearest neighbours (each point is its own first neighbour).

    Parameters
    ----------
    x
        Rows to search, any scale (they are normalised).
    k
        Neighbours per row, including the row itself.
    chunk
        Rows per matrix product (bounds memory to ``chunk * n`` floats).
    on_block
        Called with the number of rows of each finished block (a progress bar's ``update``).

    Returns
    -------
    indices, distances
        ``(n, k)`` arrays sorted by distance; distance is ``1 - cosine similarity``.
    """
    unit = unit_rows(x)
    n = len(unit)
    k = min(k, n)
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k), dtype=np.float32)

    def block(start: int) -> None:
        sims = unit[start : start + chunk] @ unit.T
        rows = np.arange(len(sims))
        sims[rows, start + rows] = np.inf  # a point is always its own nearest neighbour
        np.negative(sims, out=sims)  # in place: partition by ascending negated similarity
        part = np.argpartition(sims, k - 1, axis=1)[:, :k]
        part_dist = np.take_along_axis(sims, part, axis=1)
        order = np.lexsort((part, part_dist), axis=1)  # by similarity, ties by index
        indices[start : start + chunk] = np.take_along_axis(part, order, axis=1)
        best = -np.take_along_axis(part_dist, order, axis=1)
        best[:, 0] = 1.0
        distances[start : start + chunk] = np.clip(1.0 - best, 0.0, 2.0)
        if on_block is not None:
            on_block(len(sims))

    # numpy's partition releases the GIL: blocks on every core (it was most of this function)
    starts = range(0, n, chunk)
    with ThreadPoolExecutor(max_workers=max(1, min(len(starts), os.cpu_count() or 1))) as pool:
        list(pool.map(block, starts))
    return indices, distances


#: UMAP's cut-off below which it computes all pairwise distances (and we keep 500 epochs).
SMALL_DATA = 4096


def reduce_dimensions(
    x: np.ndarray,
    n_neighbors: int = 15,
    n_components: int = 5,
    random_state: int = 0,
    n_epochs: int | None = None,
    approximate: bool = False,
    progress: bool = False,
    timings: dict[str, float] | None = None,
) -> np.ndarray:
    """Seeded UMAP (cosine) on exact neighbours; returns the ``(n, n_components)`` coordinates.

    ``approximate=True`` lets UMAP find the neighbours with its own NN-descent (pynndescent)
    instead: n log n instead of the exact search's n squared, for a sample fit of tens of
    thousands of rows (`rca.themes.sampling`). ``progress`` shows bars for the neighbour
    search and the layout epochs (on a terminal); ``timings`` gets their seconds
    (``neighbours``, ``layout``).

    ``n_epochs=None`` runs 500 epochs below `SMALL_DATA` rows and 200 from there. UMAP's own
    default keeps 500 up to 10,000 rows, which made a month of ~8,000 comments take 2.4x longer
    to lay out (13.5 s instead of 5.7 s; seeded UMAP runs on one core) with the same planted
    causes found (benchmarks/recovery.py); small inputs keep 500, where they cost little.
    """
    from umap import UMAP

    _cache_umap_kernels()
    n = len(x)
    if n_epochs is None:
        n_epochs = 500 if n < SMALL_DATA else 200
    k = max(2, min(n_neighbors, n - 1))
    from rca.themes.progress import progress_bar, tqdm_kwargs

    clock = time.perf_counter()
    if approximate:
        knn_idx, knn_dist = approximate_knn(x, k, random_state)
    else:
        with progress_bar(n, "neighbours", enabled=progress) as bar:
            knn_idx, knn_dist = exact_knn(x, k, on_block=bar.update)
    if timings is not None:
        timings["neighbours"] = time.perf_counter() - clock
        clock = time.perf_counter()

    umap = UMAP(
        n_neighbors=k,
        n_components=min(n_components, max(1, n - 2)),
        min_dist=0.0,
        metric="cosine",
        random_state=random_state,
        low_memory=True,
        precomputed_knn=(knn_idx, knn_dist, None),
        init="spectral" if n > n_components + 2 else "random",
        n_epochs=n_epochs,
        tqdm_kwds={**tqdm_kwargs(progress), "desc": "layout", "bar_format": None},
    )
    with warnings.catch_warnings(), _seeded_arpack(random_state):
        # We never call UMAP.transform (new texts go to theme centroids), and the seed is what
        # makes it single-threaded: neither warning is news to a user.
        warnings.filterwarnings("ignore", message="precomputed_knn", category=UserWarning)
        warnings.filterwarnings("ignore", message="n_jobs value", category=UserWarning)
        reduced = np.asarray(umap.fit_transform(x), dtype=np.float32)
    if timings is not None:
        timings["layout"] = time.perf_counter() - clock
    return reduced


def approximate_knn(x: np.ndarray, k: int, random_state: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Approximate cosine k-nearest neighbours by UMAP's own NN-descent (pynndescent).

    The same call UMAP makes when it is given no neighbours, seeded and on one thread (so the
    same rows and seed give the same graph).

    Returns
    -------
    indices, distances
        ``(n, k)`` arrays, each row's own index first.
    """
    from sklearn.utils import check_random_state
    from umap.umap_ import nearest_neighbors

    idx, dist, _ = nearest_neighbors(
        np.asarray(x, dtype=np.float32), k, "cosine", {}, False,
        check_random_state(random_state), low_memory=True, use_pynndescent=True, n_jobs=1,
    )  # fmt: skip
    return np.asarray(idx), np.asarray(dist, dtype=np.float32)


@functools.cache
def _cache_umap_kernels() -> int:
    """Let numba cache UMAP's kernels that are not marked ``cache=True``; return how many.

    Without it every new process compiled them again before its first fit: 7.9 s of a 312-row
    layout that then takes 0.4 s. With it the first process compiles them once (``make install``
    does, via `warm_up`) and later ones load them from numba's cache. Compiled code is the
    same, so the layouts are identical.
    """
    import importlib

    from numba.core.registry import CPUDispatcher

    enabled = 0
    for name in ("umap.layouts", "umap.umap_", "umap.utils", "umap.distances", "umap.sparse",
                 "umap.spectral"):  # fmt: skip
        for obj in vars(importlib.import_module(name)).values():
            cache = getattr(obj, "_cache", None)
            if isinstance(obj, CPUDispatcher) and type(cache).__name__ == "NullCache":
                obj.enable_caching()
                enabled += 1
    return enabled


_ARPACK_LOCK = threading.Lock()


@contextmanager
def _seeded_arpack(seed: int) -> Iterator[None]:
    """Make UMAP's spectral initialisation reproducible across processes.

    UMAP starts ARPACK (``scipy.sparse.linalg.eigsh``) from the all-ones vector. On a connected
    component whose graph is regular -- typically a group of identical texts, cut off from the
    rest -- that vector is already an eigenvector, ARPACK restarts from a random vector, and
    scipy draws it from a generator seeded by the operating system: the same texts and seed then
    gave different themes in every new process (measured on the CFPB narratives: 3 runs, 3
    partitions). UMAP's ``random_state`` does not reach that generator (lmcinnes/umap#1277); for
    the duration of the fit, every ``eigsh`` call gets one seeded from ``seed`` instead.
    """
    import scipy.sparse.linalg as sla

    with _ARPACK_LOCK:
        original = sla.eigsh

        def eigsh(*args: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("rng", np.random.default_rng(seed))
            return original(*args, **kwargs)

        sla.eigsh = eigsh
        try:
            yield
        finally:
            sla.eigsh = original


def warm_up(n: int = SMALL_DATA + 100, dim: int = 16) -> float:
    """Compile the numba kernels the theme model runs, so numba caches them; return seconds.

    UMAP and pynndescent compile ~25 s of numba code the first time a process fits themes;
    their kernels (those marked ``cache=True``, and UMAP's others via `_cache_umap_kernels`)
    are then kept in numba's cache (``__pycache__`` next to the package, or
    ``NUMBA_CACHE_DIR``) and later processes load them in a fraction of that.
    ``make install`` calls this once, the way pip compiles bytecode, so the first analysis a
    user runs does not pay the compilation. ``n`` must stay above `SMALL_DATA`: below it UMAP
    takes a different code path.
    """
    import time

    start = time.perf_counter()
    x = np.random.default_rng(0).standard_normal((n, dim)).astype(np.float32)
    AutoKMeans(random_state=0).fit(reduce_dimensions(x, n_epochs=10))
    return time.perf_counter() - start


@dataclass
class AutoKMeans:
    """KMeans whose number of clusters comes from HDBSCAN (leaf selection) unless given.

    Parameters
    ----------
    n_clusters
        Fixed number of clusters, or ``None`` to let HDBSCAN count them.
    min_cluster_size
        HDBSCAN's minimum cluster size; ``None`` uses ``max(10, round(sqrt(n) / 3))``.
    random_state
        Seed of KMeans.

    Attributes
    ----------
    labels_ : ndarray
        Cluster of every row (no outliers).
    noise_ : ndarray of bool
        Rows HDBSCAN considered noise (all False when ``n_clusters`` is given).
    n_clusters_, min_cluster_size_ : int
        What was used.
    """

    n_clusters: int | None = None
    min_cluster_size: int | None = None
    random_state: int = 0

    def fit(self, x: np.ndarray) -> AutoKMeans:
        """Count clusters (unless fixed) and assign every row with KMeans."""
        from hdbscan import HDBSCAN
        from sklearn.cluster import KMeans

        n = len(x)
        self.min_cluster_size_ = self.min_cluster_size or max(10, round(np.sqrt(n) / 3))
        if self.n_clusters is None:
            h = HDBSCAN(min_cluster_size=self.min_cluster_size_, cluster_selection_method="leaf")
            found = h.fit(x).labels_
            self.noise_ = found == -1
            k = len(set(found.tolist()) - {-1})
        else:
            self.noise_ = np.zeros(n, dtype=bool)
            k = self.n_clusters
        self.n_clusters_ = int(max(2, min(k, n)))
        km = KMeans(self.n_clusters_, n_init=10, random_state=self.random_state).fit(x)
        self.labels_ = km.labels_.astype(int)
        return self
