"""The ``static`` embedding backend: a model2vec model distilled from the packaged MiniLM.

Distillation runs once (tens of seconds, with a progress bar) and the result is cached in the user
cache folder; later runs load it in well under a second and embed thousands of texts per second.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rca.core.paths import cache_dir, set_offline

__all__ = ["StaticEmbedder", "distill_model", "distilled_model_dir"]

_PCA_DIMS = 256


def distilled_model_dir(pca_dims: int = _PCA_DIMS) -> Path:
    """Return where the distilled static model is (or will be) cached."""
    return cache_dir() / "models" / f"static-minilm-l6-v2-pca{pca_dims}"


def distill_model(target: Path, **options: Any) -> None:
    """Distil the packaged MiniLM into ``target`` (written whole or not at all), offline.

    ``options`` go to ``model2vec.distill.distill`` (``pca_dims``, ``sif_coefficient``, ...).
    """
    from model2vec.distill import distill

    from rca.themes.vectors import minilm_path

    set_offline()
    model = distill(model_name=str(minilm_path()), **options)
    tmp = target.with_name(target.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(str(tmp))
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)


class StaticEmbedder:
    """Static (model2vec) embeddings distilled from all-MiniLM-L6-v2, cached on first use.

    Parameters
    ----------
    pca_dims
        Output dimension of the distilled model.
    model_dir
        Use this distilled model directory instead of the cached one.
    """

    def __init__(self, pca_dims: int = _PCA_DIMS, model_dir: str | Path | None = None) -> None:
        self.pca_dims = pca_dims
        self.model_dir = Path(model_dir) if model_dir else distilled_model_dir(pca_dims)
        self.name = f"static-{pca_dims}"
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            from model2vec import StaticModel

            if not (self.model_dir / "config.json").exists():
                distill_model(self.model_dir, pca_dims=self.pca_dims)
            self._model = StaticModel.from_pretrained(str(self.model_dir))
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` with the static model, normalised to unit length."""
        from rca.themes.vectors import unit_rows

        return unit_rows(self._load().encode(list(texts), show_progress_bar=False))
