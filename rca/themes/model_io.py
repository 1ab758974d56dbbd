"""Saving and loading a fitted `rca.themes.model.ThemeModel` (see its ``save`` and ``load``).

Typed ``Any`` for the model: this module must not import `rca.themes.model`, which imports it.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from rca.themes.embedders import Embedder

__all__ = ["SETTINGS_FILE", "load_model", "save_model"]

SETTINGS_FILE = "rca_topic_settings.json"


def save_model(model: Any, path: str | Path) -> Path:
    """Write ``model`` to the folder ``path`` (`rca.themes.model.ThemeModel.save`)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    ids = sorted(model.centroids_)
    np.savez(
        path / "centroids.npz",
        ids=np.array(ids, dtype=int),
        centroids=np.vstack([model.centroids_[i] for i in ids]) if ids else np.zeros((0, 1)),
    )
    info = model.theme_info_.copy()
    info["examples"] = info["examples"].map(json.dumps)
    info.to_csv(path / "theme_info.csv", index=False)
    settings = {
        "params": model.get_params(),
        "embedder_name": model.embedder_name_,
        "backend": getattr(model, "backend_", None),
        "language_means": {k: v.tolist() for k, v in model._language_means().items()},
        "outlier_share_raw": model.outlier_share_raw_,
        "outlier_share": model.outlier_share_,
    }
    (path / SETTINGS_FILE).write_text(json.dumps(settings, indent=2, sort_keys=True))
    if model.bertopic_ is not None:  # keywords and c-TF-IDF, BERTopic's own safetensors format
        # It warns that no embedding model is saved: that is the design (see above).
        logging.getLogger("BERTopic").setLevel(logging.ERROR)
        model.bertopic_.save(
            str(path / "bertopic"),
            serialization="safetensors",
            save_ctfidf=True,
            save_embedding_model=False,
        )
    return path


def load_model(
    cls: type[Any], path: str | Path, embedder: str | Path | Embedder | None = None
) -> Any:
    """Read a model written by `save_model` (`rca.themes.model.ThemeModel.load`)."""
    path = Path(path)
    settings = json.loads((path / SETTINGS_FILE).read_text())
    params = dict(settings["params"])
    if embedder is not None:
        params["embedder"] = embedder
    model = cls(**params)
    with np.load(path / "centroids.npz") as data:
        model.centroids_ = {int(i): c for i, c in zip(data["ids"], data["centroids"], strict=True)}
    info = pd.read_csv(path / "theme_info.csv", keep_default_na=False)
    info["examples"] = info["examples"].map(json.loads)
    model.theme_info_ = info
    model.embedder_name_ = settings["embedder_name"]
    model.backend_ = settings.get("backend") or params["embedder"]
    means = settings.get("language_means", {}).items()
    model.language_means_ = {k: np.asarray(v, dtype=np.float32) for k, v in means}
    model.outlier_share_raw_ = settings["outlier_share_raw"]
    model.outlier_share_ = settings["outlier_share"]
    model.bertopic_ = None
    if (path / "bertopic").is_dir():
        from bertopic import BERTopic

        model.bertopic_ = BERTopic.load(str(path / "bertopic"))
    return model
