"""Which embedder a set of texts gets (``embedder="auto"``), and centring by language.

``auto`` picks the English MiniLM when the texts are (nearly) all English by detected language
(`rca.text.language.detect_languages`), else the multilingual e5 with each detected language's
mean vector removed before clustering (`center_languages`, after Libovický, Rosa and Fraser
2020). Rule and threshold come from ``benchmarks/languages.py`` (``benchmarks/results/
languages.json``: all 6,993 MASSIVE rows, tuned on the even rows, measured on the odd ones;
all 13,083 Banking77 texts; seed 0):

- English alone: MiniLM is better (MASSIVE NMI 0.717 vs e5 0.700, 0.708 centred; Banking77
  0.824 vs 0.800), more than the 0.02 NMI the English default may lose, so English stays MiniLM.
- Mixed languages: MiniLM falls with every share of non-English text (0.427 when the four
  languages are mixed evenly, 0.497 at 55% English) while centred e5 holds (0.668, 0.668; each
  language alone 0.653-0.708). On the DEV half the two meet between 95% and 99.6% English
  (detected): `ENGLISH_SHARE` is about halfway, 0.97.
- Removing each language's mean beats leaving the vectors alone (DEV even mix NMI 0.665 vs
  0.561) and beats also removing the top one or two principal directions (0.643, 0.638).

Texts of unknown language (``"und"``: too few letters) do not count towards the share, and are
centred as a group of their own when there are at least `MIN_LANGUAGE_TEXTS` of them (short
texts sit together), else with the mean of all texts; so are languages with fewer texts than
that, whose own mean would be mostly noise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from rca.text.language import UNKNOWN, detect_languages
from rca.themes.distributed import distribute
from rca.themes.embedders import MULTILINGUAL_BACKENDS, Embedder, get_embedder
from rca.themes.vectors import center_by_language, language_means

__all__ = [
    "AUTO",
    "ENGLISH_SHARE",
    "MIN_LANGUAGE_TEXTS",
    "center_languages",
    "choose_backend",
    "english_share",
    "is_multilingual",
    "resolve_embedder",
]

#: The embedder option that chooses the backend from the texts' languages.
AUTO = "auto"

#: Smallest share of English among texts with a known language for ``auto`` to choose MiniLM.
ENGLISH_SHARE = 0.97

#: Fewest texts of a language for it to be centred with its own mean vector.
MIN_LANGUAGE_TEXTS = 20


def english_share(languages: Sequence[str]) -> float:
    """Return the share of ``"en"`` among ``languages`` that are not `UNKNOWN` (1.0 if none)."""
    known = [code for code in languages if code != UNKNOWN]
    return sum(code == "en" for code in known) / len(known) if known else 1.0


def choose_backend(languages: Sequence[str], threshold: float = ENGLISH_SHARE) -> str:
    """Return ``"minilm"`` when `english_share` is at least ``threshold``, else ``"e5"``.

    Examples
    --------
    >>> choose_backend(["en"] * 19 + ["und"] * 5), choose_backend(["en", "ms", "id", "en"])
    ('minilm', 'e5')
    """
    return "minilm" if english_share(languages) >= threshold else "e5"


def is_multilingual(embedder: Embedder | str | Path) -> bool:
    """Return whether ``embedder`` (a backend name or an `Embedder`) is a multilingual model."""
    if isinstance(embedder, str | Path):
        return str(embedder) in MULTILINGUAL_BACKENDS
    return bool(getattr(embedder, "multilingual", False))


def resolve_embedder(
    embedder: str | Path | Embedder, texts: Sequence[str], languages: Sequence[str] | None = None
) -> tuple[Embedder, str, list[str] | None]:
    """Return the embedder for ``texts``, its backend name, and the languages to centre by.

    Parameters
    ----------
    embedder
        `AUTO`, a backend name, a model directory or an `Embedder`.
    texts
        The texts to be embedded.
    languages
        Their detected languages, when known; detected here when ``auto`` or a multilingual
        backend needs them.

    Returns
    -------
    embedder, backend, languages
        ``languages`` is None when the embedder is not multilingual and none were given (no
        centring then).
    """
    langs = None if languages is None else [str(code) for code in languages]
    if langs is not None and len(langs) != len(texts):
        raise ValueError(f"got {len(langs)} languages for {len(texts)} texts")
    if isinstance(embedder, str) and embedder == AUTO:
        if langs is None:
            langs = detect_languages(texts)
        embedder = choose_backend(langs)
    if isinstance(embedder, str | Path):
        backend = str(embedder)
        instance = distribute(get_embedder(embedder), backend)  # chunks to a Dask cluster, if any
    else:
        instance = embedder
        backend = str(getattr(embedder, "name", type(embedder).__name__))
    if langs is None and is_multilingual(instance):
        langs = detect_languages(texts)
    return instance, backend, langs


def center_languages(
    embedder: Embedder,
    embeddings: np.ndarray,
    texts: Sequence[str],
    languages: Sequence[str] | None = None,
    means: Mapping[str, np.ndarray] | None = None,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Remove each language's mean vector from a multilingual embedder's vectors.

    Parameters
    ----------
    embedder
        The embedder that made ``embeddings``; other than multilingual ones are left as they are.
    embeddings
        One row per text.
    texts
        The texts (their languages are detected when ``languages`` is None and ``means`` given).
    languages
        Language code per text; None with no ``means``: nothing to do.
    means
        Means learned before (`rca.themes.vectors.language_means`); learned from ``embeddings``
        when None.

    Returns
    -------
    embeddings, means
        The centred, unit-length vectors (or ``embeddings`` unchanged) and the means used.
    """
    if not is_multilingual(embedder) or not len(embeddings):
        return embeddings, {}
    if means is None:
        if languages is None:
            return embeddings, {}
        means = language_means(embeddings, languages, MIN_LANGUAGE_TEXTS)
    elif not means:
        return embeddings, {}
    langs = detect_languages(texts) if languages is None else languages
    return center_by_language(embeddings, langs, means), dict(means)
