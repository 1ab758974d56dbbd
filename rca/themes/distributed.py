"""Embedding and theme assignment on a Dask cluster, through the embedders' public API only.

While a client is active (`use_client`), `rca.themes.languages.resolve_embedder` wraps the
backend it builds in a `DistributedEmbedder`: ``embed(texts)`` then splits the texts into chunks
of ``chunk_size`` and embeds them on the cluster's workers, each worker building the backend once
per process (`rca.themes.embedders.get_embedder`, with its disk cache); the rows come back in
input order. `assign` does the same for a fitted model's ``transform``: the model is sent to the
workers once and every chunk is embedded and assigned there, so the client never holds more than
the theme ids and confidences. The fit itself (clustering, keywords, names) stays on the client.

Without an active client both run locally, exactly as before; so do calls smaller than one chunk
(theme names, taxonomy descriptions) and transductive backends (``tfidf`` fits on the texts it
embeds, so chunks would change its vectors).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from rca.themes.embedders import Embedder, get_embedder

__all__ = [
    "CHUNK_SIZE",
    "DistributedEmbedder",
    "active_client",
    "assign",
    "distribute",
    "use_client",
]

#: Texts per task: large enough that a task's overhead (about 1 ms) is lost in its work, small
#: enough that a worker lost mid-task costs seconds and every worker gets several tasks.
CHUNK_SIZE = 4096

#: Backends fitted on the texts they embed: never split into chunks.
_TRANSDUCTIVE = ("tfidf",)


@dataclass(frozen=True)
class _Session:
    client: Any
    chunk_size: int


_SESSIONS: list[_Session] = []
#: Each worker process's embedders, built on first use and kept (``get_embedder`` loads a model).
_WORKER_EMBEDDERS: dict[str, Embedder] = {}


@contextlib.contextmanager
def use_client(client: Any, chunk_size: int = CHUNK_SIZE) -> Iterator[Any]:
    """Send embedding and assignment to ``client``'s cluster inside the ``with`` block.

    Parameters
    ----------
    client
        A ``dask.distributed.Client``; ``None`` leaves everything local (a no-op block).
    chunk_size
        Texts per task.

    Yields
    ------
    client
        The same client.
    """
    if client is None:
        yield None
        return
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
    _SESSIONS.append(_Session(client, int(chunk_size)))
    try:
        yield client
    finally:
        _SESSIONS.pop()


def active_client() -> Any:
    """Return the client of the innermost `use_client` block, or ``None``."""
    return _SESSIONS[-1].client if _SESSIONS else None


def _chunk_size() -> int:
    return _SESSIONS[-1].chunk_size if _SESSIONS else CHUNK_SIZE


def _worker_embedder(backend: str) -> Embedder:
    if backend not in _WORKER_EMBEDDERS:
        _WORKER_EMBEDDERS[backend] = get_embedder(backend)
    return _WORKER_EMBEDDERS[backend]


def _embed_chunk(backend: str, texts: list[str]) -> np.ndarray:
    """Embed one chunk on a worker (module level: workers import it by name)."""
    return np.asarray(_worker_embedder(backend).embed(texts), dtype=np.float32)


def _chunks(n: int, size: int) -> list[slice]:
    return [slice(i, min(i + size, n)) for i in range(0, n, size)]


class DistributedEmbedder:
    """An embedder whose large calls are split into chunks embedded on a Dask cluster.

    Parameters
    ----------
    backend
        The backend name or model directory (`rca.themes.embedders.get_embedder`) that every
        worker builds for itself; a model directory must exist at the same path on the workers.
    inner
        The client's own instance of that backend, used for calls smaller than one chunk and when
        no client is active; built on first use when omitted.

    Notes
    -----
    Pickling keeps only ``backend`` (a model is never shipped to the workers), so a fitted
    `rca.themes.model.ThemeModel` holding this embedder can be sent to them (`assign`).
    """

    def __init__(self, backend: str, inner: Embedder | None = None) -> None:
        self.backend = str(backend)
        self._inner = inner
        local = self.local
        self.name = local.name
        self.multilingual = bool(getattr(local, "multilingual", False))

    @property
    def local(self) -> Embedder:
        """The backend instance of this process."""
        if self._inner is None:
            self._inner = _worker_embedder(self.backend)
        return self._inner

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_inner": None}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return one row per text; chunks go to the active client's workers."""
        client, size = active_client(), _chunk_size()
        texts = [str(t) for t in texts]
        if client is None or len(texts) <= size:
            return self.local.embed(texts)
        parts = _chunks(len(texts), size)
        futures = client.map(_embed_chunk, [self.backend] * len(parts), [texts[p] for p in parts])
        return np.vstack(client.gather(futures)).astype(np.float32)


def distribute(embedder: Embedder, backend: str) -> Embedder:
    """Return ``embedder`` wrapped in a `DistributedEmbedder` while a client is active.

    ``backend`` is the name (or model directory) ``embedder`` was built from. Outside
    `use_client`, for transductive backends and for embedders already distributed, ``embedder``
    is returned unchanged.
    """
    if active_client() is None or backend in _TRANSDUCTIVE:
        return embedder
    if isinstance(embedder, DistributedEmbedder):
        return embedder
    return DistributedEmbedder(backend, embedder)


class Assigner(Protocol):
    """A fitted model: ``transform(texts, embeddings) -> (theme ids, confidences)``."""

    def transform(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Assign texts to fitted themes."""
        ...


def _assign_chunk(
    model: Assigner, texts: list[str], embeddings: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    return model.transform(texts, embeddings)


def assign(
    model: Assigner, texts: Sequence[str], embeddings: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Assign ``texts`` to ``model``'s themes (its ``transform``), on the cluster when active.

    Parameters
    ----------
    model
        A fitted `rca.themes.model.ThemeModel` (anything with ``transform``).
    texts
        Cleaned, redacted texts.
    embeddings
        Their embeddings when already known (then only the assignment is distributed).

    Returns
    -------
    theme_ids, confidence
        As ``model.transform`` returns them, in input order.
    """
    client, size = active_client(), _chunk_size()
    texts = [str(t) for t in texts]
    if client is None or len(texts) <= size:
        return model.transform(texts, embeddings)
    remote = client.scatter(model, broadcast=False)
    parts = _chunks(len(texts), size)
    futures = [
        client.submit(
            _assign_chunk, remote, texts[p], None if embeddings is None else embeddings[p]
        )
        for p in parts
    ]
    results = client.gather(futures)
    return (
        np.concatenate([r[0] for r in results]).astype(int),
        np.concatenate([r[1] for r in results]),
    )
