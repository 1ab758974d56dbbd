"""Themes with root causes: the topic model, the cause taxonomy and analysts' curation together.

`find_themes` is what commands and the monthly analysis call; it fits `rca.themes.model.ThemeModel`,
maps each theme to a root cause of the taxonomy (`rca.themes.causes`) and applies the analysts'
saved curation (`rca.themes.curation`: renames, merges, pinned causes), so every report uses the
same names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    ids
        The model's theme id -> the id shown (a registry id when ``find_themes`` was given
        ``relabel``; the same id otherwise). ``-1`` (unassigned) is not listed.
    curation_matches
        Curation key -> shown theme id, for every key applied.
    """

    theme_ids: np.ndarray
    confidence: np.ndarray
    theme_info: pd.DataFrame
    model: ThemeModel
    unmatched_curation: list[str] = field(default_factory=list)
    ids: dict[int, int] = field(default_factory=dict)
    curation_matches: dict[str, int] = field(default_factory=dict)

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


def _relabelled(
    model: ThemeModel, ids: Mapping[int, int]
) -> tuple[pd.DataFrame, np.ndarray, dict[int, np.ndarray]]:
    """Return the model's theme table, theme per text and centroids under the ``ids`` shown.

    Fitted themes given one shown id become one row (summed size; the largest one's label,
    keywords and centroid).
    """
    shown = {**ids, -1: -1}
    info = model.theme_info_.assign(
        theme_id=model.theme_info_["theme_id"].map(lambda t: shown[int(t)])
    )
    topics = np.array([shown[int(t)] for t in np.asarray(model.themes_)], dtype=int)
    sizes = dict(zip(model.theme_info_["theme_id"], model.theme_info_["size"], strict=True))
    by_size = sorted(model.centroids_.items(), key=lambda c: sizes.get(c[0], 0))
    centroids = {shown[int(t)]: v for t, v in by_size}  # the largest fitted theme's last
    if info["theme_id"].duplicated().any():
        total = info.groupby("theme_id", sort=False)["size"].transform("sum")
        info = info.sort_values("size", ascending=False, kind="stable")
        info = info.assign(size=total).drop_duplicates("theme_id")
        info = info.sort_index().reset_index(drop=True)
    return info, topics, centroids


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
    relabel: Callable[[ThemeModel], Mapping[int, int]] | None = None,
    links: Mapping[str, int] | None = None,
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
    relabel
        Called with the fitted model before causes and curation; returns the id to show for
        each of its theme ids (e.g. `rca.themes.registry`: ids that last across months). Theme
        ids of the result, its ``theme_info`` and the curation then use those ids; fitted
        themes given one id become one row of ``theme_info`` (summed size, the largest one's
        label, keywords and centroid).
    links
        Curation keys tied to a shown id by earlier runs (see `rca.themes.curation.apply_curation`).
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
    topics, confidence = model.themes_, model.confidence_
    centroids = model.centroids_
    ids = {int(t): int(t) for t in info["theme_id"] if int(t) != -1}
    if relabel is not None:
        ids = {int(k): int(v) for k, v in relabel(model).items()}
        info, topics, centroids = _relabelled(model, ids)
    tax = load_taxonomy(taxonomy)
    causes = map_causes(info, model.embedder_, tax)
    unmatched: list[str] = []
    matches: dict[str, int] = {}
    if curation is not None:
        result = apply_curation(
            topics, info, causes, load_curation(curation), taxonomy=tax, centroids=centroids,
            links=links,
        )  # fmt: skip
        topics, info, causes = result.theme_ids, result.theme_info, result.causes
        unmatched = [str(u) for u in result.unmatched]
        matches = dict(result.matches)
    if "pinned" not in causes:
        causes = causes.assign(pinned=False)
    cause_cols = causes.rename(columns={"similarity": "cause_similarity"})[
        ["theme_id", "root_cause", "cause_group", "cause_name", "cause_similarity", "pinned"]
    ]
    info = info.merge(cause_cols, on="theme_id", how="left")
    unassigned = info["theme_id"] == -1
    info.loc[unassigned, ["root_cause", "cause_group", "cause_name"]] = "unassigned"
    info["pinned"] = info["pinned"].fillna(False).astype(bool)
    return Themes(np.asarray(topics), np.asarray(confidence), info, model, unmatched, ids, matches)
