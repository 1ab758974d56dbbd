"""How a theme is described: c-TF-IDF keywords from BERTopic, a short label, the theme table.

`rca.themes.model.ThemeModel` clusters the texts itself and hands its clusters to BERTopic in
manual mode (`keyword_model`), which only computes each theme's c-TF-IDF keywords. `theme_label`
names a theme from its keywords and `theme_info` builds ``ThemeModel.theme_info_``: one row per
theme with its label, size, keywords and the texts closest to its centroid.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["STOP_WORDS", "keyword_model", "theme_info", "theme_label"]

#: Domain stop words on top of scikit-learn's English list: redaction placeholders, publishers'
#: ``XXXX`` masks and filler that support text is full of.
STOP_WORDS: frozenset[str] = frozenset(
    {
        "xxxx", "xx", "xxx", "email", "phone", "url", "handle", "card", "number",
        "hi", "hello", "thanks", "thank", "pls", "please", "im", "ive", "dont", "didnt",
        "doesnt", "cant", "wont", "u", "ur", "ok", "okay", "just", "really", "also", "got",
        "get", "would", "could", "one", "still", "yet", "even",
    }
)  # fmt: skip


def keyword_model(verbose: bool = False) -> Any:
    """Return BERTopic in manual mode: our clusters in, c-TF-IDF keywords out.

    Parameters
    ----------
    verbose
        Show BERTopic's progress.

    Returns
    -------
    BERTopic
        Unfitted; ``fit_transform(texts, embeddings=..., y=labels)`` keeps the given labels.
    """
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    stop = sorted(ENGLISH_STOP_WORDS | STOP_WORDS)
    # BERTopic fits this on one concatenated document per theme: min_df counts themes, so it
    # must be 1 or words unique to a theme (its best keywords) would be pruned.
    vectorizer = CountVectorizer(
        stop_words=stop, ngram_range=(1, 2), min_df=1,
        token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b",
    )  # fmt: skip
    return _keywords_only_bertopic()(
        embedding_model=None,
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=vectorizer,
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        calculate_probabilities=False,
        verbose=verbose,
    )


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
