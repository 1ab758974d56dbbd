"""How a theme is described: c-TF-IDF keywords from BERTopic, a short label, the theme table.

`rca.themes.model.ThemeModel` clusters the texts itself and hands its clusters to BERTopic in
manual mode (`keyword_model`), which only computes each theme's c-TF-IDF keywords, from each
text's content words in its own language (`keyword_documents`, `rca.text.tokens`). `theme_label`
names a theme from its keywords and `theme_info` builds ``ThemeModel.theme_info_``: one row per
theme with its label, size, keywords and the texts closest to its centroid.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from rca.text.tokens import DOMAIN_STOP_WORDS, ngrams, tokenize_texts

__all__ = [
    "STOP_WORDS",
    "KeywordAnalyzer",
    "fit_keywords",
    "keyword_documents",
    "keyword_model",
    "theme_info",
    "theme_label",
]

#: Domain stop words on top of scikit-learn's English list (kept here for existing imports).
STOP_WORDS: frozenset[str] = DOMAIN_STOP_WORDS

# Separates texts in a keyword document; BERTopic joins a theme's documents with spaces, and
# `KeywordAnalyzer` forms n-grams within each text only.
_TEXT_START = "\x1f"


def keyword_documents(texts: Sequence[str], languages: Sequence[str] | None = None) -> list[str]:
    """Return each text as its content words in its own language, ready for `keyword_model`.

    Parameters
    ----------
    texts
        The texts.
    languages
        ISO 639-1 code of each text; detected (`rca.text.language.detect_languages`) when None.

    Returns
    -------
    list of str
        One document per text: a start mark then the words of
        `rca.text.tokens.tokenize_texts` (stop words removed), space-separated.
    """
    return [_TEXT_START + " ".join(words) for words in tokenize_texts(texts, languages)]


class KeywordAnalyzer:
    """CountVectorizer analyzer: unigrams and bigrams of each text's content words.

    Documents from `keyword_documents` (one text, or a theme's texts joined by BERTopic) are
    split at each text's start mark, so no bigram spans two texts. Any other string is a raw
    text: its language is detected and it is tokenized first (cached), so that e.g. the NPMI of
    ``benchmarks/topics.py`` counts the same words as the keywords.
    """

    def __init__(self) -> None:
        self._raw: dict[str, list[str]] = {}

    def __call__(self, doc: str) -> list[str]:
        """Return the unigrams and bigrams of ``doc``'s texts."""
        if _TEXT_START in doc:
            texts = [part.split() for part in doc.split(_TEXT_START)]
        else:
            if doc not in self._raw:
                self._raw[doc] = tokenize_texts([doc])[0]
            texts = [self._raw[doc]]
        return [gram for words in texts for gram in ngrams(words, 2)]

    def __getstate__(self) -> dict[str, Any]:
        return {"_raw": {}}

    def __repr__(self) -> str:
        return "KeywordAnalyzer()"


def keyword_model(verbose: bool = False) -> Any:
    """Return BERTopic in manual mode: our clusters in, c-TF-IDF keywords out.

    Fit it on `keyword_documents`, not on the raw texts (`fit_keywords` does both).

    Parameters
    ----------
    verbose
        Show BERTopic's progress.

    Returns
    -------
    BERTopic
        Unfitted; ``fit_transform(keyword_documents(texts), embeddings=..., y=labels)`` keeps
        the given labels.
    """
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    # BERTopic fits this on one concatenated document per theme: min_df counts themes, so it
    # must be 1 or words unique to a theme (its best keywords) would be pruned. Stop words are
    # removed per text and language by `keyword_documents`, before the bigrams are formed.
    vectorizer = CountVectorizer(analyzer=KeywordAnalyzer(), min_df=1, token_pattern=None)
    return _keywords_only_bertopic()(
        embedding_model=None,
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=vectorizer,
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        calculate_probabilities=False,
        # Any value but "english": BERTopic then keeps non-ASCII letters (Thai, "não", "của").
        language="multilingual",
        verbose=verbose,
    )


def fit_keywords(
    texts: Sequence[str],
    embeddings: np.ndarray,
    labels: np.ndarray,
    languages: Sequence[str] | None = None,
    verbose: bool = False,
) -> tuple[Any, np.ndarray]:
    """Fit `keyword_model` on the texts' words in their own languages.

    Parameters
    ----------
    texts
        The texts.
    embeddings
        One vector per text (BERTopic keeps the theme means).
    labels
        Theme of each text, ``-1`` unassigned.
    languages
        ISO 639-1 code of each text; detected when None.
    verbose
        Show BERTopic's progress.

    Returns
    -------
    tuple
        The fitted BERTopic and the labels it kept (the same as ``labels``).
    """
    model = keyword_model(verbose)
    assigned, _ = model.fit_transform(
        keyword_documents(texts, languages), embeddings=embeddings, y=labels
    )
    return model, np.asarray(assigned, dtype=int)


@functools.cache
def _keywords_only_bertopic() -> type:
    """BERTopic without its own pick of representative documents.

    Themes quote their texts closest to the centroid instead (``theme_info_["examples"]``), so
    BERTopic's pick (c-TF-IDF of 500 sampled texts per theme) was never read, and it took 1.3 s
    of a 13,000-text fit.
    """
    from bertopic import BERTopic

    class KeywordsOnly(BERTopic):
        def _save_representative_docs(self, documents: pd.DataFrame) -> None:
            self.representative_docs_: dict[int, list[str]] = {}

    return KeywordsOnly


def theme_label(keywords: Sequence[str], n: int = 3) -> str:
    """Join the top ``n`` keywords, skipping any whose words the label already has.

    Parameters
    ----------
    keywords
        The theme's keywords, best first.
    n
        Number of keywords in the label.

    Returns
    -------
    str
        E.g. ``"Refund / money back / card"``; ``"Unlabelled"`` without keywords.
    """
    chosen: list[str] = []
    seen: set[str] = set()
    for kw in keywords:
        words = set(kw.split())
        if not kw or words <= seen:
            continue
        chosen.append(kw)
        seen |= words
        if len(chosen) == n:
            break
    return " / ".join(chosen).capitalize() if chosen else "Unlabelled"


def theme_info(
    themes: np.ndarray, confidence: np.ndarray, texts: Sequence[str], keywords: Any
) -> pd.DataFrame:
    """Describe each theme: label, size, top 10 keywords and the 3 most typical texts.

    Parameters
    ----------
    themes
        Theme of each text; ``-1`` is unassigned.
    confidence
        Similarity of each text to its theme's centroid; the examples are the highest.
    texts
        The texts, in the order of ``themes``.
    keywords
        The fitted `keyword_model`, or None when no text has a theme.

    Returns
    -------
    DataFrame
        ``theme_id``, ``theme_label``, ``size``, ``keywords`` (comma-separated), ``examples``
        (list of texts), largest theme first (ties by id); ``-1`` is labelled ``Unassigned``.
    """
    rows = []
    sizes = pd.Series(themes).value_counts()
    for t in sorted(sizes.index):
        if t == -1:
            words: list[str] = []
            label = "Unassigned"
        else:
            scored = keywords.get_topic(int(t)) if keywords is not None else []
            words = [w for w, _ in (scored or [])][:10]
            label = theme_label(words)
        members = np.flatnonzero(themes == t)
        best = members[np.argsort(-confidence[members], kind="stable")][:3]
        rows.append(
            {
                "theme_id": int(t),
                "theme_label": label,
                "size": int(sizes[t]),
                "keywords": ", ".join(words),
                "examples": [texts[i] for i in best],
            }
        )
    info = pd.DataFrame(rows, columns=["theme_id", "theme_label", "size", "keywords", "examples"])
    return info.sort_values(["size", "theme_id"], ascending=[False, True]).reset_index(drop=True)
