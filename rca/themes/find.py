"""Themes with root causes: the topic model, the cause taxonomy and analysts' curation together.

`find_themes` is what commands and the monthly analysis call; it fits `rca.themes.model.ThemeModel`,
maps each theme to a root cause of the taxonomy (`rca.themes.causes`) and applies the analysts'
saved curation (`rca.themes.curation`: renames, merges, pinned causes), so every report uses the
same names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rca.themes.embedders import Embedder
from rca.themes.model import ThemeModel

__all__ = ["Themes", "find_themes"]


@dataclass
class Themes:
    """Themes of a set of texts, each with a root cause.

    Attributes
    ----------
    theme_ids, confidence
        Theme id (``-1`` unassigned) and similarity to the theme, one per text in input order.
    theme_info
        One row per theme: ``theme_id``, ``theme_label``, ``size``, ``keywords``, ``examples``,
        ``root_cause``, ``cause_group``, ``cause_name``, ``cause_similarity``, ``pinned``.
    model
        The fitted `ThemeModel` (before curation).
    unmatched_curation
        Curation entries that matched no theme this time, one line each.
    """

    theme_ids: np.ndarray
    confidence: np.ndarray
    theme_info: pd.DataFrame
    model: ThemeModel
    unmatched_curation: list[str] = field(default_factory=list)

    def assignments(self) -> pd.DataFrame:
        """Return one row per text: theme id and label, root cause and confidence."""
        info = self.theme_info.set_index("theme_id")
        labels = info["theme_label"].to_dict()
        causes = info["root_cause"].to_dict()
        return pd.DataFrame(
            {
                "theme_id": self.theme_ids,
                "theme_label": [labels.get(t, "Unassigned") for t in self.theme_ids],
                "root_cause": [causes.get(t, "unassigned") for t in self.theme_ids],
                "confidence": np.round(self.confidence, 4),
            }
        )


def find_themes(
    texts: list[str],
    *,
    embedder: str | Path | Embedder = "auto",
    n_themes: int | str = "auto",
    seed: int = 0,
    taxonomy: str | Path | None = None,
    curation: str | Path | None = None,
    embeddings: np.ndarray | None = None,
    languages: list[str] | None = None,
    **model_params: Any,
) -> Themes:
    """Fit themes on cleaned, redacted ``texts`` and attach root causes and curation.

    Parameters
    ----------
    texts
        The texts (already cleaned and redacted).
    embedder
        ``auto`` (MiniLM for English, e5 for other or mixed languages: `rca.themes.languages`),
        a backend name, a model directory or an `Embedder`.
    n_themes
        ``"auto"`` or a target number of themes.
    seed
        Random seed.
    taxonomy
        Root-cause taxonomy YAML (default ``parameters/root_causes.yaml``).
    curation
        Analysts' curation YAML; a missing file means no curation.
    embeddings
        Precomputed embeddings (skips embedding).
    languages
        Language code per text (`rca.text.language.detect_languages`), used by ``auto`` and to
        centre a multilingual embedder's vectors per language; detected when needed and omitted.
    **model_params
        Further `ThemeModel` parameters.

    Returns
    -------
    Themes
    """
    from rca.themes.causes import load_taxonomy, map_causes
    from rca.themes.curation import apply_curation
    from rca.themes.curation_file import load_curation

    model = ThemeModel(embedder=embedder, n_themes=n_themes, random_state=seed, **model_params)
    model.fit(texts, embeddings=embeddings, languages=languages)
    info = model.theme_info_
    tax = load_taxonomy(taxonomy)
    causes = map_causes(info, model.embedder_, tax)
    topics, confidence = model.themes_, model.confidence_
    unmatched: list[str] = []
    if curation is not None:
        result = apply_curation(
            topics, info, causes, load_curation(curation), taxonomy=tax,
            centroids=model.centroids_,
        )  # fmt: skip
        topics, info, causes = result.theme_ids, result.theme_info, result.causes
        unmatched = [str(u) for u in result.unmatched]
    if "pinned" not in causes:
        causes = causes.assign(pinned=False)
    cause_cols = causes.rename(columns={"similarity": "cause_similarity"})[
        ["theme_id", "root_cause", "cause_group", "cause_name", "cause_similarity", "pinned"]
    ]
    info = info.merge(cause_cols, on="theme_id", how="left")
    unassigned = info["theme_id"] == -1
    info.loc[unassigned, ["root_cause", "cause_group", "cause_name"]] = "unassigned"
    info["pinned"] = info["pinned"].fillna(False).astype(bool)
    return Themes(np.asarray(topics), np.asarray(confidence), info, model, unmatched)
