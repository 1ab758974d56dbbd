"""On-disk store of text embeddings: one ``.npy`` per shard, a sorted key index, memory-mapped.

Layout of a store folder (one per embedding backend, in the private cache):

- ``shard-000000.npy`` ... : ``float32`` vectors, one shard per batch of texts embedded.
- ``index.npy``: one record per stored text, ``(key, shard, row)``, sorted by key (the 32-hex
  `rca.text.keys.text_key` of the text), replaced atomically on every write.
- ``.lock``: taken by writers only (several processes may embed at once).

A lookup memory-maps the index, finds the keys by binary search and memory-maps only the shards
holding them: the cost of a call does not grow with the number of earlier calls (the previous
format, one ``.npz`` per call read whole on every call, did; such shards are converted once).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

__all__ = ["INDEX_DTYPE", "EmbeddingStore"]

#: One index record: the text's key, its shard number and row in that shard.
INDEX_DTYPE = np.dtype([("key", "S32"), ("shard", "<i4"), ("row", "<i4")])

_INDEX = "index.npy"


def _shard_name(number: int) -> str:
    return f"shard-{number:06d}.npy"


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``directory/.lock`` (POSIX; a no-op elsewhere)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(directory / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _save_atomic(path: Path, array: np.ndarray) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        np.save(handle, array)
    tmp.replace(path)


class EmbeddingStore:
    """Vectors by text key in ``directory`` (see the module docstring for the layout).

    Parameters
    ----------
    directory
        The store folder (created on first write).

    Attributes
    ----------
    shards_opened : int
        Shard files memory-mapped by the last `get` (for tests and diagnostics).
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.shards_opened = 0
        self._legacy_checked = False

    # -- reading ---------------------------------------------------------------------------
    def _index(self) -> np.ndarray:
        path = self.directory / _INDEX
        if not path.exists():
            return np.zeros(0, dtype=INDEX_DTYPE)
        return np.load(path, mmap_mode="r")

    def __len__(self) -> int:
        return len(self._index())

    def get(self, keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray | None]:
        """Look ``keys`` up.

        Returns
        -------
        found, vectors
            ``found[i]`` tells whether ``keys[i]`` is stored; ``vectors`` has one row per key
            (zeros where not found), or is None when nothing was found.
        """
        self._convert_legacy()
        self.shards_opened = 0
        wanted = np.asarray(keys, dtype="S32")
        index = self._index()
        found = np.zeros(len(wanted), dtype=bool)
        if not len(index) or not len(wanted):
            return found, None
        at = np.searchsorted(index["key"], wanted)
        inside = at < len(index)
        found[inside] = index["key"][at[inside]] == wanted[inside]
        if not found.any():
            return found, None
        records = np.asarray(index[at[found]])
        out: np.ndarray | None = None
        positions = np.flatnonzero(found)
        for shard in np.unique(records["shard"]):
            mine = records["shard"] == shard
            vectors = np.load(self.directory / _shard_name(int(shard)), mmap_mode="r")
            self.shards_opened += 1
            if out is None:
                out = np.zeros((len(wanted), vectors.shape[1]), dtype=np.float32)
            out[positions[mine]] = vectors[records["row"][mine]]
        return found, out

    # -- writing ---------------------------------------------------------------------------
    def put(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Store ``vectors`` (one row per key) as a new shard and add them to the index."""
        if not len(keys):
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        with _locked(self.directory):
            self._put_locked(np.asarray(keys, dtype="S32"), np.asarray(vectors, np.float32))

    def _put_locked(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        index = np.asarray(self._index())
        number = int(index["shard"].max()) + 1 if len(index) else 0
        while (self.directory / _shard_name(number)).exists():  # left by an interrupted write
            number += 1
        _save_atomic(self.directory / _shard_name(number), vectors)
        new = np.zeros(len(keys), dtype=INDEX_DTYPE)
        new["key"], new["shard"], new["row"] = keys, number, np.arange(len(keys))
        merged = np.concatenate([index, new])  # earlier records first: they win a duplicate key
        merged = merged[np.argsort(merged["key"], kind="stable")]
        keep = np.ones(len(merged), dtype=bool)
        keep[1:] = merged["key"][1:] != merged["key"][:-1]
        _save_atomic(self.directory / _INDEX, merged[keep])

    def _convert_legacy(self) -> None:
        """Fold ``.npz`` shards of the previous format into this one, once, then remove them."""
        if self._legacy_checked or not self.directory.is_dir():
            return
        self._legacy_checked = True
        legacy = sorted(self.directory.glob("*.npz"))
        if not legacy:
            return
        with _locked(self.directory):
            for path in legacy:
                if not path.exists() or path.name.endswith(".tmp.npz"):
                    continue
                with np.load(path) as data:
                    keys, vectors = data["keys"], data["vectors"]
                self._put_locked(np.asarray(keys, dtype="S32"), np.asarray(vectors, np.float32))
                path.unlink()
